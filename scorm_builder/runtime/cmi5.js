/* scorm-builder runtime for cmi5: the step is an Assignable Unit launched by a cmi5 LMS.
 * Needs runtime/xapi-core.js first. Follows the AU launch sequence (specs.md 6.2): POST the fetch
 * URL once for the token, read LMS.LaunchData and the learner preferences, then initialized ...
 * terminated. Registers a backend factory for assets/step.js when the page was launched with
 * `endpoint` and `fetch`; otherwise step.js falls back to runtime/local.js.
 */
(function () {
  "use strict";
  var X = window.ScormBuilderXapi;
  if (!X) { return; }

  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  function N_(s) { return s; }   // marks a message for the catalogue; step.js shows it translated
  var NOTICES = {
    Browse: N_("You are browsing this step: your answer is kept as a draft and the step is not marked complete."),
    Review: N_("You are reviewing this step: changes are not saved."),
    Ended: N_("This visit to the step has ended (the page was reloaded or left), so nothing more can be recorded in it. To carry on, close this window and open the step again from your course.")
  };
  var FETCH_ERRORS = {   // cmi5 9.2: the fetch URL's error-code values, in plain words
    "1": "This launch link has already been used or has expired.",
    "2": "The learning platform refused this launch for security reasons.",
    "3": "The learning platform could not start this step."
  };
  var AGAIN = " Close this window and open the step again from your course.";

  function launch(search) {
    var p = X.params(search);
    if (!p.endpoint || !p.fetch) { return null; }
    return {endpoint: X.endpoint(p.endpoint), fetch: p.fetch, actor: X.actor(p.actor),
            registration: p.registration || "", activityId: p.activityId || ""};
  }

  function tokenKey(l) { return "scorm-builder:cmi5-token:" + l.fetch; }

  /* The fetch URL works once: the token is kept for this browser tab (sessionStorage) so that a
     reload of the same launch does not ask again (and get refused). {token, ended}: ended once this
     launch's session has sent terminated; cmi5 accepts nothing after that in the session. */
  function token(l) {
    var cached = X.load(tokenKey(l), "session");
    if (cached && typeof cached.token === "string") { return Promise.resolve(cached); }
    return fetch(l.fetch, {method: "POST", credentials: "omit", cache: "no-store"}).then(function (res) {
      return res.text().then(function (t) {
        var body = null;
        try { body = JSON.parse(t); } catch (e) { body = null; }
        if (body && typeof body["auth-token"] === "string" && body["auth-token"]) {
          var kept = {token: body["auth-token"], ended: false};
          X.keep(tokenKey(l), kept, "session");
          return kept;
        }
        var code = body && body["error-code"] != null ? String(body["error-code"]) : "";
        throw new Error((FETCH_ERRORS[code] || "The learning platform did not give this step its access key (HTTP " + res.status + ").") + AGAIN);
      });
    }, function () { throw new Error("The learning platform could not be reached to start this step." + AGAIN); });
  }

  function createBackend(l, pageData) {
    pageData = pageData || {};
    var a = X.activities(pageData);
    var lrs = null, template = {}, mode = "Normal", returnURL = "", authToken = "";
    var backend = null;

    function context(defined, moveon) {
      var c = X.clone(template) || {};              // never overwrite the LMS's values: add to them
      c.registration = l.registration;
      var ca = c.contextActivities = c.contextActivities || {};
      if (defined) {
        ca.category = (ca.category || []).concat([X.ref(CMI5)]);
        if (moveon) { ca.category.push(X.ref(MOVEON)); }
      } else {
        ca.parent = (ca.parent || []).concat([X.ref(l.activityId)]);
      }
      return c;
    }

    function base(v, object, ctx, result) {
      var s = {actor: l.actor, verb: X.verb(v), object: object, context: ctx};
      if (result) { s.result = result; }
      return s;
    }

    function statement(kind, parts) {
      var au = X.ref(l.activityId);
      if (kind === "initialized") { return base("initialized", au, context(true)); }
      if (kind === "completed") {
        if (mode !== "Normal") { return null; }
        return base("completed", au, context(true, true), {completion: true, duration: parts.duration});
      }
      if (kind === "terminated") {
        X.keep(tokenKey(l), {token: authToken, ended: true}, "session");
        return base("terminated", au, context(true), {duration: parts.duration});
      }
      if (kind === "answered") {
        if (!a.reflection) { return null; }
        var ctx = context(false);
        ctx.language = a.lang;
        return base("answered", X.reflectionObject(a, pageData), ctx, {response: parts.response, duration: parts.duration});
      }
      if (kind === "video") {
        // The Video Profile's `completed` would read as the AU's own cmi5 `completed` to some LMSs.
        if (!a.media || parts.verb === "completed") { return null; }
        var vc = context(false);
        vc.contextActivities.category = (vc.contextActivities.category || []).concat([X.clone(X.VIDEO_CATEGORY)]);
        vc.extensions = vc.extensions || {};
        Object.keys(parts.extensions || {}).forEach(function (k) { vc.extensions[k] = parts.extensions[k]; });
        return base(parts.verb, X.videoObject(a), vc, parts.result);
      }
      return null;
    }

    function start() {
      if (!l.actor || !l.activityId || !l.registration) {
        return {error: "The link that opened this step is incomplete (learner, activity or registration missing)." + AGAIN};
      }
      var ended = false;
      return token(l).then(function (t) {
        authToken = t.token;
        ended = !!t.ended;
        lrs = X.client(l.endpoint, "Basic " + t.token);
        return lrs.getState(l.activityId, l.actor, l.registration, "LMS.LaunchData");
      }).then(function (r) {
        if (r.status === 401 || r.status === 403) { return {error: X.AUTH_MESSAGE}; }
        if (!(r.status >= 200 && r.status < 300) || !r.body || typeof r.body !== "object") {
          return {error: "The learning platform did not give this step its launch settings (HTTP " + r.status + ")." + AGAIN};
        }
        var data = r.body;
        template = data.contextTemplate && typeof data.contextTemplate === "object" ? data.contextTemplate : {};
        mode = data.launchMode === "Browse" || data.launchMode === "Review" ? data.launchMode : "Normal";
        returnURL = typeof data.returnURL === "string" ? data.returnURL : "";
        // Learner preferences: read as the launch sequence asks (404 is fine). The course has one
        // language, so languagePreference changes nothing yet; audioPreference "off" mutes the media.
        return lrs.getAgentProfile(l.actor, "cmi5LearnerPreferences").then(function (pr) {
          var prefs = pr.status >= 200 && pr.status < 300 && pr.body && typeof pr.body === "object" ? pr.body : {};
          backend.preferences = prefs;
          if (prefs.audioPreference === "off") {
            var m = document.getElementById("sb-media");
            if (m) { m.muted = true; }
          }
          var ctx = {lrs: lrs, actor: l.actor, registration: l.registration, stateActivity: l.activityId, mode: mode,
                     queueKey: "scorm-builder:xapi-queue:" + l.registration + ":" + l.activityId};
          if (NOTICES[mode]) { ctx.notice = NOTICES[mode]; }
          if (ended) {                                 // a reload after terminated: read, show, send nothing
            ctx.mode = "Review";
            ctx.silent = true;
            ctx.notice = NOTICES.Ended;
          }
          backend.launchData = data;
          return ctx;
        });
      }, function (e) { return {error: String((e && e.message) || e)}; });
    }

    function exit() {                               // Finish: after terminated, back to the LMS
      if (returnURL) { window.location.href = returnURL; }
    }

    backend = X.tracker("cmi5", pageData, {launch: start, statement: statement, exit: exit});
    return backend;
  }

  window.ScormBuilderCmi5 = {launch: launch, createBackend: createBackend};

  (window.ScormBuilderBackends = window.ScormBuilderBackends || []).push(function (pageData) {
    var l = launch(window.location.search);
    return l ? createBackend(l, pageData || {}) : null;
  });
}());
