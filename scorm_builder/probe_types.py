"""What a media probe finds: container, duration and one codec per track."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Track:
    """One stream: ``kind`` is "video" or "audio"; ``codec`` a short name ("h264", "aac", "hevc")."""

    kind: str
    codec: str


@dataclass(frozen=True)
class MediaInfo:
    """A media file as read from its own headers (no ffmpeg)."""

    container: str                 # "mp4", "mov", "webm", "matroska", "mp3"
    duration: float | None         # seconds, None when the file does not say
    tracks: tuple[Track, ...]

    def codecs(self, kind: str) -> list[str]:
        """Codec names of the tracks of one kind."""
        return [t.codec for t in self.tracks if t.kind == kind]

    def summary(self) -> str:
        """``mp4, 101.400 s, video h264, audio aac``."""
        parts = [self.container, f"{self.duration:.3f} s" if self.duration is not None else "duration unknown"]
        parts += [f"{t.kind} {t.codec}" for t in self.tracks]
        return ", ".join(parts)
