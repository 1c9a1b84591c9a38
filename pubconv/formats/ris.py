"""RIS (Research Information Systems) reader and writer.

**Syntax read.** A tag line is ``XX  - value`` (``XX`` a capital letter and a
capital letter or digit; one or two spaces before the hyphen are accepted, and
``ER  -`` may lack its trailing space). A record runs from ``TY`` to ``ER``.
CRLF or LF line ends, a byte-order mark (also in the middle of concatenated
exports), blank lines and counter lines (``1.``, as rispy writes) are accepted.
A line that is not a tag line *continues* the previous value (the spec's
wrapped long fields); a continuation line starting with a space loses exactly
one space (the writer's escape, below); blank lines followed by a continuation
line are paragraph breaks of the value, other blank lines are ignored.
Continuation lines are joined with a newline for AB, N1, N2, names, URLs and
kept tags, with a space for the other one-line fields (titles, VL ...); each
continuation line of a KW is one more keyword. Text outside a record is skipped
with PC103; a record that is not closed by ``ER`` (next ``TY`` or end of input)
is kept with PC104 (as a warning); a tag whose value is empty is ignored.

**Mapping** (tables in :mod:`pubconv.formats._ris_tables`). TY <-> CSL type by
one table; a TY the writer would not write back for the read type (EJOUR,
CONF, EBOOK ...) or an unknown TY (read as ``document``, PC213) is kept as
``extra ("RIS:TY", TY)`` and written again. ``GEN`` reads as ``article`` when
the record carries an arXiv id, else ``document``; preprints (``article``) are
written as ``GEN``; so is a GEN record whose pubconv line (below) gives a
subject category. Titles TI (read T1, CT; BT for books), container T2 (read
JO, JF; BT for other types), abbreviation J2 (read JA, J1), series T3, short
title ST, authors AU (read A1), editors A2 (read ED; A3 for book types, where
A3 is the editor), translators A4, dates PY + DA (read Y1; Y2 is the access
date), pages SP/EP joined as ``SP-EP``, VL, IS, M1 (number), ET, PB, CY, M3
(genre), SN (each ISSN- or ISBN-shaped part goes to :attr:`Paper.issn` /
:attr:`Paper.isbn`, a value of another shape is kept), DO (resolver prefixes
dropped, lower-cased; a DOI-shaped M3 or N1 is taken as the DOI when there is
no DO), UR (split on ``;`` and newlines; the first is :attr:`Paper.url`, the
others are kept), KW, LA, AB (read N2), N1 (several joined by a blank line),
ID (key). Every other tag, and every repeat of a single-valued tag, is kept in
:attr:`Paper.extra` as ``("RIS:XX", value)`` and written back in order.

**Per-type meanings** (:data:`~pubconv.formats._ris_tables.TYPE_TAGS`, the 2011 type
tables EndNote writes): EJOUR ``DA`` is the access date and ``M1`` the issue; BOOK
(EBOOK, EDBOOK) ``A2`` the series editor, ``T2`` the series title, ``M1`` the series
number; CHAP (ECHAP) ``A3`` the series editor, ``SE`` the chapter number; CONF/CPAPER
``CY`` the conference location (:attr:`Paper.event_place`) and ``C1`` the place of
publication; RPRT ``T2`` the series title and ``A2`` the series editor; COMP/DATA ``ET``
the version. THES ``PB`` (university), ``CY`` and ``M3`` (kind of thesis) keep their
generic meanings (publisher, place, genre). The writer uses the same table for the TY it
writes, and never writes a field to a tag the type uses for something else (an EJOUR
issued date beyond the year, a BOOK's container title, a COMP's edition): those travel in
the pubconv line below.

**Dates.** ``PY  - YYYY`` and ``DA  - YYYY/MM/DD/other`` (empty parts kept
empty: ``2020/06//``; a season as *other*: ``1998///Spring``; a month range
within the year as *other*: ``2019/01//Jan-Feb``). The reader also takes
``undefined`` as an empty *other* part, season abbreviations (``SPR``), ISO
dates, ``2021/12``, ``2022 Jan 5``, ``Jan-Mar 2020`` (a range),
month-only ``DA  - SEP 12`` completed with the year of PY (Web of Science);
the most precise consistent date wins, an inconsistent one is kept in extra.
A date that cannot be parsed becomes ``Date(literal=...)`` with PC220.

**Names.** ``Last, First`` or ``Last, First, Suffix`` (also ``Last, Suffix,
First`` when the middle part is a suffix); leading lower-case words of Last
are the particle (``de Marrais, Robert P. C.``). A person without given name
is written ``Last,``; an organisation is written without comma. On read, a name
without comma is an organisation (``Name(literal=...)``) only when it has a cue word
(Team, Network, Institute, ... see :data:`pubconv.names.ORG_CUES`) or more than five
words; otherwise it is a person: the ``Smith JA`` form (a last word of one to three
capitals, optionally dotted), or display order (``Jianjun Huang``, ``Hodgins``) as
real exports write it. An organisation without a cue word that pubconv wrote is
recovered through the pubconv line (below). An author ``et al.``
(or ``and others``) sets :attr:`Paper.author_truncated` instead of being a name; the
writer records the flag in the pubconv line, not as a fake author.

**pubconv conventions** (recognised and removed from the note on read):

* ``N1  - arXiv:2008.12284v2 [cs.LG]``: arXiv's own citation form, holding
  :attr:`Paper.arxiv` and the primary class;
* ``N1  - pubconv: {json}``: one line, written last, holding in pubconv's JSON
  form (:func:`pubconv.serialize.paper_to_dict`) every supported field that
  the tags above do not give back exactly: the listing's ``organization``,
  ``has_code``, ``category``, ``author_truncated``, a paper type without its
  own TY, organisation names containing commas, dropping particles, date
  ranges and ``circa`` ... The writer finds them by reading its own record
  back, so ``read(write([p])).papers == [normalize(p)]`` for every paper.

**Writing.** UTF-8 (the API adds no BOM), CRLF line ends (``newline=``
option), ``TY`` first, ``ER  - `` last followed by a blank line, one value per
line, no counter lines. A value's inner newlines become continuation lines;
a continuation line that is empty, starts with a space or could be read as a
tag line gets one leading space, so no text can inject a tag (``\\nER  - ``).
Titles and other one-line fields read back folded, so the pubconv line carries
them when they held a newline.

.. versionadded:: 0.1
"""

