"""The caption search compiled to C when the install could compile it, else the Python one.

``scorm_builder/segment.py`` is the only source: installing the package compiles a copy of it
with mypyc (``hatch_build.py``, ``scripts/build_native.py``) as ``scorm_builder._segment_native``
and records the SHA-256 of the source it came from. That copy is used only while its digest
matches ``segment.py`` beside it, so a checkout edited after an editable install never runs stale
compiled code; a machine without a C compiler or mypy installs and runs the Python module, about
half as fast, with the same results (tests/test_native.py compares the two).
``SCORM_BUILDER_PURE_PYTHON=1`` forces the Python module.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import cast

from scorm_builder import segment as _pure

COMPILED = "scorm_builder._segment_native"
PURE_ENV = "SCORM_BUILDER_PURE_PYTHON"


def source_digest() -> str:
    """SHA-256 of ``segment.py`` as it is now, the key a compiled copy must carry."""
    return hashlib.sha256(Path(_pure.__file__).read_bytes()).hexdigest()


def _choose() -> tuple[object, str]:
    """(the module to use, how it was chosen: one line for ``scorm-builder --version`` and the bench)."""
    if os.environ.get(PURE_ENV, "").strip() not in ("", "0"):
        return _pure, f"Python ({PURE_ENV} is set)"
    try:
        compiled = import_module(COMPILED)
    except ImportError:
        return _pure, "Python (no compiled copy was installed)"
    if getattr(compiled, "SOURCE_SHA256", None) != source_digest():
        return _pure, "Python (the compiled copy is older than segment.py: reinstall to compile it again)"
    return compiled, "compiled with mypyc"


_module, STATUS = _choose()
IS_COMPILED = _module is not _pure
Tokens = cast("type[_pure.Tokens]", getattr(_module, "Tokens"))  # noqa: B009
segment = cast("Callable[[_pure.Tokens, float], list[tuple[int, int, int]]]", getattr(_module, "segment"))  # noqa: B009
