"""One module per package target, behind the small ``Target`` interface in ``base``.

``TARGETS`` imports a target's module only when that target is asked for: a build for one target
does not pay for loading the manifests and schemas of the other four.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from scorm_builder.targets.base import Target

_MODULES = {                      # name -> (module under scorm_builder.targets, class)
    "web": ("web", "WebTarget"),
    "scorm12": ("scorm12", "Scorm12Target"),
    "scorm2004": ("scorm2004", "Scorm2004Target"),
    "xapi": ("xapi", "XapiTarget"),
    "cmi5": ("cmi5", "Cmi5Target"),
}


class _Registry(Mapping[str, type[Target]]):
    """Target classes by name, each module imported on first use."""

    def __getitem__(self, name: str) -> type[Target]:
        module, cls = _MODULES[name]
        target: type[Target] = getattr(import_module(f"{__name__}.{module}"), cls)
        return target

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


TARGETS: Mapping[str, type[Target]] = _Registry()

__all__ = ["TARGETS", "Target"]