from __future__ import annotations

import calendar
import functools
import json
import operator
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from ..errors import Diagnostic, Severity
from ..model import ArxivId, Category, Date, Name, Paper, Position
from ..names import is_suffix, looks_like_organisation, parse_plain
from ..serialize import paper_from_dict, paper_to_dict
from ._ris_tables import BOOK_TYS, READ_TY, SIMPLE_TAGS, TYPE_TAGS, WRITE_TY
from .base import ReadResult, collect, slices, unsupported_defaults

__all__ = [
    "ALIASES",
    "DESCRIPTION",
    "EXTENSIONS",
    "NAME",
    "SUPPORTS",
    "format_name",
    "iter_read",
    "iter_write",
    "normalize",
    "parse_date",
    "parse_name",
    "read",
    "sniff",
    "write",
]

NAME: Final = "ris"
ALIASES: Final[tuple[str, ...]] = ()
EXTENSIONS: Final = (".ris",)
DESCRIPTION: Final = "RIS tagged format (EndNote, Zotero, Scopus, WoS, PubMed exports)"
SUPPORTS: Final = frozenset(
    {
        "type", "key", "title", "title_short", "author", "author_truncated", "editor",
        "translator", "collection_editor", "issued", "accessed", "container_title",
        "container_title_short", "collection_title", "collection_number", "volume", "issue",
        "number", "page", "chapter_number", "edition", "version", "publisher", "event_place",
        "publisher_place", "genre", "doi", "arxiv", "isbn", "issn", "url", "abstract",
        "keywords", "category", "language", "note", "organization", "has_code", "extra",
    }
)  # fmt: skip

