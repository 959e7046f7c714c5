"""xAPI (TinCan) runtime against a real LRS: ralph-malph behind the test front (tests/support/lrs.py).

The example course is built with the CLI for ``--target xapi`` and launched as a TinCan launcher
(Moodle's TinCan Launch Link) would: ``index.html?endpoint=&auth=&actor=&registration=&activity_id=``.
Statements are read back from ralph and validated with ralph's strict pydantic model.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorm_builder.preview.lrs import BASIC, Front, Ralph, lrs_front, tincan_url

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course_src" / "kind-handovers"
CORE = ROOT / "scorm_builder" / "runtime" / "xapi-core.js"
COURSE_IRI = "https://scorm-builder.invalid/courses/kind-handovers"
STEP_IRI = COURSE_IRI + "/steps/handover-conversation"
REFLECTION_IRI = STEP_IRI + "/reflection"
MEDIA_IRI = STEP_IRI + "/media"
V = "http://adlnet.gov/expapi/verbs/"
VIDEO = "https://w3id.org/xapi/video/"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ANN = {"objectType": "Agent", "name": "Ann Example", "mbox": "mailto:ann@example.org"}


def long_reflection(units: int = 4000) -> str:
    """A multi-paragraph reflection, ``units`` UTF-16 units long, with accents, quotes and an emoji."""
    paragraphs = [
        "Handing over after a night shift, I was tired — and it showed in how I spoke to Zoë.",
        "What made it kind: she asked \"how are you?\" before the bed list; café-style, unhurried 🙂.",
        "Next time I will say what I am worried about, not only the facts: naïve? Perhaps, but it helps.",
    ]
    text, i = "", 0
    while len(text.encode("utf-16-le")) // 2 < units:
        text += paragraphs[i % 3] + "\n\n"
        i += 1
    while len(text.encode("utf-16-le")) // 2 > units or text.endswith(("\n", "\ud83d")):
        text = text[:-1]
    return text + "x" * (units - len(text.encode("utf-16-le")) // 2)


def build(target: str, course: Path, out: Path) -> Path:
    """Build with the CLI and unzip; returns the unpacked package folder."""
    run = subprocess.run(
        [sys.executable, "-m", "scorm_builder", "build", str(course), "--target", target, "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (archive,) = out.glob(f"*-{target}.zip")
    unpacked = out / "pkg"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked


@pytest.fixture(scope="module")
def xapi_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build("xapi", COURSE, tmp_path_factory.mktemp("xapi"))


@pytest.fixture()
def front(tmp_path: Path, xapi_package: Path, ralph: Any) -> Iterator[Front]:
    shutil.copytree(xapi_package, tmp_path / "pkg")
    with lrs_front(tmp_path, ralph) as f:
        yield f


def validate(statements: list[dict[str, Any]]) -> None:
    """Every statement passes ralph's strict xAPI model."""
    from ralph.models.xapi.base.statements import BaseXapiStatement

    for s in statements:
        BaseXapiStatement.model_validate(s)


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


def wait_ready(page: Any) -> None:
    """step.js has shown Finish and the runtime's open() has answered (initialized is queued)."""
    page.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    page.wait_for_function("!!(window.ScormBuilderXapi.current && window.ScormBuilderXapi.current.opened)")


PLAY_SEEK_PAUSE = """async ([watch, to]) => {
  const m = document.getElementById('sb-media');
  m.muted = true;
  await m.play();
  await new Promise(r => setTimeout(r, watch));
  m.currentTime = to;
  await new Promise(r => m.addEventListener('seeked', r, {once: true}));
  await new Promise(r => setTimeout(r, watch));
  m.pause();
}"""


def learner_flow(page: Any, text: str) -> None:
    """Watch part of the video, seek, pause, write the reflection (mostly pasted, the end typed), submit."""
    page.evaluate(PLAY_SEEK_PAUSE, [700, 30])
    page.fill("#sb-text", text[:-20])
    page.locator("#sb-text").press_sequentially(text[-20:])
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)", timeout=20000)


def finish(page: Any) -> None:
    page.click("#sb-finish")
    page.wait_for_function("/finished/i.test(document.getElementById('sb-status').textContent)", timeout=20000)


