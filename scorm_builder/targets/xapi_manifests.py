"""``tincan.xml`` and ``cmi5.xml``: how an xAPI launcher or a cmi5 LMS learns what a package holds.

Both name activities by IRI (see ``activities.py``) and carry names in the course language. The
TinCan launch convention allows one launchable activity, and Moodle's TinCan Launch Link reads only
the first ``<activity>``: so the course comes first, with the launch page, and the steps follow as
plain activities. cmi5 has one AU per step, each launched by the LMS on its own.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from lxml import etree

NS_TINCAN = "http://projecttincan.com/tincan.xsd"
NS_CMI5 = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"

TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
TYPE_LESSON = "http://adlnet.gov/expapi/activities/lesson"
TYPE_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
TYPE_VIDEO = "https://w3id.org/xapi/video/activity-type/video"
"""The xAPI Video Profile's media type; the profile covers audio-only media as well."""

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_HREF_SAFE = "/-._~"


@dataclass(frozen=True)
class Activity:
    """One activity: its IRI, xAPI type, name and description (course language)."""

    id: str
    type: str
    name: str
    description: str
    interaction_type: str | None = None


@dataclass(frozen=True)
class StepUnit:
    """What a step contributes: its page, its own activity and its children (reflection, media)."""

    page: str
    activity: Activity
    children: tuple[Activity, ...]


@dataclass(frozen=True)
class CourseSpec:
    """Everything both descriptors state about a course."""

    course: Activity
    language: str
    launch: str
    steps: tuple[StepUnit, ...]


def _text(value: str) -> str:
    """Drop characters XML 1.0 cannot carry, and flatten whitespace (LMS lists show one line)."""
    return " ".join(_XML_BAD.sub("", value).split())


def _href(path: str) -> str:
    """A package-relative launch path, percent-encoded like a URL path."""
    if not path or path.startswith("/") or "\\" in path or ".." in path.split("/") or ":" in path.split("/")[0]:
        raise ValueError(f"launch path {path!r} must be relative and inside the package")
    return urllib.parse.quote(path, safe=_HREF_SAFE)


def _serialise(root: etree._Element) -> bytes:
    etree.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8") + b"\n"


def _langstring(parent: etree._Element, tag: str, text: str, language: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.text = _text(text)
    el.set("lang", language)
    return el


def build_tincan_xml(spec: CourseSpec) -> bytes:
    """Render ``tincan.xml``: the course first (the one launchable activity), then every step activity."""
    t = f"{{{NS_TINCAN}}}"
    root = etree.Element(t + "tincan", nsmap={None: NS_TINCAN})
    activities = etree.SubElement(root, t + "activities")

    def add(activity: Activity, launch: str | None = None) -> None:
        el = etree.SubElement(activities, t + "activity")
        el.set("id", activity.id)
        el.set("type", activity.type)
        _langstring(el, t + "name", activity.name, spec.language)
        _langstring(el, t + "description", activity.description, spec.language)
        if launch is not None:
            _langstring(el, t + "launch", _href(launch), spec.language)
        if activity.interaction_type:
            etree.SubElement(el, t + "interactionType").text = activity.interaction_type

    add(spec.course, spec.launch)
    for step in spec.steps:
        add(step.activity)
        for child in step.children:
            add(child)
    return _serialise(root)


def build_cmi5_xml(spec: CourseSpec) -> bytes:
    """Render ``cmi5.xml``: one AU per step, completed when its ``completed`` statement arrives.

    ``moveOn="Completed"``: a reflection step is done when submitted (or viewed); nothing is
    scored, so no ``masteryScore``. ``launchMethod="AnyWindow"``: the page works framed or not.
    """
    c = f"{{{NS_CMI5}}}"
    root = etree.Element(c + "courseStructure", nsmap={None: NS_CMI5})
    course = etree.SubElement(root, c + "course")
    course.set("id", spec.course.id)
    for tag, text in (("title", spec.course.name), ("description", spec.course.description)):
        _langstring(etree.SubElement(course, c + tag), c + "langstring", text, spec.language)
    for step in spec.steps:
        au = etree.SubElement(root, c + "au")
        au.set("id", step.activity.id)
        au.set("moveOn", "Completed")
        au.set("launchMethod", "AnyWindow")
        for tag, text in (("title", step.activity.name), ("description", step.activity.description)):
            _langstring(etree.SubElement(au, c + tag), c + "langstring", text, spec.language)
        etree.SubElement(au, c + "url").text = _href(step.page)
    return _serialise(root)
