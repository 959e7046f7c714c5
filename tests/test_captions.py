"""Captions: cue cutting, timing rules, WebVTT output (checked by npm webvtt-parser), figures."""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorm_builder.captions import (
    ASSUMED_CPS,
    FAST_CPS,
    MAX_DURATION,
    MAX_LINE_CHARS,
    MIN_DURATION,
    MIN_GAP,
    NO_BREAK_AFTER,
    SLOW_CPS,
    SLOW_MIN_PAUSE,
    CaptionStats,
    CaptionWarning,
    Cue,
    caption_stats,
    ends_sentence,
    label_tokens,
    make_cues,
    to_webvtt,
    voice_name,
    word_key,
)
from scorm_builder.transcript import Paragraph, parse_transcript

ROOT = Path(__file__).resolve().parent.parent
from tests.conftest import SEED  # noqa: E402

PARSER = ROOT / "node_modules" / "webvtt-parser"
EPS = 1e-6
HARD_ENDINGS = {"a", "an", "the", "my", "your", "his", "her", "its", "our", "their", "of", "to", "and",
                "or", "but", "this", "these", "those", "every", "each", "with", "for", "in", "on"}


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def para(start: float, text: str, speaker: str | None = None, line: int = 1,
         labelled: bool = False) -> Paragraph:
    return Paragraph(start, speaker, text, line, labelled)


def cue_words(cue: Cue) -> list[str]:
    """The cue's words with the visible label removed."""
    words = " ".join(cue.lines).split()
    if cue.show_label:
        assert cue.speaker is not None
        label = label_tokens(cue.speaker)
        assert words[: len(label)] == label
        words = words[len(label):]
    return words


def slow_span(paragraph: Paragraph, cues: Sequence[Cue]) -> int:
    """Milliseconds a slow paragraph's cues may share from its timestamp (display and gaps).

    Its characters at ``ASSUMED_CPS`` rounded up to a millisecond; the slack over that is only
    what the cues need, when larger: each its minimum duration, or the time to read it (label
    included) at 20 characters a second if longer, and the gap after it (issue 12).
    """
    needs = sum(max(ms(MIN_DURATION), math.ceil(len(cue.text) * 1000 / FAST_CPS)) + ms(MIN_GAP) for cue in cues)
    return max(math.ceil(len(paragraph.text) * 1000 / ASSUMED_CPS), needs)


def is_slow(paragraph: Paragraph, spoken: int, window: int, cues: Sequence[Cue]) -> bool:
    """Spoken at under ``SLOW_CPS`` over ``spoken`` ms, and capping frees ``SLOW_MIN_PAUSE``."""
    return (len(paragraph.text) * 1000 < SLOW_CPS * spoken
            and window - slow_span(paragraph, cues) >= ms(SLOW_MIN_PAUSE))


