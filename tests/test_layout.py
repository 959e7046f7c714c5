"""Layout of a step (issue 9, item 3): video and transcript side by side on wide screens, stacked
below the breakpoint, the video within the first screen at 320 px, and a step without media that
has no captions file, no "video" wording from the template and its reading before the transcript."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from scorm_builder.build import build_course
from tests.helpers import copy_example, step_file

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "course_src" / "kind-handovers"
BOXES = """() => { const r = id => document.getElementById(id).getBoundingClientRect().toJSON();
  return {video: r('sb-media'), box: r('sb-transcript'), width: document.documentElement.scrollWidth,
          height: window.innerHeight}; }"""


def build_web(course: Path, out: Path) -> Path:
    build_course(course, ["web"], out)
    (archive,) = out.glob("*-web.zip")
    unpacked = out / "web"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(unpacked)
    return unpacked


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_web(EXAMPLE, tmp_path_factory.mktemp("layout"))


@pytest.fixture(scope="module")
def no_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example step with its video taken out (as an imported step without a download)."""
    base = tmp_path_factory.mktemp("nomedia")
    course = copy_example(base)
    yml = step_file(course)
    text = re.sub(r"(?m)^media:\n(  .*\n)+", "", yml.read_text(encoding="utf-8"))
    yml.write_text(text, encoding="utf-8")
    return build_web(course, base / "dist")


def open_at(browser: Any, url: str, width: int, height: int) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("document.getElementById('sb-media').readyState >= 1")
    return context, page


def test_side_by_side_on_a_wide_screen_with_the_transcript_as_tall_as_the_video(browser: Any, example: Path) -> None:
    context, page = open_at(browser, (example / "index.html").as_uri(), 1280, 800)
    try:
        b = page.evaluate(BOXES)
        assert b["box"]["left"] >= b["video"]["right"], "transcript to the right of the video"
        assert abs(b["box"]["top"] - b["video"]["top"]) <= 1
        assert abs(b["box"]["height"] - b["video"]["height"]) <= 1
        assert b["width"] == 1280, "no horizontal scrolling"
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), [(768, 1024), (320, 568)])
def test_stacked_below_the_breakpoint(browser: Any, example: Path, width: int, height: int) -> None:
    context, page = open_at(browser, (example / "index.html").as_uri(), width, height)
    try:
        b = page.evaluate(BOXES)
        assert b["box"]["top"] >= b["video"]["bottom"], "transcript below the video"
        assert b["width"] == width
        if width == 320:
            assert b["video"]["top"] < b["height"] - 48, "the video starts within the first screen"
    finally:
        context.close()


def test_a_step_without_media_has_no_captions_and_no_video_wording(browser: Any, no_media: Path) -> None:
    names = {p.relative_to(no_media).as_posix() for p in no_media.rglob("*") if p.is_file()}
    assert not [n for n in names if n.endswith(".vtt")], names
    assert "media/handover-conversation/transcript.txt" in names
    html = (no_media / "index.html").read_text(encoding="utf-8")
    template_text = re.sub(r"<section class=\"sb-body\".*?</section>|<p class=\"sb-intro\">.*?</p>"
                           r"|<(script|style)>.*?</\1>", "", html, flags=re.S)   # a web build's inline code
    assert not re.search(r"\bvideo\b", re.sub(r"<[^>]+>", " ", template_text), re.I)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto((no_media / "index.html").as_uri())
        headings = page.locator("main h2").all_inner_texts()
        assert headings.index("Reading") < headings.index("Transcript")
        assert page.locator("#sb-media").count() == 0
    finally:
        context.close()
