/* scorm-builder preview: the LMS side of SCORM 1.2 and SCORM 2004 4th Edition, for the simulator.
 *
 * The call protocol (initialise, get, set, commit, terminate, the state machine, the last error) is
 * written once in `Lms`; each standard is data: its function names, error codes and texts, and a data
 * model table (element -> access and type, arrays with their fields and dependencies). As strict as
 * scorm-again about types, limits and call order, and stricter where the specification or Moodle is
 * (see scorm_builder/preview/README.md for every rule).
 *
 *   var lms = new ScormBuilderLms.Lms("scorm12", {values: {"cmi.core.student_id": "..."}});
 *   window.API = lms.api();          // or API_1484_11 for "scorm2004"
 *   lms.onCall = function (call) {}  // {fn, args, ret, error} after every call
 *   lms.values()                     // the whole record, flat: {"cmi.core.lesson_status": "completed", ...}
 */
(function (root) {
  "use strict";

  /* ------------------------------------------------------------------ value types */

  function units(s) { return s.length; }  // UTF-16 code units, as the SCORM validators count

  var re = {
    timespan12: /^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$/,
    time12: /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/,
    decimal: /^-?(\d+(\.\d*)?|\.\d+)$/,
    identifier12: /^[\x21-\x7E]{1,255}$/,
    // P[nY][nM][nD][T[nH][nM][n[.n]S]]: at least one part, no weeks, at most 2 decimals
    duration: /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/,
    // YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]], fraction 1-2 digits, zone only after the fraction
    timestamp: /^(19[7-9]\d|20[0-3]\d)(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3])(:[0-5]\d(:[0-5]\d(\.\d{1,2}(Z|[+-]([01]\d|2[0-3])(:[0-5]\d)?)?)?)?)?)?)?)?$/,
    // long identifier: a URI-like string without whitespace
    identifier2004: /^\S{1,4000}$/,
    lang: /^\{lang=([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)?\}/,
    navTarget: /^\{target=\S+\}(choice|jump)$/
  };

  // A type is a function(value) -> null (ok) or "type" / "range" (the standard maps these to codes).
  var types = {
    string: function (max, oneLine) {
      return function (v) { return units(v) > max || (oneLine && /[\r\n]/.test(v)) ? "type" : null; };
    },
    vocab: function (words) {
      return function (v) { return words.indexOf(v) >= 0 ? null : "type"; };
    },
    vocabOrDecimal: function (words) {
      return function (v) { return words.indexOf(v) >= 0 || re.decimal.test(v) ? null : "type"; };
    },
    decimal: function (min, max, blank) {
      return function (v) {
        if (blank && v === "") { return null; }
        if (!re.decimal.test(v)) { return "type"; }
        var n = parseFloat(v);
        return (min !== null && n < min) || (max !== null && n > max) ? "range" : null;
      };
    },
    pattern: function (rx) { return function (v) { return rx.test(v) ? null : "type"; }; },
    // characterstring with an optional {lang=xx} prefix; one line; may not start with "{" otherwise
    langString: function (max) {
      return function (v) {
        var m = re.lang.exec(v);
        var text = m ? v.slice(m[0].length) : v;
        if (!m && v.charAt(0) === "{") { return "type"; }
        return units(text) > max || /[\r\n]/.test(text) ? "type" : null;
      };
    },
    navRequest: function (words) {
      return function (v) { return words.indexOf(v) >= 0 || re.navTarget.test(v) ? null : "type"; };
    }
  };

  /* ------------------------------------------------------------------ the standards, as data */

  var SCORM12_STATUS = ["passed", "completed", "failed", "incomplete", "browsed"];
  var SCORM12 = {
    name: "scorm12",
    version: "3.4",
    functions: { initialize: "LMSInitialize", terminate: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue",
      commit: "LMSCommit", lastError: "LMSGetLastError", errorString: "LMSGetErrorString",
      diagnostic: "LMSGetDiagnostic" },
    codes: {
      argument: "201", initialized: "101", initializeAfterTerminate: "101",
      terminateBeforeInit: "301", terminateAfterTerminate: "101",
      getBeforeInit: "301", getAfterTerminate: "301", setBeforeInit: "301", setAfterTerminate: "301",
      commitBeforeInit: "301", commitAfterTerminate: "301",
      undefinedElement: "401", emptyElement: "401", noChildren: "202", noCount: "203",
      setKeyword: "402", readOnly: "403", writeOnly: "404", type: "405", range: "405",
      index: "201", dependency: "201", notInitialized: null, identifierChanged: null
    },
    strings: {
      "0": "No error", "101": "General exception", "201": "Invalid argument error",
      "202": "Element cannot have children", "203": "Element not an array - cannot have count",
      "301": "Not initialized", "401": "Not implemented error", "402": "Invalid set value, element is a keyword",
      "403": "Element is read only", "404": "Element is write only", "405": "Incorrect data type"
    },
    // access: r, w, rw; default: the value when the LMS gives none (else "" and readable)
    elements: {
      "cmi.core.student_id": { access: "r", def: "" },
      "cmi.core.student_name": { access: "r", def: "" },
      "cmi.core.lesson_location": { access: "rw", type: types.string(255) },
      "cmi.core.credit": { access: "r", def: "credit" },
      "cmi.core.lesson_status": { access: "rw", type: types.vocab(SCORM12_STATUS), def: "not attempted" },
      "cmi.core.entry": { access: "r", def: "ab-initio" },
      "cmi.core.score.raw": { access: "rw", type: types.decimal(0, 100, true) },
      "cmi.core.score.min": { access: "rw", type: types.decimal(0, 100, true) },
      "cmi.core.score.max": { access: "rw", type: types.decimal(0, 100, true) },
      "cmi.core.total_time": { access: "r", def: "0000:00:00" },
      "cmi.core.lesson_mode": { access: "r", def: "normal" },
      "cmi.core.exit": { access: "w", type: types.vocab(["time-out", "suspend", "logout", ""]) },
      "cmi.core.session_time": { access: "w", type: types.pattern(re.timespan12) },
      "cmi.suspend_data": { access: "rw", type: types.string(4096) },
      "cmi.launch_data": { access: "r", def: "" },
      "cmi.comments": { access: "rw", type: types.string(4096) },
      "cmi.comments_from_lms": { access: "r", def: "" },
      "cmi.student_data.mastery_score": { access: "r", def: "" },
      "cmi.interactions.n.id": { access: "w", type: types.pattern(re.identifier12) },
      "cmi.interactions.n.time": { access: "w", type: types.pattern(re.time12) },
      "cmi.interactions.n.type": { access: "w", type: types.vocab(["true-false", "choice", "fill-in", "matching",
        "performance", "sequencing", "likert", "numeric"]) },
      "cmi.interactions.n.weighting": { access: "w", type: types.decimal(-100, 100, false) },
      "cmi.interactions.n.student_response": { access: "w", type: types.string(255, true) },
      "cmi.interactions.n.result": { access: "w", type: types.vocabOrDecimal(["correct", "wrong", "unanticipated",
        "neutral"]) },
      "cmi.interactions.n.latency": { access: "w", type: types.pattern(re.timespan12) },
      "cmi.interactions.n.objectives.n.id": { access: "w", type: types.pattern(re.identifier12) },
      "cmi.interactions.n.correct_responses.n.pattern": { access: "w", type: types.string(255, true) }
    },
    children: {
      "cmi.core": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
      "cmi.core.score": "raw,min,max",
      "cmi.interactions": "id,objectives,time,type,correct_responses,weighting,student_response,result,latency"
    },
    // arrays: the element that starts an entry (first: 1.2 has none), and what needs what first
    arrays: { "cmi.interactions": {}, "cmi.interactions.n.objectives": {}, "cmi.interactions.n.correct_responses": {} },
    navigation: false
  };

  var SCORM2004 = {
    name: "scorm2004",
    version: "1.0",
    functions: { initialize: "Initialize", terminate: "Terminate", get: "GetValue", set: "SetValue",
      commit: "Commit", lastError: "GetLastError", errorString: "GetErrorString", diagnostic: "GetDiagnostic" },
    codes: {
      argument: "201", initialized: "103", initializeAfterTerminate: "104",
      terminateBeforeInit: "112", terminateAfterTerminate: "113",
      getBeforeInit: "122", getAfterTerminate: "123", setBeforeInit: "132", setAfterTerminate: "133",
      commitBeforeInit: "142", commitAfterTerminate: "143",
      undefinedElement: "401", emptyElement: "301", noChildren: "301", noCount: "301",
      setKeyword: "404", readOnly: "404", writeOnly: "405", type: "406", range: "407",
      index: "351", dependency: "408", notInitialized: "403", identifierChanged: "351"
    },
    strings: {
      "0": "No Error", "101": "General Exception", "102": "General Initialization Failure",
      "103": "Already Initialized", "104": "Content Instance Terminated", "111": "General Termination Failure",
      "112": "Termination Before Initialization", "113": "Termination After Termination",
      "122": "Retrieve Data Before Initialization", "123": "Retrieve Data After Termination",
      "132": "Store Data Before Initialization", "133": "Store Data After Termination",
      "142": "Commit Before Initialization", "143": "Commit After Termination", "201": "General Argument Error",
      "301": "General Get Failure", "351": "General Set Failure", "391": "General Commit Failure",
      "401": "Undefined Data Model Element", "402": "Unimplemented Data Model Element",
      "403": "Data Model Element Value Not Initialized", "404": "Data Model Element Is Read Only",
      "405": "Data Model Element Is Write Only", "406": "Data Model Element Type Mismatch",
      "407": "Data Model Element Value Out Of Range", "408": "Data Model Dependency Not Established"
    },
    elements: {
      "cmi.learner_id": { access: "r", def: "" },
      "cmi.learner_name": { access: "r", def: "" },
      "cmi.credit": { access: "r", def: "credit" },
      "cmi.mode": { access: "r", def: "normal" },
      "cmi.entry": { access: "r", def: "ab-initio" },
      "cmi.launch_data": { access: "r", def: "" },
      "cmi.total_time": { access: "r", def: "PT0S" },
      "cmi.completion_threshold": { access: "r" },
      "cmi.scaled_passing_score": { access: "r" },
      "cmi.max_time_allowed": { access: "r" },
      "cmi.time_limit_action": { access: "r", def: "continue,no message" },
      "cmi.completion_status": { access: "rw", def: "unknown",
        type: types.vocab(["completed", "incomplete", "not attempted", "unknown"]) },
      "cmi.success_status": { access: "rw", def: "unknown", type: types.vocab(["passed", "failed", "unknown"]) },
      "cmi.progress_measure": { access: "rw", type: types.decimal(0, 1, false) },
      "cmi.score.scaled": { access: "rw", type: types.decimal(-1, 1, false) },
      "cmi.score.raw": { access: "rw", type: types.decimal(null, null, false) },
      "cmi.score.min": { access: "rw", type: types.decimal(null, null, false) },
      "cmi.score.max": { access: "rw", type: types.decimal(null, null, false) },
      "cmi.location": { access: "rw", type: types.string(1000) },
      "cmi.suspend_data": { access: "rw", type: types.string(64000) },
      "cmi.exit": { access: "w", type: types.vocab(["time-out", "suspend", "logout", "normal", ""]) },
      "cmi.session_time": { access: "w", type: types.pattern(re.duration) },
      "cmi.comments_from_learner.n.comment": { access: "rw", type: types.langString(4000) },
      "cmi.comments_from_learner.n.location": { access: "rw", type: types.string(250) },
      "cmi.comments_from_learner.n.timestamp": { access: "rw", type: types.pattern(re.timestamp) },
      "cmi.comments_from_lms.n.comment": { access: "r" },
      "cmi.comments_from_lms.n.location": { access: "r" },
      "cmi.comments_from_lms.n.timestamp": { access: "r" },
      "cmi.interactions.n.id": { access: "rw", type: types.pattern(re.identifier2004) },
      "cmi.interactions.n.type": { access: "rw", type: types.vocab(["true-false", "choice", "fill-in",
        "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"]) },
      "cmi.interactions.n.timestamp": { access: "rw", type: types.pattern(re.timestamp) },
      "cmi.interactions.n.weighting": { access: "rw", type: types.decimal(null, null, false) },
      "cmi.interactions.n.learner_response": { access: "rw", type: null },  // by the interaction's type
      "cmi.interactions.n.result": { access: "rw", type: types.vocabOrDecimal(["correct", "incorrect",
        "unanticipated", "neutral"]) },
      "cmi.interactions.n.latency": { access: "rw", type: types.pattern(re.duration) },
      "cmi.interactions.n.description": { access: "rw", type: types.langString(250) },
      "cmi.interactions.n.objectives.n.id": { access: "rw", type: types.pattern(re.identifier2004) },
      "cmi.interactions.n.correct_responses.n.pattern": { access: "rw", type: null },
      "adl.nav.request": { access: "rw", def: "_none_", type: types.navRequest(["continue", "previous", "exit",
        "exitAll", "abandon", "abandonAll", "suspendAll", "_none_"]) },
      "adl.nav.request_valid.continue": { access: "r", def: "unknown" },
      "adl.nav.request_valid.previous": { access: "r", def: "unknown" }
    },
    children: {
      "cmi.score": "scaled,raw,min,max",
      "cmi.comments_from_learner": "comment,timestamp,location",
      "cmi.comments_from_lms": "comment,timestamp,location",
      "cmi.interactions": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description"
    },
    // first: the field an entry must get first (408 otherwise); needsType: fields read by the type
    arrays: {
      "cmi.interactions": { first: "id", needsType: ["learner_response", "correct_responses"] },
      "cmi.interactions.n.objectives": { first: "id" },
      "cmi.interactions.n.correct_responses": {},
      "cmi.comments_from_learner": {},
      "cmi.comments_from_lms": { readOnly: true }
    },
    // learner_response and correct_responses.n.pattern, by the interaction's type (the ones we check)
    responses: {
      "long-fill-in": types.langString(4000),
      "fill-in": function (v) {
        var parts = v.split("[,]");
        if (parts.length > 10) { return "type"; }
        for (var i = 0; i < parts.length; i++) {
          if (types.langString(250)(parts[i])) { return "type"; }
        }
        return null;
      },
      "true-false": types.vocab(["true", "false"]),
      other: types.string(4000, true)
    },
    navigation: true
  };

  var STANDARDS = { scorm12: SCORM12, scorm2004: SCORM2004 };

  /* ------------------------------------------------------------------ the protocol, once */

  function Lms(standard, options) {
    options = options || {};
    this.std = typeof standard === "string" ? STANDARDS[standard] : standard;
    this.store = {};
    this.state = "new";  // new -> running -> terminated
    this.lastError = "0";
    this.onCall = null;
    this.onCommit = null;
    this.onTerminate = null;
    var given = options.values || {};
    for (var key in given) {
      if (Object.prototype.hasOwnProperty.call(given, key)) { this.store[key] = String(given[key]); }
    }
  }

  var ARRAY_INDEX = /\.(\d+)(?=\.|$)/g;

  Lms.prototype.pattern = function (element) { return element.replace(ARRAY_INDEX, ".n"); };

  Lms.prototype.count = function (prefix) {
    var n = 0;
    var rx = new RegExp("^" + prefix.replace(/\./g, "\\.") + "\\.(\\d+)\\.");
    for (var key in this.store) {
      var m = rx.exec(key);
      if (m) { n = Math.max(n, parseInt(m[1], 10) + 1); }
    }
    return n;
  };

  Lms.prototype.fail = function (code) { this.lastError = code; return code; };

  Lms.prototype.argumentOk = function (arg) { return arg === ""; };

  Lms.prototype.initialize = function (arg) {
    var c = this.std.codes;
    if (!this.argumentOk(arg)) { this.fail(c.argument); return "false"; }
    if (this.state === "running") { this.fail(c.initialized); return "false"; }
    if (this.state === "terminated") { this.fail(c.initializeAfterTerminate); return "false"; }
    this.state = "running";
    this.lastError = "0";
    return "true";
  };

  Lms.prototype.terminate = function (arg) {
    var c = this.std.codes;
    if (!this.argumentOk(arg)) { this.fail(c.argument); return "false"; }
    if (this.state === "new") { this.fail(c.terminateBeforeInit); return "false"; }
    if (this.state === "terminated") { this.fail(c.terminateAfterTerminate); return "false"; }
    this.state = "terminated";
    this.lastError = "0";
    if (this.onCommit) { this.onCommit(this.values(), "terminate"); }
    if (this.onTerminate) { this.onTerminate(this.values()); }
    return "true";
  };

  Lms.prototype.commit = function (arg) {
    var c = this.std.codes;
    if (!this.argumentOk(arg)) { this.fail(c.argument); return "false"; }
    if (this.state === "new") { this.fail(c.commitBeforeInit); return "false"; }
    if (this.state === "terminated") { this.fail(c.commitAfterTerminate); return "false"; }
    this.lastError = "0";
    if (this.onCommit) { this.onCommit(this.values(), "commit"); }
    return "true";
  };

  /* What an element name means: {kind: "keyword" | "element" | "unknown", ...}. */
  Lms.prototype.resolve = function (element) {
    var std = this.std;
    if (element === "cmi._version") { return { kind: "keyword", value: std.version }; }
    var m = /^(.*)\.(_children|_count)$/.exec(element);
    if (m) {
      var base = this.pattern(m[1]);
      if (m[2] === "_children") {
        if (std.children[base]) { return { kind: "keyword", value: std.children[base] }; }
        return this.known(base) ? { kind: "error", code: std.codes.noChildren } : { kind: "unknown" };
      }
      if (std.arrays[base]) { return { kind: "keyword", value: String(this.count(m[1])) }; }
      return this.known(base) ? { kind: "error", code: std.codes.noCount } : { kind: "unknown" };
    }
    var pat = this.pattern(element);
    var def = std.elements[pat];
    if (!def && std.navigation && /^adl\.nav\.request_valid\.(choice|jump)\.\{target=\S+\}$/.test(element)) {
      return { kind: "element", def: { access: "r", def: "unknown" }, pattern: pat };
    }
    return def ? { kind: "element", def: def, pattern: pat } : { kind: "unknown" };
  };

  Lms.prototype.known = function (pat) {
    if (this.std.elements[pat] || this.std.children[pat] || this.std.arrays[pat]) { return true; }
    var prefix = pat + ".";
    for (var key in this.std.elements) { if (key.indexOf(prefix) === 0) { return true; } }
    return false;
  };

  Lms.prototype.getValue = function (element) {
    var c = this.std.codes;
    if (this.state === "new") { this.fail(c.getBeforeInit); return ""; }
    if (this.state === "terminated") { this.fail(c.getAfterTerminate); return ""; }
    if (typeof element !== "string" || element === "") { this.fail(c.emptyElement); return ""; }
    var found = this.resolve(element);
    if (found.kind === "error") { this.fail(found.code); return ""; }
    if (found.kind === "unknown") { this.fail(c.undefinedElement); return ""; }
    this.lastError = "0";
    if (found.kind === "keyword") { return found.value; }
    if (found.def.access === "w") { this.fail(c.writeOnly); return ""; }
    if (Object.prototype.hasOwnProperty.call(this.store, element)) { return this.store[element]; }
    if (found.def.def !== undefined) { return found.def.def; }
    var arrayMissing = /\.\d+\./.test(element) && !this.entryExists(element);
    if (c.notInitialized && (arrayMissing || found.def.access === "rw" || found.def.access === "r")) {
      this.fail(c.notInitialized);
    }
    return "";
  };

  /* The array an element belongs to, innermost first: {prefix: "cmi.interactions.0.objectives", index, field, spec} */
  Lms.prototype.arrayOf = function (element) {
    var m = /^(.*)\.(\d+)\.([^.]+)$/.exec(element);
    if (!m) { return null; }
    var spec = this.std.arrays[this.pattern(m[1])];
    return spec ? { prefix: m[1], index: parseInt(m[2], 10), field: m[3], spec: spec } : null;
  };

  Lms.prototype.entryExists = function (element) {
    var parts = /^(.*?\.\d+)\./.exec(element);
    if (!parts) { return true; }
    var head = parts[1] + ".";
    for (var key in this.store) { if (key.indexOf(head) === 0) { return true; } }
    return false;
  };

  Lms.prototype.setValue = function (element, value) {
    var std = this.std;
    var c = std.codes;
    if (this.state === "new") { this.fail(c.setBeforeInit); return "false"; }
    if (this.state === "terminated") { this.fail(c.setAfterTerminate); return "false"; }
    if (typeof element !== "string" || element === "") { this.fail(c.emptyElement); return "false"; }
    var found = this.resolve(element);
    if (found.kind === "keyword") { this.fail(c.setKeyword); return "false"; }
    if (found.kind === "error") { this.fail(c.setKeyword); return "false"; }
    if (found.kind === "unknown") { this.fail(c.undefinedElement); return "false"; }
    if (found.def.access === "r") { this.fail(c.readOnly); return "false"; }
    // arrays: an index at most _count (the next entry), and what an entry needs first
    var outer = /^(cmi\.[a-z_]+)\.(\d+)\./.exec(element);
    if (outer) {
      var outerSpec = std.arrays[outer[1]];
      if (outerSpec && outerSpec.readOnly) { this.fail(c.readOnly); return "false"; }
      if (parseInt(outer[2], 10) > this.count(outer[1])) { this.fail(c.index); return "false"; }
    }
    var array = this.arrayOf(element);
    if (array && array.prefix !== (outer && outer[1]) && array.index > this.count(array.prefix)) {
      this.fail(c.index); return "false";
    }
    if (typeof value !== "string") { this.fail(c.type); return "false"; }
    var problem = this.check(element, found, value);
    if (problem) { this.fail(problem); return "false"; }
    this.store[element] = value;
    this.lastError = "0";
    return "true";
  };

  /* The error code for ``value`` at ``element``, or null. */
  Lms.prototype.check = function (element, found, value) {
    var std = this.std;
    var c = std.codes;
    var interaction = /^cmi\.interactions\.(\d+)\.(.+)$/.exec(element);
    if (interaction && std.arrays["cmi.interactions"].first) {
      var base = "cmi.interactions." + interaction[1] + ".";
      var field = interaction[2];
      var id = this.store[base + "id"];
      if (field !== "id" && id === undefined) { return c.dependency; }
      var nested = /^(objectives|correct_responses)\.(\d+)\.(.+)$/.exec(field);
      if (nested && nested[1] === "objectives" && nested[3] !== "id" &&
          this.store[base + "objectives." + nested[2] + ".id"] === undefined) { return c.dependency; }
      var head = field.split(".")[0];
      if (std.arrays["cmi.interactions"].needsType.indexOf(head) >= 0) {
        var kind = this.store[base + "type"];
        if (kind === undefined) { return c.dependency; }
        var rule = std.responses[kind] || std.responses.other;
        var verdict = rule(value);
        return verdict ? c[verdict] : null;
      }
      if (field === "id" && id !== undefined && id !== value && c.identifierChanged) {
        var problem = found.def.type(value);
        return problem ? c[problem] : c.identifierChanged;
      }
    }
    var result = found.def.type ? found.def.type(value) : null;
    return result ? c[result] : null;
  };

  Lms.prototype.errorString = function (code) { return this.std.strings[String(code)] || ""; };

  Lms.prototype.diagnostic = function (code) {
    var key = code === "" || code === undefined ? this.lastError : String(code);
    return this.std.strings[key] ? key + ": " + this.std.strings[key] : "";
  };

  /* The record, flat; for a relaunch, the panel and the tests. */
  Lms.prototype.values = function () {
    var out = {};
    for (var key in this.store) {
      if (Object.prototype.hasOwnProperty.call(this.store, key)) { out[key] = this.store[key]; }
    }
    return out;
  };

  /* The window.API / window.API_1484_11 object: every call reported to onCall. */
  Lms.prototype.api = function () {
    var self = this;
    var f = this.std.functions;
    var api = {};
    var table = [
      [f.initialize, function (a) { return self.initialize(a); }, true],
      [f.terminate, function (a) { return self.terminate(a); }, true],
      [f.get, function (e) { return self.getValue(e); }, true],
      [f.set, function (e, v) { return self.setValue(e, v); }, true],
      [f.commit, function (a) { return self.commit(a); }, true],
      [f.lastError, function () { return self.lastError; }, false],
      [f.errorString, function (code) { return self.errorString(code); }, false],
      [f.diagnostic, function (code) { return self.diagnostic(code); }, false]
    ];
    table.forEach(function (row) {
      api[row[0]] = function () {
        var args = Array.prototype.slice.call(arguments);
        var ret = row[1].apply(null, args);
        if (self.onCall) { self.onCall({ fn: row[0], args: args, ret: ret, error: row[2] ? self.lastError : null }); }
        return ret;
      };
    });
    return api;
  };

  root.ScormBuilderLms = { Lms: Lms, standards: STANDARDS, types: types, patterns: re };
}(typeof window !== "undefined" ? window : this));
