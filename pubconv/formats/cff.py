"""CITATION.cff (Citation File Format 1.2.0) reader, writer and schema validator.

**YAML.** Texts are composed with PyYAML's *safe* loader (the C loader when
available) into nodes that keep their line and column; the nodes are turned
into plain values here, with a map from each value's path to its position, so
every diagnostic points at the line. Anchors and aliases are rejected (PC804:
they are the YAML "billion laughs"), as are texts over :data:`MAX_CHARS`
characters (PC803) and nesting deeper than :data:`MAX_DEPTH`. A YAML syntax
error is PC800 at its line and column; a document that is not a mapping, or
lacks ``cff-version``, is PC801. Unquoted dates (``date-released: 2020-01-31``)
are read as the text ``2020-01-31`` as the CFF specification asks.

**Records and their order.** Reading gives, in this order: the
``preferred-citation`` (when present; it carries ``extra ("cff:role",
"preferred-citation")``), then the work itself (the file's root: ``software``
or ``dataset``), then each of ``references``. So ``pubconv CITATION.cff --to
bibtex`` starts with what GitHub's "Cite this repository" shows. Writing
puts the first paper marked ``preferred-citation`` under that key, the first
unmarked paper at the root and every other paper under ``references``; a
list without an unmarked paper uses its first paper as the root (PC401).

**Mapping.** Root: ``title``, ``authors``, ``version``, ``doi``,
``date-released`` (the issued date), ``url`` (else ``repository-code``, which
is also kept as an extra), ``abstract``, ``keywords``.
References: the CFF type (table :data:`CFF_TO_CSL`; a CFF type the writer
would not choose for the CSL type is kept as ``extra ("cff:type", ...)``;
``article`` with ``status: preprint`` is CSL ``article``), ``title``,
``authors``, ``editors``, ``translators``, ``editors-series``, ``journal``
(container title), ``collection-title``, ``conference.name`` (event),
``publisher.name`` and ``publisher.city``, ``institution.name`` (publisher of
theses and reports when there is no publisher), ``volume``, ``issue``,
``start``/``end`` (pages), ``pages`` (number of pages), ``number``,
``edition``, ``version``, ``isbn``, ``issn``, ``pmcid``, ``languages``,
``notes``, ``medium``, ``thesis-type`` (genre), ``status``, ``doi``, ``url``,
``date-published`` or ``year``/``month`` (issued), ``date-accessed``,
``abstract``, ``keywords``. Persons are family/given/particle/suffix, entities
are literal names; a person's or entity's other keys (``orcid``,
``affiliation``, ``email`` ...) are kept as ``extra ("cff:authors[0].orcid",
value)``. An ``identifiers`` entry that is an arXiv URL or DOI gives
:attr:`Paper.arxiv`. Every other key is kept as ``extra ("cff:<key>", value)``
(a list or mapping as JSON text) and written back in place.

**What CFF has no key for** (the listing's ``organization``, ``has_code``,
``category``, ``author_truncated``; a date CFF cannot write; a paper type a
root cannot have ...) is written in one identifier of type ``other`` whose
value is ``pubconv:{json}``: the writer reads each record it wrote back and
stores there every supported field that did not survive, so
``read(write(papers)) == papers`` (see docs/conventions.md, "CITATION.cff").

**Validation.** :func:`validate` checks a text against pubconv's own CFF 1.2.0
schema (``schemas/cff-1.2.0.schema.json``) and reports every violation
(PC802), each at the line of the offending key or value, with a fix.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import yaml

from ..errors import Diagnostic
from ..model import ArxivId, Date, Name, Paper, Position
from ..serialize import paper_from_dict, paper_to_dict
from .base import ReadResult, unsupported_defaults

__all__ = [
    "ALIASES",
    "CFF_TO_CSL",
    "DESCRIPTION",
    "EXTENSIONS",
    "NAME",
    "SUPPORTS",
    "normalize",
    "read",
    "sniff",
    "validate",
    "write",
]

NAME: Final = "cff"
ALIASES: Final[tuple[str, ...]] = ("citation-cff",)
EXTENSIONS: Final = (".cff",)
DESCRIPTION: Final = "CITATION.cff (Citation File Format 1.2.0)"
SUPPORTS: Final = frozenset(
    {
        "type", "key", "title", "title_short", "author", "author_truncated", "editor", "editor_truncated",
        "translator", "container_author", "collection_editor", "issued", "accessed", "original_date",
        "event_date", "container_title", "container_title_short", "collection_title", "collection_number",
        "volume", "issue", "number", "page", "number_of_pages", "chapter_number", "edition", "version",
        "publisher", "publisher_place", "event_title", "event_place", "genre", "status", "medium", "doi",
        "arxiv", "isbn", "issn", "pmid", "pmcid", "url", "abstract", "keywords", "category", "language",
        "note", "organization", "has_code", "extra",
    }
)  # fmt: skip

#: Largest text read, in characters.
MAX_CHARS: Final = 10_000_000
#: Deepest nesting of YAML collections accepted.
MAX_DEPTH: Final = 64
SCHEMA_NAME: Final = "cff-1.2.0.schema.json"
ROLE: Final = "cff:role"
PREFERRED: Final = "preferred-citation"
_CARRIER: Final = "pubconv:"
_CARRIER_DESCRIPTION: Final = "pubconv: fields CITATION.cff has no key for"
_MESSAGE: Final = "If you use this software, please cite it using the metadata from this file."

#: CFF reference type -> CSL item type (the writer uses the first CFF type listed for a CSL type).
CFF_TO_CSL: Final[dict[str, str]] = {
    "article": "article-journal", "book": "book", "conference-paper": "paper-conference",
    "report": "report", "thesis": "thesis", "software": "software", "data": "dataset",
    "generic": "document", "unpublished": "manuscript", "website": "webpage", "blog": "post-weblog",
    "magazine-article": "article-magazine", "newspaper-article": "article-newspaper",
    "conference": "event", "patent": "patent", "pamphlet": "pamphlet", "map": "map",
    "music": "musical_score", "standard": "standard", "statute": "legislation", "bill": "bill",
    "hearing": "hearing", "legal-case": "legal_case", "legal-rule": "regulation",
    "personal-communication": "personal_communication", "film-broadcast": "motion_picture",
    "sound-recording": "song", "art": "graphic", "serial": "periodical", "encyclopedia": "entry-encyclopedia",
    "dictionary": "entry-dictionary", "slides": "speech", "manual": "book", "proceedings": "book",
    "edited-work": "book", "catalogue": "book", "database": "dataset", "audiovisual": "motion_picture",
    "video": "motion_picture", "multimedia": "document", "grant": "document",
    "government-document": "report", "historical-work": "manuscript", "software-code": "software",
    "software-container": "software", "software-executable": "software",
    "software-virtual-machine": "software",
}  # fmt: skip
_CSL_TO_CFF: Final[dict[str, str]] = {}
for _cff, _csl in CFF_TO_CSL.items():
    _CSL_TO_CFF.setdefault(_csl, _cff)
_CSL_TO_CFF["article"] = "article"  # with status: preprint
_STATUSES: Final = frozenset(
    {"abstract", "advance-online", "in-preparation", "in-press", "preprint", "submitted"}
)
_NAME_KEYS: Final = {
    "authors": "author", "editors": "editor", "translators": "translator",
    "editors-series": "collection_editor", "senders": "container_author",
}  # fmt: skip
_PERSON_PARTS: Final = (
    ("given-names", "given"), ("name-particle", "particle"), ("family-names", "family"),
    ("name-suffix", "suffix"),
)  # fmt: skip
_TEXT_KEYS: Final = {
    "title": "title", "abstract": "abstract", "journal": "container_title",
    "edition": "edition", "medium": "medium",
    "notes": "note", "thesis-type": "genre", "pmcid": "pmcid",
}  # fmt: skip
#: CSL types whose publisher is written as CFF ``institution`` (universities, agencies).
_INSTITUTION_TYPES: Final = frozenset({"thesis", "report"})
#: CSL types whose container is a periodical (CFF ``journal``); for the others the container
#: (proceedings, edited book) is CFF ``collection-title``.
_PERIODICAL_TYPES: Final = frozenset(
    {"article-journal", "article-magazine", "article-newspaper", "article", "periodical"}
)
_NUMBER_KEYS: Final = {"volume": "volume", "issue": "issue", "number": "number", "pages": "number_of_pages"}
_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DOI: Final = re.compile(r"10\.\d{4,9}(?:\.\d+)?/[A-Za-z0-9:/_;\-.()\[\]\\]+")
_ISBN: Final = re.compile(r"[0-9\- ]{10,17}X?")
_ISSN: Final = re.compile(r"\d{4}-\d{3}[\dxX]")
_PMCID: Final = re.compile(r"PMC[0-9]{7}")
_URL: Final = re.compile(r"(?:https|http|ftp|sftp)://.+")
_LANG: Final = re.compile(r"[a-z]{2,3}")
_INT: Final = re.compile(r"[0-9]{1,9}")

_Path = tuple[str | int, ...]
_Marks = dict[_Path, tuple[int, int]]


# --------------------------------------------------------------------------- YAML with marks


class _YamlError(Exception):
    def __init__(self, code: str, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


def _loader() -> type[yaml.SafeLoader]:
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


_SCALARS = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.tag in ("tag:yaml.org,2002:timestamp",):
        return str(node.value)
    if not node.tag.startswith("tag:yaml.org,2002:"):
        return str(node.value)
    try:
        value = _SCALARS.construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError):
        return str(node.value)
    if isinstance(value, bytes | _dt.date):
        return str(node.value)
    return value


def _plain(node: yaml.Node, path: _Path, marks: _Marks, seen: set[int], depth: int) -> Any:
    if id(node) in seen:
        raise _YamlError(
            "PC804",
            "YAML anchors and aliases are not accepted in CITATION.cff; write the value out in full",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    if depth > MAX_DEPTH:
        raise _YamlError(
            "PC803", f"YAML nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1, None
        )
    seen.add(id(node))
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, i), marks, seen, depth + 1) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if id(key_node) in seen:
                _plain(key_node, path, marks, seen, depth + 1)  # raises PC804
            seen.add(id(key_node))
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                raise _YamlError(
                    "PC804",
                    "YAML merge keys ('<<') are not accepted in CITATION.cff; write the keys out",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            key_path = (*path, "<key>", key)
            marks[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in out:
                raise _YamlError(
                    "PC800",
                    f"duplicate key {key!r}; keep one",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            out[key] = _plain(value_node, (*path, key), marks, seen, depth + 1)
        return out
    return None


def _reject_aliases(text: str) -> None:
    """PC804 at the first alias: one linear pass over the parser's events, before anything is built."""
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise _YamlError(
                "PC804",
                "YAML aliases ('*name') are not accepted in CITATION.cff; write the value out in full",
                mark.line + 1 if mark is not None else None,
                mark.column + 1 if mark is not None else None,
            )


