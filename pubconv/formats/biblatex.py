"""BibLaTeX reader and writer (``--from biblatex`` / ``--to biblatex``).

The .bib syntax is BibTeX's: this module reuses the tokenizer, ``@string`` macros,
``crossref``, LaTeX decoding, raw-source reuse and document handling of
:mod:`pubconv.formats.bibtex`, with the BibLaTeX tables of
:data:`pubconv.formats._bibtex.tables.BIBLATEX`. ``.bib`` files are read by ``bibtex``
by default (its reader understands the common BibLaTeX fields); this format is chosen
by name.

Conventions (where they differ from BibTeX):

* **Types.** ``@online`` <-> webpage, ``@software``, ``@dataset``, ``@patent``,
  ``@periodical``, ``@standard``, ``@inreference``, ``@thesis`` (with ``type``),
  ``@report`` (with ``type``) are written natively (``tables.CSL_TO_BIBLATEX``; CSL types
  without a BibLaTeX type -> ``@misc`` with PC401). The aliases ``@phdthesis``,
  ``@mastersthesis``, ``@techreport``, ``@conference``, ``@electronic``, ``@www`` are read
  as the type they alias (``@mastersthesis`` -> thesis with genre ``mathesis``).
  ``@article`` with ``entrysubtype = {magazine}``/``{newspaper}`` is article-magazine /
  article-newspaper. Other types keep the BibTeX marker rule (``x-bibtex-type`` in
  Paper.extra when the CSL type alone would not give the source type back: ``@video``).
* **Thesis and report kinds.** ``Paper.genre`` is the ``type`` field verbatim, except
  the default kinds: a thesis without genre is written ``type = {phdthesis}`` and a
  report without genre ``type = {techreport}``, and those keys read back as no genre.
* **Dates.** ``date``, ``urldate``, ``origdate``, ``eventdate`` hold EDTF level 1
  (:mod:`pubconv.edtf`) for Paper.issued, accessed, original_date, event_date: days,
  seasons (``2004-21``), circa (``~``; ``?`` and ``%`` read as circa), ranges and open
  ranges (``1997/..``, ``../1997``). A date that is not EDTF (``199X``, ``forthcoming``)
  is read as ``Date(literal=...)`` with PC650 and written back verbatim in ``date``.
  ``year``/``month``/``day`` are still read when there is no ``date``.
* **Fields.** ``journaltitle`` (container of article-like types), ``location``,
  ``institution`` (theses and reports), ``eprint`` + ``eprinttype = {arxiv}`` +
  ``eprintclass``, ``pubstate`` (Paper.status), ``language``. Other ``eprinttype`` values
  (``pubmed``, ``jstor``) stay unknown fields, as do ``langid``, ``eid``, ``maintitle`` and
  other fields the model has no attribute for. The pubconv ``x-...`` fields are those of
  the BibTeX writer (docs/conventions.md). A BibTeX field name the writer would replace
  (``journal`` -> ``journaltitle``, ``address`` -> ``location``, ``school`` ->
  ``institution``) is kept when an unknown field already uses either name.
  ``keywords`` are split at top-level ``,``/``;``; a keyword containing them is braced.
* **Names.** A person is written in BibTeX's ``von Last, Jr, First`` form when that
  reads back exactly, else in the extended name format
  ``family=Gois, given=Túlio Sousa, prefix=de, useprefix=true``. A prefix is
  Name.particle with ``useprefix=true`` (or no useprefix, and in the plain form) and
  Name.dropping_particle with ``useprefix=false``; a name with both has them merged into
  the particle. Organisations are braced (``{Gemma Team}``).
* **Round trips.** :func:`normalize` restricts a paper to :data:`SUPPORTS` with the
  normalisations above; ``read(write([p])) == [normalize(p)]`` (modulo generated keys),
  dates with day, season, circa and ranges included.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

from .. import latex
from ..edtf import format_edtf, parse_edtf
from ..errors import Diagnostic
from ..model import Date, Name, Paper
from . import bibtex as B
from ._bibtex import tables as T
from ._bibtex.tokenizer import Block, LineIndex, Value, render_value
from .base import ReadResult

__all__ = [
    "ALIASES",
    "DESCRIPTION",
    "EXTENSIONS",
    "NAME",
    "SUPPORTS",
    "format_names",
    "iter_read",
    "iter_write",
    "normalize",
    "parse_names",
    "read",
    "sniff",
    "write",
]

NAME: Final = "biblatex"
ALIASES: Final[tuple[str, ...]] = ()
EXTENSIONS: Final[tuple[str, ...]] = ()
DESCRIPTION: Final = "BibLaTeX .bib files (EDTF dates, extended names, @online/@software/@dataset)"
SUPPORTS: Final = B.SUPPORTS | frozenset({"original_date", "event_date"})

BibDocument = B.BibDocument

_DATE_FIELDS: Final = (
    ("date", "issued"),
    ("urldate", "accessed"),
    ("origdate", "original_date"),
    ("eventdate", "event_date"),
)
_NAME_FIELDS: Final = (
    ("author", "author"),
    ("editor", "editor"),
    ("translator", "translator"),
    ("bookauthor", "container_author"),
)
_NAME_FIELD_NAMES: Final = frozenset(f for f, _ in _NAME_FIELDS)
_DATE_FIELD_NAMES: Final = frozenset(f for f, _ in _DATE_FIELDS)
_DEFAULT_KIND: Final = {"thesis": "phdthesis", "report": "techreport"}
#: ``entrysubtype`` of @article -> CSL type
_SUBTYPES: Final = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
_NAME_KEYS: Final = frozenset({"family", "given", "prefix", "suffix", "useprefix"})
_EXT_ITEM = re.compile(r"\s*(?:family|given|prefix|suffix|useprefix)\s*=", re.I)


def sniff(head: str) -> bool:
    """True for .bib text that uses a BibLaTeX-only field or entry type."""
    return B.sniff(head) and (
        re.search(r"(?im)^\s*(?:journaltitle|date|urldate|eprinttype|location)\s*=", head) is not None
        or re.search(r"(?im)^\s*@(?:online|software|dataset|thesis|report)\s*[{(]", head) is not None
    )


# ---------------------------------------------------------------------------------------------
# names


def _top_level_split(text: str, sep: str) -> list[str]:
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return out


def _ext_name(item: str, report: Callable[[str], None] | None) -> tuple[Name | None, list[str]]:
    """Parse one extended-format name (``family=..., given=...``)."""
    parts: dict[str, str] = {}
    problems: list[str] = []
    for piece in _top_level_split(item, ","):
        if not piece.strip():
            continue
        k, eq, v = piece.partition("=")
        k = k.strip().lower()
        if not eq or k not in _NAME_KEYS:
            problems.append(f"extended name part {piece.strip()!r} not understood; ignored")
            continue
        v = v.strip()
        if B._whole_group(v):
            v = v[1:-1]
        parts[k] = v
    useprefix = parts.pop("useprefix", "true").strip().lower() != "false"

    def dec(k: str) -> str | None:
        v = parts.get(k)
        return (latex.decode(v, report=report).strip() or None) if v is not None else None

    family, given, prefix, suffix = dec("family"), dec("given"), dec("prefix"), dec("suffix")
    if family is None and given is None:
        problems.append(f"name {item.strip()!r} has neither family nor given name")
        return None, problems
    return (
        Name(
            family=family,
            given=given,
            particle=prefix if useprefix else None,
            dropping_particle=None if useprefix else prefix,
            suffix=suffix,
        ),
        problems,
    )


def parse_names(
    text: str, report: Callable[[str], None] | None = None
) -> tuple[tuple[Name, ...], bool, list[str]]:
    """Names of a BibLaTeX name list (plain and extended format), ``and others``, problems."""
    names: list[Name] = []
    problems: list[str] = []
    truncated = False
    for item in B._split_names(text):
        if _EXT_ITEM.match(item):
            name, probs = _ext_name(item, report)
            problems.extend(probs)
            if name is not None:
                names.append(name)
            continue
        got, trunc, probs = B.parse_names(item, report)
        names.extend(got)
        truncated = truncated or trunc
        problems.extend(probs)
    return tuple(names), truncated, problems


def _keywords(text: str, report: Callable[[str], None] | None = None) -> tuple[str, ...]:
    """Keywords split at top-level ``,`` and ``;`` (a braced keyword may contain them)."""
    out: list[str] = []
    for piece in _top_level_split(text, ","):
        for item in _top_level_split(piece, ";"):
            value = " ".join(latex.decode(item, report=report).split())
            if value:
                out.append(value)
    return tuple(out)


def _merge_particles(n: Name) -> Name:
    if n.particle and n.dropping_particle:
        return dataclasses.replace(n, particle=f"{n.dropping_particle} {n.particle}", dropping_particle=None)
    return n


def _ext_value(text: str, enc: Callable[[str], str]) -> str:
    value = enc(text)
    if (
        "," in value
        or "=" in value
        or " and " in f" {value.lower()} "
        or value != value.strip()
        or B._whole_group(value)
        or not value
    ):
        return "{" + value + "}"
    return value


def _name_text(n: Name, enc: Callable[[str], str]) -> str:
    if n.literal is not None:
        return "{" + enc(n.literal) + "}"
    n = _merge_particles(n)
    if n.family is not None and n.dropping_particle is None:
        plain = B._name_latex(n, enc)
        names, trunc, problems = B.parse_names(plain)
        if names == (n,) and not trunc and not problems:
            return plain
    parts: list[str] = []
    if n.family is not None:
        parts.append("family=" + _ext_value(n.family, enc))
    if n.given is not None:
        parts.append("given=" + _ext_value(n.given, enc))
    prefix = n.particle or n.dropping_particle
    if prefix:
        parts.append("prefix=" + _ext_value(prefix, enc))
    if n.suffix is not None:
        parts.append("suffix=" + _ext_value(n.suffix, enc))
    if prefix:
        parts.append("useprefix=" + ("true" if n.particle else "false"))
    return ", ".join(parts)


def format_names(names: Iterable[Name], truncated: bool = False, *, unicode: bool = False) -> str:
    """A BibLaTeX name list: BibTeX form where exact, extended name format otherwise."""

    def enc(text: str) -> str:
        return latex.encode(text, unicode=unicode)

    parts = [_name_text(n, enc) for n in names]
    if truncated:
        parts.append("others")
    return " and ".join(parts)


# ---------------------------------------------------------------------------------------------
# reader


class _Reader(B._Reader):
    def __init__(self, source: str) -> None:
        super().__init__(source, T.BIBLATEX)

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
) -> Paper:
    key = block.key or None
    f = dict(fields)
    btype = block.type
    alias = T.BIBLATEX_TYPE_ALIASES.get(btype)
    if alias is not None:
        btype, kind = alias
        if kind is not None and "type" not in f:
            f["type"] = (kind, (("str", kind),), block.offset)
        block = dataclasses.replace(block, type=btype)
    default_kind = _DEFAULT_KIND.get(btype)
    if default_kind and "type" in f and f["type"][0].strip().lower() == default_kind:
        del f["type"]

    subtype = f.get("entrysubtype")
    csl_subtype = _SUBTYPES.get(subtype[0].strip().lower()) if btype == "article" and subtype else None
    if csl_subtype is not None:
        del f["entrysubtype"]

    mine: list[tuple[int, str, str]] = []

    def warn(code: str, msg: str, offset: int) -> None:
        mine.append((offset, code, msg))

    changes: dict[str, Any] = {}
    raw: list[tuple[str, str]] = []
    unknown: list[tuple[str, str, int]] = []
    # EDTF dates
    for fname, attr in _DATE_FIELDS:
        if fname not in f:
            continue
        text, value, off = f.pop(fname)
        raw.append((B.RAW_PREFIX + fname, render_value(value)))
        literal = " ".join(latex.decode_verbatim(text).split())
        if not literal:
            continue
        d = parse_edtf(literal)
        if d is None:
            warn("PC650", f"{fname} {literal!r} is not an EDTF level 1 date; kept as a literal date", off)
            d = Date(literal=literal)
        changes[attr] = d
    leftover: list[tuple[str, str]] = []
    if "issued" in changes:
        for fname in ("year", "month", "day"):
            if fname in f:
                text, value, off = f.pop(fname)
                raw.append((B.RAW_PREFIX + fname, render_value(value)))
                leftover.append((fname, latex.decode(text)))
    # names (plain and extended format)
    for fname, attr in _NAME_FIELDS:
        if fname not in f:
            continue
        text, value, off = f.pop(fname)
        raw.append((B.RAW_PREFIX + fname, render_value(value)))

        def report(cmd: str, fname: str = fname, off: int = off) -> None:
            unknown.append((fname, cmd, off))

        names, trunc, problems = parse_names(text, report)
        for problem in problems:
            warn("PC221", problem, off)
        changes[attr] = names
        if trunc and attr in ("author", "editor"):
            changes[attr + "_truncated"] = True
    if "keywords" in f:
        text, value, off = f.pop("keywords")
        raw.append((B.RAW_PREFIX + "keywords", render_value(value)))

        def kw_report(cmd: str, off: int = off) -> None:
            unknown.append(("keywords", cmd, off))

        changes["keywords"] = _keywords(text, kw_report)
    # eprint: only arXiv is Paper.arxiv
    etype = f.get("eprinttype")
    if etype is None or etype[0].strip().lower() in ("arxiv", ""):
        for old, new in (("eprinttype", "archiveprefix"), ("eprintclass", "primaryclass")):
            if old in f and new not in f:
                f = {(new if k == old else k): v for k, v in f.items()}
    for offset, code, msg in sorted(mine, key=lambda m: m[0]):
        diags.append(Diagnostic.make(code, msg, lines.position(offset), key=key))
    mine.clear()
    paper = B._convert(block, f, lines, diags, T.BIBLATEX)
    if csl_subtype is not None and paper.type == "article-journal":
        changes["type"] = csl_subtype
    if leftover:
        # keep the unused year/month/day in source order among the other unknown fields
        order = {name: off for name, (_, _, off) in fields.items()}
        last = max(order.values(), default=0) + 1
        changes["extra"] = tuple(sorted(paper.extra + tuple(leftover), key=lambda kv: order.get(kv[0], last)))
    for fname, cmd, off in unknown:
        msg = f"LaTeX command {cmd!r} in field {fname!r} has no Unicode equivalent; kept verbatim"
        diags.append(Diagnostic.make("PC222", msg, lines.position(off), key=key))
    if changes or raw:
        return paper.replace(**changes, raw=paper.raw + tuple(raw))
    return paper


def read(text: str, *, source: str = "<string>") -> ReadResult:
    """Parse a whole BibLaTeX text. ``document`` is a :class:`~pubconv.formats.bibtex.BibDocument`."""
    reader = _Reader(source)
    papers: list[Paper] = []
    diags: list[Diagnostic] = []
    with B._gc_paused():
        for item in B._iter([(text, 0)], source, reader, stream=False):
            if isinstance(item, Paper):
                papers.append(item)
            else:
                diags.append(item)
    return ReadResult(tuple(papers), tuple(diags), reader.document())


def iter_read(
    lines: Iterable[str],
    *,
    source: str = "<string>",
    document: list[BibDocument] | None = None,
    reopen: Callable[[], Iterable[str]] | None = None,
) -> Iterator[Paper | Diagnostic]:
    """Stream papers and diagnostics, one entry at a time (``crossref`` children last); with
    ``reopen``, memory stays flat (see :func:`pubconv.formats.bibtex.iter_read`)."""
    reader = _Reader(source)
    yield from B._iter(B._chunks(lines), source, reader, stream=True, reopen=reopen)
    if document is not None:
        document.append(reader.document())


# ---------------------------------------------------------------------------------------------
# writer

#: BibTeX field -> BibLaTeX field written instead
_RENAME: Final = {
    "journal": "journaltitle",
    "address": "location",
    "school": "institution",
    "archiveprefix": "eprinttype",
    "primaryclass": "eprintclass",
}
#: fields the classic writer puts after its date fields
_AFTER_DATES: Final = frozenset(
    {"doi", "isbn", "issn", "eprint", "archiveprefix", "primaryclass", "x-category", "url", "keywords",
     "x-organization", "x-has-code", "x-medium"}
)  # fmt: skip


def _adapt(p: Paper) -> Paper:
    """A classic BibTeX type marker that is a BibLaTeX alias becomes the aliased type."""
    marker = p.get_extra("x-bibtex-type")
    if marker is None or marker not in T.BIBLATEX_TYPE_ALIASES:
        return p
    extra = tuple((k, v) for k, v in p.extra if k != "x-bibtex-type")
    btype, kind = T.BIBLATEX_TYPE_ALIASES[marker]
    genre = p.genre
    if genre is None and kind is not None and kind != _DEFAULT_KIND.get(btype):
        genre = kind
    return p.replace(extra=extra, genre=genre)


class _Writer(B._Writer):
    def __init__(
        self,
        diagnostics: list[Diagnostic] | None,
        document: BibDocument | None,
        unicode: bool,
        keep_raw: bool,
    ) -> None:
        super().__init__(diagnostics, document, unicode, keep_raw, T.BIBLATEX)

    def lose(self, key: str, field: str, why: str = "") -> None:
        if self.diags is not None:
            msg = f"BibLaTeX cannot hold {field}" + (f" ({why})" if why else "") + "; it was dropped"
            self.diags.append(Diagnostic.make("PC400", msg, key=key))

    def changed(self, key: str, msg: str) -> None:
        if self.diags is not None:
            self.diags.append(Diagnostic.make("PC401", msg, key=key))

    def meaning(self, name: str, text: str) -> Any:
        if name in _NAME_FIELD_NAMES:
            return parse_names(text)[:2]
        if name == "keywords":
            return _keywords(text)
        if name in _DATE_FIELD_NAMES:
            value = " ".join(latex.decode_verbatim(text).split())
            return parse_edtf(value) or value
        return B._meaning(name, text)

    def date_fields(self, p: Paper, key: str) -> list[tuple[str, str, bool]]:
        out: list[tuple[str, str, bool]] = []
        for fname, attr in _DATE_FIELDS:
            d: Date | None = getattr(p, attr)
            if d is None:
                continue
            if d.literal is not None:
                if d.year is not None or d.month is not None or d.season is not None or d.end is not None:
                    self.changed(key, f"{attr}: date parts beside a literal date were dropped")
                if d.literal.strip():
                    out.append((fname, latex.encode_verbatim(" ".join(d.literal.split())), False))
                continue
            text = format_edtf(d)
            if text is None:
                self.lose(key, attr, "a date without a year")
                continue
            if _normalize_date(d) != parse_edtf(text):
                self.changed(key, f"{attr}: parts EDTF cannot hold beside the others were dropped")
            out.append((fname, text, False))
        return out

    def fields(self, p: Paper, key: str, btype: str) -> list[tuple[str, str, bool]]:
        base = p.replace(issued=None, accessed=None, original_date=None, event_date=None)
        dates = self.date_fields(p, key)
        extra_names = {B._FIELD_NAME_BAD.sub("-", k.lower()) for k, _ in p.extra}
        out: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        for name, value, bare in super().fields(base, key, btype):
            if dates and (name in _AFTER_DATES or name in extra_names):
                out.extend(dates)
                seen.update(n for n, _, _ in dates)
                dates = []
            if name in _NAME_FIELD_NAMES:
                attr = dict(_NAME_FIELDS)[name]
                trunc = bool(getattr(p, attr + "_truncated", False))
                value = format_names(getattr(p, attr), trunc, unicode=self.unicode)
            if name == "keywords":
                value = ", ".join(
                    "{" + self.enc(k) + "}" if "," in k or ";" in k else self.enc(k) for k in p.keywords
                )
            if name in _RENAME and name not in extra_names and _RENAME[name] not in extra_names:
                name = _RENAME[name]
            if name in seen:
                self.lose(key, f"field {name!r}", "name clashes with another field")
                continue
            seen.add(name)
            out.append((name, value, bare))
        out.extend(dates)
        kind = _DEFAULT_KIND.get(btype)
        genre = [item for item in out if item[0] == "type"]
        if genre:
            out.remove(genre[0])
            out.insert(_type_position(out), genre[0])
        elif kind is not None:
            out.insert(_type_position(out), ("type", kind, False))
        if (
            btype == "article"
            and p.type in ("article-magazine", "article-newspaper")
            and "entrysubtype" not in seen
        ):
            out.insert(_type_position(out), ("entrysubtype", p.type.partition("-")[2], False))
        return out

    def entry(self, p: Paper) -> str:
        return super().entry(_adapt(p))


def _type_position(out: list[tuple[str, str, bool]]) -> int:
    for i, (name, _, _) in enumerate(out):
        if name not in ("author", "editor", "translator", "bookauthor", "title", "journaltitle", "booktitle"):
            return i
    return len(out)


def iter_write(
    papers: Iterable[Paper],
    *,
    diagnostics: list[Diagnostic] | None = None,
    document: BibDocument | None = None,
    unicode: bool = False,
    keep_raw: bool | None = None,
    **options: Any,
) -> Iterator[str]:
    """Yield the BibLaTeX text in chunks (options as :func:`pubconv.formats.bibtex.iter_write`)."""
    B._report_unknown_options(options, diagnostics, "BibLaTeX")
    w = _Writer(diagnostics, document, unicode, (not unicode) if keep_raw is None else keep_raw)
    yield from B._emit_document(w, papers, document)


def write(
    papers: Iterable[Paper],
    *,
    diagnostics: list[Diagnostic] | None = None,
    document: BibDocument | None = None,
    unicode: bool = False,
    keep_raw: bool | None = None,
    **options: Any,
) -> str:
    """Serialise papers as BibLaTeX (see :func:`iter_write` for the options)."""
    with B._gc_paused():
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


def _single(d: Date) -> Date:
    if d.year is None:
        return Date()
    return Date(
        year=d.year, month=d.month, day=d.day, season=d.season if d.month is None else None, circa=d.circa
    )


def _normalize_date(d: Date | None) -> Date | None:
    """The date as :func:`format_edtf` / :func:`parse_edtf` give it back."""
    if d is None:
        return None
    if d.literal is not None:
        lit = " ".join(d.literal.split())
        if not lit:
            return None
        return parse_edtf(lit) or Date(literal=lit)
    if d.end is None:
        return _single(d) if d.year is not None else None
    if d.year is None and d.end.year is None:
        return None
    start, end = _single(d), _single(d.end)
    return dataclasses.replace(start, end=end)


def normalize(paper: Paper) -> Paper:
    """``paper`` restricted to what BibLaTeX holds, with the documented normalisations applied.

    As :func:`pubconv.formats.bibtex.normalize` (whitespace, automatic title protection,
    DOI case, page dashes), except: dates are kept at full EDTF precision (a season
    beside a month is dropped, a literal that is EDTF text is parsed), a dropping
    particle is kept unless the name also has a particle (then both are merged), types
    fold by the BibLaTeX tables, and a thesis/report genre equal to the default kind
    key (``phdthesis``/``techreport``) is dropped.
    """
    p = _adapt(paper)
    ws = re.compile(r"\s+")

    def t(s: str | None) -> str | None:
        if s is None:
            return None
        s = ws.sub(" ", s).strip()
        return s or None

    def name(n: Name) -> Name:
        if n.literal is not None:
            return Name(literal=t(n.literal))
        n = _merge_particles(n)
        return Name(
            family=t(n.family),
            given=t(n.given),
            particle=t(n.particle),
            dropping_particle=t(n.dropping_particle),
            suffix=t(n.suffix),
        )

    out = B.normalize(p)
    changes: dict[str, Any] = {}
    for role in ("author", "editor", "translator", "container_author"):
        changes[role] = tuple(name(n) for n in getattr(p, role))
    for attr in ("issued", "accessed", "original_date", "event_date"):
        changes[attr] = _normalize_date(getattr(p, attr))
    ctype = p.type
    if not p.get_extra("x-bibtex-type") and B._default_bib_type(ctype, p.genre, T.BIBLATEX) == "misc":
        ctype = "article" if (p.arxiv is not None or p.category is not None) else "document"
    changes["type"] = ctype
    names_seen: set[str] = set()
    extra: list[tuple[str, str]] = []
    for k, v in out.extra:
        fname = B._FIELD_NAME_BAD.sub("-", k.lower())
        if fname not in names_seen:
            names_seen.add(fname)
            extra.append((k, v))
    changes["extra"] = tuple(extra)
    btype = B._bib_type(p.replace(type=ctype), T.BIBLATEX)
    kind = _DEFAULT_KIND.get(btype)
    if kind is not None and out.genre is not None and out.genre.lower() == kind:
        changes["genre"] = None
    return out.replace(**changes)


#: Parts written one by one join as the BibTeX writer's do (see :func:`pubconv.formats.bibtex.join_parts`).
join_parts = B.join_parts
