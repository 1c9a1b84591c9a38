"""The JATS reader on real articles (eLife, PMC: ../shared/corpus/jats) and the writer on real
bibliographies (../shared/corpus/bibtex via the BibTeX reader).

Checks: every article reads without an exception and gives one paper per ``<ref>``; what
could not be read is reported with a line; the main fields are found in most references;
BibTeX -> JATS output is valid against the JATS 1.3 Archiving DTD and reads back to the
normalised papers.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from pubconv.formats import bibtex, jats

from .test_jats import assert_valid

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
JATS_DIR = SHARED / "corpus" / "jats"
BIB_DIR = SHARED / "corpus" / "bibtex"
ARTICLES = sorted([*JATS_DIR.glob("*.xml"), *JATS_DIR.glob("*.nxml")]) if JATS_DIR.is_dir() else []
BIBS = sorted(BIB_DIR.glob("*.bib")) if BIB_DIR.is_dir() else []

needs_articles = pytest.mark.skipif(not ARTICLES, reason=f"corpus not available at {JATS_DIR}")
needs_bibs = pytest.mark.skipif(not BIBS, reason=f"corpus not available at {BIB_DIR}")


def _ref_count(text: str) -> int:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.fromstring(text.encode("utf-8"), parser)
    return len(root.xpath("//*[local-name()='ref']"))


@needs_articles
@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_article_reads_one_paper_per_ref(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    res = jats.read(text, source=path.name)
    assert len(res.papers) == _ref_count(text) > 0
    for d in res.diagnostics:
        assert d.code in ("PC602", "PC603"), str(d)
        assert d.position is not None and d.position.source == path.name
        assert d.position.line is not None and d.position.line >= 1 and d.position.column == 1
    for p in res.papers:
        assert p.key, "every ref has an id"
        assert p.origin is not None and p.origin.line is not None
    # what is read is kept: written out again it is valid JATS and reads back the same
    out = jats.write(res.papers)
    assert_valid(out)
    assert jats.read(out).papers == tuple(jats.normalize(p) for p in res.papers)


@needs_articles
def test_corpus_fields_are_found() -> None:
    total = Counter[str]()
    for path in ARTICLES:
        for p in jats.read(path.read_text(encoding="utf-8"), source=path.name).papers:
            total["refs"] += 1
            total["title"] += p.title is not None or p.note is not None
            total["author"] += bool(p.author)
            total["issued"] += p.issued is not None
            total["container"] += p.container_title is not None
            total["doi"] += p.doi is not None
    refs = total["refs"]
    assert refs >= 700
    assert total["title"] / refs > 0.95
    assert total["author"] / refs > 0.85
    assert total["issued"] / refs > 0.85
    assert total["container"] / refs > 0.85


@needs_articles
def test_elife_kitchen_sink_details() -> None:
    path = JATS_DIR / "elife__elife-kitchen-sink.xml"
    if not path.exists():
        pytest.skip("kitchen sink article absent")
    papers = jats.read(path.read_text(encoding="utf-8"), source=path.name).papers
    types = Counter(p.type for p in papers)
    assert types["article-journal"] > 50
    assert any(p.type in ("book", "chapter") for p in papers)
    assert any(p.doi and p.doi.startswith("10.") for p in papers)
    assert all(p.doi is None or p.doi == p.doi.lower() for p in papers)
    assert any(n.is_literal for p in papers for n in p.author)


@needs_bibs
@pytest.mark.parametrize("path", BIBS, ids=lambda p: p.name)
def test_bibtex_corpus_to_jats_is_valid_and_reads_back(path: Path) -> None:
    papers = bibtex.read(path.read_text(encoding="utf-8", errors="replace"), source=path.name).papers
    sample = papers[:: max(1, len(papers) // 300)]
    out = jats.write(sample, diagnostics=[])
    assert_valid(out)
    back = jats.read(out).papers
    assert len(back) == len(sample)
    assert [b.replace(key=None) for b in back] == [jats.normalize(p).replace(key=None) for p in sample]
