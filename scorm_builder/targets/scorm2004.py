"""SCORM 2004 4th Edition: one SCO per step, ``imsmanifest.xml`` plus the official control files.

Where SCORM 1.2 cuts a free-text answer at 255 characters, a 2004 ``long-fill-in`` interaction and
``cmi.comments_from_learner`` each hold 4,000, so the reflection reaches the LMS whole. The
reflection limit is that 4,000 (``cmi.suspend_data`` holds 64,000, far more than the runtime needs).
"""

from __future__ import annotations

from scorm_builder.targets.scorm import ScormTarget
from scorm_builder.targets.scorm2004_manifest import build_manifest, control_files


class Scorm2004Target(ScormTarget):
    """SCORM 2004 4th Edition package for LMSs that prefer it."""

    name = "scorm2004"
    runtime = "scorm2004.js"
    max_reflection = 4000
    build_manifest = staticmethod(build_manifest)
    control_files = staticmethod(control_files)
