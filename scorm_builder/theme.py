"""Find templates and static assets through an ordered search path.

The course's own ``templates/`` folder comes first, then the built-in theme, so a designer can
override one template or one asset file without copying the whole theme.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import jinja2
import jinja2.bccache

_PACKAGE_DIR = Path(__file__).resolve().parent


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs; a cache that cannot be written is simply not used."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Templates compile once per jinja2 and Python version (compiling is most of a small build).

    Entries are keyed by the template's file name and checked against a checksum of its source,
    so an edited built-in or course template is compiled again. ``SCORM_BUILDER_CACHE_DIR``
    chooses the folder (empty: no cache); by default ``$XDG_CACHE_HOME/scorm-builder`` or
    ``~/.cache/scorm-builder``.
    """
    chosen = os.environ.get("SCORM_BUILDER_CACHE_DIR")
    if chosen == "":
        return None
    try:
        home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        base = Path(chosen) if chosen else Path(home) / "scorm-builder"
        folder = base / f"jinja2-{jinja2.__version__}-py{sys.version_info[0]}.{sys.version_info[1]}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (OSError, RuntimeError):              # no home folder, or one we cannot write to
        return None
    return _QuietCache(str(folder))


def builtin_theme_dir() -> Path:
    """The built-in theme: inside the installed package, or the checkout's top-level ``templates/``."""
    for candidate in (_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent / "templates"):
        if (candidate / "step.html").is_file():
            return candidate
    raise FileNotFoundError("the built-in templates are missing from this installation")


def search_path(override: Path | None) -> list[Path]:
    """Template folders in lookup order: the course's override first."""
    dirs = [override] if override is not None else []
    return [*dirs, builtin_theme_dir()]


def environment(override: Path | None) -> jinja2.Environment:
    """A jinja2 environment over the search path; autoescaping on for every template."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in search_path(override)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
        extensions=["jinja2.ext.i18n"],
    )


def static_assets(override: Path | None) -> dict[str, Path]:
    """Every file under ``assets/`` of the theme, package path -> source; overrides win."""
    found: dict[str, Path] = {}
    for directory in reversed(search_path(override)):
        assets = directory / "assets"
        if not assets.is_dir():
            continue
        for path in sorted(assets.rglob("*")):
            if path.is_file():
                found["assets/" + path.relative_to(assets).as_posix()] = path
    return dict(sorted(found.items()))
