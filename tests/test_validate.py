"""The package validator: a clean package passes, and each kind of breakage gives one clear line.

Every package here is assembled in the test with zipfile, from a manifest built by the real
manifest builder, then broken in one way.
"""

from __future__ import annotations

import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from scorm_builder.targets.scorm12_manifest import ManifestItem, ManifestSpec, build_manifest, control_files
from scorm_builder.validate import validate_package

Files = dict[str, bytes]

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n\n00:00:02.500 --> 00:00:04.000\nBye.\n"
SPEC = ManifestSpec(
    identifier="kindness-evidence",
    title="Why compassion matters",
    language="en-GB",
    description="One paragraph.",
    items=(
        ManifestItem(
            identifier="evidence",
            title="The evidence",
            href="evidence.html",
            files=("evidence.html", "assets/step.js", "media/evidence/captions.vtt"),
        ),
        ManifestItem(
            identifier="reflect",
            title="Reflect",
            href="reflect.html",
            files=("reflect.html", "assets/step.js"),
        ),
    ),
)


def good_files() -> Files:
    files: Files = {
        "imsmanifest.xml": build_manifest(SPEC),
        "evidence.html": b"<!doctype html><title>E</title>",
        "reflect.html": b"<!doctype html><title>R</title>",
        "assets/step.js": b"// js",
        "media/evidence/captions.vtt": VTT,
    }
    files.update(control_files())
    return files


def manifest_text() -> str:
    return build_manifest(SPEC).decode("utf-8")


def write_zip(path: Path, files: Files) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def check(tmp_path: Path, files: Files) -> list[str]:
    return validate_package(write_zip(tmp_path / "pkg.zip", files))


