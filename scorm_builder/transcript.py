"""Transcripts: FutureLearn timestamp paragraphs, WebVTT and SRT, all read into ``Paragraph``s.

Paragraphs (not cues) are the unit the rest of the tool works with: the interactive transcript
shows them and ``captions.make_cues`` cuts them into cues again. Every error names the file and
line, because transcripts are hand-edited and a wrong timestamp is the commonest mistake.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scorm_builder.errors import Location, SourceError, raise_together

__all__ = [
    "Paragraph",
    "SourceCue",
    "cues_to_paragraphs",
    "format_clock",
    "format_seconds",
    "parse_clock",
    "parse_transcript",
    "read_cues",
    "split_label",
    "to_futurelearn_text",
    "to_plain_text",
]

#: Cues further apart than this (seconds) start a new paragraph when WebVTT/SRT is read.
PARAGRAPH_GAP = 2.0
#: A speaker label longer than this is taken for ordinary text that happens to be in capitals.
MAX_LABEL_CHARS = 40

_LABEL_PUNCT = frozenset(" .'’-")
_LOOKS_LIKE_STAMP = re.compile(r"^[0-9][0-9:.]*$")
# One token of digits and separators, perhaps one stray letter: "1:a1", "11,1", "0;30".
_MISTYPED_STAMP = re.compile(r"^(?=.{1,12}$)\d[\d:.,;]*(?:[A-Za-z][\d:.,;]*)?$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Paragraph:
    """One transcript paragraph; ``line`` lets later stages point warnings at the source."""

    start: float            # seconds
    speaker: str | None     # as written ("SUZIE"), carried over from the last label
    text: str               # verbatim, without the "NAME: " label
    line: int               # 1-based line of the paragraph's timestamp in the source file
    labelled: bool          # the paragraph itself opened with a label
    marked: str | None = None   # the text with its [passage]{lang=xx} marks, when it has any (text has none)


# --------------------------------------------------------------------------------------------
# Shared helpers


def _ms(seconds: float) -> int:
    """Whole milliseconds: the resolution of WebVTT, so "strictly increasing" is judged there."""
    return round(seconds * 1000)


def format_clock(seconds: float) -> str:
    """``m:ss`` below an hour, ``h:mm:ss`` above (whole seconds, truncated), as players show time."""
    total = max(0, int(_ms(seconds) // 1000))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_seconds(seconds: float) -> str:
    """Shortest exact seconds form (``8.7``, ``190``) as FutureLearn writes its timestamps."""
    text = f"{_ms(seconds) / 1000:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def parse_clock(text: str) -> float | None:
    """Seconds for ``8.7``, ``190``, ``4:05``, ``1:02:03.5``; None when the form or a field is wrong."""
    match = _SECONDS.match(text)
    if match:
        return float(match.group(1))
    match = _CLOCK.match(text)
    if not match:
        return None
    hours_text, minutes_text, seconds_text = match.groups()
    minutes, seconds = int(minutes_text), float(seconds_text)
    if seconds >= 60 or len(seconds_text.split(".")[0]) != 2:
        return None
    if hours_text is not None and (minutes >= 60 or len(minutes_text) != 2):
        return None
    hours = int(hours_text) if hours_text is not None else 0
    return hours * 3600 + minutes * 60 + seconds


def split_label(text: str) -> tuple[str | None, str]:
    """Split a leading ``NAME:`` speaker label (capitals, digits, spaces, ``.'-``) from ``text``.

    Capitals are required so that ordinary sentences with a colon ("Note: ...") stay text.
    """
    colon = text.find(":")
    if colon <= 0 or colon > MAX_LABEL_CHARS:
        return None, text
    name, rest = text[:colon], text[colon + 1:]
    if rest and not rest[0].isspace():
        return None, text           # "10:30" or "a:b" is not a label
    if not (name[0].isalpha() and name[0].isupper()) or name != name.strip():
        return None, text
    for char in name:
        if char.isalpha():
            if not char.isupper():
                return None, text
        elif not (char.isdigit() or char in _LABEL_PUNCT):
            return None, text
    return name, rest.strip()


def _lines(text: str) -> list[str]:
    """Source lines without line ends; a BOM is dropped; CRLF and CR are tolerated."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return _LINE_BREAK.split(text)


# --------------------------------------------------------------------------------------------
# Entry point


def parse_transcript(text: str, path: Path) -> list[Paragraph]:
    """Read a transcript; the format follows the suffix (.txt FutureLearn, .vtt, .srt).

    WebVTT/SRT cues are joined into paragraphs by the rule in ``_cues_to_paragraphs``: a new
    speaker or a pause of 2 s or more opens a paragraph, anything else joins the current one.
    """
    suffix = path.suffix.lower()
    if suffix == ".txt":
        paragraphs = _parse_futurelearn(text, path)
    elif suffix == ".vtt":
        paragraphs = _cues_to_paragraphs(_parse_vtt_cues(text, path))
    elif suffix == ".srt":
        paragraphs = _cues_to_paragraphs(_parse_srt_cues(text, path))
    else:
        raise SourceError(Location(path), f"unknown transcript type {path.suffix or '(no suffix)'!r}",
                          "use .txt (FutureLearn timestamp paragraphs), .vtt or .srt")
    if not paragraphs:
        raise SourceError(Location(path), "the transcript holds no paragraphs",
                          "remove the transcript entry from step.yml or fill the file")
    return paragraphs


def read_cues(text: str, path: Path) -> list[SourceCue]:
    """The cues of a WebVTT (.vtt) or SRT (.srt) file as timed, for captions kept as written."""
    suffix = path.suffix.lower()
    if suffix not in (".vtt", ".srt"):
        raise SourceError(Location(path), f"captions must be WebVTT or SRT, not {path.suffix or '(no suffix)'!r}",
                          "use a .vtt or .srt file")
    cues = _parse_vtt_cues(text, path) if suffix == ".vtt" else _parse_srt_cues(text, path)
    if not cues:
        raise SourceError(Location(path), "the captions file holds no cues", "add cues or remove it from step.yml")
    return cues


def cues_to_paragraphs(cues: Sequence[SourceCue]) -> list[Paragraph]:
    """Transcript paragraphs derived from hand-timed cues (see ``_cues_to_paragraphs``)."""
    return _cues_to_paragraphs(cues)


# --------------------------------------------------------------------------------------------
# FutureLearn text


def _parse_futurelearn(text: str, path: Path) -> list[Paragraph]:
    """Timestamp line, then the paragraph's lines up to the next timestamp (blank lines ignored).

    Every timestamp problem of the file is reported at once (``SourceErrors``; one alone is a
    ``SourceError``), including a line that looks like a mistyped timestamp (``1:a1``, ``11,1``),
    which would otherwise be read as words and merged into the paragraph above.
    """
    opened: list[tuple[float, int, list[str]]] = []      # (start, line, text lines)
    errors: list[SourceError] = []
    for number, raw in enumerate(_lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if _LOOKS_LIKE_STAMP.match(line):
            start = parse_clock(line)
            if start is None:
                errors.append(SourceError(Location(path, number, 1), f"{line!r} is not a valid timestamp",
                                          "write seconds (23.4, 190) or a clock time (4:05, 1:02:03.5)"))
                continue
            if opened:
                previous, previous_line, body = opened[-1]
                if not body:
                    errors.append(SourceError(Location(path, previous_line, 1),
                                              f"timestamp {format_seconds(previous)} has no text after it",
                                              "every timestamp line opens a paragraph"))
                if _ms(start) <= _ms(previous):
                    errors.append(SourceError(
                        Location(path, number, 1),
                        f"timestamp {line} ({format_seconds(start)} s) is not after the previous one "
                        f"{format_seconds(previous)} s (line {previous_line})",
                        "timestamps must strictly increase"))
            opened.append((start, number, []))
            continue
        if _MISTYPED_STAMP.match(line):
            errors.append(SourceError(Location(path, number, 1), f"{line!r} looks like a mistyped timestamp",
                                      "a timestamp line holds only seconds (23.4, 190) or a clock time "
                                      "(4:05, 1:02:03.5); if it is words, join it to the line above"))
            continue
        if not opened:
            errors.append(SourceError(Location(path, number, 1), "text before the first timestamp",
                                      "a paragraph opens with a line holding only its start time, "
                                      "e.g. 8.7 or 1:02:03.5"))
            opened.append((-1.0, number, [line]))       # keep reading: report the rest too
            continue
        opened[-1][2].append(line)
    if opened and not opened[-1][2]:
        errors.append(SourceError(Location(path, opened[-1][1], 1),
                                  f"timestamp {format_seconds(opened[-1][0])} has no text after it",
                                  "every timestamp line opens a paragraph"))
    raise_together(errors)

    paragraphs: list[Paragraph] = []
    speaker: str | None = None
    for start, number, body in opened:
        label, first = split_label(body[0])
        if label is not None:
            speaker = label
        joined = " ".join(part for part in [first, *body[1:]] if part)
        if not joined:
            raise SourceError(Location(path, number, 1), f"the paragraph at {format_seconds(start)} s "
                              f"holds only the label {label}:", "add the words or remove the timestamp")
        paragraphs.append(Paragraph(start, speaker, joined, number, label is not None))
    return paragraphs


def to_futurelearn_text(paragraphs: Iterable[Paragraph]) -> str:
    """FutureLearn layout that ``parse_transcript`` reads back to the same paragraphs.

    A label is written where the source had one and wherever it is needed to keep the speaker
    (carry-over would otherwise give the wrong one). A paragraph with no speaker after one with a
    speaker cannot be expressed in this format; it inherits the speaker when read back.
    """
    out: list[str] = []
    carried: str | None = None
    for para in paragraphs:
        text = para.text
        if para.speaker is not None and (para.labelled or para.speaker != carried):
            text = f"{para.speaker}: {text}"
            carried = para.speaker
        out.append(f"{format_seconds(para.start)}\n{text}\n")
    return "".join(out)


def to_plain_text(paragraphs: Sequence[Paragraph]) -> str:
    """The transcript download: ``[m:ss] NAME: text`` paragraphs separated by blank lines.

    The name is shown where the source labelled the paragraph and at every change of speaker,
    so a reader of the file always knows who speaks.
    """
    blocks: list[str] = []
    previous: str | None = None
    for para in paragraphs:
        head = f"[{format_clock(para.start)}]"
        if para.speaker is not None and (para.labelled or para.speaker != previous):
            head += f" {para.speaker}:"
        blocks.append(f"{head} {para.text}")
        previous = para.speaker
    return "\n\n".join(blocks) + "\n" if blocks else ""


# --------------------------------------------------------------------------------------------
# WebVTT and SRT


@dataclass(frozen=True)
class SourceCue:
    """A cue as written in a WebVTT or SRT file (hand-timed captions are kept as these)."""

    start: float
    end: float
    line: int                  # line of the timing line
    voice: str | None          # name from <v Name>
    text: str                  # markup removed, lines joined with spaces
    lines: tuple[str, ...] = ()  # the visible lines as written, markup removed



_VTT_STAMP = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$")
_SRT_STAMP = re.compile(r"^(\d+):(\d{2}):(\d{2})[,.](\d{3})$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"<[^>]*>")


def _stamp(text: str, pattern: re.Pattern[str]) -> float | None:
    match = pattern.match(text)
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    if int(minutes) >= 60 or int(seconds) >= 60:
        return None
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _blocks(lines: list[str], first: int) -> list[tuple[int, list[str]]]:
    """Groups of non-blank lines from index ``first``, each with its 1-based first line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for index in range(first, len(lines)):
        line = lines[index]
        if line.strip():
            if not current:
                start = index + 1
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _timing(line: str, number: int, path: Path, pattern: re.Pattern[str], example: str,
            previous: SourceCue | None) -> tuple[float, float]:
    """Start and end of a timing line; checks form, end after start, and order."""
    parts = line.split("-->")
    if len(parts) != 2:
        raise SourceError(Location(path, number, 1), f"bad timing line {line.strip()!r}",
                          f"write e.g. {example}")
    left = parts[0].strip()
    right_fields = parts[1].split()
    start = _stamp(left, pattern)
    end = _stamp(right_fields[0], pattern) if right_fields else None
    if start is None or end is None:
        hint = f"write e.g. {example}"
        if pattern is _VTT_STAMP and "," in line:
            hint += " (WebVTT puts '.' before the milliseconds)"
        raise SourceError(Location(path, number, 1), f"bad timing line {line.strip()!r}", hint)
    if end <= start:
        raise SourceError(Location(path, number, 1),
                          f"cue ends ({right_fields[0]}) before or when it starts ({left})",
                          "the end time must be later than the start time")
    if previous is not None and start < previous.start:
        raise SourceError(Location(path, number, 1),
                          f"cue starts at {format_seconds(start)} s, before the previous cue "
                          f"({format_seconds(previous.start)} s, line {previous.line})",
                          "cues must be in time order")
    return start, end


_MISTYPED_TIMING = re.compile(r"^\s*\d+:\d.*(-+>|–>|—>|\s-\s)")


def _timing_index(block: Sequence[str], first: int, path: Path, example: str) -> int:
    """Index of the timing line in a cue block: the first line, or the second after an identifier."""
    for index in (0, 1):
        if index < len(block) and "-->" in block[index]:
            return index
        if index < len(block) and _MISTYPED_TIMING.match(block[index]):
            raise SourceError(Location(path, first + index, 1),
                              f"bad timing line {block[index].strip()!r}", f"write e.g. {example}")
    raise SourceError(Location(path, first + min(1, len(block) - 1), 1),
                      "expected a cue timing line", f"write e.g. {example}")


def _cue_text(lines: Sequence[str], entities: bool = True) -> tuple[str | None, str, tuple[str, ...]]:
    """First voice name, the plain text of a cue and its visible lines (tags removed; with
    ``entities``, as in WebVTT, character references decoded: SRT has none, so ``&gt`` stays)."""
    raw = "\n".join(lines)
    voice_match = _VOICE.search(raw)
    voice = voice_match.group(1).strip() if voice_match and voice_match.group(1) else None
    plain = _TAG.sub("", raw)
    if entities:
        plain = html.unescape(plain)
    visible = tuple(part.strip() for part in plain.split("\n") if part.strip())
    return voice or None, " ".join(visible), visible


def _parse_vtt_cues(text: str, path: Path) -> list[SourceCue]:
    lines = _lines(text)
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise SourceError(Location(path, 1, 1), "missing WEBVTT header",
                          "a WebVTT file starts with a line reading WEBVTT")
    header_end = 1
    while header_end < len(lines) and lines[header_end].strip():
        header_end += 1                                  # header lines run to the first blank line
    cues: list[SourceCue] = []
    example = "00:00:01.000 --> 00:00:04.500"
    for first, block in _blocks(lines, header_end):
        head = block[0].strip()
        if re.match(r"^(NOTE|STYLE|REGION)(?:[ \t]|$)", head):
            continue
        timing_index = _timing_index(block, first, path, example)
        number = first + timing_index
        start, end = _timing(block[timing_index], number, path, _VTT_STAMP, example,
                             cues[-1] if cues else None)
        voice, body, visible = _cue_text(block[timing_index + 1:])
        cues.append(SourceCue(start, end, number, voice, body, visible))
    return cues


def _parse_srt_cues(text: str, path: Path) -> list[SourceCue]:
    lines = _lines(text)
    cues: list[SourceCue] = []
    example = "00:00:01,000 --> 00:00:04,500"
    for first, block in _blocks(lines, 0):
        timing_index = _timing_index(block, first, path, example)
        if timing_index == 1 and not block[0].strip().isdigit():
            raise SourceError(Location(path, first, 1), f"expected a cue number, got {block[0].strip()!r}",
                              "an SRT cue is a number line, a timing line and its text")
        number = first + timing_index
        start, end = _timing(block[timing_index], number, path, _SRT_STAMP, example,
                             cues[-1] if cues else None)
        voice, body, visible = _cue_text(block[timing_index + 1:], entities=False)
        cues.append(SourceCue(start, end, number, voice, body, visible))
    return cues


def _cues_to_paragraphs(cues: Sequence[SourceCue]) -> list[Paragraph]:
    """Join cues into paragraphs by a simple, predictable rule.

    A cue opens a new paragraph when it names a speaker (``<v Name>`` or a leading ``NAME:``)
    other than the current one, or when it starts ``PARAGRAPH_GAP`` (2 s) or more after the
    previous cue ended; otherwise it joins the current paragraph. A cue that starts at the same
    millisecond as the current paragraph always joins it (paragraph starts must increase).
    Speaker names are compared case-insensitively and the first spelling seen is kept, so
    ``<v Suzie>SUZIE: Hi`` followed by ``<v Suzie>...`` is one speaker. A visible label that
    agrees with the voice (or stands alone) is removed from the text; ``labelled`` is True when
    the opening cue named its speaker explicitly.
    """
    spellings: dict[str, str] = {}
    paragraphs: list[Paragraph] = []
    opening: SourceCue | None = None          # first cue of the paragraph being built
    labelled = False
    parts: list[str] = []
    speaker: str | None = None
    previous_end: float | None = None
    for cue in cues:
        label, rest = split_label(cue.text)
        named = cue.voice
        text = cue.text
        if label is not None and (named is None or label.casefold() == named.casefold()):
            named, text = label, rest
        if named is not None:
            named = spellings.setdefault(named.casefold(), named)
        if not text:
            previous_end = cue.end
            continue
        new_speaker = named is not None and named != speaker
        gap = previous_end is not None and cue.start - previous_end >= PARAGRAPH_GAP - 1e-9
        if opening is None or (_ms(cue.start) > _ms(opening.start) and (new_speaker or gap)):
            if opening is not None:
                paragraphs.append(Paragraph(opening.start, speaker, " ".join(parts), opening.line,
                                            labelled))
            if named is not None:
                speaker = named
            opening, labelled, parts = cue, named is not None, []
        parts.append(text)
        previous_end = cue.end
    if opening is not None:
        paragraphs.append(Paragraph(opening.start, speaker, " ".join(parts), opening.line, labelled))
    return paragraphs