#: A tag line (Zotero's lenient pattern): tag, one or two spaces, hyphen, optional value.
TAG_LINE: Final = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*)|$)")
_COUNTER: Final = re.compile(r"\d+\.")
_ARXIV_NOTE: Final = re.compile(r"arXiv:(\S+)(?: \[([^\]\s]+)\])?")
_PUBCONV: Final = "pubconv: "
_DOI: Final = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX: Final = re.compile(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)")
_ISSN: Final = re.compile(r"\d{4}-?\d{3}[\dXx]")
_ISBN: Final = re.compile(r"(?:97[89]-?)?\d{1,5}-?\d{1,7}-?\d{1,7}-?[\dXx]|97[89]\d{10}")
_SN_SPLIT: Final = re.compile(r"[;,]\s*|\s+")
_URL_SPLIT: Final = re.compile(r"\s*[;\n]\s*")
_INITIALS: Final = re.compile(r"[A-Z]{1,3}|(?:[A-Z]\.){1,3}")
_ET_AL: Final = frozenset({"et al.", "et al", "and others", "others", "et. al."})
_NAME_TAGS: Final = {"AU": "author", "A1": "author", "A2": "editor", "ED": "editor", "A4": "translator"}
_DATE_TAGS: Final = ("DA", "Y1", "PY")
_SIMPLE_READ: Final = {tag: field for field, _, tags in SIMPLE_TAGS for tag in tags}
_FOLDED: Final = (frozenset(_SIMPLE_READ) | {"BT"}) - {"AB", "N2"}
_SEASONS: Final = {
    "spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4,
    "spr": 1, "sum": 2, "aut": 3, "fal": 3, "win": 4,
}  # fmt: skip
_SEASON_NAMES: Final = ("Spring", "Summer", "Autumn", "Winter")
_MONTHS: Final = {
    **{calendar.month_name[i].casefold(): i for i in range(1, 13)},
    **{calendar.month_abbr[i].casefold(): i for i in range(1, 13)},
    "sept": 9,
}
_DATE_TOKEN: Final = re.compile(r"\d+|[^\W\d_]+|[^\s\w]")
_ISO: Final = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")


def sniff(head: str) -> bool:
    """True when a ``TY  - `` tag line starts one of the first 20 non-blank lines (export headers allowed)."""
    seen = 0
    for raw in head.split("\n")[:200]:
        line = raw.rstrip("\r").lstrip("\ufeff")
        if not line.strip():
            continue
        if line.startswith("TY") and TAG_LINE.match(line) is not None:
            return True
        seen += 1
        if seen >= 20:
            break
    return False


# -- names ---------------------------------------------------------------------------------------


def _split_last(last: str) -> tuple[str | None, str | None]:
    """(particle, family): the leading lower-case words of ``last`` (never its last word)."""
    words = last.split(" ")
    i = 0
    while i < len(words) - 1 and words[i][:1].islower():
        i += 1
    return (" ".join(words[:i]) or None), (" ".join(words[i:]) or None)


@functools.lru_cache(maxsize=16384)
def parse_name(text: str) -> Name:
    """A RIS name: ``Last, First[, Suffix]``, a comma-less person, or an organisation (cue word)."""
    value = " ".join(text.split())
    if "," not in value:
        words = value.split(" ")
        if 2 <= len(words) <= 4 and _INITIALS.fullmatch(words[-1]) and words[-2][:1].isupper():
            particle, family = _split_last(" ".join(words[:-1]))
            return Name(family=family, given=words[-1], particle=particle)
        if looks_like_organisation(value) or not value[:1].isalpha():
            return Name(literal=value)
        # real exports carry comma-less persons too ("Hodgins", "Jianjun Huang"): display order
        return parse_plain(value)
    groups = [g.strip() for g in value.split(",")]
    given: str | None
    suffix: str | None = None
    if len(groups) == 2:
        given = groups[1]
        if is_suffix(given):
            given, suffix = None, given
    elif is_suffix(groups[1]) and not is_suffix(groups[2]) and len(groups) == 3:
        suffix, given = groups[1], groups[2]
    else:
        given, suffix = groups[1], ", ".join(groups[2:])
    particle, family = _split_last(groups[0])
    if family is None:
        return Name(literal=value)
    return Name(family=family, given=given or None, particle=particle, suffix=suffix or None)


def format_name(name: Name) -> str:
    """The RIS form of ``name`` (organisations without comma, persons ``Last, First[, Suffix]``)."""
    if name.literal is not None:
        return name.literal
    last = " ".join(p for p in (name.dropping_particle, name.particle, name.family) if p)
    if name.suffix:
        return f"{last}, {name.given or ''}, {name.suffix}"
    return f"{last}, {name.given}" if name.given else f"{last},"


# -- dates ---------------------------------------------------------------------------------------


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if month is None:
            return False
        return 1 <= day <= calendar.monthrange(year if year is not None else 2000, month)[1]
    return True


def _free_date(text: str) -> Date | None:
    """``2022 Jan 5``, ``Jan-Mar 2020``, ``SEP 12``, ``Spring 1998``; None when a token is not understood."""
    year: int | None = None
    months: list[int] = []
    day: int | None = None
    season: int | None = None
    for tok in _DATE_TOKEN.findall(text):
        low = tok.casefold()
        if tok.isdigit():
            if len(tok) == 4 and year is None:
                year = int(tok)
            elif len(tok) <= 2 and day is None:
                day = int(tok)
            else:
                return None
        elif low in _MONTHS and len(months) < 2:
            months.append(_MONTHS[low])
        elif low in _SEASONS and season is None:
            season = _SEASONS[low]
        elif tok not in "-–/,.":
            return None
    month = months[0] if months else None
    if (season is not None and months) or (day is not None and len(months) != 1):
        return None
    if not _valid(year, month, day) or (year is None and month is None and season is None):
        return None
    end = Date(year=year, month=months[1]) if len(months) == 2 else None
    return Date(year=year, month=month, day=day, season=season, end=end)


