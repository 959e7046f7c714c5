"""The example course's web package opened from file:// in Debian's stock Firefox ESR.

Why: learners double-click ``index.html``, and Firefox treats file:// differently from Chromium (an
opaque ``null`` origin, its own rules for ``<track>`` loading and for localStorage on file://), so
passing in Chromium proves little about Firefox. Playwright cannot drive a stock Firefox, so these
tests talk WebDriver BiDi to ``firefox-esr`` directly (``tests/support/firefox.py``).

One Firefox per module keeps the suite fast; each test gets its own tab in a fresh user context, so
storage never leaks from one test to the next. Clicks and typing are real input events.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.firefox import Firefox, Tab, firefox_available
from tests.support.server import serve
from tests.test_page_browser import EXAMPLE, STEP_ID, build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not firefox_available(),
                       reason="firefox-esr is not installed (scripts/test.sh installs it with apt-get)"),
]

TRANSCRIPT = EXAMPLE / "steps" / STEP_ID / "transcript.txt"
DRAFT = "Firefox draft: kind handovers on ward 7 \u2014 caf\u00e9 chat"
LOCAL = ("file:", "blob:", "data:")


@dataclass
class Page:
    """A tab plus what Firefox reported for it: error log entries and every requested URL."""

    tab: Tab
    errors: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def open(self, url: str) -> None:
        """Navigate and wait for the video's metadata (step.js has run by then)."""
        self.tab.navigate(url)
        self.tab.wait_for("document.getElementById('sb-media').readyState >= 1", timeout=10)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """index.html of the example course's web package, built with the real CLI and unzipped."""
    return build(EXAMPLE, "web", tmp_path_factory.mktemp("firefox-example")) / "index.html"


@pytest.fixture(scope="module")
def firefox() -> Iterator[Firefox]:
    """One headless Firefox for the module (start-up is the slow part: about 2 s)."""
    ff = Firefox.launch()
    try:
        yield ff
    finally:
        ff.close()


@pytest.fixture()
def page(firefox: Firefox) -> Iterator[Page]:
    """A fresh tab in its own user context, recording errors and requests for that tab only."""
    with firefox.tab() as tab:
        pg = Page(tab)

        def on_log(p: dict[str, Any]) -> None:
            if p.get("source", {}).get("context") == tab.context and p.get("level") == "error":
                pg.errors.append(f"{p.get('type')}: {p.get('text')}")

        def on_request(p: dict[str, Any]) -> None:
            if p.get("context") == tab.context:
                pg.urls.append(p["request"]["url"])

        with firefox.listen("log.entryAdded", on_log), firefox.listen("network.beforeRequestSent", on_request):
            yield pg


def source_turns() -> list[float]:
    """Start times of the turns in the course's transcript.txt (blocks: a seconds line, then text)."""
    blocks = TRANSCRIPT.read_text(encoding="utf-8").strip().split("\n\n")
    return [float(b.splitlines()[0]) for b in blocks if re.fullmatch(r"\d+(\.\d+)?", b.splitlines()[0].strip())]


def starts(page: Page) -> list[float]:
    """The data-start of each transcript paragraph, as the page has them."""
    values: list[float] = page.tab.evaluate(
        "[...document.querySelectorAll('#sb-transcript .sb-para')].map(p => +p.dataset.start)")
    return values


# ---------------------------------------------------------------- tests

def test_loads_without_script_errors(page: Page, site: Path) -> None:
    page.open(site.as_uri())
    assert page.tab.evaluate("location.protocol") == "file:"
    assert page.tab.evaluate("document.querySelectorAll('h1').length") == 1
    assert page.tab.evaluate("document.documentElement.classList.contains('sb-js')") is True
    page.tab.evaluate("new Promise(r => setTimeout(r, 500))")  # let late errors (track, media) arrive
    assert page.errors == []
    # the recorder is live: an uncaught error thrown now must show up
    page.tab.evaluate("setTimeout(() => { throw new Error('sb-probe'); }, 0); true")
    deadline = time.monotonic() + 3
    while not any("sb-probe" in e for e in page.errors) and time.monotonic() < deadline:
        page.tab.evaluate("new Promise(r => setTimeout(r, 50))")
    assert any("sb-probe" in e for e in page.errors), "log.entryAdded did not report a thrown error"


def test_captions_showing_with_cues_from_the_inline_webvtt(page: Page, site: Path) -> None:
    page.open(site.as_uri())
    track = "document.getElementById('sb-track')"
    assert page.tab.evaluate(f"{track}.src").startswith("blob:")
    assert page.tab.evaluate("document.getElementById('sb-media').textTracks[0] === " + f"{track}.track") is True
    assert page.tab.evaluate(f"{track}.track.mode") == "showing"
    assert page.tab.evaluate("document.getElementById('sb-cc').getAttribute('aria-pressed')") == "true"
    try:
        page.tab.wait_for(f"{track}.track.cues && {track}.track.cues.length > 0", timeout=3)
    except TimeoutError:
        state = page.tab.evaluate(f"[{track}.readyState, {track}.track.cues && {track}.track.cues.length]")
        pytest.fail(f"no caption cues in Firefox: <track> readyState={state[0]} (3 = ERROR), cues={state[1]}")
    vtt = "JSON.parse(document.getElementById('sb-data').textContent).captionsVtt"
    inline = page.tab.evaluate(f"{vtt}.split('-->').length - 1")
    assert page.tab.evaluate(f"{track}.track.cues.length") == inline > 0  # every cue of the inline WebVTT
    first = page.tab.evaluate(f"(c => [c.startTime, c.endTime, c.text])({track}.track.cues[0])")
    assert "PRIYA" in first[2]
    page.tab.call("t => { document.getElementById('sb-media').currentTime = t; }", (first[0] + first[1]) / 2)
    page.tab.wait_for(f"{track}.track.activeCues && {track}.track.activeCues.length > 0", timeout=5)
    assert "PRIYA" in page.tab.evaluate(f"{track}.track.activeCues[0].text")
    assert page.tab.evaluate("document.getElementById('sb-media').paused") is True  # no autoplay


