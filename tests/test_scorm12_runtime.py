"""SCORM 1.2 runtime (scorm_builder/runtime/scorm12.js) against a real LMS-side runtime.

The LMS is scorm-again's ``Scorm12API`` in tests/scorm_host/host12.html, wrapped to record every
call, its return value and ``LMSGetLastError``. scorm-again is lax about some SCORM 1.2 limits
(suspend_data up to 64000, student_response length), so the spec limits are checked here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import serve

ROOT = Path(__file__).resolve().parent.parent
HOST = ROOT / "tests" / "scorm_host"
RUNTIME = ROOT / "scorm_builder" / "runtime" / "scorm12.js"
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"

TIMESPAN = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
TIME_OF_DAY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$")


def utf16(text: str) -> int:
    """Length as JavaScript and the SCORM validators count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def reflection(units: int = 4000) -> str:
    """A reflection of several paragraphs with quotes, accents and an emoji, ``units`` long."""
    paragraphs = [
        'I think "compassion" matters most when staff are tired — that is when it slips.',
        "Ann's point about outcomes: patients who feel heard take their medication; café chats count too 🙂.",
        "If no, what else matters? Time, training, and\tteams that back each other up.",
    ]
    text, i = "", 0
    while utf16(text) < units:
        text += paragraphs[i % 3] + (" More detail." * (i % 4)) + "\n\n"
        i += 1
    while utf16(text) > units:
        text = text[:-1]
    return text.rstrip("\n") + "x" * (units - utf16(text.rstrip("\n")))


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[Any]:
    """A served tree: /host (test LMS + minimal content page), /runtime/scorm12.js."""
    shutil.copytree(HOST, tmp_path / "host")
    shutil.copy(SCORM_AGAIN, tmp_path / "host" / "scorm-again.js")
    (tmp_path / "runtime").mkdir()
    shutil.copy(RUNTIME, tmp_path / "runtime" / "scorm12.js")
    shutil.copy(RUNTIME.with_name("scorm-common.js"), tmp_path / "runtime" / "scorm-common.js")
    with serve(tmp_path) as server:
        server.root = tmp_path  # type: ignore[attr-defined]
        yield server


class Lms:
    """Drives the host page: launch content, talk to the backend, read back CMI and calls."""

    def __init__(self, page: Any, server: Any) -> None:
        self.page = page
        self.server = server

    def launch(self, content: str = "/host/content12.html", *, cmi: dict | None = None,
               commit: bool | str = False) -> Any:
        self.page.goto(self.server.url + "/host/host12.html")
        commit_url = commit if isinstance(commit, str) else self.server.url + "/commit" if commit else False
        options: dict[str, Any] = {"commitUrl": commit_url}
        if cmi is not None:
            options["cmi"] = cmi
        url = content if content.startswith("http") else self.server.url + content
        self.page.evaluate("([u, o]) => launch(u, o)", [url, options])
        frame = self.page.wait_for_selector("#sco").content_frame()
        if url.startswith("http"):
            frame.wait_for_url(url)
        frame.wait_for_load_state("load")
        return frame

    def content(self) -> Any:
        return self.page.wait_for_selector("#sco").content_frame()

    def backend(self, method: str, *args: Any) -> Any:
        return self.content().evaluate(
            "([m, a]) => Promise.resolve(window.backend[m].apply(window.backend, a))", [method, list(args)]
        )

    def cmi(self) -> dict:
        return self.page.evaluate("hostCmi()")

    def calls(self) -> list[dict]:
        return self.page.evaluate("host.calls")

    def snapshots(self) -> list[dict]:
        return self.page.evaluate("host.snapshots")

    def sets(self, element: str) -> list[dict]:
        return [c for c in self.calls() if c["fn"] == "LMSSetValue" and c["args"][0] == element]


def decode(frame: Any, data: str) -> dict:
    """The runtime's own decoder, checked against the documented format (py_decode)."""
    decoded = frame.evaluate("d => ScormBuilderScorm12.decode(d)", data)
    assert decoded == py_decode(data)
    return decoded


