"""Keyboard and pointer (issue 8, item 3), on the built example step in headless Chromium.

- Tab order: the role and accessible name of every tab stop, compared with the order a reader expects
  (skip links, the player, its controls and downloads, the transcript and its "Play from" buttons, the
  reflection); Shift+Tab gives the same stops in reverse; both cycle back (no keyboard trap).
- At every stop, in the light and dark schemes: a solid focus outline of at least 2 px with 3:1 against
  the page and against its own halo, computed from computed styles (tests/support/colours.py); the
  focused element not covered (``elementFromPoint`` at its centre is the element or inside it); a
  target of at least 24 x 24 CSS px.
- The step is completed with keys alone: play and seek with the transcript's buttons (Enter and Space),
  captions off and on, the caption settings opened, changed with arrows and closed with Escape, the
  reflection typed and submitted; in SCORM 1.2 (scorm-again) also "Finish", which reaches LMSFinish.
- No single-key shortcut outside the player: letter, space and arrow keys pressed with focus on the
  page, the main region and the transcript change nothing of the video, captions or transcript, and no
  key event is cancelled by the page (the browser's own scrolling is left alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import test_scorm12_runtime as s12
from tests.support.colours import measure
from tests.support.scorm_site import scorm_again_site
from tests.test_page_browser import PROMPT, site  # noqa: F401 - session fixture shared with the browser tests

pytestmark = pytest.mark.browser

TEXT = "Typed with the keyboard alone: I will ask how my colleague is before I list the tasks."

FOCUSED = """async (settle) => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) { return null; }
  // focus scrolls the element into view (smoothly, in the transcript box): measure once it has settled
  let last = null, still = 0;
  for (let i = 0; settle && i < 120 && still < 8; i++) {
    await new Promise(done => requestAnimationFrame(done));
    const now = e.getBoundingClientRect();
    still = last && now.top === last.top && now.left === last.left ? still + 1 : 0;
    last = now;
  }
  const ids = (v) => v.split(/\\s+/).map(i => document.getElementById(i)).filter(Boolean)
                      .map(x => x.textContent).join(' ');
  let name = e.getAttribute('aria-label')
    || (e.getAttribute('aria-labelledby') && ids(e.getAttribute('aria-labelledby')))
    || (e.labels && e.labels.length && [...e.labels].map(l => l.textContent).join(' '))
    || (/^(VIDEO|AUDIO|TEXTAREA)$/.test(e.tagName) ? '' : e.textContent);
  const roles = {A: 'link', BUTTON: 'button', TEXTAREA: 'textbox', VIDEO: 'video', AUDIO: 'audio', MAIN: 'main'};
  const role = e.getAttribute('role') || roles[e.tagName] || (e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase());
  const r = e.getBoundingClientRect();
  const x = r.left + r.width / 2, y = r.top + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  return {stop: role + ': ' + (name || '').replace(/\\s+/g, ' ').trim(), width: r.width, height: r.height,
          inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1,
          covered: !(hit && (hit === e || e.contains(hit))), by: hit ? hit.outerHTML.slice(0, 80) : null};
}"""


def expected_stops(index_html: Path) -> list[str]:
    """The tab stops a reader expects, in reading order, from the built page's own markup."""
    source = index_html.read_text(encoding="utf-8")
    times = re.findall(r'<span class="sb-time">([^<]+)</span>', source)
    assert times, "the built page has transcript times"
    return ["link: Skip to main content", "link: Skip to transcript", "link: Skip to reflection",
            "video: ", "button: Captions", "button: Caption settings",
            "link: Download transcript (.txt)", "link: Download captions (.vtt)",
            "region: Transcript text", *[f"button: Play from {t}" for t in times],
            "checkbox: Scroll the transcript with the video",
            f"textbox: {PROMPT}", "button: Submit reflection"]


