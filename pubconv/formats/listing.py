"""The listing format: a publication page's plain-text listing.

Each entry is three parts::

    LGAug 27, 2020Code
    learn2learn: A Library for Meta-Learning ResearchSébastien M. R. Arnold, Praateek Mahajan et al.
    Meta-learning researchers face two fundamental issues ...

**Header line** ``[code]date[Code]``, starting in column 1:

* ``code``: a two-capital arXiv subject code (``LG``), a full class
  (``cs.LG``, ``hep-th``, ``q-bio.NC``) or nothing. It is kept as
  :attr:`Category.code`; :attr:`Category.arxiv_class` is set when exactly one
  archive uses a two-letter code (``LG`` -> ``cs.LG``, ``CO`` -> None) or when a
  known full class is given. An unknown code is kept with a PC302 warning.
* ``date``: ``Mon D, YYYY`` (day precision), ``Mon YYYY`` (month precision),
  ``YYYY`` (year precision) or ``n.d.`` (no date). The writer uses the form
  matching the precision of :attr:`Paper.issued`: ``LGAug 27, 2020``,
  ``LGAug 2020``, ``LG2020``, ``LGn.d.``.
* ``Code``: the paper's code badge (:attr:`Paper.has_code`).

A line that nearly matches (full month names, a missing comma, lower-case
code, ``Feb 30``) is read as a header with a PC303 warning, so that a sloppy
header never merges two entries.

**Byline**: the line right after the header (it may be empty): title glued to
the authors, ``" et al."`` when the list was cut, ``" · org"`` for the
organisation tag; see :mod:`pubconv._listing_split` for how it is split.

**Abstract**: the following lines up to the next header, kept with their line
breaks; blank lines around it and trailing spaces are dropped.

Escaping rules of the writer (the reader undoes them):

* an abstract line or byline that (after its leading spaces) would read as a
  header gets one extra leading space; the reader removes one leading space
  from such a line;
* titles and names are written on one line (whitespace folded);
* when the byline would not split back into the same title and authors (a
  title ending in a name-like word, a paper without authors or without a
  title), U+2063 INVISIBLE SEPARATOR is put between title and authors;
* a title containing ``" · "`` of a paper without organisation gets an empty
  tag: the byline ends in ``" ·"``.

CRLF line ends, a byte-order mark, blank lines between entries and trailing
spaces are accepted. Every paper gets ``origin`` = its header line, column 1.

.. versionadded:: 0.1
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Final

from .. import arxiv
from ..errors import Diagnostic
from ..model import Category, Date, Name, Paper, Position
from ..names import is_suffix, parse_plain
from .base import ReadResult, collect

if TYPE_CHECKING:
    from types import ModuleType

SEPARATOR: Final = "\u2063"  # the same as pubconv._listing_split.SEPARATOR (a test checks)
ORG_MARK: Final = " \u00b7 "  # the same as pubconv._listing_split.ORG_MARK


@functools.cache
def _splitter() -> ModuleType:
    """The title/author splitter, imported on first use.

    Compiling its Unicode letter-class regexes costs a large part of a second;
    sniffing a file or converting other formats must not pay for it.
    """
    from .. import _listing_split

    return _listing_split


__all__ = [
    "ALIASES",
    "DESCRIPTION",
    "EXTENSIONS",
    "NAME",
    "SUPPORTS",
    "format_header",
    "iter_read",
    "iter_write",
    "parse_header",
    "read",
    "sniff",
    "write",
]

NAME: Final = "listing"
ALIASES: Final[tuple[str, ...]] = ()
EXTENSIONS: Final = (".txt",)
DESCRIPTION: Final = "Publication listing: subject/date header, title+authors byline, abstract"
SUPPORTS: Final = frozenset(
    {
        "title",
        "author",
        "author_truncated",
        "issued",
        "abstract",
        "category",
        "organization",
        "has_code",
    }
)

_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUM: Final = {m: i for i, m in enumerate(_MONTHS, 1)}
_MONTH_FULL: Final = {calendar.month_name[i].casefold(): i for i in range(1, 13)}
_MON = "|".join(_MONTHS)
_CODE = r"[A-Z]{2}|[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?"

#: The strict header grammar.
HEADER: Final = re.compile(
    rf"(?P<code>{_CODE})?"
    rf"(?:(?P<mon>{_MON}) (?P<day>[1-9]|[12][0-9]|3[01]), (?P<year>[0-9]{{4}})"
    rf"|(?P<mon2>{_MON}) (?P<year2>[0-9]{{4}})"
    rf"|(?P<year3>[0-9]{{4}})"
    rf"|(?P<nd>n\.d\.))"
    rf"(?P<badge>Code)?"
)
_MONTH_WORD = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
#: A looser grammar (day precision only, so that prose is not taken for a header): full or
#: lower-case month names, a missing comma, ordinals, a space after the code, a lower-case code.
LOOSE_HEADER: Final = re.compile(
    r"(?P<code>[A-Za-z]{2}|[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?)??[ \t]?"
    rf"(?P<mon>{_MONTH_WORD})\.?[ \t]*(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?[ \t]*,?[ \t]*"
    r"(?P<year>[0-9]{4})"
    r"[ \t]*(?P<badge>[Cc]ode)?"
)
_CODE_RE: Final = re.compile(_CODE)


def _month(word: str | None) -> int | None:
    if word is None:
        return None
    w = word.casefold()
    for name, i in _MONTH_FULL.items():
        if w == name or w == name[:3] or (len(w) >= 3 and name.startswith(w)):
            return i
    return None


class Header:
    """A parsed header line."""

    __slots__ = ("badge", "code", "issued", "problem")

    def __init__(self, code: str | None, issued: Date | None, badge: bool, problem: str | None) -> None:
        self.code = code
        self.issued = issued
        self.badge = badge
        self.problem = problem
        """Why the line only loosely matches (None for a well-formed header)."""


def parse_header(line: str) -> Header | None:
    """Parse a header line (already stripped of its line end and trailing spaces); None if it is none."""
    # Quick rejection of most text lines: a header ends in a year digit, "n.d.", "Code" (or
    # "code" or trailing blanks, which only the loose grammar accepts).
    end = line[-1:]
    if end == ".":
        if not line.endswith("n.d."):
            return None
    elif not (end.isdigit() or end == "e" or end == " " or end == "\t"):
        return None
    m = HEADER.fullmatch(line)
    if m is not None:
        code = m.group("code")
        issued: Date | None
        if m.group("nd"):
            issued = None
        elif m.group("year3"):
            issued = Date(year=int(m.group("year3")))
        elif m.group("mon2"):
            issued = Date(year=int(m.group("year2")), month=_MONTH_NUM[m.group("mon2")])
        else:
            year, month, day = int(m.group("year")), _MONTH_NUM[m.group("mon")], int(m.group("day"))
            if day > calendar.monthrange(year, month)[1]:
                return Header(
                    code, Date(year=year, month=month), bool(m.group("badge")), f"no day {day} in that month"
                )
            issued = Date(year=year, month=month, day=day)
        return Header(code, issued, bool(m.group("badge")), None)
    if len(line) > 60 or not line or line[0].isspace():
        return None
    m = LOOSE_HEADER.fullmatch(line)
    if m is None:
        return None
    code = m.group("code")
    if code is not None:
        if len(code) == 2:
            code = code.upper()
        if not arxiv.is_known_code(code):
            return None  # prose such as "since May 5, 2020"
    found = _month(m.group("mon"))
    if found is None:  # pragma: no cover - the pattern only admits month names
        return None
    month, year, day = found, int(m.group("year")), int(m.group("day"))
    loose: Date | None
    if 1 <= day <= calendar.monthrange(year, month)[1]:
        loose = Date(year=year, month=month, day=day)
    else:
        loose = Date(year=year, month=month)
    return Header(code, loose, bool(m.group("badge")), "expected '[code]Mon D, YYYY[Code]'")


def _is_header(line: str) -> bool:
    return parse_header(line) is not None


def sniff(head: str) -> bool:
    """True when the text starts (after blank lines and a BOM) with a strict header line."""
    for raw in head.lstrip("\ufeff").split("\n")[:50]:
        line = raw.rstrip()
        if not line:
            continue
        return HEADER.fullmatch(line) is not None and len(line) > 4
    return False


@functools.lru_cache(maxsize=1024)
def _category(code: str | None) -> tuple[Category | None, bool]:
    """The category for a header code, and whether the code is known."""
    if code is None:
        return None, True
    return Category(code=code, arxiv_class=arxiv.class_for_code(code)), arxiv.is_known_code(code)


_PLAIN_NAME: Final = re.compile(r"[^\s{}~,]+(?: [^\s{}~,]+)*")


@functools.lru_cache(maxsize=8192)
def _name(text: str) -> Name:
    """An author: an organisation (literal) or a person split by :func:`parse_plain`."""
    if _splitter().is_org(text) or any(c in text for c in "{}~"):
        return Name(literal=text)
    words = text.split(" ")
    if (
        all(w[:1].isupper() for w in words)
        and _PLAIN_NAME.fullmatch(text)
        and not (len(words) >= 3 and is_suffix(words[-1]))
    ):
        # fast path, same result as parse_plain: no particles, no suffix, no commas or braces
        return Name(given=" ".join(words[:-1]) or None, family=words[-1])
    name = parse_plain(text)
    if name.family is None:
        return Name(literal=text)
    return name


#: Most header lines :func:`iter_read` remembers before starting afresh.
_HEADER_MEMO_MAX: Final = 1024


class _Entry:
    """An entry being read."""

    __slots__ = ("abstract", "byline", "byline_line", "header", "line")

    def __init__(self, header: Header, line: int) -> None:
        self.header = header
        self.line = line
        self.byline: str | None = None
        self.byline_line = line + 1
        self.abstract: list[str] = []


def _finish(entry: _Entry, source: str, diags: list[Diagnostic]) -> Paper:
    """The paper of ``entry``; its diagnostics, if any, are appended to ``diags``.

    A plain function, not a generator: most entries have no diagnostic, and :func:`iter_read`
    yields the diagnostics (first) and the paper itself.
    """
    header = entry.header
    pos = Position(source=source, line=entry.line, column=1)
    if header.problem is not None:
        diags.append(Diagnostic.make("PC303", f"malformed header line: {header.problem}", pos))
    category, known = _category(header.code)
    if not known:
        diags.append(Diagnostic.make("PC302", f"unknown subject code {header.code!r} kept as is", pos))
    byline = _splitter().split_byline(entry.byline or "")
    if not byline.split_ok:
        diags.append(
            Diagnostic.make(
                "PC300",
                "byline could not be split into title and authors; kept whole as the title",
                Position(source=source, line=entry.byline_line, column=1),
            )
        )
    lines = entry.abstract
    while lines and not lines[-1]:
        lines.pop()
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    abstract = "\n".join(lines[start:]) if start < len(lines) else None
    return Paper(
        type="article",
        title=byline.title or None,
        author=tuple(map(_name, byline.authors)),
        author_truncated=byline.truncated,
        issued=header.issued,
        abstract=abstract,
        category=category,
        organization=byline.organization,
        has_code=header.badge,
        origin=pos,
    )


def _unescape(line: str) -> str:
    """Remove the writer's escaping space from a line that would otherwise read as a header."""
    if line[:1] == " ":
        stripped = line.lstrip()
        if stripped and _is_header(stripped):
            return line[1:]
    return line


