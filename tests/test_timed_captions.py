"""Captions timed by a person are kept: same cue times and lines in the built package."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from scorm_builder.build import build_course
from scorm_builder.loader import load_course
from scorm_builder.plan import make_plan

MISTAKES = Path(__file__).resolve().parent / "fixtures" / "mistakes"
TIMING = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})", re.MULTILINE)

HAND_TIMED = """WEBVTT

intro
00:00:00.500 --> 00:00:03.250
<v Priya>Hello Tom. Today we are
talking about shift handovers.

00:00:04.600 --> 00:00:06.100
<v Tom>Thanks, Priya.

00:00:06.100 --> 00:00:09.000
<v Tom>When I started, handover
was a quick list.

00:00:09.200 --> 00:00:10.600
<v Priya>And now?

00:00:10.800 --> 00:00:13.900
<v Tom>Now we ask how the person
going home is.
"""

HAND_TIMED_SRT = """1
00:00:00,500 --> 00:00:03,250
PRIYA: Hello Tom. Today we are
talking about shift handovers.

2
00:00:04,600 --> 00:00:09,000
TOM: Thanks, Priya. When I started,
handover was a quick list.
"""


def course(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(MISTAKES / "base", target)
    return target


def built_vtt(course_dir: Path, out: Path) -> str:
    """The captions made for the (media-less) fixture step; a build ships them only with media."""
    outcome = build_course(course_dir, ["web"], out)
    with zipfile.ZipFile(outcome.results[0].path) as archive:
        assert "media/talk/captions.vtt" not in archive.namelist()
    vtt = make_plan(load_course(course_dir)).steps[0].vtt
    assert vtt is not None
    return vtt


def cue_blocks(vtt: str) -> list[tuple[str, str, list[str]]]:
    blocks = []
    for block in vtt.split("\n\n"):
        lines = [line for line in block.splitlines() if line]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        start, end = TIMING.match(lines[timing]).groups()  # type: ignore[union-attr]
        text = [re.sub(r"<[^>]+>", "", line) for line in lines[timing + 1:]]
        blocks.append((start, end, text))
    return blocks


def test_transcript_vtt_cues_are_the_captions_exactly(tmp_path: Path) -> None:
    src = course(tmp_path)
    step = src / "steps" / "talk"
    (step / "transcript.vtt").write_text(HAND_TIMED, encoding="utf-8")
    yml = step / "step.yml"
    yml.write_text(yml.read_text().replace("transcript.txt", "transcript.vtt"))
    vtt = built_vtt(src, tmp_path / "dist")
    assert cue_blocks(vtt) == cue_blocks(HAND_TIMED)       # same times, same lines, not merged
    loaded = load_course(src).steps[0]
    assert [p.speaker for p in loaded.paragraphs] == ["Priya", "Tom", "Priya", "Tom"]
    assert loaded.paragraphs[1].text == "Thanks, Priya. When I started, handover was a quick list."


def test_captions_beside_a_paragraph_transcript(tmp_path: Path) -> None:
    src = course(tmp_path)
    step = src / "steps" / "talk"
    (step / "captions.srt").write_text(HAND_TIMED_SRT, encoding="utf-8")
    yml = step / "step.yml"
    yml.write_text(yml.read_text().replace("body: body.md", "captions: captions.srt\nbody: body.md"))
    vtt = built_vtt(src, tmp_path / "dist")
    blocks = cue_blocks(vtt)
    assert [(s, e) for s, e, _ in blocks] == [("00:00:00.500", "00:00:03.250"), ("00:00:04.600", "00:00:09.000")]
    assert blocks[1][2] == ["TOM: Thanks, Priya. When I started,", "handover was a quick list."]
    # the paragraphs still come from transcript.txt (four of them), and cue ids follow them
    assert len(load_course(src).steps[0].paragraphs) == 4
    assert "p2-1\n00:00:04.600" in vtt


def test_generated_captions_differ_so_the_test_can_fail(tmp_path: Path) -> None:
    src = course(tmp_path)
    assert cue_blocks(built_vtt(src, tmp_path / "dist")) != cue_blocks(HAND_TIMED)
