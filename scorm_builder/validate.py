"""Check any SCORM 1.2, xAPI (TinCan) or cmi5 zip (ours or another tool's) as a strict LMS import would.

SCORM 2004 manifests are handed to ``validate_scorm2004`` once the shared zip checks have run.

The official schemas catch structure only. Moodle's parser is non-validating and literal about
prefixes, and most real import failures are about the zip itself (manifest location, missing or
stray files, absolute URLs), so those get checks of their own. Each problem is one line,
``path: problem`` or ``path:line: problem``, where path is the zip itself or an entry inside it.

Nothing in the zip is trusted: no entry is extracted, at most a capped number of bytes is read
from the few entries we look into, and the manifest is parsed without network, DTD or entities.
"""

from __future__ import annotations

import posixpath
import re
import stat
import urllib.parse
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from scorm_builder import remote_loads, validate_scorm2004, zip_limits
from scorm_builder.xmlschema import (
    MAX_XML_BYTES,
    NS_ADLCP,
    NS_IMSCP,
    NS_IMSMD,
    NS_XML,
    NS_XSI,
    SCORM12_FILES,
    XmlRejectedError,
    parse_untrusted,
    validate_scorm12,
)

MANIFEST = "imsmanifest.xml"
MAX_MANIFEST_BYTES = MAX_XML_BYTES
MAX_CAPTION_BYTES = 5 * 1024 * 1024
CONTROL_SUFFIXES = (".xsd", ".dtd")

_CP = f"{{{NS_IMSCP}}}"
_ADLCP_SCORMTYPE = f"{{{NS_ADLCP}}}scormtype"
_XML_BASE = f"{{{NS_XML}}}base"
_NS_2004_CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_DRIVE = re.compile(r"[A-Za-z]:")
_VTT_TIME = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
_VTT_TIMING = re.compile(rf"({_VTT_TIME})[ \t]+-->[ \t]+({_VTT_TIME})(?:[ \t].*)?\Z")
_NS_SHORT = {f"{{{NS_IMSCP}}}": "", f"{{{NS_ADLCP}}}": "adlcp:", f"{{{NS_IMSMD}}}": "imsmd:"}


@dataclass(frozen=True)
class Finding:
    """One problem: ``path`` is the zip itself or an entry inside it; ``line`` is 1-based or None."""

    path: str
    line: int | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem}"

    def as_json(self) -> dict[str, str | int | None]:
        return {"path": self.path, "line": self.line, "problem": self.problem}


