"""Captions cut from transcript paragraphs, timed without audio, written as WebVTT.

Paragraph timestamps are the only timing we have, so each paragraph's text is shared out over
its window in proportion to characters (see docs/architecture.md and a11y.md sections 5 and 6).
A *slow* paragraph (under ``SLOW_CPS``) is taken to hold a pause or an untranscribed passage: its
cues share only the first ``chars / ASSUMED_CPS`` seconds of the window and the rest is left
empty, with a warning (a11y.md 6.1 step 5), when that frees at least ``SLOW_MIN_PAUSE``.
The words are the transcript's words, verbatim and in order: when the source is too fast for
comfortable reading the captions run fast and a warning says so; nothing is ever dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from scorm_builder import native
from scorm_builder.linebreaks import (
    LINKS,
    NO_BREAK_AFTER,
    break_cost,
    ends_clause,
    ends_sentence,
    is_dash_start,
    word_key,
)
from scorm_builder.segment import GAP_MS as _GAP_MS
from scorm_builder.segment import MAX_DURATION, MAX_LINE_CHARS, MAX_LINES, MIN_DURATION, MIN_GAP, TARGET_CPS
from scorm_builder.segment import MAX_MS as _MAX_MS
from scorm_builder.segment import MIN_MS as _MIN_MS
from scorm_builder.segment import SLOT_MS as _SLOT_MS
from scorm_builder.transcript import Paragraph

__all__ = [
    "ASSUMED_CPS",
    "LINKS",
    "MAX_DURATION",
    "MAX_LINES",
    "MAX_LINE_CHARS",
    "MIN_DURATION",
    "MIN_GAP",
    "NO_BREAK_AFTER",
    "SLOW_CPS",
    "SLOW_MIN_PAUSE",
    "TARGET_CPS",
    "CaptionStats",
    "CaptionWarning",
    "Cue",
    "caption_stats",
    "cue_cps",
    "ends_clause",
    "ends_sentence",
    "label_tokens",
    "make_cues",
    "spoken_span_ms",
    "to_webvtt",
    "voice_name",
    "word_key",
]

FAST_CPS = 20.0               # a paragraph above it gets a warning
DEFAULT_CPS = 15.0            # speaking rate assumed when nothing better is known
ESTIMATE_CPS_RANGE = (8.0, 20.0)
# A paragraph under SLOW_CPS (characters / window) is *slow*. Continuous speech, even slow and
# deliberate teaching at ~110-120 words a minute, runs at 9-10 cps; under 8 (~95 wpm) the window
# almost certainly holds silence, music or a demonstration the transcript does not cover. It is
# also the slowest rate the end estimate above believes in (ESTIMATE_CPS_RANGE[0]).
SLOW_CPS = 8.0
# A slow paragraph's words are taken to be spoken at ASSUMED_CPS from its timestamp (a11y.md 6.1
# step 5). Just under the DEFAULT_CPS of 15 (~180 wpm, a typical presenter) so that, when the
# guess is wrong, captions linger a little after the words rather than vanish before them; at
# 100 characters the difference from 15 cps is under 0.5 s, well inside the 1.5 s sync budget.
ASSUMED_CPS = 14.0
# ... but only when capping frees at least SLOW_MIN_PAUSE seconds of the window. Sharing a window
# W instead of the span S moves no cue start or end by more than W - S, so below the 1.5 s sync
# budget (a11y.md 5.1) the usual timing is good enough, and short replies ("Yes." before a brief
# pause) are not reported.
SLOW_MIN_PAUSE = 1.5

_PAUSE_MS = round(SLOW_MIN_PAUSE * 1000)


_SPACE = re.compile(r"[ \t\r\n\f\v]+")


@dataclass(frozen=True)
class Cue:
    """One caption; ``lines`` is the visible text, including the ``NAME:`` label when shown.

    ``paragraph`` is the index of the source paragraph in the list given to ``make_cues``.
    """

    start: float
    end: float
    speaker: str | None
    lines: tuple[str, ...]
    paragraph: int
    show_label: bool

    @property
    def text(self) -> str:
        """The cue's visible text on one line (label included)."""
        return " ".join(self.lines)

    @property
    def duration(self) -> float:
        """Seconds on screen, in whole milliseconds as WebVTT stores them."""
        return (_ms(self.end) - _ms(self.start)) / 1000


@dataclass(frozen=True)
class CaptionWarning:
    """Something a reviewer should look at; ``line`` is the paragraph's line in the transcript."""

    line: int
    paragraph: int
    message: str


