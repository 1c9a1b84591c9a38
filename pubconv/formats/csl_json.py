"""CSL-JSON reader and writer (CSL 1.0.2 ``csl-data.json``).

The model already speaks CSL's vocabulary, so most fields map one to one
(``container_title`` <-> ``container-title``, ``doi`` <-> ``DOI``, ...).

Conventions (what other formats need to know):

* **Output.** A JSON array of item objects, two-space indent, ``ensure_ascii=False``,
  final newline. Keys are in a fixed order: ``id``, ``type``, the CSL variables in
  model order (title, names, dates, container, numbers, publisher, event, identifiers,
  language, keyword, abstract, note), foreign CSL variables kept in ``Paper.extra``,
  then ``custom``. Every output validates against the official ``csl-data.json``
  (v1.0.2). Number variables are written as strings, as the model holds them.
* **ids.** ``id`` is :attr:`Paper.key`; papers without a key (or with a duplicate
  key, compared case-insensitively) get one from :class:`pubconv.keys.KeyAllocator`
  (PC402). Keys are the one thing a round trip may change.
* **Names.** Name objects with ``family``, ``given``, ``non-dropping-particle``
  (:attr:`Name.particle`), ``dropping-particle``, ``suffix`` and ``literal``
  (organisations). On read, a name given as a string is a ``literal`` (PC221), and
  non-schema keys of a name object (``ORCID``, ``affiliation``) are kept in
  ``Paper.extra`` as ``("author[0].ORCID", value)`` (PC506).
* **Dates.** ``date-parts`` (a range is two arrays), ``season`` (1-4), ``circa``
  (``true``) and ``literal``. An *open* range (``end=Date()``) is written as its
  start only, with the exact date under ``custom.pubconv`` (see below); the reader
  takes ``[[2020], []]`` and ``[[2020], [0]]`` as open ranges. The reader also
  accepts the non-schema forms found in the wild — string dates (``"2017-06-12"``,
  ``"2017-06-12/2017-06-14"``), ``{"raw": ...}``, string parts (``[["2020"]]``),
  months 13-16 and 21-24 as seasons — with an INFO/warning diagnostic (PC508/PC220).
* **Titles.** :attr:`Paper.title_nocase` spans <-> ``<span class="nocase">...</span>``
  inside the title string (CSL's rich-text convention). Other processor markup in a
  title read from a file (``<i>``, ``<b>``, ``<sup>``, ``<sub>``, ``<sc>``, small-caps
  spans) is decoded to plain text (PC509); the source string is kept in
  :attr:`Paper.raw` as ``("csljson:title", text)`` and written back while it still
  decodes to the same title and spans.
* **Lists.** ``keywords`` <-> ``keyword``, ``isbn`` <-> ``ISBN``, ``issn`` <-> ``ISSN``,
  joined with ``", "``; the reader splits on ``,`` and ``;``.
* **arXiv.** A paper with :attr:`Paper.arxiv` is written with ``number:
  "arXiv:<id>[v<n>]"`` (unless it has a number), ``publisher: "arXiv"`` (unless it has
  a publisher) and ``DOI: "10.48550/arXiv.<id>"`` (unless it has a DOI). The reader
  recognises these derived values — an ``arXiv:`` number, an arXiv DataCite DOI or an
  ``arxiv.org/abs`` URL give :attr:`Paper.arxiv`; the derived number, DOI and the
  ``arXiv`` publisher are then not read as real fields — so Zotero's preprint export
  reads the same way.
* **custom.pubconv.** Everything CSL has no variable for, and every field whose CSL
  form would not read back to the same value, is stored under
  ``custom.pubconv`` as ``{paper field name: value in pubconv's JSON form}``
  (:mod:`pubconv.serialize`; ``null`` = the field's default), in model field order.
  Typical keys: ``author_truncated`` / ``editor_truncated`` (et-al flags),
  ``category`` (``{"code": "LG", "arxiv_class": "cs.LG"}``), ``organization``,
  ``has_code``, ``arxiv`` (when not derivable from ``number``), ``extra``
  (``[[name, value], ...]``), ``title_nocase: null`` (the source could not mark case),
  and exact values of e.g. open date ranges or ISBNs containing commas. The writer
  decides by reading its own item back, so ``read(write([p])) == [p]`` holds for every
  paper (modulo generated keys). The reader applies these values last and reports
  malformed ones (PC507).
* **Foreign data.** Other keys of ``custom`` become ``Paper.extra`` entries
  ``("custom.<key>", value)`` and are written back into ``custom``. CSL variables the
  model has no field for (``archive``, ``call-number``, ``citation-key``, ...) become
  ``Paper.extra`` entries named by the variable and are written back as top-level
  variables; keys outside the schema (``license``, Zotero's ``key``) are kept in
  ``Paper.extra`` (PC506) and written under ``custom.pubconv.extra``. Non-string
  values are kept as compact JSON text. ``shortTitle``, ``journalAbbreviation`` and
  ``event`` are read as ``title-short``, ``container-title-short`` and ``event-title``.
* **Leniency.** A single item object instead of an array, ``{"items": [...]}`` /
  ``{"references": [...]}`` wrappers, numbers as strings or numbers, missing ``id``
  or ``type`` (PC502), unknown types (PC503, read as ``document``, the type kept in
  ``Paper.extra`` as ``csl:type``) are read with diagnostics. Invalid JSON gives one
  PC100 with the decoder's line and column and no papers. Diagnostics carry the item's
  line/column and a JSON path such as ``$[3].author[0]``.
"""

from __future__ import annotations

import bisect
import json
import operator
import re
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring
from typing import Any, Final

from ..errors import Diagnostic
from ..keys import KeyAllocator
from ..model import ITEM_TYPES, ArxivId, Date, Name, Paper, Position
from ..serialize import field_to_json, paper_from_dict, paper_to_dict
from .base import ReadResult, slices

__all__ = [
    "ALIASES",
    "DESCRIPTION",
    "EXTENSIONS",
    "NAME",
    "SUPPORTS",
    "iter_write",
    "normalize",
    "read",
    "sniff",
    "to_items",
    "write",
]

NAME: Final = "csljson"
ALIASES: Final[tuple[str, ...]] = ("csl-json",)
EXTENSIONS: Final = (".json",)
DESCRIPTION: Final = "CSL-JSON (citeproc, pandoc, Zotero), schema csl-data.json 1.0.2"
SUPPORTS: Final = frozenset(f for f in Paper.__dataclass_fields__ if f not in ("raw", "origin"))

