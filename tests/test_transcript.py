"""Transcript parsing: FutureLearn text, WebVTT, SRT, and the text exports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorm_builder.errors import SourceError
from scorm_builder.transcript import (
    Paragraph,
    format_clock,
    format_seconds,
    parse_clock,
    parse_transcript,
    split_label,
    to_futurelearn_text,
    to_plain_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
from tests.conftest import SEED  # noqa: E402


def parse(name: str) -> list[Paragraph]:
    path = FIXTURES / name
    return parse_transcript(path.read_bytes().decode("utf-8"), path)


def error_of(text: str, name: str = "t.txt") -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_transcript(text, Path(name))
    return caught.value


def seed_transcript() -> str:
    """The seed page's transcript part: first bare timestamp line to the line before the article."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if re.fullmatch(r"\d[\d:.]*", line.strip()))
    stop = next(i for i, line in enumerate(lines) if line.startswith("Having explored why kindness"))
    return "\n".join(lines[first:stop]) + "\n"


# --- FutureLearn text --------------------------------------------------------------------------


def test_no_speakers_fixture() -> None:
    paragraphs = parse("no_speakers.txt")
    assert [p.start for p in paragraphs] == [0.0, 4.5, 12.0]
    assert all(p.speaker is None and not p.labelled for p in paragraphs)
    assert paragraphs[1].text == "In this step we look at timing, line breaks and reading rates."
    assert [p.line for p in paragraphs] == [1, 4, 7]


def test_past_an_hour_and_clock_forms() -> None:
    paragraphs = parse("past_hour.txt")
    assert [p.start for p in paragraphs] == [3598.0, 3603.5, 3723.5, 3725.0]
    assert [p.speaker for p in paragraphs] == ["NARRATOR", "NARRATOR", "GUEST", "GUEST"]
    assert [p.labelled for p in paragraphs] == [True, False, True, False]
    assert paragraphs[0].text == "Nearly an hour in, we reach the last part."


def test_crlf_is_tolerated() -> None:
    assert b"\r\n" in (FIXTURES / "crlf.txt").read_bytes()
    paragraphs = parse("crlf.txt")
    assert paragraphs == [
        Paragraph(8.7, "SUZIE", "Hi Michael, this is a file with Windows line ends.", 1, True),
        Paragraph(23.4, "MICHAEL", "It still reads the same.", 4, True),
    ]


def test_labels_with_spaces_and_punctuation() -> None:
    paragraphs = parse("labels_with_spaces.txt")
    assert [p.speaker for p in paragraphs] == ["DR SMITH", "MARY-JANE O'NEIL", "DR SMITH", "DR SMITH"]
    assert [p.labelled for p in paragraphs] == [True, True, True, False]
    assert paragraphs[1].text == "Thank you, Dr Smith. Shall we start?"
    # a colon later in a sentence is not a label
    assert paragraphs[3].text == "Let us begin with the first question: why does timing matter?"


@pytest.mark.parametrize(("text", "expected"), [
    ("SUZIE: Hi", ("SUZIE", "Hi")),
    ("DR SMITH: Hello", ("DR SMITH", "Hello")),
    ("O’NEIL: Yes", ("O’NEIL", "Yes")),
    ("SPEAKER 2: Yes", ("SPEAKER 2", "Yes")),
    ("JOSÉ: Olá", ("JOSÉ", "Olá")),
    ("Note: not a label", (None, "Note: not a label")),
    ("10:30 is a time", (None, "10:30 is a time")),
    ("NHS:no space", (None, "NHS:no space")),
    (" SUZIE: leading space", (None, " SUZIE: leading space")),
])
def test_split_label(text: str, expected: tuple[str | None, str]) -> None:
    assert split_label(text) == expected


def test_verbatim_text_only_joins_lines() -> None:
    text = "1\n  MICHAEL:   Well,  there’s (this is me) ‘quoted’ – text\n  and more &amp; <b>  \n"
    [para] = parse_transcript(text, Path("t.txt"))
    assert para.text == "Well,  there’s (this is me) ‘quoted’ – text and more &amp; <b>"


def test_blank_lines_inside_a_paragraph_are_ignored() -> None:
    [para] = parse_transcript("\n\n5\n\nfirst line\n\nsecond line\n\n", Path("t.txt"))
    assert (para.text, para.line) == ("first line second line", 3)


def test_bom_is_dropped() -> None:
    [para] = parse_transcript("\ufeff2\nHello", Path("t.txt"))
    assert para.start == 2.0


def test_text_before_first_timestamp_names_the_line() -> None:
    error = error_of("\n\nIntro text\n8.7\nHello\n", "steps/a/transcript.txt")
    assert (error.location.line, str(error.location.path)) == (3, "steps/a/transcript.txt")
    assert "before the first timestamp" in error.message
    assert str(error).startswith("steps/a/transcript.txt:3:")