def check(paragraphs: list[Paragraph], end: float | None, cues: list[Cue],
          warnings: list[CaptionWarning]) -> None:
    """Every promise of ``make_cues`` (see its docstring), with the exact exceptions."""
    tight = {w.paragraph for w in warnings if "cannot hold" in w.message}
    slow = {w.paragraph for w in warnings if "is slow" in w.message}
    assert not tight & slow
    assert all(w.line == paragraphs[w.paragraph].line for w in warnings)
    end_known = end is not None and ms(end) > ms(paragraphs[-1].start)
    previous_speaker: str | None = None
    for index, paragraph in enumerate(paragraphs):
        own = [cue for cue in cues if cue.paragraph == index]
        assert own, "every paragraph has cues"
        # every word, in order, nothing added
        assert [w for cue in own for w in cue_words(cue)] == paragraph.text.split()
        assert own[0].start == pytest.approx(paragraph.start, abs=0.0005)
        # labels: first cue of each speaker turn only; every cue carries the speaker
        turn = paragraph.speaker is not None and (
            previous_speaker is None or paragraph.speaker.casefold() != previous_speaker.casefold())
        assert [cue.show_label for cue in own] == [turn] + [False] * (len(own) - 1)
        assert all(cue.speaker == paragraph.speaker for cue in own)
        previous_speaker = paragraph.speaker
        # the window, the slow paragraphs' span, and the tight exception
        if index + 1 < len(paragraphs):
            window = ms(paragraphs[index + 1].start) - ms(paragraph.start)
            spoken = window
        elif end_known:
            assert end is not None
            window = ms(end) + ms(MIN_GAP) - ms(paragraph.start)
            spoken = ms(end) - ms(paragraph.start)
        else:
            window = spoken = None
        if window is not None and spoken is not None:
            assert (index in slow) == is_slow(paragraph, spoken, window, own)
        else:
            assert index not in slow                 # an estimated end is never a pause
        if index in slow:
            # the cues share the span as if it were the window: the rest has no cue
            window = slow_span(paragraph, own)
            assert index not in tight
            gap = ms(MIN_GAP)
            limit = ms(paragraph.start) + window - gap
            assert ms(own[-1].end) in (limit, ms(own[-1].start) + ms(MAX_DURATION))
        elif window is not None:
            if index + 1 == len(paragraphs):
                assert end is not None
                assert ms(own[-1].end) == ms(end) or ms(own[-1].end) == ms(own[-1].start) + ms(MAX_DURATION)
            assert (index in tight) == (len(own) * ms(MIN_DURATION + MIN_GAP) > window)
            if index + 1 < len(paragraphs):
                gap = min(ms(MIN_GAP), window // len(own) // 2)
                limit = ms(paragraph.start) + window - gap
                # not slow: the cues fill the whole window, as before slow paragraphs were capped
                assert ms(own[-1].end) in (limit, ms(own[-1].start) + ms(MAX_DURATION))
            else:
                gap = min(ms(MIN_GAP), (window - ms(MIN_GAP)) // (2 * len(own) - 1))
                limit = ms(paragraph.start) + window - gap
            assert ms(own[-1].end) <= limit
        else:
            gap = ms(MIN_GAP)
        # the last paragraph's cues must end by the media end, so that span is what they share
        span = ms(end) - ms(paragraph.start) if end_known and end is not None and index + 1 == len(paragraphs) \
            and index not in slow else window
        for cue in own:
            # more than 2 lines only when the window is under 2 ms a cue (whole-ms WebVTT times)
            assert 1 <= len(cue.lines) <= 2 or (span is not None and span // len(own) < 4)
            for line in cue.lines:
                # a line may only be over the limit when it is one word (or the label alone)
                label = " ".join(label_tokens(cue.speaker)) if cue.show_label and cue.speaker else None
                assert len(line) <= MAX_LINE_CHARS or len(line.split()) == 1 or line == label, line
            duration = ms(cue.end) - ms(cue.start)
            assert 0 < duration <= ms(MAX_DURATION)
            if duration < ms(MIN_DURATION):
                assert index in tight, (cue, window)
        for first, second in itertools.pairwise(own):
            assert ms(second.start) - ms(first.end) >= gap
    for first, second in itertools.pairwise(cues):
        assert second.paragraph >= first.paragraph
        assert ms(second.start) > ms(first.end) or (
            first.paragraph in tight and ms(second.start) >= ms(first.end))
        if first.paragraph not in tight:
            assert ms(second.start) - ms(first.end) >= ms(MIN_GAP)


# --- basic behaviour -------------------------------------------------------------------------


def test_empty() -> None:
    assert make_cues([], 10.0) == ([], [])
    assert caption_stats([]) == CaptionStats(0, 0, 0.0, 0.0, 0.0, 0.0, 0)


def test_short_paragraph_is_one_cue_ending_at_media_end() -> None:
    paragraphs = [para(1.5, "Hello there, and welcome.", "ANN", labelled=True)]
    cues, warnings = make_cues(paragraphs, 4.0)
    assert warnings == []
    assert cues == [Cue(1.5, 4.0, "ANN", ("ANN: Hello there, and welcome.",), 0, True)]


def test_paragraphs_do_not_share_cues_and_leave_the_gap() -> None:
    paragraphs = [para(0, "First speaker says a few words.", "ANN"),
                  para(3, "Second speaker answers.", "BEN"),
                  para(6, "And the first one goes on without a label.", "BEN")]
    cues, warnings = make_cues(paragraphs, 9.0)
    check(paragraphs, 9.0, cues, warnings)
    assert [(c.start, c.end, c.paragraph, c.show_label) for c in cues] == [
        (0.0, 2.917, 0, True), (3.0, 5.917, 1, True), (6.0, 9.0, 2, False)]
    assert cues[1].lines == ("BEN: Second speaker answers.",)


def test_label_shown_again_after_a_paragraph_without_speaker() -> None:
    paragraphs = [para(0, "One.", "ANN"), para(2, "Music plays."), para(4, "Two.", "ANN")]
    cues, _ = make_cues(paragraphs, 6.0)
    assert [c.show_label for c in cues] == [True, False, True]
    assert cues[1].speaker is None


def test_long_paragraph_is_split_into_two_line_cues_in_proportion() -> None:
    text = ("So, we see, for example, if anesthetists visit patients prior to surgery and are "
            "compassionate rather than give sedatives, then patients have a much lower requirement "
            "for painkillers post-surgery and they have a much shorter length of stay.")
    paragraphs = [para(305.8, text, "MICHAEL")]
    cues, warnings = make_cues(paragraphs, 321.0)
    check(paragraphs, 321.0, cues, warnings)
    assert len(cues) >= 3
    assert cues[0].lines[0].startswith("MICHAEL: So, we see,")
    # proportional: each cue's share of the window follows its character count
    chars = [len(" ".join(cue_words(c))) + 1 for c in cues]
    for cue, next_cue, count in zip(cues, cues[1:], chars, strict=False):
        share = (next_cue.start - cue.start) / (321.083 - 305.8)
        assert share == pytest.approx(count / sum(chars), abs=0.002)


def test_line_and_cue_breaks_avoid_function_words() -> None:
    text = ("We looked at the evidence for the whole of the health and care system in England and "
            "at what their staff told us about the quality of the care that they give every day.")
    cues, _ = make_cues([para(0, text)], 12.0)
    for cue in cues[:-1]:
        for line in cue.lines:
            assert line.split()[-1].lower() not in HARD_ENDINGS, cue.lines
    assert cues[-1].lines[0].split()[-1].lower() not in HARD_ENDINGS


def test_sentence_ends_are_preferred_breaks() -> None:
    text = "Absolutely. In terms of what we have learned over the last year, do you think so? Yes."
    cues, _ = make_cues([para(0, text)], 10.0)
    assert any(line.endswith("year,") or line.endswith("Absolutely.") for c in cues for line in c.lines)
    assert not any(line.startswith("-") for c in cues for line in c.lines)


def test_dash_never_starts_a_line() -> None:
    text = ("where clinicians - doctors, nurses, AHPs - are compassionate in their interaction "
            "with patients, for example with diabetes or HIV, outcomes are just so much better")
    cues, _ = make_cues([para(0, text)], 12.0)
    assert not any(line.split()[0] in {"-", "–"} for c in cues for line in c.lines)


def test_media_ending_just_after_the_last_paragraph_squeezes_its_cues() -> None:
    # 2 ms of media for three lines' worth of text: one cue with every line (found by hypothesis)
    paragraphs = [para(0.0, "a " + "x" * 43 + " a")]
    cues, warnings = make_cues(paragraphs, 0.002)
    check(paragraphs, 0.002, cues, warnings)
    assert [cue.lines for cue in cues] == [("a", "x" * 43, "a")]


def test_long_word_gets_its_own_line() -> None:
    url = "https://example.org/a/very/long/address/that/cannot/be/broken"
    paragraphs = [para(0, f"See {url} for more.", "ANN")]
    cues, warnings = make_cues(paragraphs, 8.0)
    check(paragraphs, 8.0, cues, warnings)
    assert url in [line for c in cues for line in c.lines]
    assert any("longer than a caption line" in w.message for w in warnings)


def test_cues_last_at_most_seven_seconds() -> None:
    # 66 characters in 8.2 s (8.05 cps: not slow) make one cue that would last 8.1 s
    text = "Now watch the whole handover at the bedside, from start to finish."
    paragraphs = [para(0, text), para(8.2, "Next.")]
    cues, warnings = make_cues(paragraphs, 10.2)
    check(paragraphs, 10.2, cues, warnings)
    assert warnings == []
    assert cues[0].end == pytest.approx(MAX_DURATION)


# --- rates, tight windows and warnings ------------------------------------------------------------


def test_fast_paragraph_warns_and_keeps_every_word() -> None:
    text = "That is in the NHS staff survey? Yes, that is the one, the national staff survey."
    paragraphs = [para(10, text, "SUZIE", line=7), para(13, "Yes.", "MICHAEL", line=9)]
    cues, warnings = make_cues(paragraphs, 15.0)
    check(paragraphs, 15.0, cues, warnings)
    [warning] = warnings
    assert warning.line == 7 and warning.paragraph == 0 and "characters a second" in warning.message


def test_tight_window_shares_equally_and_warns() -> None:
    text = ("This paragraph has far too many words for the tiny window it was given by a wrong "
            "timestamp in the source transcript file.")
    paragraphs = [para(0, text, line=3), para(1.2, "Next.", line=5)]
    cues, warnings = make_cues(paragraphs, 3.0)
    check(paragraphs, 3.0, cues, warnings)
    assert len(cues) == 3
    assert [w.line for w in warnings] == [3]
    assert "cannot hold" in warnings[0].message
    assert cues[0].end - cues[0].start == pytest.approx(cues[1].end - cues[1].start, abs=0.002)
    assert cues[1].start - cues[0].end == pytest.approx(MIN_GAP)


def test_minimum_duration_lifts_short_cues() -> None:
    paragraphs = [para(0, "Yes. " + "word " * 30 + "end.")]
    cues, warnings = make_cues(paragraphs, 10.0)
    check(paragraphs, 10.0, cues, warnings)
    assert min(c.end - c.start for c in cues) >= MIN_DURATION - EPS


def test_end_estimated_from_speaking_rate() -> None:
    paragraphs = [para(0, "x" * 100), para(10, "y" * 50)]       # 10 characters a second
    cues, warnings = make_cues(paragraphs, None)
    check(paragraphs, None, cues, warnings)
    assert cues[-1].end == pytest.approx(15.0)
    [single] = make_cues([para(2, "z" * 30)], None)[0]          # default 15 cps
    assert single.end == pytest.approx(4.0)


def test_end_before_last_paragraph_is_reported() -> None:
    paragraphs = [para(0, "One."), para(10, "Two words.", line=4)]
    cues, warnings = make_cues(paragraphs, 9.0)
    assert any(w.line == 4 and "media ends" in w.message for w in warnings)
    assert cues[-1].start == 10.0 and cues[-1].end > 10.0


# --- WebVTT -------------------------------------------------------------------------------------


def test_voice_name() -> None:
    assert [voice_name(s) for s in ("SUZIE", "DR SMITH", "MARY-JANE O'NEIL", "Ann")] == \
        ["Suzie", "Dr Smith", "Mary-Jane O'Neil", "Ann"]


def test_webvtt_output() -> None:
    cues = [Cue(8.7, 10.5, "SUZIE", ("SUZIE: Hi Michael, <b> & -->",), 0, True),
            Cue(3723.5, 3725.25, "SUZIE", ("line one", "line two"), 0, False),
            Cue(3726.0, 3727.0, None, ("[music]",), 1, False)]
    assert to_webvtt(cues, "en-GB") == (
        "WEBVTT\n\nNOTE language: en-GB\n\n"
        "p1-1\n00:00:08.700 --> 00:00:10.500\n<v Suzie>SUZIE: Hi Michael, &lt;b&gt; &amp; --&gt;\n\n"
        "p1-2\n01:02:03.500 --> 01:02:05.250\n<v Suzie>line one\nline two\n\n"
        "p2-1\n01:02:06.000 --> 01:02:07.000\n[music]\n")


def test_stats() -> None:
    cues = [Cue(0, 1, None, ("x" * 18,), 0, False),          # 18 cps
            Cue(2, 3, None, ("x" * 10, "y" * 10), 0, False),  # 21 cps
            Cue(4, 8, None, ("z" * 30,), 1, False)]           # 7.5 cps
    stats = caption_stats(cues)
    assert stats == CaptionStats(3, 30, 2 / 3, 1 / 3, 1.0, 4.0, 2)
    assert "3 cues" in stats.summary()


def _node_check(documents: list[str]) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    assert PARSER.exists(), "run npm ci: node_modules/webvtt-parser is missing"
    script = """
const {WebVTTParser} = require(process.argv[1]);
const entities = require(process.argv[1] + '/html-entities.json');
const docs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = docs.map(d => {
  const tree = new WebVTTParser(entities).parse(d, 'metadata');
  return {errors: tree.errors, cues: tree.cues.map(c => ({start: c.startTime, end: c.endTime,
    text: c.text, voice: (c.tree.children.find(n => n.name === 'v') || {}).value || null}))};
});
process.stdout.write(JSON.stringify(out));
"""
    done = subprocess.run([node, "-e", script, str(PARSER)], input=json.dumps(documents),
                          capture_output=True, text=True, check=True, timeout=60)
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def _random_paragraphs(rng: random.Random) -> list[Paragraph]:
    vocab = ["the", "a", "care", "and", "<b>", "&", "x->y", "-->", "R&D", "‘quoted’", "Dr", "-",
             "compassion,", "end.", "why?", "staff", "health", "(aside)", "O’Neil", "naïve", "—"]
    start, paragraphs = rng.uniform(0, 5), []
    for _ in range(rng.randint(1, 6)):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 60)))
        paragraphs.append(para(round(start, 3), text, rng.choice([None, "ANN", "DR BEN", "Zoë"])))
        start += rng.uniform(0.3, 30)
    return paragraphs


