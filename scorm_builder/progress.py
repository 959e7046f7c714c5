"""Build progress on a terminal: one line, rewritten in place; nothing when output is not a terminal.

Logs and CI output stay plain (and ``--quiet`` silences it): only an interactive stderr gets the
carriage-return updates, so a long build of many steps or large media visibly moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def terminal_progress(stream: TextIO, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A ``progress`` callback that redraws one status line on ``stream`` when it is a terminal."""
    live = enabled and stream.isatty()
    started = time.monotonic()
    shown = False

    def show(message: str) -> None:
        nonlocal shown
        if live:
            stream.write(f"\r\x1b[K{message} [{time.monotonic() - started:.1f} s]")
            stream.flush()
            shown = True

    try:
        yield show
    finally:
        if shown:
            stream.write("\r\x1b[K")
            stream.flush()
