"""Packaging: byte-identical output for the same input; nothing half-written on failure."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from scorm_builder.build import build_course
from scorm_builder.errors import PackageInvalid, SourceErrors
from scorm_builder.package import write_zip
from tests.helpers import EXAMPLE, copy_example, step_file


@pytest.mark.parametrize("target", ["web", "scorm12"])
def test_same_input_gives_identical_zip(tmp_path: Path, target: str) -> None:
    first = build_course(EXAMPLE, [target], tmp_path / "a").results[0].path
    second = build_course(EXAMPLE, [target], tmp_path / "b").results[0].path
    assert first.name == f"kind-handovers-{target}.zip"
    assert first.read_bytes() == second.read_bytes()


def test_failed_check_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    with pytest.raises(PackageInvalid):
        write_zip(out / "x.zip", {"index.html": b"<p>hi</p>"}, check=lambda path: ["index.html: bad"])
    assert not out.exists()  # not even the folder it made for the zip


def test_source_error_leaves_dist_untouched(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = step_file(course)
    path.write_text(path.read_text().replace("title:", "titel:", 1))
    out = tmp_path / "dist"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    with pytest.raises(SourceErrors):
        build_course(course, ["web", "scorm12"], out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_remote_resource_refused(tmp_path: Path) -> None:
    from scorm_builder.targets.base import offline_problems

    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("index.html", '<link rel="stylesheet" href="https://cdn.example/x.css"><img src="//x/y.png">')
        zf.writestr("a.css", "@import 'http://fonts.example/f.css'; p{background:url(data:image/png;base64,AA)}")
    problems = offline_problems(archive)
    assert len(problems) == 3
    assert problems == [
        "a.css:1: stylesheet @import loads 'http://fonts.example/f.css' from outside the package "
        "(ship the file in the package instead)",
        "index.html:1: <img> src loads '//x/y.png' from outside the package (ship the file in the package instead)",
        "index.html:1: <link> href loads 'https://cdn.example/x.css' from outside the package "
        "(ship the file in the package instead)",
    ]


def test_web_zip_layout(tmp_path: Path) -> None:
    path = build_course(EXAMPLE, ["web"], tmp_path).results[0].path
    names = zipfile.ZipFile(path).namelist()
    assert "index.html" in names
    assert "media/handover-conversation/captions.vtt" in names
    assert "media/handover-conversation/transcript.txt" in names
    assert "media/handover-conversation/handover-conversation.mp4" in names
    assert names == sorted(names)


def test_one_failing_target_lands_no_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scorm_builder.targets.scorm12 import Scorm12Target

    monkeypatch.setattr(Scorm12Target, "check", lambda self, path: ["imsmanifest.xml: broken on purpose"])
    out = tmp_path / "dist"
    with pytest.raises(PackageInvalid):
        build_course(EXAMPLE, ["web", "scorm12"], out)
    assert not out.exists()  # the web zip was staged there first: the folder made for it goes too