def test_webvtt_parser_accepts_output() -> None:
    rng = random.Random(20240607)
    sets = [_random_paragraphs(rng) for _ in range(40)]
    cue_sets = [make_cues(paragraphs, None)[0] for paragraphs in sets]
    results = _node_check([to_webvtt(cues, "en-GB") for cues in cue_sets])
    for cues, result in zip(cue_sets, results, strict=True):
        assert result["errors"] == []
        parsed = result["cues"]
        assert isinstance(parsed, list) and len(parsed) == len(cues)
        for ours, theirs in zip(cues, parsed, strict=True):
            assert theirs["start"] == pytest.approx(ours.start, abs=0.0005)
            assert theirs["end"] == pytest.approx(ours.end, abs=0.0005)
            assert theirs["voice"] == (voice_name(ours.speaker) if ours.speaker else None)


# --- properties -------------------------------------------------------------------------------

_plain = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÀé’'", min_size=1, max_size=12)
_punctuated = st.tuples(st.sampled_from(["", "(", "‘", "\""]), _plain,
                        st.sampled_from(["", ".", ",", "?", "!", ";", ":", ")", "’", ".’", "…"])).map("".join)
_function = st.sampled_from(["the", "a", "an", "of", "to", "and", "but", "my", "their", "every", "very",
                             "Dr", "-", "—", "not", "is", "I", "we", "–"])
