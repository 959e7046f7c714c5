/* scorm-builder: what the SCORM 1.2 and 2004 runtimes share, loaded before either of them.
 * Finding the LMS's API object, and the layout of our cmi.suspend_data. Each edition's runtime
 * keeps only what differs (element names, limits, value formats, the flags it stores).
 * Plain ES2017, no dependencies, no network. Exposed as window.ScormBuilderScorm.
 */
(function () {
  "use strict";

  var SEARCH_LIMIT = 500;        // frames to climb looking for the API object
  var MAGIC = "SB1";             // first field of our suspend_data header

  /* ---------- finding the API ----------
   * The API object is `name` (API or API_1484_11) on a parent frame of the page, or on a parent
   * of the window that opened it; `init` is the function that tells it from a lookalike. */

  function probe(win, name, init) {
    try {
      var api = win[name];
      if (api && typeof api[init] === "function") { return api; }
    } catch (e) { /* cross-origin frame: keep climbing */ }
    return null;
  }

  function climb(win, name, init) {
    for (var hops = 0; win && hops <= SEARCH_LIMIT; hops++) {
      var api = probe(win, name, init);
      if (api) { return api; }
      var up = null;
      try { up = win.parent; } catch (e) { up = null; }
      if (!up || up === win) { return null; }
      win = up;
    }
    return null;
  }

  function findAPI(start, name, init) {
    var api = climb(start, name, init);
    if (api) { return api; }
    var openers = [];
    try { if (start.top && start.top.opener) { openers.push(start.top.opener); } } catch (e) { /* ignore */ }
    try { if (start.opener) { openers.push(start.opener); } } catch (e) { /* ignore */ }
    for (var i = 0; i < openers.length; i++) {
      api = climb(openers[i], name, init);
      if (api) { return api; }
    }
    return null;
  }

  /* ---------- suspend_data layout ----------
   * "SB1;key=value;...\n" then the text, raw (newlines and quotes cost one unit each).
   *   s=<submitted at>  n=<length of the submitted text, which opens the body>
   *   k=<p>,<q>         the draft differs from the submitted text: it is the text's first p units,
   *                     then the rest of the body, then the text's last q units
   * Each edition adds its own flags (see its runtime); unknown keys are ignored.
   * Without s/n the whole body is the draft. */

  function lines(s) { return String(s == null ? "" : s).replace(/\r\n?/g, "\n"); }

  function stamp(at) { return String(at == null ? "" : at).replace(/[^0-9A-Za-z:.+-]/g, "").slice(0, 30); }

  function index(v) { return /^\d+$/.test(v || "") ? parseInt(v, 10) : null; }

  /* state {draft, submitted: {text, at} | null}; flags: extra "key=value" fields, in order. */
  function encode(state, flags) {
    state = state || {};
    var fields = [MAGIC];
    var draft = lines(state.draft);
    var body = draft;
    if (state.submitted) {
      var text = lines(state.submitted.text);
      fields.push("s=" + stamp(state.submitted.at), "n=" + text.length);
      body = text;
      if (draft !== text) {
        var most = Math.min(text.length, draft.length);
        var p = 0;
        while (p < most && text.charCodeAt(p) === draft.charCodeAt(p)) { p++; }
        var q = 0;
        while (q < most - p && text.charCodeAt(text.length - 1 - q) === draft.charCodeAt(draft.length - 1 - q)) { q++; }
        fields.push("k=" + p + "," + q);
        body += draft.slice(p, draft.length - q);
      }
    }
    return fields.concat(flags || []).join(";") + "\n" + body;
  }

  /* -> {draft, submitted, fields: {key: value}} or null when the data is not ours. */
  function decode(data) {
    data = lines(data);
    var end = data.indexOf("\n");
    if (end < 0) { return null; }
    var head = data.slice(0, end).split(";");
    if (head[0] !== MAGIC) { return null; }
    var f = {};
    for (var i = 1; i < head.length; i++) {
      var eq = head[i].indexOf("=");
      if (eq > 0) { f[head[i].slice(0, eq)] = head[i].slice(eq + 1); }
    }
    var body = data.slice(end + 1);
    var out = { draft: body, submitted: null, fields: f };
    var n = index(f.n);
    if (n != null) {
      var text = body.slice(0, n);
      out.submitted = { text: text, at: f.s || "" };
      out.draft = text;
      var k = /^(\d+),(\d+)$/.exec(f.k || "");
      if (k) {
        out.draft = text.slice(0, +k[1]) + body.slice(n) + text.slice(text.length - +k[2]);
      }
    }
    return out;
  }

  window.ScormBuilderScorm = { findAPI: findAPI, encode: encode, decode: decode, lines: lines, index: index,
    SEARCH_LIMIT: SEARCH_LIMIT };
})();
