"""BibTeX reader and writer.

Reading: pubconv's own tokenizer (:mod:`pubconv.formats._bibtex.tokenizer`;
bibtexparser v2 is only a test oracle — it is too slow for pubconv's targets),
``@string`` macros (``jan`` ... ``dec`` predefined), ``#`` concatenation,
``crossref`` inheritance, BibTeX name splitting, LaTeX -> Unicode with
case-protected title spans kept in :attr:`Paper.title_nocase`.

Conventions (what other formats need to know):

* **Types.** Entry types map to CSL types by ``tables.BIB_TO_CSL`` (article ->
  article-journal, inproceedings/conference -> paper-conference,
  incollection/inbook -> chapter, phdthesis/mastersthesis -> thesis,
  techreport/manual -> report, misc -> document, or article (preprint) when it
  carries an arXiv id or class, unpublished -> manuscript, booklet -> pamphlet, proceedings -> book,
  ...). The writer maps back with ``tables.CSL_TO_BIB`` (unlisted -> misc;
  thesis whose genre mentions "master" -> mastersthesis). When that default
  would not give the source's entry type back, the reader records the source
  type in ``Paper.extra`` as ``("x-bibtex-type", "inbook")``; the writer uses
  it as the entry type (it is never written as a field).
* **Fields.** ``number`` is Paper.issue for article/periodical, Paper.collection_number
  for book-like types and Paper.number otherwise; ``journal`` is the container of
  article/misc/unpublished/online, ``booktitle`` of the others (either is read as a
  fallback); the publisher is ``school`` for theses, ``institution`` for reports,
  ``publisher`` otherwise. ``pages`` ``--`` <-> ``-``. ``month`` is written as a
  macro. ``eprint``/``archiveprefix``/``primaryclass`` (also ``eprinttype``,
  ``eprintclass``, ``arxivid``, arXiv DOIs and abs URLs) -> Paper.arxiv and
  Paper.category.
* **pubconv fields** (read back by this module): ``x-category`` (Category.code when
  it is not the part of ``primaryclass`` after the dot), ``x-organization``,
  ``x-has-code = {true}``, ``x-medium``, ``x-number``, ``x-collection-number``,
  ``x-bibtex-type`` (see above). ``author_truncated`` is ``and others``.
* **Unknown fields** go to Paper.extra in source order, LaTeX-decoded (verbatim
  fields such as URLs are not decoded), and are written back.
* **raw.** Paper.raw holds ``("bibtex:<field>", value expression)`` for every field
  read, in .bib syntax (``{...}``, macros, ``#``). The writer reuses it while it
  still reads back to the current value, so user LaTeX and macros survive
  BibTeX -> BibTeX.
* **Document.** ``ReadResult.document`` is a :class:`BibDocument` (``@preamble``,
  ``@string`` and ``@comment`` blocks); ``write(papers, document=doc)`` writes them
  back before (preamble, strings) and after (comments) the entries.
"""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from .. import latex
from ..errors import Diagnostic
from ..keys import KeyAllocator
from ..model import ArxivId, Category, Date, Name, Paper
from ..names import _case as _bib_case
from ..names import split_parts
from ._bibtex import tables as T
from ._bibtex.tokenizer import Block, LineIndex, Value, _Broken, _value, render_value, tokenize
from .base import ReadResult

__all__ = [
    "ALIASES",
    "DESCRIPTION",
    "EXTENSIONS",
    "NAME",
    "SUPPORTS",
    "BibDocument",
    "iter_read",
    "iter_write",
    "normalize",
    "read",
    "sniff",
    "write",
]

NAME: Final = "bibtex"
ALIASES: Final[tuple[str, ...]] = ()
EXTENSIONS: Final = (".bib",)
DESCRIPTION: Final = "BibTeX .bib files (LaTeX markup, @string macros, crossref)"
SUPPORTS: Final = frozenset(
    {
        "type", "key", "title", "title_nocase", "title_short", "author", "author_truncated",
        "editor", "editor_truncated", "translator", "container_author", "issued", "accessed",
        "container_title", "container_title_short", "collection_title", "collection_number",
        "volume", "issue", "number", "page", "number_of_pages", "chapter_number", "edition",
        "version", "publisher", "publisher_place", "event_title", "event_place", "genre",
        "status", "medium", "doi", "arxiv", "isbn", "issn", "pmid", "pmcid", "url", "abstract",
        "keywords", "category", "language", "note", "organization", "has_code", "extra",
    }
)  # fmt: skip

RAW_PREFIX: Final = "bibtex:"
# values the writer may spell differently from the source (markup, spacing, dashes, case of DOIs ...)
_NEEDS_RAW = re.compile(r"[\\{}$~^_\n\t\r%&#`']|--|  |^ | $")
# fields whose generated spelling differs from common source spellings (name order, DOI case,
# list separators, month names, arXiv fields)
_ALWAYS_RAW: Final = frozenset(
    {"author", "editor", "translator", "bookauthor", "doi", "pages", "keywords", "isbn", "issn",
     "month", "year", "day", "urldate", "eprint", "archiveprefix", "primaryclass", "eprinttype",
     "eprintclass", "arxivid", "x-has-code", "x-bibtex-type", "date", "howpublished"}
)  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class BibDocument:
    """File-level content of a .bib file, kept for BibTeX -> BibTeX."""

    preamble: tuple[str, ...] = ()
    """``@preamble`` values as .bib value expressions (``{\\input tugboat.def}``)."""
    strings: tuple[tuple[str, str], ...] = ()
    """``@string`` macros in source order: ``(name, value expression)``."""
    comments: tuple[str, ...] = ()
    """``@comment`` block contents."""