def py_decode(data: str) -> dict:
    """suspend_data as documented in scorm_builder/runtime/README.md (offsets in UTF-16 units)."""
    head, _, body = data.replace("\r\n", "\n").partition("\n")
    fields = head.split(";")
    assert fields[0] == "SB1", data[:40]
    f = dict(x.split("=", 1) for x in fields[1:])
    units = body.encode("utf-16-le")
    cut = lambda a, b=None: units[2 * a: None if b is None else 2 * b].decode("utf-16-le", "surrogatepass")  # noqa: E731
    out: dict[str, Any] = {"draft": body, "submitted": None, "comments": f.get("c") == "1",
                           "interaction": int(f["i"]) if "i" in f else None}
    if "n" in f:
        n = int(f["n"])
        text = cut(0, n)
        out["submitted"] = {"text": text, "at": f.get("s", "")}
        out["draft"] = text
        if "k" in f:
            p, q = (int(v) for v in f["k"].split(","))
            out["draft"] = cut(0, p) + cut(n) + text.encode("utf-16-le")[2 * (utf16(text) - q):].decode("utf-16-le")
    return out


def state(draft: str = "", submitted: str | None = None, position: float = 0) -> dict:
    return {
        "draft": draft,
        "submitted": None if submitted is None else {"text": submitted, "at": "2025-01-02T03:04:05.678Z"},
        "position": position,
    }


def assert_no_false(calls: list[dict]) -> None:
    bad = [c for c in calls if c["ret"] == "false" or c["error"] not in (None, "0")]
    assert not bad, bad


def relaunch_cmi(final: dict) -> dict:
    """What an LMS hands back on the next launch of the same attempt (scorm-again's rendered CMI)."""
    core = final["core"]
    return {
        "core": {
            "student_id": "learner-1",
            "student_name": "Learner, Test",
            "lesson_status": core["lesson_status"],
            "lesson_location": core["lesson_location"],
            "entry": "resume" if core.get("exit") == "suspend" else "",
        },
        "suspend_data": final["suspend_data"],
        "comments": final["comments"],
        "interactions": final.get("interactions") or {},
    }


# ---------------------------------------------------------------- discovery


def test_no_lms_gives_null_backend(page: Any, site: Any) -> None:
    page.goto(site.url + "/host/content12.html")
    assert page.evaluate("window.backend") is None
    assert page.evaluate("window.ScormBuilderScorm12.MAX_REFLECTION") >= 4000


def test_finds_api_through_a_cross_origin_frame(page: Any, site: Any) -> None:
    # host (127.0.0.1) > middle frame (localhost: another origin, reading its API throws) > content
    port = site.server_address[1]
    middle = site.root / "host" / "middle.html"
    middle.write_text(
        '<!doctype html><html lang="en"><title>m</title>'
        f'<iframe id="inner" src="http://127.0.0.1:{port}/host/content12.html"></iframe></html>'
    )
    lms = Lms(page, site)
    lms.launch(f"http://localhost:{port}/host/middle.html")
    outer = page.wait_for_selector("#sco").content_frame()
    inner = outer.wait_for_selector("#inner").content_frame()
    inner.wait_for_function("window.backend !== undefined")
    assert inner.evaluate("window.backend && window.backend.name") == "scorm12"
    assert inner.evaluate("window.backend.open().error || null") is None
    assert lms.cmi()["core"]["lesson_status"] == "incomplete"


def test_finds_api_through_the_opener(page: Any, site: Any) -> None:
    page.goto(site.url + "/host/host12.html")
    page.evaluate("launch('about:blank', {})")
    with page.context.expect_page() as popup_info:
        page.evaluate("u => window.open(u)", site.url + "/host/content12.html")
    popup = popup_info.value
    popup.wait_for_load_state("load")
    assert popup.evaluate("window.backend && window.backend.name") == "scorm12"
    assert popup.evaluate("window.backend.open().error || null") is None
    assert page.evaluate("hostCmi()")["core"]["lesson_status"] == "incomplete"


# ---------------------------------------------------------------- first launch, draft, submit, finish


