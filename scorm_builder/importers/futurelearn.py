"""Import a FutureLearn step page, saved as text or as HTML, into a course source folder.

A browser's "save as text" of a FutureLearn step gives, in order: page chrome, the step
title, an intro, timestamp lines each followed by one transcript paragraph, the article,
the discussion prompt, a footer naming the course and its provider, then marketing text.
This module segments the page itself (sharing only the timestamp and speaker-label grammar of
``scorm_builder.transcript``) so that every transcript paragraph stays verbatim and errors point
at the page's lines. The prompt rewording lives in ``discussion``, the folder writing in ``writer``.

Decisions worth knowing:

* The package's learner reflects privately, so the prompt sentence that asks for *public*
  comments is reworded ("Share X in the comments below." -> "Write down X below."); every
  other word is kept. The prompt runs to the first question (two when the first is a short
  opener such as "What do you think?"); later sentences become guiding questions, in order.
* course.yml ``title`` and ``credits.course_title`` are the FutureLearn course title; the
  "Created by" text is both ``credits.provider`` and ``credits.organisation``, as written.
* ``licence`` says all rights stay with the original provider: a saved page carries no
  licence of its own, so the package is marked for private study only.
* Article lines become body paragraphs one for one (a saved page puts each block on a line).
* Nothing is written until the whole page has been understood; the folder is built in a
  temporary sibling and renamed into place, so a failure never leaves half a course.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorm_builder.errors import Diagnostic, Location, SourceError
from scorm_builder.importers.discussion import Reflection, split_prompt
from scorm_builder.importers.pagetext import SAVE_AS_TEXT, PageLines, page_lines
from scorm_builder.importers.writer import check_out_dir, markdown_escape, slugify, write_atomically
from scorm_builder.mediaprobe import probe
from scorm_builder.models import MEDIA_TYPES
from scorm_builder.sourcetext import course_yml, step_yml
from scorm_builder.transcript import parse_clock, split_label

__all__ = [
    "DEFAULT_LANGUAGE",
    "MEDIA_SUFFIXES",
    "ImportResult",
    "import_futurelearn",
    "licence_note",
    "markdown_escape",
    "parse_saved_page",
    "parse_timestamp",
    "slugify",
    "speaker_label",
]

DEFAULT_LANGUAGE = "en-GB"
MEDIA_SUFFIXES = tuple(MEDIA_TYPES)
REFLECTION_MAX = 4000

# --- line classification ----------------------------------------------------------------


# Menu and player words a saved page scatters around its content. Matched against the whole
# stripped line, case-insensitively, so a sentence that merely contains one is never dropped.
_CHROME_WORDS = frozenset(
    w.strip().casefold()
    for w in """
