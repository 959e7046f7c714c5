"""A build is skipped only when nothing it depends on has changed (scorm_builder/uptodate.py).

Each case runs the real CLI twice on a copy of the example course and changes one thing in
between: a skip must leave the very package a fresh build writes, and any change to the course
(even with its modification time put back), the tool, the options, the environment or the
package itself must build again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scorm_builder.uptodate import RACY_NS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "course_src" / "kind-handovers"
ZIP = "kind-handovers-web.zip"


def build(course: Path, out: Path, cache: Path | str, *extra: str, code: Path = ROOT,
          env: dict[str, str] | None = None) -> str:
    """Run ``scorm-builder build`` and return its stdout ("built ..." or "up to date: ...")."""
    environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environ.update({"PYTHONPATH": str(code), "SCORM_BUILDER_CACHE_DIR": str(cache), **(env or {})})
    result = subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--target", "web",
                             "--out", str(out), "--quiet", *extra], capture_output=True, text=True, env=environ,
                            timeout=120, cwd=course.parent)        # not the checkout: ``code`` is imported
    assert result.returncode == 0, result.stderr
    return result.stdout


def built(stdout: str) -> bool:
    skipped = "up to date:" in stdout
    assert skipped != ("built " in stdout), stdout
    return not skipped


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "course"))


def test_an_unchanged_course_is_skipped_and_keeps_the_package_a_build_writes(course: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert built(build(course, out, cache))
    before = (out / ZIP).stat()
    second = build(course, out, cache)
    assert not built(second)
    assert "captions for handover-conversation:" in second         # what the build said, said again
    assert (out / ZIP).stat().st_mtime_ns == before.st_mtime_ns    # not written again
    assert built(build(course, tmp_path / "fresh", cache))           # another output folder: a build
    assert (out / ZIP).read_bytes() == (tmp_path / "fresh" / ZIP).read_bytes()
    assert built(build(course, out, cache, "--force"))


def test_a_changed_byte_builds_even_with_the_old_modification_time(course: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert built(build(course, out, cache))
    old = (out / ZIP).read_bytes()
    transcript = course / "steps" / "handover-conversation" / "transcript.txt"
    times = transcript.stat()
    text = transcript.read_text(encoding="utf-8")
    transcript.write_text(text.replace("Hello Tom", "Hello Tim", 1), encoding="utf-8")   # same size
    os.utime(transcript, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert built(build(course, out, cache))
    assert (out / ZIP).read_bytes() != old


def test_a_new_file_a_deleted_or_touched_package_other_options_and_environment_build(course: Path,
                                                                                      tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert built(build(course, out, cache))
    (course / "notes.txt").write_text("a new file in the course folder\n", encoding="utf-8")
    assert built(build(course, out, cache))
    assert not built(build(course, out, cache))
    (out / ZIP).unlink()
    assert built(build(course, out, cache))
    os.utime(out / ZIP, ns=(0, 0))
    assert built(build(course, out, cache))
    assert built(build(course, out, cache, "--strict"))
    assert built(build(course, out, cache, env={"SOURCE_DATE_EPOCH": "1700000000"}))
    assert not built(build(course, out, cache, env={"SOURCE_DATE_EPOCH": "1700000000"}))


def test_a_large_file_rewritten_in_place_builds(course: Path, tmp_path: Path) -> None:
    """Files of 4 MiB or more are taken by identity and times: rewriting one sets its change time.
    One changed in the last 3 s never skips (a file system may keep times to the second)."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    big = course / "media-source" / "recording.bin"
    big.write_bytes(b"\0" * (4 * 1024 * 1024))
    assert built(build(course, out, cache))
    assert built(build(course, out, cache))          # written a moment ago: not yet told by its times
    time.sleep(RACY_NS / 1e9)
    assert built(build(course, out, cache))
    assert not built(build(course, out, cache))      # now its identity and times stand for it
    times = big.stat()
    with big.open("r+b") as handle:
        handle.write(b"\1")
    os.utime(big, ns=(times.st_atime_ns, times.st_mtime_ns))
    time.sleep(RACY_NS / 1e9)
    assert built(build(course, out, cache))


def test_a_changed_tool_builds(course: Path, tmp_path: Path) -> None:
    code = tmp_path / "code"
    shutil.copytree(ROOT / "scorm_builder", code / "scorm_builder", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", code / "templates")
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert built(build(course, out, cache, code=code))
    assert not built(build(course, out, cache, code=code))
    css = code / "templates" / "assets" / "step.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    assert built(build(course, out, cache, code=code))
    runtime = code / "scorm_builder" / "runtime" / "local.js"
    runtime.write_text(runtime.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert built(build(course, out, cache, code=code))


def test_no_skip_with_a_symbolic_link_or_without_a_cache(course: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    (course / "link.txt").symlink_to(course / "course.yml")
    assert built(build(course, out, cache))
    assert built(build(course, out, cache))
    (course / "link.txt").unlink()
    assert built(build(course, out, ""))
    assert built(build(course, out, ""))



def test_the_records_stay_few(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds into ever new folders (tests, previews) keep the newest MAX_RECORDS records only."""
    from scorm_builder import uptodate

    monkeypatch.setenv("SCORM_BUILDER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(uptodate, "MAX_RECORDS", 3)
    package = tmp_path / "package.zip"
    package.write_bytes(b"zip")
    for number in range(5):
        uptodate.remember(EXAMPLE, tmp_path / f"out-{number}", f"digest-{number}", [package], [], [])
        time.sleep(0.05)                                  # distinct modification times
    assert len(list((tmp_path / "cache" / "builds").glob("*.json"))) == 3
    kept = [uptodate.unchanged(EXAMPLE, tmp_path / f"out-{number}", f"digest-{number}") for number in range(5)]
    assert [previous is not None for previous in kept] == [False, False, True, True, True]