def sniff(head: str) -> bool:
    """True when ``head`` has an ``@type{`` block at a line start."""
    return re.search(r"(?m)^[ \t]*@[A-Za-z]+[ \t]*[{(]", head) is not None


# ---------------------------------------------------------------------------------------------
# field meanings (shared by the reader and the writer's raw-reuse check)

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_NAME_SPLIT = re.compile(r"[{}]|\s+and\s+", re.I)
_SPLIT_LIST = re.compile(r"\s*[,;]\s*")
_YEAR = re.compile(r"-?\d{1,4}")
_YEAR_RANGE = re.compile(r"(\d{4})\s*(?:-{1,2}|–|/)\s*(\d{4})")
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_URL_CMD = re.compile(r"\s*\\url\s*\{([^{}]*)\}\s*")
_MONTH_DAY = re.compile(r"([A-Za-z]+)\.?\s*(\d{1,2})?|(\d{1,2})\s*([A-Za-z]+)\.?")


def _norm_doi(text: str) -> str:
    return _DOI_PREFIX.sub("", text.strip()).lower()


def _split_names(text: str) -> list[str]:
    """Split a name list on ``and`` at brace level 0."""
    if " and " not in text.lower() and "\n" not in text:
        return [text.strip()] if text.strip() else []
    out: list[str] = []
    depth = 0
    start = 0
    # find " and " at depth 0: scan brace positions only
    for m in _NAME_SPLIT.finditer(text):
        tok = m.group()
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(text[start : m.start()].strip())
            start = m.end()
    out.append(text[start:].strip())
    return [x for x in out if x]


