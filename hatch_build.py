"""Wheel build hook: compile the caption search (scorm_builder/segment.py) with mypyc when possible.

A standard wheel gets the compiled extension beside the Python module (and a platform tag); an
editable install gets it written into the checkout (ignored by git). When mypy, setuptools or a C
compiler is missing the build says so and the package stays pure Python, which runs the same
captions about half as fast (scorm_builder/native.py chooses at import). SCORM_BUILDER_PURE_PYTHON=1
skips the compile.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class NativeSegmentHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"
    _tmp: str | None = None      # where a standard wheel's compiled files wait to be packed

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("SCORM_BUILDER_PURE_PYTHON", "").strip() not in ("", "0"):
            return
        spec = importlib.util.spec_from_file_location("build_native", Path(self.root) / "scripts" / "build_native.py")
        assert spec is not None and spec.loader is not None
        native = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(native)
        editable = version == "editable"
        self._tmp = None if editable else tempfile.mkdtemp(prefix="scorm-builder-wheel-")
        dest = Path(self.root) / "scorm_builder" if editable else Path(self._tmp or "")
        try:
            files = native.build(dest)
        except native.NativeBuildError as error:
            self.app.display_warning(f"scorm-builder: caption search not compiled, pure Python is used ({error})")
            return
        self.app.display_info(f"scorm-builder: caption search compiled with mypyc ({len(files)} files)")
        if not editable:
            for path in files:
                build_data["force_include"][str(path)] = f"scorm_builder/{path.name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
