"""validate as a gatekeeper: each package of the hostile corpus gives exactly its attack, quickly,
without expanding what it must not; the CLI keeps its exit codes and ``--json`` gives the findings."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scorm_builder import zip_limits
from scorm_builder.cli import cli
from scorm_builder.remote_loads import scan, scan_js, strip_js_comments
from scorm_builder.validate import validate_package
from tests.support.hostile import ATTACKS, CORPUS, xapi

EXPECTED: dict[str, list[str]] = json.loads((CORPUS / "expected.json").read_text("utf-8"))


def test_every_attack_has_a_committed_zip_and_an_expectation() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.zip")) == sorted(ATTACKS) == sorted(EXPECTED)


def _entries(data: bytes) -> list[tuple[str, int, int, int]]:
    """What a zip holds, as its central directory says (compressed bytes vary with the zlib build)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, i.CRC, i.file_size, i.external_attr) for i in zf.infolist()]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_committed_zip_is_what_the_generator_makes(name: str) -> None:
    assert _entries((CORPUS / f"{name}.zip").read_bytes()) == _entries(ATTACKS[name]())


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_is_reported_exactly(name: str) -> None:
    path = CORPUS / f"{name}.zip"
    tracemalloc.start()
    start = time.perf_counter()
    try:
        problems = validate_package(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == [line.replace("{zip}", str(path)) for line in EXPECTED[name]]
    assert problems, "every hostile package must be refused"
    assert time.perf_counter() - start < 5
    assert peak < 32 * 1024 * 1024, f"validate used {peak:,} bytes on {name}"


def test_zip_bombs_are_refused_before_any_entry_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_open(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an entry was expanded")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_open)
    for name in ("zip-bomb-ratio", "zip-bomb-declared-total"):
        assert validate_package(CORPUS / f"{name}.zip")


def test_a_flood_of_entries_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "flood.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for number in range(zip_limits.MAX_ENTRIES + 1):
            zf.writestr(f"f{number}", b"")
    assert validate_package(path) == [
        f"{path}: holds 20,001 entries, more than the 20,000 a course package plausibly has; refused without "
        "expanding anything"]


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = CORPUS / "remote-script-scorm12.zip"
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines() == EXPECTED["remote-script-scorm12"]
    result = runner.invoke(cli, ["validate", "--json", str(bad)])
    assert result.exit_code == 1
    assert json.loads(result.output) == {"ok": False, "package": str(bad), "findings": [
        {"path": "index.html", "line": 2,
         "problem": "<script> src loads 'https://cdn.example.com/x.js' from outside the package "
                    "(ship the file in the package instead)"}]}
    good = tmp_path / "good.zip"
    good.write_bytes(xapi())
    result = runner.invoke(cli, ["validate", "--json", str(good)])
    assert result.exit_code == 0
    assert json.loads(result.output) == {"ok": True, "package": str(good), "findings": []}
    result = runner.invoke(cli, ["validate", "--jsn", str(good)])
    assert result.exit_code == 2


def test_cli_json_in_a_real_process() -> None:
    bomb = CORPUS / "zip-bomb-ratio.zip"
    result = subprocess.run([sys.executable, "-m", "scorm_builder", "validate", "--json", str(bomb)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"][0]["path"] == "media/zeros.bin"


def test_what_is_not_a_remote_load() -> None:
    page = (b"<!doctype html><title>t</title><a href='https://example.com/'>a link is not a load</a>"
            b"<link rel=canonical href='https://example.com/'><img src='data:image/png;base64,AA' alt=''>"
            b"<script type='application/json'>{\"u\": \"https://example.com/x\"}</script>"
            b"<video src='media/v.mp4'><track src='blob:abc'></video>")
    assert scan("index.html", page) == []
    assert scan("a.css", b"p { background: url(img/a.png) } /* @import 'https://x/'; */") == []
    js = b"var re = /\"https:\\/\\//; var s = 'http://adlnet.gov/expapi/verbs/'; // fetch('https://x')\n"
    assert scan("a.js", js) == []


def test_js_comment_stripping_keeps_strings_and_lines() -> None:
    text = 'a = "/* not a comment */"; // gone\n/* gone\n */ b = \'//kept\';'
    assert strip_js_comments(text) == 'a = "/* not a comment */"; \n\n b = \'//kept\';'
    [found] = scan_js("x.js", "/* one\ntwo */\nfetch(`https://api.example.com/`)")
    assert found.line == 3


def test_our_own_packages_have_no_remote_loads(tmp_path: Path) -> None:
    """The build's check and validate run the same scan: our runtimes' IRIs are not loads."""
    from scorm_builder.build import build_course
    from scorm_builder.targets.base import offline_problems
    from tests.conftest import ROOT

    targets = ["web", "scorm12", "scorm2004", "xapi", "cmi5"]
    for result in build_course(ROOT / "course_src" / "kind-handovers", targets, tmp_path).results:
        assert offline_problems(result.path) == []
        if result.target != "web":  # a web zip has no descriptor for validate to read
            assert validate_package(result.path) == []
