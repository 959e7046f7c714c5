"""What `build` prints: progress only on a terminal, `--json` for pipelines; `preview` on a busy port."""

from __future__ import annotations

import json
import os
import pty
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import ROOT

MISTAKES = Path(__file__).resolve().parent / "fixtures" / "mistakes"


def course(tmp_path: Path, case: str = "base") -> Path:
    target = tmp_path / "course"
    shutil.copytree(MISTAKES / "base", target)
    if case != "base":
        shutil.copytree(MISTAKES / case, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    return target


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorm_builder", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def run_on_terminal(*args: str) -> str:
    """Run with stderr on a pseudo-terminal (stdout a pipe); return what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "scorm_builder", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    proc.communicate(timeout=300)
    os.close(leader)
    assert proc.returncode == 0, shown
    return shown.decode("utf-8", "replace")


def test_json_result_is_complete(tmp_path: Path) -> None:
    src = course(tmp_path, "max-length-above-scorm12")
    out = tmp_path / "dist"
    result = run("build", str(src), "--out", str(out), "--json", "--target", "web", "--target", "scorm12")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["errors"] == []
    (only,) = data["courses"]
    assert only["course"] == "mistakes"
    assert sorted(p["path"] for p in only["packages"]) == sorted(str(p) for p in out.iterdir())
    for package in only["packages"]:
        path = Path(package["path"])
        assert package["size"] == path.stat().st_size
        with zipfile.ZipFile(path) as archive:
            assert package["entries"] == archive.namelist()
        assert package["entry_count"] == len(package["entries"])
    (warning,) = only["warnings"]
    assert warning["file"] == str((src / "steps/talk/step.yml").resolve())
    assert (warning["line"], warning["col"]) == (7, 3)
    assert warning["message"].startswith("max_length 10000 is more than a scorm12 package stores")
    figures = only["captions"]["talk"]
    assert figures["cues"] > 0 and figures["max_lines"] <= 2 and figures["longest_line"] <= 42


def test_json_on_failure_lists_every_error(tmp_path: Path) -> None:
    src = course(tmp_path, "mistyped-timestamp")
    result = run("build", str(src), "--out", str(tmp_path / "dist"), "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert [(e["line"], e["message"]) for e in data["errors"]] == [
        (4, "'1:a1' looks like a mistyped timestamp"), (7, "'11,1' looks like a mistyped timestamp"),
        (10, "'1.2.3' is not a valid timestamp"), (13, "'0:75' is not a valid timestamp")]


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    src = course(tmp_path)
    plain = run("build", str(src), "--out", str(tmp_path / "a"))
    assert plain.returncode == 0
    assert plain.stderr == "" and "\r" not in plain.stdout
    shown = run_on_terminal("build", str(src), "--out", str(tmp_path / "b"))
    assert "step 1/1: talk (captions)" in shown
    from scorm_builder.cli import TARGET_NAMES

    count = len(TARGET_NAMES)
    assert f"target 1/{count}: web (render, zip, check)" in shown and f"target 2/{count}: scorm12" in shown
    assert shown.endswith("\r\x1b[K")                      # the status line is cleared at the end
    assert run_on_terminal("build", str(src), "--out", str(tmp_path / "c"), "--quiet") == ""


def test_same_input_gives_identical_zips_with_or_without_progress(tmp_path: Path) -> None:
    src = course(tmp_path)
    run_on_terminal("build", str(src), "--out", str(tmp_path / "a"))
    assert run("build", str(src), "--out", str(tmp_path / "b"), "--json").returncode == 0
    for zipped in (tmp_path / "a").iterdir():
        assert zipped.read_bytes() == (tmp_path / "b" / zipped.name).read_bytes()


def test_preview_on_a_port_in_use_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("preview", str(course(tmp_path)), "--port", str(port))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr == (f"error: cannot listen on 127.0.0.1:{port}: the port is in use (another preview "
                             "or server?); choose another --port, or --port 0 to pick a free one\n")
