"""A build's outcome as plain data, for ``build --json`` and CI pipelines that read it.

Kept apart from the CLI so the shape is one function that tests can check against the zips.
"""

from __future__ import annotations

import zipfile
from dataclasses import asdict
from typing import Any

from scorm_builder.build import CourseBuild
from scorm_builder.errors import Diagnostic, PackageInvalid, ScormBuilderError, SourceError, SourceErrors


def diagnostic(warning: Diagnostic) -> dict[str, Any]:
    """A warning as ``{file, line, col, message}`` (line and col 0 when unknown)."""
    where = warning.location
    return {"file": str(where.path), "line": where.line, "col": where.col, "message": warning.message}


def course_report(outcome: CourseBuild) -> dict[str, Any]:
    """Packages (path, size, entries), warnings and caption figures of one course."""
    packages = []
    for result in outcome.results:
        with zipfile.ZipFile(result.path) as archive:
            entries = archive.namelist()
        packages.append({"target": result.target, "path": str(result.path), "size": result.size,
                         "entry_count": len(entries), "entries": entries,
                         "seconds": round(result.seconds, 3)})
    return {
        "course": outcome.course_id,
        "packages": packages,
        "warnings": [diagnostic(w) for w in outcome.warnings],
        "captions": {step: asdict(stats) for step, stats in outcome.captions.items()},
    }


def error_report(error: ScormBuilderError) -> list[dict[str, Any]]:
    """The problems that stopped a build, shaped like warnings where they name a file."""
    if isinstance(error, SourceErrors):
        return [_source_error(e) for e in error.errors]
    if isinstance(error, SourceError):
        return [_source_error(error)]
    if isinstance(error, PackageInvalid):
        return [{"file": None, "line": 0, "col": 0, "message": p} for p in error.problems]
    return [{"file": None, "line": 0, "col": 0, "message": str(error)}]


def _source_error(error: SourceError) -> dict[str, Any]:
    where = error.location
    return {"file": str(where.path), "line": where.line, "col": where.col, "message": error.message,
            "hint": error.hint}
