"""Find templates and static assets through an ordered search path.

The course's own ``templates/`` folder comes first, then the built-in theme, so a designer can
override one template or one asset file without copying the whole theme.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

_PACKAGE_DIR = Path(__file__).resolve().parent


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
