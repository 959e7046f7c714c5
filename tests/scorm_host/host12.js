/* Test LMS: scorm-again's Scorm12API as window.API, wrapped to record every call.
 * launch(url, {cmi, flat, commitUrl}) loads stored CMI (default: a first launch) (before the content initialises) and opens
 * the content in the iframe. host.calls: every API call with its return value and LMSGetLastError;
 * host.snapshots: the whole CMI after each LMSCommit/LMSFinish.
 * course(urls, {autoContinue}) plays several SCOs the way Moodle does with "Auto-continue: Yes": once a
 * SCO's LMSFinish returns "true", the next SCO is launched half a second later, as Moodle does;
 * host.scos[i].cmi is the CMI each SCO left, host.launches every URL launched. */
(function () {
  "use strict";
  var host = window.host = { calls: [], snapshots: [], api: null, loadErrors: [], scos: null, current: -1, launches: [] };
  var FUNCTIONS = ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit",
    "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"];

  function snapshot(api) {
    var all = JSON.parse(JSON.stringify(api.renderCMIToJSONObject()));
    return all.cmi || all;
  }

  var FIRST_LAUNCH = {
    core: { student_id: "learner-1", student_name: "Learner, Test", entry: "ab-initio", lesson_status: "not attempted" }
  };

  function wrap(api, after) {
    var wrapped = {};
    FUNCTIONS.forEach(function (fn) {
      wrapped[fn] = function () {
        var args = Array.prototype.slice.call(arguments);
        var ret = api[fn].apply(api, args);
        if (fn === "LMSGetLastError" || fn === "LMSGetErrorString" || fn === "LMSGetDiagnostic") {
          host.calls.push({ fn: fn, args: args, ret: ret, error: null });
          return ret;
        }
        var code = String(api.LMSGetLastError());
        host.calls.push({ fn: fn, args: args, ret: ret, error: code });
        if (fn === "LMSCommit" || fn === "LMSFinish") {
          host.snapshots.push({ fn: fn, ret: ret, cmi: snapshot(api), sco: host.current });
        }
        if (after) { after(fn, ret); }
        return ret;
      };
    });
    return wrapped;
  }

  window.launch = function (url, options) {
    options = options || {};
    var api = new window.Scorm12API({
      autocommit: false,
      lmsCommitUrl: options.commitUrl || false,
      logLevel: 5
    });
    api.loadFromJSON(options.cmi || FIRST_LAUNCH, "");
    if (options.flat) { api.loadFromFlattenedJSON(options.flat, ""); }
    host.api = api;
    window.API = wrap(api);
    document.getElementById("sco").src = url;
  };

  window.course = function (urls, options) {
    options = options || {};
    host.scos = urls.map(function (u) { return { url: u, cmi: null }; });
    play(0, options);
  };

  function play(i, options) {
    host.current = i;
    var sco = host.scos[i];
    var api = new window.Scorm12API({ autocommit: false, lmsCommitUrl: false, logLevel: 5 });
    api.loadFromJSON(FIRST_LAUNCH, "");
    host.api = api;
    window.API = wrap(api, function (fn, ret) {
      if (fn !== "LMSFinish" || ret !== "true") { return; }
      sco.cmi = snapshot(api);
      if (options.autoContinue && i + 1 < host.scos.length) { setTimeout(function () { play(i + 1, options); }, 500); }
    });
    host.launches.push(sco.url);
    document.getElementById("sco").src = sco.url;
  }

  window.hostCmi = function () { return snapshot(host.api); };
  window.hostFlat = function () { return JSON.parse(JSON.stringify(host.api.getFlattenedCMI())); };
}());
