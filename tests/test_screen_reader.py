"""What a screen-reader user hears (issue 8, item 2): a virtual screen reader walks the built step page
in headless Chromium, and its spoken phrase log is kept as a reviewed golden file.

The reader is npm ``@guidepup/virtual-screen-reader`` (tests/support/screen_reader.py). It moves item
by item from the top of the page to "end of document", as a screen reader's browse mode does, and
says each item as role, name, value, description and states. The logs of the web step (from
file://), of the contents page of a two-step course and of the SCORM 1.2 step inside scorm-again's
frame are kept in tests/golden/*-phrases.txt, and Chromium's own accessibility tree of the web step
(Playwright's ARIA snapshot) in tests/golden/step-aria.yml. A changed page fails here with a diff
until the new log is reviewed and accepted with::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_screen_reader.py

Beyond the golden files, checks that hold whatever the course says: landmarks and headings in order,
every control named, each transcript seek button named "Play from M:SS" for its paragraph's start,
each state change (error, draft saved, submitted, captions off and on) announced exactly once, and no
live announcement while the video plays with the transcript following it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import test_scorm12_runtime as s12
from tests import test_scorm2004_runtime as s2004
from tests.support import screen_reader as sr
from tests.support.scorm_site import scorm_again_site
from tests.test_page_browser import EXAMPLE, PROMPT, build, make_variant

pytestmark = pytest.mark.browser

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
UPDATE_COMMAND = "UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_screen_reader.py"
CONTROL_ROLES = ("button", "link", "checkbox", "radio", "textbox", "combobox", "slider", "spinbutton",
                 "switch", "menuitem", "tab", "option")
PLAY_SECONDS = 10.0
CONTROL_SECONDS = 4.0
SUBMITTED = "Reflection submitted. You can download or print a copy below."
HEADER = [
    "# What the virtual screen reader (@guidepup/virtual-screen-reader) says, item by item, walking",
    "# this page from the top to the end in browse mode. One phrase a line; these '#' lines are not",
    "# compared. Review a change with git diff, then accept it with:",
    f"#   {UPDATE_COMMAND}",
    "# Known differences from NVDA/JAWS/VoiceOver in Chromium (docs/accessibility.md): the reader",
    "# does not present the <video> element or its native controls, reads the video's fallback text",
    "# (\"Your browser cannot play this video.\") and the source of <noscript>, and says empty",
    "# status/alert regions by role.",
]


# ---------------------------------------------------------------- golden files

def _golden_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("#")]


def check_golden(name: str, lines: list[str], header: list[str] | None = None) -> None:
    """Compare ``lines`` with tests/golden/<name>; with UPDATE_GOLDEN=1, write them instead."""
    path = GOLDEN / name
    lines = [line.replace("\n", "\\n") for line in lines]
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text("\n".join([*(header or []), *lines]) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"{path.name} is missing: create it with {UPDATE_COMMAND}, then review it"
    expected = _golden_lines(path.read_text("utf-8"))
    if lines != expected:
        diff = "\n".join(difflib.unified_diff(expected, lines, f"tests/golden/{name} (reviewed)",
                                              "what the page says now", lineterm="", n=2))
        pytest.fail(f"{name} changed. If the change is intended, review and accept it with "
                    f"{UPDATE_COMMAND}\n{diff}", pytrace=False)


def aria_snapshot(target: Any) -> list[str]:
    """Chromium's accessibility tree of the body (Playwright's ARIA snapshot), Blob URLs made stable."""
    text = target.locator("body").aria_snapshot()
    return re.sub(r"blob:[^\s\"]+", "blob:(generated)", text).splitlines()


# ---------------------------------------------------------------- checks that hold for any course

def role_of(phrase: str) -> str:
    return phrase.split(", ", 1)[0]


def landmarks(phrases: list[str]) -> list[str]:
    """Top-level landmarks in the order the reader enters them."""
    return [p for p in phrases if role_of(p) in ("banner", "main", "contentinfo")]


def headings_in_page(target: Any) -> list[str]:
    """What each heading a screen reader can reach should be announced as, from the DOM."""
    return list(target.evaluate("""() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter(h => !h.closest('[hidden], [aria-hidden="true"]'))
      .map(h => `heading, ${h.textContent.replace(/\\s+/g, ' ').trim()}, level ${h.tagName[1]}`)"""))


def check_structure(target: Any, phrases: list[str]) -> None:
    """Landmarks and headings in order, and no control without a name."""
    assert landmarks(phrases) == ["banner", "main", "contentinfo"]
    assert [p for p in phrases if p.startswith("heading, ")] == headings_in_page(target)
    unnamed = [p for p in phrases if role_of(p) in CONTROL_ROLES and not p.partition(", ")[2].strip()]
    assert unnamed == [], f"controls announced without a name: {unnamed}"
    bare_times = [p for p in phrases if re.fullmatch(r"(button|link), [\d:.]+", p)]
    assert bare_times == [], f"controls named only by a time: {bare_times}"


def label(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def check_seek_buttons(target: Any, phrases: list[str]) -> None:
    """One "Play from M:SS" button a paragraph, the time computed here from the paragraph's start."""
    starts = target.evaluate("[...document.querySelectorAll('#sb-transcript .sb-para')].map(p => +p.dataset.start)")
    assert len(starts) >= 5
    seek = [p for p in phrases if p.startswith("button, ") and "Play from" in p]
    assert seek == [f"button, Play from {label(s)}" for s in starts]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The virtual screen reader as one script, bundled once for this module."""
    return sr.bundle(tmp_path_factory.mktemp("vsr"))


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Unzipped packages built with the CLI: the example course (web, scorm12) and the two-step variant."""
    out = tmp_path_factory.mktemp("sr-packages")
    built = {t: build(EXAMPLE, t, out / "example") for t in ("web", "scorm12", "scorm2004")}
    return {**built, "variant": build(make_variant(out), "web", out / "variant")}


