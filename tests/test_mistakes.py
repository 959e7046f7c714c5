"""One fixture per designer mistake: the message the user gets is kept as a golden file.

``tests/fixtures/mistakes/base`` is a small course that builds cleanly; each folder beside it
holds only the files that carry one mistake, and ``expected.txt``: the build's stderr with the
course folder written as ``COURSE``, and the exit status on the first line. Set
``UPDATE_GOLDEN=1`` to rewrite the golden files after a deliberate change of wording (then review
the diff).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

MISTAKES = Path(__file__).resolve().parent / "fixtures" / "mistakes"
CASES = sorted(p.name for p in MISTAKES.iterdir() if p.is_dir() and p.name != "base")


def course_with(case: str, tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(MISTAKES / "base", course)
    shutil.copytree(MISTAKES / case, course, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("expected.txt"))
    return course


def build(course: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--out", str(out),
                           "--target", "web", "--target", "scorm12"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_base_course_builds_without_warnings(tmp_path: Path) -> None:
    result = build(course_with("base", tmp_path), tmp_path / "dist")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("case", CASES)
def test_mistake_is_reported_where_it_was_made(case: str, tmp_path: Path) -> None:
    course = course_with(case, tmp_path)
    result = build(course, tmp_path / "dist")
    assert "Traceback" not in result.stderr
    got = f"exit {result.returncode}\n" + result.stderr.replace(str(course.resolve()), "COURSE")
    golden = MISTAKES / case / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
    # every message points into a file the designer wrote, never a generated one
    for line in result.stderr.splitlines():
        named = line.removeprefix("error: ").split(":", 1)[0]
        relative = Path(named).resolve().relative_to(course.resolve())
        assert (MISTAKES / case / relative).is_file() or (MISTAKES / "base" / relative).is_file(), line
    if result.returncode:
        assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())