Skip main navigation|Skip navigation|Skip to content|Skip to main content|Menu|
Open menu|Close menu|Close|Search|Close search|Toggle navigation|Sign in|Sign out|
Log in|Log out|Register|Join|Join free|Join for free|Home|Courses|Subjects|Degrees|
Online degrees|ExpertTracks|Microcredentials|Unlimited|For business|For educators|
Help|Help Centre|Help Center|Back|Back to course|Next|Previous|Next step|
Previous step|Go to next step|Mark as complete|Completed|To do|Progress|Activity|
Profile|Settings|Transcript|Show transcript|Hide transcript|Download|Download video|
Download transcript|Download video: standard|Download video: HD|Download audio|
Print|Play|Pause|Mute|Unmute|Fullscreen|Full screen|Exit fullscreen|Subtitles|
Captions|Video|Audio|Article|Discussion|Comments|Comment|Bookmark|Bookmarked|Like|
Reply|Report|Follow|Filter|Sort by|Newest|Oldest|Most liked|Loading...|Loading|
Share|Share this|Share this article|Share this article:|Share this video|
Share this step|Facebook|Twitter|X|LinkedIn|Email|WhatsApp|Copy link|Link copied|
Explore courses|Learn more
""".replace("\n", "").split("|")
)
_CHROME_RE = re.compile(
    r"^(?:skip (?:to|main)\b.*"  # "Skip to 0 minutes and 8 seconds", "Skip to content"
    r"|(?:week|step) \d+(?:\.\d+)?"  # breadcrumbs
    r"|\d+:\d{2} / \d+:\d{2}"  # player position "0:08 / 12:54"
    r")$",
    re.IGNORECASE,
)

_FOOTER_RE = re.compile(
    r"^This (?:article|video|audio|step|discussion|quiz|exercise) is from the free online"
    r"(?:\s+course)?\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_CREATED_BY_RE = re.compile(r"^Created by\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)


# Providers whose "Created by" text is really FutureLearn's own logo rather than a partner.
_FUTURELEARN_LOGO_RE = re.compile(r"^FutureLearn\b", re.IGNORECASE)


def _is_chrome(line: str) -> bool:
    """True for navigation, menu and player text that is not part of the step."""
    text = line.strip()
    return text.casefold() in _CHROME_WORDS or bool(_CHROME_RE.match(text))


def parse_timestamp(text: str) -> float | None:
    """Seconds for a timestamp line (``23.4``, ``190``, ``4:05``, ``1:02:03.5``), else None.

    The page and the course's transcript.txt share one timestamp grammar, owned by transcript.py.
    """
    return parse_clock(text.strip())


def speaker_label(text: str) -> str | None:
    """The ``NAME`` of a paragraph opening with ``NAME:``, as written; None without one."""
    return split_label(text)[0]


# --- parsed page -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageParagraph:
    """One transcript entry as it stands on the page."""

    timestamp: str  # as written, e.g. "8.7" or "1:02:03"
    start: float  # seconds
    text: str  # the whole paragraph line, label included, verbatim
    speaker: str | None  # label of this paragraph or the last labelled one before it
    line: int  # 1-based line of the timestamp


@dataclass(frozen=True)
class SavedPage:
    """Everything the importer keeps from a saved page."""

    path: Path
    title: str
    title_line: int
    intro: str
    paragraphs: tuple[PageParagraph, ...]
    body: tuple[str, ...]
    reflection: Reflection | None
    course_title: str
    provider: str
    chrome_lines: int
    warnings: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, for the CLI to report and tests to check."""

    out_dir: Path
    course_id: str
    step_id: str
    course_title: str
    provider: str
    step_title: str
    paragraphs: int
    speakers: tuple[str, ...]
    first_time: float
    last_time: float
    body_paragraphs: int
    has_reflection: bool
    media: Path | None
    files: tuple[Path, ...]
    chrome_lines: int
    warnings: tuple[Diagnostic, ...] = field(default=())

    def summary(self) -> str:
        """A few human-readable lines for the command line."""
        speakers = ", ".join(self.speakers) if self.speakers else "none labelled"
        lines = [
            f"Imported '{self.step_title}' into {self.out_dir}",
            f"  course: {self.course_title} ({self.course_id}), provider: {self.provider}",
            f"  step: {self.step_id}; {self.paragraphs} transcript paragraphs "
            f"from {_clock(self.first_time)} to {_clock(self.last_time)}; speakers: {speakers}",
            f"  body paragraphs: {self.body_paragraphs}; "
            f"reflection: {'yes' if self.has_reflection else 'no'}; "
            f"media: {self.media.name if self.media else 'none'}",
        ]
        lines.extend(f"  {w}" for w in self.warnings)
        return "\n".join(lines)

    def __str__(self) -> str:
        """The summary, so ``click.echo(str(result))`` prints something readable."""
        return self.summary()


def _clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss`` for a summary line."""
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


# --- reading -----------------------------------------------------------------------------


def _read_page(path: Path) -> PageLines:
    """The page's lines (any line ending, a UTF-8 BOM removed); an HTML page reduced to its text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(
            Location(path), "saved page not found", "save the step page as text and pass its path"
        ) from None
    except OSError as exc:
        raise SourceError(Location(path), f"cannot read saved page: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError(
            Location(path, line),
            "saved page is not UTF-8 text",
            "save the page again choosing UTF-8 encoding",
        ) from None
    return page_lines(path, text)