@pytest.fixture()
def step(browser: Any, packages: dict[str, Path]) -> Iterator[Any]:
    """The web step from file://, transcript buttons in place, at a laptop's width."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto((packages["web"] / "index.html").as_uri())
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    page.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0")
    try:
        yield page
    finally:
        context.close()


# ---------------------------------------------------------------- the walks

def test_web_step_phrase_log(step: Any, reader: str) -> None:
    phrases = sr.walk(step, reader)
    print(f"[screen reader] web step: {len(phrases)} phrases")
    check_structure(step, phrases)
    check_seek_buttons(step, phrases)
    assert "button, Captions, pressed" in phrases
    assert "button, Caption settings, 1 control, not expanded" in phrases
    assert "checkbox, Scroll the transcript with the video, checked" in phrases
    assert f"textbox, {PROMPT}" in [p[: len("textbox, ") + len(PROMPT)] for p in phrases]
    assert "button, Submit reflection" in phrases
    check_golden("step-phrases.txt", phrases, HEADER)


def test_web_step_aria_snapshot(step: Any) -> None:
    snapshot = aria_snapshot(step)
    assert '- button "Captions" [pressed]' in [line.strip() for line in snapshot], \
        "the captions toggle's name must not change with its state"
    check_golden("step-aria.yml", snapshot)


def test_contents_page_phrase_log(page: Any, packages: dict[str, Path], reader: str) -> None:
    page.goto((packages["variant"] / "index.html").as_uri())
    page.wait_for_function("document.querySelectorAll('main ol a').length === 2")
    phrases = sr.walk(page, reader)
    print(f"[screen reader] contents page: {len(phrases)} phrases")
    check_structure(page, phrases)
    assert [p for p in phrases if p.startswith("link, ") and "handover" in p.lower()]
    check_golden("contents-phrases.txt", phrases, HEADER)


@pytest.fixture()
def scorm_site(tmp_path: Path, packages: dict[str, Path]) -> Iterator[Any]:
    """/host: scorm-again's SCORM 1.2 and 2004 test LMSs; /pkg12, /pkg2004: the built packages."""
    with scorm_again_site(tmp_path, {"pkg12": packages["scorm12"], "pkg2004": packages["scorm2004"]}) as server:
        yield server


def test_scorm12_step_in_scorm_again(page: Any, scorm_site: Any, reader: str) -> None:
    """The launch page inside the LMS frame: the walk, then the submitted message heard once."""
    page.set_viewport_size({"width": 1280, "height": 800})
    frame = s12.Lms(page, scorm_site).launch("/pkg12/index.html")
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    frame.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0")
    assert frame.evaluate("window.top !== window"), "the step runs inside the LMS frame"
    phrases = sr.walk(frame, reader)
    print(f"[screen reader] scorm12 step in scorm-again: {len(phrases)} phrases")
    check_structure(frame, phrases)
    check_seek_buttons(frame, phrases)
    assert "button, Finish" in phrases
    check_golden("step-phrases-scorm12.txt", phrases, HEADER)

    sr.start(frame, reader)
    frame.get_by_label(PROMPT).fill("A reflection written inside the LMS frame.")
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("!document.getElementById('sb-record').hidden")
    frame.wait_for_timeout(300)
    assert sr.live(sr.log(frame)).count(f"polite: {SUBMITTED}") == 1, sr.log(frame)
    sr.stop(frame)


