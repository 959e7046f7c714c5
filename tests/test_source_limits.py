"""Oversized or pathological source files get a quick ``file:line`` error in bounded memory, naming the
file the user wrote; source paths that leave the course folder are refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from scorm_builder.errors import SourceError, SourceErrors
from scorm_builder.loader import load_course
from scorm_builder.source_limits import MAX_PARAGRAPH_CHARS, MAX_TEXT_BYTES, MAX_YAML_BYTES
from tests.conftest import ROOT

EXAMPLE = ROOT / "course_src" / "kind-handovers"
STEP = "handover-conversation"


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    dest = tmp_path / "course"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("media-source"))
    return dest


def step_dir(course: Path) -> Path:
    return course / "steps" / STEP


def load_error(course: Path, *, seconds: float = 3, peak_bytes: int = 16 * 1024 * 1024) -> str:
    """The one error loading ``course`` gives, checked to come quickly and in bounded memory."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises((SourceError, SourceErrors)) as caught:
            load_course(course)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert peak < peak_bytes, f"peak {peak:,} bytes"
    return str(caught.value)


def test_a_10_mb_transcript_is_refused_at_once_naming_it(course: Path) -> None:
    transcript = step_dir(course) / "transcript.txt"
    paragraph = "0.5\nPRIYA: " + "A kind handover checks in with the person. " * 20 + "\n\n"
    with transcript.open("w", encoding="utf-8") as fh:
        while fh.tell() < 10 * 1024 * 1024:
            fh.write(paragraph)
    size = transcript.stat().st_size
    message = load_error(course, peak_bytes=4 * MAX_TEXT_BYTES)
    assert message == (f"{transcript}:1:1: is {size:,} bytes; a course source text file may be at most "
                       f"{MAX_TEXT_BYTES:,} bytes (split the step into several steps, each with its own "
                       "transcript and reading)")


