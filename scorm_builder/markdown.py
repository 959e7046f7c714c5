"""Render a step's Markdown reading to safe HTML.

Raw HTML in the source is escaped, not passed through; images must be files inside the step
folder (they are copied into the package) because the package makes no network request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

from scorm_builder.errors import Location, SourceError


@dataclass(frozen=True)
class RenderedMarkdown:
    """HTML plus the local images it refers to (package path -> source file)."""

    html: str
    images: tuple[tuple[str, Path], ...]


def render_markdown(text: str, source: Path, step_dir: Path, media_folder: str) -> RenderedMarkdown:
    """Markdown to HTML; rewrite local image paths into ``media_folder``; refuse remote images."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
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
