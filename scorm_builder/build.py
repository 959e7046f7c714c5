"""The build pipeline: load -> plan -> render -> package, one stage after the other."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scorm_builder.captions import CaptionStats, caption_stats
from scorm_builder.checks import reflection_limits
from scorm_builder.errors import Diagnostic, SourceError, SourceErrors
from scorm_builder.loader import load_course
from scorm_builder.package import Content, StagedZip, stage_zip
from scorm_builder.plan import BuildPlan, make_plan
from scorm_builder.render import render_package
from scorm_builder.targets import TARGETS, Target

Progress = Callable[[str], None]
"""Receives one short line per stage of a build, e.g. ``target 2/3: scorm12 (render, zip, check)``."""


@dataclass(frozen=True)
class BuildResult:
    """One package written, with the figures worth reporting."""

    target: str
    path: Path
    size: int
    entries: int
    seconds: float


@dataclass
class CourseBuild:
    """Every package built from one course, and the warnings met on the way."""

    course_id: str
    results: list[BuildResult] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    captions: dict[str, CaptionStats] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """Advice for the person building (e.g. how to get aligned captions); the CLI says each once."""


def package_files(plan: BuildPlan, target: Target) -> dict[str, Content]:
    """Everything that goes into one target's zip, in memory (media as source paths)."""
    rendered = render_package(plan, target.info())
    files: dict[str, Content] = dict(rendered.pages)
    from scorm_builder.compact import compact
    from scorm_builder.theme import builtin_theme_dir, static_assets

    builtin = builtin_theme_dir()
    for name, source in static_assets(plan.loaded.templates_dir).items():   # the theme's own: compacted
        files[name] = compact(name, source.read_bytes()) if source.is_relative_to(builtin) else source
    files.update(plan.course_copies)
    files.update(plan.course_generated)
    for sp in plan.steps:
        files.update(sp.copies)
        files.update(sp.generated)
    files.update(rendered.copies)
    files.update(target.extra_files(plan, files))
    for name in rendered.inlined:                # written into the pages: a file only if one still links it
        if not any(name.encode("utf-8") in page for page in rendered.pages.values()):
            files.pop(name, None)
    return files


def build_course(course_dir: Path, targets: list[str], out_dir: Path, strict: bool = False,
                 progress: Progress | None = None) -> CourseBuild:
    """Build ``course_dir`` for each target into ``out_dir``; nothing is written on error.

    With ``strict``, warnings (such as captions that must run too fast) are errors too.
    ``progress`` hears of each step planned and each target packaged (the CLI shows it on a terminal).
    """
    report = progress or (lambda message: None)
    report(f"loading {course_dir}")
    loaded = load_course(course_dir)
    plan = make_plan(loaded, on_step=lambda i, n, step: report(f"step {i}/{n}: {step} (captions)"))
    warnings = list(plan.warnings)
    for name in targets:
        warnings += reflection_limits(loaded, name, TARGETS[name]().info().max_reflection)
    if strict and warnings:
        raise SourceErrors([SourceError(w.location, w.message, "--strict treats warnings as errors")
                            for w in warnings])
    outcome = CourseBuild(loaded.course.id, warnings=warnings,
                          captions={sp.step.id: caption_stats(sp.cues) for sp in plan.steps if sp.cues},
                          notes=list(plan.notes))
    staged: list[tuple[str, StagedZip, int, float]] = []
    try:
        for number, name in enumerate(targets, start=1):
            report(f"target {number}/{len(targets)}: {name} (render, zip, check)")
            started = time.perf_counter()
            target = TARGETS[name]()
            files = package_files(plan, target)
            zipped = stage_zip(out_dir / target.archive_name(loaded.course.id), files, check=target.check)
            staged.append((name, zipped, len(files), time.perf_counter() - started))
    except BaseException:
        for _, zipped, _, _ in reversed(staged):  # the first one staged made the folder: it goes last
            zipped.discard()
        raise
    for name, zipped, entries, seconds in staged:
        path = zipped.commit()
        outcome.results.append(BuildResult(name, path, path.stat().st_size, entries, seconds))
    return outcome


def find_courses(root: Path) -> list[Path]:
    """Course folders directly under ``root`` (each holds a course.yml), in name order."""
    return sorted(p for p in root.iterdir() if (p / "course.yml").is_file()) if root.is_dir() else []