RAW_TITLE: Final = "csljson:title"

# Paper field -> (CSL key, kind) in output order. kinds: str, names, date, list
_FIELDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("title", "title", "str"),
    ("title_short", "title-short", "str"),
    ("author", "author", "names"),
    ("container_author", "container-author", "names"),
    ("editor", "editor", "names"),
    ("collection_editor", "collection-editor", "names"),
    ("translator", "translator", "names"),
    ("issued", "issued", "date"),
    ("original_date", "original-date", "date"),
    ("event_date", "event-date", "date"),
    ("accessed", "accessed", "date"),
    ("container_title", "container-title", "str"),
    ("container_title_short", "container-title-short", "str"),
    ("collection_title", "collection-title", "str"),
    ("collection_number", "collection-number", "str"),
    ("volume", "volume", "str"),
    ("issue", "issue", "str"),
    ("number", "number", "str"),
    ("page", "page", "str"),
    ("number_of_pages", "number-of-pages", "str"),
    ("chapter_number", "chapter-number", "str"),
    ("edition", "edition", "str"),
    ("version", "version", "str"),
    ("genre", "genre", "str"),
    ("status", "status", "str"),
    ("medium", "medium", "str"),
    ("publisher", "publisher", "str"),
    ("publisher_place", "publisher-place", "str"),
    ("event_title", "event-title", "str"),
    ("event_place", "event-place", "str"),
    ("doi", "DOI", "str"),
    ("isbn", "ISBN", "list"),
    ("issn", "ISSN", "list"),
    ("pmid", "PMID", "str"),
    ("pmcid", "PMCID", "str"),
    ("url", "URL", "str"),
    ("language", "language", "str"),
    ("keywords", "keyword", "list"),
    ("abstract", "abstract", "str"),
    ("note", "note", "str"),
)
_BY_KEY: Final = {k: (f, kind) for f, k, kind in _FIELDS}
_ALIAS_KEYS: Final = {
    "shortTitle": "title-short",
    "journalAbbreviation": "container-title-short",
    "event": "event-title",
}

# CSL-JSON schema variables the model has no field for (kept in Paper.extra, written back top level)
_OTHER_STRING_VARS: Final = frozenset(
    {
        "citation-key", "annote", "archive", "archive_collection", "archive_location", "archive-place",
        "authority", "call-number", "citation-label", "dimensions", "division", "jurisdiction",
        "original-publisher", "original-publisher-place", "original-title", "part-title", "references",
        "reviewed-genre", "reviewed-title", "scale", "section", "source", "volume-title",
        "volume-title-short", "year-suffix", "citation-number", "first-reference-note-number",
        "locator", "number-of-volumes", "page-first", "part", "printing", "supplement",
    }
)  # fmt: skip
_OTHER_JSON_VARS: Final = frozenset(
    {
        "chair", "compiler", "composer", "contributor", "curator", "director", "editorial-director",
        "executive-producer", "guest", "host", "interviewer", "illustrator", "narrator", "organizer",
        "original-author", "performer", "producer", "recipient", "reviewed-author", "script-writer",
        "series-creator", "available-date", "submitted", "categories",
    }
)  # fmt: skip
_NAME_KEYS: Final = (
    ("family", "family"),
    ("given", "given"),
    ("non-dropping-particle", "particle"),
    ("dropping-particle", "dropping_particle"),
    ("suffix", "suffix"),
    ("literal", "literal"),
)
_NAME_KEY_SET: Final = frozenset(k for k, _ in _NAME_KEYS)
_NAME_ATTRS: Final = dict(_NAME_KEYS)
_NAME_HINTS: Final = frozenset({"comma-suffix", "static-ordering", "parse-names"})
_SEASONS: Final = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
_FIELD_DEFAULTS: Final = {
    f.name: f.default for f in Paper.__dataclass_fields__.values() if f.name not in ("raw", "origin")
}
_OVERRIDABLE: Final = tuple(f for f in _FIELD_DEFAULTS if f != "key")


def sniff(head: str) -> bool:
    """True for a JSON array of objects (or one object) with ``"type"`` and ``"id"`` keys."""
    s = head.lstrip("\ufeff \t\r\n")
    if not (s.startswith("{") or re.match(r"\[\s*\{", s)):
        return False
    if '"pandoc-api-version"' in s[:2000]:
        return False
    return re.search(r'"type"\s*:\s*"', s) is not None and re.search(r'"id"\s*:', s) is not None


# ---------------------------------------------------------------------------------------------
# value helpers


def _pubconv_json(field: str, value: Any) -> Any:
    """``value`` of Paper field ``field`` in pubconv's JSON form (null for the default)."""
    if value == _FIELD_DEFAULTS[field] and field != "type":
        return None
    return paper_to_dict(Paper(**{field: value}))[field]


def _from_pubconv_json(field: str, data: Any) -> Any:
    if data is None:
        return _FIELD_DEFAULTS[field]
    return getattr(paper_from_dict({field: data}), field)


def _json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


_LIST_SEP = re.compile(r"[,;]")


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(x for x in (p.strip() for p in _LIST_SEP.split(text)) if x)


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


def _norm_doi(text: str) -> str:
    return _DOI_PREFIX.sub("", text.strip()).lower()


# ---- titles

_TAG = re.compile(
    r'<span\s+class="nocase">|<span\s+style="font-variant:\s*small-caps;?">|</span>'
    r"|</?(?:i|b|sup|sub|sc)>",
    re.I,
)


def decode_title(text: str) -> tuple[str, tuple[tuple[int, int], ...], bool]:
    """Plain text, nocase spans, and whether markup other than nocase spans was removed."""
    out: list[str] = []
    length = 0
    spans: list[tuple[int, int]] = []
    stack: list[tuple[bool, int]] = []  # (is nocase, start) per open <span>
    other = False
    pos = 0
    for m in _TAG.finditer(text):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        tag = m.group().lower()
        if tag.startswith("<span"):
            stack.append(("nocase" in tag, length))
            other = other or "nocase" not in tag
        elif tag == "</span>":
            if not stack:
                out.append(m.group())
                length += len(m.group())
                continue
            nocase, start = stack.pop()
            if nocase and length > start:
                spans.append((start, length))
        else:
            other = True
    out.append(text[pos:])
    if stack:
        other = True
    return "".join(out), tuple(sorted(spans)), other


