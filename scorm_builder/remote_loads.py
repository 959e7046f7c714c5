"""Find what a package's pages, stylesheets and scripts would load from outside the package.

Shared by the build (``targets.base.offline_problems``: our own output must load nothing remote)
and by ``validate`` (packages from anywhere), so the two always agree. Each finding names the file
and the 1-based line, ``path:line: problem``.

What is seen, statically:

* HTML (``.html``, ``.htm``, ``.xhtml``, ``.svg``): ``src`` / ``srcset`` / ``poster`` / ``data`` /
  ``background`` of any element (script, img, audio, video, source, track, iframe, frame, embed,
  object, input), ``href`` of ``<link>`` (stylesheet, icon, preload...) and of SVG ``<image>`` /
  ``<use>`` / ``<feImage>``, ``<meta http-equiv="refresh">``, ``style`` attributes and ``<style>``
  elements as CSS, inline ``<script>`` as JavaScript.
* CSS: ``url(...)`` and ``@import``.
* JavaScript: ``fetch``, ``XMLHttpRequest.open``, ``import()`` and ``import ... from``,
  ``new Worker`` / ``SharedWorker`` / ``WebSocket`` / ``EventSource``, ``importScripts``,
  ``navigator.sendBeacon``, and ``.src`` / ``.href`` / ``setAttribute`` with a literal absolute URL.
  A URL computed at run time (the xAPI endpoint from the launch) cannot be seen and is not reported.

"Remote" means protocol-relative (``//host/x``) or any scheme other than ``data:``, ``blob:``,
``about:`` and ``javascript:`` (``http:``, ``https:``, ``ftp:``, ``ws:``, ``file:`` ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".svg")
CSS_SUFFIXES = (".css",)
JS_SUFFIXES = (".js", ".mjs")
SCANNED_SUFFIXES = HTML_SUFFIXES + CSS_SUFFIXES + JS_SUFFIXES

_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_LOCAL_SCHEMES = frozenset({"data", "blob", "about", "javascript"})
_LOADING_ATTRS = ("src", "poster", "data", "background", "lowsrc", "dynsrc")
_SRCSET_ATTRS = ("srcset", "imagesrcset")
_NOT_LOADING_RELS = frozenset(
    {"canonical", "alternate", "author", "license", "help", "bookmark", "external", "next", "prev", "search",
     "me", "nofollow", "noopener", "noreferrer", "tag"}
)
_SVG_HREF_TAGS = frozenset({"image", "use", "feimage", "script"})
_WATCHED_ATTRS = frozenset({*_LOADING_ATTRS, *_SRCSET_ATTRS, "href", "xlink:href", "{http://www.w3.org/1999/xlink}href",
                            "http-equiv", "style"})
"""Attributes ``scan_html`` reads; an element with none of them (and not below) is skipped."""
_CONTENT_TAGS = frozenset({"style", "script"})

_JS_SPECIAL = re.compile(r"[/\"'`]")              # where a comment or a literal may start
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)

_Q = r"""(?:"([^"\\\n]*)"|'([^'\\\n]*)'|`([^`\\$]*)`)"""  # one literal string, groups 1-3
_JS_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bfetch\s*\(\s*" + _Q), "fetch()"),
    (re.compile(r"\.open\s*\(\s*" + r"""["'`][A-Za-z]+["'`]\s*,\s*""" + _Q), "XMLHttpRequest.open()"),
    (re.compile(r"\bimport\s*\(\s*" + _Q), "import()"),
    (re.compile(r"\bimport\b[^;'\"`]*?\bfrom\s*" + _Q), "import ... from"),
    (re.compile(r"\bimport\s*" + _Q), "import"),
    (re.compile(r"\bnew\s+(?:Shared)?Worker\s*\(\s*" + _Q), "new Worker()"),
    (re.compile(r"\bnew\s+(?:WebSocket|EventSource)\s*\(\s*" + _Q), "WebSocket/EventSource"),
    (re.compile(r"\bimportScripts\s*\(\s*" + _Q), "importScripts()"),
    (re.compile(r"\bsendBeacon\s*\(\s*" + _Q), "navigator.sendBeacon()"),
    (re.compile(r"\.(?:src|href|srcset|poster|data)\s*=\s*" + _Q), ".src/.href assignment"),
    (re.compile(r"""\bsetAttribute\s*\(\s*["'](?:src|href|srcset|poster|data)["']\s*,\s*""" + _Q),
     "setAttribute()"),
)


@dataclass(frozen=True, order=True)
class RemoteLoad:
    """One place where a file would load ``url`` from outside the package."""

    path: str
    line: int
    what: str
    url: str

    @property
    def problem(self) -> str:
        return f"{self.what} loads {self.url!r} from outside the package (ship the file in the package instead)"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


def is_remote(url: str) -> bool:
    """A URL the browser would fetch from outside the package (not data:, blob:, or relative)."""
    url = url.strip()
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return True
    match = _SCHEME.match(url)
    return match is not None and match.group(1).lower() not in _LOCAL_SCHEMES


def is_scanned(name: str) -> bool:
    """Whether ``scan`` looks into a file of this name."""
    return name.lower().endswith(SCANNED_SUFFIXES)


