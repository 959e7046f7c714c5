"""Activity ids (IRIs) that name a course and its parts in xAPI and cmi5 records.

Every id hangs under the course IRI, so one course's records never mix with another's in a
shared Learning Record Store; the ids are stable across builds because they come from the
course and step ids, never from the build.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorm_builder.models import Course

DEFAULT_BASE = "https://scorm-builder.invalid/courses/"
"""Base of the default course IRI. ``.invalid`` is reserved (RFC 2606): it can never clash with a
real site, and an LRS report shows plainly that the designer has not set ``iri`` yet."""


@dataclass(frozen=True)
class StepActivities:
    """The activity ids of one step: the step itself, its reflection and its media."""

    step: str
    reflection: str
    media: str


def course_iri(course: Course) -> str:
    """The course's IRI: ``iri`` from course.yml, else the documented default."""
    return course.iri or DEFAULT_BASE + course.id


def step_activities(course: Course, step_id: str) -> StepActivities:
    """Ids of a step's activities: ``<course>/steps/<step-id>`` and two children."""
    step = f"{course_iri(course)}/steps/{step_id}"
    return StepActivities(step=step, reflection=f"{step}/reflection", media=f"{step}/media")
