"""SCORM 2004 4th Edition: one SCO per step, ``imsmanifest.xml`` plus the official control files.

Where SCORM 1.2 cuts a free-text answer at 255 characters, a 2004 ``long-fill-in`` interaction and
``cmi.comments_from_learner`` each hold 4,000, so the reflection reaches the LMS whole. The
reflection limit is that 4,000 (``cmi.suspend_data`` holds 64,000, far more than the runtime needs).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from scorm_builder.package import Content
from scorm_builder.plan import BuildPlan
from scorm_builder.render import TargetInfo
from scorm_builder.targets.base import LOCAL_RUNTIME, Target, offline_problems, runtime_file
from scorm_builder.targets.scorm2004_manifest import ManifestItem, ManifestSpec, build_manifest, control_files

RUNTIME_PATH = "assets/runtime-scorm2004.js"
MAX_REFLECTION = 4000


def runtime_script() -> bytes:
    """The SCORM 2004 runtime that ships inside every SCORM 2004 package."""
    return runtime_file("scorm2004.js")


class Scorm2004Target(Target):
    """SCORM 2004 4th Edition package for LMSs that prefer it."""

    name = "scorm2004"

    def info(self) -> TargetInfo:
        return TargetInfo(name=self.name, runtime_scripts=(RUNTIME_PATH, LOCAL_RUNTIME),
                          max_reflection=MAX_REFLECTION,
                          standalone=False)

    def extra_files(self, plan: BuildPlan, files: Mapping[str, Content]) -> dict[str, Content]:
        extra: dict[str, Content] = {RUNTIME_PATH: runtime_script(), LOCAL_RUNTIME: runtime_file("local.js")}
        all_files = set(files) | set(extra)
        shared = sorted(name for name in all_files if name.startswith("assets/"))
        course = plan.loaded.course
        items = []
        for sp in plan.steps:
            own = sorted(name for name in all_files if name.startswith(f"media/{sp.step.id}/"))
            items.append(ManifestItem(identifier=sp.step.id, title=sp.step.source.title, href=sp.page,
                                      files=tuple([sp.page, *shared, *own])))
        spec = ManifestSpec(identifier=course.id, title=course.title, language=course.language,
                            description=course.description, items=tuple(items))
        extra["imsmanifest.xml"] = build_manifest(spec)
        extra.update(control_files())
        return extra

    def check(self, zip_path: Path) -> list[str]:
        from scorm_builder.validate import validate_package

        return validate_package(zip_path) + offline_problems(zip_path)
