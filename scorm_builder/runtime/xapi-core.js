/* scorm-builder runtime: what the xAPI (TinCan) and cmi5 adapters share.
 * Formats (UUID, ISO 8601 durations, UTC timestamps), actor and endpoint normalisation, a small LRS
 * client, the durable statement queue (specs.md 7.2), the xAPI Video Profile, and the tracker that
 * maps the step.js contract (open/save/submit/finish/media) onto statements and State documents.
 * xapi.js and cmi5.js supply only what differs: the launch, the statement context, the rules.
 * Exposed as window.ScormBuilderXapi. Plain ES5 style, no dependencies, nothing loaded from elsewhere.
 */
(function () {
  "use strict";

  var VERSION = "1.0.3";
  var BATCH = 10;                  // statements per POST
  var KEEPALIVE_BUDGET = 60000;    // bytes: browsers allow about 64 KB in flight for keepalive requests
  var REQUEST_TIMEOUT_MS = 20000;
  var FLUSH_EVERY_MS = 10000;      // timer flush while statements wait
  var BACKOFF_MS = [1000, 2000, 4000, 8000, 15000];
  var WAIT_ON_SUBMIT_MS = 8000;    // how long submit/finish wait for the LRS before saying "queued"
  var STATE_ID = "scorm-builder.step";
  var V = "http://adlnet.gov/expapi/verbs/";
  var VIDEO = "https://w3id.org/xapi/video/";
  function N_(s) { return s; }   // marks a message for the catalogue; step.js shows it translated
  var AUTH_MESSAGE = N_("The learning record store no longer accepts this session (your sign-in has expired or was refused). Your text is still on this page: copy it somewhere safe, then close this window and open the step again from your course.");
  var OFFLINE_MESSAGE = N_("the learning record store cannot be reached just now; your work is kept in this browser and will be sent when the connection is back");

  var VERBS = {
    initialized: V + "initialized", completed: V + "completed", terminated: V + "terminated",
    answered: V + "answered",
    played: VIDEO + "verbs/played", paused: VIDEO + "verbs/paused", seeked: VIDEO + "verbs/seeked"
  };

  /* ---------- formats ---------- */

  function uuid() {                             // RFC 4122 version 4
    var b = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) { window.crypto.getRandomValues(b); }
    else { for (var i = 0; i < 16; i++) { b[i] = Math.floor(Math.random() * 256); } }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = [];
    for (var j = 0; j < 16; j++) { h.push((b[j] + 0x100).toString(16).slice(1)); }
    h = h.join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function duration(ms) {                       // ISO 8601, hundredths of a second at most: PT1H2M3.45S
    var cs = Math.max(0, Math.round((Number(ms) || 0) / 10));
    var h = Math.floor(cs / 360000);
    var m = Math.floor(cs / 6000) % 60;
    var s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + (s || (!h && !m) ? String(s) + "S" : "");
  }

  function timestamp(d) { return (d || new Date()).toISOString(); }   // UTC with milliseconds

  function seconds(t) { return Math.round((Number(t) || 0) * 1000) / 1000; }

  function endpoint(url) {                       // exactly one trailing slash
    url = String(url || "").trim();
    return url ? url.replace(/\/+$/, "") + "/" : "";
  }

  function params(search) {
    var out = {};
    String(search || "").replace(/^\?/, "").split("&").forEach(function (pair) {
      if (!pair) { return; }
      var eq = pair.indexOf("=");
      var k = eq < 0 ? pair : pair.slice(0, eq);
      var v = eq < 0 ? "" : pair.slice(eq + 1);
      try { out[decodeURIComponent(k.replace(/\+/g, " "))] = decodeURIComponent(v.replace(/\+/g, " ")); }
      catch (e) { /* a malformed pair is skipped */ }
    });
    return out;
  }

  function first(v) { return Array.isArray(v) ? v[0] : v; }

  /* An xAPI 1.0 Agent, or the older TinCan form with one-element arrays
     ({"name": ["Ann"], "mbox": ["mailto:..."], "account": [{"accountServiceHomePage", "accountName"}]}).
     Returns an Agent with exactly one identifier, or null. */
  function actor(raw) {
    var a = raw;
    if (typeof raw === "string") { try { a = JSON.parse(raw); } catch (e) { return null; } }
    if (!a || typeof a !== "object") { return null; }
    var out = {objectType: "Agent"};
    var name = first(a.name);
    if (typeof name === "string" && name) { out.name = name; }
    var mbox = first(a.mbox), sha = first(a.mbox_sha1sum), openid = first(a.openid), acc = first(a.account);
    if (typeof mbox === "string" && mbox) { out.mbox = /^mailto:/i.test(mbox) ? mbox : "mailto:" + mbox; }
    else if (typeof sha === "string" && sha) { out.mbox_sha1sum = sha; }
    else if (typeof openid === "string" && openid) { out.openid = openid; }
    else if (acc && typeof acc === "object") {
      var home = acc.homePage || acc.accountServiceHomePage, nm = acc.name || acc.accountName;
      if (!home || nm == null || nm === "") { return null; }
      out.account = {homePage: String(home), name: String(nm)};
    } else { return null; }
    return out;
  }

  function clone(v) { return v == null ? v : JSON.parse(JSON.stringify(v)); }

  function langMap(lang, text) { var m = {}; m[lang || "und"] = String(text || ""); return m; }

  function utf8Bytes(s) {
    try { return new Blob([s]).size; } catch (e) { return unescape(encodeURIComponent(s)).length; }
  }

  function response(text) {                      // "[,]" separates list items in fill-in responses
    return String(text == null ? "" : text).replace(/\r\n?/g, "\n").split("[,]").join("[ ,]");
  }

  function store(kind) {
    try { return kind === "session" ? window.sessionStorage : window.localStorage; } catch (e) { return null; }
  }
  function load(key, kind) {
    try { var raw = store(kind).getItem(key); return raw ? JSON.parse(raw) : null; } catch (e) { return null; }
  }
  function keep(key, value, kind) {
    try {
      if (value == null) { store(kind).removeItem(key); } else { store(kind).setItem(key, JSON.stringify(value)); }
      return true;
    } catch (e) { return false; }
  }

  /* pageData.activity (set by the xapi and cmi5 targets), with the documented defaults when a page
     was built without it: course https://scorm-builder.invalid/courses/<course-id>, step
     <course>/steps/<step-id>, reflection <step>/reflection, media <step>/media. */
  function activities(pageData) {
    var a = pageData.activity || {};
    var course = a.course || "https://scorm-builder.invalid/courses/" + encodeURIComponent(pageData.courseId || "course");
    var step = a.step || course + "/steps/" + encodeURIComponent(pageData.stepId || "step");
    return {
      course: course, step: step,
      courseName: a.courseName || pageData.courseTitle || "", courseDescription: a.courseDescription || "",
      stepName: a.stepName || pageData.stepTitle || "", stepDescription: a.stepDescription || "",
      reflection: a.reflection !== undefined ? a.reflection : (pageData.prompt ? step + "/reflection" : null),
      media: a.media !== undefined ? a.media : step + "/media",
      steps: a.steps && a.steps.length ? a.steps : [step],
      lang: a.lang || pageData.language || "en"
    };
  }

  function activity(id, type, lang, name, description) {
    var def = {type: type};
    if (name) { def.name = langMap(lang, name); }
    if (description) { def.description = langMap(lang, description); }
    return {objectType: "Activity", id: id, definition: def};
  }

  function ref(id) { return {objectType: "Activity", id: id}; }

  function verb(key) {
    var id = VERBS[key];
    return {id: id, display: {"en-US": id.split("/").pop()}};
  }

  /* A message in the course's language (page_data.i18n, as step.js reads it; English without it). */
  function tr(pageData, s) { var m = pageData.i18n && pageData.i18n.messages; return (m && m[s]) || s; }

  /* The parts of an answered / video statement that both standards share. */
  function reflectionObject(a, pageData) {
    var def = {type: "http://adlnet.gov/expapi/activities/cmi.interaction", interactionType: "long-fill-in",
               name: langMap(a.lang, tr(pageData, N_("Reflection: %(title)s")).replace("%(title)s", function () { return a.stepName; }))};
    if (pageData.prompt) { def.description = langMap(a.lang, pageData.prompt); }
    return {objectType: "Activity", id: a.reflection, definition: def};
  }

  function videoObject(a) {
    return activity(a.media, VIDEO + "activity-type/video", a.lang, a.stepName);
  }

  var VIDEO_CATEGORY = {objectType: "Activity", id: "https://w3id.org/xapi/video",
                        definition: {type: "http://adlnet.gov/expapi/activities/profile"}};

  /* ---------- LRS client ---------- */

  function client(base, authorization) {
    base = endpoint(base);
    function url(resource, query) {
      var q = Object.keys(query || {}).filter(function (k) { return query[k] != null; }).map(function (k) {
        var v = query[k];
        return encodeURIComponent(k) + "=" + encodeURIComponent(typeof v === "string" ? v : JSON.stringify(v));
      });
      return base + resource + (q.length ? "?" + q.join("&") : "");
    }
    function headers() {
      var h = {"X-Experience-API-Version": VERSION, "Content-Type": "application/json"};
      if (authorization) { h.Authorization = authorization; }   // verbatim, as the launch gave it
      return h;
    }
    /* Resolves {status, body} whatever the outcome; status 0 = no answer (network, timeout). */
    function request(method, resource, query, body, opts) {
      opts = opts || {};
      var init = {method: method, headers: headers(), credentials: "omit", cache: "no-store"};
      if (body !== undefined) { init.body = typeof body === "string" ? body : JSON.stringify(body); }
      if (opts.keepalive) { init.keepalive = true; }
      var ctrl = !opts.keepalive && window.AbortController ? new AbortController() : null;
      var timer = 0;
      if (ctrl) { init.signal = ctrl.signal; timer = setTimeout(function () { ctrl.abort(); }, REQUEST_TIMEOUT_MS); }
      return fetch(url(resource, query), init).then(function (res) {
        return res.text().then(function (t) {
          var parsed = null;
          try { parsed = t ? JSON.parse(t) : null; } catch (e) { parsed = t; }
          return {status: res.status, body: parsed};
        }, function () { return {status: res.status, body: null}; });
      }, function () { return {status: 0, body: null}; }).then(function (r) { clearTimeout(timer); return r; });
    }
    return {
      request: request,
      getState: function (activityId, agent, registration, stateId) {
        return request("GET", "activities/state", {activityId: activityId, agent: agent, registration: registration, stateId: stateId})
          .then(function (r) { return r.status === 404 ? {status: 404, body: null} : r; });
      },
      putState: function (activityId, agent, registration, stateId, doc, opts) {
        return request("PUT", "activities/state", {activityId: activityId, agent: agent, registration: registration, stateId: stateId}, doc, opts);
      },
      getAgentProfile: function (agent, profileId) {
        return request("GET", "agents/profile", {agent: agent, profileId: profileId});
      },
      postStatements: function (list, opts) { return request("POST", "statements", null, list, opts); }
    };
  }

  function ok(status) { return status >= 200 && status < 300; }
  function authFailure(status) { return status === 401 || status === 403; }
  function transient(status) { return status === 0 || status === 408 || status === 429 || status >= 500; }

  /* ---------- durable statement queue (specs.md 7.2) ----------
   * Statements get their id and timestamp when they are made and are written to localStorage
   * (bodies only: the credentials are never stored) before the first send; they leave the queue
   * only when the LRS has them. Report counters are kept for tests and diagnostics.
   */
  function queue(lrs, key, hooks) {
    hooks = hooks || {};
    var items = load(key) || [];
    if (!Array.isArray(items)) { items = []; }
    var running = null, again = false, blocked = null, tries = 0, retryTimer = 0, tickTimer = 0;
    var inflight = [];               // ids of the POST under way (a tab close does not send them twice)
    var stats = {queued: 0, sent: 0, rejected: 0, posts: 0, failures: 0, fromEarlier: items.length};

    function persist() { return keep(key, items.length ? items : null); }
    function drop(ids) {
      items = items.filter(function (s) { return ids.indexOf(s.id) < 0; });
      persist();
    }
    function schedule() {
      clearTimeout(retryTimer);
      var wait = BACKOFF_MS[Math.min(tries, BACKOFF_MS.length - 1)];
      tries++;
      retryTimer = setTimeout(flush, wait);
    }
    function post(list) {
      stats.posts++;
      inflight = list.map(function (s) { return s.id; });
      return lrs.postStatements(list).then(function (r) {
        inflight = [];
        if (!ok(r.status)) { stats.failures++; }
        return r;
      });
    }
    function stored(list) { stats.sent += list.length; drop(list.map(function (s) { return s.id; })); }
    function reject(s, r) {                      // never retried: a 400 would come back forever
      stats.rejected++;
      drop([s.id]);
      if (hooks.rejected) { hooks.rejected(s, r); }
    }
    function oneByOne(list) {                    // isolate the statement a batch was refused for
      var i = 0;
      function next() {
        if (i >= list.length) { return null; }
        var s = list[i++];
        return post([s]).then(function (r) {
          if (ok(r.status) || r.status === 409) { stored([s]); return next(); }   // 409: the LRS has that id
          if (authFailure(r.status) || transient(r.status)) { return r; }
          reject(s, r);
          return next();
        });
      }
      return Promise.resolve().then(next);
    }
    function step() {
      if (!items.length) { tries = 0; return Promise.resolve({ok: true}); }
      var batch = items.slice(0, BATCH);
      return post(batch).then(function (r) {
        if (ok(r.status)) { stored(batch); return null; }
        if (authFailure(r.status) || transient(r.status)) { return r; }
        if (batch.length === 1) {
          if (r.status === 409) { stored(batch); } else { reject(batch[0], r); }
          return null;
        }
        return oneByOne(batch);                  // 400, 409 or 413 on a batch
      }).then(function (r) {
        if (!r) { tries = 0; return step(); }
        if (authFailure(r.status)) {
          blocked = AUTH_MESSAGE;
          if (hooks.blocked) { hooks.blocked(AUTH_MESSAGE); }
          return {ok: false, error: AUTH_MESSAGE, auth: true};
        }
        schedule();
        return {ok: false, error: OFFLINE_MESSAGE, retry: true, status: r.status};
      });
    }
    function flush() {
      if (blocked) { return Promise.resolve({ok: false, error: blocked, auth: true}); }
      if (running) { again = true; return running; }
      clearTimeout(retryTimer);
      running = step().then(function (r) {
        running = null;
        if (again && r.ok) { again = false; return flush(); }
        again = false;
        return r;
      });
      return running;
    }
    function add(statement, hold) {              // hold: keep it for sendOnExit (tab closing)
      items.push(statement);
      stats.queued++;
      var kept = persist();
      if (!kept && hooks.unsaved) { hooks.unsaved(); }
      return hold ? Promise.resolve({ok: false, retry: true}) : flush();
    }
    /* Tab closing: one keepalive POST with what fits in the budget, oldest first. They stay queued
       until the answer is seen: the next launch resends them and the LRS keeps one copy per id. */
    function sendOnExit(budget) {
      if (blocked || !items.length) { return 0; }
      var list = [], size = 2;
      for (var i = 0; i < items.length; i++) {
        if (inflight.indexOf(items[i].id) >= 0) { continue; }
        var n = utf8Bytes(JSON.stringify(items[i])) + 1;
        if (size + n > budget) { break; }
        list.push(items[i]);
        size += n;
      }
      if (!list.length) { return 0; }
      stats.posts++;
      lrs.postStatements(list, {keepalive: true}).then(function (r) { if (ok(r.status)) { stored(list); } });
      return size;
    }
    tickTimer = setInterval(function () { if (items.length && !running && !blocked) { flush(); } }, FLUSH_EVERY_MS);
    window.addEventListener("online", function () { tries = 0; flush(); });
    document.addEventListener("visibilitychange", function () { flush(); });
    return {
      add: add, flush: flush, sendOnExit: sendOnExit,
      pending: function () { return items.slice(); },
      blocked: function () { return blocked; },
      stats: stats,
      stop: function () { clearInterval(tickTimer); clearTimeout(retryTimer); }
    };
  }

  /* ---------- xAPI Video Profile ----------
   * Keeps the played segments of one page session and makes the result/context parts of played,
   * paused, seeked and completed statements.
   */
  function videoSession() {
    var segments = [], from = null, session = uuid(), length = 0, completed = false;
    function close(at) {
      if (from !== null) {
        if (at > from) { segments.push([from, at]); }
        from = null;
      }
    }
    function progress() {
      if (!(length > 0)) { return 0; }
      var list = segments.slice().sort(function (a, b) { return a[0] - b[0]; });
      var total = 0, end = -1;
      list.forEach(function (s) {
        var a = Math.max(s[0], end);
        if (s[1] > a) { total += s[1] - a; }
        end = Math.max(end, s[1]);
      });
      return Math.min(1, Math.round(total / length * 1000) / 1000);
    }
    function played() {
      return segments.map(function (s) { return seconds(s[0]) + "[.]" + seconds(s[1]); }).join("[,]");
    }
    function ext(names, values) {
      var out = {};
      names.forEach(function (n, i) { out[VIDEO + "extensions/" + n] = values[i]; });
      return out;
    }
    function context() {
      return ext(["session-id", "length"], [session, seconds(length)]);
    }
    /* ev: {type: "play"|"pause"|"seeked"|"ended", time, length, from?} -> [{verb, result, context}] */
    function handle(ev) {
      if (ev.length > 0) { length = ev.length; }
      var t = seconds(ev.time), out = [];
      if (ev.type === "play") {
        from = t;
        out.push({verb: "played", result: {extensions: ext(["time"], [t])}});
      } else if (ev.type === "pause") {
        close(t);
        out.push({verb: "paused", result: {extensions: ext(["time", "progress", "played-segments"], [t, progress(), played()])}});
      } else if (ev.type === "seeked") {
        var was = from !== null, start = seconds(ev.from);
        close(start);
        if (was) { from = t; }
        out.push({verb: "seeked", result: {extensions: ext(["time-from", "time-to"], [start, t])}});
      } else if (ev.type === "ended") {
        close(t);
        if (!completed) {
          completed = true;
          out.push({verb: "completed", result: {completion: true,
            extensions: ext(["time", "progress", "played-segments"], [t, progress(), played()])}});
        }
      }
      return out;
    }
    return {handle: handle, context: context, progress: progress, played: played};
  }

  /* ---------- the tracker: the step.js contract over statements and State documents ----------
   * profile (from xapi.js / cmi5.js):
   *   launch(): Promise of {lrs, actor, registration, stateActivity, queueKey, mode?, notice?,
   *                         error?, silent?}   mode "Normal" | "Browse" | "Review" (Browse/Review:
   *                         no completed, no answered, no video statements; Review is read-only);
   *                         silent: send no statement at all (a cmi5 session that has ended)
   *   statement(kind, parts): the statement body (no id/timestamp) for kind "initialized",
   *     "completed", "terminated", "answered", "video"; parts carries result/verb/object data;
   *     null when the standard does not send that kind
   *   completed(doc): Promise of extra statement bodies once the step is completed (course rollup)
   *   exit(): called after a Finish (not a tab close) has sent terminated (cmi5 returnURL)
   */
  function tracker(name, pageData, profile) {
    pageData = pageData || {};
    var completion = pageData.completion === "viewed" ? "viewed" : "reflection-submitted";
    var ctx = null, q = null, live = false, finished = null, opened = null, startedAt = 0;
    var doc = null, lastState = null, unloading = false, video = videoSession();
    var writing = null, pendingDoc = null, mirrorKey = null;
    var refusedAnswer = false;        // the LRS refused (400) the answered statement: the learner must know

    var docKnown = false;             // the State document was read (or is known not to exist)

    function stamp(body) { body.id = uuid(); body.timestamp = timestamp(); return body; }
    function emit(kind, parts) {                  // null from the profile: not sent under this standard
      if (ctx.silent) { return Promise.resolve({ok: true}); }
      var body = profile.statement(kind, parts || {});
      return body ? q.add(stamp(body)) : Promise.resolve({ok: true});
    }
    function normal() { return ctx.mode === "Normal"; }

    function fromDoc(d) {
      if (!d) { return null; }
      return {draft: typeof d.draft === "string" ? d.draft : "", submitted: d.submitted || null, position: +d.position || 0};
    }
    function toDoc(state) {
      doc = doc || {};
      if (state) {
        doc.draft = typeof state.draft === "string" ? state.draft : "";
        doc.submitted = state.submitted || null;
        doc.position = +state.position || 0;
      }
      doc.savedAt = timestamp();
      return doc;
    }
    /* State PUTs: last writer wins, so one in flight and the newest waiting. A copy is kept in this
       browser until the LRS has it, for the next launch when the LRS cannot be reached. */
    function putDoc() {
      var body = clone(doc);
      body.unsent = true;
      keep(mirrorKey, body);
      if (writing) { pendingDoc = true; return writing; }
      writing = ctx.lrs.putState(ctx.stateActivity, ctx.actor, ctx.registration, STATE_ID, clone(doc)).then(function (r) {
        writing = null;
        if (ok(r.status)) {
          var m = load(mirrorKey);
          // the LRS has it: no copy of the learner's text is left behind in this browser
          if (m && m.savedAt === body.savedAt) { keep(mirrorKey, null); }
        }
        if (pendingDoc) { pendingDoc = false; return putDoc(); }
        if (ok(r.status)) { return {ok: true}; }
        if (authFailure(r.status)) { return {ok: false, error: AUTH_MESSAGE}; }
        return {ok: false, error: OFFLINE_MESSAGE};
      });
      return writing;
    }
    function waitFor(p) {                           // the LRS answer, or "still queued" after a while
      return Promise.race([p, new Promise(function (res) {
        setTimeout(function () { res({ok: false, error: OFFLINE_MESSAGE, retry: true}); }, WAIT_ON_SUBMIT_MS);
      })]);
    }
    function outcome(r) {
      if (refusedAnswer) {
        refusedAnswer = false;
        return {ok: false, error: N_("the learning record store refused to record your answer. Copy your text into a document of your own and tell your course administrator")};
      }
      if (r && r.ok) { return {ok: true}; }
      if (r && r.auth) { return {ok: false, error: AUTH_MESSAGE}; }
      // Waiting statements are safe in this browser: the answer counts as given.
      return {ok: true, queued: q.pending().length};
    }

    function open() {
      if (opened) { return opened; }
      startedAt = Date.now();
      opened = Promise.resolve().then(profile.launch).then(function (c) {
        ctx = c;
        if (c.error) { return {state: null, resumed: false, error: c.error}; }
        mirrorKey = "scorm-builder:xapi-state:" + c.registration + ":" + c.stateActivity;
        q = queue(c.lrs, c.queueKey, {rejected: function (s, r) {
          if (window.console && console.warn) { console.warn("scorm-builder: the LRS refused statement " + s.id + " (HTTP " + r.status + ")"); }
          if (s.verb && s.verb.id === VERBS.answered) { refusedAnswer = true; }
        }});
        live = true;
        var reads = [c.lrs.getState(c.stateActivity, c.actor, c.registration, STATE_ID)];
        return Promise.all(reads).then(function (rs) {
          var r = rs[0], errors = [];
          var server = ok(r.status) && r.body && typeof r.body === "object" ? r.body : null;
          var mirror = load(mirrorKey);
          docKnown = ok(r.status) || r.status === 404;
          if (authFailure(r.status)) { errors.push(AUTH_MESSAGE); }
          else if (!ok(r.status) && r.status !== 404) { errors.push("your saved work could not be read from the learning record store"); }
          // An unsent local copy newer than the LRS's one is the learner's latest work.
          doc = mirror && mirror.unsent && (!server || String(mirror.savedAt) > String(server.savedAt || "")) ? mirror : server;
          if (doc) { delete doc.unsent; }
          if (doc === mirror && mirror && r.status !== 401 && r.status !== 403) { putDoc(); }
          emit("initialized");                   // sent in the background: the page does not wait for the LRS
          var extra = completion === "viewed" ? complete() : Promise.resolve();
          // A step completed in an earlier launch whose course roll-up did not get through: try again
          // (the profile sends the course's completed only once, from its own document).
          if (doc && doc.completedSent && normal() && profile.completed) {
            extra = extra.then(function () { return profile.completed(doc); }).then(function (more) {
              (more || []).forEach(function (body) { q.add(stamp(body)); });
            }, function () {});
          }
          setTimeout(function () {                  // after step.js's pagehide listener, which has the freshest text
            window.addEventListener("pagehide", function (ev) { if (!ev.persisted) { finish(lastState); } });
          }, 0);
          return extra.then(function () {
            var out = {state: fromDoc(doc), resumed: !!doc};
            if (c.mode === "Review") { out.readOnly = true; }
            if (c.notice) { out.notice = c.notice; }
            if (errors.length || q.blocked()) { out.error = errors.concat(q.blocked() ? [q.blocked()] : []).join(" "); }
            return out;
          });
        });
      }, function (e) { return {state: null, resumed: false, error: String((e && e.message) || e)}; })
        .then(function (out) { backend.opened = out; return out; });
      return opened;
    }

    function notLive() {
      if (finished) { return N_("This session has ended (Finish was used); later changes are not recorded."); }
      return (ctx && ctx.error) || N_("Not connected to the learning record store.");
    }

    function complete() {                           // the step's completion rule is met
      // completed at most once per registration: the flag lives in the State document, so a launch
      // that could not read it does not complete (better late than twice).
      if (!normal() || !docKnown || (doc && doc.completedSent)) { return Promise.resolve(); }
      return Promise.resolve().then(function () {
        toDoc(lastState);
        doc.completedSent = true;
        var sent = emit("completed", {duration: duration(Date.now() - startedAt)});
        putDoc();
        return Promise.resolve(profile.completed ? profile.completed(doc) : []).then(function (more) {
          (more || []).forEach(function (body) { q.add(stamp(body)); });
          return sent;
        });
      });
    }

    function save(state, reason) {
      if (!live) { return {ok: false, error: notLive()}; }
      if (ctx.mode === "Review") { return {ok: true}; }
      lastState = state;
      toDoc(state);
      return putDoc().then(function (r) {
        if (r.ok || reason === "position") { return {ok: true}; }
        return load(mirrorKey) && r.error === OFFLINE_MESSAGE ? {ok: true} : r;
      });
    }

    function submit(state) {
      if (!live) { return {ok: false, error: notLive()}; }
      if (ctx.mode === "Review") { return {ok: false, error: ctx.notice || N_("This step is open for review only.")}; }
      if (!state || !state.submitted) { return {ok: false, error: N_("there is no answer to submit.")}; }
      lastState = state;
      if (ctx.mode === "Browse") {                 // a preview: the text is kept as a draft only
        toDoc({draft: state.submitted.text, submitted: doc && doc.submitted, position: state.position});
        return putDoc();
      }
      var text = String(state.submitted.text);
      var again = !!(doc && doc.answered && doc.submitted && doc.submitted.text === text);
      toDoc(state);
      var sends = [];
      if (!again) {
        doc.answered = true;
        sends.push(emit("answered", {response: response(text), duration: duration(Date.now() - startedAt)}));
      }
      sends.push(putDoc());
      if (completion === "reflection-submitted") { sends.push(complete()); }
      return waitFor(Promise.all(sends).then(function () { return q.flush(); })).then(outcome);
    }

    function media(ev) {
      if (!live || finished || !normal() || !ev) { return {ok: true}; }
      video.handle(ev).forEach(function (v) {
        emit("video", {verb: v.verb, result: v.result, extensions: video.context()});
      });
      return {ok: true};
    }

    function finish(state) {
      if (finished) { return finished; }
      if (!opened) { return {ok: true}; }
      if (state) { lastState = state; }
      finished = opened.then(function () {
        if (!live) { return ctx && ctx.error ? {ok: false, error: ctx.error} : {ok: true}; }
        live = false;
        var d = Date.now() - startedAt;
        if (ctx.mode !== "Review" && lastState) { toDoc(lastState); }
        if (unloading) {                           // no waiting now: one keepalive for what fits
          if (!ctx.silent) { q.add(stamp(profile.statement("terminated", {duration: duration(d)})), true); }
          exitSend();
          return {ok: true};
        }
        var before = ctx.mode !== "Review" && lastState ? putDoc() : Promise.resolve({ok: true});
        return waitFor(q.flush()).then(function () {
          return waitFor(emit("terminated", {duration: duration(d)}));
        }).then(function (r) {
          return before.then(function () {
            q.stop();
            var res = r && r.ok ? {ok: true} : r && r.auth ? {ok: false, error: AUTH_MESSAGE} : {
              ok: false, error: OFFLINE_MESSAGE + ". Keep this window open for a moment, or open the step again later in this browser"};
            if (res.ok && profile.exit) { setTimeout(profile.exit, 0); }
            return res;
          });
        });
      });
      return finished;
    }

    function exitSend() {                          // State document first: it holds the learner's text
      var budget = KEEPALIVE_BUDGET;
      if (doc && ctx.mode !== "Review") {
        var body = JSON.stringify(doc), copy = clone(doc);
        copy.unsent = true;
        keep(mirrorKey, copy);
        budget -= utf8Bytes(body);
        ctx.lrs.putState(ctx.stateActivity, ctx.actor, ctx.registration, STATE_ID, body, {keepalive: true})
          .then(function (r) {                     // seen only when the page lingers (bfcache, slow close)
            var m = load(mirrorKey);
            if (ok(r.status) && m && m.savedAt === copy.savedAt) { keep(mirrorKey, null); }
          });
      }
      q.sendOnExit(Math.max(0, budget));
    }

    // Registered before step.js's listener: by the time step.js calls finish(), it knows the page is going.
    window.addEventListener("pagehide", function (ev) {
      unloading = true;
      if (live && ev.persisted) { if (lastState) { toDoc(lastState); } exitSend(); unloading = false; }
    });
    window.addEventListener("pageshow", function () { unloading = false; });

    var backend = {
      name: name,
      maxReflection: 0,
      open: open,
      save: save,
      submit: submit,
      finish: finish,
      media: media,
      // for tests and diagnostics (not part of the step.js contract)
      opened: null,             // open()'s answer once it is known
      queue: function () { return q; },
      mode: function () { return ctx && ctx.mode; }
    };
    window.ScormBuilderXapi.current = backend;
    return backend;
  }

  window.ScormBuilderXapi = {
    VERSION: VERSION, VERBS: VERBS, STATE_ID: STATE_ID, AUTH_MESSAGE: AUTH_MESSAGE,
    activities: activities, activity: activity, ref: ref, verb: verb, reflectionObject: reflectionObject,
    videoObject: videoObject, VIDEO_CATEGORY: VIDEO_CATEGORY,
    uuid: uuid, duration: duration, timestamp: timestamp, endpoint: endpoint, params: params, actor: actor,
    clone: clone, langMap: langMap, response: response, utf8Bytes: utf8Bytes, load: load, keep: keep,
    client: client, queue: queue, videoSession: videoSession, tracker: tracker,
    config: {BATCH: BATCH, KEEPALIVE_BUDGET: KEEPALIVE_BUDGET, BACKOFF_MS: BACKOFF_MS}
  };
}());
