"""The .bib tokenizer shared by the BibTeX and (future) BibLaTeX dialects.

:func:`tokenize` turns text into :class:`Block` values (entries, ``@string``,
``@preamble``, ``@comment``) and diagnostics. It is iterative (no recursion,
so deeply nested braces are fine) and linear: every scan is a precompiled
regex search that moves forward. A broken block (unbalanced braces, missing
``=`` or ``,``, truncated input) becomes a diagnostic and scanning resumes at
the next ``@`` at the start of a line.

This tokenizer is pubconv's own. bibtexparser v2 is used only as a test oracle
(it is too slow for the performance targets: its parse+write of tugboat.bib takes
seconds).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...errors import Diagnostic
from ...model import Position

__all__ = ["Block", "LineIndex", "Value", "render_value", "tokenize"]

Value = tuple[tuple[str, str], ...]
"""A value expression: parts ``("str", text)`` (braced or quoted content), ``("num", "1986")``
or ``("macro", "jan")``, concatenated with ``#``."""


@dataclass(slots=True)
class Block:
    """One ``@...`` block: ``kind`` is ``entry``, ``string``, ``preamble`` or ``comment``."""

    kind: str
    type: str
    """Entry type, lower-cased (``article``); for other kinds the command name."""
    key: str
    fields: list[tuple[str, Value, int]]
    """``(name lower-cased, value, offset)`` in source order, for ``@string`` and ``@preamble``."""
    offset: int
    text: str = ""
    """Comment text for ``@comment``."""
    entry: dict[str, tuple[str, Value, int]] | None = None
    """Entry fields, first of duplicates: name -> (text, value, offset); ``text`` is the string
    of a single braced/quoted/number value and ``""`` where macros must be evaluated (named in
    :attr:`unevaluated`)."""
    unevaluated: list[str] | None = None
    duplicates: list[tuple[str, int]] | None = None
    """Later occurrences of a field name: (name, offset)."""
    end: int = -1
    """Offset just after the block's closing ``}`` or ``)``."""
    spans: list[tuple[str, int, int]] | None = None
    """Every entry field in source order, duplicates included, when :func:`tokenize` is called
    with ``spans=True``: ``(name lower-cased, start, end)`` where ``text[start:end]`` is the
    ``= value`` part, surrounding whitespace included (used by the formatter)."""


class LineIndex:
    """Offset -> (line, column). Offsets asked in increasing order (the usual case: blocks and
    their fields in source order) are counted forward from the previous one; an offset before
    it is found by bisection over the newline offsets (built on first need)."""

    __slots__ = ("_at", "_line", "_line_start", "_nl", "line_offset", "source", "text")

    def __init__(self, text: str, source: str, line_offset: int = 0) -> None:
        self.text = text
        self.source = source
        self.line_offset = line_offset
        self._nl: list[int] | None = None
        self._at = 0  # the cursor: an offset, the newlines before it, and its line's start
        self._line = 0
        self._line_start = 0

    def position(self, offset: int) -> Position:
        """The 1-based line and column of ``offset``."""
        at = self._at
        if offset >= at:
            text = self.text
            crossed = text.count("\n", at, offset)
            if crossed:
                self._line += crossed
                self._line_start = text.rfind("\n", at, offset) + 1
            self._at = offset
            line, start = self._line, self._line_start
        else:
            if self._nl is None:
                self._nl = [m.start() for m in re.finditer("\n", self.text)]
            line = bisect.bisect_left(self._nl, offset)
            start = self._nl[line - 1] + 1 if line > 0 else 0
        return Position(source=self.source, line=line + 1 + self.line_offset, column=offset - start + 1)


_AT = re.compile(r"@[ \t]*([A-Za-z][^\s{(\"#%'),=}]*)[ \t\r\n]*([{(])?")
_NEXT_AT_LINE = re.compile(r"\n[ \t]*@")
_WS = re.compile(r"[ \t\r\n]*")
_KEY = re.compile(r"[ \t\r\n]*([^\s,{}()\"#%'=]*)[ \t\r\n]*")
_NAME = re.compile(r"[ \t\r\n]*([^\s\"#%'(),={}]+)[ \t\r\n]*")
_NUM_OR_MACRO = re.compile(r"[^\s\"#%'(),={}]+")
_BRACES = re.compile(r"[{}]")
# Braced text nested at most two levels deep, as "unrolled loops": every repetition starts
# with "{", so a match is found (or refused) in one pass, without backtracking.
_NESTED = r"(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}"
_BRACED_BODY = r"[^{}]*" + _NESTED + r"[^{}]*)*"
_QUOTED_BODY = r"[^\"{}]*" + _NESTED + r"[^\"{}]*)*"
# one simple field (no concatenation, braces nested at most two levels deep inside the value)
# in a single match: the common case; anything else takes the general path (_value)
_FAST_FIELD = re.compile(
    r"[ \t\r\n]*([^\s\"#%'(),={}]+)[ \t\r\n]*=[ \t\r\n]*"
    r"(?:\{(" + _BRACED_BODY + r")\}|\"(" + _QUOTED_BODY + r")\"|([^\s\"#%'(),={}]+))[ \t\r\n]*([,})])"
)
_QUOTE_BRACES = re.compile(r'[{}"]')
_SUSPICIOUS = re.compile(r"^[ \t]*[\w-]+[ \t]*=[ \t]*[{\"]|^[ \t]*\}[ \t]*,?[ \t]*$", re.M)