def load(text: str) -> tuple[Any, _Marks]:
    """The plain value of a YAML text and its path -> (line, column) map; :class:`_YamlError` if unusable."""
    if len(text) > MAX_CHARS:
        raise _YamlError("PC803", f"CITATION.cff larger than {MAX_CHARS} characters", None, None)
    try:
        _reject_aliases(text)
        node = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "YAML syntax error"
        where = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise _YamlError("PC800", f"YAML syntax error: {problem}", where[0], where[1]) from None
    except yaml.YAMLError as exc:
        raise _YamlError("PC800", f"YAML error: {exc}", None, None) from None
    except UnicodeError:
        raise _YamlError("PC800", "text holds characters that are not valid Unicode", None, None) from None
    except RecursionError:
        raise _YamlError("PC803", "YAML nested too deeply", None, None) from None
    marks: _Marks = {}
    if node is None:
        return None, marks
    return _plain(node, (), marks, set(), 0), marks


def _position(marks: _Marks, path: _Path, source: str, *, key: bool = False) -> Position:
    if key and path:
        key_path = (*path[:-1], "<key>", path[-1])
        hit = marks.get(key_path)
        if hit is not None:
            return Position(source=source, line=hit[0], column=hit[1], path=_json_path(path))
    probe = path
    while True:
        hit = marks.get(probe)
        if hit is not None:
            return Position(source=source, line=hit[0], column=hit[1], path=_json_path(path) or None)
        if not probe:
            return Position(source=source, line=1, column=1)
        probe = probe[:-1]