def test_scorm2004_step_in_scorm_again_says_what_scorm12_says(page: Any, scorm_site: Any, reader: str) -> None:
    """SCORM 2004 launches the same page (no Previous/Next offered by this LMS): the same log."""
    page.set_viewport_size({"width": 1280, "height": 800})
    frame = s2004.Lms(page, scorm_site).launch("/pkg2004/index.html")
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    frame.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0")
    assert frame.evaluate("window.top !== window")
    phrases = sr.walk(frame, reader)
    check_structure(frame, phrases)
    check_seek_buttons(frame, phrases)
    if not UPDATE:
        expected = _golden_lines((GOLDEN / "step-phrases-scorm12.txt").read_text("utf-8"))
        assert phrases == expected, "\n".join(difflib.unified_diff(expected, phrases, "scorm12", "scorm2004",
                                                                     lineterm="", n=2))


# ---------------------------------------------------------------- announcements

def heard_after(target: Any, action: Any, settle_ms: int = 400) -> list[str]:
    """Run ``action`` with a clean log; return what the reader said because of it."""
    sr.clear(target)
    action()
    target.wait_for_timeout(settle_ms)
    return sr.log(target)


def move_to(target: Any, prefix: str) -> None:
    """Move the reader's cursor forward to the item whose phrase starts with ``prefix``."""
    found = target.evaluate("""async ([name, prefix]) => {
      const v = window[name].virtual;
      for (let i = 0; i < 2000; i++) {
        if ((await v.lastSpokenPhrase()).startsWith(prefix)) { return true; }
        await v.next();
      }
      return false;
    }""", [sr.GLOBAL, prefix])
    assert found, f"no item starts with {prefix!r}"


def press(target: Any, key: str) -> None:
    """Press ``key`` on the item under the reader's cursor; the reader then says that item again if
    what it would say changed (a state change of the focused control, as NVDA and VoiceOver report)."""
    target.evaluate("([name, key]) => window[name].virtual.press(key)", [sr.GLOBAL, key])


def test_state_changes_announced_once(step: Any, reader: str) -> None:
    sr.start(step, reader)

    # captions off and on, Enter on the toggle: its new state said once, and not again by a live region
    move_to(step, "button, Captions")
    heard = heard_after(step, lambda: press(step, "Enter"))
    assert heard.count("button, Captions, not pressed") == 1, heard
    assert sr.live(heard) == [], heard
    assert step.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "hidden"
    heard = heard_after(step, lambda: press(step, "Enter"))
    assert heard.count("button, Captions, pressed") == 1, heard
    assert sr.live(heard) == [], heard
    assert step.evaluate("document.getElementById('sb-media').textTracks[0].mode") == "showing"

    # error: Submit with nothing written; focus goes to the summary, which says the problem once
    heard = heard_after(step, lambda: step.get_by_role("button", name="Submit reflection").click())
    assert step.evaluate("document.activeElement.id") == "sb-summary"
    assert [p for p in heard if "Enter your reflection" in p] == \
        ["group, There is a problem, Enter your reflection"], heard
    assert sr.live(heard) == [], f"the error is said by focus, not again by a live region: {heard}"

    # saved: a draft typed with the keyboard is saved 1.5 s after the last key
    box = step.get_by_label(PROMPT)
    box.focus()
    sr.clear(step)
    box.press_sequentially("Kind words at the bedside.", delay=20)
    step.wait_for_function("/Draft saved/.test(document.getElementById('sb-status').textContent)", timeout=10000)
    step.wait_for_timeout(1500)   # long enough for a second count or save message, were there one
    heard = sr.log(step)
    saved = [p for p in heard if "Draft saved" in p]
    assert len(saved) == 1 and re.fullmatch(r"polite: Draft saved at \d{1,2}:\d\d( ?[AaPp][Mm])?", saved[0]), heard
    counts = [p for p in sr.live(heard) if "characters remaining" in p]
    assert len(counts) == 1, f"the character count is announced once after typing stops: {heard}"

    # submitted: the status message once (the error summary is gone, nothing else is live)
    sr.clear(step)
    step.get_by_role("button", name="Submit reflection").click()
    step.wait_for_function("!document.getElementById('sb-record').hidden")
    step.wait_for_timeout(300)
    heard = sr.log(step)
    assert sr.live(heard).count(f"polite: {SUBMITTED}") == 1, heard
    assert [p for p in sr.live(heard) if "submitted" in p.lower()] == [f"polite: {SUBMITTED}"], heard
    sr.stop(step)