@dataclass
class _Report:
    """Collects problems in the order they are found."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, path: str, problem: str, line: int | None = None) -> None:
        self.findings.append(Finding(path, line or None, problem))

    @property
    def lines(self) -> list[str]:
        return [str(f) for f in self.findings]


def validate_package(zip_path: Path) -> list[str]:
    """Return one ``path: problem`` line per problem in a package; [] means valid.

    A zip with ``imsmanifest.xml`` is checked as SCORM (1.2 here, 2004 by ``validate_scorm2004``), one
    with ``tincan.xml`` or ``cmi5.xml`` (and no manifest) as an xAPI-family package (``validate_xapi``).
    """
    return [str(f) for f in package_findings(zip_path)]


def package_findings(zip_path: Path) -> list[Finding]:
    """The problems of ``validate_package`` as records (for ``validate --json``)."""
    report = _Report()
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.add(str(zip_path), f"cannot open as a zip file ({exc})")
        return report.findings
    with zf:
        _check_package(zf, report, str(zip_path))
    return report.findings


def package_kind(zip_path: Path) -> str:
    """What a package that passed ``validate`` is, in the words an administrator uses."""
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            return {"cmi5.xml": "cmi5 course", "tincan.xml": "xAPI (TinCan) package"}.get(
                xapi_descriptor(names) or "", "package")
        info = zf.getinfo(MANIFEST)
        data = _read_capped(zf, info, MAX_MANIFEST_BYTES)
    try:
        root = parse_untrusted(data or b"", max_bytes=MAX_MANIFEST_BYTES).getroot()
    except XmlRejectedError:
        return "SCORM package"
    return "SCORM 2004 package" if validate_scorm2004.is_scorm2004(root) else "SCORM 1.2 package"


def _check_package(zf: zipfile.ZipFile, report: _Report, zip_name: str = "package") -> None:
    """Run every check on an open zip, in a fixed order so output is stable."""
    if not zip_limits.check_central_directory(zf.infolist(), zip_name, report.add):
        return  # a zip bomb or a flood of entries: nothing is expanded, nothing else is checked
    files = _check_entries(zf, report)
    if MANIFEST not in files and (kind := xapi_descriptor(files)):
        from scorm_builder.validate_xapi import check_xapi_package

        check_xapi_package(zf, files, kind, report)
        _check_captions(zf, files, report)
        _check_remote_loads(zf, files, report)
        return
    manifest_tree = _read_manifest(zf, files, report)
    referenced: set[str] = set()
    if manifest_tree is not None:
        referenced = _check_manifest(manifest_tree, files, report)
    _check_captions(zf, files, report)
    _check_remote_loads(zf, files, report)
    if manifest_tree is not None:
        for name in sorted(files):
            if name == MANIFEST or name in referenced or _is_control_file(name):
                continue
            report.add(name, "in the package but not listed by any resource (add a <file href>)")


def xapi_descriptor(files: Iterable[str]) -> str | None:
    """``tincan.xml`` or ``cmi5.xml`` when the package is of the xAPI family (found anywhere)."""
    for descriptor in ("cmi5.xml", "tincan.xml"):
        if any(n.rsplit("/", 1)[-1].lower() == descriptor for n in files):
            return descriptor
    return None


# --- zip entries -----------------------------------------------------------------------------


def _check_entries(zf: zipfile.ZipFile, report: _Report) -> dict[str, zipfile.ZipInfo]:
    """Report unsafe or junk entries; return the safe, regular file entries by name."""
    files: dict[str, zipfile.ZipInfo] = {}
    folded_names: dict[str, str] = {}
    junk: dict[str, int] = {}
    for info in zf.infolist():
        name = info.filename
        problem = _entry_name_problem(name)
        if problem:
            report.add(name, problem)
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            report.add(name, "is a symbolic link; LMSs refuse or mis-extract them")
            continue
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            report.add(name, "is encrypted; an LMS cannot extract it")
            continue
        first = name.split("/", 1)[0]
        base = name.rsplit("/", 1)[-1]
        if first == "__MACOSX" or base == ".DS_Store" or base == "Thumbs.db":
            key = "__MACOSX/" if first == "__MACOSX" else base
            junk[key] = junk.get(key, 0) + 1
            continue
        if name in files:
            report.add(name, "appears more than once in the zip; which copy an LMS extracts is undefined")
            continue
        folded = zip_limits.fold(name)
        if folded in folded_names:
            other = folded_names[folded]
            shown = repr(other) if name.isascii() and other.isascii() else f"{other!a} ({name!a} here)"
            report.add(name, f"differs from {shown} only in letter case or Unicode form; "
                       "on Windows and macOS one overwrites the other when extracted (rename one)")
            continue
        folded_names[folded] = name
        files[name] = info
    for key, count in sorted(junk.items()):
        report.add(key, f"operating-system clutter ({count} entr{'y' if count == 1 else 'ies'}); remove it")
    return files


def _entry_name_problem(name: str) -> str | None:
    """Why an entry name could write outside the extraction folder (zip-slip), if it could."""
    if "\\" in name:
        return "entry name contains a backslash; on Windows it is a folder separator (use '/')"
    if name.startswith("/") or _DRIVE.match(name):
        return "entry name is an absolute path; extracting it would write outside the package (zip-slip)"
    if ".." in name.split("/"):
        return "entry name contains '..'; extracting it would write outside the package (zip-slip)"
    if "\x00" in name:
        return "entry name contains a NUL character"
    return None


def _is_control_file(name: str) -> bool:
    """Schema/DTD files at the root are control files that no resource lists."""
    return "/" not in name and name.lower().endswith(CONTROL_SUFFIXES)


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """Read at most ``cap`` bytes after decompression; None if the entry is bigger (zip bombs)."""
    with zf.open(info) as fh:  # never more than the central directory declares, nor than the cap
        data = fh.read(min(cap, info.file_size) + 1)
    return None if len(data) > cap else data


# --- manifest --------------------------------------------------------------------------------


def _read_manifest(
    zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], report: _Report
) -> etree._ElementTree | None:
    """Find, read and safely parse the root manifest; report why not when it cannot be used."""
    info = files.get(MANIFEST)
    if info is None:
        others = sorted(n for n in files if n.rsplit("/", 1)[-1].lower() == MANIFEST)
        at_root = [n for n in others if "/" not in n]
        if at_root:
            report.add(at_root[0], f'the manifest must be named exactly "{MANIFEST}" (lower case)')
        elif others:
            report.add(
                others[0],
                f"{MANIFEST} found in a subfolder, not at the zip root; zip the folder's contents, "
                "not the folder (Moodle: badimsmanifestlocation)",
            )
        else:
            report.add(MANIFEST, "missing at the zip root; this is not a SCORM package")
        return None
    try:
        data = _read_capped(zf, info, MAX_MANIFEST_BYTES)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        report.add(MANIFEST, f"cannot be read from the zip ({exc})")
        return None
    if data is None:
        report.add(MANIFEST, f"larger than {MAX_MANIFEST_BYTES} bytes; refusing to read it")
        return None
    try:
        return parse_untrusted(data, max_bytes=MAX_MANIFEST_BYTES)
    except XmlRejectedError as exc:
        report.add(MANIFEST, exc.message, exc.line)
        return None


def _short(message: str) -> str:
    """Shorten libxml2's {namespace}name notation to the prefixes people write."""
    for long, short in _NS_SHORT.items():
        message = message.replace(long, short)
    return message


