"""Render a step's Markdown reading to safe HTML.

Raw HTML in the source is escaped, not passed through; images must be files inside the step
folder (they are copied into the package) because the package makes no network request. A passage in
another language is written ``[texte]{lang=fr}`` (in the reading and in transcripts) and becomes a
``<span lang="fr" dir="auto">``, so screen readers switch voice and mixed scripts keep their order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from scorm_builder.errors import Location, SourceError

#: ``[text]{lang=tag}``: a passage in another language (BCP 47 tag); no brackets inside the text.
PASSAGE = re.compile(r"\[([^\[\]\n]+)\]\{lang=([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\}")


def _lang_passage(state: Any, silent: bool) -> bool:
    """markdown-it inline rule: ``[text]{lang=fr}`` -> ``<span lang="fr" dir="auto">text</span>``."""
    if state.src[state.pos] != "[":
        return False
    match = PASSAGE.match(state.src, state.pos)
    if match is None or match.end() > state.posMax:
        return False
    if not silent:
        opening = state.push("lang_open", "span", 1)
        opening.attrs = {"lang": match.group(2), "dir": "auto"}
        end, limit = match.end(), state.posMax
        state.pos, state.posMax = match.start(1), match.end(1)
        state.md.inline.tokenize(state)
        state.pos, state.posMax = end, limit
        state.push("lang_close", "span", -1)
    else:
        state.pos = match.end()
    return True


def marked_passages(text: str) -> Markup:
    """Plain text (a transcript paragraph) to escaped HTML, with ``[text]{lang=fr}`` as a span."""
    if "{lang=" not in text:                     # nearly every paragraph: no passage to look for
        return escape(text)
    out, last = [], 0
    for match in PASSAGE.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<span lang="{}" dir="auto">{}</span>').format(match.group(2), match.group(1)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def strip_passages(text: str) -> str:
    """The text a caption or a download shows: ``[Bonjour]{lang=fr}`` -> ``Bonjour``."""
    return PASSAGE.sub(lambda m: m.group(1), text)


@dataclass(frozen=True)
class RenderedMarkdown:
    """HTML plus the local images it refers to (package path -> source file)."""

    html: str
    images: tuple[tuple[str, Path], ...]


def render_markdown(text: str, source: Path, step_dir: Path, media_folder: str) -> RenderedMarkdown:
    """Markdown to HTML; rewrite local image paths into ``media_folder``; refuse remote images."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.inline.ruler.before("link", "lang_passage", _lang_passage)
    tokens = md.parse(text)
    images: list[tuple[str, Path]] = []
    for token in tokens:
        for child in token.children or []:
            if child.type != "image":
                continue
            src = str(child.attrGet("src") or "")
            line = (token.map[0] + 1) if token.map else 0
            child.attrSet("src", _local_image(src, Location(source, line), step_dir, media_folder, images))
        if token.type == "heading_open":
            # The page owns h1 and h2; the reading's headings sit below them.
            level = min(int(token.tag[1]) + 2, 6)
            token.tag = f"h{level}"
        if token.type == "heading_close":
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    html = md.renderer.render(tokens, md.options, {})
    return RenderedMarkdown(html, tuple(images))


def _local_image(src: str, where: Location, step_dir: Path, folder: str,
                 images: list[tuple[str, Path]]) -> str:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith("/"):
        raise SourceError(where, f"image '{src}' is not a file inside the step folder",
                          "download the image into the step folder and refer to it by a relative path")
    path = (step_dir / parts.path).resolve()
    if not path.is_relative_to(step_dir.resolve()) or not path.is_file():
        raise SourceError(where, f"image '{src}' not found in {step_dir}", "check the file name")
    target = f"{folder}/{path.name}"
    images.append((target, path))
    return target
