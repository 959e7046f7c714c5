"""The interface every target implements, and checks shared by all of them."""

from __future__ import annotations

import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import cast

import lxml.etree
import lxml.html

from scorm_builder.package import Content
from scorm_builder.plan import BuildPlan
from scorm_builder.render import TargetInfo

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", re.IGNORECASE)
_FETCHING_ATTRS = ("src", "poster", "data")
_FETCHING = lxml.etree.XPath("descendant-or-self::*[@src or @poster or @data or self::link or self::style]")


def runtime_file(name: str) -> bytes:
    """A browser runtime source from ``scorm_builder/runtime/`` (shipped as ``assets/runtime-<name>``)."""
    return resources.files("scorm_builder").joinpath("runtime", name).read_bytes()


def runtime_path(name: str) -> str:
    """Package path of a runtime source: ``local.js`` -> ``assets/runtime-local.js``."""
    return f"assets/runtime-{name}"


LOCAL_RUNTIME = runtime_path("local.js")
"""The localStorage backend: last in every target's script list (the fallback when no LMS answers)."""


class Target(ABC):
    """A package format: what it adds to the shared plan, and how its output is checked."""

    name: str = ""
    suffix: str = ""

    @abstractmethod
    def info(self) -> TargetInfo:
        """How pages are rendered for this target (runtime scripts, reflection limit)."""

    @abstractmethod
    def extra_files(self, plan: BuildPlan, files: Mapping[str, Content]) -> dict[str, Content]:
        """Manifest, runtime script and control files to add to the rendered package."""

    def check(self, zip_path: Path) -> list[str]:
        """Problems with a written package; the build refuses to land it if any."""
        return offline_problems(zip_path)

    def archive_name(self, course_id: str) -> str:
        """``<course-id>-<target>.zip``."""
        return f"{course_id}-{self.suffix or self.name}.zip"


def offline_problems(zip_path: Path) -> list[str]:
    """Any page or stylesheet that would fetch something from outside the package."""
    problems: list[str] = []
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        for name in sorted(names):
            if name.endswith(".html"):
                problems += _html_problems(name, archive.read(name))
            elif name.endswith(".css"):
                problems += _css_problems(name, archive.read(name).decode("utf-8", "replace"))
    return problems


def _html_problems(name: str, data: bytes) -> list[str]:
    problems = []
    root = lxml.html.fromstring(data)
    # only the elements that can fetch something (XPath keeps document order; a long transcript
    # page has thousands of elements that cannot)
    for element in cast("list[lxml.html.HtmlElement]", _FETCHING(root)):
        if not isinstance(element.tag, str):
            continue
        urls = [element.get(attr) for attr in _FETCHING_ATTRS]
        if element.tag == "link":
            urls.append(element.get("href"))
        for url in urls:
            if url and _REMOTE.match(url) and not url.startswith(("data:", "blob:")):
                problems.append(f"{name}: <{element.tag}> loads '{url}' from outside the package")
        if element.tag == "style" and element.text:
            problems += _css_problems(name, element.text)
    return problems


def _css_problems(name: str, text: str) -> list[str]:
    problems = []
    for match in _CSS_URL.finditer(text):
        url = (match.group(1) or match.group(2) or "").strip()
        if _REMOTE.match(url) and not url.startswith("data:"):
            problems.append(f"{name}: stylesheet loads '{url}' from outside the package")
    return problems
