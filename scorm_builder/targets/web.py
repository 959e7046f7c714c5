"""Standalone web build: open ``index.html`` by double-click, state kept in localStorage."""

from __future__ import annotations

from collections.abc import Mapping

from scorm_builder.package import Content
from scorm_builder.plan import BuildPlan
from scorm_builder.render import TargetInfo
from scorm_builder.targets.base import LOCAL_RUNTIME, Target, runtime_file


class WebTarget(Target):
    """No manifest; the only runtime is the localStorage backend (``runtime/local.js``). Opened from
    ``file://``, so its pages carry their stylesheet and scripts (``scorm_builder/inline.py``)."""

    name = "web"

    def info(self) -> TargetInfo:
        return TargetInfo(name=self.name, runtime_scripts=(LOCAL_RUNTIME,), max_reflection=None, standalone=True,
                          course_nav=True, inline_assets=True)

    def extra_files(self, plan: BuildPlan, files: Mapping[str, Content]) -> dict[str, Content]:
        return {LOCAL_RUNTIME: runtime_file("local.js")}
