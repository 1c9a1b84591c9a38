"""Syntax-level rules for .bib files (BibTeX and BibLaTeX), on the tokenizer's blocks.

The reader already reports syntax errors, duplicate keys and fields, undefined
macros and dangling crossrefs (PC1xx, PC2xx); this module adds what needs the
source text: field values checked where they are written (identifiers, dates,
pages, mojibake, unescaped specials, case protection), required fields per entry
type, and ``@comment{pubconv: ignore ...}`` suppressions. Every finding points at
the field's (or the offending character's) ``line:col``.

.. versionadded:: 0.2
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from .. import latex
from .._lazyre import lazy as _lazy
from ..errors import Diagnostic, Severity
from ..formats._bibtex import tables as T
from ..formats._bibtex.tokenizer import Block, LineIndex, tokenize
from . import validators as V
from .config import Suppression

__all__ = ["BibScan", "Suppression", "scan"]


@dataclass(slots=True)
class BibScan:
    """What :func:`scan` found in one .bib text."""

    findings: list[Diagnostic] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    own_fields: dict[str, frozenset[str]] = field(default_factory=dict)
    """Lower-cased key -> names of the fields the entry itself has (not inherited)."""


# ----------------------------------------------------------------------------- required fields

_ALT: Final[dict[str, tuple[str, ...]]] = {
    "journal": ("journal", "journaltitle"),
    "year": ("year", "date"),
    "school": ("school", "institution"),
    "institution": ("institution", "school"),
    "author": ("author",),
    "author|editor": ("author", "editor"),
    "chapter|pages": ("chapter", "pages"),
    "url|doi|eprint": ("url", "doi", "eprint"),
}

#: entry type -> required field groups (BibTeX: plain.bst; BibLaTeX: manual section 2.1.1)
REQUIRED_BIBTEX: Final[dict[str, tuple[str, ...]]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "year"),
    "booklet": ("title",),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "conference": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "proceedings": ("title", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "note"),
}
REQUIRED_BIBLATEX: Final[dict[str, tuple[str, ...]]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "year"),
    "mvbook": ("author|editor", "title", "year"),
    "inbook": ("author|editor", "title", "booktitle", "year"),
    "bookinbook": ("author", "title", "year"),
    "suppbook": ("author", "title", "booktitle", "year"),
    "booklet": ("author|editor", "title", "year"),
    "collection": ("editor", "title", "year"),
    "mvcollection": ("editor", "title", "year"),
    "incollection": ("author", "title", "booktitle", "year"),
    "suppcollection": ("author", "title", "booktitle", "year"),
    "dataset": ("author|editor", "title", "year"),
    "manual": ("author|editor", "title", "year"),
    "misc": ("author|editor", "title", "year"),
    "software": ("author|editor", "title", "year"),
    "online": ("author|editor", "title", "year", "url|doi|eprint"),
    "patent": ("author", "title", "number", "year"),
    "periodical": ("editor", "title", "year"),
    "proceedings": ("title", "year"),
    "mvproceedings": ("title", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "reference": ("editor", "title", "year"),
    "mvreference": ("editor", "title", "year"),
    "inreference": ("author", "title", "booktitle", "year"),
    "report": ("author", "title", "institution", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "thesis": ("author", "title", "institution", "year"),
    "phdthesis": ("author", "title", "institution", "year"),
    "mastersthesis": ("author", "title", "institution", "year"),
    "unpublished": ("author", "title", "year"),
}

# ----------------------------------------------------------------------------- field classes

#: fields bibliography styles print (where an unescaped special character breaks LaTeX); fields
#: only tools read (tableofcontents, xmldata, abstract, ...) are not checked for specials
_PRINTED: Final = frozenset(
    {
        "title",
        "subtitle",
        "titleaddon",
        "booktitle",
        "booksubtitle",
        "booktitleaddon",
        "maintitle",
        "mainsubtitle",
        "maintitleaddon",
        "journal",
        "journaltitle",
        "journalsubtitle",
        "issuetitle",
        "series",
        "publisher",
        "school",
        "institution",
        "organization",
        "address",
        "location",
        "note",
        "addendum",
        "howpublished",
        "edition",
        "chapter",
        "type",
        "eventtitle",
        "venue",
        "author",
        "editor",
        "translator",
        "volume",
        "number",
        "version",
        "pubstate",
        "origtitle",
        "shorttitle",
    }
)  # fmt: skip
_DATE_FIELDS: Final = frozenset({"date", "urldate", "eventdate", "origdate"})
_PAGE_FIELDS: Final = frozenset({"pages"})
_ANY_SPECIAL: Final = _lazy(r"[&%#_]")
#: fields some rule looks at (every field is looked at for mojibake when the file has any)
_CHECKED: Final = (
    _PRINTED
    | _DATE_FIELDS
    | _PAGE_FIELDS
    | frozenset(
        {"doi", "url", "isbn", "issn", "issn-l", "eprint", "orcid", "orcid-numbers", "month", "day", "year"}
    )
)
_WS: Final = _lazy(r"[ \t\r\n]*")
_ID_FIELDS: Final = frozenset({"doi", "isbn", "issn", "issn-l", "eprint"})
_ISOISH: Final = _lazy(r"\s*\d{4}(?:-|\s*$)")
_URL_SEP: Final = _lazy(r"[^;]+")
_NEXT_URL: Final = _lazy(r"\s+(?=(?:https?|ftp)://)")


def _url_list_problems(value: str) -> list[V.Problem]:
    """BibTeX ``url`` fields in the wild hold several URLs separated by ``;`` or spaces: check each."""
    out: list[V.Problem] = []
    for m in _URL_SEP.finditer(value):
        start = m.start()
        for part in _NEXT_URL.split(m.group()):
            at = value.find(part, start)
            start = at + len(part)
            if not part.strip():
                continue
            lead = len(part) - len(part.lstrip())
            piece = latex.decode_verbatim(part)
            out.extend(V.Problem(p.code, p.message, at + lead + p.offset) for p in V.url_problems(piece))
    return out


_SUPPRESS: Final = _lazy(
    r"(?:@[ \t]*comment[ \t]*[{(]|^[ \t]*%)[ \t]*pubconv:[ \t]*(ignore-file|ignore)\b([^})\n]*)", re.I | re.M
)
_CODE_LIST: Final = _lazy(r"[A-Za-z]+[0-9]*")
_ORCID_IN: Final = _lazy(r"(?:https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[0-9Xx]")

# special characters: a backslash escape, a verbatim command, math delimiters, or a bare special
_SPECIAL_SCAN: Final = _lazy(
    r"\\(?:url|path|nolinkurl|href|verb|detokenize)(?![A-Za-z])|\\[A-Za-z@]+|\\.|\$\$?|\\[()\[\]]|[&%#_{}]"
)
# a word with two capitals (DNA, TeX) or a capital after a lowercase start (iPhone)
_CASED_WORD: Final = _lazy(r"(?<![A-Za-z0-9])(?:[a-z][a-z0-9]*[A-Z]|[A-Z][a-z0-9]*[A-Z])[A-Za-z0-9]*")
_CASE_SCAN: Final = _lazy(r"\\[A-Za-z@]+\*?|\\.|\$|[{}]")


def _skip_group(value: str, pos: int) -> int:
    """From ``pos`` (at or before a ``{``), the offset after the matching ``}`` (or a ``\\verb`` body)."""
    while pos < len(value) and value[pos] in " \t\n":
        pos += 1
    if pos >= len(value):
        return pos
    if value[pos] != "{":
        # \verb|...| style: the delimiter is the next character
        close = value.find(value[pos], pos + 1)
        return len(value) if close < 0 else close + 1
    depth = 0
    for i in range(pos, len(value)):
        if value[i] == "{":
            depth += 1
        elif value[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(value)


def special_chars(value: str) -> Iterator[tuple[str, int]]:
    """Unescaped ``&``, ``%``, ``#``, ``_`` outside math and verbatim commands: (char, offset)."""
    math: str | None = None
    pos = 0
    n = len(value)
    while pos < n:
        m = _SPECIAL_SCAN.search(value, pos)
        if m is None:
            return
        tok = m.group()
        pos = m.end()
        if math is not None:
            if tok == math or (math == "\\(" and tok == "\\)") or (math == "\\[" and tok == "\\]"):
                math = None
            continue
        if tok in ("$", "$$", "\\(", "\\["):
            math = tok
            continue
        if tok in ("\\url", "\\path", "\\nolinkurl", "\\verb", "\\detokenize"):
            pos = _skip_group(value, pos)
            continue
        if tok == "\\href":
            pos = _skip_group(value, pos)  # the URL argument; the text argument is checked
            continue
        if tok in "&%#_" and len(tok) == 1:
            yield tok, m.start()


