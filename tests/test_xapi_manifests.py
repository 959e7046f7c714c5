"""tincan.xml and cmi5.xml: what a launcher or a cmi5 LMS reads, built from the example course."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from lxml import etree

from scorm_builder.errors import SourceErrors
from scorm_builder.loader import load_course
from scorm_builder.plan import make_plan
from scorm_builder.render import render_package
from scorm_builder.targets.xapi import XapiTarget, course_spec
from scorm_builder.targets.xapi_manifests import NS_CMI5, NS_TINCAN, build_cmi5_xml, build_tincan_xml
from scorm_builder.xmlschema import CMI5_FILE, CMI5_RESOURCE, validate_cmi5
from tests.helpers import EXAMPLE_STEP, copy_example

T = f"{{{NS_TINCAN}}}"
C = f"{{{NS_CMI5}}}"
DEFAULT_IRI = "https://scorm-builder.invalid/courses/kind-handovers"
# Published checksum of the official file (see scorm_builder/schemas/cmi5/README.md): never edited.
CMI5_XSD_SHA256 = "6a0b04962f5baa4603ee28e84ce4c74a122f322a548c8fdc14d93b2a23781d75"


def three_steps(tmp_path: Path, iri: str | None = None) -> Path:
    """The example course with two more steps (copies of the first), and optionally an ``iri``."""
    course = copy_example(tmp_path)
    for extra in ("second-step", "third-step"):
        shutil.copytree(course / "steps" / EXAMPLE_STEP, course / "steps" / extra)
    yml = course / "course.yml"
    text = yml.read_text(encoding="utf-8").replace(f"  - {EXAMPLE_STEP}\n",
                                                   f"  - {EXAMPLE_STEP}\n  - second-step\n  - third-step\n")
    if iri is not None:
        text = text.replace("steps:\n", f"iri: {iri}\nsteps:\n", 1)
    yml.write_text(text, encoding="utf-8")
    return course


def spec_of(course: Path, launch: str = "index.html"):  # type: ignore[no-untyped-def]
    return course_spec(make_plan(load_course(course)), launch)


def test_tincan_course_is_the_first_and_only_launchable_activity(tmp_path: Path) -> None:
    course = three_steps(tmp_path)
    root = etree.fromstring(build_tincan_xml(spec_of(course)))
    acts = root.findall(f"{T}activities/{T}activity")
    assert acts[0].get("id") == DEFAULT_IRI
    assert acts[0].get("type") == "http://adlnet.gov/expapi/activities/course"
    assert acts[0].findtext(f"{T}launch") == "index.html"
    assert sum(1 for a in acts if a.find(f"{T}launch") is not None) == 1
    steps = [a.get("id") for a in acts if a.get("type") == "http://adlnet.gov/expapi/activities/lesson"]
    assert steps == [f"{DEFAULT_IRI}/steps/{s}" for s in (EXAMPLE_STEP, "second-step", "third-step")]
    reflections = [a for a in acts if a.findtext(f"{T}interactionType") == "long-fill-in"]
    assert len(reflections) == 3 and all(a.get("id", "").endswith("/reflection") for a in reflections)
    for el in root.iter(f"{T}name", f"{T}description", f"{T}launch"):
        assert el.get("lang") == "en-GB" and el.text


def test_course_iri_from_course_yml_prefixes_every_id(tmp_path: Path) -> None:
    course = three_steps(tmp_path, iri="https://learning.example.org/courses/kind/")
    spec = spec_of(course)
    root = etree.fromstring(build_tincan_xml(spec))
    ids = [a.get("id", "") for a in root.iter(f"{T}activity")]
    assert ids[0] == "https://learning.example.org/courses/kind"  # trailing slash dropped once
    assert all(i.startswith("https://learning.example.org/courses/kind/steps/") for i in ids[1:])
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("bad", ["kind-handovers", "https://exa mple.org/c", "https:///path", "https://x.org/c?a=1"])
def test_a_course_iri_that_is_not_absolute_names_course_yml(tmp_path: Path, bad: str) -> None:
    course = three_steps(tmp_path, iri=bad)
    with pytest.raises(SourceErrors) as caught:
        load_course(course)
    message = str(caught.value)
    assert "course.yml:" in message and "iri" in message


def test_cmi5_one_au_per_step_valid_against_the_official_schema(tmp_path: Path) -> None:
    course = three_steps(tmp_path)
    plan = make_plan(load_course(course))
    data = build_cmi5_xml(course_spec(plan, plan.steps[0].page))
    root = etree.fromstring(data)
    assert validate_cmi5(root) == []
    assert root.find(f"{C}course").get("id") == DEFAULT_IRI  # type: ignore[union-attr]
    aus = root.findall(f"{C}au")
    assert [au.get("id") for au in aus] == [f"{DEFAULT_IRI}/steps/{s}" for s in (EXAMPLE_STEP, "second-step",
                                                                                     "third-step")]
    assert [au.findtext(f"{C}url") for au in aus] == [f"{s}.html" for s in (EXAMPLE_STEP, "second-step",
                                                                             "third-step")]
    assert {(au.get("moveOn"), au.get("launchMethod")) for au in aus} == {("Completed", "AnyWindow")}
    assert all(au.get("masteryScore") is None for au in aus)
    for ls in root.iter(f"{C}langstring"):
        assert ls.get("lang") == "en-GB" and ls.text


def test_the_schema_catches_a_broken_cmi5_xml() -> None:
    broken = (f'<courseStructure xmlns="{NS_CMI5}"><course id="https://x.org/c"><title><langstring lang="en">'
              't</langstring></title></course><au id="https://x.org/a" moveOn="Sometimes"><title/></au>'
              '</courseStructure>').encode()
    errors = validate_cmi5(etree.fromstring(broken))
    assert errors and all(e.line >= 1 for e in errors)


def test_descriptors_are_deterministic_and_escape_text(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    yml = course / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("\ntitle: Kind handovers\n",
                                                           '\ntitle: "Kind <handovers> & \\a more"\n', 1),
                   encoding="utf-8")
    first = build_tincan_xml(spec_of(course)), build_cmi5_xml(spec_of(course))
    second = build_tincan_xml(spec_of(course)), build_cmi5_xml(spec_of(course))
    assert first == second
    assert etree.fromstring(first[0]).find(f"{T}activities/{T}activity/{T}name").text == "Kind <handovers> & more"  # type: ignore[union-attr]


def test_pages_carry_their_activity_ids(tmp_path: Path) -> None:
    course = three_steps(tmp_path)
    plan = make_plan(load_course(course))
    rendered = render_package(plan, XapiTarget().info())
    assert "index.html" in rendered.pages, "a multi-step xAPI course is launched on its contents page"
    page = rendered.pages["second-step.html"].decode()
    data = etree.HTML(page).find(".//script[@id='sb-data']").text  # type: ignore[union-attr]
    import json

    activity = json.loads(data or "{}")["activity"]
    assert activity["course"] == DEFAULT_IRI
    assert activity["step"] == f"{DEFAULT_IRI}/steps/second-step"
    assert activity["reflection"] == f"{DEFAULT_IRI}/steps/second-step/reflection"
    assert activity["media"] == f"{DEFAULT_IRI}/steps/second-step/media"
    assert activity["steps"][1] == activity["step"] and len(activity["steps"]) == 3
    assert activity["lang"] == "en-GB"
    assert 'href="third-step.html"' in page and 'href="handover-conversation.html"' in page


def test_the_official_cmi5_schema_ships_unchanged() -> None:
    from importlib import resources

    data = resources.files(CMI5_RESOURCE).joinpath(CMI5_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == CMI5_XSD_SHA256
