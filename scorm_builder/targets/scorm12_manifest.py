"""The SCORM 1.2 ``imsmanifest.xml`` and the control files that sit next to it.

Moodle is the main consumer. Its manifest parser is not namespace-aware and matches prefixed
names literally, so the ADL namespace is always bound to the prefix ``adlcp`` and the SCO marker
is the lower-case 1.2 attribute ``adlcp:scormtype``. Output is byte-for-byte deterministic so a
rebuild of unchanged sources gives an identical package.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from lxml import etree

from scorm_builder.xmlschema import (
    NS_ADLCP,
    NS_IMSCP,
    NS_IMSMD,
    NS_XML,
    NS_XSI,
    SCORM12_FILES,
    official_file,
)

CONTROL_FILES: tuple[str, ...] = tuple(SCORM12_FILES.values())
"""The four official schema files every 1.2 package carries at its zip root."""

SCHEMA_LOCATION = " ".join(f"{ns} {SCORM12_FILES[ns]}" for ns in (NS_IMSCP, NS_IMSMD, NS_ADLCP))
"""``xsi:schemaLocation`` pairs: namespace URI, then the control file at the package root."""

TITLE_MAX = 200  # imscp titleType maxLength
HREF_MAX = 2000  # imscp href maxLength

_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]+")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*\Z")  # xsd:language
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# Characters kept as they are in hrefs: RFC 3986 unreserved plus the path separator.
_HREF_SAFE = "/-._~"


@dataclass(frozen=True)
class ManifestItem:
    """One step: becomes an organization item and the SCO resource it launches."""

    identifier: str
    title: str
    href: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class ManifestSpec:
    """Everything the manifest states about a course; package paths are relative, with ``/``."""

    identifier: str
    title: str
    language: str
    description: str
    items: tuple[ManifestItem, ...]


def to_ncname(text: str, prefix: str = "") -> str:
    """Turn any text into an ASCII NCName (what ``xsd:ID`` requires), deterministically.

    Runs of characters outside ``[A-Za-z0-9._-]`` become ``_``; a name that would not start
    with a letter or ``_`` gets a leading ``_``. ``prefix`` is prepended before that check.
    """
    name = prefix + _NCNAME_BAD.sub("_", text.strip())
    if not name:
        return "_"
    if not (name[0].isascii() and (name[0].isalpha() or name[0] == "_")):
        name = "_" + name
    return name


class _Ids:
    """Hands out document-unique NCNames so sanitised names can never collide."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def take(self, text: str, prefix: str = "") -> str:
        base = to_ncname(text, prefix)
        name, n = base, 2
        while name in self._used:
            name, n = f"{base}-{n}", n + 1
        self._used.add(name)
        return name


def _text(value: str) -> str:
    """Drop characters XML 1.0 cannot carry (lxml would refuse them)."""
    return _XML_BAD.sub("", value)


def _title(value: str) -> str:
    """A one-line title that fits imscp's 200-character limit (LMS menus show it)."""
    flat = " ".join(_text(value).split())
    if len(flat) > TITLE_MAX:
        flat = flat[: TITLE_MAX - 1].rstrip() + "\u2026"
    return flat


def _href(path: str) -> str:
    """Check a package path is relative and inside the package, and percent-encode it."""
    problem = None
    if not path:
        problem = "is empty"
    elif "\\" in path:
        problem = "contains a backslash (use '/')"
    elif path.startswith("/") or _URL_SCHEME.match(path):
        problem = "is absolute or external"
    elif any(part in ("", ".", "..") for part in path.split("/")):
        problem = "has an empty, '.' or '..' segment"
    if problem:
        raise ValueError(f"manifest href {path!r} {problem}")
    href = urllib.parse.quote(path, safe=_HREF_SAFE)
    if len(href) > HREF_MAX:
        raise ValueError(f"manifest href {path!r} is longer than {HREF_MAX} characters")
    return href


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _lom(metadata: etree._Element, spec: ManifestSpec) -> None:
    """Inline IMS LOM 1.2.1 metadata: title, language, description."""
    md = f"{{{NS_IMSMD}}}"
    lom = etree.SubElement(metadata, md + "lom", nsmap={None: NS_IMSMD})
    general = _sub(lom, md + "general")
    title = _sub(general, md + "title")
    _sub(title, md + "langstring", _title(spec.title)).set(f"{{{NS_XML}}}lang", spec.language)
    _sub(general, md + "language", spec.language)
    if spec.description.strip():
        desc = _sub(general, md + "description")
        _sub(desc, md + "langstring", _text(spec.description.strip())).set(f"{{{NS_XML}}}lang", spec.language)


def build_manifest(spec: ManifestSpec) -> bytes:
    """Render ``imsmanifest.xml`` (UTF-8, XML declaration); the same spec gives the same bytes.

    Raises ValueError for specs no valid package can come from (no items, a language that is not
    an ``xsd:language`` tag, hrefs that are absolute or leave the package).
    """
    if not spec.items:
        raise ValueError("a SCORM package needs at least one item")
    if not _LANGUAGE.match(spec.language):
        raise ValueError(f"language {spec.language!r} is not a BCP 47 / xsd:language tag")

    cp = f"{{{NS_IMSCP}}}"
    ids = _Ids()
    root = etree.Element(cp + "manifest", nsmap={None: NS_IMSCP, "adlcp": NS_ADLCP, "xsi": NS_XSI})
    root.set("identifier", ids.take(spec.identifier))
    root.set("version", "1.0")
    root.set(f"{{{NS_XSI}}}schemaLocation", SCHEMA_LOCATION)

    metadata = _sub(root, cp + "metadata")
    _sub(metadata, cp + "schema", "ADL SCORM")
    _sub(metadata, cp + "schemaversion", "1.2")
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

        res = _sub(resources, cp + "resource")
        res.set("identifier", res_id)
        res.set("type", "webcontent")
        res.set(f"{{{NS_ADLCP}}}scormtype", "sco")
        launch = _href(item.href)
        res.set("href", launch)
        listed: dict[str, None] = {launch: None}  # ordered set: launch file first, no repeats
        for path in item.files:
            listed.setdefault(_href(path))
        for href in listed:
            _sub(res, cp + "file").set("href", href)

    etree.indent(root, space="  ")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def control_files() -> dict[str, bytes]:
    """The official schema files, unmodified, keyed by the name they take at the zip root."""
    return {name: official_file(name) for name in CONTROL_FILES}