class _Broken(Exception):
    def __init__(self, code: str, message: str, offset: int) -> None:
        self.code = code
        self.message = message
        self.offset = offset


def _braced(text: str, pos: int, limit: int) -> int:
    """``pos`` is just after ``{``; return the offset after the matching ``}``."""
    depth = 1
    for m in _BRACES.finditer(text, pos, limit):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.end()
    raise _Broken("PC101", "unbalanced braces: '{' is never closed", pos - 1)


def _quoted(text: str, pos: int, limit: int) -> int:
    """``pos`` is just after ``"``; return the offset after the closing quote."""
    depth = 0
    for m in _QUOTE_BRACES.finditer(text, pos, limit):
        ch = m.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise _Broken("PC101", "unbalanced braces inside a quoted value", m.start())
        elif depth == 0:
            return m.end()
    raise _Broken("PC101", "unbalanced quotes: '\"' is never closed", pos - 1)


def _value(text: str, pos: int, limit: int) -> tuple[Value, int]:
    """Parse ``part # part ...`` at ``pos``; return the value and the offset after it."""
    parts: list[tuple[str, str]] = []
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= limit:
            raise _Broken("PC104", "input ends inside a field value", pos)
        ch = text[pos]
        if ch == "{":
            end = _braced(text, pos + 1, limit)
            parts.append(("str", text[pos + 1 : end - 1]))
        elif ch == '"':
            end = _quoted(text, pos + 1, limit)
            parts.append(("str", text[pos + 1 : end - 1]))
        else:
            m = _NUM_OR_MACRO.match(text, pos)
            if m is None:
                raise _Broken("PC100", f"expected a field value, found {ch!r}", pos)
            end = m.end()
            word = m.group()
            parts.append(("num", word) if word.isdigit() else ("macro", word.lower()))
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if pos < limit and text[pos] == "#":
            pos += 1
            continue
        return tuple(parts), pos


def render_value(value: Value) -> str:
    """A value back in .bib syntax (strings braced): ``{1~} # jan``."""
    if len(value) == 1:
        kind, t = value[0]
        return "{" + t + "}" if kind == "str" else t
    return " # ".join(("{" + t + "}") if k == "str" else t for k, t in value)


def _limit_for(text: str, start: int, n: int) -> int:
    """Where a block starting at ``start`` must end at the latest: the next ``@`` at line start."""
    m = _NEXT_AT_LINE.search(text, start + 1)
    return m.start() + 1 if m else n