def iter_read(lines: Iterable[str], *, source: str = "<string>") -> Iterator[Paper | Diagnostic]:
    """Read entries one at a time from an iterable of lines (with or without line ends)."""
    entry: _Entry | None = None
    stray_start: int | None = None
    expect_byline = False
    headers: dict[str, Header] = {}  # header lines repeat (one date, many papers); bounded
    diags: list[Diagnostic] = []  # of the entry being finished
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip()  # the line end and trailing spaces (a BOM is no space)
        if number == 1 and line.startswith("\ufeff"):
            line = line[1:].rstrip()
        end = line[-1:]
        if end.isdigit() or end == "e" or (end == "." and line.endswith("n.d.")):
            # parse_header's quick rejection, done first so that the memo lookup (which hashes
            # the whole line) is skipped for bylines and abstract lines (trailing blanks are gone)
            header = headers.get(line)
            if header is None:
                header = parse_header(line)
                if header is not None:
                    if len(headers) >= _HEADER_MEMO_MAX:
                        headers.clear()
                    headers[line] = header
        else:
            header = None
        if header is not None:
            if entry is not None:
                paper = _finish(entry, source, diags)
                if diags:
                    yield from diags
                    diags.clear()
                yield paper
            elif stray_start is not None:
                yield Diagnostic.make(
                    "PC301",
                    f"text before the first header line (lines {stray_start}-{number - 1}) skipped",
                    Position(source=source, line=stray_start, column=1),
                )
                stray_start = None
            entry = _Entry(header, number)
            expect_byline = True
            continue
        if entry is None:
            if line and stray_start is None:
                stray_start = number
            continue
        if line[:1] == " ":
            line = _unescape(line)
        if expect_byline:
            entry.byline = line
            entry.byline_line = number
            expect_byline = False
        else:
            entry.abstract.append(line)
    if entry is not None:
        paper = _finish(entry, source, diags)
        yield from diags
        yield paper
    elif stray_start is not None:
        yield Diagnostic.make(
            "PC301",
            "no header line found; the text is not a listing entry",
            Position(source=source, line=stray_start, column=1),
        )


