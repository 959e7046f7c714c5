"""Section 7 of the benchmark: forced alignment of captions to speech (issue 13), kept in its own file.

A long talk is spoken by espeak-ng from generated sentences, paragraph by paragraph (each
paragraph's start is its timestamp, as in a transcript), then ``scorm_builder.align.align_words``
times every word of it with the paragraph starts as anchors, as a build does for a step with
media. The figure is seconds of alignment (wall, and CPU of this process and its children) per
minute of audio, and that rate over an hour. Needs the ``align`` extra, espeak-ng and ffmpeg;
without them the section says so and is skipped.
"""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import time
import wave
from pathlib import Path

import generate

TARGET_PER_HOUR = 5.0       # seconds: "a few seconds per hour of audio on 2 cores" (issue 13)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def alignment(work: Path, minutes: float) -> None:
    """Print section 7: alignment time for about ``minutes`` of speech."""
    print(f"\n7. Captions aligned to the speech: {minutes:g} min of espeak-ng audio "
          f"(target: at most {TARGET_PER_HOUR:g} s per hour of audio)")
    from scorm_builder import align
    from scorm_builder.align import align_words, aligner_available

    missing = [tool for tool in ("espeak-ng", "ffmpeg") if shutil.which(tool) is None]
    if missing or not aligner_available():
        print(f"   skipped: needs {' '.join(missing) or 'the align extra'} (pip install \".[align]\")")
        return
    rng = random.Random(6)
    words_wanted = round(minutes * 160)          # espeak-ng speaks about 160 words a minute at -s 160
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < words_wanted:
        paragraphs.append(" ".join(generate._sentence(rng) for _ in range(6)))
    folder = work / "align"
    folder.mkdir(parents=True, exist_ok=True)
    # each paragraph spoken on its own and joined with 0.6 s of silence; its start is its timestamp
    frames = bytearray()
    anchors: list[tuple[int, float]] = []
    word = 0
    rate = 22050
    for number, paragraph in enumerate(paragraphs):
        clip = folder / f"p{number}.wav"
        subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "160", "-w", str(clip), paragraph],
                       check=True, capture_output=True)
        with wave.open(str(clip), "rb") as audio:
            rate = audio.getframerate()
            anchors.append((word, len(frames) / 2 / rate))
            frames += audio.readframes(audio.getnframes())
        frames += bytes(2 * round(0.6 * rate))
        word += len(paragraph.split())
        clip.unlink()
    wav = folder / "talk.wav"
    with wave.open(str(wav), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(bytes(frames))
    seconds = len(frames) / 2 / rate
    text = " ".join(paragraphs)
    words = text.split()
    wall, cpu = time.perf_counter(), _cpu()
    timings = align_words(wav, words, "eng", anchors)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    per_minute = wall / (seconds / 60)
    per_hour = per_minute * 60
    print(f"   {seconds / 60:.1f} min of audio, {len(words)} words: {wall:.2f} s wall, {cpu:.2f} s CPU "
          f"(this process and its children)")
    print(f"   {per_minute:.3f} s per minute of audio, {per_hour:.1f} s per hour: "
          f"{'met' if per_hour <= TARGET_PER_HOUR else 'NOT MET'}; CPU {cpu / (seconds / 60):.3f} s per minute "
          f"(audio over {align.CHUNK_SECONDS:g} s is aligned in pieces on every core)")
    low = sum(t.confidence < 0.5 for t in timings)
    print(f"   words with confidence under 0.5: {low} of {len(timings)}")