def tokenize(
    text: str, lines: LineIndex, diagnostics: list[Diagnostic], *, spans: bool = False
) -> Iterator[Block]:
    """Yield the blocks of ``text``; problems are appended to ``diagnostics``.

    ``spans=True`` also records :attr:`Block.spans` for entries."""
    n = len(text)
    pos = 0
    next_line_at = -1  # cached result of the last "next @ at line start" search
    while True:
        at = text.find("@", pos)
        junk_end = n if at < 0 else at
        if junk_end > pos:
            m = _SUSPICIOUS.search(text, pos, junk_end)
            if m is not None:
                diagnostics.append(
                    Diagnostic.make(
                        "PC103",
                        "text between entries looks like part of an entry; it was ignored",
                        lines.position(m.start() + (len(m.group()) - len(m.group().lstrip()))),
                    )
                )
        if at < 0:
            return
        m = _AT.match(text, at)
        if m is None or m.group(2) is None:
            # "@" not starting a block (e-mail address, stray character): ignored, as BibTeX does
            pos = at + 1
            continue
        kind = m.group(1).lower()
        closer = "}" if m.group(2) == "{" else ")"
        body = m.end()
        if next_line_at <= at:
            next_line_at = _limit_for(text, at, n)
        limit = next_line_at
        try:
            if kind == "comment":
                if closer == "}":
                    end = _braced(text, body, n)
                else:
                    end = text.find(")", body)
                    if end < 0:
                        raise _Broken("PC104", "input ends inside @comment", at)
                    end += 1
                yield Block("comment", "comment", "", [], at, text[body : end - 1], end=end)
                pos = end
                continue
            if kind == "preamble":
                value, p = _value(text, body, limit)
                if p >= limit or text[p] != closer:
                    raise _Broken("PC102", f"expected {closer!r} to end @preamble", p)
                yield Block("preamble", "preamble", "", [("preamble", value, body)], at, end=p + 1)
                pos = p + 1
                continue
            if kind == "string":
                nm = _NAME.match(text, body)
                if nm is None or not nm.group(1):
                    raise _Broken("PC100", "expected a macro name in @string", body)
                p = nm.end()
                if p >= limit or text[p] != "=":
                    raise _Broken("PC102", "expected '=' in @string", p)
                value, p = _value(text, p + 1, limit)
                if p < limit and text[p] == ",":
                    p = _WS.match(text, p + 1).end()  # type: ignore[union-attr]
                if p >= limit or text[p] != closer:
                    raise _Broken("PC102", f"expected {closer!r} to end @string", p)
                name = nm.group(1).lower()
                yield Block("string", "string", name, [(name, value, body)], at, end=p + 1)
                pos = p + 1
                continue
            # a regular entry
            km = _KEY.match(text, body)
            assert km is not None
            key = km.group(1)
            p = km.end()
            entry: dict[str, tuple[str, Value, int]] = {}
            unevaluated: list[str] = []
            duplicates: list[tuple[str, int]] = []
            fspans: list[tuple[str, int, int]] | None = [] if spans else None
            if p < limit and text[p] == closer:
                yield Block("entry", kind, key, [], at, "", entry, unevaluated, duplicates, p + 1, fspans)
                pos = p + 1
                continue
            if p >= limit or text[p] != ",":
                raise _Broken("PC102", f"expected ',' after the citation key {key!r}", p)
            p += 1
            match_field = _FAST_FIELD.match
            while True:
                fast = match_field(text, p)
                # the match ends just after the separator that follows the value
                if fast is not None and fast.end() <= limit:
                    n_, s, q, w, sep = fast.groups()
                    fname = n_.lower()
                    p = fast.end()
                    if fspans is not None:
                        fspans.append((fname, fast.end(1), p - 1))
                    if fname in entry:
                        duplicates.append((fname, fast.start(1)))
                    elif s is not None:
                        entry[fname] = (s, (("str", s),), fast.start(1))
                    elif q is not None:
                        entry[fname] = (q, (("str", q),), fast.start(1))
                    elif w.isdigit():
                        entry[fname] = (w, (("num", w),), fast.start(1))
                    else:
                        entry[fname] = ("", (("macro", w.lower()),), fast.start(1))
                        unevaluated.append(fname)
                    if sep == ",":
                        continue
                    p -= 1
                    if sep == closer:
                        break
                    raise _Broken("PC102", "expected ',' or the end of the entry after a field value", p)
                p = _WS.match(text, p).end()  # type: ignore[union-attr]
                if p >= limit:
                    code = "PC104" if limit == n else "PC101"
                    raise _Broken(code, f"entry {key!r} is not closed", at)
                if text[p] == closer:
                    break
                fm = _NAME.match(text, p)
                if fm is None:
                    raise _Broken("PC100", f"expected a field name, found {text[p]!r}", p)
                fstart = p
                p = fm.end()
                if p >= limit or text[p] != "=":
                    raise _Broken("PC102", f"expected '=' after field name {fm.group(1)!r}", p)
                value, p = _value(text, p + 1, limit)
                fname = fm.group(1).lower()
                if fspans is not None:
                    fspans.append((fname, fm.end(), p))
                if fname in entry:
                    duplicates.append((fname, fstart))
                elif len(value) == 1 and value[0][0] != "macro":
                    entry[fname] = (value[0][1], value, fstart)
                else:
                    entry[fname] = ("", value, fstart)
                    unevaluated.append(fname)
                if p < limit and text[p] == ",":
                    p += 1
                    continue
                if p < limit and text[p] == closer:
                    break
                raise _Broken("PC102", "expected ',' or the end of the entry after a field value", p)
            yield Block("entry", kind, key, [], at, "", entry, unevaluated, duplicates, p + 1, fspans)
            pos = p + 1
        except _Broken as err:
            diagnostics.append(
                Diagnostic.make(
                    err.code,
                    f"{err.message}; the @{kind} block starting at line "
                    f"{lines.position(at).line} was skipped",
                    lines.position(err.offset),
                )
            )
            pos = limit if limit > at else at + 1