@dataclass(frozen=True)
class CaptionStats:
    """Figures that tell a reviewer whether the captions are comfortable to read."""

    cues: int
    longest_line: int              # characters
    share_over_17_cps: float       # 0..1
    share_over_20_cps: float       # 0..1
    shortest: float                # seconds
    longest: float                 # seconds
    max_lines: int

    def summary(self) -> str:
        """One line for build logs and the caption report script."""
        return (f"{self.cues} cues, longest line {self.longest_line} chars, "
                f"{self.share_over_17_cps:.0%} over 17 cps, {self.share_over_20_cps:.0%} over 20 cps, "
                f"durations {self.shortest:.3f}-{self.longest:.3f} s, at most {self.max_lines} lines")


def label_tokens(speaker: str) -> list[str]:
    """The visible label as words (``DR SMITH:`` is two), so tests can strip it again."""
    return f"{speaker}:".split()


@lru_cache(maxsize=1 << 16)
def _token_facts(token: str) -> tuple[bool, bool, bool, bool]:
    """(ends a sentence, ends a clause, no line may end after it, it starts with a dash), memoised."""
    return ends_sentence(token), ends_clause(token), word_key(token) in NO_BREAK_AFTER, is_dash_start(token)


_break_cost = lru_cache(maxsize=1 << 16)(break_cost)


# --------------------------------------------------------------------------------------------
# Cutting a paragraph into cues


@dataclass(frozen=True)
class _Piece:
    first: int                  # word index range [first, last)
    last: int
    lines: tuple[str, ...]


def _words(text: str) -> list[str]:
    """Words split on ASCII whitespace only, so a no-break space keeps its words together."""
    return [word for word in _SPACE.split(text) if word]


def token_facts(tokens: Sequence[str], label: int) -> tuple[list[int], int, list[bool], list[bool], list[float],
                                                           list[bool]]:
    """What ``segment.Tokens`` takes for these tokens (the label's ``label`` first): lengths, sentence
    and clause ends, line-break costs between neighbours and the no-break flags, from linebreaks.py."""
    facts = [_token_facts(token) for token in tokens]
    return ([len(token) for token in tokens], label, [fact[0] for fact in facts], [fact[1] for fact in facts],
            [_break_cost(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1)],
            [facts[i][2] or facts[i + 1][3] for i in range(len(tokens) - 1)])


def _segment(words: Sequence[str], label: Sequence[str], window_ms: float) -> list[_Piece]:
    """The paragraph's cues as word ranges and lines, chosen by ``segment.segment`` (the search).

    The words' facts come from linebreaks.py here, memoised across paragraphs; the search itself,
    compiled when it could be (``native``), sees only numbers.
    """
    tokens = [*label, *words]
    text = native.Tokens(*token_facts(tokens, len(label)))
    shift = len(label)
    pieces = []
    for first, last, split in native.segment(text, window_ms):
        lo, hi = (0 if first == 0 else first + shift), last + shift
        if split:
            lines: tuple[str, ...] = (" ".join(tokens[lo:split]), " ".join(tokens[split:hi]))
        else:
            line = " ".join(tokens[lo:hi])
            if lo == 0 and shift and len(line) > MAX_LINE_CHARS:
                # a single over-long word after the label: the word gets a line of its own
                lines = (" ".join(tokens[:shift]), " ".join(tokens[shift:hi]))
            else:
                lines = (line,)
        pieces.append(_Piece(first, last, lines))
    return pieces


def _squeeze(pieces: Sequence[_Piece], count: int) -> list[_Piece]:
    """Merge neighbouring pieces into ``count`` cues (more lines each) for an absurdly short window.

    WebVTT times are whole milliseconds, so a window under 2 ms a cue cannot hold the cues
    without overlap; more lines beat dropping words or crossing into the next paragraph.
    """
    size = math.ceil(len(pieces) / count)
    groups = [pieces[i:i + size] for i in range(0, len(pieces), size)]
    return [_Piece(group[0].first, group[-1].last, tuple(line for p in group for line in p.lines))
            for group in groups]


def _needs(pieces: Sequence[_Piece]) -> list[int]:
    """The slot each cue needs: its minimum duration, and time to read it at ``FAST_CPS``, plus the gap."""
    shown = [sum(len(line) for line in p.lines) + len(p.lines) - 1 for p in pieces]
    return [max(_SLOT_MS, math.ceil(chars * 1000 / FAST_CPS) + _GAP_MS) for chars in shown]


