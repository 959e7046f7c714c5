"""Rendering: every piece of source text is escaped; the page data survives as JSON."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import lxml.html

from scorm_builder.build import build_course
from tests.helpers import EXAMPLE_STEP, copy_example, step_file

HOSTILE = '</script><script>alert(1)</script><img src=x onerror="alert(2)"> & "quotes" \'single\''


def test_hostile_source_text_is_escaped_everywhere(tmp_path: Path) -> None:
    import yaml

    course = copy_example(tmp_path)
    path = step_file(course)
    data = yaml.safe_load(path.read_text())
    data["title"] = "Title " + HOSTILE
    data["intro"] = "Intro " + HOSTILE
    data["reflection"]["prompt"] = "Prompt " + HOSTILE
    data["reflection"]["guiding_questions"] = ["Question " + HOSTILE]
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    step_dir = course / "steps" / EXAMPLE_STEP
    (step_dir / "body.md").write_text("Body <b onclick=\"x()\">raw</b> " + HOSTILE + "\n")
    transcript = step_dir / "transcript.txt"
    transcript.write_text(transcript.read_text().rstrip("\n") + "\n\n100.5\nTOM: Line " + HOSTILE + "\n")
    zipped = build_course(course, ["web"], tmp_path / "dist").results[0].path
    html = zipfile.ZipFile(zipped).read("index.html").decode("utf-8")
    root = lxml.html.fromstring(html)
    scripts = root.findall(".//script")
    # a web build carries its own two scripts inline (scorm_builder/inline.py): no other code, none of the text
    code = [s.text or "" for s in scripts if s.get("type") != "application/json"]
    assert [s.get("src") for s in scripts] == [None, None, None] and len(code) == 2
    assert not any("alert(" in text for text in code), "source text in a script"
    handlers = [(el.tag, name) for el in root.iter() if isinstance(el.tag, str)
                for name in el.attrib if name.startswith("on")]
    assert handlers == []
    assert root.findall(".//img") == []
    text = root.text_content()
    for label in ("Title ", "Intro ", "Prompt ", "Question ", 'Body <b onclick="x()">raw</b> ', "Line "):
        assert label + HOSTILE in text, label
    data_json = json.loads(root.get_element_by_id("sb-data").text)
    assert data_json["stepTitle"] == "Title " + HOSTILE
    assert HOSTILE in data_json["transcriptTxt"]
    vtt = data_json["captionsVtt"]
    assert "&lt;/script&gt;&lt;script&gt;" in vtt and "<script" not in vtt and "<img" not in vtt


def test_audio_only_step_gets_an_audio_player_with_captions(tmp_path: Path) -> None:
    import shutil
    import subprocess

    import yaml

    if shutil.which("ffmpeg") is None:
        raise AssertionError("ffmpeg is required (the README test command installs it)")
    course = copy_example(tmp_path)
    step_dir = course / "steps" / EXAMPLE_STEP
    audio = step_dir / "media" / "talk.m4a"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(step_dir / "media" / "handover-conversation.mp4"),
                    "-vn", "-c:a", "copy", str(audio)], check=True)
    path = step_file(course)
    data = yaml.safe_load(path.read_text())
    data["media"] = {"file": "media/talk.m4a"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    zipped = build_course(course, ["web"], tmp_path / "dist").results[0].path
    with zipfile.ZipFile(zipped) as archive:
        root = lxml.html.fromstring(archive.read("index.html"))
        assert "media/handover-conversation/talk.m4a" in archive.namelist()
    assert root.findall(".//video") == []
    (player,) = root.findall(".//audio")
    assert player.findall(".//source")[0].get("type") == "audio/mp4"
    assert player.findall(".//track")[0].get("kind") == "captions"


def test_reading_only_step_builds_for_every_target(tmp_path: Path) -> None:
    import yaml

    from scorm_builder.validate import validate_package

    course = copy_example(tmp_path)
    path = step_file(course)
    data = yaml.safe_load(path.read_text())
    for key in ("media", "transcript", "reflection"):
        del data[key]
    data["completion"] = "viewed"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    results = {r.target: r.path for r in build_course(course, ["web", "scorm12"], tmp_path / "dist").results}
    assert validate_package(results["scorm12"]) == []
    with zipfile.ZipFile(results["web"]) as archive:
        assert not any(name.startswith("media/") for name in archive.namelist())
        root = lxml.html.fromstring(archive.read("index.html"))
    assert root.findall(".//video") == [] and root.findall(".//textarea") == []
    assert "A handover is where responsibility" in root.text_content()
    assert json.loads(root.get_element_by_id("sb-data").text)["completion"] == "viewed"
