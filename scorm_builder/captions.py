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
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from scorm_builder.linebreaks import (
    LINKS,
    NO_BREAK_AFTER,
    break_cost,
    ends_clause,
    ends_sentence,
    is_dash_start,
    word_key,
)
from scorm_builder.transcript import Paragraph

__all__ = [
    "ASSUMED_CPS",
    "LINKS",
    "NO_BREAK_AFTER",
    "SLOW_CPS",
    "SLOW_MIN_PAUSE",
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

MAX_LINES = 2
MAX_LINE_CHARS = 42
MIN_DURATION = 0.833          # seconds (20 frames at 24 fps)
MAX_DURATION = 7.0
MIN_GAP = 0.083               # two frames at 24 fps
TARGET_CPS = 17.0             # reported: share of cues above it
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

_MIN_MS = round(MIN_DURATION * 1000)
_MAX_MS = round(MAX_DURATION * 1000)
_GAP_MS = round(MIN_GAP * 1000)
_SLOT_MS = _MIN_MS + _GAP_MS          # a cue's share of the window: its display time plus the gap
_PAUSE_MS = round(SLOW_MIN_PAUSE * 1000)

# Costs of cue choices (line-break costs live in linebreaks.py).
_COST_LABEL_ALONE = 25.0
_COST_CUE = 4.0                # per cue: prefer fewer, fuller cues
_COST_SHORT_SLOT = 60.0        # at most, for a cue whose estimated share is below the minimum
_COST_LONG_SLOT = 3.0          # per second of estimated share beyond the 7 s maximum
_CUE_END_WEIGHT = 3.0          # a cue end costs this many times the same line break
_COST_TAIL = (0.0, 16.0, 12.0, 8.0)   # a cue opening with the last 1, 2, 3 words of a sentence
_COST_HEAD = (0.0, 12.0, 9.0, 6.0)    # a cue closing with the first 1, 2, 3 words of a sentence
_TAIL_WORDS = 3                # tails and heads this short are penalised
_HARD_TAIL_WORDS = 3           # tails this short are never left when the cue before has room
_COST_FRAGMENT = 6.0           # a short cue that stops mid-clause ("It's also good")
_FRAGMENT_CHARS = 25
_TARGET_CHARS = 50             # cues shorter than this pay for it (quadratically) ...
_COST_SHORT_CUE = 4.0          # ... up to this much for an empty one
_COST_FAST = 1.0               # per character a second over the target, label included
_COST_MID_LINE_SENTENCE = 1.5  # a sentence ending inside a line (new sentences start a line)

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
# _COST_SHORT_CUE * ((_TARGET_CHARS - chars) / _TARGET_CHARS) ** 2 for each chars under the target
_SHORT_CUE = [_COST_SHORT_CUE * ((_TARGET_CHARS - chars) / _TARGET_CHARS) ** 2 for chars in range(_TARGET_CHARS)]


class _Tokens:
    """The label and words of one paragraph with the per-token facts the search needs, computed once."""

    def __init__(self, label: Sequence[str], words: Sequence[str]) -> None:
        self.tokens = tokens = [*label, *words]
        self.label = len(label)
        self.pos = [0]
        for token in tokens:
            self.pos.append(self.pos[-1] + len(token) + 1)
        facts = [_token_facts(token) for token in tokens]
        ends = [fact[0] for fact in facts]
        self.sentence = ends
        self.clause = [fact[1] for fact in facts]
        self.ends_before = [0]
        for flag in ends:
            self.ends_before.append(self.ends_before[-1] + flag)
        self.pair = [_break_cost(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1)]
        # no_break[i]: a line must not end with token i (or the next line start with token i + 1)
        self.no_break = [facts[i][2] or facts[i + 1][3] for i in range(len(tokens) - 1)]
        # next_end[i]: the first sentence end at or after token i; last_end[i]: the last one before i
        count = len(tokens)
        self.next_end = [count] * (count + 1)
        for i in range(count - 1, -1, -1):
            self.next_end[i] = i if ends[i] else self.next_end[i + 1]
        self.last_end = [-1] * (count + 1)
        for i in range(1, count + 1):
            self.last_end[i] = i - 1 if ends[i - 1] else self.last_end[i - 1]

    def chars(self, lo: int, hi: int) -> int:
        return self.pos[hi] - self.pos[lo] - 1

    def inner_ends(self, lo: int, hi: int) -> int:
        """Sentence ends before the last token of the line [lo, hi)."""
        return self.ends_before[hi - 1] - self.ends_before[lo]

    def layout(self, lo: int, hi: int) -> tuple[int, float] | None:
        """Best split of tokens [lo, hi) into one line (split 0) or two; None when none fits.

        At lo == 0 the label comes first: never broken inside, and costly to leave alone.
        """
        if self.chars(lo, hi) <= MAX_LINE_CHARS:
            return 0, _COST_MID_LINE_SENTENCE * self.inner_ends(lo, hi)
        label = self.label if lo == 0 else 0
        best_cost, best_split = math.inf, 0
        for split in range(lo + max(1, label), hi):
            top, bottom = self.chars(lo, split), self.chars(split, hi)
            if top > MAX_LINE_CHARS:
                break
            if bottom > MAX_LINE_CHARS:
                continue
            cost = self.pair[split - 1]
            cost += _COST_MID_LINE_SENTENCE * (self.inner_ends(lo, split) + self.inner_ends(split, hi))
            if split == label:
                cost += _COST_LABEL_ALONE
            cost += abs(top - bottom) / 8 + (0.5 if top > bottom else 0.0)
            if cost < best_cost:
                best_cost, best_split = cost, split
        return (best_split, best_cost) if best_split else None

    def fits_well(self, lo: int, hi: int) -> bool:
        """Tokens [lo, hi) fit one line, or two at a break not after a no-break word or before a dash.

        This is what "the cue had room" means for sentence tails (the tests use the same rule).
        """
        pos = self.pos
        pos_lo, pos_hi = pos[lo], pos[hi]
        if pos_hi - pos_lo - 1 <= MAX_LINE_CHARS:
            return True
        label = self.label if lo == 0 else 0
        # splits before the first whose bottom line fits cannot answer, and their top lines are shorter
        split = bisect_left(pos, pos_hi - MAX_LINE_CHARS - 1, lo + max(1, label), hi)
        no_break = self.no_break
        while split < hi:
            if pos[split] - pos_lo - 1 > MAX_LINE_CHARS:
                return False
            if not no_break[split - 1]:
                return True
            split += 1
        return False

    def tail(self, lo: int) -> int:
        """Words of a sentence begun before token lo that finish it from lo (0: none, or > 3)."""
        if lo == 0 or self.sentence[lo - 1]:
            return 0
        end = self.next_end[lo]
        words = end - lo + 1
        return words if end < len(self.tokens) and words <= _TAIL_WORDS and lo >= self.label else 0

    def head(self, lo: int, hi: int) -> int:
        """Words of a sentence that starts inside tokens [lo, hi) and carries on after hi (0: none)."""
        if self.sentence[hi - 1]:
            return 0
        end = self.last_end[hi]
        words = hi - 1 - end
        return words if end >= lo and words <= _TAIL_WORDS else 0

    def lines(self, lo: int, hi: int, split: int) -> tuple[str, ...]:
        if split:
            return " ".join(self.tokens[lo:split]), " ".join(self.tokens[split:hi])
        if lo == 0 and self.label and self.chars(lo, hi) > MAX_LINE_CHARS:
            # a single over-long word after the label: the word gets a line of its own
            return " ".join(self.tokens[:self.label]), " ".join(self.tokens[self.label:hi])
        return (" ".join(self.tokens[lo:hi]),)


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


def _segment(words: Sequence[str], label: Sequence[str], window_ms: float) -> list[_Piece]:
    """Choose cue boundaries by dynamic programming over word boundaries.

    A cue's cost: a fixed cost per cue; its line layout (break quality, balance, sentence ends
    inside a line); its end, weighted more than a line break (sentence end best, then clause
    punctuation, then before a conjunction or preposition); a sentence tail it opens with or a
    sentence head it closes with (1-3 words); a short cue, more so when it stops mid-clause; and
    timing, from its estimated share of the window (under the minimum, or over 7 s).

    Hard rules: every cue fits 2 x 42 characters unless it is a single over-long word, and a cue
    never opens with the last one to three words of a sentence when the cue before could have taken
    them (``_Tokens.fits_well``) - moving them there always gives another valid segmentation, so
    the rule never leaves a paragraph without one.

    Among cues of equal cost the one that starts latest wins. Every cost term is non-negative, so
    a candidate is dropped as soon as part of its cost exceeds the best so far: most never reach
    the line layout, the costly part. The work grows linearly with the paragraph (a cue holds at
    most ``2 x 42`` characters), and nothing here allocates per candidate.
    """
    text = _Tokens(label, words)
    shift = text.label                       # token index = word index + shift
    count = len(words)
    total = text.chars(shift, shift + count) + 1
    limit = MAX_LINES * MAX_LINE_CHARS + 1
    line_end = MAX_LINE_CHARS + 1            # pos[split] - pos[lo] <= line_end: the top line fits
    inf = math.inf
    best: list[float] = [0.0] + [inf] * count
    back_first = [-1] * (count + 1)          # where the best cue ending at each boundary starts
    back_split = [0] * (count + 1)           # and its line split (0: one line)
    # cost of ending a cue at each word boundary, and of starting one there (sentence tails)
    end_cost = [0.0] * (count + 1)
    start_cost = [0.0] * (count + 1)
    tail_end = [0] * (count + 1)             # token after a 1-3 word tail starting at word i, or 0
    for boundary in range(1, count):
        at = boundary + shift
        end_cost[boundary] = _CUE_END_WEIGHT * text.pair[at - 1]
        tail = text.tail(at)
        start_cost[boundary] = _COST_TAIL[tail]
        if 0 < tail <= _HARD_TAIL_WORDS:
            tail_end[boundary] = at + tail
    pos, sentence, clause, pair, ends_before = text.pos, text.sentence, text.clause, text.pair, text.ends_before
    short_cue = _SHORT_CUE
    # opening[first]: the cost so far of a cue starting at word ``first`` (known once best[first] is)
    opening = [inf] * (count + 1)
    opening[0] = best[0] + _COST_CUE + start_cost[0]
    earliest = 0                             # no cue ending at ``last`` may start before this word
    fits = text.fits_well
    for last in range(1, count + 1):
        hi = last + shift
        end_pos = pos[hi]
        stop = tail_end[last] if last < count else 0
        inner = last < count
        closing = end_cost[last] if inner else 0.0
        fragment = inner and not (sentence[hi - 1] or clause[hi - 1])
        head_words, head_from = 0, hi        # a sentence head this cue would close with, from token
        if inner and not sentence[hi - 1]:
            sentence_end = text.last_end[hi]
            if sentence_end >= 0 and hi - 1 - sentence_end <= _TAIL_WORDS:
                head_words, head_from = hi - 1 - sentence_end, sentence_end
        while earliest < last - 1 and end_pos - pos[earliest + shift if earliest else 0] - 1 > limit:
            earliest += 1
        current = inf
        chosen_first, chosen_split = -1, 0
        # fits_well(lo, stop) only ever turns from False to True as lo grows: remember where
        fits_from, fails_to = inf, -1
        for first in range(earliest, last):
            cost = opening[first] + closing
            if cost > current or cost == inf:
                continue
            chars = end_pos - pos[first + shift] - 1
            if chars < _TARGET_CHARS:
                cost += short_cue[chars]
                if cost > current:
                    continue
            lo = 0 if first == 0 else first + shift
            pos_lo = pos[lo]
            shown_chars = end_pos - pos_lo - 1            # label included
            weight = chars + 1
            slot = window_ms * weight / total
            if inner:
                cost += _COST_HEAD[head_words if head_from >= lo else 0]
                if fragment and weight <= _FRAGMENT_CHARS:
                    cost += _COST_FRAGMENT
            rate = shown_chars * 1000 / ((slot if slot > _SLOT_MS else _SLOT_MS) - _GAP_MS)
            if rate > TARGET_CPS:
                cost += _COST_FAST * (rate - TARGET_CPS)
            if slot < _SLOT_MS:
                cost += _COST_SHORT_SLOT * (_SLOT_MS - slot) / _SLOT_MS
            if slot - _GAP_MS > _MAX_MS:
                cost += _COST_LONG_SLOT * (slot - _GAP_MS - _MAX_MS) / 1000
            if cost > current:
                continue                         # the layout only adds to the cost
            # the line layout (_Tokens.layout, inlined): one line, or the best of the two-line splits
            split = 0
            if shown_chars <= MAX_LINE_CHARS:
                layout_cost = _COST_MID_LINE_SENTENCE * (ends_before[hi - 1] - ends_before[lo])
            else:
                label_end = shift if lo == 0 else 0
                layout_cost = inf
                inner_lo, inner_hi = ends_before[lo], ends_before[hi - 1]
                at = bisect_left(pos, end_pos - line_end, lo + label_end if label_end > 1 else lo + 1, hi)
                while at < hi:
                    top = pos[at] - pos_lo - 1
                    if top > MAX_LINE_CHARS:
                        break
                    bottom = end_pos - pos[at] - 1
                    if top > bottom and (top - bottom) / 8 + 0.5 >= layout_cost:
                        break                    # later splits are less balanced still: none can be better
                    option = pair[at - 1]
                    option += _COST_MID_LINE_SENTENCE * ((ends_before[at - 1] - inner_lo)
                                                         + (inner_hi - ends_before[at]))
                    if at == label_end:
                        option += _COST_LABEL_ALONE
                    option += (top - bottom) / 8 + 0.5 if top > bottom else (bottom - top) / 8 + 0.0
                    if option < layout_cost:
                        layout_cost, split = option, at
                    at += 1
                if not split:
                    if first < last - 1:
                        continue
                    layout_cost = 0.0            # one over-long word
            cost += layout_cost
            if cost > current:
                continue
            if stop:                             # would the next cue open with a tail this one can take?
                if lo >= fits_from:
                    continue
                if lo > fails_to:
                    if fits(lo, stop):
                        fits_from = lo
                        continue
                    fails_to = lo
            current, chosen_first, chosen_split = cost, first, split
        best[last] = current
        back_first[last], back_split[last] = chosen_first, chosen_split
        if last < count:
            opening[last] = best[last] + _COST_CUE + start_cost[last]
    pieces: list[_Piece] = []
    position = count
    while position > 0:
        first, split = back_first[position], back_split[position]
        assert first >= 0
        lo = 0 if first == 0 else first + shift
        pieces.append(_Piece(first, position, text.lines(lo, position + shift, split)))
        position = first
    pieces.reverse()
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
