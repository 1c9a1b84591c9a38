"""Extended Date/Time Format (ISO 8601-2, EDTF level 1 subset) <-> :class:`~pubconv.model.Date`.

The date syntax of BibLaTeX's ``date``, ``urldate``, ``origdate`` and ``eventdate``:

* ``1850``, ``1967-02``, ``2009-01-31``; negative years for BCE (``-0044``); years of more
  than four digits with the ``Y`` prefix (``Y12000``);
* seasons ``2004-21`` ... ``2004-24`` (spring ... winter) -> :attr:`Date.season`;
* qualifiers after a date: uncertain ``1723?``, approximate ``1723~``, both ``1723%``;
  the model has one flag, :attr:`Date.circa`, so all three read as circa and
  :func:`format_edtf` writes ``~``;
* ranges ``1988/1992``, ``2002-01/2002-02``; an open end ``1997/`` or ``1997/..``
  (``end=Date()``) and an open start ``../1997`` or ``/1997`` (no year, ``end`` set).

What is not representable (unspecified digits ``199X``, times, other year divisions)
makes :func:`parse_edtf` return None; callers keep such text as ``Date(literal=...)``.
"""

from __future__ import annotations

import re
from typing import Final

from .model import Date

__all__ = ["format_edtf", "parse_edtf"]

_SINGLE: Final = re.compile(r"(Y-?\d{5,}|-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?([?~%])?")


def _single(text: str) -> Date | None:
    m = _SINGLE.fullmatch(text)
    if m is None:
        return None
    year = int(m.group(1).lstrip("Y"))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    circa = m.group(4) is not None
    if month is not None and 21 <= month <= 24:
        if day is not None:
            return None
        return Date(year=year, season=month - 20, circa=circa)
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= 31:
        return None
    return Date(year=year, month=month, day=day, circa=circa)


def parse_edtf(text: str) -> Date | None:
    """The :class:`Date` of an EDTF level-1 date or range; None when ``text`` is not one."""
    s = text.strip()
    if "/" not in s:
        return _single(s)
    a, _, b = s.partition("/")
    a, b = a.strip(), b.strip()
    start_open, end_open = a in ("", ".."), b in ("", "..")
    if start_open and end_open:
        return None
    start = Date() if start_open else _single(a)
    end = Date() if end_open else _single(b)
    if start is None or end is None:
        return None
    return Date(
        year=start.year, month=start.month, day=start.day, season=start.season, circa=start.circa, end=end
    )


def _format_single(d: Date) -> str:
    if d.year is None:
        return ".."
    if -9999 <= d.year <= 9999:
        out = d.isoformat()
    else:
        out = f"Y{d.year}"
        if d.month is not None:
            out += f"-{d.month:02d}"
            if d.day is not None:
                out += f"-{d.day:02d}"
    if d.month is None and d.season is not None:
        out += f"-{20 + d.season}"
    return out + ("~" if d.circa else "")


def format_edtf(d: Date) -> str | None:
    """EDTF text for ``d``; None for a literal date or one with no year at either end.

    Parts EDTF cannot hold next to others are left out: a season beside a month, the
    parts of a date without a year, an end's own end or literal.
    """
    if d.literal is not None:
        return None
    if d.end is None:
        return _format_single(d) if d.year is not None else None
    if d.year is None and d.end.year is None:
        return None
    return f"{_format_single(d)}/{_format_single(d.end)}"