def _json_path(path: Iterable[str | int]) -> str:
    out = "$"
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out if out != "$" else ""


def sniff(head: str) -> bool:
    """A ``cff-version:`` key at the start of a line."""
    for line in head.splitlines():
        if line.startswith(("cff-version:", "'cff-version':", '"cff-version":')):
            return True
    return False


# --------------------------------------------------------------------------- reading


class _Ctx:
    def __init__(self, source: str, marks: _Marks) -> None:
        self.source = source
        self.marks = marks
        self.diagnostics: list[Diagnostic] = []

    def warn(self, code: str, message: str, path: _Path, *, key: bool = False) -> None:
        self.diagnostics.append(
            Diagnostic.make(code, message, _position(self.marks, path, self.source, key=key))
        )


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _names(value: Any, role_key: str, ctx: _Ctx, path: _Path, extra: list[tuple[str, str]]) -> list[Name]:
    if not isinstance(value, list):
        ctx.warn("PC805", f"'{role_key}' must be a list of persons or entities; ignored", path)
        return []
    out: list[Name] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            ctx.warn("PC805", f"'{role_key}' item must be a mapping; ignored", (*path, i))
            continue
        parts = {attr: _text(item.get(k)) for k, attr in _PERSON_PARTS}
        if _text(item.get("name")) is not None:
            name = Name(literal=_text(item.get("name")))
            used = {"name"}
        elif parts["family"] is not None:
            name = Name(**parts)
            used = {k for k, _ in _PERSON_PARTS}
        elif parts["given"] is not None:
            name = Name(literal=parts["given"])
            used = {"given-names"}
        elif _text(item.get("alias")) is not None:
            name = Name(literal=_text(item.get("alias")))
            used = {"alias"}
        else:
            ctx.warn("PC805", f"'{role_key}' item has no name, family-names or given-names", (*path, i))
            name = Name(literal="anonymous")
            used = set()
        n = len(out)
        out.append(name)
        for k, v in item.items():
            if k not in used:
                extra.append((f"cff:{role_key}[{n}].{k}", _json_text(v)))
    return out


def _date(value: Any) -> Date | None:
    m = _DATE.fullmatch(str(value).strip()) if value is not None else None
    if m is None:
        return None
    try:
        _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return Date(year=int(m.group(1)), month=int(m.group(2)), day=int(m.group(3)))


def _date_of(record: Mapping[str, Any]) -> Date | None:
    """The full date a record gives (date-published; date-released for the root)."""
    return _date(record.get("date-published")) or _date(record.get("date-released"))


