"""One module per package target, behind the small ``Target`` interface in ``base``."""

from __future__ import annotations

from scorm_builder.targets.base import Target
from scorm_builder.targets.cmi5 import Cmi5Target
from scorm_builder.targets.scorm12 import Scorm12Target
from scorm_builder.targets.scorm2004 import Scorm2004Target
from scorm_builder.targets.web import WebTarget
from scorm_builder.targets.xapi import XapiTarget

TARGETS: dict[str, type[Target]] = {
    "web": WebTarget,
    "scorm12": Scorm12Target,
    "scorm2004": Scorm2004Target,
    "xapi": XapiTarget,
    "cmi5": Cmi5Target,
}

__all__ = ["TARGETS", "Target"]