def _share(weights: Sequence[int], window_ms: int, needs: Sequence[int] | None = None) -> tuple[list[int], bool]:
    """Whole-millisecond slots summing to ``window_ms``, proportional to ``weights``.

    Every slot gets at least what it ``needs`` (by default the minimum duration plus the gap)
    when the window holds all the needs (such cues are lifted, the rest shared out again); when
    it only holds the minimum durations, those; otherwise the cues share the window equally,
    which keeps the shortest cue as long as possible. Returns (slots, tight).
    """
    count = len(weights)
    tight = count * _SLOT_MS > window_ms
    exact: list[float]
    if tight:
        exact = [window_ms / count] * count
    else:
        floor = list(needs) if needs is not None and sum(needs) <= window_ms else [_SLOT_MS] * count
        # Lift the cues whose share is under their floor, share the rest again, until none is.
        # A lifted cue has the least weight for its floor of those left, and lifting it only
        # raises the share of the others, so taking cues in that order finds the same cues as
        # testing every one each round, in time that grows as n log n, not n^2.
        order = sorted(range(count), key=lambda i: weights[i] / floor[i])
        lifted, weight, remaining = 0, sum(weights), window_ms
        while True:
            more = lifted
            while more < count and remaining * weights[order[more]] / weight < floor[order[more]]:
                more += 1
            if more == lifted:
                break
            weight -= sum(weights[i] for i in order[lifted:more])
            remaining -= sum(floor[i] for i in order[lifted:more])
            lifted = more
        exact = [float(f) for f in floor]
        for i in order[lifted:]:
            exact[i] = remaining * weights[i] / weight
    slots = [math.floor(value) for value in exact]
    order = sorted(range(count), key=lambda i: exact[i] - slots[i], reverse=True)
    for i in order[: window_ms - sum(slots)]:
        slots[i] += 1
    return slots, tight


def _estimate_rate(paragraphs: Sequence[Paragraph]) -> float:
    """Characters a second of all but the last paragraph, kept within a plausible range."""
    if len(paragraphs) < 2:
        return DEFAULT_CPS
    span = paragraphs[-1].start - paragraphs[0].start
    chars = sum(len(p.text) for p in paragraphs[:-1])
    if span <= 0 or chars <= 0:
        return DEFAULT_CPS
    low, high = ESTIMATE_CPS_RANGE
    return min(high, max(low, chars / span))


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def spoken_span_ms(chars: int, cues: int, needs: int = 0) -> int:
    """Milliseconds (display plus trailing gap) a slow paragraph's ``cues`` share from its start.

    The characters at ``ASSUMED_CPS``, rounded up, but never less than every cue needs for its
    minimum duration and the gap after it, nor than ``needs`` (the sum of ``_needs``: time to
    read each cue, label included, at ``FAST_CPS``).
    """
    return max(math.ceil(chars * 1000 / ASSUMED_CPS), cues * _SLOT_MS, needs)


def make_cues(paragraphs: Sequence[Paragraph], end: float | None) -> tuple[list[Cue], list[CaptionWarning]]:
    """Cut paragraphs into timed cues; ``end`` is the media duration (None: estimate it).

    Guarantees (the tests check them): every word, in order; at most 2 lines of 42 characters
    (a single longer word gets a line of its own); no cue crosses a paragraph; a paragraph's
    first cue starts at its timestamp; cues last at most 7 s; cues end at least 0.083 s before
    the next cue starts and at least 0.833 s after they start, except in a *tight* paragraph,
    whose window (to the next timestamp, or to ``end`` + 0.083 s for the last) is shorter than
    ``cues x (0.833 + 0.083)`` s: its cues share the window equally and a warning names it (the
    gap shrinks too only if the window gives a cue less than 0.166 s). The last paragraph ends
    at ``end``, or after its characters at the speaking rate of the others when ``end`` is None
    or not after the last timestamp.

    A *slow* paragraph, spoken at under ``SLOW_CPS`` over its window (to the next timestamp, or
    to a known ``end`` for the last), has its cues timed as if its window were
    ``spoken_span_ms(characters, cues)`` long - its characters at ``ASSUMED_CPS``, or the cues'
    minimum durations and gaps if longer - and a warning names it; the rest of the window has no
    cue. It is not slow, and is timed as usual, when that span would leave less than
    ``SLOW_MIN_PAUSE`` of the window free. The last paragraph is never slow when ``end`` is
    estimated.
    """
    if not paragraphs:
        return [], []
    end_ms, end_known, warnings = cue_timing(paragraphs, end)
    cues, more = cue_range(paragraphs, 0, 0, len(paragraphs), len(paragraphs), end_ms, end_known)
    return cues, warnings + more