def _next_content(lines: Sequence[str], start: int, end: int) -> tuple[int, int]:
    """Index of the next non-blank, non-chrome line in ``[start, end)`` and chrome skipped."""
    chrome = 0
    i = start
    while i < end:
        text = lines[i].strip()
        if text:
            if not _is_chrome(text):
                return i, chrome
            chrome += 1
        i += 1
    return end, chrome


def parse_saved_page(path: Path) -> SavedPage:
    """Segment a saved FutureLearn step page (text or HTML); raises SourceError naming file:line.

    An HTML page in which no step can be found is refused with how to save it as text instead.
    """
    page = _read_page(path)
    try:
        return _parse_lines(path, page)
    except SourceError as error:
        if page.html and error.message.startswith("no "):
            raise SourceError(error.location, f"{error.message} in this HTML page", SAVE_AS_TEXT) from None
        raise


def _parse_lines(path: Path, page: PageLines) -> SavedPage:
    lines = page.lines
    n = len(lines)
    warnings: list[Diagnostic] = []

    def loc(index: int) -> Location:
        return page.location(path, index)

    # Footer: "This article is from the free online" (first one wins).
    footer = next((i for i in range(n) if _FOOTER_RE.match(lines[i].strip())), None)
    content_end = footer if footer is not None else n

    # Title: first real line that is not a timestamp.
    i, chrome_lines = _next_content(lines, 0, content_end)
    while i < content_end and parse_timestamp(lines[i]) is not None:
        i, skipped = _next_content(lines, i + 1, content_end)
        chrome_lines += skipped
    if i >= content_end:
        raise SourceError(
            loc(min(i, n - 1)) if n else Location(path),
            "no step title found",
            "the saved page should hold the step title, its intro and the transcript",
        )
    title_index = i
    title = lines[i].strip()

    # Intro: lines between the title and the first timestamp.
    intro_parts: list[str] = []
    i, skipped = _next_content(lines, title_index + 1, content_end)
    chrome_lines += skipped
    while i < content_end and parse_timestamp(lines[i]) is None:
        intro_parts.append(lines[i].strip())
        i, skipped = _next_content(lines, i + 1, content_end)
        chrome_lines += skipped
    if i >= content_end:
        raise SourceError(
            loc(title_index),
            "no transcript found after the step title",
            "expected timestamp lines such as '8.7' or '1:02:03', each followed by one "
            "transcript paragraph; open the video's transcript before saving the page",
        )
    if not intro_parts:
        warnings.append(Diagnostic(loc(title_index), "no intro text between title and transcript"))
    elif len(intro_parts) > 1:
        warnings.append(
            Diagnostic(loc(title_index + 1), f"intro has {len(intro_parts)} lines; joined into one")
        )
    intro = " ".join(intro_parts)

    # Transcript: timestamp line, then exactly one paragraph line, repeated.
    paragraphs: list[PageParagraph] = []
    speaker: str | None = None
    while i < content_end:
        stamp = lines[i].strip()
        start = parse_timestamp(stamp)
        if start is None:
            break
        if paragraphs and start <= paragraphs[-1].start:
            prev = paragraphs[-1]
            raise SourceError(
                loc(i),
                f"timestamp {stamp} is not after the previous one ({prev.timestamp} at line {prev.line})",
                "transcript timestamps must increase; check the page was saved whole",
            )
        j, skipped = _next_content(lines, i + 1, content_end)
        chrome_lines += skipped
        if j >= content_end or parse_timestamp(lines[j]) is not None:
            raise SourceError(
                loc(i),
                f"timestamp {stamp} has no transcript paragraph",
                "each timestamp line must be followed by the paragraph spoken from that time",
            )
        text = lines[j].strip()
        label = speaker_label(text)
        if label is not None:
            speaker = label
        paragraphs.append(PageParagraph(stamp, start, text, speaker, i + 1))
        i, skipped = _next_content(lines, j + 1, content_end)
        chrome_lines += skipped

    # Article (and the discussion prompt within it): every remaining line up to the footer.
    article: list[tuple[int, str]] = []
    while i < content_end:
        if paragraphs and parse_timestamp(lines[i]) is not None:
            # A timestamp after the article began means a paragraph spilled onto a second
            # line; going on would push the rest of the transcript into body.md.
            last = paragraphs[-1]
            raise SourceError(
                loc(i),
                f"timestamp {lines[i].strip()} appears after the transcript ended "
                f"(its last paragraph starts at line {last.line})",
                "each transcript paragraph must be a single line after its timestamp; "
                "join the wrapped lines above, or remove this stray number",
            )
        article.append((loc(i).line - 1, lines[i].strip()))
        i, skipped = _next_content(lines, i + 1, content_end)
        chrome_lines += skipped

    reflection, body = split_prompt(article, path, warnings)

    course_title, provider = _read_footer(lines, footer, loc, warnings)

    return SavedPage(
        path=path,
        title=title,
        title_line=title_index + 1,
        intro=intro,
        paragraphs=tuple(paragraphs),
        body=tuple(body),
        reflection=reflection,
        course_title=course_title,
        provider=provider,
        chrome_lines=chrome_lines,
        warnings=tuple(warnings),
    )