def _check_manifest(tree: etree._ElementTree, files: dict[str, zipfile.ZipInfo], report: _Report) -> set[str]:
    """Check the manifest's content; return the package paths its resources reference."""
    root = tree.getroot()
    if validate_scorm2004.is_scorm2004(root):
        return validate_scorm2004.check_manifest(tree, files, report)
    if root.tag == f"{{{_NS_2004_CP}}}manifest":
        report.add(
            MANIFEST,
            f"uses the SCORM 2004 namespace {_NS_2004_CP}; a SCORM 1.2 manifest needs {NS_IMSCP}",
            root.sourceline,
        )
    elif root.tag != f"{_CP}manifest":
        qn = etree.QName(root)
        report.add(
            MANIFEST,
            f"root element is <{qn.localname}> in namespace {qn.namespace or '(none)'}, not <manifest> in {NS_IMSCP}",
            root.sourceline,
        )
        return set()

    for err in validate_scorm12(tree):
        report.add(MANIFEST, f"schema: {_short(err.message)}", err.line)

    cp = f"{{{etree.QName(root).namespace}}}"  # 2004 manifests still get the checks below
    _check_metadata(root, cp, report)
    _check_schema_location(root, files, report)
    return _check_structure(root, cp, files, report)


def _check_metadata(root: etree._Element, cp: str, report: _Report) -> None:
    """``schemaversion`` picks the runtime API in Moodle, so it must say exactly 1.2."""
    metadata = root.find(f"{cp}metadata")
    if metadata is None:
        report.add(
            MANIFEST,
            "no <metadata> with <schema>ADL SCORM</schema> and <schemaversion>1.2",
            root.sourceline,
        )
        return
    schema = metadata.find(f"{cp}schema")
    version = metadata.find(f"{cp}schemaversion")
    if schema is None or (schema.text or "").strip() != "ADL SCORM":
        line = schema.sourceline if schema is not None else metadata.sourceline
        found = "missing" if schema is None else repr(schema.text or "")
        report.add(MANIFEST, f"metadata <schema> is {found}; it must be 'ADL SCORM'", line)
    if version is None:
        report.add(MANIFEST, "metadata <schemaversion> is missing; it must be 1.2", metadata.sourceline)
    elif (version.text or "").strip() != "1.2":
        report.add(
            MANIFEST,
            f"schemaversion is {version.text or ''!r}; a SCORM 1.2 package must say 1.2",
            version.sourceline,
        )


def _check_schema_location(root: etree._Element, files: dict[str, zipfile.ZipInfo], report: _Report) -> None:
    """Every schema named in xsi:schemaLocation must be shipped (ADL conformance requires it)."""
    value = root.get(f"{{{NS_XSI}}}schemaLocation")
    if value is None:
        return
    tokens = value.split()
    if len(tokens) % 2:
        report.add(MANIFEST, "xsi:schemaLocation must hold namespace/location pairs", root.sourceline)
    needed = {loc for loc in tokens[1::2] if not _SCHEME.match(loc)}
    if needed & set(SCORM12_FILES.values()):
        needed.add(SCORM12_FILES[NS_XML])  # imported by imscp and imsmd
    for loc in sorted(needed):
        if loc not in files:
            report.add(MANIFEST, f"xsi:schemaLocation names {loc}, which is not in the package", root.sourceline)


@dataclass(frozen=True)
class _Resource:
    identifier: str
    href: str | None
    line: int


