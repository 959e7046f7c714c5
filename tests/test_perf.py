"""What the performance work must not change: the bytes of a package
whether it is built on one process or several, and a media file streamed into the zip; and the
benchmark (bench/run.py) still runs. Nothing here is timed: the benchmark is run by hand."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scorm_builder import cuepool
from scorm_builder.captions import make_cues
from scorm_builder.package import write_zip
from scorm_builder.transcript import Paragraph

ROOT = Path(__file__).resolve().parent.parent


def _talk(count: int, seed: int) -> list[Paragraph]:
    sentence = ["We know that kindness at handover changes how the next shift starts.",
                "DR ANN: It costs little time, and nobody forgets it.", "A pause."]
    return [Paragraph(i * (9.0 + (i * seed) % 7), "ANN" if (i + seed) % 3 else None,
                      " ".join(sentence[(i + k) % 3] for k in range(1 + (i * seed) % 4)), 2 * i + 1, True)
            for i in range(count)]


def test_cues_cut_on_several_processes_are_the_cues_of_one(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs: list[cuepool.CueJob] = [(_talk(count, seed), end)
                                  for count, seed, end in [(40, 1, None), (0, 2, None), (7, 3, 400.0), (1, 4, 2.0),
                                                           (60, 5, None), (3, 6, 1.0)]]
    alone = [make_cues(paragraphs, end) for paragraphs, end in jobs]
    monkeypatch.setenv("SCORM_BUILDER_JOBS", "1")
    assert list(cuepool.make_cues_each(jobs)) == alone
    monkeypatch.setenv("SCORM_BUILDER_JOBS", "2")
    monkeypatch.setattr(cuepool, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(cuepool, "_MIN_CHUNK_CHARS", 200)      # many ranges, cut across paragraphs
    assert list(cuepool.make_cues_each(jobs)) == alone


def test_a_parallel_build_writes_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate  # type: ignore[import-not-found]

    course = generate.course(tmp_path / "course", "many", 6, minutes=4)
    zips = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        env = {"SCORM_BUILDER_JOBS": jobs, "SCORM_BUILDER_PARALLEL_MIN_CHARS": "0"}
        subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--target", "scorm12",
                        "--out", str(out), "--quiet"], check=True, capture_output=True,
                       env={**_environ(), **env})
        zips.append((out / "many-scorm12.zip").read_bytes())
    assert zips[0] == zips[1]


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_media_is_streamed_stored_and_written_as_before(tmp_path: Path) -> None:
    media = tmp_path / "talk.mp4"
    media.write_bytes(bytes(range(256)) * 5000)
    streamed = write_zip(tmp_path / "a.zip", {"media/talk.mp4": media, "index.html": b"<p>hi</p>"})
    in_memory = write_zip(tmp_path / "b.zip", {"media/talk.mp4": media.read_bytes(), "index.html": b"<p>hi</p>"})
    assert streamed.read_bytes() == in_memory.read_bytes()
    with zipfile.ZipFile(streamed) as archive:
        info = archive.getinfo("media/talk.mp4")
        assert info.compress_type == zipfile.ZIP_STORED and info.compress_size == info.file_size
        assert archive.read("media/talk.mp4") == media.read_bytes()


def test_benchmark_runs_with_tiny_sizes() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick"],
                            capture_output=True, text=True, timeout=300, check=True)
    for heading in ("1. One step", "2. Generated courses", "3. One step with a long transcript",
                    "4. Packaging", "5. Package overhead", "6. The example's step page",
                    "7. Captions aligned"):
        assert heading in result.stdout
    # the rebuild inside the resident preview process is measured, not skipped
    assert "preview, body.md edited" in result.stdout and "not measured" not in result.stdout


def test_compiled_templates_are_cached_and_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scorm_builder.build import build_course

    example = ROOT / "course_src" / "kind-handovers"
    monkeypatch.setenv("SCORM_BUILDER_CACHE_DIR", "")
    uncached = build_course(example, ["web"], tmp_path / "none").results[0].path.read_bytes()
    monkeypatch.setenv("SCORM_BUILDER_CACHE_DIR", str(tmp_path / "cache"))
    first = build_course(example, ["web"], tmp_path / "first").results[0].path.read_bytes()
    assert list((tmp_path / "cache").rglob("*.cache")), "the compiled templates were not stored"
    second = build_course(example, ["web"], tmp_path / "second").results[0].path.read_bytes()
    assert uncached == first == second
