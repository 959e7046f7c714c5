"""xAPI (TinCan package): ``tincan.xml`` at the root, statements sent to the LRS the launcher names.

One launch per course: the course activity is launched (a one-step course opens on its step, a
larger one on its contents page) and the learner moves between steps inside the package, so the
pages link to each other as in the web build. Each step is an activity of its own, the object of
its statements, with the course as parent.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from scorm_builder.activities import course_iri, step_activities
from scorm_builder.models import MEDIA_TYPES
from scorm_builder.package import Content
from scorm_builder.plan import BuildPlan
from scorm_builder.render import TargetInfo
from scorm_builder.targets.base import Target, runtime_file
from scorm_builder.targets.xapi_manifests import (
    TYPE_COURSE,
    TYPE_INTERACTION,
    TYPE_LESSON,
    TYPE_VIDEO,
    Activity,
    CourseSpec,
    StepUnit,
    build_tincan_xml,
)

CORE_SCRIPT = ("xapi-core.js", "assets/runtime-xapi-core.js")
LOCAL_SCRIPT = ("local.js", "assets/runtime-local.js")


def course_spec(plan: BuildPlan, launch: str) -> CourseSpec:
    """The course, its steps and their child activities, as both xAPI-family descriptors state them."""
    course = plan.loaded.course
    ui = plan.interface   # the names are stated in the course's language, like the titles in them
    steps = []
    for sp in plan.steps:
        source = sp.step.source
        ids = step_activities(course, sp.step.id)
        children = []
        if source.reflection is not None:
            children.append(Activity(ids.reflection, TYPE_INTERACTION,
                                     ui.gettext("Reflection: %(title)s") % {"title": source.title},
                                     source.reflection.prompt, interaction_type="long-fill-in"))
        if sp.media_href is not None and sp.step.media_path is not None:
            kind, _ = MEDIA_TYPES[sp.step.media_path.suffix.lower()]
            name = ui.gettext("Video: %(title)s") if kind == "video" else ui.gettext("Audio: %(title)s")
            children.append(Activity(ids.media, TYPE_VIDEO, name % {"title": source.title},
                                     source.intro or source.title))
        steps.append(StepUnit(sp.page, Activity(ids.step, TYPE_LESSON, source.title, source.intro or source.title),
                              tuple(children)))
    root = Activity(course_iri(course), TYPE_COURSE, course.title, course.description)
    return CourseSpec(course=root, language=course.language, launch=launch, steps=tuple(steps))


class XapiTarget(Target):
    """TinCan package for xAPI launchers (Moodle's TinCan Launch Link, LMSs with an LRS)."""

    name = "xapi"
    scripts = (CORE_SCRIPT, ("xapi.js", "assets/runtime-xapi.js"), LOCAL_SCRIPT)

    def info(self) -> TargetInfo:
        return TargetInfo(name=self.name, runtime_scripts=tuple(path for _, path in self.scripts),
                          max_reflection=None, standalone=False, course_nav=True, activity_ids=True,
                          lrs=True)

    def extra_files(self, plan: BuildPlan, files: Mapping[str, Content]) -> dict[str, Content]:
        extra: dict[str, Content] = {path: runtime_file(source) for source, path in self.scripts}
        launch = plan.contents_page or plan.steps[0].page
        extra["tincan.xml"] = build_tincan_xml(course_spec(plan, launch))
        return extra

    def check(self, zip_path: Path) -> list[str]:
        from scorm_builder.validate import validate_package

        return validate_package(zip_path)  # validate runs the remote-load scan of offline_problems too
