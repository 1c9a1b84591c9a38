"""BibTeX reader and writer: fixtures, writer rules, round trips, robustness."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string as pybtex_parse

from pubconv import api
from pubconv.errors import Diagnostic
from pubconv.formats import bibtex
from pubconv.model import ArxivId, Category, Date, Name, Paper

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex"


def load(name: str) -> bibtex.ReadResult:
    path = FIX / name
    return bibtex.read(path.read_text(encoding="utf-8"), source=str(path))


def codes(diags: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


def assert_parsers_accept(text: str, n: int) -> None:
    """bibtexparser v2 and pybtex (test oracles) parse the output without errors."""
    lib = bibtexparser.parse_string(text)
    assert lib.failed_blocks == []
    assert len(lib.entries) == n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        db = pybtex_parse(text, "bibtex")
    assert len(db.entries) == n


# --------------------------------------------------------------------------- fixtures


def test_particle_von() -> None:
    (p,) = load("particle-von.bib").papers
    assert p.author == (
        Name(family="Vallée Poussin", given="Charles Louis Xavier Joseph", particle="de la"),
        Name(family="Berg", given="Jan", particle="van der", suffix="Jr."),
        Name(family="Ford", given="Henry", suffix="Jr."),
        Name(family="Brinch Hansen", given="Per"),
        Name(family="Beethoven", given="Ludwig", particle="van"),
    )
    out = bibtex.write([p])
    assert "de la {Vall{\\'e}e Poussin}" not in out  # family words are upper-case: no braces needed
    assert "Ford, Jr., Henry" in out and "van der Berg, Jr., Jan" in out
    assert bibtex.read(out).papers == (p,)


def test_and_others_and_organisations() -> None:
    gemma, barnes = load("and-others.bib").papers
    assert gemma.author_truncated is True
    assert gemma.author[0] == Name(literal="Gemma Team")
    assert all(n.family != "others" for n in gemma.author)
    assert barnes.author == (Name(literal="Barnes and Noble, Inc."),)
    out = bibtex.write([gemma, barnes])
    assert "and others}" in out and "{Barnes and Noble, Inc.}" in out
    assert bibtex.read(out).papers == (gemma, barnes)


def test_crossref_inheritance_and_dangling() -> None:
    r = load("crossref.bib")
    child, orphan, parent = r.papers
    assert child.container_title == "Proceedings of the Analytical Society"  # booktitle from parent title
    assert child.publisher == "Society Press"
    assert child.issued == Date(year=2020, month=6)
    assert child.editor == (Name(family="Babbage", given="Charles"),)
    assert child.page == "1-10"
    assert parent.type == "book" and parent.get_extra("x-bibtex-type") == "proceedings"
    (d,) = [d for d in r.diagnostics if d.code == "PC212"]
    assert d.key == "orphan" and d.position is not None and d.position.line == 11
    assert orphan.get_extra("crossref") == "missing-parent"


def test_crossref_streaming_defers_children() -> None:
    text = (FIX / "crossref.bib").read_text()
    items = list(bibtex.iter_read(text.splitlines(keepends=True)))
    keys = [p.key for p in items if isinstance(p, Paper)]
    assert keys == ["proc2020", "child2020", "orphan"]
    child = next(p for p in items if isinstance(p, Paper) and p.key == "child2020")
    assert child.publisher == "Society Press"


def test_string_macros_preamble_comment() -> None:
    r = load("string-macros.bib")
    (p,) = r.papers
    assert p.container_title == "TUGboat"
    assert p.note == "Thanks to TUGboat readers"
    assert p.issued == Date(year=1980, month=1, day=1)
    assert p.volume == "1"
    doc = r.document
    assert isinstance(doc, bibtex.BibDocument)
    assert doc.strings == (("tug", "{TUGboat}"), ("ack", "{Thanks to } # tug"))
    assert doc.preamble == ("{\\newcommand{\\noopsort}[1]{}}",)
    assert doc.comments == ("jabref-meta: databaseType:bibtex;",)
    out = bibtex.write(r.papers, document=doc)
    # macros survive BibTeX -> BibTeX because the raw expressions still mean the same
    assert "journal = tug," in out and "note = ack # { readers}," in out
    assert out.startswith("@preamble{{\\newcommand{\\noopsort}[1]{}}}\n@string{tug = {TUGboat}}\n")
    assert out.rstrip().endswith("@comment{jabref-meta: databaseType:bibtex;}")
    r2 = bibtex.read(out)
    assert r2.papers == r.papers and r2.document == doc
    # without the document the macros are unknown: the writer falls back to the values
    plain = bibtex.write(r.papers)
    assert "journal = {TUGboat}," in plain and "ack" not in plain


def test_duplicate_field_keeps_first_and_warns() -> None:
    r = load("duplicate-field.bib")
    assert r.papers[0].title == "The First Title"
    (d,) = r.diagnostics
    assert d.code == "PC201" and d.key == "dup"
    assert d.position is not None and (d.position.line, d.position.column) == (4, 3)


def test_broken_entries_are_reported_and_parsing_resumes() -> None:
    r = load("broken-entry.bib")
    assert [p.key for p in r.papers] == ["good1", "good2"]
    assert codes(r.diagnostics) == ["PC101", "PC102"]
    assert [d.position.line for d in r.diagnostics if d.position] == [9, 13]
    assert all(d.position and d.position.source.endswith("broken-entry.bib") for d in r.diagnostics)


def test_case_protection_and_arxiv() -> None:
    (p,) = load("case-protection.bib").papers
    assert p.type == "article"  # misc with an arXiv id is a preprint
    assert p.arxiv == ArxivId(id="2310.07899")
    assert p.category == Category(code="AI", arxiv_class="cs.AI")
    assert [p.title[a:b] for a, b in p.title_nocase or ()] == ["RoboCLIP", "MAML"]
    assert "Öl École" in (p.title or "")
    out = bibtex.write([p], keep_raw=False)
    assert "@misc{sontakke2023roboclip," in out
    assert "title = {{RoboCLIP}: One Demonstration is Enough to Learn Robot Policies with {MAML}" in out
    assert "eprint = {2310.07899},\n  archiveprefix = {arXiv},\n  primaryclass = {cs.AI}," in out
    assert bibtex.read(out).papers == (p,)


def test_latex_accents_doi_pages() -> None:
    r = load("latex-accents.bib")
    (p,) = r.papers
    assert [n.family for n in p.author] == [
        "Erdős",
        "Gödel",
        "Kušar",
        "Østergaard",
        "Łukasiewicz",
        "Müller",
        "Straßer",
    ]
    assert p.author[2].given == "Aleš" and p.author[3].given == "Søren"
    assert p.title == "Ça va? — Naïve & Co. 50% of α in “quotes” italic \\unknowncmd{x}"
    assert p.page == "117-130"
    assert p.doi == "10.1000/abc.def"
    assert codes(r.diagnostics) == ["PC222"]
    out = bibtex.write([p], keep_raw=False)
    assert "pages = {117--130}," in out and "Erd{\\H{o}}s" in out
    assert bibtex.read(out).papers == (p,)
    utf = bibtex.write([p], unicode=True)  # source LaTeX is not reused for UTF-8 output
    assert "Erdős" in utf and "Naïve \\&" in utf and "{\\H" not in utf
    assert bibtex.read(utf).papers == (p,)


def test_paren_entry_text_between_entries_and_unknown_fields() -> None:
    r = load("paren-entry.bib")
    (p,) = r.papers
    assert r.diagnostics == ()  # prose between entries is a comment, as in BibTeX
    assert (p.type, p.key, p.title, p.publisher) == ("book", "knuth1984", "The TeXbook", "Addison-Wesley")
    assert p.extra == (("myfield", "kept as extra"),)
    assert "myfield = {kept as extra}," in bibtex.write([p])


def test_raw_latex_is_kept_while_it_means_the_same() -> None:
    (p,) = bibtex.read("@article{k, title = {The {\\TeX}book \\emph{now}}, year = 2000}").papers
    assert bibtex.write([p]).count("{The {\\TeX}book \\emph{now}}") == 1
    changed = p.replace(title="Something else")
    assert "title = {Something else}," in bibtex.write([changed])


# --------------------------------------------------------------------------- writer rules


SEED = [
    Paper(
        type="article",
        title="Gemma 2: Improving Open Language Models at a Practical Size",
        author=(
            Name(literal="Gemma Team"),
            Name(family="Riviere", given="Morgane"),
            Name(family="Pathak", given="Shreya"),
        ),
        author_truncated=True,
        issued=Date(year=2024, month=7, day=31),
        category=Category(code="CL", arxiv_class="cs.CL"),
        organization="deepmind",
    ),
    Paper(
        type="article",
        title="RoboCLIP: One Demonstration is Enough to Learn Robot Policies",
        author=(Name(family="Sontakke", given="Sumedh A"), Name(family="Arnold", given="Sébastien M. R.")),
        author_truncated=True,
        issued=Date(year=2023, month=10, day=11),
        category=Category(code="AI", arxiv_class="cs.AI"),
    ),
    Paper(
        type="article",
        title="learn2learn: A Library for Meta-Learning Research",
        author=(Name(family="Arnold", given="Sébastien M. R."), Name(family="Mahajan", given="Praateek")),
        author_truncated=True,
        issued=Date(year=2020, month=8, day=27),
        category=Category(code="LG", arxiv_class="cs.LG"),
        has_code=True,
        abstract="Reproducing existing results becomes a tedious endeavour -- a situation (e.g. 50%).",
    ),
    Paper(
        type="article",
        title="Accelerating SGD for Distributed Deep-Learning Using Approximated Hessian Matrix",
        author=(Name(family="Arnold", given="Sébastien M. R."), Name(family="Wang", given="Chunming")),
        issued=Date(year=2017, month=9, day=15),
        category=Category(code="LG", arxiv_class="cs.LG"),
        abstract="We introduce a novel method to compute a rank $m$ approximation of the inverse.",
    ),
]


def test_listing_like_papers_round_trip_and_format() -> None:
    diags: list[Diagnostic] = []
    out = bibtex.write(SEED, diagnostics=diags)
    assert out.endswith("}\n") and "\n\n@misc{" in out
    assert (
        "@misc{gemma2024gemma,\n  author = {{Gemma Team} and Riviere, Morgane and Pathak, Shreya and others},"
        in out
    )
    assert "title = {Gemma 2: Improving Open Language Models at a Practical Size}," in out
    assert "title = {{RoboCLIP}: One Demonstration" in out
    assert "Accelerating {SGD} for" in out
    assert "@misc{arnold2020learn2learn," in out
    assert "x-has-code = {true}," in out and "x-organization = {deepmind}," in out
    assert "month = jul,\n  day = {31}," in out
    assert "tedious endeavour -{}- a situation (e.g. 50\\%)" in out
    assert "rank \\$m\\$ approximation" in out
    assert {d.code for d in diags} == {"PC402"}  # keys generated; article + arXiv class is a @misc preprint
    back = bibtex.read(out).papers
    assert back == tuple(bibtex.normalize(p).replace(key=b.key) for p, b in zip(SEED, back, strict=True))
    assert [b.category for b in back] == [p.category for p in SEED]
    assert_parsers_accept(out, len(SEED))


def test_output_is_deterministic_and_keys_unique() -> None:
    twice = [SEED[2], SEED[2]]
    a = bibtex.write(twice)
    assert a == bibtex.write(twice)
    assert "@misc{arnold2020learn2learn," in a and "@misc{arnold2020learn2learna," in a


def test_untrusted_values_cannot_break_out() -> None:
    evil = Paper(
        key="evil",
        title="x} , author = {pwned} @article{inj, title={\\input{/etc/passwd}}\n%",
        note="}}}}",
        extra=(("my field!", "{\\write18{rm -rf /}"),),
    )
    diags: list[Diagnostic] = []
    out = bibtex.write([evil], diagnostics=diags)
    assert_parsers_accept(out, 1)
    (back,) = bibtex.read(out).papers
    assert back.title == "x} , author = {pwned} @article{inj, title={\\input{/etc/passwd}} %"
    assert back.note == "}}}}"
    assert back.author == ()
    assert back.extra == (("my-field-", "{\\write18{rm -rf /}"),)


def test_pc400_for_unrepresentable_fields() -> None:
    p = Paper(
        key="k",
        title="T",
        issued=Date(year=2020, season=2, circa=True),
        collection_editor=(Name(family="Ed"),),
        original_date=Date(year=1900),
    )
    diags: list[Diagnostic] = []
    bibtex.write([p], diagnostics=diags)
    generic = api.losses(p, "bibtex")  # fields outside SUPPORTS: reported by the api, not the writer
    assert generic is not None
    diags.append(generic)
    lost = [d.message for d in diags if d.code == "PC400"]
    assert any("collection_editor" in m for m in lost)
    assert sum("original_date" in m for m in lost) == 1, "said once, by the generic report"
    assert any("circa" in m for m in lost)
    assert not any("season" in m for m in lost), "a season is written as month = {Summer}"
    assert all(d.key == "k" for d in diags if d.code == "PC400")


def test_seasons_in_month_field() -> None:
    (p,) = bibtex.read("@article{k, title={T}, year=1998, month={Winter}}\n").papers
    assert p.issued == Date(year=1998, season=4)
    out = bibtex.write([p], diagnostics=[])
    assert "month = {Winter}" in out
    assert bibtex.read(out).papers[0].issued == Date(year=1998, season=4)


def test_type_mapping_both_ways() -> None:
    src = """