def unprotected_words(value: str) -> list[tuple[str, int]]:
    """Words at brace depth 0 (outside math) whose case a style would change: ``DNA``, ``TeX``, ``iPhone``."""
    out: list[tuple[str, int]] = []
    depth = 0
    in_math = False
    seg_start = 0

    def words(a: int, b: int) -> None:
        out.extend((w.group(), w.start()) for w in _CASED_WORD.finditer(value, a, b))

    for m in _CASE_SCAN.finditer(value):
        tok = m.group()
        if depth == 0 and not in_math:
            words(seg_start, m.start())
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(depth - 1, 0)
        elif tok == "$":
            in_math = not in_math
        seg_start = m.end()
    if depth == 0 and not in_math:
        words(seg_start, len(value))
    return out


# ----------------------------------------------------------------------------- the scan


def _parse_codes(text: str) -> tuple[str, ...]:
    return tuple(c.upper() for c in _CODE_LIST.findall(text))


def scan(
    text: str,
    source: str,
    dialect: str = "bibtex",
    *,
    blocks: Iterable[Block] | None = None,
    known_code: Callable[[str], bool] = lambda c: True,
) -> BibScan:
    """Field- and entry-level findings of one .bib text (reader diagnostics not included).

    ``blocks`` are the entry blocks the reader already tokenized (so the text is
    tokenized once); without them the text is tokenized here."""
    lines = LineIndex(text, source)
    out = BibScan()
    findings = out.findings
    required = REQUIRED_BIBLATEX if dialect == "biblatex" else REQUIRED_BIBTEX
    if blocks is None:
        blocks = [b for b in tokenize(text, lines, []) if b.kind == "entry"]
    entries = list(blocks)
    fieldsets: dict[str, set[str]] = {}
    mojibake = V.has_mojibake(text)
    for block in entries:
        names = set((block.entry or {}).keys())
        if block.key:
            low = block.key.lower()
            out.own_fields.setdefault(low, frozenset(names))
            fieldsets.setdefault(low, names)
        _check_fields(text, block, lines, dialect, findings, mojibake)
    for block in entries:
        if not block.key:
            findings.append(
                Diagnostic.make(
                    "PC712", "entry has no citation key; add one after the '{' (e.g. knuth1984)",
                    lines.position(block.offset),
                )
            )  # fmt: skip
        _check_required(block, fieldsets, required, lines, findings)
    _suppressions(text, entries, lines, out, known_code)
    return out


