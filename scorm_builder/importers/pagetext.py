"""A saved page's text lines, whether it was saved as text or as HTML.

For HTML we do what a browser's "save as text" does: drop what is never shown (scripts, styles,
the head), put each block element on its own line, and collapse the spaces inside a line. Every
line keeps the line of the HTML file it came from, so errors still point into the user's file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree
import lxml.html

from scorm_builder.errors import Location, SourceError

#: What the importer tells a user whose HTML page it could not read.
SAVE_AS_TEXT = (
    "on the FutureLearn step, open the video's Transcript first, then save the page as text: in Firefox, "
    "File > Save Page As... and choose 'Text Files'; in any browser, select the whole page (Ctrl+A or "
    "Cmd+A), copy it, paste it into a plain-text editor and save it as a .txt file"
)

_HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object",
                     "canvas", "video", "audio", "picture", "img"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


@dataclass(frozen=True)
class PageLines:
    """The page's text lines and, for each, its 1-based line in the file the user saved."""

    lines: list[str]
    numbers: list[int]
    html: bool = False

    def location(self, path: Path, index: int) -> Location:
        """Where line ``index`` (0-based) of the text came from."""
        if not self.numbers:
            return Location(path)
        return Location(path, self.numbers[min(index, len(self.numbers) - 1)])


def looks_like_html(path: Path, text: str) -> bool:
    """True for a page saved as HTML ("Web page, complete" or "HTML only")."""
    head = text.lstrip()[:200].lower()
    return path.suffix.lower() in (".html", ".htm", ".xhtml") or head.startswith(("<!doctype html", "<html"))


def page_lines(path: Path, text: str) -> PageLines:
    """Split a text page into lines, or reduce an HTML page to the lines a browser would save."""
    if not looks_like_html(path, text):
        # Only real line endings split lines; str.splitlines would also split on U+2028 etc.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return PageLines(lines, list(range(1, len(lines) + 1)))
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(Location(path), f"cannot read this HTML page ({exc})", SAVE_AS_TEXT) from None
    out = _Text()
    _walk(root, out, preformatted=False)
    out.flush()
    return PageLines(out.lines, out.numbers, html=True)


@dataclass
class _Text:
    lines: list[str] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    line: int = 0

    def add(self, text: str | None, line: int, preformatted: bool) -> None:
        if not text:
            return
        if preformatted:
            first, *rest = text.split("\n")
            self.add_words(first, line)
            for extra in rest:
                self.flush()
                self.add_words(extra, line)
            return
        lead = len(text) - len(text.lstrip())
        self.add_words(_SPACES.sub(" ", text), line + text.count("\n", 0, lead))

    def add_words(self, text: str, line: int) -> None:
        if text.strip() and not "".join(self.current).strip():
            self.line = line
        self.current.append(text)

    def flush(self) -> None:
        joined = _SPACES.sub(" ", "".join(self.current)).strip()
        if joined:
            self.lines.append(joined)
            self.numbers.append(self.line)
        self.current = []


def _walk(element: lxml.html.HtmlElement, out: _Text, preformatted: bool) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    line = element.sourceline or 0
    if tag in _HIDDEN or not tag or element.get("hidden") is not None:
        out.add(element.tail, line, preformatted)
        return
    block = tag in _BLOCKS
    if block:
        out.flush()
    inner_pre = preformatted or tag == "pre"
    out.add(element.text, line, inner_pre)
    for child in element:
        _walk(child, out, inner_pre)
    if block:
        out.flush()
    elif tag in ("td", "th"):
        out.add(" ", line, False)
    out.add(element.tail, line, preformatted)
