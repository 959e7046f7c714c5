"""MP4/M4A/MOV: duration and codecs from the box tree, read straight from the file.

Only the ``moov`` box is walked (``moov/mvhd`` for the duration, ``moov/trak/mdia/hdlr`` for the
track kind, ``.../minf/stbl/stsd`` for the codec's four-character code); media data is never read.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from scorm_builder.probe_types import MediaInfo, Track

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}

#: Sample-entry codes and the codec names people know them by.
CODECS = {
    "avc1": "h264", "avc3": "h264", "hvc1": "hevc", "hev1": "hevc", "av01": "av1", "vp08": "vp8",
    "vp09": "vp9", "mp4v": "mpeg4-part2", "s263": "h263", "mp4a": "aac", "ac-3": "ac3",
    "ec-3": "eac3", "Opus": "opus", "fLaC": "flac", "alac": "alac", ".mp3": "mp3",
    "samr": "amr", "jpeg": "mjpeg", "apch": "prores", "apcn": "prores",
}
# MPEG-4 object types in an ``esds`` box that are not AAC.
_OBJECT_TYPES = {0x69: "mp3", 0x6B: "mp3", 0xA5: "ac3", 0xA6: "eac3", 0xAD: "opus", 0x20: "mpeg4-part2",
                 0x21: "h264"}


def probe_mp4(handle: BinaryIO, size: int) -> MediaInfo | None:
    """What an MP4-family file holds, or None if it has no readable ``moov`` box."""
    head = _peek(handle, 0, 12)
    if len(head) < 8 or head[4:8] not in (b"ftyp", b"moov", b"free", b"mdat", b"wide", b"skip"):
        return None
    brand = head[8:12].decode("latin-1").strip() if head[4:8] == b"ftyp" else ""
    found: dict[str, object] = {"duration": None, "tracks": []}
    if not _walk(handle, 0, size, found, None):
        return None
    tracks: list[Track] = found["tracks"]  # type: ignore[assignment]
    duration = found["duration"]
    assert duration is None or isinstance(duration, float)
    container = "mov" if brand == "qt" else "mp4"
    return MediaInfo(container, duration, tuple(tracks))


def _peek(handle: BinaryIO, offset: int, count: int) -> bytes:
    handle.seek(offset)
    return handle.read(count)


def _walk(handle: BinaryIO, start: int, end: int, found: dict[str, object], kind: list[str] | None) -> bool:
    """Visit boxes in [start, end); True once a ``moov`` was seen."""
    seen_moov = False
    offset = start
    while offset + 8 <= end:
        header = _peek(handle, offset, 16)
        if len(header) < 8:
            break
        box_size, box_type = struct.unpack(">I4s", header[:8])
        header_len = 8
        if box_size == 1 and len(header) >= 16:
            box_size, header_len = struct.unpack(">Q", header[8:16])[0], 16
        elif box_size == 0:
            box_size = end - offset
        if box_size < header_len:
            break
        body = offset + header_len
        if box_type == b"moov":
            seen_moov = True
        if box_type == b"trak":
            kind = [""]
            _walk(handle, body, offset + box_size, found, kind)
        elif box_type in _CONTAINERS:
            _walk(handle, body, offset + box_size, found, kind)
        elif box_type == b"mvhd":
            found["duration"] = _mvhd(_peek(handle, body, 32))
        elif box_type == b"hdlr" and kind is not None:
            kind[0] = {b"vide": "video", b"soun": "audio"}.get(_peek(handle, body + 8, 4), "")
        elif box_type == b"stsd" and kind is not None and kind[0]:
            entry = _peek(handle, body + 8, 8)
            code = entry[4:8].decode("latin-1") if len(entry) == 8 else ""
            codec = CODECS.get(code, code.strip() or "unknown")
            if code in ("mp4a", "mp4v"):
                codec = _esds_codec(handle, body + 8, offset + box_size, kind[0]) or codec
            tracks = found["tracks"]
            assert isinstance(tracks, list)
            tracks.append(Track(kind[0], codec))
        offset += box_size
    return seen_moov


def _esds_codec(handle: BinaryIO, entry: int, end: int, kind: str) -> str | None:
    """The object type in the sample entry's ``esds`` box (``mp4a`` can hold MP3 too)."""
    data = _peek(handle, entry, min(end - entry, 512))
    at = data.find(b"esds")
    if at < 0:
        return None
    p = at + 8                                     # type, then version and flags
    try:
        if data[p] != 0x03:                        # ES_Descriptor
            return None
        p = _skip_size(data, p + 1)
        flags = data[p + 2]
        p += 3
        if flags & 0x80:
            p += 2
        if flags & 0x40:
            p += 1 + data[p]
        if flags & 0x20:
            p += 2
        if data[p] != 0x04:                        # DecoderConfigDescriptor
            return None
        oti = data[_skip_size(data, p + 1)]
    except IndexError:
        return None
    if oti == 0x40 or oti in (0x66, 0x67, 0x68):
        return "aac"
    return _OBJECT_TYPES.get(oti)


def _skip_size(data: bytes, p: int) -> int:
    """Past a descriptor's size field (1-4 bytes, high bit = more follow)."""
    for _ in range(4):
        more = data[p] & 0x80
        p += 1
        if not more:
            break
    return p


def _mvhd(body: bytes) -> float | None:
    version = body[0] if body else 0
    if version == 1 and len(body) >= 32:
        timescale, duration = struct.unpack(">IQ", body[20:32])
    elif len(body) >= 20:
        timescale, duration = struct.unpack(">II", body[12:20])
    else:
        return None
    return duration / timescale if timescale else None
