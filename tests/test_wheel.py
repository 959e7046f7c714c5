"""The built wheel carries the templates, schema files and runtime, and builds a course installed."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT, copy_example
from tests.test_native import CAN_COMPILE


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    (found,) = out.glob("scorm_builder-*.whl")
    return found


def test_wheel_contains_theme_schemas_and_runtime(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("scorm_builder/templates/step.html", "scorm_builder/templates/assets/step.js",
                     "scorm_builder/runtime/scorm12.js", "scorm_builder/schemas/scorm12/imscp_rootv1p1p2.xsd",
                     "scorm_builder/schemas/scorm12/adlcp_rootv1p2.xsd", "scorm_builder/py.typed",
                     "scorm_builder/schemas/cmi5/CourseStructure.xsd",
                     "scorm_builder/runtime/scorm2004.js", "scorm_builder/schemas/scorm2004/imscp_v1p1.xsd",
                     "scorm_builder/schemas/scorm2004/XMLSchema.dtd",
                     "scorm_builder/preview/__init__.py", "scorm_builder/preview/lms.js",
                     "scorm_builder/preview/simulator.html", "scorm_builder/preview/simulator.js",
                     "scorm_builder/preview/simulator.css", "scorm_builder/preview/lrs.py",
                     "scorm_builder/preview/ralph_app.py", "scorm_builder/preview/README.md",
                     "scorm_builder/i18n/locale/messages.pot", "scorm_builder/i18n/locale/en/LC_MESSAGES/messages.mo",
                     "scorm_builder/i18n/locale/ar/LC_MESSAGES/messages.mo",
                     "scorm_builder/i18n/locale/fr/LC_MESSAGES/messages.mo"):
        assert required in names, required


def test_wheel_carries_the_compiled_caption_search(wheel: Path) -> None:
    """With a C compiler and mypy (as in CI) the wheel holds segment.py compiled, and a platform tag."""
    names = zipfile.ZipFile(wheel).namelist()
    compiled = [n for n in names if n.startswith("scorm_builder/_segment_native")]
    assert "scorm_builder/segment.py" in names            # the Python search stays: the compiled one checks it
    if not CAN_COMPILE:
        pytest.skip("no C compiler or mypyc here: the wheel is pure Python")
    assert any(n.endswith((".so", ".pyd")) for n in compiled), names
    assert "-none-any" not in wheel.name


@pytest.mark.parametrize(("variable", "value"), [("SCORM_BUILDER_PURE_PYTHON", "1"),   # asked for
                                                   ("CC", "/bin/false")])                # no working compiler
def test_a_pure_python_wheel_without_compiling(tmp_path: Path, variable: str, value: str) -> None:
    env = {**os.environ, variable: value}
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
                          check=True, capture_output=True, text=True, timeout=600, env=env)
    if variable == "CC":
        assert "caption search not compiled, pure Python is used" in done.stdout + done.stderr
    (found,) = tmp_path.glob("scorm_builder-*.whl")
    assert found.name.endswith("-py3-none-any.whl")
    assert not [n for n in zipfile.ZipFile(found).namelist() if n.endswith((".so", ".pyd"))]


def test_installed_wheel_builds_a_course(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # A fresh environment with the wheel's own declared dependencies: a dependency missing from
    # pyproject.toml fails here instead of being borrowed from the test environment.
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=600)
    course = copy_example(tmp_path)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run([str(python), "-I", "-m", "scorm_builder", "build", str(course), "--out", "dist"],
                            cwd=workdir, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    located = subprocess.run([str(python), "-I", "-c", "import scorm_builder; print(scorm_builder.__file__)"],
                             cwd=workdir, capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in located, "the installed wheel, not the checkout, must be imported"
    assets = subprocess.run([str(python), "-I", "-c", "from scorm_builder.preview.session import asset; "
                             "print(*(len(asset(n)) for n in ('lms.js', 'simulator.html', 'simulator.js', "
                             "'simulator.css')))"], cwd=workdir, capture_output=True, text=True, check=True).stdout
    assert all(int(n) > 500 for n in assets.split()), "the preview's page and LMS runtime are installed"
    status = subprocess.run([str(python), "-I", "-c", "from scorm_builder import native; print(native.STATUS)"],
                            cwd=workdir, capture_output=True, text=True, check=True).stdout.strip()
    assert status == ("compiled with mypyc" if CAN_COMPILE else "Python (no compiled copy was installed)"), status
    for target in ("web", "scorm12", "scorm2004"):
        package = zipfile.ZipFile(workdir / "dist" / f"kind-handovers-{target}.zip")
        names = package.namelist()
        if target == "web":      # the installed theme's step.js, inside the page (scorm_builder/inline.py)
            assert b"media.preload" in package.read("index.html") and "assets/step.js" not in names
        else:
            assert "assets/step.js" in names and "index.html" in names
