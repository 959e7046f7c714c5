"""Captions a person timed (a WebVTT or SRT file), kept exactly as written.

A designer who has timed captions by hand knows better than our proportional estimate, so their
cues are never re-timed, merged or re-broken. They are checked against the same caption rules
the generated cues follow (``captions.py``: 2 lines of 42 characters, 0.833-7 s, reading rate,
no overlap), and every breach is a warning at the cue's timing line, never a silent change.
"""

from __future__ import annotations

from collections.abc import Sequence

from scorm_builder.captions import (
    FAST_CPS,
    MAX_DURATION,
    MAX_LINE_CHARS,
    MAX_LINES,
    MIN_DURATION,
    CaptionWarning,
    Cue,
    cue_cps,
)
from scorm_builder.transcript import Paragraph, SourceCue, format_seconds, split_label


def kept_cues(source: Sequence[SourceCue], paragraphs: Sequence[Paragraph],
              end: float | None) -> tuple[list[Cue], list[CaptionWarning]]:
    """The file's cues as ``Cue``s (same times, same lines), with a warning for each rule broken.

    Each cue belongs to the last paragraph that starts at or before it, so the interactive
    transcript can follow the captions. ``end`` is the media duration, when known.
    """
    cues: list[Cue] = []
    warnings: list[CaptionWarning] = []
    starts = [round(p.start * 1000) for p in paragraphs]
    previous: SourceCue | None = None
    for item in source:
        at = round(item.start * 1000)
        index = max((i for i, start in enumerate(starts) if start <= at), default=0)
        label, _ = split_label(item.text)
        speaker = item.voice or label
        cue = Cue(item.start, item.end, speaker, item.lines, index, label is not None)
        cues.append(cue)

        def warn(message: str, line: int = item.line, paragraph: int = index) -> None:
            warnings.append(CaptionWarning(line, paragraph, message))

        for number, text in enumerate(item.lines, start=1):
            if len(text) > MAX_LINE_CHARS:
                warn(f"line {number} of this cue has {len(text)} characters (a caption line holds "
                     f"{MAX_LINE_CHARS}); it is kept as written")
        if len(item.lines) > MAX_LINES:
            warn(f"this cue has {len(item.lines)} lines (captions show at most {MAX_LINES}); "
                 "it is kept as written")
        if cue.duration < MIN_DURATION:
            warn(f"this cue lasts {cue.duration:.3f} s, under the {MIN_DURATION} s a caption needs "
                 "to be read; it is kept as timed")
        elif cue.duration > MAX_DURATION:
            warn(f"this cue lasts {cue.duration:.3f} s, over the {MAX_DURATION:.0f} s a caption "
                 "should stay; it is kept as timed")
        rate = cue_cps(cue)
        if item.lines and rate > FAST_CPS:
            warn(f"this cue runs at {rate:.1f} characters a second (over {FAST_CPS:.0f}), hard to "
                 "read; it is kept as timed")
        if previous is not None and round(item.start * 1000) < round(previous.end * 1000):
            warn(f"this cue starts at {format_seconds(item.start)} s, before the previous cue ends "
                 f"({format_seconds(previous.end)} s, line {previous.line}): both show at once")
        if end is not None and round(item.end * 1000) > round(end * 1000):
            warn(f"this cue ends at {format_seconds(item.end)} s, after the media ends "
                 f"({format_seconds(end)} s)")
        previous = item
    return cues, warnings
