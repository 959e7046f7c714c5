"""Runtime faults the learner's browser or LMS can throw at a page, and what the learner then sees.

Faults covered elsewhere: no LMS API (test_scorm12/2004_runtime ``test_no_lms_gives_null_backend``,
the page then keeps the text in localStorage), a commit that fails (``test_lms_refusal_is_reported_
with_code_and_text``), the tab closed while typing (``test_tab_closed_mid_draft_*``), a relaunch after
a crash (``test_relaunch_mid_draft_resumes``), localStorage unavailable (test_page_browser
``test_storage_blocked_does_not_break_the_page``), an LRS outage or refused credentials
(test_xapi_runtime, test_cmi5_runtime). Here: localStorage full, an LMS API whose calls throw, two
tabs of one step, and a clock a year wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.test_page_browser import EXAMPLE, PROMPT, build
from tests.test_scorm12_runtime import (
    Lms,
    launch_page,
    package_dir,  # noqa: F401 - fixture
    site,  # noqa: F401 - the fixture pkg_site builds on
    state,
)
from tests.test_scorm12_runtime import pkg_site as scorm12_pkg_site  # noqa: F401 - fixture
from tests.test_scorm12_runtime import site as scorm12_site  # noqa: F401 - the fixture, under its own name

pytestmark = pytest.mark.browser

TEXT = "What I noticed at handover \u2014 caf\u00e9, \U0001f642, and a second line.\nYes."


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(EXAMPLE, "web", tmp_path_factory.mktemp("faults")) / "index.html"


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context()
    yield ctx
    ctx.close()


def _open(page: Any, url: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-text') !== null")
    return errors


def _text(page: Any, selector: str) -> str:
    return str(page.evaluate("s => document.querySelector(s).textContent", selector))


def assert_text_offered(page: Any, frame: Any = None) -> None:
    """The alert's link downloads exactly what is in the box: the learner's words are never lost."""
    where = frame or page
    with page.expect_download() as info:
        where.locator("#sb-alert").get_by_role("link", name="Download your text (.txt)").click()
    path = info.value.path()
    assert Path(path).read_text(encoding="utf-8") == where.locator("#sb-text").input_value()


def test_storage_full_the_learner_is_told_and_the_text_stays(context: Any, web: Path) -> None:
    context.add_init_script("Storage.prototype.setItem = function () { "
                            "throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };")
    page = context.new_page()
    errors = _open(page, web.as_uri())
    page.get_by_label(PROMPT).fill(TEXT)
    page.locator("#sb-text").blur()
    page.wait_for_function("document.getElementById('sb-alert').textContent.includes('could not be saved')")
    assert _text(page, "#sb-alert") == (
        "Your draft could not be saved (this browser is not letting the page store data). Download your text to "
        "keep a copy. Download your text (.txt)")
    assert_text_offered(page)
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("document.getElementById('sb-alert').textContent.includes('could not be submitted')")
    assert _text(page, "#sb-alert") == (
        "Your reflection could not be submitted (this browser is not letting the page store data). Try again in a "
        "moment. Download your text to keep a copy. Download your text (.txt)")
    assert_text_offered(page)
    assert page.locator("#sb-text").input_value() == TEXT  # nothing typed is taken away
    assert errors == []


def test_two_tabs_of_one_step_the_newer_text_survives_closing_the_older_tab(context: Any, web: Path) -> None:
    first, second = context.new_page(), context.new_page()
    _open(first, web.as_uri())
    first.get_by_label(PROMPT).fill("typed in the first tab")
    first.locator("#sb-text").blur()
    first.wait_for_function("/Draft saved at/.test(document.getElementById('sb-status').textContent)")
    _open(second, web.as_uri())
    second.wait_for_function("/saved draft has been restored/.test(document.getElementById('sb-status').textContent)")
    assert second.locator("#sb-text").input_value() == "typed in the first tab"
    second.get_by_label(PROMPT).fill("typed in the first tab, then more in the second")
    second.locator("#sb-text").blur()
    second.wait_for_function("/Draft saved at/.test(document.getElementById('sb-status').textContent)")
    first.reload()
    first.wait_for_function("/saved draft has been restored/.test(document.getElementById('sb-status').textContent)")
    assert first.locator("#sb-text").input_value() == "typed in the first tab, then more in the second"


SHIFTED_CLOCK = """(() => {
  const Real = Date, shift = 365 * 864e5;
  class Shifted extends Real {
    constructor(...a) { if (a.length === 0) { super(Real.now() + shift); } else { super(...a); } }
    static now() { return Real.now() + shift; }
  }
  window.Date = Shifted;
})();"""


def test_a_clock_a_year_ahead_is_shown_as_the_device_says_and_nothing_is_lost(context: Any, web: Path) -> None:
    context.add_init_script(SHIFTED_CLOCK)
    page = context.new_page()
    errors = _open(page, web.as_uri())
    page.get_by_label(PROMPT).fill(TEXT)
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("/Reflection submitted/.test(document.getElementById('sb-status').textContent)")
    ahead = date.today().year + 1
    assert str(ahead) in _text(page, "#sb-record-date")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download your reflection (.txt)").click()
    assert re.search(rf"-{ahead}-\d\d-\d\d\.txt$", info.value.suggested_filename)
    assert TEXT.replace("\n", "") in Path(info.value.path()).read_text("utf-8").replace("\n", "")
    page.reload()
    page.wait_for_function("/You submitted your reflection on/.test(document.getElementById('sb-status').textContent)")
    assert page.locator("#sb-text").input_value() == TEXT
    assert errors == []


def test_an_lms_api_that_throws_is_reported_not_fatal(page: Any, scorm12_site: Any) -> None:  # noqa: F811
    lms = Lms(page, scorm12_site)
    lms.launch()
    lms.backend("open")
    page.evaluate("""() => { for (const f of ['LMSSetValue', 'LMSCommit', 'LMSGetValue']) {
        API[f] = () => { throw new Error('LMS bridge crashed'); }; } }""")
    result = lms.backend("save", state("kept text"), "draft")
    assert result == {"ok": False, "error": "Saving your draft: the LMS refused LMSSetValue(cmi.suspend_data) "
                                            "(error exception: LMS bridge crashed)."}
    result = lms.backend("submit", state("kept text", "kept text"))
    assert result["ok"] is False, result
    assert result["error"].startswith("Recording your answer: the LMS refused LMSGetValue(cmi.interactions._count) "
                                      "(error exception: Error: LMS bridge crashed).")
    assert result["error"].endswith('Saving your answer: the LMS refused LMSCommit("") (error exception: LMS '
                                    "bridge crashed).")


SESSION_TIMES_OUT = """() => {
  // What an LMS whose session has expired answers: every call refused, error 301 (not initialized).
  for (const f of ['LMSSetValue', 'LMSCommit', 'LMSGetValue']) { API[f] = () => 'false'; }
  API.LMSGetLastError = () => '301';
  API.LMSGetErrorString = () => 'Not initialized';
}"""


def test_an_lms_session_that_times_out_keeps_the_text_and_offers_it(page: Any, scorm12_pkg_site: Any) -> None:  # noqa: F811
    lms = Lms(page, scorm12_pkg_site)
    frame = launch_page(lms)
    page.evaluate(SESSION_TIMES_OUT)
    words = "Written after the LMS session expired: nothing here may be lost.\n\nSecond paragraph, café."
    frame.fill("#sb-text", words)
    frame.locator("#sb-text").blur()
    frame.wait_for_function("document.getElementById('sb-alert').textContent.includes('could not be saved')")
    alert = str(frame.evaluate("document.getElementById('sb-alert').textContent"))
    assert alert.startswith("Your draft could not be saved (") and "301" in alert, alert
    assert alert.endswith("Download your text to keep a copy. Download your text (.txt)"), alert
    assert_text_offered(page, frame)
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("document.getElementById('sb-alert').textContent.includes('could not be submitted')")
    assert_text_offered(page, frame)
    assert frame.input_value("#sb-text") == words
