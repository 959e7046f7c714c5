/* scorm-builder preview: the LMS simulator page around the framed package.
 *
 * SCORM targets: window.API (1.2) or window.API_1484_11 (2004) is our own LMS runtime (lms.js); every
 * call is listed with its value, return value and error code. xapi/cmi5: the package talks to the local
 * LRS behind the preview server; every statement the LRS receives is listed. web: no LMS; the page's
 * own localStorage record is shown. Reset starts a fresh attempt; the launch mode applies on relaunch.
 * The server is polled for new builds: a good one is relaunched (same attempt), a failed one listed.
 * window.simulator holds what the tests read: calls, statements, record, status, generation.
 */
(function () {
  "use strict";

  var target = document.body.getAttribute("data-target");
  var frame = document.getElementById("sim-package");
  var log = document.getElementById("sim-log");
  var statusEl = document.getElementById("sim-status");
  var buildEl = document.getElementById("sim-build");
  var modeEl = document.getElementById("sim-mode");
  var sim = window.simulator = {
    target: target, calls: [], statements: [], record: null, records: {}, sco: 0, status: "not attempted", generation: 0,
    launches: 0, launching: 0, lms: null, registration: null, info: null, local: {}
  };

  var MODES = {
    scorm12: ["normal", "browse", "review"], scorm2004: ["normal", "browse", "review"],
    cmi5: ["Normal", "Browse", "Review"], xapi: ["normal"], web: ["normal"]
  };
  var HELP = {
    scorm12: "Every SCORM 1.2 call the package makes to window.API: element, value, what the LMS answered and its error code.",
    scorm2004: "Every SCORM 2004 call the package makes to window.API_1484_11: element, value, what the LMS answered and its error code.",
    xapi: "Every xAPI statement the local LRS (ralph) receives, with the LRS's HTTP status.",
    cmi5: "Every cmi5 statement the local LRS (ralph) receives, with the LRS's HTTP status.",
    web: "The web target has no LMS: the page keeps the learner's work in this browser (localStorage), shown here as it changes."
  };
  var FIRST = {
    scorm12: { "cmi.core.student_id": "preview-learner", "cmi.core.student_name": "Learner, Preview",
      "cmi.core.entry": "ab-initio", "cmi.core.lesson_status": "not attempted", "cmi.core.credit": "credit",
      "cmi.core.total_time": "0000:00:00" },
    scorm2004: { "cmi.learner_id": "preview-learner", "cmi.learner_name": "Learner, Preview", "cmi.entry": "ab-initio",
      "cmi.completion_status": "not attempted", "cmi.success_status": "unknown", "cmi.credit": "credit" }
  };
  var SESSION_ONLY = ["cmi.core.exit", "cmi.core.session_time", "cmi.exit", "cmi.session_time", "adl.nav.request",
    "adl.nav.request_valid.continue", "adl.nav.request_valid.previous"];

  MODES[target].forEach(function (m) {
    var option = document.createElement("option");
    option.value = m;
    option.textContent = m;
    modeEl.appendChild(option);
  });
  modeEl.disabled = MODES[target].length < 2;
  document.getElementById("sim-panel-help").textContent = HELP[target];

  /* ---------------------------------------------------------------- the panel */

  function text(value) {
    var s = typeof value === "string" ? value : JSON.stringify(value);
    return s === undefined ? String(value) : s;
  }

  function add(parts, bad, note) {
    var li = document.createElement("li");
    if (bad) { li.className = "bad"; }
    if (note) { li.className = "note"; }
    parts.forEach(function (part) {
      if (typeof part === "string") { li.appendChild(document.createTextNode(part)); return; }
      var full = part.value;
      if (part.label) {  // always folded: the whole of what was received, under a short label
        var box = document.createElement("details");
        var head = document.createElement("summary");
        head.textContent = part.label;
        var body = document.createElement("pre");
        body.textContent = full;
        box.appendChild(head);
        box.appendChild(body);
        li.appendChild(box);
        return;
      }
      if (full.length <= 160) { li.appendChild(document.createTextNode(JSON.stringify(full))); return; }
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = JSON.stringify(full.slice(0, 120)) + "… (" + full.length + " characters)";
      var pre = document.createElement("pre");
      pre.textContent = full;
      details.appendChild(summary);
      details.appendChild(pre);
      li.appendChild(details);
    });
    log.appendChild(li);
    log.parentNode.scrollTop = log.parentNode.scrollHeight;
  }

  function setStatus(value) {
    sim.status = value;
    statusEl.textContent = "Completion: " + value;
  }

  function note(message) { add([message], false, true); }

  /* ---------------------------------------------------------------- SCORM */

  function scormValues(mode) {
    var values = {};
    var key;
    sim.record = sim.records[sim.sco] || null;
    var source = sim.record || FIRST[target];
    for (key in source) {
      if (SESSION_ONLY.indexOf(key) < 0) { values[key] = source[key]; }
    }
    var entryKey = target === "scorm12" ? "cmi.core.entry" : "cmi.entry";
    var exitKey = target === "scorm12" ? "cmi.core.exit" : "cmi.exit";
    if (sim.record) { values[entryKey] = sim.record[exitKey] === "suspend" ? "resume" : ""; }
    values[target === "scorm12" ? "cmi.core.lesson_mode" : "cmi.mode"] = mode;
    values[target === "scorm12" ? "cmi.core.credit" : "cmi.credit"] = mode === "normal" ? "credit" : "no-credit";
    if (target === "scorm2004") {  // the sequencer's answer for a course of SCOs in a row (flow)
      values["adl.nav.request_valid.continue"] = sim.sco < scos().length - 1 ? "true" : "false";
      values["adl.nav.request_valid.previous"] = sim.sco > 0 ? "true" : "false";
    }
    return values;
  }

  function scormStatus(values) {
    if (target === "scorm12") { return values["cmi.core.lesson_status"] || "not attempted"; }
    var done = values["cmi.completion_status"] || "unknown";
    var success = values["cmi.success_status"];
    return success && success !== "unknown" ? done + ", " + success : done;
  }

  function showCall(call) {
    var parts = [call.fn + "("];
    call.args.forEach(function (a, i) {
      if (i) { parts.push(", "); }
      parts.push(typeof a === "string" ? { value: a } : text(a));
    });
    parts.push(") → ");
    parts.push({ value: text(call.ret) });
    if (call.error !== null) { parts.push(" error " + call.error); }
    var bad = call.error !== null && call.error !== "0";
    if (bad) { parts.push(" (" + sim.lms.errorString(call.error) + ")"); }
    add(parts, bad);
  }

  function launchScorm(mode) {
    sim.loaded = scormValues(mode);  // what this launch starts from (the tests hand it to scorm-again too)
    var lms = new window.ScormBuilderLms.Lms(target, { values: sim.loaded });
    lms.onCall = function (call) {
      if (lms !== sim.lms) { return; }
      sim.calls.push(call);
      showCall(call);
      setStatus(scormStatus(lms.values()));
    };
    var sco = sim.sco;
    lms.onCommit = function (values) { if (lms === sim.lms) { sim.record = sim.records[sco] = values; } };
    lms.onTerminate = function (values) {
      var nav = values["adl.nav.request"];
      if (lms !== sim.lms || !nav || nav === "_none_") { return; }
      var next = nav === "continue" ? sco + 1 : nav === "previous" ? sco - 1 : -1;
      if (next >= 0 && next < scos().length) {
        note("Navigation request " + nav + ": the LMS launches SCO " + (next + 1) + " of " + scos().length + ".");
        setTimeout(function () { sim.sco = next; launch(false); }, 0);
      } else {
        note("Navigation request " + nav + ": the LMS would act on it now (exit, or a SCO the preview does not sequence).");
      }
    };
    sim.lms = lms;
    if (target === "scorm12") { window.API = lms.api(); } else { window.API_1484_11 = lms.api(); }
    setStatus(scormStatus(lms.values()));
    return Promise.resolve("/pkg/" + scos()[sim.sco] + "?preview=" + sim.launches);
  }

  function scos() { return (sim.info && sim.info.scos) || [sim.info.launch]; }

  /* ---------------------------------------------------------------- xAPI, cmi5 */

  function launchLrs(mode, fresh) {
    return fetch("/__preview/launch?mode=" + encodeURIComponent(mode) + (fresh ? "&fresh=1" : ""))
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        var params = new URL(answer.url).searchParams;
        sim.registration = params.get("registration");
        sim.activity = params.get("activityId") || params.get("activity_id") || sim.info.activity;
        return answer.url;
      });
  }

  function verbName(statement) {
    var verb = statement.verb || {};
    var display = verb.display || {};
    var keys = Object.keys(display);
    return keys.length ? display[keys[0]] : String(verb.id || "?").split("/").pop();
  }

  function pollStatements() {
    return fetch("/__preview/statements?since=" + sim.statements.length)
      .then(function (r) { return r.json(); })
      .then(function (items) {
        items.forEach(function (item) {
          sim.statements.push(item);
          var s = item.statement;
          var ours = !sim.registration || (s.context && s.context.registration === sim.registration);
          var parts = [String(item.status) + " " + verbName(s) + " " + ((s.object && s.object.id) || "")];
          if (s.result) { parts.push(" result "); parts.push({ value: JSON.stringify(s.result) }); }
          parts.push({ value: JSON.stringify(s, null, 2), label: "the statement as received" });
          add(parts, item.status >= 300);
          var verb = String((s.verb && s.verb.id) || "");
          if (ours && item.status < 300 && /\/(completed|passed)$/.test(verb) &&
              s.object && s.object.id === sim.activity) {
            setStatus(verb.split("/").pop());
          } else if (ours && item.status < 300 && sim.status === "not attempted") {
            setStatus("incomplete");
          }
        });
      });
  }

  /* ---------------------------------------------------------------- web (localStorage) */

  function pollLocal() {
    var store;
    try { store = frame.contentWindow.localStorage; } catch (e) { return; }
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key.indexOf("scorm-builder:") !== 0 || key.indexOf("queue") >= 0) { continue; }
      var raw = store.getItem(key);
      if (sim.local[key] === raw) { continue; }
      sim.local[key] = raw;
      add(["localStorage " + key + " = ", { value: raw }], false);
      var state = null;
      try { state = JSON.parse(raw); } catch (e) { state = null; }
      // Only a step's own record ({draft, submitted, position}) says whether it is complete; the
      // course progress, caption settings and the two-tab key share the prefix.
      var isStep = state && typeof state === "object" && "submitted" in state && "draft" in state;
      if (target === "web" && isStep) { setStatus(state.submitted ? "completed (reflection submitted)" : "incomplete"); }
    }
  }

  function clearLocal() {
    try {
      var store = window.localStorage;
      for (var i = store.length - 1; i >= 0; i--) {
        if (store.key(i).indexOf("scorm-builder:") === 0) { store.removeItem(store.key(i)); }
      }
    } catch (e) { /* nothing stored */ }
    sim.local = {};
  }

  /* ---------------------------------------------------------------- launching */

  function blank() {
    return new Promise(function (resolve) {
      if (!frame.getAttribute("src") || frame.getAttribute("src") === "about:blank") { resolve(); return; }
      frame.addEventListener("load", function () { resolve(); }, { once: true });
      frame.src = "about:blank";  // the package's pagehide finishes its session with the old LMS object
    });
  }

  var queue = Promise.resolve();

  /* Launches run one after the other (a mode change and a reset may come together). */
  function launch(fresh) {
    sim.launching += 1;
    queue = queue.then(function () { return launchNow(fresh); })
      .catch(function (e) { note("Launch failed: " + e); })
      .then(function () { sim.launching -= 1; });
    return queue;
  }

  function launchNow(fresh) {
    var mode = modeEl.value;
    return blank().then(function () {
      if (sim.info && sim.sco >= scos().length) { sim.sco = 0; }
      if (fresh) {
        sim.record = null;
        sim.records = {};
        sim.sco = 0;
        sim.calls = [];
        clearLocal();
        log.textContent = "";
        setStatus("not attempted");
      }
      sim.launches += 1;
      var where = (target === "scorm12" || target === "scorm2004") && scos().length > 1
        ? ", SCO " + (sim.sco + 1) + " of " + scos().length + " (" + scos()[sim.sco] + ")" : "";
      note((fresh ? "Fresh attempt" : "Relaunch") + ", mode " + mode + ", build " + sim.generation + where + ".");
      var url;
      if (target === "scorm12" || target === "scorm2004") { url = launchScorm(mode); }
      else if (target === "xapi" || target === "cmi5") { url = launchLrs(mode, fresh); }
      else { url = Promise.resolve("/pkg/" + sim.info.launch + "?preview=" + sim.launches); }
      return url.then(function (u) { frame.src = u; });
    });
  }

  document.getElementById("sim-reset").addEventListener("click", function () { launch(true); });
  modeEl.addEventListener("change", function () { launch(false); });

  /* ---------------------------------------------------------------- builds */

  function showErrors(errors) {
    var box = document.getElementById("sim-errors");
    var list = document.getElementById("sim-error-list");
    list.textContent = "";
    errors.forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      list.appendChild(li);
    });
    box.hidden = errors.length === 0;
  }

  function pollState() {
    return fetch("/__preview/state").then(function (r) { return r.json(); }).then(function (state) {
      document.getElementById("sim-course").textContent = state.course || "(not built)";
      if (state.generation === sim.generation) { return null; }
      var first = sim.generation === 0 || !sim.info;
      sim.generation = state.generation;
      var time = new Date().toLocaleTimeString();
      if (!state.ok) {
        showErrors(state.errors);
        buildEl.textContent = "Build " + state.generation + " failed at " + time + ": " + state.errors.length +
          " problem(s), listed above the package.";
        return null;
      }
      showErrors([]);
      sim.info = state;
      buildEl.textContent = "Build " + state.generation + " at " + time +
        (state.warnings.length ? " with " + state.warnings.length + " warning(s): " + state.warnings.join(" · ") : "") +
        (first ? "" : ": reloaded.");
      return launch(first);
    });
  }

  function tick() {
    var work = [pollState()];
    if (target === "xapi" || target === "cmi5") { work.push(pollStatements()); }
    pollLocal();
    Promise.all(work).catch(function (e) { buildEl.textContent = "The preview server does not answer: " + e; })
      .then(function () { setTimeout(tick, 500); });
  }

  tick();
}());
