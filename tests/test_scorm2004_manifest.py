"""The SCORM 2004 4th edition manifest: schema-valid, Moodle-readable, deterministic; control files unmodified."""

from __future__ import annotations

import hashlib

import pytest
from lxml import etree

from scorm_builder.targets.scorm2004_manifest import (
    CONTROL_FILES,
    NS_LOM,
    ManifestItem,
    ManifestSpec,
    build_manifest,
    control_files,
)
from scorm_builder.xmlschema import (
    NS_ADLCP2004,
    NS_CP2004,
    NS_IMSSS,
    NS_XSI,
    official_file_2004,
    parse_untrusted,
    scorm2004_schema,
    validate_scorm2004,
)

CP = f"{{{NS_CP2004}}}"
SS = f"{{{NS_IMSSS}}}"
LOM = f"{{{NS_LOM}}}"

# Published checksums (see scorm_builder/schemas/scorm2004/README.md): the files must stay unmodified.
OFFICIAL_SHA256 = {
    "imscp_v1p1.xsd": "cf91ad47eeafa08193547d37ce950a837d7d49755ce90b7872c1ca7656b74369",
    "adlcp_v1p3.xsd": "51a0515f707ca9a951ac945b7d13b201ffacc3800480e54a4e8bc6d88f13eaf1",
    "adlseq_v1p3.xsd": "4f2a55c07628d3a8ed133543e72dc7c4a3c0ebc2676268029fd40f339d56ecce",
    "adlnav_v1p3.xsd": "8a8559c6ab2bc6aa34689c5bc6be8dff269820c36ba8cb6f85b667c8094a2d3a",
    "imsss_v1p0.xsd": "daef999eb61a3755a483e86be07226d877dbdcf6062fb978a7e4069921f8ef7b",
    "imsss_v1p0auxresource.xsd": "c5985ad0f64a7fc780fe3e8b5ee85c983de54a1aba8df4a32dd4e6febcf43baa",
    "imsss_v1p0control.xsd": "5c74cfa648b2cf98b71a15e77a5e92ff75f111d72ac84766ccafff3d29ab8e43",
    "imsss_v1p0delivery.xsd": "ea44db41eeae1f8802117362236b68d3943bf3eafa8d41fa5ab5d7354a2b61f0",
    "imsss_v1p0limit.xsd": "5c1b1e5add19942ff205b423ea750959ffb79f080983b51ba5a62f185eff13ec",
    "imsss_v1p0objective.xsd": "6b196b71ac408141811899cd77b7cbeac5e3cbc239abf223de1777efedfaf4e8",
    "imsss_v1p0random.xsd": "195472fbb65a3daeda13edb9cb5a62adcc41287c61d7433a65b5b3ed32460e85",
    "imsss_v1p0rollup.xsd": "e0e95bafa5693eb7649946379ec735ad6a4f6389c6b385ae2296efc38b8a412f",
    "imsss_v1p0seqrule.xsd": "a391f0b7c7faee99207865df735dde2bb682ac07e4804b1140a7e2d9b8ec77d8",
    "imsss_v1p0util.xsd": "3afc09fead11951b1aa5db10f80d09874d516eded489b382aa3ee380f1eae814",
    "xml.xsd": "987f7ddbb71278c7a5bbb2d46cfc3913a9c752670d8d3c0c4f88e827c25f5f94",
    "datatypes.dtd": "c8bd6bdf36184efe6e9ca0a11396254f1def5c6c3b28bce9f72216d685b02921",
    "XMLSchema.dtd": "68b500f142a9d1f69686f95184b23f6003515dfff3c8775d24521438507b6799",
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
        "title": "Pourquoi la compassion compte",
        "language": "fr-CA",
        "description": "Un paragraphe sur la compassion.",
        "items": items,
    }
    values.update(changes)
    return ManifestSpec(**values)  # type: ignore[arg-type]


def parse(data: bytes) -> etree._Element:
    return parse_untrusted(data).getroot()


def test_manifest_is_valid_against_the_official_schemas() -> None:
    assert validate_scorm2004(parse_untrusted(build_manifest(make_spec()))) == []
    with pytest.raises(ValueError, match="language"):
        build_manifest(make_spec(language="fr_CA"))
    with pytest.raises(ValueError, match="at least one item"):
        build_manifest(make_spec(items=()))


def test_the_schemas_do_check_something() -> None:
    """Schema validation is not a rubber stamp: broken 2004 manifests are refused, with a line."""
    good = build_manifest(make_spec())
    for old, new in ((b'scormType="sco"', b'scormType="lesson"'),
                     (b'flow="true"', b'flow="sometimes"'),
                     (b'version="1.0" xsi', b'version="1.0" colour="red" xsi'),
                     (b'<imsss:deliveryControls', b'<imsss:deliveryControl')):
        assert good.count(old) >= 1
        errors = validate_scorm2004(parse_untrusted(good.replace(old, new)))
        assert errors and errors[0].line > 0, old


