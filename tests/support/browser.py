"""Launch Debian's Chromium through Playwright (``playwright install`` cannot download here)."""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("SCORM_BUILDER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_available() -> bool:
    """True when the Chromium binary exists on this machine."""
    return shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)