@functools.lru_cache(maxsize=4096)
def parse_date(text: str) -> tuple[Date | None, bool]:
    """Parse a RIS date; returns (date, ok). Not ok: ``Date(literal=text)`` with what could be read."""
    s = text.strip()
    if not s:
        return None, True
    if "/" in s:
        parts = [*s.split("/", 3), "", "", ""][:4]
        y, m, d, other = (p.strip() for p in parts)
        if all(p == "" or (p.isdigit() and len(p) <= n) for p, n in ((y, 4), (m, 2), (d, 2))):
            year = int(y) if y else None
            month = int(m) if m else None
            day = int(d) if d else None
            other_low = other.casefold().rstrip("/")
            season = None
            end = None
            if other_low in _SEASONS and month is None:
                season = _SEASONS[other_low]
                other_low = ""
            elif other_low and other_low != "undefined" and month is not None and day is None:
                # "2019/01//Jan-Feb": a month range within the year, as the writer puts it
                span = _free_date(other)
                if span is not None and span.end is not None and span.year is None and span.month == month:
                    end = Date(year=year, month=span.end.month)
                    other_low = ""
            if _valid(year, month, day) and other_low in ("", "undefined") and year is not None:
                return Date(year=year, month=month, day=day, season=season, end=end), True
    else:
        m_iso = _ISO.fullmatch(s)
        if m_iso:
            year, month = int(m_iso.group(1)), int(m_iso.group(2))
            day = int(m_iso.group(3)) if m_iso.group(3) else None
            if _valid(year, month, day):
                return Date(year=year, month=month, day=day), True
        elif s.isdigit() and len(s) == 4:
            return Date(year=int(s)), True
        else:
            free = _free_date(s)
            if free is not None:
                return free, True
    found = re.search(r"(?<!\d)\d{4}(?!\d)", s)
    return Date(year=int(found.group()) if found else None, literal=s), False


def _format_da(d: Date) -> str:
    month = f"{d.month:02d}" if d.month is not None else ""
    day = f"{d.day:02d}" if d.day is not None else ""
    other = _SEASON_NAMES[d.season - 1] if d.season is not None else ""
    end = d.end
    if (
        end is not None and d.month is not None and d.day is None and end.month is not None
        and end.year == d.year and end.day is None and end.season is None and not end.circa
        and end.literal is None and end.end is None
    ):  # fmt: skip
        other = f"{calendar.month_abbr[d.month]}-{calendar.month_abbr[end.month]}"
    year = f"{d.year:04d}" if d.year is not None and d.year >= 0 else ""
    return f"{year}/{month}/{day}/{other}"


def _covers(d: Date, issued: Date) -> bool:
    """True when ``d`` says nothing ``issued`` does not (same year, fewer or equal parts)."""
    return (
        d.literal is None
        and d.end is None
        and d.year == issued.year
        and d.month in (None, issued.month)
        and d.day in (None, issued.day)
        and d.season in (None, issued.season)
    )


def _rank(d: Date) -> int:
    return (d.year is not None) + (d.month is not None) + (d.day is not None) + (d.season is not None)


# -- reading -------------------------------------------------------------------------------------


class _Tag:
    __slots__ = ("column", "line", "lines", "tag")

    def __init__(self, tag: str, value: str, line: int, column: int) -> None:
        self.tag = tag
        self.lines = [value]
        self.line = line
        self.column = column


class _Record:
    __slots__ = ("line", "tags", "ty", "ty_column")

    def __init__(self, ty: str, line: int, column: int) -> None:
        self.ty = ty
        self.line = line
        self.ty_column = column
        self.tags: list[_Tag] = []


def _value(t: _Tag) -> str:
    if len(t.lines) == 1:
        return t.lines[0].strip()
    if t.tag not in _FOLDED:
        return "\n".join(t.lines).strip(" \n")
    return " ".join(x for x in (ln.strip() for ln in t.lines) if x)


def _doi(value: str) -> str | None:
    v = _DOI_PREFIX.sub("", value.strip())
    return v.lower() if _DOI.fullmatch(v) else None


