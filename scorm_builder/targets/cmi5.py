"""cmi5: ``cmi5.xml`` at the root, one assignable unit (AU) per step, launched by the LMS.

The LMS launches each AU itself and moves the learner between them, so the pages carry no links
to each other; a step's Finish control returns to the LMS (``returnURL``) after ``terminated``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from scorm_builder.package import Content
from scorm_builder.plan import BuildPlan
from scorm_builder.render import TargetInfo
from scorm_builder.targets.base import Target, runtime_file
from scorm_builder.targets.xapi import CORE_SCRIPT, LOCAL_SCRIPT, course_spec
from scorm_builder.targets.xapi_manifests import build_cmi5_xml


class Cmi5Target(Target):
    """cmi5 course package for LMSs that launch cmi5 (the xAPI profile for LMS launch)."""

    name = "cmi5"
    scripts = (CORE_SCRIPT, ("cmi5.js", "assets/runtime-cmi5.js"), LOCAL_SCRIPT)

    def info(self) -> TargetInfo:
        return TargetInfo(name=self.name, runtime_scripts=tuple(path for _, path in self.scripts),
                          max_reflection=None, standalone=False, course_nav=False, activity_ids=True,
                          lrs=True)

    def extra_files(self, plan: BuildPlan, files: Mapping[str, Content]) -> dict[str, Content]:
        extra: dict[str, Content] = {path: runtime_file(source) for source, path in self.scripts}
        extra["cmi5.xml"] = build_cmi5_xml(course_spec(plan, plan.steps[0].page))
        return extra

    def check(self, zip_path: Path) -> list[str]:
        from scorm_builder.validate import validate_package

        return validate_package(zip_path)  # validate runs the remote-load scan of offline_problems too