def walk(page: Any, key: str, limit: int, frame: Any = None) -> list[dict[str, Any]]:
    """Press ``key`` until focus has gone once round the page; every stop, consecutive repeats merged
    (the video's own controls are several stops inside one element)."""
    where = frame or page
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press(key)
        now = where.evaluate(FOCUSED, False)
        if now is None:            # focus left the page (for the browser's own UI): one full round done
            if stops:
                break
            continue
        if stops and stops[-1]["stop"] == now["stop"]:
            continue
        stops.append(now)
    else:
        raise AssertionError(f"{key} never left the page after {limit} presses (a keyboard trap): "
                             f"{[s['stop'] for s in stops[-5:]]}")
    return stops


def ready(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    page.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0")


@pytest.fixture()
def context_for(browser: Any) -> Iterator[Any]:
    made: list[Any] = []

    def make(scheme: str = "light", width: int = 1280) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
        made.append(context)
        return context.new_page()

    yield make
    for context in made:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 320])
def test_tab_order_focus_and_no_trap(context_for: Any, site: Path, scheme: str, width: int) -> None:  # noqa: F811
    page = context_for(scheme, width)
    ready(page, site.as_uri())
    expected = expected_stops(site)
    forward = walk(page, "Tab", 4 * len(expected) + 40)
    assert [s["stop"] for s in forward] == expected

    # every stop: a visible ring of 3:1, not covered, on screen, and a target of 24 x 24 px at least
    page.keyboard.press("Tab")   # round again, measuring each stop while it has focus
    problems = []
    for _ in range(4 * len(expected) + 40):
        now = page.evaluate(FOCUSED, True)
        if now is not None:
            ring = measure(page, ":focus", "focus")
            weak = (ring["style"] != "solid" or ring["width"] < 2 or ring["against_page"] < 3.0
                    or ring.get("against_halo", 21.0) < 3.0)
            if weak or now["covered"] or not now["inside"] or now["width"] < 24 or now["height"] < 24:
                problems.append({**now, "ring": ring})
            if now["stop"] == expected[-1]:
                break
        page.keyboard.press("Tab")
    assert problems == [], "\n".join(map(str, problems))

    # Shift+Tab from outside the page: the same stops in reverse, and out again (no trap)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED, False) is None, "after the last stop, Tab leaves the page"
    backward = walk(page, "Shift+Tab", 4 * len(expected) + 40)
    assert [s["stop"] for s in backward] == list(reversed(expected))


def test_keys_alone_complete_the_step(context_for: Any, site: Path) -> None:  # noqa: F811
    page = context_for()
    ready(page, site.as_uri())
    media = "document.getElementById('sb-media')"

    def tab_to(stop: str, key: str = "Tab") -> None:
        for _ in range(80):
            page.keyboard.press(key)
            now = page.evaluate(FOCUSED, False)
            if now and now["stop"] == stop:
                return
        raise AssertionError(f"{stop!r} is not reachable with {key}")

    # play from a paragraph with Enter, then jump to another with Space
    tab_to("button: Play from 0:11")
    page.keyboard.press("Enter")
    page.wait_for_function(f"!{media}.paused && {media}.currentTime >= 11")
    tab_to("button: Play from 0:32")
    page.keyboard.press(" ")
    page.wait_for_function(f"{media}.currentTime >= 32")
    assert page.evaluate("document.querySelector('#sb-transcript [aria-current]').id") == \
        page.evaluate("document.querySelector('#sb-transcript .sb-para:nth-of-type(4)').id")
    page.evaluate(f"{media}.pause()")

    # captions off and on with Space and Enter; the settings opened, a size chosen with arrows, Escape
    tab_to("button: Captions", "Shift+Tab")
    page.keyboard.press(" ")
    assert page.evaluate(f"[document.getElementById('sb-cc').ariaPressed, {media}.textTracks[0].mode]") == \
        ["false", "hidden"]
    page.keyboard.press("Enter")
    assert page.evaluate(f"[document.getElementById('sb-cc').ariaPressed, {media}.textTracks[0].mode]") == \
        ["true", "showing"]
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.get_by_role("group", name="Caption settings").is_visible()
    page.keyboard.press("Tab")            # into the first group: the checked radio (100%)
    assert page.evaluate("document.activeElement.id") == "sb-cap-size-100"
    page.keyboard.press("ArrowRight")     # 150%
    assert page.evaluate("document.getElementById('sb-stage').dataset.capSize") == "150"
    page.keyboard.press("Escape")
    assert page.evaluate("[document.getElementById('sb-capset').hidden, document.activeElement.id]") == \
        [True, "sb-capset-btn"]

    # the reflection: typed, submitted with Enter
    tab_to(f"textbox: {PROMPT}")
    page.keyboard.type(TEXT)
    tab_to("button: Submit reflection")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.getElementById('sb-record').hidden")
    assert re.search("submitted", page.locator("#sb-status").inner_text(), re.I)
    assert page.locator("#sb-record-text").inner_text() == TEXT