def test_no_announcement_storm_while_the_video_plays(step: Any, reader: str) -> None:
    """10 s of playback with the transcript following the video and captions drawn below it (the
    setting that rewrites the page most): the current paragraph changes and the box scrolls, yet
    nothing is announced. A control then makes the caption box a live region for 4 s more, and the
    reader must hear the captions: the zero is not a reader that hears nothing."""
    assert step.get_by_label("Scroll the transcript with the video").is_checked()
    step.get_by_role("button", name="Caption settings").click()
    step.get_by_label("Below the video").check()
    step.get_by_role("button", name="Caption settings").click()
    starts = step.evaluate("[...document.querySelectorAll('#sb-transcript .sb-para')].map(p => +p.dataset.start)")
    begin = max(0.0, starts[4] - 2.0)   # two seconds before a late paragraph, so the box must scroll
    sr.start(step, reader)
    sr.clear(step)
    step.evaluate("""t => { window.__cues = 0; window.__current = [];
      const m = document.getElementById('sb-media'); m.muted = true; m.currentTime = t;
      new MutationObserver(() => window.__cues++).observe(document.getElementById('sb-cap-below'),
        {childList: true, characterData: true, subtree: true});
      new MutationObserver(() => { const c = document.querySelector('#sb-transcript [aria-current]');
        if (c) { window.__current.push(c.id); } }).observe(document.getElementById('sb-transcript'),
        {attributes: true, subtree: true, attributeFilter: ['aria-current']});
      return m.play(); }""", begin)
    step.wait_for_function(f"document.getElementById('sb-media').currentTime >= {begin + PLAY_SECONDS}",
                           timeout=(PLAY_SECONDS + 20) * 1000, polling=200)
    heard = sr.log(step)

    # control: the same playback with the caption box made a live region does storm, and the reader hears it
    sr.clear(step)
    step.evaluate("document.getElementById('sb-cap-below').setAttribute('aria-live', 'polite');"
                  "document.getElementById('sb-cap-below').removeAttribute('aria-hidden')")
    now = step.evaluate("document.getElementById('sb-media').currentTime")
    step.wait_for_function(f"document.getElementById('sb-media').currentTime >= {now + CONTROL_SECONDS}",
                           timeout=(CONTROL_SECONDS + 20) * 1000, polling=200)
    storm = sr.live(sr.log(step))
    sr.stop(step)
    print(f"[screen reader] control, caption box made live for {CONTROL_SECONDS:.0f} s: {len(storm)} announcements")
    assert len(storm) >= 1, f"the control heard no caption announcements: {storm}"

    assert step.evaluate("window.__cues") > 0, "captions were drawn below the video while it played"
    assert len(set(step.evaluate("window.__current"))) >= 2, "the current paragraph moved"
    assert step.evaluate("document.getElementById('sb-transcript').scrollTop") > 0, "the transcript scrolled"
    print(f"[screen reader] {PLAY_SECONDS:.0f} s of playback: {len(sr.live(heard))} live announcements, "
          f"{len(heard)} phrases")
    assert sr.live(heard) == [], f"announced while the video played: {heard}"
    assert heard == [], f"the reader spoke while the video played: {heard}"


def test_accessibility_statement_gives_the_log_lengths() -> None:
    """docs/accessibility.md states each golden log's length and the playback figures used here."""
    statement = (Path(__file__).resolve().parent.parent / "docs" / "accessibility.md").read_text("utf-8")
    for name in ("step-phrases.txt", "step-phrases-scorm12.txt", "contents-phrases.txt"):
        n = len(_golden_lines((GOLDEN / name).read_text("utf-8")))
        assert f"| {n} | tests/golden/{name} |" in statement, name
    seek = [p for p in _golden_lines((GOLDEN / "step-phrases.txt").read_text("utf-8"))
            if p.startswith("button, Play from ")]
    assert f"computed from its paragraph's start ({len(seek)} on the example step)" in statement
    assert f"{PLAY_SECONDS:.0f} s of playback" in statement
    assert f"live region for {CONTROL_SECONDS:.0f} s more" in statement
