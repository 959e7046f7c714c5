/* scorm-builder runtime for SCORM 1.2 (LMSInitialize ... LMSFinish).
 * Registers a backend factory for assets/step.js; see docs/architecture.md and runtime/README.md.
 * Plain ES2017, no dependencies, no network of its own: every byte goes through the LMS's API object.
 */
(function () {
  "use strict";

  var SUSPEND_MAX = 4096;        // cmi.suspend_data and cmi.comments: CMIString4096
  var LOCATION_MAX = 255;        // cmi.core.lesson_location: CMIString256
  var RESPONSE_MAX = 255;        // cmi.interactions.n.student_response (fill-in): CMIString255
  var HEADER_ROOM = 96;          // kept free in suspend_data for the header (worst case today: 68)
  var MAX_REFLECTION = SUSPEND_MAX - HEADER_ROOM;   // 4000 UTF-16 units
  var COMMIT_EVERY_MS = 30000;   // drafts: at most one LMSCommit per 30 s
  var Common = window.ScormBuilderScorm;   // scorm-common.js, loaded first
  function N_(s) { return s; }   // marks a message for the catalogue; step.js shows it translated
  var REVIEW_NOTICE = N_("You are reviewing this step: changes are not saved.");
  var BROWSE_NOTICE = N_("You are browsing this step: your answer is kept as a draft and the step is not marked complete.");

  /* ---------- finding the API (scorm-common.js) ---------- */

  function findAPI(start) { return Common.findAPI(start, "API", "LMSInitialize"); }

  /* ---------- suspend_data (layout in scorm-common.js) ----------
   * This edition's flags:
   *   c=1               cmi.comments has been written (Moodle appends: never write it again)
   *   i=<index>         interaction index written for the submitted text
   */

  var lines = Common.lines;

  function encode(state, flags) {
    flags = flags || {};
    return Common.encode(state, [].concat(flags.comments ? ["c=1"] : [], flags.interaction != null ? ["i=" + flags.interaction] : []));
  }

  function decode(data) {
    var d = Common.decode(data);
    if (!d) { return null; }
    return { draft: d.draft, submitted: d.submitted, comments: d.fields.c === "1", interaction: Common.index(d.fields.i) };
  }

  /* ---------- value formats ---------- */

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function timespan(ms) {                       // CMITimespan HH[HH]:MM:SS, never "0:00:05"
    var s = Math.max(0, Math.round((Number(ms) || 0) / 1000));
    if (s > 9999 * 3600 + 3599) { s = 9999 * 3600 + 3599; }
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
  }

  function timeOfDay(d) {                       // CMITime HH:MM:SS, local time
    d = d || new Date();
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function cut(s, max) {                        // at most max UTF-16 units, never half a surrogate pair
    if (s.length <= max) { return s; }
    var n = max;
    var c = s.charCodeAt(n - 1);
    if (c >= 0xd800 && c <= 0xdbff) { n--; }
    return s.slice(0, n);
  }

  function cutUtf8(s, maxBytes) {               // for an LMS that counts bytes
    var bytes = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      var w = c < 0x80 ? 1 : c < 0x800 ? 2 : (c >= 0xd800 && c <= 0xdbff) ? 4 : (c >= 0xdc00 && c <= 0xdfff) ? 0 : 3;
      if (bytes + w > maxBytes) { return s.slice(0, i); }
      bytes += w;
    }
    return s;
  }

  function flatten(text) {                      // one line: newlines and other controls become spaces
    return lines(text).replace(/[\s\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
  }

  function shorten(s, max) {                    // mark a cut with "…"
    return s.length <= max ? s : cut(s, max - 1) + "\u2026";
  }

  function responses(text) {                    // student_response candidates, in the order tried
    var flat = flatten(text);
    var list = [shorten(flat, RESPONSE_MAX), cutUtf8(flat, RESPONSE_MAX), cut(flat.replace(/[^\x20-\x7e]/g, "?"), RESPONSE_MAX)];
    return list.filter(function (v, i) { return list.indexOf(v) === i; });
  }

  function identifier(pageData) {
    var raw = pageData.interactionId || ("reflection_" + (pageData.stepId || ""));
    var id = String(raw).replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 255);
    return id || "reflection";
  }

  function position(seconds) {
    var t = Number(seconds);
    if (!isFinite(t) || t <= 0) { return ""; }
    return String(Math.round(t * 10) / 10).slice(0, LOCATION_MAX);
  }

  /* ---------- the backend ---------- */

  var unloading = false;
  window.addEventListener("pagehide", function () { unloading = true; });
  window.addEventListener("pageshow", function () { unloading = false; });

  function createBackend(api, pageData) {
    pageData = pageData || {};
    var completion = pageData.completion === "viewed" ? "viewed" : "reflection-submitted";
    var mode = "normal";      // cmi.core.lesson_mode: "normal" | "browse" | "review"
    var credit = "credit";    // cmi.core.credit: read for the record only (no-credit is recorded as normal)
    var keptSubmission = null;  // browse mode: the submission found on launch, the only one ever written
    var opened = null;        // result of open()
    var live = false;         // initialised and not finished
    var finished = null;      // result of finish()
    var startedAt = 0;
    var status = "";
    var flags = { comments: false, interaction: null };
    var storedText = null;    // submitted text the interaction/comments were written for
    var stored = { suspend: null, location: null };
    var dirty = false;
    var lastCommit = 0;
    var timer = null;
    var pending = [];         // errors from background commits, reported by the next call
    var lastState = null;

    function lastError() {
      var code = "?";
      var text = "";
      try { code = String(api.LMSGetLastError()); } catch (e) { /* ignore */ }
      if (code !== "0") {
        try { text = String(api.LMSGetErrorString(code) || ""); } catch (e) { /* ignore */ }
      }
      return { code: code, text: text };
    }

    function failure(what, call, err) {
      return what + ": the LMS refused " + call + " (error " + err.code + (err.text ? ": " + err.text : "") + ").";
    }

    function run(fn, args) {
      try { return { ret: String(api[fn].apply(api, args)) }; } catch (e) { return { ret: "false", thrown: e }; }
    }

    function call(fn, arg, what) {      // LMSInitialize/Commit/Finish: null or an error message
      var r = run(fn, [arg]);
      if (r.ret === "true") { return null; }
      var err = r.thrown ? { code: "exception", text: String(r.thrown && r.thrown.message || r.thrown) } : lastError();
      return failure(what, fn + '("")', err);
    }

    function get(el) {
      var r = run("LMSGetValue", [el]);
      var err = r.thrown ? { code: "exception", text: String(r.thrown) } : lastError();
      return { value: r.thrown || r.ret === "null" || r.ret === "undefined" ? "" : r.ret, code: err.code, err: err };
    }

    function set(el, value, what) {     // null or an error message; .code on the side for retries
      var r = run("LMSSetValue", [el, String(value)]);
      if (r.ret === "true") { set.code = "0"; return null; }
      var err = r.thrown ? { code: "exception", text: String(r.thrown && r.thrown.message || r.thrown) } : lastError();
      set.code = err.code;
      return failure(what, "LMSSetValue(" + el + ")", err);
    }

    function result(errors) {
      errors = pending.concat(errors.filter(Boolean));
      pending = [];
      return errors.length ? { ok: false, error: errors.join(" ") } : { ok: true };
    }

    function commit(what) {
      if (timer) { clearTimeout(timer); timer = null; }
      var e = call("LMSCommit", "", what);
      lastCommit = Date.now();
      if (!e) { dirty = false; }
      return e;
    }

    function commitSoon() {
      if (!dirty || !live) { return null; }
      var wait = COMMIT_EVERY_MS - (Date.now() - lastCommit);
      if (wait <= 0) { return commit("Saving your work"); }
      if (!timer) {
        timer = setTimeout(function () {
          timer = null;
          if (dirty && live) {
            var e = commit("Saving your work");
            if (e) { pending.push(e); }
          }
        }, wait);
      }
      return null;
    }

    function write(state, what) {       // suspend_data + lesson_location, no commit
      var errors = [];
      if (mode === "browse" && state) {  // a browsed "submission" is stored as a draft
        state = { draft: state.draft, submitted: keptSubmission, position: state.position };
      }
      var data = encode(state, flags);
      if (data.length > SUSPEND_MAX) {
        return [what + ": the text is too long for the LMS to keep (at most " + MAX_REFLECTION + " characters fit" +
          (state && state.submitted ? ", and changes to a submitted answer count on top of it" : "") + ")."];
      }
      if (data !== stored.suspend) {
        var e = set("cmi.suspend_data", data, what);
        if (e) { errors.push(e); } else { stored.suspend = data; dirty = true; }
      }
      var loc = position(state && state.position);
      if (loc !== stored.location && !(loc === "" && stored.location === null)) {
        var e2 = set("cmi.core.lesson_location", loc, what);
        if (e2) { errors.push(e2); } else { stored.location = loc; dirty = true; }
      }
      return errors;
    }

    function notLive() {
      if (finished) { return N_("This session with the LMS has ended (Finish was used); later changes are not saved to the LMS."); }
      return (opened && opened.error) || N_("Not connected to the LMS.");
    }

    function setStatus(value, errors) {
      var e = set("cmi.core.lesson_status", value, "Recording your progress");
      if (e) { errors.push(e); } else { status = value; dirty = true; }
    }

    function open() {
      if (opened) { return opened; }
      startedAt = Date.now();
      var e = call("LMSInitialize", "", "Connecting to the LMS");
      if (e && get("cmi.core.lesson_status").code !== "0") {   // 101 after a reload is still usable
        opened = { state: null, resumed: false, error: e };
        return opened;
      }
      live = true;
      lastCommit = Date.now();
      var errors = [];
      var entry = get("cmi.core.entry").value;
      var lm = get("cmi.core.lesson_mode");   // 401 or anything unknown: normal
      if (lm.code === "0" && (lm.value === "browse" || lm.value === "review")) { mode = lm.value; }
      var cr = get("cmi.core.credit");
      if (cr.code === "0" && cr.value === "no-credit") { credit = cr.value; }
      var st = get("cmi.core.lesson_status");
      if (st.code !== "0") { errors.push(failure("Reading your progress", "LMSGetValue(cmi.core.lesson_status)", st.err)); }
      status = st.value;
      var sd = get("cmi.suspend_data");
      if (sd.code !== "0") { errors.push(failure("Reading your saved work", "LMSGetValue(cmi.suspend_data)", sd.err)); }
      var loc = get("cmi.core.lesson_location");
      var comments = get("cmi.comments");
      var saved = sd.code === "0" ? decode(sd.value) : null;
      stored.suspend = sd.code === "0" ? lines(sd.value) : null;
      stored.location = loc.code === "0" ? loc.value : null;
      if (saved) {
        flags.comments = saved.comments;
        flags.interaction = saved.interaction;
        storedText = saved.submitted && saved.interaction != null ? saved.submitted.text : null;
      }
      if (comments.code === "0" && comments.value !== "") { flags.comments = true; }
      var t = parseFloat(loc.value);
      var pos = loc.code === "0" && isFinite(t) && t > 0 ? t : 0;
      var state = saved || pos ? {
        draft: saved ? saved.draft : "",
        submitted: saved ? saved.submitted : null,
        position: pos
      } : null;
      lastState = state;
      keptSubmission = saved ? saved.submitted : null;
      var done = status === "completed" || status === "passed";
      var fresh = status === "not attempted" || status === "";
      if (mode === "normal") {
        if (fresh || status === "browsed") { setStatus("incomplete", errors); }   // now a real attempt
        if (completion === "viewed" && !done) { setStatus("completed", errors); }
      } else if (mode === "browse" && fresh && completion === "viewed") {
        setStatus("browsed", errors);
      }
      if (dirty) { var c = commit("Recording your progress"); if (c) { errors.push(c); } }
      setTimeout(function () {           // after step.js has set up its own pagehide handler
        window.addEventListener("pagehide", function (ev) {
          if (!live) { return; }
          if (ev.persisted) { if (dirty) { commit("Saving your work"); } return; }
          finish(lastState);
        });
      }, 0);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden" && live && dirty) {
          var c2 = commit("Saving your work");
          if (c2) { pending.push(c2); }
        }
      });
      opened = { state: state, resumed: entry === "resume" || !!state };
      if (mode === "review") { opened.readOnly = true; opened.notice = REVIEW_NOTICE; }
      if (mode === "browse") { opened.notice = BROWSE_NOTICE; }
      if (errors.length) { opened.error = errors.join(" "); }
      return opened;
    }

    function save(state, reason) {
      if (!live) { return { ok: false, error: notLive() }; }
      if (mode === "review") { return { ok: true }; }   // nothing is written in review mode
      lastState = state;
      var what = reason === "position" ? "Saving your place in the video" : "Saving your draft";
      var errors = write(state, what);
      errors.push(commitSoon());
      return result(errors);
    }

    function interaction(text) {
      var what = "Recording your answer";
      var count = get("cmi.interactions._count");
      if (count.code === "401") { return null; }            // LMS without interactions: text is in suspend_data
      if (count.code !== "0") { return failure(what, "LMSGetValue(cmi.interactions._count)", count.err); }
      var n = parseInt(count.value, 10);
      if (!(n >= 0)) { n = 0; }
      var at = "cmi.interactions." + n + ".";
      var e = set(at + "id", identifier(pageData), what) || set(at + "type", "fill-in", what);
      if (e) { return e; }
      var tries = responses(text);
      for (var i = 0; i < tries.length; i++) {
        e = set(at + "student_response", tries[i], what);
        if (!e || set.code !== "405") { break; }
      }
      e = e || set(at + "result", "neutral", what) || set(at + "time", timeOfDay(), what);
      if (!e) { flags.interaction = n; dirty = true; }
      return e;
    }

    function submit(state) {
      if (!live) { return { ok: false, error: notLive() }; }
      if (mode === "review") { return { ok: false, error: REVIEW_NOTICE }; }
      lastState = state;
      if (!state || !state.submitted) { return result(["Submitting: there is no answer to submit."]); }
      if (mode === "browse") { return browseSubmit(state); }
      var text = lines(state.submitted.text);
      var size = encode(state, { comments: true, interaction: 99999 }).length;
      if (size > SUSPEND_MAX) { return result(write(state, "Submitting your answer")); }
      var errors = [];
      if (storedText !== text || flags.interaction == null) {
        var e = interaction(text);
        if (e) { errors.push(e); } else { storedText = text; }
      }
      if (!flags.comments) {
        var c = set("cmi.comments", text, "Storing your answer as a comment");
        if (!c) { flags.comments = true; dirty = true; } else if (set.code !== "401") { errors.push(c); }
      }
      errors = errors.concat(write(state, "Saving your answer"));
      if (completion === "reflection-submitted" && status !== "completed" && status !== "passed") {
        setStatus("completed", errors);
      }
      errors.push(commit("Saving your answer"));
      return result(errors);
    }

    function browseSubmit(state) {      // the text as a draft; "browsed" only over "not attempted"
      var errors = write(state, "Saving your answer");
      if (status === "not attempted" || status === "") { setStatus("browsed", errors); }
      errors.push(commit("Saving your answer"));
      return result(errors);
    }

    function reviewFinish() {           // session_time and exit only; a refusal is not the learner's problem
      set("cmi.core.session_time", timespan(Date.now() - startedAt), "Finishing");
      set("cmi.core.exit", "", "Finishing");
      live = false;
      finished = result([call("LMSFinish", "", "Finishing")]);
      return finished;
    }

    function finish(state) {
      if (finished) { return finished; }
      if (!live) { finished = opened && opened.error ? { ok: false, error: opened.error } : { ok: true }; return finished; }
      if (mode === "review") { return reviewFinish(); }
      if (state) { lastState = state; }
      var errors = lastState ? write(lastState, "Saving your work") : [];
      if (timer) { clearTimeout(timer); timer = null; }
      var what = "Finishing";
      var done = status === "completed" || status === "passed" || status === "failed";
      errors.push(set("cmi.core.session_time", timespan(Date.now() - startedAt), what));
      errors.push(set("cmi.core.exit", done ? "" : "suspend", what));
      if (!unloading) { errors.push(commit("Saving your work")); }   // during pagehide LMSFinish commits on its own
      live = false;
      errors.push(call("LMSFinish", "", what));
      finished = result(errors);
      return finished;
    }

    var backend = {
      name: "scorm12",
      maxReflection: MAX_REFLECTION,
      lessonMode: mode,         // informational (tests, diagnostics): set by open()
      credit: credit,
      open: function () { var r = open(); backend.lessonMode = mode; backend.credit = credit; return r; },
      save: save,
      submit: submit,
      finish: finish
    };
    return backend;
  }

  window.ScormBuilderScorm12 = {
    encode: encode,
    decode: decode,
    findAPI: findAPI,
    createBackend: createBackend,
    responses: responses,
    timespan: timespan,
    timeOfDay: timeOfDay,
    identifier: identifier,
    MAX_REFLECTION: MAX_REFLECTION,
    SUSPEND_MAX: SUSPEND_MAX
  };

  (window.ScormBuilderBackends = window.ScormBuilderBackends || []).push(function (pageData) {
    var api = findAPI(window);
    return api ? createBackend(api, pageData || {}) : null;
  });
}());
