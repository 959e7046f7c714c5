"""Read a media file's duration without external tools.

The caption timing of the last paragraph needs the media's length. MP4-family files carry it
in the ``mvhd`` box, which is cheap to read; other formats must state ``duration`` in step.yml.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

_CONTAINERS = {b"moov", b"trak", b"mdia"}


def mp4_duration(path: Path) -> float | None:
    """Duration in seconds from the ``moov/mvhd`` box, or None if the file has none."""
    with path.open("rb") as handle:
        size = path.stat().st_size
        return _scan(handle, 0, size)


def _scan(handle: BinaryIO, start: int, end: int) -> float | None:
    offset = start
    while offset + 8 <= end:
        handle.seek(offset)
        header = handle.read(8)
        if len(header) < 8:
            return None
        box_size, box_type = struct.unpack(">I4s", header)
        header_len = 8
        if box_size == 1:
            box_size = struct.unpack(">Q", handle.read(8))[0]
            header_len = 16
        elif box_size == 0:
            box_size = end - offset
        if box_size < header_len:
            return None
        if box_type == b"mvhd":
            return _mvhd(handle.read(min(box_size - header_len, 32)))
        if box_type in _CONTAINERS:
            found = _scan(handle, offset + header_len, offset + box_size)
            if found is not None:
                return found
        offset += box_size
    return None


def _mvhd(body: bytes) -> float | None:
    version = body[0] if body else 0
    if version == 1 and len(body) >= 32:
        timescale, duration = struct.unpack(">IQ", body[20:32])
    elif len(body) >= 20:
        timescale, duration = struct.unpack(">II", body[12:20])
    else:
        return None
    return duration / timescale if timescale else None
