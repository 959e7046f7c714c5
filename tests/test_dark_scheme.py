"""The dark colour scheme really applies (issue 8, items 1 and 4): with ``prefers-color-scheme: dark``
the page background is dark, and every colour pair a learner reads or aims at keeps its WCAG minimum,
measured from Chromium's computed styles: 4.5:1 for body text, links, buttons, hints, error and status
text and the highlighted transcript paragraph (1.4.3); 3:1 for control borders, the current
paragraph's bar and the focus indicator (1.4.11, 2.4.7). The same measures run in the light scheme,
so a pair that only passes by accident in one scheme is caught. The course's own accent colour
(``theme.accent``) is checked on the themed example in both schemes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorm_builder.contrast import DARK_PAGE, dark_variant, ratio
from tests.helpers import unzipped_web_build
from tests.support.colours import measure, page_luminance
from tests.test_page_browser import PROMPT, site, variant  # noqa: F401 - session fixtures shared with the browser tests

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
THEMED = ROOT / "course_src" / "handover-habits"
SCHEMES = ["light", "dark"]

TEXT = {  # what a learner reads on the step page as it opens
    "body text": ".sb-intro",
    "heading": "h1",
    "download link": "#sb-dl-txt",
    "button label": "#sb-cc",
    "pressed toggle label": "#sb-cc[aria-pressed='true']",
    "transcript time button": ".sb-seek",
    "hint": ".sb-hint",
    "reflection text": "#sb-text",
    "submit button": ".sb-primary",
    "footer": ".sb-footer p",
}
BORDERS = {  # control edges against what surrounds them
    "button": "#sb-capset-btn",
    "transcript time button": ".sb-seek",
    "reflection box": "#sb-text",
    "transcript box": "#sb-transcript",
}


@pytest.fixture()
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def opener(url: str, scheme: str) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0 "
                               "|| !document.getElementById('sb-transcript')")
        return page

    yield opener
    for context in contexts:
        context.close()


def failing(found: dict[str, dict[str, Any]], minimum: float) -> dict[str, dict[str, Any]]:
    return {name: m for name, m in found.items() if m["ratio"] < minimum}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_step_page_text_and_control_contrast(open_page: Any, site: Path, scheme: str) -> None:  # noqa: F811
    page = open_page(site.as_uri(), scheme)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is (scheme == "dark")
    assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "light dark"
    lum = page_luminance(page)
    if scheme == "dark":
        assert lum < 0.02, f"the page background is not dark (relative luminance {lum})"
    else:
        assert lum > 0.9, f"the light page background changed (relative luminance {lum})"
    text = {name: measure(page, sel, "text") for name, sel in TEXT.items()}
    assert failing(text, 4.5) == {}
    borders = {name: measure(page, sel, "border") for name, sel in BORDERS.items()}
    assert failing(borders, 3.0) == {}

    # the caption settings panel: its labels and its frame
    page.get_by_role("button", name="Caption settings").click()
    panel = {"legend": measure(page, "#sb-capset legend", "text"),
             "option label": measure(page, "label[for='sb-cap-size-75']", "text")}
    assert failing(panel, 4.5) == {}
    assert failing({"panel frame": measure(page, "#sb-capset", "border")}, 3.0) == {}
    assert failing({"open toggle": measure(page, "#sb-capset-btn[aria-expanded='true']", "text")}, 4.5) == {}

    # the highlighted transcript paragraph: its text, its time button, and its bar against the box
    page.locator(".sb-seek").nth(1).click()
    page.wait_for_function("document.querySelector('#sb-transcript [aria-current]') !== null")
    current = "#sb-transcript .sb-para[aria-current='true']"
    highlight = {"paragraph": measure(page, current, "text"),
                 "its time button": measure(page, current + " .sb-seek", "text")}
    assert failing(highlight, 4.5) == {}
    assert failing({"current bar": measure(page, current, "edge")}, 3.0) == {}
    page.evaluate("document.getElementById('sb-media').pause()")

    # a validation error: the message, the summary's link, the field's red edge
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("!document.getElementById('sb-summary').hidden")
    errors = {"error message": measure(page, "#sb-error", "text"),
              "summary link": measure(page, "#sb-summary-link", "text"),
              "summary heading": measure(page, "#sb-summary-h", "text")}
    assert failing(errors, 4.5) == {}
    assert failing({"invalid field": measure(page, "#sb-text", "border"),
                    "summary frame": measure(page, "#sb-summary", "border")}, 3.0) == {}
    focus = measure(page, ":focus", "focus")   # the summary takes focus from script
    assert focus["style"] == "solid" and focus["against_page"] >= 3.0, focus

    # submitted: the status message and the record
    page.get_by_label(PROMPT).fill("A reflection long enough to submit.")
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("!document.getElementById('sb-record').hidden")
    done = {"status": measure(page, "#sb-status", "text"), "record": measure(page, "#sb-record dd", "text")}
    assert failing(done, 4.5) == {}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_keyboard_focus_ring_contrast(open_page: Any, site: Path, scheme: str) -> None:  # noqa: F811
    """The ring (outline) stands 3:1 against the page and against its own halo, on controls of each kind."""
    page = open_page(site.as_uri(), scheme)
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        kind = page.evaluate("(() => { const e = document.activeElement;"
                             " return e.className || e.tagName.toLowerCase(); })()")
        if kind not in seen and kind != "body":   # body: focus has left the page for the browser's own UI
            seen[kind] = measure(page, ":focus", "focus")
    assert {"sb-btn", "sb-seek", "sb-transcript", "sb-textarea", "sb-dl"} <= set(seen), sorted(seen)
    weak = {k: m for k, m in seen.items()
            if m["style"] != "solid" or m["width"] < 2 or m["against_page"] < 3.0 or m.get("against_halo", 21) < 3.0}
    assert weak == {}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_contents_page_in_both_schemes(open_page: Any, variant: Path, scheme: str) -> None:  # noqa: F811
    page = open_page((variant / "index.html").as_uri(), scheme)
    assert (page_luminance(page) < 0.02) is (scheme == "dark")
    found = {"title": measure(page, "h1", "text"), "step link": measure(page, ".sb-steps a", "text"),
             "Start control": measure(page, ".sb-continue", "text"),
             "Start control's second line": measure(page, ".sb-continue-to", "text")}
    assert failing(found, 4.5) == {}
    assert failing({"Start control edge": measure(page, ".sb-continue", "border")}, 3.0) == {}


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unzipped_web_build(THEMED, tmp_path_factory.mktemp("themed-dark"))


def _rgb(colour: str) -> str:
    value = colour.lstrip("#")
    return "rgb(" + ", ".join(str(int(value[i:i + 2], 16)) for i in (0, 2, 4)) + ")"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_course_accent_applies_and_passes_in_both_schemes(open_page: Any, themed: Path, scheme: str) -> None:
    """handover-habits sets ``accent: "#0f5c57"``: the light scheme draws exactly that, the dark one its
    lightened variant; both pass as link text and as the Continue control."""
    accent, accent_text = "#0f5c57", "#ffffff"
    expected = (accent, accent_text) if scheme == "light" else dark_variant(accent, accent_text)
    page = open_page((themed / "index.html").as_uri(), scheme)
    start = page.locator(".sb-continue")
    assert start.evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(expected[0])
    assert start.evaluate("e => getComputedStyle(e).color") == _rgb(expected[1])
    found = {"Start label": measure(page, ".sb-continue", "text"), "step link": measure(page, ".sb-steps a", "text")}
    assert failing(found, 4.5) == {}
    assert failing({"Start edge": measure(page, ".sb-continue", "border")}, 3.0) == {}
    assert page.locator(".sb-steps a").first.evaluate("e => getComputedStyle(e).color") == _rgb(expected[0])


@pytest.mark.parametrize("accent", ["#0f5c57", "#1d4f91", "#000000", "#6a1b9a", "#b3261e", "#4c2c92", "#505a5f"])
@pytest.mark.parametrize("accent_text", ["#ffffff", "#0b0c0c", "#ffdd00"])
def test_the_dark_variant_of_any_accent_passes(accent: str, accent_text: str) -> None:
    """Whatever accent passes the light check, the derived dark pair reaches 4.5:1 on the dark page and
    for its label."""
    dark, label = dark_variant(accent, accent_text)
    assert ratio(dark, DARK_PAGE) >= 4.5
    assert ratio(label, dark) >= 4.5
    if ratio(accent, DARK_PAGE) >= 4.5:
        assert dark == accent, "an accent that already reads on the dark page is kept as it is"


def test_dark_scheme_matches_the_reviewed_baseline(browser: Any, site: Path) -> None:  # noqa: F811
    """A screenshot of the step page in the dark scheme at 1280 px against a reviewed baseline, compared
    as tests/test_snapshots.py compares the light ones (same tolerance, same UPDATE_SNAPSHOTS=1 update)."""
    import base64

    from tests.test_snapshots import CHANGED_PIXELS, CHANNEL_TOLERANCE, COMPARE, SNAPSHOTS, UPDATE

    context = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1,
                                  reduced_motion="reduce", color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(site.as_uri())
        page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
        page.wait_for_function("!document.querySelector('.sb-tools').hidden")
        page.evaluate("document.fonts.ready")
        actual: bytes = page.screenshot(full_page=True, animations="disabled", caret="hide",
                                        mask=[page.locator("#sb-media")], mask_color="#808080")
        baseline = SNAPSHOTS / "step-1280-dark.png"
        if UPDATE:
            baseline.write_bytes(actual)
            return
        assert baseline.is_file(), f"no baseline {baseline}: review the page, then run with UPDATE_SNAPSHOTS=1"
        result = page.evaluate(COMPARE, [base64.b64encode(baseline.read_bytes()).decode(),
                                         base64.b64encode(actual).decode(), CHANNEL_TOLERANCE])
        if result["size"] or result["changed"] > CHANGED_PIXELS:
            (SNAPSHOTS / "step-1280-dark.actual.png").write_bytes(actual)
        assert result["size"] is None and result["changed"] <= CHANGED_PIXELS, result
    finally:
        context.close()
