"""The SCORM 2004 part of ``scorm-builder validate``: what differs from a 1.2 manifest.

``validate.validate_package`` runs the checks every package gets (zip entries and zip-slip, the
manifest's location and safe parsing, captions, files no resource lists) and hands a manifest in
the 2004 content-packaging namespace to :func:`check_manifest` here: the official 4th edition
schemas, ``schemaversion``, ``adlcp:scormType`` with the literal ``adlcp`` prefix, the control
files ``xsi:schemaLocation`` names, then the shared resource, href and identifierref checks.
"""

from __future__ import annotations

import zipfile

from lxml import etree

from scorm_builder import validate as v
from scorm_builder.xmlschema import (
    NS_ADLCP,
    NS_ADLCP2004,
    NS_ADLNAV,
    NS_ADLSEQ,
    NS_CP2004,
    NS_IMSSS,
    NS_XSI,
    SCORM2004_FILES,
    validate_scorm2004,
)

SCHEMA_VERSIONS = ("2004 4th Edition", "2004 3rd Edition")
"""What Moodle reads as SCORM 2004 and these schemas describe (4th edition is what we build)."""

_SCORMTYPE = f"{{{NS_ADLCP2004}}}scormType"
_NS_SHORT = {
    f"{{{NS_CP2004}}}": "",
    f"{{{NS_ADLCP2004}}}": "adlcp:",
    f"{{{NS_IMSSS}}}": "imsss:",
    f"{{{NS_ADLSEQ}}}": "adlseq:",
    f"{{{NS_ADLNAV}}}": "adlnav:",
}
# A file of the set -> the files it includes or imports (which must ship with it).
_NEEDS = {
    "imscp_v1p1.xsd": ("xml.xsd",),
    "imsss_v1p0.xsd": tuple(n for n in SCORM2004_FILES if n.startswith("imsss_v1p0") and n != "imsss_v1p0.xsd"),
}


def is_scorm2004(root: etree._Element) -> bool:
    """A manifest in the 2004 namespace that does not say it is 1.2 (that case is a 1.2 error)."""
    if root.tag != f"{{{NS_CP2004}}}manifest":
        return False
    version = root.find(f"{{{NS_CP2004}}}metadata/{{{NS_CP2004}}}schemaversion")
    return version is None or (version.text or "").strip() != "1.2"


def check_manifest(tree: etree._ElementTree, files: dict[str, zipfile.ZipInfo], report: v._Report) -> set[str]:
    """Check a SCORM 2004 manifest; return the package paths its resources reference."""
    root = tree.getroot()
    for err in validate_scorm2004(tree):
        report.add(v.MANIFEST, f"schema: {_short(err.message)}", err.line)
    _check_metadata(root, report)
    _check_schema_location(root, files, report)
    return v._check_structure(root, f"{{{NS_CP2004}}}", files, report, scormtype=_check_scormtype)


def _short(message: str) -> str:
    for long, short in _NS_SHORT.items():
        message = message.replace(long, short)
    return message


def _check_metadata(root: etree._Element, report: v._Report) -> None:
    """Moodle picks the API from ``schemaversion``: anything it does not know gets the 1.2 API."""
    cp = f"{{{NS_CP2004}}}"
    metadata = root.find(f"{cp}metadata")
    wanted = SCHEMA_VERSIONS[0]
    if metadata is None:
        report.add(v.MANIFEST, f"no <metadata> with <schema>ADL SCORM</schema> and <schemaversion>{wanted}",
                   root.sourceline)
        return
    schema = metadata.find(f"{cp}schema")
    version = metadata.find(f"{cp}schemaversion")
    if schema is None or (schema.text or "").strip() != "ADL SCORM":
        line = schema.sourceline if schema is not None else metadata.sourceline
        found = "missing" if schema is None else repr(schema.text or "")
        report.add(v.MANIFEST, f"metadata <schema> is {found}; it must be 'ADL SCORM'", line)
    if version is None:
        report.add(v.MANIFEST, f"metadata <schemaversion> is missing; it must be '{wanted}' (without it Moodle "
                   "plays the package with the SCORM 1.2 API and the SCO never finds API_1484_11)",
                   metadata.sourceline)
    elif (version.text or "").strip() not in SCHEMA_VERSIONS:
        report.add(
            v.MANIFEST,
            f"schemaversion is {version.text or ''!r}; a SCORM 2004 package must say '{wanted}' (Moodle plays "
            "anything it does not know with the SCORM 1.2 API, and the SCO never finds API_1484_11)",
            version.sourceline,
        )


def _check_schema_location(root: etree._Element, files: dict[str, zipfile.ZipInfo], report: v._Report) -> None:
    """Every schema named in xsi:schemaLocation, and what it includes, must be shipped."""
    value = root.get(f"{{{NS_XSI}}}schemaLocation")
    if value is None:
        return
    tokens = value.split()
    if len(tokens) % 2:
        report.add(v.MANIFEST, "xsi:schemaLocation must hold namespace/location pairs", root.sourceline)
    needed = {loc for loc in tokens[1::2] if not v._SCHEME.match(loc)}
    for name in list(needed):
        needed.update(_NEEDS.get(name, ()))
    for loc in sorted(needed):
        if loc not in files:
            report.add(v.MANIFEST, f"xsi:schemaLocation names {loc}, which is not in the package", root.sourceline)


def _check_scormtype(res: etree._Element, label: str, report: v._Report) -> str | None:
    """``adlcp:scormType`` (camel case) in the 1.3 ADL namespace, bound to the literal prefix adlcp."""
    line = res.sourceline
    value = res.get(_SCORMTYPE)
    if value is not None:
        if res.nsmap.get("adlcp") != NS_ADLCP2004:
            prefixes = sorted(p for p, ns in res.nsmap.items() if ns == NS_ADLCP2004 and p)
            shown = f"'{prefixes[0]}'" if prefixes else "another prefix"
            report.add(
                v.MANIFEST,
                f"{label}: the adlcp namespace is bound to {shown}; Moodle matches the literal prefix "
                "'adlcp:scormType' and will treat this resource as an asset",
                line,
            )
        return value
    for name in res.attrib:
        qname = etree.QName(name)
        if qname.localname.lower() != "scormtype":
            continue
        if qname.namespace == NS_ADLCP:
            report.add(v.MANIFEST, f"{label} uses the SCORM 1.2 adlcp namespace {NS_ADLCP}; SCORM 2004 needs "
                       f"adlcp:scormType in {NS_ADLCP2004}", line)
        elif qname.localname != "scormType":
            report.add(v.MANIFEST, f"{label} uses {qname.localname!r} (SCORM 1.2 spelling); SCORM 2004 needs "
                       "adlcp:scormType", line)
        else:
            report.add(v.MANIFEST, f"{label} has scormType in namespace {qname.namespace or '(none)'}; it must be "
                       f"adlcp:scormType in {NS_ADLCP2004}", line)
        return res.get(name)
    report.add(
        v.MANIFEST,
        f"{label} has no adlcp:scormType; an LMS treats it as an asset that never gets the SCORM API",
        line,
    )
    return None
