"""Word timings from the forced aligner, kept on disk so that a rebuild does not align the same audio again.

Aligning costs about a second for the example's two minutes and several for an hour of audio
(issue 13), while a designer rebuilds after every edit to the reading or the reflection. The
aligner is deterministic, so its result depends only on what it was given and on the aligner
itself; the key is a SHA-256 over exactly that:

* the media file's content (not its name or times: a copied course hits the same entry);
* the words in order, the aeneas language code and the paragraph anchors;
* the aligner: this package's ``align.py`` source, the installed aeneas-ng and numpy versions, and
  ffmpeg and espeak-ng by path and file-system identity (an upgrade replaces their files).

Entries live in ``<cache>/align/`` beside the up-to-date records (``SCORM_BUILDER_CACHE_DIR``; empty
turns every cache off), are written atomically, hold plain JSON, and only the newest ``MAX_ENTRIES``
are kept. An unreadable or malformed entry is a miss, never an error.

Long audio is aligned in pieces of about a minute (``align.py``); each piece's result is kept too,
in ``<cache>/align/pieces/``, keyed by its own samples and words, so that an edit to a transcript
aligns again only the piece the edit falls in.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from scorm_builder.align import WordTiming
from scorm_builder.uptodate import _tools, cache_dir

FORMAT = 1
MAX_ENTRIES = 64
"""Entries kept; an hour of audio is about 0.5 MB of JSON, so the folder stays small."""
_ALIGN_SOURCE = Path(__file__).resolve().with_name("align.py")


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


_IDENTITY: dict[str, object] = {}


def _aligner() -> dict[str, object]:
    """What the aligner itself is on this machine (read once a process: preview asks on every save)."""
    if not _IDENTITY:
        _IDENTITY.update({
            "align.py": hashlib.sha256(_ALIGN_SOURCE.read_bytes()).hexdigest(),
            "aeneas-ng": _version("aeneas-ng"), "numpy": _version("numpy"), "tools": _tools(),
        })
    return _IDENTITY


def alignment_key(media: Path, words: Sequence[str], language: str,
                  anchors: Sequence[tuple[int, float]]) -> str:
    """The SHA-256 naming the aligner's result for these inputs on this machine."""
    digest = hashlib.sha256()
    with media.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    aligner = {
        "format": FORMAT, "media": digest.hexdigest(), "words": list(words), "language": language,
        "anchors": [list(anchor) for anchor in anchors], **_aligner(),
    }
    return hashlib.sha256(json.dumps(aligner, sort_keys=True).encode("utf-8")).hexdigest()


def _folder(kind: str = "") -> Path | None:
    root = cache_dir()
    return None if root is None else root / "align" / kind


# --- pieces: one stretch of long audio (align.py cuts audio over a minute at silences) ---------------
# A designer who corrects one word of an hour-long transcript changes one piece of about a minute;
# the others are taken from here, so the rebuild aligns a minute of audio, not the hour.

MAX_PIECES = 2048
"""Piece entries kept (a minute of audio each, a few KB): some thirty hours of talk."""


def piece_key(samples: bytes, words: Sequence[str], language: str, voice: str) -> str:
    """The SHA-256 naming one piece's spans: its 16 kHz samples, its words, language, voice, the aligner."""
    digest = hashlib.sha256(samples)
    piece = {"format": FORMAT, "samples": digest.hexdigest(), "words": list(words), "language": language,
             "voice": voice, **_aligner()}
    return hashlib.sha256(json.dumps(piece, sort_keys=True).encode("utf-8")).hexdigest()


def load_piece(key: str, count: int) -> list[tuple[int, int]] | None:
    """The (start, end) ms of each word of the piece stored under ``key`` (from the piece's start), or None."""
    folder = _folder("pieces")
    if folder is None:
        return None
    try:
        stored = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        spans = [(int(start), int(end)) for start, end in stored]
    except (OSError, ValueError, TypeError):
        return None
    return spans if len(spans) == count else None


def store_pieces(pieces: Sequence[tuple[str, Sequence[tuple[int, int]]]]) -> None:
    """Keep each (key, spans) of the pieces just aligned, then only the newest ``MAX_PIECES``; best effort."""
    folder = _folder("pieces")
    if folder is None or not pieces:
        return
    for key, spans in pieces:
        _write(folder, key, json.dumps([list(span) for span in spans], separators=(",", ":")), None)
    _prune(folder, MAX_PIECES)


def load(key: str, count: int) -> list[WordTiming] | None:
    """The timings stored under ``key``, or None (no cache, no entry, or one that is not ``count`` words)."""
    folder = _folder()
    if folder is None:
        return None
    try:
        stored = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        timings = [WordTiming(float(start), float(end), float(confidence)) for start, end, confidence in stored]
    except (OSError, ValueError, TypeError):
        return None
    return timings if len(timings) == count else None


def store(key: str, timings: Sequence[WordTiming]) -> None:
    """Keep ``timings`` under ``key`` (atomically), then drop all but the newest entries; best effort."""
    folder = _folder()
    if folder is not None:
        _write(folder, key, json.dumps([[t.start, t.end, t.confidence] for t in timings], separators=(",", ":")),
               MAX_ENTRIES)


def _write(folder: Path, key: str, payload: str, keep: int | None) -> None:
    """``<folder>/<key>.json`` written atomically, then (``keep``) all but the newest ``keep`` entries dropped."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, folder / f"{key}.json")
    except OSError:
        return
    if keep is not None:
        _prune(folder, keep)


def _prune(folder: Path, keep: int) -> None:
    try:
        entries = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime_ns, reverse=True)
        for old in entries[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
