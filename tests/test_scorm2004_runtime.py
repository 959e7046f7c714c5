"""SCORM 2004 runtime (scorm_builder/runtime/scorm2004.js) against a real LMS-side runtime.

The LMS is scorm-again's ``Scorm2004API`` in tests/scorm_host/host2004.html, wrapped to record every
call, its return value and ``GetLastError``. scorm-again is strict about 2004 value formats (it
refuses a line break in a ``long-fill-in`` response, a leading ``{``, a timestamp without two
decimals, a duration with more), so "no call returned false" means the values are well formed.
Moodle's own limits (timestamps with at most two decimals, no ``W`` durations) are checked here too.
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

from tests.helpers import copy_example
from tests.support.server import serve

ROOT = Path(__file__).resolve().parent.parent
HOST = ROOT / "tests" / "scorm_host"
RUNTIME = ROOT / "scorm_builder" / "runtime" / "scorm2004.js"
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"

# Moodle's scorm_13.js grammar (the stricter of Moodle and scorm-again): two fractional digits at
# most, a zone only after them, years to 2038; durations without weeks, seconds with <= 2 decimals.
TIMESTAMP = re.compile(r"^(19[7-9]\d|20[0-2]\d|203[0-8])-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3])"
                       r":[0-5]\d:[0-5]\d\.\d{2}Z$")
DURATION = re.compile(r"^PT\d+H\d+M\d+(\.\d{1,2})?S$")
ESC, NL = "\u241b", "\u2424"


def utf16(text: str) -> int:
    """Length as JavaScript and the SCORM validators count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def reflection(units: int = 4000) -> str:
    """A reflection of several paragraphs with quotes, accents, a tab and an emoji, ``units`` long."""
    paragraphs = [
        'I think "compassion" matters most when staff are tired — that is when it slips.',
        "Ann's point about outcomes: patients who feel heard take their medication; café chats count too 🙂.",
        "If no, what else matters? Time, training, and\tteams that back each other up. Zoë, Łódź, 東京.",
    ]
    text, i = "", 0
    while utf16(text) < units:
        text += paragraphs[i % 3] + (" More detail." * (i % 4)) + "\n\n"
        i += 1
    while utf16(text) > units:
        text = text[:-1]
    return text.rstrip("\n") + "x" * (units - utf16(text.rstrip("\n")))