def wait_for_statements(ralph: Ralph, registration: str, count: int, timeout: float = 20) -> list[dict[str, Any]]:
    """ralph's statements for the registration once there are ``count`` (or the timeout passed)."""
    deadline = time.time() + timeout
    found = ralph.statements(registration)
    while len(found) < count and time.time() < deadline:
        time.sleep(0.2)
        found = ralph.statements(registration)
    return found


def waiting_statements(page: Any) -> list[dict[str, Any]]:
    """The statements the page's durable queue holds in localStorage."""
    raw = page.evaluate("Object.entries(localStorage).filter(([k]) => k.startsWith('scorm-builder:xapi-queue:'))")
    found: list[dict[str, Any]] = [s for _, v in raw for s in json.loads(v)]
    return found


def assert_no_secret(page: Any, secret: str) -> None:
    """The launch credential is nowhere the page keeps or shows things."""
    kept = page.evaluate("""() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage),
                                                 document.body.innerText])""")
    assert secret not in kept
    assert secret.split(" ", 1)[1] not in kept


def assert_common(statements: list[dict[str, Any]], registration: str, actor: dict[str, Any]) -> None:
    validate(statements)
    ids = [s["id"] for s in statements]
    assert len(ids) == len(set(ids)), "duplicate statement ids"
    assert all(UUID.match(i) for i in ids)
    for s in statements:
        assert s["context"]["registration"] == registration
        assert s["actor"] == actor
        assert s["timestamp"].endswith("Z")
        ctx_ids = json.dumps(s["context"].get("contextActivities", {}))
        assert COURSE_IRI in ctx_ids or s["object"]["id"] == COURSE_IRI, s
        assert STEP_IRI in ctx_ids or s["object"]["id"] == STEP_IRI, s
    completed = Counter(s["object"]["id"] for s in statements if s["verb"]["id"] == V + "completed")
    assert all(n == 1 for n in completed.values()), completed


# ----------------------------------------------------------------------------- core, in the browser