def cue_timing(paragraphs: Sequence[Paragraph], end: float | None) -> tuple[int, bool, list[CaptionWarning]]:
    """What ``make_cues`` decides from the whole transcript before it cuts any paragraph.

    The end in whole milliseconds (the media's, or estimated from the speaking rate), whether it
    is the media's, and the warning when the media ends before the last paragraph starts.
    """
    warnings: list[CaptionWarning] = []
    final = paragraphs[-1]
    end_ms: int | None = _ms(end) if end is not None else None
    if end_ms is not None and end_ms <= _ms(final.start):
        warnings.append(CaptionWarning(final.line, len(paragraphs) - 1,
                                       f"the media ends at {end:.3f} s, before the last paragraph starts "
                                       f"({final.start:.3f} s); its captions run past the end"))
        end_ms = None
    end_known = end_ms is not None
    if end_ms is None:
        rate = _estimate_rate(paragraphs)
        # the label is read too: it counts as characters of the last paragraph
        label = len(" ".join(label_tokens(final.speaker))) + 1 \
            if final.speaker is not None and _shows_label(paragraphs, len(paragraphs) - 1) else 0
        end_ms = _ms(final.start) + max(_MIN_MS, math.ceil((label + len(final.text)) / rate * 1000))
    return end_ms, end_known, warnings


def _shows_label_after(para: Paragraph, index: int, previous_speaker: str | None) -> bool:
    """The speaker's label opens a paragraph's first cue when the speaker changes (or at the start)."""
    return para.speaker is not None and (
        index == 0 or previous_speaker is None or para.speaker.casefold() != previous_speaker.casefold())


def _shows_label(paragraphs: Sequence[Paragraph], index: int) -> bool:
    return _shows_label_after(paragraphs[index], index, paragraphs[index - 1].speaker if index else None)