def _check_structure(root: etree._Element, cp: str, files: dict[str, zipfile.ZipInfo], report: _Report, *,
                     scormtype: Callable[[etree._Element, str, _Report], str | None] | None = None) -> set[str]:
    """Resources, their SCORM type, identifierrefs and every href; return referenced paths."""
    check_scormtype = scormtype or _check_scormtype
    referenced: set[str] = set()
    resources: dict[str, _Resource] = {}
    manifest_base = root.get(_XML_BASE, "")
    res_parent = root.find(f"{cp}resources")
    res_base = res_parent.get(_XML_BASE, "") if res_parent is not None else ""

    for res in root.iter(f"{cp}resource"):
        rid = res.get("identifier", "")
        line = res.sourceline or 0
        label = f"resource {rid!r}"
        kind = check_scormtype(res, label, report)
        if (res.get("type") or "") != "webcontent":
            report.add(MANIFEST, f"{label} has type={res.get('type')!r}; it must be 'webcontent'", line)
        base = _join_base(manifest_base, res_base, res.get(_XML_BASE, ""))
        if base and (bad := _href_problem(base)):
            report.add(MANIFEST, f"{label} xml:base {base!r} {bad}", line)
        href = res.get("href")
        if kind == "sco" and not href:
            report.add(MANIFEST, f"{label} is a SCO without an href; there is nothing to launch", line)
        if href is not None:
            path = _check_href(href, base, f"{label} href", line, files, report, launch=True)
            if path:
                referenced.add(path)
        for file_el in res.iter(f"{cp}file"):
            fhref = file_el.get("href")
            if fhref is None:
                continue  # the schema reports the missing attribute
            path = _check_href(fhref, base, f"<file href={fhref!r}>", file_el.sourceline, files, report)
            if path:
                referenced.add(path)
        if rid:
            resources[rid] = _Resource(rid, href, line)

    for dep in root.iter(f"{cp}dependency"):
        ref = dep.get("identifierref", "")
        if ref not in resources:
            report.add(MANIFEST, f"dependency identifierref={ref!r} matches no resource", dep.sourceline)

    for item in root.iter(f"{cp}item"):
        _check_item(item, cp, resources, report)
    return referenced


def _check_scormtype(res: etree._Element, label: str, report: _Report) -> str | None:
    """Moodle reads ``ADLCP:SCORMTYPE`` literally: lower-case 1.2 name, prefix exactly adlcp."""
    line = res.sourceline
    value = res.get(_ADLCP_SCORMTYPE)
    if value is not None:
        if res.nsmap.get("adlcp") != NS_ADLCP:
            prefixes = sorted(p for p, ns in res.nsmap.items() if ns == NS_ADLCP and p)
            shown = f"'{prefixes[0]}'" if prefixes else "another prefix"
            report.add(
                MANIFEST,
                f"{label}: the adlcp namespace is bound to {shown}; Moodle matches the literal "
                "prefix 'adlcp:scormtype' and will treat this resource as an asset",
                line,
            )
        return value
    for name in res.attrib:
        local = etree.QName(name).localname
        if local.lower() != "scormtype":
            continue
        if local != "scormtype":
            report.add(
                MANIFEST,
                f"{label} uses {local!r} (SCORM 2004 spelling); SCORM 1.2 needs lower-case adlcp:scormtype",
                line,
            )
        else:
            ns = etree.QName(name).namespace
            report.add(
                MANIFEST,
                f"{label} has scormtype in namespace {ns or '(none)'}; it must be adlcp:scormtype in {NS_ADLCP}",
                line,
            )
        return res.get(name)
    report.add(
        MANIFEST,
        f"{label} has no adlcp:scormtype; Moodle treats it as an asset that never gets the SCORM API",
        line,
    )
    return None


def _check_item(item: etree._Element, cp: str, resources: dict[str, _Resource], report: _Report) -> None:
    """An item must launch something: its identifierref must name a resource with an href."""
    ref = item.get("identifierref")
    iid = item.get("identifier", "")
    line = item.sourceline
    if ref is None:
        if item.find(f"{cp}item") is None:
            report.add(MANIFEST, f"item {iid!r} has no identifierref and no child items; it launches nothing", line)
        return
    target = resources.get(ref)
    if target is None:
        report.add(MANIFEST, f"item {iid!r} identifierref={ref!r} matches no resource", line)
    elif not target.href:
        report.add(MANIFEST, f"item {iid!r} points at resource {ref!r}, which has no href to launch", line)


def _join_base(*bases: str) -> str:
    """Combine nested xml:base values (each relative to the one above it)."""
    out = ""
    for b in bases:
        if not b:
            continue
        out = b if _SCHEME.match(b) or b.startswith("/") else posixpath.join(out, b)
    return out