def encode_title(title: str, spans: tuple[tuple[int, int], ...] | None) -> str:
    """``title`` with ``<span class="nocase">`` around each span."""
    if not spans:
        return title
    out: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        if a < pos:  # overlapping spans cannot be nested faithfully; custom.pubconv keeps them
            continue
        out += [title[pos:a], '<span class="nocase">', title[a:b], "</span>"]
        pos = b
    out.append(title[pos:])
    return "".join(out)


# ---- dates


def _date_parts(d: Date) -> list[int] | None:
    if d.year is None:
        return None
    parts = [d.year]
    if d.month is not None:
        parts.append(d.month)
        if d.day is not None:
            parts.append(d.day)
    return parts


def _date_to_csl(d: Date) -> dict[str, Any]:
    out: dict[str, Any] = {}
    start = _date_parts(d)
    if start is not None:
        out["date-parts"] = [start]
        if d.end is not None:
            end = _date_parts(d.end)
            if end is not None:
                out["date-parts"].append(end)
    if d.season is not None:
        out["season"] = d.season
    if d.circa:
        out["circa"] = True
    if d.literal is not None:
        out["literal"] = d.literal
    return out


_ISO_DATE = re.compile(r"(-?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*-?\d+\s*", v):
        return int(v)
    return None


class _Ctx:
    """Per-item reading context: diagnostics with the item's position."""

    def __init__(self, source: str, line: int | None, column: int | None, diags: list[Diagnostic]) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.diags = diags
        self.key: str | None = None

    def warn(self, code: str, message: str, path: str) -> None:
        pos = Position(source=self.source, line=self.line, column=self.column, path=path)
        self.diags.append(Diagnostic.make(code, message, pos, key=self.key))


def _parts_to_date(parts: list[Any], ctx: _Ctx, path: str) -> Date | None:
    if parts in ([], [0], ["0"], [""]):
        return Date()  # the open end of a range
    nums = [_int(p) for p in parts]
    if any(n is None for n in nums) or len(nums) > 3:
        ctx.warn("PC220", f"date-parts {json.dumps(parts)} are not numbers; date part ignored", path)
        nums = [n for n in nums[:3] if n is not None]
        if not nums:
            return None
    year = nums[0]
    month = nums[1] if len(nums) > 1 else None
    day = nums[2] if len(nums) > 2 else None
    season: int | None = None
    if month is not None and (13 <= month <= 16 or 21 <= month <= 24):
        season = month - 12 if month <= 16 else month - 20
        ctx.warn("PC508", f"month {month} read as season {season}", path)
        month = day = None
    elif month is not None and not 1 <= month <= 12:
        ctx.warn("PC220", f"month {month} out of range; month and day ignored", path)
        month = day = None
    if day is not None and not 1 <= day <= 31:
        ctx.warn("PC220", f"day {day} out of range; ignored", path)
        day = None
    return Date(year=year, month=month, day=day, season=season)


def _parse_raw_date(text: str, ctx: _Ctx, path: str) -> Date:
    pieces = text.strip().split("/")
    dates: list[Date] = []
    for piece in pieces[:2]:
        m = _ISO_DATE.fullmatch(piece.strip())
        if m is None:
            if piece.strip() in ("", "..") and dates:
                dates.append(Date())
                continue
            ctx.warn("PC220", f"date {text!r} is not a numeric Y-M-D date; kept as literal", path)
            return Date(literal=text)
        d = _parts_to_date([int(g) for g in m.groups() if g is not None], ctx, path)
        dates.append(d if d is not None else Date())
    if len(pieces) > 2:
        ctx.warn("PC220", f"date {text!r} has more than two parts; kept as literal", path)
        return Date(literal=text)
    if len(dates) == 2:
        return _with(dates[0], end=dates[1])
    return dates[0]


def _with(d: Date, **changes: Any) -> Date:
    fields = {k: getattr(d, k) for k in ("year", "month", "day", "season", "circa", "end", "literal")}
    fields.update(changes)
    return Date(**fields)


def _read_date(value: Any, ctx: _Ctx, path: str) -> Date | None:
    if isinstance(value, str):
        ctx.warn("PC508", "date given as a string, not a date object (not schema-valid); parsed", path)
        return _parse_raw_date(value, ctx, path)
    if not isinstance(value, dict):
        ctx.warn("PC504", f"date must be an object, not {type(value).__name__}; ignored", path)
        return None
    date: Date | None = None
    parts = value.get("date-parts")
    if parts is not None:
        if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
            ctx.warn("PC220", "date-parts must be an array of arrays; ignored", path + ".date-parts")
        elif parts:
            start = _parts_to_date(parts[0], ctx, path + ".date-parts[0]")
            if start is not None and start.year is None and not parts[0]:
                start = None
            if start is not None and len(parts) > 1:
                end = _parts_to_date(parts[1], ctx, path + ".date-parts[1]")
                if end is not None:
                    start = _with(start, end=end)
            date = start
    if date is None and isinstance(value.get("raw"), str):
        ctx.warn("PC508", "date given as 'raw' text; parsed", path + ".raw")
        date = _parse_raw_date(value["raw"], ctx, path + ".raw")
    changes: dict[str, Any] = {}
    season = value.get("season")
    if season is not None:
        n = _int(season)
        if n is None and isinstance(season, str):
            n = _SEASONS.get(season.strip().lower())
        if n is not None and 1 <= n <= 4:
            changes["season"] = n
        else:
            ctx.warn("PC220", f"season {season!r} is not 1-4 or a season name; ignored", path + ".season")
    circa = value.get("circa")
    if circa not in (None, False, 0, "", "0", "false"):
        changes["circa"] = True
    literal = value.get("literal")
    if literal is not None:
        changes["literal"] = _json_text(literal)
    for k in value:
        if k not in ("date-parts", "season", "circa", "literal", "raw"):
            ctx.warn("PC506", f"date key {k!r} is not in the CSL-JSON schema; ignored", f"{path}.{k}")
    if changes:
        date = _with(date if date is not None else Date(), **changes)
    return date


# ---- names