def _sn(value: str) -> tuple[list[str], list[str]] | None:
    """(isbns, issns) when every part of an SN value has the shape of one; else None."""
    isbn: list[str] = []
    issn: list[str] = []
    for part in _SN_SPLIT.split(value):
        if not part:
            continue
        if _ISSN.fullmatch(part):
            issn.append(part)
        elif _ISBN.fullmatch(part) and len(part.replace("-", "")) in (10, 13):
            isbn.append(part)
        else:
            return None
    return (isbn, issn) if isbn or issn else None


def _build(rec: _Record, source: str) -> Iterator[Paper | Diagnostic]:
    pos = Position(source=source, line=rec.line, column=1)
    ty = rec.ty.strip()
    extra: list[tuple[str, str]] = []
    csl = READ_TY.get(ty.upper())
    if csl is None:
        yield Diagnostic.make(
            "PC213",
            f"unknown RIS type {ty!r} read as document",
            Position(source=source, line=rec.line, column=rec.ty_column),
        )
        csl = "document"
    f: dict[str, Any] = {}
    names: dict[str, list[Name]] = {"author": [], "editor": [], "translator": [], "collection_editor": []}
    keywords: list[str] = []
    dates: dict[str, tuple[str, Date]] = {}
    pages: dict[str, str] = {}
    isbn: list[str] = []
    issn: list[str] = []
    urls: list[str] = []
    notes: list[str] = []
    doi_alt: list[tuple[str, str]] = []
    fix: dict[str, Any] | None = None
    truncated = False
    arxiv_class: str | None = None
    book = ty.upper() in BOOK_TYS or csl == "book"
    per_type = TYPE_TAGS.get(ty.upper(), {})
    for t in rec.tags:
        tag = t.tag
        if tag == "KW":
            keywords.extend(x for x in (ln.strip() for ln in t.lines) if x)
            continue
        value = _value(t)
        if not value:
            continue
        if tag == "BT":
            tag = "TI" if book else "T2"
        special = per_type.get(tag)
        if special in names:
            names[special].append(parse_name(value))
        elif special == "accessed":
            if "accessed" in f:
                extra.append(("RIS:" + tag, value))
                continue
            d, ok = parse_date(value)
            if not ok:
                yield _bad_date(value, t, source)
            f["accessed"] = d
        elif special is not None:
            if special not in f:
                f[special] = value
            else:
                extra.append(("RIS:" + t.tag, value))
        elif tag in _SIMPLE_READ:
            field = _SIMPLE_READ[tag]
            if field == "genre" and _DOI.fullmatch(value):
                doi_alt.append((t.tag, value))
            elif field not in f:
                f[field] = value
            else:
                extra.append(("RIS:" + t.tag, value))
        elif tag in _NAME_TAGS or (tag == "A3" and book):
            role = _NAME_TAGS.get(tag, "editor")
            if role == "author" and value.casefold() in _ET_AL:
                truncated = True
            else:
                names[role].append(parse_name(value))
        elif tag in _DATE_TAGS or tag == "Y2":
            if tag in dates or (tag == "Y2" and "accessed" in f):
                extra.append(("RIS:" + tag, value))
                continue
            d, ok = parse_date(value)
            if not ok:
                yield _bad_date(value, t, source)
            if tag == "Y2":
                f["accessed"] = d
            elif d is not None:
                dates[tag] = (value, d)
        elif tag in ("SP", "EP"):
            if tag in pages:
                extra.append(("RIS:" + tag, value))
            else:
                pages[tag] = value
        elif tag == "SN":
            got = _sn(value)
            if got is None:
                extra.append(("RIS:SN", value))
            else:
                isbn += got[0]
                issn += got[1]
        elif tag == "DO":
            doi = _doi(value)
            if doi is not None and "doi" not in f:
                f["doi"] = doi
            else:
                extra.append(("RIS:DO", value))
        elif tag == "UR":
            urls.extend(u for u in _URL_SPLIT.split(value) if u)
        elif tag == "N1":
            m = _ARXIV_NOTE.fullmatch(value)
            arx = ArxivId.parse(m.group(1)) if m else None
            if m and arx is not None and "arxiv" not in f:
                f["arxiv"] = arx
                arxiv_class = m.group(2)
            elif value.startswith(_PUBCONV) and fix is None and (loaded := _load_fix(value)) is not None:
                fix = loaded
            elif _DOI.fullmatch(value):
                doi_alt.append(("N1", value))
            else:
                notes.append(value)
        else:
            extra.append(("RIS:" + tag, value))
    # dates: the most precise consistent one; the others kept when they say more
    parsed = [(tag, *dates[tag]) for tag in _DATE_TAGS if tag in dates]
    if parsed:
        base_year = next((d.year for _, _, d in parsed if d.year is not None and d.literal is None), None)
        completed = []
        for tag, value, d in parsed:
            if d.year is None and d.literal is None and base_year is not None:
                end = Date(year=base_year, month=d.end.month) if d.end is not None else None
                d = Date(year=base_year, month=d.month, day=d.day, season=d.season, end=end)
            completed.append((tag, value, d))
        issued = max((d for _, _, d in completed), key=lambda d: (d.literal is None, _rank(d)))
        f["issued"] = issued
        kept_issued = False
        for tag, value, d in completed:
            if d is issued and not kept_issued:
                kept_issued = True
            elif not _covers(d, issued):
                extra.append(("RIS:" + tag, value))
    if "SP" in pages:
        f["page"] = pages["SP"] + ("-" + pages["EP"] if "EP" in pages else "")
    elif "EP" in pages:
        extra.append(("RIS:EP", pages["EP"]))
    if urls:
        f["url"] = urls[0]
        extra.extend(("RIS:UR", u) for u in urls[1:])
    for tag, value in doi_alt:
        if "doi" not in f:
            f["doi"] = value.lower()
        elif tag == "N1":
            notes.append(value)
        elif "genre" not in f:
            f["genre"] = value
        else:
            extra.append(("RIS:" + tag, value))
    if notes:
        f["note"] = "\n\n".join(notes)
    if csl == "document" and ty.upper() == "GEN" and "arxiv" in f:
        csl = "article"
    elif READ_TY.get(ty.upper()) is None or WRITE_TY.get(csl) != ty:
        extra.insert(0, ("RIS:TY", ty))
    paper = Paper(
        type=csl,
        **f,
        author=tuple(names["author"]),
        author_truncated=truncated,
        editor=tuple(names["editor"]),
        translator=tuple(names["translator"]),
        collection_editor=tuple(names["collection_editor"]),
        keywords=tuple(keywords),
        isbn=tuple(isbn),
        issn=tuple(issn),
        category=Category(arxiv_class=arxiv_class) if arxiv_class else None,
        extra=tuple(extra),
        origin=pos,
    )
    if fix is not None:
        paper = _apply_fix(paper, fix)
        if ty == "GEN" and paper.type == "document" and "type" not in fix and paper.category is not None:
            paper = paper.replace(type="article")  # a listing preprint: GEN with a subject category
    yield paper