_word = st.one_of(_plain, _punctuated, _function, _function,
                  st.text(alphabet="xyz", min_size=43, max_size=50))          # rare over-long word
_speaker = st.sampled_from([None, "ANN", "DR BEN", "MARY-JANE O'NEIL", "Zoë"])


@st.composite
def transcripts(draw: st.DrawFn) -> tuple[list[Paragraph], float | None]:
    count = draw(st.integers(1, 6))
    start = draw(st.integers(0, 100_000))
    paragraphs = []
    for number in range(count):
        text = " ".join(draw(st.lists(_word, min_size=1, max_size=60)))
        paragraphs.append(Paragraph(start / 1000, draw(_speaker), text, 2 * number + 1, draw(st.booleans())))
        start += draw(st.one_of(st.integers(10, 3000), st.integers(3000, 60_000)))
    end = draw(st.one_of(st.none(), st.integers(1, 60_000).map(lambda d: (start + d) / 1000)))
    return paragraphs, end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts())
def test_cue_properties(case: tuple[list[Paragraph], float | None]) -> None:
    paragraphs, end = case
    cues, warnings = make_cues(paragraphs, end)
    check(paragraphs, end, cues, warnings)


@settings(max_examples=100, deadline=None)
@given(transcripts())
def test_fast_paragraphs_are_named(case: tuple[list[Paragraph], float | None]) -> None:
    paragraphs, end = case
    _cues, warnings = make_cues(paragraphs, end)
    named = {w.paragraph for w in warnings if "characters a second" in w.message or "cannot hold" in w.message}
    for index in range(len(paragraphs) - 1):
        window = paragraphs[index + 1].start - paragraphs[index].start
        if len(paragraphs[index].text) / window > FAST_CPS:
            assert index in named


