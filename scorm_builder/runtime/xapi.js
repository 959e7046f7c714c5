/* scorm-builder runtime for xAPI (TinCan launch): the step reports to a Learning Record Store.
 * Needs runtime/xapi-core.js first. Registers a backend factory for assets/step.js when the page
 * was launched with an `endpoint` (TinCan launch convention); otherwise step.js falls back to
 * runtime/local.js. See runtime/README.md for the statements and documents it writes.
 */
(function () {
  "use strict";
  var X = window.ScormBuilderXapi;
  if (!X) { return; }

  var COURSE_STATE = "scorm-builder.course";
  var TYPES = {
    course: "http://adlnet.gov/expapi/activities/course",
    step: "http://adlnet.gov/expapi/activities/lesson"
  };
  var current = null;   // this page's backend: in-package links finish it before leaving

  function launch(search) {
    var p = X.params(search);
    if (!p.endpoint) { return null; }
    return {
      endpoint: X.endpoint(p.endpoint), auth: p.auth || "", actor: X.actor(p.actor),
      registration: p.registration || null, activityId: p.activity_id || null, grouping: p.grouping || null
    };
  }

  function createBackend(l, pageData) {
    pageData = pageData || {};
    var a = X.activities(pageData);
    var course = l.activityId || a.course;    // the LMS's activity id wins: Moodle checks completed against it
    var lrs = X.client(l.endpoint, l.auth);

    function context(parent, extra) {
      var c = {contextActivities: {}};
      if (l.registration) { c.registration = l.registration; }
      var ca = c.contextActivities;
      if (parent === "course") {
        ca.parent = [X.ref(course)];
      } else {
        ca.parent = [X.ref(a.step)];
        ca.grouping = [X.ref(course)];
      }
      if (l.grouping) { ca.grouping = (ca.grouping || []).concat([X.ref(l.grouping)]); }
      Object.keys(extra || {}).forEach(function (k) { c[k] = extra[k]; });
      return c;
    }

    function base(v, object, ctx, result) {
      var s = {actor: l.actor, verb: X.verb(v), object: object, context: ctx};
      if (result) { s.result = result; }
      return s;
    }

    function stepObject() { return X.activity(a.step, TYPES.step, a.lang, a.stepName, a.stepDescription); }

    function statement(kind, parts) {
      if (kind === "initialized") { return base("initialized", stepObject(), context("course")); }
      if (kind === "completed") {
        return base("completed", stepObject(), context("course"), {completion: true, duration: parts.duration});
      }
      if (kind === "terminated") { return base("terminated", stepObject(), context("course"), {duration: parts.duration}); }
      if (kind === "answered") {
        if (!a.reflection) { return null; }
        return base("answered", X.reflectionObject(a, pageData), context("step", {language: a.lang}),
                    {response: parts.response, duration: parts.duration});
      }
      if (kind === "video") {
        if (!a.media) { return null; }
        var ctx = context("step", {extensions: parts.extensions});
        ctx.contextActivities.category = [X.clone(X.VIDEO_CATEGORY)];
        return base(parts.verb, X.videoObject(a), ctx, parts.result);
      }
      return null;
    }

    /* The course is complete once every step's `completed` is recorded: a course-level State
       document lists the completed steps, and its flag keeps the course's `completed` to one. */
    function completed() {
      return lrs.getState(course, l.actor, l.registration, COURSE_STATE).then(function (r) {
        if (r.status !== 404 && !(r.status >= 200 && r.status < 300)) { return []; }
        var doc = r.body && typeof r.body === "object" ? r.body : {};
        var done = Array.isArray(doc.steps) ? doc.steps : [];
        if (done.indexOf(a.step) < 0) { done.push(a.step); }
        doc.steps = done;
        var out = [];
        if (!doc.completed && a.steps.every(function (s) { return done.indexOf(s) >= 0; })) {
          doc.completed = true;
          var ctx = context("course");
          ctx.contextActivities = {other: [X.ref(a.step)]};   // the step whose completion finished it
          if (l.grouping) { ctx.contextActivities.grouping = [X.ref(l.grouping)]; }
          out.push(base("completed", X.activity(course, TYPES.course, a.lang, a.courseName, a.courseDescription), ctx,
                        {completion: true}));
        }
        return lrs.putState(course, l.actor, l.registration, COURSE_STATE, doc).then(function () { return out; });
      });
    }

    function start() {
      if (!l.actor) {
        return {error: "The link that opened this step did not say who you are (its actor is missing or not readable), " +
          "so nothing can be recorded. Open the step again from your course."};
      }
      return {
        lrs: lrs, actor: l.actor, registration: l.registration, stateActivity: a.step, mode: "Normal",
        // statement bodies only (never the credentials); leftovers go out on the next launch
        queueKey: "scorm-builder:xapi-queue:" + (l.registration || "none") + ":" + course
      };
    }

    var backend = X.tracker("xapi", pageData, {launch: start, statement: statement, completed: completed});
    backend.courseId = course;
    /* open() also answers progress: the ids of the steps the course State document lists as
       completed (step.js shows "k of M steps done"); without that document, no progress. */
    var trackerOpen = backend.open;
    backend.open = function () {
      return Promise.resolve(trackerOpen()).then(function (out) {
        if (!out || out.error || !l.actor) { return out; }
        return lrs.getState(course, l.actor, l.registration, COURSE_STATE).then(function (r) {
          var listed = r.status >= 200 && r.status < 300 && r.body && Array.isArray(r.body.steps) ? r.body.steps : [];
          var ids = pageData.steps || [];
          out.progress = ids.filter(function (id, i) { return listed.indexOf((a.steps || [])[i]) >= 0; });
          return out;
        }, function () { return out; });
      });
    };
    return backend;
  }

  /* In-package navigation keeps the launch parameters, and finishes this page's session first so
     that its statements leave before the next page starts sending. */
  function carryLaunch() {
    var search = window.location.search;
    if (!launch(search)) { return; }
    [].forEach.call(document.querySelectorAll("a[href]"), function (link) {
      var href = link.getAttribute("href");
      if (!/^[^:?#\/]+\.html(#.*)?$/i.test(href)) { return; }   // relative page links only
      var hash = href.indexOf("#") >= 0 ? href.slice(href.indexOf("#")) : "";
      link.setAttribute("href", href.split("#")[0] + search + hash);
      link.addEventListener("click", function (e) {
        if (!current || e.defaultPrevented || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
        e.preventDefault();
        var go = function () { window.location.href = link.href; };
        Promise.race([Promise.resolve(current.finish()), new Promise(function (r) { setTimeout(r, 4000); })]).then(go, go);
      });
    });
  }
  /* On the contents page (no step of its own), the course State document says which steps are done. */
  function contentsProgress() {
    var l = launch(window.location.search), el = document.getElementById("sb-data"), data = null;
    try { data = el ? JSON.parse(el.textContent) : null; } catch (e) { data = null; }
    if (!l || !l.actor || !data || data.activity || !Array.isArray(data.activitySteps)) { return; }
    X.client(l.endpoint, l.auth).getState(l.activityId || data.courseIri, l.actor, l.registration, COURSE_STATE)
      .then(function (r) {
        var listed = r.status >= 200 && r.status < 300 && r.body && Array.isArray(r.body.steps) ? r.body.steps : [];
        var done = {};
        (data.steps || []).forEach(function (id, i) { if (listed.indexOf(data.activitySteps[i]) >= 0) { done[id] = true; } });
        if (window.ScormBuilderContents) { window.ScormBuilderContents.mark(done); }
      });
  }
  function ready() { carryLaunch(); contentsProgress(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); }
  else { ready(); }

  window.ScormBuilderXapiLaunch = {launch: launch, createBackend: createBackend};

  (window.ScormBuilderBackends = window.ScormBuilderBackends || []).push(function (pageData) {
    var l = launch(window.location.search);
    if (!l) { return null; }
    current = createBackend(l, pageData || {});
    return current;
  });
}());