def _bad_date(value: str, t: _Tag, source: str) -> Diagnostic:
    return Diagnostic.make(
        "PC220",
        f"{t.tag} date {value!r} not fully understood; kept as literal text",
        Position(source=source, line=t.line, column=t.column),
    )


def _load_fix(value: str) -> dict[str, Any] | None:
    try:
        data = json.loads(value[len(_PUBCONV) :])
    except ValueError:
        return None
    if not isinstance(data, dict) or not set(data) <= SUPPORTS:
        return None
    return data


def _apply_fix(paper: Paper, fix: dict[str, Any]) -> Paper:
    d = paper_to_dict(paper)
    for k, v in fix.items():
        if v is None or v == [] or v is False:
            d.pop(k, None)
        else:
            d[k] = v
    try:
        return paper_from_dict(d).replace(origin=paper.origin)
    except (ValueError, TypeError, KeyError):
        return paper


def iter_read(lines: Iterable[str], *, source: str = "<string>") -> Iterator[Paper | Diagnostic]:
    """Read records one at a time from an iterable of lines (with or without line ends)."""
    rec: _Record | None = None
    junk: int | None = None
    last: _Tag | None = None
    blanks = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if line[:1] == "\ufeff":
            line = line[1:]
        m = TAG_LINE.match(line)
        if m is not None:
            blanks = 0
            tag, found = m.groups()
            if found is None:
                value, column = "", len(line) + 1
            else:
                value, column = found, m.start(2) + 1
            if tag == "TY":
                if rec is not None:
                    yield Diagnostic.make(
                        "PC104", "record not closed by 'ER  - ' before the next TY",
                        Position(source=source, line=number, column=1), severity=Severity.WARNING,
                    )  # fmt: skip
                    yield from _build(rec, source)
                elif junk is not None:
                    yield _junk(junk, number, source)
                junk = None
                rec = _Record(value, number, column)
                last = None
            elif rec is None:
                if junk is None:
                    junk = number
            elif tag == "ER":
                yield from _build(rec, source)
                rec = None
                last = None
            else:
                last = _Tag(tag, value, number, column)
                rec.tags.append(last)
            continue
        if rec is None:
            if junk is None and line.strip() and not _COUNTER.fullmatch(line.strip()):
                junk = number
            continue
        if not line:
            blanks += 1  # kept only when a continuation line follows (a paragraph break)
            continue
        if last is None:
            if line.strip():
                yield Diagnostic.make(
                    "PC103", "text after TY that is not a tag line skipped",
                    Position(source=source, line=number, column=1),
                )  # fmt: skip
            continue
        if blanks:
            last.lines.extend([""] * blanks)
            blanks = 0
        last.lines.append((line[1:] if line[0] == " " else line).rstrip())
    if rec is not None:
        yield Diagnostic.make(
            "PC104", "record not closed by 'ER  - ' at the end of the input",
            Position(source=source, line=rec.line, column=1), severity=Severity.WARNING,
        )  # fmt: skip
        yield from _build(rec, source)
    elif junk is not None:
        yield _junk(junk, None, source)


