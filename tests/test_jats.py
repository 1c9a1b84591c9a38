"""JATS reader and writer: round trips, DTD validity, safety, reading real-world shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubconv.errors import CODES, Diagnostic
from pubconv.formats import jats, listing
from pubconv.model import ArxivId, Category, Date, Name, Paper
from pubconv.serialize import paper_from_dict, paper_to_dict

from . import strategies as S
from .strategies import papers

try:
    import Bio
    from lxml import etree

    DTD_DIR: Path | None = Path(Bio.__file__).parent / "Entrez" / "DTDs"
except ImportError:  # pragma: no cover - biopython is a test dependency
    DTD_DIR = None

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "fixtures" / "listing" / "seed-profile.txt"


def codes(diags: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


_DTD = None


def dtd():  # type: ignore[no-untyped-def]
    """The JATS 1.3 Archiving DTD (MathML3 driver) shipped with biopython."""
    global _DTD
    if DTD_DIR is None or not (DTD_DIR / "JATS-archivearticle1-3-mathml3.dtd").exists():
        pytest.skip("biopython with the JATS 1.3 DTDs is not installed")
    if _DTD is None:
        _DTD = etree.DTD(str(DTD_DIR / "JATS-archivearticle1-3-mathml3.dtd"))
    return _DTD


def assert_valid(text: str) -> None:
    schema = dtd()
    doc = etree.fromstring(text.encode("utf-8"), etree.XMLParser(load_dtd=False, no_network=True))
    ok = schema.validate(doc)
    assert ok, schema.error_log.filter_from_errors()[:5]


def keyed(p: Paper) -> Paper:
    return p if p.key else p.replace(key="k0000")


# -- round trips ---------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers())
def test_round_trip_exact_for_supported_fields(p: Paper) -> None:
    p = keyed(jats.normalize(p))
    diags: list[Diagnostic] = []
    out = jats.write([p], diagnostics=diags)
    back = jats.read(out)
    assert back.diagnostics == ()
    assert list(back.papers) == [p]
    assert jats.write(back.papers) == out


@settings(max_examples=40, deadline=None)
@given(papers())
def test_written_documents_are_valid_jats(p: Paper) -> None:
    assert_valid(jats.write([p, p.replace(key="x1234")]))


_opt = st.none() | S.text()


@st.composite
def rich_papers(draw: st.DrawFn) -> Paper:
    """papers() plus the supported fields it does not draw."""
    p = draw(papers())
    fields = {
        f: draw(_opt)
        for f in ("title_short", "container_title_short", "collection_title", "collection_number",
                  "number", "number_of_pages", "chapter_number", "edition", "version", "event_title",
                  "event_place", "genre", "status", "medium", "pmid", "pmcid")
    }  # fmt: skip
    return p.replace(
        translator=tuple(draw(st.lists(S.names(), max_size=2))),
        editor_truncated=draw(st.booleans()),
        issn=tuple(draw(st.lists(st.from_regex(r"[0-9]{4}-[0-9]{3}[0-9X]", fullmatch=True), max_size=2))),
        language=draw(st.none() | st.sampled_from(["en", "de-CH", "Old English"])),
        accessed=draw(st.none() | S.dates()),
        **fields,
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_papers())
def test_round_trip_exact_for_every_supported_field(p: Paper) -> None:
    p = keyed(jats.normalize(p))
    out = jats.write([p], diagnostics=[])
    back = jats.read(out)
    assert back.diagnostics == ()
    assert list(back.papers) == [p]
    assert jats.write(back.papers) == out


@settings(max_examples=30, deadline=None)
@given(rich_papers())
def test_rich_documents_are_valid_jats(p: Paper) -> None:
    assert_valid(jats.write([p]))


def test_seed_listing_chain_is_exact_and_valid() -> None:
    seed = SEED.read_text(encoding="utf-8")
    out = jats.write(listing.read(seed).papers, diagnostics=[])
    assert_valid(out)
    back = jats.read(out, source="seed.xml")
    assert back.diagnostics == ()
    assert listing.write(back.papers) == seed + "\n"
    assert listing.write(jats.read(jats.write(back.papers)).papers) == seed + "\n"


def test_normalize_is_idempotent_on_a_full_paper() -> None:
    p = FULL
    assert jats.normalize(jats.normalize(p)) == jats.normalize(p)
    assert jats.read(jats.write([p])).papers == (jats.normalize(p),)


# -- writer shape -----------------------------------------------------------------------------

FULL = Paper(
    type="article",
    key="demarrais2020",
    title="Learning  with MAML",
    title_nocase=((14, 18),),
    author=(
        Name(given="Robert P. C.", particle="de", family="Marrais"),
        Name(given="Ludwig", dropping_particle="van", family="Beethoven", suffix="Jr."),
        Name(literal="Gemma Team"),
    ),
    author_truncated=True,
    issued=Date(year=2020, month=8, day=27),
    accessed=Date(year=2021, month=1, day=2),
    arxiv=ArxivId(id="2008.12284", version=2),
    doi="10.48550/arXiv.2008.12284",
    url="https://arxiv.org/abs/2008.12284v2",
    abstract="First line.\nSecond <line> & ]]> end.",
    keywords=("meta-learning", "robotics"),
    category=Category(code="LG", arxiv_class="cs.LG"),
    organization="deepmind",
    has_code=True,
    note="A note",
    extra=(("x-thing", "value"),),
)


def test_writer_document_shape() -> None:
    out = jats.write([FULL])
    assert out.startswith("<?xml version='1.0' encoding='UTF-8'?>\n" + jats.DOCTYPE + "\n<article ")
    assert out.endswith("</article>\n")
    assert 'dtd-version="1.3"' in out and 'xmlns:xlink="http://www.w3.org/1999/xlink"' in out
    assert "<front>\n    <article-meta/>\n  </front>" in out
    assert '<ref id="demarrais2020">' in out
    assert '<element-citation publication-type="preprint">' in out
    assert '<person-group person-group-type="author">' in out
    assert '<name content-type="particle:de">' in out
    assert "<surname>de Marrais</surname>" in out
    assert "<surname>van Beethoven</surname>" in out and "<suffix>Jr.</suffix>" in out
    assert "<collab>Gemma Team</collab>" in out and "<etal/>" in out
    assert "<source>arXiv</source>" in out
    assert '<pub-id pub-id-type="arxiv">2008.12284v2</pub-id>' in out
    assert '<pub-id pub-id-type="doi">10.48550/arxiv.2008.12284</pub-id>' not in out  # case kept as given
    assert '<year iso-8601-date="2020-08-27">2020</year>' in out
    assert '<date-in-citation content-type="access-date" iso-8601-date="2021-01-02">' in out
    assert '<ext-link ext-link-type="uri" xlink:href="https://arxiv.org/abs/2008.12284v2">' in out
    assert '<comment content-type="arxiv-primary-class">cs.LG</comment>' in out
    assert '<annotation content-type="abstract">' in out
    assert "Second &lt;line&gt; &amp; ]]&gt; end." in out
    assert_valid(out)


@pytest.mark.parametrize(
    ("ptype", "csl", "title_tag"),
    [
        ("journal", "article-journal", "article-title"),
        ("confproc", "paper-conference", "article-title"),
        ("book", "book", "source"),
        ("book", "chapter", "chapter-title"),
        ("data", "dataset", "data-title"),
        ("software", "software", "article-title"),
        ("thesis", "thesis", "article-title"),
        ("report", "report", "article-title"),
        ("webpage", "webpage", "article-title"),
        ("other", "document", "article-title"),
        ("other", "song", "article-title"),
    ],
)
def test_publication_types(ptype: str, csl: str, title_tag: str) -> None:
    p = Paper(
        type=csl, key="k2020", title="The Title", container_title="Container" if csl != "book" else None
    )
    out = jats.write([p])
    assert f'publication-type="{ptype}"' in out
    assert f"<{title_tag}>The Title</{title_tag}>" in out
    assert jats.read(out).papers == (p,)
    assert_valid(out)


def test_pages_and_numbers() -> None:
    for page, xml in (
        ("117-130", "<fpage>117</fpage>\n          <lpage>130</lpage>"),
        ("e1234", "<fpage>e1234</fpage>"),
        ("1-3, 7", "<page-range>1-3, 7</page-range>"),
    ):
        p = Paper(type="article-journal", key="k", page=page, number="TR-7")
        out = jats.write([p])
        assert xml in out
        assert '<pub-id pub-id-type="other">TR-7</pub-id>' in out
        assert jats.read(out).papers == (p,)


def test_dates_that_elements_cannot_hold_use_a_comment() -> None:
    d = Date(year=2020, month=5, circa=True, end=Date(year=2021, season=2))
    p = Paper(key="k", issued=d, accessed=Date(literal="forthcoming"))
    out = jats.write([p])
    assert '<comment content-type="issued">2020-05~/2021-S2</comment>' in out
    assert jats.read(out).papers == (p,)
    assert jats.parse_date(jats.format_date(d)) == d
    assert jats.parse_date("no date") is None


def test_unsafe_text_never_breaks_the_xml() -> None:
    p = Paper(key="k", title="a\x00b\x1fc\ud800d ]]> <x> & \ufffe", note="\x0bnote")
    diags: list[Diagnostic] = []
    out = jats.write([p], diagnostics=diags)
    assert "PC401" in codes(diags)
    back = jats.read(out).papers[0]
    assert back.title == "abcd ]]> <x> &"
    assert back.note == "note"
    assert back == jats.normalize(p)
    assert_valid(out)


def test_keys_that_are_not_ncnames_are_replaced() -> None:
    diags: list[Diagnostic] = []
    out = jats.write(
        [Paper(key="a:b/c", title="T"), Paper(key="dup", title="T"), Paper(key="dup")], diagnostics=diags
    )
    ids = [p.key for p in jats.read(out).papers]
    assert len(set(ids)) == 3 and all(i and ":" not in i for i in ids)
    assert codes(diags).count("PC402") == 2
    assert_valid(out)


def test_empty_writes_a_valid_document() -> None:
    out = jats.write([])
    assert out.endswith("\n") and jats.read(out).papers == ()
    assert jats.read("").papers == ()


def test_sniff() -> None:
    assert jats.sniff(jats.write([FULL])[:2000])
    assert jats.sniff("<ref-list><ref id='a'/></ref-list>")
    assert jats.sniff('<?xml version="1.0"?>\n<article article-type="research-article">')
    assert not jats.sniff("<?xml version='1.0'?><rss><channel/></rss>")
    assert not jats.sniff("@article{k, title={<article>}}")
    assert not jats.sniff("LGAug 27, 2020Code\n")


def test_codes_are_registered() -> None:
    for code in ("PC600", "PC601", "PC602", "PC603", "PC604"):
        assert code in CODES


# -- reading foreign shapes ---------------------------------------------------------------------

FIX = ROOT / "fixtures" / "jats"


def test_reads_foreign_citation_shapes() -> None:
    res = jats.read((FIX / "foreign-shapes.xml").read_text(encoding="utf-8"), source="f.xml")
    r1, r2, r3, r4, r5 = res.papers
    assert r1.type == "article-journal" and r1.key == "r1"
    assert r1.author == (Name(family="Rich", given="KM"), Name(literal="WHO"))
    assert r1.issued == Date(year=2006) and ("year-label", "a") in r1.extra
    assert r1.title == "An assessment" and r1.container_title == "Am J Trop Med"
    assert (r1.volume, r1.page, r1.pmid, r1.doi) == ("83", "52-7", "20682906", "10.4269/ajtmh.2010")
    assert r1.origin is not None and r1.origin.line == 4 and r1.origin.column == 1
    assert r2.type == "book" and r2.title == "A & Book" and r2.editor_truncated
    assert r2.editor == (
        Name(given="Túlio Sousa", particle="de", family="Gois"),
        Name(family="Smith", given="J"),
    )
    assert r2.issued == Date(year=1999, month=3, season=1)
    assert (r2.publisher, r2.publisher_place, r2.note) == ("Pub", "Place", "Available at x")
    assert r3.note == "Murphy FA (1999) Veterinary Virology. pp 469–475."
    assert r4.key == "r4" and r4.title is None
    assert r5.type == "chapter" and (r5.title, r5.container_title, r5.page) == ("Chapter", "Book", "e5")
    assert r5.arxiv == ArxivId(id="1706.03762", version=5)
    assert [(d.code, d.position.line if d.position else None) for d in res.diagnostics] == [
        ("PC603", 15),
        ("PC602", 16),
    ]


def test_reads_a_bare_ref_list_with_entities() -> None:
    text = (
        '<ref-list><ref id="a"><element-citation><article-title>Caf&eacute; &amp; b</article-title>'
        "</element-citation></ref></ref-list>"
    )
    (p,) = jats.read(text).papers
    assert p.title == "Café & b" and p.type == "document"


# -- safety ----------------------------------------------------------------------------------------


def test_xxe_is_rejected() -> None:
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE article [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        '<article><back><ref-list><ref id="a"><element-citation><article-title>&xxe;</article-title>'
        "</element-citation></ref></ref-list></back></article>"
    )
    res = jats.read(text)
    assert res.papers == ()
    assert codes(res.diagnostics) == ["PC601"]
    assert "root:" not in repr(res)


def test_billion_laughs_is_rejected() -> None:
    ents = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    text = (
        f'<!DOCTYPE article [<!ENTITY l0 "lol">{ents}]><article><ref id="a"><element-citation>'
        "<source>&l9;</source></element-citation></ref></article>"
    )
    res = jats.read(text)
    assert res.papers == () and codes(res.diagnostics) == ["PC601"]


def test_external_dtd_is_not_fetched() -> None:
    text = (
        '<!DOCTYPE article SYSTEM "http://127.0.0.1:9/evil.dtd">'
        '<article><ref id="a"><element-citation><source>&ent;</source></element-citation></ref></article>'
    )
    res = jats.read(text)
    assert [p.key for p in res.papers] == ["a"]


def test_entity_in_attribute_of_internal_subset_without_entities_is_fine() -> None:
    text = (
        "<!DOCTYPE article [<!ATTLIST article x CDATA #IMPLIED>]>"
        '<article><ref id="a"><element-citation/></ref></article>'
    )
    assert [p.key for p in jats.read(text).papers] == ["a"]


def test_malformed_xml_gives_one_positioned_diagnostic() -> None:
    text = '<article>\n<ref id="a">\n  <element-citation><source>x</sorce>\n</ref></article>'
    res = jats.read(text, source="bad.xml")
    assert res.papers == ()
    (d,) = res.diagnostics
    assert d.code == "PC600" and d.position is not None
    assert (
        (d.position.source, d.position.line) == ("bad.xml", 3) and d.position.column and d.position.column > 1
    )


def test_deep_nesting_is_refused_without_crashing() -> None:
    text = "<article>" + "<x>" * 5000 + "</x>" * 5000 + "</article>"
    res = jats.read(text)
    assert res.papers == () and codes(res.diagnostics) == ["PC600"]


def test_oversized_input_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jats, "MAX_INPUT", 10)
    res = jats.read("<article>" + " " * 20 + "</article>")
    assert codes(res.diagnostics) == ["PC604"]


# -- golden fixtures (the same checks tests/test_fixtures.py makes once jats is registered) ---------


def _golden_cases() -> list[Path]:
    return sorted(f for f in FIX.glob("*.xml") if ".out." not in f.name)


@pytest.mark.parametrize("path", _golden_cases(), ids=lambda p: p.name)
def test_golden_fixture(path: Path) -> None:
    stem = path.name.split(".")[0]
    expected = json.loads((FIX / f"{stem}.paper.json").read_text(encoding="utf-8"))
    res = jats.read(path.read_text(encoding="utf-8"), source=path.name)
    assert [paper_to_dict(p) for p in res.papers] == expected
    assert list(res.papers) == [paper_from_dict(d) for d in expected]
    written = jats.write([paper_from_dict(d) for d in expected], diagnostics=[])
    out = FIX / f"{stem}.out.xml"
    assert written == (out if out.exists() else path).read_text(encoding="utf-8")
    assert_valid(written)


INVALID = ROOT / "fixtures" / "invalid" / "jats"


@pytest.mark.parametrize("path", sorted(INVALID.glob("*.xml")), ids=lambda p: p.name)
def test_invalid_fixture(path: Path) -> None:
    expected = json.loads(path.with_name(path.stem + ".error.json").read_text(encoding="utf-8"))
    res = jats.read(path.read_text(encoding="utf-8"), source=path.name)
    got = [
        {"code": d.code, "line": d.position.line, "column": d.position.column}
        for d in res.diagnostics
        if d.position is not None
    ]
    assert got == expected and got


def test_source_is_the_title_of_software_and_reports_without_title() -> None:
    text = (
        '<ref-list><ref id="r"><element-citation publication-type="software"><source>R: a language</source>'
        "<version>4.1</version></element-citation></ref>"
        '<ref id="s"><element-citation publication-type="software"><part-title>pubconv</part-title>'
        "<source>Software Heritage</source></element-citation></ref></ref-list>"
    )
    r, s = jats.read(text).papers
    assert (r.type, r.title, r.container_title, r.version) == ("software", "R: a language", None, "4.1")
    assert (s.title, s.container_title) == ("pubconv", "Software Heritage")
    untitled = Paper(type="report", key="k", container_title="Series of Reports")
    out = jats.write([untitled])
    assert "<source>" not in out and '<comment content-type="container-title">' in out
    assert jats.read(out).papers == (untitled,)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_reader_never_raises_on_arbitrary_text(s: str) -> None:
    res = jats.read(s)
    assert all(d.position is not None for d in res.diagnostics)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 4000), st.integers(1, 40), st.text(max_size=20))
def test_reader_never_raises_on_damaged_output(at: int, cut: int, junk: str) -> None:
    out = jats.write([FULL])
    at = at % len(out)
    res = jats.read(out[:at] + junk + out[at + cut :])
    assert all(d.position is not None and d.position.line for d in res.diagnostics)


def test_many_references_read_quickly() -> None:
    import time

    out = jats.write([FULL.replace(key=f"k{i}") for i in range(3000)])
    start = time.perf_counter()
    res = jats.read(out)
    assert len(res.papers) == 3000
    assert time.perf_counter() - start < 20  # generous: shared CI machines


def test_what_cannot_be_written_is_reported() -> None:
    diags: list[Diagnostic] = []
    p = Paper(key="k", author=(Name(suffix="Jr."), Name(family="Doe")), issued=Date(month=5))
    out = jats.write([p], diagnostics=diags)
    assert codes(diags) == ["PC401", "PC401"]
    assert jats.read(out).papers == (jats.normalize(p),)