def unescape(value: str) -> str:
    """The documented learner_response / comment text form, read back (runtime/README.md)."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == NL:
            out.append("\n")
        elif c == ESC and i + 1 < len(value):
            i += 1
            out.append({"L": "\u2028", "P": "\u2029"}.get(value[i], value[i]))
        else:
            out.append(c)
        i += 1
    return "".join(out)


@pytest.fixture()
def site(tmp_path: Path) -> Iterator[Any]:
    """A served tree: /host (test LMS + minimal content page), /runtime/scorm2004.js."""
    shutil.copytree(HOST, tmp_path / "host")
    shutil.copy(SCORM_AGAIN, tmp_path / "host" / "scorm-again.js")
    (tmp_path / "runtime").mkdir()
    shutil.copy(RUNTIME, tmp_path / "runtime" / "scorm2004.js")
    shutil.copy(RUNTIME.with_name("scorm-common.js"), tmp_path / "runtime" / "scorm-common.js")
    with serve(tmp_path) as server:
        server.root = tmp_path  # type: ignore[attr-defined]
        yield server


class Lms:
    """Drives the host page: launch content, talk to the backend, read back CMI and calls."""

    def __init__(self, page: Any, server: Any) -> None:
        self.page = page
        self.server = server

    def launch(self, content: str = "/host/content2004.html", *, cmi: dict | None = None,
               commit: bool | str = False, nav: dict | None = None) -> Any:
        self.page.goto(self.server.url + "/host/host2004.html")
        commit_url = commit if isinstance(commit, str) else self.server.url + "/commit" if commit else False
        options: dict[str, Any] = {"commitUrl": commit_url}
        if cmi is not None:
            options["cmi"] = cmi
        if nav is not None:
            options["nav"] = nav
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
        return [c for c in self.calls() if c["fn"] == "SetValue" and c["args"][0] == element]

    def relaunch(self, cmi: dict) -> dict:
        return relaunch_cmi(cmi)


def relaunch_cmi(cmi: dict) -> dict:
    """What an LMS hands back on the next launch of the same attempt (as host2004.js's relaunchCmi)."""
    return {
        "learner_id": "learner-1", "learner_name": "Learner, Test",
        "entry": "resume" if cmi.get("exit") == "suspend" else "",
        "completion_status": cmi["completion_status"], "success_status": cmi.get("success_status", "unknown"),
        "location": cmi.get("location", ""), "suspend_data": cmi.get("suspend_data", ""),
        "interactions": cmi.get("interactions") or {}, "comments_from_learner": cmi.get("comments_from_learner") or {},
    }


def py_decode(data: str) -> dict:
    """suspend_data as documented in scorm_builder/runtime/README.md (offsets in UTF-16 units)."""
    head, _, body = data.replace("\r\n", "\n").partition("\n")
    fields = head.split(";")
    assert fields[0] == "SB1", data[:40]
    f = dict(x.split("=", 1) for x in fields[1:])
    units = body.encode("utf-16-le")
    cut = lambda a, b=None: units[2 * a: None if b is None else 2 * b].decode("utf-16-le", "surrogatepass")  # noqa: E731
    out: dict[str, Any] = {"draft": body, "submitted": None,
                           "interaction": int(f["i"]) if "i" in f else None,
                           "comment": int(f["c"]) if "c" in f else None}
    if "n" in f:
        n = int(f["n"])
        text = cut(0, n)
        out["submitted"] = {"text": text, "at": f.get("s", "")}
        out["draft"] = text
        if "k" in f:
            p, q = (int(v) for v in f["k"].split(","))
            out["draft"] = cut(0, p) + cut(n) + text.encode("utf-16-le")[2 * (utf16(text) - q):].decode("utf-16-le")
    return out


def decode(frame: Any, data: str) -> dict:
    """The runtime's own decoder, checked against the documented format (py_decode)."""
    decoded = frame.evaluate("d => ScormBuilderScorm2004.decode(d)", data)
    assert decoded == py_decode(data)
    return decoded


def state(draft: str = "", submitted: str | None = None, position: float = 0) -> dict:
    return {
        "draft": draft,
        "submitted": None if submitted is None else {"text": submitted, "at": "2025-01-02T03:04:05.678Z"},
        "position": position,
    }


# GetValue of an element the LMS has no value for yet answers "" with 403 (spec, and Moodle); the
# runtime reads cmi.location and cmi.suspend_data that way on a first launch.
FIRST_READS = {"cmi.location", "cmi.suspend_data"}


def assert_no_false(calls: list[dict]) -> None:
    """No call returned "false" or left an error, and no call came after Terminate."""
    bad = []
    for c in calls:
        if c["error"] is None:
            continue
        ok_403 = c["fn"] == "GetValue" and c["error"] == "403" and c["args"][0] in FIRST_READS
        if (c["ret"] == "false" and c["fn"] != "GetValue") or (c["error"] != "0" and not ok_403):
            bad.append(c)
    assert not bad, bad
    assert_nothing_after_terminate(calls)


def assert_nothing_after_terminate(calls: list[dict]) -> None:
    """Within one launch (calls are in order, a launch starts with Initialize), Terminate is last."""
    terminated = False
    for c in calls:
        if c["fn"] == "Initialize":
            terminated = False
        elif terminated and c["error"] is not None:
            raise AssertionError(f"call after Terminate: {c}")
        if c["fn"] == "Terminate" and c["ret"] == "true":
            terminated = True


def writes(calls: list[dict]) -> list[str]:
    return [c["args"][0] for c in calls if c["fn"] == "SetValue"]


# ---------------------------------------------------------------- discovery


def test_no_lms_gives_null_backend(page: Any, site: Any) -> None:
    page.goto(site.url + "/host/content2004.html")
    assert page.evaluate("window.backend") is None
    assert page.evaluate("window.ScormBuilderScorm2004.MAX_REFLECTION") == 4000


def test_a_scorm12_api_is_not_mistaken_for_2004(page: Any, site: Any) -> None:
    page.goto(site.url + "/host/host12.html")
    page.evaluate("u => launch(u, {})", site.url + "/host/content2004.html")
    frame = page.wait_for_selector("#sco").content_frame()
    frame.wait_for_load_state("load")
    assert frame.evaluate("window.backend") is None


def test_finds_api_through_a_cross_origin_frame(page: Any, site: Any) -> None:
    # host (127.0.0.1) > middle frame (localhost: another origin, reading its API throws) > content
    port = site.server_address[1]
    (site.root / "host" / "middle.html").write_text(
        '<!doctype html><html lang="en"><title>m</title>'
        f'<iframe id="inner" src="http://127.0.0.1:{port}/host/content2004.html"></iframe></html>'
    )
    lms = Lms(page, site)
    lms.launch(f"http://localhost:{port}/host/middle.html")
    outer = page.wait_for_selector("#sco").content_frame()
    inner = outer.wait_for_selector("#inner").content_frame()
    inner.wait_for_function("window.backend !== undefined")
    assert inner.evaluate("window.backend && window.backend.name") == "scorm2004"
    assert inner.evaluate("window.backend.open().error || null") is None
    assert lms.cmi()["completion_status"] == "incomplete"


def test_finds_api_through_the_opener(page: Any, site: Any) -> None:
    page.goto(site.url + "/host/host2004.html")
    page.evaluate("launch('about:blank', {})")
    with page.context.expect_page() as popup_info:
        page.evaluate("u => window.open(u)", site.url + "/host/content2004.html")
    popup = popup_info.value
    popup.wait_for_load_state("load")
    assert popup.evaluate("window.backend && window.backend.name") == "scorm2004"
    assert popup.evaluate("window.backend.open().error || null") is None
    assert page.evaluate("hostCmi()")["completion_status"] == "incomplete"


# ---------------------------------------------------------------- first launch, draft, submit, finish


def test_first_launch_sets_incomplete_once(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    opened = lms.backend("open")
    assert opened == {"state": None, "resumed": False, "nav": {"previous": False, "next": False}}
    calls = lms.calls()
    assert calls[0]["fn"] == "Initialize" and calls[0]["args"] == [""] and calls[0]["ret"] == "true"
    assert [c["args"][1] for c in lms.sets("cmi.completion_status")] == ["incomplete"]
    assert [c["fn"] for c in calls].count("Commit") == 1
    assert not lms.sets("cmi.success_status"), "nothing is graded: success_status is left alone"
    assert lms.cmi()["success_status"] == "unknown"
    assert_no_false(calls)
    assert lms.backend("open") == opened  # idempotent: no second Initialize
    assert [c["fn"] for c in lms.calls()].count("Initialize") == 1


def test_drafts_are_throttled_to_one_commit_per_30_seconds(page: Any, site: Any) -> None:
    page.clock.install()
    lms = Lms(page, site)
    frame = lms.launch()
    lms.backend("open")
    commits = lambda: [c["fn"] for c in lms.calls()].count("Commit")  # noqa: E731
    assert commits() == 1
    text = ""
    for word in ["one", "two", "three", "four", "five", "six"]:
        text += word + "\n"
        assert lms.backend("save", state(text, position=12.34), "draft") == {"ok": True}
    assert commits() == 1, "no commit per keystroke"
    cmi = lms.cmi()
    assert decode(frame, cmi["suspend_data"])["draft"] == text
    assert cmi["location"] == "12.3"
    page.clock.run_for(31_000)
    assert commits() == 2, "a pending draft is committed within ~30 s"
    page.clock.run_for(120_000)
    assert commits() == 2, "nothing new, nothing committed"
    assert lms.backend("save", state(text + "more", position=12.34), "draft") == {"ok": True}
    assert commits() == 3, "more than 30 s since the last commit: commit at once"
    assert_no_false(lms.calls())


def test_4000_character_reflection_submit_and_finish(page: Any, site: Any) -> None:
    text = reflection(4000)
    assert utf16(text) == 4000 and text.count("\n\n") >= 3
    lms = Lms(page, site)
    frame = lms.launch(content="/host/content2004.html?step=evidence%20outcomes!")
    assert frame.evaluate("backend.maxReflection") == 4000
    lms.backend("open")
    assert lms.backend("save", state(text, position=42), "draft") == {"ok": True}
    assert lms.backend("submit", state(text, text, position=42)) == {"ok": True}
    assert lms.calls()[-1]["fn"] == "Commit", "submit commits at once"
    assert lms.backend("finish", state(text, text, position=42)) == {"ok": True}
    assert lms.backend("finish", state(text, text, position=42)) == {"ok": True}

    calls = lms.calls()
    assert_no_false(calls)
    assert [c["fn"] for c in calls].count("Terminate") == 1
    assert all(c["args"] == [""] for c in calls if c["fn"] in ("Initialize", "Commit", "Terminate"))
    final = lms.snapshots()[-1]
    assert final["fn"] == "Terminate"
    cmi = final["cmi"]
    assert cmi["completion_status"] == "completed" and cmi["success_status"] == "unknown"
    assert cmi["exit"] == "normal"
    assert DURATION.match(cmi["session_time"]), cmi["session_time"]
    assert cmi["location"] == "42"
    assert utf16(cmi["suspend_data"]) <= 64000
    saved = decode(frame, cmi["suspend_data"])
    assert saved["submitted"]["text"] == text and saved["draft"] == text
    assert utf16(cmi["suspend_data"]) - 4000 < 100, "text stored once"
    (interaction,) = cmi["interactions"].values()
    assert interaction["id"] == "reflection_evidence_outcomes_"
    assert interaction["type"] == "long-fill-in" and interaction["result"] == "neutral"
    assert TIMESTAMP.match(interaction["timestamp"]), interaction["timestamp"]
    response = interaction["learner_response"]
    assert utf16(response) == 4000, "the whole text: a line break costs one character, as before"
    assert "\n" not in response and not response.startswith("{")
    assert unescape(response) == text
    assert frame.evaluate("r => ScormBuilderScorm2004.unescapeText(r)", response) == text
    (comment,) = cmi["comments_from_learner"].values()
    assert comment["comment"] == response and TIMESTAMP.match(comment["timestamp"])
    order = [w.rsplit(".", 1)[1] for w in writes(calls) if w.startswith("cmi.interactions.0.")]
    assert order == ["id", "type", "learner_response", "result", "timestamp"]
    assert saved["interaction"] == 0 and saved["comment"] == 0
    # every element written, with its size (for the report)
    sizes = {c["args"][0]: utf16(c["args"][1]) for c in calls if c["fn"] == "SetValue"}
    print(json.dumps(sizes, indent=1))


TRICKY = [
    "{lang=fr} starts like a language tag",
    "{case_matters=true} starts like a pattern prefix",
    "{order_matters=false}{lang=en}",
    "{",
    "a[,]b[.]c[:]d [ , ] [x]",
    "Line one\r\nline two\rline three\n\n\nlast",
    "Separators\u2028and\u2029paragraphs",
    f"Our own marks {NL} and {ESC} and {ESC}{NL} and {ESC}L must survive",
    "\\n is not a line break, \\\\ stays",
    "\n\nstarts and ends with blank lines\n\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_text_is_accepted_and_arrives_unchanged(page: Any, site: Any, text: str) -> None:
    lms = Lms(page, site)
    frame = lms.launch()
    lms.backend("open")
    assert lms.backend("submit", state(text, text)) == {"ok": True}
    assert_no_false(lms.calls())
    cmi = lms.cmi()
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    for stored in (cmi["interactions"]["0"]["learner_response"], cmi["comments_from_learner"]["0"]["comment"]):
        assert not re.search("[\n\r\u2028\u2029]", stored) and not stored.startswith("{")
        assert "[,]" not in stored and "[.]" not in stored and "[:]" not in stored
        assert unescape(stored) == expected
        assert frame.evaluate("s => ScormBuilderScorm2004.unescapeText(s)", stored) == expected
    assert decode(frame, cmi["suspend_data"])["submitted"]["text"] == expected


def test_strict_runtime_refuses_the_raw_text(page: Any, site: Any) -> None:
    """Why the escaping exists: scorm-again refuses a line break and a leading '{' as they are.

    (A leading real tag such as '{lang=fr}' is accepted, but as the value's language, not as the
    learner's words: the runtime escapes it too.)
    """
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    api = "API_1484_11"
    page.evaluate(f"{api}.SetValue('cmi.interactions.0.id', 'r');"
                  f"{api}.SetValue('cmi.interactions.0.type', 'long-fill-in')")
    for raw in ("one\ntwo", "{case_matters=true} x", "{x"):
        assert page.evaluate(f"v => [{api}.SetValue('cmi.interactions.0.learner_response', v), {api}.GetLastError()]",
                             raw) == ["false", "406"]


def test_escaped_text_longer_than_4000_is_cut_visibly_and_accepted(page: Any, site: Any) -> None:
    text = f"{ESC}" * 3000  # each needs an escape mark: 6,000 characters in the one-line form
    lms = Lms(page, site)
    frame = lms.launch()
    lms.backend("open")
    assert lms.backend("submit", state(text, text)) == {"ok": True}
    assert_no_false(lms.calls())
    cmi = lms.cmi()
    response = cmi["interactions"]["0"]["learner_response"]
    assert utf16(response) <= 4000 and response.endswith("\u2026")
    assert unescape(response[:-1]) == text[: len(unescape(response[:-1]))], "a clean cut, no half escape"
    assert decode(frame, cmi["suspend_data"])["submitted"]["text"] == text, "the whole text is kept"


def test_values_formats(page: Any, site: Any) -> None:
    page.goto(site.url + "/host/content2004.html")
    durations = page.evaluate("[0, 5, 999, 1000, 61005, 3723456, 8 * 86400000 + 1].map(ScormBuilderScorm2004.duration)")
    assert durations == ["PT0H0M0S", "PT0H0M0.01S", "PT0H0M1S", "PT0H0M1S", "PT0H1M1.01S", "PT1H2M3.46S", "PT192H0M0S"]
    assert all(DURATION.match(d) for d in durations)
    stamps = page.evaluate("['2025-03-01T14:05:09.000Z', '2025-12-31T23:59:59.999Z', '2030-01-02T03:04:05.678Z']"
                           ".map(s => ScormBuilderScorm2004.timestamp(new Date(s)))")
    assert stamps == ["2025-03-01T14:05:09.00Z", "2025-12-31T23:59:59.99Z", "2030-01-02T03:04:05.67Z"]
    assert page.evaluate("ScormBuilderScorm2004.identifier({stepId: 'a b/é'})") == "reflection_a_b__"


def test_relaunch_resume_restores_submission_and_resubmits_as_new_entries(page: Any, site: Any) -> None:
    first = reflection(1500)
    lms = Lms(page, site)
    frame = lms.launch()
    lms.backend("open")
    assert lms.backend("submit", state(first, first, 10)) == {"ok": True}
    edited = first[:100] + "EDITED AFTER SUBMIT\n\n" + first[130:]
    assert lms.backend("save", state(edited, first, 20.5), "draft") == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    final = lms.snapshots()[-1]["cmi"]
    assert final["exit"] == "normal"

    loaded = lms.relaunch(final)
    loaded["entry"] = "resume"
    frame = lms.launch(cmi=loaded)
    opened = lms.backend("open")
    assert opened["resumed"] is True
    assert opened["state"]["submitted"]["text"] == first
    assert opened["state"]["draft"] == edited
    assert opened["state"]["position"] == 20.5
    assert not lms.sets("cmi.completion_status"), "completed stays completed"
    assert lms.backend("submit", state(first, first, 20.5)) == {"ok": True}
    assert not [w for w in writes(lms.calls()) if w.startswith(("cmi.interactions", "cmi.comments"))], \
        "the same text again writes no second interaction or comment"
    second = edited.replace("EDITED", "RESUBMITTED")
    assert lms.backend("submit", state(second, second, 20.5)) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    cmi = lms.snapshots()[-1]["cmi"]
    assert set(cmi["interactions"]) == {"0", "1"} and set(cmi["comments_from_learner"]) == {"0", "1"}
    assert unescape(cmi["interactions"]["1"]["learner_response"]) == second
    assert unescape(cmi["comments_from_learner"]["0"]["comment"]) == first
    assert decode(frame, cmi["suspend_data"])["submitted"]["text"] == second


def test_relaunch_mid_draft_resumes(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    draft = "First paragraph.\n\nSecond, with \"quotes\" and a back\\slash."
    assert lms.backend("save", state(draft, position=7.25), "draft") == {"ok": True}
    assert lms.backend("finish", state(draft, position=7.25)) == {"ok": True}
    final = lms.snapshots()[-1]["cmi"]
    assert final["exit"] == "suspend" and final["completion_status"] == "incomplete"
    loaded = lms.relaunch(final)
    assert loaded["entry"] == "resume"
    lms.launch(cmi=loaded)
    opened = lms.backend("open")
    assert opened["state"] == {"draft": draft, "submitted": None, "position": 7.3}
    assert opened["resumed"] is True
    assert_no_false(lms.calls())


def test_viewed_completion_completes_on_open(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch(content="/host/content2004.html?completion=viewed")
    lms.backend("open")
    assert [c["args"][1] for c in lms.sets("cmi.completion_status")] == ["incomplete", "completed"]
    assert lms.backend("finish", None) == {"ok": True}
    assert lms.snapshots()[-1]["cmi"]["exit"] == "normal"
    assert_no_false(lms.calls())


def test_nothing_is_called_after_terminate(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    assert lms.backend("finish", state("a draft")) == {"ok": True}
    before = len(lms.calls())
    for method, args in (("save", [state("later"), "draft"]), ("submit", [state("x", "x")]),
                         ("navigate", [state("x"), "next"]), ("finish", [None])):
        result = lms.backend(method, *args)
        assert method == "finish" or (result["ok"] is False and "ended" in result["error"])
    assert len(lms.calls()) == before
    assert_no_false(lms.calls())


def test_text_too_long_is_refused_before_the_lms_sees_it(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    before = len(lms.calls())
    result = lms.backend("save", state("x" * 64001), "draft")
    assert result["ok"] is False and "64000" in result["error"]
    result = lms.backend("submit", state("y" * 4001, "y" * 4001))
    assert result["ok"] is False and "4000" in result["error"]
    assert len(lms.calls()) == before


def test_lms_refusal_is_reported_with_code_and_text(page: Any, site: Any) -> None:
    # a commit that cannot reach the LMS server (nothing listens on port 1)
    lms = Lms(page, site)
    lms.launch(commit="http://127.0.0.1:1/commit")
    opened = lms.backend("open")
    failed = [c for c in lms.calls() if c["ret"] == "false"]
    assert [c["fn"] for c in failed] == ["Commit"]
    code = failed[0]["error"]
    message = page.evaluate("c => API_1484_11.GetErrorString(c)", code)
    assert f"error {code}: {message}" in opened["error"], opened
    result = lms.backend("submit", state("my answer", "my answer"))
    assert result["ok"] is False and f"error {code}" in result["error"] and 'Commit("")' in result["error"]
    assert decode(lms.content(), lms.cmi()["suspend_data"])["submitted"]["text"] == "my answer"


# ---------------------------------------------------------------- cmi.mode review / browse, credit

REVIEW_NOTICE = "You are reviewing this step: changes are not saved."


def submitted_attempt(lms: Lms, text: str) -> dict:
    """CMI of a finished attempt with ``text`` submitted, as the LMS hands it back on the next launch."""
    lms.launch()
    lms.backend("open")
    assert lms.backend("submit", state(text, text, 12)) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    return lms.relaunch(lms.snapshots()[-1]["cmi"])


def assert_record_unchanged(loaded: dict, final: dict) -> None:
    assert final["completion_status"] == loaded["completion_status"]
    assert final["suspend_data"] == loaded["suspend_data"]
    assert final["location"] == loaded["location"]
    assert len(final.get("interactions") or {}) == len(loaded["interactions"])
    assert len(final.get("comments_from_learner") or {}) == len(loaded["comments_from_learner"])


def test_review_mode_restores_and_writes_only_session_time_and_exit(page: Any, site: Any) -> None:
    text = reflection(1200)
    lms = Lms(page, site)
    loaded = submitted_attempt(lms, text)
    loaded.update(mode="review", credit="no-credit")
    lms.launch(cmi=loaded)
    opened = lms.backend("open")
    assert opened["readOnly"] is True and opened["notice"] == REVIEW_NOTICE
    assert opened["state"]["submitted"]["text"] == text and opened["state"]["position"] == 12
    assert lms.content().evaluate("[backend.mode, backend.credit]") == ["review", "no-credit"]
    assert lms.backend("save", state("changed", text, 40), "draft") == {"ok": True}, "nothing to report"
    refused = lms.backend("submit", state("changed", "changed", 40))
    assert refused["ok"] is False and "reviewing" in refused["error"]
    assert lms.backend("finish", state("changed", text, 40)) == {"ok": True}
    calls = lms.calls()
    assert_no_false(calls)
    assert writes(calls) == ["cmi.session_time", "cmi.exit"]
    assert [c["fn"] for c in calls].count("Commit") == 0, "Terminate commits on its own"
    final = lms.snapshots()[-1]
    assert final["fn"] == "Terminate"
    assert_record_unchanged(loaded, final["cmi"])
    assert DURATION.match(final["cmi"]["session_time"])


def test_browse_mode_submit_is_a_draft_and_status_untouched(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    first = {"learner_id": "learner-1", "learner_name": "Learner, Test", "entry": "ab-initio",
             "completion_status": "not attempted", "mode": "browse", "credit": "no-credit"}
    frame = lms.launch(cmi=first)
    opened = lms.backend("open")
    assert opened["state"] is None and "readOnly" not in opened and "browsing" in opened["notice"]
    assert lms.backend("save", state("a draft", position=3), "draft") == {"ok": True}
    assert lms.backend("submit", state("my answer", "my answer", 3)) == {"ok": True}
    assert lms.calls()[-1]["fn"] == "Commit"
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    assert not lms.sets("cmi.completion_status"), "a preview is not an attempt"
    assert not [w for w in writes(lms.calls()) if w.startswith(("cmi.interactions", "cmi.comments"))]
    final = lms.snapshots()[-1]["cmi"]
    assert final["completion_status"] == "not attempted" and final["exit"] == "suspend"
    saved = decode(frame, final["suspend_data"])
    assert saved["submitted"] is None and saved["draft"] == "my answer", "kept as a draft"

    lms.launch(cmi=lms.relaunch(final))  # the same record in normal mode: a draft to submit for real
    opened = lms.backend("open")
    assert opened["state"] == {"draft": "my answer", "submitted": None, "position": 3}
    assert [c["args"][1] for c in lms.sets("cmi.completion_status")] == ["incomplete"]
    assert lms.backend("submit", state("my answer", "my answer", 3)) == {"ok": True}
    assert lms.cmi()["completion_status"] == "completed"
    assert_no_false(lms.calls())


def test_browse_mode_never_replaces_a_completed_submission(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    loaded = submitted_attempt(lms, "the real answer")
    loaded["mode"] = "browse"
    frame = lms.launch(cmi=loaded)
    assert lms.backend("open")["state"]["submitted"]["text"] == "the real answer"
    assert lms.backend("submit", state("a browsed answer", "a browsed answer")) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    final = lms.snapshots()[-1]["cmi"]
    assert final["completion_status"] == "completed" and len(final["interactions"]) == 1
    saved = decode(frame, final["suspend_data"])
    assert saved["submitted"]["text"] == "the real answer" and saved["draft"] == "a browsed answer"


def test_no_credit_is_recorded_as_normal(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch(cmi={"learner_id": "learner-1", "entry": "ab-initio", "completion_status": "not attempted",
                    "credit": "no-credit"})
    opened = lms.backend("open")
    assert "readOnly" not in opened and "notice" not in opened
    assert lms.backend("submit", state("answer", "answer")) == {"ok": True}
    assert lms.backend("finish", None) == {"ok": True}
    assert_no_false(lms.calls())
    cmi = lms.snapshots()[-1]["cmi"]
    assert cmi["completion_status"] == "completed" and len(cmi["interactions"]) == 1


# ---------------------------------------------------------------- navigation requests


@pytest.mark.parametrize(("nav", "expected"), [
    ({"previous": "true", "continue": "true"}, {"previous": True, "next": True}),
    ({"previous": "false", "continue": "true"}, {"previous": False, "next": True}),
    ({"previous": "unknown", "continue": "unknown"}, {"previous": False, "next": False}),
])
def test_open_reports_only_moves_the_lms_allows(page: Any, site: Any, nav: dict, expected: dict) -> None:
    lms = Lms(page, site)
    lms.launch(nav=nav)
    assert lms.backend("open")["nav"] == expected


def test_navigate_sets_the_request_then_terminates(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch(nav={"previous": "false", "continue": "true"})
    lms.backend("open")
    refused = lms.backend("navigate", state("d"), "previous")
    assert refused["ok"] is False and "does not allow" in refused["error"]
    assert not lms.sets("adl.nav.request")
    assert lms.backend("navigate", state("my draft", position=4), "next") == {"ok": True}
    calls = lms.calls()
    assert_no_false(calls)
    tail = [c["fn"] + ("(" + c["args"][0] + ")" if c["fn"] == "SetValue" else "") for c in calls
            if c["fn"] in ("SetValue", "Commit", "Terminate")][-7:]
    assert tail == ["SetValue(adl.nav.request)", "SetValue(cmi.suspend_data)", "SetValue(cmi.location)",
                    "SetValue(cmi.session_time)", "SetValue(cmi.exit)", "Commit", "Terminate"]
    assert calls[-1]["fn"] == "Terminate" and calls[-1]["ret"] == "true"
    assert lms.sets("adl.nav.request")[0]["args"][1] == "continue"
    assert py_decode(lms.snapshots()[-1]["cmi"]["suspend_data"])["draft"] == "my draft"
    assert lms.snapshots()[-1]["cmi"]["exit"] == "suspend"


# ---------------------------------------------------------------- leaving the page mid-draft


def test_iframe_navigated_away_mid_draft_terminates_with_the_draft(page: Any, site: Any) -> None:
    lms = Lms(page, site)
    lms.launch()
    lms.backend("open")
    draft = reflection(900)
    assert lms.backend("save", state(draft, position=3), "draft") == {"ok": True}
    assert [c["fn"] for c in lms.calls()].count("Commit") == 1, "draft not committed yet (throttled)"
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("host.calls.some(c => c.fn === 'Terminate')")
    final = lms.snapshots()[-1]
    assert final["fn"] == "Terminate" and final["ret"] == "true"
    assert py_decode(final["cmi"]["suspend_data"])["draft"] == draft
    assert final["cmi"]["exit"] == "suspend"
    assert DURATION.match(final["cmi"]["session_time"])
    assert_no_false(lms.calls())


# ---------------------------------------------------------------- the real package, end to end

COURSE = ROOT / "course_src" / "kind-handovers"


def build(course: Path, out: Path) -> Path:
    """Build ``course`` for SCORM 2004 with the CLI and unzip it into ``out/pkg``."""
    run = subprocess.run(
        [sys.executable, "-m", "scorm_builder", "build", str(course), "--target", "scorm2004", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (archive,) = out.glob("*-scorm2004.zip")
    unpacked = out / "pkg"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example course built with the CLI for SCORM 2004, unzipped."""
    return build(COURSE, tmp_path_factory.mktemp("dist"))


@pytest.fixture()
def pkg_site(site: Any, package_dir: Path) -> Any:
    shutil.copytree(package_dir, site.root / "pkg")
    return site


def launch_page(lms: Lms, url: str = "/pkg/index.html", **kwargs: Any) -> Any:
    """Launch a built step page and wait until step.js has opened the backend."""
    frame = lms.launch(url, **kwargs)
    frame.wait_for_function("document.querySelector('#sb-finish').offsetParent !== null")
    return frame


def type_reflection(frame: Any, text: str, typed: int = 30) -> None:
    """Most of the text pasted, the end typed key by key (real input events)."""
    frame.fill("#sb-text", text[:-typed])
    frame.locator("#sb-text").press_sequentially(text[-typed:])


def test_built_package_4000_characters_submit_finish_relaunch(page: Any, pkg_site: Any) -> None:
    text = reflection(4000)
    lms = Lms(page, pkg_site)
    frame = launch_page(lms, commit=True)
    assert frame.text_content("#sb-limit-n") == "4,000"
    assert frame.locator("#sb-lmsnav").is_hidden(), "one step, LMS answers unknown: no Previous/Next"
    type_reflection(frame, text)
    frame.wait_for_function("/Draft saved/.test(document.getElementById('sb-status').textContent)")
    assert frame.input_value("#sb-text") == text
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
    frame.click("#sb-finish")
    page.wait_for_function("host.calls.some(c => c.fn === 'Terminate')")
    frame.wait_for_function("/finished/i.test(document.getElementById('sb-status').textContent)")
    assert frame.text_content("#sb-alert") in ("", None)

    calls = lms.calls()
    assert_no_false(calls)
    assert [c["fn"] for c in calls].count("Terminate") == 1
    assert [c["fn"] for c in calls].count("Initialize") == 1
    final = lms.snapshots()[-1]
    assert final["fn"] == "Terminate"
    cmi = final["cmi"]
    assert cmi["completion_status"] == "completed" and cmi["success_status"] == "unknown"
    assert cmi["exit"] == "normal" and DURATION.match(cmi["session_time"])
    saved = py_decode(cmi["suspend_data"])
    assert saved["submitted"]["text"] == text and saved["draft"] == text
    (interaction,) = cmi["interactions"].values()
    assert interaction["id"] == "reflection_handover-conversation"
    assert interaction["type"] == "long-fill-in" and interaction["result"] == "neutral"
    assert unescape(interaction["learner_response"]) == text
    assert unescape(cmi["comments_from_learner"]["0"]["comment"]) == text
    assert pkg_site.posts, "commits reached the LMS server"

    for entry in ("resume", ""):  # relaunch with the stored CMI, as a resume and as a new session
        relaunch = lms.relaunch(cmi)
        relaunch["entry"] = entry
        frame = launch_page(lms, cmi=relaunch)
        frame.wait_for_function("!document.getElementById('sb-record').hidden")
        assert frame.input_value("#sb-text") == text
        assert frame.text_content("#sb-record-text") == text
        assert "submitted" in frame.text_content("#sb-status")
        assert not [w for w in writes(lms.calls()) if w.startswith(("cmi.interactions", "cmi.comments",
                                                                    "cmi.completion_status"))]
        frame.click("#sb-finish")
        page.wait_for_function("host.calls.some(c => c.fn === 'Terminate')")
        assert_no_false(lms.calls())


def test_built_package_tab_closed_mid_draft_then_resumed(browser: Any, pkg_site: Any) -> None:
    draft = reflection(1800)
    context = browser.new_context()
    try:
        page = context.new_page()
        lms = Lms(page, pkg_site)
        frame = launch_page(lms, commit=True)
        type_reflection(frame, draft[:1200], typed=10)
        frame.wait_for_function("/Draft saved/.test(document.getElementById('sb-status').textContent)")
        frame.fill("#sb-text", draft)  # typed, never saved by the debounce
        posted = len(pkg_site.posts)
        page.close(run_before_unload=True)
        deadline = time.time() + 5
        while time.time() < deadline and len(pkg_site.posts) == posted:
            time.sleep(0.05)
    finally:
        context.close()
    assert len(pkg_site.posts) > posted, "nothing reached the LMS when the tab closed"
    body = json.loads(pkg_site.posts[-1][1])
    sent = body.get("cmi", body)
    assert py_decode(sent["suspend_data"])["draft"] == draft
    assert sent["exit"] == "suspend" and sent["completion_status"] == "incomplete"
    assert DURATION.match(sent["session_time"])

    context = browser.new_context()
    try:
        page = context.new_page()
        lms = Lms(page, pkg_site)
        loaded = lms.relaunch(dict(sent, interactions={}, comments_from_learner={}))
        assert loaded["entry"] == "resume"
        frame = launch_page(lms, cmi=loaded)
        frame.wait_for_function("document.getElementById('sb-text').value.length > 0")
        assert frame.input_value("#sb-text") == draft
        assert "draft" in frame.text_content("#sb-status").lower()
        assert next(c["args"][0] for c in lms.calls() if c["fn"] == "GetValue") == "cmi.entry"
        assert_no_false(lms.calls())
    finally:
        context.close()


def test_built_package_review_mode_is_read_only(page: Any, pkg_site: Any) -> None:
    text = "My reflection.\n\nSecond paragraph, with \"quotes\"."
    lms = Lms(page, pkg_site)
    loaded = submitted_attempt(lms, text)
    loaded.update(mode="review", credit="no-credit")
    frame = launch_page(lms, cmi=loaded)
    frame.wait_for_function("!document.getElementById('sb-record').hidden")
    assert frame.text_content("#sb-notice") == REVIEW_NOTICE
    assert frame.input_value("#sb-text") == text
    assert frame.locator("#sb-text").get_attribute("readonly") is not None
    assert frame.get_by_role("button", name="Submit reflection").is_disabled()
    frame.click("#sb-finish")
    page.wait_for_function("host.calls.some(c => c.fn === 'Terminate')")
    calls = lms.calls()
    assert_no_false(calls)
    assert writes(calls) == ["cmi.session_time", "cmi.exit"]
    assert_record_unchanged(loaded, lms.snapshots()[-1]["cmi"])


def test_built_package_browse_mode_shows_the_notice(page: Any, pkg_site: Any) -> None:
    lms = Lms(page, pkg_site)
    frame = launch_page(lms, cmi={"learner_id": "l", "entry": "ab-initio", "completion_status": "not attempted",
                                  "mode": "browse"})
    frame.wait_for_function("/browsing/.test(document.getElementById('sb-notice').textContent)")
    frame.fill("#sb-text", "Just looking.")
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")
    frame.click("#sb-finish")
    page.wait_for_function("host.calls.some(c => c.fn === 'Terminate')")
    assert_no_false(lms.calls())
    final = lms.snapshots()[-1]["cmi"]
    assert final["completion_status"] == "not attempted" and not final["interactions"]


# ---------------------------------------------------------------- three steps, Previous and Next

STEPS = ("first-step", "second-step", "third-step")


@pytest.fixture(scope="module")
def three_step_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The example course with its step copied into three steps, built for SCORM 2004."""
    base = tmp_path_factory.mktemp("three")
    course = copy_example(base)
    (only,) = [p for p in (course / "steps").iterdir() if p.is_dir()]
    for n, name in enumerate(STEPS, start=1):
        shutil.copytree(only, course / "steps" / name)
        yml = course / "steps" / name / "step.yml"
        yml.write_text(re.sub(r"(?m)^title: .*$", f"title: Step {n} of three", yml.read_text(encoding="utf-8"),
                              count=1), encoding="utf-8")
    shutil.rmtree(only)
    text = (course / "course.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^steps:\n(  - .*\n)+", "steps:\n" + "".join(f"  - {s}\n" for s in STEPS), text)
    (course / "course.yml").write_text(text, encoding="utf-8")
    unpacked = build(course, base / "dist")
    from lxml import etree

    root = etree.parse(str(unpacked / "imsmanifest.xml")).getroot()
    ns = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}
    resources = {r.get("identifier"): r.get("href") for r in root.iterfind(".//cp:resource", ns)}
    hrefs = [resources[i.get("identifierref")] for i in root.iterfind(".//cp:item", ns)]
    assert len(hrefs) == 3
    return unpacked, hrefs


def start_course(lms: Lms, site: Any, hrefs: list[str], **options: Any) -> None:
    site_pkg = site.root / "pkg3"
    if not site_pkg.exists():
        shutil.copytree(options.pop("unpacked"), site_pkg)
    else:
        options.pop("unpacked")
    lms.page.goto(site.url + "/host/host2004.html")
    lms.page.evaluate("([u, o]) => course(u, o)", [[f"{site.url}/pkg3/{h}" for h in hrefs], options])


def step_frame(lms: Lms, launches: int) -> Any:
    """The content frame once the ``launches``-th SCO launch has loaded and step.js has opened it."""
    lms.page.wait_for_function("k => host.launches.length === k", arg=launches)
    url = lms.page.evaluate("host.launches[host.launches.length - 1]")
    frame = lms.content()
    frame.wait_for_url(url)
    frame.wait_for_function("document.querySelector('#sb-finish') !== null"
                            " && document.querySelector('#sb-finish').offsetParent !== null")
    return frame


def test_three_steps_next_and_previous_through_adl_nav_request(page: Any, site: Any,
                                                              three_step_dir: tuple[Path, list[str]]) -> None:
    unpacked, hrefs = three_step_dir
    lms = Lms(page, site)
    start_course(lms, site, hrefs, unpacked=unpacked)
    path: list[int] = []
    for n, click, expect in ((1, "next", 2), (2, "next", 3), (3, "previous", 2), (2, "previous", 1)):
        frame = step_frame(lms, len(path) + 1)
        title = frame.text_content("h1")
        assert title == f"Step {n} of three"
        prev_btn, next_btn = frame.locator("#sb-lmsnav-previous"), frame.locator("#sb-lmsnav-next")
        assert prev_btn.is_visible() == (n > 1) and next_btn.is_visible() == (n < 3)
        if n == 1:
            frame.fill("#sb-text", "Typed on the first step.\n\nKept when I come back.")
        frame.get_by_role("button", name="Next step" if click == "next" else "Previous step").click()
        page.wait_for_function("k => host.launches.length === k", arg=len(path) + 2)
        path.append(expect)
    frame = step_frame(lms, 5)
    assert frame.text_content("h1") == "Step 1 of three"
    frame.wait_for_function("document.getElementById('sb-text').value.length > 0")
    assert frame.input_value("#sb-text") == "Typed on the first step.\n\nKept when I come back."
    calls = lms.calls()
    assert_no_false(calls)
    requests = [c["args"][1] for c in calls if c["fn"] == "SetValue" and c["args"][0] == "adl.nav.request"]
    assert requests == ["continue", "continue", "previous", "previous"]
    assert [c["fn"] for c in calls].count("Terminate") == 4


def test_no_controls_when_the_lms_does_not_say_true(page: Any, site: Any,
                                                  three_step_dir: tuple[Path, list[str]]) -> None:
    """Moodle answers "unknown" to adl.nav.request_valid.*: the page then shows no Previous/Next."""
    unpacked, hrefs = three_step_dir
    lms = Lms(page, site)
    start_course(lms, site, hrefs, unpacked=unpacked, moodle=True)
    frame = step_frame(lms, 1)
    assert frame.locator("#sb-lmsnav").is_hidden()
    assert frame.locator("#sb-lmsnav-previous").is_hidden() and frame.locator("#sb-lmsnav-next").is_hidden()
    assert_no_false(lms.calls())


def test_refused_navigation_is_explained_and_the_control_removed(page: Any, site: Any,
                                                                three_step_dir: tuple[Path, list[str]]) -> None:
    unpacked, hrefs = three_step_dir
    lms = Lms(page, site)
    start_course(lms, site, hrefs, unpacked=unpacked, refuseNav=True)
    frame = step_frame(lms, 1)
    frame.get_by_role("button", name="Next step").click()
    frame.wait_for_function("document.getElementById('sb-alert').textContent.length > 0")
    alert = frame.text_content("#sb-alert")
    assert "did not open the next step" in alert and "LMS's own menu" in alert
    assert frame.locator("#sb-lmsnav-next").is_hidden() and frame.locator("#sb-lmsnav").is_hidden()
    assert frame.evaluate("document.activeElement.id") == "sb-finish", "focus is not lost with the button"
    assert page.evaluate("host.launches.length") == 1, "still on the first step"
    assert not [c for c in lms.calls() if c["fn"] == "Terminate"], "the session stays open"
    frame.fill("#sb-text", "Still saved.")
    frame.get_by_role("button", name="Submit reflection").click()
    frame.wait_for_function("/submitted/i.test(document.getElementById('sb-status').textContent)")


def test_a_refused_move_leaves_the_other_one(page: Any, site: Any, three_step_dir: tuple[Path, list[str]]) -> None:
    unpacked, hrefs = three_step_dir
    lms = Lms(page, site)
    start_course(lms, site, hrefs, unpacked=unpacked, refuseNav="previous")
    step_frame(lms, 1).get_by_role("button", name="Next step").click()
    frame = step_frame(lms, 2)
    frame.get_by_role("button", name="Previous step").click()
    frame.wait_for_function("document.getElementById('sb-alert').textContent.length > 0")
    assert "did not open the previous step" in frame.text_content("#sb-alert")
    assert frame.locator("#sb-lmsnav-previous").is_hidden() and frame.locator("#sb-lmsnav-next").is_visible()
    assert frame.evaluate("document.activeElement.id") == "sb-lmsnav-next"
    frame.get_by_role("button", name="Next step").click()
    assert step_frame(lms, 3).text_content("h1") == "Step 3 of three"
