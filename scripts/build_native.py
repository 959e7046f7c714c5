"""Compile ``scorm_builder/segment.py`` with mypyc into ``scorm_builder._segment_native``.

Run by ``hatch_build.py`` when a wheel (or an editable install) is built, by tests/test_native.py
and by hand: ``python scripts/build_native.py [DEST]`` (default: next to segment.py, where an
editable install looks). Needs mypy (for mypyc), setuptools and a C compiler with the Python
headers; without them it raises ``NativeBuildError`` and the caller keeps the Python module.

The copy compiled is segment.py plus one line, ``SOURCE_SHA256``: the digest of the source, which
``scorm_builder.native`` compares before it uses the compiled module.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "scorm_builder" / "segment.py"
MODULE = "_segment_native"
_SETUP = ("from mypyc.build import mypycify\n"
          "from setuptools import setup\n"
          f"setup(name='scorm-builder-native', ext_modules=mypycify(['scorm_builder/{MODULE}.py'], opt_level='3'),\n"
          "      script_args=['build_ext', '--inplace'])\n")


class NativeBuildError(Exception):
    """The compiled module could not be built (no mypy, no compiler, a compile error)."""


def build(dest: Path, source: Path = SOURCE) -> list[Path]:
    """Compile ``source`` and put the extension files (``*.so`` / ``*.pyd``) in ``dest``; return them."""
    code = source.read_bytes()
    digest = hashlib.sha256(code).hexdigest()
    with tempfile.TemporaryDirectory(prefix="scorm-builder-native-") as tmp:
        package = Path(tmp) / "scorm_builder"
        package.mkdir()
        (package / "__init__.py").write_text("", encoding="utf-8")
        (package / f"{MODULE}.py").write_bytes(code + f'\nSOURCE_SHA256 = "{digest}"\n'.encode())
        try:
            done = subprocess.run([sys.executable, "-c", _SETUP], cwd=tmp, capture_output=True, text=True,
                                  timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise NativeBuildError(str(exc)) from exc
        if done.returncode != 0:
            last = (done.stderr.strip() or done.stdout.strip() or f"exit {done.returncode}").splitlines()[-1]
            raise NativeBuildError(last if len(last) <= 300 else last[:150] + " ... " + last[-150:])
        built = sorted(p for p in package.iterdir() if p.suffix in (".so", ".pyd"))
        if not any(p.name.startswith(MODULE + ".") for p in built):
            raise NativeBuildError(f"mypyc ran but wrote no {MODULE} extension")
        dest.mkdir(parents=True, exist_ok=True)
        written = []
        for path in built:
            target = dest / path.name
            shutil.copyfile(path, target)
            written.append(target)
        return written


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE.parent
    try:
        files = build(out)
    except NativeBuildError as error:
        sys.exit(f"not compiled: {error}")
    print("\n".join(str(f) for f in files))
