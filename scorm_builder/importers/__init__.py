"""Importers that turn course material saved from elsewhere into a course source folder."""

from __future__ import annotations

from scorm_builder.importers.futurelearn import ImportResult, import_futurelearn

__all__ = ["ImportResult", "import_futurelearn"]