def cue_range(near: Sequence[Paragraph], base: int, lo: int, hi: int, count: int, end_ms: int,
              end_known: bool) -> tuple[list[Cue], list[CaptionWarning]]:
    """The cues and warnings of paragraphs ``lo`` to ``hi - 1`` of a transcript of ``count``.

    Each paragraph's cues depend only on it, its neighbours and ``cue_timing``, so ranges can be
    cut on separate processes and joined in order (``cuepool``). ``near[i - base]`` is paragraph
    ``i`` for every ``i`` from ``lo - 1`` to ``hi`` that exists.
    """
    cues: list[Cue] = []
    warnings: list[CaptionWarning] = []
    for index in range(lo, hi):
        para = near[index - base]
        previous_speaker = near[index - 1 - base].speaker if index > 0 else None
        start_ms = _ms(para.start)
        is_last = index == count - 1
        next_ms = end_ms + _GAP_MS if is_last else _ms(near[index + 1 - base].start)
        window = next_ms - start_ms
        words = _words(para.text)
        if not words:
            continue
        show_label = _shows_label_after(para, index, previous_speaker)
        label = label_tokens(para.speaker) if show_label and para.speaker is not None else []
        # the words were spoken in [start, next timestamp) or, for the last, [start, media end)
        spoken_ms = end_ms - start_ms if is_last else window
        chars = len(para.text)
        seconds = spoken_ms / 1000
        rate = chars / seconds if seconds > 0 else math.inf
        # an estimated end is our own guess, not a measured pause: never cap against it
        span: int | None = None
        if chars * 1000 < SLOW_CPS * spoken_ms and (end_known or not is_last):
            pieces = _segment(words, label, spoken_span_ms(chars, 0))
            span = spoken_span_ms(chars, len(pieces), sum(_needs(pieces)))
            if window - span < _PAUSE_MS:            # too little to cap: time it as usual
                span = None
        if span is None:
            pieces = _segment(words, label, window)
        room = (end_ms - start_ms + 1) // 2 if is_last else window // 2
        if len(pieces) > max(1, room):
            pieces = _squeeze(pieces, max(1, room))
            warnings.append(CaptionWarning(
                para.line, index, f"the window of this paragraph is {window} ms: its cues carry "
                f"more than {MAX_LINES} lines so that each lasts at least 1 ms"))
        if span is not None:                         # slow: the cues share the spoken span only
            window = span
            gap = min(_GAP_MS, (window // len(pieces)) // 2)
        elif is_last:                                # the last cue ends exactly at the media end
            gap = min(_GAP_MS, (end_ms - start_ms) // (2 * len(pieces) - 1))
            window = end_ms + gap - start_ms
        else:
            gap = min(_GAP_MS, (window // len(pieces)) // 2)
        weights = [sum(len(w) + 1 for w in words[p.first:p.last]) for p in pieces]
        slots, tight = _share(weights, window, _needs(pieces))
        at = start_ms
        for number, (piece, slot) in enumerate(zip(pieces, slots, strict=True)):
            cue_end = min(at + slot - gap, at + _MAX_MS)
            cues.append(Cue(at / 1000, cue_end / 1000, para.speaker, piece.lines, index,
                            show_label and number == 0))
            at += slot
        if span is not None:
            shown = (_ms(cues[-1].end) - start_ms) / 1000
            warnings.append(CaptionWarning(
                para.line, index,
                f"this paragraph is slow ({rate:.1f} characters a second): captions span the "
                f"first {shown:.1f} s of its {seconds:.1f} s window; check for a pause or "
                f"untranscribed passage"))
        elif tight:
            warnings.append(CaptionWarning(
                para.line, index,
                f"the {seconds:.2f} s window of this paragraph cannot hold its {len(pieces)} "
                f"cues at {MIN_DURATION} s each; they share it equally ({rate:.1f} characters a "
                f"second): check the timestamps"))
        elif rate > FAST_CPS:
            warnings.append(CaptionWarning(
                para.line, index,
                f"this paragraph runs at {rate:.1f} characters a second (over {FAST_CPS:.0f}): its "
                f"captions keep every word and will be hard to read; check the timestamps"))
        for piece in pieces:
            if any(len(line) > MAX_LINE_CHARS for line in piece.lines):
                warnings.append(CaptionWarning(
                    para.line, index,
                    f"a word is longer than a caption line ({MAX_LINE_CHARS} characters)"))
                break
    return cues, warnings


# --------------------------------------------------------------------------------------------
# Output and figures


def voice_name(speaker: str) -> str:
    """Name for ``<v ...>``: a label in capitals (``DR SMITH``) becomes ``Dr Smith``."""
    return speaker.title() if speaker == speaker.upper() else speaker


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    secs, millis = divmod(millis, 1000)
    minutes, secs = divmod(secs, 60)
    return "%02d:%02d:%02d.%03d" % (minutes // 60, minutes % 60, secs, millis)  # noqa: UP031 (a third faster than f"")


def to_webvtt(cues: Sequence[Cue], language: str) -> str:
    """WebVTT text; the language goes in a NOTE because header metadata lines are not valid.

    Cue identifiers ``p<paragraph>-<n>`` match the transcript paragraph ids (``p1`` ...).
    """
    note = _escape(language).replace("--", "- -")
    out = ["WEBVTT", "", f"NOTE language: {note}", ""]
    counters: dict[int, int] = {}
    voices: dict[str, str] = {}
    for cue in cues:
        number = counters[cue.paragraph] = counters.get(cue.paragraph, 0) + 1
        out.append(f"p{cue.paragraph + 1}-{number}\n{_timestamp(cue.start)} --> {_timestamp(cue.end)}")
        text = "\n".join(cue.lines)
        if "&" in text or "<" in text or ">" in text:     # rare: escaping every line costs a tenth of the file
            text = _escape(text)
        if cue.speaker is not None:
            voice = voices.get(cue.speaker)
            if voice is None:
                voice = voices[cue.speaker] = _escape(voice_name(cue.speaker))
            text = f"<v {voice}>{text}"
        out.append(text)
        out.append("")
    return "\n".join(out)


def cue_cps(cue: Cue) -> float:
    """Reading rate: visible characters (label and spaces included) per second."""
    return len(cue.text) / cue.duration if cue.duration > 0 else math.inf


def caption_stats(cues: Sequence[Cue]) -> CaptionStats:
    """Figures for reports and tests (a11y.md 5.1 numbers)."""
    if not cues:
        return CaptionStats(0, 0, 0.0, 0.0, 0.0, 0.0, 0)
    over_17 = over_20 = longest_line = max_lines = 0
    durations = []
    for cue in cues:                             # one pass: the same figures as cue_cps and Cue.duration
        lines = cue.lines
        millis = round(cue.end * 1000) - round(cue.start * 1000)
        durations.append(millis)
        chars = max(sum(map(len, lines)) + len(lines) - 1, 0)   # len(cue.text)
        rate = chars * 1000 / millis if millis > 0 else math.inf
        over_17 += rate > TARGET_CPS
        over_20 += rate > FAST_CPS
        longest_line = max(longest_line, *map(len, lines)) if lines else longest_line
        max_lines = max(max_lines, len(lines))
    return CaptionStats(
        cues=len(cues),
        longest_line=longest_line,
        share_over_17_cps=over_17 / len(cues),
        share_over_20_cps=over_20 / len(cues),
        shortest=min(durations) / 1000,
        longest=max(durations) / 1000,
        max_lines=max_lines,
    )
