/* scorm-builder runtime for SCORM 2004 4th Edition (API_1484_11: Initialize ... Terminate).
 * Registers a backend factory for assets/step.js; see docs/architecture.md and runtime/README.md.
 * Plain ES2017, no dependencies, no network of its own: every byte goes through the LMS's API object.
 */
(function () {
  "use strict";

  var SUSPEND_MAX = 64000;       // cmi.suspend_data: characterstring, SPM 64000
  var LOCATION_MAX = 1000;       // cmi.location: characterstring, SPM 1000
  var TEXT_MAX = 4000;           // learner_response (long-fill-in) and comments_from_learner.n.comment: SPM 4000
  var MAX_REFLECTION = 4000;     // what reaches the LMS whole (in suspend_data, the interaction and the comment)
  var ID_MAX = 250;              // interaction id: well inside long_identifier_type (SPM 4000)
  var COMMIT_EVERY_MS = 30000;   // drafts: at most one Commit per 30 s
  var Common = window.ScormBuilderScorm;   // scorm-common.js, loaded first
  var ESC = "\u241b";            // ␛ escape mark in learner_response / comment text (see escapeText)
  var NL = "\u2424";             // ␤ stands for a line break in learner_response / comment text
  function N_(s) { return s; }   // marks a message for the catalogue; step.js shows it translated
  var REVIEW_NOTICE = N_("You are reviewing this step: changes are not saved.");
  var BROWSE_NOTICE = N_("You are browsing this step: your answer is kept as a draft and the step is not marked complete.");

  /* ---------- finding the API (scorm-common.js) ---------- */

  function findAPI(start) { return Common.findAPI(start, "API_1484_11", "Initialize"); }

  /* ---------- suspend_data (layout in scorm-common.js) ----------
   * This edition's flags (2004 comments are an array, not one appended string):
   *   i=<index>         interaction index written for the submitted text
   *   c=<index>         cmi.comments_from_learner index written for the submitted text
   */

  var lines = Common.lines;

  function encode(state, flags) {
    flags = flags || {};
    return Common.encode(state, [].concat(flags.interaction != null ? ["i=" + flags.interaction] : [], flags.comment != null ? ["c=" + flags.comment] : []));
  }

  function decode(data) {
    var d = Common.decode(data);
    if (!d) { return null; }
    return { draft: d.draft, submitted: d.submitted, interaction: Common.index(d.fields.i), comment: Common.index(d.fields.c) };
  }

  /* ---------- text for learner_response and comments ----------
   * Both are localized strings (SPM 4000). Strict runtimes reject any line break in them and read a
   * leading "{" as the start of a {lang=..} (or, in patterns, {case_matters=..}) prefix. The learner's
   * text is therefore written as one line, reversibly and without growing in the usual case:
   *   line break -> ␤ (U+2424)          ␤ or ␛ in the text -> ␛␤ / ␛␛ (U+241B first)
   *   U+2028 / U+2029 -> ␛L / ␛P        "{" as the first character -> ␛{
   *   reserved delimiters [,] [.] [:] -> [␛,] [␛.] [␛:] (no LMS can split the text on them)
   * unescapeText() gives back the exact text. Only a text that is long and full of those rare
   * characters can come out over 4,000; it is then cut, and ends with "…" (the whole text is in
   * cmi.suspend_data in any case).
   */

  function escapeText(text) {
    var s = lines(text);
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      if (c === "\n") { out += NL; }
      else if (c === ESC || c === NL) { out += ESC + c; }
      else if (c === "\u2028") { out += ESC + "L"; }
      else if (c === "\u2029") { out += ESC + "P"; }
      else if (c === "{" && i === 0) { out += ESC + c; }
      else if (/[,.:]/.test(c) && s.charAt(i - 1) === "[" && s.charAt(i + 1) === "]") { out += ESC + c; }
      else { out += c; }
    }
    return out;
  }

  function unescapeText(s) {
    s = String(s == null ? "" : s);
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      if (c === NL) { out += "\n"; }
      else if (c === ESC && i + 1 < s.length) {
        var d = s.charAt(++i);
        out += d === "L" ? "\u2028" : d === "P" ? "\u2029" : d;
      } else { out += c; }
    }
    return out;
  }

  function cut(s, max) {                        // at most max UTF-16 units, never half a surrogate pair
    if (s.length <= max) { return s; }
    var n = max;
    var c = s.charCodeAt(n - 1);
    if (c >= 0xd800 && c <= 0xdbff) { n--; }
    return s.slice(0, n);
  }

  function langString(text) {                   // the one-line form, at most TEXT_MAX units
    var s = escapeText(text);
    if (s.length <= TEXT_MAX) { return s; }
    s = cut(s, TEXT_MAX - 1);
    var escapes = 0;                              // never end on half of an escape pair
    while (escapes < s.length && s.charAt(s.length - 1 - escapes) === ESC) { escapes++; }
    if (escapes % 2) { s = s.slice(0, -1); }
    return s + "\u2026";
  }

  function asciiLine(text) {                    // fallback for an LMS that refuses the form above
    var flat = lines(text).replace(/[\s\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim();
    return cut(flat.replace(/[^\x20-\x7e]/g, "?").replace(/^[{\s]+/, ""), 250);
  }

  /* ---------- value formats ---------- */

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function duration(ms) {                       // ISO 8601 PT#H#M#[.##]S: no weeks, at most two decimals
    var cs = Math.max(0, Math.round((Number(ms) || 0) / 10));
    var s = cs % 6000;
    return "PT" + Math.floor(cs / 360000) + "H" + (Math.floor(cs / 6000) % 60) + "M" +
      Math.floor(s / 100) + (s % 100 ? "." + pad(s % 100) : "") + "S";
  }

  function timestamp(d) {                       // YYYY-MM-DDThh:mm:ss.ffZ: UTC, exactly two decimals
    d = d || new Date();
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + "T" +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds()) + "." +
      pad(Math.floor(d.getUTCMilliseconds() / 10)) + "Z";
  }

  function identifier(pageData) {
    var raw = pageData.interactionId || ("reflection_" + (pageData.stepId || ""));
    var id = String(raw).replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, ID_MAX);
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
    var mode = "normal";      // cmi.mode: "normal" | "browse" | "review"
    var credit = "credit";    // cmi.credit: read for the record only (no-credit is recorded as normal)
    var keptSubmission = null;  // browse mode: the submission found on launch, the only one ever written
    var opened = null;        // result of open()
    var live = false;         // initialised and not terminated
    var finished = null;      // result of finish()
    var startedAt = 0;
    var status = "";          // cmi.completion_status as last read or written
    var flags = { interaction: null, comment: null };
    var storedText = null;    // submitted text the interaction/comment were written for
    var stored = { suspend: null, location: null };
    var dirty = false;
    var lastCommit = 0;
    var timer = null;
    var pending = [];         // errors from background commits, reported by the next call
    var lastState = null;

    function lastError() {
      var code = "?";
      var text = "";
      try { code = String(api.GetLastError()); } catch (e) { /* ignore */ }
      if (code !== "0") {
        try { text = String(api.GetErrorString(code) || ""); } catch (e) { /* ignore */ }
      }
      return { code: code, text: text };
    }

    function failure(what, call, err) {
      return what + ": the LMS refused " + call + " (error " + err.code + (err.text ? ": " + err.text : "") + ").";
    }

    function run(fn, args) {
      try { return { ret: String(api[fn].apply(api, args)) }; } catch (e) { return { ret: "false", thrown: e }; }
    }

    function thrown(r) { return { code: "exception", text: String(r.thrown && r.thrown.message || r.thrown) }; }

    function call(fn, what) {           // Initialize/Commit/Terminate: null or an error message
      var r = run(fn, [""]);
      if (r.ret === "true") { call.code = "0"; return null; }
      var err = r.thrown ? thrown(r) : lastError();
      call.code = err.code;
      return failure(what, fn + '("")', err);
    }

    function get(el) {                  // 403 (not initialised: nothing stored yet) reads as ""
      var r = run("GetValue", [el]);
      var err = r.thrown ? thrown(r) : lastError();
      var code = err.code === "403" ? "0" : err.code;
      return { value: r.thrown || r.ret === "null" || r.ret === "undefined" ? "" : r.ret, code: code, err: err };
    }

    function set(el, value, what) {     // null or an error message; .code on the side for retries
      var r = run("SetValue", [el, String(value)]);
      if (r.ret === "true") { set.code = "0"; return null; }
      var err = r.thrown ? thrown(r) : lastError();
      set.code = err.code;
      return failure(what, "SetValue(" + el + ")", err);
    }

    function result(errors) {
      errors = pending.concat(errors.filter(Boolean));
      pending = [];
      return errors.length ? { ok: false, error: errors.join(" ") } : { ok: true };
    }

    function commit(what) {
      if (timer) { clearTimeout(timer); timer = null; }
      var e = call("Commit", what);
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

    function write(state, what) {       // suspend_data + location, no commit
      var errors = [];
      if (mode === "browse" && state) {  // a browsed "submission" is stored as a draft
        state = { draft: state.draft, submitted: keptSubmission, position: state.position };
      }
      var data = encode(state, flags);
      if (data.length > SUSPEND_MAX) {
        return [what + ": the text is too long for the LMS to keep (at most " + SUSPEND_MAX +
          " characters of saved work fit, and your answer and your draft count together)."];
      }
      if (data !== stored.suspend && !(data === Common.encode({}) && !stored.suspend)) {   // nothing to keep yet
        var e = set("cmi.suspend_data", data, what);
        if (e) { errors.push(e); } else { stored.suspend = data; dirty = true; }
      }
      var loc = position(state && state.position);
      if (loc !== stored.location && loc !== "") {   // never "" (strict runtimes refuse it; 0 s is no news)
        var e2 = set("cmi.location", loc, what);
        if (e2) { errors.push(e2); } else { stored.location = loc; dirty = true; }
      }
      return errors;
    }

    function notLive() {
      if (finished) { return N_("This session with the LMS has ended; later changes are not saved to the LMS."); }
      return (opened && opened.error) || N_("Not connected to the LMS.");
    }

    function setStatus(value, errors) {
      var e = set("cmi.completion_status", value, "Recording your progress");
      if (e) { errors.push(e); } else { status = value; dirty = true; }
    }

    function navValid(request) {        // only an explicit "true" counts ("unknown" is not a yes)
      var r = get("adl.nav.request_valid." + request);
      return r.code === "0" && r.value === "true";
    }

    function open() {
      if (opened) { return opened; }
      startedAt = Date.now();
      var e = call("Initialize", "Connecting to the LMS");
      if (e && call.code !== "103") {   // 103: already initialised (a reload inside the same session)
        opened = { state: null, resumed: false, error: e };
        return opened;
      }
      live = true;
      lastCommit = Date.now();
      var errors = [];
      var entry = get("cmi.entry").value;
      var md = get("cmi.mode");         // anything unknown: normal
      if (md.code === "0" && (md.value === "browse" || md.value === "review")) { mode = md.value; }
      var cr = get("cmi.credit");
      if (cr.code === "0" && cr.value === "no-credit") { credit = cr.value; }
      var st = get("cmi.completion_status");
      if (st.code !== "0") { errors.push(failure("Reading your progress", "GetValue(cmi.completion_status)", st.err)); }
      status = st.value;
      var sd = get("cmi.suspend_data");
      if (sd.code !== "0") { errors.push(failure("Reading your saved work", "GetValue(cmi.suspend_data)", sd.err)); }
      var loc = get("cmi.location");
      var saved = sd.code === "0" ? decode(sd.value) : null;
      stored.suspend = sd.code === "0" ? lines(sd.value) : null;
      stored.location = loc.code === "0" ? loc.value : null;
      if (saved) {
        flags.interaction = saved.interaction;
        flags.comment = saved.comment;
        storedText = saved.submitted && saved.interaction != null ? saved.submitted.text : null;
      }
      var t = parseFloat(loc.value);
      var pos = loc.code === "0" && isFinite(t) && t > 0 ? t : 0;
      var state = saved || pos ? {
        draft: saved ? saved.draft : "",
        submitted: saved ? saved.submitted : null,
        position: pos
      } : null;
      lastState = state;
      keptSubmission = saved ? saved.submitted : null;
      var nav = { previous: navValid("previous"), next: navValid("continue") };
      if (mode === "normal") {
        if (status !== "completed" && status !== "incomplete") { setStatus("incomplete", errors); }  // now an attempt
        if (completion === "viewed" && status !== "completed") { setStatus("completed", errors); }
      }
      if (dirty) { var c = commit("Recording your progress"); if (c) { errors.push(c); } }
      setTimeout(function () {           // after step.js has set up its own pagehide handler
        window.addEventListener("pagehide", function (ev) {
          if (!live) { return; }
          if (ev.persisted) { if (dirty) { commit("Saving your work"); } return; }   // may come back: no Terminate
          finish(lastState);
        });
      }, 0);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "hidden" && live && dirty) {
          var c2 = commit("Saving your work");
          if (c2) { pending.push(c2); }
        }
      });
      opened = { state: state, resumed: entry === "resume" || !!state, nav: nav };
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

    function count(el, what) {          // {n} or {skip} (401: not in this LMS) or {error}
      var r = get(el);
      if (r.code === "401") { return { skip: true }; }
      if (r.code !== "0") { return { error: failure(what, "GetValue(" + el + ")", r.err) }; }
      var n = parseInt(r.value, 10);
      return { n: n >= 0 ? n : 0 };
    }

    function interaction(text) {        // id, type, learner_response, result, timestamp: in that order
      var what = "Recording your answer";
      var c = count("cmi.interactions._count", what);
      if (c.skip || c.error) { return c.error || null; }  // no interactions here: the text is in suspend_data
      var at = "cmi.interactions." + c.n + ".";
      var e = set(at + "id", identifier(pageData), what) || set(at + "type", "long-fill-in", what);
      if (e) { return e; }
      e = set(at + "learner_response", langString(text), what);
      if (e && set.code === "406") { e = set(at + "learner_response", asciiLine(text), what); }
      e = e || set(at + "result", "neutral", what) || set(at + "timestamp", timestamp(), what);
      if (!e) { flags.interaction = c.n; dirty = true; }
      return e;
    }

    function comment(text) {            // the full text as the learner's comment, with its time
      var what = "Storing your answer as a comment";
      var c = count("cmi.comments_from_learner._count", what);
      if (c.skip || c.error) { return c.error || null; }
      var at = "cmi.comments_from_learner." + c.n + ".";
      var e = set(at + "comment", langString(text), what);
      if (e && set.code === "406") { e = set(at + "comment", asciiLine(text), what); }
      e = e || set(at + "timestamp", timestamp(), what);
      if (!e) { flags.comment = c.n; dirty = true; }
      return e;
    }

    function submit(state) {
      if (!live) { return { ok: false, error: notLive() }; }
      if (mode === "review") { return { ok: false, error: REVIEW_NOTICE }; }
      lastState = state;
      if (!state || !state.submitted) { return result(["Submitting: there is no answer to submit."]); }
      if (mode === "browse") { return browseSubmit(state); }
      var text = lines(state.submitted.text);
      if (text.length > MAX_REFLECTION) {
        return result(["Submitting your answer: it is too long for the LMS (at most " + MAX_REFLECTION + " characters)."]);
      }
      if (encode(state, { interaction: 99999, comment: 99999 }).length > SUSPEND_MAX) {
        return result(write(state, "Submitting your answer"));
      }
      var errors = [];
      if (storedText !== text || flags.interaction == null) {
        var e = interaction(text);
        if (e) { errors.push(e); } else {
          storedText = text;
          errors.push(comment(text));
        }
      }
      errors = errors.concat(write(state, "Saving your answer"));
      if (completion === "reflection-submitted" && status !== "completed") { setStatus("completed", errors); }
      errors.push(commit("Saving your answer"));
      return result(errors);
    }

    function browseSubmit(state) {      // the text as a draft; the status is never touched
      var errors = write(state, "Saving your answer");
      errors.push(commit("Saving your answer"));
      return result(errors);
    }

    function reviewFinish() {           // session_time and exit only; a refusal is not the learner's problem
      set("cmi.session_time", duration(Date.now() - startedAt), "Finishing");
      set("cmi.exit", "", "Finishing");
      live = false;
      finished = result([call("Terminate", "Finishing")]);
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
      errors.push(set("cmi.session_time", duration(Date.now() - startedAt), what));
      errors.push(set("cmi.exit", status === "completed" ? "normal" : "suspend", what));
      if (!unloading) { errors.push(commit("Saving your work")); }   // during pagehide Terminate commits on its own
      live = false;
      errors.push(call("Terminate", what));
      finished = result(errors);
      return finished;
    }

    function navigate(state, direction) {  // "previous" | "next": ask the LMS, then end this SCO's session
      if (!live) { return { ok: false, error: notLive() }; }
      var request = direction === "previous" ? "previous" : "continue";
      var what = direction === "previous" ? "Going to the previous step" : "Going to the next step";
      if (!navValid(request)) {
        return { ok: false, error: what + ": the LMS does not allow it from here." };
      }
      var e = set("adl.nav.request", request, what);
      if (e) { return result([e]); }
      return finish(state);                // the LMS acts on the request after Terminate
    }

    var backend = {
      name: "scorm2004",
      maxReflection: MAX_REFLECTION,
      mode: mode,               // informational (tests, diagnostics): set by open()
      credit: credit,
      open: function () { var r = open(); backend.mode = mode; backend.credit = credit; return r; },
      save: save,
      submit: submit,
      finish: finish,
      navigate: navigate
    };
    return backend;
  }

  window.ScormBuilderScorm2004 = {
    encode: encode,
    decode: decode,
    escapeText: escapeText,
    unescapeText: unescapeText,
    langString: langString,
    asciiLine: asciiLine,
    findAPI: findAPI,
    createBackend: createBackend,
    duration: duration,
    timestamp: timestamp,
    identifier: identifier,
    MAX_REFLECTION: MAX_REFLECTION,
    SUSPEND_MAX: SUSPEND_MAX
  };

  (window.ScormBuilderBackends = window.ScormBuilderBackends || []).push(function (pageData) {
    var api = findAPI(window);
    return api ? createBackend(api, pageData || {}) : null;
  });
}());