def _whole_group(text: str) -> bool:
    """True when ``text`` is one brace group ``{...}`` from start to end."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for m in re.finditer(r"[{}]", text):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            return m.end() == len(text)
    return False


_NAMES_CACHE: dict[str, tuple[tuple[Name, ...], bool, list[str], list[str]]] = {}


def parse_names(
    text: str, report: Callable[[str], None] | None = None
) -> tuple[tuple[Name, ...], bool, list[str]]:
    """Names of a BibTeX name list, the ``and others`` flag, and problems found (memoised)."""
    hit = _NAMES_CACHE.get(text)
    if hit is None:
        unknown: list[str] = []
        names, truncated, problems = _parse_names(text, unknown.append)
        hit = (names, truncated, problems, unknown)
        if len(_NAMES_CACHE) >= 100_000:
            _NAMES_CACHE.clear()
        _NAMES_CACHE[text] = hit
    if report is not None:
        for cmd in hit[3]:
            report(cmd)
    return hit[0], hit[1], list(hit[2])


def _parse_names(text: str, report: Callable[[str], None] | None) -> tuple[tuple[Name, ...], bool, list[str]]:
    names: list[Name] = []
    problems: list[str] = []
    truncated = False
    for raw in _split_names(text):
        if raw.lower() == "others":
            truncated = True
            continue
        if _whole_group(raw):
            names.append(Name(literal=latex.decode(raw[1:-1], report=report)))
            continue
        parts = split_parts(raw)

        def dec(part: str) -> str | None:
            return latex.decode(part, report=report) or None if part else None

        last = dec(parts.last)
        if last is None:
            problems.append(f"name {raw!r} has no last name")
            names.append(Name(literal=latex.decode(raw, report=report)))
            continue
        names.append(Name(family=last, given=dec(parts.first), particle=dec(parts.von), suffix=dec(parts.jr)))
    return tuple(names), truncated, problems


def _title(text: str, report: Callable[[str], None] | None = None) -> tuple[str, tuple[tuple[int, int], ...]]:
    spans: list[tuple[int, int]] = []
    value = latex.decode(text, report=report, spans=spans)
    return value, tuple(spans)


def _pages(text: str) -> str:
    return latex.decode(text).replace("–", "-").replace("—", "-")


def _list(text: str) -> tuple[str, ...]:
    return tuple(x for x in _SPLIT_LIST.split(text.strip()) if x)


def _month(text: str) -> tuple[int | None, int | None]:
    """(month, day) from ``jun``, ``June``, ``6``, ``1 June``, ``June 1``; (None, None) if not a month."""
    t = text.strip().lower().replace("~", " ")
    if t.isdigit():
        v = int(t)
        return (v, None) if 1 <= v <= 12 else (None, None)
    m = _MONTH_DAY.fullmatch(t)
    if m is None:
        return None, None
    name = m.group(1) or m.group(4)
    day = m.group(2) or m.group(3)
    month = T.MONTHS.get(name)
    if month is None:
        return None, None
    d = int(day) if day else None
    if d is not None and not 1 <= d <= 31:
        return None, None
    return month, d


def _meaning(name: str, text: str) -> Any:
    """What a field value means, for comparing a raw value with a generated one."""
    if name in ("author", "editor", "translator", "bookauthor"):
        names, trunc, _ = parse_names(text)
        return names, trunc
    if name == "title":
        return _title(text)
    if name == "pages":
        return _pages(text)
    if name == "doi":
        return _norm_doi(latex.decode_verbatim(text))
    if name in ("keywords", "isbn", "issn"):
        return _list(latex.decode_verbatim(text) if name != "keywords" else latex.decode(text))
    if name == "month":
        return _month(latex.decode(text))
    if name in T.VERBATIM or name.endswith("url"):
        return latex.decode_verbatim(text)
    return latex.decode(text)


# ---------------------------------------------------------------------------------------------
# reader


class _Reader:
    """Turns blocks into papers; holds the macros and the document parts seen so far."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.macros: dict[str, str] = dict(T.MONTH_MACROS)
        self.preamble: list[str] = []
        self.strings: list[tuple[str, str]] = []
        self.comments: list[str] = []
        self.fieldsets: dict[str, dict[str, tuple[str, Value, int]]] = {}
        self.keys_seen: set[str] = set()

    def document(self) -> BibDocument:
        return BibDocument(
            preamble=tuple(self.preamble), strings=tuple(self.strings), comments=tuple(self.comments)
        )

    def evaluate(self, value: Value, lines: LineIndex, offset: int, diags: list[Diagnostic], key: str) -> str:
        if len(value) == 1 and value[0][0] != "macro":
            return value[0][1]
        out: list[str] = []
        for kind, text in value:
            if kind == "macro":
                hit = self.macros.get(text)
                if hit is None:
                    diags.append(
                        Diagnostic.make(
                            "PC211", f"undefined @string macro {text!r} (read as empty)",
                            lines.position(offset), key=key or None,
                        )
                    )  # fmt: skip
                    hit = ""
                out.append(hit)
            else:
                out.append(text)
        return "".join(out)

    def blocks(
        self, text: str, lines: LineIndex, diags: list[Diagnostic]
    ) -> Iterator[tuple[Block, dict[str, tuple[str, Value, int]]]]:
        """Entries with their evaluated fields (first of duplicates kept); other blocks are recorded."""
        for block in tokenize(text, lines, diags):
            if block.kind == "string":
                name, value, off = block.fields[0]
                self.macros[name] = self.evaluate(value, lines, off, diags, "")
                self.strings.append((name, render_value(value)))
            elif block.kind == "preamble":
                self.preamble.append(render_value(block.fields[0][1]))
            elif block.kind == "comment":
                self.comments.append(block.text)
            else:
                fields = block.entry if block.entry is not None else {}
                for name, off in block.duplicates or ():
                    diags.append(
                        Diagnostic.make(
                            "PC201", f"duplicate field {name!r}; the first value is kept",
                            lines.position(off), key=block.key or None,
                        )
                    )  # fmt: skip
                for name in block.unevaluated or ():
                    _, value, off = fields[name]
                    fields[name] = (self.evaluate(value, lines, off, diags, block.key), value, off)
                if block.key:
                    low = block.key.lower()
                    if low in self.keys_seen:
                        diags.append(
                            Diagnostic.make(
                                "PC200", f"duplicate citation key {block.key!r}",
                                lines.position(block.offset), key=block.key,
                            )
                        )  # fmt: skip
                    self.keys_seen.add(low)
                    self.fieldsets.setdefault(low, fields)
                yield block, fields

    def resolve(
        self,
        block: Block,
        fields: dict[str, tuple[str, Value, int]],
        lines: LineIndex,
        diags: list[Diagnostic],
    ) -> dict[str, tuple[str, Value, int]]:
        """Fields after crossref inheritance."""
        ref = fields.get("crossref")
        if ref is None:
            return fields
        parent = self.fieldsets.get(ref[0].strip().lower())
        if parent is None:
            diags.append(
                Diagnostic.make(
                    "PC212", f"crossref {ref[0].strip()!r} points to no entry",
                    lines.position(ref[2]), key=block.key or None,
                )
            )  # fmt: skip
            return fields
        merged = dict(fields)
        # the container field the child's type does not use is not inherited (styles ignore it,
        # and reading it as a fallback container would not survive a BibTeX round trip)
        unused = "booktitle" if block.type in T.JOURNAL_TYPES else "journal"
        for name, item in parent.items():
            if name in ("crossref", "key", unused):
                continue
            if name not in merged:
                merged[name] = item
        if (
            block.type in ("inproceedings", "incollection", "conference")
            and "booktitle" not in fields
            and "title" in parent
        ):
            merged["booktitle"] = parent["title"]
        return merged

    def convert(
        self,
        block: Block,
        fields: dict[str, tuple[str, Value, int]],
        lines: LineIndex,
        diags: list[Diagnostic],
    ) -> Paper:
        return _convert(block, fields, lines, diags)