def read(text: str, *, source: str = "<string>") -> ReadResult:
    """Read a whole listing."""
    return collect(iter_read(text.split("\n"), source=source))


# -- writing ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.replace(SEPARATOR, " ").split())


def _code(category: Category | None, diags: list[Diagnostic] | None, where: str) -> str:
    if category is None:
        return ""
    if category.code and _CODE_RE.fullmatch(category.code):
        return category.code
    if category.arxiv_class and _CODE_RE.fullmatch(category.arxiv_class):
        code = arxiv.code_for_class(category.arxiv_class)
    else:
        code = ""
    if category.code and diags is not None:
        diags.append(
            Diagnostic.make(
                "PC401", f"subject code {category.code!r} cannot be written; using {code!r}", key=where
            )
        )
    return code


def _date(issued: Date | None, diags: list[Diagnostic] | None, where: str) -> str:
    if issued is None:
        return "n.d."
    lost = issued.circa or issued.end is not None or issued.season is not None or issued.literal is not None
    year = issued.year
    if year is None or not 1000 <= year <= 9999:
        out = "n.d."
        lost = lost or year is not None
    elif issued.month is None:
        out = f"{year}"
    elif issued.day is None:
        out = f"{_MONTHS[issued.month - 1]} {year}"
    else:
        out = f"{_MONTHS[issued.month - 1]} {issued.day}, {year}"
    if lost and diags is not None:
        diags.append(Diagnostic.make("PC401", f"date {issued!r} written as {out!r}", key=where))
    return out


