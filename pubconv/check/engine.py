"""The check engine: one text or many files in, sorted findings out.

:func:`check_text` checks one text: it runs the format's reader (its diagnostics
are the syntax and record-level findings), then the format's own check pass
(:mod:`pubconv.check.bib` for .bib, the CSL-JSON schema, the JATS DTD, value
validators for every identifier, date and page field), then within-file
duplicate records. :func:`check_paths` does that for files and directories and
adds cross-file findings (duplicate records and citation keys across the files
of one run). Configuration (select/ignore, severities, per-file ignores) and
inline suppressions are applied last.

.. versionadded:: 0.2
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from .._lazyre import lazy as _lazy
from ..errors import Diagnostic, Severity
from ..model import Paper, Position
from . import validators as V
from .config import Config, Suppression
from .rules import CHECK_SEVERITY, RULES

__all__ = ["CheckReport", "check_paths", "check_text", "iter_citation_files"]

_SKIP_DIRS: Final = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        "venv",
        ".venv",
        "env",
        ".tox",
        ".nox",
        "site-packages",
        "dist-packages",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "build",
        "_build",
    }
)
_ALWAYS_EXT: Final = {".bib": "bibtex", ".ris": "ris", ".cff": "cff"}
_SNIFF_EXT: Final = {".json": ("csljson",), ".xml": ("jats",), ".nxml": ("jats",), ".txt": ("listing",)}


@dataclass(slots=True)
class CheckReport:
    """The result of :func:`check_paths`."""

    findings: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """Every file checked, in order."""
    unreadable: list[str] = field(default_factory=list)
    """Files that could not be read or whose format could not be detected (exit code 2)."""

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.findings if d.severity is severity)


@dataclass(frozen=True, slots=True)
class _Record:
    """What duplicate detection compares, for one paper."""

    key: str | None
    position: Position | None
    doi: str | None
    arxiv: str | None
    signature: str | None
    """Normalised title | year | first author family."""
    locator: tuple[str | None, str | None, str | None, str | None]
    """(container, volume, issue, page): records that differ here are not duplicates by signature."""


@dataclass(slots=True)
class _FileResult:
    findings: list[Diagnostic]
    records: list[_Record]
    keys: list[tuple[str, Position | None]]
    suppressions: list[Suppression]
    local: bool = False
    """Records are compared within the file only (JATS: each article has its own reference list)."""


# ----------------------------------------------------------------------------- public API


def check_text(
    text: str, source: str = "<string>", fmt: str | None = None, config: Config | None = None
) -> list[Diagnostic]:
    """Findings for one decoded text, sorted by position (configuration applied)."""
    config = config or Config()
    result = _check_one(text, source, fmt)
    result.findings.extend(_duplicates([(source, result)]))
    return _finalise(result.findings, config, {source: result.suppressions})


def check_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    fmt: str | None = None,
    config: Config | None = None,
    stdin: bytes | None = None,
    encoding: str | None = None,
) -> CheckReport:
    """Check files and directories (``-`` reads ``stdin``, which needs ``fmt``)."""
    from ..api import decode

    config = config or Config()
    report = CheckReport()
    results: list[tuple[str, _FileResult]] = []
    for path, explicit_fmt in _expand(paths, fmt, report):
        report.files.append(path)
        try:
            if path == "-":
                data = stdin if stdin is not None else b""
                source = "<stdin>"
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
                source = path
        except OSError as exc:
            report.unreadable.append(path)
            report.findings.append(
                Diagnostic.make(
                    "PC790", f"cannot read the file: {exc.strerror or exc}", Position(source=path)
                )
            )
            continue
        try:
            text, decode_diags = decode(data, source, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            report.unreadable.append(path)
            report.findings.append(
                Diagnostic.make("PC790", f"cannot decode the file: {exc}", Position(source=source))
            )
            continue
        result = _check_one(text, source, explicit_fmt)
        if any(d.code == "PC790" for d in result.findings):
            report.unreadable.append(path)
        result.findings[:0] = decode_diags
        results.append((source, result))
    for _, result in results:
        report.findings.extend(result.findings)
    report.findings.extend(_duplicates(results))
    report.findings = _finalise(report.findings, config, {s: r.suppressions for s, r in results})
    return report


def iter_citation_files(directory: str | os.PathLike[str]) -> Iterator[str]:
    """Citation files under ``directory`` (sorted; hidden, VCS, virtualenv and vendor dirs skipped)."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not os.path.exists(os.path.join(root, d, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            if _wanted(path):
                yield path


def _wanted(path: str) -> bool:
    low = path.lower()
    ext = os.path.splitext(low)[1]
    if ext in _ALWAYS_EXT:
        return True
    candidates = _SNIFF_EXT.get(ext)
    if candidates is None:
        return False
    from .. import registry

    try:
        with open(path, "rb") as fh:
            head = fh.read(registry.SNIFF_CHARS).decode("utf-8", errors="replace").lstrip("\ufeff")
    except OSError:
        return True  # reported as unreadable
    if not any(registry.get(name).sniff(head) for name in candidates):
        return False
    return ext != ".json" or _looks_like_csl(path)