def test_first_launch_sets_incomplete_once(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    opened = lms.backend("open")
    assert opened == {"state": None, "resumed": False}
    calls = lms.calls()
    assert calls[0]["fn"] == "LMSInitialize" and calls[0]["args"] == [""] and calls[0]["ret"] == "true"
    assert [c["args"][1] for c in lms.sets("cmi.core.lesson_status")] == ["incomplete"]
    assert [c["fn"] for c in calls].count("LMSCommit") == 1
    assert_no_false(calls)
    assert lms.backend("open") == opened  # idempotent: no second LMSInitialize
    assert [c["fn"] for c in lms.calls()].count("LMSInitialize") == 1


def test_drafts_are_throttled_to_one_commit_per_30_seconds(page: Any, site: Any) -> None:
    page.clock.install()
    lms = Lms(page, site)
    frame = lms.launch()
    lms.backend("open")
    commits = lambda: [c["fn"] for c in lms.calls()].count("LMSCommit")  # noqa: E731
    assert commits() == 1
    text = ""
    for word in ["one", "two", "three", "four", "five", "six"]:
        text += word + "\n"
        assert lms.backend("save", state(text, position=12.34), "draft") == {"ok": True}
    assert commits() == 1, "no commit per keystroke"
    cmi = lms.cmi()
    assert decode(frame, cmi["suspend_data"])["draft"] == text
    assert cmi["core"]["lesson_location"] == "12.3"
    page.clock.run_for(31_000)
    assert commits() == 2, "a pending draft is committed within ~30 s"
    assert decode(frame, lms.snapshots()[-1]["cmi"]["suspend_data"])["draft"] == text
    page.clock.run_for(120_000)
    assert commits() == 2, "nothing new, nothing committed"
    assert lms.backend("save", state(text + "more", position=12.34), "draft") == {"ok": True}
    assert commits() == 3, "more than 30 s since the last commit: commit at once"
    assert_no_false(lms.calls())


def test_4000_character_reflection_submit_and_finish(page: Any, site: Any) -> None:
    text = reflection(4000)
    assert utf16(text) == 4000 and text.count("\n\n") >= 3
    lms = Lms(page, site)
    frame = lms.launch(content="/host/content12.html?step=evidence%20outcomes!")
    assert frame.evaluate("backend.maxReflection") >= 4000
    lms.backend("open")
    assert lms.backend("save", state(text, position=42), "draft") == {"ok": True}
    assert lms.backend("submit", state(text, text, position=42)) == {"ok": True}
    assert lms.calls()[-1]["fn"] == "LMSCommit", "submit commits at once"
    assert lms.backend("finish", state(text, text, position=42)) == {"ok": True}
    assert lms.backend("finish", state(text, text, position=42)) == {"ok": True}

    calls = lms.calls()
    assert_no_false(calls)
    assert [c["fn"] for c in calls].count("LMSFinish") == 1
    assert all(c["args"] == [""] for c in calls if c["fn"] in ("LMSInitialize", "LMSCommit", "LMSFinish"))
    assert not [c for c in calls if c["fn"] == "LMSSetValue" and c["args"][1] == "not attempted"]
    cmi = lms.snapshots()[-1]["cmi"]
    assert lms.snapshots()[-1]["fn"] == "LMSFinish"
    core = cmi["core"]
    assert core["lesson_status"] == "completed"
    assert core["exit"] == ""
    assert TIMESPAN.match(core["session_time"]), core["session_time"]
    assert utf16(core["lesson_location"]) <= 255 and core["lesson_location"] == "42"
    assert utf16(cmi["suspend_data"]) <= 4096
    saved = decode(frame, cmi["suspend_data"])
    assert saved["submitted"]["text"] == text and saved["draft"] == text and saved["comments"] is True
    assert utf16(cmi["suspend_data"]) - 4000 < 100, "text stored once"
    assert cmi["comments"] == text
    assert len(lms.sets("cmi.comments")) == 1
    interaction = cmi["interactions"]["0"]
    assert interaction["id"] == "reflection_evidence_outcomes_"
    assert interaction["type"] == "fill-in" and interaction["result"] == "neutral"
    assert TIME_OF_DAY.match(interaction["time"])
    response = interaction["student_response"]
    assert 0 < utf16(response) <= 255 and "\n" not in response and "\t" not in response
    assert response.startswith('I think "compassion" matters most')
    # every element written, with its size (for the report)
    sizes = {c["args"][0]: utf16(c["args"][1]) for c in calls if c["fn"] == "LMSSetValue"}
    print(json.dumps(sizes, indent=1))


def test_relaunch_restores_submission_and_never_rewrites_comments(page: Any, site: Any) -> None:
    first, edited = reflection(1500), None
    lms = Lms(page, site)
    frame = lms.launch()
    lms.backend("open")
    assert lms.backend("submit", state(first, first, 10)) == {"ok": True}
    edited = first[:100] + "EDITED AFTER SUBMIT\n\n" + first[130:]
    assert lms.backend("save", state(edited, first, 20.5), "draft") == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    final = lms.snapshots()[-1]["cmi"]
    assert final["core"]["exit"] == ""  # completed

    frame = lms.launch(cmi=relaunch_cmi(final))
    opened = lms.backend("open")
    assert opened["resumed"] is True
    assert opened["state"]["submitted"]["text"] == first
    assert opened["state"]["draft"] == edited
    assert opened["state"]["position"] == 20.5
    assert not lms.sets("cmi.core.lesson_status"), "completed stays completed"
    second = edited.replace("EDITED", "RESUBMITTED")
    assert lms.backend("submit", state(second, second, 20.5)) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    assert not lms.sets("cmi.comments"), "Moodle appends: comments are written once per attempt"
    cmi = lms.cmi()
    assert cmi["comments"] == first
    assert set(cmi["interactions"]) == {"0", "1"}
    assert decode(frame, cmi["suspend_data"])["submitted"]["text"] == second


def test_relaunch_mid_draft_resumes(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    draft = "First paragraph.\n\nSecond, with \"quotes\" and a back\\slash."
    assert lms.backend("save", state(draft, position=7.25), "draft") == {"ok": True}
    assert lms.backend("finish", state(draft, position=7.25)) == {"ok": True}
    final = lms.snapshots()[-1]["cmi"]
    assert final["core"]["exit"] == "suspend" and final["core"]["lesson_status"] == "incomplete"
    lms.launch(cmi=relaunch_cmi(final))
    opened = lms.backend("open")
    assert opened == {"state": {"draft": draft, "submitted": None, "position": 7.3}, "resumed": True}


def test_viewed_completion_completes_on_open(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch(content="/host/content12.html?completion=viewed")
    lms.backend("open")
    assert [c["args"][1] for c in lms.sets("cmi.core.lesson_status")] == ["incomplete", "completed"]
    assert lms.backend("finish", None) == {"ok": True}
    assert lms.snapshots()[-1]["cmi"]["core"]["exit"] == ""
    assert_no_false(lms.calls())


# ---------------------------------------------------------------- failures are reported, text kept


def test_lms_refusal_is_reported_with_code_and_text(page: Any, site: Any) -> None:
    # scorm-again 1.2 keeps accepting values after LMSFinish, so the refusal used here is a commit
    # that cannot reach the LMS server (nothing listens on port 1).
    lms = Lms(page, site)
    lms.launch(commit="http://127.0.0.1:1/commit")
    opened = lms.backend("open")
    failed = [c for c in lms.calls() if c["ret"] == "false"]
    assert [c["fn"] for c in failed] == ["LMSCommit"]
    code = failed[0]["error"]
    message = page.evaluate("c => API.LMSGetErrorString(c)", code)
    assert f"error {code}: {message}" in opened["error"], opened
    result = lms.backend("submit", state("my answer", "my answer"))
    assert result["ok"] is False and f"error {code}" in result["error"] and "LMSCommit" in result["error"]
    assert decode(lms.content(), lms.cmi()["suspend_data"])["submitted"]["text"] == "my answer"
    assert lms.backend("finish", None)["ok"] is False
    result = lms.backend("save", state("my answer, longer"), "draft")
    assert result["ok"] is False and "ended" in result["error"]


def test_student_response_candidates(page: Any, site: Any) -> None:
    """On 405 the runtime retries student_response with these, in order."""
    page.goto(site.url + "/host/content12.html")
    text = ("é" * 200) + "\n\n" + ("😀" * 100)
    tries = page.evaluate("t => ScormBuilderScorm12.responses(t)", text)
    assert utf16(tries[0]) == 254 and tries[0].endswith("😀…"), "never half a surrogate pair"
    assert len(tries[1].encode("utf-8")) <= 255
    assert tries[2] == "?" * 200 + " " + "?" * 54, "printable ASCII only"
    assert all("\n" not in t and utf16(t) <= 255 for t in tries)
    assert page.evaluate("ScormBuilderScorm12.responses('a\\r\\n\\n b\\tc')") == ["a b c"]


def test_text_too_long_is_refused_before_the_lms_sees_it(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    before = len(lms.calls())
    result = lms.backend("save", state("x" * 4097), "draft")
    assert result["ok"] is False and "4000" in result["error"]
    assert len(lms.calls()) == before


# ---------------------------------------------------------------- lesson_mode review / browse, credit

REVIEW_NOTICE = "You are reviewing this step: changes are not saved."


def submitted_attempt(lms: Lms, text: str) -> dict:
    """CMI of a finished attempt with ``text`` submitted, as the LMS hands it back on the next launch."""
    lms.launch()
    lms.backend("open")
    assert lms.backend("submit", state(text, text, 12)) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    return relaunch_cmi(lms.snapshots()[-1]["cmi"])


def writes(calls: list[dict]) -> list[str]:
    return [c["args"][0] for c in calls if c["fn"] == "LMSSetValue"]


def assert_record_unchanged(loaded: dict, final: dict) -> None:
    assert final["core"]["lesson_status"] == loaded["core"]["lesson_status"]
    assert final["comments"] == loaded["comments"]
    assert final["suspend_data"] == loaded["suspend_data"]
    assert len(final.get("interactions") or {}) == len(loaded["interactions"])


def test_review_mode_restores_and_writes_only_session_time_and_exit(page: Any, site: Any) -> None:
    text = reflection(1200)
    lms = Lms(page, site)
    loaded = submitted_attempt(lms, text)
    loaded["core"].update(lesson_mode="review", credit="no-credit")
    lms.launch(cmi=loaded)
    opened = lms.backend("open")
    assert opened["readOnly"] is True and opened["notice"] == REVIEW_NOTICE
    assert opened["state"]["submitted"]["text"] == text and opened["state"]["position"] == 12
    assert lms.content().evaluate("[backend.lessonMode, backend.credit]") == ["review", "no-credit"]
    assert lms.backend("save", state("changed", text, 40), "draft") == {"ok": True}, "nothing to report"
    refused = lms.backend("submit", state("changed", "changed", 40))
    assert refused["ok"] is False and "reviewing" in refused["error"]
    assert lms.backend("finish", state("changed", text, 40)) == {"ok": True}
    calls = lms.calls()
    assert_no_false(calls)
    assert writes(calls) == ["cmi.core.session_time", "cmi.core.exit"]
    assert [c["fn"] for c in calls].count("LMSCommit") == 0, "LMSFinish commits on its own"
    final = lms.snapshots()[-1]
    assert final["fn"] == "LMSFinish"
    assert_record_unchanged(loaded, final["cmi"])
    assert final["cmi"]["core"]["exit"] == "" and TIMESPAN.match(final["cmi"]["core"]["session_time"])
    assert final["cmi"]["core"]["lesson_location"] == loaded["core"]["lesson_location"]


def test_browse_mode_submit_is_a_draft_and_status_browsed(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    first = {"core": {"student_id": "learner-1", "student_name": "Learner, Test", "entry": "ab-initio",
                      "lesson_status": "not attempted", "lesson_mode": "browse", "credit": "no-credit"}}
    frame = lms.launch(cmi=first)
    opened = lms.backend("open")
    assert opened["state"] is None and "readOnly" not in opened and "browsing" in opened["notice"]
    assert not lms.sets("cmi.core.lesson_status"), "opening in browse mode is not an attempt"
    assert lms.backend("save", state("a draft", position=3), "draft") == {"ok": True}
    assert lms.backend("submit", state("my answer", "my answer", 3)) == {"ok": True}
    assert [c["args"][1] for c in lms.sets("cmi.core.lesson_status")] == ["browsed"]
    assert lms.calls()[-1]["fn"] == "LMSCommit"
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    assert not [w for w in writes(lms.calls()) if w.startswith("cmi.interactions") or w == "cmi.comments"]
    final = lms.snapshots()[-1]["cmi"]
    assert final["core"]["lesson_status"] == "browsed" and final["core"]["exit"] == "suspend"
    saved = decode(frame, final["suspend_data"])
    assert saved["submitted"] is None and saved["draft"] == "my answer", "kept as a draft"

    # the same record launched in normal mode: a draft to submit, not a submission
    lms.launch(cmi=relaunch_cmi(final))
    opened = lms.backend("open")
    assert opened["state"] == {"draft": "my answer", "submitted": None, "position": 3}
    assert [c["args"][1] for c in lms.sets("cmi.core.lesson_status")] == ["incomplete"], "now a real attempt"
    assert lms.backend("submit", state("my answer", "my answer", 3)) == {"ok": True}
    assert lms.cmi()["core"]["lesson_status"] == "completed"
    assert lms.cmi()["comments"] == "my answer"


def test_browse_mode_never_lowers_or_replaces_a_completed_submission(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    loaded = submitted_attempt(lms, "the real answer")
    loaded["core"]["lesson_mode"] = "browse"
    frame = lms.launch(cmi=loaded)
    assert lms.backend("open")["state"]["submitted"]["text"] == "the real answer"
    assert lms.backend("submit", state("a browsed answer", "a browsed answer")) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    assert not lms.sets("cmi.core.lesson_status")
    final = lms.snapshots()[-1]["cmi"]
    assert final["core"]["lesson_status"] == "completed"
    assert final["comments"] == loaded["comments"] and len(final["interactions"]) == len(loaded["interactions"])
    saved = decode(frame, final["suspend_data"])
    assert saved["submitted"]["text"] == "the real answer" and saved["draft"] == "a browsed answer"


def test_browse_mode_viewed_completion_is_browsed_not_completed(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch(content="/host/content12.html?completion=viewed",
               cmi={"core": {"entry": "ab-initio", "lesson_status": "not attempted", "lesson_mode": "browse"}})
    lms.backend("open")
    assert [c["args"][1] for c in lms.sets("cmi.core.lesson_status")] == ["browsed"]
    assert lms.backend("finish", None) == {"ok": True}
    assert lms.snapshots()[-1]["cmi"]["core"]["lesson_status"] == "browsed"
    assert_no_false(lms.calls())


def test_no_credit_is_recorded_as_normal(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch(cmi={"core": {"entry": "ab-initio", "lesson_status": "not attempted", "credit": "no-credit"}})
    opened = lms.backend("open")
    assert "readOnly" not in opened and "notice" not in opened
    assert lms.backend("submit", state("answer", "answer")) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    cmi = lms.snapshots()[-1]["cmi"]
    assert cmi["core"]["lesson_status"] == "completed" and cmi["comments"] == "answer" and len(cmi["interactions"]) == 1


# ---------------------------------------------------------------- leaving the page mid-draft


def test_iframe_navigated_away_mid_draft_finishes_with_the_draft(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    draft = reflection(900)
    assert lms.backend("save", state(draft, position=3), "draft") == {"ok": True}
    assert [c["fn"] for c in lms.calls()].count("LMSCommit") == 1, "draft not committed yet (throttled)"
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish')")
    final = lms.snapshots()[-1]
    assert final["fn"] == "LMSFinish" and final["ret"] == "true"
    assert py_decode(final["cmi"]["suspend_data"])["draft"] == draft
    assert final["cmi"]["core"]["exit"] == "suspend"
    assert TIMESPAN.match(final["cmi"]["core"]["session_time"])


def test_tab_closed_mid_draft_reaches_the_lms(browser: Any, site: Any) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        lms = Lms(page, site)
        lms.launch(commit=True)
        lms.backend("open")
        draft = reflection(2500)
        assert lms.backend("save", state(draft, position=5), "draft") == {"ok": True}
        posted_before = len(site.posts)
        page.close(run_before_unload=True)
        deadline = time.time() + 5
        while time.time() < deadline and len(site.posts) == posted_before:
            time.sleep(0.05)
        assert len(site.posts) > posted_before, "nothing reached the LMS"
        body = json.loads(site.posts[-1][1])
        data = body.get("cmi", body)
        suspend = data["suspend_data"] if "suspend_data" in data else data["cmi"]["suspend_data"]
        assert py_decode(suspend)["draft"] == draft
    finally:
        context.close()


# ---------------------------------------------------------------- the real package, end to end

COURSE = ROOT / "course_src" / "kind-handovers"


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example course built with the CLI for SCORM 1.2, unzipped."""
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run(
        [sys.executable, "-m", "scorm_builder", "build", str(COURSE), "--target", "scorm12", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (archive,) = out.glob("*.zip")
    unpacked = out / "pkg"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked


@pytest.fixture()
def pkg_site(site: Any, package_dir: Path) -> Any:
    shutil.copytree(package_dir, site.root / "pkg")
    return site


def launch_page(lms: Lms, **kwargs: Any) -> Any:
    """Launch the built step page and wait until step.js has opened the backend."""
    frame = lms.launch("/pkg/index.html", **kwargs)
    lms.page.wait_for_function("host.calls.some(c => c.fn === 'LMSGetValue' && c.args[0] === 'cmi.comments')")
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    return frame


SEEK_AND_PAUSE = """async (t) => {
  const m = document.getElementById('sb-media');
  m.muted = true;
  await m.play();
  m.currentTime = t;
  await new Promise(r => m.addEventListener('seeked', r, {once: true}));
  m.pause();
}"""


def type_reflection(frame: Any, text: str, typed: int = 30) -> None:
    """Most of the text pasted, the end typed key by key (real input events)."""
    frame.fill("#sb-text", text[:-typed])
    frame.locator("#sb-text").press_sequentially(text[-typed:])


def test_built_package_4000_characters_submit_finish_relaunch(page: Any, pkg_site: Any) -> None:
    text = reflection(4000)
    lms = Lms(page, pkg_site)
    frame = launch_page(lms, commit=True)
    assert frame.evaluate("document.querySelector('#sb-limit-n') ? 1 : 0") in (0, 1)
    type_reflection(frame, text)
    frame.wait_for_function("/Draft saved/.test(document.getElementById('sb-status').textContent)")
    assert frame.input_value("#sb-text") == text.replace("\r\n", "\n")
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
    frame.click("#sb-finish")
    lms.page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish')")
    frame.wait_for_function("/finished/i.test(document.getElementById('sb-status').textContent)")
    assert frame.text_content("#sb-alert") in ("", None)

    calls = lms.calls()
    assert_no_false(calls)
    assert [c["fn"] for c in calls].count("LMSFinish") == 1
    assert [c["fn"] for c in calls].count("LMSInitialize") == 1
    commits = [c["fn"] for c in calls].count("LMSCommit")
    assert commits <= 4, f"{commits} commits: one on launch, submit, finish (+ at most one draft)"
    final = lms.snapshots()[-1]
    assert final["fn"] == "LMSFinish"
    cmi = final["cmi"]
    core = cmi["core"]
    assert core["lesson_status"] == "completed"
    assert core["exit"] == ""
    assert TIMESPAN.match(core["session_time"]), core["session_time"]
    assert utf16(core["lesson_location"]) <= 255
    assert utf16(cmi["suspend_data"]) <= 4096
    saved = py_decode(cmi["suspend_data"])
    assert saved["submitted"]["text"] == text and saved["draft"] == text
    assert cmi["comments"] == text
    assert len(lms.sets("cmi.comments")) == 1
    (interaction,) = cmi["interactions"].values()
    assert interaction["id"] == "reflection_handover-conversation"
    assert interaction["type"] == "fill-in" and interaction["result"] == "neutral"
    assert TIME_OF_DAY.match(interaction["time"])
    assert 0 < utf16(interaction["student_response"]) <= 255 and "\n" not in interaction["student_response"]
    assert pkg_site.posts, "commits reached the LMS server"

    # relaunch as Moodle would after a completed session (exit "" -> entry ""), then as a resume
    for entry in ("", "resume"):
        relaunch = relaunch_cmi(cmi)
        relaunch["core"]["entry"] = entry
        frame = launch_page(lms, cmi=relaunch)
        frame.wait_for_function("!document.getElementById('sb-record').hidden")
        assert frame.input_value("#sb-text") == text
        assert frame.text_content("#sb-record-text") == text
        assert "submitted" in frame.text_content("#sb-status")
        assert not lms.sets("cmi.comments") and not lms.sets("cmi.core.lesson_status")
        frame.click("#sb-finish")
        lms.page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish')")
        assert_no_false(lms.calls())
        assert lms.cmi()["comments"] == text


def test_built_package_tab_closed_mid_draft_then_resumed(browser: Any, pkg_site: Any) -> None:
    draft = reflection(1800)
    context = browser.new_context()
    try:
        page = context.new_page()
        lms = Lms(page, pkg_site)
        frame = launch_page(lms, commit=True)
        frame.evaluate(SEEK_AND_PAUSE, 30)  # step.js saves the position on pause
        type_reflection(frame, draft[:1200], typed=10)
        frame.wait_for_function("/Draft saved/.test(document.getElementById('sb-status').textContent)")
        assert [c["fn"] for c in lms.calls()].count("LMSCommit") == 1, "draft throttled, not committed yet"
        frame.locator("#sb-text").press_sequentially(draft[1200:1230])  # typed, never saved by the debounce
        frame.fill("#sb-text", draft)
        posted = len(pkg_site.posts)
        page.close(run_before_unload=True)
        deadline = time.time() + 5  # the beacon is sent after the page is gone: keep the context open
        while time.time() < deadline and len(pkg_site.posts) == posted:
            time.sleep(0.05)
    finally:
        context.close()
    assert len(pkg_site.posts) > posted, "nothing reached the LMS when the tab closed"
    body = json.loads(pkg_site.posts[-1][1])
    sent = body.get("cmi", body)
    assert py_decode(sent["suspend_data"])["draft"] == draft
    assert sent["core"]["lesson_location"] == "30"
    assert sent["core"]["exit"] == "suspend" and sent["core"]["lesson_status"] == "incomplete"
    assert TIMESPAN.match(sent["core"]["session_time"])
    assert utf16(sent["suspend_data"]) <= 4096

    # relaunch from what the LMS received
    context = browser.new_context()
    try:
        page = context.new_page()
        lms = Lms(page, pkg_site)
        frame = launch_page(lms, cmi=relaunch_cmi(sent))
        frame.wait_for_function("document.getElementById('sb-text').value.length > 0")
        assert frame.input_value("#sb-text") == draft
        assert "draft" in frame.text_content("#sb-status").lower()
        frame.wait_for_function("Math.abs(document.getElementById('sb-media').currentTime - 30) < 0.5")
        assert next(c["args"][0] for c in lms.calls() if c["fn"] == "LMSGetValue") == "cmi.core.entry"
        assert_no_false(lms.calls())
    finally:
        context.close()


def test_built_package_iframe_navigated_away_mid_draft(page: Any, pkg_site: Any) -> None:
    draft = "Typed and left.\n\nThe page went away before the debounce."
    lms = Lms(page, pkg_site)
    frame = launch_page(lms)
    frame.locator("#sb-text").press_sequentially(draft)
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish')")
    final = lms.snapshots()[-1]
    assert final["fn"] == "LMSFinish" and final["ret"] == "true"
    assert py_decode(final["cmi"]["suspend_data"])["draft"] == draft
    assert final["cmi"]["core"]["exit"] == "suspend"
    assert [c["fn"] for c in lms.calls()].count("LMSFinish") == 1


def test_built_package_review_mode_is_read_only(page: Any, pkg_site: Any) -> None:
    text = "My reflection.\n\nSecond paragraph, with \"quotes\"."
    lms = Lms(page, pkg_site)
    loaded = submitted_attempt(lms, text)
    loaded["core"].update(lesson_mode="review", credit="no-credit")
    frame = launch_page(lms, cmi=loaded)
    frame.wait_for_function("!document.getElementById('sb-record').hidden")
    notice = frame.get_by_role("status").filter(has_text=REVIEW_NOTICE)
    assert notice.count() == 1 and notice.get_attribute("id") == "sb-notice"
    assert frame.input_value("#sb-text") == text
    assert frame.locator("#sb-text").get_attribute("readonly") is not None
    assert not frame.locator("#sb-text").is_disabled(), "readonly, not disabled: screen readers still read it"
    assert frame.get_by_role("button", name="Submit reflection").is_disabled()
    assert frame.text_content("#sb-record-text") == text
    assert frame.get_attribute("#sb-record-dl", "href").startswith("blob:"), "the record can still be downloaded"
    assert "submitted" in frame.text_content("#sb-status")
    frame.locator("#sb-text").press("End")  # focus and keys: no draft is saved
    frame.locator("#sb-text").blur()
    frame.click("#sb-finish")
    lms.page.wait_for_function("host.calls.some(c => c.fn === 'LMSFinish')")
    frame.wait_for_function("/finished/i.test(document.getElementById('sb-status').textContent)")
    assert frame.text_content("#sb-alert") in ("", None)
    calls = lms.calls()
    assert_no_false(calls)
    assert writes(calls) == ["cmi.core.session_time", "cmi.core.exit"]
    final = lms.snapshots()[-1]
    assert final["fn"] == "LMSFinish"
    assert_record_unchanged(loaded, final["cmi"])
    assert frame.text_content("#sb-notice") == REVIEW_NOTICE


def test_built_package_review_notice_without_the_notice_element(page: Any, pkg_site: Any) -> None:
    """A course's own step.html may lack #sb-notice: the notice then opens every status message."""
    index = pkg_site.root / "pkg" / "index.html"
    html = index.read_text(encoding="utf-8")
    assert html.count('id="sb-notice"') == 1
    index.write_text(re.sub(r'<div id="sb-notice"[^>]*></div>', "", html), encoding="utf-8")
    lms = Lms(page, pkg_site)
    loaded = submitted_attempt(lms, "An answer.")
    loaded["core"]["lesson_mode"] = "review"
    frame = launch_page(lms, cmi=loaded)
    frame.wait_for_function("!document.getElementById('sb-record').hidden")
    status = frame.text_content("#sb-status")
    assert status.startswith(REVIEW_NOTICE + " ") and "submitted your reflection" in status
    assert frame.get_by_role("button", name="Submit reflection").is_disabled()
    frame.click("#sb-finish")
    frame.wait_for_function("/finished/i.test(document.getElementById('sb-status').textContent)")
    assert frame.text_content("#sb-status").startswith(REVIEW_NOTICE)
    assert_no_false(lms.calls())
