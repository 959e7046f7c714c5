"""Exceptions raised by the library; the CLI maps them to exit codes.

Every error that comes from a user's file carries the file and line so that the
message can point at it (``path:line:col: message``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ScormBuilderError(Exception):
    """Base class for every error the library raises on purpose."""


@dataclass(frozen=True)
class Location:
    """Where a value came from in a source file (1-based line and column)."""

    path: Path
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        text = str(self.path)
        if self.line:
            text += f":{self.line}"
            if self.col:
                text += f":{self.col}"
        return text


class SourceError(ScormBuilderError):
    """A problem in a course source file; names the file, line and a fix."""

    def __init__(self, location: Location, message: str, hint: str | None = None) -> None:
        self.location = location
        self.message = message
        self.hint = hint
        text = f"{location}: {message}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class SourceErrors(ScormBuilderError):
    """Several source problems found in one stage, reported together."""

    def __init__(self, errors: list[SourceError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def raise_together(errors: list[SourceError]) -> None:
    """Raise every problem found: one alone as itself, several as ``SourceErrors``; none: return."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise SourceErrors(errors)


class BuildError(ScormBuilderError):
    """The build could not produce a package (not the user's source at fault)."""


class PackageInvalid(ScormBuilderError):
    """A package failed validation; ``problems`` holds one ``path: problem`` line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Diagnostic:
    """A warning tied to a place in the source (the build goes on)."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: warning: {self.message}"