def test_core_formats_and_actor_forms(page: Any, front: Front) -> None:
    page.goto(front.url + "/pkg/assets/step.css")  # any same-origin page
    page.add_script_tag(content=CORE.read_text())
    got = page.evaluate("""() => {
      const X = window.ScormBuilderXapi;
      return {
        uuids: Array.from({length: 50}, X.uuid),
        durations: [0, 4, 1234, 61000, 3600000, 3723450.6, 90061990].map(X.duration),
        stamp: X.timestamp(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6))),
        endpoints: ["https://lrs.example.org/xapi", "https://lrs.example.org/xapi/", "https://lrs.example.org/xapi///"]
          .map(X.endpoint),
        modern: X.actor('{"objectType":"Agent","name":"Ann","mbox":"mailto:ann@example.org","account":{"homePage":"https://lms.example.org","name":"7"}}'),
        old: X.actor({"name": ["Ann"], "mbox": ["mailto:ann@example.org"], "mbox_sha1sum": ["abc"]}),
        oldAccount: X.actor({"name": ["Bo"],
                             "account": [{"accountServiceHomePage": "https://lms.example.org", "accountName": "42"}]}),
        bare: X.actor({"mbox": "bo@example.org"}),
        none: X.actor({"name": "Nobody"}),
        garbage: X.actor("{not json"),
        response: X.response("a[,]b\\r\\nc"),
        params: X.params("?endpoint=https%3A%2F%2Flrs%2Fx%2F&auth=Basic%20abc%3D&empty=&plus=a+b"),
      };
    }""")
    assert len(set(got["uuids"])) == 50 and all(UUID.match(u) for u in got["uuids"])
    assert got["durations"] == ["PT0S", "PT0S", "PT1.23S", "PT1M1S", "PT1H", "PT1H2M3.45S", "PT25H1M1.99S"]
    assert got["stamp"] == "2025-01-02T03:04:05.006Z"
    assert got["endpoints"] == ["https://lrs.example.org/xapi/"] * 3
    assert got["modern"] == {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.org"}
    assert got["old"] == {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.org"}
    assert got["oldAccount"] == {"objectType": "Agent", "name": "Bo",
                                 "account": {"homePage": "https://lms.example.org", "name": "42"}}
    assert got["bare"] == {"objectType": "Agent", "mbox": "mailto:bo@example.org"}
    assert got["none"] is None and got["garbage"] is None
    assert got["response"] == "a[ ,]b\nc"
    assert got["params"] == {"endpoint": "https://lrs/x/", "auth": "Basic abc=", "empty": "", "plus": "a b"}
    from ralph.models.xapi.base.results import BaseXapiResult

    for d in got["durations"]:
        BaseXapiResult.model_validate({"duration": d})


QUEUE_RUN = """async ([endpoint, auth, key, bodies]) => {
  const X = window.ScormBuilderXapi;
  const rejected = [];
  const q = X.queue(X.client(endpoint, auth), key, {rejected: (s) => rejected.push(s.id)});
  let last = null;
  for (const b of bodies) { last = q.add(b); }
  const r = await last;
  const again = await q.flush();
  q.stop();
  return {r, again, rejected, stats: q.stats, left: q.pending().length, stored: localStorage.getItem(key)};
}"""


def simple_statement(n: int, registration: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "timestamp": f"2025-01-02T03:04:05.{n:03d}Z", "actor": ANN,
            "verb": {"id": V + "experienced", "display": {"en-US": "experienced"}},
            "object": {"objectType": "Activity", "id": f"{STEP_IRI}/probe/{n}"},
            "context": {"registration": registration}}


def test_queue_isolates_a_refused_statement_and_counts_409_as_stored(page: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    bodies = [simple_statement(n, registration) for n in range(25)]
    front.refuse_if.add(bodies[13]["id"])
    # an id the LRS already holds with other content: 409 for that one, the rest of its batch stored
    clash = dict(bodies[4], object={"objectType": "Activity", "id": STEP_IRI + "/probe/other"})
    ralph_post(ralph, [clash])
    page.goto(front.url + "/pkg/assets/step.css")
    page.add_script_tag(content=CORE.read_text())
    key = "scorm-builder:xapi-queue:test:" + registration
    # the queue POSTs as statements are added: wait for all of them in one go
    out = page.evaluate(QUEUE_RUN, [front.url + "/xapi", BASIC, key, bodies])
    assert out["r"]["ok"] and out["again"]["ok"]
    assert out["rejected"] == [bodies[13]["id"]]
    assert out["left"] == 0 and out["stored"] is None
    held = ralph.statements(registration)
    held_ids = [s["id"] for s in held]
    assert len(held_ids) == len(set(held_ids)) == 24, "24 stored once each (the refused one dropped)"
    assert bodies[13]["id"] not in held_ids
    clash_held = next(s for s in held if s["id"] == bodies[4]["id"])
    assert clash_held["object"]["id"].endswith("/probe/other"), "the LRS's copy is kept"
    assert out["stats"]["rejected"] == 1 and out["stats"]["sent"] == 24


def ralph_post(ralph: Any, statements: list[dict[str, Any]]) -> None:
    import urllib.request

    req = urllib.request.Request(ralph.url + "/xAPI/statements", data=json.dumps(statements).encode(), method="POST",
                                 headers={"Authorization": BASIC, "X-Experience-API-Version": "1.0.3",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        assert res.status == 200


# ----------------------------------------------------------------------------- the built package


def test_learner_run_statements_state_and_relaunch(page: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    text = long_reflection(4000)
    page.goto(tincan_url(front, "index.html", ANN, registration, activity_id=COURSE_IRI))
    wait_ready(page)
    learner_flow(page, text)
    finish(page)
    assert page.text_content("#sb-alert") in ("", None)
    statements = wait_for_statements(ralph, registration, 8)
    sequence = [(v, s["object"]["id"]) for v, s in zip(verbs(statements), statements, strict=True)]
    assert sequence == [
        ("initialized", STEP_IRI), ("played", MEDIA_IRI), ("seeked", MEDIA_IRI), ("paused", MEDIA_IRI),
        ("answered", REFLECTION_IRI), ("completed", STEP_IRI), ("completed", COURSE_IRI), ("terminated", STEP_IRI),
    ], sequence
    assert_common(statements, registration, ANN)
    by = {v: s for v, s in zip(verbs(statements), statements, strict=True)}
    answered = by["answered"]
    assert answered["result"]["response"] == text
    assert answered["object"]["definition"]["interactionType"] == "long-fill-in"
    assert answered["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert "correctResponsesPattern" not in answered["object"]["definition"]
    seeked = by["seeked"]["result"]["extensions"]
    assert seeked[VIDEO + "extensions/time-to"] == pytest.approx(30, abs=0.3)
    assert 0.2 < seeked[VIDEO + "extensions/time-from"] < 5
    paused = by["paused"]
    assert paused["result"]["extensions"][VIDEO + "extensions/progress"] > 0
    assert "[.]" in paused["result"]["extensions"][VIDEO + "extensions/played-segments"]
    assert paused["context"]["extensions"][VIDEO + "extensions/length"] == pytest.approx(101.4, abs=0.5)
    assert {c["id"] for c in paused["context"]["contextActivities"]["category"]} == {"https://w3id.org/xapi/video"}
    session_ids = {s["context"]["extensions"][VIDEO + "extensions/session-id"]
                   for s in statements if s["object"]["id"] == MEDIA_IRI}
    assert len(session_ids) == 1
    assert by["terminated"]["result"]["duration"].startswith("PT")
    stamps = [s["timestamp"] for s in statements]
    assert stamps == sorted(stamps)
    assert front.posted_ids() == [s["id"] for s in statements], "sent in the order they were made"
    assert all(r["headers"]["X-Experience-API-Version"] == "1.0.3" for r in front.requests)
    assert all(r["headers"]["Authorization"] == BASIC for r in front.requests)
    assert_no_secret(page, BASIC)
    left = page.evaluate("Object.keys(localStorage).filter(k => /xapi-(queue|state)/.test(k))")
    assert left == [], "once the LRS has everything, no statement or copy of the text stays in the browser"

    # relaunch with the same registration: text and position come back from the State API
    page.goto(tincan_url(front, "index.html", ANN, registration, activity_id=COURSE_IRI))
    wait_ready(page)
    page.wait_for_function("!document.getElementById('sb-record').hidden")
    assert page.input_value("#sb-text") == text
    page.wait_for_function("Math.abs(document.getElementById('sb-media').currentTime - 30.7) < 1.5")
    finish(page)
    again = wait_for_statements(ralph, registration, len(statements) + 2)
    assert verbs(again[len(statements):]) == ["initialized", "terminated"]
    assert_common(again, registration, ANN)


def test_old_actor_form_endpoint_without_slash_and_launch_activity_id(page: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    old = {"name": ["Bo Example"], "mbox": ["mailto:bo@example.org"], "objectType": "Agent"}
    launch_id = "https://lms.example.org/mod/tincanlaunch/view.php?id=42"
    page.goto(tincan_url(front, "index.html", old, registration, activity_id=launch_id, endpoint_slash=False))
    wait_ready(page)
    page.fill("#sb-text", "Short answer, ça va.")
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
    finish(page)
    statements = wait_for_statements(ralph, registration, 5)
    validate(statements)
    bo = {"objectType": "Agent", "name": "Bo Example", "mbox": "mailto:bo@example.org"}
    assert all(s["actor"] == bo for s in statements)
    assert verbs(statements) == ["initialized", "answered", "completed", "completed", "terminated"]
    assert statements[3]["object"]["id"] == launch_id, "Moodle checks completed against its activity id"
    assert all(r["path"].startswith("/xapi/") and "//" not in r["path"] for r in front.requests)


def test_outage_nothing_lost_nothing_doubled(page: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    text = long_reflection(2500)
    page.goto(tincan_url(front, "index.html", ANN, registration))
    wait_ready(page)
    wait_for_statements(ralph, registration, 1)
    ralph.stop()
    try:
        learner_flow(page, text)  # submit still answers: the statements wait in this browser
        queued = len(waiting_statements(page))
        assert queued == 6, "played, seeked, paused, answered, completed x2 wait in localStorage"
        failed_posts = [p for p in front.posts if p["status"] >= 500]
        assert failed_posts, "the runtime tried and got 503 while the LRS was down"
    finally:
        ralph.start()
    finish(page)  # flushes before terminated
    statements = wait_for_statements(ralph, registration, 8)
    assert verbs(statements) == ["initialized", "played", "seeked", "paused", "answered", "completed", "completed",
                                 "terminated"]
    assert_common(statements, registration, ANN)
    assert next(s for s in statements if s["verb"]["id"] == V + "answered")["result"]["response"] == text
    accepted = front.posted_ids()
    assert len(accepted) == len(set(accepted)) == 8, "each statement accepted exactly once"
    print(f"outage: queued {queued}, failed POSTs {len(failed_posts)}, delivered {len(statements)}, "
          f"duplicates {len(accepted) - len(set(accepted))}")


def test_rejected_credentials_shown_in_plain_words_text_kept(page: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    text = "My reflection, written before the LMS's key was withdrawn.\n\nStill mine — é, ü."
    page.goto(tincan_url(front, "index.html", ANN, registration))
    wait_ready(page)
    front.accepted.discard(BASIC)  # the launcher's key is revoked mid-session
    page.fill("#sb-text", text)
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("document.getElementById('sb-alert').textContent.length > 0", timeout=20000)
    alert = page.text_content("#sb-alert")
    assert "sign-in has expired or was refused" in alert and "copy it somewhere safe" in alert
    assert page.input_value("#sb-text") == text
    assert page.get_by_role("button", name="Submit reflection").is_enabled()
    waiting = [s for s in waiting_statements(page) if s["verb"]["id"] == V + "answered"]
    assert [s["result"]["response"] for s in waiting] == [text], "the answer waits for the next launch"
    assert_no_secret(page, BASIC)
    assert "statements" in front.refused


def test_tab_closed_mid_draft_keeps_the_draft_and_ends_the_session(browser: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    draft = long_reflection(1500)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(tincan_url(front, "index.html", ANN, registration))
        wait_ready(page)
        page.fill("#sb-text", draft[:-10])
        page.locator("#sb-text").press_sequentially(draft[-10:])  # closed before the draft debounce
        page.close(run_before_unload=True)
        deadline = time.time() + 10
        while time.time() < deadline and "terminated" not in verbs(ralph.statements(registration)):
            time.sleep(0.1)
    finally:
        context.close()
    statements = ralph.statements(registration)
    assert verbs(statements) == ["initialized", "terminated"]
    validate(statements)
    doc = front.state_doc(STEP_IRI, ANN, registration, "scorm-builder.step")
    assert doc["draft"] == draft and doc["submitted"] is None


@pytest.fixture(scope="module")
def two_step_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example course with a copy of its step as a second step."""
    work = tmp_path_factory.mktemp("two-steps")
    course = work / "course"
    shutil.copytree(COURSE, course)
    shutil.copytree(course / "steps" / "handover-conversation", course / "steps" / "second-step")
    yml = course / "course.yml"
    steps = "  - handover-conversation\n"
    yml.write_text(yml.read_text().replace(steps, steps + "  - second-step\n"))
    return build("xapi", course, work / "dist")


def test_multi_step_navigation_keeps_the_launch_and_completes_the_course_once(
        page: Any, two_step_package: Path, tmp_path: Path, ralph: Any) -> None:
    shutil.copytree(two_step_package, tmp_path / "pkg")
    second = COURSE_IRI + "/steps/second-step"
    registration = str(uuid.uuid4())
    with lrs_front(tmp_path, ralph) as front:
        launch = tincan_url(front, "index.html", ANN, registration, activity_id=COURSE_IRI)
        query = launch.split("?", 1)[1]
        page.goto(launch)  # the contents page
        page.wait_for_function("document.querySelector('a[href^=\"second-step.html?\"]') !== null")
        hrefs = page.eval_on_selector_all("main a[href$='.html'], main a[href*='.html?']",
                                          "els => els.map(a => a.getAttribute('href'))")
        assert hrefs and all(h.endswith("?" + query) for h in hrefs), hrefs
        page.click("a[href^='handover-conversation.html']")
        wait_ready(page)
        assert page.url.endswith("?" + query)
        page.fill("#sb-text", "First step answer.")
        page.get_by_role("button", name="Submit reflection").click()
        page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
        page.click("a[rel='next']")  # finishes this page's session before leaving
        page.wait_for_url("**/second-step.html?*")
        wait_ready(page)
        after_first = ralph.statements(registration)
        assert verbs(after_first)[:4] == ["initialized", "answered", "completed", "terminated"], "sent before leaving"
        page.fill("#sb-text", "Second step answer.")
        page.get_by_role("button", name="Submit reflection").click()
        page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
        finish(page)
        statements = wait_for_statements(ralph, registration, 9)
        assert_no_secret(page, BASIC)
    steps = [s["object"]["id"].rsplit("/", 1)[1] for s in statements]
    assert list(zip(verbs(statements), steps, strict=True)) == [
        ("initialized", "handover-conversation"), ("answered", "reflection"), ("completed", "handover-conversation"),
        ("terminated", "handover-conversation"),
        ("initialized", "second-step"), ("answered", "reflection"), ("completed", "second-step"),
        ("completed", "kind-handovers"), ("terminated", "second-step"),
    ]
    validate(statements)
    assert statements[7]["object"]["id"] == COURSE_IRI
    assert statements[7]["context"]["contextActivities"]["other"] == [{"objectType": "Activity", "id": second}]
    assert len({s["id"] for s in statements}) == 9


def test_tab_closed_during_an_outage_sends_the_rest_on_the_next_launch(browser: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    text = "Written while the LRS was down — ça marche?\n\nSecond paragraph."
    context = browser.new_context()  # one browser profile: its localStorage outlives the tab
    try:
        page = context.new_page()
        page.goto(tincan_url(front, "index.html", ANN, registration))
        wait_ready(page)
        wait_for_statements(ralph, registration, 1)
        ralph.stop()
        try:
            page.fill("#sb-text", text)
            page.get_by_role("button", name="Submit reflection").click()
            page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)",
                                   timeout=20000)
            page.close(run_before_unload=True)  # the keepalive send fails too: everything stays queued
            time.sleep(0.5)
        finally:
            ralph.start()
        assert verbs(ralph.statements(registration)) == ["initialized"]
        page = context.new_page()
        page.goto(tincan_url(front, "index.html", ANN, registration))
        wait_ready(page)
        finish(page)
        statements = wait_for_statements(ralph, registration, 7)
    finally:
        context.close()
    assert verbs(statements) == ["initialized", "answered", "completed", "completed", "terminated",
                                 "initialized", "terminated"]
    assert_common(statements, registration, ANN)
    assert statements[1]["result"]["response"] == text
    accepted = front.posted_ids()
    assert accepted == [s["id"] for s in statements], "leftovers first, each accepted once, none doubled"


def test_a_refused_answer_is_reported_and_does_not_block_the_rest(page: Any, front: Front, ralph: Any) -> None:
    registration = str(uuid.uuid4())
    front.refuse_if.add(V + "answered")  # the LRS answers 400 to any POST carrying an answered statement
    text = "An answer this LRS will not take."
    page.goto(tincan_url(front, "index.html", ANN, registration))
    wait_ready(page)
    page.fill("#sb-text", text)
    page.get_by_role("button", name="Submit reflection").click()
    page.wait_for_function("document.getElementById('sb-alert').textContent.length > 0", timeout=20000)
    assert "refused to record your answer" in page.text_content("#sb-alert")
    assert page.input_value("#sb-text") == text
    finish(page)
    statements = wait_for_statements(ralph, registration, 4)
    assert verbs(statements) == ["initialized", "completed", "completed", "terminated"], "the rest went through"
    assert not waiting_statements(page), "the refused statement is dropped, not retried forever"


def test_cross_origin_lrs_as_in_moodle(browser: Any, front: Front, ralph: Any, tmp_path: Path) -> None:
    """The package on one origin (the LMS), the LRS on another: CORS requests, keepalive on tab close."""
    from tests.support.server import serve

    registration = str(uuid.uuid4())
    draft = "Typed on the LMS's origin, closed before the draft was saved — ça va."
    with serve(tmp_path) as lms:  # the same package folder, another port: another origin
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(tincan_url(front, "index.html", ANN, registration, package_base=lms.url))
            wait_ready(page)
            assert page.evaluate("window.ScormBuilderXapi.current.opened.error") is None
            page.fill("#sb-text", "A submitted answer.")
            page.get_by_role("button", name="Submit reflection").click()
            page.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
            page.fill("#sb-text", draft[:-5])
            page.locator("#sb-text").press_sequentially(draft[-5:])
            page.close(run_before_unload=True)
            deadline = time.time() + 10
            while time.time() < deadline and "terminated" not in verbs(ralph.statements(registration)):
                time.sleep(0.1)
        finally:
            context.close()
    statements = ralph.statements(registration)
    assert verbs(statements) == ["initialized", "answered", "completed", "completed", "terminated"]
    assert_common(statements, registration, ANN)
    assert front.preflights, "the calls were cross-origin"
    doc = front.state_doc(STEP_IRI, ANN, registration, "scorm-builder.step")
    assert doc["draft"] == draft and doc["submitted"]["text"] == "A submitted answer."
