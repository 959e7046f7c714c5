/* Test LMS: scorm-again's Scorm2004API as window.API_1484_11, wrapped to record every call.
 * launch(url, {cmi, commitUrl, nav, refuseNav}) (refuseNav: true, or the one request value to refuse) loads stored CMI (default: a first launch) before the
 * content initialises and opens the content in the iframe; nav = {previous, continue} sets
 * adl.nav.request_valid.* ("true" | "false" | "unknown", default "unknown" as Moodle answers).
 * course(urls, options) plays several SCOs in order the way an LMS does: each SCO gets the
 * request_valid values its place allows, and a Terminate after adl.nav.request continue/previous
 * launches the neighbour with the CMI it left last time. With {moodle: true, autoContinue: true} it answers
 * "unknown" as Moodle does and opens the next SCO after a plain Terminate (Moodle's Auto-continue).
 * host.calls: every API call with its return value and GetLastError; host.snapshots: the whole CMI
 * after each Commit/Terminate; host.launches: every URL launched. */
(function () {
  "use strict";
  var host = window.host = { calls: [], snapshots: [], launches: [], api: null, scos: null, current: -1 };
  var FUNCTIONS = ["Initialize", "Terminate", "GetValue", "SetValue", "Commit",
    "GetLastError", "GetErrorString", "GetDiagnostic"];

  function snapshot(api) {
    var all = JSON.parse(JSON.stringify(api.renderCMIToJSONObject()));
    return all.cmi || all;
  }

  var FIRST_LAUNCH = { learner_id: "learner-1", learner_name: "Learner, Test", entry: "ab-initio",
    completion_status: "not attempted", success_status: "unknown" };

  function wrap(api, options) {
    var wrapped = {};
    FUNCTIONS.forEach(function (fn) {
      wrapped[fn] = function () {
        var args = Array.prototype.slice.call(arguments);
        if (options.refuseNav && fn === "SetValue" && args[0] === "adl.nav.request" &&
            (options.refuseNav === true || options.refuseNav === args[1])) {
          host.calls.push({ fn: fn, args: args, ret: "false", error: "391", refused: true });
          return "false";
        }
        var ret = api[fn].apply(api, args);
        if (fn === "GetLastError" || fn === "GetErrorString" || fn === "GetDiagnostic") {
          host.calls.push({ fn: fn, args: args, ret: ret, error: null });
          return ret;
        }
        var code = String(api.GetLastError());
        host.calls.push({ fn: fn, args: args, ret: ret, error: code, sco: host.current });
        if (fn === "Commit" || fn === "Terminate") {
          host.snapshots.push({ fn: fn, ret: ret, cmi: snapshot(api), sco: host.current });
        }
        return ret;
      };
    });
    return wrapped;
  }

  function start(url, options) {
    var api = new window.Scorm2004API({ autocommit: false, lmsCommitUrl: options.commitUrl || false, logLevel: 5 });
    api.loadFromJSON(options.cmi || FIRST_LAUNCH, "");
    var nav = options.nav || {};
    api.adl.nav.request_valid.previous = nav.previous || "unknown";
    api.adl.nav.request_valid.continue = nav["continue"] || "unknown";
    host.api = api;
    window.API_1484_11 = wrap(api, options);
    host.launches.push(url);
    document.getElementById("sco").src = url;
    return api;
  }

  window.launch = function (url, options) { start(url, options || {}); };

  /* What an LMS hands back on the next launch of the same attempt. */
  window.relaunchCmi = function (cmi) {
    return {
      learner_id: "learner-1", learner_name: "Learner, Test",
      entry: cmi.exit === "suspend" ? "resume" : "",
      completion_status: cmi.completion_status, success_status: cmi.success_status,
      location: cmi.location, suspend_data: cmi.suspend_data,
      interactions: cmi.interactions || {}, comments_from_learner: cmi.comments_from_learner || {}
    };
  };

  window.course = function (urls, options) {
    options = options || {};
    host.scos = urls.map(function (u) { return { url: u, cmi: null }; });
    play(0, options);
  };

  function play(i, options) {
    host.current = i;
    var sco = host.scos[i];
    var valid = function (ok) { return options.moodle ? "unknown" : ok ? "true" : "false"; };
    var api = start(sco.url, { cmi: sco.cmi ? window.relaunchCmi(sco.cmi) : null, commitUrl: options.commitUrl,
      refuseNav: options.refuseNav, nav: { previous: valid(i > 0), "continue": valid(i < host.scos.length - 1) } });
    var leave = function (to) {
      return function () {
        sco.cmi = snapshot(api);
        setTimeout(function () { play(to, options); }, 0);
      };
    };
    api.on("SequenceNext", leave(i + 1));
    api.on("SequencePrevious", leave(i - 1));
    if (options.autoContinue) {   // Moodle's Auto-continue: a Terminate without a navigation request opens the next SCO
      api.on("Terminate", function () {
        var asked = String(api.adl.nav.request || "_none_");
        if (asked !== "_none_" || i + 1 >= host.scos.length) { return; }
        sco.cmi = snapshot(api);
        setTimeout(function () { if (host.current === i) { play(i + 1, options); } }, 500);   // as Moodle
      });
    }
  }

  window.hostCmi = function () { return snapshot(host.api); };
}());
