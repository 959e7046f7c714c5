"""Caps that make a hostile zip harmless to ``validate``, checked before any entry is expanded.

Only the central directory is read (``ZipFile.infolist()``): the sizes it declares are summed and
compared entry by entry. A zip that declares more than the caps is refused outright. A zip that lies
(declares small sizes and inflates to more) cannot hurt either: every entry ``validate`` looks into
is streamed through a reader that stops at a fixed cap (``validate._read_capped``), and nothing is
ever written to disk.
"""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Callable, Sequence

MAX_ENTRIES = 20_000
"""More entries than any course package holds (ours: a few per step)."""
MAX_TOTAL_BYTES = 4 * 1024**3
"""Total uncompressed size (4 GiB): a long course of video fits, a zip bomb does not."""
MAX_RATIO = 100
"""Largest compression ratio of one entry. Text deflates 3-10:1, media barely; a bomb 1,000:1."""
RATIO_FROM_BYTES = 1024 * 1024
"""Entries smaller than this (uncompressed) are not ratio-checked: tiny files compress oddly."""
MAX_SCANNED_BYTES = 20 * 1024 * 1024
"""Largest HTML/CSS/JS file ``validate`` reads to look for remote loads."""

Add = Callable[[str, str, int | None], None]


def check_central_directory(infos: Sequence[zipfile.ZipInfo], zip_name: str, add: Add) -> bool:
    """Report a zip bomb from the declared sizes alone; False means refuse (nothing else is read)."""
    ok = True
    if len(infos) > MAX_ENTRIES:
        add(zip_name, f"holds {len(infos):,} entries, more than the {MAX_ENTRIES:,} a course package plausibly has; "
            "refused without expanding anything", None)
        return False
    for info in infos:
        if info.file_size < RATIO_FROM_BYTES:
            continue
        if info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            add(info.filename, f"expands {ratio:,.0f}:1 ({info.file_size:,} bytes from {info.compress_size:,}); "
                f"more than {MAX_RATIO}:1 is a zip bomb: refused without expanding anything", None)
            ok = False
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        add(zip_name, f"expands to {total:,} bytes, more than the {MAX_TOTAL_BYTES:,} cap; refused without "
            "expanding anything", None)
        ok = False
    return ok


def fold(name: str) -> str:
    """The name as a case-insensitive, normalisation-insensitive file system sees it (Windows, macOS)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