def _junk(start: int, end: int | None, source: str) -> Diagnostic:
    if end is None:
        where = f"from line {start}"
    else:
        where = f"line {start}" if end - 1 == start else f"lines {start}-{end - 1}"
    return Diagnostic.make(
        "PC103",
        f"text outside a TY ... ER record ({where}) skipped",
        Position(source=source, line=start, column=1),
    )


def read(text: str, *, source: str = "<string>") -> ReadResult:
    """Read a whole RIS text."""
    return collect(iter_read(text.split("\n"), source=source))


# -- writing -------------------------------------------------------------------------------------

_ESCAPE: Final = re.compile(r"[A-Z][A-Z0-9] {1,2}-(?: |$)|\s|$")
_TAG_NAME: Final = re.compile(r"RIS:([A-Z][A-Z0-9])")
_TY_VALUE: Final = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_FIELD_TAGS: Final = {field: tag for field, tag, _ in SIMPLE_TAGS}


def normalize(paper: Paper) -> Paper:
    """``paper`` restricted to what RIS holds: ``read(write([p])).papers == [normalize(p)]``.

    Unsupported fields are reset to their defaults and ``title_nocase`` becomes None
    (RIS cannot mark case); everything else is kept exactly (see the pubconv line).
    """
    changes: dict[str, Any] = unsupported_defaults(SUPPORTS)
    changes["title_nocase"] = None
    changes["raw"] = ()
    changes["origin"] = None
    return paper.replace(**changes)


def _lines(tag: str, value: str, out: list[str]) -> None:
    parts = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out.append(f"{tag}  - {parts[0]}")
    for cont in parts[1:]:
        out.append(" " + cont if _ESCAPE.match(cont) else cont)


def _tags(paper: Paper) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    ty = paper.get_extra("RIS:TY")
    if ty is None or not _TY_VALUE.fullmatch(ty):
        ty = WRITE_TY.get(paper.type, "GEN")
    out.append(("TY", ty))
    book = ty in BOOK_TYS or paper.type == "book"
    per_type = TYPE_TAGS.get(ty, {})
    own = {field: tag for tag, field in per_type.items()}

    def tag_for(field: str, generic: str | None) -> str | None:
        """The tag of ``field`` in this type; None when the type uses its tag for another field."""
        if field in own:
            return own[field]
        return generic if generic is not None and generic not in per_type else None

    def add(field: str) -> None:
        value = getattr(paper, field)
        tag = tag_for(field, _FIELD_TAGS.get(field))
        if value and tag is not None:
            out.append((tag, value))

    def add_names(field: str, generic: str | None) -> None:
        tag = tag_for(field, generic)
        if tag is not None:
            out.extend((tag, format_name(n)) for n in getattr(paper, field))

    add("key")
    add("title")
    add("title_short")
    out.extend(("AU", format_name(n)) for n in paper.author)
    add_names("editor", "A3" if book else "A2")
    add_names("translator", "A4")
    add_names("collection_editor", None)
    for field in ("container_title", "container_title_short", "collection_title", "collection_number"):
        add(field)
    issued = paper.issued
    da = "DA" not in per_type  # EJOUR: DA is the access date
    if issued is not None:
        if issued.year is not None and issued.literal is None and 0 <= issued.year <= 9999:
            out.append(("PY", f"{issued.year:04d}"))
            if _rank(issued) > 1 and da:
                out.append(("DA", _format_da(issued)))
        elif issued.literal and da:
            out.append(("DA", issued.literal))
    if paper.accessed is not None:
        acc = paper.accessed
        out.append((tag_for("accessed", "Y2") or "Y2", acc.literal if acc.literal else _format_da(acc)))
    for field in ("volume", "issue", "number", "chapter_number"):
        add(field)
    if paper.page:
        first, dash, last = paper.page.partition("-")
        if dash and first and last and "-" not in last:
            out += [("SP", first), ("EP", last)]
        else:
            out.append(("SP", paper.page))
    for field in ("edition", "version", "publisher", "publisher_place", "event_place", "genre"):
        add(field)
    out.extend(("SN", v) for v in (*paper.isbn, *paper.issn))
    if paper.doi:
        out.append(("DO", paper.doi))
    if paper.url:
        out.append(("UR", paper.url))
    out.extend(("KW", k) for k in paper.keywords)
    add("language")
    add("abstract")
    if paper.note:
        out.append(("N1", paper.note))
    if paper.arxiv is not None:
        cls = paper.category.arxiv_class if paper.category is not None else None
        out.append(("N1", f"arXiv:{paper.arxiv}" + (f" [{cls}]" if cls else "")))
    for name, value in paper.extra:
        m = _TAG_NAME.fullmatch(name)
        if m and m.group(1) not in ("TY", "ER"):
            out.append((m.group(1), value))
    return out


