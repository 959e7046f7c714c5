"""Local preview: a server on 127.0.0.1 with Range support (used by ``preview`` and the tests).

``session.py`` runs ``scorm-builder preview`` (simulator page, rebuilds), ``lms.js`` is the simulated
LMS's SCORM runtime, ``lrs.py`` the local LRS front (ralph) for xAPI and cmi5.

Browsers seek video with Range requests; Python's stock server ignores them, so the video would
jump back to the start. This server answers single ranges with 206, which is all a player needs.
"""

from __future__ import annotations

import errno
import http.server
import os
import re
import shutil
from pathlib import Path
from typing import Any, BinaryIO

from scorm_builder.errors import ScormBuilderError

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class RangeRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static files plus single-range 206 responses."""

    _remaining: int | None = None

    def send_head(self) -> Any:
        self._remaining = None
        header = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if not header or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        span = _parse_range(header, size)
        if span is None:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        start, end = span
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return handle

    def copyfile(self, source: BinaryIO, outputfile: BinaryIO) -> None:  # type: ignore[override]
        remaining = self._remaining
        if remaining is None:
            shutil.copyfileobj(source, outputfile)
            return
        while remaining > 0:
            chunk = source.read(min(65536, remaining))
            if not chunk:
                break
            outputfile.write(chunk)
            remaining -= len(chunk)

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    return (start, end) if start < size and start <= end else None


def make_server(root: Path, port: int = 0,
                handler: type[RangeRequestHandler] = RangeRequestHandler) -> http.server.ThreadingHTTPServer:
    """A threading server for ``root`` on 127.0.0.1 (port 0 picks a free one)."""

    class _Handler(handler):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=os.fspath(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    return server


def port_problem(error: OSError) -> str:
    """Why a port could not be opened, in words (the usual cases: in use, or not allowed)."""
    if error.errno == errno.EADDRINUSE:
        return "the port is in use (another preview or server?)"
    if error.errno == errno.EACCES:
        return "this user may not open that port"
    return error.strerror or str(error)


class PortUnavailable(ScormBuilderError):
    """The preview cannot listen on the port asked for; the message says why and what to do."""

    def __init__(self, port: int, error: OSError) -> None:
        self.port = port
        super().__init__(f"cannot listen on 127.0.0.1:{port}: {port_problem(error)}; "
                         "choose another --port, or --port 0 to pick a free one")
