/* scorm-builder contents page (web build): marks the steps done in this browser (localStorage,
 * written by step.js when a step's completion rule is met) and says how far the course has got. */
(function () {
  "use strict";
  var data = {};
  try { data = JSON.parse(document.getElementById("sb-data").textContent) || {}; } catch (e) { data = {}; }
  var done = {};
  try {
    var p = JSON.parse(window.localStorage.getItem("scorm-builder:" + (data.courseId || "course") + ":progress"));
    done = p && p.done && typeof p.done === "object" ? p.done : {};
  } catch (e) { done = {}; }
  var steps = data.steps || [], n = 0, next = null;
  [].forEach.call(document.querySelectorAll("li[data-step]"), function (li) {
    var id = li.getAttribute("data-step"), mark = li.querySelector(".sb-step-done");
    if (done[id]) { n++; if (mark) { mark.textContent = "(done)"; mark.hidden = false; } }
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
})();