def _suppressions(
    text: str, entries: list[Block], lines: LineIndex, out: BibScan, known_code: Callable[[str], bool]
) -> None:
    if "pubconv:" not in text:
        return
    starts = [b.offset for b in entries]
    for m in _SUPPRESS.finditer(text):
        codes = _parse_codes(m.group(2))
        for c in codes:
            if not known_code(c):
                out.findings.append(
                    Diagnostic.make(
                        "PC791",
                        f"suppression names unknown rule {c!r}; see pubconv check --list-rules",
                        lines.position(m.start(1)),
                    )
                )
        if m.group(1).lower() == "ignore-file":
            out.suppressions.append(Suppression(codes))
            continue
        i = bisect.bisect_right(starts, m.start())
        if i < len(entries):
            block = entries[i]
            first = lines.position(block.offset).line or 1
            last = lines.position(max(block.end - 1, block.offset)).line or first
            out.suppressions.append(Suppression(codes, first, last))


def _check_required(
    block: Block,
    fieldsets: dict[str, set[str]],
    required: dict[str, tuple[str, ...]],
    lines: LineIndex,
    findings: list[Diagnostic],
) -> None:
    groups = required.get(block.type)
    if not groups:
        return
    have = set((block.entry or {}).keys())
    if "xdata" in have:
        return  # BibLaTeX xdata inheritance: not resolved here
    ref = (block.entry or {}).get("crossref")
    if ref is not None:
        parent = fieldsets.get(ref[0].strip().lower())
        if parent is not None:
            have |= parent
            if "title" in parent:
                have.add("booktitle")
    missing = []
    for group in groups:
        alts = _ALT.get(group, (group,))
        if not any(a in have for a in alts):
            missing.append(group.replace("|", " or "))
    if missing:
        what = ", ".join(missing)
        findings.append(
            Diagnostic.make(
                "PC210",
                f"@{block.type} entry lacks required field{'s' if len(missing) > 1 else ''} {what}; add "
                f"{'them' if len(missing) > 1 else 'it'} or use an entry type that does not need "
                f"{'them' if len(missing) > 1 else 'it'}",
                lines.position(block.offset),
                key=block.key or None,
            )
        )


