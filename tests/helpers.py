"""Small builders shared by tests: a copy of the example course that a test may edit."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "course_src" / "kind-handovers"
EXAMPLE_STEP = "handover-conversation"


def copy_example(tmp_path: Path) -> Path:
    """A private copy of the example course (media included) under ``tmp_path``."""
    target = tmp_path / "course"
    shutil.copytree(EXAMPLE, target)
    return target


def step_file(course: Path) -> Path:
    """The example step's step.yml inside a copied course."""
    return course / "steps" / EXAMPLE_STEP / "step.yml"


def unzipped_web_build(course: Path, out: Path) -> Path:
    """``course`` built for the web target into ``out``, and that package unzipped into ``out/web``."""
    from scorm_builder.build import build_course

    package = build_course(course, ["web"], out).results[0].path
    with zipfile.ZipFile(package) as zf:
        zf.extractall(out / "web")
    return out / "web"
