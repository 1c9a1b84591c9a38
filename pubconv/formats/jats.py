"""JATS XML (NISO Z39.96) reference lists: reader and writer.

**Writing.** A standalone JATS 1.3 Archiving document (formats.md §4.4)::

    <?xml version='1.0' encoding='UTF-8'?>
    <!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD
      with MathML3 v1.3 20210610//EN" "https://jats.nlm.nih.gov/archiving/1.3/JATS-archivearticle1-3-mathml3.dtd">
    <article xmlns:xlink="http://www.w3.org/1999/xlink" dtd-version="1.3">
      <front><article-meta/></front>
      <back><ref-list><ref id="KEY"><element-citation publication-type="journal">...

one ``<ref>`` per paper, ``id`` = the citation key (an NCName; other keys are
replaced through :class:`pubconv.keys.KeyAllocator` with a PC402 note). The tree
is built with lxml (never by string concatenation); output is deterministic,
UTF-8, two-space indented, with an XML declaration and a final newline. Text that
XML 1.0 cannot hold (control characters, U+FFFE/U+FFFF, lone surrogates) is
dropped with a PC401 diagnostic. Output validates against the Archiving 1.3 DTD.

**Types** (``publication-type``, JATS4R vocabulary): article-journal -> journal,
article -> preprint, paper-conference -> confproc, book -> book, chapter -> book
(with ``chapter-title``), thesis, report, dataset -> data, software, webpage,
patent, standard, article-newspaper -> newspaper, article-magazine -> magazine,
anything else -> other. When ``other`` (read back as document) would not give the
CSL type back, ``<comment content-type="csl-type">`` holds it.

**Elements.** title -> ``article-title`` (``source`` for books, ``chapter-title``
for chapters, always written, empty when the chapter has no title; ``data-title``
for datasets); container_title -> ``source`` (for a book, and for a report, thesis,
software or webpage without title, whose ``source`` would read back as the title:
``comment content-type="container-title"``); names ->
``person-group person-group-type="author|editor|translator"`` with
``name/surname/given-names/suffix``, organisations (:attr:`Name.literal`) ->
``collab``, a name without family -> ``name name-style="given-only"``;
``author_truncated``/``editor_truncated`` -> ``<etal/>``; issued ->
``year iso-8601-date`` + ``month`` + ``day`` or ``season`` (1-4 = Spring ...
Winter); accessed -> ``date-in-citation content-type="access-date"``; volume,
issue, edition, version, ``series`` (collection_title), ``conf-name``
(event_title), ``conf-loc`` (event_place), ``publisher-name``,
``publisher-loc``; page ``a-b`` -> ``fpage`` + ``lpage``, a single page ->
``fpage``, anything else -> ``page-range``; doi / arxiv (with its version) /
pmid / pmcid -> ``pub-id pub-id-type="doi|arxiv|pmid|pmcid"``, number ->
``pub-id pub-id-type="other"``; isbn, issn (repeated); url ->
``ext-link ext-link-type="uri" xlink:href``; language -> ``xml:lang`` on the
citation; note -> ``comment`` without content-type; abstract ->
``annotation content-type="abstract"`` with one ``p`` (line breaks kept).
Preprints (JATS4R): ``publication-type="preprint"``, and ``source`` = ``arXiv``
when the paper has an arXiv id and no container title.

**Particles.** JATS has no particle element (``prefix`` is for honorifics), so
particles stay in ``surname`` (``<surname>de Marrais</surname>``, what other JATS
consumers display and sort correctly) and the split is recorded on the ``name``:
``content-type="particle:de"`` (plus ``dropping-particle:von``, ``;``-separated,
values percent-encoded). The reader strips those words from the surname again;
without the marker the surname is the family name.

**pubconv comments** (``<comment content-type=...>`` inside the citation, read
back by this module): ``arxiv-primary-class`` (Category.arxiv_class),
``subject-code`` (Category.code when it differs from the class; empty = no code),
``organization``, ``has-code`` (``true``), ``keyword`` (one per keyword),
``title-nocase`` (spans ``start:end`` comma-separated; empty for ``()``),
``csl-type``, ``container-title`` (books), ``issued`` / ``accessed`` (the full
date when the elements cannot hold it: circa ``~``, ranges ``/``, literal text;
see :func:`format_date`), ``title-short``, ``container-title-short``,
``collection-number``, ``number-of-pages``, ``chapter-number``, ``genre``,
``status``, ``medium``, ``language`` (only when it is no NMTOKEN for ``xml:lang``),
and ``extra:<name>`` for each :attr:`Paper.extra` field. A paper with nothing to
write gets an empty ``<comment/>`` (``element-citation`` needs a child).

**Reading.** Any ``ref`` in the document (``element-citation``,
``mixed-citation``, ``nlm-citation``; from ``citation-alternatives`` the
element-citation is taken), names in ``person-group`` or bare, ``string-name``
(structured or plain text), ``collab``, ``etal``; ``year`` with letters
(``2006a``: the letter is kept as extra ``year-label``); ``elocation-id`` ->
page (kept as extra when there is also ``fpage``); ``publication-type`` values
outside the table -> document, the value kept as extra ``publication-type``; a
``source`` is the title of a book, report, thesis, software or webpage citation
that has no other title element (``part-title`` is the title when given); an
``ext-link`` inside a plain ``comment`` gives the URL; unknown elements, repeated
pub-ids and other person-group roles go to :attr:`Paper.extra` by element name.
Text is whitespace-folded except abstract and note. Each paper's
``origin`` is its ``ref`` element's line (column 1). A ref without a citation
gives a PC602 diagnostic and an empty paper so ref counts are kept; a citation
with no structured element is kept whole as the note (PC603).

**Safety.** Parsing never loads DTDs, resolves entities or touches the network
(``XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
huge_tree=False)``); a DOCTYPE internal subset declaring entities is rejected
(PC601: XXE, billion laughs); inputs over :data:`MAX_INPUT` characters are
rejected (PC604); libxml2 caps nesting depth (256). Named entity references of
the JATS/HTML entity sets are decoded from their names. Malformed XML gives one
PC600 diagnostic at lxml's line and column.

.. versionadded:: 0.1
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import quote, unquote

from lxml import etree  # type: ignore[import-untyped]

from ..errors import Diagnostic
from ..keys import KeyAllocator
from ..model import ITEM_TYPES, ArxivId, Category, Date, Name, Paper, Position
from ..names import parse_plain
from .base import ReadResult, unsupported_defaults

__all__ = [
    "ALIASES",
    "DESCRIPTION",
    "DOCTYPE",
    "EXTENSIONS",
    "MAX_INPUT",
    "NAME",
    "SUPPORTS",
    "format_date",
    "normalize",
    "parse_date",
    "read",
    "sniff",
    "write",
]

NAME: Final = "jats"
ALIASES: Final[tuple[str, ...]] = ()
EXTENSIONS: Final = (".xml", ".nxml")
DESCRIPTION: Final = "JATS XML reference lists (element-citation; JATS 1.3 Archiving)"
SUPPORTS: Final = frozenset(
    {
        "type", "key", "title", "title_nocase", "title_short", "author", "author_truncated",
        "editor", "editor_truncated", "translator", "issued", "accessed", "container_title",
        "container_title_short", "collection_title", "collection_number", "volume", "issue",
        "number", "page", "number_of_pages", "chapter_number", "edition", "version", "publisher",
        "publisher_place", "event_title", "event_place", "genre", "status", "medium", "doi",
        "arxiv", "isbn", "issn", "pmid", "pmcid", "url", "abstract", "keywords", "category",
        "language", "note", "organization", "has_code", "extra",
    }
)  # fmt: skip

DOCTYPE: Final = (
    '<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD'
    ' with MathML3 v1.3 20210610//EN"'
    ' "https://jats.nlm.nih.gov/archiving/1.3/JATS-archivearticle1-3-mathml3.dtd">'
)
#: Largest input :func:`read` accepts, in characters.
MAX_INPUT: Final = 50_000_000

XLINK: Final = "http://www.w3.org/1999/xlink"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
_HREF: Final = f"{{{XLINK}}}href"
_LANG: Final = f"{{{XML_NS}}}lang"

_TYPE_OUT: Final = {
    "article-journal": "journal",
    "article": "preprint",
    "paper-conference": "confproc",
    "book": "book",
    "chapter": "book",
    "thesis": "thesis",
    "report": "report",
    "dataset": "data",
    "software": "software",
    "webpage": "webpage",
    "patent": "patent",
    "standard": "standard",
    "article-newspaper": "newspaper",
    "article-magazine": "magazine",
}
_TYPE_IN: Final = {
    "journal": "article-journal",
    "preprint": "article",
    "confproc": "paper-conference",
    "conference": "paper-conference",
    "conf-proceedings": "paper-conference",
    "book": "book",
    "thesis": "thesis",
    "report": "report",
    "working-paper": "report",
    "data": "dataset",
    "dataset": "dataset",
    "software": "software",
    "webpage": "webpage",
    "website": "webpage",
    "web": "webpage",
    "patent": "patent",
    "standard": "standard",
    "newspaper": "article-newspaper",
    "magazine": "article-magazine",
    "letter": "article-journal",
    "review": "article-journal",
    "program": "software",
}
_SEASONS: Final = ("Spring", "Summer", "Autumn", "Winter")
_SEASON_IN: Final = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
_MONTHS: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: pubconv comments holding plain text fields: content-type -> Paper attribute.
_TEXT_COMMENTS: Final = {
    "title-short": "title_short",
    "container-title-short": "container_title_short",
    "collection-number": "collection_number",
    "number-of-pages": "number_of_pages",
    "chapter-number": "chapter_number",
    "genre": "genre",
    "status": "status",
    "medium": "medium",
    "organization": "organization",
    "language": "language",
}
#: citation children read as one text field: element -> Paper attribute (or a page part)
_SIMPLE: Final = {
    "volume": "volume", "issue": "issue", "edition": "edition", "version": "version",
    "publisher-name": "publisher", "publisher-loc": "publisher_place", "series": "collection_title",
    "conf-name": "event_title", "conf-loc": "event_place", "institution": "publisher",
    "page-range": "page", "elocation-id": "elocation", "fpage": "fpage", "lpage": "lpage",
}  # fmt: skip
_TITLES: Final = frozenset(
    {"article-title", "chapter-title", "data-title", "source", "part-title", "trans-title"}
)
_NAMES: Final = frozenset(
    {"name", "string-name", "collab", "name-alternatives", "collab-alternatives", "anonymous"}
)
#: publication types whose ``source`` is the work's own title when no other title element is given
_SOURCE_TITLED: Final = frozenset({"report", "thesis", "software", "webpage"})
_CITATIONS: Final = frozenset({"element-citation", "mixed-citation", "nlm-citation", "citation"})
_NCNAME: Final = re.compile(r"[A-Za-z_][\w.\-]*", re.ASCII)
_BAD_XML: Final = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_WS: Final = re.compile(r"\s+")
_NMTOKEN: Final = re.compile(r"[\w.\-:]+")


_PROLOG: Final = re.compile(r"\s*(?:<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)", re.S)


def sniff(head: str) -> bool:
    """True when the root element is ``<article>`` or ``<ref-list>``, or the DOCTYPE is JATS/NLM."""
    h = head.lstrip("\ufeff")
    pos = 0
    while m := _PROLOG.match(h, pos):
        if m.end() == pos:
            break
        if re.match(r"\s*<!DOCTYPE\s+(?:article|ref-list)\b[^>]*(?:JATS|//NLM//)", m.group()):
            return True
        pos = m.end()
    root = re.match(r"\s*<([A-Za-z_][\w.\-]*:)?(article|ref-list)[\s/>]", h[pos:])
    return root is not None


# ---------------------------------------------------------------------------------------------
# dates


def format_date(d: Date) -> str:
    """A compact text for a whole :class:`Date` (pubconv's ``issued``/``accessed`` comments).

    ``2020``, ``2020-08``, ``2020-08-27``, ``2020-S1`` (season), a ``~`` suffix for circa,
    ``start/end`` for ranges (an open end is empty), ``|literal`` text after the parts.
    """
    out = _date_part(d)
    if d.end is not None:
        out += "/" + _date_part(d.end)
    if d.literal is not None:
        out += "|" + d.literal
    return out


def _date_part(d: Date) -> str:
    out = d.isoformat() if d.year is not None else ""
    if d.season is not None:
        out += f"-S{d.season}"
    if d.circa:
        out += "~"
    return out


_DATE_PART: Final = re.compile(r"(-?\d{4,})?(?:-(\d\d)(?:-(\d\d))?)?(?:-S([1-4]))?(~)?")


def _parse_part(text: str) -> Date | None:
    m = _DATE_PART.fullmatch(text)
    if m is None:
        return None
    try:
        return Date(
            year=int(m.group(1)) if m.group(1) else None,
            month=int(m.group(2)) if m.group(2) else None,
            day=int(m.group(3)) if m.group(3) else None,
            season=int(m.group(4)) if m.group(4) else None,
            circa=bool(m.group(5)),
        )
    except ValueError:
        return None


def parse_date(text: str) -> Date | None:
    """Inverse of :func:`format_date`; None when ``text`` is not in that form."""
    head, bar, literal = text.partition("|")
    start, slash, end = head.partition("/")
    first = _parse_part(start)
    if first is None:
        return None
    last = _parse_part(end) if slash else None
    if slash and last is None:
        return None
    return Date(
        year=first.year,
        month=first.month,
        day=first.day,
        season=first.season,
        circa=first.circa,
        end=last,
        literal=literal if bar else None,
    )


def _simple_date(d: Date) -> bool:
    """True when year/month/day/season elements hold the whole date."""
    return d.end is None and not d.circa and d.literal is None and d.year is not None and d.year >= 0


# ---------------------------------------------------------------------------------------------
# writing


class _Writer:
    def __init__(self, diagnostics: list[Diagnostic] | None) -> None:
        self.diags = diagnostics
        self.where = ""

    def clean(self, text: str) -> str:
        """Text XML 1.0 can hold; what it cannot is dropped with PC401."""
        if _BAD_XML.search(text) is None:
            return text
        if self.diags is not None:
            self.diags.append(
                Diagnostic.make(
                    "PC401",
                    "characters XML 1.0 cannot hold (control characters, lone surrogates) dropped",
                    key=self.where,
                )
            )
        return _BAD_XML.sub("", text)

    def lost(self, message: str) -> None:
        if self.diags is not None:
            self.diags.append(Diagnostic.make("PC401", message, key=self.where))

    def sub(self, parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        el = etree.SubElement(parent, tag)
        for k, v in attrs.items():
            el.set(k.replace("_", "-"), self.clean(v))
        if text is not None:
            el.text = self.clean(text)
        return el

    def comment(self, parent: Any, content_type: str, text: str) -> None:
        self.sub(parent, "comment", text, content_type=content_type)

    def names(self, cit: Any, role: str, names: tuple[Name, ...], truncated: bool) -> None:
        if not names and not truncated:
            return
        group = self.sub(cit, "person-group", person_group_type=role)
        for n in names:
            if n.literal is not None:
                self.sub(group, "collab", n.literal)
                continue
            if n.family is None:
                if n.given is None:
                    self.lost(f"an empty {role} name was dropped")
                    continue
                el = self.sub(group, "name", name_style="given-only")
                self.sub(el, "given-names", n.given)
                if n.suffix:
                    self.sub(el, "suffix", n.suffix)
                continue
            el = self.sub(group, "name")
            marks = []
            if n.dropping_particle:
                marks.append("dropping-particle:" + quote(n.dropping_particle, safe=" "))
            if n.particle:
                marks.append("particle:" + quote(n.particle, safe=" "))
            if marks:
                el.set("content-type", self.clean(";".join(marks)))
            surname = " ".join(p for p in (n.dropping_particle, n.particle, n.family) if p)
            self.sub(el, "surname", surname)
            if n.given is not None:
                self.sub(el, "given-names", n.given)
            if n.suffix:
                self.sub(el, "suffix", n.suffix)
        if truncated:
            self.sub(group, "etal")

    def date_parts(self, parent: Any, d: Date) -> None:
        if d.year is None:
            return
        attrs = {}
        if 0 <= d.year <= 9999:
            attrs["iso_8601_date"] = d.isoformat()
        self.sub(parent, "year", str(d.year), **attrs)
        if d.month is not None:
            self.sub(parent, "month", f"{d.month:02d}")
        if d.day is not None:
            self.sub(parent, "day", f"{d.day:02d}")
        if d.season is not None:
            self.sub(parent, "season", _SEASONS[d.season - 1])

    def citation(self, ref: Any, p: Paper) -> None:
        ptype = _TYPE_OUT.get(p.type, "other")
        cit = self.sub(ref, "element-citation", publication_type=ptype)
        if p.language and _NMTOKEN.fullmatch(p.language):
            cit.set(_LANG, p.language)
        self.names(cit, "author", p.author, p.author_truncated)
        self.names(cit, "editor", p.editor, p.editor_truncated)
        self.names(cit, "translator", p.translator, False)
        container = p.container_title
        if container is None and p.type == "article" and p.arxiv is not None:
            container = "arXiv"
        if p.type == "book":
            if p.title is not None:
                self.sub(cit, "source", p.title)
        else:
            tag = {"chapter": "chapter-title", "dataset": "data-title"}.get(p.type, "article-title")
            if p.title is not None or p.type == "chapter":
                self.sub(cit, tag, p.title)
            if container is not None and (p.title is not None or ptype not in _SOURCE_TITLED):
                self.sub(cit, "source", container)
        if p.collection_title is not None:
            self.sub(cit, "series", p.collection_title)
        if p.event_title is not None:
            self.sub(cit, "conf-name", p.event_title)
        if p.event_place is not None:
            self.sub(cit, "conf-loc", p.event_place)
        if p.edition is not None:
            self.sub(cit, "edition", p.edition)
        if p.publisher_place is not None:
            self.sub(cit, "publisher-loc", p.publisher_place)
        if p.publisher is not None:
            self.sub(cit, "publisher-name", p.publisher)
        if p.issued is not None:
            self.date_parts(cit, p.issued)
        if p.volume is not None:
            self.sub(cit, "volume", p.volume)
        if p.issue is not None:
            self.sub(cit, "issue", p.issue)
        if p.page is not None:
            m = re.fullmatch(r"([^\s\-,;]+)(?:-([^\s\-,;]+))?", p.page)
            if m is None:
                self.sub(cit, "page-range", p.page)
            else:
                self.sub(cit, "fpage", m.group(1))
                if m.group(2) is not None:
                    self.sub(cit, "lpage", m.group(2))
        if p.version is not None:
            self.sub(cit, "version", p.version)
        if p.accessed is not None and p.accessed.year is not None:
            acc = self.sub(cit, "date-in-citation", content_type="access-date")
            if 0 <= p.accessed.year <= 9999:
                acc.set("iso-8601-date", p.accessed.isoformat())
            self.date_parts(acc, p.accessed)
        for kind, value in (
            ("doi", p.doi),
            ("arxiv", str(p.arxiv) if p.arxiv else None),
            ("pmid", p.pmid),
            ("pmcid", p.pmcid),
            ("other", p.number),
        ):
            if value is not None:
                self.sub(cit, "pub-id", value, pub_id_type=kind)
        for isbn in p.isbn:
            self.sub(cit, "isbn", isbn)
        for issn in p.issn:
            self.sub(cit, "issn", issn)
        if p.url is not None:
            link = self.sub(cit, "ext-link", p.url, ext_link_type="uri")
            link.set(_HREF, self.clean(p.url))
        self.comments(cit, p, ptype, container)
        if len(cit) == 0:  # element-citation needs one child; an empty comment reads back as nothing
            self.sub(cit, "comment")

    def comments(self, cit: Any, p: Paper, ptype: str, container: str | None) -> None:
        if p.note is not None:
            self.sub(cit, "comment", p.note)
        if _TYPE_IN.get(ptype, "document") != p.type and p.type != "chapter":
            self.comment(cit, "csl-type", p.type)
        if p.container_title is not None and (
            p.type == "book" or (p.title is None and ptype in _SOURCE_TITLED)
        ):
            self.comment(cit, "container-title", p.container_title)
        if p.type == "article" and p.container_title is None and container is not None:
            self.comment(cit, "container-title", "")  # "arXiv" above was added by the writer
        for label, d in (("issued", p.issued), ("accessed", p.accessed)):
            if d is not None and d.year is None and (d.month is not None or d.day is not None):
                self.lost(f"{label}: month and day without a year were dropped")
            if d is not None and not _simple_date(d):
                self.comment(cit, label, format_date(d))
        for ctype, attr in _TEXT_COMMENTS.items():
            value = getattr(p, attr)
            if value is not None and not (attr == "language" and _NMTOKEN.fullmatch(value)):
                self.comment(cit, ctype, value)
        if p.category is not None and (p.category.code or p.category.arxiv_class):
            if p.category.arxiv_class is not None:
                self.comment(cit, "arxiv-primary-class", p.category.arxiv_class)
            if p.category.code != p.category.arxiv_class or p.category.arxiv_class is None:
                self.comment(cit, "subject-code", p.category.code or "")
        if p.has_code:
            self.comment(cit, "has-code", "true")
        for kw in p.keywords:
            self.comment(cit, "keyword", kw)
        if p.title_nocase is not None:
            self.comment(cit, "title-nocase", ",".join(f"{a}:{b}" for a, b in p.title_nocase))
        for name, value in p.extra:
            self.comment(cit, "extra:" + name, value)
        if p.abstract is not None:
            ann = self.sub(cit, "annotation", content_type="abstract")
            self.sub(ann, "p", p.abstract)


def _valid_id(key: str) -> bool:
    return _NCNAME.fullmatch(key) is not None


def write(papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None, **options: Any) -> str:
    """Serialise papers as a JATS 1.3 Archiving document (see the module docstring)."""
    w = _Writer(diagnostics)
    keys = KeyAllocator()
    article = etree.Element("article", nsmap={"xlink": XLINK})
    article.set("dtd-version", "1.3")
    front = etree.SubElement(article, "front")
    etree.SubElement(front, "article-meta")
    back = etree.SubElement(article, "back")
    ref_list = etree.SubElement(back, "ref-list")
    for p in papers:
        w.where = p.key or (p.title or "")[:40]
        key = keys.allocate(p, diagnostics, valid=_valid_id)
        if not _valid_id(key):  # a generated key that is no NCName (digits first, non-ASCII)
            key = keys.allocate(p.replace(key="ref-" + re.sub(r"[^\w.\-]", "", key, flags=re.ASCII)))
        w.where = key
        ref = etree.SubElement(ref_list, "ref", id=key)
        w.citation(ref, p)
    etree.indent(article, space="  ")
    body: str = etree.tostring(article, encoding="unicode")
    return "<?xml version='1.0' encoding='UTF-8'?>\n" + DOCTYPE + "\n" + body + "\n"


# ---------------------------------------------------------------------------------------------
# reading


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


_ENTITIES: Final = {**html.entities.name2codepoint}


def _raw_text(el: Any) -> str:
    """All text inside ``el`` (descendants included), entity references decoded."""
    if len(el) == 0:
        return el.text or ""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, etree._Entity):
            name = node.name
            cp = _ENTITIES.get(name)
            out.append(chr(cp) if cp is not None else html.unescape(f"&{name};"))
        elif isinstance(node.tag, str):
            if node.text:
                out.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    out.append(child.tail)

    walk(el)
    return "".join(out)


def _text(el: Any) -> str | None:
    if el is None:
        return None
    s = _WS.sub(" ", _raw_text(el)).strip()
    return s or None


def _children(el: Any) -> list[Any]:
    return [c for c in el if isinstance(c.tag, str)]


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.diags: list[Diagnostic] = []

    def pos(self, el: Any) -> Position:
        return Position(source=self.source, line=el.sourceline, column=1)

    def warn(self, code: str, message: str, el: Any) -> None:
        self.diags.append(Diagnostic.make(code, message, self.pos(el)))

    def name(self, el: Any) -> Name | None:
        tag = _local(el.tag)
        if tag in ("collab", "anonymous"):
            text = _text(el)
            return Name(literal=text) if text else None
        if tag in ("name-alternatives", "collab-alternatives"):
            first = next((c for c in _children(el)), None)
            return self.name(first) if first is not None else None
        parts = {_local(c.tag): _text(c) for c in _children(el)}
        surname, given, suffix = parts.get("surname"), parts.get("given-names"), parts.get("suffix")
        if tag == "string-name" and surname is None and given is None:
            text = _text(el)
            if not text:
                return None
            n = parse_plain(text)
            return n if n.family is not None else Name(literal=text)
        if surname is None:
            return Name(given=given, suffix=suffix) if given else None
        particle = dropping = None
        marker = el.get("content-type") or ""
        if marker:
            marks: dict[str, str] = {}
            for item in marker.split(";"):
                k, _, v = item.partition(":")
                marks[k] = unquote(v)
            want = " ".join(x for x in (marks.get("dropping-particle"), marks.get("particle")) if x)
            if want and surname.startswith(want + " ") and len(surname) > len(want) + 1:
                surname = surname[len(want) + 1 :]
                particle = marks.get("particle") or None
                dropping = marks.get("dropping-particle") or None
        return Name(family=surname, given=given, suffix=suffix, particle=particle, dropping_particle=dropping)

    def date(self, el: Any) -> Date | None:
        """The date in the year/month/day/season children of ``el``."""
        year_el = el.find("year")
        if year_el is None:
            return None
        year_text = _text(year_el) or ""
        iso = year_el.get("iso-8601-date") or ""
        m = re.fullmatch(r"(-?\d{1,4})([a-z]*)", year_text)
        if m is None:
            m2 = re.match(r"(\d{4})", iso)
            if m2 is None:
                return Date(literal=year_text) if year_text else None
            year = int(m2.group(1))
        else:
            year = int(m.group(1))
        month = day = season = None
        month_text = _text(el.find("month"))
        if month_text:
            if month_text.isdigit() and 1 <= int(month_text) <= 12:
                month = int(month_text)
            elif month_text[:3].lower() in _MONTHS:
                month = _MONTHS.index(month_text[:3].lower()) + 1
        day_text = _text(el.find("day"))
        if month is not None and day_text and day_text.isdigit() and 1 <= int(day_text) <= 31:
            day = int(day_text)
        season_text = _text(el.find("season"))
        if season_text:
            season = _SEASON_IN.get(season_text.lower())
        return Date(year=year, month=month, day=day, season=season)

    def ref(self, ref: Any) -> Paper:
        cits = [c for c in _children(ref) if _local(c.tag) in _CITATIONS]
        alts = ref.find("citation-alternatives")
        if not cits and alts is not None:
            options = _children(alts)
            cits = [c for c in options if _local(c.tag) == "element-citation"] or [
                c for c in options if _local(c.tag) in _CITATIONS
            ]
        ident = ref.get("id")
        if not cits:
            self.warn("PC602", "reference without a citation element; read as an empty record", ref)
            return Paper(type="document", key=ident, note=_text(ref), origin=self.pos(ref))
        return self.citation(cits[0], ident, ref)

    def citation(self, cit: Any, ident: str | None, ref: Any) -> Paper:
        f: dict[str, Any] = {"key": ident}
        ptype = (cit.get("publication-type") or cit.get("citation-type") or "").strip().lower()
        roles: dict[str, list[Name]] = {"author": [], "editor": [], "translator": []}
        truncated = {"author": False, "editor": False}
        comments: list[tuple[str, str | None, Any]] = []
        extra: list[tuple[str, str]] = []
        found = False
        pub_ids: dict[str, str] = {}
        isbn: list[str] = []
        issn: list[str] = []
        keywords: list[str] = []
        notes: list[str] = []
        titles: dict[str, str | None] = {}
        for child in _children(cit):
            tag = _local(child.tag)
            found = found or tag not in ("label", "x", "italic", "bold", "sup", "sub")
            if tag == "person-group":
                role = (child.get("person-group-type") or "author").lower()
                role = {"editors": "editor", "authors": "author", "allauthors": "author"}.get(role, role)
                for member in _children(child):
                    mtag = _local(member.tag)
                    if mtag == "etal":
                        if role in truncated:
                            truncated[role] = True
                        continue
                    if mtag not in _NAMES:
                        continue
                    n = self.name(member)
                    if n is not None and role in roles:
                        roles[role].append(n)
                    elif n is not None:
                        extra.append((role, n.display()))
            elif tag in _NAMES:
                n = self.name(child)
                if n is not None:
                    roles["author"].append(n)
            elif tag == "etal":
                truncated["author"] = True
            elif tag in _TITLES:
                titles.setdefault(tag, _text(child))
            elif tag == "comment" or tag == "annotation":
                comments.append((tag, child.get("content-type"), child))
            elif tag == "pub-id":
                kind = (child.get("pub-id-type") or "other").lower()
                value = _text(child)
                if value:
                    if kind in pub_ids:
                        extra.append(("pub-id-" + kind, value))
                    else:
                        pub_ids[kind] = value
            elif tag == "isbn":
                if v := _text(child):
                    isbn.append(v)
            elif tag in ("issn", "issn-l"):
                if v := _text(child):
                    issn.append(v)
            elif tag in ("ext-link", "uri"):
                href = child.get(_HREF) or _text(child)
                if href and "url" not in f:
                    f["url"] = href.strip()
                elif href:
                    extra.append(("url", href.strip()))
            elif tag == "date-in-citation":
                if (child.get("content-type") or "access-date") in ("access-date", "accessed"):
                    d = self.date(child)
                    if d is None:
                        iso = child.get("iso-8601-date") or ""
                        d = _parse_part(iso) if iso else None
                    if d is None and (t := _text(child)):
                        d = Date(literal=t)
                    f["accessed"] = d
            elif tag == "date":
                if "issued" not in f:
                    f["issued"] = self.date(child)
            elif tag in ("year", "month", "day", "season"):
                pass  # read together below
            else:
                simple = _SIMPLE.get(tag)
                value = _text(child)
                if simple is not None and value is not None:
                    if simple in f:
                        extra.append((tag, value))
                    else:
                        f[simple] = value
                elif value is not None and tag not in ("label", "x"):
                    extra.append((tag, value))
        if cit.find("year") is not None and "issued" not in f:
            f["issued"] = self.date(cit)
            year_text = _text(cit.find("year")) or ""
            if m := re.fullmatch(r"\d{1,4}([a-z]+)", year_text):
                extra.append(("year-label", m.group(1)))
        # pages
        fpage, lpage, elocation = f.pop("fpage", None), f.pop("lpage", None), f.pop("elocation", None)
        if fpage is not None:
            f["page"] = fpage + (f"-{lpage}" if lpage else "")
            if "page" in f and elocation is not None:
                extra.append(("elocation-id", elocation))
        elif "page" not in f and elocation is not None:
            f["page"] = elocation
        # titles and type
        csl = _TYPE_IN.get(ptype, "document")
        title = titles.get("article-title")
        source = titles.get("source")
        if "chapter-title" in titles:
            title, csl = titles["chapter-title"], "chapter"
        elif titles.get("data-title") is not None:
            title = titles["data-title"]
        elif ptype == "book" and title is not None:
            csl = "chapter"
        elif title is None and titles.get("part-title") is not None:
            title = titles["part-title"]  # JATS4R software: part-title = the software, source = archive
        elif title is None and (ptype == "book" or ptype in _SOURCE_TITLED):
            title, source = source, None
        f["title"] = title
        f["container_title"] = source
        if ptype and ptype not in _TYPE_IN and ptype != "other":
            extra.append(("publication-type", ptype))
        if lang := cit.get(_LANG):
            f["language"] = lang
        # identifiers
        if doi := pub_ids.pop("doi", None):
            f["doi"] = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I).lower()
        if ax := pub_ids.pop("arxiv", None):
            parsed = ArxivId.parse(ax)
            if parsed is not None:
                f["arxiv"] = parsed
            else:
                extra.append(("pub-id-arxiv", ax))
        for kind in ("pmid", "pmcid"):
            if v := pub_ids.pop(kind, None):
                f[kind] = v
        if v := pub_ids.pop("other", None):
            f["number"] = v
        for kind, v in pub_ids.items():
            extra.append(("pub-id-" + kind, v))
        f["isbn"] = tuple(isbn)
        f["issn"] = tuple(issn)
        # pubconv comments
        cls_: str | None = None
        code: str | None = None
        code_seen = False
        for tag, ctype, el in comments:
            raw = _raw_text(el)
            text = _WS.sub(" ", raw).strip()
            if tag == "annotation":
                if ctype == "abstract":
                    paras = [_raw_text(p_el) for p_el in _children(el) if _local(p_el.tag) == "p"]
                    f["abstract"] = ("\n\n".join(paras) if paras else raw).strip() or None
                else:
                    notes.append(raw.strip())
                continue
            if ctype is None:
                notes.append(raw.strip())
                for link in el.iter("ext-link", "uri"):  # "Available at <ext-link ...>"
                    href = link.get(_HREF) or _text(link)
                    if href and "url" not in f:
                        f["url"] = href.strip()
            elif ctype == "csl-type":
                if text in ITEM_TYPES:
                    csl = text
            elif ctype == "container-title":
                f["container_title"] = text or None
            elif ctype in ("issued", "accessed"):
                d = parse_date(raw)
                if d is not None:
                    f[ctype] = d
            elif ctype in _TEXT_COMMENTS:
                f[_TEXT_COMMENTS[ctype]] = text or None
            elif ctype == "arxiv-primary-class":
                cls_ = text or None
            elif ctype == "subject-code":
                code, code_seen = text or None, True
            elif ctype == "has-code":
                f["has_code"] = text.lower() == "true"
            elif ctype == "keyword":
                keywords.append(text)
            elif ctype == "title-nocase":
                spans = []
                for item in filter(None, text.split(",")):
                    a, _, b = item.partition(":")
                    if a.isdigit() and b.isdigit():
                        spans.append((int(a), int(b)))
                f["title_nocase"] = tuple(spans)
            elif ctype.startswith("extra:"):
                extra.append((ctype[6:], raw))
            else:
                notes.append(raw.strip())
        if cls_ is not None or code_seen:
            f["category"] = Category(code=code if code_seen else cls_, arxiv_class=cls_)
        if any(notes):
            f["note"] = "\n".join(n for n in notes if n)
        f["keywords"] = tuple(keywords)
        f["author"], f["editor"], f["translator"] = (
            tuple(roles[r]) for r in ("author", "editor", "translator")
        )
        f["author_truncated"], f["editor_truncated"] = truncated["author"], truncated["editor"]
        f["extra"] = tuple(extra)
        if not found or (_local(cit.tag) == "mixed-citation" and not _has_content(f)):
            whole = _text(cit)
            self.warn("PC603", "citation without structured elements; its text is kept as the note", cit)
            f["note"] = whole
        return Paper(type=csl, origin=self.pos(ref), **{k: v for k, v in f.items() if v is not None})


def _has_content(f: dict[str, Any]) -> bool:
    return any(f.get(k) for k in ("title", "container_title", "author", "issued", "doi", "url", "page"))


_DOCTYPE_SUBSET: Final = re.compile(r"<!DOCTYPE[^\[>]*\[", re.I)
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


_NAMED_ENTITY: Final = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES: Final = frozenset({"amp", "lt", "gt", "quot", "apos"})


def _numeric_entity(m: re.Match[str]) -> str:
    """``&eacute;`` -> ``&#233;`` (HTML/ISO names JATS DTDs define), so no DTD is needed."""
    name = m.group(1)
    if name in _XML_ENTITIES:
        return m.group()
    cp = _ENTITIES.get(name)
    if cp is None:
        decoded = html.unescape(m.group())
        return m.group() if decoded == m.group() else "".join(f"&#{ord(c)};" for c in decoded)
    return f"&#{cp};"


def _fail(code: str, message: str, source: str, line: int, column: int) -> ReadResult:
    return ReadResult(
        (), (Diagnostic.make(code, message, Position(source=source, line=line, column=column)),)
    )


def read(text: str, *, source: str = "<string>") -> ReadResult:
    """Read every ``<ref>`` of a JATS document (or a bare ``<ref-list>``) into papers."""
    if not text.strip():
        return ReadResult(())
    if len(text) > MAX_INPUT:
        return _fail("PC604", f"input larger than {MAX_INPUT} characters; not read", source, 1, 1)
    text = text.lstrip("\ufeff")
    prolog_match = _DOCTYPE_SUBSET.search(text)
    subset_end = text.find("]", prolog_match.end()) if prolog_match is not None else -1
    if prolog_match is not None and re.search(
        r"<!ENTITY", text[prolog_match.end() : subset_end if subset_end >= 0 else None], re.I
    ):
        line = text.count("\n", 0, prolog_match.start()) + 1
        msg = "DOCTYPE declares entities (possible XXE or entity expansion); not read"
        return _fail("PC601", msg, source, line, 1)
    text = _SURROGATE.sub("\ufffd", text)
    text = _NAMED_ENTITY.sub(_numeric_entity, text)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        encoding="utf-8",
        remove_pis=True,
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        msg = exc.msg if isinstance(exc.msg, str) else str(exc)
        msg = re.sub(r", line \d+, column \d+$", "", msg)
        return _fail("PC600", f"malformed XML: {msg}", source, max(line, 1), max(column, 1))
    reader = _Reader(source)
    papers: list[Paper] = []
    refs = [root] if _local(root.tag) == "ref" else [el for el in root.iter() if _local(el.tag) == "ref"]
    for ref in refs:
        try:
            papers.append(reader.ref(ref))
        except Exception as exc:  # a bad record must not stop the rest
            reader.warn("PC602", f"reference could not be read: {exc}", ref)
            papers.append(Paper(type="document", key=ref.get("id"), origin=reader.pos(ref)))
    return ReadResult(tuple(papers), tuple(reader.diags))


# ---------------------------------------------------------------------------------------------
# normalisation


def normalize(paper: Paper) -> Paper:
    """``paper`` restricted to what this module writes and reads back.

    ``read(write([p])).papers[0] == normalize(p)`` (the key aside when it was None or not an
    NCName): unsupported fields removed, whitespace folded (abstract and note only stripped),
    empty strings -> None, characters XML cannot hold dropped, DOI lower-case, container_author
    and collection_editor dropped, literal names that fold to nothing dropped.
    """

    def clean(s: str) -> str:
        return _BAD_XML.sub("", s)

    def t(s: str | None) -> str | None:
        if s is None:
            return None
        s = _WS.sub(" ", clean(s)).strip()
        return s or None

    def name(n: Name) -> Name | None:
        if n.literal is not None:
            lit = t(n.literal)
            return Name(literal=lit) if lit else None
        fam, given = t(n.family), t(n.given)
        if fam is None:
            return Name(given=given, suffix=t(n.suffix)) if given else None
        part, drop = t(n.particle), t(n.dropping_particle)
        return Name(family=fam, given=given, suffix=t(n.suffix), particle=part, dropping_particle=drop)

    changes: dict[str, Any] = unsupported_defaults(SUPPORTS)
    for attr in ("title", "title_short", "container_title", "container_title_short", "collection_title",
                 "collection_number", "volume", "issue", "number", "page", "number_of_pages",
                 "chapter_number", "edition", "version", "publisher", "publisher_place", "event_title",
                 "event_place", "genre", "status", "medium", "pmid", "pmcid", "language", "organization",
                 "url"):  # fmt: skip
        changes[attr] = t(getattr(paper, attr))
    for attr in ("abstract", "note"):
        v = getattr(paper, attr)
        changes[attr] = (clean(v).strip() or None) if v is not None else None
    for role in ("author", "editor", "translator"):
        changes[role] = tuple(n for n in (name(x) for x in getattr(paper, role)) if n is not None)
    if paper.doi:
        changes["doi"] = t(paper.doi.lower())
    changes["keywords"] = tuple(t(k) or "" for k in paper.keywords)
    changes["isbn"] = tuple(x for x in (t(i) for i in paper.isbn) if x)
    changes["issn"] = tuple(x for x in (t(i) for i in paper.issn) if x)
    changes["extra"] = tuple((t(k) or "", clean(v)) for k, v in paper.extra)
    if paper.category is not None:
        code, cls_ = t(paper.category.code), t(paper.category.arxiv_class)
        changes["category"] = Category(code=code, arxiv_class=cls_) if (code or cls_) else None
    changes["raw"] = ()
    for label in ("issued", "accessed"):
        d = getattr(paper, label)
        if d is not None:
            changes[label] = _norm_date(d)
    return paper.replace(**changes)


def _norm_date(d: Date) -> Date:
    end = d.end
    if end is not None:
        end = Date(
            year=end.year,
            month=end.month if end.year is not None else None,
            day=end.day if end.year is not None else None,
            season=end.season,
            circa=end.circa,
        )
    lit = _BAD_XML.sub("", d.literal) if d.literal is not None else None
    if d.year is None:  # month and day without a year cannot be written
        d = Date(season=d.season, circa=d.circa, end=d.end, literal=d.literal)
    out = Date(year=d.year, month=d.month, day=d.day, season=d.season, circa=d.circa, end=end, literal=lit)
    return out
