"""README "## Formats" table: the "cannot hold" column is each format's complement of SUPPORTS."""

from __future__ import annotations

import dataclasses
import re

import pytest

from pubconv import registry
from pubconv.model import Paper

from .paths import ROOT

#: Paper fields that are bookkeeping, never written by any format.
BOOKKEEPING = frozenset({"raw", "origin"})
FIELDS = frozenset(f.name for f in dataclasses.fields(Paper)) - BOOKKEEPING
_CODE = re.compile(r"`([^`]+)`")


def _rows() -> dict[str, list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Formats\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`"):
            for name in _CODE.findall(cells[0].split("(")[0]):
                rows[name] = cells
    return rows


def test_every_registered_format_has_a_row() -> None:
    assert {f.name for f in registry.all_formats()} <= set(_rows())


_DATA_FORMATS = [f for f in registry.all_formats() if f.name not in ("text", "html")]


@pytest.mark.parametrize("fmt", _DATA_FORMATS, ids=lambda f: f.name)
def test_cannot_hold_matches_supports(fmt: registry.Format) -> None:
    cells = _rows()[fmt.name]
    supports = frozenset(fmt.module.SUPPORTS) - BOOKKEEPING
    assert cells[1] == ("✓" if fmt.can_read else "–") and cells[2] == ("✓" if fmt.can_write else "–")
    assert set(_CODE.findall(cells[3])) == set(fmt.spec.extensions) or not fmt.spec.extensions
    if cells[5] == "every other field":  # the holds column names the fields
        assert {c for c in _CODE.findall(cells[4]) if c in FIELDS} == supports
    elif cells[5] == "—":
        assert supports == FIELDS
    else:
        assert set(_CODE.findall(cells[5])) == FIELDS - supports