def scan(path: str, data: bytes) -> list[RemoteLoad]:
    """Every remote load visible in one package file (by suffix); [] for other files."""
    lower = path.lower()
    if lower.endswith(HTML_SUFFIXES):
        return scan_html(path, data)
    text = data.decode("utf-8", "replace")
    if lower.endswith(CSS_SUFFIXES):
        return scan_css(path, text)
    if lower.endswith(JS_SUFFIXES):
        return scan_js(path, text)
    return []


def scan_css(path: str, text: str, first_line: int = 1, what: str = "stylesheet") -> list[RemoteLoad]:
    """``url()`` and ``@import`` in a stylesheet (comments ignored, line numbers kept)."""
    text = _CSS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found: list[RemoteLoad] = []
    for pattern, kind in ((_CSS_IMPORT, "@import"), (_CSS_URL, "url()")):
        for match in pattern.finditer(text):
            url = next((g for g in match.groups() if g is not None), "")
            if is_remote(url):
                line = first_line + text.count("\n", 0, match.start())
                found.append(RemoteLoad(path, line, f"{what} {kind}", url.strip()))
    return sorted(found)


def scan_js(path: str, text: str, first_line: int = 1) -> list[RemoteLoad]:
    """Network calls with a literal absolute URL (comments ignored, line numbers kept)."""
    code = strip_js_comments(text)
    found: set[RemoteLoad] = set()
    for pattern, what in _JS_PATTERNS:
        for match in pattern.finditer(code):
            url = next((g for g in match.groups() if g is not None), "")
            if is_remote(url):
                line = first_line + code.count("\n", 0, match.start())
                found.add(RemoteLoad(path, line, f"script {what}", url.strip()))
    return sorted(found)


def strip_js_comments(text: str) -> str:
    """``text`` with every comment blanked (newlines kept), leaving strings and regexes alone."""
    out: list[str] = []
    i, n = 0, len(text)
    last = ""  # last significant character outside comments, to tell a regex from a division
    while i < n:
        special = _JS_SPECIAL.search(text, i)
        j = special.start() if special else n
        if j > i:                                   # plain code up to the next / or quote, in one go
            plain = text[i:j]
            out.append(plain)
            significant = plain.rstrip()
            if significant:
                last = significant[-1]
            i = j
            continue
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if ch == "/" and nxt == "/":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "/" and nxt == "*":
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end) or " ")
            i = end
            continue
        if ch in "\"'`" or (ch == "/" and (not last or last in "(,=:[!&|?{};+-*%<>~^")):
            end = _literal_end(text, i)
            out.append(text[i:end])
            last = ch
            i = end
            continue
        out.append(ch)
        if not ch.isspace():
            last = ch
        i += 1
    return "".join(out)


def _literal_end(text: str, start: int) -> int:
    """Index after the string, template or regex literal opening at ``start``."""
    quote = text[start]
    i, n = start + 1, len(text)
    in_class = False
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if quote == "/":
            if ch == "\n":
                return i
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                return i + 1
        elif ch == quote:
            return i + 1
        elif ch == "\n" and quote != "`":
            return i
        i += 1
    return n


def scan_html(path: str, data: bytes) -> list[RemoteLoad]:
    """Loading attributes, ``<style>``, ``style=`` and inline ``<script>`` of one page."""
    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError):
        return []  # an empty or unparsable page loads nothing
    found: list[RemoteLoad] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag not in _CONTENT_TAGS and _WATCHED_ATTRS.isdisjoint(element.keys()):
            continue                 # most elements of a long page: nothing in them can load
        line = element.sourceline or 1
        where = f"<{tag}>"
        for attr in _LOADING_ATTRS:
            url = element.get(attr)
            if url and is_remote(url):
                found.append(RemoteLoad(path, line, f"{where} {attr}", url.strip()))
        for attr in _SRCSET_ATTRS:
            for url in _srcset_urls(element.get(attr) or ""):
                if is_remote(url):
                    found.append(RemoteLoad(path, line, f"{where} {attr}", url))
        hrefs = [element.get("href"), element.get("xlink:href"), element.get("{http://www.w3.org/1999/xlink}href")]
        loads_href = tag == "link" and not set((element.get("rel") or "").lower().split()) <= _NOT_LOADING_RELS
        if loads_href or tag in _SVG_HREF_TAGS:
            for url in hrefs:
                if url and is_remote(url):
                    found.append(RemoteLoad(path, line, f"{where} href", url.strip()))
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            target = (element.get("content") or "").partition("=")[2].strip(" '\"")
            if is_remote(target):
                found.append(RemoteLoad(path, line, "<meta http-equiv=refresh>", target))
        style = element.get("style")
        if style:
            found += scan_css(path, style, line, f"{where} style attribute")
        if tag == "style" and element.text:
            found += scan_css(path, element.text, line, "<style>")
        if tag == "script" and element.text and _is_js(element.get("type")):
            found += scan_js(path, element.text, line)
    return sorted(set(found))


def _is_js(kind: str | None) -> bool:
    kind = (kind or "").strip().lower()
    return kind in ("", "module", "text/javascript", "application/javascript", "application/ecmascript")


def _srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` (comma-separated candidates, each a URL and a descriptor)."""
    urls = []
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            urls.append(parts[0])
    return urls