def _record(tags: list[tuple[str, str]]) -> list[str]:
    lines: list[str] = []
    for tag, value in tags:
        _lines(tag, value, lines)
    lines.append("ER  - ")
    return lines


def _pubconv_line(fix: dict[str, Any]) -> str:
    return "N1  - " + _PUBCONV + json.dumps(fix, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_SUPPORTED: Final = tuple(sorted(SUPPORTS))
_SUPPORTED_VALUES: Final = operator.attrgetter(*_SUPPORTED)


def _fix(paper: Paper, lines: list[str]) -> dict[str, Any]:
    """The supported fields that the record's tags do not give back exactly (pubconv JSON form)."""
    back = [p for p in iter_read(lines) if isinstance(p, Paper)]
    fix: dict[str, Any] = {}
    if back:
        # normalize(paper) keeps every supported field as it is, and values whose JSON forms
        # differ are unequal: compare the values, and the JSON forms of the misses only
        mine = _SUPPORTED_VALUES(paper)
        theirs = _SUPPORTED_VALUES(back[0])
        differ = [(k, w, g) for k, w, g in zip(_SUPPORTED, mine, theirs, strict=True) if w != g]
        if differ:
            want_json = paper_to_dict(Paper(**{k: w for k, w, _ in differ}))
            got_json = paper_to_dict(Paper(**{k: g for k, _, g in differ}))
            fix = {k: want_json.get(k) for k, _, _ in differ if want_json.get(k) != got_json.get(k)}
        want = {"type": paper.type}
    else:
        want = paper_to_dict(normalize(paper))
        for k in SUPPORTS:
            w = want.get(k)
            if w is not None:
                fix[k] = w
    if "category" in fix:
        # GEN + a category in the pubconv line reads as article: say the type only when needed
        fix.pop("type", None)
        again = [p for p in iter_read([*lines[:-1], _pubconv_line(fix), lines[-1]]) if isinstance(p, Paper)]
        if again and again[0].type != want["type"]:
            fix["type"] = want["type"]
    return fix


def iter_write(
    papers: Iterable[Paper],
    *,
    diagnostics: list[Diagnostic] | None = None,
    newline: str = "\r\n",
    **options: Any,
) -> Iterator[str]:
    """Serialise papers one record (a chunk ending in a blank line) at a time."""
    for paper in papers:
        lines = _record(_tags(paper))
        fix = _fix(paper, lines)
        if fix:
            lines.insert(len(lines) - 1, _pubconv_line(fix))
        lines.append("")
        yield newline.join(lines) + newline


def join_parts(texts: Iterable[str]) -> Iterator[str]:
    """The outputs of consecutive parts written one by one, as one text (records just follow)."""
    for text in texts:
        yield from slices(text)


def write(
    papers: Iterable[Paper],
    *,
    diagnostics: list[Diagnostic] | None = None,
    newline: str = "\r\n",
    **options: Any,
) -> str:
    """Serialise papers; the text ends with a newline (CRLF by default, as the spec asks)."""
    return "".join(iter_write(papers, diagnostics=diagnostics, newline=newline, **options))