def _read_footer(
    lines: Sequence[str], footer: int | None, loc: Callable[[int], Location], warnings: list[Diagnostic]
) -> tuple[str, str]:
    """Course title and provider from "This article is from the free online ... Created by"."""
    n = len(lines)
    if footer is None:
        raise SourceError(
            loc(n - 1),
            "no 'This article is from the free online' footer found",
            "the footer names the course and its provider, which the package must credit; "
            "save the whole page",
        )
    m = _FOOTER_RE.match(lines[footer].strip())
    rest = m.group("rest").strip() if m else ""
    i = footer
    if not rest:
        i = _next_plain(lines, footer + 1)
        if i < n and lines[i].strip().casefold() in ("course", "course:"):
            i = _next_plain(lines, i + 1)
        if i >= n or _CREATED_BY_RE.match(lines[i].strip()):
            raise SourceError(
                loc(footer),
                "no course title after 'This article is from the free online'",
                "the course title should be the next line",
            )
        rest = lines[i].strip()
    course_title = rest

    j = _next_plain(lines, i + 1)
    m2 = _CREATED_BY_RE.match(lines[j].strip()) if j < n else None
    if m2 is None:
        raise SourceError(
            loc(min(j, n - 1)),
            "expected 'Created by' and the provider after the course title",
            "the provider is credited in the package; save the whole page",
        )
    provider = m2.group("rest").strip()
    if not provider:
        k = _next_plain(lines, j + 1)
        if k >= n:
            raise SourceError(
                loc(j),
                "no provider after 'Created by'",
                "the provider's name should be the next line",
            )
        provider = lines[k].strip()
        j = k
    if _FUTURELEARN_LOGO_RE.match(provider):
        warnings.append(
            Diagnostic(
                loc(j),
                f"provider reads '{provider}', which may be FutureLearn's own logo text rather "
                "than the partner who made the course; check credits in course.yml",
            )
        )
    return course_title, provider


def _next_plain(lines: Sequence[str], start: int) -> int:
    """Index of the next non-blank line (chrome included: the footer has none we keep)."""
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


# --- writing -----------------------------------------------------------------------------


def licence_note(provider: str) -> str:
    """The licence line: a saved page grants no licence, so all rights stay with the provider."""
    return (
        f"All rights reserved by the original provider ({provider}). "
        "Imported from a saved FutureLearn page for private study only; do not redistribute."
    )


