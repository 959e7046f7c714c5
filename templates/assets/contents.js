/* scorm-builder contents page: marks the steps done and says how far the course has got.
 * The web build reads that from this browser (localStorage, written by step.js when a step's
 * completion rule is met); an xAPI course from the LRS, through runtime/xapi.js, which calls
 * window.ScormBuilderContents.mark(done) when the course's State document has arrived. */
(function () {
  "use strict";
  var data = {};
  try { data = JSON.parse(document.getElementById("sb-data").textContent) || {}; } catch (e) { data = {}; }
  var steps = data.steps || [];

  function mark(done) {
    var n = 0, next = null;
    [].forEach.call(document.querySelectorAll("li[data-step]"), function (li) {
      var id = li.getAttribute("data-step"), tick = li.querySelector(".sb-step-done");
      if (done[id]) { n++; if (tick) { tick.textContent = "(done)"; tick.hidden = false; } }
      else if (!next) { next = li; }
    });
    var progress = document.getElementById("sb-progress");
    if (progress && steps.length) {
      progress.textContent = n === steps.length ? "Course complete: you have completed all " + n + " steps."
        : "You have completed " + n + " of " + steps.length + " steps.";
      progress.hidden = false;
    }
    // "Start" becomes "Continue" at the first step not yet done.
    var start = document.querySelector("a.sb-continue");
    if (start && n && next) {
      var link = next.querySelector("a");
      start.setAttribute("href", link.getAttribute("href"));
      start.querySelector(".sb-continue-label").textContent = "Continue";
      start.querySelector(".sb-continue-to").textContent = "Next: " + link.textContent;
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