def _name_to_csl(n: Name) -> dict[str, str]:
    return {k: v for (k, _), v in zip(_NAME_KEYS, _NAME_VALUES(n), strict=True) if v is not None}


def _read_names(
    value: Any, ctx: _Ctx, path: str, extra: list[tuple[str, str]], role: str
) -> tuple[Name, ...]:
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        ctx.warn("PC504", f"names must be an array, not {type(value).__name__}; ignored", path)
        return ()
    out: list[Name] = []
    for i, item in enumerate(value):
        if type(item) is dict and item:
            # the common case (what the writer makes): schema keys with text values only
            plain: dict[str, str] = {}
            for k, v in item.items():
                attr = _NAME_ATTRS.get(k)
                if attr is None or type(v) is not str:
                    break
                plain[attr] = v
            else:
                out.append(Name(**plain))
                continue
        ipath = f"{path}[{i}]"
        if isinstance(item, str):
            ctx.warn("PC221", "name given as a string; read as a literal name", ipath)
            out.append(Name(literal=item))
            continue
        if not isinstance(item, dict):
            ctx.warn("PC221", f"name must be an object, not {type(item).__name__}; ignored", ipath)
            continue
        kwargs: dict[str, str] = {}
        for k, attr in _NAME_KEYS:
            v = item.get(k)
            if v is not None:
                if not isinstance(v, (str, int, float)) or isinstance(v, bool):
                    ctx.warn("PC221", f"name part {k!r} is not text; ignored", f"{ipath}.{k}")
                    continue
                kwargs[attr] = str(v)
        for k, v in item.items():
            if k not in _NAME_KEY_SET and k not in _NAME_HINTS:
                ctx.warn(
                    "PC506", f"name key {k!r} is not in the CSL-JSON schema; kept in extra", f"{ipath}.{k}"
                )
                extra.append((f"{role}[{i}].{k}", _json_text(v)))
        if not kwargs:
            ctx.warn("PC221", "empty name object; ignored", ipath)
            continue
        out.append(Name(**kwargs))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# item -> paper


def _scalar(value: Any, ctx: _Ctx, path: str) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        ctx.warn("PC504", f"expected text or a number, got {json.dumps(value)}; ignored", path)
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    ctx.warn("PC504", f"expected text or a number, got {type(value).__name__}; kept in extra", path)
    return None


_PLAIN_KEY = re.compile(r"[A-Za-z_][\w-]*")
_PLAIN_KEYS: dict[str, bool] = {}


def _plain_key(key: str) -> bool:
    """True when ``key`` can follow a ``.`` in a JSON path (memoised: items repeat their keys)."""
    hit = _PLAIN_KEYS.get(key)
    if hit is None:
        hit = _PLAIN_KEY.fullmatch(key) is not None
        if len(_PLAIN_KEYS) < 10_000:
            _PLAIN_KEYS[key] = hit
    return hit


