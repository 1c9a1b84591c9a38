"""Data files pubconv needs at run time: the JSON schemas of ``schemas/``.

The schemas live in the top-level ``schemas/`` directory of the source tree.
An installed pubconv finds them as the data package ``pubconv.schemas`` (the
build maps ``schemas/`` there); an editable install or a source checkout finds
them next to the package. :func:`load_schema` tries both, in that order.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["load_schema", "schema_names"]

_SOURCE_DIR = Path(__file__).resolve().parent.parent / "schemas"


def _read_text(name: str) -> str:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"not a schema file name: {name!r}")
    try:
        packaged = resources.files("pubconv").joinpath("schemas").joinpath(name)
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    path = _SOURCE_DIR / name
    if path.is_file():
        return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"schema {name!r} not found (looked in pubconv/schemas and {path})")


@functools.cache
def _load(name: str) -> str:
    return _read_text(name)


def load_schema(name: str) -> dict[str, Any]:
    """The JSON schema ``schemas/<name>`` (``"cff-1.2.0.schema.json"``) as a fresh dict.

    Raises :class:`FileNotFoundError` when the file is not there and
    :class:`ValueError` for a name that is not a plain file name.
    """
    data = json.loads(_load(name))
    if not isinstance(data, dict):
        raise ValueError(f"schema {name!r} is not a JSON object")
    return data


def schema_names() -> list[str]:
    """The schema files available, sorted."""
    found: set[str] = set()
    try:
        packaged = resources.files("pubconv").joinpath("schemas")
        if packaged.is_dir():
            found.update(p.name for p in packaged.iterdir() if p.name.endswith(".json"))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    if _SOURCE_DIR.is_dir():
        found.update(p.name for p in _SOURCE_DIR.iterdir() if p.name.endswith(".json"))
    return sorted(found)
