"""The JSON form of the model: :class:`~pubconv.model.Paper` <-> plain dicts.

This is pubconv's own interchange form (described by ``schemas/paper.schema.json``),
used by golden fixtures (``*.paper.json``) and by tools that want the model
without the Python classes. Keys are the dataclass field names; fields at their
default value are omitted; tuples become lists. ``origin`` and ``raw`` are
bookkeeping, not data, and are not serialised.

.. versionadded:: 0.1
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any

from .model import ArxivId, Category, Date, Name, Paper

__all__ = ["field_to_json", "paper_from_dict", "paper_to_dict"]

_SKIP = frozenset({"origin", "raw"})


def _field_kinds() -> dict[str, str]:
    hints = typing.get_type_hints(Paper)
    kinds: dict[str, str] = {}
    for f in dataclasses.fields(Paper):
        if f.name in _SKIP:
            continue
        t = hints[f.name]
        text = str(t)
        if "Name" in text:
            kinds[f.name] = "names"
        elif "Date" in text:
            kinds[f.name] = "date"
        elif "ArxivId" in text:
            kinds[f.name] = "arxiv"
        elif "Category" in text:
            kinds[f.name] = "category"
        elif f.name == "title_nocase":
            kinds[f.name] = "spans"
        elif f.name == "extra":
            kinds[f.name] = "pairs"
        elif t is bool:
            kinds[f.name] = "bool"
        elif "tuple" in text:
            kinds[f.name] = "strings"
        else:
            kinds[f.name] = "str"
    return kinds


_KINDS = _field_kinds()
_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Paper) if f.name in _KINDS}


def _name_to_dict(n: Name) -> dict[str, str]:
    return {f.name: getattr(n, f.name) for f in dataclasses.fields(Name) if getattr(n, f.name) is not None}


def _date_to_dict(d: Date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Date):
        v = getattr(d, f.name)
        if f.name == "end" and v is not None:
            out["end"] = _date_to_dict(v)
        elif v is not None and v is not False:
            out[f.name] = v
    return out


def _date_from_dict(d: Mapping[str, Any]) -> Date:
    end = d.get("end")
    return Date(
        year=d.get("year"),
        month=d.get("month"),
        day=d.get("day"),
        season=d.get("season"),
        circa=bool(d.get("circa", False)),
        end=_date_from_dict(end) if end is not None else None,
        literal=d.get("literal"),
    )


def _to_json(kind: str, value: Any) -> Any:
    if kind == "names":
        return [_name_to_dict(n) for n in value]
    if kind == "date":
        return _date_to_dict(value)
    if kind == "arxiv":
        return {"id": value.id} | ({"version": value.version} if value.version is not None else {})
    if kind == "category":
        return {k: v for k, v in (("code", value.code), ("arxiv_class", value.arxiv_class)) if v}
    if kind in ("spans", "pairs"):
        return [list(p) for p in value]
    if kind == "strings":
        return list(value)
    return value


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    """The JSON-ready dict of ``paper`` (defaults omitted, key order = field order)."""
    out: dict[str, Any] = {}
    for name, kind in _KINDS.items():
        value = getattr(paper, name)
        if value == _DEFAULTS[name] and name != "type":
            continue
        out[name] = _to_json(kind, value)
    return out


def field_to_json(name: str, value: Any) -> Any:
    """``paper_to_dict(Paper(**{name: value})).get(name)`` without building a Paper: the JSON
    form of one field's (valid) value, None for the default (``type`` is always given)."""
    if value == _DEFAULTS[name] and name != "type":
        return None
    return _to_json(_KINDS[name], value)


def paper_from_dict(data: Mapping[str, Any]) -> Paper:
    """The :class:`Paper` of a dict made by :func:`paper_to_dict` (unknown keys are an error)."""
    unknown = set(data) - set(_KINDS)
    if unknown:
        raise ValueError(f"unknown Paper fields: {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        kind = _KINDS[name]
        if kind == "names":
            kwargs[name] = tuple(Name(**n) for n in value)
        elif kind == "date":
            kwargs[name] = _date_from_dict(value)
        elif kind == "arxiv":
            kwargs[name] = ArxivId(id=value["id"], version=value.get("version"))
        elif kind == "category":
            kwargs[name] = Category(code=value.get("code"), arxiv_class=value.get("arxiv_class"))
        elif kind in ("spans", "pairs"):
            kwargs[name] = tuple(tuple(p) for p in value)
        elif kind == "strings":
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    return Paper(**kwargs)
