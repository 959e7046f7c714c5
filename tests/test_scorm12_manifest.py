"""The SCORM 1.2 manifest: schema-valid, Moodle-readable, deterministic; control files unmodified."""

from __future__ import annotations

import hashlib
import re

import pytest
from lxml import etree

from scorm_builder.targets.scorm12_manifest import (
    CONTROL_FILES,
    ManifestItem,
    ManifestSpec,
    build_manifest,
    control_files,
    to_ncname,
)
from scorm_builder.xmlschema import (
    NS_ADLCP,
    NS_IMSCP,
    NS_IMSMD,
    NS_XML,
    official_file,
    parse_untrusted,
    scorm12_schema,
    validate_scorm12,
)

CP = f"{{{NS_IMSCP}}}"
MD = f"{{{NS_IMSMD}}}"

# Published checksums (see scorm_builder/schemas/scorm12/README.md): the files must stay unmodified.
OFFICIAL_SHA256 = {
    "imscp_rootv1p1p2.xsd": "d9ee699094e0db4518cf0143c81873d196b2683cf1c5ed770f108239ee079dda",
    "adlcp_rootv1p2.xsd": "173decaf9cd31ea847e6ff6853c702137974aca6b56567151aa4a885e0aa4883",
    "imsmd_rootv1p2p1.xsd": "51310a1097f373e619e54ef2ba9c050117de4822e6119a1cc2a3d07cfe450db9",
    "ims_xml.xsd": "5209ff1d1e89cac16e797a2cdb0d5f345343ad97c1b125483a4bc6fc29319bd5",
}


def make_spec(**changes: object) -> ManifestSpec:
    items = (
        ManifestItem(
            identifier="evidence-outcomes",
            title="The evidence for improved outcomes",
            href="evidence-outcomes.html",
            files=("evidence-outcomes.html", "assets/step.js", "media/evidence-outcomes/interview.mp4"),
        ),
        ManifestItem(
            identifier="2 next step",
            title="Next <step> & more",
            href="next step.html",
            files=("assets/step.js",),
        ),
    )
    values: dict[str, object] = {
        "identifier": "kindness-evidence",
        "title": "Why compassion matters",
        "language": "en-GB",
        "description": "One paragraph about compassion.",
        "items": items,
    }
    values.update(changes)
    return ManifestSpec(**values)  # type: ignore[arg-type]


def parse(data: bytes) -> etree._Element:
    return parse_untrusted(data).getroot()


def test_manifest_is_valid_against_the_official_schemas() -> None:
    tree = parse_untrusted(build_manifest(make_spec()))
    assert validate_scorm12(tree) == []


def test_same_spec_gives_same_bytes() -> None:
    assert build_manifest(make_spec()) == build_manifest(make_spec())
    assert build_manifest(make_spec()) != build_manifest(make_spec(title="Other"))


def test_declaration_namespaces_and_schema_locations() -> None:
    data = build_manifest(make_spec())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest ')
    data.decode("utf-8")
    root = parse(data)
    assert root.nsmap["adlcp"] == NS_ADLCP
    assert root.nsmap[None] == NS_IMSCP
    # Moodle matches names literally: the attribute must be written "adlcp:scormtype", lower case.
    assert data.count(b'adlcp:scormtype="sco"') == 2
    assert b"scormType" not in data
    assert b"masteryscore" not in data
    pairs = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", "").split()
    assert dict(zip(pairs[::2], pairs[1::2], strict=True)) == {
        NS_IMSCP: "imscp_rootv1p1p2.xsd",
        NS_IMSMD: "imsmd_rootv1p2p1.xsd",
        NS_ADLCP: "adlcp_rootv1p2.xsd",
    }


def test_metadata_has_scorm_version_and_inline_lom() -> None:
    root = parse(build_manifest(make_spec()))
    meta = root.find(f"{CP}metadata")
    assert meta is not None
    assert meta.findtext(f"{CP}schema") == "ADL SCORM"
    assert meta.findtext(f"{CP}schemaversion") == "1.2"
    general = meta.find(f"{MD}lom/{MD}general")
    assert general is not None
    title = general.find(f"{MD}title/{MD}langstring")
    assert title is not None and title.text == "Why compassion matters"
    assert title.get(f"{{{NS_XML}}}lang") == "en-GB"
    assert general.findtext(f"{MD}language") == "en-GB"
    assert general.findtext(f"{MD}description/{MD}langstring") == "One paragraph about compassion."


