"""Offline XML Schema compilation and safe parsing for untrusted package XML.

The official SCORM 1.2 schema files ship unchanged in ``scorm_builder/schemas/scorm12``, but
libxml2 rejects two of them as published. We never edit the shipped files (conformance checkers
compare them byte-for-byte); instead an :class:`lxml.etree.Resolver` serves every schema file from
memory and corrects those two on the way. Nothing is ever fetched from the network or the disk
outside the package's own resources.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lxml import etree

SCORM12_RESOURCE = "scorm_builder.schemas.scorm12"
"""Import path of the folder holding the official SCORM 1.2 files."""

NS_IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
NS_ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS_IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_XML = "http://www.w3.org/XML/1998/namespace"

SCORM12_FILES: dict[str, str] = {
    NS_IMSCP: "imscp_rootv1p1p2.xsd",
    NS_ADLCP: "adlcp_rootv1p2.xsd",
    NS_IMSMD: "imsmd_rootv1p2p1.xsd",
    NS_XML: "ims_xml.xsd",
}
"""Namespace URI -> official file name, in the order the control files are listed."""

MAX_XML_BYTES = 10 * 1024 * 1024
"""Largest XML document we agree to parse (a manifest is normally a few kB)."""

# Virtual location of the schema folder. It is not a real path: the resolver answers every
# request under it from memory, and refuses anything else, so nothing is read from disk.
_BASE = "scorm-builder-schemas:///scorm12/"

# Byte-level corrections applied to in-memory copies only. Each pattern must occur exactly once,
# so an unexpected upstream file fails loudly instead of silently compiling something else.
_FIXES: dict[str, tuple[bytes, bytes]] = {
    # libxml2: "The XML namespace URI cannot be the default namespace".
    "ims_xml.xsd": (b'xmlns="http://www.w3.org/XML/1998/namespace"', b""),
    # libxml2: UPA violation (##any after optional elements is non-deterministic).
    "imsmd_rootv1p2p1.xsd": (b'namespace="##any"', b'namespace="##other"'),
}


class XmlRejectedError(ValueError):
    """Untrusted XML was not parsed: malformed, too big, or declares entities/DTDs we refuse."""

    def __init__(self, message: str, line: int = 0) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class SchemaError:
    """One schema-validation failure, with the 1-based line libxml2 reported."""

    line: int
    message: str


def official_file(name: str) -> bytes:
    """Return a shipped schema file's bytes exactly as published."""
    if name not in SCORM12_FILES.values():
        raise KeyError(name)
    return resources.files(SCORM12_RESOURCE).joinpath(name).read_bytes()


def _corrected(name: str) -> bytes:
    """Return the copy of ``name`` that libxml2 accepts (identical unless listed in _FIXES)."""
    data = official_file(name)
    fix = _FIXES.get(name)
    if fix is None:
        return data
    old, new = fix
    if data.count(old) != 1:
        raise RuntimeError(f"{name}: expected exactly one {old!r} to correct; file changed?")
    return data.replace(old, new)


class _SchemaResolver(etree.Resolver):
    """Serve the SCORM schema files from memory; refuse every other URL."""

    def resolve(self, system_url: str | None, public_id: str | None, context: object) -> Any:
        url = system_url or ""
        name = url[len(_BASE) :] if url.startswith(_BASE) else ""
        if name in SCORM12_FILES.values():
            return self.resolve_string(_corrected(name), context, base_url=url)
        # An unknown URL becomes an empty document, which fails compilation with its URL in the
        # message: better than letting libxml2 fall back to reading the disk.
        return self.resolve_string(b"", context, base_url=url)


def _schema_parser() -> etree.XMLParser:
    """A parser for schema documents that can only see our in-memory files."""
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False, huge_tree=False)
    parser.resolvers.add(_SchemaResolver())
    return parser


def _driver_schema() -> bytes:
    """A tiny schema whose only job is importing each namespace a 1.2 manifest may use."""
    imports = "".join(
        f'<xsd:import namespace="{ns}" schemaLocation="{name}"/>'
        for ns, name in SCORM12_FILES.items()
        if ns != NS_XML
    )
    return ('<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">' + imports + "</xsd:schema>").encode()


