"""The listing format: reading, writing, escaping, round trips, accuracy on real data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubconv._listing_split import SEPARATOR
from pubconv.errors import Diagnostic
from pubconv.eval import evaluate_listing
from pubconv.formats import listing
from pubconv.model import ArxivId, Category, Date, Name, Paper, Position
from pubconv.names import parse_plain

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures" / "listing"
SHARED = ROOT.parent / "shared"
SEED = (FIXTURES / "seed-profile.txt").read_text(encoding="utf-8")


def restrict(paper: Paper) -> dict[str, Any]:
    """The fields the listing represents."""
    return {f: getattr(paper, f) for f in listing.SUPPORTS}


# -- the module contract ---------------------------------------------------------------------


def test_contract() -> None:
    assert listing.NAME == "listing"
    assert listing.ALIASES == ()
    assert listing.EXTENSIONS == (".txt",)
    assert isinstance(listing.DESCRIPTION, str) and listing.DESCRIPTION
    assert listing.SUPPORTS.issubset(Paper.__dataclass_fields__)
    assert listing.sniff(SEED)
    assert listing.sniff("\ufeff\n\nLGAug 27, 2020Code\n")
    assert not listing.sniff("@article{x, title={y}}")
    assert not listing.sniff("TY  - JOUR\n")


# -- the seed --------------------------------------------------------------------------------


def test_seed_reads_all_entries() -> None:
    result = listing.read(SEED, source="seed.txt")
    assert len(result.papers) == 15
    assert result.diagnostics == ()
    first = result.papers[0]
    assert first.type == "article"
    assert first.title == "Gemma 2: Improving Open Language Models at a Practical Size"
    assert first.author[0] == Name(literal="Gemma Team")
    assert first.author[1] == Name(given="Morgane", family="Riviere")
    assert first.author_truncated and first.organization == "deepmind"
    assert first.category == Category(code="CL", arxiv_class="cs.CL")
    assert first.issued == Date(year=2024, month=7, day=31)
    assert not first.has_code
    assert first.abstract is not None and first.abstract.startswith("In this work, we introduce Gemma 2")
    assert first.origin == Position(source="seed.txt", line=1, column=1)
    l2l = result.papers[4]
    assert l2l.title == "learn2learn: A Library for Meta-Learning Research"
    assert l2l.has_code and l2l.issued == Date(year=2020, month=8, day=27)
    assert l2l.author[0] == Name(given="Sébastien M. R.", family="Arnold")
    assert l2l.origin is not None and l2l.origin.line == 13
    # abstracts are plain text: TeX stays literal
    assert "$m$" in (result.papers[14].abstract or "")
    assert "---from" in (result.papers[5].abstract or "")


def test_seed_writes_back_exactly() -> None:
    assert listing.write(listing.read(SEED).papers) == SEED + "\n"


def test_iter_write_yields_one_chunk_per_entry() -> None:
    papers = listing.read(SEED).papers
    chunks = list(listing.iter_write(papers))
    assert len(chunks) == 15 and all(c.endswith("\n") for c in chunks)


def test_iter_read_streams_from_a_generator() -> None:
    def lines() -> Any:
        for _ in range(3):
            yield from SEED.split("\n")

    count = 0
    for item in listing.iter_read(lines(), source="gen"):
        assert isinstance(item, Paper)
        count += 1
    assert count == 45


# -- fixtures --------------------------------------------------------------------------------


def _read_fixture(name: str) -> tuple[tuple[Paper, ...], tuple[Diagnostic, ...]]:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    result = listing.read(text, source=name)
    return result.papers, result.diagnostics


def test_crlf_bom_trailing_spaces_and_blank_lines() -> None:
    papers, diags = _read_fixture("crlf-bom.txt")
    assert diags == ()
    assert [p.title for p in papers] == [
        "learn2learn: A Library for Meta-Learning Research",
        "Gemma 2: Improving Open Language Models at a Practical Size",
    ]
    assert papers[0].has_code and papers[0].category == Category(code="LG", arxiv_class="cs.LG")
    assert papers[0].abstract == "Meta-learning researchers face two issues.\nSecond line of the abstract."
    assert [a.display() for a in papers[1].author] == ["Gemma Team", "Morgane Riviere"]
    assert papers[1].organization == "deepmind" and papers[1].author_truncated
    assert papers[1].origin is not None and papers[1].origin.line == 7


def test_no_abstract_and_lower_precision_headers() -> None:
    papers, diags = _read_fixture("no-abstract.txt")
    assert diags == ()
    assert [p.abstract for p in papers] == [None, None, None]
    assert papers[0].category == Category(code="hep-th", arxiv_class="hep-th")
    assert papers[0].issued == Date(year=2007, month=3)
    assert papers[1].category == Category(code="math.CO", arxiv_class="math.CO")
    assert papers[1].issued == Date(year=2019) and papers[1].has_code
    assert papers[1].title == "Pfaffians, hafnians and products of real linear functionals"
    assert papers[1].author == (Name(given="Péter E.", family="Frenkel"),)
    assert [a.display() for a in papers[2].author] == [
        "Sébastien M. R. Arnold",
        "Guneet S. Dhillon",
        "Avinash Ravichandran",
    ]
    text = (FIXTURES / "no-abstract.txt").read_text(encoding="utf-8")
    assert listing.write(papers) == text


def test_org_and_etal() -> None:
    papers, diags = _read_fixture("org-and-etal.txt")
    assert diags == ()
    gemini, nemotron, xiaomi = papers
    assert gemini.organization == "google" and gemini.author_truncated
    assert gemini.author[0].is_literal
    assert nemotron.title is not None and nemotron.title.endswith("for Agentic Reasoning")
    assert [a.display() for a in nemotron.author] == ["NVIDIA", "Aaron Blakeman", "Aaron Thomas"]
    assert not nemotron.author[0].is_literal  # no cue word: not an organisation
    assert xiaomi.title == "Generative World Models for Physical AI"
    assert xiaomi.author[0] == Name(literal="Xiaomi LLM-Core Team")
    assert not xiaomi.author_truncated and xiaomi.organization == "deepmind"


# -- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "code", "cls", "date", "badge"),
    [
        ("LGAug 27, 2020Code", "LG", "cs.LG", Date(year=2020, month=8, day=27), True),
        ("CLJul 31, 2024", "CL", "cs.CL", Date(year=2024, month=7, day=31), False),
        ("COMay 2019", "CO", None, Date(year=2019, month=5), False),
        ("GT2019Code", "GT", None, Date(year=2019), True),
        ("cs.LGAug 2020", "cs.LG", "cs.LG", Date(year=2020, month=8), False),
        ("q-bio.NCJan 1, 2001", "q-bio.NC", "q-bio.NC", Date(year=2001, month=1, day=1), False),
        ("physics.acc-ph1999", "physics.acc-ph", "physics.acc-ph", Date(year=1999), False),
        ("Aug 27, 2020", None, None, Date(year=2020, month=8, day=27), False),
        ("LGn.d.", "LG", "cs.LG", None, False),
        ("n.d.Code", None, None, None, True),
    ],
)
def test_header_forms(line: str, code: str | None, cls: str | None, date: Date | None, badge: bool) -> None:
    paper = listing.read(f"{line}\nA TitleJohn Smith\n").papers[0]
    assert paper.category == (None if code is None else Category(code=code, arxiv_class=cls))
    assert paper.issued == date
    assert paper.has_code is badge
    assert listing.format_header(paper) == line


def test_unknown_code_warns_and_is_kept() -> None:
    result = listing.read("XQAug 27, 2020\nA TitleJohn Smith\n", source="x")
    assert result.papers[0].category == Category(code="XQ", arxiv_class=None)
    assert [d.code for d in result.diagnostics] == ["PC302"]
    assert result.diagnostics[0].position == Position(source="x", line=1, column=1)


def test_malformed_header_is_read_leniently() -> None:
    text = (
        "LGAug 27, 2020\nA TitleJohn Smith\nLG August 28 2020\nB TitleAnn Lee\nLGFeb 30, 2020\nC TitleBo Li\n"
    )
    result = listing.read(text, source="m")
    assert [p.title for p in result.papers] == ["A Title", "B Title", "C Title"]
    assert result.papers[1].issued == Date(year=2020, month=8, day=28)
    assert result.papers[2].issued == Date(year=2020, month=2)
    assert [(d.code, d.position.line if d.position else None) for d in result.diagnostics] == [
        ("PC303", 3),
        ("PC303", 5),
    ]


def test_prose_in_abstract_is_not_a_header() -> None:
    abstract = "Wrapped text that ends\nsince May 5, 2020\nIn 2020\nOn May 5, 2020\nmore text."
    text = f"LGAug 27, 2020\nA TitleJohn Smith\n{abstract}\n"
    result = listing.read(text)
    assert len(result.papers) == 1 and result.diagnostics == ()
    assert result.papers[0].abstract == abstract


def test_stray_lines_before_first_header() -> None:
    result = listing.read("junk\nmore junk\n\nLGAug 27, 2020\nA TitleJohn Smith\n", source="s")
    assert len(result.papers) == 1
    (diag,) = result.diagnostics
    assert diag.code == "PC301" and diag.position == Position(source="s", line=1, column=1)


def test_not_a_listing_at_all() -> None:
    result = listing.read("just some text\n")
    assert result.papers == ()
    assert [d.code for d in result.diagnostics] == ["PC301"]


def test_unsplittable_byline_warns_and_keeps_title() -> None:
    result = listing.read("LGAug 27, 2020\nGemma 3 Technical Report\nAbstract.\n", source="u")
    (paper,) = result.papers
    assert paper.title == "Gemma 3 Technical Report" and paper.author == ()
    (diag,) = result.diagnostics
    assert diag.code == "PC300" and diag.position == Position(source="u", line=2, column=1)


# -- writing papers from elsewhere -----------------------------------------------------------


def test_write_from_elsewhere() -> None:
    paper = Paper(
        type="article-journal",
        title="Graphs\nand  Trees",
        author=(Name(given="Ann", family="Lee"), Name(literal="ACME Lab")),
        issued=Date(year=2021, month=3),
        category=Category(arxiv_class="math.CO"),
        doi="10.1/x",
        arxiv=ArxivId(id="2101.00001"),
    )
    diags: list[Diagnostic] = []
    out = listing.write([paper], diagnostics=diags)
    assert out == "math.COMar 2021\nGraphs and TreesAnn Lee, ACME Lab\n"
    assert diags == []  # fields the format lacks are reported once per record by pubconv.api
    cs = Paper(title="T", category=Category(arxiv_class="cs.LG"), issued=Date(year=2020))
    assert listing.write([cs]).startswith("LG2020\n")


def test_write_dates_at_known_precision() -> None:
    def header(date: Date | None) -> str:
        return listing.write([Paper(title="T", issued=date)]).split("\n")[0]

    assert header(Date(year=2020, month=8, day=27)) == "Aug 27, 2020"
    assert header(Date(year=2020, month=8)) == "Aug 2020"
    assert header(Date(year=2020)) == "2020"
    assert header(None) == "n.d."
    diags: list[Diagnostic] = []
    listing.write([Paper(title="T", issued=Date(year=2020, season=2))], diagnostics=diags)
    assert [d.code for d in diags] == ["PC401"]


def test_abstract_line_that_looks_like_a_header_is_escaped() -> None:
    paper = Paper(
        title="A Study of Headers",
        author=(Name(given="Ann", family="Lee"),),
        issued=Date(year=2020, month=8, day=27),
        category=Category(code="LG", arxiv_class="cs.LG"),
        abstract="First line.\nLGAug 27, 2020\n  2019\nLast line with C:\\path and $x$ -- ok.",
    )
    out = listing.write([paper])
    assert "\n LGAug 27, 2020\n" in out and "\n   2019\n" in out
    back = listing.read(out).papers
    assert len(back) == 1 and back[0] == paper


def test_header_like_byline_is_escaped() -> None:
    paper = Paper(title="LGAug 27, 2020", issued=Date(year=2020))
    out = listing.write([paper])
    back = listing.read(out)
    assert len(back.papers) == 1 and restrict(back.papers[0]) == restrict(paper)


@pytest.mark.parametrize(
    "paper",
    [
        Paper(title="Introducing DeepMind Lab", issued=Date(year=2020)),
        Paper(title="Introducing DeepMind", author=(Name(literal="Mind Lab"),), issued=Date(year=2020)),
        Paper(author=(Name(given="Ann", family="Lee"),), issued=Date(year=2020)),
        Paper(title="A · B", author=(Name(given="Ann", family="Lee"),), issued=Date(year=2020)),
        Paper(title="Results et al.", issued=Date(year=2020)),
        Paper(title="Only et al.", author_truncated=True, issued=Date(year=2020)),
        Paper(issued=Date(year=2020), abstract="Abstract without a byline."),
        Paper(issued=Date(year=2020), organization="mit"),
        Paper(),
    ],
    ids=[
        "title-only",
        "name-like-title",
        "no-title",
        "middle-dot",
        "etal-title",
        "etal-only",
        "no-byline",
        "org-only",
        "empty",
    ],
)
def test_escaped_bylines_round_trip(paper: Paper) -> None:
    out = listing.write([paper, paper])
    back = listing.read(out)
    assert len(back.papers) == 2
    assert restrict(back.papers[0]) == restrict(paper)
    assert back.diagnostics == ()


def test_separator_only_when_needed() -> None:
    papers = listing.read(SEED).papers
    assert SEPARATOR not in listing.write(papers)
    assert SEPARATOR in listing.write([Paper(title="Introducing DeepMind Lab")])


# -- round-trip properties -------------------------------------------------------------------

_UPPER = "ABCDEFGHIJKLMNOPRSTVWZÉÅÖŁ"
_LOWER = "abcdefghiklmnoprstuvyzéáöüñçøł"
_given = st.builds(lambda a, b: a + b, st.sampled_from(_UPPER), st.text(_LOWER, min_size=2, max_size=8))
_initial = st.sampled_from(_UPPER).map(lambda c: c + ".")
_family = st.one_of(
    _given,
    st.builds(lambda a, b: f"{a}-{b}", _given, _given),
)
_particle = st.sampled_from(["de", "van", "von", "van der", "da", "del"])


@st.composite
def person(draw: st.DrawFn) -> Name:
    parts = [draw(_given)]
    parts += draw(st.lists(st.one_of(_initial, _given), max_size=2))
    if draw(st.booleans()) and draw(st.booleans()):
        parts.append(draw(_particle))
    parts.append(draw(_family))
    return parse_plain(" ".join(parts))


_org = st.builds(
    lambda a, b: Name(literal=f"{a} {b}"),
    _given,
    st.sampled_from(["Team", "Collaboration", "Consortium", "Lab", "Group", "Institute"]),
)
_word = st.one_of(
    st.text(_LOWER, min_size=2, max_size=9),
    _given,
    st.sampled_from(["NLP", "QA", "LLMs", "AutoML", "II", "3D", "GPT-4", "RoboCLIP", "of", "and", "the"]),
    st.builds(lambda a, b: f"{a}-{b}", _given, st.text(_LOWER, min_size=2, max_size=6)),
)
_title = st.builds(
    lambda first, rest, end: " ".join([first, *rest]) + end,
    _given,
    st.lists(_word, min_size=1, max_size=10),
    st.sampled_from(["", "?", ":", " (2)", "!"]),
).map(lambda t: t.replace(": ", ":"))
_date = st.one_of(
    st.none(),
    st.builds(lambda y: Date(year=y), st.integers(1000, 9999)),
    st.builds(lambda y, m: Date(year=y, month=m), st.integers(1000, 9999), st.integers(1, 12)),
    st.builds(
        lambda y, m, d: Date(year=y, month=m, day=d),
        st.integers(1000, 9999),
        st.integers(1, 12),
        st.integers(1, 28),
    ),
)
_category = st.one_of(
    st.none(),
    st.sampled_from(["LG", "CO", "GT", "cs.LG", "hep-th", "q-bio.NC"]).map(
        lambda c: listing._category(c)[0]  # the reader's own mapping
    ),
)
_abstract = st.one_of(
    st.none(),
    st.lists(
        st.one_of(
            st.text("abc XYZ$\\-.,:;()0123456789", min_size=1, max_size=40).map(str.strip).filter(bool),
            st.sampled_from(["LGAug 27, 2020", "2019", " n.d.", "CLJul 2024Code"]),
        ),
        min_size=1,
        max_size=4,
    ).map("\n".join),
)


@st.composite
def realistic_paper(draw: st.DrawFn) -> Paper:
    authors = draw(st.lists(st.one_of(person(), person(), _org), min_size=1, max_size=4))
    return Paper(
        title=draw(_title),
        author=tuple(authors),
        author_truncated=draw(st.booleans()),
        issued=draw(_date),
        abstract=draw(_abstract),
        category=draw(_category),
        organization=draw(st.one_of(st.none(), st.sampled_from(["deepmind", "mit", "cmu"]))),
        has_code=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(realistic_paper(), min_size=1, max_size=3))
def test_round_trip_realistic(papers: list[Paper]) -> None:
    back = listing.read(listing.write(papers))
    assert back.diagnostics == ()
    assert [restrict(p) for p in back.papers] == [restrict(p) for p in papers]


_any_name = st.builds(
    Name,
    given=st.one_of(st.none(), st.text(max_size=12)),
    family=st.text(max_size=12),
    particle=st.one_of(st.none(), st.text(max_size=5)),
    literal=st.one_of(st.none(), st.text(max_size=15)),
)
_any_paper = st.builds(
    Paper,
    title=st.one_of(st.none(), st.text(max_size=40)),
    author=st.lists(_any_name, max_size=3).map(tuple),
    author_truncated=st.booleans(),
    issued=_date,
    abstract=st.one_of(st.none(), st.text(max_size=60)),
    category=st.one_of(
        st.none(),
        st.builds(
            Category,
            code=st.one_of(st.none(), st.text(max_size=6)),
            arxiv_class=st.one_of(st.none(), st.text(max_size=8)),
        ),
    ),
    organization=st.one_of(st.none(), st.text(max_size=10)),
    has_code=st.booleans(),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_any_paper, min_size=1, max_size=3))
def test_write_is_a_fixed_point_for_arbitrary_papers(papers: list[Paper]) -> None:
    once = listing.write(papers)
    back = listing.read(once)
    assert len(back.papers) == len(papers)
    assert listing.write(back.papers) == once


# -- real data -------------------------------------------------------------------------------

DEV = SHARED / "corpus" / "listing" / "dev-arxiv.txt"
DEV_TRUTH = SHARED / "corpus" / "listing" / "dev-arxiv.truth.json"


@pytest.mark.skipif(not DEV.exists(), reason=f"shared corpus not found at {DEV}")
def test_dev_accuracy() -> None:
    truth = json.loads(DEV_TRUTH.read_text(encoding="utf-8"))
    report = evaluate_listing(DEV.read_text(encoding="utf-8"), truth)
    assert report.read_count == len(truth)
    assert report.accuracy >= 0.98, report.format()


@pytest.mark.skipif(not DEV.exists(), reason=f"shared corpus not found at {DEV}")
def test_dev_headers_match_truth() -> None:
    truth = json.loads(DEV_TRUTH.read_text(encoding="utf-8"))
    papers = listing.read(DEV.read_text(encoding="utf-8")).papers
    for paper, t in zip(papers, truth, strict=True):
        assert paper.category is not None and paper.category.code == t["category"]
        assert paper.issued is not None and paper.issued.isoformat() == t["date"]
        assert paper.has_code == t["has_code"]


def test_lazy_splitter_constants_match() -> None:
    from pubconv import _listing_split
    from pubconv.formats import listing as listing_module

    assert listing_module.SEPARATOR == _listing_split.SEPARATOR
    assert listing_module.ORG_MARK == _listing_split.ORG_MARK


@pytest.mark.parametrize("org", ["·", "· x", "x ·"])
def test_lone_middle_dot_in_organisation_is_dropped_and_reported(org: str) -> None:
    diags: list[Diagnostic] = []
    once = listing.write([Paper(title="T", organization=org)], diagnostics=diags)
    back = listing.read(once)
    assert back.papers[0].organization == (None if org == "·" else "x")
    assert listing.write(back.papers) == once
    assert [d.code for d in diags] == ["PC401"]
