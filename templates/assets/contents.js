/* scorm-builder contents page: marks the steps done and says how far the course has got.
 * The web build reads that from this browser (localStorage, written by step.js when a step's
 * completion rule is met); an xAPI course from the LRS, through runtime/xapi.js, which calls
 * window.ScormBuilderContents.mark(done) when the course's State document has arrived. */
(function () {
  "use strict";
  var data = {};
  try { data = JSON.parse(document.getElementById("sb-data").textContent) || {}; } catch (e) { data = {}; }
  var steps = data.steps || [];
  /* Interface strings from the course's catalogue (data.i18n; absent on an English page), as in step.js. */
  var I18N = data.i18n || {};
  function _(s) { var m = I18N.messages; return (m && m[s]) || s; }
  function ngettext(one, many, n) {
    var forms = I18N.plurals && I18N.plurals[one], table = I18N.pluralTable || [];
    var i = n < table.length ? table[n] : table[100 + (n % 100)];
    return (forms && forms[i]) || (n === 1 ? one : many);
  }
  function fill(s, values) {
    return s.replace(/%\((\w+)\)s/g, function (m, k) { return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : m; });
  }
  function fmt(n) { try { return n.toLocaleString(I18N.locale || undefined); } catch (e) { return String(n); } }

  function mark(done) {
    var n = 0, next = null;
    [].forEach.call(document.querySelectorAll("li[data-step]"), function (li) {
      var id = li.getAttribute("data-step"), tick = li.querySelector(".sb-step-done");
      if (done[id]) { n++; if (tick) { tick.textContent = _("(done)"); tick.hidden = false; } }
      else if (!next) { next = li; }
    });
    var progress = document.getElementById("sb-progress");
    if (progress && steps.length) {
      progress.textContent = n === steps.length
        ? fill(ngettext("Course complete: you have completed all %(count)s steps.", "Course complete: you have completed all %(count)s steps.", n), {count: fmt(n)})
        : fill(ngettext("You have completed %(done)s of %(count)s steps.", "You have completed %(done)s of %(count)s steps.", steps.length),
          {done: fmt(n), count: fmt(steps.length)});
      progress.hidden = false;
    }
    // "Start" becomes "Continue" at the first step not yet done.
    var start = document.querySelector("a.sb-continue");
    if (start && n && next) {
      var link = next.querySelector("a");
      start.setAttribute("href", link.getAttribute("href"));
      start.querySelector(".sb-continue-label").textContent = _("Continue");
      start.querySelector(".sb-continue-to").textContent = fill(_("Next: %(title)s"), {title: link.textContent});
    } else if (start && n === steps.length && steps.length) { start.parentNode.hidden = true; }
  }

  window.ScormBuilderContents = {mark: mark};
  if (data.target !== "web") { return; }
  var done = {};
  try {
    var p = JSON.parse(window.localStorage.getItem("scorm-builder:" + (data.courseId || "course") + ":progress"));
    done = p && p.done && typeof p.done === "object" ? p.done : {};
  } catch (e) { done = {}; }
  mark(done);
})();
