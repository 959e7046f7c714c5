"""scorm-again's test LMS pages served beside built packages, for tests that launch a package in a frame."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.server import serve

ROOT = Path(__file__).resolve().parents[2]
HOST = ROOT / "tests" / "scorm_host"
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist" / "scorm-again.js"


@contextmanager
def scorm_again_site(root: Path, packages: Mapping[str, Path]) -> Iterator[Any]:
    """Serve ``root``: /host holds the LMS pages and scorm-again, /<mount> each unzipped package."""
    shutil.copytree(HOST, root / "host")
    shutil.copy(SCORM_AGAIN, root / "host" / "scorm-again.js")
    for mount, unzipped in packages.items():
        shutil.copytree(unzipped, root / mount)
    with serve(root) as server:
        yield server
