"""Where a paragraph's cues begin and end: the dynamic programme at the heart of the captions.

This module is the hot loop of every build with a transcript (about 1 s of CPU per MB of text in
CPython), so it is kept free of project imports and of anything but lists of ints, floats and
bools: the wheel's build compiles it with mypyc when it can (``scripts/build_native.py``; about
twice as fast, the same results), and ``scorm_builder.native`` loads that copy only while it was
compiled from exactly this file. ``captions._segment`` turns words into the lists taken here.

Tokens are the label's words (``DR SMITH:``) then the paragraph's words; a cue's text is its
tokens joined by single spaces, so its length is known from the tokens' lengths alone.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Final

MAX_LINES: Final = 2
MAX_LINE_CHARS: Final = 42
MIN_DURATION: Final = 0.833          # seconds (20 frames at 24 fps)
MAX_DURATION: Final = 7.0
MIN_GAP: Final = 0.083               # two frames at 24 fps
TARGET_CPS: Final = 17.0             # reported: share of cues above it

MIN_MS: Final = round(MIN_DURATION * 1000)
MAX_MS: Final = round(MAX_DURATION * 1000)
GAP_MS: Final = round(MIN_GAP * 1000)
SLOT_MS: Final = MIN_MS + GAP_MS     # a cue's share of the window: its display time plus the gap

# Costs of cue choices (line-break costs live in linebreaks.py).
_COST_LABEL_ALONE: Final = 25.0
_COST_CUE: Final = 4.0                # per cue: prefer fewer, fuller cues
_COST_SHORT_SLOT: Final = 60.0        # at most, for a cue whose estimated share is below the minimum
_COST_LONG_SLOT: Final = 3.0          # per second of estimated share beyond the 7 s maximum
_CUE_END_WEIGHT: Final = 3.0          # a cue end costs this many times the same line break
_COST_TAIL: Final = (0.0, 16.0, 12.0, 8.0)   # a cue opening with the last 1, 2, 3 words of a sentence
_COST_HEAD: Final = (0.0, 12.0, 9.0, 6.0)    # a cue closing with the first 1, 2, 3 words of a sentence
_TAIL_WORDS: Final = 3                # tails and heads this short are penalised
_HARD_TAIL_WORDS: Final = 3           # tails this short are never left when the cue before has room
_COST_FRAGMENT: Final = 6.0           # a short cue that stops mid-clause ("It's also good")
_FRAGMENT_CHARS: Final = 25
_TARGET_CHARS: Final = 50             # cues shorter than this pay for it (quadratically) ...
_COST_SHORT_CUE: Final = 4.0          # ... up to this much for an empty one
_COST_FAST: Final = 1.0               # per character a second over the target, label included
_COST_MID_LINE_SENTENCE: Final = 1.5  # a sentence ending inside a line (new sentences start a line)

# _COST_SHORT_CUE * ((_TARGET_CHARS - chars) / _TARGET_CHARS) ** 2 for each chars under the target
_SHORT_CUE: Final = [_COST_SHORT_CUE * ((_TARGET_CHARS - chars) / _TARGET_CHARS) ** 2 for chars in range(_TARGET_CHARS)]


class Tokens:
    """A paragraph's tokens as the search needs them: positions and per-token facts, computed once.

    ``lengths[i]`` is token i's length; ``sentence[i]`` / ``clause[i]``: it ends a sentence / a
    clause; ``pair[i]``: the cost of a line break between tokens i and i + 1; ``no_break[i]``: no
    line may end after token i (or start with token i + 1).
    """

    def __init__(self, lengths: list[int], label: int, sentence: list[bool], clause: list[bool],
                 pair: list[float], no_break: list[bool]) -> None:
        self.label = label
        self.count = count = len(lengths)
        pos = [0]
        for length in lengths:
            pos.append(pos[-1] + length + 1)
        self.pos = pos
        self.sentence = sentence
        self.clause = clause
        self.pair = pair
        self.no_break = no_break
        ends_before = [0]
        for flag in sentence:
            ends_before.append(ends_before[-1] + (1 if flag else 0))
        self.ends_before = ends_before
        # next_end[i]: the first sentence end at or after token i; last_end[i]: the last one before i
        next_end = [count] * (count + 1)
        for i in range(count - 1, -1, -1):
            next_end[i] = i if sentence[i] else next_end[i + 1]
        self.next_end = next_end
        last_end = [-1] * (count + 1)
        for i in range(1, count + 1):
            last_end[i] = i - 1 if sentence[i - 1] else last_end[i - 1]
        self.last_end = last_end

    def chars(self, lo: int, hi: int) -> int:
        return self.pos[hi] - self.pos[lo] - 1

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
        return words if end < self.count and words <= _TAIL_WORDS and lo >= self.label else 0


def segment(text: Tokens, window_ms: float) -> list[tuple[int, int, int]]:
    """Choose cue boundaries by dynamic programming over word boundaries: (first, last, split) each.

    A cue holds words [first, last) (word index = token index - the label's tokens); ``split`` is
    the token its second line starts with, 0 for one line.

    A cue's cost: a fixed cost per cue; its line layout (break quality, balance, sentence ends
    inside a line); its end, weighted more than a line break (sentence end best, then clause
    punctuation, then before a conjunction or preposition); a sentence tail it opens with or a
    sentence head it closes with (1-3 words); a short cue, more so when it stops mid-clause; and
    timing, from its estimated share of the window (under the minimum, or over 7 s).

    Hard rules: every cue fits 2 x 42 characters unless it is a single over-long word, and a cue
    never opens with the last one to three words of a sentence when the cue before could have taken
    them (``Tokens.fits_well``) - moving them there always gives another valid segmentation, so
    the rule never leaves a paragraph without one.

    Among cues of equal cost the one that starts latest wins. Every cost term is non-negative, so
    a candidate is dropped as soon as part of its cost exceeds the best so far: most never reach
    the line layout, the costly part. The work grows linearly with the paragraph (a cue holds at
    most ``2 x 42`` characters), and nothing here allocates per candidate.
    """
    shift = text.label                       # token index = word index + shift
    count = text.count - shift
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
    last_end = text.last_end
    short_cue = _SHORT_CUE
    # opening[first]: the cost so far of a cue starting at word ``first`` (known once best[first] is)
    opening = [inf] * (count + 1)
    opening[0] = best[0] + _COST_CUE + start_cost[0]
    earliest = 0                             # no cue ending at ``last`` may start before this word
    for last in range(1, count + 1):
        hi = last + shift
        end_pos = pos[hi]
        stop = tail_end[last] if last < count else 0
        inner = last < count
        closing = end_cost[last] if inner else 0.0
        fragment = inner and not (sentence[hi - 1] or clause[hi - 1])
        head_words, head_from = 0, hi        # a sentence head this cue would close with, from token
        if inner and not sentence[hi - 1]:
            sentence_end = last_end[hi]
            if sentence_end >= 0 and hi - 1 - sentence_end <= _TAIL_WORDS:
                head_words, head_from = hi - 1 - sentence_end, sentence_end
        while earliest < last - 1 and end_pos - pos[earliest + shift if earliest else 0] - 1 > limit:
            earliest += 1
        current = inf
        chosen_first, chosen_split = -1, 0
        # fits_well(lo, stop) only ever turns from False to True as lo grows: remember where
        fits_from, fails_to = count + shift + 1, -1
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
            rate = shown_chars * 1000 / ((slot if slot > SLOT_MS else SLOT_MS) - GAP_MS)
            if rate > TARGET_CPS:
                cost += _COST_FAST * (rate - TARGET_CPS)
            if slot < SLOT_MS:
                cost += _COST_SHORT_SLOT * (SLOT_MS - slot) / SLOT_MS
            if slot - GAP_MS > MAX_MS:
                cost += _COST_LONG_SLOT * (slot - GAP_MS - MAX_MS) / 1000
            if cost > current:
                continue                         # the layout only adds to the cost
            # the line layout: one line, or the best of the two-line splits
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
                    if text.fits_well(lo, stop):
                        fits_from = lo
                        continue
                    fails_to = lo
            current, chosen_first, chosen_split = cost, first, split
        best[last] = current
        back_first[last], back_split[last] = chosen_first, chosen_split
        if last < count:
            opening[last] = best[last] + _COST_CUE + start_cost[last]
    pieces: list[tuple[int, int, int]] = []
    position = count
    while position > 0:
        first = back_first[position]
        assert first >= 0
        pieces.append((first, position, back_split[position]))
        position = first
    pieces.reverse()
    return pieces
