"""The real FutureLearn seed page, through the CLI: import, build every target, validate."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scorm_builder.captions import caption_stats, make_cues
from scorm_builder.loader import load_course
from scorm_builder.validate import validate_package
from tests.conftest import SEED

pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed is not beside the checkout")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scorm_builder", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_seed_imports_and_builds_valid_packages(tmp_path: Path) -> None:
    course = tmp_path / "seed-course"
    imported = cli("import", "futurelearn", str(SEED), "--out", str(course), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    built = cli("build", str(course), "--out", str(tmp_path / "dist"), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    # The seed's first and nineteenth paragraphs are spoken faster than 20 characters a second.
    assert built.stderr.count("characters a second (over 20)") == 2
    packages = sorted((tmp_path / "dist").glob("*.zip"))
    assert [p.name.rsplit("-", 1)[1] for p in packages] == ["cmi5.zip", "scorm12.zip", "scorm2004.zip", "web.zip",
                                                            "xapi.zip"]
    for package in packages:  # every LMS package passes the validator (web has no manifest)
        if not package.name.endswith("-web.zip"):
            assert validate_package(package) == [], package.name
    with zipfile.ZipFile(next(p for p in packages if p.name.endswith("-web.zip"))) as web:
        page = web.read("index.html").decode("utf-8")
        assert not [n for n in web.namelist() if n.endswith(".vtt")], "no video imported: no captions file"
        vtt = next(web.read(n).decode() for n in web.namelist() if n.endswith("transcript.txt"))
    assert "The evidence for improved patient and service-user outcomes" in page
    assert "Trzeciak and Mazzarelli" in page and "Trzeciak and Mazzarelli" in vtt
    assert "comments below" not in page
    assert "Unlimited package" not in page


def test_seed_captions_within_limits(tmp_path: Path) -> None:
    course = tmp_path / "seed-course"
    assert cli("import", "futurelearn", str(SEED), "--out", str(course), cwd=tmp_path).returncode == 0
    step = load_course(course).steps[0]
    assert len(step.paragraphs) == 24
    cues, _ = make_cues(step.paragraphs, step.duration)
    stats = caption_stats(cues)
    assert stats.longest_line <= 42
    assert stats.max_lines <= 2
    assert stats.longest <= 7.0