@pytest.fixture()
def scorm_site(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.test_xapi_runtime import COURSE, build

    with scorm_again_site(tmp_path, {"pkg12": build("scorm12", COURSE, tmp_path_factory.mktemp("kbd12"))}) as server:
        yield server


def test_keys_alone_complete_the_step_in_scorm12(page: Any, scorm_site: Any) -> None:
    """In scorm-again's SCORM 1.2 runtime: Tab from the LMS page into the frame, write, submit and Finish
    with keys alone; the LMS records the reflection, completion and LMSFinish."""
    lms = s12.Lms(page, scorm_site)
    frame = lms.launch("/pkg12/index.html")
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")

    def tab_to(stop: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            now = frame.evaluate(FOCUSED, False)
            if now and now["stop"] == stop:
                return
        raise AssertionError(f"{stop!r} is not reachable with Tab")

    tab_to("link: Skip to main content")
    tab_to("button: Play from 0:11")
    page.keyboard.press("Enter")
    frame.wait_for_function("!document.getElementById('sb-media').paused")
    frame.evaluate("document.getElementById('sb-media').pause()")
    tab_to(f"textbox: {PROMPT}")
    page.keyboard.type(TEXT)
    tab_to("button: Submit reflection")
    page.keyboard.press(" ")
    frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)", timeout=20000)
    tab_to("button: Finish")
    page.keyboard.press("Enter")
    page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish' && c.ret === 'true')")
    cmi = lms.snapshots()[-1]["cmi"]
    assert cmi["core"]["lesson_status"] == "completed"
    assert TEXT in cmi["comments"]


SHORTCUT_KEYS = ["k", "m", "f", "c", "j", "l", "p", "Space", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown",
                 "Shift+N", "Shift+P", ",", ".", "0", "5"]
SNAPSHOT = """() => {
  const m = document.getElementById('sb-media');
  return {paused: m.paused, time: Math.round(m.currentTime * 1000), muted: m.muted, volume: m.volume,
          rate: m.playbackRate, track: m.textTracks[0].mode, cc: document.getElementById('sb-cc').ariaPressed,
          panel: document.getElementById('sb-capset').hidden, fullscreen: !!document.fullscreenElement,
          current: (document.querySelector('#sb-transcript [aria-current]') || {}).id || null,
          autoscroll: document.getElementById('sb-autoscroll').checked, x: scrollX,
          cancelled: window.__cancelled.slice()};
}"""


@pytest.mark.parametrize("focus", ["page", "main", "transcript"])
def test_no_single_key_shortcut_outside_the_player(context_for: Any, site: Path, focus: str) -> None:  # noqa: F811
    page = context_for()
    ready(page, site.as_uri())
    # every key event that reaches the window, and whether the page cancelled it (listened last)
    page.evaluate("""() => { window.__cancelled = [];
      addEventListener('keydown', e => { if (e.defaultPrevented) { window.__cancelled.push(e.key); } });
      addEventListener('keypress', e => { if (e.defaultPrevented) { window.__cancelled.push(e.key); } }); }""")
    page.evaluate("() => { const m = document.getElementById('sb-media'); m.currentTime = 11; }")
    page.wait_for_function("document.getElementById('sb-media').currentTime === 11 && "
                           "!document.getElementById('sb-media').seeking")
    if focus == "main":
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")      # the skip link: focus on <main>
        assert page.evaluate("document.activeElement.id") == "main"
    elif focus == "transcript":
        page.focus("#sb-transcript")
    else:
        page.evaluate("document.activeElement.blur()")
    before = page.evaluate(SNAPSHOT)
    for key in SHORTCUT_KEYS:
        page.keyboard.press(key)
        after = page.evaluate(SNAPSHOT)
        before_x, after_x = before.pop("x"), after.pop("x")
        assert after == before, f"{key} with focus on the {focus} changed {after} (was {before})"
        assert after_x == before_x == 0, f"{key} scrolled the page sideways"
        before = page.evaluate(SNAPSHOT)
    # and while the video plays, Space and k on the page do not pause it
    page.evaluate("() => { const m = document.getElementById('sb-media'); m.muted = true; return m.play(); }")
    for key in ("k", "Space"):
        page.keyboard.press(key)
        assert page.evaluate("!document.getElementById('sb-media').paused"), f"{key} paused the video"
    assert page.evaluate("window.__cancelled") == []


def test_the_shortcut_check_sees_a_shortcut(context_for: Any, site: Path) -> None:  # noqa: F811
    """A control: a page-wide "m mutes" handler, injected, is caught both as a changed state and as a
    cancelled key, so the zero above is not a check that cannot fail."""
    page = context_for()
    ready(page, site.as_uri())
    page.evaluate("""() => { window.__cancelled = [];
      addEventListener('keydown', e => { if (e.defaultPrevented) { window.__cancelled.push(e.key); } });
      document.addEventListener('keydown', e => { if (e.key === 'm') {
        const m = document.getElementById('sb-media'); m.muted = !m.muted; e.preventDefault(); } }); }""")
    before = page.evaluate(SNAPSHOT)
    page.keyboard.press("m")
    after = page.evaluate(SNAPSHOT)
    assert after["muted"] != before["muted"] and after["cancelled"] == ["m"]


def test_accessibility_statement_gives_the_keyboard_numbers(site: Path) -> None:  # noqa: F811
    """docs/accessibility.md states how many tab stops, keys and frames these tests check."""
    from tests.test_fullscreen_frame import FRAMES

    statement = " ".join((Path(__file__).resolve().parent.parent / "docs" / "accessibility.md")
                         .read_text("utf-8").split())
    assert f"each of the {len(expected_stops(site))} tab stops" in statement
    assert f"{len(SHORTCUT_KEYS)} keys (letters" in statement
    words = {4: "four"}
    assert f"frames the step {words[len(FRAMES)]} ways" in statement


def play_button_centre(page: Any) -> tuple[float, float]:
    """Where the video's own play button is (its controls are not in the page's DOM: DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for key in ("children", "shadowRoots"):
            for child in node.get(key, []):
                yield from nodes(child)

    for node in nodes(root):
        attributes = node.get("attributes", [])
        if "-webkit-media-controls-play-button" in attributes:
            quad = cdp.send("DOM.getBoxModel", {"nodeId": node["nodeId"]})["model"]["border"]
            cdp.detach()
            return (quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2
    raise AssertionError("the video has no play button")


def test_a_click_on_the_video_controls_draws_no_keyboard_ring(context_for: Any, site: Path) -> None:  # noqa: F811
    """Pointer: the player's ring is for keyboard focus on its controls; a click on the video's own play
    button focuses it too (Chromium), and draws no ring; coming back to the player with Shift+Tab does."""
    page = context_for()
    ready(page, site.as_uri())
    x, y = play_button_centre(page)
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    page.wait_for_function("!document.getElementById('sb-media').paused")
    page.evaluate("document.getElementById('sb-media').pause()")
    assert page.evaluate("document.activeElement.id") == "sb-media", "the click focused a control of the video"
    assert page.evaluate("getComputedStyle(document.getElementById('sb-media')).outlineStyle") == "none"
    # keys pressed inside the browser's own controls never reach the page; the next key on one of
    # the page's controls does: Shift+Tab back from Captions rings the player
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "sb-cc":
            break
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "sb-media"
    assert page.evaluate("getComputedStyle(document.getElementById('sb-media')).outlineStyle") == "solid"
