"""Courses for the interface-language tests: the Arabic fixture (with the example's media) and edits."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from scorm_builder.build import CourseBuild, build_course
from tests.helpers import EXAMPLE, EXAMPLE_STEP

ARABIC = Path(__file__).resolve().parent / "fixtures" / "i18n" / "arabic"


def arabic_course(tmp_path: Path, language: str | None = None) -> Path:
    """The Arabic course of tests/fixtures/i18n/arabic, with the example's video and poster."""
    course = tmp_path / "arabic"
    shutil.copytree(ARABIC, course)
    shutil.copytree(EXAMPLE / "steps" / EXAMPLE_STEP / "media", course / "steps" / EXAMPLE_STEP / "media")
    if language is not None:
        set_language(course, language)
    return course


def set_language(course: Path, language: str) -> None:
    """Rewrite ``language:`` in a course.yml."""
    yml = course / "course.yml"
    yml.write_text(re.sub(r"(?m)^language: .*$", f"language: {language}", yml.read_text("utf-8")), "utf-8")


def build_unzipped(course: Path, out: Path, target: str = "web") -> tuple[Path, CourseBuild]:
    """Build one target and unzip it; the folder and the build's outcome (warnings)."""
    outcome = build_course(course, [target], out)
    folder = out / target
    with zipfile.ZipFile(outcome.results[0].path) as archive:
        archive.extractall(folder)
    return folder, outcome