def test_same_spec_gives_same_bytes() -> None:
    assert build_manifest(make_spec()) == build_manifest(make_spec())


def test_declaration_namespaces_prefixes_and_schema_locations() -> None:
    data = build_manifest(make_spec())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<manifest ')
    root = parse(data)
    assert root.tag == CP + "manifest"
    assert root.nsmap == {None: NS_CP2004, "adlcp": NS_ADLCP2004, "imsss": NS_IMSSS, "xsi": NS_XSI}
    pairs = root.get(f"{{{NS_XSI}}}schemaLocation", "").split()
    assert dict(zip(pairs[::2], pairs[1::2], strict=True)) == {
        NS_CP2004: "imscp_v1p1.xsd", NS_ADLCP2004: "adlcp_v1p3.xsd", NS_IMSSS: "imsss_v1p0.xsd"}
    # Moodle matches prefixed names literally (upper-cased): the text must say adlcp:scormType, imsss:sequencing
    assert data.count(b'adlcp:scormType="sco"') == 2 and b"<imsss:sequencing>" in data


def test_metadata_has_scorm_version_and_lom_in_the_course_language() -> None:
    metadata = parse(build_manifest(make_spec())).find(CP + "metadata")
    assert metadata is not None
    assert metadata.findtext(CP + "schema") == "ADL SCORM"
    assert metadata.findtext(CP + "schemaversion") == "2004 4th Edition"
    general = metadata.find(f"{LOM}lom/{LOM}general")
    assert general is not None
    assert general.findtext(LOM + "language") == "fr-CA"
    title = general.find(f"{LOM}title/{LOM}string")
    desc = general.find(f"{LOM}description/{LOM}string")
    assert title is not None and title.text == "Pourquoi la compassion compte" and title.get("language") == "fr-CA"
    assert desc is not None and desc.text == "Un paragraphe sur la compassion." and desc.get("language") == "fr-CA"
    no_desc = parse(build_manifest(make_spec(description="  "))).find(f"{CP}metadata/{LOM}lom/{LOM}general")
    assert no_desc is not None and no_desc.find(LOM + "description") is None


def test_one_sco_per_step_with_its_files_and_simple_sequencing() -> None:
    root = parse(build_manifest(make_spec()))
    (organizations,) = root.findall(CP + "organizations")
    (organization,) = organizations.findall(CP + "organization")
    assert organizations.get("default") == organization.get("identifier")
    assert [c.tag for c in organization] == [CP + "title", CP + "item", CP + "item", SS + "sequencing"]
    control = organization.find(f"{SS}sequencing/{SS}controlMode")
    assert control is not None and dict(control.attrib) == {"choice": "true", "flow": "true"}
    items = organization.findall(CP + "item")
    resources = {r.get("identifier"): r for r in root.iter(CP + "resource")}
    assert len(resources) == 2
    for item in items:
        (seq,) = item.findall(SS + "sequencing")
        assert [(c.tag, dict(c.attrib)) for c in seq] == [
            (SS + "deliveryControls", {"completionSetByContent": "true", "objectiveSetByContent": "true"})]
        res = resources[item.get("identifierref")]
        assert res.get("type") == "webcontent" and res.get(f"{{{NS_ADLCP2004}}}scormType") == "sco"
        files = [f.get("href") for f in res.iter(CP + "file")]
        assert files[0] == res.get("href") and len(files) == len(set(files))
    sequencing_words = {etree.QName(e).localname for e in root.iter(SS + "*")}
    assert sequencing_words == {"sequencing", "controlMode", "deliveryControls"}, "nothing needing a full engine"
    first = resources[items[0].get("identifierref")]
    assert [f.get("href") for f in first.iter(CP + "file")] == [
        "evidence-outcomes.html", "assets/step.js", "media/evidence-outcomes/interview.mp4"]
    second = resources[items[1].get("identifierref")]
    assert second.get("href") == "next%20step.html"


def test_control_files_are_the_unmodified_official_files() -> None:
    files = control_files()
    assert tuple(files) == CONTROL_FILES and len(files) == 17
    assert {name: hashlib.sha256(data).hexdigest() for name, data in files.items()} == OFFICIAL_SHA256


def test_schema_compiles_offline_without_touching_shipped_files() -> None:
    scorm2004_schema.cache_clear()
    before = {name: official_file_2004(name) for name in CONTROL_FILES}
    assert scorm2004_schema() is scorm2004_schema()  # compiled once, cached
    assert {name: official_file_2004(name) for name in CONTROL_FILES} == before
    with pytest.raises(KeyError):
        official_file_2004("../../pyproject.toml")
