"""The caption search compiled with mypyc gives exactly the Python search's cues, and runs only while current.

scripts/test.sh installs the checkout with a C compiler and mypy present, so the editable install
compiled ``scorm_builder/segment.py`` (hatch_build.py); these tests compare the two on any words
and on whole builds, byte for byte.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorm_builder import native
from scorm_builder import segment as pure
from scorm_builder.captions import label_tokens, token_facts
from tests.helpers import ROOT, copy_example

CAN_COMPILE = bool(shutil.which("cc") or shutil.which("gcc")) and importlib.util.find_spec("mypyc") is not None
needs_compiled = pytest.mark.skipif(not CAN_COMPILE, reason="no C compiler or mypyc here: Python search only")


@pytest.fixture(scope="module")
def compiled() -> ModuleType:
    module = import_module(native.COMPILED)
    assert native.source_digest() == module.SOURCE_SHA256
    return module


@needs_compiled
def test_the_install_compiled_the_search_and_it_is_used() -> None:
    assert native.IS_COMPILED, (f"{native.STATUS}: the editable install should have compiled segment.py "
                                "(pip install -e ., or python scripts/build_native.py)")
    assert native.segment.__module__ == native.COMPILED


_WORD = st.one_of(
    st.sampled_from(["the", "a", "and", "but", "of", "to", "handover.", "Yes,", "No.", "Why?", "well;", "so:",
                     "-", "—", "Dr.", "e.g.", "it's", "patient", "ward", "nurse", "continuity", "(see", "below)",
                     "Mr", "'quoted'", "end!", "however,", "1,200", "10.30am", "x" * 41, "y" * 43, "z" * 90]),
    st.text(alphabet="abcdefghij.,;:?!'\"()-", min_size=1, max_size=14),
)


@needs_compiled
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(_WORD, min_size=1, max_size=120),
       speaker=st.sampled_from([None, "ANA", "DR SMITH", "A VERY LONG SPEAKER NAME INDEED HERE"]),
       window=st.one_of(st.floats(0.5, 600_000.0), st.integers(1, 600_000).map(float)))
def test_compiled_and_python_search_choose_the_same_cues(compiled: ModuleType, words: list[str],
                                                           speaker: str | None, window: float) -> None:
    label = label_tokens(speaker) if speaker else []
    facts = token_facts([*label, *words], len(label))
    assert compiled.segment(compiled.Tokens(*facts), window) == pure.segment(pure.Tokens(*facts), window)


def _build(course: Path, out: Path, pure_python: bool) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != native.PURE_ENV}
    if pure_python:
        env[native.PURE_ENV] = "1"
    env["SCORM_BUILDER_PARALLEL_MIN_CHARS"] = "1000"       # the worker pool too, on a small course
    done = subprocess.run([sys.executable, "-m", "scorm_builder", "build", str(course), "--target", "scorm12",
                           "--out", str(out), "--force", "--quiet"], env=env, capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (package,) = out.glob("*.zip")
    return package.read_bytes()


@needs_compiled
def test_a_build_is_byte_identical_with_either_search(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    compiled_zip = _build(course, tmp_path / "compiled", pure_python=False)
    python_zip = _build(course, tmp_path / "python", pure_python=True)
    assert len(compiled_zip) > 100_000
    assert hashlib.sha256(compiled_zip).hexdigest() == hashlib.sha256(python_zip).hexdigest()


def test_a_compiled_copy_of_another_source_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(native, "source_digest", lambda: "0" * 64)
    module, status = native._choose()
    assert module is pure
    assert ("older than segment.py" in status) or ("no compiled copy" in status)


def test_the_python_search_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(native.PURE_ENV, "1")
    module, status = native._choose()
    assert module is pure and native.PURE_ENV in status
    monkeypatch.setenv(native.PURE_ENV, "0")
    if CAN_COMPILE:
        assert native._choose()[0] is not pure


def test_build_native_compiles_a_current_copy(tmp_path: Path) -> None:
    """scripts/build_native.py (what the wheel hook runs) writes an extension that names its source."""
    if not CAN_COMPILE:
        pytest.skip("no C compiler or mypyc here")
    spec = importlib.util.spec_from_file_location("build_native", ROOT / "scripts" / "build_native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.build(tmp_path)
    names = sorted(f.name for f in files)
    assert any(n.startswith("_segment_native.") for n in names), names
    digest = native.source_digest()
    assert any(digest.encode() in f.read_bytes() for f in files), "the source's digest is compiled in"