def _value_start(text: str, field_offset: int) -> int:
    """Offset of the first character inside the braces/quotes of the field starting at ``field_offset``."""
    eq = text.find("=", field_offset)
    m = _WS.match(text, eq + 1)
    pos = m.end() if m else eq + 1
    return pos + 1 if text[pos : pos + 1] in ("{", '"') else pos


def _check_fields(
    text: str, block: Block, lines: LineIndex, dialect: str, findings: list[Diagnostic], mojibake: bool
) -> None:
    entry = block.entry or {}
    key = block.key or None
    archive = (entry.get("archiveprefix") or entry.get("eprinttype") or ("", (), 0))[0].strip().lower()
    unevaluated = block.unevaluated or ()

    def add(code: str, message: str, field_offset: int, at: int, severity: Severity | None = None) -> None:
        position = lines.position(_value_start(text, field_offset) + at)
        findings.append(Diagnostic.make(code, message, position, key=key, severity=severity))

    for name, (value, _parts, offset) in entry.items():
        if name not in _CHECKED and not mojibake:
            continue  # most fields (author, note, abstract, bibsource, ...) have no rule
        if name in unevaluated or not value.strip():
            continue  # a macro or a concatenation; an empty value
        problems: list[V.Problem] = []
        if name in _ID_FIELDS and not any(c.isdigit() for c in value):
            problems = []  # a placeholder such as "????"
        elif name == "doi":
            problems = V.doi_problems(latex.decode_verbatim(value))
        elif name == "url":
            problems = _url_list_problems(value)
        elif name == "isbn":
            problems = V.isbn_problems(value)
        elif name in ("issn", "issn-l"):
            problems = V.issn_problems(value)
        elif name == "eprint" and archive in ("arxiv", ""):
            if archive == "arxiv" or re.fullmatch(r"\s*(?:arXiv:)?\d{4}\.\d{4,5}(?:v\d+)?\s*", value, re.I):
                problems = V.arxiv_problems(value)
        elif name in ("orcid", "orcid-numbers"):
            problems = [
                V.Problem(
                    "PC705",
                    f"ORCID {m.group()!r} fails its check digit; copy it again from orcid.org",
                    m.start(),
                )
                for m in _ORCID_IN.finditer(value)
                if V.orcid_problems(m.group())
            ]
        elif name in _DATE_FIELDS and (dialect == "biblatex" or _ISOISH.match(value)):
            problems = V.date_problems(value)
        elif name in _PAGE_FIELDS:
            problems = V.page_problems(value, double_hyphen=dialect == "bibtex")
        elif name == "day" and "month" in entry and "year" in entry:
            problems = _day_problems(value, entry)
        elif name in ("month", "day", "year"):
            problems = _number_problems(name, value)
        for p in problems:
            add(p.code, f"{name}: {p.message}", offset, p.offset, p.severity)
        if mojibake:
            for p in V.mojibake_problems(value):
                add(p.code, f"{name}: {p.message}", offset, p.offset)
        if name in _PRINTED and _ANY_SPECIAL.search(value) is not None:
            reported: set[str] = set()
            for ch, off in special_chars(value):
                if ch in reported:
                    continue
                reported.add(ch)
                add("PC710", f"{name}: unescaped {ch!r} breaks LaTeX; write \\{ch}", offset, off)
        if name == "title":
            words = unprotected_words(value)
            if words:
                shown = ", ".join(w for w, _ in words[:5]) + (", ..." if len(words) > 5 else "")
                add(
                    "PC711",
                    f"title: {shown} would change case in styles that recase titles; brace-protect "
                    f"{'them' if len(words) > 1 else 'it'} ({{{words[0][0]}}})",
                    offset,
                    words[0][1],
                )