def _href_problem(href: str) -> str | None:
    """Why an href cannot point at a file inside the package, if it cannot."""
    if "\\" in href:
        return "contains a backslash; URLs use '/'"
    if _DRIVE.match(href):
        return "is a Windows drive path; use a path relative to the package root"
    if href.startswith("//"):
        return "is a protocol-relative external URL; every file must be inside the package"
    if _SCHEME.match(href):
        return "is an absolute/external URL; every file must be inside the package, referred to relatively"
    if href.startswith("/"):
        return "starts with '/'; use a path relative to the package root"
    return None


def _check_href(
    href: str,
    base: str,
    label: str,
    line: int | None,
    files: dict[str, zipfile.ZipInfo],
    report: _Report,
    *,
    launch: bool = False,
    source: str = MANIFEST,
) -> str | None:
    """Check one href found in ``source``; return the package path it names when that file exists."""
    problem = _href_problem(href)
    if problem:
        report.add(source, f"{label} {problem}", line)
        return None
    if " " in href:
        report.add(source, f"{label} contains an unencoded space; write it as %20", line)
    raw = href
    if launch:  # a launch URL may carry a query or fragment; files may not
        raw = raw.split("#", 1)[0].split("?", 1)[0]
    joined = posixpath.join(base, urllib.parse.unquote(raw)) if base else urllib.parse.unquote(raw)
    path = posixpath.normpath(joined)
    if path.startswith("../") or path == ".." or PurePosixPath(path).is_absolute():
        report.add(source, f"{label} points outside the package", line)
        return None
    if path in files:
        return path
    same_case = [n for n in files if n.lower() == path.lower()]
    hint = f" (the zip has {same_case[0]!r}: names are case-sensitive on the LMS server)" if same_case else ""
    report.add(source, f"{label}: file {path!r} is not in the package{hint}", line)
    return None


# --- remote loads ----------------------------------------------------------------------------


def _check_remote_loads(zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], report: _Report) -> None:
    """Every HTML, CSS and JS file: nothing may be loaded from outside the package (``remote_loads``)."""
    for name in sorted(n for n in files if remote_loads.is_scanned(n)):
        try:
            data = _read_capped(zf, files[name], zip_limits.MAX_SCANNED_BYTES)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as exc:
            report.add(name, f"cannot be read from the zip ({exc})")
            continue
        if data is None:
            report.add(name, f"larger than {zip_limits.MAX_SCANNED_BYTES} bytes; too large to check for remote "
                       "loads, so it is refused")
            continue
        for found in remote_loads.scan(name, data):
            report.add(found.path, found.problem, found.line)


# --- captions --------------------------------------------------------------------------------


def _check_captions(zf: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], report: _Report) -> None:
    """Every WebVTT file must parse: a broken one silently shows no captions in the browser."""
    for name in sorted(n for n in files if n.lower().endswith(".vtt")):
        try:
            data = _read_capped(zf, files[name], MAX_CAPTION_BYTES)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
            report.add(name, f"cannot be read from the zip ({exc})")
            continue
        if data is None:
            report.add(name, f"larger than {MAX_CAPTION_BYTES} bytes; not a plausible caption file")
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            report.add(name, f"WebVTT must be UTF-8 ({exc.reason} at byte {exc.start})")
            continue
        _check_vtt(name, text, report)


def _check_vtt(name: str, text: str, report: _Report) -> None:
    """Header check here; the cue grammar is the transcript module's job when it is available."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        report.add(name, "does not start with the 'WEBVTT' header line; browsers ignore the file", 1)
        return
    try:
        from scorm_builder.transcript import parse_transcript
    except ImportError:
        _check_vtt_timings(name, text.splitlines(), report)
        return
    from scorm_builder.errors import SourceError

    try:
        parse_transcript(text, Path(name))
    except SourceError as exc:
        report.add(name, exc.message + (f" ({exc.hint})" if exc.hint else ""), exc.location.line or None)
    except Exception as exc:  # the validator reports on foreign files; a parser crash is a finding
        report.add(name, f"caption parser failed: {type(exc).__name__}: {exc}")


def _check_vtt_timings(name: str, lines: Iterable[str], report: _Report) -> None:
    """Fallback: every cue timing line must be ``start --> end`` with end after start."""
    for number, line in enumerate(lines, start=1):
        if "-->" not in line:
            continue
        match = _VTT_TIMING.match(line.strip())
        if not match:
            report.add(name, f"malformed cue timing {line.strip()!r} (want 00:00:01.000 --> 00:00:02.500)", number)
        elif _seconds(match.group(2)) <= _seconds(match.group(1)):
            report.add(name, "cue ends before it starts", number)


def _seconds(stamp: str) -> float:
    parts = stamp.split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total