def _looks_like_csl(path: str) -> bool:
    """A directory walk takes a .json file as CSL-JSON only when it is an array of objects whose
    first has a top-level ``id`` and ``type`` (JSON schemas, package manifests and other JSON that
    merely mention those keys are left alone)."""
    import json

    try:
        if os.path.getsize(path) > 64_000_000:
            return True  # too big to look at twice; the head sniffed as CSL-JSON
        with open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8", errors="replace").lstrip("\ufeff"))
    except (OSError, ValueError, RecursionError):
        return True  # broken JSON whose head looks like CSL-JSON: check it and report why
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "id" in data[0]
        and "type" in data[0]
    )


def _expand(
    paths: Sequence[str | os.PathLike[str]], fmt: str | None, report: CheckReport
) -> Iterator[tuple[str, str | None]]:
    for p in paths:
        path = os.fspath(p)
        if path != "-" and os.path.isdir(path):
            for found in iter_citation_files(path):
                yield found, fmt
        else:
            yield path, fmt


# ----------------------------------------------------------------------------- one text


# fields and entry types only BibLaTeX defines (``date``/``location`` also occur in BibTeX files)
#: Searched in the lower-cased text after a newline: without re.I and re.M the search is
#: about 4x faster on a 4 MB file (the engine scans for the literal newline).
_BIBLATEX_ONLY: Final = _lazy(
    r"\n[ \t]*(?:(?:journaltitle|eprinttype|eprintclass|eventtitle|maintitle|origdate|langid)[ \t]*="
    r"|@(?:online|mvbook|mvcollection|mvproceedings|bookinbook|suppbook|software|dataset)[ \t]*[{(])"
)


def _biblatex_only(text: str) -> bool:
    return _BIBLATEX_ONLY.search("\n" + text.lower()) is not None


def _detect(text: str, source: str, fmt: str | None) -> str:
    from .. import registry

    if fmt is not None:
        return registry.get(fmt).name if fmt.lower() != "cff" else "cff"
    low = source.lower()
    if low.endswith(".cff"):
        return "cff"
    name = source if not source.startswith("<") else None
    found = registry.detect(text[: registry.SNIFF_CHARS], name).name
    if found == "bibtex" and len(text) > registry.SNIFF_CHARS and _biblatex_only(text):
        return "biblatex"  # BibLaTeX-only fields or types after the sniffed head
    return found


def _check_one(text: str, source: str, fmt: str | None) -> _FileResult:
    from ..errors import UnknownFormatError

    try:
        name = _detect(text, source, fmt)
    except UnknownFormatError as exc:
        msg = f"{exc}"
        return _FileResult([Diagnostic.make("PC790", msg, Position(source=source))], [], [], [])
    checker = _CHECKERS.get(name, _check_generic)
    from .._gc import paused

    try:
        # the collector stays off for the whole file, not only while reading: with the
        # papers alive, collections during the rules scan traverse them all again and again
        with paused():
            return checker(text, source, name)
    except RecursionError:
        msg = "the input is nested too deeply to be read; it was not checked"
        return _FileResult(
            [Diagnostic.make("PC100", msg, Position(source=source, line=1, column=1))], [], [], []
        )
    except Exception as exc:  # one file's crash must not stop the run or hide the others
        msg = f"pubconv could not check this file ({type(exc).__name__}: {exc}); please report this"
        return _FileResult([Diagnostic.make("PC790", msg, Position(source=source))], [], [], [])