def _number_problems(name: str, value: str) -> list[V.Problem]:
    """A numeric month outside 1-12, day outside 1-31 or year with more than four digits is impossible
    (word months, ranges and placeholders are the reader's PC220 warnings)."""
    text = value.strip()
    if not text.isdigit():
        return []
    n = int(text)
    lead = len(value) - len(value.lstrip())
    if name == "month" and not 1 <= n <= 12:
        return [V.Problem("PC706", f"month {text} is impossible; months run 1-12 (or jan..dec)", lead)]
    if name == "day" and not 1 <= n <= 31:
        return [V.Problem("PC706", f"day {text} is impossible; days run 1-31", lead)]
    if name == "year" and len(text) > 4:
        return [V.Problem("PC706", f"year {text} is impossible; write the four-digit year", lead)]
    return []


def _day_problems(
    value: str, entry: dict[str, tuple[str, tuple[tuple[str, str], ...], int]]
) -> list[V.Problem]:
    day_text = value.strip()
    year_text = entry["year"][0].strip()
    month_raw = entry["month"]
    month_text = month_raw[0].strip().lower() or (month_raw[1][0][1] if month_raw[1] else "")
    if not (day_text.isdigit() and year_text.isdigit()):
        return []
    month = int(month_text) if month_text.isdigit() else T.MONTHS.get(month_text.rstrip("."))
    if month is None or not 1 <= month <= 12:
        return []
    iso = f"{int(year_text):04d}-{month:02d}-{int(day_text):02d}"
    return [V.Problem(p.code, p.message, 0) for p in V.date_problems(iso)]


# ----------------------------------------------------------------------------- syntax error positions

_FIELD_START: Final = _lazy(r"[ \t]*[A-Za-z][\w:.+/-]*[ \t]*=")
_SKIPPED: Final = _lazy(r"the @\S+ block starting at line (\d+) was skipped")


def _close_of(text: str, open_at: int, stop: int) -> int:
    """Offset just after the brace or quote opened at ``open_at`` closes (before ``stop``), or -1."""
    quote = text[open_at] == '"'
    depth = 0
    i = open_at + 1
    while i < stop:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return i + 1 if not quote else -1
        elif ch == '"' and quote and depth == 0:
            return i + 1
        i += 1
    return -1


def _closes_cleanly(text: str, open_at: int, stop: int) -> bool:
    """True when the value opened at ``open_at`` closes before ``stop`` and a ',' or the end of
    the entry follows: a multi-line value, not a runaway one."""
    end = _close_of(text, open_at, stop)
    if end < 0:
        return False
    m = _WS.match(text, end)
    nxt = m.end() if m else end
    return nxt < len(text) and text[nxt] in ",})#"


def _culprit(text: str, start: int, stop: int) -> tuple[int, str] | None:
    """In a broken entry ``text[start:stop]`` written one field per line, the field whose value
    is still open at a later field's line and never closes properly: (offset of its opening, what)."""
    stack: list[int] = []  # offsets of the open braces; stack[0] is the entry's own
    quote_at = -1
    pos = start
    first_line = True
    while pos < stop:
        end = text.find("\n", pos, stop)
        end = stop if end < 0 else end
        if not first_line and _FIELD_START.match(text, pos, end) is not None:
            if quote_at >= 0 and len(stack) == 1 and not _closes_cleanly(text, quote_at, stop):
                return quote_at, "'\"' is never closed"
            if len(stack) > 1 and not _closes_cleanly(text, stack[1], stop):
                return stack[1], "'{' is never closed"
        first_line = False
        i = pos
        while i < end:
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "{":
                stack.append(i)
            elif ch == "}":
                if stack:
                    stack.pop()
            elif ch == '"' and len(stack) == 1:
                quote_at = -1 if quote_at >= 0 else i
            i += 1
        pos = end + 1
    return None


