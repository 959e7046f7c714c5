"""validate on xAPI (TinCan) and cmi5 packages: a clean one passes, each breakage gives its own line."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from scorm_builder.targets.xapi_manifests import (
    TYPE_COURSE,
    TYPE_INTERACTION,
    TYPE_LESSON,
    Activity,
    CourseSpec,
    StepUnit,
    build_cmi5_xml,
    build_tincan_xml,
)
from scorm_builder.validate import validate_package

Files = dict[str, bytes]
BASE = "https://learning.example.org/courses/kind"
SPEC = CourseSpec(
    course=Activity(BASE, TYPE_COURSE, "Kind handovers", "A short course."),
    language="en-GB",
    launch="index.html",
    steps=(
        StepUnit("one.html", Activity(f"{BASE}/steps/one", TYPE_LESSON, "One", "First step"),
                 (Activity(f"{BASE}/steps/one/reflection", TYPE_INTERACTION, "Reflection", "Why?",
                           "long-fill-in"),)),
        StepUnit("two.html", Activity(f"{BASE}/steps/two", TYPE_LESSON, "Two", "Second step"), ()),
    ),
)
PAGES: Files = {"index.html": b"<!doctype html><title>C</title>", "one.html": b"<!doctype html><title>1</title>",
                "two.html": b"<!doctype html><title>2</title>", "assets/step.js": b"// js"}


def check(tmp_path: Path, files: Files) -> list[str]:
    path = tmp_path / "pkg.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return validate_package(path)


def tincan(edit: Callable[[str], str] = lambda s: s) -> Files:
    return {"tincan.xml": edit(build_tincan_xml(SPEC).decode()).encode(), **PAGES}


def cmi5(edit: Callable[[str], str] = lambda s: s) -> Files:
    return {"cmi5.xml": edit(build_cmi5_xml(SPEC).decode()).encode(), **PAGES}


def test_clean_packages_pass(tmp_path: Path) -> None:
    assert check(tmp_path, tincan()) == []
    assert check(tmp_path, cmi5()) == []


TINCAN_BREAKAGES: dict[str, tuple[Callable[[Files], Files], str]] = {
    "nested": (lambda f: {("course/" + k if k == "tincan.xml" else k): v for k, v in f.items()},
               "course/tincan.xml: tincan.xml found in a subfolder"),
    "upper case name": (lambda f: {("TINCAN.XML" if k == "tincan.xml" else k): v for k, v in f.items()},
                        'must be named exactly "tincan.xml"'),
    "malformed": (lambda f: {**f, "tincan.xml": b"<tincan><activities>"}, "tincan.xml:1:"),
    "entity": (lambda f: {**f, "tincan.xml": b'<!DOCTYPE t [<!ENTITY a "aaaa">]><tincan>&a;</tincan>'},
               "tincan.xml"),
    "wrong root": (lambda f: {**f, "tincan.xml": b'<manifest xmlns="http://projecttincan.com/tincan.xsd"/>'},
                   "root element is <manifest>"),
    "no launch": (lambda f: tincan(lambda s: s.replace('<launch lang="en-GB">index.html</launch>', "")),
                  "no activity has a <launch>"),
    "launch missing file": (lambda f: {k: v for k, v in f.items() if k != "index.html"},
                            "<launch>: file 'index.html' is not in the package"),
    "external launch": (lambda f: tincan(lambda s: s.replace(">index.html<", ">https://cdn.example.com/x.html<")),
                        "<launch> is an absolute/external URL"),
    "relative id": (lambda f: tincan(lambda s: s.replace(f'id="{BASE}/steps/two"', 'id="steps/two"')),
                    "id 'steps/two' is not absolute"),
    "duplicate id": (lambda f: tincan(lambda s: s.replace(f'id="{BASE}/steps/two"', f'id="{BASE}/steps/one"')),
                     "is also used on line"),
    "missing lang": (lambda f: tincan(lambda s: s.replace('<name lang="en-GB">Two', '<name xml:lang="en-GB">Two')),
                     "<name> has no lang attribute"),
    "launch not first": (lambda f: tincan(lambda s: s.replace('<launch lang="en-GB">index.html</launch>', "", 1)
                                          .replace('<name lang="en-GB">Two</name>',
                                                   '<name lang="en-GB">Two</name><launch lang="en-GB">two.html'
                                                   '</launch>')),
                         "Moodle's TinCan Launch Link uses only the first one"),
    "two launches": (lambda f: tincan(lambda s: s.replace('<name lang="en-GB">Two</name>',
                                                          '<name lang="en-GB">Two</name><launch lang="en-GB">'
                                                          'two.html</launch>')),
                     "2 <launch> elements"),
}


@pytest.mark.parametrize("case", sorted(TINCAN_BREAKAGES))
def test_tincan_breakage_is_reported(tmp_path: Path, case: str) -> None:
    breaker, expected = TINCAN_BREAKAGES[case]
    problems = check(tmp_path, breaker(tincan()))
    assert any(expected in line for line in problems), problems


CMI5_BREAKAGES: dict[str, tuple[Callable[[Files], Files], str]] = {
    "nested": (lambda f: {("pkg/" + k if k == "cmi5.xml" else k): v for k, v in f.items()},
               "pkg/cmi5.xml: cmi5.xml found in a subfolder"),
    "schema": (lambda f: cmi5(lambda s: s.replace('moveOn="Completed"', 'moveOn="Done"', 1)), "cmi5.xml:"),
    "relative au id": (lambda f: cmi5(lambda s: s.replace(f'<au id="{BASE}/steps/one"', '<au id="one"')),
                       "AU 1 id 'one' is not absolute"),
    "duplicate au id": (lambda f: cmi5(lambda s: s.replace(f'<au id="{BASE}/steps/two"', f'<au id="{BASE}/steps/one"')),
                        "is also used on line"),
    "au id equals course id": (lambda f: cmi5(lambda s: s.replace(f'<au id="{BASE}/steps/one"', f'<au id="{BASE}"')),
                               "is also used on line"),
    "url missing file": (lambda f: {k: v for k, v in f.items() if k != "two.html"},
                         "AU 2 <url>: file 'two.html' is not in the package"),
    "absolute url": (lambda f: cmi5(lambda s: s.replace("<url>one.html</url>", "<url>/one.html</url>")),
                     "AU 1 <url> starts with '/'"),
    "url outside": (lambda f: cmi5(lambda s: s.replace("<url>one.html</url>", "<url>../one.html</url>")),
                    "AU 1 <url> points outside the package"),
}


@pytest.mark.parametrize("case", sorted(CMI5_BREAKAGES))
def test_cmi5_breakage_is_reported(tmp_path: Path, case: str) -> None:
    breaker, expected = CMI5_BREAKAGES[case]
    problems = check(tmp_path, breaker(cmi5()))
    assert any(expected in line for line in problems), problems


def test_a_launch_query_is_allowed_but_the_file_must_exist(tmp_path: Path) -> None:
    files = cmi5(lambda s: s.replace("<url>one.html</url>", "<url>one.html?lang=cy</url>"))
    assert check(tmp_path, files) == []
