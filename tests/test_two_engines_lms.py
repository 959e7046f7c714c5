"""axe-core and HTML_CodeSniffer on each LMS target's built launch page inside its LMS frame (issue 8,
item 1). The engines are injected into the content frame, not the test host around it.

SCORM 1.2 and SCORM 2004: scorm-again's runtimes in tests/scorm_host (SCORM 1.2 also in review mode,
``cmi.core.lesson_mode=review``, read-only). xAPI and cmi5: the LRS front of
scorm_builder/preview/lrs.py (ralph behind it) serves a page that frames the launch URL, as an LMS does.
"""

from __future__ import annotations

import html
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorm_builder.preview.lrs import Cmi5Lms, Front, lrs_front, tincan_url
from tests import test_scorm12_runtime as s12
from tests import test_scorm2004_runtime as s2004
from tests.support.engines import check_both
from tests.support.scorm_site import scorm_again_site
from tests.test_cmi5_runtime import LEARNER
from tests.test_xapi_runtime import ANN, COURSE, COURSE_IRI, STEP_IRI, build, wait_ready

pytestmark = pytest.mark.browser

# states checked per target (docs/accessibility.md gives these numbers; test_two_engines.py checks it)
LMS_STATES = {"scorm12": 4, "scorm2004": 3, "xapi": 3, "cmi5": 3}
TEXT = "A reflection long enough to submit, written inside the LMS frame."


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example course built with the CLI for each LMS target, unzipped."""
    return {t: build(t, COURSE, tmp_path_factory.mktemp(t)) for t in ("scorm12", "scorm2004", "xapi", "cmi5")}


@pytest.fixture()
def scorm_site(tmp_path: Path, packages: dict[str, Path]) -> Iterator[Any]:
    """/host: the scorm-again test LMS pages; /pkg12 and /pkg2004: the built packages."""
    with scorm_again_site(tmp_path, {"pkg12": packages["scorm12"], "pkg2004": packages["scorm2004"]}) as server:
        yield server


def error_then_submit(frame: Any, label: str) -> list[dict[str, int]]:
    """The launch page, then a validation error, then a submitted reflection: both engines in each."""
    counts = [check_both(frame, f"{label}, launch page")]
    frame.get_by_role("button", name="Submit reflection").click()
    assert frame.locator("#sb-text").get_attribute("aria-invalid") == "true"
    counts.append(check_both(frame, f"{label}, reflection with a validation error"))
    frame.fill("#sb-text", TEXT)
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)", timeout=20000)
    counts.append(check_both(frame, f"{label}, reflection submitted"))
    return counts


def test_both_engines_scorm12_in_scorm_again_and_review_mode(page: Any, scorm_site: Any) -> None:
    lms = s12.Lms(page, scorm_site)
    frame = lms.launch("/pkg12/index.html")
    lms.page.wait_for_function("host.calls.some(c => c.fn === 'LMSGetValue' && c.args[0] === 'cmi.comments')")
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    assert frame.evaluate("window.top !== window"), "the step runs inside the LMS frame"
    counts = error_then_submit(frame, "scorm12 in scorm-again")
    frame.click("#sb-finish")
    page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish')")

    # review mode: the same attempt reopened read-only
    loaded = s12.relaunch_cmi(lms.snapshots()[-1]["cmi"])
    loaded["core"].update(lesson_mode="review", credit="no-credit")
    frame = lms.launch("/pkg12/index.html", cmi=loaded)
    frame.wait_for_function("!document.getElementById('sb-record').hidden")
    assert frame.locator("#sb-text").get_attribute("readonly") is not None
    assert frame.get_by_role("button", name="Submit reflection").is_disabled()
    assert "reviewing" in (frame.text_content("#sb-notice") or "")
    counts.append(check_both(frame, "scorm12 in scorm-again, review mode (read-only)"))
    assert len(counts) == LMS_STATES["scorm12"]


def test_both_engines_scorm2004_in_scorm_again(page: Any, scorm_site: Any) -> None:
    lms = s2004.Lms(page, scorm_site)
    frame = lms.launch("/pkg2004/index.html")
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    assert frame.evaluate("window.top !== window")
    assert len(error_then_submit(frame, "scorm2004 in scorm-again")) == LMS_STATES["scorm2004"]


def framed(page: Any, front: Front, root: Path, url: str) -> Any:
    """Open ``url`` in an iframe of a page served by the front (an LMS's player page) and return the frame."""
    (root / "lms-frame.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LMS</title></head><body>'
        f'<iframe id="sco" title="Course step" src="{html.escape(url)}" style="width:1240px;height:760px">'
        "</iframe></body></html>", encoding="utf-8")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(front.url + "/lms-frame.html")
    frame = page.wait_for_selector("#sco").content_frame()
    frame.wait_for_load_state("load")
    wait_ready(frame)
    assert frame.evaluate("window.top !== window")
    return frame


@pytest.mark.parametrize("target", ["xapi", "cmi5"])
def test_both_engines_xapi_and_cmi5_in_an_lms_frame(page: Any, tmp_path: Path, packages: dict[str, Path],
                                                    ralph: Any, target: str) -> None:
    shutil.copytree(packages[target], tmp_path / "pkg")
    registration = str(uuid.uuid4())
    with lrs_front(tmp_path, ralph) as front:
        if target == "xapi":
            url = tincan_url(front, "index.html", ANN, registration, activity_id=COURSE_IRI)
        else:
            url = Cmi5Lms(front).launch_url("index.html", LEARNER, registration, STEP_IRI)
        frame = framed(page, front, tmp_path, url)
        assert frame.evaluate("window.ScormBuilderXapi.current.opened.error") is None
        assert len(error_then_submit(frame, f"{target} via the LRS front")) == LMS_STATES[target]