def test_the_cli_names_the_source_and_leaves_no_empty_dist(course: Path, tmp_path: Path) -> None:
    transcript = step_dir(course) / "transcript.txt"
    transcript.write_bytes(b"0.5\n" + b"word " * (3 * 1024 * 1024 // 5))
    out = tmp_path / "dist"
    result = subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--out", str(out)],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {transcript}:1:1: is 3,145,729 bytes;"), result.stderr
    assert "captions.vtt" not in result.stderr
    assert not out.exists()


def test_a_100000_character_paragraph(course: Path) -> None:
    transcript = step_dir(course) / "transcript.txt"
    text = transcript.read_text("utf-8")
    transcript.write_text(text + "\n\n99.0\nTOM: " + "and then " * 11_200 + "\n", "utf-8")
    line = text.count("\n") + 3
    assert load_error(course) == (
        f"{transcript}:{line}: this paragraph is 100,799 characters long; the limit is {MAX_PARAGRAPH_CHARS:,} "
        "(captions cannot be timed without timestamps) (add a timestamp line at least every few minutes of speech)")


def test_a_line_with_no_spaces(course: Path) -> None:
    transcript = step_dir(course) / "transcript.txt"
    text = transcript.read_text("utf-8")
    transcript.write_text(text + "\n\n99.0\n" + "x" * 15_000 + "\n", "utf-8")
    line = text.count("\n") + 3
    assert load_error(course) == (
        f"{transcript}:{line}: this paragraph has a 15,000-character word with no spaces "
        f"({'x' * 30}...); a caption line holds 42 characters (words may be at most 100 characters: add "
        "spaces or remove it)")


def test_a_hand_timed_cue_with_no_spaces(course: Path) -> None:
    captions = step_dir(course) / "captions.vtt"
    captions.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n" + "y" * 500 + "\n", "utf-8")
    step_yml = step_dir(course) / "step.yml"
    step_yml.write_text(step_yml.read_text("utf-8") + "captions: captions.vtt\n", "utf-8")
    assert load_error(course).startswith(f"{captions}:3: this cue has a 500-character word with no spaces")


def test_deeply_nested_yaml(course: Path) -> None:
    step_yml = step_dir(course) / "step.yml"
    step_yml.write_text("title: Deep\nintro: " + "[" * 50_000 + "]" * 50_000 + "\n", "utf-8")
    assert load_error(course) == (f"{step_yml}:2:27: YAML nested more than 20 levels deep (course.yml and "
                                  "step.yml need only a few levels; check the indentation)")


def test_yaml_aliases_that_expand(course: Path) -> None:
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    course_yml = course / "course.yml"
    course_yml.write_text(course_yml.read_text("utf-8") + "\n".join(levels) + "\n", "utf-8")
    line = course_yml.read_text("utf-8").splitlines().index(levels[0]) + 1
    assert load_error(course, seconds=1) == (
        f"{course_yml}:{line}:5: YAML anchors and aliases (&name, *name) are not allowed in course files "
        "(write the repeated value out in full)")


def test_an_oversized_yaml_file(course: Path) -> None:
    course_yml = course / "course.yml"
    course_yml.write_text(course_yml.read_text("utf-8") + "#" * MAX_YAML_BYTES + "\n", "utf-8")
    assert load_error(course).startswith(f"{course_yml}:1:1: is ")


def test_a_transcript_that_is_not_utf8_names_the_line(course: Path) -> None:
    transcript = step_dir(course) / "transcript.txt"
    transcript.write_bytes(b"0.5\nPRIYA: Hello.\n\n3.0\nTOM: caf\xe9\n")
    assert load_error(course) == f"{transcript}:5: is not UTF-8 text (save the file as UTF-8)"


@pytest.mark.parametrize("written", ["../../../outside.txt", "/etc/outside.txt"])
def test_paths_out_of_the_step_folder(course: Path, written: str) -> None:
    step_yml = step_dir(course) / "step.yml"
    text = step_yml.read_text("utf-8").replace("transcript: transcript.txt", f"transcript: {written}")
    step_yml.write_text(text, "utf-8")
    line = text.splitlines().index(f"transcript: {written}   # generated by scripts/make_example_media.sh; "
                                   "edit ../../media-source/") + 1
    assert load_error(course) == (f"{step_yml}:{line}:1: '{written}' is outside the step folder (put the file "
                                  "inside the step folder and give a relative path)")


def test_a_symlink_pointing_out_of_the_course(course: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("0.5\nPRIYA: not part of the course\n", "utf-8")
    transcript = step_dir(course) / "transcript.txt"
    transcript.unlink()
    os.symlink(secret, transcript)
    assert "'transcript.txt' is outside the step folder" in load_error(course)


def test_a_step_folder_linked_from_outside(course: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(step_dir(course), elsewhere)
    os.symlink(elsewhere, step_dir(course))
    assert load_error(course) == (
        f"{course / 'course.yml'}:16:5: step file '{step_dir(course) / 'step.yml'}' is outside the course folder "
        f"{course} (a symbolic link leads it to {elsewhere / 'step.yml'}) (keep every source file inside the "
        "course folder (copy it in, do not link it))")


def test_a_templates_folder_linked_from_outside(course: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "theme"
    elsewhere.mkdir()
    os.symlink(elsewhere, course / "templates")
    assert load_error(course) == (f"{course / 'templates'}: templates folder '{course / 'templates'}' is outside "
                                  f"the course folder {course} (a symbolic link leads it to {elsewhere}) (keep every "
                                  "source file inside the course folder (copy it in, do not link it))")


def test_a_control_character_in_yaml_names_its_place(course: Path) -> None:
    step_yml = step_dir(course) / "step.yml"
    step_yml.write_text("title: Handing\x1f over\n", "utf-8")
    assert load_error(course) == (f"{step_yml}:1:15: character U+001F is not allowed in YAML (remove it (most "
                                  "editors do not show it), or write it as an escape in double quotes)")