def test_timestamps_must_strictly_increase() -> None:
    error = error_of("8.7\nA\n1:00\nB\n59\nC\n")
    assert error.location.line == 5
    assert "59" in error.message and "60" in error.message and "line 3" in error.message
    assert error_of("8.7\nA\n8.7\nB\n").location.line == 3


@pytest.mark.parametrize("stamp", ["4:75", "1:60:00", "1:2:03", "8.7.1", "4:5"])
def test_malformed_timestamp(stamp: str) -> None:
    error = error_of(f"1\nA\n{stamp}\nB\n")
    assert error.location.line == 3 and "not a valid timestamp" in error.message


def test_timestamp_without_text() -> None:
    assert error_of("1\nA\n2\n3\nB\n").location.line == 3
    assert error_of("1\nA\n2\n").location.line == 3
    assert error_of("1\nSUZIE:\n").location.line == 1


def test_empty_transcript_and_unknown_suffix() -> None:
    assert "no paragraphs" in error_of("\n\n").message
    assert "unknown transcript type" in error_of("1\nA\n", "t.doc").message


@pytest.mark.parametrize(("text", "seconds"), [
    ("8.7", 8.7), ("190", 190.0), ("4:05", 245.0), ("1:02:03.5", 3723.5), ("75:00", 4500.0),
    ("10:00:00", 36000.0), ("4:75", None), ("abc", None), ("1:2", None),
])
def test_parse_clock(text: str, seconds: float | None) -> None:
    assert parse_clock(text) == seconds


@pytest.mark.parametrize(("seconds", "clock"), [
    (0, "0:00"), (8.7, "0:08"), (59.9994, "0:59"), (60, "1:00"), (774.3, "12:54"),
    (3599.9, "59:59"), (3600, "1:00:00"), (3723.5, "1:02:03"), (36000, "10:00:00"),
])
def test_format_clock(seconds: float, clock: str) -> None:
    assert format_clock(seconds) == clock


def test_format_seconds() -> None:
    assert [format_seconds(s) for s in (8.7, 190.0, 0.0, 0.0016, 3723.25)] == ["8.7", "190", "0", "0.002",
                                                                               "3723.25"]


# --- exports -------------------------------------------------------------------------------


def test_to_plain_text() -> None:
    text = to_plain_text(parse("past_hour.txt"))
    assert text == (
        "[59:58] NARRATOR: Nearly an hour in, we reach the last part.\n\n"
        "[1:00:03] It keeps going past the hour mark.\n\n"
        "[1:02:03] GUEST: And the clock form carries hours, minutes and seconds.\n\n"
        "[1:02:05] Seconds alone work too, even this late.\n")
    assert to_plain_text([]) == ""


@pytest.mark.parametrize("name", ["no_speakers.txt", "past_hour.txt", "labels_with_spaces.txt", "crlf.txt"])
def test_futurelearn_text_round_trip(name: str) -> None:
    original = parse(name)
    again = parse_transcript(to_futurelearn_text(original), Path("again.txt"))
    assert [(p.start, p.speaker, p.text, p.labelled) for p in again] == \
        [(p.start, p.speaker, p.text, p.labelled) for p in original]


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC’',.?!-()0123456789", min_size=1, max_size=12)
# a text that looks like a (mistyped) timestamp is reported, by design, so it cannot round-trip
paragraph_texts = st.lists(words, min_size=1, max_size=12).map(" ".join).filter(
    # a text the parser rightly reads as a (mistyped) timestamp line, such as '0A', is not a paragraph
    lambda t: split_label(t)[0] is None and not re.fullmatch(r"(?=.{1,12}$)\d[\d:.,;]*(?:[A-Za-z][\d:.,;]*)?", t))


@given(st.lists(st.tuples(st.integers(1, 100_000), st.sampled_from([None, "ANN", "DR BEN"]),
                          paragraph_texts), min_size=1, max_size=8))
def test_futurelearn_text_round_trip_property(
        items: list[tuple[int, str | None, str]]) -> None:
    start = 0
    paragraphs: list[Paragraph] = []
    speaker: str | None = None
    for step, label, text in items:
        start += step
        if label is not None:
            speaker = label
        paragraphs.append(Paragraph(start / 1000, speaker, text, 0, label is not None))
    again = parse_transcript(to_futurelearn_text(paragraphs), Path("x.txt"))
    assert [(p.start, p.speaker, p.text, p.labelled) for p in again] == \
        [(p.start, p.speaker, p.text, p.labelled) for p in paragraphs]


# --- WebVTT and SRT -------------------------------------------------------------------------