def _convert(
    block: Block,
    fields: dict[str, tuple[str, Value, int]],
    lines: LineIndex,
    diags: list[Diagnostic],
    dialect: T.Dialect = T.BIBTEX,
) -> Paper:
    key = block.key or None
    btype = block.type
    f: dict[str, str] = {}
    offsets: dict[str, int] = {}
    raw_items: list[tuple[str, str]] = []
    for name, (ftext, fvalue, foff) in fields.items():
        f[name] = ftext
        offsets[name] = foff
        # a plain single string is what the writer generates anyway: no raw needed
        if (
            name in _ALWAYS_RAW
            or len(fvalue) != 1
            or fvalue[0][0] != "str"
            or _NEEDS_RAW.search(ftext) is not None
        ):
            raw_items.append((RAW_PREFIX + name, render_value(fvalue)))
    raw = tuple(raw_items)
    for alias, canon in dialect.aliases.items():
        if alias in f and canon not in f:
            f[canon] = f.pop(alias)
            offsets[canon] = offsets[alias]
    unknown_cmds: list[tuple[str, str]] = []
    current = [""]

    def report(cmd: str) -> None:
        unknown_cmds.append((current[0], cmd))

    def dec(name: str) -> str | None:
        text = f.pop(name, None)
        if text is None:
            return None
        current[0] = name
        return latex.decode(text, report=report) or None

    def verb(name: str) -> str | None:
        text = f.pop(name, None)
        return (latex.decode_verbatim(text) or None) if text is not None else None

    def warn(code: str, msg: str, name: str) -> None:
        pos = lines.position(offsets[name]) if name in offsets else lines.position(block.offset)
        diags.append(Diagnostic.make(code, msg, pos, key=key))

    p: dict[str, Any] = {"key": key}
    if btype not in dialect.bib_to_csl:
        warn("PC213", f"unknown entry type @{btype}, read as misc", "")
    for role, fname in (("author", "author"), ("editor", "editor"), ("translator", "translator"),
                        ("container_author", "bookauthor")):  # fmt: skip
        if fname not in f:
            continue
        text = f.pop(fname)
        current[0] = fname
        names, trunc, problems = parse_names(text, report)
        for problem in problems:
            warn("PC221", problem, fname)
        p[role] = names
        if trunc and role in ("author", "editor"):
            p[role + "_truncated"] = True
    title = f.pop("title", None)
    if title is not None:
        current[0] = "title"
        value, spans = _title(title, report)
        p["title"], p["title_nocase"] = (value or None), (spans if value else None)
    primary, secondary = ("journal", "booktitle") if btype in T.JOURNAL_TYPES else ("booktitle", "journal")
    p["container_title"] = dec(primary) if primary in f else dec(secondary)
    if btype in T.ISSUE_TYPES:
        p["issue"] = dec("number")
    elif btype in T.SERIES_TYPES:
        p["collection_number"] = dec("number")
    else:
        p["number"] = dec("number")
    if "issue" in f and p.get("issue") is None:
        p["issue"] = dec("issue")
    pub_fields = (
        ("school", "institution", "publisher") if btype in T.SCHOOL_TYPES
        else ("institution", "publisher", "school") if btype in T.INSTITUTION_TYPES
        else ("publisher", "institution", "school")
    )  # fmt: skip
    for name in pub_fields:
        if name in f:
            p["publisher"] = dec(name)
            break
    if "pages" in f:
        p["page"] = _pages(f.pop("pages")) or None
    # dates
    year_text = dec("year")
    month_text = f.pop("month", None)
    day_text = f.pop("day", None)
    year: int | None = None
    date_literal: str | None = None
    end: Date | None = None
    if year_text is not None:
        if _YEAR.fullmatch(year_text):
            year = int(year_text)
        elif (m := _YEAR_RANGE.fullmatch(year_text)) is not None:
            year, end = int(m.group(1)), Date(year=int(m.group(2)))
        else:
            date_literal = year_text
            warn("PC220", f"year {year_text!r} is not a number; kept as a literal date", "year")
    month = day = None
    if month_text is not None:
        month, day = _month(latex.decode(month_text))
        if month is None:
            warn("PC220", f"month {month_text!r} is not a month; kept as a field", "month")
            f["month"] = month_text
    if day_text is not None:
        d = latex.decode(day_text)
        if d.isdigit() and month is not None and 1 <= int(d) <= 31 and day is None:
            day = int(d)
        else:
            warn("PC220", f"day {day_text!r} is not usable; kept as a field", "day")
            f["day"] = day_text
    if year is not None or date_literal is not None or month is not None:
        p["issued"] = Date(year=year, month=month, day=day, literal=date_literal, end=end)
    elif "date" in f:  # biblatex
        m = _ISO.fullmatch(f["date"].strip())
        if m is not None:
            f.pop("date")
            mo = int(m.group(2)) if m.group(2) else None
            dy = int(m.group(3)) if m.group(3) else None
            if mo is not None and 1 <= mo <= 12 and (dy is None or 1 <= dy <= 31):
                p["issued"] = Date(year=int(m.group(1)), month=mo, day=dy)
    if "urldate" in f:
        m = _ISO.fullmatch(f["urldate"].strip())
        if m is not None and (not m.group(2) or 1 <= int(m.group(2)) <= 12):
            f.pop("urldate")
            mo = int(m.group(2)) if m.group(2) else None
            dy = int(m.group(3)) if m.group(3) and mo else None
            p["accessed"] = Date(year=int(m.group(1)), month=mo, day=dy)
    # identifiers
    if "doi" in f:
        p["doi"] = _norm_doi(verb("doi") or "") or None
    if "isbn" in f:
        p["isbn"] = _list(verb("isbn") or "")
    if "issn" in f:
        p["issn"] = _list(verb("issn") or "")
    if "keywords" in f:
        p["keywords"] = _list(dec("keywords") or "")
    if "url" in f:
        p["url"] = verb("url")
    elif "howpublished" in f and (m := _URL_CMD.fullmatch(f["howpublished"])) is not None:
        f.pop("howpublished")
        p["url"] = latex.decode_verbatim(m.group(1)) or None
    # arXiv
    prefix = f.get("archiveprefix")
    arxiv: ArxivId | None = None
    if "eprint" in f and (prefix is None or prefix.strip().lower() == "arxiv"):
        arxiv = ArxivId.parse(latex.decode_verbatim(f["eprint"]))
        if arxiv is not None:
            f.pop("eprint")
            f.pop("archiveprefix", None)
    if arxiv is None and "arxivid" in f:
        arxiv = ArxivId.parse(latex.decode_verbatim(f["arxivid"]))
        if arxiv is not None:
            f.pop("arxivid")
    if arxiv is None and p.get("doi", "") and p["doi"].startswith("10.48550/arxiv."):
        arxiv = ArxivId.parse(p["doi"])
    if arxiv is None and p.get("url") and "arxiv.org/abs/" in p["url"]:
        arxiv = ArxivId.parse(p["url"])
    p["arxiv"] = arxiv
    cls = verb("primaryclass")
    code = verb("x-category") if "x-category" in f else _derived_code(cls)
    if cls is not None or code is not None:
        p["category"] = Category(code=code, arxiv_class=cls)
    # pubconv fields
    # type
    csl = dialect.bib_to_csl.get(btype, "document")
    if csl == "document" and (arxiv is not None or "category" in p):
        csl = "article"  # a misc with an arXiv id or class is a preprint
    p["type"] = csl
    # plain text fields, pubconv fields and unknown fields, in one pass in source order
    marker: str | None = None
    extra: list[tuple[str, str]] = []
    for name, text in f.items():
        current[0] = name
        attr = _DIRECT_BY_FIELD.get(name)
        if attr is not None:
            p[attr] = latex.decode(text, report=report) or None
        elif name[:2] == "x-" and name in _X_FIELDS:
            if name == "x-has-code":
                p["has_code"] = latex.decode_verbatim(text).lower() == "true"
            elif name == "x-bibtex-type":
                marker = latex.decode_verbatim(text) or None
            elif p.get(_X_ATTRS[name]) is None:
                p[_X_ATTRS[name]] = latex.decode(text, report=report) or None
        elif name in T.VERBATIM or name.endswith("url"):
            extra.append((name, latex.decode_verbatim(text)))
        else:
            extra.append((name, latex.decode(text, report=report)))
    orig = marker or btype
    if _default_bib_type(csl, p.get("genre"), dialect) != orig:
        extra.append(("x-bibtex-type", orig))
    if extra:
        p["extra"] = tuple(extra)
    paper = Paper(
        **{k: v for k, v in p.items() if v is not None}, raw=raw, origin=lines.position(block.offset)
    )
    for fname, cmd in unknown_cmds:
        warn(
            "PC222",
            f"LaTeX command {cmd!r} in field {fname!r} has no Unicode equivalent; kept verbatim",
            fname,
        )
    return paper


