"""``scorm-builder validate`` on SCORM 2004 packages: one test per broken case, exact messages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from scorm_builder.targets.scorm2004_manifest import ManifestItem, ManifestSpec, build_manifest, control_files
from scorm_builder.validate import validate_package
from tests.conftest import SEED
from tests.helpers import ROOT, copy_example

Files = dict[str, bytes]

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n\n00:00:02.500 --> 00:00:04.000\nBye.\n"
SPEC = ManifestSpec(
    identifier="kindness-evidence",
    title="Why compassion matters",
    language="en-GB",
    description="One paragraph.",
    items=(
        ManifestItem(identifier="evidence", title="The evidence", href="evidence.html",
                     files=("evidence.html", "assets/step.js", "media/evidence/captions.vtt")),
        ManifestItem(identifier="reflect", title="Reflect", href="reflect.html",
                     files=("reflect.html", "assets/step.js")),
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


RES_EVIDENCE = 'identifier="res-evidence"'
RES_REFLECT = 'identifier="res-reflect"'
ITEM_REFLECT = 'identifier="item-reflect"'
FILE_REFLECT = '<file href="reflect.html"'


def line_of(needle: str) -> int:
    text = manifest_text()
    return text[: text.index(needle)].count("\n") + 1


def test_valid_package_has_no_problems(tmp_path: Path) -> None:
    assert check(tmp_path, good_files()) == []


def test_schema_error_reports_libxml2_message_and_line(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace('flow="true"', 'flow="maybe"'))
    problems = check(tmp_path, files)
    assert len(problems) == 1
    assert problems[0].startswith(f"imsmanifest.xml:{line_of('flow=')}: schema: Element 'imsss:controlMode', "
                                  "attribute 'flow': 'maybe' is not a valid value")


def test_wrong_schemaversion(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace("2004 4th Edition", "2004"))
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{line_of('<schemaversion>')}: schemaversion is '2004'; a SCORM 2004 package must say "
        "'2004 4th Edition' (Moodle plays anything it does not know with the SCORM 1.2 API, and the SCO never "
        "finds API_1484_11)"
    ]


def test_third_edition_schemaversion_is_accepted(tmp_path: Path) -> None:
    assert check(tmp_path, with_manifest(lambda t: t.replace("2004 4th Edition", "2004 3rd Edition"))) == []


def test_missing_schemaversion(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace("    <schemaversion>2004 4th Edition</schemaversion>\n", ""))
    (problem,) = check(tmp_path, files)
    assert problem.startswith(f"imsmanifest.xml:{line_of('<metadata>')}: metadata <schemaversion> is missing")


def test_a_12_schemaversion_in_the_2004_namespace_is_a_12_package_error(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace("2004 4th Edition", "1.2"))
    assert check(tmp_path, files)[0].startswith("imsmanifest.xml:2: uses the SCORM 2004 namespace")


def test_lower_case_scormtype(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace("adlcp:scormType", "adlcp:scormtype"))
    problems = check(tmp_path, files)
    line = line_of('identifier="res-evidence"')
    assert f"imsmanifest.xml:{line}: resource 'res-evidence' uses 'scormtype' (SCORM 1.2 spelling); SCORM 2004 " \
           "needs adlcp:scormType" in problems
    assert len(problems) == 2  # one per resource; the schema admits any lax attribute


def test_scormtype_in_the_12_namespace(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace('xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"',
                                              'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"'))
    problems = check(tmp_path, files)
    assert any("uses the SCORM 1.2 adlcp namespace" in p for p in problems), problems


def test_missing_scormtype(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace(' adlcp:scormType="sco"', "", 1))
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{line_of(RES_EVIDENCE)}: resource 'res-evidence' has no adlcp:scormType; "
        "an LMS treats it as an asset that never gets the SCORM API"
    ]


def test_other_prefix_for_adlcp_namespace(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace("xmlns:adlcp=", "xmlns:adl=").replace("adlcp:scormType", "adl:scormType"))
    problems = check(tmp_path, files)
    assert len(problems) == 2
    assert "the adlcp namespace is bound to 'adl'; Moodle matches the literal prefix 'adlcp:scormType'" in problems[0]


def test_dangling_identifierref(tmp_path: Path) -> None:
    files = with_manifest(lambda t: t.replace('identifierref="res-reflect"', 'identifierref="res-nowhere"'))
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{line_of(ITEM_REFLECT)}: item 'item-reflect' "
        "identifierref='res-nowhere' matches no resource"
    ]


def test_missing_file(tmp_path: Path) -> None:
    files = good_files()
    del files["reflect.html"]
    assert check(tmp_path, files) == [
        f"imsmanifest.xml:{line_of(RES_REFLECT)}: resource 'res-reflect' href: "
        "file 'reflect.html' is not in the package",
        f"imsmanifest.xml:{line_of(FILE_REFLECT)}: <file href='reflect.html'>: "
        "file 'reflect.html' is not in the package",
    ]


def test_unlisted_file(tmp_path: Path) -> None:
    files = good_files()
    files["media/stray.mp4"] = b"x"
    assert check(tmp_path, files) == [
        "media/stray.mp4: in the package but not listed by any resource (add a <file href>)"]


@pytest.mark.parametrize("href", ["https://cdn.example.org/step.js", "//cdn.example.org/step.js"])
def test_external_url(tmp_path: Path, href: str) -> None:
    files = with_manifest(lambda t: t.replace('<file href="assets/step.js"/>', f'<file href="{href}"/>', 1))
    problems = check(tmp_path, files)
    assert len(problems) == 1 and "external URL; every file must be inside the package" in problems[0]


def test_zip_slip_entry(tmp_path: Path) -> None:
    files = good_files()
    files["../evil.js"] = b"x"
    assert check(tmp_path, files) == [
        "../evil.js: entry name contains '..'; extracting it would write outside the package (zip-slip)"]


def test_schema_location_include_not_shipped(tmp_path: Path) -> None:
    files = good_files()
    del files["imsss_v1p0util.xsd"]  # included by imsss_v1p0.xsd, which schemaLocation names
    assert check(tmp_path, files) == [
        "imsmanifest.xml:2: xsi:schemaLocation names imsss_v1p0util.xsd, which is not in the package"]


def test_bad_caption_file(tmp_path: Path) -> None:
    files = good_files()
    files["media/evidence/captions.vtt"] = b"00:00:00.000 --> 00:00:01.000\nNo header.\n"
    assert check(tmp_path, files) == [
        "media/evidence/captions.vtt:1: does not start with the 'WEBVTT' header line; browsers ignore the file"]


# ---------------------------------------------------------------- real courses through the CLI


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorm_builder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_example_course_builds_and_validates_for_scorm2004(tmp_path: Path) -> None:
    built = cli("build", str(copy_example(tmp_path)), "--target", "scorm2004", "--out", str(tmp_path / "dist"))
    assert built.returncode == 0, built.stderr
    package = tmp_path / "dist" / "kind-handovers-scorm2004.zip"
    result = cli("validate", str(package))
    assert result.returncode == 0 and result.stdout.strip() == f"{package}: valid SCORM 2004 package", result
    with zipfile.ZipFile(package) as zf:
        assert {n for n in zf.namelist() if "/" not in n and n.endswith((".xsd", ".dtd"))} == set(control_files())
        assert b"runtime-scorm2004.js" in zf.read("index.html")
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(package) as zf, zipfile.ZipFile(broken, "w") as out:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename == "imsmanifest.xml":
                data = data.replace(b"2004 4th Edition", b"CAM 1.3")
            out.writestr(info, data)
    result = cli("validate", str(broken))
    assert result.returncode == 1 and "schemaversion is 'CAM 1.3'" in result.stdout


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is not beside the checkout")
def test_seed_builds_and_validates_for_scorm2004(tmp_path: Path) -> None:
    course = tmp_path / "seed-course"
    assert cli("import", "futurelearn", str(SEED), "--out", str(course), cwd=tmp_path).returncode == 0
    built = cli("build", str(course), "--target", "scorm2004", "--out", str(tmp_path / "dist"), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (package,) = (tmp_path / "dist").glob("*-scorm2004.zip")
    assert validate_package(package) == []
    with zipfile.ZipFile(package) as zf:
        manifest = zf.read("imsmanifest.xml").decode("utf-8")
    assert "<schemaversion>2004 4th Edition</schemaversion>" in manifest
    assert 'adlcp:scormType="sco"' in manifest
