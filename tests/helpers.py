"""Small builders shared by tests: a copy of the example course that a test may edit."""

from __future__ import annotations

import shutil
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
