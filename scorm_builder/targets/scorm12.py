"""SCORM 1.2: one SCO per step, ``imsmanifest.xml`` plus the official control files at the root.

Moodle plays SCORM 1.2 best. The reflection limit is what fits in ``cmi.suspend_data``
(4,096 characters in the spec) next to the runtime's small header.
"""

from __future__ import annotations

from scorm_builder.targets.scorm import ScormTarget
from scorm_builder.targets.scorm12_manifest import build_manifest, control_files


class Scorm12Target(ScormTarget):
    """SCORM 1.2 package for Moodle and other LMSs."""

    name = "scorm12"
    runtime = "scorm12.js"
    max_reflection = 4000
    build_manifest = staticmethod(build_manifest)
    control_files = staticmethod(control_files)