@cache
def scorm12_schema() -> etree.XMLSchema:
    """Compile the official SCORM 1.2 schema set once per process (about 30 ms)."""
    parser = _schema_parser()
    driver = etree.fromstring(_driver_schema(), parser, base_url=_BASE + "driver.xsd")
    return etree.XMLSchema(driver)


_VALIDATE_LOCK = threading.Lock()  # an XMLSchema keeps its error_log on the shared instance

CMI5_RESOURCE = "scorm_builder.schemas.cmi5"
"""Import path of the folder holding the official cmi5 CourseStructure.xsd (unchanged)."""
CMI5_FILE = "CourseStructure.xsd"


@cache
def cmi5_schema() -> etree.XMLSchema:
    """Compile the official cmi5 course structure schema once per process (it imports nothing)."""
    data = resources.files(CMI5_RESOURCE).joinpath(CMI5_FILE).read_bytes()
    return etree.XMLSchema(etree.fromstring(data, _schema_parser(), base_url=_BASE + "cmi5/" + CMI5_FILE))


def validate_cmi5(tree: etree._ElementTree | etree._Element) -> list[SchemaError]:
    """Validate a parsed ``cmi5.xml`` against the official schema; empty list means valid."""
    schema = cmi5_schema()
    with _VALIDATE_LOCK:
        if schema.validate(tree):
            return []
        return [SchemaError(e.line, e.message) for e in schema.error_log]


def validate_scorm12(tree: etree._ElementTree | etree._Element) -> list[SchemaError]:
    """Validate a parsed manifest against the official 1.2 schemas; empty list means valid."""
    schema = scorm12_schema()
    with _VALIDATE_LOCK:
        if schema.validate(tree):
            return []
        return [SchemaError(e.line, e.message) for e in schema.error_log]


def _safe_parser() -> etree.XMLParser:
    """A parser that never touches the network, never loads a DTD and never expands entities."""
    return etree.XMLParser(
        no_network=True,
        load_dtd=False,
        resolve_entities=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=False,
    )


def parse_untrusted(data: bytes, *, max_bytes: int = MAX_XML_BYTES) -> etree._ElementTree:
    """Parse XML from an unknown source, refusing anything that could reach outside the bytes.

    Raises :class:`XmlRejectedError` for documents larger than ``max_bytes``, malformed XML, and any
    DOCTYPE that declares entities or points at an external DTD (those are never expanded or
    fetched; we refuse the document rather than guess what the author meant).
    """
    if len(data) > max_bytes:
        raise XmlRejectedError(f"file is larger than {max_bytes} bytes; refusing to parse it")
    doctype_at = data.find(b"<!DOCTYPE")
    doctype_line = data[:doctype_at].count(b"\n") + 1 if doctype_at >= 0 else 1
    parser = _safe_parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        msg = exc.msg or str(exc)
        if doctype_at >= 0 and b"<!ENTITY" in data:
            # e.g. libxml2's own amplification guard tripping on a "billion laughs" DOCTYPE
            raise XmlRejectedError(
                "DOCTYPE declares entities; entity declarations are not allowed and were not "
                f"expanded (parser: {msg})",
                doctype_line,
            ) from None
        raise XmlRejectedError(f"not well-formed XML: {msg}", exc.lineno or 0) from None
    tree = root.getroottree()
    docinfo = tree.docinfo
    dtd = docinfo.internalDTD
    if dtd is not None:
        entities = [e.name or "?" for e in dtd.iterentities()]
        if entities:
            names = ", ".join(sorted(set(entities)))
            raise XmlRejectedError(
                f"DOCTYPE declares entities ({names}); entity declarations are not allowed "
                "and were not expanded",
                doctype_line,
            )
    if docinfo.system_url or docinfo.public_id:
        raise XmlRejectedError(
            f"DOCTYPE refers to an external DTD ({docinfo.system_url or docinfo.public_id}); "
            "external DTDs are not allowed and were not loaded",
            doctype_line,
        )
    return tree
