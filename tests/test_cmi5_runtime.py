"""cmi5 runtime against a real LRS (ralph-malph) and a test LMS side (tests/support/lrs.py).

The example course is built for ``--target cmi5``; the LMS side writes ``LMS.LaunchData`` (context
template with a session id and the publisher-id grouping, launch mode, returnURL) and makes a
one-time fetch URL, then the AU is opened with ``endpoint, fetch, actor, registration, activityId``.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorm_builder.preview.lrs import BASIC, Cmi5Lms, Front, lrs_front
from tests.test_xapi_runtime import (
    COURSE,
    MEDIA_IRI,
    REFLECTION_IRI,
    STEP_IRI,
    UUID,
    V,
    build,
    finish,
    learner_flow,
    long_reflection,
    validate,
    verbs,
    wait_for_statements,
    wait_ready,
)

pytestmark = pytest.mark.browser

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
LEARNER = {"objectType": "Agent", "name": "Ann Example",
           "account": {"homePage": "https://lms.example.org", "name": "ann-7"}}


@pytest.fixture(scope="module")
def cmi5_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("cmi5", COURSE, tmp_path_factory.mktemp("cmi5"))


@pytest.fixture()
def front(tmp_path: Path, cmi5_package: Path, ralph: Any) -> Iterator[Front]:
    shutil.copytree(cmi5_package, tmp_path / "pkg")
    with lrs_front(tmp_path, ralph) as f:
        yield f


def categories(s: dict[str, Any]) -> set[str]:
    return {c["id"] for c in s["context"].get("contextActivities", {}).get("category", [])}


def assert_cmi5_rules(statements: list[dict[str, Any]], lms: Cmi5Lms, registration: str, activity: str) -> None:
    """cmi5 9.x: template copied, categories right, initialized first and terminated last per session."""
    validate(statements)
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids)) and all(UUID.match(i) for i in ids)
    by_session: dict[str, list[str]] = {}
    for s in statements:
        ctx = s["context"]
        assert ctx["registration"] == registration
        assert s["actor"] == LEARNER
        assert s["timestamp"].endswith("Z")
        assert ctx["extensions"][SESSION] in lms.sessions
        assert {"objectType": "Activity", "id": STEP_IRI} in ctx["contextActivities"]["grouping"], "publisher id"
        verb = s["verb"]["id"].rsplit("/", 1)[1]
        by_session.setdefault(ctx["extensions"][SESSION], []).append(verb)
        defined = s["object"]["id"] == activity
        if defined:
            assert verb in ("initialized", "completed", "terminated")
            assert CMI5 in categories(s)
            assert (MOVEON in categories(s)) == (verb == "completed")
        else:
            assert CMI5 not in categories(s) and MOVEON not in categories(s)
            assert {"objectType": "Activity", "id": activity} in ctx["contextActivities"]["parent"]
        if verb == "completed" and defined:
            assert s["result"]["completion"] is True and s["result"]["duration"].startswith("PT")
        if verb == "terminated":
            assert s["result"]["duration"].startswith("PT")
    for session, seq in by_session.items():
        assert seq[0] == "initialized" and seq[-1] == "terminated", (session, seq)
        assert seq.count("initialized") == 1 and seq.count("terminated") == 1
    completed = [s for s in statements if s["verb"]["id"] == V + "completed" and s["object"]["id"] == activity]
    assert len(completed) <= 1, "at most one completed per registration"


def test_learner_run_return_url_reload_and_second_launch(page: Any, front: Front, ralph: Any) -> None:
    lms = Cmi5Lms(front)
    registration = str(uuid.uuid4())
    activity = STEP_IRI + "/lms-activity"
    text = long_reflection(4000)

    # launch 1, reloaded: the token is reused (no second POST of the fetch URL); the session ended
    # when the first page went away, so the reloaded page says so and sends nothing more
    page.goto(lms.launch_url("index.html", LEARNER, registration, STEP_IRI))
    wait_ready(page)
    assert page.evaluate("window.ScormBuilderXapi.current.opened.error") is None
    page.reload()
    wait_ready(page)
    assert list(front.fetches.values()) == [1]
    assert "has ended" in (page.text_content("#sb-notice") or "")
    assert page.evaluate("document.getElementById('sb-text').readOnly")
    page.wait_for_timeout(500)
    assert verbs(wait_for_statements(ralph, registration, 2)) == ["initialized", "terminated"]

    # launch 2: the learner run, Finish goes back to the LMS (returnURL) after terminated
    page.goto(lms.launch_url("index.html", LEARNER, registration, STEP_IRI, return_url=front.url + "/lms/return",
                             preferences={"languagePreference": "en-GB", "audioPreference": "on"}))
    wait_ready(page)
    assert page.evaluate("window.ScormBuilderXapi.current.opened.error") is None
    learner_flow(page, text)
    page.click("#sb-finish")
    page.wait_for_url(front.url + "/lms/return", timeout=20000)
    assert page.text_content("#lms") == "Back in the LMS"

    statements = wait_for_statements(ralph, registration, 9)
    sequence = [(v, s["object"]["id"]) for v, s in zip(verbs(statements), statements, strict=True)]
    assert sequence == [
        ("initialized", activity), ("terminated", activity),
        ("initialized", activity), ("played", MEDIA_IRI), ("seeked", MEDIA_IRI), ("paused", MEDIA_IRI),
        ("answered", REFLECTION_IRI), ("completed", activity), ("terminated", activity),
    ], sequence
    assert_cmi5_rules(statements, lms, registration, activity)
    answered = statements[6]
    assert answered["result"]["response"] == text
    assert answered["object"]["definition"]["interactionType"] == "long-fill-in"
    assert all(r["headers"]["X-Experience-API-Version"] == "1.0.3" for r in front.requests)
    assert all(r["headers"]["Authorization"].startswith("Basic ") for r in front.requests)
    launch_data = [r for r in front.requests if r["query"].get("stateId") == "LMS.LaunchData"]
    assert len(launch_data) == 3 and all(r["method"] == "GET" for r in launch_data), "read, never written"
    assert any(r["path"].endswith("agents/profile") and r["query"]["profileId"] == "cmi5LearnerPreferences"
               for r in front.requests)

    # launch 3 (same registration): text restored, submitting again sends no second completed
    page.goto(lms.launch_url("index.html", LEARNER, registration, STEP_IRI))
    wait_ready(page)
    page.wait_for_function("!document.getElementById('sb-record').hidden")
    assert page.input_value("#sb-text") == text
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
    finish(page)
    again = wait_for_statements(ralph, registration, len(statements) + 2)
    assert verbs(again[len(statements):]) == ["initialized", "terminated"]
    assert_cmi5_rules(again, lms, registration, activity)
    assert sorted(front.fetches.values()) == [1, 1, 1], "each launch's fetch URL POSTed once"


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_send_no_completed(page: Any, front: Front, ralph: Any, mode: str) -> None:
    lms = Cmi5Lms(front)
    registration = str(uuid.uuid4())
    activity = STEP_IRI + "/lms-activity"
    page.goto(lms.launch_url("index.html", LEARNER, registration, STEP_IRI, mode=mode))
    wait_ready(page)
    notice = page.text_content("#sb-notice") or page.text_content("#sb-status")
    assert ("browsing" if mode == "Browse" else "reviewing") in notice
    assert page.evaluate("document.getElementById('sb-text').readOnly") == (mode == "Review")
    if mode == "Browse":
        learner_flow(page, "A previewed answer, kept as a draft.")
    finish(page)
    statements = wait_for_statements(ralph, registration, 2)
    assert verbs(statements) == ["initialized", "terminated"], "only initialized and terminated outside Normal"
    assert_cmi5_rules(statements, lms, registration, activity)
    if mode == "Browse":
        doc = front.state_doc(activity, LEARNER, registration, "scorm-builder.step")
        assert doc["draft"] == "A previewed answer, kept as a draft." and not doc.get("completedSent")


def test_used_fetch_url_and_revoked_token_are_plain_words(browser: Any, front: Front, ralph: Any) -> None:
    lms = Cmi5Lms(front)
    registration = str(uuid.uuid4())
    url = lms.launch_url("index.html", LEARNER, registration, STEP_IRI)
    first = browser.new_context()
    second = browser.new_context()
    try:
        page = first.new_page()
        page.goto(url)
        wait_ready(page)
        # the same launch URL opened again elsewhere: its fetch URL is spent (error-code 1)
        other = second.new_page()
        other.goto(url)
        other.wait_for_function("document.getElementById('sb-alert').textContent.length > 0")
        assert "already been used or has expired" in other.text_content("#sb-alert")
        assert sorted(front.fetches.values()) == [2]

        # the token is withdrawn mid-session: the learner is told, the text stays
        text = "Written after the LMS withdrew the token — é ü 🙂.\n\nSecond paragraph."
        front.accepted.intersection_update({BASIC})  # every AU token withdrawn
        page.fill("#sb-text", text)
        page.get_by_role("button", name="Submit reflection").click()
        page.wait_for_function("document.getElementById('sb-alert').textContent.length > 0", timeout=20000)
        assert "sign-in has expired or was refused" in page.text_content("#sb-alert")
        assert page.input_value("#sb-text") == text
    finally:
        first.close()
        second.close()
    statements = ralph.statements(registration)
    assert verbs(statements) == ["initialized"]
    assert json.dumps(statements).count(V + "completed") == 0
