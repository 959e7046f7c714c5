"""scorm-builder: accessible, offline e-learning packages from a course step."""

from scorm_builder.errors import BuildError, PackageInvalid, ScormBuilderError, SourceError, SourceErrors

__version__ = "0.1.0"

__all__ = ["BuildError", "PackageInvalid", "ScormBuilderError", "SourceError", "SourceErrors", "__version__"]
