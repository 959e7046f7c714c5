"""The page's own stylesheet and scripts written into the page, for a build opened from ``file://``.

Chromium fetches every ``file://`` subresource through its network service: an empty deferred
script alone costs 15-20 ms, and the deferred scripts wait for the stylesheet, so the step page
reached DOMContentLoaded at 1.5-2.1 times a blank page (issue 12, bench section 6). Written into
the page they cost nothing to fetch (1.4-1.55 times). Only the web build does this: it is opened
from disk, where nothing is cached between pages anyway; an LMS serves its packages over HTTP,
where one shared, cached file per asset serves every step.

An asset stays a file when writing it into the page would change what it does: a stylesheet with
``url(`` or ``@import`` (relative addresses would resolve against the page instead of ``assets/``),
or text that would end the element early (``</style``, ``</script``, ``<!--``). Pages from a
course's own page templates are left as they are: an old copy of ``base.html`` would not carry the
hashes the Content-Security-Policy needs to run inline scripts.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from markupsafe import Markup

from scorm_builder.compact import compact
from scorm_builder.theme import builtin_theme_dir, static_assets

STYLESHEET = "assets/step.css"
RUNTIME_PREFIX = "assets/runtime-"
PAGE_TEMPLATES = ("base.html", "step.html", "contents.html")
_CLOSES_EARLY = re.compile(r"</(style|script)|<!--", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class InlinePage:
    """What one kind of page carries inline, with the CSP sources that let it run."""

    css: Markup | None
    scripts: tuple[Markup, ...]
    paths: tuple[str, ...]
    """Package paths written into the page (the packager drops them when no page links them)."""

    @property
    def script_src(self) -> Markup:
        """`` 'sha256-…'`` for each inline script, to follow ``script-src 'self'``."""
        return Markup("".join(f" {csp_hash(text)}" for text in self.scripts))

    @property
    def style_src(self) -> Markup:
        """`` 'sha256-…'`` for the inline stylesheet, to follow ``style-src 'self'``."""
        return Markup(f" {csp_hash(self.css)}" if self.css is not None else "")


def csp_hash(text: str) -> str:
    """The CSP source expression allowing an inline element whose text is ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class InlineAssets:
    """Reads and compacts the theme's and runtimes' assets once for every page of one package."""

    def __init__(self, override: Path | None) -> None:
        self._assets = static_assets(override)
        self._builtin = builtin_theme_dir()
        self._texts: dict[str, str | None] = {}
        self.enabled = override is None or not any((override / name).is_file() for name in PAGE_TEMPLATES)

    def page(self, scripts: tuple[str, ...]) -> InlinePage | None:
        """The inline stylesheet and ``scripts`` (package paths, in order) for one kind of page."""
        if not self.enabled:
            return None
        css = self._text(STYLESHEET)
        kept: list[Markup] = []
        paths = [STYLESHEET] if css is not None else []
        for path in scripts:
            text = self._text(path)
            if text is None:         # one script left a file: the rest stay files too, to keep their order
                kept, paths = [], paths[:1]
                break
            kept.append(Markup(text))
            paths.append(path)
        if css is None and not kept:
            return None
        return InlinePage(Markup(css) if css is not None else None, tuple(kept), tuple(paths))

    def _text(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = self._read(path)
        return self._texts[path]

    def _read(self, path: str) -> str | None:
        if path.startswith(RUNTIME_PREFIX):
            name = path.removeprefix(RUNTIME_PREFIX)
            source = resources.files("scorm_builder").joinpath("runtime", name).read_bytes()
            data = compact(name, source)
        elif path in self._assets:
            source = self._assets[path].read_bytes()
            data = compact(path, source) if self._assets[path].is_relative_to(self._builtin) else source
        else:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if _CLOSES_EARLY.search(text):
            return None
        if path.endswith(".css") and ("url(" in text.lower() or "@import" in text.lower()):
            return None
        if data != source:          # compacted: the empty lines it kept for line numbers can go too
            text = _BLANK_LINES.sub("\n", text)
        return text.strip("\n")