# --- slow paragraphs (a pause or an untranscribed passage in the window) --------------------------


def test_slow_paragraph_captions_only_its_spoken_span() -> None:
    # 100 characters in a 60 s window (1.7 cps): then music, say, until the next paragraph
    text = ("Let me show you how we set out the ward board before the night shift arrives, "
            "and then we can begin.")
    assert len(text) == 100
    paragraphs = [para(0, text, "PRIYA", line=3), para(60, "So that is the board.", "PRIYA", line=5)]
    cues, warnings = make_cues(paragraphs, 62.0)
    check(paragraphs, 62.0, cues, warnings)
    [warning] = warnings
    assert (warning.line, warning.paragraph) == (3, 0)
    assert warning.message == ("this paragraph is slow (1.7 characters a second): captions span the first "
                               "7.1 s of its 60.0 s window; check for a pause or untranscribed passage")
    own = [cue for cue in cues if cue.paragraph == 0]
    # 100 / 14 cps = 7.143 s: the last cue ends a gap before that, the next 52.9 s have no cue
    assert [(cue.start, cue.end) for cue in own] == [(0.0, 3.17), (3.253, 7.06)]
    # before the cap: three cues at 0, 27.3 and 46.3 s, the last words shown ~40 s after they were said
    assert cues[len(own)].start == 60.0


def test_slow_last_paragraph_stops_before_the_media_end() -> None:
    paragraphs = [para(0, "Here is the last thing to say before the closing music."), ]
    cues, warnings = make_cues(paragraphs, 30.0)
    check(paragraphs, 30.0, cues, warnings)
    assert [cue.end for cue in cues] == [pytest.approx(55 / ASSUMED_CPS - MIN_GAP, abs=0.0015)]
    assert "is slow" in warnings[0].message
    # without a media duration the end is an estimate, never a pause: not slow
    assert not any("is slow" in w.message for w in make_cues(paragraphs, None)[1])


