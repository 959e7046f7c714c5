"""The README's first command works as written: a fresh virtual environment, no system pip."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from tests.helpers import ROOT

_SKIP = shutil.ignore_patterns(".git", ".venv", "node_modules", "dist", "build", "*.egg-info", "__pycache__",
                               ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", "tests")


def readme_build_command() -> str:
    """The shell block that follows "Build the example course" in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"Build the example course.*?```sh\n(.*?)\n```", text, re.S)
    assert match, "README.md has no build command block"
    return match.group(1).strip()


def test_readme_build_command_needs_no_system_pip() -> None:
    command = readme_build_command()
    assert "\n" not in command, "the README promises one command"
    # pip outside a virtual environment is what PEP 668 refuses on Debian/Ubuntu.
    for pip_call in re.findall(r"\S*python\S*\s+-m\s+pip|\bpip3?\b", command):
        assert ".venv" in pip_call, f"{pip_call!r} installs outside the virtual environment"


def test_readme_build_command_builds_the_example(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=_SKIP)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env["PIP_REQUIRE_VIRTUALENV"] = "1"  # pip refuses any install outside a venv, as PEP 668 does
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "/.venv/" not in p + "/")
    result = subprocess.run(["bash", "-c", readme_build_command()], cwd=checkout, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    built = sorted(p.name for p in (checkout / "dist").glob("*.zip"))
    assert "kind-handovers-web.zip" in built and "kind-handovers-scorm12.zip" in built, built
    assert "index.html" in zipfile.ZipFile(checkout / "dist" / "kind-handovers-web.zip").namelist()