def _transcript_text(paragraphs: Sequence[PageParagraph]) -> str:
    """transcript.txt in the FutureLearn layout: timestamp line, paragraph line, blank line."""
    return "".join(f"{p.timestamp}\n{p.text}\n\n" for p in paragraphs).rstrip("\n") + "\n"


def _media_name(media: Path) -> str:
    """The media file's name, made safe for a package path."""
    stem = slugify(media.stem, "media")
    return f"{stem}{media.suffix.lower()}"


def _check_media(media: Path) -> None:
    """The media file must exist and be a kind the player handles."""
    if not media.is_file():
        raise SourceError(Location(media), "media file not found", "check the --media path")
    if media.suffix.lower() not in MEDIA_SUFFIXES:
        raise SourceError(
            Location(media),
            f"unsupported media type '{media.suffix}'",
            "use one of " + " ".join(MEDIA_SUFFIXES),
        )


def import_futurelearn(saved_page: Path, out_dir: Path, media: Path | None = None) -> ImportResult:
    """Turn a saved FutureLearn step page into a course source folder at ``out_dir``."""
    saved_page = Path(saved_page)
    out_dir = Path(out_dir)
    page = parse_saved_page(saved_page)
    check_out_dir(out_dir)
    if media is not None:
        media = Path(media)
        _check_media(media)

    course_id = slugify(page.course_title, "course")
    step_id = slugify(page.title, "step")
    step_rel = Path("steps") / step_id

    step: dict[str, Any] = {"title": page.title, "intro": page.intro}
    media_rel: Path | None = None
    if media is not None:
        media_rel = Path("media") / _media_name(media)
        step["media"] = {"file": media_rel.as_posix()}
    step["transcript"] = "transcript.txt"
    if page.body:
        step["body"] = "body.md"
    if page.reflection is not None:
        step["reflection"] = {
            "prompt": page.reflection.prompt,
            "guiding_questions": list(page.reflection.guiding_questions),
            "min_length": 0,
            "max_length": REFLECTION_MAX,
        }
        step["completion"] = "reflection-submitted"
    else:
        step["completion"] = "viewed"

    course: dict[str, Any] = {
        "id": course_id,
        "title": page.course_title,
        "language": DEFAULT_LANGUAGE,
        "description": page.intro or page.title,
        "licence": licence_note(page.provider),
        "credits": {
            "organisation": page.provider,
            "course_title": page.course_title,
            "provider": page.provider,
        },
        "steps": [step_id],
    }

    files: dict[Path, str] = {
        Path("course.yml"): course_yml(course),
        step_rel / "step.yml": step_yml(step),
        step_rel / "transcript.txt": _transcript_text(page.paragraphs),
    }
    if page.body:
        files[step_rel / "body.md"] = "\n\n".join(markdown_escape(p) for p in page.body) + "\n"

    warnings = list(page.warnings)
    info = probe(media) if media is not None else None
    if media is not None and (info is None or info.duration is None):
        warnings.append(
            Diagnostic(
                Location(media),
                f"{media.name}: its duration cannot be read from the file (MP4, M4A, WebM and MP3 "
                "carry it); add 'duration: SECONDS' under media in step.yml before building",
            )
        )

    written = write_atomically(out_dir, files, media, step_rel / media_rel if media_rel else None)

    speakers: list[str] = []
    for p in page.paragraphs:
        label = speaker_label(p.text)
        if label is not None and label not in speakers:
            speakers.append(label)
    return ImportResult(
        out_dir=out_dir,
        course_id=course_id,
        step_id=step_id,
        course_title=page.course_title,
        provider=page.provider,
        step_title=page.title,
        paragraphs=len(page.paragraphs),
        speakers=tuple(speakers),
        first_time=page.paragraphs[0].start,
        last_time=page.paragraphs[-1].start,
        body_paragraphs=len(page.body),
        has_reflection=page.reflection is not None,
        media=out_dir / step_rel / media_rel if media_rel else None,
        files=tuple(out_dir / rel for rel in written),
        chrome_lines=page.chrome_lines,
        warnings=tuple(warnings),
    )


