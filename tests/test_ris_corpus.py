"""Real RIS exports (../shared/corpus/ris): every record read, nothing lost, rispy agrees.

"Nothing lost": for every record, the multiset of words of its raw tag values is
contained in the words of what the writer emits for the record's paper. Words
are case-folded runs of letters/digits; numbers compare by value (``06`` = ``6``);
the values of date tags count by their numbers only (month names become
numbers, ``undefined`` is noise); DOIs drop their resolver prefix; an author
``et al.`` is the truncation flag.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import rispy  # type: ignore[import-untyped]

from pubconv.formats import ris
from pubconv.model import Paper

from .conftest import corpus_dir
from .paths import CORPUS

_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*)|$)")
_WORD = re.compile(r"[^\W_]+")
_DATE_TAGS = frozenset({"PY", "Y1", "DA", "Y2"})
_DOI_PREFIX = re.compile(r"(?i)https?://(?:dx\.)?doi\.org/|doi:")


def _files() -> list[Path]:
    folder = CORPUS / "ris"
    return sorted(folder.glob("*.ris")) if folder.is_dir() else []


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def _raw_records(text: str) -> dict[int, list[tuple[str, str]]]:
    """Record start line -> raw (tag, value) pairs, continuation lines appended (independent parser)."""
    records: dict[int, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for number, line in enumerate(text.split("\n"), 1):
        line = line.lstrip("\ufeff")
        m = _TAG.match(line)
        if m:
            tag, value = m.group(1), m.group(2) or ""
            if tag == "TY":
                current = records.setdefault(number, [])
            elif tag == "ER":
                current = None
                continue
            if current is not None:
                current.append((tag, value))
        elif current is not None and current and line.strip():
            tag, value = current[-1]
            current[-1] = (tag, value + "\n" + line)
    return records


def _words(tag: str, value: str) -> Counter[str]:
    if tag == "DO":
        value = _DOI_PREFIX.sub("", value)
    words = [w.casefold() for w in _WORD.findall(value)]
    if tag in _DATE_TAGS:
        words = [w for w in words if w.isdigit()]
    return Counter(str(int(w)) if w.isdigit() and len(w) < 10 else w for w in words)


def _written_words(paper: Paper) -> Counter[str]:
    out: Counter[str] = Counter()
    for line in ris.write([paper]).split("\r\n"):
        m = _TAG.match(line)
        tag, value = (m.group(1), m.group(2) or "") if m else ("", line)
        if tag in _DATE_TAGS:
            out.update(_words(tag, value) + _words("", value))
        else:
            out.update(_words(tag, value))
    return out


def test_corpus_present() -> None:
    corpus_dir("ris")
    assert len(_files()) >= 10


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_every_record_read_and_nothing_lost(path: Path) -> None:
    text = _text(path)
    result = ris.read(text, source=path.name)
    ty_lines = len(re.findall(r"(?m)^\ufeff?TY  ?-", text))
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert len(result.papers) + len(errors) == ty_lines
    assert all(d.position is not None and d.position.line and d.position.column for d in result.diagnostics)
    raw = _raw_records(text)
    assert len(raw) == len(result.papers)
    for paper in result.papers:
        assert paper.origin is not None and paper.origin.line in raw
        want: Counter[str] = Counter()
        for tag, value in raw[paper.origin.line]:
            if tag == "AU" and value.strip() == "et al." and paper.author_truncated:
                continue  # read as the et-al flag
            want.update(_words(tag, value))
        lost = want - _written_words(paper)
        assert not lost, f"{path.name}:{paper.origin.line}: lost {dict(lost)}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_written_corpus_is_stable_and_rispy_reads_it(path: Path) -> None:
    papers = ris.read(_text(path), source=path.name).papers
    out = ris.write(papers)
    again = ris.read(out)
    assert again.papers == papers
    assert again.diagnostics == () or all(d.code == "PC220" for d in again.diagnostics)
    assert ris.write(again.papers) == out
    assert len(rispy.loads(out.replace("\r\n", "\n"))) == len(papers)
    assert out.count("N1  - pubconv: ") <= max(3, len(papers) // 20), "convention lines should be rare"
