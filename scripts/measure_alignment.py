#!/usr/bin/env python3
"""How far caption cues that begin a sentence start from the speech, proportional against aligned.

Usage: python scripts/measure_alignment.py [COURSE_DIR ...]   (default: every course in course_src/)

For each step with media and a generated transcript, the truth is read from the audio: the
example media (scripts/make_example_media.py) speaks each paragraph as one espeak-ng utterance, so
inside a paragraph the sentences are separated by espeak's sentence pauses, the longest silences
of the paragraph. The onset of each sentence is taken as the end of the silence before it (the
first sentence's is its paragraph timestamp, measured from the audio when the media was made).
Silence here is what the media script calls silence (every sample within +-400 of 16-bit full
scale for 0.15 s or more), not the aligner's own silence finder, so the check is not circular.
Needs the ``align`` extra and ffmpeg; prints median, 90th percentile and maximum errors.
"""

from __future__ import annotations

import array
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorm_builder.captions import Cue, ends_sentence, label_tokens, make_cues  # noqa: E402
from scorm_builder.loader import load_course  # noqa: E402
from scorm_builder.plan import make_plan  # noqa: E402
from scorm_builder.transcript import Paragraph  # noqa: E402

RATE = 44_100
LEVEL = 400


def silences_of(media: Path) -> list[tuple[int, int]]:
    """(start, end) in ms of every run of samples within +-LEVEL lasting 0.15 s or more."""
    raw = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(media), "-vn", "-ac", "1",
                          "-ar", str(RATE), "-f", "s16le", "-"], capture_output=True, check=True).stdout
    samples = array.array("h", raw)
    if sys.byteorder == "big":
        samples.byteswap()
    found, begin = [], None
    for index, sample in enumerate(samples):
        if abs(sample) <= LEVEL:
            if begin is None:
                begin = index
        elif begin is not None:
            if index - begin >= 0.15 * RATE:
                found.append((round(begin * 1000 / RATE), round(index * 1000 / RATE)))
            begin = None
    return found


def sentence_onsets(paragraphs: tuple[Paragraph, ...], silences: list[tuple[int, int]],
                    end: float) -> list[list[float]]:
    """Onsets (s) of the sentences of each paragraph: after its longest silences, in order."""
    out = []
    for index, paragraph in enumerate(paragraphs):
        words = paragraph.text.split()
        count = sum(ends_sentence(word) for word in words[:-1]) + 1
        low = round(paragraph.start * 1000)
        high = round((paragraphs[index + 1].start if index + 1 < len(paragraphs) else end) * 1000)
        inside = [s for s in silences if low < s[0] and s[1] < high - 300]    # not the pause after it
        longest = sorted(sorted(inside, key=lambda s: s[1] - s[0], reverse=True)[:count - 1])
        out.append([paragraph.start] + [s[1] / 1000 for s in longest])
    return out


def errors(paragraphs: tuple[Paragraph, ...], cues: list[Cue], onsets: list[list[float]]) -> list[float]:
    """|start - onset| of each cue whose first word begins a sentence (paragraph starts excluded)."""
    found = []
    for index, paragraph in enumerate(paragraphs):
        own = [cue for cue in cues if cue.paragraph == index]
        words = paragraph.text.split()
        starts = [0] + [i + 1 for i, word in enumerate(words[:-1]) if ends_sentence(word)]
        at = 0
        for cue in own:
            shown = " ".join(cue.lines).split()
            if cue.show_label and cue.speaker is not None:
                shown = shown[len(label_tokens(cue.speaker)):]
            if at in starts and at > 0:
                found.append(abs(cue.start - onsets[index][starts.index(at)]))
            at += len(shown)
    return found


def summary(values: list[float]) -> str:
    p90 = statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
    return (f"median {statistics.median(values):.3f} s, 90th percentile {p90:.3f} s, "
            f"max {max(values):.3f} s over {len(values)} cues")


def main() -> None:
    courses = [Path(a) for a in sys.argv[1:]] or sorted(p.parent for p in (ROOT / "course_src").glob("*/course.yml"))
    for course in courses:
        loaded = load_course(course)
        plan = make_plan(loaded)
        for step, step_plan in zip(loaded.steps, plan.steps, strict=True):
            if step.media_path is None or not step.paragraphs or step.timed_cues or step.duration is None:
                continue
            silences = silences_of(step.media_path)
            onsets = sentence_onsets(step.paragraphs, silences, step.duration)
            before = errors(step.paragraphs, make_cues(step.paragraphs, step.duration)[0], onsets)
            after = errors(step.paragraphs, list(step_plan.cues), onsets)
            print(f"{course.name}/{step.id}: cues beginning a sentence inside a paragraph")
            print(f"  proportional: {summary(before)}")
            print(f"  aligned:      {summary(after)}")


if __name__ == "__main__":
    main()