@inproceedings{a, title={A}}
@conference{b, title={B}}
@incollection{c, title={C}}
@inbook{d, title={D}}
@phdthesis{e, title={E}, school={MIT}}
@mastersthesis{f, title={F}, school={MIT}}
@techreport{g, title={G}, institution={Lab}, number={42}}
@manual{h, title={H}}
@unpublished{i, title={I}, note={n}}
@booklet{j, title={J}}
@proceedings{k, title={K}}
@misc{l, title={L}}
@weird{m, title={M}}
"""
    r = bibtex.read(src)
    types = {p.key: p.type for p in r.papers}
    assert types == {
        "a": "paper-conference", "b": "paper-conference", "c": "chapter", "d": "chapter",
        "e": "thesis", "f": "thesis", "g": "report", "h": "report", "i": "manuscript",
        "j": "pamphlet", "k": "book", "l": "document", "m": "document",
    }  # fmt: skip
    assert codes(r.diagnostics) == ["PC213"]
    g = next(p for p in r.papers if p.key == "g")
    assert (g.publisher, g.number) == ("Lab", "42")
    out = bibtex.write(r.papers)
    expected = [("a", "inproceedings"), ("b", "conference"), ("d", "inbook"), ("f", "mastersthesis"),
                ("h", "manual"), ("k", "proceedings"), ("m", "weird"), ("e", "phdthesis")]  # fmt: skip
    for key, btype in expected:
        assert f"@{btype}{{{key}," in out
    assert "school = {MIT}" in out and "institution = {Lab}" in out
    assert bibtex.read(out).papers == r.papers


def test_dates_months_and_years() -> None:
    r = bibtex.read(
        "@misc{a, year={forthcoming}}\n@misc{b, year=2001, month={June}}\n@misc{c, year={1999--2001}}\n"
        "@misc{d, year=2002, month={Smarch}}\n@misc{e, year=2003, month=9, day={5}}\n"
    )
    a, b, c, d, e = r.papers
    assert a.issued == Date(literal="forthcoming")
    assert b.issued == Date(year=2001, month=6)
    assert c.issued == Date(year=1999, end=Date(year=2001))
    assert d.issued == Date(year=2002) and d.get_extra("month") == "Smarch"
    assert e.issued == Date(year=2003, month=9, day=5)
    assert codes(r.diagnostics) == ["PC220", "PC220"]
    assert bibtex.read(bibtex.write(r.papers)).papers == r.papers


def test_identifiers() -> None:
    (p, q, s) = bibtex.read(
        "@article{p, doi={https://doi.org/10.48550/arXiv.2008.12284}, keywords={a, b; c}, isbn={1-2, 3-4}}\n"
        "@misc{q, eprint={hep-th/9901001v2}}\n"
        "@online{s, eprinttype={arxiv}, eprint={1706.03762}, eprintclass={cs.CL},"
        " journaltitle={J}, location={X}}\n"
    ).papers
    assert p.doi == "10.48550/arxiv.2008.12284" and p.arxiv == ArxivId(id="2008.12284")
    assert p.keywords == ("a", "b", "c") and p.isbn == ("1-2", "3-4")
    assert q.arxiv == ArxivId(id="hep-th/9901001", version=2) and q.type == "article"
    assert s.arxiv == ArxivId(id="1706.03762") and s.category == Category(code="CL", arxiv_class="cs.CL")
    assert (s.type, s.container_title, s.publisher_place) == ("webpage", "J", "X")


def test_howpublished_url() -> None:
    (p,) = bibtex.read("@misc{u, howpublished={\\url{https://example.org/a_b~c}}}").papers
    assert p.url == "https://example.org/a_b~c"


# --------------------------------------------------------------------------- robustness


def test_sniff() -> None:
    assert bibtex.sniff("% comment\n@Article{x,\n")
    assert not bibtex.sniff("TY  - JOUR\nER  - \n")


def test_truncated_file() -> None:
    r = bibtex.read("@article{a, title={ok}}\n@article{b, title = {never")
    assert [p.key for p in r.papers] == ["a"]
    assert codes(r.diagnostics) == ["PC104"] or codes(r.diagnostics) == ["PC101"]


@pytest.mark.parametrize(
    "text",
    [
        "@misc{k, " + "," * 100_000 + "}",
        "@misc{k, title = " + "{" * 500_000 + "x" + "}" * 500_000 + "}",
        "@misc{k, title = " + "{" * 500_000,
        "@a{" * 50_000,
        "@misc{k, title = {x}" + " # {y}" * 50_000 + "}",
    ],
)
def test_adversarial_inputs_are_linear(text: str) -> None:
    t = time.perf_counter()
    r = bibtex.read(text)
    assert time.perf_counter() - t < 5
    assert isinstance(r.papers, tuple)


def test_deep_braces_do_not_recurse() -> None:
    (p,) = bibtex.read("@misc{k, title = " + "{" * 100_000 + "x" + "}" * 100_000 + "}").papers
    assert p.title == "x"


# --------------------------------------------------------------------------- property tests

_TEXT = (
    st.text(alphabet="abcXYZ019 .,:;!?()[]/@&%$#_{}~^\\'\"-–—“”‘’éüßøÅłæœçñαβ中", min_size=1, max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
_WORD = st.from_regex(r"[A-Z][a-zé]{1,8}", fullmatch=True)
_LOWER = st.from_regex(r"[a-z]{1,4}( [a-z]{1,4})?", fullmatch=True)
_NAME = st.one_of(
    st.builds(
        Name,
        family=st.one_of(_WORD, st.builds(lambda a, b: f"{a} {b}", _WORD, _WORD), _LOWER),
        given=st.one_of(st.none(), _WORD, st.builds(lambda a: f"{a} M. R.", _WORD)),
        particle=st.one_of(st.none(), _LOWER),
        suffix=st.one_of(st.none(), st.sampled_from(["Jr.", "III"])),
    ),
    st.builds(Name, literal=_TEXT),
)
_DATE = st.one_of(
    st.none(),
    st.builds(Date, year=st.integers(1000, 2100)),
    st.builds(Date, year=st.integers(1000, 2100), month=st.integers(1, 12)),
    st.builds(Date, year=st.integers(1000, 2100), month=st.integers(1, 12), day=st.integers(1, 28)),
)
_OPT = st.one_of(st.none(), _TEXT)
_PAPER = st.builds(
    Paper,
    type=st.sampled_from(
        [
            "article-journal",
            "paper-conference",
            "chapter",
            "book",
            "thesis",
            "report",
            "manuscript",
            "pamphlet",
            "document",
            "article",
            "webpage",
        ]
    ),
    key=st.one_of(st.none(), st.from_regex(r"[a-z][a-z0-9:]{0,8}", fullmatch=True)),
    title=_OPT,
    title_nocase=st.one_of(st.none(), st.just(())),
    author=st.lists(_NAME, max_size=3).map(tuple),
    author_truncated=st.booleans(),
    editor=st.lists(_NAME, max_size=2).map(tuple),
    issued=_DATE,
    accessed=_DATE,
    container_title=_OPT,
    collection_title=_OPT,
    volume=_OPT,
    issue=_OPT,
    number=_OPT,
    page=st.one_of(st.none(), st.from_regex(r"[1-9][0-9]{0,3}(-[1-9][0-9]{0,3})?", fullmatch=True)),
    publisher=_OPT,
    publisher_place=_OPT,
    genre=st.one_of(st.none(), st.sampled_from(["PhD thesis", "Master's thesis"]), _TEXT),
    edition=_OPT,
    doi=st.one_of(st.none(), st.from_regex(r"10\.[0-9]{4}/[a-z0-9.]{1,10}", fullmatch=True)),
    arxiv=st.one_of(st.none(), st.builds(ArxivId, id=st.from_regex(r"2[0-9]{3}\.[0-9]{5}", fullmatch=True))),
    isbn=st.lists(st.from_regex(r"[0-9]{1,5}-[0-9X]{1,5}", fullmatch=True), max_size=2).map(tuple),
    url=st.one_of(st.none(), st.from_regex(r"https://example\.org/[a-z0-9_%~#/]{0,12}", fullmatch=True)),
    abstract=_OPT,
    keywords=st.lists(_TEXT.filter(lambda s: "," not in s and ";" not in s), max_size=3).map(tuple),
    category=st.one_of(
        st.none(),
        st.builds(
            Category, code=st.sampled_from(["LG", "CO", None]), arxiv_class=st.sampled_from(["cs.LG", None])
        ),
    ).filter(lambda c: c is None or c.code is not None or c.arxiv_class is not None),
    language=_OPT,
    note=_OPT,
    organization=_OPT,
    has_code=st.booleans(),
    extra=st.lists(
        st.tuples(st.from_regex(r"zz[a-z]{1,6}", fullmatch=True), _TEXT), max_size=2, unique_by=lambda t: t[0]
    ).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(_PAPER)
def test_roundtrip_property(paper: Paper) -> None:
    out = bibtex.write([paper])
    (back,) = bibtex.read(out).papers
    assert back == bibtex.normalize(paper).replace(key=back.key)
    assert bibtex.write([back]) == out
    (utf,) = bibtex.read(bibtex.write([paper], unicode=True)).papers
    assert utf == back


@settings(max_examples=100, deadline=None)
@given(_PAPER)
def test_output_parses_with_oracles(paper: Paper) -> None:
    assert_parsers_accept(bibtex.write([paper]), 1)


# --------------------------------------------------------------------------- seed listing, streaming

SEED_LISTING = Path(__file__).resolve().parents[1] / "fixtures" / "listing" / "seed-profile.txt"


def test_seed_listing_to_bibtex_is_exact_and_parseable() -> None:
    listing = pytest.importorskip("pubconv.formats.listing")
    papers = listing.read(SEED_LISTING.read_text(encoding="utf-8")).papers
    assert len(papers) == 15
    diags: list[Diagnostic] = []
    out = bibtex.write(papers, diagnostics=diags)
    assert_parsers_accept(out, 15)
    assert "@misc{arnold2020learn2learn," in out
    assert "{RoboCLIP}" in out and "{MAML}" in out and "{SGD}" in out
    back = bibtex.read(out).papers
    # listing -> BibTeX -> Paper keeps every listing field (keys are generated; the title
    # protection chosen by the writer becomes explicit spans)
    for p, b in zip(papers, back, strict=True):
        assert b == bibtex.normalize(p).replace(key=b.key)
        assert (b.category, b.organization, b.has_code, b.author_truncated, b.issued) == (
            p.category, p.organization, p.has_code, p.author_truncated, p.issued,
        )  # fmt: skip
    assert bibtex.write(back) == out


def test_iter_read_streams_entries_as_parsed() -> None:
    def lines():
        yield "@string{j = {J}}\n"
        yield "@article{a, title={First}, journal=j}\n"
        yield "@article{b, title={Second}}\n"
        raise AssertionError("the reader should not need more input for the first paper")

    first = next(p for p in bibtex.iter_read(lines()) if isinstance(p, Paper))
    assert (first.key, first.container_title) == ("a", "J")


def test_iter_write_chunks_join_to_write() -> None:
    assert "".join(bibtex.iter_write(SEED)) == bibtex.write(SEED)
    docs: list[bibtex.BibDocument] = []
    list(bibtex.iter_read(["@preamble{{x}}\n", "@misc{k, title={T}}\n"], document=docs))
    assert docs == [bibtex.BibDocument(preamble=("{x}",))]


def test_only_suspicious_junk_between_entries_is_reported() -> None:
    text = (
        "Prose and an e-mail, me@example.org, are comments.\n"
        "@misc{a, title={A}}\n"
        "  note = {orphaned field},\n"
        "}\n"
        "@misc{b, title={B}}\n"
    )
    r = bibtex.read(text, source="j.bib")
    assert [p.key for p in r.papers] == ["a", "b"]
    (d,) = r.diagnostics
    assert d.code == "PC103" and d.position is not None and (d.position.line, d.position.column) == (3, 3)


_CROSSREF_BOTH_ORDERS = """@string{conf = {Conference on Things}}
@proceedings{early, title = conf, year = 2001, publisher = {Early Press}}
@inproceedings{a, author = {A. Author}, title = {After its parent}, crossref = {early}}
@article{plain, author = {P. Lain}, title = {No crossref}, journal = {J}, year = 2003}
@inproceedings{b, author = {B. Author}, title = {Before its parent}, crossref = {late}}
@proceedings{late, title = {Late Proceedings}, year = 2002, publisher = {Late Press}}
@inproceedings{c, author = {C. Author}, title = {Dangling}, crossref = {nowhere}}
@article{plain, title = {Same key again}}
"""


@pytest.mark.parametrize("how", ["path", "binary stream"])
def test_streaming_read_resolves_crossref_in_both_orders_without_keeping_entries(
    tmp_path: Path, how: str
) -> None:
    import io

    import pubconv

    src = tmp_path / "x.bib"
    src.write_text(_CROSSREF_BOTH_ORDERS, encoding="utf-8")
    whole = pubconv.read(src)  # the whole-file reader keeps every entry: the reference result
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = src if how == "path" else io.BytesIO(src.read_bytes())
        streamed = list(pubconv.iter_load(source))
    by_key = {p.key: p for p in streamed if p.key != "plain"}
    assert by_key["a"].container_title == "Conference on Things"  # parent first: found on a second pass
    assert by_key["a"].publisher == "Early Press"
    assert by_key["b"].container_title == "Late Proceedings"  # parent after the child: kept when seen
    assert {p.key: p for p in whole.papers if p.key != "plain"} == by_key
    codes = sorted(str(w.message).rsplit("(", 1)[-1] for w in caught)
    assert codes == ["PC200)", "PC212)"], codes  # duplicate key and dangling crossref, each said once


def test_streaming_reader_keeps_no_entries_when_it_can_reopen() -> None:
    from pubconv.formats import bibtex as B

    text = "".join(f"@article{{k{i}, title = {{T{i}}}, year = 2000}}\n" for i in range(50))
    lines = text.splitlines(keepends=True)
    reader = B._Reader("<t>")
    reader.stream()
    papers = list(B._iter(B._chunks(lines), "<t>", reader, stream=True, reopen=lambda: lines))
    assert len(papers) == 50
    assert reader.fieldsets == {}, "no crossref child asked for a parent: nothing kept"
    assert len(reader.keys_seen) == 50 and not isinstance(reader.keys_seen, set)
