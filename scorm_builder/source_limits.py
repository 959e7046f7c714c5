"""Limits on course source files, checked where the file is read so errors name the file and line.

A course's own files are trusted to be honest, not to be sane: an exported 10 MB transcript, a
paragraph pasted without its timestamps, a line of base64, a YAML file from a generator with deep
nesting or aliases that expand. Each of these is refused here, quickly and in bounded memory (no file
is read beyond its cap, and YAML is checked as a stream of events before any tree is built), with
``file:line`` and a fix, never a message about a file the builder generated.

The limits are generous for real courses and documented in the README:

================================  ==========  =================================================
what                              limit       what it allows
================================  ==========  =================================================
transcript, captions, body.md     1 MiB       about 18 hours of speech; a long book chapter
one paragraph / cue (characters)  20,000      about 22 minutes of speech without a timestamp
one word (characters, no spaces)  100         long URLs, chemical names; a caption line is 42
course.yml, step.yml              256 KiB     far more than any step needs
YAML nesting depth                20          our files need 4
YAML anchors and aliases          none        write repeated values out
================================  ==========  =================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from scorm_builder.errors import Location, SourceError

MAX_TEXT_BYTES = 1024 * 1024
MAX_YAML_BYTES = 256 * 1024
MAX_PARAGRAPH_CHARS = 20_000
MAX_WORD_CHARS = 100
MAX_YAML_DEPTH = 20

_LONG_WORD = re.compile(r"\S{" + str(MAX_WORD_CHARS + 1) + ",}")


def read_capped(path: Path, cap: int, what: str) -> bytes:
    """The bytes of ``path``, never reading more than ``cap + 1`` of them."""
    try:
        with path.open("rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise SourceError(Location(path), f"cannot be read: {exc.strerror}") from exc
    if len(data) > cap:
        size = path.stat().st_size
        raise SourceError(Location(path, 1, 1), f"is {size:,} bytes; {what} may be at most {cap:,} bytes",
                          _SPLIT_HINT[what])
    return data


_SPLIT_HINT = {
    "a course source text file": "split the step into several steps, each with its own transcript and reading",
    "a YAML file": "course.yml and step.yml hold settings only; put long text in body.md or the transcript",
}


def read_source_text(path: Path) -> str:
    """A transcript, captions or body file as text (UTF-8, BOM removed), refused beyond 1 MiB."""
    data = read_capped(path, MAX_TEXT_BYTES, "a course source text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(Location(path, line), "is not UTF-8 text", "save the file as UTF-8") from exc


def check_texts(path: Path, texts: Iterable[tuple[int, str]], what: str = "paragraph") -> None:
    """Refuse a paragraph (or cue) longer than 20,000 characters or holding a 100-character word."""
    for line, text in texts:
        if len(text) > MAX_PARAGRAPH_CHARS:
            raise SourceError(Location(path, line), f"this {what} is {len(text):,} characters long; the limit is "
                              f"{MAX_PARAGRAPH_CHARS:,} (captions cannot be timed without timestamps)",
                              "add a timestamp line at least every few minutes of speech")
        long_word = _LONG_WORD.search(text)
        if long_word:
            shown = long_word.group(0)[:30]
            raise SourceError(Location(path, line), f"this {what} has a {len(long_word.group(0)):,}-character "
                              f"word with no spaces ({shown}...); a caption line holds {42} characters",
                              f"words may be at most {MAX_WORD_CHARS} characters: add spaces or remove it")


def check_yaml_events(text: str, path: Path) -> None:
    """Refuse YAML nested deeper than 20 levels, and any anchor or alias, before a tree is built.

    Events are produced linearly from the text, so this costs no more than reading it, where building
    nodes from aliases can grow exponentially (a "billion laughs") and deep nesting overflows the stack.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            mark = event.start_mark
            at = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise SourceError(at, "YAML anchors and aliases (&name, *name) are not allowed in course files",
                                  "write the repeated value out in full")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise SourceError(at, f"YAML nested more than {MAX_YAML_DEPTH} levels deep",
                                      "course.yml and step.yml need only a few levels; check the indentation")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error or a character YAML refuses: the loader reports it, with its position


def check_inside(course_dir: Path, path: Path, where: Location, what: str) -> None:
    """Refuse a source path that leaves the course folder, by '..', an absolute path or a symlink."""
    root = course_dir.resolve()
    if not path.resolve().is_relative_to(root):
        link = f" (a symbolic link leads it to {path.resolve()})" if path.resolve() != path.absolute() else ""
        raise SourceError(where, f"{what} '{path}' is outside the course folder {root}{link}",
                          "keep every source file inside the course folder (copy it in, do not link it)")
