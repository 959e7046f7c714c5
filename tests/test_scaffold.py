"""`new` and `add-step`: a course that builds at once, steps added without losing comments."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from scorm_builder.errors import SourceError
from scorm_builder.importers import import_futurelearn
from scorm_builder.loader import load_course
from scorm_builder.scaffold import add_step, new_course
from scorm_builder.sourcetext import COURSE_COMMENTS, STEP_COMMENTS
from tests.conftest import SEED
from tests.helpers import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorm_builder", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def assert_explained(text: str, comments: dict[tuple[str, ...], str]) -> None:
    """Every top-level key has its sourcetext comment on the line above it."""
    data = yaml.safe_load(text)
    lines = text.splitlines()
    for key in data:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[index - 1] == "# " + comments[(key,)].splitlines()[-1], key


def test_new_course_builds_at_once_and_explains_every_field(tmp_path: Path) -> None:
    course = tmp_path / "Kind Words"
    result = run("new", str(course))
    assert result.returncode == 0, result.stderr
    loaded = load_course(course)
    assert loaded.course.id == "kind-words"
    assert [s.id for s in loaded.steps] == ["first-step"]
    step = loaded.steps[0]
    assert step.paragraphs and step.body_markdown and step.source.reflection is not None
    # every key written has its comment above it (and nothing else is needed to build)
    assert_explained((course / "course.yml").read_text(encoding="utf-8"), COURSE_COMMENTS)
    assert_explained((course / "steps/first-step/step.yml").read_text(encoding="utf-8"), STEP_COMMENTS)
    built = run("build", str(course), "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    assert "warning" not in built.stderr
    with zipfile.ZipFile(tmp_path / "dist" / "kind-words-scorm12.zip") as archive:
        assert "imsmanifest.xml" in archive.namelist()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine")
    result = run("new", str(tmp_path / "c"))
    assert result.returncode == 1
    assert "not empty" in result.stderr and "Traceback" not in result.stderr


def test_add_step_appends_to_the_list_and_keeps_comments_and_layout(tmp_path: Path) -> None:
    course = tmp_path / "c"
    new_course(course)
    course_file = course / "course.yml"
    mine = course_file.read_text(encoding="utf-8").replace(
        "  - first-step\n", "  - first-step      # my own note\n") + "\n# a comment at the end\n"
    course_file.write_text(mine, encoding="utf-8")
    result = run("add-step", str(course), "why-compassion")
    assert result.returncode == 0, result.stderr
    after = course_file.read_text(encoding="utf-8")
    assert after == mine.replace("  - first-step      # my own note\n",
                                 "  - first-step      # my own note\n  - why-compassion\n")
    assert [s.id for s in load_course(course).steps] == ["first-step", "why-compassion"]
    assert comment_lines((course / "steps/why-compassion/step.yml").read_text()) == comment_lines(
        (course / "steps/first-step/step.yml").read_text())


def test_add_step_to_a_flow_list(tmp_path: Path) -> None:
    course = tmp_path / "c"
    new_course(course)
    course_file = course / "course.yml"
    text = course_file.read_text(encoding="utf-8").replace("steps:\n  - first-step\n", "steps: [first-step]\n")
    course_file.write_text(text, encoding="utf-8")
    add_step(course, "second")
    assert "steps: [first-step, second]\n" in course_file.read_text(encoding="utf-8")
    assert [s.id for s in load_course(course).steps] == ["first-step", "second"]


@pytest.mark.parametrize(("step_id", "message"), [
    ("first-step", "course.yml:27:5: step 'first-step' is already in the course (choose another id)"),
    ("Why Compassion", "course.yml: 'Why Compassion' cannot be a step id (use lower-case letters, digits "
                       "and '-', starting with a letter, at most 60 characters, e.g. 'why-compassion')"),
    ("2nd", "course.yml: '2nd' cannot be a step id"),
])
def test_add_step_refuses_existing_ids_and_bad_slugs(tmp_path: Path, step_id: str, message: str) -> None:
    course = tmp_path / "c"
    new_course(course)
    before = (course / "course.yml").read_text(encoding="utf-8")
    result = run("add-step", str(course), step_id)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {course}/")
    assert message in result.stderr
    assert (course / "course.yml").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in (course / "steps").iterdir()) == ["first-step"]


def test_add_step_refuses_an_existing_folder(tmp_path: Path) -> None:
    course = tmp_path / "c"
    new_course(course)
    (course / "steps" / "draft").mkdir()
    with pytest.raises(SourceError, match="folder steps/draft already exists"):
        add_step(course, "draft")


@pytest.mark.skipif(not SEED.is_file(), reason="seed page not present")
def test_imported_files_carry_the_same_comments_as_new(tmp_path: Path) -> None:
    result = import_futurelearn(SEED, tmp_path / "imported")
    new_course(tmp_path / "new")
    imported_step = (tmp_path / "imported" / "steps" / result.step_id / "step.yml").read_text(encoding="utf-8")
    assert_explained((tmp_path / "imported" / "course.yml").read_text(encoding="utf-8"), COURSE_COMMENTS)
    assert_explained(imported_step, STEP_COMMENTS)
    new_step = (tmp_path / "new" / "steps" / "first-step" / "step.yml").read_text(encoding="utf-8")
    assert comment_lines(imported_step) == comment_lines(new_step)
