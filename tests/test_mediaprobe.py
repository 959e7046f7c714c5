"""Media read from the file itself: tiny files made by ffmpeg here, compared with ffprobe."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scorm_builder.mediaprobe import playback_problems, probe
from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is installed by scripts/test.sh")
MISTAKES = Path(__file__).resolve().parent / "fixtures" / "mistakes"
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "media"
VIDEO = ["-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=1",
         "-f", "lavfi", "-i", "sine=duration=1:sample_rate=48000"]
AUDIO = ["-f", "lavfi", "-i", "sine=duration=1"]

# name: (ffmpeg arguments, container, codecs, browsers play it)
SAMPLES: dict[str, tuple[list[str], str, list[str], bool]] = {
    "h264.mp4": ([*VIDEO, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"], "mp4", ["h264", "aac"], True),
    "audio.m4a": ([*AUDIO, "-c:a", "aac"], "mp4", ["aac"], True),
    "hevc.mp4": ([*VIDEO, "-c:v", "libx265", "-tag:v", "hvc1", "-x265-params", "log-level=none", "-c:a", "aac"],
                 "mp4", ["hevc", "aac"], False),
    "part2.mp4": ([*VIDEO, "-c:v", "mpeg4", "-c:a", "aac"], "mp4", ["mpeg4-part2", "aac"], False),
    "ac3.mp4": ([*VIDEO, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "ac3"], "mp4", ["h264", "ac3"], False),
    "vp8.webm": ([*VIDEO, "-c:v", "libvpx", "-c:a", "libvorbis"], "webm", ["vp8", "vorbis"], True),
    "vp9.webm": ([*VIDEO, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus"], "webm",
                 ["vp9", "opus"], True),
    "av1.webm": ([*VIDEO, "-c:v", "libaom-av1", "-cpu-used", "8", "-c:a", "libopus"], "webm", ["av1", "opus"], True),
    "cbr.mp3": ([*AUDIO, "-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0"], "mp3", ["mp3"], True),
    "vbr.mp3": ([*AUDIO, "-c:a", "libmp3lame", "-q:a", "5"], "mp3", ["mp3"], True),
}


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    for name, (args, _, _, _) in SAMPLES.items():
        subprocess.run(["ffmpeg", "-v", "error", "-y", *args, str(folder / name)], check=True, timeout=120)
    return folder


def ffprobe(path: Path) -> tuple[float, list[str]]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    return float(data["format"]["duration"]), [s["codec_name"] for s in data["streams"]]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_probe_agrees_with_ffprobe(media: Path, name: str) -> None:
    _, container, codecs, playable = SAMPLES[name]
    info = probe(media / name)
    assert info is not None
    duration, ffprobe_codecs = ffprobe(media / name)
    assert info.container == container
    assert [t.codec for t in info.tracks] == codecs
    assert len(ffprobe_codecs) == len(codecs)
    assert info.duration == pytest.approx(duration, abs=0.06)
    problems = playback_problems(media / name, info)
    assert (problems == []) is playable, problems
    for problem in problems:
        assert "convert it with: ffmpeg -i " + name in problem


def test_a_file_named_for_another_container_is_reported(media: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "talk.webm"
    shutil.copyfile(media / "h264.mp4", renamed)
    info = probe(renamed)
    assert info is not None and info.container == "mp4"
    assert playback_problems(renamed, info)[0].startswith("talk.webm is named .webm but holds mp4")


def test_example_video_is_h264_aac_and_its_length_is_read() -> None:
    path = ROOT / "course_src/kind-handovers/steps/handover-conversation/media/handover-conversation.mp4"
    info = probe(path)
    assert info is not None
    duration, _ = ffprobe(path)
    assert info.summary() == f"mp4, {duration:.3f} s, video h264, audio aac"


def test_hevc_video_warns_at_the_media_line_with_a_conversion_hint(media: Path, tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(MISTAKES / "base", course)
    step = course / "steps" / "talk"
    (step / "media").mkdir()
    shutil.copyfile(media / "hevc.mp4", step / "media" / "talk.mp4")
    yml = step / "step.yml"
    # the clip's sound is a test tone, not the transcript's speech: this test is about the playback warning
    media_block = "media:\n  file: media/talk.mp4\n  align: false\ntranscript:"
    yml.write_text(yml.read_text().replace("transcript:", media_block))
    result = subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--target", "web",
                             "--out", str(tmp_path / "dist")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    got = result.stderr.replace(str(course.resolve()), "COURSE")
    golden = GOLDEN / "video-browsers-cannot-play.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_damaged_files_never_crash_the_probe(media: Path, tmp_path: Path, name: str) -> None:
    data = (media / name).read_bytes()
    for cut in (4, 40, 400, len(data) // 2):
        damaged = tmp_path / f"cut-{cut}-{name}"
        damaged.write_bytes(data[:cut])
        probe(damaged)                       # None or a partial answer, but no exception


def test_a_stated_duration_far_from_the_file_warns(media: Path, tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(MISTAKES / "base", course)
    step = course / "steps" / "talk"
    (step / "media").mkdir()
    shutil.copyfile(media / "audio.m4a", step / "media" / "talk.m4a")
    yml = step / "step.yml"
    yml.write_text(yml.read_text().replace("transcript:", "media:\n  file: media/talk.m4a\n  duration: 14\n"
                                                            "transcript:"))
    from scorm_builder.loader import load_course

    (warning,) = [w for w in load_course(course).warnings if "duration" in w.message]
    assert (warning.location.path, warning.location.line) == (yml.resolve(), 5)
    assert warning.message.startswith("duration 14 s differs from the file's own 1.0")