def format_header(paper: Paper, diagnostics: list[Diagnostic] | None = None) -> str:
    """The header line of ``paper``."""
    where = paper.key or (paper.title or "")[:40]
    return (
        _code(paper.category, diagnostics, where)
        + _date(paper.issued, diagnostics, where)
        + ("Code" if paper.has_code else "")
    )


def _clean_name(text: str) -> str:
    """A display name fit for the comma-separated author list (commas become spaces)."""
    return _fold(text.replace(",", " "))


def _byline(paper: Paper, diags: list[Diagnostic] | None, where: str) -> str:
    title = _fold(paper.title or "")
    shown = [n.display() for n in paper.author]
    if diags is not None and any("," in n for n in shown):
        msg = "a comma in an author name was written as a space (the listing separates authors by commas)"
        diags.append(Diagnostic.make("PC401", msg, key=where))
    names = [_clean_name(n) for n in shown]
    names = [n for n in names if n]
    org = _fold(paper.organization or "").replace(ORG_MARK, " ") or None
    if org is not None and "\u00b7" in org.split(" "):
        # a lone "·" word would read as the tag mark (" · x") or as the empty tag (" ·")
        org = " ".join(w for w in org.split(" ") if w != "\u00b7") or None
        if diags is not None:
            msg = f"organisation {paper.organization!r} written as {org!r} (a lone '·' marks the tag)"
            diags.append(Diagnostic.make("PC401", msg, key=where))
    want = _splitter().Byline(title, tuple(names), paper.author_truncated, org, True)
    tail = (" et al." if paper.author_truncated else "") + (ORG_MARK + org if org else "")
    line = title + ", ".join(names) + tail
    if _splitter().split_byline(line) == want and not line.startswith((" ", "\u00b7")):
        return line
    line = title + SEPARATOR + ", ".join(names) + tail
    if org is None and ORG_MARK in line:
        line += " \u00b7"
    if _splitter().split_byline(line) != want and diags is not None:
        diags.append(Diagnostic.make("PC401", "byline may not read back identically", key=where))
    return line


def _escape(line: str) -> str:
    stripped = line.lstrip()
    if stripped and _is_header(stripped):
        return " " + line
    return line


def iter_write(
    papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None, **options: Any
) -> Iterator[str]:
    """Serialise papers one entry (a chunk ending in a newline) at a time."""
    for paper in papers:
        where = paper.key or (paper.title or "")[:40]
        parts = [format_header(paper, diagnostics), _escape(_byline(paper, diagnostics, where))]
        if paper.abstract:
            lines = [
                ln.rstrip() for ln in paper.abstract.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            ]
            while lines and not lines[-1]:
                lines.pop()
            while lines and not lines[0]:
                lines.pop(0)
            parts.extend(_escape(ln) for ln in lines)
        yield "\n".join(parts) + "\n"


def write(papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None, **options: Any) -> str:
    """Serialise papers; the text ends with a newline."""
    return "".join(iter_write(papers, diagnostics=diagnostics, **options))
