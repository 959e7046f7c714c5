"""The built-in scripts and stylesheets are shipped compacted (scorm_builder/compact.py), and each is
the same program as its source: esbuild (pinned in package.json) minifies both to the same bytes.
A course's own assets are shipped byte for byte."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from scorm_builder.build import build_course
from scorm_builder.compact import compact

ROOT = Path(__file__).resolve().parent.parent
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
SOURCES = sorted([*(ROOT / "templates" / "assets").iterdir(), *(ROOT / "scorm_builder" / "runtime").glob("*.js")])


def minified(data: bytes, name: str) -> bytes:
    """What esbuild makes of a script or stylesheet: comments and layout gone, the program left."""
    loader = "css" if name.endswith(".css") else "js"
    result = subprocess.run([str(ESBUILD), "--minify", f"--loader={loader}", "--log-level=error"], input=data,
                            capture_output=True, timeout=60, check=True)
    return result.stdout


@pytest.mark.parametrize("source", [p for p in SOURCES if p.suffix in (".js", ".css")], ids=lambda p: p.name)
def test_a_compacted_file_is_the_same_program_on_the_same_lines(source: Path) -> None:
    data = source.read_bytes()
    small = compact(source.name, data)
    assert len(small) < len(data), "nothing was taken out"
    assert small.count(b"\n") == data.count(b"\n")            # a browser's line numbers are the source's
    assert minified(small, source.name) == minified(data, source.name)


def test_the_comparison_sees_a_changed_program() -> None:
    source = ROOT / "templates" / "assets" / "step.js"
    data = source.read_bytes()
    changed = data.replace(b"updateCount(true);", b"", 1)
    assert changed != data
    assert minified(changed, "step.js") != minified(data, "step.js")


def test_files_whose_line_edges_may_be_inside_a_string_are_shipped_as_they_are() -> None:
    template = b"var a = `\n  // not a comment\n`;\n"
    continued = b"var b = 'one \\\n  // two';\n"
    assert compact("x.js", template) == template
    assert compact("x.js", continued) == continued
    assert compact("x.css", b"a { background: url(//x) }\n  // kept: not a CSS comment\n") == \
        b"a { background: url(//x) }\n// kept: not a CSS comment\n"
    assert compact("x.txt", b"  // anything\n") == b"  // anything\n"


def test_the_page_weighs_less_and_a_course_asset_is_shipped_byte_for_byte(tmp_path: Path) -> None:
    course = Path(shutil.copytree(ROOT / "course_src" / "kind-handovers", tmp_path / "course"))
    own = b"  // the course's own script, comments and all\n  var x = 1;\n"
    (course / "templates" / "assets").mkdir(parents=True)
    (course / "templates" / "assets" / "extra.js").write_bytes(own)
    path = build_course(course, ["xapi"], tmp_path / "out").results[0].path
    with zipfile.ZipFile(path) as archive:
        assert archive.read("assets/extra.js") == own
        shipped = {name: archive.read(name) for name in archive.namelist()
                   if name.startswith("assets/") and name.endswith((".js", ".css")) and name != "assets/extra.js"}
    sources = {"assets/" + p.name: p.read_bytes() for p in (ROOT / "templates" / "assets").iterdir()}
    runtimes = (ROOT / "scorm_builder" / "runtime").glob("*.js")
    sources.update({"assets/runtime-" + p.name: p.read_bytes() for p in runtimes})
    for name, data in shipped.items():
        assert data == compact(name, sources[name])
    weight = len(gzip.compress(b"".join(shipped.values()), 9, mtime=0))
    assert weight < len(gzip.compress(b"".join(sources[name] for name in shipped), 9, mtime=0))
