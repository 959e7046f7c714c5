"""A learner goes through the three-step example course (course_src/handover-habits) in every target.

Only the page's own controls are used (Start, Continue, Submit, Finish, Next step); the LMS side does
what a real one does at the end of a step: Moodle's Auto-continue for SCORM 1.2 (tests/scorm_host/
host12.js), scorm-again's sequencing for SCORM 2004, the TinCan launch for xAPI and a cmi5 LMS that
launches each AU and takes the learner back (returnURL) for cmi5. Each run ends with the course
reported complete the way the standard says.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from scorm_builder.preview.lrs import Cmi5Lms, lrs_front, tincan_url
from tests.support.server import serve
from tests.test_xapi_runtime import build, verbs, wait_for_statements

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course_src" / "handover-habits"
HOST = ROOT / "tests" / "scorm_host"
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"
STEPS = ("the-conversation", "three-habits", "your-next-handover")
TITLES = ("The handover conversation", "Three habits of a kind handover", "Planning your next handover")
REFLECTS = (True, True, False)   # the third step is complete once viewed
COURSE_IRI = "https://scorm-builder.invalid/courses/handover-habits"
ANN = {"objectType": "Agent", "name": "Ann Example", "mbox": "mailto:ann@example.org"}
LAST_STEP_FINISHED = "/finished the last step/i.test(document.getElementById('sb-finished').textContent)"
LEARNER = {"objectType": "Agent", "name": "Ann Example",
           "account": {"homePage": "https://lms.example.org", "name": "ann-7"}}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("course-run")
    return {t: build(t, COURSE, base / t) for t in ("web", "scorm12", "scorm2004", "xapi", "cmi5")}


def submit(page: Any, text: str) -> None:
    page.fill("#sb-text", text)
    page.get_by_role("button", name="Submit reflection").click()
    try:  # the xAPI/cmi5 submit waits up to 8 s for the LRS itself; a loaded machine needs the margin
        page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)", timeout=30000)
    except Exception as exc:
        shown = page.evaluate("[document.getElementById('sb-status').textContent,"
                              " document.getElementById('sb-alert').textContent]")
        raise AssertionError(f"no 'submitted' status; the page shows {shown!r}") from exc


def assert_position(page: Any, n: int) -> None:
    assert page.text_content("h1") == TITLES[n - 1]
    assert page.text_content(".sb-position") == f"Step {n} of 3"
    assert page.text_content(".sb-course") == "Handover habits"


def wait_step_state(page: Any, done: bool) -> None:
    want = "completed this step" if done else "To complete this step"
    page.wait_for_function("w => (document.getElementById('sb-step-state').textContent || '').includes(w)", arg=want)


# ---------------------------------------------------------------- web, from file://


def test_web_course_from_contents_to_complete(page: Any, packages: dict[str, Path]) -> None:
    root = packages["web"]
    page.goto((root / "index.html").as_uri())
    assert page.text_content("#sb-progress") == "You have completed 0 of 3 steps."
    page.get_by_role("link", name="Start Step 1: The handover conversation").click()
    for n in (1, 2, 3):
        assert_position(page, n)
        assert page.get_by_role("link", name="Contents", exact=True).get_attribute("href") == "index.html"
        if REFLECTS[n - 1]:
            wait_step_state(page, False)
            submit(page, f"My reflection on step {n}.")
        wait_step_state(page, True)
        page.wait_for_function("n => document.getElementById('sb-progress').textContent.startsWith(n + ' of 3')"
                               " || document.getElementById('sb-progress').textContent.startsWith('Course complete')",
                               arg=n)
        assert page.locator("#sb-finish").is_hidden(), "no LMS: no Finish"
        page.locator("a.sb-continue").click()
    # the click returns once the contents page is committed, not once its script has run
    page.wait_for_url("**/index.html")
    page.wait_for_load_state("load")
    assert page.text_content("h1") == "Handover habits"
    assert page.text_content("#sb-progress") == "Course complete: you have completed all 3 steps."
    assert page.locator("li[data-step] .sb-step-done:visible").count() == 3


# ---------------------------------------------------------------- SCORM 1.2, Moodle's Auto-continue


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[Any]:
    shutil.copytree(HOST, tmp_path / "host")
    shutil.copy(SCORM_AGAIN, tmp_path / "host" / "scorm-again.js")
    with serve(tmp_path) as server:
        server.root = tmp_path
        yield server


def manifest_hrefs(unpacked: Path) -> list[str]:
    root = etree.parse(str(unpacked / "imsmanifest.xml")).getroot()
    ns = {"cp": root.nsmap[None]}
    resources = {r.get("identifier"): r.get("href") for r in root.iterfind(".//cp:resource", ns)}
    return [resources[i.get("identifierref")] for i in root.iterfind(".//cp:item", ns)]


def sco_frame(page: Any, launches: int) -> Any:
    page.wait_for_function("k => host.launches.length === k", arg=launches)
    url = page.evaluate("host.launches[host.launches.length - 1]")
    frame = page.wait_for_selector("#sco").content_frame()
    frame.wait_for_url(url)
    frame.wait_for_function("document.querySelector('#sb-finish') !== null"
                            " && document.querySelector('#sb-finish').offsetParent !== null")
    return frame


def test_scorm12_finish_lets_the_lms_continue_and_every_sco_completes(page: Any, site: Any,
                                                                      packages: dict[str, Path]) -> None:
    shutil.copytree(packages["scorm12"], site.root / "pkg")
    hrefs = manifest_hrefs(packages["scorm12"])
    assert hrefs == [f"{s}.html" for s in STEPS]
    page.goto(site.url + "/host/host12.html")
    page.evaluate("([u, o]) => course(u, o)", [[f"{site.url}/pkg/{h}" for h in hrefs], {"autoContinue": True}])
    for n in (1, 2, 3):
        frame = sco_frame(page, n)
        assert_position(frame, n)
        assert frame.locator("#sb-lmsnav").is_hidden(), "SCORM 1.2 has no navigation requests: no Previous/Next"
        if REFLECTS[n - 1]:
            submit(frame, f"Step {n} in the LMS.")
        wait_step_state(frame, True)
        name = "Finish this step and continue" if n < 3 else "Finish"
        frame.get_by_role("button", name=name, exact=True).click()
        frame.wait_for_function("/finished/i.test(document.getElementById('sb-finished').textContent)")
        if n == 3:
            assert "last step" in frame.text_content("#sb-finished")
    statuses = page.evaluate("host.scos.map(s => s.cmi && s.cmi.core.lesson_status)")
    assert statuses == ["completed"] * 3, "Moodle's 'Require all SCOs to return completion status' is met"
    assert page.evaluate("host.launches.length") == 3
    failed = page.evaluate("host.calls.filter(c => c.ret === 'false').length")
    assert failed == 0


# ---------------------------------------------------------------- SCORM 2004, adl.nav.request


def test_scorm2004_next_through_the_lms_and_every_sco_completes(page: Any, site: Any,
                                                                packages: dict[str, Path]) -> None:
    shutil.copytree(packages["scorm2004"], site.root / "pkg")
    hrefs = manifest_hrefs(packages["scorm2004"])
    page.goto(site.url + "/host/host2004.html")
    page.evaluate("([u, o]) => course(u, o)", [[f"{site.url}/pkg/{h}" for h in hrefs], {}])
    for n in (1, 2, 3):
        frame = sco_frame(page, n)
        assert_position(frame, n)
        if REFLECTS[n - 1]:
            submit(frame, f"Step {n} in a 2004 LMS.")
        wait_step_state(frame, True)
        if n < 3:
            assert frame.locator("#sb-lmsnav-previous").is_visible() == (n > 1)
            frame.get_by_role("button", name="Next step").click()
        else:
            assert frame.locator("#sb-lmsnav-next").is_hidden(), "no move the LMS does not allow"
            frame.get_by_role("button", name="Finish", exact=True).click()
            frame.wait_for_function(LAST_STEP_FINISHED)
    left = page.evaluate("host.scos.slice(0, 2).map(s => s.cmi.completion_status)")
    assert [*left, page.evaluate("hostCmi().completion_status")] == ["completed"] * 3
    requests = page.evaluate("host.calls.filter(c => c.fn === 'SetValue' && c.args[0] === 'adl.nav.request')"
                             ".map(c => c.args[1])")
    assert requests == ["continue", "continue"]


def test_scorm2004_in_moodle_finish_and_auto_continue(page: Any, site: Any, packages: dict[str, Path]) -> None:
    """Moodle answers "unknown" to request_valid: no Previous/Next; Finish, then Auto-continue opens the next."""
    shutil.copytree(packages["scorm2004"], site.root / "pkg")
    hrefs = manifest_hrefs(packages["scorm2004"])
    page.goto(site.url + "/host/host2004.html")
    page.evaluate("([u, o]) => course(u, o)", [[f"{site.url}/pkg/{h}" for h in hrefs],
                                               {"moodle": True, "autoContinue": True}])
    for n in (1, 2, 3):
        frame = sco_frame(page, n)
        assert_position(frame, n)
        assert frame.locator("#sb-lmsnav").is_hidden()
        if REFLECTS[n - 1]:
            submit(frame, f"Step {n} in Moodle.")
        frame.get_by_role("button", name="Finish this step and continue" if n < 3 else "Finish", exact=True).click()
    frame.wait_for_function(LAST_STEP_FINISHED)
    left = page.evaluate("host.scos.slice(0, 2).map(s => s.cmi.completion_status)")
    assert [*left, page.evaluate("hostCmi().completion_status")] == ["completed"] * 3


# ---------------------------------------------------------------- xAPI, in-package links


def test_xapi_continue_links_and_the_course_completed_statement(page: Any, packages: dict[str, Path],
                                                                tmp_path: Path, ralph: Any) -> None:
    shutil.copytree(packages["xapi"], tmp_path / "pkg")
    registration = str(uuid.uuid4())
    with lrs_front(tmp_path, ralph) as front:
        page.goto(tincan_url(front, "index.html", ANN, registration, activity_id=COURSE_IRI))
        page.wait_for_function("document.getElementById('sb-progress').textContent === "
                               "'You have completed 0 of 3 steps.'")
        page.locator("a.sb-continue").click()
        for n in (1, 2, 3):
            page.wait_for_url(f"**/{STEPS[n - 1]}.html?*")
            page.wait_for_function("!!(window.ScormBuilderXapi.current && window.ScormBuilderXapi.current.opened)")
            assert_position(page, n)
            if REFLECTS[n - 1]:
                submit(page, f"Step {n} with an LRS.")
            wait_step_state(page, True)
            page.wait_for_function("n => document.getElementById('sb-progress').textContent"
                                   ".startsWith(n === 3 ? 'Course complete' : n + ' of 3')", arg=n)
            if n < 3:
                page.locator("a.sb-continue").click()
            else:
                page.get_by_role("button", name="Finish", exact=True).click()
                page.wait_for_function(LAST_STEP_FINISHED)
        statements = wait_for_statements(ralph, registration, 12)
        # Back on the contents page (a relaunch): the course's progress comes from the LRS.
        page.goto(tincan_url(front, "index.html", ANN, registration, activity_id=COURSE_IRI))
        page.wait_for_function("document.getElementById('sb-progress').textContent.startsWith('Course complete')")
        assert page.locator("li[data-step] .sb-step-done:visible").count() == 3
    completed = [s["object"]["id"] for s in statements if s["verb"]["id"].endswith("/completed")]
    assert completed == [f"{COURSE_IRI}/steps/{s}" for s in STEPS] + [COURSE_IRI], completed
    assert verbs(statements).count("terminated") == 3


# ---------------------------------------------------------------- cmi5, one AU per step, returnURL


def test_cmi5_each_au_finishes_back_to_the_lms_and_completes(page: Any, packages: dict[str, Path],
                                                            tmp_path: Path, ralph: Any) -> None:
    shutil.copytree(packages["cmi5"], tmp_path / "pkg")
    root = etree.parse(str(packages["cmi5"] / "cmi5.xml")).getroot()
    ns = {"c": root.nsmap[None]}
    aus = [(au.get("id"), au.findtext("c:url", namespaces=ns)) for au in root.iterfind(".//c:au", ns)]
    assert [url for _, url in aus] == [f"{s}.html" for s in STEPS]
    assert all(au.get("moveOn") == "Completed" for au in root.iterfind(".//c:au", ns))
    registration = str(uuid.uuid4())
    with lrs_front(tmp_path, ralph) as front:
        lms = Cmi5Lms(front)
        for n, (au_id, url) in enumerate(aus, start=1):
            page.goto(lms.launch_url(url, LEARNER, registration, au_id, return_url=front.url + "/lms/return"))
            page.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
            assert_position(page, n)
            if REFLECTS[n - 1]:
                submit(page, f"Step {n} in a cmi5 LMS.")
            wait_step_state(page, True)
            page.click("#sb-finish")
            page.wait_for_url(front.url + "/lms/return", timeout=20000)
        statements = wait_for_statements(ralph, registration, 3 * 3 + 2 * 1)
    done = {s["object"]["id"] for s in statements if s["verb"]["id"].endswith("/completed")}
    assert done == {au_id + "/lms-activity" for au_id, _ in aus}, "every AU's moveOn (Completed) is met"
