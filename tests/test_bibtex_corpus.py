"""The BibTeX reader and writer on real bibliographies (TeX Live, ../shared/corpus/bibtex).

Checks, per file: every ``@entry`` block is read or reported with its line;
BibTeX -> BibTeX keeps every entry and field value (compared after re-parsing
and LaTeX decoding: the papers, including their extra fields, are equal);
bibtexparser v2 and pybtex (oracles) parse what pubconv writes.
"""

from __future__ import annotations

import re
import time
import warnings
from collections import Counter
from pathlib import Path

import bibtexparser
import pytest
from pybtex.database import parse_string as pybtex_parse

from pubconv.formats import bibtex

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "bibtex"
FILES = sorted(CORPUS.glob("*.bib")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"corpus not available at {CORPUS} (../shared is absent)")

_ENTRY_LINE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", re.M)


def _entry_lines(text: str) -> list[int]:
    lines = []
    for m in _ENTRY_LINE.finditer(text):
        if m.group(1).lower() not in ("string", "preamble", "comment"):
            lines.append(text.count("\n", 0, m.start()) + 1)
    return lines


@pytest.fixture(scope="module", params=FILES, ids=lambda p: p.name)
def corpus_file(request: pytest.FixtureRequest) -> tuple[str, bibtex.ReadResult]:
    path: Path = request.param
    text = path.read_text(encoding="utf-8")
    return text, bibtex.read(text, source=path.name)


def test_every_entry_block_is_read_or_reported(corpus_file: tuple[str, bibtex.ReadResult]) -> None:
    text, result = corpus_file
    read_lines = {p.origin.line for p in result.papers if p.origin is not None}
    reported = {
        d.position.line for d in result.diagnostics if d.code.startswith("PC1") and d.position is not None
    }
    missing = [line for line in _entry_lines(text) if line not in read_lines and line not in reported]
    assert missing == []
    assert all(d.position is not None and d.position.line for d in result.diagnostics)


def test_bibtex_roundtrip_keeps_entries_and_values(corpus_file: tuple[str, bibtex.ReadResult]) -> None:
    _, result = corpus_file
    out = bibtex.write(result.papers, document=result.document)
    again = bibtex.read(out)
    assert [p.key for p in again.papers] == [p.key for p in result.papers]
    for before, after in zip(result.papers, again.papers, strict=True):
        assert after == before, before.key
    assert again.document == result.document
    # a second pass is stable
    assert bibtex.write(again.papers, document=again.document) == out


def test_oracles_parse_our_output(corpus_file: tuple[str, bibtex.ReadResult]) -> None:
    _, result = corpus_file
    out = bibtex.write(result.papers, document=result.document)
    lib = bibtexparser.parse_string(out)
    assert lib.failed_blocks == []
    assert len(lib.entries) == len(result.papers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        db = pybtex_parse(out, "bibtex")
    assert len(db.entries) == len(result.papers)


def test_entry_count_matches_bibtexparser(corpus_file: tuple[str, bibtex.ReadResult]) -> None:
    """bibtexparser (oracle) finds the same entries; its duplicate-field blocks are our PC201 warnings."""
    text, result = corpus_file
    lib = bibtexparser.parse_string(text)
    dup_blocks = [b for b in lib.failed_blocks if type(b).__name__ == "DuplicateFieldKeyBlock"]
    assert len(lib.entries) + len(dup_blocks) == len(result.papers)
    assert len(dup_blocks) <= sum(1 for d in result.diagnostics if d.code == "PC201")


def test_tugboat_diagnostics_profile() -> None:
    path = CORPUS / "tugboat.bib"
    result = bibtex.read(path.read_text(encoding="utf-8"), source=path.name)
    counts = Counter(d.code for d in result.diagnostics)
    assert len(result.papers) == 4839
    assert counts["PC201"] == 4
    assert not any(code.startswith("PC1") for code in counts)  # no syntax errors in a clean file
    assert set(counts) <= {"PC201", "PC222"}


def test_faster_than_bibtexparser_on_tugboat() -> None:
    text = (CORPUS / "tugboat.bib").read_text(encoding="utf-8")
    t = time.perf_counter()
    lib = bibtexparser.parse_string(text)
    bibtexparser.write_string(lib)
    theirs = time.perf_counter() - t
    t = time.perf_counter()
    result = bibtex.read(text)
    bibtex.write(result.papers, document=result.document)
    ours = time.perf_counter() - t
    assert ours < theirs, (ours, theirs)
