"""The SCORM 2004 4th Edition ``imsmanifest.xml`` and the control files that sit next to it.

Same course model as the 1.2 manifest (:class:`ManifestSpec`, one SCO per step, every file listed
in the resource of each step that uses it). What differs:

* namespaces ``imscp_v1p1`` / ``adlcp_v1p3`` / ``imsss``, bound to the literal prefixes ``adlcp`` and
  ``imsss`` (Moodle's parser upper-cases names and matches ``ADLCP:SCORMTYPE`` and
  ``IMSSS:SEQUENCING`` literally), and the SCO marker ``adlcp:scormType="sco"``;
* ``schemaversion`` ``2004 4th Edition`` (Moodle picks the ``API_1484_11`` runtime from it);
* course metadata as inline IEEE LOM (title, language, description in the course language): the
  official 4th edition set carries no LOM binding, so the LOM namespace is not named in
  ``xsi:schemaLocation`` and the schemas check it laxly;
* sequencing kept to what LMSs without a full sequencing engine (Moodle) carry out: ``flow`` and
  ``choice`` on for the organization, and on every item ``completionSetByContent`` and
  ``objectiveSetByContent``, so the LMS records the completion the SCO reports and never marks a
  step complete, passed or failed on its own. No sequencing rules, rollup rules, objectives or
  limit conditions.
"""

from __future__ import annotations

from lxml import etree

from scorm_builder.targets.scorm12_manifest import (
    _LANGUAGE,
    ManifestItem,
    ManifestSpec,
    _href,
    _Ids,
    _sub,
    _text,
    _title,
)
from scorm_builder.xmlschema import (
    NS_ADLCP2004,
    NS_CP2004,
    NS_IMSSS,
    NS_XSI,
    SCORM2004_FILES,
    SCORM2004_ROOTS,
    official_file_2004,
)

__all__ = ["CONTROL_FILES", "SCHEMA_VERSION", "ManifestItem", "ManifestSpec", "build_manifest", "control_files"]

NS_LOM = "http://ltsc.ieee.org/xsd/LOM"
SCHEMA_VERSION = "2004 4th Edition"

CONTROL_FILES: tuple[str, ...] = SCORM2004_FILES
"""The seventeen official schema files every 2004 package carries at its zip root."""

SCHEMA_LOCATION = " ".join(f"{ns} {SCORM2004_ROOTS[ns]}" for ns in (NS_CP2004, NS_ADLCP2004, NS_IMSSS))
"""``xsi:schemaLocation`` pairs for the namespaces the manifest uses."""


def _lom(metadata: etree._Element, spec: ManifestSpec) -> None:
    """Inline IEEE LOM: title, language and description, each string tagged with the course language."""
    lom_ns = f"{{{NS_LOM}}}"
    lom = etree.SubElement(metadata, lom_ns + "lom", nsmap={None: NS_LOM})
    general = _sub(lom, lom_ns + "general")
    title = _sub(general, lom_ns + "title")
    _sub(title, lom_ns + "string", _title(spec.title)).set("language", spec.language)
    _sub(general, lom_ns + "language", spec.language)
    if spec.description.strip():
        desc = _sub(general, lom_ns + "description")
        _sub(desc, lom_ns + "string", _text(spec.description.strip())).set("language", spec.language)


def build_manifest(spec: ManifestSpec) -> bytes:
    """Render the 2004 ``imsmanifest.xml`` (UTF-8, XML declaration); the same spec gives the same bytes.

    Raises ValueError for specs no valid package can come from (no items, a language that is not
    an ``xsd:language`` tag, hrefs that are absolute or leave the package).
    """
    if not spec.items:
        raise ValueError("a SCORM package needs at least one item")
    if not _LANGUAGE.match(spec.language):
        raise ValueError(f"language {spec.language!r} is not a BCP 47 / xsd:language tag")

    cp = f"{{{NS_CP2004}}}"
    ss = f"{{{NS_IMSSS}}}"
    ids = _Ids()
    nsmap = {None: NS_CP2004, "adlcp": NS_ADLCP2004, "imsss": NS_IMSSS, "xsi": NS_XSI}
    root = etree.Element(cp + "manifest", nsmap=nsmap)
    root.set("identifier", ids.take(spec.identifier))
    root.set("version", "1.0")
    root.set(f"{{{NS_XSI}}}schemaLocation", SCHEMA_LOCATION)

    metadata = _sub(root, cp + "metadata")
    _sub(metadata, cp + "schema", "ADL SCORM")
    _sub(metadata, cp + "schemaversion", SCHEMA_VERSION)
    _lom(metadata, spec)

    organizations = _sub(root, cp + "organizations")
    org_id = ids.take(spec.identifier, "org-")
    organizations.set("default", org_id)
    organization = _sub(organizations, cp + "organization")
    organization.set("identifier", org_id)
    _sub(organization, cp + "title", _title(spec.title))

    resources = _sub(root, cp + "resources")
    for item in spec.items:
        item_id = ids.take(item.identifier, "item-")
        res_id = ids.take(item.identifier, "res-")
        el = _sub(organization, cp + "item")
        el.set("identifier", item_id)
        el.set("identifierref", res_id)
        el.set("isvisible", "true")
        _sub(el, cp + "title", _title(item.title))
        delivery = _sub(_sub(el, ss + "sequencing"), ss + "deliveryControls")
        delivery.set("completionSetByContent", "true")
        delivery.set("objectiveSetByContent", "true")

        res = _sub(resources, cp + "resource")
        res.set("identifier", res_id)
        res.set("type", "webcontent")
        res.set(f"{{{NS_ADLCP2004}}}scormType", "sco")
        launch = _href(item.href)
        res.set("href", launch)
        listed: dict[str, None] = {launch: None}  # ordered set: launch file first, no repeats
        for path in item.files:
            listed.setdefault(_href(path))
        for href in listed:
            _sub(res, cp + "file").set("href", href)

    control = _sub(_sub(organization, ss + "sequencing"), ss + "controlMode")  # after the items
    control.set("choice", "true")
    control.set("flow", "true")

    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def control_files() -> dict[str, bytes]:
    """The official 2004 4th edition files, unmodified, keyed by the name they take at the zip root."""
    return {name: official_file_2004(name) for name in CONTROL_FILES}