#: Paper string attribute -> BibTeX field, for fields read and written as plain text
_DIRECT: Final = (
    ("title_short", "shorttitle"),
    ("container_title_short", "shortjournal"),
    ("collection_title", "series"),
    ("volume", "volume"),
    ("chapter_number", "chapter"),
    ("number_of_pages", "pagetotal"),
    ("edition", "edition"),
    ("version", "version"),
    ("publisher_place", "address"),
    ("event_title", "eventtitle"),
    ("event_place", "venue"),
    ("genre", "type"),
    ("status", "pubstate"),
    ("pmid", "pmid"),
    ("pmcid", "pmcid"),
    ("abstract", "abstract"),
    ("language", "language"),
    ("note", "note"),
)


_X_ATTRS: Final = {"x-" + attr.replace("_", "-"): attr for attr in T.X_STRING_FIELDS}
_X_FIELDS: Final = frozenset({*_X_ATTRS, "x-has-code", "x-bibtex-type"})
_DIRECT_BY_FIELD: Final = {name: attr for attr, name in _DIRECT}


def _derived_code(cls: str | None) -> str | None:
    if cls is None:
        return None
    return cls.rsplit(".", 1)[-1] if "." in cls else cls


def _bib_type(paper: Paper, dialect: T.Dialect = T.BIBTEX) -> str:
    """The entry type the writer uses for ``paper``."""
    marker = paper.get_extra("x-bibtex-type")
    if marker:
        return marker
    return _default_bib_type(paper.type, paper.genre, dialect)


def _default_bib_type(csl: str, genre: str | None, dialect: T.Dialect = T.BIBTEX) -> str:
    if csl == "thesis" and genre and "master" in genre.lower():
        return "mastersthesis"
    return dialect.csl_to_bib.get(csl, "misc")