def test_short_reply_before_a_brief_pause_is_not_slow() -> None:
    # "Yes." in 2 s is 2 cps, but capping it would free under SLOW_MIN_PAUSE: timed as before
    paragraphs = [para(0, "Yes."), para(2, "And then what happened next?"), para(4.5, "Fine.")]
    cues, warnings = make_cues(paragraphs, 6.0)
    check(paragraphs, 6.0, cues, warnings)
    assert warnings == []
    assert cues[0].end == pytest.approx(2 - MIN_GAP)


def test_slow_threshold_is_strict() -> None:
    # exactly 8 cps is not slow; just under it is
    text = " ".join(["handover"] * 8 + ["kindness"])
    assert len(text) == 80
    at_threshold = make_cues([para(0, text), para(10.0, "Next.")], 12.0)
    assert at_threshold[1] == []
    under = make_cues([para(0, text), para(10.001, "Next.")], 12.0)
    assert ["is slow" in w.message for w in under[1]] == [True]
    last = [cue for cue in under[0] if cue.paragraph == 0][-1]
    assert last.end == pytest.approx(math.ceil(80_000 / ASSUMED_CPS) / 1000 - MIN_GAP)


@st.composite
def paused_transcripts(draw: st.DrawFn) -> tuple[list[Paragraph], float | None]:
    """Paragraphs spoken at 6 to 20 characters a second, each followed by a pause of 0-60 s."""
    paragraphs, start = [], draw(st.integers(0, 10_000))
    for number in range(draw(st.integers(1, 4))):
        text = " ".join(draw(st.lists(st.one_of(_sentence, _word), min_size=1, max_size=5)))
        paragraphs.append(Paragraph(start / 1000, draw(_speaker), text, 2 * number + 1, True))
        spoken = math.ceil(len(text) * 1000 / draw(st.sampled_from([6, 8, 10, 12, 14, 17, 20])))
        start += spoken + draw(st.one_of(st.just(0), st.integers(0, 3000), st.integers(0, 60_000)))
    end = draw(st.one_of(st.none(), st.just(start / 1000)))
    return paragraphs, end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paused_transcripts())