def test_one_item_per_step_each_launching_a_sco_that_lists_its_files() -> None:
    root = parse(build_manifest(make_spec()))
    orgs = root.find(f"{CP}organizations")
    assert orgs is not None
    org = orgs.find(f"{CP}organization")
    assert org is not None and orgs.get("default") == org.get("identifier")
    items = org.findall(f"{CP}item")
    resources = {r.get("identifier"): r for r in root.iter(f"{CP}resource")}
    assert [i.findtext(f"{CP}title") for i in items] == [
        "The evidence for improved outcomes",
        "Next <step> & more",
    ]
    first = resources[items[0].get("identifierref")]
    assert first.get("type") == "webcontent"
    assert first.get(f"{{{NS_ADLCP}}}scormtype") == "sco"
    assert first.get("href") == "evidence-outcomes.html"
    assert [f.get("href") for f in first.iter(f"{CP}file")] == [
        "evidence-outcomes.html",
        "assets/step.js",
        "media/evidence-outcomes/interview.mp4",
    ]
    second = resources[items[1].get("identifierref")]
    # Spaces are percent-encoded; the launch file is listed first even if the spec left it out.
    assert second.get("href") == "next%20step.html"
    assert [f.get("href") for f in second.iter(f"{CP}file")] == ["next%20step.html", "assets/step.js"]


NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*\Z")


def test_identifiers_are_unique_ncnames_even_from_awkward_input() -> None:
    items = tuple(
        ManifestItem(identifier=i, title=i or "x", href=f"p{n}.html", files=())
        for n, i in enumerate(["1st", "a b", "a_b", "a:b", "", "ünï"])
    )
    data = build_manifest(make_spec(identifier="9 lives: course", items=items))
    root = parse(data)
    ids = [el.get("identifier") for el in root.iter() if el.get("identifier") is not None]
    assert len(ids) == len(set(ids))
    assert all(i is not None and NCNAME.match(i) for i in ids)
    assert validate_scorm12(root.getroottree()) == []


def test_to_ncname() -> None:
    assert to_ncname("kindness-evidence") == "kindness-evidence"
    assert to_ncname("2 steps") == "_2_steps"
    assert to_ncname("x", "item-") == "item-x"
    assert to_ncname("") == "_"


def test_long_titles_and_control_characters_still_validate() -> None:
    spec = make_spec(title="T" * 500 + "\x01", description="Line one\x0b\nline two")
    root = parse(build_manifest(spec))
    org_title = root.findtext(f"{CP}organizations/{CP}organization/{CP}title")
    assert org_title is not None and len(org_title) == 200
    assert validate_scorm12(root.getroottree()) == []


@pytest.mark.parametrize(
    "href",
    ["/abs.html", "http://example.com/x.html", "file:///x.html", "C:/x.html", "a\\b.html", "../x.html", ""],
)
def test_unsafe_hrefs_are_refused(href: str) -> None:
    items = (ManifestItem(identifier="s", title="S", href=href, files=()),)
    with pytest.raises(ValueError, match="href"):
        build_manifest(make_spec(items=items))


def test_bad_language_and_empty_course_are_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        build_manifest(make_spec(language="en_GB"))
    with pytest.raises(ValueError, match="at least one item"):
        build_manifest(make_spec(items=()))


def test_control_files_are_the_unmodified_official_files() -> None:
    files = control_files()
    assert tuple(files) == CONTROL_FILES
    assert {name: hashlib.sha256(data).hexdigest() for name, data in files.items()} == OFFICIAL_SHA256


def test_schema_compiles_offline_without_touching_shipped_files() -> None:
    scorm12_schema.cache_clear()
    before = {name: official_file(name) for name in CONTROL_FILES}
    assert scorm12_schema() is scorm12_schema()  # compiled once, cached
    assert {name: official_file(name) for name in CONTROL_FILES} == before


def test_schema_rejects_camel_case_scormtype() -> None:
    data = build_manifest(make_spec()).replace(b"adlcp:scormtype", b"adlcp:scormType")
    errors = validate_scorm12(parse_untrusted(data))
    assert errors and "scormType" in errors[0].message and errors[0].line > 0
