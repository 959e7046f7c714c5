"""A web build writes the page's own stylesheet and scripts into its pages (scorm_builder/inline.py).

Whenever doing so would change what the page does, the asset stays a file that the page links:
a course's own page templates, a stylesheet with relative ``url()``, a script that would close its
element early. Each case is built here; test_csp.py checks the policy hashes, and that the page runs
under them in Chromium.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from scorm_builder.build import build_course
from scorm_builder.theme import builtin_theme_dir
from tests.helpers import ROOT, copy_example

OWN = ("assets/step.css", "assets/step.js", "assets/runtime-local.js", "assets/contents.js")
LINKED = re.compile(r'<(?:script[^>]* src|link rel="stylesheet" href)="(assets/[^"]+)"')


def _built(course: Path, out: Path, target: str = "web") -> dict[str, bytes]:
    [result] = build_course(course, [target], out).results
    with zipfile.ZipFile(result.path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _linked(files: dict[str, bytes], page: str = "index.html") -> list[str]:
    return LINKED.findall(files[page].decode("utf-8"))


def _inline(files: dict[str, bytes], page: str = "index.html") -> tuple[int, int]:
    """Inline ``<script>`` (not JSON data) and ``<style>`` elements of ``page``."""
    html = files[page].decode("utf-8")
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    return sum('type="application/json"' not in attrs for attrs in scripts), html.count("<style>")


def _with_asset(tmp_path: Path, name: str, tail: str) -> Path:
    """A copy of the example whose own ``templates/assets/<name>`` is the built-in one plus ``tail``."""
    course = copy_example(tmp_path)
    assets = course / "templates" / "assets"
    assets.mkdir(parents=True)
    (assets / name).write_text((builtin_theme_dir() / "assets" / name).read_text("utf-8") + tail, "utf-8")
    return course


def test_a_multi_step_web_build_ships_no_asset_it_wrote_into_its_pages(tmp_path: Path) -> None:
    files = _built(ROOT / "course_src" / "handover-habits", tmp_path)
    pages = [name for name in files if name.endswith(".html")]
    assert len(pages) == 4                     # the contents page and three steps
    for page in pages:
        assert _linked(files, page) == ["assets/course/theme.css"], page    # the course's own theme: a file
        assert _inline(files, page) == (2, 1), page        # the runtime and the page's script; the stylesheet
    assert [name for name in OWN if name in files] == []


def test_an_lms_package_keeps_its_assets_as_shared_files(tmp_path: Path) -> None:
    files = _built(ROOT / "course_src" / "handover-habits", tmp_path, "scorm12")
    for page in (name for name in files if name.endswith(".html")):
        assert _inline(files, page) == (0, 0), page
        assert "assets/step.css" in _linked(files, page)
    assert {"assets/step.css", "assets/step.js"} <= set(files)


def test_a_course_of_its_own_page_templates_gets_linked_assets(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    (course / "templates").mkdir(exist_ok=True)
    shutil.copy(builtin_theme_dir() / "base.html", course / "templates" / "base.html")
    files = _built(course, tmp_path / "dist")
    assert _inline(files) == (0, 0)
    assert _linked(files) == ["assets/step.css", "assets/runtime-local.js", "assets/step.js"]
    assert {"assets/step.css", "assets/step.js", "assets/runtime-local.js"} <= set(files)
    assert "sha256-" not in files["index.html"].decode("utf-8")


def test_a_stylesheet_with_relative_urls_stays_a_file(tmp_path: Path) -> None:
    course = _with_asset(tmp_path, "step.css", "\n.sb-course { background: url(mark.png) no-repeat; }\n")
    (course / "templates" / "assets" / "mark.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    files = _built(course, tmp_path / "dist")
    assert _linked(files) == ["assets/step.css"]         # url(mark.png) must resolve against assets/
    assert _inline(files) == (2, 0)
    assert files["assets/step.css"].decode("utf-8").endswith("url(mark.png) no-repeat; }\n")


def test_a_script_that_would_close_its_element_stays_a_file_and_so_do_those_before_it(tmp_path: Path) -> None:
    course = _with_asset(tmp_path, "step.js", '\nvar sbMarkup = "</script>";\n')
    files = _built(course, tmp_path / "dist")
    assert _linked(files) == ["assets/runtime-local.js", "assets/step.js"]   # in their order, both files
    assert _inline(files) == (0, 1)
    assert files["assets/step.js"].decode("utf-8").endswith('"</script>";\n')
    assert "assets/runtime-local.js" in files
