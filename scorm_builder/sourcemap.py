"""YAML loading that remembers where every value came from.

pydantic reports errors by key path (``steps.0``); users need ``file:line:col``. We compose
the YAML node tree, build plain Python values from it, and keep a map from key path to the
node's position so any validation error can point back at the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scorm_builder.errors import Location, SourceError
from scorm_builder.source_limits import MAX_YAML_BYTES, check_yaml_events, read_capped

KeyPath = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Positions of every key and value of one YAML file."""

    path: Path
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, key_path: KeyPath) -> Location:
        """Best position for a key path: the deepest known prefix (the file start if none)."""
        probe = tuple(key_path)
        while probe:
            if probe in self.positions:
                line, col = self.positions[probe]
                return Location(self.path, line, col)
            probe = probe[:-1]
        line, col = self.positions.get((), (1, 1))
        return Location(self.path, line, col)


def load_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Parse a YAML file into plain values plus a SourceMap; syntax errors name the line."""
    try:
        text = read_capped(path, MAX_YAML_BYTES, "a YAML file").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(Location(path), "is not UTF-8 text", "save the file as UTF-8") from exc
    check_yaml_events(text, path)  # no aliases, bounded depth: before any node is built
    try:
        loader = yaml.SafeLoader(text)  # refuses a control character YAML does not allow, at once
    except yaml.reader.ReaderError as exc:
        raise _reader_error(path, text, exc) from exc
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        raise SourceError(where, f"YAML syntax error: {exc.problem or exc.context}",
                          "check indentation, colons and quotes") from exc
    except yaml.reader.ReaderError as exc:
        raise _reader_error(path, text, exc) from exc
    finally:
        loader.dispose()
    smap = SourceMap(path)
    if node is None:
        smap.positions[()] = (1, 1)
        return None, smap
    try:
        return _build(node, (), smap, yaml.SafeLoader("")), smap
    except yaml.MarkedYAMLError as exc:  # e.g. a lone '=' is YAML's "value" tag, which safe loading refuses
        mark = exc.problem_mark or exc.context_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
        raise SourceError(where, f"YAML value not allowed: {exc.problem or exc.context}",
                          "put text in quotes, e.g. key: \"=\"") from exc


def _reader_error(path: Path, text: str, exc: yaml.reader.ReaderError) -> SourceError:
    line = text.count("\n", 0, exc.position) + 1
    col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    return SourceError(Location(path, line, col), f"character U+{exc.character:04X} is not allowed in YAML",
                       "remove it (most editors do not show it), or write it as an escape in double quotes")


def _build(node: yaml.Node, key_path: KeyPath, smap: SourceMap, loader: yaml.SafeLoader) -> Any:
    smap.positions.setdefault(key_path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise SourceError(_at(smap.path, key_node), f"key {key!r} must be text")
            if key in result:
                raise SourceError(_at(smap.path, key_node), f"duplicate key '{key}'",
                                  "remove one of the two entries")
            child = (*key_path, key)
            smap.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(value_node, child, smap, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*key_path, i), smap, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _at(path: Path, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)