def _chunks(lines: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Group lines into chunks that each start at an ``@`` line; yield (text, line offset)."""
    buf: list[str] = []
    start = 0
    for count, line in enumerate(lines):
        if line.lstrip(" \t").startswith("@") and buf:
            yield "".join(buf), start
            buf = []
            start = count
        buf.append(line if line.endswith("\n") else line + "\n")
    if buf:
        yield "".join(buf), start


def _iter(
    pieces: Iterable[tuple[str, int]], source: str, reader: _Reader, *, stream: bool
) -> Iterator[Paper | Diagnostic]:
    pending: list[tuple[Block, dict[str, tuple[str, Value, int]], LineIndex]] = []
    for text, offset in pieces:
        lines = LineIndex(text, source, offset)
        diags: list[Diagnostic] = []
        for block, fields in reader.blocks(text, lines, diags):
            if "crossref" in fields or (pending and not stream):
                pending.append((block, fields, lines))
            else:
                yield from diags
                diags.clear()
                yield _convert(block, fields, lines, diags)
            yield from diags
            diags.clear()
        yield from diags
    for block, fields, lines in pending:
        diags = []
        merged = reader.resolve(block, fields, lines, diags)
        yield from diags
        diags.clear()
        yield _convert(block, merged, lines, diags)
        yield from diags


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: reading allocates many small acyclic objects, and
    generation scans cost about a fifth of the run time on large files."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(text: str, *, source: str = "<string>") -> ReadResult:
    """Parse a whole .bib text. ``document`` is a :class:`BibDocument`."""
    reader = _Reader(source)
    papers: list[Paper] = []
    diags: list[Diagnostic] = []
    with _gc_paused():
        for item in _iter([(text, 0)], source, reader, stream=False):
            if isinstance(item, Paper):
                papers.append(item)
            else:
                diags.append(item)
    return ReadResult(tuple(papers), tuple(diags), reader.document())


def iter_read(
    lines: Iterable[str], *, source: str = "<string>", document: list[BibDocument] | None = None
) -> Iterator[Paper | Diagnostic]:
    """Stream papers and diagnostics, one entry at a time.

    Entries with ``crossref`` are held back and yielded at the end (their
    parent may come later). When ``document`` is a list, the :class:`BibDocument`
    is appended to it once the input is exhausted.
    """
    reader = _Reader(source)
    yield from _iter(_chunks(lines), source, reader, stream=True)
    if document is not None:
        document.append(reader.document())


# ---------------------------------------------------------------------------------------------
# writer

_KEY_OK = re.compile(r"[^\s,{}()\"#%'=\\~]+")
_FIELD_NAME_BAD = re.compile(r"[^a-z0-9_.:+/-]")


def _needs_braces(text: str, encoded: str) -> bool:
    """True when a name part must be braced to keep BibTeX from re-splitting it.

    ``encoded`` is the LaTeX of ``text``; a word is von-like when BibTeX's case test
    (first letter at brace level 0) finds it lower case.
    """
    low = f" {text.lower()} "
    return (
        "," in text
        or " and " in low
        or low == " others "
        or any(_bib_case(w) == "lower" for w in encoded.split())
    )


def _person_parts(n: Name) -> tuple[str | None, str]:
    """(particle, family) as BibTeX can hold them: an upper-case particle joins the family."""
    particle = " ".join(x for x in (n.dropping_particle, n.particle) if x) or None
    family = n.family or ""
    if particle and not all(_bib_case(latex.encode(w)) == "lower" for w in particle.split()):
        return None, f"{particle} {family}"
    return particle, family


def _name_latex(n: Name, enc: Callable[[str], str]) -> str:
    if n.literal is not None or n.family is None:
        text = n.literal if n.literal is not None else (n.given or "")
        return "{" + enc(text) + "}"
    particle, fam = _person_parts(n)
    if (
        particle is None
        and n.particle
        and not n.suffix
        and n.given
        and not n.dropping_particle
        and not _needs_braces(n.family or "", enc(n.family or ""))
        and " " not in (n.family or "")
        and not any(w[:1].islower() or not w[:1].isalpha() for w in n.given.split())
        and n.particle.split()[0][:1].islower()
        and n.particle.split()[-1][:1].islower()
    ):
        # "Andrea de Leeuw van Weenen": the von part has an upper-case word inside, which only
        # the First von Last form can hold
        return f"{enc(n.given)} {enc(n.particle)} {enc(n.family or '')}"
    family = enc(fam)
    braced = _needs_braces(fam, family)
    if braced:
        family = "{" + family + "}"
    out = (enc(particle) + " " if particle else "") + family
    given = enc(n.given) if n.given else ""
    if n.given and ("," in n.given or " and " in f" {n.given.lower()} "):
        given = "{" + given + "}"
    if n.suffix:
        suffix = enc(n.suffix)
        if _needs_braces(n.suffix, suffix):
            suffix = "{" + suffix + "}"
        return f"{out}, {suffix}, {given}" if given else f"{out}, {suffix},"
    if given:
        return f"{out}, {given}"
    if particle or braced or " " in fam:
        return out + ","
    return out


def _names_latex(names: tuple[Name, ...], truncated: bool, enc: Callable[[str], str]) -> str:
    parts = [_name_latex(n, enc) for n in names]
    if truncated:
        parts.append("others")
    return " and ".join(parts)


def _title_latex(title: str, spans: tuple[tuple[int, int], ...] | None, enc: Callable[[str], str]) -> str:
    if spans is None:
        spans = latex.auto_protect_spans(title)
    if not spans:
        return enc(title)
    out: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        if a < pos or b <= a:
            continue
        out.append(enc(title[pos:a]))
        inner = enc(title[a:b])
        # a group starting with a backslash would be a BibTeX "special character", not protection
        out.append("{{}" + inner + "}" if inner.startswith("\\") else "{" + inner + "}")
        pos = b
    out.append(enc(title[pos:]))
    return "".join(out)


def _date_iso(d: Date) -> str | None:
    if d.year is None or d.literal is not None or d.end is not None or d.season is not None or d.circa:
        return None
    return d.isoformat()


class _Writer:
    def __init__(
        self,
        diagnostics: list[Diagnostic] | None,
        document: BibDocument | None,
        unicode: bool,
        keep_raw: bool,
        dialect: T.Dialect = T.BIBTEX,
    ) -> None:
        self.dialect = dialect
        self.diags = diagnostics
        self.same: dict[tuple[str, str, str], bool] = {}
        """Memo of raw-reuse decisions: (field, raw expression, generated LaTeX) -> same meaning."""
        self.unicode = unicode
        self.keep_raw = keep_raw
        self.keys = KeyAllocator()
        self.macros: dict[str, str] = dict(T.MONTH_MACROS)
        if document is not None:
            for name, expr in document.strings:
                value = _parse_expr(expr)
                if value is not None:
                    self.macros[name.lower()] = _eval_known(value, self.macros) or ""

    def enc(self, text: str) -> str:
        return latex.encode(text, unicode=self.unicode)

    def lose(self, key: str, field: str, why: str = "") -> None:
        if self.diags is not None:
            msg = f"BibTeX cannot hold {field}" + (f" ({why})" if why else "") + "; it was dropped"
            self.diags.append(Diagnostic.make("PC400", msg, key=key))

    def fields(self, p: Paper, key: str, btype: str) -> list[tuple[str, str, bool]]:
        """``(name, latex, bare)`` in output order; ``bare`` values are written without braces."""
        enc = self.enc
        out: list[tuple[str, str, bool]] = []

        def add(name: str, value: str | None, bare: bool = False) -> None:
            if value is not None and value != "":
                out.append((name, value, bare))

        for role, fname in (("author", "author"), ("editor", "editor"), ("translator", "translator"),
                            ("container_author", "bookauthor")):  # fmt: skip
            names: tuple[Name, ...] = getattr(p, role)
            trunc = bool(getattr(p, role + "_truncated", False))
            if names or trunc:
                add(fname, _names_latex(names, trunc, enc))
        if p.collection_editor:
            self.lose(key, "collection_editor")
        if p.title is not None:
            add("title", _title_latex(p.title, p.title_nocase, enc))
        if p.container_title is not None:
            add("journal" if btype in T.JOURNAL_TYPES else "booktitle", enc(p.container_title))
        numbers = {"issue": p.issue, "collection_number": p.collection_number, "number": p.number}
        main = (
            "issue"
            if btype in T.ISSUE_TYPES
            else "collection_number"
            if btype in T.SERIES_TYPES
            else "number"
        )
        main_value = numbers[main]
        add("number", enc(main_value) if main_value else None)
        if main != "issue" and p.issue:
            add("issue", enc(p.issue))
        for attr in ("number", "collection_number"):
            if attr != main and numbers[attr]:
                add("x-" + attr.replace("_", "-"), enc(numbers[attr] or ""))
        if p.page is not None:
            add("pages", enc(p.page).replace("-{}", "-").replace("-", "--"))
        if p.publisher is not None:
            pub = (
                "school"
                if btype in T.SCHOOL_TYPES
                else "institution"
                if btype in T.INSTITUTION_TYPES
                else "publisher"
            )
            add(pub, enc(p.publisher))
        for attr, name in _DIRECT:
            value = getattr(p, attr)
            if value is not None:
                add(name, enc(value))
        d = p.issued
        if d is not None:
            if d.literal is not None:
                add("year", enc(d.literal))
                if d.year is not None or d.month is not None:
                    self.lose(key, "issued", "date parts beside a literal date")
            else:
                if d.year is not None:
                    if d.end is not None and d.end.year is not None and d.month is None:
                        add("year", f"{d.year}--{d.end.year}")
                    else:
                        add("year", str(d.year))
                        if d.end is not None:
                            self.lose(key, "issued.end", "date range")
                if d.month is not None:
                    add("month", T.MONTH_ABBR[d.month - 1], True)
                if d.day is not None:
                    add("day", str(d.day))
                if d.season is not None or d.circa:
                    self.lose(key, "issued", "season or circa")
        if p.accessed is not None:
            iso = _date_iso(p.accessed)
            if iso:
                add("urldate", iso)
            else:
                self.lose(key, "accessed")
        for attr in ("original_date", "event_date"):
            if getattr(p, attr) is not None:
                self.lose(key, attr)
        if p.doi:
            add("doi", latex.encode_verbatim(p.doi))
        if p.isbn:
            add("isbn", latex.encode_verbatim(", ".join(p.isbn)))
        if p.issn:
            add("issn", latex.encode_verbatim(", ".join(p.issn)))
        if p.arxiv is not None:
            add("eprint", str(p.arxiv))
            add("archiveprefix", self.dialect.archive_prefix)
        cat = p.category
        if cat is not None:
            if cat.arxiv_class:
                add("primaryclass", latex.encode_verbatim(cat.arxiv_class))
            if cat.code != _derived_code(cat.arxiv_class):
                out.append(("x-category", latex.encode_verbatim(cat.code or ""), False))
        if p.url:
            add("url", latex.encode_verbatim(p.url))
        if p.keywords:
            add("keywords", ", ".join(enc(k) for k in p.keywords))
        if p.organization:
            add("x-organization", enc(p.organization))
        if p.has_code:
            add("x-has-code", "true")
        if p.medium:
            add("x-medium", enc(p.medium))
        seen = {name for name, _, _ in out}
        for name, value in p.extra:
            fname = _FIELD_NAME_BAD.sub("-", name.lower())
            if fname == "x-bibtex-type":
                continue
            if fname in seen or not fname or not fname[0].isalpha():
                self.lose(key, f"extra field {name!r}", "name clashes with another field")
                continue
            seen.add(fname)
            if fname in T.VERBATIM or fname.endswith("url"):
                out.append((fname, latex.encode_verbatim(value), False))
            else:
                out.append((fname, enc(value), False))
        return out

    def entry(self, p: Paper) -> str:
        key = self.keys.allocate(p, self.diags, valid=_KEY_OK.fullmatch)
        btype = _bib_type(p, self.dialect)
        folded = p.type not in _MISC_TYPES or (p.type == "article") != (
            p.arxiv is not None or p.category is not None
        )
        if btype == "misc" and folded and self.diags is not None:
            self.diags.append(
                Diagnostic.make(
                    "PC401", f"CSL type {p.type!r} has no BibTeX entry type; written as @misc", key=key
                )
            )
        raw = dict(p.raw) if self.keep_raw and p.raw else {}
        lines = [f"@{btype}{{{key},\n"]
        for name, value, bare in self.fields(p, key, btype):
            expr = value if bare else "{" + value + "}"
            old = raw.get(RAW_PREFIX + name)
            if old is not None and old != expr:
                probe = (name, old, value)
                same = self.same.get(probe)
                if same is None:
                    same = False
                    parsed = _parse_expr(old)
                    if parsed is not None:
                        text = _eval_known(parsed, self.macros)
                        same = text is not None and _meaning(name, text) == _meaning(name, value)
                    self.same[probe] = same
                if same:
                    expr = old
            lines.append(f"  {name} = {expr},\n")
        lines.append("}\n")
        return "".join(lines)


#: CSL types that read back from @misc (document; article when there is an arXiv id or class)
_MISC_TYPES: Final = frozenset({"document", "article"})


def _parse_expr(expr: str) -> Value | None:
    """Parse a stored value expression; None unless it is one well-formed value."""
    try:
        value, end = _value(expr, 0, len(expr))
    except _Broken:
        return None
    return value if end == len(expr) else None


def _eval_known(value: Value, macros: dict[str, str]) -> str | None:
    out: list[str] = []
    for kind, text in value:
        if kind == "macro":
            hit = macros.get(text)
            if hit is None:
                return None
            out.append(hit)
        else:
            out.append(text)
    return "".join(out)


def iter_write(
    papers: Iterable[Paper],
    *,
    diagnostics: list[Diagnostic] | None = None,
    document: BibDocument | None = None,
    unicode: bool = False,
    keep_raw: bool = True,
    **options: Any,
) -> Iterator[str]:
    """Yield the .bib text in chunks: document preamble and strings, entries, comments.

    Options: ``unicode`` keeps non-ASCII characters as UTF-8 (only LaTeX specials
    are escaped); ``keep_raw`` (default True) reuses the source LaTeX of fields
    read from BibTeX while it still means the current value; ``document``
    writes a :class:`BibDocument` back.
    """
    if options and diagnostics is not None:
        for name in options:
            diagnostics.append(Diagnostic.make("PC401", f"unknown BibTeX writer option {name!r} ignored"))
    w = _Writer(diagnostics, document, unicode, keep_raw)
    first = True
    if document is not None:
        for expr in document.preamble:
            yield f"@preamble{{{expr}}}\n"
            first = False
        for name, expr in document.strings:
            yield f"@string{{{name} = {expr}}}\n"
            first = False
    for paper in papers:
        yield ("" if first else "\n") + w.entry(paper)
        first = False
    if document is not None:
        for text in document.comments:
            yield ("" if first else "\n") + f"@comment{{{text}}}\n"
            first = False


def write(
    papers: Iterable[Paper],
    *,
    diagnostics: list[Diagnostic] | None = None,
    document: BibDocument | None = None,
    unicode: bool = False,
    keep_raw: bool = True,
    **options: Any,
) -> str:
    """Serialise papers as BibTeX (see :func:`iter_write` for the options)."""
    with _gc_paused():
        return "".join(
            iter_write(
                papers,
                diagnostics=diagnostics,
                document=document,
                unicode=unicode,
                keep_raw=keep_raw,
                **options,
            )
        )


# ---------------------------------------------------------------------------------------------
# round-trip normalisation


def normalize(paper: Paper) -> Paper:
    """``paper`` restricted to what BibTeX holds, with the documented normalisations applied.

    ``read(write([p])).papers[0] == normalize(p)`` for well-formed papers: whitespace
    folded, title_nocase None -> automatic spans, dropping particle merged into the
    particle, DOI lower-case, page dashes ``-``, unsupported fields removed.
    """
    ws = re.compile(r"\s+")

    def t(s: str | None) -> str | None:
        if s is None:
            return None
        s = ws.sub(" ", s).strip()
        return s or None

    def name(n: Name) -> Name:
        if n.literal is not None:
            return Name(literal=t(n.literal))
        particle = t(" ".join(x for x in (n.dropping_particle, n.particle) if x))
        return Name(family=t(n.family), given=t(n.given), particle=particle, suffix=t(n.suffix))

    changes: dict[str, Any] = {}
    for field_name in Paper.__dataclass_fields__:
        if field_name in ("raw", "origin") or field_name in SUPPORTS:
            continue
        changes[field_name] = Paper.__dataclass_fields__[field_name].default
    for attr in ("title", "title_short", "container_title", "container_title_short", "collection_title",
                 "collection_number", "volume", "issue", "number", "page", "number_of_pages",
                 "chapter_number", "edition", "version", "publisher", "publisher_place", "event_title",
                 "event_place", "genre", "status", "medium", "pmid", "pmcid", "abstract", "language",
                 "note", "organization"):  # fmt: skip
        changes[attr] = t(getattr(paper, attr))
    if changes["page"]:
        changes["page"] = changes["page"].replace("–", "-").replace("—", "-")
    if paper.title is not None and changes["title"] is not None:
        spans = paper.title_nocase
        changes["title_nocase"] = latex.auto_protect_spans(changes["title"]) if spans is None else spans
    else:
        changes["title_nocase"] = None
    for role in ("author", "editor", "translator", "container_author"):
        changes[role] = tuple(name(n) for n in getattr(paper, role))
    if paper.doi:
        changes["doi"] = _norm_doi(paper.doi)
    changes["collection_editor"] = ()
    if not paper.get_extra("x-bibtex-type") and _default_bib_type(paper.type, paper.genre) == "misc":
        preprint = paper.arxiv is not None or paper.category is not None
        changes["type"] = "article" if preprint else "document"
    changes["raw"] = ()
    return paper.replace(**changes)
