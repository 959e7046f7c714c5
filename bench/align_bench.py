"""Section 7 of the benchmark: forced alignment of captions to speech (issue 13), kept in its own file.

A long talk is spoken by espeak-ng one sentence at a time, with pauses of 0.2-1.2 s between
sentences, so that every sentence's onset is known; paragraphs of five sentences give the
timestamps (anchors), as a transcript does. ``scorm_builder.align.align_words`` then times every
word, as a build does for a step with media. The text mixes common English words with made-up
words drawn with Zipf's law, so that about as many distinct words come as in a real talk. The
figures: seconds of alignment (wall, and CPU of this process and its children) per minute of audio
and over an hour; and how far the first word of each sentence inside a paragraph starts from the
sentence's onset (median, 90th percentile). Needs the ``align`` extra, espeak-ng and ffmpeg;
without them the section says so and is skipped.
"""

from __future__ import annotations

import array
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import wave
from pathlib import Path

TARGET_PER_HOUR = 5.0       # seconds: "a few seconds per hour of audio on 2 cores" (issue 13)
_SILENCE_LEVEL = 400        # |sample| at or below this is silence (16-bit), as tests/support/dialogue.py
_COMMON = ("the", "of", "and", "to", "a", "in", "is", "that", "it", "for", "we", "on", "with", "as", "this",
           "be", "are", "you", "at", "by", "not", "or", "have", "from", "they", "but", "all", "when", "can",
           "there", "an", "which", "their", "if", "will", "one", "do", "about", "how", "so", "more", "these",
           "our", "some", "time", "what", "would", "into", "them", "other", "than", "then", "now", "only",
           "its", "also", "after", "first")
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """``size`` made-up words of one to four syllables, each different."""
    words: dict[str, None] = {}
    while len(words) < size:
        words["".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))] = None
    return list(words)


def _sentences(rng: random.Random, count: int) -> list[str]:
    """Sentences of 6-14 words: half common words, half made-up ones drawn by Zipf's law."""
    vocabulary = _vocabulary(rng, 6000)
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    out = []
    for _ in range(count):
        size = rng.randint(6, 14)
        rare = rng.choices(vocabulary, weights, k=size)
        words = [rng.choice(_COMMON) if rng.random() < 0.5 else rare[i] for i in range(size)]
        out.append(" ".join(words).capitalize() + rng.choice(".....?!"))
    return out


def _spoken(text: str, wav: Path) -> tuple[array.array[int], int]:
    """``text`` spoken by espeak-ng, cut to its sound."""
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "160", "-w", str(wav), text], check=True, capture_output=True)
    with wave.open(str(wav), "rb") as audio:
        rate = audio.getframerate()
        samples = array.array("h", audio.readframes(audio.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    loud = [i for i, s in enumerate(samples) if abs(s) > _SILENCE_LEVEL]
    return samples[loud[0]:loud[-1] + 1], rate


def alignment(work: Path, minutes: float) -> None:
    """Print section 7: alignment time and accuracy for about ``minutes`` of speech."""
    print(f"\n7. Captions aligned to the speech: {minutes:g} min of espeak-ng audio "
          f"(target: at most {TARGET_PER_HOUR:g} s per hour of audio)")
    from scorm_builder import align
    from scorm_builder.align import align_words, aligner_available

    missing = [tool for tool in ("espeak-ng", "ffmpeg") if shutil.which(tool) is None]
    if missing or not aligner_available():
        print(f"   skipped: needs {' '.join(missing) or 'the align extra'} (pip install \".[align]\")")
        return
    rng = random.Random(6)
    folder = work / "align"
    folder.mkdir(parents=True, exist_ok=True)
    timeline: array.array[int] = array.array("h")
    rate = 22050
    words: list[str] = []
    anchors: list[tuple[int, float]] = []
    inside: list[tuple[int, float]] = []         # (first word, onset) of sentences inside a paragraph
    number = 0
    while len(timeline) < minutes * 60 * rate:
        for sentence in _sentences(rng, 5):
            samples, rate = _spoken(sentence, folder / "s.wav")
            pause = 0.6 if number % 5 == 0 else rng.uniform(0.2, 1.2)
            timeline.extend(array.array("h", bytes(2 * round(pause * rate))))
            onset = len(timeline) / rate
            (anchors if number % 5 == 0 else inside).append((len(words), onset))
            timeline.extend(samples)
            words += sentence.split()
            number += 1
    timeline.extend(array.array("h", bytes(2 * round(0.6 * rate))))
    if sys.byteorder == "big":
        timeline.byteswap()
    wav = folder / "talk.wav"
    with wave.open(str(wav), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(timeline.tobytes())
    seconds = len(timeline) / rate
    wall, cpu = time.perf_counter(), _cpu()
    timings = align_words(wav, words, "eng", anchors)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    per_minute = wall / (seconds / 60)
    per_hour = per_minute * 60
    print(f"   {seconds / 60:.1f} min of audio, {len(words)} words ({len(set(words))} distinct): {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU (this process and its children)")
    print(f"   {per_minute:.3f} s per minute of audio, {per_hour:.1f} s per hour: "
          f"{'met' if per_hour <= TARGET_PER_HOUR else 'NOT MET'}; CPU {cpu / (seconds / 60):.3f} s per minute "
          f"(audio over {align.CHUNK_SECONDS:g} s is aligned in pieces on every core)")
    errors = [abs(timings[word].start - onset) for word, onset in inside]
    p90 = statistics.quantiles(errors, n=10, method="inclusive")[-1] if len(errors) > 1 else errors[0]
    print(f"   sentences starting inside a paragraph ({len(errors)}): first word starts a median "
          f"{statistics.median(errors):.3f} s from the speech, 90th percentile {p90:.3f} s, max {max(errors):.3f} s")
    low = sum(t.confidence < 0.5 for t in timings)
    print(f"   words with confidence under 0.5: {low} of {len(timings)}")
