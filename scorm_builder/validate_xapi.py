"""Checks for xAPI-family packages: a TinCan package (``tincan.xml``) or a cmi5 course (``cmi5.xml``).

What real launchers refuse or silently get wrong: the descriptor not at the zip root (Moodle's
TinCan Launch Link refuses it), a launchable activity that is not the first (that plugin reads only
the first), activity ids that are not absolute IRIs or not unique, and launch files that are absent.
"""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree

from scorm_builder.models import iri_problem
from scorm_builder.targets.xapi_manifests import NS_CMI5, NS_TINCAN
from scorm_builder.validate import MAX_MANIFEST_BYTES, _check_href, _read_capped, _Report
from scorm_builder.xmlschema import XmlRejectedError, parse_untrusted, validate_cmi5

_WHO_READS = {"tincan.xml": "Moodle's TinCan Launch Link refuses it", "cmi5.xml": "cmi5 LMSs read it only there"}


def check_xapi_package(zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], kind: str,
                       report: _Report) -> None:
    """Check a package whose descriptor is ``kind`` (``tincan.xml`` or ``cmi5.xml``)."""
    tree = _read_descriptor(zf, files, kind, report)
    if tree is None:
        return
    if kind == "tincan.xml":
        _check_tincan(tree.getroot(), files, report)
    else:
        for err in validate_cmi5(tree):
            report.add(kind, f"schema: {err.message.replace('{' + NS_CMI5 + '}', '')}", err.line)
        _check_cmi5(tree.getroot(), files, report)


def _read_descriptor(zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], kind: str,
                     report: _Report) -> etree._ElementTree | None:
    info = files.get(kind)
    if info is None:
        found = sorted(n for n in files if n.rsplit("/", 1)[-1].lower() == kind)
        if found and "/" not in found[0]:
            report.add(found[0], f'the descriptor must be named exactly "{kind}" (lower case)')
        else:
            report.add(found[0], f"{kind} found in a subfolder, not at the zip root; zip the folder's "
                       f"contents, not the folder ({_WHO_READS[kind]})")
        return None
    try:
        data = _read_capped(zf, info, MAX_MANIFEST_BYTES)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        report.add(kind, f"cannot be read from the zip ({exc})")
        return None
    if data is None:
        report.add(kind, f"larger than {MAX_MANIFEST_BYTES} bytes; refusing to read it")
        return None
    try:
        return parse_untrusted(data, max_bytes=MAX_MANIFEST_BYTES)
    except XmlRejectedError as exc:
        report.add(kind, exc.message, exc.line)
        return None


def _check_id(value: str | None, label: str, line: int | None, seen: dict[str, int], source: str,
              report: _Report) -> None:
    """An activity id must be an absolute IRI, unique in the descriptor (moveOn and launchMethod
    values are the schema's job: its message lists the allowed ones)."""
    if not value or not value.strip():
        report.add(source, f"{label} has no id (an absolute IRI is required)", line)
        return
    problem = iri_problem(value.strip())
    if problem:
        report.add(source, f"{label} id {value!r} {problem}", line)
    if value in seen:
        report.add(source, f"{label} id {value!r} is also used on line {seen[value]}; ids must be unique", line)
    else:
        seen[value] = line or 0


def _check_tincan(root: etree._Element, files: dict[str, zipfile.ZipInfo], report: _Report) -> None:
    t = f"{{{NS_TINCAN}}}"
    if root.tag != t + "tincan":
        qn = etree.QName(root)
        report.add("tincan.xml", f"root element is <{qn.localname}> in namespace {qn.namespace or '(none)'}, "
                   f"not <tincan> in {NS_TINCAN}", root.sourceline)
        return
    activities = root.findall(f"{t}activities/{t}activity")
    if not activities:
        report.add("tincan.xml", "no <activities><activity>: there is nothing to launch", root.sourceline)
        return
    seen: dict[str, int] = {}
    launchable = []
    for number, act in enumerate(activities, start=1):
        label = f"activity {number}"
        _check_id(act.get("id"), label, act.sourceline, seen, "tincan.xml", report)
        kind = act.get("type")
        if kind is not None and iri_problem(kind):
            report.add("tincan.xml", f"{label} type {kind!r} {iri_problem(kind)}", act.sourceline)
        names = act.findall(t + "name")
        if not names:
            report.add("tincan.xml", f"{label} has no <name>; launchers list the activity by it", act.sourceline)
        for el in [*names, *act.findall(t + "description"), *act.findall(t + "launch")]:
            if not el.get("lang"):
                tag = etree.QName(el).localname
                report.add("tincan.xml", f"{label} <{tag}> has no lang attribute (write lang=\"en-GB\", "
                           "not xml:lang)", el.sourceline)
        for launch in act.findall(t + "launch"):
            launchable.append((number, launch))
    if not launchable:
        report.add("tincan.xml", "no activity has a <launch>: a launcher has no start page", root.sourceline)
        return
    if len(launchable) > 1:
        report.add("tincan.xml", f"{len(launchable)} <launch> elements; the launch convention allows one "
                   "launchable activity per package", launchable[1][1].sourceline)
    number, launch = launchable[0]
    if number != 1:
        report.add("tincan.xml", "the launchable activity is not the first <activity>; Moodle's TinCan Launch "
                   "Link uses only the first one", launch.sourceline)
    _check_launch((launch.text or "").strip(), "<launch>", launch.sourceline, files, "tincan.xml", report)


def _check_launch(href: str, label: str, line: int | None, files: dict[str, zipfile.ZipInfo], source: str,
                  report: _Report) -> None:
    if not href:
        report.add(source, f"{label} is empty", line)
        return
    _check_href(href, "", label, line, files, report, launch=True, source=source)


def _check_cmi5(root: etree._Element, files: dict[str, zipfile.ZipInfo], report: _Report) -> None:
    c = f"{{{NS_CMI5}}}"
    if root.tag != c + "courseStructure":
        qn = etree.QName(root)
        report.add("cmi5.xml", f"root element is <{qn.localname}> in namespace {qn.namespace or '(none)'}, "
                   f"not <courseStructure> in {NS_CMI5}", root.sourceline)
        return
    seen: dict[str, int] = {}
    course = root.find(c + "course")
    if course is not None:
        _check_id(course.get("id"), "course", course.sourceline, seen, "cmi5.xml", report)
    for block in root.iter(c + "block"):
        _check_id(block.get("id"), "block", block.sourceline, seen, "cmi5.xml", report)
    for objective in root.iter(c + "objective"):
        _check_id(objective.get("id"), "objective", objective.sourceline, seen, "cmi5.xml", report)
    aus = list(root.iter(c + "au"))
    if not aus:
        report.add("cmi5.xml", "no <au>: the course has nothing to launch", root.sourceline)
    for number, au in enumerate(aus, start=1):
        label = f"AU {number}"
        _check_id(au.get("id"), label, au.sourceline, seen, "cmi5.xml", report)
        url = au.find(c + "url")
        if url is None or not (url.text or "").strip():
            report.add("cmi5.xml", f"{label} has no <url>", au.sourceline)
            continue
        href = (url.text or "").strip()
        if posixpath.basename(href.split("?", 1)[0].split("#", 1)[0]) == "":
            report.add("cmi5.xml", f"{label} <url> {href!r} names a folder, not a page", url.sourceline)
            continue
        _check_launch(href, f"{label} <url>", url.sourceline, files, "cmi5.xml", report)
