"""The RIS format: syntax, mapping tables, names, dates, conventions, round trips, goldens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rispy  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubconv.errors import Diagnostic, Severity
from pubconv.formats import listing, ris
from pubconv.model import ArxivId, Category, Date, Name, Paper
from pubconv.serialize import paper_from_dict, paper_to_dict

from .paths import FIXTURES, SEED
from .strategies import papers

RIS_FIXTURES = FIXTURES / "ris"
INVALID = FIXTURES / "invalid" / "ris"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def one(text: str) -> Paper:
    result = ris.read(text)
    assert len(result.papers) == 1, result
    return result.papers[0]


# -- contract ----------------------------------------------------------------------------------


def test_contract() -> None:
    assert ris.NAME == "ris" and ris.ALIASES == () and ris.EXTENSIONS == (".ris",)
    assert set(Paper.__dataclass_fields__) >= ris.SUPPORTS
    assert "title_nocase" not in ris.SUPPORTS
    assert ris.sniff("\ufeff\r\nTY  - JOUR\r\n")
    assert ris.sniff("1.\nTY  - JOUR\n")
    assert not ris.sniff("@article{x,}\n")
    assert ris.sniff("Record(s) exported 2022\r\n\r\nTY  - JOUR\r\n")
    assert not ris.sniff("AU  - Smith, J\n" * 30 + "TY  - JOUR\n")
    assert not ris.sniff(" TY  - JOUR\n")
    assert ris.read("").papers == ()
    assert ris.write([]) == ""


def test_writer_layout() -> None:
    out = ris.write([Paper(type="article-journal", title="T", key="k1")])
    assert out == "TY  - JOUR\r\nID  - k1\r\nTI  - T\r\nER  - \r\n\r\n"
    assert not out.startswith("\ufeff")
    assert ris.write([Paper(title="T")], newline="\n").endswith("ER  - \n\n")
    assert ris.write([Paper(title="A"), Paper(title="B")]) == "".join(
        ris.iter_write([Paper(title="A"), Paper(title="B")])
    )


# -- syntax ------------------------------------------------------------------------------------


def test_crlf_bom_blank_lines_counter_lines_and_one_space_tags() -> None:
    text = (
        "\ufeff1.\r\nTY  - JOUR\r\n\r\nTI  - A title\r\nAU - Smith, John\r\nER  -\r\n\r\n"
        "2.\r\nTY  - JOUR\r\nTI  - B\r\nER  - \r\n"
    )
    result = ris.read(text)
    assert [p.title for p in result.papers] == ["A title", "B"]
    assert result.papers[0].author == (Name(family="Smith", given="John"),)
    assert result.diagnostics == ()


def test_continuation_lines() -> None:
    text = (
        "TY  - JOUR\nTI  - A long title\nwrapped here\nAB  - First line\nsecond line\n"
        "KW  - one\ntwo\n three\nKW  - four\nER  - \n"
    )
    p = one(text)
    assert p.title == "A long title wrapped here"
    assert p.abstract == "First line\nsecond line"
    assert p.keywords == ("one", "two", "three", "four")


def test_blank_lines_inside_a_note_are_paragraph_breaks() -> None:
    p = one("TY  - JOUR\r\nN1  - <p>one</p>\r\n\r\n<p>two</p>\r\n\r\nER  - \r\n")
    assert p.note == "<p>one</p>\n\n<p>two</p>"
    assert ris.read(ris.write([p])).papers == (p,)


def test_zotero_and_bibutils_anchors() -> None:
    p = one("TY  - JOUR\nAU  - Ford, Henry, Jr.\nAU  - World Health Organization\nPY  - 2020/06/15\nER  - \n")
    assert p.author == (
        Name(family="Ford", given="Henry", suffix="Jr."),
        Name(literal="World Health Organization"),
    )
    assert p.issued == Date(year=2020, month=6, day=15)
    out = ris.write([Paper(author=(Name(family="Beethoven", given="Ludwig", particle="van"),))])
    assert "AU  - van Beethoven, Ludwig\r\n" in out and "1." not in out


def test_tag_injection_is_escaped() -> None:
    evil = Paper(
        title="T",
        abstract="Para one\n\nER  - \nTY  - JOUR\n  indented\nAU - Fake, Person",
        note="x\nER  -",
    )
    out = ris.write([evil])
    lines = out.split("\r\n")
    assert sum(1 for ln in lines if ln.startswith("ER  -")) == 1
    assert sum(1 for ln in lines if ln.startswith("TY  -")) == 1
    assert ris.read(out).papers == (evil,)
    assert len(rispy.loads(out.replace("\r\n", "\n"))) == 1


def test_junk_missing_er_and_positions() -> None:
    text = (
        "Exported from X\nTY  - JOUR\nTI  - A\nTY  - BOOK\nTI  - B\nER  - \n"
        "AU  - Stray, Tag\nTY  - GEN\nTI  - C\n"
    )
    result = ris.read(text, source="f.ris")
    assert [p.title for p in result.papers] == ["A", "B", "C"]
    got = [(d.code, d.position.line, d.position.column) for d in result.diagnostics if d.position]
    assert got == [("PC103", 1, 1), ("PC104", 4, 1), ("PC103", 7, 1), ("PC104", 8, 1)]
    assert all(d.severity is Severity.WARNING for d in result.diagnostics)
    assert all(d.position is not None and d.position.source == "f.ris" for d in result.diagnostics)
    assert result.papers[1].origin is not None and result.papers[1].origin.line == 4


def test_iter_read_streams_records() -> None:
    def lines() -> object:
        yield "TY  - JOUR\n"
        yield "TI  - A\n"
        yield "ER  - \n"
        raise AssertionError("read past the first record")

    it = ris.iter_read(lines())  # type: ignore[arg-type]
    first = next(it)
    assert isinstance(first, Paper) and first.title == "A"


# -- mapping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ty", "csl", "kept"),
    [
        ("JOUR", "article-journal", False),
        ("EJOUR", "article-journal", True),
        ("CPAPER", "paper-conference", False),
        ("CONF", "paper-conference", True),
        ("BOOK", "book", False),
        ("EBOOK", "book", True),
        ("EDBOOK", "book", True),
        ("CHAP", "chapter", False),
        ("ECHAP", "chapter", True),
        ("THES", "thesis", False),
        ("RPRT", "report", False),
        ("GEN", "document", False),
        ("COMP", "software", False),
        ("DATA", "dataset", False),
        ("ELEC", "webpage", False),
        ("UNPB", "manuscript", False),
        ("MGZN", "article-magazine", False),
        ("NEWS", "article-newspaper", False),
        ("PAT", "patent", False),
        ("STAND", "standard", False),
    ],
)
def test_type_table_both_ways(ty: str, csl: str, kept: bool) -> None:
    p = one(f"TY  - {ty}\nTI  - X\nER  - \n")
    assert p.type == csl
    assert (p.get_extra("RIS:TY") == ty) is kept
    assert ris.write([p]).startswith(f"TY  - {ty}\r\n")


def test_unknown_type() -> None:
    result = ris.read("TY  - WEIRD\nTI  - X\nER  - \n")
    assert result.papers[0].type == "document" and result.papers[0].get_extra("RIS:TY") == "WEIRD"
    assert [(d.code, d.position.line, d.position.column) for d in result.diagnostics if d.position] == [
        ("PC213", 1, 7)
    ]
    assert ris.write(result.papers).startswith("TY  - WEIRD\r\n")


def test_fields_and_vendor_tags() -> None:
    text = (
        "TY  - JOUR\nT1  - Title\nJO  - Journal Full\nJF  - Journal Full\nJA  - J. Full\n"
        "A1  - Doe, Jane\nED  - Roe, Rick\nA4  - Tran, Slator\nY1  - 1998///Spring\n"
        "SP  - 12\nEP  - 30\nSN  - 0003-0554, 0003-0554\nSN  - 978-3-16-148410-0\nSN  - (Print)\n"
        "M3  - 10.1000/XYZ.1\nUR  - https://a.example; https://b.example\nL1  - file.pdf\n"
        "N2  - Abstract text\nN1  - Note one\nN1  - Note two\nZZ  - vendor\nDB  - \nER  - \n"
    )
    p = one(text)
    assert p.title == "Title" and p.container_title == "Journal Full" and p.container_title_short == "J. Full"
    assert p.author == (Name(family="Doe", given="Jane"),)
    assert p.editor == (Name(family="Roe", given="Rick"),)
    assert p.translator == (Name(family="Tran", given="Slator"),)
    assert p.issued == Date(year=1998, season=1)
    assert p.page == "12-30"
    assert p.issn == ("0003-0554", "0003-0554") and p.isbn == ("978-3-16-148410-0",)
    assert p.doi == "10.1000/xyz.1"
    assert p.url == "https://a.example"
    assert p.abstract == "Abstract text"
    assert p.note == "Note one\n\nNote two"
    assert p.extra == (
        ("RIS:JF", "Journal Full"),
        ("RIS:SN", "(Print)"),
        ("RIS:L1", "file.pdf"),
        ("RIS:ZZ", "vendor"),
        ("RIS:UR", "https://b.example"),
    )
    out = ris.write([p])
    assert "ZZ  - vendor\r\n" in out and "L1  - file.pdf\r\n" in out and "DA  - 1998///Spring\r\n" in out
    assert ris.read(out).papers == (p,)


def test_et_al_author_is_the_truncation_flag() -> None:
    p = one("TY  - JOUR\nAU  - Smith, J\nAU  - et al.\nER  - \n")
    assert p.author == (Name(family="Smith", given="J"),) and p.author_truncated
    out = ris.write([p])
    assert "et al." not in out and '"author_truncated":true' in out
    assert ris.read(out).papers == (p,)


def test_book_tags() -> None:
    p = one("TY  - BOOK\nBT  - The Book\nA3  - Ed, Itor\nER  - \n")
    assert p.title == "The Book" and p.editor == (Name(family="Ed", given="Itor"),)
    assert "A3  - Ed, Itor" in ris.write([p])
    c = one("TY  - CHAP\nTI  - Chapter\nBT  - The Book\nA3  - Series, Ed\nER  - \n")
    assert c.container_title == "The Book" and c.editor == () and c.extra == ()
    assert c.collection_editor == (Name(family="Series", given="Ed"),)  # CHAP: A3 is the series editor


# -- per-type tag meanings (2011 tables, ../shared/docs/formats.md section 3.6) ----------------


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        # EJOUR: DA is the access date (PY stays the publication year), M1 the issue
        (
            "TY  - EJOUR\nTI  - E\nPY  - 2019\nDA  - 2021/03/04/\nM1  - 7\nER  - \n",
            {"issued": Date(year=2019), "accessed": Date(year=2021, month=3, day=4), "issue": "7"},
        ),
        # BOOK: A2 series editor, A3 editor, T2 series title, M1 series volume
        (
            "TY  - BOOK\nTI  - B\nA2  - Series, Sam\nA3  - Ed, Ida\nT2  - Lecture Notes\nM1  - 12\nER  - \n",
            {
                "collection_editor": (Name(family="Series", given="Sam"),),
                "editor": (Name(family="Ed", given="Ida"),),
                "collection_title": "Lecture Notes",
                "collection_number": "12",
                "container_title": None,
            },
        ),
        # CHAP: A2 editor, A3 series editor, T2 book title, T3 series, SE chapter
        (
            "TY  - CHAP\nTI  - C\nA2  - Ed, Ida\nA3  - Series, Sam\nT2  - The Book\nT3  - Lecture Notes\n"
            "SE  - 4\nER  - \n",
            {
                "editor": (Name(family="Ed", given="Ida"),),
                "collection_editor": (Name(family="Series", given="Sam"),),
                "container_title": "The Book",
                "collection_title": "Lecture Notes",
                "chapter_number": "4",
            },
        ),
        # CPAPER/CONF: CY is where the conference took place, C1 the place of publication
        (
            "TY  - CPAPER\nTI  - P\nT2  - Proc. X\nCY  - Vienna, Austria\nC1  - Cham\nER  - \n",
            {"event_place": "Vienna, Austria", "publisher_place": "Cham", "container_title": "Proc. X"},
        ),
        # THES: PB the university, M3 the kind of thesis, CY its place (generic tags)
        (
            "TY  - THES\nTI  - T\nPB  - Uni A\nM3  - PhD thesis\nCY  - Oslo\nER  - \n",
            {"publisher": "Uni A", "genre": "PhD thesis", "publisher_place": "Oslo"},
        ),
        # RPRT: T2 series title, A2 series editor
        (
            "TY  - RPRT\nTI  - R\nT2  - Tech Reports\nA2  - Series, Sam\nER  - \n",
            {"collection_title": "Tech Reports", "collection_editor": (Name(family="Series", given="Sam"),)},
        ),
        # COMP/DATA: ET is the version, not the edition
        ("TY  - COMP\nTI  - S\nET  - 2.1.0\nER  - \n", {"version": "2.1.0", "edition": None}),
        ("TY  - DATA\nTI  - D\nET  - v3\nER  - \n", {"version": "v3", "edition": None}),
    ],
    ids=["ejour", "book", "chap", "cpaper", "thes", "rprt", "comp", "data"],
)
def test_per_type_tag_meanings(record: str, expected: dict[str, object]) -> None:
    p = one(record)
    assert {k: getattr(p, k) for k in expected} == expected
    assert [e for e in p.extra if e[0] != "RIS:TY"] == []  # EJOUR is kept as the written TY
    out = ris.write([p])
    assert "pubconv:" not in out  # every value went back to its per-type tag
    assert ris.read(out).papers == (p,)


def test_fields_without_a_tag_in_the_type_travel_in_the_pubconv_line() -> None:
    # BOOK uses T2 for the series, EJOUR uses DA for the access date, COMP uses ET for the version
    book = Paper(type="book", title="B", container_title="Somewhere", collection_title="S")
    ejour = Paper(
        type="article-journal", title="E", issued=Date(year=2020, month=5), extra=(("RIS:TY", "EJOUR"),)
    )
    comp = Paper(type="software", title="S", edition="2nd", version="1.0")
    for p in (book, ejour, comp):
        out = ris.write([p])
        assert "pubconv:" in out
        assert ris.read(out).papers == (ris.normalize(p),)
    assert "T2  - S\r\n" in ris.write([book]) and "ET  - 1.0\r\n" in ris.write([comp])
    assert "DA  - " not in ris.write([ejour])


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Smith, John", Name(family="Smith", given="John")),
        ("de Marrais, Robert P. C.", Name(family="Marrais", given="Robert P. C.", particle="de")),
        ("van der Maas, M", Name(family="Maas", given="M", particle="van der")),
        ("Ford, Henry, Jr.", Name(family="Ford", given="Henry", suffix="Jr.")),
        ("Ford, Jr., Henry", Name(family="Ford", given="Henry", suffix="Jr.")),
        ("Phillips,A.J.,Sr.", Name(family="Phillips", given="A.J.", suffix="Sr.")),
        ("Smith, Jr.", Name(family="Smith", suffix="Jr.")),
        ("Aristotle,", Name(family="Aristotle")),
        ("Smith JA", Name(family="Smith", given="JA")),
        ("Mock S.E.", Name(family="Mock", given="S.E.")),
        ("Gemma Team", Name(literal="Gemma Team")),
        ("World Health Organization", Name(literal="World Health Organization")),
        ("Plato", Name(family="Plato")),
        ("Jianjun Huang", Name(given="Jianjun", family="Huang")),
        (
            "Multi-Country Multi-City Collaborative Research Network",
            Name(literal="Multi-Country Multi-City Collaborative Research Network"),
        ),
        ("Gemma Team", Name(literal="Gemma Team")),
    ],
)
def test_names(text: str, name: Name) -> None:
    assert ris.parse_name(text) == name


def test_name_writing() -> None:
    assert ris.format_name(Name(family="Marrais", given="Robert", particle="de")) == "de Marrais, Robert"
    assert ris.format_name(Name(family="Ford", given="Henry", suffix="Jr.")) == "Ford, Henry, Jr."
    assert ris.format_name(Name(family="Ford", suffix="Jr.")) == "Ford, , Jr."
    assert ris.format_name(Name(family="Plato")) == "Plato,"
    assert ris.format_name(Name(literal="Gemma Team")) == "Gemma Team"
    odd = Paper(author=(Name(literal="Smith, Barney & Co"), Name(literal="IBM AI")))
    assert ris.read(ris.write([odd])).papers == (odd,)


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2020", Date(year=2020)),
        ("2020/06/15/", Date(year=2020, month=6, day=15)),
        ("2020/06/15", Date(year=2020, month=6, day=15)),
        ("2021/12", Date(year=2021, month=12)),
        ("2016///", Date(year=2016)),
        ("2021/06//undefined", Date(year=2021, month=6)),
        ("1998///Spring", Date(year=1998, season=1)),
        ("2020-06-15", Date(year=2020, month=6, day=15)),
        ("2022 Jan 5", Date(year=2022, month=1, day=5)),
        ("Jan-Mar 2020", Date(year=2020, month=1, end=Date(year=2020, month=3))),
        ("2019/01//Jan-Feb", Date(year=2019, month=1, end=Date(year=2019, month=2))),
        ("SEP", Date(month=9)),
        ("JUN 12", Date(month=6, day=12)),
        ("SPR", Date(season=1)),
    ],
)
def test_dates(text: str, date: Date) -> None:
    assert ris.parse_date(text) == (date, True)


def test_unparseable_date_is_literal_with_diagnostic() -> None:
    assert ris.parse_date("2023/12//Dec2023:Part 1") == (
        Date(year=2023, literal="2023/12//Dec2023:Part 1"),
        False,
    )
    result = ris.read("TY  - JOUR\nPY  - 2020\nDA  - sometime\nER  - \n")
    p = result.papers[0]
    assert p.issued == Date(year=2020) and p.extra == (("RIS:DA", "sometime"),)
    assert [(d.code, d.position.line, d.position.column) for d in result.diagnostics if d.position] == [
        ("PC220", 3, 7)
    ]


def test_wos_month_only_da_takes_py_year() -> None:
    p = one("TY  - JOUR\nPY  - 2019\nDA  - JUN 12\nER  - \n")
    assert p.issued == Date(year=2019, month=6, day=12) and p.extra == ()
    out = ris.write([p])
    assert "PY  - 2019\r\nDA  - 2019/06/12/\r\n" in out


# -- pubconv conventions -----------------------------------------------------------------------


def test_arxiv_and_pubconv_lines() -> None:
    p = Paper(
        type="article",
        title="learn2learn",
        author=(Name(given="Sébastien M. R.", family="Arnold"), Name(literal="Gemma Team")),
        author_truncated=True,
        issued=Date(year=2020, month=8, day=27),
        arxiv=ArxivId(id="2008.12284", version=2),
        category=Category(code="LG", arxiv_class="cs.LG"),
        organization="deepmind",
        has_code=True,
        note="A real note",
    )
    out = ris.write([p])
    assert "TY  - GEN\r\n" in out
    assert "N1  - arXiv:2008.12284v2 [cs.LG]\r\n" in out
    assert "AU  - Gemma Team\r\n" in out and "AU  - Arnold, Sébastien M. R.\r\n" in out
    pub = [ln for ln in out.split("\r\n") if ln.startswith("N1  - pubconv: ")]
    assert len(pub) == 1
    assert json.loads(pub[0][len("N1  - pubconv: ") :]) == {
        "author_truncated": True,
        "category": {"arxiv_class": "cs.LG", "code": "LG"},
        "has_code": True,
        "organization": "deepmind",
    }
    back = ris.read(out).papers[0]
    assert back == p and back.note == "A real note"
    # a foreign arXiv note without the pubconv line: id and class
    foreign = one("TY  - GEN\nN1  - arXiv:hep-th/9901001v3 [hep-th]\nER  - \n")
    assert foreign.type == "article" and foreign.arxiv == ArxivId(id="hep-th/9901001", version=3)
    assert foreign.category == Category(arxiv_class="hep-th") and foreign.note is None


@pytest.mark.parametrize("csl", ["article", "document", "interview"])
def test_gen_with_category_keeps_its_type(csl: str) -> None:
    p = Paper(type=csl, title="T", category=Category(code="LG", arxiv_class="cs.LG"))
    out = ris.write([p])
    assert ('"type"' in out) is (csl != "article")
    assert ris.read(out).papers == (p,)


def test_bad_pubconv_line_stays_a_note() -> None:
    assert one("TY  - GEN\nN1  - pubconv: {nope\nER  - \n").note == "pubconv: {nope"
    assert one('TY  - GEN\nN1  - pubconv: {"raw": 1}\nER  - \n').note == 'pubconv: {"raw": 1}'


def test_listing_chain_is_exact() -> None:
    seed_papers = listing.read(SEED_TEXT).papers
    written = ris.write(seed_papers)
    back = ris.read(written)
    assert back.diagnostics == ()
    assert listing.write(back.papers) == SEED_TEXT + "\n"
    assert len(rispy.loads(written.replace("\r\n", "\n"))) == len(seed_papers)


# -- properties --------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers())
def test_round_trip_exact_on_supported_fields(p: Paper) -> None:
    diags: list[Diagnostic] = []
    out = ris.write([p], diagnostics=diags)
    assert ris.read(out).papers == (ris.normalize(p),)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers())
def test_write_read_write_is_stable(p: Paper) -> None:
    out = ris.write([p])
    assert ris.write(ris.read(out).papers) == out


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=200))
def test_values_never_inject_tags(value: str) -> None:
    p = Paper(title="T", abstract=value or None, note=value or None)
    out = ris.write([p])
    assert len(ris.read(out).papers) == 1
    assert ris.read(out).papers == (ris.normalize(p),)


# -- goldens -----------------------------------------------------------------------------------


def _cases() -> list[Path]:
    return sorted(p for p in RIS_FIXTURES.glob("*.ris") if ".out." not in p.name)


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    expected = json.loads(path.with_name(path.stem + ".paper.json").read_text(encoding="utf-8"))
    result = ris.read(text, source=path.name)
    assert [paper_to_dict(p) for p in result.papers] == expected
    written = ris.write([paper_from_dict(d) for d in expected]).replace("\r\n", "\n")
    out = path.with_name(path.stem + ".out.ris")
    assert written == (out.read_text(encoding="utf-8") if out.exists() else text)


@pytest.mark.parametrize("path", sorted(INVALID.glob("*.ris")), ids=lambda p: p.name)
def test_invalid_fixture(path: Path) -> None:
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    expected = json.loads(path.with_name(path.stem + ".error.json").read_text(encoding="utf-8"))
    result = ris.read(text, source=path.name)
    got = [
        {"code": d.code, "line": d.position.line if d.position else None,
         "column": d.position.column if d.position else None}
        for d in result.diagnostics
    ]  # fmt: skip
    assert got == expected and got


_TAGS = [
    "TY",
    "ER",
    "TI",
    "T1",
    "AU",
    "A1",
    "A2",
    "A3",
    "ED",
    "PY",
    "Y1",
    "DA",
    "Y2",
    "SP",
    "EP",
    "SN",
    "DO",
    "UR",
]
_TAGS += ["N1", "N2", "AB", "KW", "M3", "BT", "JO", "JF", "T2", "ZZ", "L1", "ID", "VL"]
_LINE = st.one_of(
    st.builds(
        lambda t, sep, v: f"{t}{sep}{v}",
        st.sampled_from(_TAGS),
        st.sampled_from(["  - ", " - ", "  -", "  - "]),
        st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=30)
        | st.sampled_from(["JOUR", "GEN", "BOOK", "2020/01//", "Smith, J", "et al.", "10.1/x", "SEP 3"]),
    ),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=20),
    st.just(""),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=25), st.sampled_from(["\n", "\r\n"]))
def test_arbitrary_lines_never_raise_and_rewrite_stably(lines: list[str], nl: str) -> None:
    text = nl.join(lines)
    result = ris.read(text, source="fuzz.ris")
    assert all(d.position is not None and d.position.line and d.position.column for d in result.diagnostics)
    out = ris.write(result.papers)
    assert ris.read(out).papers == tuple(ris.normalize(p) for p in result.papers)
    assert ris.write(ris.read(out).papers) == out
