"""Reading the project's YAML files (rules, catalogue): safe, strict, and errors that name file:line.

PyYAML keeps the last of two equal keys without a word, so a catalogue that lists a document
twice, or a rule with two `trigger:` keys, would silently lose one. Here a repeated key is an
error naming both lines.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from kg.errors import KGError


class _StrictLoader(yaml.SafeLoader):
    pass


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    first: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            if key in first:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice (first on line {first[key] + 1})", key_node.start_mark)
            first[key] = key_node.start_mark.line
        except TypeError:  # an unhashable key: construct_mapping reports it
            break
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_yaml(path: Path, error: type[KGError], fix: str, missing: str | None = None):
    """The data of the YAML file at `path`; any problem raises `error` as one line with file:line and `fix`."""
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - a SafeLoader
    except FileNotFoundError:
        raise error(f"{path}: {missing or 'file missing'}") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 (byte {exc.start}); re-encode it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise error(f"{path}{where}: invalid YAML ({getattr(exc, 'problem', None) or exc}); {fix}") from None
