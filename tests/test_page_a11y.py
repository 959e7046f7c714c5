"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the built-in theme's step page, in several states,
plus the scripted checks axe cannot make (reflow, target size of our own controls, focus, forced colours)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.test_page_browser import PROMPT, site, variant  # noqa: F401 - session fixtures shared with the browser tests

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def run_axe(page: Any) -> dict[str, Any]:
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is not installed (npm ci)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text("utf-8"))  # not a <script> tag: the page's CSP refuses inline scripts
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )


def assert_no_violations(page: Any, label: str) -> None:
    result = run_axe(page)
    problems = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert problems == [], f"axe violations ({label}):\n{json.dumps(problems, indent=1)}"


def _ready(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    page.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0")


@pytest.fixture()
def wide(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture()
def narrow(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    yield context.new_page()
    context.close()


def test_axe_default_state(wide: Any, site: Path) -> None:  # noqa: F811
    _ready(wide, site.as_uri())
    assert_no_violations(wide, "default, 1280 px")


def play_button(page: Any, index: int) -> Any:
    """The "Play from" button of the transcript paragraph at ``index`` (no hard-coded times)."""
    return page.locator(f"#p{index + 1}").get_by_role("button", name=re.compile(r"^Play from \d+:\d\d$"))


def test_axe_playing_with_current_paragraph(wide: Any, site: Path) -> None:  # noqa: F811
    _ready(wide, site.as_uri())
    play_button(wide, 2).click()
    wide.wait_for_function("document.querySelector('#sb-transcript [aria-current]') !== null")
    wide.evaluate("document.getElementById('sb-media').pause()")
    assert_no_violations(wide, "transcript current paragraph")


def _submit_with_error(page: Any) -> None:
    """Submit the empty form; the error summary is then on screen and focused."""
    page.get_by_role("button", name="Submit reflection").click()
    assert page.locator("#sb-text").get_attribute("aria-invalid") == "true"
    assert page.locator("#sb-summary").is_visible()
    assert page.evaluate("document.activeElement.id") == "sb-summary"


def _box(page: Any, selector: str) -> Any:
    return page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {left: r.left, right: r.right, width: r.width, height: r.height}; }", selector)


def test_axe_error_state(wide: Any, site: Path) -> None:  # noqa: F811
    _ready(wide, site.as_uri())
    _submit_with_error(wide)
    assert_no_violations(wide, "form error with summary, 1280 px")


def test_axe_submitted_state(wide: Any, site: Path) -> None:  # noqa: F811
    _ready(wide, site.as_uri())
    wide.get_by_label(PROMPT).fill("A reflection long enough to submit.")
    wide.get_by_role("button", name="Submit reflection").click()
    wide.wait_for_function("!document.getElementById('sb-record').hidden")
    assert_no_violations(wide, "submitted record")


def test_axe_and_reflow_at_320px(narrow: Any, site: Path) -> None:  # noqa: F811
    _ready(narrow, site.as_uri())
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_no_violations(narrow, "320 px")
    width = narrow.evaluate("innerWidth")
    # the shortest and the longest message (over the limit: no hard maxlength, so it can be typed)
    for value, words in (("", "Enter your reflection"), ("x" * 4005, "4,000 characters or fewer")):
        narrow.locator("#sb-text").fill(value)
        _submit_with_error(narrow)
        assert words in narrow.locator("#sb-summary-link").inner_text()
        assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        for sel in ("#sb-summary", "#sb-summary-link"):
            box = _box(narrow, sel)
            assert box["left"] >= 0 and box["right"] <= width, (sel, box)
        assert_no_violations(narrow, f"320 px, form error with summary ({words})")


def test_error_summary_link_target_and_focus_ring(narrow: Any, site: Path) -> None:  # noqa: F811
    _ready(narrow, site.as_uri())
    _submit_with_error(narrow)
    link = _box(narrow, "#sb-summary-link")
    assert link["width"] >= 24 and link["height"] >= 24, link
    # the focused summary shows a focus indicator (it gets focus from script, not from Tab)
    ring = narrow.evaluate(
        "(() => { const s = getComputedStyle(document.getElementById('sb-summary'));"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; })()")
    assert ring[0] == "solid" and ring[1] >= 2 and ring[2] != "none", ring


def test_error_summary_in_forced_colors(wide: Any, site: Path) -> None:  # noqa: F811
    wide.emulate_media(forced_colors="active")
    _ready(wide, site.as_uri())
    _submit_with_error(wide)
    got = wide.evaluate(
        """() => { const s = getComputedStyle(document.getElementById('sb-summary')),
                         a = getComputedStyle(document.getElementById('sb-summary-link')),
                         body = getComputedStyle(document.body);
                 return {border: [s.borderTopStyle, parseFloat(s.borderTopWidth), s.borderTopColor],
                         outline: [s.outlineStyle, parseFloat(s.outlineWidth)],
                         underline: a.textDecorationLine, link: a.color, text: body.color}; }"""
    )
    # the box, the focus ring and the link survive: they do not rely on colour or shadows
    assert got["border"][0] == "solid" and got["border"][1] >= 3, got
    assert got["border"][2] == got["text"], got  # CanvasText
    assert got["outline"][0] == "solid" and got["outline"][1] >= 2, got
    assert "underline" in got["underline"], got
    assert_no_violations(wide, "forced colours, form error with summary")


def test_axe_forced_colors(wide: Any, site: Path) -> None:  # noqa: F811
    wide.emulate_media(forced_colors="active")
    _ready(wide, site.as_uri())
    play_button(wide, 1).click()
    wide.evaluate("document.getElementById('sb-media').pause()")
    border = wide.evaluate("getComputedStyle(document.getElementById('p2')).borderLeftWidth")
    assert float(border[:-2]) >= 4
    assert_no_violations(wide, "forced colours")


def test_page_structure(wide: Any, site: Path) -> None:  # noqa: F811
    _ready(wide, site.as_uri())
    assert wide.evaluate("document.documentElement.lang") == "en-GB"
    assert wide.title().startswith("Handing over with care")
    assert wide.locator("main").count() == 1 and wide.locator("h1").count() == 1
    heads = wide.evaluate("[...document.querySelectorAll('main h2')].map(h => h.textContent)")
    assert heads[:2] == ["Video", "Transcript"] and "Reflection" in heads
    # the skip link is the first tab stop and moves focus to main
    wide.keyboard.press("Tab")
    assert wide.evaluate("document.activeElement.textContent") == "Skip to main content"
    wide.keyboard.press("Enter")
    assert wide.evaluate("document.activeElement.id") == "main"
    # the transcript box is a keyboard-scrollable, labelled region with no live region
    box = wide.locator("#sb-transcript")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    assert box.get_attribute("aria-label")
    # the reflection hint carries the limit and the privacy note
    hint_ids = wide.locator("#sb-text").get_attribute("aria-describedby").split()
    hint = " ".join(wide.locator(f"#{i}").inner_text() for i in hint_ids)
    assert "You can enter up to 4,000 characters" in hint
    assert "identify a patient, service user or colleague" in hint
    assert "What is one small change you could make to your next handover?" in hint
    assert wide.locator("[maxlength]").count() == 0
    assert wide.locator("#sb-status").get_attribute("role") == "status"
    assert wide.locator("#sb-alert").get_attribute("role") == "alert"


def test_own_controls_are_at_least_24px_and_focus_is_visible(narrow: Any, site: Path) -> None:  # noqa: F811
    _ready(narrow, site.as_uri())
    small = narrow.evaluate(
        """() => [...document.querySelectorAll('button, input, .sb-bar a')]
              .filter(e => e.offsetParent !== null)
              .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
              .filter(([, r]) => r.width < 24 || r.height < 24).map(([n]) => n)"""
    )
    assert small == []
    btn = narrow.get_by_role("button", name="Play from 0:00", exact=True)
    btn.focus()
    narrow.keyboard.press("Tab")
    narrow.keyboard.press("Shift+Tab")
    outline = narrow.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert narrow.evaluate("document.activeElement.className") == "sb-seek"
    assert outline == "solid"


def test_reduced_motion_scrolls_instantly(browser: Any, site: Path) -> None:  # noqa: F811
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    try:
        _ready(page, site.as_uri())
        assert page.evaluate("getComputedStyle(document.getElementById('sb-transcript')).scrollBehavior") == "auto"
    finally:
        context.close()


def test_axe_contents_page_and_second_step(wide: Any, variant: Path) -> None:  # noqa: F811
    wide.goto((variant / "index.html").as_uri())
    assert_no_violations(wide, "contents page")
    _ready(wide, (variant / "second-step.html").as_uri())
    assert_no_violations(wide, "second step with navigation")


def test_axe_static_markup_without_step_js(wide: Any, site: Path) -> None:  # noqa: F811
    """The page as a learner without JavaScript gets it (axe itself needs script, so drop the page's own instead)."""
    static = site.with_name("static-check.html")
    page_html = site.read_text(encoding="utf-8")
    own = re.compile(r"<script>.*?</script>", re.DOTALL)   # the runtime and step.js, inline in a web build
    assert len(own.findall(page_html)) == 2
    static.write_text(own.sub("", page_html), encoding="utf-8")
    try:
        wide.goto(static.as_uri())
        assert wide.locator("#sb-transcript .sb-seek").count() == 0
        assert_no_violations(wide, "static markup, no step.js")
    finally:
        static.unlink()


def _open_caption_settings(page: Any) -> None:
    page.get_by_role("button", name="Caption settings").click()
    assert page.locator("#sb-capset").is_visible()


def test_axe_caption_settings_open_wide(wide: Any, site: Path) -> None:  # noqa: F811
    _ready(wide, site.as_uri())
    _open_caption_settings(wide)
    assert not wide.get_by_text("Your system colours are used for captions").is_visible()
    assert_no_violations(wide, "caption settings open, 1280 px")
    wide.get_by_role("group", name="Position").get_by_label("Below the video").check()
    wide.evaluate("document.getElementById('sb-media').currentTime = 12")
    wide.wait_for_function("document.getElementById('sb-cap-below').textContent.length > 0")
    assert_no_violations(wide, "captions below the video, 1280 px")


def test_axe_caption_settings_open_at_320px(narrow: Any, site: Path) -> None:  # noqa: F811
    _ready(narrow, site.as_uri())
    _open_caption_settings(narrow)
    narrow.get_by_role("group", name="Text size").get_by_label("200%").check()
    narrow.get_by_role("group", name="Position").get_by_label("Below the video").check()
    narrow.evaluate("document.getElementById('sb-media').currentTime = 12")
    narrow.wait_for_function("document.getElementById('sb-cap-below').textContent.length > 0")
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # every radio and its label is a target of at least 24 by 24 px
    small = narrow.evaluate(
        """() => [...document.querySelectorAll('#sb-capset input, #sb-capset .sb-opt')]
              .map(e => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
              .filter(([, r]) => r.width < 24 || r.height < 24).map(([n]) => n)""")
    assert small == []
    assert_no_violations(narrow, "caption settings open, 320 px")


def test_caption_settings_in_forced_colors(wide: Any, site: Path) -> None:  # noqa: F811
    wide.emulate_media(forced_colors="active")
    _ready(wide, site.as_uri())
    _open_caption_settings(wide)
    wide.get_by_role("group", name="Colours").get_by_label("Yellow on black").check()
    wide.get_by_role("group", name="Position").get_by_label("Below the video").check()
    got = wide.evaluate(
        """() => { const r = getComputedStyle(document.getElementById('sb-cap-below')),
                         b = getComputedStyle(document.body);
                 return {fg: r.color, bg: r.backgroundColor, text: b.color, canvas: b.backgroundColor}; }""")
    # the system's colours win over the learner's caption colours: no yellow on black here
    assert got["fg"] == got["text"] and got["bg"] == got["canvas"], got
    assert wide.get_by_text("Your system colours are used for captions").is_visible()
    assert_no_violations(wide, "forced colours, caption settings open")


def test_no_form_without_a_submit_and_no_empty_link(wide: Any, site: Path) -> None:  # noqa: F811
    """Issue 8's two defects found by a second checker: the caption settings were a form no key or voice
    command could submit, and the error summary held a link with no text before any error."""
    _ready(wide, site.as_uri())
    problems = """() => {
      const out = [];
      for (const f of document.querySelectorAll('form')) {
        if (!f.querySelector('button[type=submit], button:not([type]), input[type=submit], input[type=image]')) {
          out.push('form #' + f.id + ' has no submit button');
        }
      }
      for (const a of document.querySelectorAll('a[href]')) {
        if (!a.textContent.trim() && !a.getAttribute('aria-label')) { out.push('empty link ' + (a.id || a.href)); }
      }
      return out;
    }"""
    assert wide.evaluate(problems) == []
    wide.get_by_role("button", name="Caption settings").click()
    assert wide.get_by_role("group", name="Caption settings").is_visible()
    assert wide.evaluate(problems) == []
    _submit_with_error(wide)
    assert wide.get_by_role("link", name="Enter your reflection").get_attribute("href") == "#sb-text"
    wide.get_by_label(PROMPT).fill("Now there is a reflection.")
    wide.get_by_role("button", name="Submit reflection").click()
    wide.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
    assert wide.evaluate(problems) == []


# WCAG 1.4.12: the text-spacing values a user style sheet may force (the W3C bookmarklet's values).
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
                " word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }")