def test_slow_paragraph_cues_end_within_the_spoken_span(case: tuple[list[Paragraph], float | None]) -> None:
    """No cue of a slow paragraph ends after ``t_k + slow_span`` (its characters at ASSUMED_CPS,
    plus only the slack the cues' minimum durations need), and its cues are those the paragraph
    gets when its window really is that span (a copy whose next timestamp is moved there).
    """
    paragraphs, end = case
    cues, warnings = make_cues(paragraphs, end)
    check(paragraphs, end, cues, warnings)
    slow = {w.paragraph for w in warnings if "is slow" in w.message}
    for index in slow:
        paragraph = paragraphs[index]
        own = [cue for cue in cues if cue.paragraph == index]
        span = slow_span(paragraph, own)
        assert all(ms(cue.end) <= ms(paragraph.start) + span for cue in own)
        if span == math.ceil(len(paragraph.text) * 1000 / ASSUMED_CPS):
            # the copy: same paragraphs up to this one, the next timestamp at t_k + span
            copy = [*paragraphs[:index + 1], para((ms(paragraph.start) + span) / 1000, "next")]
            again, copy_warnings = make_cues(copy, copy[-1].start + 5)
            assert not any(w.paragraph == index and "is slow" in w.message for w in copy_warnings)
            assert [cue for cue in again if cue.paragraph == index] == own


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paused_transcripts())
def test_paragraphs_that_are_not_slow_fill_their_window(case: tuple[list[Paragraph], float | None]) -> None:
    """A paragraph that is not slow is timed over its whole window, as before slow paragraphs were
    capped: its last cue ends one gap before the next timestamp (or at the media end), unless the
    7 s maximum stops it earlier."""
    paragraphs, end = case
    cues, warnings = make_cues(paragraphs, end)
    slow = {w.paragraph for w in warnings if "is slow" in w.message}
    for index, paragraph in enumerate(paragraphs):
        if index in slow:
            continue
        own = [cue for cue in cues if cue.paragraph == index]
        if index + 1 < len(paragraphs):
            window = ms(paragraphs[index + 1].start) - ms(paragraph.start)
            stop = ms(paragraph.start) + window - min(ms(MIN_GAP), window // len(own) // 2)
        elif end is not None and ms(end) > ms(paragraph.start):
            stop = ms(end)
        else:
            continue
        assert ms(own[-1].end) in (stop, ms(own[-1].start) + ms(MAX_DURATION))


# --- sentence tails ------------------------------------------------------------------------------
#
# A cue's *sentence tail* is its opening words up to and including the first word that ends a
# sentence (``ends_sentence``), when that sentence began in the previous cue of the same paragraph
# (the previous cue's last word does not end a sentence). The previous cue *had room* for a tail
# when its visible text followed by the tail fits one line of 42 characters, or two such lines
# broken between two units where the first does not end with a no-break word (``NO_BREAK_AFTER``,
# compared by ``word_key``) and the second does not start with a dash; a visible label is one unit.
# Property: outside squeezed paragraphs (absurdly short windows), no cue opens with a tail of 1-3
# words the previous cue had room for. Longer tails, and tails without room, are only discouraged.


def sentence_tail(previous: Cue, cue: Cue, most: int) -> list[str]:
    """The cue's sentence tail if it is at most ``most`` words long, else []."""
    before, words = cue_words(previous), cue_words(cue)
    if not before or ends_sentence(before[-1]):
        return []
    for count, word in enumerate(words[:most], start=1):
        if ends_sentence(word):
            return words[:count]
    return []


def had_room(previous: Cue, tail: list[str]) -> bool:
    units = cue_words(previous)
    if previous.show_label:
        assert previous.speaker is not None
        units = [" ".join(label_tokens(previous.speaker)), *units]
    units += tail
    if len(" ".join(units)) <= MAX_LINE_CHARS:
        return True
    return any(len(" ".join(units[:split])) <= MAX_LINE_CHARS
               and len(" ".join(units[split:])) <= MAX_LINE_CHARS
               and word_key(units[split - 1]) not in NO_BREAK_AFTER
               and not units[split].startswith(("-", "–", "—"))
               for split in range(1, len(units)))


def test_had_room_definition() -> None:
    previous = Cue(0, 2, "ANN", ("ANN: we talk about the handover",), 0, True)
    assert had_room(previous, ["today."])
    full = Cue(0, 2, None, ("we talk about the handover and how the last",
                            "ten minutes of a long shift can be"), 0, False)
    assert not had_room(full, ["kinder."])
    # two lines would fit only by breaking after "the": no room
    tight = Cue(0, 2, None, ("aaaa bbbb cccc dddd eeee ffff gggg hhhh the",), 0, False)
    assert not had_room(tight, ["iiii jjjj kkkk llll mmmm nnnn oooo ppp."])
    cue = Cue(2, 3, None, ("today. Then more",), 0, False)
    assert sentence_tail(previous, cue, 2) == ["today."]
    assert sentence_tail(Cue(0, 2, None, ("It ends.",), 0, False), cue, 2) == []


_lower = st.text(alphabet="abcdefghijklmnopqrstuvwxyz’", min_size=1, max_size=9)
_sentence = st.tuples(
    st.lists(st.one_of(_lower, _lower, _lower, _punctuated, _function), max_size=25), _lower,
    st.sampled_from([".", "?", "!", ".’", "…"]),
).map(lambda parts: " ".join([*parts[0], parts[1] + parts[2]]))


@st.composite
def sentence_transcripts(draw: st.DrawFn) -> tuple[list[Paragraph], float | None]:
    """Paragraphs of sentences (the last may run on), spoken at 3 to 25 characters a second.

    Slow paragraphs matter: their cues must stay under 7 s, so the cue search wants short cues
    and a sentence's last words are tempting to cut off.
    """
    paragraphs, start = [], draw(st.integers(0, 10_000))
    for number in range(draw(st.integers(1, 3))):
        text = " ".join(draw(st.lists(_sentence, min_size=1, max_size=6)))
        if draw(st.booleans()):
            text += " " + " ".join(draw(st.lists(_word, min_size=1, max_size=10)))
        paragraphs.append(Paragraph(start / 1000, draw(_speaker), text, 2 * number + 1, True))
        start += len(text) * draw(st.sampled_from([40, 60, 80, 120, 200, 330]))
    end = draw(st.one_of(st.none(), st.just(start / 1000)))
    return paragraphs, end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentence_transcripts())
def test_no_sentence_tail_of_three_words_or_fewer_when_the_previous_cue_had_room(
        case: tuple[list[Paragraph], float | None]) -> None:
    paragraphs, end = case
    cues, warnings = make_cues(paragraphs, end)
    check(paragraphs, end, cues, warnings)
    squeezed = {w.paragraph for w in warnings if "more than" in w.message}
    for previous, cue in itertools.pairwise(cues):
        if cue.paragraph != previous.paragraph or cue.paragraph in squeezed:
            continue
        tail = sentence_tail(previous, cue, 3)
        assert not (tail and had_room(previous, tail)), (previous.lines, cue.lines)