def _convert(item: dict[str, Any], ctx: _Ctx, path: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Paper keyword arguments from a CSL item, and the custom.pubconv overrides (not yet applied)."""
    kw: dict[str, Any] = {}
    extra: list[tuple[str, str]] = []
    raw: list[tuple[str, str]] = []
    overrides: dict[str, Any] | None = None
    ident = item.get("id")
    if ident is None:
        ctx.warn("PC502", "item has no 'id'", path)
    elif isinstance(ident, (str, int)) and not isinstance(ident, bool):
        kw["key"] = str(ident)
        ctx.key = kw["key"]
    else:
        ctx.warn("PC504", f"'id' must be text or a number, got {json.dumps(ident)}", path + ".id")
    typ = item.get("type")
    if typ is None:
        ctx.warn("PC502", "item has no 'type'; read as document", path)
        kw["type"] = "document"
    elif isinstance(typ, str) and typ in ITEM_TYPES:
        kw["type"] = typ
    else:
        ctx.warn("PC503", f"unknown CSL item type {typ!r}; read as document", path + ".type")
        kw["type"] = "document"
        extra.append(("csl:type", _json_text(typ)))
    for key, value in item.items():
        if key in ("id", "type", "custom"):
            continue
        target = _ALIAS_KEYS.get(key, key)
        if target in _BY_KEY:
            field, kind = _BY_KEY[target]
            if field in kw:
                extra.append((key, _json_text(value)))
                continue
            if kind == "str" and type(value) is str and field != "title" and field != "doi":
                kw[field] = value  # the common case, nothing to check or report
                continue
            kpath = f"{path}.{key}" if _plain_key(key) else f"{path}[{json.dumps(key)}]"
            if kind == "names":
                names = _read_names(value, ctx, kpath, extra, target)
                if names:
                    kw[field] = names
            elif kind == "date":
                date = _read_date(value, ctx, kpath)
                if date is not None:
                    kw[field] = date
            else:
                text = _scalar(value, ctx, kpath)
                if text is None:
                    if value is not None:
                        extra.append((key, _json_text(value)))
                    continue
                if kind == "list":
                    kw[field] = _split_list(text)
                elif field == "title":
                    plain, spans, other = decode_title(text)
                    if other:
                        ctx.warn("PC509", "markup in the title decoded to plain text", kpath)
                        raw.append((RAW_TITLE, text))
                    kw["title"] = plain
                    kw["title_nocase"] = spans
                elif field == "doi":
                    kw["doi"] = _norm_doi(text)
                else:
                    kw[field] = text
        elif key in _OTHER_STRING_VARS or key in _OTHER_JSON_VARS:
            extra.append((key, _json_text(value)))
        else:
            kpath = f"{path}.{key}" if _plain_key(key) else f"{path}[{json.dumps(key)}]"
            ctx.warn("PC506", f"key {key!r} is not in the CSL-JSON schema; kept in extra", kpath)
            extra.append((key, _json_text(value)))
    if "custom" in item:  # read last: the writer puts it last
        overrides = _read_custom(item["custom"], ctx, path + ".custom", extra)
    _derive_arxiv(kw)
    if extra:
        kw["extra"] = tuple(extra)
    if raw:
        kw["raw"] = tuple(raw)
    return kw, overrides


def _derive_arxiv(kw: dict[str, Any]) -> None:
    """Recognise the values the writer derives from an arXiv id (and Zotero's preprint form)."""
    arxiv: ArxivId | None = None
    number = kw.get("number")
    if isinstance(number, str) and number.lower().startswith("arxiv:"):
        arxiv = ArxivId.parse(number)
        if arxiv is not None:
            del kw["number"]
    doi = kw.get("doi")
    if doi is not None and doi.startswith("10.48550/arxiv."):
        from_doi = ArxivId.parse(doi)
        if from_doi is not None and (arxiv is None or arxiv.id == from_doi.id):
            arxiv = arxiv or from_doi
            del kw["doi"]
    if arxiv is None and isinstance(kw.get("url"), str):
        arxiv = ArxivId.parse(kw["url"]) if "arxiv.org/abs/" in kw["url"] else None
    if arxiv is not None:
        kw["arxiv"] = arxiv
        publisher = kw.get("publisher")
        if isinstance(publisher, str) and publisher.strip().lower() == "arxiv":
            del kw["publisher"]


def _read_custom(value: Any, ctx: _Ctx, path: str, extra: list[tuple[str, str]]) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        ctx.warn("PC504", "'custom' must be an object; kept in extra", path)
        extra.append(("custom", _json_text(value)))
        return None
    overrides: dict[str, Any] | None = None
    for k, v in value.items():
        if k == "pubconv" and isinstance(v, dict):
            overrides = v
        else:
            extra.append((f"custom.{k}", _json_text(v)))
    return overrides


def _apply_overrides(kw: dict[str, Any], overrides: dict[str, Any], ctx: _Ctx, path: str) -> None:
    for field, data in overrides.items():
        fpath = f"{path}.custom.pubconv.{field}"
        if field not in _OVERRIDABLE:
            ctx.warn("PC507", f"custom.pubconv key {field!r} is not a pubconv field; ignored", fpath)
            continue
        try:
            value = _from_pubconv_json(field, data)
            Paper(**{field: value})
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            ctx.warn("PC507", f"custom.pubconv.{field} is malformed ({exc}); ignored", fpath)
            continue
        kw[field] = value
        if field in ("title", "title_nocase"):
            kw.pop("raw", None)


def _field_path(d: Diagnostic, item_path: str) -> str | None:
    """``$[3].title`` for a diagnostic at ``$[3].title`` or below (``$[3].author[0]`` -> ``$[3].author``)."""
    if d.position is None or not d.position.path or not d.position.path.startswith(item_path + "."):
        return None
    rest = d.position.path[len(item_path) + 1 :]
    return item_path + "." + re.split(r"[.\[]", rest)[0]


def _to_paper(item: dict[str, Any], ctx: _Ctx, path: str, origin: Position | None) -> Paper | None:
    first = len(ctx.diags)
    kw, overrides = _convert(item, ctx, path)
    if overrides:
        # custom.pubconv holds the exact value: what the reader found odd in the CSL form is moot
        moot = {f"{path}.{csl}" for field, csl, _ in _FIELDS if field in overrides}
        kept = [d for d in ctx.diags[first:] if _field_path(d, path) not in moot]
        del ctx.diags[first:]
        ctx.diags.extend(kept)
        _apply_overrides(kw, overrides, ctx, path)
    try:
        return Paper(**kw, origin=origin)
    except (TypeError, ValueError) as exc:
        ctx.warn("PC507", f"item could not be read: {exc}", path)
        return None


# ---------------------------------------------------------------------------------------------
# reading

#: Whitespace between JSON tokens.
_WS: Final = re.compile(r"[ \t\r\n]*")
#: Characters read ahead at least (a buffer that cannot hold one item grows to twice its size).
_STREAM_CHUNK: Final = 1 << 16


def iter_read(lines: Iterable[str], *, source: str = "<string>") -> Iterator[Paper | Diagnostic]:
    """Papers and diagnostics of a CSL-JSON array, one item at a time.

    Memory holds the item being read, not the file: the array is decoded element by
    element (``json.JSONDecoder.raw_decode``) from a buffer of whole lines. JSON strings
    and numbers cannot span lines, so an element that fails to decode at the end of the
    buffer is incomplete, not invalid, and more lines are read. A top level that is not an
    array (an object wrapping one, a single item) is read whole, as :func:`read` does.
    Positions and diagnostics are the same as :func:`read`'s (one decoder serves both);
    after a syntax error, the items before it are kept and reading stops.
    """
    it = iter(lines)
    parts: list[str] = []
    for line in it:
        parts.append(line)
        if line.strip(" \t\r\n\ufeff"):
            break
    yield from _items("".join(parts), it, source)


def _items(head: str, more: Iterator[str], source: str, *, drop: bool = True) -> Iterator[Paper | Diagnostic]:
    """An array streamed from ``head`` (the text up to its first non-blank line) and ``more``;
    any other top level read whole."""
    head = head.lstrip("\ufeff")
    start = len(head) - len(head.lstrip(" \t\r\n"))
    if head[start : start + 1] == "[":
        yield from _stream_array(head, start + 1, more, source, drop=drop)
        return
    diags: list[Diagnostic] = []
    for paper in _iter(head + "".join(more), source, diags):
        yield from diags
        diags.clear()
        yield paper
    yield from diags


def _stream_array(
    buf: str, pos: int, more: Iterator[str], source: str, *, drop: bool = True
) -> Iterator[Paper | Diagnostic]:
    """The items of the array whose ``[`` ends at ``pos``; ``drop`` frees what was read (a
    whole text given at once is kept: cutting it would copy the rest again and again)."""
    decoder = json.JSONDecoder()
    # positions: offsets only grow, so lines are counted once, from a cursor
    cur = 0  # an offset in buf already counted
    cur_line = 1  # the line number at cur
    line_start = 0  # the offset in buf where that line starts

    def where(offset: int) -> tuple[int, int]:
        nonlocal cur, cur_line, line_start
        if offset > cur:
            newlines = buf.count("\n", cur, offset)
            if newlines:
                cur_line += newlines
                line_start = buf.rfind("\n", cur, offset) + 1
            cur = offset
        return cur_line, offset - line_start + 1

    def fill(size: int) -> bool:
        """Read whole lines until ``buf`` holds ``size`` characters; False at the end of the input."""
        nonlocal buf
        got = [buf]
        have = len(buf)
        for line in more:
            got.append(line)
            have += len(line)
            if have >= size:
                break
        if len(got) == 1:
            return False
        buf = "".join(got)
        return True

    def error(message: str, offset: int) -> Diagnostic:
        line, column = where(offset)
        return Diagnostic.make("PC100", message, Position(source=source, line=line, column=column))

    diags: list[Diagnostic] = []
    index = 0
    want_value = True
    while True:
        pos = _WS.match(buf, pos).end()  # type: ignore[union-attr]
        if pos >= len(buf):
            if fill(len(buf) + _STREAM_CHUNK):
                continue
            yield error(
                "invalid JSON: Expecting value" if want_value else "invalid JSON: Expecting ',' delimiter",
                pos,
            )
            return
        where(pos)
        if drop and line_start > _STREAM_CHUNK:  # drop what was read, up to the current line's start
            buf, pos, cur, line_start = buf[line_start:], pos - line_start, cur - line_start, 0
        char = buf[pos]
        if not want_value:
            if char == ",":
                pos += 1
                want_value = True
                continue
            if char == "]":
                pos += 1
                break
            yield error("invalid JSON: Expecting ',' delimiter", pos)
            return
        if char == "]" and index == 0:
            pos += 1
            break
        try:
            item, end = decoder.raw_decode(buf, pos)
        except json.JSONDecodeError as exc:
            # the element goes on past the buffer: read a chunk more, or double what is unread
            # (a huge element is then decoded O(log size) times, not once per line)
            at_end = exc.pos >= len(buf.rstrip(" \t\r\n")) - 1
            if at_end and fill(max(len(buf) + _STREAM_CHUNK, 2 * len(buf) - pos)):
                continue
            yield error(f"invalid JSON: {exc.msg}", exc.pos)
            return
        except RecursionError:
            yield error("invalid JSON: nested too deeply to read", pos)
            return
        line, column = where(pos)
        path = f"$[{index}]"
        ctx = _Ctx(source, line, column, diags)
        if isinstance(item, dict):
            paper = _to_paper(item, ctx, path, Position(source=source, line=line, column=column, path=path))
        else:
            ctx.warn("PC501", f"CSL item must be an object, not {type(item).__name__}; skipped", path)
            paper = None
        yield from diags
        diags.clear()
        if paper is not None:
            yield paper
        index += 1
        pos = end
        want_value = False
    while True:  # after the array: only whitespace
        pos = _WS.match(buf, pos).end()  # type: ignore[union-attr]
        if pos < len(buf):
            yield error("invalid JSON: Extra data", pos)
            return
        if not fill(len(buf) + _STREAM_CHUNK):
            return


class _Lines:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


def read(text: str, *, source: str = "<string>") -> ReadResult:
    """Parse CSL-JSON text into papers plus diagnostics (never raises for bad records).

    The same reader as :func:`iter_read`, so both keep the items before a syntax error."""
    papers: list[Paper] = []
    diags: list[Diagnostic] = []
    for item in _items(text, iter(()), source, drop=False):
        if isinstance(item, Paper):
            papers.append(item)
        else:
            diags.append(item)
    return ReadResult(tuple(papers), tuple(diags))


def _iter(text: str, source: str, diags: list[Diagnostic]) -> Iterator[Paper]:
    text = text.lstrip("\ufeff")
    if not text.strip():
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        pos = Position(source=source, line=exc.lineno, column=exc.colno)
        diags.append(Diagnostic.make("PC100", f"invalid JSON: {exc.msg}", pos))
        if exc.msg != "Extra data":
            return
        # a complete value followed by junk (a NUL, a second document): read the value
        data, _ = json.JSONDecoder().raw_decode(text, len(text) - len(text.lstrip()))
    except RecursionError:  # arrays/objects nested deeper than the json module recurses
        pos = Position(source=source, line=1, column=1)
        diags.append(Diagnostic.make("PC100", "invalid JSON: nested too deeply to read", pos))
        return
    lines = _Lines(text)
    first = len(text) - len(text.lstrip())
    items: list[Any]
    offsets: list[int | None]
    prefix = "$"
    # a top-level array is read by _stream_array; here: what is not one
    if (
        isinstance(data, dict)
        and "type" not in data
        and any(isinstance(data.get(k), list) for k in ("items", "references"))
    ):
        wrap = "items" if isinstance(data.get("items"), list) else "references"
        ctx = _Ctx(source, *lines.at(first), diags)
        ctx.warn("PC500", f"CSL-JSON wrapped in an object; reading its {wrap!r} array", "$")
        items = data[wrap]
        offsets = [None] * len(items)
        prefix = f"$.{wrap}"
    elif isinstance(data, dict):
        items = [data]
        offsets = [first]
        ctx = _Ctx(source, *lines.at(first), diags)
        ctx.warn("PC500", "a single CSL item, not an array; read as one item", "$")
        prefix = ""
    else:
        ctx = _Ctx(source, *lines.at(first), diags)
        ctx.warn("PC500", f"CSL-JSON must be an array of items, not {type(data).__name__}", "$")
        return
    for i, (item, off) in enumerate(zip(items, offsets, strict=True)):
        line, column = lines.at(off) if off is not None else (None, None)
        path = f"{prefix}[{i}]" if prefix else "$"
        ctx = _Ctx(source, line, column, diags)
        if not isinstance(item, dict):
            ctx.warn("PC501", f"CSL item must be an object, not {type(item).__name__}; skipped", path)
            continue
        paper = _to_paper(item, ctx, path, Position(source=source, line=line, column=column, path=path))
        if paper is not None:
            yield paper


# ---------------------------------------------------------------------------------------------
# writing


_FIELD_VALUES: Final = operator.attrgetter(*(f for f, _, _ in _FIELDS))
_OVERRIDABLE_VALUES: Final = operator.attrgetter(*_OVERRIDABLE)
_OVERRIDABLE_DEFAULTS: Final = tuple(_FIELD_DEFAULTS[f] for f in _OVERRIDABLE)
_TYPE_DEFAULT: Final = _FIELD_DEFAULTS["type"]
_NAME_VALUES: Final = operator.attrgetter(*(attr for _, attr in _NAME_KEYS))


def _base_item(p: Paper, key: str) -> dict[str, Any]:
    """The CSL item of ``p`` without custom.pubconv (pure CSL plus kept foreign fields)."""
    item: dict[str, Any] = {"id": key, "type": p.type}
    for (field, csl, kind), value in zip(_FIELDS, _FIELD_VALUES(p), strict=True):
        if value is None or value == ():
            continue
        if kind == "str":
            item[csl] = _title_text(p) if field == "title" else value
        elif kind == "names":
            item[csl] = [_name_to_csl(n) for n in value]
        elif kind == "date":
            item[csl] = _date_to_csl(value)
        else:  # list
            item[csl] = ", ".join(value)
    if p.arxiv is not None:
        if p.number is None:
            item["number"] = f"arXiv:{p.arxiv}"
        if p.publisher is None:
            item["publisher"] = "arXiv"
        if p.doi is None:
            item["DOI"] = p.arxiv.doi
        # re-establish the fixed key order after the arXiv additions (without them, the
        # loop above already wrote the keys in _FIELDS order)
        for _, csl, _ in _FIELDS:
            if csl in item:
                item[csl] = item.pop(csl)
    custom: dict[str, Any] = {}
    for name, value in p.extra:
        if name in _OTHER_STRING_VARS and name not in item:
            item[name] = value
        elif name.startswith("custom.") and name[7:] not in custom and name[7:] != "pubconv":
            custom[name[7:]] = value
    if custom:
        item["custom"] = custom
    return item


def _title_text(p: Paper) -> str:
    assert p.title is not None
    for name, text in p.raw:
        if name == RAW_TITLE:
            plain, spans, _ = decode_title(text)
            if plain == p.title and spans == (p.title_nocase or ()):
                return text
    return encode_title(p.title, p.title_nocase)


# what the fast check (_quick_differ) needs: Paper fields by the kind of their CSL form
_STR_FIELDS: Final = tuple(f for f, _, kind in _FIELDS if kind == "str" and f not in ("title", "doi"))
_STR_VALUES: Final = operator.attrgetter(*_STR_FIELDS)
_NAME_CSL_KEYS: Final = tuple(csl for _, csl, kind in _FIELDS if kind == "names")
_DATE_FIELDS: Final = tuple(f for f, _, kind in _FIELDS if kind == "date")
_DATE_VALUES: Final = operator.attrgetter(*_DATE_FIELDS)
_LIST_FIELDS: Final = tuple(f for f, _, kind in _FIELDS if kind == "list")
_LIST_VALUES: Final = operator.attrgetter(*_LIST_FIELDS)
# Paper fields no pure CSL variable sets: they read back as their defaults
_NON_CSL: Final = tuple(
    (f, _FIELD_DEFAULTS[f])
    for f in _OVERRIDABLE
    if f not in {x for x, _, _ in _FIELDS} and f not in ("type", "title_nocase", "arxiv", "extra")
)
_OVERRIDABLE_ORDER: Final = {f: i for i, f in enumerate(_OVERRIDABLE)}


def _quick_differ(p: Paper, item: dict[str, Any]) -> list[str] | None:
    """The fields of ``p`` whose CSL form in ``item`` would not read back equal (what
    :func:`_full_differ` finds by reading the item back), or None when ``p`` has a value
    this check does not decide, for which the full read-back must be run.

    The common paper (plain text fields, simple dates, names with text parts, a title
    without ``<``) reads back field for field: each kind is decided here the way
    :func:`_convert` reads it. Anything that could interact with another field (the
    values derived from an arXiv id) or take one of the reader's rarer paths goes to
    the full check. tests/test_read_write_fast_paths.py checks the two agree.
    """
    if p.arxiv is not None or p.type not in ITEM_TYPES:
        return None
    differ: list[str] = []
    # title: without "<" in it, the only markup is the nocase spans encode_title writes,
    # and they read back exactly when sorted, disjoint, non-empty and inside the title
    title = p.title
    spans = p.title_nocase
    if title is None:
        if spans is not None:
            differ.append("title_nocase")
    else:
        if type(title) is not str or "<" in title:
            return None
        for name, _ in p.raw:
            if name == RAW_TITLE:
                return None
        if spans is None:
            differ.append("title_nocase")  # the reader finds () (none marked)
        elif spans:
            if type(spans) is not tuple:
                return None
            end = 0
            for span in spans:
                if type(span) is not tuple or len(span) != 2:
                    return None
                a, b = span
                if type(a) is not int or type(b) is not int or not end <= a < b <= len(title):
                    return None
                end = b
        elif type(spans) is not tuple:
            return None
    # text variables are read as they are (the arXiv derivation aside, which looks at
    # number, DOI and URL); the DOI is normalised on read
    for value in _STR_VALUES(p):
        if value is not None and type(value) is not str:
            return None
    number = p.number
    if number is not None and number[:6].lower() == "arxiv:":
        return None
    url = p.url
    if url is not None and "arxiv.org/abs/" in url:
        return None
    doi = p.doi
    if doi is not None and (
        type(doi) is not str or _norm_doi(doi) != doi or doi.startswith("10.48550/arxiv.")
    ):
        return None
    # names: an object with text parts only reads back as the same Name
    for csl in _NAME_CSL_KEYS:
        for obj in item.get(csl, ()):
            if not obj:
                return None
            for part in obj.values():
                if type(part) is not str:
                    return None
    # dates: a plain year (not 0, which reads as an open range end), month and day
    for d in _DATE_VALUES(p):
        if d is not None and not (
            type(d) is Date
            and d.end is None
            and d.circa is False
            and d.season is None
            and d.literal is None
            and type(d.year) is int
            and d.year != 0
            and (d.month is None or type(d.month) is int)
            and (d.day is None or type(d.day) is int)
        ):
            return None
    # lists are joined with ", " and split on "," and ";", blanks dropped
    for values in _LIST_VALUES(p):
        if type(values) is not tuple:
            return None
        for x in values:
            if type(x) is not str or not x or x != x.strip() or "," in x or ";" in x:
                return None
    # fields CSL has no variable for read back as their defaults
    for field, default in _NON_CSL:
        if getattr(p, field) != default:
            differ.append(field)
    # extra: the reader collects the foreign top-level variables, then custom's keys
    back: list[tuple[str, str]] = []
    for k, v in item.items():
        if k in _OTHER_STRING_VARS:
            back.append((k, _json_text(v)))
    for k, v in item.get("custom", {}).items():
        back.append((f"custom.{k}", _json_text(v)))
    if tuple(back) != p.extra:
        differ.append("extra")
    if len(differ) > 1:
        differ.sort(key=_OVERRIDABLE_ORDER.__getitem__)
    return differ


def _full_differ(p: Paper, item: dict[str, Any]) -> list[str]:
    """The fields of ``p`` that differ in ``item`` read back (the reference for _quick_differ)."""
    kw, _ = _convert(item, _Ctx("<check>", None, None, []), "$")
    mine = _OVERRIDABLE_VALUES(p)
    # what Paper(**kw) would hold, without building it: kw names Paper fields only, and the
    # item type is the one thing Paper checks
    if kw.get("type", _TYPE_DEFAULT) not in ITEM_TYPES:
        return list(_OVERRIDABLE)
    return [f for f, a, d in zip(_OVERRIDABLE, mine, _OVERRIDABLE_DEFAULTS, strict=True) if kw.get(f, d) != a]


def _item(p: Paper, key: str) -> dict[str, Any]:
    item = _base_item(p, key)
    differ = _quick_differ(p, item)
    if differ is None:
        differ = _full_differ(p, item)
    if differ:
        # pubconv's JSON form of a field does not depend on the others, so each differing
        # field is converted alone, without building a Paper (a default is null)
        custom = dict(item.pop("custom", {}))
        custom["pubconv"] = {f: field_to_json(f, getattr(p, f)) for f in differ}
        item["custom"] = custom
    return item


def to_items(papers: Iterable[Paper], diagnostics: list[Diagnostic] | None = None) -> list[dict[str, Any]]:
    """The CSL-JSON items (plain dicts, schema-valid) of ``papers``; ids unique."""
    keys = KeyAllocator()
    return [_item(p, keys.allocate(p, diagnostics)) for p in papers]


def _is_number_array(value: list[Any]) -> bool:
    """True for ``[2020, 8]`` and ``[[2020, 8], [2021]]`` (written on one line)."""
    for x in value:
        if isinstance(x, list):
            for y in x:
                if not isinstance(y, int):
                    return False
        elif not isinstance(x, int):
            return False
    return True


def _dump(value: Any, indent: str, out: list[str]) -> None:
    """Pretty-print ``value`` (two-space indent) into ``out``; arrays of numbers on one line.

    Equivalent to ``json.dumps(value, indent=2, ensure_ascii=False)`` except that
    ``date-parts`` read ``[[2020, 8, 27]]``; strings go through the C encoder.
    Strings, the bulk of an item, are written inline without a recursive call.
    """
    t = type(value)
    if t is str:
        out.append(encode_basestring(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = "\n" + indent + "  "
        sep = "{" + inner
        keys = _KEY_TEXT
        for k, v in value.items():
            key = keys.get(k) if type(k) is str else None
            if key is None:
                key = _key_text(k)
            head = sep + key
            if type(v) is str:
                out.append(head + encode_basestring(v))
            else:
                out.append(head)
                _dump(v, indent + "  ", out)
            sep = "," + inner
        out.append("\n" + indent + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
        elif _is_number_array(value):
            out.append(_number_array_text(value))
        else:
            inner = "\n" + indent + "  "
            deeper = inner + "  "
            sep = "[" + inner
            for v in value:
                t = type(v)
                if t is str:
                    out.append(sep + encode_basestring(v))
                elif t is list and len(v) == 2 and type(v[0]) is str and type(v[1]) is str:
                    # a [name, value] pair (Paper.extra)
                    a, b = v
                    out.append(f"{sep}[{deeper}{encode_basestring(a)},{deeper}{encode_basestring(b)}{inner}]")
                elif t is dict and v and all(type(k) is str and type(x) is str for k, x in v.items()):
                    # a name object
                    enc = encode_basestring
                    body = ",".join(f"{deeper}{enc(k)}: {enc(x)}" for k, x in v.items())
                    out.append(sep + "{" + body + inner + "}")
                else:
                    out.append(sep)
                    _dump(v, indent + "  ", out)
                sep = "," + inner
            out.append("\n" + indent + "]")
    else:
        out.append(_ENC(value))


_ENC = json.JSONEncoder(ensure_ascii=False).encode

# '"key": ' per object key: items repeat a small vocabulary of keys (bounded, like _PLAIN_KEYS)
_KEY_TEXT: dict[str, str] = {}


def _key_text(key: Any) -> str:
    text = (encode_basestring(key) if type(key) is str else _ENC(key)) + ": "
    if type(key) is str and len(_KEY_TEXT) < 10_000:
        _KEY_TEXT[key] = text
    return text


def _number_array_text(value: list[Any]) -> str:
    """``_ENC(value)`` for a number array (see _is_number_array): ``[[2020, 8, 27]]``.

    Plain ints (the date-parts the writer makes) are joined here, as json writes them
    (``int.__repr__``, ", " between); anything else (bools, floats) goes to the encoder."""
    if all(type(x) is list for x in value):
        if all(type(y) is int for x in value for y in x):
            return "[" + ", ".join(["[" + ", ".join(map(int.__repr__, x)) + "]" for x in value]) + "]"
    elif all(type(x) is int for x in value):
        return "[" + ", ".join(map(int.__repr__, value)) + "]"
    return _ENC(value)


def iter_write(papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None) -> Iterator[str]:
    """:func:`write` as chunks, one item at a time (memory stays flat on long inputs)."""
    keys = KeyAllocator()
    sep = "[\n  "
    for p in papers:
        out = [sep]
        _dump(_item(p, keys.allocate(p, diagnostics)), "  ", out)
        yield "".join(out)
        sep = ",\n  "
    yield "[]\n" if sep == "[\n  " else "\n]\n"


def join_parts(texts: Iterable[str]) -> Iterator[str]:
    """The outputs of consecutive parts written one by one (each a whole array), as one array."""
    sep = "[\n  "
    for text in texts:
        if text == "[]\n":
            continue
        assert text.startswith("[\n  ") and text.endswith("\n]\n"), "not iter_write's output"
        yield sep
        yield from slices(text, 4, len(text) - 3)
        sep = ",\n  "
    yield "[]\n" if sep == "[\n  " else "\n]\n"


def write(papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None) -> str:
    """Serialise papers as a pretty-printed CSL-JSON array (see the module docstring)."""
    return "".join(iter_write(papers, diagnostics=diagnostics))


def normalize(paper: Paper) -> Paper:
    """``paper`` as CSL-JSON gives it back: unchanged but for ``raw`` and ``origin`` (and keys,
    which the writer generates when missing)."""
    return paper.replace(raw=())
