"""MP3: the first frame header gives the format; Xing/Info or VBRI gives the duration, else CBR.

An ID3v2 tag at the start and an ID3v1 tag at the end are skipped, as players do.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from scorm_builder.probe_types import MediaInfo, Track

_BITRATES = {  # kbit/s by (MPEG-1?, layer) and index
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_LAYERS = {1: 3, 2: 2}               # header bits -> layer number (layer I is not handled)


def probe_mp3(handle: BinaryIO, size: int) -> MediaInfo | None:
    """What an MP3 file holds, or None if no MPEG audio frame header is found near the start."""
    handle.seek(0)
    head = handle.read(10)
    start = 0
    if head[:3] == b"ID3" and len(head) == 10:
        tag = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        start = 10 + tag + (10 if head[5] & 0x10 else 0)
    handle.seek(start)
    data = handle.read(64 * 1024)
    frame = _first_frame(data)
    if frame is None:
        return None
    at, version, layer, bitrate, rate, mono = frame
    samples = 1152 if version == 3 or layer == 2 else 576
    side = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    duration: float | None = None
    xing = data[at + 4 + side:at + 4 + side + 12]
    vbri = data[at + 36:at + 36 + 18]
    if xing[:4] in (b"Xing", b"Info") and struct.unpack(">I", xing[4:8])[0] & 1:
        duration = struct.unpack(">I", xing[8:12])[0] * samples / rate
    elif vbri[:4] == b"VBRI":
        duration = struct.unpack(">I", vbri[14:18])[0] * samples / rate
    elif bitrate:
        handle.seek(max(0, size - 128))
        tail = 128 if handle.read(3) == b"TAG" else 0
        duration = (size - start - at - tail) * 8 / (bitrate * 1000)
    return MediaInfo("mp3", duration, (Track("audio", "mp3" if layer == 3 else "mp2"),))


def _first_frame(data: bytes) -> tuple[int, int, int, int, int, bool] | None:
    """(offset, version bits, layer, kbit/s, sample rate, mono) of the first valid frame header."""
    at = data.find(b"\xff")
    while 0 <= at < len(data) - 4:
        b1, b2, b3 = data[at + 1], data[at + 2], data[at + 3]
        version, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
        rate_index, bitrate_index = (b2 >> 2) & 3, b2 >> 4
        if b1 & 0xE0 == 0xE0 and version != 1 and layer_bits in _LAYERS and rate_index != 3 \
                and bitrate_index != 15:
            layer = _LAYERS[layer_bits]
            bitrate = _BITRATES[(version == 3, layer)][bitrate_index]
            return at, version, layer, bitrate, _RATES[version][rate_index], (b3 >> 6) == 3
        at = data.find(b"\xff", at + 1)
    return None
