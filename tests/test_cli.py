"""The CLI through a real subprocess: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.helpers import EXAMPLE, ROOT, copy_example, step_file


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorm_builder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_build_without_arguments_builds_course_src(tmp_path: Path) -> None:
    (tmp_path / "course_src").mkdir()
    copy_example(tmp_path / "course_src")
    (tmp_path / "course_src" / "course").rename(tmp_path / "course_src" / "kind-handovers")
    result = run("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert built == [f"kind-handovers-{t}.zip" for t in ("cmi5", "scorm12", "scorm2004", "web", "xapi")]


def test_bad_source_exits_1_with_file_line_and_no_traceback(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    path = step_file(course)
    path.write_text(path.read_text().replace("intro:", "intor:"))
    result = run("build", str(course), "--target", "web", "--out", str(tmp_path / "dist"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: {path.resolve()}:2:1: unknown key 'intor' (did you mean 'intro'?)" in result.stderr
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = run("build", str(tmp_path / "nope"), "--target", "moodle")
    assert result.returncode == 2


def test_schema_prints_json_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    schemas = json.loads(result.stdout)
    assert schemas["course.yml"]["additionalProperties"] is False
    assert "reflection" in schemas["step.yml"]["properties"]


def test_validate_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run("build", str(copy_example(tmp_path)), "--target", "scorm12", "--out", str(out)).returncode == 0
    package = out / "kind-handovers-scorm12.zip"
    ok = run("validate", str(package))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            if item.filename != "index.html":
                dst.writestr(item, src.read(item))
    bad = run("validate", str(broken))
    assert bad.returncode == 1
    assert any(line.startswith("imsmanifest.xml:") and "'index.html' is not in the package" in line
               for line in bad.stdout.splitlines()), bad.stdout
    assert run("validate", str(tmp_path / "missing.zip")).returncode == 2


def test_preview_serves_the_web_build_with_ranges(tmp_path: Path) -> None:
    import re
    import urllib.request

    course = copy_example(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "scorm_builder", "preview", str(course), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        while line.startswith("captions for"):
            line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, line
        simulator = urllib.request.urlopen(match.group(0), timeout=10).read().decode()
        assert 'id="sim-package"' in simulator
        page = urllib.request.urlopen(match.group(0) + "pkg/index.html", timeout=10).read().decode()
        assert "Handing over with care" in page
        video = match.group(0) + "pkg/media/handover-conversation/handover-conversation.mp4"
        request = urllib.request.Request(video, headers={"Range": "bytes=100-199"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 206
            assert len(response.read()) == 100
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_strict_turns_caption_warnings_into_failure(tmp_path: Path) -> None:
    course = copy_example(tmp_path)
    transcript = course / "steps" / "handover-conversation" / "transcript.txt"
    lines = transcript.read_text().splitlines()
    # Start the second paragraph 4 s after the first: the first must then be read far too fast.
    stamps = [i for i, line in enumerate(lines) if line.replace(".", "", 1).isdigit()]
    lines[stamps[1]] = str(round(float(lines[stamps[0]]) + 4.0, 1))
    transcript.write_text("\n".join(lines) + "\n")
    relaxed = run("build", str(course), "--target", "web", "--out", str(tmp_path / "a"))
    assert relaxed.returncode == 0
    assert f"{transcript.resolve()}:1: warning: this paragraph runs at" in relaxed.stderr
    strict = run("build", str(course), "--target", "web", "--out", str(tmp_path / "b"), "--strict")
    assert strict.returncode == 1
    assert f"error: {transcript.resolve()}:1: this paragraph runs at" in strict.stderr
    assert not (tmp_path / "b").exists(), "a strict failure writes nothing"


def test_cli_offers_every_registered_target() -> None:
    from scorm_builder.cli import TARGET_NAMES
    from scorm_builder.targets import TARGETS

    assert set(TARGET_NAMES) == set(TARGETS)


def test_validate_names_the_kind_of_package(tmp_path: Path) -> None:
    result = run("build", str(EXAMPLE), "--out", str(tmp_path), "--quiet")
    assert result.returncode == 0, result.stderr
    kinds = {"scorm12": "SCORM 1.2 package", "scorm2004": "SCORM 2004 package", "xapi": "xAPI (TinCan) package",
             "cmi5": "cmi5 course"}
    for target, kind in kinds.items():
        package = tmp_path / f"kind-handovers-{target}.zip"
        checked = run("validate", str(package))
        assert checked.returncode == 0 and checked.stdout.strip() == f"{package}: valid {kind}", checked


END_WITHOUT_TEARDOWN = """import atexit, pathlib, sys
mark = pathlib.Path(sys.argv[1])
atexit.register(lambda: mark.write_text("torn down"))
sys.argv = ["scorm-builder", "build", *sys.argv[2:]]
from scorm_builder.cli import main
main()
"""


def test_the_process_ends_without_tearing_the_interpreter_down(tmp_path: Path) -> None:
    """Issue 12: ``main`` ends with ``os._exit`` once the command is done (freeing every object took
    45-65 ms); what the command printed is flushed first, and the exit status is the command's."""
    mark = tmp_path / "mark"
    for args, status in (([str(EXAMPLE), "--target", "web", "--out", str(tmp_path / "out")], 0),
                         ([str(tmp_path / "missing")], 2)):
        with (tmp_path / "stdout").open("w") as stdout, (tmp_path / "stderr").open("w") as stderr:
            done = subprocess.run([sys.executable, "-c", END_WITHOUT_TEARDOWN, str(mark), *args], cwd=ROOT,
                                  stdout=stdout, stderr=stderr, timeout=300)
        assert done.returncode == status
        assert not mark.exists()                   # the atexit hook never ran
        printed = (tmp_path / "stdout").read_text() + (tmp_path / "stderr").read_text()
        assert ("built " in printed) if status == 0 else ("is not a folder" in printed), printed
    # a control: without main(), the same hook runs at exit
    subprocess.run([sys.executable, "-c", END_WITHOUT_TEARDOWN.replace("main()\n", ""), str(mark)],
                   cwd=ROOT, check=True, timeout=60)
    assert mark.read_text() == "torn down"


def test_version_says_how_captions_are_cut() -> None:
    from scorm_builder import __version__, native

    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"scorm-builder {__version__} (caption search: {native.STATUS})\n"
    forced = subprocess.run([sys.executable, "-m", "scorm_builder", "--version"], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "SCORM_BUILDER_PURE_PYTHON": "1"}, cwd=ROOT, timeout=60)
    assert "caption search: Python (SCORM_BUILDER_PURE_PYTHON is set)" in forced.stdout, forced.stderr