def _year(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text is not None and _INT.fullmatch(text.strip()) else None


def _to_paper(record: Mapping[str, Any], root: bool, ctx: _Ctx, path: _Path) -> Paper:
    """One record (the root or a reference) as a Paper, before the pubconv carrier is applied."""
    p: dict[str, Any] = {}
    extra: list[tuple[str, str]] = []
    cff_type = _text(record.get("type")) or ("software" if root else "generic")
    consumed: set[str] = {"type"}
    if root:
        consumed |= {"cff-version", "preferred-citation", "references"}
        p["type"] = "dataset" if cff_type == "dataset" else "software"
        if cff_type not in ("software", "dataset"):
            ctx.warn("PC805", f"root type {cff_type!r} is neither software nor dataset; read as software",
                     (*path, "type"))  # fmt: skip
    else:
        csl = CFF_TO_CSL.get(cff_type)
        if csl is None:
            ctx.warn("PC805", f"unknown CFF reference type {cff_type!r}; read as document", (*path, "type"))
            csl = "document"
        if cff_type == "article" and record.get("status") == "preprint":
            csl = "article"
            consumed.add("status")
        p["type"] = csl
        if _CSL_TO_CFF.get(csl) != cff_type:
            extra.append(("cff:type", cff_type))
    for key, value in record.items():
        kpath = (*path, key)
        if key in consumed:
            continue
        if not root and key == "end" and _text(record.get("start")) is not None:
            continue
        if not root and key == "month" and _year(record.get("year")) is not None and _date_of(record) is None:
            month = _year(value)
            if month is not None and 1 <= month <= 12:
                continue
        if key in _NAME_KEYS and isinstance(value, list):
            p[_NAME_KEYS[key]] = tuple(_names(value, key, ctx, kpath, extra))
            continue
        text = _text(value)
        if key in _TEXT_KEYS and text is not None:
            p[_TEXT_KEYS[key]] = text
        elif key == "collection-title" and text is not None:
            if root or p["type"] in _PERIODICAL_TYPES or "journal" in record:
                p["collection_title"] = text
            else:
                p["container_title"] = text
        elif key in _NUMBER_KEYS and text is not None:
            p[_NUMBER_KEYS[key]] = text
        elif key == "version" and text is not None:
            p["version"] = text
        elif key == "doi" and text is not None:
            p["doi"] = text.strip().lower()
        elif key == "url" and text is not None:
            p["url"] = text.strip()
        elif key == "keywords" and isinstance(value, list) and all(_text(k) for k in value):
            p["keywords"] = tuple(str(k) for k in value)
        elif key == "isbn" and text is not None:
            p["isbn"] = (text,)
        elif key == "issn" and text is not None:
            p["issn"] = (text,)
        elif key == "languages" and isinstance(value, list) and len(value) == 1 and _text(value[0]):
            p["language"] = str(value[0])
        elif key == "status" and text in _STATUSES:
            p["status"] = text
        elif key in ("date-released", "date-published") and _date(value) is not None and "issued" not in p:
            p["issued"] = _date(value)
        elif key == "date-accessed" and _date(value) is not None:
            p["accessed"] = _date(value)
        elif key == "year-original" and _year(value) is not None:
            p["original_date"] = Date(year=_year(value))
        elif key == "start" and text is not None and not root:
            end = _text(record.get("end"))
            p["page"] = f"{text}-{end}" if end is not None else text
            if end is not None:
                consumed.add("end")
        elif key in ("publisher", "conference", "institution") and isinstance(value, dict) and not root:
            _entity(key, value, p, extra)
        elif key == "identifiers" and isinstance(value, list):
            _identifiers(value, p, extra)
        elif key == "year" and not root and _year(value) is not None and _date_of(record) is None:
            month = _year(record.get("month"))
            if month is not None and 1 <= month <= 12:
                p["issued"] = Date(year=_year(value), month=month)
            else:
                p["issued"] = Date(year=_year(value))
        else:
            extra.append((f"cff:{key}", _json_text(value)))
    p.pop("_carrier", None)
    code_url = _text(record.get("repository-code"))
    if root and "url" not in p and code_url is not None and _URL.fullmatch(code_url):
        p["url"] = code_url  # what a citation of software links to (cffconvert does the same)
    if extra:
        p["extra"] = tuple(extra)
    try:
        return Paper(**p)
    except (TypeError, ValueError) as exc:  # defensive: a value the model refuses
        ctx.warn("PC805", f"record kept partly: {exc}", path)
        return Paper(type=p["type"], title=p.get("title"))


def _entity(key: str, value: Mapping[str, Any], p: dict[str, Any], extra: list[tuple[str, str]]) -> None:
    name = _text(value.get("name"))
    used: set[str] = set()
    if key == "publisher":
        if name is not None:
            p["publisher"] = name
            used.add("name")
        if _text(value.get("city")) is not None:
            p["publisher_place"] = _text(value.get("city"))
            used.add("city")
    elif key == "conference":
        if name is not None:
            p["event_title"] = name
            used.add("name")
        if _text(value.get("location")) is not None:
            p["event_place"] = _text(value.get("location"))
            used.add("location")
        if _date(value.get("date-start")) is not None:
            p["event_date"] = _date(value.get("date-start"))
            used.add("date-start")
    elif key == "institution" and "publisher" not in p and p["type"] in _INSTITUTION_TYPES:
        if name is not None:
            p["publisher"] = name
            used.add("name")
        if _text(value.get("city")) is not None:
            p["publisher_place"] = _text(value.get("city"))
            used.add("city")
    for k, v in value.items():
        if k not in used:
            extra.append((f"cff:{key}.{k}", _json_text(v)))


def _identifiers(value: list[Any], p: dict[str, Any], extra: list[tuple[str, str]]) -> None:
    rest: list[Any] = []
    for item in value:
        if isinstance(item, dict) and set(item) <= {"type", "value", "description"}:
            val = _text(item.get("value")) or ""
            if item.get("type") == "other" and val.startswith(_CARRIER):
                p.setdefault("_carrier", val)
                continue
            if item.get("type") in ("url", "doi") and "arxiv" not in p and item.get("description") == "arXiv":
                arxiv = ArxivId.parse(val)
                if arxiv is not None:
                    p["arxiv"] = arxiv
                    continue
        rest.append(item)
    if rest:
        extra.append(("cff:identifiers", json.dumps(rest, ensure_ascii=False)))


def _apply_carrier(paper: Paper, carrier: str, ctx: _Ctx, path: _Path) -> Paper:
    try:
        fix = json.loads(carrier[len(_CARRIER) :])
    except ValueError:
        fix = None
    if not isinstance(fix, dict) or not set(fix) <= SUPPORTS:
        ctx.warn("PC806", "malformed pubconv identifier value ignored", path)
        return paper
    d = paper_to_dict(paper)
    for k, v in fix.items():
        if v is None or v == [] or v is False:
            d.pop(k, None)
        else:
            d[k] = v
    try:
        return paper_from_dict(d)
    except (ValueError, TypeError, KeyError, AttributeError):
        ctx.warn("PC806", "malformed pubconv identifier value ignored", path)
        return paper


def _record(record: Mapping[str, Any], root: bool, ctx: _Ctx, path: _Path) -> Paper:
    body = dict(record)
    carrier: str | None = None
    ids = body.get("identifiers")
    if isinstance(ids, list):
        scratch: dict[str, Any] = {}
        _identifiers(ids, scratch, [])
        carrier = scratch.get("_carrier")
    paper = _to_paper(body, root, ctx, path)
    if carrier is not None:
        paper = _apply_carrier(paper, carrier, ctx, (*path, "identifiers"))
    line = ctx.marks.get(path, (1, 1))
    return paper.replace(origin=Position(source=ctx.source, line=line[0], column=line[1]))


def read(text: str, *, source: str = "<string>") -> ReadResult:
    """Papers of a CITATION.cff: preferred-citation, the work itself, then references."""
    try:
        data, marks = load(text)
    except _YamlError as exc:
        pos = Position(source=source, line=exc.line, column=exc.column)
        return ReadResult((), (Diagnostic.make(exc.code, exc.message, pos),))
    ctx = _Ctx(source, marks)
    if not isinstance(data, dict):
        ctx.warn(
            "PC801", "CITATION.cff must be a YAML mapping with cff-version, message, title and authors", ()
        )
        return ReadResult((), tuple(ctx.diagnostics))
    if "cff-version" not in data:
        ctx.warn("PC801", "missing 'cff-version'; add 'cff-version: 1.2.0' as the first line", ())
    papers: list[Paper] = []
    pref = data.get(PREFERRED)
    if isinstance(pref, dict):
        p = _record(pref, False, ctx, (PREFERRED,))
        papers.append(p.replace(extra=((ROLE, PREFERRED), *p.extra)))
    elif pref is not None:
        ctx.warn("PC805", "'preferred-citation' must be a mapping; ignored", (PREFERRED,))
    papers.append(_record(data, True, ctx, ()))
    refs = data.get("references")
    if isinstance(refs, list):
        for i, ref in enumerate(refs):
            if isinstance(ref, dict):
                papers.append(_record(ref, False, ctx, ("references", i)))
            else:
                ctx.warn("PC805", "a reference must be a mapping; ignored", ("references", i))
    elif refs is not None:
        ctx.warn("PC805", "'references' must be a list; ignored", ("references",))
    return ReadResult(tuple(papers), tuple(ctx.diagnostics))


# --------------------------------------------------------------------------- writing


def normalize(paper: Paper) -> Paper:
    """``paper`` restricted to what this format holds (what ``read(write([p]))`` gives back)."""
    return paper.replace(**{**unsupported_defaults(SUPPORTS), "title_nocase": None})


def _extra_value(value: str) -> Any:
    if value[:1] in "[{":
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        if isinstance(parsed, list | dict):
            return parsed
    return value


def _name_dicts(names: tuple[Name, ...], key: str, extra: dict[str, str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i, n in enumerate(names):
        d: dict[str, Any] = {}
        if n.literal is not None or n.family is None:
            d["name"] = n.literal if n.literal is not None else (n.display() or "anonymous")
        else:
            for cff_key, attr in _PERSON_PARTS:
                v = getattr(n, attr)
                if v:
                    d[cff_key] = v
        prefix = f"cff:{key}[{i}]."
        for k, v in list(extra.items()):
            if k.startswith(prefix):
                sub = k[len(prefix) :]
                if sub not in d:
                    d[sub] = _extra_value(v)
                del extra[k]
        if d not in out:  # CFF name lists hold no repeats (the carrier keeps them)
            out.append(d)
    return out


def _num(value: str) -> Any:
    return int(value) if _INT.fullmatch(value) and not value.startswith("0") else value


def _valid_date(d: Date | None) -> bool:
    return (
        d is not None and d.day is not None and d.year is not None and 0 <= d.year <= 9999
        and d.end is None and not d.circa and d.literal is None and d.season is None
    )  # fmt: skip


def _native(p: Paper, root: bool) -> dict[str, Any]:
    """The CFF record of ``p`` without the carrier."""
    extra: dict[str, str] = {}
    others: list[tuple[str, str]] = []
    for k, v in p.extra:
        if k.startswith("cff:") and k != ROLE and k not in extra:
            extra[k] = v
        elif k != ROLE:
            others.append((k, v))
    d: dict[str, Any] = {}
    if root:
        d["cff-version"] = "1.2.0"
        d["message"] = _extra_value(extra.pop("cff:message", _MESSAGE))
        if p.type == "dataset":
            d["type"] = "dataset"
    else:
        cff_type = extra.pop("cff:type", None)
        if cff_type is None or CFF_TO_CSL.get(cff_type) != p.type:
            cff_type = _CSL_TO_CFF.get(p.type, "generic")
        d["type"] = cff_type
    d["title"] = p.title if p.title else "Untitled"
    d["authors"] = _name_dicts(p.author, "authors", extra) or [{"name": "anonymous"}]
    if not root:
        for key, attr in _NAME_KEYS.items():
            if key != "authors" and getattr(p, attr):
                d[key] = _name_dicts(getattr(p, attr), key, extra)
        for key, attr in _TEXT_KEYS.items():
            v = getattr(p, attr)
            if key != "title" and v and not (key == "pmcid" and not _PMCID.fullmatch(v)):
                d[key] = v
        if p.type in _PERIODICAL_TYPES:
            if p.collection_title:
                d["collection-title"] = p.collection_title
        elif p.container_title:
            d.pop("journal", None)
            d["collection-title"] = p.container_title
        for key, attr in _NUMBER_KEYS.items():
            v = getattr(p, attr)
            if v:
                d[key] = _num(v)
        if p.page:
            start, sep, end = p.page.partition("-")
            if start:
                d["start"] = _num(start)
                if sep and end:
                    d["end"] = _num(end)
        entity: dict[str, Any] = {}
        if p.publisher:
            entity["name"] = p.publisher
        if p.publisher_place and p.publisher:
            entity["city"] = p.publisher_place
        if entity:
            d["institution" if p.type in _INSTITUTION_TYPES else "publisher"] = entity
        conf: dict[str, Any] = {}
        if p.event_title:
            conf["name"] = p.event_title
            if p.event_place:
                conf["location"] = p.event_place
            if _valid_date(p.event_date) and p.event_date is not None:
                conf["date-start"] = p.event_date.isoformat()
            d["conference"] = conf
        if p.edition:
            d["edition"] = p.edition
        if p.isbn and _ISBN.fullmatch(p.isbn[0]):
            d["isbn"] = p.isbn[0]
        if p.issn and _ISSN.fullmatch(p.issn[0]):
            d["issn"] = p.issn[0]
        if p.language and _LANG.fullmatch(p.language):
            d["languages"] = [p.language]
        status = p.status.replace(" ", "-") if p.status else None
        if p.type == "article" and status is None:
            d["status"] = "preprint"
        elif status in _STATUSES and not (p.type == "article" and status == "preprint"):
            d["status"] = status
        if _valid_date(p.accessed) and p.accessed is not None:
            d["date-accessed"] = p.accessed.isoformat()
        if p.original_date is not None and p.original_date.year is not None:
            d["year-original"] = p.original_date.year
    if p.version:
        d["version"] = p.version
    if p.doi and _DOI.fullmatch(p.doi):
        d["doi"] = p.doi
    if p.url and _URL.fullmatch(p.url):
        d["url"] = p.url
    issued = p.issued
    if _valid_date(issued) and issued is not None:
        d["date-released" if root else "date-published"] = issued.isoformat()
    elif not root and issued is not None and issued.year is not None and issued.end is None:
        d["year"] = issued.year
        if issued.month is not None:
            d["month"] = issued.month
    if p.abstract:
        d["abstract"] = p.abstract
    if p.keywords and len(set(p.keywords)) == len(p.keywords) and all(p.keywords):
        d["keywords"] = list(p.keywords)
    ids: list[Any] = []
    if p.arxiv is not None:
        ids.append({"type": "url", "value": p.arxiv.url, "description": "arXiv"})
    kept_ids = extra.pop("cff:identifiers", None)
    if kept_ids is not None:
        parsed = _extra_value(kept_ids)
        ids.extend(parsed if isinstance(parsed, list) else [])
    if ids:
        d["identifiers"] = ids
    for k, v in extra.items():
        key = k[len("cff:") :]
        if "." in key or "[" in key:
            head, _, sub = key.partition(".")
            if head in d and isinstance(d[head], dict) and sub and sub not in d[head]:
                d[head][sub] = _extra_value(v)
            elif head not in d and head in ("publisher", "conference", "institution") and sub:
                d[head] = {sub: _extra_value(v)}
            continue
        if key not in d and key not in ("cff-version", "preferred-citation", "references"):
            d[key] = _extra_value(v)
    return d


def _with_carrier(p: Paper, d: dict[str, Any], root: bool) -> dict[str, Any]:
    """``d`` plus the pubconv identifier holding what reading ``d`` back would not give."""
    ctx = _Ctx("<write>", {})
    back = _to_paper(d, root, ctx, ())
    target = normalize(p)
    if root or p.get_extra(ROLE) is None:
        target = target.replace(extra=tuple(e for e in target.extra if e[0] != ROLE))
    else:
        target = target.replace(extra=tuple(e for e in target.extra if e != (ROLE, PREFERRED)))
    want = paper_to_dict(target)
    have = paper_to_dict(back)
    fix: dict[str, Any] = {}
    for name in sorted(SUPPORTS):
        if want.get(name) != have.get(name):
            fix[name] = want.get(name)
    if not fix:
        return d
    carrier = {"type": "other", "value": _CARRIER + json.dumps(fix, ensure_ascii=False, sort_keys=True),
               "description": _CARRIER_DESCRIPTION}  # fmt: skip
    ids = d.get("identifiers")
    out = dict(d)
    out["identifiers"] = [*ids, carrier] if isinstance(ids, list) else [carrier]
    if "identifiers" not in d:  # keep a readable key order: identifiers after the bibliographic keys
        out = {k: v for k, v in out.items() if k != "identifiers"} | {"identifiers": out["identifiers"]}
    return out


def _order(d: dict[str, Any], root: bool) -> dict[str, Any]:
    first = ("cff-version", "message", "type", "title", "authors") if root else ("type", "title", "authors")
    head = {k: d[k] for k in first if k in d}
    return head | {k: v for k, v in d.items() if k not in head}


def write(papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None) -> str:
    """One CITATION.cff: the first unmarked paper as the work itself, a marked one as preferred-citation."""
    items = list(papers)
    if not items:
        return ""  # no work, no file: an empty text (which reads back to no papers)
    pref_index = next((i for i, p in enumerate(items) if p.get_extra(ROLE) == PREFERRED), None)
    root_index = next((i for i, p in enumerate(items) if i != pref_index), None)
    if root_index is None:
        root_index, pref_index = 0, None
        if diagnostics is not None:
            diagnostics.append(Diagnostic.make(
                "PC401", "no paper for the work itself: the preferred citation is written as the root",
                key=items[0].key,
            ))  # fmt: skip
    root_paper = items[root_index]
    if diagnostics is not None and root_paper.type not in ("software", "dataset"):
        diagnostics.append(Diagnostic.make(
            "PC401",
            f"the root of a CITATION.cff is software or dataset; {root_paper.type!r} is written as software"
            " (the type is kept in the pubconv identifier)",
            key=root_paper.key,
        ))  # fmt: skip
    root_doc = _order(_with_carrier(root_paper, _native(root_paper, True), True), True)
    doc = _clean(root_doc, root_paper, diagnostics)
    if pref_index is not None:
        pref = items[pref_index]
        pref_doc = _order(_with_carrier(pref, _native(pref, False), False), False)
        doc[PREFERRED] = _clean(pref_doc, pref, diagnostics)
    refs: list[dict[str, Any]] = []
    for i, p in enumerate(items):
        if i in (root_index, pref_index):
            continue
        ref = _clean(_order(_with_carrier(p, _native(p, False), False), False), p, diagnostics)
        if ref in refs:
            if diagnostics is not None:
                diagnostics.append(Diagnostic.make(
                    "PC400", "CITATION.cff references hold no repeats: a duplicate reference was dropped",
                    key=p.key,
                ))  # fmt: skip
            continue
        refs.append(ref)
    if refs:
        doc["references"] = refs
    if diagnostics is not None and any(p.title_nocase for p in items):
        diagnostics.append(
            Diagnostic.make("PC400", "CITATION.cff cannot mark case-protected title spans; dropped")
        )
    return yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(d: dict[str, Any], paper: Paper, diagnostics: list[Diagnostic] | None) -> dict[str, Any]:
    """Drop lone surrogates, which YAML cannot carry even escaped (PC401), as the other writers do."""
    found = False

    def walk(v: Any) -> Any:
        nonlocal found
        if isinstance(v, str):
            if _SURROGATE.search(v):
                found = True
                return _SURROGATE.sub("", v)
            return v
        if isinstance(v, dict):
            return {walk(k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    out: dict[str, Any] = walk(d)
    if found and diagnostics is not None:
        diagnostics.append(Diagnostic.make(
            "PC401", "a lone surrogate code point cannot be written to YAML; dropped",
            key=paper.key,
        ))  # fmt: skip
    return out


class _Dumper(yaml.SafeDumper):
    """The safe dumper with list items indented under their key, as CITATION.cff files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


# --------------------------------------------------------------------------- schema validation


def _fix_hint(error: Any, schema: Mapping[str, Any]) -> str:
    v = error.validator
    val = error.validator_value
    where = _json_path(error.absolute_path) or "the document"
    if v == "required":
        return f"{error.message}: add it to {where}"
    if v == "additionalProperties":
        return f"{error.message}: remove or rename it (check the spelling against the CFF 1.2.0 keys)"
    if v == "pattern":
        return f"{error.instance!r} at {where} does not have the required form ({val}); {_describe(error)}"
    if v == "enum":
        if len(val) <= 12:
            return f"{error.instance!r} at {where} is not allowed; use one of: {', '.join(map(str, val))}"
        close = difflib.get_close_matches(str(error.instance), [str(x) for x in val], n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}?" if close else f"e.g. {', '.join(map(str, val[:3]))}"
        return f"{error.instance!r} at {where} is not one of the {len(val)} allowed values; {hint}"
    if v in ("minimum", "maximum"):
        return f"{error.message} at {where}; {_describe(error)}"
    if v == "type":
        return f"{where} must be of type {val}, not {type(error.instance).__name__}; {_describe(error)}"
    if v == "minLength":
        return f"{where} is empty; give a value or remove the key"
    if v == "minItems":
        return f"{where} is an empty list; add an item or remove the key"
    if v == "uniqueItems":
        return f"{where} has duplicate items; remove the repeats"
    if v in ("anyOf", "oneOf"):
        return f"{where} matches none of the allowed forms; {_describe(error)}"
    return f"{error.message} ({where})"


def _describe(error: Any) -> str:
    desc = error.schema.get("description") if isinstance(error.schema, dict) else None
    parent = getattr(error, "parent", None)
    if not desc and parent is not None and isinstance(parent.schema, dict):
        desc = parent.schema.get("description")
    return f"expected: {desc}" if desc else "see the CFF 1.2.0 specification"


def _leaves(error: Any) -> list[Any]:
    """The most specific errors under an anyOf/oneOf error (the branch that got furthest)."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    by_branch: dict[int, list[Any]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.schema_path[0] if sub.schema_path else 0, []).append(sub)

    def depth(errs: list[Any]) -> tuple[int, int]:
        return (max(len(e.absolute_path) for e in errs), -len(errs))

    here = len(error.absolute_path)
    typed = [
        errs
        for errs in by_branch.values()
        if not any(e.validator == "type" and len(e.absolute_path) == here for e in errs)
    ]
    if len(typed) == 1:  # the one branch for this kind of value (text vs list, person vs entity ...)
        return [leaf for e in typed[0] for leaf in _leaves(e)]
    best = max(by_branch.values(), key=depth)
    if max(len(e.absolute_path) for e in best) <= len(error.absolute_path) and all(
        e.validator in ("type", "enum", "$ref", "anyOf", "required") for e in best
    ):
        return [error]
    out: list[Any] = []
    for e in best:
        out.extend(_leaves(e))
    return out


def validate(text: str, source: str = "<string>") -> list[Diagnostic]:
    """Every violation of the CFF 1.2.0 schema in ``text``, each at its line and column, with a fix."""
    import jsonschema

    from .._resources import load_schema

    try:
        data, marks = load(text)
    except _YamlError as exc:
        return [
            Diagnostic.make(exc.code, exc.message, Position(source=source, line=exc.line, column=exc.column))
        ]
    if not isinstance(data, dict):
        return [Diagnostic.make(
            "PC801", "CITATION.cff must be a YAML mapping with cff-version, message, title and authors",
            Position(source=source, line=1, column=1),
        )]  # fmt: skip
    schema = load_schema(SCHEMA_NAME)
    validator = jsonschema.Draft7Validator(schema)
    out: list[Diagnostic] = []
    for error in validator.iter_errors(data):
        for leaf in _leaves(error):
            path = tuple(leaf.absolute_path)
            if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
                allowed = set(leaf.schema.get("properties", {}))
                for extra_key in [k for k in leaf.instance if k not in allowed]:
                    pos = _position(marks, (*path, extra_key), source, key=True)
                    out.append(Diagnostic.make(
                        "PC802",
                        f"unknown key {extra_key!r} at {_json_path(path) or 'the top level'}: remove it or "
                        "fix its spelling (CFF 1.2.0 allows no other keys here)",
                        pos,
                    ))  # fmt: skip
                continue
            if leaf.validator == "uniqueItems" and isinstance(leaf.instance, list):
                repeat = next(
                    (i for i, item in enumerate(leaf.instance) if item in leaf.instance[:i]),
                    None,
                )
                path = (*path, repeat) if repeat is not None else path
            pos = _position(marks, path, source)
            out.append(Diagnostic.make("PC802", _fix_hint(leaf, schema), pos))
    out.sort(key=lambda d: (d.position.line or 0, d.position.column or 0) if d.position else (0, 0))
    return out
