"""Course identity (issue 9, item 4): logo, cover and accent colour from course.yml, the WCAG contrast
guard with file:line, and axe-core on the themed three-step example (contents page and each step)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from scorm_builder.build import build_course
from scorm_builder.contrast import check_colours, ratio
from scorm_builder.errors import SourceError, SourceErrors
from scorm_builder.loader import load_course
from tests.helpers import copy_example, unzipped_web_build
from tests.test_page_a11y import assert_no_violations

ROOT = Path(__file__).resolve().parent.parent
THREE = ROOT / "course_src" / "handover-habits"


def with_theme(tmp_path: Path, theme: str) -> Path:
    course = copy_example(tmp_path)
    yml = course / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + theme, encoding="utf-8")
    return course


def messages(course: Path) -> list[str]:
    with pytest.raises((SourceError, SourceErrors)) as caught:
        load_course(course)
    error = caught.value
    return [str(e) for e in (error.errors if isinstance(error, SourceErrors) else [error])]


def test_a_pale_accent_is_refused_at_its_line_with_a_passing_alternative(tmp_path: Path) -> None:
    course = with_theme(tmp_path, 'theme:\n  accent: "#6fa8dc"\n')
    lines = (course / "course.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "accent:" in text)
    found = messages(course)
    assert len(found) == 2
    assert found[0].startswith(f"{course / 'course.yml'}:{line}:3: accent #6fa8dc on the page background #ffffff "
                               "has a contrast of 2.52:1; links in this colour need 4.5:1")
    assert "use a darker accent such as #50799e (4.59:1)" in found[0]
    assert "accent_text #ffffff on the accent #6fa8dc" in found[1] and "set accent_text: '#0b0c0c'" in found[1]


def test_the_label_colour_is_checked_on_the_accent_at_its_own_line(tmp_path: Path) -> None:
    course = with_theme(tmp_path, 'theme:\n  accent: "#00703c"\n  accent_text: "#0b0c0c"\n')
    lines = (course / "course.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "accent_text:" in text)
    (only,) = messages(course)
    assert only.startswith(f"{course / 'course.yml'}:{line}:3: accent_text #0b0c0c on the accent #00703c")
    assert "3.15:1" in only and "set accent_text: '#ffffff'" in only


@pytest.mark.parametrize("colour", ["#6fa8dc", "#ffdd00", "#999999", "#1d4f91", "#000000"])
def test_every_suggested_alternative_passes(colour: str) -> None:
    for failure in check_colours(colour, "#ffffff"):
        suggested = failure.hint.split("#", 1)[1][:6]
        assert ratio("#" + suggested, "#ffffff" if failure.key == "accent" else colour) >= 4.5 or \
            ratio("#" + suggested, colour) >= 4.5


def test_missing_logo_and_logo_outside_the_course_are_named(tmp_path: Path) -> None:
    course = with_theme(tmp_path, "theme:\n  logo:\n    file: logo.png\n    alt: Example\n"
                                  "  cover:\n    file: ../cover.jpg\n")
    found = messages(course)
    assert any("file 'logo.png' not found" in m for m in found)
    assert any("'../cover.jpg' is outside the course folder" in m for m in found)


def test_logo_cover_and_accent_reach_every_target(tmp_path: Path) -> None:
    build_course(THREE, ["web", "scorm12"], tmp_path)
    with zipfile.ZipFile(tmp_path / "handover-habits-web.zip") as zf:
        names = zf.namelist()
        contents = zf.read("index.html").decode()
        step = zf.read("three-habits.html").decode()
        theme = zf.read("assets/course/theme.css").decode()
    assert "assets/course/logo-logo.svg" in names and "assets/course/cover-cover.jpg" in names
    assert '<img class="sb-logo" src="assets/course/logo-logo.svg" alt="">' in step
    assert '<img class="sb-cover" src="assets/course/cover-cover.jpg" alt="">' in contents
    # the course's colours stay a linked file after the built-in stylesheet (inline in a web build), so they win
    assert '<link rel="stylesheet" href="assets/course/theme.css">' in step and "#0f5c57" not in step
    assert step.index("</style>") < step.index('href="assets/course/theme.css"')
    assert "--sb-accent: #0f5c57" in theme
    with zipfile.ZipFile(tmp_path / "handover-habits-scorm12.zip") as zf:
        manifest = zf.read("imsmanifest.xml").decode()
    assert manifest.count('href="assets/course/logo-logo.svg"') == 3, "every SCO lists the logo"
    assert manifest.count('href="assets/course/theme.css"') == 3, "every SCO lists the course's colours"


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unzipped_web_build(THREE, tmp_path_factory.mktemp("themed"))


@pytest.mark.browser
@pytest.mark.parametrize("page_name", ["index.html", "the-conversation.html", "three-habits.html",
                                       "your-next-handover.html"])
@pytest.mark.parametrize("width", [320, 1280])
def test_axe_on_the_themed_course(browser: Any, themed: Path, page_name: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto((themed / page_name).as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        assert_no_violations(page, f"{page_name} at {width} px")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_example_theme_passes() -> None:
    assert check_colours("#0f5c57", "#ffffff") == []
