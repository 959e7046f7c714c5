"""The preview server, plus a record of every request and POST body, for browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scorm_builder.preview import RangeRequestHandler, make_server


class RecordingHandler(RangeRequestHandler):
    """Records request paths and answers POSTs (LMS commit URLs) with a JSON success."""

    def log_message(self, format: str, *args: Any) -> None:
        self.server.requests_seen.append(self.path)  # type: ignore[attr-defined]

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        length = int(self.headers.get("Content-Length") or 0)
        self.server.posts.append((self.path, self.rfile.read(length)))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"result": true, "errorCode": 0}')


@contextmanager
def serve(root: Path | str) -> Iterator[Any]:
    """Serve ``root`` on a free port of 127.0.0.1; ``server.url`` is its base URL."""
    server: Any = make_server(Path(root), 0, RecordingHandler)
    server.requests_seen = []
    server.posts = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
