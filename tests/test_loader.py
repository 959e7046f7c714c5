"""Loading course sources: every bad input names file:line:col and says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorm_builder.errors import SourceError, SourceErrors
from scorm_builder.loader import load_course
from tests.helpers import EXAMPLE, copy_example, step_file


def _messages(exc: pytest.ExceptionInfo[BaseException]) -> list[str]:
    err = exc.value
    return [str(e) for e in err.errors] if isinstance(err, SourceErrors) else [str(err)]


def test_example_course_loads() -> None:
    loaded = load_course(EXAMPLE)
    assert loaded.course.id == "kind-handovers"
    step = loaded.steps[0]
    assert step.media_path is not None and step.media_path.suffix == ".mp4"
    assert len(step.paragraphs) >= 8
    assert {p.speaker for p in step.paragraphs} == {"PRIYA", "TOM"}
    assert step.duration and step.duration > step.paragraphs[-1].start


def test_unknown_key_names_line_and_suggests(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = course / "course.yml"
    path.write_text(path.read_text().replace("licence:", "licnce:"))
    with pytest.raises(SourceErrors) as exc:
        load_course(course)
    text = "\n".join(_messages(exc))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("licnce"))
    assert f"course.yml:{line}:1: unknown key 'licnce'" in text
    assert "did you mean 'licence'" in text
    assert "missing required key 'licence'" in text


def test_nested_type_error_points_at_value(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = step_file(course)
    path.write_text(path.read_text().replace("max_length: 4000", "max_length: lots"))
    with pytest.raises(SourceErrors) as exc:
        load_course(course)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "max_length" in text)
    (message,) = _messages(exc)
    assert f"step.yml:{line}:" in message and "reflection.max_length" in message


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    (course / "course.yml").write_text("id: x\ntitle: [unclosed\n")
    with pytest.raises(SourceError) as exc:
        load_course(course)
    assert "course.yml:3:1: YAML syntax error" in str(exc.value)


def test_missing_media_file(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = step_file(course)
    path.write_text(path.read_text().replace("handover-conversation.mp4", "missing.mp4"))
    with pytest.raises(SourceError) as exc:
        load_course(course)
    assert "step.yml:" in str(exc.value) and "'media/missing.mp4' not found" in str(exc.value)


def test_media_outside_step_folder_rejected(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = step_file(course)
    path.write_text(path.read_text().replace("media/handover-conversation.mp4", "../../course.yml.mp4"))
    with pytest.raises(SourceError) as exc:
        load_course(course)
    assert "outside the step folder" in str(exc.value)


def test_step_listed_but_missing(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = course / "course.yml"
    path.write_text(path.read_text() + "  - not-there\n")
    with pytest.raises(SourceError) as exc:
        load_course(course)
    assert "course.yml:" in str(exc.value) and "step 'not-there' has no steps/not-there/step.yml" in str(exc.value)


def test_completion_needs_reflection(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = step_file(course)
    text = path.read_text()
    head, _, _ = text.partition("reflection:")
    path.write_text(head + "completion: reflection-submitted\n")
    with pytest.raises(SourceErrors) as exc:
        load_course(course)
    assert "has no reflection" in "\n".join(_messages(exc))


def test_duration_read_from_mp4_header(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = step_file(course)
    declared = load_course(course).steps[0].duration
    path.write_text("\n".join(text for text in path.read_text().splitlines() if "duration:" not in text) + "\n")
    loaded = load_course(course)
    assert declared is not None and loaded.steps[0].duration == pytest.approx(declared, abs=0.05)


def test_course_template_override_is_used_and_errors_name_the_line(tmp_path: Path) -> None:
    from scorm_builder.build import build_course

    course = copy_example(tmp_path)
    overrides = course / "templates" / "assets"
    overrides.mkdir(parents=True)
    (overrides / "step.css").write_text("body { color: #111; } /* course override */\n")
    result = build_course(course, ["web"], tmp_path / "dist").results[0].path
    import zipfile

    with zipfile.ZipFile(result) as archive:
        page = archive.read("index.html")   # a web build carries its stylesheet inline (scorm_builder/inline.py)
        assert b"<style>body { color: #111; } /* course override */</style>" in page
        assert b"media.preload" in page and "assets/step.css" not in archive.namelist()
    (course / "templates" / "step.html").write_text("<p>{{ step.title }}</p>\n<p>{% if %}</p>\n")
    with pytest.raises(SourceError) as exc:
        build_course(course, ["web"], tmp_path / "dist2")
    assert f"{course / 'templates' / 'step.html'}:2: template syntax error" in str(exc.value)
    (course / "templates" / "step.html").write_text("<p>{{ step.title }}</p>\n<p>{{ step.nope.deeper }}</p>\n")
    with pytest.raises(SourceError) as exc:
        build_course(course, ["web"], tmp_path / "dist3")
    assert f"{course / 'templates' / 'step.html'}:2: template error" in str(exc.value)
    assert not (tmp_path / "dist2").exists() and not (tmp_path / "dist3").exists()
