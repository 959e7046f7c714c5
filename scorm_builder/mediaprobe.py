"""Which media a browser can play, judged from the file's own headers (no ffmpeg at build time).

``probe`` reads the container, duration and codecs (``probe_mp4``, ``probe_webm``, ``probe_mp3``);
``playback_problems`` says what a browser cannot play, with an ffmpeg command that fixes it.
"""

from __future__ import annotations

import struct
from pathlib import Path

from scorm_builder.probe_mp3 import probe_mp3
from scorm_builder.probe_mp4 import probe_mp4
from scorm_builder.probe_types import MediaInfo, Track
from scorm_builder.probe_webm import probe_webm

__all__ = ["MediaInfo", "Track", "playback_problems", "probe"]

#: Codecs every current browser plays, by container (Chrome, Firefox, Safari, Edge).
PLAYABLE = {
    "mp4": {"video": {"h264", "av1", "vp9"}, "audio": {"aac", "mp3", "opus", "flac"}},
    "webm": {"video": {"vp8", "vp9", "av1"}, "audio": {"opus", "vorbis"}},
    "mp3": {"video": set(), "audio": {"mp3"}},
}
_SUFFIX_CONTAINERS = {".mp4": "mp4", ".m4v": "mp4", ".m4a": "mp4", ".webm": "webm", ".mp3": "mp3"}


def probe(path: Path) -> MediaInfo | None:
    """The file's container, duration and codecs; None for a format we do not read (e.g. Ogg)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        for reader in (probe_mp4, probe_webm, probe_mp3):
            try:
                found = reader(handle, size)
            except (struct.error, IndexError, ValueError, UnicodeDecodeError):
                continue                 # a damaged or truncated header: not this format, as far as we can tell
            if found is not None:
                return found
    return None


def _hint(path: Path, audio_only: bool) -> str:
    if audio_only:
        return f"convert it with: ffmpeg -i {path.name} -vn -c:a aac -b:a 128k {path.stem}.m4a"
    return (f"convert it with: ffmpeg -i {path.name} -c:v libx264 -pix_fmt yuv420p -c:a aac "
            f"-movflags +faststart {path.stem}-h264.mp4")


def playback_problems(path: Path, info: MediaInfo) -> list[str]:
    """Why browsers will not play ``path`` as the package serves it (empty when they will)."""
    container = "mp4" if info.container in ("mp4", "mov") else info.container
    expected = _SUFFIX_CONTAINERS.get(path.suffix.lower())
    problems = []
    audio_only = not info.codecs("video")
    if expected is not None and expected != ("webm" if container in ("webm", "matroska") else container):
        problems.append(f"{path.name} is named {path.suffix} but holds {info.container}; browsers "
                        f"trust the name, so it may not play; {_hint(path, audio_only)}")
        return problems
    if info.container == "matroska":
        problems.append(f"{path.name} is Matroska, not WebM; browsers play only WebM; "
                        f"{_hint(path, audio_only)}")
        return problems
    allowed = PLAYABLE.get(container)
    if allowed is None:
        return problems
    for track in info.tracks:
        if track.codec not in allowed.get(track.kind, set()):
            problems.append(f"{path.name}: {track.kind} codec {_name(track.codec)} is not played by "
                            f"every browser; {_hint(path, audio_only)}")
    return problems


def _name(codec: str) -> str:
    return {"hevc": "HEVC (H.265)", "ac3": "AC-3 (Dolby Digital)", "eac3": "E-AC-3 (Dolby Digital Plus)",
            "mpeg4-part2": "MPEG-4 Part 2 (DivX/Xvid)", "h264": "H.264"}.get(codec, codec)