def _cue_texts(text: str, speaker: str | None = None) -> list[str]:
    cues, warnings = make_cues([para(0, text, speaker)], len(text) / 14)
    check([para(0, text, speaker)], len(text) / 14, cues, warnings)
    return [" ".join(cue_words(cue)) for cue in cues]


def test_cues_end_at_sentence_ends_not_one_word_into_the_next() -> None:
    texts = _cue_texts(
        "I think it’s really encouraging, it’s not just the moral value of doing compassionate "
        "leadership and having compassion in our work but actually that it makes economic sense "
        "as well for all of those reasons. It’s also good to see it coming into public policy. "
        "I’m reminded of Julia Unwin’s work for the Carnegie Trust about the importance of "
        "bringing greater kindness and compassion into public policy.", "SUZIE")
    assert any(text.endswith("reasons.") for text in texts), texts
    assert any(text.endswith("into public policy.") for text in texts[:-1]), texts
    assert not any(text.endswith(("I’m", "I’m reminded", "It’s", "It’s also")) for text in texts), texts


def test_a_sentence_tail_stays_with_its_sentence() -> None:
    texts = _cue_texts(
        "So we know there’s a difference between merely being sympathetic and empathic and being "
        "compassionate which has that extra helping element to it. Neuroscience studies show that "
        "when we ask people to be sympathetic or empathic to another person in pain, that it’s "
        "associated with the activation of pain centres in the brain.", "MICHAEL")
    assert any(text.endswith("element to it.") for text in texts), texts
    assert not any(text.startswith(("it.", "to it.")) for text in texts), texts


def test_long_sentence_breaks_at_its_comma_and_ends_before_a_preposition() -> None:
    text = ("When the night shift has been hard, the person handing over needs a moment to say so "
            "before anyone starts on the list of beds and jobs.")
    cues, _ = make_cues([para(0, text)], 10.0)
    assert cues[0].lines[0] == "When the night shift has been hard,"
    assert [cue_words(cue)[-1] for cue in cues] == ["moment", "jobs."]


def test_a_new_sentence_starts_a_new_line() -> None:
    text = ("We finish every handover with one simple question that everybody on the ward can ask. "
            "Why? It shows we care.")
    cues, _ = make_cues([para(0, text)], 10.0)
    assert cues[-1].lines == ("that everybody on the ward can ask.", "Why? It shows we care.")


def test_unavoidable_tail_is_kept() -> None:
    # the over-long word is a cue on its own, so the one-word end of its sentence starts the next
    url = "https://example.org/a/very/long/address/that/cannot/be/broken"
    texts = _cue_texts(f"Look at {url} now. Then we start.")
    assert texts == ["Look at", url, "now. Then we start."]


# --- the seed -------------------------------------------------------------------------------------


def _seed_paragraphs() -> list[Paragraph]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if re.fullmatch(r"\d[\d:.]*", line.strip()))
    stop = next(i for i, line in enumerate(lines) if line.startswith("Having explored why kindness"))
    return parse_transcript("\n".join(lines[first:stop]) + "\n", Path("seed.txt"))


@pytest.mark.skipif(not SEED.exists(), reason="no shared seed page here")
def test_seed_captions(capsys: pytest.CaptureFixture[str]) -> None:
    paragraphs = _seed_paragraphs()
    assert len(paragraphs) == 24
    began = time.perf_counter()
    cues, warnings = make_cues(paragraphs, None)
    vtt = to_webvtt(cues, "en-GB")
    elapsed = time.perf_counter() - began
    check(paragraphs, None, cues, warnings)
    stats = caption_stats(cues)
    with capsys.disabled():
        print(f"\nseed captions: {stats.summary()}; generated in {elapsed * 1000:.0f} ms")
        for warning in warnings:
            print(f"  seed.txt:{warning.line}: {warning.message}")
    assert stats.max_lines <= 2 and stats.longest_line <= MAX_LINE_CHARS
    assert stats.shortest >= MIN_DURATION - EPS and stats.longest <= MAX_DURATION + EPS
    assert stats.share_over_20_cps < 0.15
    assert elapsed < 5
    # the two paragraphs whose own rate is over 20 cps are named, nothing else is (none is slow)
    assert all("characters a second (over 20)" in w.message for w in warnings)
    assert {w.line for w in warnings} <= {p.line for p in paragraphs}
    for cue in cues:
        for line in cue.lines:
            assert line.split()[-1].lower() not in HARD_ENDINGS, cue.lines
    if shutil.which("node") is not None:
        [result] = _node_check([vtt])
        assert result["errors"] == []
