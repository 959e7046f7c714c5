/* scorm-builder runtime: the localStorage backend (the standalone web build, and the fallback of
 * every LMS target when no LMS answers). Registered last, so any LMS runtime loaded before it wins.
 * See docs/architecture.md ("JavaScript contract") and runtime/README.md.
 */
(function () {
  "use strict";

  function N_(s) { return s; }   // marks a message for the catalogue; step.js shows it translated

  function createBackend(pageData) {
    pageData = pageData || {};
    var key = pageData.storageKey || "scorm-builder:" + (pageData.courseId || "course") + ":" + (pageData.stepId || "step");
    function store() { return window.localStorage; }
    function put(state) {
      try { store().setItem(key, JSON.stringify(state)); return {ok: true}; }
      catch (e) { return {ok: false, error: N_("this browser is not letting the page store data")}; }
    }
    return {
      name: "local",
      maxReflection: 0,
      open: function () {
        try {
          var raw = store().getItem(key);
          return {state: raw ? JSON.parse(raw) : null, resumed: !!raw};
        } catch (e) { return {state: null, resumed: false}; }
      },
      save: put, submit: put, finish: put
    };
  }

  window.ScormBuilderLocal = {createBackend: createBackend};
  (window.ScormBuilderBackends = window.ScormBuilderBackends || []).push(createBackend);
}());
