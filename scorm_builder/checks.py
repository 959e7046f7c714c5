"""Warnings about a loaded course: likely mistakes that still build, caught where they were made.

Each warning names the file the designer wrote and the line to look at. Nothing here changes the
course; the build goes on (``--strict`` turns these into errors).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from scorm_builder.errors import Diagnostic, Location
from scorm_builder.mediaprobe import playback_problems

if TYPE_CHECKING:
    from scorm_builder.loader import LoadedCourse, LoadedStep

#: A label used once is only suspicious when the transcript names speakers this often.
MIN_LABELS = 3
LABEL_SIMILARITY = 0.75
#: Seconds a stated ``media.duration`` may differ from the file's before we say so.
DURATION_TOLERANCE = 1.0

_VIDEO_TALK = re.compile(
    r"\bwatch(?:ing)?\b"
    r"|\b(?:this|the|that|our|following|next|short)\s+(?:[\w-]+\s+)?video\b"
    r"|\bvideo\s+(?:above|below|you\s+have|you've)\b",
    re.IGNORECASE,
)


def check_course(loaded: LoadedCourse) -> list[Diagnostic]:
    """Every warning for every step, in step order."""
    found: list[Diagnostic] = []
    for step in loaded.steps:
        found += speaker_typos(step)
        found += video_without_media(step)
        found += media_playback(step)
        if step.body_path is not None:
            found += unsupported_markdown(step.body_markdown, step.body_path)
    return found


def speaker_typos(step: LoadedStep) -> list[Diagnostic]:
    """A speaker label used once, close to a label used several times, is likely a typo of it."""
    source = step.transcript_path or step.captions_path
    labelled = [p for p in step.paragraphs if p.labelled and p.speaker]
    if source is None or len(labelled) < MIN_LABELS:
        return []
    counts = Counter(p.speaker for p in labelled)
    found = []
    for para in labelled:
        assert para.speaker is not None
        if counts[para.speaker] != 1:
            continue
        others = [name for name, n in counts.items() if n > 1 and name is not None]
        guess = get_close_matches(para.speaker, others, n=1, cutoff=LABEL_SIMILARITY)
        if guess:
            found.append(Diagnostic(Location(source, para.line, 1),
                                    f"speaker '{para.speaker}' appears only here; did you mean "
                                    f"'{guess[0]}' (named {counts[guess[0]]} times)?"))
    return found


def video_without_media(step: LoadedStep) -> list[Diagnostic]:
    """Text that tells the learner to watch a video, on a step that has none."""
    if step.source.media is not None:
        return []
    found = []
    match = _VIDEO_TALK.search(step.source.intro)
    if match:
        found.append(Diagnostic(step.smap.locate(("intro",)),
                                f"the intro speaks of a video ('{match.group(0)}') but the step has "
                                "no media; add 'media: file: ...' to step.yml or reword the intro"))
    if step.body_path is not None:
        lines = [(n, m) for n, line in enumerate(step.body_markdown.splitlines(), start=1)
                 if (m := _VIDEO_TALK.search(line))]
        if lines:
            number, first = lines[0]
            more = f" (and on {len(lines) - 1} more line{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else ""
            found.append(Diagnostic(Location(step.body_path, number, 1),
                                    f"the reading speaks of a video ('{first.group(0)}'){more} but the "
                                    "step has no media; add 'media: file: ...' to step.yml or reword it"))
    return found


def media_playback(step: LoadedStep) -> list[Diagnostic]:
    """Media a browser cannot play (HEVC, AC-3, MPEG-4 Part 2 ...), and a stated duration that is off."""
    if step.media_path is None or step.media_info is None:
        return []
    where = step.smap.locate(("media", "file"))
    found = [Diagnostic(where, problem) for problem in playback_problems(step.media_path, step.media_info)]
    stated = step.source.media.duration if step.source.media else None
    measured = step.media_info.duration
    if stated and measured and abs(stated - measured) > DURATION_TOLERANCE:
        found.append(Diagnostic(step.smap.locate(("media", "duration")),
                                f"duration {stated:g} s differs from the file's own {measured:.3f} s; "
                                "the captions of the last paragraph are timed to the stated one"))
    return found


def unsupported_markdown(text: str, path: Path) -> list[Diagnostic]:
    """Tables and raw HTML: the page shows them as plain text (markdown.py escapes HTML)."""
    found = []
    for line, what in _unsupported(text):
        if what == "table":
            found.append(Diagnostic(Location(path, line, 1),
                                    "a Markdown table is not shown as a table: the page shows its "
                                    "rows as text with '|' characters; use a list or paragraphs"))
        else:
            found.append(Diagnostic(Location(path, line, 1),
                                    f"raw HTML {what} is shown as text, not as markup; use Markdown "
                                    "instead (**bold**, lists, [links](...))"))
    return found


def _unsupported(text: str) -> Iterator[tuple[int, str]]:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    for token in md.parse(text):
        first = token.map[0] + 1 if token.map else 0
        if token.type == "table_open":
            yield first, "table"
        elif token.type == "html_block":
            yield first, _tag(token.content)
        elif token.type == "inline":
            line = first
            for child in token.children or []:
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
                elif child.type == "html_inline" and not child.content.startswith("</"):
                    yield line, _tag(child.content)     # a closing tag adds nothing to the warning


def _tag(html: str) -> str:
    match = re.match(r"\s*(<!--|<[!/?]?[A-Za-z][^\s>/]*)", html)
    tag = match.group(1) if match else html.strip()[:10]
    return f"'{tag}>'" if not tag.startswith("<!--") else "'<!-- -->'"


def reflection_limits(loaded: LoadedCourse, target: str, stores: int | None) -> list[Diagnostic]:
    """A ``max_length`` above what ``target`` can store: say what the learner will get instead."""
    found = []
    for step in loaded.steps:
        reflection = step.source.reflection
        if reflection is None or stores is None or reflection.max_length <= stores:
            continue
        found.append(Diagnostic(step.smap.locate(("reflection", "max_length")),
                                f"max_length {reflection.max_length} is more than a {target} package "
                                f"stores: its learners can write at most {stores} characters (the "
                                f"other packages keep {reflection.max_length}); lower max_length to "
                                f"{stores} to make them agree"))
    return found
