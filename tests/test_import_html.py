"""A FutureLearn page saved as HTML: read like a browser's "save as text", or refused with how to save it."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scorm_builder.errors import SourceError
from scorm_builder.importers import import_futurelearn
from scorm_builder.importers.pagetext import page_lines
from tests.conftest import SEED
from tests.helpers import ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "futurelearn"
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="seed page not present")


def seed_as_html() -> str:
    """The seed page as a browser would have it: head, scripts, nav, blocks, inline markup, wrapped lines."""
    out = ["<!DOCTYPE html>", "<html lang='en'><head>", "<meta charset='utf-8'>",
           "<title>Step | FutureLearn</title>", "<style>p { margin: 0 }</style>",
           "<script>var stamps = ['8.7', '23.4']; document.title = 'x';</script>", "</head><body>",
           "<header><nav><ul><li><a href='/'>Courses</a></li><li>Sign in</li></ul></nav></header>",
           "<main>"]
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            out.append("<div>\n</div>")
            continue
        words = html.escape(line).split(" ")
        if len(words) > 6:                       # inline markup and a wrapped source line
            words[1] = f"<strong>{words[1]}</strong>"
            words[4] = f"<a href='#x'>{words[4]}</a>\n      "
        out.append(f"<p>\n    {' '.join(words)}\n  </p>")
    out += ["</main>", "<script>console.log('Created by nobody')</script>", "</body></html>"]
    return "\n".join(out) + "\n"


@needs_seed
def test_html_page_imports_like_the_text_page(tmp_path: Path) -> None:
    page = tmp_path / "step.html"
    page.write_text(seed_as_html(), encoding="utf-8")
    from_text = import_futurelearn(SEED, tmp_path / "a")
    from_html = import_futurelearn(page, tmp_path / "b")
    for name in ("course.yml", f"steps/{from_text.step_id}/step.yml", f"steps/{from_text.step_id}/transcript.txt",
                 f"steps/{from_text.step_id}/body.md"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text(), name
    # warnings point into the HTML file, at the line holding what they talk about
    reworded = next(w for w in from_html.warnings if w.message.startswith("reworded"))
    assert reworded.location.path == page
    html_lines = page.read_text(encoding="utf-8").split("\n")
    assert html_lines[reworded.location.line - 1].strip().startswith("What <strong>do</strong> you think?")


def test_text_lines_keep_their_html_line_numbers() -> None:
    text = ("<!doctype html>\n<html><body>\n<p>one\n  <b>two</b></p>\n<script>x</script>\n"
            "<div>three<br>four</div>\n<p>\n\n  five</p>\n<table><tr><td>a</td><td>b</td></tr></table>\n")
    lines = page_lines(Path("page.html"), text)
    assert lines.lines == ["one two", "three", "four", "five", "a b"]
    assert lines.numbers == [3, 6, 6, 9, 10]


def test_html_without_a_transcript_is_refused_with_how_to_save_it(tmp_path: Path) -> None:
    page = FIXTURES / "html_without_transcript.html"
    with pytest.raises(SourceError, match="in this HTML page"):
        import_futurelearn(page, tmp_path / "out")
    result = subprocess.run([sys.executable, "-m", "scorm_builder", "import", "futurelearn", str(page),
                             "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    got = result.stderr.replace(str(FIXTURES), "FIXTURES")
    golden = FIXTURES / "html_without_transcript.expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
    assert not (tmp_path / "out").exists()
