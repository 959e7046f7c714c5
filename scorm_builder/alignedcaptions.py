"""Captions timed from the audio: each cue starts when its first word is spoken, ends when its last is done.

Given the time of every word (``align.align_words``), a paragraph is cut into *runs* of speech at
every pause longer than ``PAUSE_SPLIT`` (so no cue spans one and a long silence leaves the screen
empty), each run into cues by the same dynamic programme as proportional captions
(``captions._segment``: 2 lines of 42, sentence and clause ends), and each cue is timed from its
words within the caption rules (0.833-7 s, 2 frames between cues, small gaps chained, time to
read). The paragraph timestamp stays the anchor: the paragraph's first cue starts there (so
"Play from" lands on it), no cue leaves the paragraph's window, and an aligner that hears the
paragraph more than ``ANCHOR_TOLERANCE`` away from its timestamps, or is unsure of its words,
is overruled: that paragraph is timed in proportion to its characters, with a warning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scorm_builder.align import WordTiming
from scorm_builder.captions import (
    FAST_CPS,
    MAX_DURATION,
    MIN_DURATION,
    MIN_GAP,
    TARGET_CPS,
    CaptionWarning,
    Cue,
    _segment,
    _words,
    cue_range,
    cue_timing,
    label_tokens,
)
from scorm_builder.transcript import Paragraph, format_seconds

PAUSE_SPLIT = 1.0          # seconds: a pause longer than this ends a cue (a11y.md 6.2, issue 13)
ANCHOR_TOLERANCE = 1.0     # seconds the aligner may differ from a paragraph's timestamps
LOW_CONFIDENCE = 0.6       # under this (mean word confidence, by characters) the aligner is overruled
LINGER = 0.5               # seconds a cue may stay after its last word to reach a comfortable rate
CHAIN = 0.5                # a gap shorter than this between cues is closed to MIN_GAP (a11y.md 5.1)

_MIN_MS = round(MIN_DURATION * 1000)
_MAX_MS = round(MAX_DURATION * 1000)
_GAP_MS = round(MIN_GAP * 1000)
_PAUSE_MS = round(PAUSE_SPLIT * 1000)
_LINGER_MS = round(LINGER * 1000)
_CHAIN_MS = round(CHAIN * 1000)
_TOLERANCE_MS = round(ANCHOR_TOLERANCE * 1000)


def transcript_words(paragraphs: Sequence[Paragraph]) -> list[str]:
    """Every word the aligner must find, in order (labels are not spoken, so not included)."""
    return [word for paragraph in paragraphs for word in _words(paragraph.text)]


def aligned_cues(paragraphs: Sequence[Paragraph], end: float | None,
                 timings: Sequence[WordTiming]) -> tuple[list[Cue], list[CaptionWarning]]:
    """Cues of ``paragraphs`` timed from ``timings`` (one per ``transcript_words`` word).

    Guarantees (the tests check them): every word, in order, in its own paragraph's cues; a
    paragraph's first cue starts at its timestamp and no cue ends after the next timestamp
    (less 2 frames) or the media end; at most 2 lines of 42 characters; no cue holds words on
    both sides of a pause longer than ``PAUSE_SPLIT``; the first cue of a speaker turn carries
    the label. A paragraph the aligner disagrees with is timed by ``captions.cue_range``.
    """
    if not paragraphs:
        return [], []
    end_ms, end_known, warnings = cue_timing(paragraphs, end)
    count = len(paragraphs)
    cues: list[Cue] = []
    offset = 0
    for index, paragraph in enumerate(paragraphs):
        words = _words(paragraph.text)
        mine = timings[offset:offset + len(words)]
        offset += len(words)
        if not words:
            continue
        start_ms = _ms(paragraph.start)
        limit = end_ms if index == count - 1 else _ms(paragraphs[index + 1].start) - _GAP_MS
        problem = _disagreement(paragraph, mine, start_ms, limit)
        made = None if problem else _time_paragraph(paragraphs, index, words, mine, start_ms, limit)
        if made is None:
            if problem is None:
                problem = (f"the {(limit - start_ms) / 1000:.2f} s window of this paragraph cannot hold its "
                           f"cues at the times its words are spoken, each shown for {MIN_DURATION} s")
            warnings.append(CaptionWarning(
                paragraph.line, index,
                f"{problem}; this paragraph's captions are timed in proportion to its characters "
                f"(check its timestamp, the transcript's words, or the media file)"))
            more_cues, more = cue_range(paragraphs, 0, index, index + 1, count, end_ms, end_known)
            cues += more_cues
            warnings += more
            continue
        cues += made
        fastest = max(len(cue.text) / cue.duration for cue in made)
        if fastest > FAST_CPS:
            warnings.append(CaptionWarning(
                paragraph.line, index,
                f"this paragraph is spoken at up to {fastest:.1f} characters a second (over "
                f"{FAST_CPS:.0f}): its captions keep every word and will be hard to read"))
    return cues, warnings


def _disagreement(paragraph: Paragraph, timings: Sequence[WordTiming], start_ms: int, limit: int) -> str | None:
    """Why the aligner's timing of this paragraph is not to be trusted, or None."""
    heard = _ms(timings[0].start)
    if abs(heard - start_ms) > _TOLERANCE_MS:
        return (f"the aligner hears this paragraph start at {format_seconds(heard / 1000)} s, "
                f"{abs(heard - start_ms) / 1000:.1f} s from its timestamp ({format_seconds(paragraph.start)} s)")
    finish = _ms(timings[-1].end)
    if finish > limit + _GAP_MS + _TOLERANCE_MS:
        return (f"the aligner hears this paragraph end at {format_seconds(finish / 1000)} s, "
                f"{(finish - limit - _GAP_MS) / 1000:.1f} s after the next timestamp or the media end")
    words = _words(paragraph.text)
    weight = sum(len(word) + 1 for word in words)
    confidence = sum((len(word) + 1) * timing.confidence for word, timing in zip(words, timings, strict=True))
    confidence /= weight
    if confidence < LOW_CONFIDENCE:
        return f"the aligner is unsure of this paragraph (confidence {confidence:.2f}, under {LOW_CONFIDENCE})"
    return None