def relocate_syntax_errors(text: str, source: str, diags: list[Diagnostic]) -> list[Diagnostic]:
    """Reader syntax diagnostics moved to where the defect is, when the reader noticed it later.

    The tokenizer reports where parsing failed; with a value left open that is often the next
    field or the next entry. Entries written one field per line show the culprit: the field after
    which a brace or quote stays open. A missing comma is reported at the end of the value that
    lacks it rather than at the start of the next line."""
    lines = LineIndex(text, source)
    starts: list[int] | None = None
    out: list[Diagnostic] = []
    for d in diags:
        pos = d.position
        if d.code == "PC211" and pos is not None and pos.line is not None:
            if starts is None:
                starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
            out.append(_at_macro(text, starts, lines, d))
            continue
        m = _SKIPPED.search(d.message)
        if d.code not in ("PC100", "PC101", "PC102", "PC104") or m is None or pos is None or pos.line is None:
            out.append(d)
            continue
        if starts is None:
            starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        block_line = int(m.group(1))
        if not (1 <= block_line <= len(starts) and pos.line <= len(starts)):
            out.append(d)
            continue
        block = text.find("@", starts[block_line - 1])
        offset = starts[pos.line - 1] + (pos.column or 1) - 1
        found = _culprit(text, block, offset) if 0 <= block < offset else None
        if found is not None and lines.position(found[0]).line != pos.line:
            at, what = found
            out.append(
                Diagnostic.make(
                    "PC101",
                    f"unbalanced: {what} (the value runs into the next field); {m.group()}",
                    lines.position(at),
                    key=d.key or _block_key(text, block),
                )
            )
            continue
        if d.code == "PC102" and (
            "after a field value" in d.message or "after the citation key" in d.message
        ):
            back = offset
            while back > 0 and text[back - 1] in " \t\r\n":
                back -= 1
            if "\n" in text[back:offset]:
                out.append(
                    Diagnostic.make(
                        "PC102",
                        f"missing ',' after this {'key' if 'citation key' in d.message else 'field value'}; "
                        f"{m.group()}",
                        lines.position(back),
                        key=d.key or _block_key(text, block),
                    )
                )
                continue
        key = d.key or (_block_key(text, block) if block >= 0 else None)
        out.append(
            d if key == d.key else Diagnostic.make(d.code, d.message, pos, key=key, severity=d.severity)
        )
    return out


_MACRO_NAME: Final = _lazy(r"'([^']+)'")


#: journal macros the standard BibTeX styles (plain.bst and its family) define
STYLE_MACROS: Final = frozenset(
    {"acmcs", "acta", "cacm", "ibmjrd", "ibmsj", "ieeese", "ieeetc", "ieeetcad", "ipl", "jacm", "jcss",
     "scp", "sicomp", "tocs", "tods", "tog", "toms", "toois", "toplas", "tcs"}
)  # fmt: skip


def _at_macro(text: str, starts: list[int], lines: LineIndex, d: Diagnostic) -> Diagnostic:
    """PC211 points at the field; move it to the undefined macro's own use in the value.

    A macro the standard BibTeX styles define (``cacm``) is valid BibTeX: a warning that
    other tools (BibLaTeX, converters) will not know it."""
    pos = d.position
    name = _MACRO_NAME.search(d.message)
    if name is not None and name.group(1).lower() in STYLE_MACROS:
        d = Diagnostic.make(
            d.code,
            f"@string macro {name.group(1)!r} is defined only by the standard BibTeX styles; "
            "define it with @string for BibLaTeX and other tools",
            pos,
            key=d.key,
            severity=Severity.WARNING,
        )
    if pos is None or pos.line is None or name is None or pos.line > len(starts):
        return d
    offset = starts[pos.line - 1] + (pos.column or 1) - 1
    eq = text.find("=", offset, offset + 200)
    if eq < 0:
        return d
    pattern = re.compile(r"(?<![^\s#=])" + re.escape(name.group(1)) + r"(?![^\s#,})])", re.I)
    hit = pattern.search(text, eq + 1, min(len(text), eq + 2000))
    if hit is None:
        return d
    return Diagnostic.make(d.code, d.message, lines.position(hit.start()), key=d.key, severity=d.severity)


_BLOCK_KEY: Final = _lazy(r"@[ \t]*[A-Za-z]+[ \t]*[{(][ \t\r\n]*([^\s,{}()\"#%'=]+)")


def _block_key(text: str, block: int) -> str | None:
    m = _BLOCK_KEY.match(text, block)
    return m.group(1) if m is not None else None