CLIPPED = """() => {
  // Elements that hide overflowing content and have more content than room: text that is cut off.
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    if (el.closest('[hidden]') || s.display === 'none' || s.visibility === 'hidden') { continue; }
    if (el.classList.contains('sb-vh') || el.matches('video, audio, track, source, img, svg *')) { continue; }
    const hides = ['hidden', 'clip'];
    const cutX = hides.includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const cutY = hides.includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (cutX || cutY) { out.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className) +
                                (cutX ? ' cut sideways' : ' cut below')); }
  }
  return out;
}"""


@pytest.mark.parametrize(("width", "height", "spacing"), [(320, 200, False), (320, 200, True), (1280, 800, True)],
                         ids=["400% zoom", "400% zoom with text spacing", "1280 px with text spacing"])
def test_zoom_and_text_spacing_clip_nothing(browser: Any, site: Path, width: int, height: int,  # noqa: F811
                                            spacing: bool) -> None:
    """400 % zoom of a 1280 x 800 window is 320 x 200 CSS px: nothing scrolls sideways or is cut off,
    also with the WCAG 1.4.12 text spacing forced on every element; the states with the most text too."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        _ready(page, site.as_uri())
        if spacing:
            # The page's CSP refuses inline <style>; a constructed style sheet is what a user style
            # sheet or bookmarklet amounts to here.
            page.evaluate("css => { const s = new CSSStyleSheet(); s.replaceSync(css);"
                          " document.adoptedStyleSheets = [...document.adoptedStyleSheets, s]; }", TEXT_SPACING)
            assert page.evaluate("getComputedStyle(document.querySelector('main p')).letterSpacing") != "normal"
        # the detector sees a cut-off box (so its empty answer below means something)
        page.evaluate("() => { const d = document.createElement('div'); d.id = 'sb-control-cut';"
                      " d.style.cssText = 'overflow:hidden;height:1em;width:3em'; d.textContent = 'a b c d e f g h';"
                      " document.body.appendChild(d); }")
        assert "#sb-control-cut cut below" in page.evaluate(CLIPPED)
        page.evaluate("document.getElementById('sb-control-cut').remove()")
        page.get_by_role("button", name="Caption settings").click()
        _submit_with_error(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate(CLIPPED) == []
    finally:
        context.close()
