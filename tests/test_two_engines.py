"""Two independent engines, axe-core and HTML_CodeSniffer (WCAG2AA), on the built web package's step
page in every state a learner can bring it to (issue 8, item 1). The LMS targets are in
tests/test_two_engines_lms.py. Zero axe violations and zero HTML_CodeSniffer errors in each state;
HTML_CodeSniffer's warnings and notices (checks for a person) are counted in the output (``-s``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.engines import check_both
from tests.test_page_browser import PROMPT, site, variant  # noqa: F401 - session fixtures shared with the browser tests

pytestmark = pytest.mark.browser


def ready(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    page.wait_for_function("document.querySelectorAll('#sb-transcript .sb-seek').length > 0")


def initial(page: Any) -> None:
    assert page.locator("#sb-text").input_value() == ""


def playing_with_captions(page: Any) -> None:
    """Playing (muted, so headless Chromium allows it), captions on and a cue on screen."""
    assert page.get_by_role("button", name="Captions").get_attribute("aria-pressed") == "true"
    page.evaluate("() => { const m = document.getElementById('sb-media'); m.muted = true;"
                  " m.currentTime = 11; return m.play(); }")
    page.wait_for_function("(() => { const m = document.getElementById('sb-media');"
                           " return !m.paused && m.textTracks[0].mode === 'showing'"
                           " && m.textTracks[0].activeCues.length > 0; })()")


def caption_settings_open(page: Any) -> None:
    page.get_by_role("button", name="Caption settings").click()
    assert page.get_by_role("group", name="Caption settings").is_visible()


def transcript_autoscroll(page: Any) -> None:
    """"Scroll the transcript with the video" on: a late paragraph is current and scrolled to."""
    box = page.get_by_label("Scroll the transcript with the video")
    assert box.is_checked()
    late = page.evaluate("document.querySelectorAll('#sb-transcript .sb-para').length") - 1
    page.evaluate("n => { const m = document.getElementById('sb-media'); m.muted = true;"
                  " m.currentTime = parseFloat(document.querySelectorAll('#sb-transcript .sb-para')[n]"
                  ".dataset.start) + 0.2; return m.play(); }", late)
    page.wait_for_function("document.querySelector('#sb-transcript [aria-current]') !== null")
    page.wait_for_function("document.getElementById('sb-transcript').scrollTop > 0")


def reflection_error(page: Any) -> None:
    page.get_by_role("button", name="Submit reflection").click()
    assert page.locator("#sb-text").get_attribute("aria-invalid") == "true"
    assert page.locator("#sb-summary").is_visible()


def reflection_submitted(page: Any) -> None:
    page.get_by_label(PROMPT).fill("A reflection long enough to submit.")
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("!document.getElementById('sb-record').hidden")
    assert re.search("submitted", page.locator("#sb-status").inner_text(), re.I)


STATES: dict[str, Callable[[Any], None]] = {
    "initial": initial,
    "video playing with captions": playing_with_captions,
    "caption settings open": caption_settings_open,
    "transcript auto-scroll on": transcript_autoscroll,
    "reflection with a validation error": reflection_error,
    "reflection submitted": reflection_submitted,
}
# every state again in the dark colour scheme and with forced colours (Windows contrast themes)
MEDIA: dict[str, dict[str, str]] = {"light": {}, "dark": {"color_scheme": "dark"},
                                     "forced colours": {"forced_colors": "active"}}


@pytest.mark.parametrize("media", list(MEDIA))
@pytest.mark.parametrize("state", list(STATES))
def test_both_engines_web_step(browser: Any, site: Path, state: str, media: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.emulate_media(**MEDIA[media])  # type: ignore[arg-type]
        ready(page, site.as_uri())
        if media == "dark":
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        if media == "forced colours":
            assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        STATES[state](page)
        check_both(page, f"web, {state}, {media}")
    finally:
        context.close()


def test_html_codesniffer_sees_the_two_defects_of_issue_8(wide_page: Any, site: Path) -> None:  # noqa: F811
    """A control: the second engine finds both defects the step page used to have (a form with no submit
    button, a link with an href and no text), so its zero above is not an engine that checks nothing."""
    from tests.support.engines import run_htmlcs

    ready(wide_page, site.as_uri())
    wide_page.evaluate("""() => {
      const form = document.createElement('form'); form.id = 'seeded-form';
      form.innerHTML = '<label>Size <input type="radio" name="seeded" value="1"></label>';
      const link = document.createElement('a'); link.id = 'seeded-link'; link.href = '#sb-text';
      document.getElementById('main').append(form, link);
    }""")
    found = {(m["code"].rsplit("Guideline", 1)[-1], m["element"]) for m in run_htmlcs(wide_page)["errors"]}
    assert ("3_2.3_2_2.H32.2", "form#seeded-form") in found, found
    assert ("4_1.4_1_2.H91.A.NoContent", "a#seeded-link") in found, found


@pytest.fixture()
def wide_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def test_both_engines_contents_page_and_second_step(wide_page: Any, variant: Path) -> None:  # noqa: F811
    """A course of two steps: its contents page, and the second step with the way between steps."""
    wide_page.goto((variant / "index.html").as_uri())
    assert wide_page.get_by_role("link", name=re.compile("second look", re.I)).count() >= 1
    check_both(wide_page, "web, contents page of a two-step course")
    ready(wide_page, (variant / "second-step.html").as_uri())
    check_both(wide_page, "web, second step of two")


OTHER_WEB_PAGES = 2  # the contents page and the second step, above


def test_accessibility_statement_gives_the_numbers_these_tests_check() -> None:
    from tests.test_two_engines_lms import LMS_STATES

    statement = (Path(__file__).resolve().parent.parent / "docs" / "accessibility.md").read_text("utf-8")
    web = len(STATES) * len(MEDIA) + OTHER_WEB_PAGES
    assert f"| web (file://) | {web}: " in statement
    for target, n in LMS_STATES.items():
        assert re.search(rf"^\| {target}, [^|]*\| {n}: ", statement, re.M), target
    assert f"That is {web + sum(LMS_STATES.values())} states per engine" in statement
