"""Write one deterministic zip, atomically.

Entries are sorted, timestamps and permissions fixed, so the same input always gives the same
bytes. The zip is written to a temporary file next to its destination, checked, and only then
moved into place: a failed build leaves nothing behind in the output folder. A build of
several targets stages every zip first and moves them only when all of them passed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from scorm_builder.errors import BuildError, PackageInvalid

Content = bytes | Path
_STORED = {".mp4", ".m4v", ".webm", ".m4a", ".mp3", ".ogg", ".jpg", ".jpeg", ".png", ".webp", ".woff2"}
_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20                 # bytes read at a time from a media file
# Text entries are deflated at level 9, except those of a megabyte or more (the page, captions and
# transcript of a transcript many hours long): level 3 is about 5 times faster than 9 for a fifth more
# bytes (a 1 MB transcript's page and text: 15 ms and 399 KB, against 37 ms and 326 KB at level 6).
_LARGE = 1 << 20


def zip_timestamp() -> tuple[int, int, int, int, int, int]:
    """Entry time: SOURCE_DATE_EPOCH when set (reproducible-builds convention), else 1980-01-01."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if not raw:
        return _EPOCH
    import time

    stamp = time.gmtime(max(int(raw), 315532800))
    return (stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min, stamp.tm_sec - stamp.tm_sec % 2)


class StagedZip:
    """A checked zip in a temporary file beside its destination, waiting to be moved into place."""

    def __init__(self, temp: Path, destination: Path, created: tuple[Path, ...] = ()) -> None:
        self.temp = temp
        self.destination = destination
        self.created = created
        """Folders made for this zip (deepest first); ``discard`` removes those left empty."""

    def commit(self) -> Path:
        """Move the zip into place (atomic on one file system)."""
        try:
            os.chmod(self.temp, 0o644)
            os.replace(self.temp, self.destination)
        except OSError as exc:
            self.discard()
            raise BuildError(f"{self.destination}: cannot write the package: {exc.strerror or exc}") from exc
        return self.destination

    def discard(self) -> None:
        """Remove the temporary file; nothing of this package is left behind."""
        self.temp.unlink(missing_ok=True)
        for folder in self.created:
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: another package of the run is still staged there, or the user's files


def stage_zip(destination: Path, files: Mapping[str, Content],
              check: Callable[[Path], list[str]] | None = None) -> StagedZip:
    """Write ``files`` to a temporary zip next to ``destination`` and check it; problems abort."""
    created = tuple(p for p in (destination.parent, *destination.parent.parents) if not p.exists())
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    os.close(handle)
    staged = StagedZip(Path(temp_name), destination, created)
    try:
        _write(staged.temp, files)
        problems = check(staged.temp) if check else []
        if problems:
            raise PackageInvalid(problems)
    except OSError as exc:
        staged.discard()
        raise BuildError(f"{destination}: cannot write the package: {exc.strerror or exc}") from exc
    except BaseException:
        staged.discard()
        raise
    return staged


def write_zip(destination: Path, files: Mapping[str, Content],
              check: Callable[[Path], list[str]] | None = None) -> Path:
    """Write ``files`` to ``destination`` atomically; ``check`` problems abort the write."""
    return stage_zip(destination, files, check).commit()


def _write(path: Path, files: Mapping[str, Content]) -> None:
    stamp = zip_timestamp()
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(files):
            content = files[name]
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            stored = Path(name).suffix.lower() in _STORED
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if stored and isinstance(content, Path):
                _stream(archive, info, content)
                continue
            data = content.read_bytes() if isinstance(content, Path) else content
            level = None if stored else 9 if len(data) < _LARGE else 3
            archive.writestr(info, data, compresslevel=level)


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: Path) -> None:
    """Copy a stored file (media) into the zip a chunk at a time: memory stays flat for any size.

    The entry is byte-for-byte what ``writestr`` writes (the size is known before the header, so
    the ZIP64 decision is the same); only the file is never held in memory.
    """
    with source.open("rb") as reader:
        info.file_size = os.fstat(reader.fileno()).st_size
        with archive.open(info, "w") as writer:
            shutil.copyfileobj(reader, writer, _CHUNK)