def _reader_findings(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Reader diagnostics ``check`` reports: codes in the rule table, and every error."""
    return [d for d in diags if d.code in RULES or d.severity is Severity.ERROR]


def _read(name: str, text: str, source: str) -> tuple[tuple[Paper, ...], list[Diagnostic]]:
    from .. import registry

    result = registry.get(name).read(text, source=source)
    return result.papers, _reader_findings(result.diagnostics)


def _check_generic(text: str, source: str, name: str) -> _FileResult:
    papers, findings = _read(name, text, source)
    findings.extend(_paper_mojibake(papers))
    return _FileResult(findings, _records(papers), [], [])


def _check_bib(text: str, source: str, name: str) -> _FileResult:
    from . import bib

    papers, diags, blocks = _read_bib(name, text, source)
    findings = bib.relocate_syntax_errors(text, source, _reader_findings(diags))
    scan = bib.scan(text, source, name, blocks=blocks, known_code=_known_code)
    impossible = {(d.key, d.position.line) for d in scan.findings if d.code == "PC706" and d.position}
    if impossible:  # a precise PC706 on a field replaces the reader's PC220 warning for it
        findings = [
            d
            for d in findings
            if not (d.code == "PC220" and d.position is not None and (d.key, d.position.line) in impossible)
        ]
    findings.extend(scan.findings)
    own = scan.own_fields
    records = []
    for paper in papers:
        fields = own.get((paper.key or "").lower())
        if fields is not None and "crossref" in fields:
            # inherited identifiers and titles say nothing about this entry being a duplicate
            paper = replace(
                paper,
                doi=paper.doi if "doi" in fields else None,
                arxiv=paper.arxiv if "eprint" in fields or "arxiv" in fields else None,
            )
        records.append(_record(paper))
    keys = [(p.key, p.origin) for p in papers if p.key]
    return _FileResult(findings, records, keys, scan.suppressions)


def _read_bib(name: str, text: str, source: str) -> tuple[list[Paper], list[Diagnostic], list[Any]]:
    """Read a .bib text with the format's reader, keeping the entry blocks it tokenized.

    The check rules need the blocks (field offsets) and the reader's papers and
    diagnostics; recording the blocks as the reader goes saves a second tokenization
    (on a 4 MB file the tokenizer is a third of the run time)."""
    from ..formats import bibtex

    if name == "biblatex":
        from ..formats import biblatex

        base: Any = biblatex._Reader
    else:
        base = bibtex._Reader
    recorded: list[Any] = []

    class Recording(base):  # type: ignore[misc]
        # the list is the instance's, not a closure cell: a class is always part of a
        # reference cycle, and blocks reachable from it would outlive the check until a
        # full collection (which then scans them all: 0.4 s on tugboat.bib)
        def blocks(self, text: str, lines: Any, diags: list[Diagnostic]) -> Iterator[tuple[Any, Any]]:
            for block, fields in super().blocks(text, lines, diags):
                self.recorded.append(block)
                yield block, fields

    reader = Recording(source)
    reader.recorded = recorded
    papers: list[Paper] = []
    diags: list[Diagnostic] = []
    for item in bibtex._iter([(text, 0)], source, reader, stream=False):  # paused by _check_one
        if isinstance(item, Paper):
            papers.append(item)
        else:
            diags.append(item)
    return papers, diags, recorded


def _known_code(code: str) -> bool:
    from .config import known_code

    return known_code(code)


# ----------------------------------------------------------------------------- CSL-JSON


@functools.cache
def _load_schema(name: str) -> Any:
    try:
        resources = importlib.import_module("pubconv._resources")
    except ImportError:
        resources = None
    if resources is not None and hasattr(resources, "load_schema"):
        try:
            return resources.load_schema(name)
        except (OSError, LookupError, ValueError):
            pass
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "schemas" / name, here.parents[2] / "schemas" / name):
        if candidate.is_file():
            import json

            return json.loads(candidate.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"schema {name!r} not found")


def csl_schema_errors(data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """(JSON path, message) for every CSL-JSON schema violation of ``data`` (schemas/csl-data.schema.json)."""
    import jsonschema

    schema = _load_schema("csl-data.schema.json")
    validator = jsonschema.Draft7Validator(schema)
    out: list[tuple[tuple[str | int, ...], str]] = []
    for error in validator.iter_errors(data):
        out.extend(_leaf_errors(error))
    out.sort(key=lambda e: [(0, p) if isinstance(p, int) else (1, str(p)) for p in e[0]])
    return out


def _leaf_errors(error: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        for key in error.instance:
            if key not in allowed and len(path) == 1:
                yield (
                    (*path, key),
                    f"{key!r} is not a CSL-JSON variable; remove or rename it (e.g. into 'note')",
                )
            elif key not in allowed:
                yield (*path, key), f"{key!r} is not allowed here by the CSL-JSON schema; remove or rename it"
        return
    if error.validator == "required":
        yield path, f"{error.message}; every item needs 'id' and 'type'"
        return
    if error.validator == "enum":
        yield path, f"{error.instance!r} is not a CSL item type"
        return
    if error.validator == "type":
        want = error.validator_value
        want_text = " or ".join(want) if isinstance(want, list) else str(want)
        import json

        yield path, f"{json.dumps(error.instance)[:60]} is not of type {want_text}"
        return
    yield path, error.message


def _check_csl(text: str, source: str, name: str) -> _FileResult:
    import json

    from .jsonpos import format_path, parse_path, value_offsets

    papers, findings = _read(name, text, source)
    try:
        data = json.loads(text.lstrip("\ufeff")) if text.strip() else []
    except json.JSONDecodeError:
        return _FileResult(findings, [], [], [])  # PC100 from the reader
    lines = _Lines(text)
    offsets = value_offsets(text)

    def pos(path: tuple[str | int, ...], extra: int = 0) -> Position:
        off = offsets.get(path)
        while off is None and path:
            path = path[:-1]
            off = offsets.get(path)
        line, col = lines.at((off or 0) + extra)
        return Position(source=source, line=line, column=col, path=format_path(path))

    items = data if isinstance(data, list) else []

    def key_at(path: tuple[str | int, ...]) -> str | None:
        if path and isinstance(path[0], int) and path[0] < len(items) and isinstance(items[path[0]], dict):
            ident = items[path[0]].get("id")
            return str(ident) if ident is not None else None
        return None

    # reader findings point at their item; move them to the value their JSON path names
    for i, d in enumerate(findings):
        parsed = parse_path(d.position.path) if d.position is not None and d.position.path else None
        if parsed:
            findings[i] = replace(d, position=pos(parsed))

    # schema problems the reader did not report at the same path; where it did, its finding
    # (with its own code) becomes an error: the file fails the CSL-JSON schema there
    reported = {(d.position.path if d.position else None): i for i, d in enumerate(findings)}
    for path, message in csl_schema_errors(data):
        p = pos(path)
        hit = reported.get(p.path)
        if hit is not None:
            findings[hit] = replace(findings[hit], severity=Severity.ERROR)
            continue
        findings.append(Diagnostic.make("PC730", f"{p.path}: {message}", p, key=key_at(path)))
    seen: dict[str, Position] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        ident = item.get("id")
        if isinstance(ident, (str, int)) and not isinstance(ident, bool):
            p = pos((i, "id"))
            first = seen.get(str(ident))
            if first is not None:
                findings.append(
                    Diagnostic.make(
                        "PC200",
                        f"duplicate item id {str(ident)!r} (first at line {first.line}); ids must be unique",
                        p,
                        key=str(ident),
                    )
                )
            else:
                seen[str(ident)] = p
        for var, check in _CSL_VALUE_CHECKS.items():
            value = item.get(var)
            if isinstance(value, str):
                for prob in check(value):
                    p = pos((i, var), 1 + prob.offset)
                    findings.append(
                        Diagnostic.make(
                            prob.code, f"{var}: {prob.message}", p, key=key_at((i,)), severity=prob.severity
                        )
                    )
        for var in ("issued", "accessed", "original-date", "event-date", "submitted", "available-date"):
            date = item.get(var)
            if isinstance(date, dict) and isinstance(date.get("date-parts"), list):
                for j, parts in enumerate(date["date-parts"]):
                    msg = _date_parts_problem(parts)
                    if msg:
                        findings.append(
                            Diagnostic.make(
                                "PC706", f"{var}: {msg}", pos((i, var, "date-parts", j)), key=key_at((i,))
                            )
                        )
            elif isinstance(date, str):
                for prob in V.date_problems(date):
                    findings.append(
                        Diagnostic.make(
                            prob.code,
                            f"{var}: {prob.message}",
                            pos((i, var), 1 + prob.offset),
                            key=key_at((i,)),
                        )
                    )
        for var, value in item.items():
            if isinstance(value, str) and max(value, default="") >= "\u00c2":
                for prob in V.mojibake_problems(value):
                    findings.append(
                        Diagnostic.make(
                            prob.code, f"{var}: {prob.message}", pos((i, var), 1), key=key_at((i,))
                        )
                    )
    precise = {d.position.path for d in findings if d.code == "PC706" and d.position is not None}
    if precise:  # a precise PC706 replaces the reader's PC220 warning at the same path
        findings = [
            d
            for d in findings
            if not (d.code == "PC220" and d.position is not None and d.position.path in precise)
        ]
    keys: list[tuple[str, Position | None]] = list(seen.items())
    return _FileResult(findings, _records(papers), keys, [])


def _date_parts_problem(parts: Any) -> str | None:
    if not isinstance(parts, list) or not parts or not all(isinstance(p, (int, str)) for p in parts):
        return None  # schema / reader territory
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        return None
    if len(nums) >= 2 and not (1 <= nums[1] <= 12 or 13 <= nums[1] <= 16 or 21 <= nums[1] <= 24):
        return f"month {nums[1]} is impossible; months run 1-12"
    if len(nums) == 3 and 1 <= nums[1] <= 12:
        probs = V.date_problems(f"{nums[0]:04d}-{nums[1]:02d}-{nums[2]:02d}") if nums[0] >= 0 else []
        if probs:
            return probs[0].message
    return None


def _pages_csl(value: str) -> list[V.Problem]:
    return V.page_problems(value, double_hyphen=False)


_CSL_VALUE_CHECKS: Final[dict[str, Callable[[str], list[V.Problem]]]] = {
    "DOI": V.doi_problems,
    "URL": V.url_problems,
    "ISBN": V.isbn_problems,
    "ISSN": V.issn_problems,
    "page": _pages_csl,
}


class _Lines:
    """Offset -> (line, column) for a text."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1


# ----------------------------------------------------------------------------- RIS

_RIS_TAG: Final = _lazy(r"([A-Z][A-Z0-9])  -(?: (.*))?")
# a line meant as a tag line: two tag characters, spaces, '-' (wrong case or spacing)
_RIS_ALMOST: Final = _lazy(r"([A-Za-z][A-Za-z0-9])([ \t]*)-(?:[ \t]|$)")
# fmt: off
_RIS_TAGS: Final = frozenset({
    "TY", "AU", "A1", "A2", "A3", "A4", "AB", "AD", "AN", "AV", "BT", "C1", "C2", "C3", "C4", "C5",
    "C6", "C7", "C8", "CA", "CN", "CP", "CT", "CY", "DA", "DB", "DO", "DP", "ED", "EP", "ET", "ID",
    "IS", "J1", "J2", "JA", "JF", "JO", "KW", "L1", "L2", "L3", "L4", "LA", "LB", "LK", "M1", "M2",
    "M3", "N1", "N2", "NV", "OP", "PB", "PP", "PY", "RI", "RN", "RP", "SE", "SN", "SP", "ST", "T1",
    "T2", "T3", "TA", "TI", "TT", "U1", "U2", "U3", "U4", "U5", "UR", "VL", "VO", "Y1", "Y2", "ER",
})
# fmt: on


def _check_ris(text: str, source: str, name: str) -> _FileResult:
    papers, findings = _read(name, text, source)
    key: str | None = None
    pages: dict[str, tuple[str, int, int]] = {}
    replaced: set[int] = set()  # lines whose reader PC220 a precise PC706 replaces

    def add(code: str, msg: str, line: int, col: int, severity: Severity | None = None) -> None:
        position = Position(source=source, line=line, column=col)
        findings.append(Diagnostic.make(code, msg, position, key=key, severity=severity))

    for number, line in enumerate(text.split("\n"), 1):
        m = _RIS_TAG.fullmatch(line.rstrip("\r"))
        if m is None:
            bad = _RIS_ALMOST.match(line)
            tag = bad.group(1) if bad is not None else ""
            if bad is not None and tag.upper() in _RIS_TAGS:
                exact = bad.group(2) == "  "
                if tag.isupper():
                    msg = (
                        f"tag line {line.strip()[:20]!r} needs two spaces, '-' and a space: write '{tag}  - '"
                    )
                else:
                    msg = f"{tag!r} is not a RIS tag (tags are upper case): the line is read as text"
                error = exact and not tag.isupper()  # read as text of the previous tag: data lost
                add("PC713", msg, number, 1, None if error else Severity.WARNING)
            continue
        tag, value = m.group(1), (m.group(2) or "")
        col = m.start(2) + 1 if m.group(2) is not None else len(line) + 1
        if tag == "TY":
            key, pages = None, {}
            continue
        if tag == "ID":
            key = value.strip() or None
        elif tag == "ER":
            sp, ep = pages.get("SP"), pages.get("EP")
            if sp and ep and sp[0].strip().isdigit() and ep[0].strip().isdigit():
                pair = f"{sp[0].strip()}--{ep[0].strip()}"
                for prob in V.page_problems(pair, double_hyphen=False):
                    add(prob.code, f"SP/EP: {prob.message}", ep[1], ep[2], prob.severity)
            continue
        problems: list[V.Problem] = []
        if tag == "DO":
            problems = V.doi_problems(value)
        elif tag in ("UR", "L1", "L2", "LK") and ("://" in value or value.strip().lower().startswith("www.")):
            problems = V.url_problems(value)
        elif tag == "SN":
            problems = _sn_problems(value)
        elif tag in ("DA", "Y1", "PY"):
            problems = _ris_date_problems(value)
            if problems:
                replaced.add(number)
        elif tag in ("SP", "EP"):
            pages[tag] = (value, number, col)
            if tag == "SP":
                problems = V.page_problems(value, double_hyphen=False)
        if max(value, default="") >= "\u00c2":
            problems = [*problems, *V.mojibake_problems(value)]
        for p in problems:
            add(p.code, f"{tag}: {p.message}", number, col + p.offset, p.severity)
    if replaced:
        findings = [
            d
            for d in findings
            if not (d.code == "PC220" and d.position is not None and d.position.line in replaced)
        ]
    return _FileResult(findings, _records(papers), [], [])


def _sn_problems(value: str) -> list[V.Problem]:
    """RIS ``SN`` holds ISBNs or ISSNs: judge each piece by its digit count."""
    out: list[V.Problem] = []
    for m in re.finditer(r"[0-9][0-9Xx\- ]*[0-9Xx]", value):
        digits = re.sub(r"[\- ]", "", m.group())
        if len(digits) == 8:
            out.extend(replace(p, offset=p.offset + m.start()) for p in V.issn_problems(m.group()))
        elif len(digits) in (10, 13):
            out.extend(replace(p, offset=p.offset + m.start()) for p in V.isbn_problems(m.group()))
    return out


_RIS_DATE: Final = _lazy(r"(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?(?:/.*)?")


def _ris_date_problems(value: str) -> list[V.Problem]:
    m = _RIS_DATE.fullmatch(value.strip())
    if m is None:
        return []  # free-text dates are the reader's (PC220)
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if mo is None:
        return []
    iso = f"{y}-{int(mo):02d}" + (f"-{int(d):02d}" if d else "")
    return [
        V.Problem(p.code, p.message.replace(repr(iso), repr(value.strip())), 0) for p in V.date_problems(iso)
    ]


# ----------------------------------------------------------------------------- JATS

_NAMED: Final = _lazy(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_NAMED: Final = frozenset({"amp", "lt", "gt", "quot", "apos"})
_JATS_DTD: Final = "JATS-archivearticle1-3-mathml3.dtd"
_MAX_DTD_FINDINGS: Final = 100


def jats_dtd_path() -> Path | None:
    """The JATS 1.3 Archiving DTD that biopython ships (``pubconv[jats]``), or None."""
    spec = importlib.util.find_spec("Bio")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        path = Path(base) / "Entrez" / "DTDs" / _JATS_DTD
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=1)
def _jats_dtd() -> Any:
    from lxml import etree  # type: ignore[import-untyped]

    path = jats_dtd_path()
    if path is None:
        return None
    # the DTD's own modules are local files next to it; lxml reads them, never the network
    return etree.DTD(str(path))


def _numeric(m: re.Match[str]) -> str:
    name = m.group(1)
    if name in _XML_NAMED:
        return m.group()
    import html.entities

    cp = html.entities.name2codepoint.get(name)
    return f"&#{cp};" if cp is not None else m.group()


def _check_jats(text: str, source: str, name: str) -> _FileResult:
    papers, findings = _read(name, text, source)
    if any(d.code in ("PC600", "PC601", "PC604") for d in findings):
        return _FileResult(findings, _records(papers), [], [], local=True)
    findings.extend(_jats_value_findings(text, source))
    findings.extend(_paper_mojibake(papers))
    findings.extend(_jats_dtd_findings(text, source))
    return _FileResult(findings, _records(papers), [], [], local=True)


def _jats_tree(text: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    return etree.fromstring(_NAMED.sub(_numeric, text.lstrip("\ufeff")).encode("utf-8"), parser)


def _jats_value_findings(text: str, source: str) -> list[Diagnostic]:
    from lxml import etree

    try:
        root = _jats_tree(text)
    except etree.XMLSyntaxError:
        return []
    out: list[Diagnostic] = []
    lines = text.split("\n")

    def column(el: Any) -> int | None:
        """The start tag's column when it is the only one of its name on its line."""
        line = lines[el.sourceline - 1] if el.sourceline and el.sourceline <= len(lines) else ""
        tag = "<" + etree.QName(el).localname
        hits = [m.start() for m in re.finditer(re.escape(tag) + r"[\s/>]", line)]
        return hits[0] + 1 if len(hits) == 1 else None

    def add(el: Any, problems: list[V.Problem], what: str) -> None:
        ref = next((a for a in el.iterancestors("{*}ref") if a.get("id")), None)
        for p in problems:
            out.append(
                Diagnostic.make(
                    p.code,
                    f"<{what}>: {p.message}",
                    Position(source=source, line=el.sourceline, column=column(el)),
                    key=ref.get("id") if ref is not None else None,
                    severity=p.severity,
                )
            )

    ids = {"doi": V.doi_problems, "isbn": V.isbn_problems, "arxiv": V.arxiv_problems}
    for el in root.iter("{*}pub-id", "{*}object-id", "{*}article-id"):
        kind = (el.get("pub-id-type") or el.get("object-id-type") or "").lower()
        check = ids.get(kind)
        if check is not None:
            add(el, check("".join(el.itertext())), f"{etree.QName(el).localname} pub-id-type={kind!r}")
    for el in root.iter("{*}isbn", "{*}issn"):
        name = etree.QName(el).localname
        value = "".join(el.itertext())
        add(el, V.isbn_problems(value) if name == "isbn" else V.issn_problems(value), name)
    for el in root.iter("{*}element-citation", "{*}mixed-citation", "{*}nlm-citation"):
        parts = {etree.QName(c).localname: c for c in el if isinstance(c.tag, str)}
        fpage, lpage = parts.get("fpage"), parts.get("lpage")
        if fpage is not None and lpage is not None:
            first, last = "".join(fpage.itertext()).strip(), "".join(lpage.itertext()).strip()
            if first.isdigit() and last.isdigit():
                add(lpage, V.page_problems(f"{first}--{last}", double_hyphen=False), "fpage/lpage")
        year, month, day = (parts.get(n) for n in ("year", "month", "day"))
        if year is not None and month is not None:
            y, m = "".join(year.itertext()).strip(), "".join(month.itertext()).strip()
            d = "".join(day.itertext()).strip() if day is not None else ""
            if y.isdigit() and len(y) == 4 and m.isdigit() and (not d or d.isdigit()):
                iso = f"{y}-{int(m):02d}" + (f"-{int(d):02d}" if d else "")
                add(month if day is None else day, V.date_problems(iso), "year/month/day")
    return out


def _jats_dtd_findings(text: str, source: str) -> list[Diagnostic]:
    head = text[:4096]
    doctype = re.search(r"<!DOCTYPE[^>]*>", head)
    if doctype is not None and "JATS" not in doctype.group() and "ref-list" not in doctype.group():
        return []  # an older NLM tag set: the JATS 1.3 DTD would flag what that DTD allows
    dtd = _jats_dtd()
    if dtd is None:
        return []
    from lxml import etree

    try:
        root = _jats_tree(text)
    except etree.XMLSyntaxError:
        return []
    if dtd.validate(root):
        return []
    out: list[Diagnostic] = []
    for entry in dtd.error_log:
        if len(out) >= _MAX_DTD_FINDINGS:
            out.append(
                Diagnostic.make(
                    "PC740",
                    f"more than {_MAX_DTD_FINDINGS} DTD errors; the rest are not shown",
                    Position(source=source, line=1, column=1),
                )
            )
            break
        msg = re.sub(r"\s+", " ", entry.message)
        msg = re.sub(r"expecting \(([^()]{160})[^()]*\)", r"expecting (\1 ...)", msg)
        out.append(
            Diagnostic.make(
                "PC740",
                f"not valid JATS 1.3: {msg}",
                Position(source=source, line=max(entry.line, 1), column=max(entry.column, 1)),
            )
        )
    return out


# ----------------------------------------------------------------------------- CITATION.cff

_CFF_LINE: Final = _lazy(
    r"[ \t]*(?:-[ \t]+)?(orcid|doi|url|repository-code|repository|repository-artifact|"
    r"date-released|date-published|date-accessed|isbn|issn)[ \t]*:[ \t]*"
)


def _cff_scalar(line: str, start: int) -> tuple[str, int] | None:
    """The plain or quoted YAML scalar at ``start`` and its offset (comments and quotes removed)."""
    rest = line[start:]
    if rest[:1] in ("'", '"'):
        end = rest.find(rest[0], 1)
        return (rest[1:end], start + 1) if end > 0 else None
    hash_at = rest.find(" #")
    value = (rest if hash_at < 0 else rest[:hash_at]).rstrip()
    return (value, start) if value and value[0] not in "[{|>&*!" else None


def _check_cff(text: str, source: str, name: str) -> _FileResult:
    findings: list[Diagnostic] = []
    papers: tuple[Paper, ...] = ()
    cff = None
    with contextlib.suppress(ImportError):
        cff = importlib.import_module("pubconv.formats.cff")
    if cff is not None and hasattr(cff, "validate"):
        findings.extend(cff.validate(text, source))
    if cff is not None and hasattr(cff, "read"):
        try:
            result = cff.read(text, source=source)
            papers = result.papers
            # the schema findings already cover their lines; the reader adds what they do not
            known = {d.position.line for d in findings if d.position is not None}
            findings.extend(
                d
                for d in _reader_findings(result.diagnostics)
                if d.position is None or d.position.line not in known
            )
        except Exception as exc:
            findings.append(
                Diagnostic.make(
                    "PC100",
                    f"CITATION.cff could not be read: {exc}",
                    Position(source=source, line=1, column=1),
                )
            )
    checks: dict[str, Callable[[str], list[V.Problem]]] = {
        "orcid": V.orcid_problems,
        "doi": V.doi_problems,
        "url": V.url_problems,
        "repository-code": V.url_problems,
        "repository": V.url_problems,
        "repository-artifact": V.url_problems,
        "date-released": V.date_problems,
        "date-published": V.date_problems,
        "date-accessed": V.date_problems,
        "isbn": V.isbn_problems,
        "issn": V.issn_problems,
    }
    for number, line in enumerate(text.split("\n"), 1):
        m = _CFF_LINE.match(line)
        scalar = _cff_scalar(line, m.end()) if m is not None else None
        if m is None or scalar is None:
            continue
        value, at = scalar
        for p in checks[m.group(1)](value):
            pos = Position(source=source, line=number, column=at + 1 + p.offset)
            if not any(d.position is not None and d.position.line == number for d in findings):
                findings.append(Diagnostic.make(p.code, f"{m.group(1)}: {p.message}", pos))
        if max(value, default="") >= "\u00c2":
            for p in V.mojibake_problems(value):
                pos = Position(source=source, line=number, column=at + 1 + p.offset)
                findings.append(Diagnostic.make(p.code, p.message, pos))
    return _FileResult(findings, _records(papers), [], [])


_CHECKERS: Final[dict[str, Callable[[str, str, str], _FileResult]]] = {
    "bibtex": _check_bib,
    "biblatex": _check_bib,
    "csljson": _check_csl,
    "ris": _check_ris,
    "jats": _check_jats,
    "cff": _check_cff,
}


# ----------------------------------------------------------------------------- records and duplicates


#: Exactly the characters for which ``str.isalnum()`` is false (checked over every code point
#: in the tests): one C-level pass instead of a Python loop over each character.
_NOT_ALNUM: Final = _lazy(r"[\W_]+")


def _fold(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text.casefold()))


def _record(paper: Paper) -> _Record:
    doi = paper.doi.strip().lower() if paper.doi else None
    arxiv = paper.arxiv.id.lower() if paper.arxiv else None
    signature = None
    year = paper.issued.year if paper.issued is not None else None
    first = paper.author[0] if paper.author else None
    family = (first.family or first.literal) if first is not None else None
    title = _fold(paper.title) if paper.title else ""
    if len(title) >= 8 and year is not None and family:
        signature = f"{title}|{year}|{_fold(family)}"
    container = _fold(paper.container_title) if paper.container_title else None
    return _Record(
        paper.key, paper.origin, doi, arxiv, signature, (container, paper.volume, paper.issue, paper.page)
    )


def _records(papers: Iterable[Paper]) -> list[_Record]:
    return [_record(p) for p in papers]


def _where(first: _Record, source: str, here: str) -> str:
    name = f"[{first.key}] " if first.key else ""
    pos = first.position
    if pos is None or pos.line is None:
        return f"{name}in {source}" if source != here else name.strip() or "an earlier record"
    loc = f"line {pos.line}" if source == here else f"{source}:{pos.line}"
    return f"{name}at {loc}"


def _conflict(a: _Record, b: _Record) -> bool:
    return any(
        x is not None and y is not None and x.strip() != y.strip()
        for x, y in zip(a.locator, b.locator, strict=True)
    )


def _duplicates(results: Sequence[tuple[str, _FileResult]]) -> list[Diagnostic]:
    """PC720 duplicate records (within and across files) and PC721 keys repeated across files."""
    out: list[Diagnostic] = []
    by_doi: dict[str, tuple[str, _Record]] = {}
    by_arxiv: dict[str, tuple[str, _Record]] = {}
    by_sig: dict[str, tuple[str, _Record]] = {}
    keys: dict[str, tuple[str, Position | None]] = {}
    for source, result in results:
        if result.local:
            local: list[tuple[str, _FileResult]] = [(source, replace(result, local=False, keys=[]))]
            out.extend(_duplicates(local))
            continue
        for rec in result.records:
            hit: tuple[str, tuple[str, _Record]] | None = None
            if rec.doi and rec.doi in by_doi:
                hit = (f"the same DOI {rec.doi}", by_doi[rec.doi])
            elif rec.arxiv and rec.arxiv in by_arxiv:
                hit = (f"the same arXiv id {rec.arxiv}", by_arxiv[rec.arxiv])
            elif rec.signature and rec.signature in by_sig and not _conflict(rec, by_sig[rec.signature][1]):
                other = by_sig[rec.signature][1]
                if not (rec.doi and other.doi and rec.doi != other.doi):
                    hit = ("the same title, year and first author", by_sig[rec.signature])
            if hit is not None:
                why, (src, first) = hit
                out.append(
                    Diagnostic.make(
                        "PC720",
                        f"duplicate record: {why} as {_where(first, src, source)}; remove one or merge them",
                        rec.position or Position(source=source),
                        key=rec.key,
                    )
                )
            if rec.doi:
                by_doi.setdefault(rec.doi, (source, rec))
            if rec.arxiv:
                by_arxiv.setdefault(rec.arxiv, (source, rec))
            if rec.signature:
                by_sig.setdefault(rec.signature, (source, rec))
        seen_here: set[str] = set()
        for key, pos in result.keys:
            low = key.lower()
            if low in seen_here:
                continue
            seen_here.add(low)
            prev = keys.get(low)
            if prev is not None and prev[0] != source:
                line = f":{prev[1].line}" if prev[1] is not None and prev[1].line else ""
                out.append(
                    Diagnostic.make(
                        "PC721",
                        f"citation key {key!r} is also defined in {prev[0]}{line}; rename one of them",
                        pos or Position(source=source),
                        key=key,
                    )
                )
            else:
                keys.setdefault(low, (source, pos))
    return out


def _paper_mojibake(papers: Iterable[Paper]) -> list[Diagnostic]:
    out = []
    for p in papers:
        for name in ("title", "container_title", "publisher", "abstract", "note"):
            value = getattr(p, name)
            if isinstance(value, str) and max(value, default="") >= "\u00c2":
                for prob in V.mojibake_problems(value):
                    out.append(Diagnostic.make(prob.code, f"{name}: {prob.message}", p.origin, key=p.key))
        for n in p.author:
            for part in (n.family, n.given, n.literal):
                if part and max(part, default="") >= "\u00c2":
                    for prob in V.mojibake_problems(part):
                        out.append(Diagnostic.make(prob.code, f"author: {prob.message}", p.origin, key=p.key))
    return out


# ----------------------------------------------------------------------------- configuration


def _finalise(
    findings: Iterable[Diagnostic], config: Config, suppressions: dict[str, list[Suppression]]
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[str, str, int | None, int | None, str]] = set()
    for d in findings:
        source = d.position.source if d.position is not None else "<input>"
        line = d.position.line if d.position is not None else None
        if not config.enabled(d.code, source):
            continue
        if any(s.covers(d.code, line) for s in suppressions.get(source, ())):
            continue
        ident = (d.code, source, line, d.position.column if d.position else None, d.message)
        if ident in seen:
            continue
        seen.add(ident)
        severity = config.severity_of(d.code, CHECK_SEVERITY.get(d.code, d.severity))
        out.append(d if severity is d.severity else replace(d, severity=severity))
    out.sort(key=_order)
    return out


def _order(d: Diagnostic) -> tuple[str, int, int, str]:
    p = d.position
    return (p.source if p else "", (p.line or 0) if p else 0, (p.column or 0) if p else 0, d.code)