def with_manifest(edit: Callable[[str], str]) -> Files:
    files = good_files()
    text = manifest_text()
    edited = edit(text)
    assert edited != text, "the edit must change the manifest"
    files["imsmanifest.xml"] = edited.encode("utf-8")
    return files


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of needle in the manifest text."""
    return text[: text.index(needle)].count("\n") + 1


def test_valid_package_has_no_problems(tmp_path: Path) -> None:
    assert check(tmp_path, good_files()) == []


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "pkg.zip"
    path.write_bytes(b"not a zip")
    [problem] = validate_package(path)
    assert problem.startswith(f"{path}: cannot open as a zip file")


def test_manifest_in_a_subfolder(tmp_path: Path) -> None:
    files = {f"course/{name}": data for name, data in good_files().items()}
    assert check(tmp_path, files) == [
        "course/imsmanifest.xml: imsmanifest.xml found in a subfolder, not at the zip root; zip the "
        "folder's contents, not the folder (Moodle: badimsmanifestlocation)"
    ]


def test_manifest_with_wrong_case(tmp_path: Path) -> None:
    files = good_files()
    files["IMSManifest.xml"] = files.pop("imsmanifest.xml")
    assert check(tmp_path, files) == [
        'IMSManifest.xml: the manifest must be named exactly "imsmanifest.xml" (lower case)'
    ]


def test_missing_manifest(tmp_path: Path) -> None:
    files = good_files()
    del files["imsmanifest.xml"]
    assert check(tmp_path, files) == ["imsmanifest.xml: missing at the zip root; this is not a SCORM package"]


def test_malformed_manifest(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace("</organizations>", "</organisations>"))
    [problem] = check(tmp_path, files)
    line = line_of(manifest_text(), "</organizations>")
    assert problem.startswith(f"imsmanifest.xml:{line}: not well-formed XML: Opening and ending tag mismatch")


def test_entity_manifest_is_reported_and_never_expanded(tmp_path: Path) -> None:
    def add_entities(text: str) -> str:
        doctype = (
            '<!DOCTYPE manifest [\n<!ENTITY secret SYSTEM "file:///etc/hostname">\n'
            '<!ENTITY boom "EXPANDED-BOOM">\n]>\n'
        )
        text = text.replace("?>\n", "?>\n" + doctype, 1)
        return text.replace("<title>Reflect</title>", "<title>&boom;&secret;</title>")

    [problem] = check(tmp_path, with_manifest(add_entities))
    assert problem == (
        "imsmanifest.xml:2: DOCTYPE declares entities (boom, secret); entity declarations are not "
        "allowed and were not expanded"
    )
    assert "EXPANDED-BOOM" not in problem


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    levels = ['<!ENTITY l0 "lol">'] + [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 12)]
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE manifest [' + "".join(levels) + "]>\n<manifest>&l11;</manifest>"
    files = good_files()
    files["imsmanifest.xml"] = bomb.encode()
    start = time.perf_counter()
    [problem] = check(tmp_path, files)
    assert time.perf_counter() - start < 2
    assert problem.startswith("imsmanifest.xml:2: DOCTYPE declares entities")
    assert "lollol" not in problem


def test_external_parameter_entity_is_never_loaded(tmp_path: Path) -> None:
    leak = tmp_path / "leak.dtd"
    leak.write_text('<!ENTITY leaked "LEAKED-FROM-DISK">')
    files = with_manifest(
        lambda t: t.replace(
            "?>\n", f'?>\n<!DOCTYPE manifest [<!ENTITY % p SYSTEM "{leak.as_uri()}"> %p;]>\n', 1
        ).replace("<title>Reflect</title>", "<title>&leaked;</title>")
    )
    [problem] = check(tmp_path, files)
    assert problem.startswith("imsmanifest.xml:2: DOCTYPE declares entities")
    assert "LEAKED-FROM-DISK" not in problem


def test_schema_error_reports_libxml2_message_and_line(tmp_path: Path) -> None:
    text = manifest_text()
    files = with_manifest(lambda t: t.replace('isvisible="true"', 'isvisible="maybe"', 1))
    line = line_of(text, 'isvisible="true"')
    problems = check(tmp_path, files)
    assert problems == [
        f"imsmanifest.xml:{line}: schema: Element 'item', attribute 'isvisible': 'maybe' is not a "
        "valid value of the atomic type 'xs:boolean'."
    ]


def test_wrong_schemaversion(tmp_path: Path) -> None:
    line = line_of(manifest_text(), "<schemaversion>")
    files = with_manifest(lambda t: t.replace("<schemaversion>1.2<", "<schemaversion>1.3<"))
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{line}: schemaversion is '1.3'; a SCORM 1.2 package must say 1.2"
    ]


def test_camel_case_scormtype(tmp_path: Path) -> None:
    text = manifest_text()
    line = line_of(text, "adlcp:scormtype")
    files = with_manifest(lambda t: t.replace("adlcp:scormtype", "adlcp:scormType", 1))
    problems = check(tmp_path, files)
    assert (
        f"imsmanifest.xml:{line}: resource 'res-evidence' uses 'scormType' (SCORM 2004 spelling); "
        "SCORM 1.2 needs lower-case adlcp:scormtype"
    ) in problems
    assert any(p.startswith(f"imsmanifest.xml:{line}: schema: ") and "scormType" in p for p in problems)


def test_missing_scormtype(tmp_path: Path) -> None:
    text = manifest_text()
    line = line_of(text, ' adlcp:scormtype="sco"')
    files = with_manifest(lambda t: t.replace(' adlcp:scormtype="sco"', "", 1))
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{line}: resource 'res-evidence' has no adlcp:scormtype; Moodle treats it as an "
        "asset that never gets the SCORM API"
    ]


def test_other_prefix_for_adlcp_namespace(tmp_path: Path) -> None:
    files = with_manifest(
        lambda t: t.replace("xmlns:adlcp=", "xmlns:adl=").replace("adlcp:scormtype", "adl:scormtype")
    )
    problems = check(tmp_path, files)
    assert len(problems) == 2
    assert all("bound to 'adl'; Moodle matches the literal prefix 'adlcp:scormtype'" in p for p in problems)


def test_dangling_identifierref(tmp_path: Path) -> None:
    text = manifest_text()
    line = line_of(text, 'identifierref="res-reflect"')
    files = with_manifest(lambda t: t.replace('identifierref="res-reflect"', 'identifierref="res-gone"'))
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{line}: item 'item-reflect' identifierref='res-gone' matches no resource"
    ]


def test_missing_file(tmp_path: Path) -> None:
    files = good_files()
    del files["assets/step.js"]
    text = manifest_text()
    needle = '<file href="assets/step.js"/>'
    first = line_of(text, needle)
    second = first + line_of(text[text.index(needle) + 1 :], needle) - 1
    missing = "<file href='assets/step.js'>: file 'assets/step.js' is not in the package"
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{first}: {missing}",
        f"imsmanifest.xml:{second}: {missing}",
    ]


def test_missing_file_hints_at_case_mismatch(tmp_path: Path) -> None:
    files = good_files()
    files["Assets/Step.js"] = files.pop("assets/step.js")
    problems = check(tmp_path, files)
    assert "(the zip has 'Assets/Step.js': names are case-sensitive on the LMS server)" in problems[0]


def test_unreferenced_file(tmp_path: Path) -> None:
    files = good_files()
    files["media/evidence/unused.mp4"] = b"x"
    files["extra.dtd"] = b""  # control files at the root are exempt
    assert check(tmp_path, files) == [
        "media/evidence/unused.mp4: in the package but not listed by any resource (add a <file href>)"
    ]


@pytest.mark.parametrize(
    ("href", "issue"),
    [
        ("http://cdn.example.com/x.js", "is an absolute/external URL"),
        ("https://cdn.example.com/x.js", "is an absolute/external URL"),
        ("file:///C:/course/x.js", "is an absolute/external URL"),
        ("//cdn.example.com/x.js", "is a protocol-relative external URL"),
        ("/assets/step.js", "starts with '/'"),
        ("assets\\step.js", "contains a backslash"),
        ("C:/course/assets/step.js", "is a Windows drive path"),
    ],
)
def test_absolute_and_external_urls(tmp_path: Path, href: str, issue: str) -> None:
    text = manifest_text()
    line = line_of(text, '<file href="assets/step.js"/>')
    files = with_manifest(lambda t: t.replace('<file href="assets/step.js"/>', f'<file href="{href}"/>', 1))
    [problem] = check(tmp_path, files)
    assert problem.startswith(f"imsmanifest.xml:{line}: <file href={href!r}> {issue}")


def test_unencoded_space_in_href(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace('"evidence.html"', '"evidence page.html"'))
    files["evidence page.html"] = files.pop("evidence.html")
    problems = check(tmp_path, files)
    assert problems and all("contains an unencoded space; write it as %20" in p for p in problems)


def test_parent_directory_entry_is_zip_slip(tmp_path: Path) -> None:
    files = good_files()
    files["../evil.sh"] = b"rm -rf ~"
    files["/etc/cron.d/evil"] = b"x"
    problems = check(tmp_path, files)
    assert (
        "../evil.sh: entry name contains '..'; extracting it would write outside the package (zip-slip)"
        in (problems)
    )
    assert any(p.startswith("/etc/cron.d/evil: entry name is an absolute path") for p in problems)
    assert len(problems) == 2


def test_macos_clutter(tmp_path: Path) -> None:
    files = good_files()
    files["__MACOSX/._evidence.html"] = b"x"
    files["__MACOSX/assets/._step.js"] = b"x"
    files["assets/.DS_Store"] = b"x"
    assert check(tmp_path, files) == [
        ".DS_Store: operating-system clutter (1 entry); remove it",
        "__MACOSX/: operating-system clutter (2 entries); remove it",
    ]


def test_masteryscore_is_allowed(tmp_path: Path) -> None:
    files = with_manifest(
        lambda t: t.replace(
            "<title>Reflect</title>", "<title>Reflect</title>\n<adlcp:masteryscore>80</adlcp:masteryscore>"
        )
    )
    assert check(tmp_path, files) == []


def test_bad_vtt_header(tmp_path: Path) -> None:
    files = good_files()
    files["media/evidence/captions.vtt"] = b"00:00:00.000 --> 00:00:02.000\nHello\n"
    assert check(tmp_path, files) == [
        "media/evidence/captions.vtt:1: does not start with the 'WEBVTT' header line; "
        "browsers ignore the file"
    ]


def test_bad_vtt_timing_reported_by_transcript_parser(tmp_path: Path) -> None:
    files = good_files()
    files["media/evidence/captions.vtt"] = b"WEBVTT\n\n00:00:xx.000 --> 00:00:02.000\nHello\n"
    [problem] = check(tmp_path, files)
    assert problem.startswith("media/evidence/captions.vtt:3: ")
    assert "00:00:xx.000" in problem


def test_bad_vtt_timing_without_transcript_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "scorm_builder.transcript", None)  # import now raises ImportError
    files = good_files()
    assert check(tmp_path, files) == []
    files["media/evidence/captions.vtt"] = (
        b"WEBVTT\n\n00:00:xx.000 --> 00:00:02.000\nHello\n\n00:00:05.000 --> 00:00:04.000\nBye\n"
    )
    assert check(tmp_path, files) == [
        "media/evidence/captions.vtt:3: malformed cue timing '00:00:xx.000 --> 00:00:02.000' "
        "(want 00:00:01.000 --> 00:00:02.500)",
        "media/evidence/captions.vtt:6: cue ends before it starts",
    ]


def test_vtt_not_utf8(tmp_path: Path) -> None:
    files = good_files()
    files["media/evidence/captions.vtt"] = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nCaf\xe9\n"
    [problem] = check(tmp_path, files)
    assert problem.startswith("media/evidence/captions.vtt: WebVTT must be UTF-8")


def test_schema_location_file_not_shipped(tmp_path: Path) -> None:
    files = good_files()
    del files["imsmd_rootv1p2p1.xsd"]
    assert check(tmp_path, files) == [
        "imsmanifest.xml:2: xsi:schemaLocation names imsmd_rootv1p2p1.xsd, which is not in the package"
    ]


def test_scorm_2004_manifest_is_named(tmp_path: Path) -> None:
    files = with_manifest(
        lambda t: t.replace(
            "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "http://www.imsglobal.org/xsd/imscp_v1p1"
        )
    )
    problems = check(tmp_path, files)
    assert problems[0].startswith("imsmanifest.xml:2: uses the SCORM 2004 namespace")


def test_huge_manifest_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scorm_builder.validate as validate

    monkeypatch.setattr(validate, "MAX_MANIFEST_BYTES", 1000)
    assert check(tmp_path, good_files()) == ["imsmanifest.xml: larger than 1000 bytes; refusing to read it"]


def test_validation_is_fast(tmp_path: Path) -> None:
    files = good_files()
    for n in range(200):
        files[f"media/evidence/extra{n}.bin"] = b"x" * 1000
    path = write_zip(tmp_path / "big.zip", files)
    validate_package(path)  # warm the schema cache
    start = time.perf_counter()
    problems = validate_package(path)
    assert len(problems) == 200
    assert time.perf_counter() - start < 1.0