def _time_paragraph(paragraphs: Sequence[Paragraph], index: int, words: Sequence[str],
                    timings: Sequence[WordTiming], start_ms: int, limit: int) -> list[Cue] | None:
    """The paragraph's cues, or None when its window cannot hold them at their minimum duration."""
    paragraph = paragraphs[index]
    previous = paragraphs[index - 1].speaker if index > 0 else None
    show_label = paragraph.speaker is not None and (
        index == 0 or previous is None or paragraph.speaker.casefold() != previous.casefold())
    label = label_tokens(paragraph.speaker) if show_label and paragraph.speaker is not None else []
    onsets = [_ms(t.start) for t in timings]
    ends = [_ms(t.end) for t in timings]
    # runs of speech between pauses longer than PAUSE_SPLIT
    runs: list[tuple[int, int]] = []
    first = 0
    for at in range(1, len(words)):
        if onsets[at] - ends[at - 1] > _PAUSE_MS:
            runs.append((first, at))
            first = at
    runs.append((first, len(words)))
    # (first word, last word + 1, lines)
    pieces: list[tuple[int, int, tuple[str, ...]]] = []
    for number, (lo, hi) in enumerate(runs):
        span = max(1, ends[hi - 1] - onsets[lo])
        for piece in _segment(words[lo:hi], label if number == 0 else [], span):
            pieces.append((lo + piece.first, lo + piece.last, piece.lines))
    # starts: the first word's onset, the first cue at the timestamp, each at least MIN + GAP apart
    starts: list[int] = []
    for number, (lo, _, _) in enumerate(pieces):
        at = start_ms if number == 0 else max(onsets[lo], starts[-1] + _MIN_MS + _GAP_MS)
        starts.append(min(max(at, start_ms), limit))
    # near the window's end, pull starts back so the last cue still has its minimum duration
    latest = limit - _MIN_MS
    for number in range(len(starts) - 1, 0, -1):
        starts[number] = min(starts[number], latest)
        latest = starts[number] - _MIN_MS - _GAP_MS
    if (latest < start_ms and len(starts) > 1) or starts[0] + _MIN_MS > limit:
        return None                  # too many cues for the window: the proportional timing shares it
    cues: list[Cue] = []
    for number, ((_, hi, lines), at) in enumerate(zip(pieces, starts, strict=True)):
        room = starts[number + 1] - _GAP_MS if number + 1 < len(pieces) else limit
        spoken = ends[hi - 1]
        chars = sum(len(line) for line in lines) + len(lines) - 1
        readable = at + max(_MIN_MS, math.ceil(chars * 1000 / FAST_CPS))
        comfortable = min(at + math.ceil(chars * 1000 / TARGET_CPS), spoken + _LINGER_MS)
        end = min(max(spoken, readable, comfortable), at + _MAX_MS, room)
        if room + _GAP_MS - end < _CHAIN_MS:       # a short gap is closed (it can hold no pause)
            end = min(room, at + _MAX_MS)
        cues.append(Cue(at / 1000, end / 1000, paragraph.speaker, lines, index, show_label and number == 0))
    return cues


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