def test_vtt_fixture() -> None:
    paragraphs = parse("sample.vtt")
    assert paragraphs == [
        Paragraph(1.0, "Ann", "Hello and welcome. Today we talk about & around captions.", 8, True),
        Paragraph(5.1, "BEN", "Thanks, Ann.", 15, True),
        Paragraph(10.0, "BEN", "After a pause, a new paragraph. No voice here, so Ben carries on.", 18, True),
    ]


def test_srt_fixture() -> None:
    paragraphs = parse("sample.srt")
    assert paragraphs == [
        Paragraph(1.0, "ANN", "Hello and welcome. Today we talk about captions.", 2, True),
        Paragraph(5.1, "BEN", "Thanks, Ann.", 11, True),
        Paragraph(9.5, "BEN", "After a pause, a new paragraph.", 15, False),
    ]


def test_vtt_joins_same_speaker_and_splits_on_gap() -> None:
    vtt = ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Suzie>SUZIE: one\n\n"
           "00:00:01.083 --> 00:00:02.000\n<v Suzie>two\n\n"
           "00:00:03.999 --> 00:00:05.000\n<v Suzie>three\n\n"     # 1.999 s gap: joins
           "00:00:07.000 --> 00:00:08.000\n<v Suzie>four\n\n"      # 2 s gap: new paragraph
           "00:00:08.000 --> 00:00:09.000\n<v Michael>five\n")
    paragraphs = parse_transcript(vtt, Path("c.vtt"))
    assert [(p.start, p.speaker, p.text) for p in paragraphs] == [
        (0.0, "SUZIE", "one two three"), (7.0, "SUZIE", "four"), (8.0, "Michael", "five")]


def test_vtt_same_start_joins() -> None:
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>one\n\n"
           "00:00:01.000 --> 00:00:02.000\n<v B>two\n")
    [para] = parse_transcript(vtt, Path("c.vtt"))
    assert (para.speaker, para.text) == ("A", "one two")


def test_vtt_hours_and_crlf() -> None:
    vtt = "WEBVTT\r\n\r\n01:02:03.500 --> 01:02:05.000\r\nLate cue\r\n"
    [para] = parse_transcript(vtt, Path("c.vtt"))
    assert (para.start, para.line, para.speaker) == (3723.5, 3, None)


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nx\n", 3, "bad timing line"),
    ("WEBVTT\n\n00:01.000 -> 00:02.000\nx\n", 3, "bad timing line"),
    ("WEBVTT\n\n1\nno timing here\n", 4, "expected a cue timing line"),
    ("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nx\n", 3, "before or when it starts"),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nx\n\n00:00:04.000 --> 00:00:07.000\ny\n", 6, "before the previous"),
    ("00:00:01.000 --> 00:00:02.000\nx\n", 1, "missing WEBVTT header"),
    ("WEBVTTX\n\n00:00:01.000 --> 00:00:02.000\nx\n", 1, "missing WEBVTT header"),
    ("WEBVTT\n\n00:61.000 --> 00:62.000\nx\n", 3, "bad timing line"),
])
def test_vtt_errors(text: str, line: int, needle: str) -> None:
    error = error_of(text, "c.vtt")
    assert error.location.line == line and needle in error.message, str(error)


def test_vtt_comma_hint() -> None:
    assert "'.'" in str(error_of("WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nx\n", "c.vtt").hint)


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("1\n00:00:01.000 -> 00:00:02,000\nx\n", 2, "bad timing line"),
    ("1\n00:00:01 --> 00:00:02,000\nx\n", 2, "bad timing line"),
    ("one\n00:00:01,000 --> 00:00:02,000\nx\n", 1, "expected a cue number"),
    ("1\n00:00:03,000 --> 00:00:02,000\nx\n", 2, "before or when it starts"),
    ("1\n00:00:03,000 --> 00:00:04,000\nx\n\n2\n00:00:01,000 --> 00:00:02,000\ny\n", 6, "before the previous"),
])
def test_srt_errors(text: str, line: int, needle: str) -> None:
    error = error_of(text, "c.srt")
    assert error.location.line == line and needle in error.message, str(error)


# --- the seed page --------------------------------------------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="no shared seed page here")
def test_seed_transcript() -> None:
    paragraphs = parse_transcript(seed_transcript(), Path("seed.txt"))
    assert len(paragraphs) == 24
    assert {p.speaker for p in paragraphs} == {"SUZIE", "MICHAEL"}
    assert (paragraphs[0].start, paragraphs[-1].start) == (8.7, 774.3)
    assert paragraphs[2].speaker == "MICHAEL" and not paragraphs[2].labelled
    assert paragraphs[-1].text.endswith("having those in balance.")
    assert "’" in paragraphs[0].text
