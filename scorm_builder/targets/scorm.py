"""What the SCORM 1.2 and 2004 targets share: one SCO per step, every file listed in the resource
of each step that uses it, a manifest and the official control files at the zip root.

Each edition supplies only what differs (its runtime script, manifest writer, control files and
reflection limit), so the packaging rules live in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from scorm_builder.package import Content
from scorm_builder.plan import BuildPlan
from scorm_builder.render import TargetInfo
from scorm_builder.targets.base import Target, runtime_file, runtime_path
from scorm_builder.targets.scorm12_manifest import ManifestItem, ManifestSpec

COMMON_RUNTIME = "scorm-common.js"
"""Finding the API and the suspend_data layout, shared by both editions' runtimes."""


def manifest_spec(plan: BuildPlan, all_files: set[str]) -> ManifestSpec:
    """One item per step; each lists its page, the shared assets and its own media folder."""
    shared = sorted(name for name in all_files if name.startswith("assets/"))
    course = plan.loaded.course
    items = []
    for sp in plan.steps:
        own = sorted(name for name in all_files if name.startswith(f"media/{sp.step.id}/"))
        items.append(ManifestItem(identifier=sp.step.id, title=sp.step.source.title, href=sp.page,
                                  files=tuple([sp.page, *shared, *own])))
    return ManifestSpec(identifier=course.id, title=course.title, language=course.language,
                        description=course.description, items=tuple(items))


class ScormTarget(Target):
    """A SCORM edition: its runtime adapter, manifest writer, control files and reflection limit."""

    runtime: str = ""
    """Runtime source in ``scorm_builder/runtime`` (shipped as ``assets/runtime-<name>``)."""
    max_reflection: int = 4000
    build_manifest: Callable[[ManifestSpec], bytes]
    control_files: Callable[[], dict[str, bytes]]

    def info(self) -> TargetInfo:
        return TargetInfo(name=self.name, runtime_scripts=tuple(runtime_path(name) for name in self._scripts()),
                          max_reflection=self.max_reflection, standalone=False)

    def _scripts(self) -> tuple[str, ...]:
        """What the edition's pages load, in order: the shared SCORM helpers, the edition's adapter,
        and the localStorage fallback for a launch outside any LMS."""
        return (COMMON_RUNTIME, self.runtime, "local.js")

    def extra_files(self, plan: BuildPlan, files: Mapping[str, Content]) -> dict[str, Content]:
        extra: dict[str, Content] = {runtime_path(name): runtime_file(name) for name in self._scripts()}
        extra["imsmanifest.xml"] = type(self).build_manifest(manifest_spec(plan, set(files) | set(extra)))
        extra.update(type(self).control_files())
        return extra

    def check(self, zip_path: Path) -> list[str]:
        from scorm_builder.validate import validate_package

        return validate_package(zip_path)  # validate runs the remote-load scan of offline_problems too