def test_transcript_one_paragraph_per_turn_and_play_from_seeks(page: Page, site: Path) -> None:
    page.open(site.as_uri())
    turns = source_turns()
    assert len(turns) >= 5
    assert starts(page) == turns  # one paragraph per turn, in order, with the turn's start time
    assert page.tab.evaluate("document.querySelectorAll('#sb-transcript .sb-para button.sb-seek').length") == len(turns)
    page.tab.evaluate("""(() => { window.__seeked = null; const v = document.getElementById('sb-media');
        v.addEventListener('seeked', () => { window.__seeked = v.currentTime; }, {once: true}); return true; })()""")
    label = page.tab.evaluate("document.querySelector('#p3 button.sb-seek').textContent")
    assert label.startswith("Play from ")
    page.tab.click("#p3 button.sb-seek")  # a real mouse click
    page.tab.wait_for("window.__seeked !== null", timeout=5)
    got = page.tab.evaluate("window.__seeked")
    assert abs(got - turns[2]) <= 0.3
    assert page.tab.evaluate("document.querySelector('#sb-transcript [aria-current=\"true\"]').id") == "p3"


def test_reflection_draft_survives_reload(page: Page, site: Path) -> None:
    page.open(site.as_uri())
    status = "document.getElementById('sb-status').textContent"
    page.tab.click("#sb-text")
    assert page.tab.evaluate("document.activeElement.id") == "sb-text"
    page.tab.type_text(DRAFT)  # real key events: one input event per character
    assert page.tab.evaluate("document.getElementById('sb-text').value") == DRAFT
    page.tab.wait_for(f"{status}.includes('Draft saved')", timeout=6)
    # the draft is in Firefox's localStorage for this file:// page, not only in the form
    stored = page.tab.evaluate("Object.keys(localStorage).map(k => localStorage.getItem(k)).join('\\n')")
    assert DRAFT in stored
    page.tab.reload()
    page.tab.wait_for(f"{status}.includes('Your saved draft has been restored')", timeout=6)
    assert page.tab.evaluate("document.getElementById('sb-text').value") == DRAFT
    # a fresh load (not a reload, so Firefox's own form-field restore cannot be what fills the box)
    page.tab.navigate("about:blank")
    page.open(site.as_uri())
    page.tab.wait_for(f"{status}.includes('Your saved draft has been restored')", timeout=6)
    assert page.tab.evaluate("document.getElementById('sb-text').value") == DRAFT


def test_no_request_leaves_the_page(page: Page, site: Path) -> None:
    page.open(site.as_uri())
    page.tab.click("#p2 button.sb-seek")  # play a little, seek, show captions: everything a visit loads
    page.tab.evaluate("new Promise(r => setTimeout(r, 800))")
    page.tab.evaluate("document.getElementById('sb-media').pause(); true")
    # Firefox reports neither file: loads (BiDi network events, Resource Timing) nor blob: ones, so this
    # checks that nothing else was asked for; the probe below shows a request that leaves is caught.
    resources: list[str] = page.tab.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    seen = page.urls + resources
    assert [u for u in seen if not u.startswith(LOCAL)] == []
    # the page's CSP (connect-src 'none') refuses a fetch to another origin, so no request is made...
    with serve(site.parent) as server:
        probe = f"{server.url}/index.html?sb-probe"
        assert page.tab.call("u => fetch(u, {mode: 'no-cors'}).then(() => true, () => false)", probe) is False
        assert probe not in page.urls
        # ...and the recorder does see a request that leaves: a navigation to a local server shows up
        page.tab.navigate(probe)
        assert probe in page.urls, f"network.beforeRequestSent missed {probe}: {page.urls}"


def test_captions_below_the_video_show_the_cue_text(page: Page, site: Path) -> None:
    page.open(site.as_uri())
    track = "document.getElementById('sb-media').textTracks[0]"
    page.tab.wait_for(f"{track}.cues && {track}.cues.length > 5", timeout=3)
    page.tab.click("#sb-capset-btn")  # real clicks: open the panel, choose "Below the video"
    assert page.tab.evaluate("document.getElementById('sb-capset-btn').getAttribute('aria-expanded')") == "true"
    page.tab.click("label[for='sb-cap-pos-below']")
    assert page.tab.evaluate(f"{track}.mode") == "hidden"
    raw = page.tab.evaluate(f"""(() => {{ const t = {track};
        const i = [...t.cues].findIndex((c, k) => k > 2 && c.text.startsWith('<v '));
        document.getElementById('sb-media').currentTime = t.cues[i].startTime + 0.05; return t.cues[i].text; }})()""")
    expected = html.unescape(re.sub(r"<[^>]*>", "", raw))
    assert "<v" in raw and re.match(r"^[A-Z]+: ", expected)
    page.tab.wait_for("document.getElementById('sb-cap-below').textContent.length > 0", timeout=5)
    assert page.tab.evaluate("document.getElementById('sb-cap-below').textContent") == expected
    below = page.tab.evaluate("""['sb-media', 'sb-cap-below'].map(id => {
        const r = document.getElementById(id).getBoundingClientRect(); return [r.top, r.bottom]; })""")
    assert below[1][0] >= below[0][1] - 0.5, below
    assert page.errors == []
