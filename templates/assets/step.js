/* scorm-builder built-in theme: media, transcript, reflection and state. No dependencies. */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("sb-js");
  function $(id) { return doc.getElementById(id); }

  var data = {};
  try { data = JSON.parse($("sb-data").textContent) || {}; } catch (e) { data = {}; }
  var T = Object.assign({}, data.theme, data);   // page_data keys, plus what the template added
  /* Interface strings: the catalogue's translations (page_data.i18n, absent on an English page). */
  var I18N = T.i18n || {};
  var lang = I18N.locale || T.language || doc.documentElement.lang || undefined;
  function _(s) { var m = I18N.messages; return (m && m[s]) || s; }
  function ngettext(one, many, n) {
    var forms = I18N.plurals && I18N.plurals[one], table = I18N.pluralTable || [];
    var i = n < table.length ? table[n] : table[100 + (n % 100)];
    return (forms && forms[i]) || (n === 1 ? one : many);
  }
  function fill(s, values) {   // "%(name)s" placeholders, as in the Python catalogue
    return s.replace(/%\((\w+)\)s/g, function (m, k) { return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : m; });
  }

  function show(el, on) { if (el) { el.hidden = !on; } }
  function fmt(n) { try { return n.toLocaleString(lang); } catch (e) { return String(n); } }
  function plural(n, text) { return fill(text, {n: fmt(n)}); }   // text: ngettext(..., n)
  function blobUrl(text, type) {
    try { return URL.createObjectURL(new Blob([text], {type: type})); } catch (e) { return null; }
  }
  function baseName(href) { return String(href || "").split(/[?#]/)[0].split("/").pop(); }
  function setDownload(a, text, type, name) {
    var url = a && text ? blobUrl(text, type) : null;
    if (url) { a.setAttribute("download", name || (T.stepId ? T.stepId + "-" : "") + baseName(a.getAttribute("href"))); a.href = url; }
  }
  function store() { return window.localStorage; }
  /* Work the learner does not need to start with runs once the page is usable (after
     DOMContentLoaded): the first number formatted loads the locale's data (~15 ms); each download's Blob URL is a
     synchronous call to the browser (1-6 ms). */
  var navEntry = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var usable = doc.readyState === "complete" || !!(navEntry && navEntry.domContentLoadedEventStart > 0);
  doc.addEventListener("DOMContentLoaded", function () { usable = true; });
  function whenUsable(fn) {
    if (usable) { setTimeout(fn, 0); return; }
    doc.addEventListener("DOMContentLoaded", function () { setTimeout(fn, 0); });
  }

  /* ---------- backend: the first runtime factory that answers (runtime/local.js registers last) ---------- */
  var backend = null;
  (window.ScormBuilderBackends || []).some(function (factory) {
    try { backend = factory(data) || null; } catch (e) { backend = null; }
    return !!backend;
  });
  if (!backend) {   // no runtime script at all (a page outside a package): keep state in memory only
    var keep = function () { return {ok: true}; };
    backend = {name: "local", maxReflection: 0, open: function () { return {state: null, resumed: false}; },
               save: keep, submit: keep, finish: keep};
  }
  var isLms = backend.name !== "local";

  var state = {draft: "", submitted: null, position: 0};
  function call(method, reason) {
    return Promise.resolve().then(function () { return backend[method](state, reason); })
      .then(function (r) { return r || {ok: true}; },
            function (e) { return {ok: false, error: String((e && e.message) || e)}; });
  }

  /* ---------- status and alert messages ---------- */
  var statusEl = $("sb-status"), alertEl = $("sb-alert");
  var readOnly = false, notice = "";   // from backend.open(): e.g. an LMS review of a finished attempt
  function status(msg) {
    // Without the page's own notice element (an older course template), the notice opens every status.
    var text = notice && !$("sb-notice") ? notice + (msg ? " " + msg : "") : msg;
    if (statusEl) { statusEl.textContent = text; }
    if (msg && alertEl) { alertEl.textContent = ""; }
  }
  function alertMsg(msg) { if (alertEl) { alertEl.textContent = msg; } }
  /* A backend's reason, in the interface language when the runtime marked it for the catalogue. */
  function problem(r) { return r.error ? _(r.error) : _("unknown error"); }
  /* A save or submit that failed: say so, and offer the learner's own text as a file, so that what
   * they wrote is never lost whatever the LMS, the network or the browser's storage does. */
  function rescueMsg(msg) {
    alertMsg(msg + " " + _("Download your text to keep a copy."));
    var url = alertEl && text ? blobUrl(text.value, "text/plain;charset=utf-8") : null;
    if (!url) { return; }
    var a = doc.createElement("a");
    a.href = url;
    a.className = "sb-dl";
    a.setAttribute("download", "my-text-" + (T.stepId || "step") + ".txt");
    a.textContent = _("Download your text (.txt)");
    alertEl.appendChild(doc.createTextNode(" "));
    alertEl.appendChild(a);
  }
  function clock(d) {
    try { return d.toLocaleTimeString(lang, {hour: "2-digit", minute: "2-digit"}); }
    catch (e) { return d.toTimeString().slice(0, 5); }
  }
  function longDate(d) {
    try { return d.toLocaleString(lang, {day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"}); }
    catch (e) { return d.toString(); }
  }

  /* ---------- media, captions, downloads ---------- */
  var media = $("sb-media");
  var track = $("sb-track");
  /* The video's own controls are the browser's: the player is ringed (step.css) while one of them has
     focus, but only after Tab on the page (keys pressed inside those controls never reach the page), as
     a mouse click on them focuses them too. */
  if (media) {
    doc.addEventListener("keydown", function (e) { if (e.key === "Tab") { doc.documentElement.classList.add("sb-keys"); } }, true);
    doc.addEventListener("pointerdown", function () { doc.documentElement.classList.remove("sb-keys"); }, true);
  }
  var ccBtn = $("sb-cc");
  var capsTrack = media && media.textTracks && media.textTracks.length ? media.textTracks[0] : null;
  /* The captions as a Blob URL (a page opened from file:// may not fetch the .vtt file). Run once the
     page is usable, like the stored preferences below: the Blob URL is a synchronous call to the
     browser, and the first read of localStorage opens the page's storage, about a millisecond each. */
  function trackFromData() {
    if (!track || !T.captionsVtt) { return; }
    var vttUrl = blobUrl(T.captionsVtt, "text/vtt");
    if (vttUrl) {
      // Firefox marks a track as failed when its src changes while the static file is loading;
      // a fresh element that carries the Blob URL from the start loads in every browser.
      var fresh = track.cloneNode(false);
      fresh.src = vttUrl;
      track.parentNode.replaceChild(fresh, track);
      track = fresh;
    }
    capsTrack = track.track;
  }
  function ccPref(v) {
    try { if (v) { store().setItem("scorm-builder:captions", v); } else { return store().getItem("scorm-builder:captions"); } }
    catch (e) { return null; }
    return null;
  }
  /* Captions on/off (the toggle) and display preferences (the settings panel). "Below the video"
     keeps the track "hidden" and draws the active cue text in #sb-cap-below instead. */
  var stage = $("sb-stage"), below = $("sb-cap-below");
  var setBtn = $("sb-capset-btn"), panel = $("sb-capset");
  var CAP = {size: ["100", "75", "150", "200"], colors: ["wb", "bw", "yb"], opacity: ["100", "75", "50"], pos: ["over", "below"]};
  var capKey = "scorm-builder:" + (T.courseId || "course") + ":captions-style";
  var capStyle = {}, ccOn = true, wantMode = "";
  function readCaptionPrefs() {
    var saved = null;
    ccOn = ccPref() !== "off";
    try { saved = JSON.parse(store().getItem(capKey)); } catch (e) { saved = null; }
    Object.keys(CAP).forEach(function (k) {
      var v = saved && String(saved[k]);
      capStyle[k] = CAP[k].indexOf(v) >= 0 ? v : CAP[k][0];
    });
  }
  Object.keys(CAP).forEach(function (k) { capStyle[k] = CAP[k][0]; });   // until they are read
  function cueText(c) {
    try { return c.getCueAsHTML().textContent; }   // drops <v> spans, decodes &amp; etc.
    catch (e) { return String(c.text || "").replace(/<[^>]*>/g, ""); }
  }
  function drawCue() {
    if (!below || below.hidden) { return; }
    var cues = capsTrack.activeCues || [];
    below.textContent = [].map.call(cues, cueText).join("\n");
  }
  function applyCaptions() {
    if (stage) {
      Object.keys(capStyle).forEach(function (k) { stage.setAttribute("data-cap-" + k, capStyle[k]); });
    }
    // The region is not seen in the video's own full screen: let the browser draw the captions there.
    var drawn = !!below && ccOn && capStyle.pos === "below" && doc.fullscreenElement !== media;
    wantMode = ccOn && !drawn ? "showing" : "hidden";
    if (capsTrack.mode !== wantMode) { capsTrack.mode = wantMode; }
    show(below, drawn);
    if (below && !drawn) { below.textContent = ""; }
    drawCue();
    if (ccBtn) { ccBtn.setAttribute("aria-pressed", String(ccOn)); }
  }
  function setPanel(open) {
    show(panel, open);
    setBtn.setAttribute("aria-expanded", String(open));
  }
  if (capsTrack) {
    /* The toggles work at once (on the page's own track until then); the Blob URL track and the
       learner's stored choices follow just after DOMContentLoaded. */
    whenUsable(function () {
      trackFromData();
      readCaptionPrefs();
      if (setBtn && panel && stage) {
        Object.keys(capStyle).forEach(function (k) {
          var r = $("sb-cap-" + k + "-" + capStyle[k]);
          if (r) { r.checked = true; }
        });
      }
      applyCaptions();
      capsTrack.addEventListener("cuechange", drawCue);
    });
    doc.addEventListener("fullscreenchange", applyCaptions);
    if (media.textTracks.addEventListener) {
      // The browser's own captions menu changed the mode: follow it.
      media.textTracks.addEventListener("change", function () {
        if (capsTrack.mode !== wantMode) { ccOn = capsTrack.mode === "showing"; applyCaptions(); }
      });
    }
    if (ccBtn) {
      show(ccBtn, true);
      ccBtn.addEventListener("click", function () {
        ccOn = !ccOn;
        ccPref(ccOn ? "on" : "off");
        applyCaptions();
      });
    }
    if (setBtn && panel && stage) {
      show(setBtn, true);
      setBtn.addEventListener("click", function () { setPanel(panel.hidden); });
      panel.addEventListener("change", function (e) {
        var k = String(e.target.name || "").replace("sb-cap-", "");
        if (!CAP[k] || CAP[k].indexOf(e.target.value) < 0) { return; }
        capStyle[k] = e.target.value;
        try { store().setItem(capKey, JSON.stringify(capStyle)); } catch (err) { /* not remembered */ }
        applyCaptions();
      });
      [setBtn, panel].forEach(function (el) {
        el.addEventListener("keydown", function (e) {
          if (e.key === "Escape" && !panel.hidden) { e.preventDefault(); setPanel(false); setBtn.focus(); }
        });
      });
    }
  }
  whenUsable(function () {   // until then the links open the package's own files
    setDownload($("sb-dl-txt"), T.transcriptTxt, "text/plain;charset=utf-8");
    setDownload($("sb-dl-vtt"), T.captionsVtt, "text/vtt;charset=utf-8");
  });

  /* ---------- interactive transcript ---------- */
  var box = $("sb-transcript");
  var auto = $("sb-autoscroll");
  var paras = box ? [].slice.call(box.querySelectorAll(".sb-para[data-start]")) : [];
  var starts = paras.map(function (p) { return parseFloat(p.getAttribute("data-start")) || 0; });
  var current = -1, holdUntil = 0;
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");

  function keyboardFocusInBox() {
    var el = doc.activeElement;
    if (!box || !el || !box.contains(el)) { return false; }
    try { return el === box || el.matches(":focus-visible"); } catch (e) { return true; }
  }
  function follow(p) {
    if (!auto || !auto.checked || Date.now() < holdUntil || keyboardFocusInBox()) { return; }
    var top = Math.max(0, p.offsetTop - 8);
    if (box.scrollTo && !(reduced && reduced.matches)) { box.scrollTo({top: top, behavior: "smooth"}); }
    else { box.scrollTop = top; }
  }
  function mark(i, scroll) {
    if (i === current) { return; }
    if (current >= 0) { paras[current].removeAttribute("aria-current"); }
    current = i;
    if (i >= 0) {
      paras[i].setAttribute("aria-current", "true");
      if (scroll) { follow(paras[i]); }
    }
  }
  function sync() {
    var t = media.currentTime + 0.05, i = -1;
    for (var k = 0; k < starts.length && starts[k] <= t; k++) { i = k; }
    mark(i, true);
  }
  if (media && paras.length) {
    show(doc.querySelector(".sb-tools"), true);
    paras.forEach(function (p, i) {
      var old = p.querySelector(".sb-time");
      if (!old) { return; }
      var b = doc.createElement("button");
      b.type = "button";
      b.className = "sb-seek";
      var vh = doc.createElement("span");
      vh.className = "sb-vh";
      vh.textContent = _("Play from") + " ";
      b.appendChild(vh);
      b.appendChild(doc.createTextNode(old.textContent));
      b.addEventListener("click", function () {
        media.currentTime = starts[i];
        mark(i, false);
        var pr = media.play();
        if (pr && pr.catch) { pr.catch(function () {}); }
      });
      p.replaceChild(b, old);
    });
    media.addEventListener("timeupdate", sync);
    media.addEventListener("seeked", sync);
    ["wheel", "touchmove"].forEach(function (ev) {
      box.addEventListener(ev, function () { holdUntil = Date.now() + 5000; }, {passive: true});
    });
    box.addEventListener("keydown", function (e) {
      if (/^(Arrow|Page|Home|End| )/.test(e.key)) { holdUntil = Date.now() + 5000; }
    });
  }

  /* ---------- position ---------- */
  var lastPos = 0, quietSeek = false;   // quietSeek: the resume seek below is not the learner's
  function savePosition() {
    if (!media) { return; }
    state.position = Math.round(media.currentTime * 10) / 10;
    lastPos = state.position;
    call("save", "position");
  }
  if (media) {
    media.addEventListener("timeupdate", function () {
      if (!media.paused && Math.abs(media.currentTime - lastPos) >= 10) { savePosition(); }
    });
    media.addEventListener("pause", function () { if (!media.seeking) { savePosition(); } });
  }
  /* Optional backend.media(event) (xAPI video statements): play, pause, seeked (with the time it
     left), ended. Only runtimes that report media use define it. */
  if (media && typeof backend.media === "function") {
    var heard = 0, seekFrom = null;   // last position seen outside a seek; where the current seek started
    var report = function (type, extra) {
      var ev = {type: type, time: media.currentTime || 0, length: isFinite(media.duration) ? media.duration : 0};
      Object.keys(extra || {}).forEach(function (k) { ev[k] = extra[k]; });
      Promise.resolve().then(function () { return backend.media(ev); }).catch(function () {});
    };
    media.addEventListener("timeupdate", function () { if (!media.seeking) { heard = media.currentTime; } });
    media.addEventListener("play", function () { report("play"); });
    media.addEventListener("pause", function () { if (!media.ended) { report("pause"); } });
    // currentTime already holds the target when "seeking" fires: the start is the last heard time.
    media.addEventListener("seeking", function () { if (seekFrom === null) { seekFrom = heard; } });
    media.addEventListener("seeked", function () {
      if (!quietSeek) { report("seeked", {from: seekFrom === null ? heard : seekFrom}); }
      quietSeek = false;
      seekFrom = null;
      heard = media.currentTime;
    });
    media.addEventListener("ended", function () { report("ended"); });
  }
  function restorePosition(pos) {
    if (!media || !(pos > 0)) { return; }
    lastPos = pos;
    var seek = function () {
      if (!media.currentTime && (!media.duration || pos < media.duration - 1)) { quietSeek = true; media.currentTime = pos; }
    };
    if (media.readyState >= 1) { seek(); } else { media.addEventListener("loadedmetadata", seek, {once: true}); }
  }

  /* ---------- reflection ---------- */
  var form = $("sb-form"), text = $("sb-text");
  var countEl = $("sb-count"), countSr = $("sb-count-sr"), errEl = $("sb-error");
  var record = $("sb-record");
  var summary = $("sb-summary"), summaryLink = $("sb-summary-link");
  if (!summaryLink) { summary = null; }   // a course's own step.html may not have the summary
  var limit = T.maxLength || 0;
  if (backend.maxReflection && (!limit || backend.maxReflection < limit)) {
    limit = backend.maxReflection;
    if ($("sb-limit-n")) { $("sb-limit-n").textContent = fmt(limit); }
  }
  var describedBy = text ? text.getAttribute("aria-describedby") : "";
  var draftTimer = 0, countTimer = 0, lastValue = "", tooLongWarned = false, submits = 0;

  function countText() {
    var n = text.value.length;
    if (!limit) { return plural(n, ngettext("You have entered %(n)s character", "You have entered %(n)s characters", n)); }
    return n <= limit ? plural(limit - n, ngettext("You have %(n)s character remaining", "You have %(n)s characters remaining", limit - n))
      : plural(n - limit, ngettext("You have %(n)s character too many", "You have %(n)s characters too many", n - limit));
  }
  function updateCount(announce) {
    if (!countEl) { return; }
    countEl.textContent = countText();
    countEl.classList.toggle("sb-over", !!limit && text.value.length > limit);
    clearTimeout(countTimer);
    if (announce) { countTimer = setTimeout(function () { countSr.textContent = countText(); }, 1000); }
  }
  function setError(msg) {
    if (msg) {
      errEl.textContent = "";
      var vh = doc.createElement("span");
      vh.className = "sb-vh";
      vh.textContent = _("Error:") + " ";
      errEl.appendChild(vh);
      errEl.appendChild(doc.createTextNode(msg));
      text.setAttribute("aria-invalid", "true");
      text.setAttribute("aria-describedby", "sb-error " + describedBy);
    } else {
      text.removeAttribute("aria-invalid");
      text.setAttribute("aria-describedby", describedBy);
    }
    show(errEl, !!msg);
    if (summary) {
      // A link only while there is an error to go to: an empty link is announced as just "link".
      summaryLink.textContent = msg;
      if (msg) { summaryLink.setAttribute("href", "#sb-text"); } else { summaryLink.removeAttribute("href"); }
      show(summary, !!msg);
    }
  }
  function validate(v) {
    var n = v.length;
    if (!v.trim()) { return _("Enter your reflection"); }
    if (T.minLength && n < T.minLength) {
      return plural(T.minLength, ngettext("Your reflection must be at least %(n)s character", "Your reflection must be at least %(n)s characters", T.minLength));
    }
    if (limit && n > limit) {
      return plural(limit, ngettext("Your reflection must be %(n)s character or fewer", "Your reflection must be %(n)s characters or fewer", limit));
    }
    return "";
  }
  function saveDraft() {
    clearTimeout(draftTimer);
    if (!text || readOnly || text.value === state.draft) { return; }
    if (limit && text.value.length > limit) {
      if (!tooLongWarned) {
        alertMsg(plural(limit, ngettext("Your draft is too long to save. Shorten it to %(n)s character or fewer, or copy it into a document of your own.", "Your draft is too long to save. Shorten it to %(n)s characters or fewer, or copy it into a document of your own.", limit)));
        tooLongWarned = true;
      }
      return;
    }
    tooLongWarned = false;
    state.draft = text.value;
    var seen = submits;
    call("save", "draft").then(function (r) {
      // An answer submitted meanwhile (a blur on the way to Submit) keeps its own message.
      if (r.ok) { if (seen === submits) { status(fill(_("Draft saved at %(time)s"), {time: clock(new Date())})); } }
      else { rescueMsg(fill(_("Your draft could not be saved (%(error)s)."), {error: problem(r)})); }
    });
  }
  /* ---------- the same step open in two tabs ----------
   * Each edit is announced in localStorage; another tab of this step takes the newer text into its
   * box and its state, so whichever tab saves or closes last writes what the learner typed last. */
  var tabId = String(Math.random()).slice(2), followed = false,
    liveKey = (T.storageKey || "scorm-builder:" + (T.courseId || "course") + ":" + (T.stepId || "step")) + ":live";
  function announceEdit() {
    try { window.localStorage.setItem(liveKey, JSON.stringify({tab: tabId, draft: text.value})); } catch (e) { /* no storage: one tab only */ }
  }
  function forgetEdit() {
    try {
      var m = JSON.parse(window.localStorage.getItem(liveKey) || "null");
      if (m && m.tab === tabId) { window.localStorage.removeItem(liveKey); }
    } catch (e) { /* nothing to forget */ }
  }
  whenUsable(function () { window.addEventListener("storage", onStorage); });   // registering it costs ~0.5 ms
  function onStorage(e) {
    if (e.key !== liveKey || !e.newValue || !text || readOnly) { return; }
    var m = null;
    try { m = JSON.parse(e.newValue); } catch (x) { return; }
    if (!m || m.tab === tabId || typeof m.draft !== "string" || m.draft === text.value) { return; }
    clearTimeout(draftTimer);
    text.value = lastValue = state.draft = m.draft;
    updateCount(false);
    if (!followed) {
      followed = true;
      status(_("This step is open in another tab: the text here now follows what you type there."));
    }
  }
  function onInput() {
    followed = false;
    announceEdit();
    lastValue = text.value;
    updateCount(true);
    clearTimeout(draftTimer);
    draftTimer = setTimeout(saveDraft, 1500);
  }
  function recordText() {
    var s = state.submitted, lines = [
      _("Reflection record"), "",
      _("Step") + ": " + (T.stepTitle || ""),
      _("Course") + ": " + (T.courseTitle || "") + (T.sourceCourse ? " " + fill(_("(adapted from \u201c%(title)s\u201d)"), {title: T.sourceCourse}) : ""),
      _("Date") + ": " + longDate(new Date(s.at)), "",
      _("Prompt") + ": " + (T.prompt || "")
    ];
    if (T.guidingQuestions && T.guidingQuestions.length) {
      lines.push("", _("Guiding questions") + ":");
      T.guidingQuestions.forEach(function (q) { lines.push("- " + q); });
    }
    lines.push("", _("My reflection") + ":", s.text, "");
    return lines.join("\r\n");
  }
  function showRecord() {
    if (!record || !state.submitted) { return; }
    var at = new Date(state.submitted.at);
    $("sb-record-date").textContent = longDate(at);
    $("sb-record-text").textContent = state.submitted.text;
    var day = isNaN(at) ? "" : "-" + at.toISOString().slice(0, 10);
    setDownload($("sb-record-dl"), recordText(), "text/plain;charset=utf-8",
      "reflection-" + (T.stepId || "step") + day + ".txt");
    show(record, true);
  }
  if (form && text) {
    show(form.querySelector(".sb-actions"), true);
    whenUsable(function () { updateCount(false); });
    text.addEventListener("input", onInput);
    text.addEventListener("blur", saveDraft);
    // Dictation tools may change the value without input events: poll while focused.
    setInterval(function () { if (doc.activeElement === text && text.value !== lastValue) { onInput(); } }, 1000);
    if (summary) {
      // Focus the field ourselves instead of following href="#sb-text": inside an LMS frame a
      // fragment link would add a history entry and change the frame's URL.
      summaryLink.addEventListener("click", function (e) {
        e.preventDefault();
        var label = form.querySelector("label[for='sb-text']");
        if (label && label.scrollIntoView) { label.scrollIntoView(); }
        text.focus({preventScroll: !!label});
      });
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (readOnly) { return; }
      var v = text.value, msg = validate(v);
      setError(msg);
      if (msg) { (summary || text).focus(); return; }
      clearTimeout(draftTimer);
      var prev = {draft: state.draft, submitted: state.submitted};
      state.draft = v;
      state.submitted = {text: v, at: new Date().toISOString()};
      submits++;
      call("submit").then(function (r) {
        if (r.ok) { forgetEdit(); showRecord(); updateProgress(null); status(_("Reflection submitted. You can download or print a copy below.")); }
        else {
          state.draft = prev.draft; state.submitted = prev.submitted;
          rescueMsg(fill(_("Your reflection could not be submitted (%(error)s). Try again in a moment."), {error: problem(r)}));
        }
      });
    });
    $("sb-print").addEventListener("click", function () {
      doc.body.classList.add("sb-print-record");
      window.print();
    });
    window.addEventListener("afterprint", function () { doc.body.classList.remove("sb-print-record"); });
  }

  /* ---------- finish ---------- */
  var finishBtn = $("sb-finish");
  if (isLms && finishBtn) {
    show(finishBtn.parentNode, true);
    finishBtn.addEventListener("click", function () {
      flush();
      call("finish").then(function (r) {
        if (r.ok) {
          lmsNav(null);
          var done = finishedText(), box = $("sb-finished");
          if (box) { box.textContent = done; }
          status(done);
        }
        else { alertMsg(fill(_("This step could not be finished (%(error)s). Try again, or tell your course administrator."), {error: problem(r)})); }
      });
    });
  }
  /* What happens next, in words, once the step is finished (the LMS moves on, not the page). */
  function finishedText() {
    var n = T.stepNumber || 1, count = T.stepCount || 1;
    var values = {number: fmt(n), count: fmt(count), title: T.nextTitle || ""};
    if (n < count && doc.querySelector("a.sb-continue[rel='next']")) {
      return fill(_("You have finished step %(number)s of %(count)s. Use \u201cContinue\u201d below for the next step, \u201c%(title)s\u201d."), values);
    }
    if (n < count) {
      return fill(_("You have finished step %(number)s of %(count)s. Your LMS opens the next step, \u201c%(title)s\u201d; if it does not, open that step from the course in your LMS."), values);
    }
    if (count > 1) {
      return _("You have finished the last step. The course is complete once every step is complete. You can close this window.");
    }
    return _("You have finished this step. You can close this window.");
  }
  function flush() {
    if (text && text.value !== state.draft && !(limit && text.value.length > limit)) { state.draft = text.value; }
    if (media && media.currentTime) { state.position = Math.round(media.currentTime * 10) / 10; }
  }
  doc.addEventListener("visibilitychange", function () {
    if (doc.visibilityState === "hidden") { flush(); call("save", "position"); }
  });
  // A page kept in the back/forward cache may come back: save, but keep the LMS session open.
  window.addEventListener("pagehide", function (ev) {
    flush();
    if (ev.persisted) { call("save", "draft"); } else { forgetEdit(); call("finish"); }
  });

  /* ---------- LMS navigation: open() may return nav {previous, next}; backend.navigate(state, direction) ---------- */
  var navBox = $("sb-lmsnav"), navAllowed = {};
  function lmsNav(nav) {   // a control only for a move the LMS said it allows (never one that does nothing)
    if (!navBox || typeof backend.navigate !== "function") { return; }
    var any = false;
    ["previous", "next"].forEach(function (dir) {
      var b = $("sb-lmsnav-" + dir), on = !!(b && nav && nav[dir] === true);
      navAllowed[dir] = on;
      if (!b) { return; }
      show(b, on);
      b.disabled = false;
      if (on && !b.sbNav) { b.sbNav = true; b.addEventListener("click", function () { go(dir); }); }
      any = any || on;
    });
    show(navBox, any);
  }
  function go(dir) {
    flush();
    [].forEach.call(navBox.querySelectorAll("button"), function (x) { x.disabled = true; });
    call("navigate", dir).then(function (r) {
      if (r.ok) { status(dir === "next" ? _("Opening the next step\u2026") : _("Opening the previous step\u2026")); return; }
      var left = {previous: navAllowed.previous, next: navAllowed.next};
      left[dir] = false;
      lmsNav(left);
      var other = $("sb-lmsnav-" + (dir === "next" ? "previous" : "next"));
      (other && !other.hidden ? other : finishBtn || doc.body).focus();
      alertMsg(fill(dir === "next" ? _("The LMS did not open the next step (%(error)s). Use the LMS's own menu or buttons to move between steps.")
        : _("The LMS did not open the previous step (%(error)s). Use the LMS's own menu or buttons to move between steps."), {error: problem(r)}));
    });
  }

  /* ---------- progress: this step's rule, and (web: localStorage; or what the runtime knows) the course ---------- */
  var stepDone = false, courseDone = null;   // courseDone: ids of steps known to be done
  var progressKey = "scorm-builder:" + (T.courseId || "course") + ":progress";
  function ruleMet() {
    if (T.completion === "viewed") { return true; }
    return !!state.submitted;
  }
  function readProgress() {
    try { var p = JSON.parse(store().getItem(progressKey)); return p && typeof p === "object" && p.done ? p : {done: {}}; }
    catch (e) { return {done: {}}; }
  }
  function showProgress() {
    var steps = T.steps || [];
    var stateEl = $("sb-step-state"), progressEl = $("sb-progress");
    if (stateEl) {
      stateEl.textContent = stepDone ? "\u2713 " + _("You have completed this step.") :
        (T.completion === "viewed" ? "" : _("To complete this step, submit your reflection."));
      stateEl.classList.toggle("sb-done", stepDone);
      show(stateEl, !!stateEl.textContent);
    }
    if (progressEl && courseDone && steps.length > 1) {
      var n = steps.filter(function (id) { return courseDone.indexOf(id) >= 0; }).length;
      progressEl.textContent = n === steps.length
        ? fill(ngettext("Course complete: all %(count)s steps done", "Course complete: all %(count)s steps done", steps.length), {count: fmt(steps.length)})
        : fill(ngettext("%(done)s of %(count)s step done", "%(done)s of %(count)s steps done", steps.length), {done: fmt(n), count: fmt(steps.length)});
      show(progressEl, true);
    }
  }
  function updateProgress(r) {
    // A browse-mode launch (a notice, not read-only) records nothing as complete.
    var counts = !(notice && !readOnly);
    stepDone = counts && ruleMet();
    if (r && Array.isArray(r.progress)) { courseDone = r.progress.slice(); }
    if (!isLms) {
      var p = readProgress();
      if (stepDone && T.stepId && !p.done[T.stepId]) {
        p.done[T.stepId] = true;
        try { store().setItem(progressKey, JSON.stringify(p)); } catch (e) { /* shown for this page only */ }
      }
      courseDone = Object.keys(p.done);
      if (stepDone && T.stepId && courseDone.indexOf(T.stepId) < 0) { courseDone.push(T.stepId); }
    } else if (courseDone && stepDone && courseDone.indexOf(T.stepId) < 0) { courseDone.push(T.stepId); }
    showProgress();
  }

  /* ---------- restore ---------- */
  function applyMode(r) {
    readOnly = !!(r && r.readOnly);
    notice = r && typeof r.notice === "string" ? _(r.notice) : "";
    if (notice) {
      if ($("sb-notice")) { $("sb-notice").textContent = notice; } else { status(""); }
    }
    if (readOnly && form && text) {
      text.readOnly = true;   // readonly, not disabled: still focusable and read by screen readers
      [].forEach.call(form.querySelectorAll("button[type='submit'], .sb-actions button"), function (b) { b.disabled = true; });
    }
  }
  /* The saved state is read once the page is usable: for the web target that is the first read of
     localStorage (it opens the page's storage); an LMS runtime starts its session at the same moment. */
  whenUsable(function () { call("open").then(restore); });
  function restore(r) {
    var s = r && r.state;
    applyMode(r);
    lmsNav(r && r.nav);
    if (r && r.error) { alertMsg(fill(_("Your saved work could not be loaded (%(error)s)."), {error: _(r.error)})); }
    if (!s) { if (!(r && r.error)) { updateProgress(r); } return; }
    state.draft = typeof s.draft === "string" ? s.draft : "";
    state.submitted = s.submitted && typeof s.submitted.text === "string" ? s.submitted : null;
    state.position = +s.position || 0;
    restorePosition(state.position);
    if (text && !text.value) {
      text.value = state.draft || (state.submitted ? state.submitted.text : "");
      lastValue = text.value;
      whenUsable(function () { updateCount(false); });
    }
    if (state.submitted) {
      showRecord();
      status(fill(_("You submitted your reflection on %(date)s."), {date: longDate(new Date(state.submitted.at))}));
    } else if (state.draft) { status(_("Your saved draft has been restored")); }
    updateProgress(r);
  }
  /* The page is sent with preload="none": fetching the video's first bytes and metadata cost the page's
     own thread several milliseconds before it was usable, so it starts just after (issue 12), after the
     captions and the saved state above. */
  if (media && media.getAttribute("preload") === "none" && media.getAttribute("data-sb-preload")) {
    whenUsable(function () { media.preload = media.getAttribute("data-sb-preload"); });
  }
})();
