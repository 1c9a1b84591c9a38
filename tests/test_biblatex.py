"""The BibLaTeX dialect: EDTF dates, extended names, BibLaTeX types and fields, round trips."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubconv.edtf import format_edtf, parse_edtf
from pubconv.errors import CODES, Diagnostic
from pubconv.formats import biblatex, bibtex
from pubconv.model import ArxivId, Category, Date, Name, Paper

from .strategies import dates, names, papers

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "bibtex"
SEED_LISTING = Path(__file__).resolve().parents[1] / "fixtures" / "listing" / "seed-profile.txt"


def one(text: str) -> Paper:
    result = biblatex.read(text)
    assert len(result.papers) == 1, result.diagnostics
    return result.papers[0]


# --------------------------------------------------------------------------- EDTF


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("1850", Date(year=1850)),
        ("1967-02", Date(year=1967, month=2)),
        ("2009-01-31", Date(year=2009, month=1, day=31)),
        ("1988/1992", Date(year=1988, end=Date(year=1992))),
        ("2002-01/2002-02", Date(year=2002, month=1, end=Date(year=2002, month=2))),
        ("1997/", Date(year=1997, end=Date())),
        ("1997/..", Date(year=1997, end=Date())),
        ("../1997", Date(end=Date(year=1997))),
        ("/1997", Date(end=Date(year=1997))),
        ("1723?", Date(year=1723, circa=True)),
        ("1723~", Date(year=1723, circa=True)),
        ("1723%", Date(year=1723, circa=True)),
        ("2004-21", Date(year=2004, season=1)),
        ("2004-24", Date(year=2004, season=4)),
        ("2004-22~", Date(year=2004, season=2, circa=True)),
        ("-0044-03-15", Date(year=-44, month=3, day=15)),
        ("0000", Date(year=0)),
        ("Y-12000", Date(year=-12000)),
        ("1990~/2000?", Date(year=1990, circa=True, end=Date(year=2000, circa=True))),
    ],
)
def test_parse_edtf(text: str, date: Date) -> None:
    assert parse_edtf(text) == date


@pytest.mark.parametrize(
    "text",
    [
        "199X",
        "1999-XX",
        "2004-04-05T14:34:00",
        "2004-13",
        "2004-25",
        "2004-02-32",
        "../..",
        "",
        "June 2004",
        "12",
    ],
)
def test_parse_edtf_rejects_what_the_model_cannot_hold(text: str) -> None:
    assert parse_edtf(text) is None


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (Date(year=2009, month=1, day=31), "2009-01-31"),
        (Date(year=2004, season=3, circa=True), "2004-23~"),
        (Date(year=1997, end=Date()), "1997/.."),
        (Date(end=Date(year=1997, month=5)), "../1997-05"),
        (Date(year=-44), "-0044"),
        (Date(year=12000), "Y12000"),
        (Date(literal="forthcoming"), None),
        (Date(), None),
    ],
)
def test_format_edtf(date: Date, text: str | None) -> None:
    assert format_edtf(date) == text


@settings(max_examples=300, deadline=None)
@given(dates())
def test_edtf_roundtrip(date: Date) -> None:
    text = format_edtf(date)
    assert text is not None
    assert parse_edtf(text) == biblatex._normalize_date(date)


# --------------------------------------------------------------------------- reader


def test_reads_biblatex_fields() -> None:
    p = one(
        """@article{k,
  author = {family=Gois, given=Túlio Sousa, prefix=de, useprefix=true and
            family=Beethoven, given=Ludwig, prefix=van, useprefix=false and Knuth, Donald E.},
  title = {On {BibLaTeX}},
  journaltitle = {Journal of Tests},
  location = {Berlin},
  date = {2004-22~},
  urldate = {2020-03-01},
  origdate = {1850/1852},
  eventdate = {2012-02-08/2012-02-11},
  eprint = {2008.12284v2}, eprinttype = {arxiv}, eprintclass = {cs.LG},
  pubstate = {inpress},
  eid = {e123},
}"""
    )
    assert p.type == "article-journal"
    assert p.author == (
        Name(family="Gois", given="Túlio Sousa", particle="de"),
        Name(family="Beethoven", given="Ludwig", dropping_particle="van"),
        Name(family="Knuth", given="Donald E."),
    )
    assert p.container_title == "Journal of Tests" and p.publisher_place == "Berlin"
    assert p.issued == Date(year=2004, season=2, circa=True)
    assert p.accessed == Date(year=2020, month=3, day=1)
    assert p.original_date == Date(year=1850, end=Date(year=1852))
    assert p.event_date == Date(year=2012, month=2, day=8, end=Date(year=2012, month=2, day=11))
    assert p.arxiv == ArxivId(id="2008.12284", version=2)
    assert p.category == Category(code="LG", arxiv_class="cs.LG")
    assert p.status == "inpress"
    assert p.extra == (("eid", "e123"),)


def test_extended_name_without_useprefix_is_a_particle_and_braced_values_may_hold_commas() -> None:
    p = one("@book{k, author = {given={Jean, Jr}, family={de la Fontaine}, prefix=de and given=Plato}}")
    assert p.author == (
        Name(family="de la Fontaine", given="Jean, Jr", particle="de"),
        Name(given="Plato"),
    )


@pytest.mark.parametrize(
    ("source", "ctype", "genre", "marker"),
    [
        ("@thesis{k, type = {phdthesis}, institution = {MIT}}", "thesis", None, None),
        ("@phdthesis{k, school = {MIT}}", "thesis", None, None),
        ("@mastersthesis{k, school = {MIT}}", "thesis", "mathesis", None),
        ("@thesis{k, type = {mathesis}, institution = {MIT}}", "thesis", "mathesis", None),
        ("@report{k, type = {techreport}, institution = {MIT}}", "report", None, None),
        ("@techreport{k, institution = {MIT}}", "report", None, None),
        ("@report{k, type = {resreport}, institution = {MIT}}", "report", "resreport", None),
        ("@online{k, url = {https://example.org}}", "webpage", None, None),
        ("@www{k, url = {https://example.org}}", "webpage", None, None),
        ("@software{k, version = {1.2}}", "software", None, None),
        ("@dataset{k}", "dataset", None, None),
        ("@article{k, entrysubtype = {magazine}}", "article-magazine", None, None),
        ("@video{k}", "motion_picture", None, "video"),
        ("@misc{k}", "document", None, None),
        ("@misc{k, eprint = {2008.12284}, eprinttype = {arXiv}}", "article", None, None),
    ],
)
def test_types(source: str, ctype: str, genre: str | None, marker: str | None) -> None:
    p = one(source)
    assert (p.type, p.genre, p.get_extra("x-bibtex-type")) == (ctype, genre, marker)
    if "MIT" in source:
        assert p.publisher == "MIT"


def test_other_eprint_types_stay_fields() -> None:
    p = one("@article{k, eprint = {12345}, eprinttype = {pubmed}, eprintclass = {x}}")
    assert p.arxiv is None and p.category is None
    assert p.extra == (("eprint", "12345"), ("eprinttype", "pubmed"), ("eprintclass", "x"))
    assert "eprinttype = {pubmed}" in biblatex.write([p])


def test_year_month_still_read_and_date_wins() -> None:
    assert one("@book{k, year = {1999}, month = jun}").issued == Date(year=1999, month=6)
    p = one("@book{k, date = {2001-02-03}, year = {1999}}")
    assert p.issued == Date(year=2001, month=2, day=3)
    assert p.extra == (("year", "1999"),)


def test_unspecified_digits_are_a_literal_date_with_a_diagnostic() -> None:
    result = biblatex.read("@book{k,\n  title = {T},\n  date = {199X},\n}\n", source="x.bib")
    (p,) = result.papers
    assert p.issued == Date(literal="199X")
    (d,) = result.diagnostics
    assert (d.code, d.position.line, d.position.column, d.key) == ("PC650", 3, 3, "k")  # type: ignore[union-attr]
    assert "PC650" in CODES
    out = biblatex.write([p])
    assert "date = {199X}" in out
    assert biblatex.read(out).papers[0].issued == Date(literal="199X")


def test_bad_extended_name_is_reported_not_raised() -> None:
    result = biblatex.read("@book{k, author = {family=Doe, nickname=JD and given=}}")
    (p,) = result.papers
    assert p.author == (Name(family="Doe"),)
    assert [d.code for d in result.diagnostics] == ["PC221", "PC221"]


def test_bibtex_reader_still_classic_and_bibtex_writer_stays_classic() -> None:
    p = Paper(
        type="thesis",
        key="k",
        title="T",
        author=(Name(family="Gois", given="T", dropping_particle="de"),),
        issued=Date(year=2004, month=5, day=3),
        arxiv=ArxivId(id="2008.12284"),
    )
    classic = bibtex.write([p])
    assert "year = {2004}" in classic and "date" not in classic and "journaltitle" not in classic
    assert "archiveprefix = {arXiv}" in classic and "family=" not in classic


# --------------------------------------------------------------------------- writer


def test_writer_uses_biblatex_fields() -> None:
    p = Paper(
        type="thesis",
        key="gois2020",
        title="A Study",
        title_nocase=(),
        author=(
            Name(family="Gois", given="Túlio Sousa", particle="de"),
            Name(family="Gois", given="T.", dropping_particle="de"),
            Name(literal="Gemma Team"),
        ),
        issued=Date(year=2004, month=6, day=11),
        accessed=Date(year=2020, month=1, day=3),
        publisher="MIT",
        publisher_place="Cambridge",
        arxiv=ArxivId(id="2008.12284", version=2),
        category=Category(code="LG", arxiv_class="cs.LG"),
        status="inpress",
    )
    out = biblatex.write([p], unicode=True)
    assert out == (
        "@thesis{gois2020,\n"
        "  author = {de Gois, Túlio Sousa and family=Gois, given=T., prefix=de, useprefix=false"
        " and {Gemma Team}},\n"
        "  title = {A Study},\n"
        "  type = {phdthesis},\n"
        "  institution = {MIT},\n"
        "  location = {Cambridge},\n"
        "  pubstate = {inpress},\n"
        "  date = {2004-06-11},\n"
        "  urldate = {2020-01-03},\n"
        "  eprint = {2008.12284v2},\n"
        "  eprinttype = {arxiv},\n"
        "  eprintclass = {cs.LG},\n"
        "}\n"
    )
    assert biblatex.read(out).papers == (p,)


@pytest.mark.parametrize(
    ("paper", "entry"),
    [
        (Paper(type="webpage", key="k"), "@online{k,"),
        (Paper(type="software", key="k"), "@software{k,"),
        (Paper(type="dataset", key="k"), "@dataset{k,"),
        (Paper(type="report", key="k"), "@report{k,\n  type = {techreport},"),
        (Paper(type="thesis", key="k", genre="mathesis"), "@thesis{k,\n  type = {mathesis},"),
        (Paper(type="article-newspaper", key="k"), "@article{k,\n  entrysubtype = {newspaper},"),
        (Paper(type="article-journal", key="k", container_title="J"), "@article{k,\n  journaltitle = {J},"),
    ],
)
def test_writer_types(paper: Paper, entry: str) -> None:
    out = biblatex.write([paper])
    assert out.startswith(entry)
    assert biblatex.read(out).papers == (biblatex.normalize(paper),)


def test_extended_names_only_where_needed() -> None:
    names = (
        Name(family="Beethoven", given="Ludwig", particle="van"),
        Name(family="Ford", given="Henry", suffix="Jr."),
        Name(family="d'Alembert", given="Jean"),
        Name(family="Smith", given="john paul"),
        Name(family="Gogh", given="Vincent", particle="Van"),
    )
    out = biblatex.format_names(names)
    assert out.split(" and ")[:3] == ["van Beethoven, Ludwig", "Ford, Jr., Henry", "{d'Alembert}, Jean"]
    assert "Smith, john paul" in out  # the comma form keeps lower-case given names
    assert out.endswith("family=Gogh, given=Vincent, prefix=Van, useprefix=true")
    assert biblatex.parse_names(out)[0] == names


def test_classic_markers_become_biblatex_types() -> None:
    p = bibtex.read("@mastersthesis{k, title = {T}, school = {S}, year = 2001}").papers[0]
    out = biblatex.write([p])
    assert out.startswith("@thesis{k,") and "type = {mathesis}" in out and "institution = {S}" in out
    assert biblatex.read(out).papers[0] == biblatex.normalize(p)


def test_raw_source_reused_while_meaning_is_unchanged() -> None:
    src = "@book{k,\n  author = {family={Gois}, given={T.}},\n  date = {1723?},\n}\n"
    p = one(src)
    assert p.issued == Date(year=1723, circa=True)
    assert biblatex.write([p]) == src
    assert "date = {1724~}" in biblatex.write([p.replace(issued=Date(year=1724, circa=True))])


def test_losses_are_reported() -> None:
    diags: list[Diagnostic] = []
    p = Paper(
        key="k",
        collection_editor=(Name(family="X"),),
        issued=Date(year=2001, month=2, season=1),
        accessed=Date(month=3),
    )
    out = biblatex.write([p], diagnostics=diags, nonsense=True)
    assert "date = {2001-02}" in out and "urldate" not in out
    assert sorted(d.code for d in diags) == ["PC400", "PC400", "PC401", "PC401"]


# --------------------------------------------------------------------------- round trips


def _dropping(names: tuple[Name, ...], flags: list[bool]) -> tuple[Name, ...]:
    """Some particles become dropping particles (the shared strategy only draws particles)."""
    return tuple(
        Name(family=n.family, given=n.given, dropping_particle=n.particle, suffix=n.suffix)
        if flag and n.literal is None
        else n
        for n, flag in zip(names, flags + [False] * len(names), strict=False)
    )


@st.composite
def _biblatex_papers(draw: st.DrawFn) -> Paper:
    p = draw(papers())
    flags = draw(st.lists(st.booleans(), max_size=4))
    return p.replace(
        extra=tuple(("zz" + k, v) for k, v in p.extra),  # unknown fields, not BibLaTeX field names
        author=_dropping(p.author, flags),
        translator=tuple(draw(st.lists(names(), max_size=2))),
        original_date=draw(st.none() | dates()),
        event_date=draw(st.none() | dates()),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_biblatex_papers())
def test_roundtrip_property(paper: Paper) -> None:
    out = biblatex.write([paper])
    (back,) = biblatex.read(out).papers
    assert back == biblatex.normalize(paper).replace(key=back.key)
    assert biblatex.write([back]) == out
    (utf,) = biblatex.read(biblatex.write([paper], unicode=True)).papers
    assert utf == back


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(_biblatex_papers())
def test_output_parses_with_bibtexparser(paper: Paper) -> None:
    lib = bibtexparser.parse_string(biblatex.write([paper]))
    assert lib.failed_blocks == [] and len(lib.entries) == 1


def test_seed_listing_chain_is_exact() -> None:
    listing = pytest.importorskip("pubconv.formats.listing")
    seed = SEED_LISTING.read_text(encoding="utf-8")
    papers_ = listing.read(seed).papers
    out = biblatex.write(papers_)
    back = biblatex.read(out).papers
    assert listing.write(back) == seed + "\n"
    for p, b in zip(papers_, back, strict=True):
        assert b == biblatex.normalize(p).replace(key=b.key)
    assert "date = {2020-08-27}" in out or re.search(r"date = \{\d{4}-\d\d-\d\d\}", out)


def test_iter_read_and_iter_write_match_read_and_write() -> None:
    text = "@book{a, date = {2001}}\n@book{b, crossref = {a}, title = {B}}\n@book{c, date = {2002/}}\n"
    items = list(biblatex.iter_read(text.splitlines(keepends=True)))
    papers_ = [x for x in items if isinstance(x, Paper)]
    assert sorted(p.key or "" for p in papers_) == ["a", "b", "c"]
    assert {p.key: p.issued for p in papers_}["b"] == Date(year=2001)
    whole = biblatex.read(text)
    assert "".join(biblatex.iter_write(whole.papers)) == biblatex.write(whole.papers)


def test_sniff() -> None:
    assert biblatex.sniff("@article{k,\n  journaltitle = {J},\n}")
    assert not biblatex.sniff("@article{k,\n  journal = {J},\n}")


# --------------------------------------------------------------------------- real data

_BIBLATEX_FILES = [CORPUS / name for name in ("biblatex-examples.bib", "archaeologie-examples.bib")]
_ALL_FILES = sorted(CORPUS.glob("*.bib")) if CORPUS.is_dir() else []
_NO_CORPUS = f"corpus not available at {CORPUS} (../shared is absent)"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=_NO_CORPUS)
@pytest.mark.parametrize("path", _BIBLATEX_FILES, ids=lambda p: p.name)
def test_corpus_biblatex_files_read_completely(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = biblatex.read(text, source=path.name)
    entries = [
        m
        for m in re.findall(r"(?m)^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", text)
        if m.lower() not in ("string", "preamble", "comment")
    ]
    assert len(result.papers) == len(entries)
    assert not [d for d in result.diagnostics if d.code in ("PC650", "PC221") or d.code.startswith("PC1")]
    dated = re.findall(r"(?m)^\s*date\s*=\s*\{([^}]*)\}", text)
    assert sum(p.issued is not None and p.issued.literal is None for p in result.papers) >= len(dated)


@pytest.mark.skipif(not _ALL_FILES, reason=_NO_CORPUS)
@pytest.mark.parametrize("path", _ALL_FILES, ids=lambda p: p.name)
def test_corpus_biblatex_roundtrip(path: Path) -> None:
    """BibLaTeX -> BibLaTeX keeps every entry and value (compared after re-parsing)."""
    result = biblatex.read(path.read_text(encoding="utf-8"), source=path.name)
    out = biblatex.write(result.papers, document=result.document)
    again = biblatex.read(out)
    assert [p.key for p in again.papers] == [p.key for p in result.papers]
    for before, after in zip(result.papers, again.papers, strict=True):
        assert after == before, before.key
    assert again.document == result.document
    assert biblatex.write(again.papers, document=again.document) == out
    # unicode output (no raw reuse) means the same
    uni = biblatex.read(biblatex.write(result.papers, unicode=True)).papers
    for before, after in zip(result.papers, uni, strict=True):
        assert after == before, before.key
    lib = bibtexparser.parse_string(out)
    assert lib.failed_blocks == [] and len(lib.entries) == len(result.papers)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=_NO_CORPUS)
def test_corpus_dates_parsed() -> None:
    result = biblatex.read((CORPUS / "biblatex-examples.bib").read_text(encoding="utf-8"))
    by_key = {p.key: p for p in result.papers}
    ranges = [p for p in result.papers if p.issued is not None and p.issued.end is not None]
    assert len(ranges) >= 3
    assert all(p.issued is None or p.issued.literal is None for p in result.papers)
    assert any(p.accessed is not None for p in by_key.values())
