"""Source offsets of the values in a JSON text, by JSON path.

:func:`value_offsets` scans a text that :func:`json.loads` already accepted and
returns ``{path: offset}`` for every value (and every object key, under the path
of its value with ``key=True``). The scan is one linear pass with a stack; it
does not validate (the text is known to be valid JSON).

.. versionadded:: 0.2
"""

from __future__ import annotations

import json
import re
from typing import Final

__all__ = ["JsonPath", "format_path", "parse_path", "value_offsets"]

JsonPath = tuple[str | int, ...]

_STRING: Final = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SCALAR: Final = re.compile(r"[^\s,\]}]+")
_WS: Final = re.compile(r"[ \t\r\n]*")


class _Frame:
    """An open array or object: its path, ``[`` or ``{``, the index of the current element."""

    __slots__ = ("index", "kind", "path")

    def __init__(self, path: JsonPath, kind: str) -> None:
        self.path = path
        self.kind = kind
        self.index = 0


def value_offsets(text: str) -> dict[JsonPath, int]:
    """``{path: offset of the value's first character}`` for every value in ``text``."""
    out: dict[JsonPath, int] = {}
    stack: list[_Frame] = []
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    n = len(text)
    path: JsonPath = ()
    expecting_value = True
    while pos < n:
        ch = text[pos]
        if expecting_value:
            out[path] = pos
            if ch in "{[":
                stack.append(_Frame(path, ch))
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
                if pos < n and text[pos] in "}]":
                    expecting_value = False
                    continue
                if ch == "[":
                    path = (*path, 0)
                    continue
                expecting_value = False
                continue
            m = _STRING.match(text, pos) if ch == '"' else _SCALAR.match(text, pos)
            if m is None:
                return out
            pos = _WS.match(text, m.end()).end()  # type: ignore[union-attr]
            expecting_value = False
            continue
        # after a value, or inside an object waiting for a key
        if ch == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            top = stack[-1]
            if top.kind == "[":
                top.index += 1
                path = (*top.path, top.index)
                expecting_value = True
            continue
        if ch == '"' and stack and stack[-1].kind == "{":
            m = _STRING.match(text, pos)
            if m is None:
                return out
            key = json.loads(m.group())
            top = stack[-1]
            path = (*top.path, key)
            pos = _WS.match(text, m.end()).end()  # type: ignore[union-attr]
            if pos < n and text[pos] == ":":
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            expecting_value = True
            continue
        if ch in "}]":
            top = stack.pop()
            path = top.path
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        pos += 1
    return out


_PATH_PART: Final = re.compile(r'\[(\d+)\]|\.([^.\[\]]+)|\[("(?:[^"\\]|\\.)*")\]')


def parse_path(text: str) -> JsonPath | None:
    """The inverse of :func:`format_path` (also for readers' ``$[3].author[0]``); None if malformed."""
    if not text.startswith("$"):
        return None
    out: list[str | int] = []
    pos = 1
    while pos < len(text):
        m = _PATH_PART.match(text, pos)
        if m is None:
            return None
        if m.group(1) is not None:
            out.append(int(m.group(1)))
        elif m.group(2) is not None:
            out.append(m.group(2))
        else:
            out.append(json.loads(m.group(3)))
        pos = m.end()
    return tuple(out)


def format_path(path: JsonPath) -> str:
    """``$[3].author[0].family`` (keys that are not identifiers as ``['key']``)."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out
