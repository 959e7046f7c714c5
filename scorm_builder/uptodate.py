"""Skip a build whose every input is unchanged since the last one wrote the same packages.

Designers rebuild constantly; most of a small build is starting Python and importing what it
needs (issue 12), so a build that would write the very same bytes is not run at all. This module
imports only the standard library, so the check costs a few milliseconds.

The fingerprint covers everything a build reads or decides by:

* every file of the course folder, by path and content (SHA-256). The build refuses any source
  that leaves the folder (issue 11), and a symbolic link anywhere in it means no skip at all.
  A file of ``CONTENT_HASH_MAX`` bytes or more (a video) is taken by its file-system identity
  instead: device, inode, size, and the modification and change times in nanoseconds. Any
  write, and any later reset of the modification time, sets the change time, which no user can
  set back. A file system may keep coarser times (a second, or two), so a large file changed less
  than ``RACY_NS`` ago means no skip: a later write then falls in a later tick.
* the tool itself: every file of the installed package (code, runtime scripts, schemas) and of
  the built-in theme, by content; the Python and zlib versions (zlib writes the deflated bytes);
  the names of the installed distributions beside the dependencies (each carries its version);
  the forced aligner's programs and libraries (ffmpeg, espeak-ng) by path and identity.
* the command: the course and output folders, the targets, ``--strict``, and every
  ``SCORM_BUILDER_*`` variable and ``SOURCE_DATE_EPOCH``.

The last successful build's fingerprint is kept in the user cache folder (the one the compiled
templates use) with the packages it wrote, each by its file-system identity: a package deleted,
replaced or touched since means a build. The fingerprint is taken before the build reads
anything, so a file edited during a build makes the next one run.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sys
import time
import zlib
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

CONTENT_HASH_MAX = 4 * 1024 * 1024
"""Files this large or larger are fingerprinted by identity and times, not read (media)."""
RACY_NS = 3_000_000_000
"""A large file changed this recently (nanoseconds) cannot be told from its next write by its times."""
MAX_RECORDS = 256
"""Records kept (one per course and output folder); the oldest go first, so the cache stays small."""
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parent
_DEPENDENCIES = ("click", "jinja2", "lxml", "markdown_it", "pydantic", "pydantic_core", "yaml", "aeneas", "numpy")
# The forced aligner (issue 13) runs these programs and libraries, found on this machine: a package
# upgrade replaces their files, and so changes their identity.
_PROGRAMS = ("ffmpeg", "espeak-ng", "espeak")
_LIBRARIES = ("/usr/lib/*/libespeak-ng.so*", "/usr/lib/libespeak-ng.so*", "/usr/local/lib/libespeak-ng.so*",
              "/usr/lib/*/espeak-ng-data", "/usr/share/espeak-ng-data", "/usr/local/share/espeak-ng-data")


@dataclass(frozen=True)
class Previous:
    """What the last build of the same command printed, for a skipped build to say again."""

    packages: list[str]
    lines: list[str]
    warnings: list[str]


def cache_dir() -> Path | None:
    """``SCORM_BUILDER_CACHE_DIR`` (empty: no cache, so never a skip), else the user cache folder."""
    chosen = os.environ.get("SCORM_BUILDER_CACHE_DIR")
    if chosen == "":
        return None
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(chosen) if chosen else Path(home) / "scorm-builder"


def _identity(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def _tree(digest: hashlib._Hash, label: str, root: Path) -> bool:
    """Feed every file under ``root`` into ``digest``; False when a link makes it unprovable."""
    digest.update(f"\0tree {label}\0".encode())
    if not root.is_dir():
        digest.update(b"missing")
        return True
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        here = Path(folder)
        for name in sorted([*dirs, *files]):
            path = here / name
            if path.is_symlink():
                return False
        for name in sorted(files):
            path = here / name
            stat = path.stat()
            relative = path.relative_to(root).as_posix()
            digest.update(f"\0file {relative}\0".encode("utf-8", "surrogateescape"))
            if stat.st_size >= CONTENT_HASH_MAX:
                if time.time_ns() - max(stat.st_ctime_ns, stat.st_mtime_ns) < RACY_NS:
                    return False
                digest.update(json.dumps(_identity(stat)).encode())
                continue
            with path.open("rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    return True


def _distributions() -> list[str]:
    """Names of the installed distributions (with versions) in the folders the dependencies live in."""
    folders = set()
    for name in _DEPENDENCIES:
        spec = find_spec(name)
        if spec is not None and spec.origin:
            folders.add(Path(spec.origin).resolve().parent.parent)
    names: list[str] = []
    for folder in sorted(folders):
        names += sorted(f"{folder}/{n}" for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
    return names


_TOOLS: list[list[tuple[str, list[int]]]] = []


def _tools() -> list[tuple[str, list[int]]]:
    """The aligner's programs and libraries on this machine, each by path and identity.

    Looked up once a process (a few ms of directory listing: the up-to-date check and the alignment
    cache both ask); a tool replaced while one ``preview`` session runs is seen by the next.
    """
    if not _TOOLS:
        found = [path for path in (shutil.which(name) for name in _PROGRAMS) if path]
        for pattern in _LIBRARIES:
            found += glob.glob(pattern)
        tools = []
        for path in sorted(set(found)):
            try:
                tools.append((path, _identity(os.stat(path))))
            except OSError:
                continue
        _TOOLS.append(tools)
    return _TOOLS[0]


def fingerprint(course_dir: Path, targets: list[str], out_dir: Path, strict: bool) -> str | None:
    """The digest of everything the build of ``course_dir`` depends on; None when it cannot be proved."""
    digest = hashlib.sha256()
    command = {
        "format": FORMAT, "course": str(course_dir.resolve()), "out": str(out_dir.resolve()),
        "targets": targets, "strict": strict, "python": sys.version, "zlib": zlib.ZLIB_RUNTIME_VERSION,
        "environment": sorted((k, v) for k, v in os.environ.items()
                              if k.startswith("SCORM_BUILDER_") or k == "SOURCE_DATE_EPOCH"),
        "distributions": _distributions(), "tools": _tools(),
    }
    digest.update(json.dumps(command, sort_keys=True).encode("utf-8", "surrogateescape"))
    try:
        proved = all(_tree(digest, label, root) for label, root in (
            ("course", course_dir), ("package", _PACKAGE), ("theme", _PACKAGE.parent / "templates")))
    except OSError:
        return None
    return digest.hexdigest() if proved else None


def _record_path(course_dir: Path, out_dir: Path) -> Path | None:
    base = cache_dir()
    if base is None:
        return None
    key = hashlib.sha256(f"{course_dir.resolve()}\0{out_dir.resolve()}".encode("utf-8", "surrogateescape"))
    return base / "builds" / f"{key.hexdigest()[:32]}.json"


def unchanged(course_dir: Path, out_dir: Path, digest: str | None) -> Previous | None:
    """What the last build printed, when it had this ``digest`` and its packages are untouched."""
    record = _record_path(course_dir, out_dir)
    if digest is None or record is None:
        return None
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
        if saved.get("fingerprint") != digest:
            return None
        for path, identity in saved["packages"].items():
            if _identity(os.stat(path)) != identity:
                return None
        return Previous(list(saved["packages"]), list(saved["lines"]), list(saved["warnings"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember(course_dir: Path, out_dir: Path, digest: str | None, packages: list[Path], lines: list[str],
             warnings: list[str]) -> None:
    """Keep the fingerprint of a successful build (quietly nothing when the cache cannot be written)."""
    record = _record_path(course_dir, out_dir)
    if digest is None or record is None:
        return
    try:
        saved = {"fingerprint": digest, "packages": {str(p.resolve()): _identity(os.stat(p)) for p in packages},
                 "lines": lines, "warnings": warnings}
        record.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = record.with_name(f"{record.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(saved), encoding="utf-8")
        os.replace(partial, record)
        kept = [entry for entry in os.scandir(record.parent) if entry.name.endswith(".json")]
        if len(kept) > MAX_RECORDS:
            kept.sort(key=lambda entry: entry.stat().st_mtime_ns)
            for entry in kept[:len(kept) - MAX_RECORDS]:
                os.unlink(entry.path)
    except OSError:
        return
