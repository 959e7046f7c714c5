"""Write a course source folder: slugs, escaped Markdown, and an atomic folder swap.

The commented course.yml and step.yml texts come from ``scorm_builder.sourcetext``.

Importers build the whole folder in memory first; it is written into a hidden sibling and
renamed into place, so a failure never leaves half a course behind.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import unicodedata
from pathlib import Path

from scorm_builder.errors import Location, SourceError

MAX_SLUG = 40
# Words a cut slug should not end on ("...-patient-and").
_SLUG_TAIL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}
)


def slugify(text: str, fallback: str) -> str:
    """A folder/id slug: lower-case ASCII letters, digits and '-', starting with a letter.

    A long text is cut between its words as written, so a compound such as "service-user" is
    kept whole or left out, never cut in two; a single word longer than the limit is cut at a
    hyphen inside it when there is one. Dangling "and"/"of" are dropped from the end.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = ["-".join(re.findall(r"[a-z0-9]+", word)) for word in ascii_text.lower().split()]
    words = [word for word in words if word]
    if not words or not words[0][0].isalpha():
        words.insert(0, fallback)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG:
            break
        slug = candidate
    if not slug:
        head = words[0][:MAX_SLUG]
        cut_inside = words[0][MAX_SLUG:MAX_SLUG + 1] not in ("", "-")
        return head.rsplit("-", 1)[0] if cut_inside and "-" in head else head.rstrip("-")
    # A cut title should not end on a dangling "and"/"of": drop such words at the end.
    kept = slug.split("-")
    while len(kept) > 1 and kept[-1] in _SLUG_TAIL_WORDS:
        kept.pop()
    return "-".join(kept)


_MD_INLINE_RE = re.compile(r"([\\`*_\[\]<>~|])")
_MD_ENTITY_RE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_BLOCK_START_RE = re.compile(r"^(\s*)([#>+=-])")
_MD_ORDERED_RE = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")


def markdown_escape(text: str) -> str:
    """Escape a plain-text paragraph so Markdown shows it as written, not as markup."""
    out = _MD_INLINE_RE.sub(r"\\\1", text)
    out = _MD_ENTITY_RE.sub(r"\\&", out)
    out = _MD_BLOCK_START_RE.sub(r"\1\\\2", out)
    return _MD_ORDERED_RE.sub(r"\1\\\2", out)


def check_out_dir(out_dir: Path) -> None:
    """Refuse to write over anything: the folder must be absent or empty."""
    if out_dir.exists() or out_dir.is_symlink():
        if not out_dir.is_dir():
            raise SourceError(
                Location(out_dir),
                "output path exists and is not a folder",
                "choose a new folder name for --out",
            )
        if any(out_dir.iterdir()):
            raise SourceError(
                Location(out_dir),
                "output folder is not empty; refusing to overwrite it",
                "choose a new folder for --out, or remove this one first",
            )


def write_atomically(
    out_dir: Path, files: dict[Path, str], media: Path | None, media_rel: Path | None
) -> list[Path]:
    """Write into a temporary sibling folder, then rename it to ``out_dir`` in one step."""
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    # A hidden sibling on the same file system, so the final rename is atomic; mkdir (not
    # mkdtemp) keeps the user's umask, and exist_ok=False guards against a clash.
    tmp = parent / f".{out_dir.name}.{secrets.token_hex(6)}.partial"
    tmp.mkdir()
    try:
        written: list[Path] = []
        for rel, text in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            written.append(rel)
        if media is not None and media_rel is not None:
            target = tmp / media_rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(media, target)
            written.append(media_rel)
        check_out_dir(out_dir)  # someone may have filled it while we were writing
        os.replace(tmp, out_dir)  # POSIX rename replaces an empty folder atomically
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written
