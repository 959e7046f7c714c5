"""WebM/Matroska: duration and codecs from the EBML header, ``Segment/Info`` and ``Segment/Tracks``.

Reading stops at the first ``Cluster`` (media data), so even a large file costs a few reads.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from scorm_builder.probe_types import MediaInfo, Track

EBML, DOCTYPE = 0x1A45DFA3, 0x4282
SEGMENT, INFO, TRACKS, CLUSTER = 0x18538067, 0x1549A966, 0x1654AE6B, 0x1F43B675
TIMESCALE, DURATION = 0x2AD7B1, 0x4489
TRACK_ENTRY, TRACK_TYPE, CODEC_ID = 0xAE, 0x83, 0x86

CODECS = {"V_VP8": "vp8", "V_VP9": "vp9", "V_AV1": "av1", "V_MPEG4/ISO/AVC": "h264",
          "V_MPEGH/ISO/HEVC": "hevc", "A_OPUS": "opus", "A_VORBIS": "vorbis", "A_AAC": "aac",
          "A_AC3": "ac3", "A_EAC3": "eac3", "A_MPEG/L3": "mp3", "A_FLAC": "flac", "V_MPEG4/ISO/ASP": "mpeg4-part2"}
_KINDS = {1: "video", 2: "audio"}


def _vint(data: bytes, p: int, keep_marker: bool) -> tuple[int, int, bool]:
    """An EBML variable-length integer at ``p``: (value, next position, all value bits set)."""
    first = data[p]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or p + length > len(data):
        raise ValueError("bad EBML number")
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[p + 1:p + length]:
        value = (value << 8) | byte
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, p + length, unknown


def _elements(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(id, body start, body end) of the elements in data[start:end]; unknown sizes run to ``end``."""
    found = []
    p = start
    while p < end:
        try:
            ident, p, _ = _vint(data, p, keep_marker=True)
            size, p, unknown = _vint(data, p, keep_marker=False)
        except (ValueError, IndexError):
            break
        stop = end if unknown else min(p + size, end)
        found.append((ident, p, stop))
        if ident in (SEGMENT, CLUSTER) and unknown:
            break
        p = stop
    return found


def probe_webm(handle: BinaryIO, size: int) -> MediaInfo | None:
    """What a WebM/Matroska file holds, or None if it does not start with an EBML header."""
    handle.seek(0)
    data = handle.read(min(size, 1 << 20))        # headers sit in the first few kilobytes
    if data[:4] != struct.pack(">I", EBML):
        return None
    top = _elements(data, 0, len(data))
    doctype = "matroska"
    for ident, body, stop in top:
        if ident == EBML:
            for child, cbody, cstop in _elements(data, body, stop):
                if child == DOCTYPE:
                    doctype = data[cbody:cstop].decode("ascii", "replace").rstrip("\0")
    segment = next(((b, s) for i, b, s in top if i == SEGMENT), None)
    if segment is None:
        return MediaInfo(doctype, None, ())
    timescale, raw_duration = 1_000_000, None
    tracks: list[Track] = []
    # a Segment of unknown size runs past our buffer: walk what we read
    for ident, body, stop in _elements(data, segment[0], len(data)):
        if ident == CLUSTER:
            break
        if ident == INFO:
            for child, cbody, cstop in _elements(data, body, stop):
                if child == TIMESCALE:
                    timescale = int.from_bytes(data[cbody:cstop], "big")
                elif child == DURATION:
                    raw = data[cbody:cstop]
                    raw_duration = struct.unpack(">d" if len(raw) == 8 else ">f", raw)[0]
        elif ident == TRACKS:
            for child, cbody, cstop in _elements(data, body, stop):
                if child == TRACK_ENTRY:
                    tracks += _track(data, cbody, cstop)
    duration = raw_duration * timescale / 1e9 if raw_duration is not None else None
    return MediaInfo(doctype, duration, tuple(tracks))


def _track(data: bytes, start: int, end: int) -> list[Track]:
    kind, codec = "", ""
    for ident, body, stop in _elements(data, start, end):
        if ident == TRACK_TYPE:
            kind = _KINDS.get(int.from_bytes(data[body:stop], "big"), "")
        elif ident == CODEC_ID:
            code = data[body:stop].decode("ascii", "replace").rstrip("\0")
            codec = CODECS.get(code, code)
    return [Track(kind, codec)] if kind else []
