"""The interface every target implements, and checks shared by all of them."""

from __future__ import annotations

import zipfile
from abc import ABC, abstractmethod
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from scorm_builder.compact import compact
from scorm_builder.package import Content
from scorm_builder.plan import BuildPlan
from scorm_builder.remote_loads import is_scanned, scan
from scorm_builder.render import TargetInfo


def runtime_file(name: str) -> bytes:
    """A browser runtime from ``scorm_builder/runtime/`` as shipped (``assets/runtime-<name>``, compacted)."""
    return compact(name, resources.files("scorm_builder").joinpath("runtime", name).read_bytes())


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
    """Any page, stylesheet or script that would fetch something from outside the package.

    The scan is ``remote_loads``, the same one ``validate`` runs, so the build and the validator agree.
    """
    problems: list[str] = []
    with zipfile.ZipFile(zip_path) as archive:
        for name in sorted(archive.namelist()):
            if is_scanned(name):
                problems += [str(found) for found in scan(name, archive.read(name))]
    return problems
