"""CSL-JSON reader and writer: goldens, schema validity, round trips, lenient reading, interop."""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubconv.formats import bibtex, listing
from pubconv.formats import csl_json as F
from pubconv.model import ArxivId, Category, Date, Name, Paper
from pubconv.serialize import paper_from_dict, paper_to_dict

from .paths import CORPUS, FIXTURES, SEED, SHARED
from .strategies import dates, names, papers, text

_opt = st.none() | text()


@st.composite
def full_papers(draw: st.DrawFn) -> Paper:
    """papers() plus the fields it leaves at their defaults, and CSL-hostile values."""
    p = draw(papers())
    person = st.builds(
        Name,
        family=text(max_size=10),
        given=st.none() | text(max_size=10),
        dropping_particle=st.none() | st.sampled_from(["von", "de la"]),
        particle=st.none() | st.sampled_from(["van", "al-"]),
    )
    lit = st.builds(Date, literal=text(max_size=12), year=st.none() | st.integers(-50, 2100))
    return p.replace(
        title_short=draw(_opt),
        translator=tuple(draw(st.lists(names() | person, max_size=2))),
        container_author=tuple(draw(st.lists(person, max_size=1))),
        collection_editor=tuple(draw(st.lists(names(), max_size=1))),
        editor_truncated=draw(st.booleans()),
        original_date=draw(st.none() | lit | dates()),
        event_date=draw(st.none() | st.builds(Date, year=st.integers(1900, 2000), end=st.just(Date()))),
        number=draw(st.none() | st.sampled_from(["arXiv:2001.00001", "TR-7", "12"])),
        publisher=draw(st.none() | st.sampled_from(["arXiv", "ACM"]) | text()),
        doi=draw(st.none() | st.sampled_from(["10.48550/arxiv.2001.00001", "10.1000/X"])),
        url=draw(st.none() | st.sampled_from(["https://arxiv.org/abs/2001.00001"])),
        isbn=tuple(draw(st.lists(text(max_size=8), max_size=2))),
        issn=tuple(draw(st.lists(st.sampled_from(["1234-5678", "0000-0000"]), max_size=2))),
        keywords=tuple(draw(st.lists(text(max_size=8), max_size=3))),
        extra=tuple(
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["archive", "custom.zkey", "license", "csl:type", "x"]), text()
                    ),
                    max_size=3,
                )
            )
        ),
        title=draw(st.none() | st.sampled_from(['a <i>b</i> <span class="nocase">c</span>', "x</span>"]))
        if draw(st.booleans())
        else p.title,
    )


SCHEMA = SHARED / "schemas" / "csl-data.json"
GOLDEN = FIXTURES / "csljson"
INVALID = FIXTURES / "invalid" / "csljson"


def _validator() -> Any:
    if not SCHEMA.exists():
        pytest.skip(f"official CSL schema not found at {SCHEMA}")
    return _load_validator()


@functools.cache
def _load_validator() -> Any:
    import jsonschema

    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _schema_errors(text: str) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(json.loads(text))]


def _keyed(p: Paper) -> Paper:
    return p if p.key else p.replace(key="k2000x")


# ---------------------------------------------------------------------------------------------
# golden fixtures (also run by tests/test_fixtures.py once the format is registered)

CASES = sorted(
    p for p in GOLDEN.glob("*.json") if not p.name.endswith(".paper.json") and ".out." not in p.name
)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_golden_read_and_write(path: Path) -> None:
    expected = json.loads(path.with_name(path.stem + ".paper.json").read_text(encoding="utf-8"))
    result = F.read(path.read_text(encoding="utf-8"), source=path.name)
    assert [paper_to_dict(p) for p in result.papers] == expected
    written = F.write([paper_from_dict(d) for d in expected])
    out = path.with_name(path.stem + ".out.json")
    assert written == (out.read_text(encoding="utf-8") if out.exists() else path.read_text(encoding="utf-8"))
    assert not _schema_errors(written)


@pytest.mark.parametrize("path", sorted(INVALID.glob("*.json")), ids=lambda p: p.name)
def test_invalid_fixtures(path: Path) -> None:
    if path.name.endswith(".error.json"):
        return
    expected = json.loads(path.with_name(path.stem + ".error.json").read_text(encoding="utf-8"))
    result = F.read(path.read_text(encoding="utf-8"), source=path.name)
    got = [
        {"code": d.code, "line": d.position.line, "column": d.position.column}
        for d in result.diagnostics
        if d.position
    ]
    assert got == expected


def test_pandoc_style_sample() -> None:
    (p,) = F.read((GOLDEN / "pandoc-sample.json").read_text(encoding="utf-8")).papers
    assert p.type == "article-journal" and p.key == "doe2019"
    assert p.author[1] == Name(family="Beethoven", given="Ludwig", dropping_particle="van")
    assert p.author[2] == Name(family="Gogh", given="Vincent", particle="van")
    assert p.author[3] == Name(literal="World Health Organization")
    assert p.issued == Date(year=2019, month=3)
    assert (p.container_title, p.volume, p.issue, p.page) == ("Journal of Examples", "12", "2", "117-130")
    assert p.doi == "10.1234/example.5678" and p.url == "https://example.org/doe2019"
    assert p.title == "An example of CSL data with italics"
    assert p.title_nocase == ((14, 17),)


# ---------------------------------------------------------------------------------------------
# writer


def test_output_shape_and_schema() -> None:
    papers = listing.read(SEED.read_text(encoding="utf-8")).papers
    out = F.write(papers)
    assert out.startswith('[\n  {\n    "id": ') and out.endswith("]\n")
    assert '"date-parts": [[2024, 7, 31]]' in out
    assert "Sébastien" in out, "ensure_ascii=False"
    assert out == F.write(papers)
    assert not _schema_errors(out)
    assert F.write([]) == "[]\n"


def test_seed_chain_listing_csljson_listing() -> None:
    seed = SEED.read_text(encoding="utf-8")
    back = F.read(F.write(listing.read(seed).papers))
    assert not back.diagnostics
    assert listing.write(back.papers) == seed + "\n"


def test_arxiv_derived_values_are_written_and_not_read_back_as_fields() -> None:
    p = Paper(key="v2017", title="Attention", title_nocase=(), arxiv=ArxivId(id="1706.03762", version=5))
    item = json.loads(F.write([p]))[0]
    assert item["type"] == "article"
    assert item["number"] == "arXiv:1706.03762v5"
    assert item["publisher"] == "arXiv"
    assert item["DOI"] == "10.48550/arXiv.1706.03762"
    assert "custom" not in item
    (back,) = F.read(F.write([p])).papers
    assert back == p and back.number is None and back.publisher is None and back.doi is None


def test_arxiv_with_real_doi_keeps_it() -> None:
    p = Paper(key="k", title="T", arxiv=ArxivId(id="2008.12284"), doi="10.1000/xyz", publisher="ACM")
    item = json.loads(F.write([p]))[0]
    assert item["DOI"] == "10.1000/xyz" and item["publisher"] == "ACM"
    assert F.read(F.write([p])).papers == (p,)


def test_non_csl_fields_go_under_custom_pubconv() -> None:
    p = Paper(
        key="k",
        title="A Title",
        title_nocase=None,
        author=(Name(literal="Gemma Team"),),
        author_truncated=True,
        category=Category(code="LG", arxiv_class="cs.LG"),
        organization="deepmind",
        has_code=True,
        extra=(("x-foo", "bar"),),
    )
    item = json.loads(F.write([p]))[0]
    assert item["author"] == [{"literal": "Gemma Team"}]
    assert item["custom"]["pubconv"] == {
        "title_nocase": None,
        "author_truncated": True,
        "category": {"code": "LG", "arxiv_class": "cs.LG"},
        "organization": "deepmind",
        "has_code": True,
        "extra": [["x-foo", "bar"]],
    }
    assert F.read(F.write([p])).papers == (p,)


def test_nocase_spans_become_span_markup() -> None:
    p = Paper(key="k", title="The iPhone and MAML", title_nocase=((4, 10), (15, 19)))
    item = json.loads(F.write([p]))[0]
    assert item["title"] == 'The <span class="nocase">iPhone</span> and <span class="nocase">MAML</span>'
    assert "custom" not in item
    assert F.read(F.write([p])).papers == (p,)


def test_literal_markup_in_a_title_round_trips() -> None:
    p = Paper(key="k", title="Why <i> is not a tag & <b>", title_nocase=())
    assert F.read(F.write([p])).papers == (p,)


def test_dates_ranges_seasons_circa_literal() -> None:
    d = Date(year=2020, season=1, circa=True, end=Date(year=2021, month=2))
    item = json.loads(F.write([Paper(key="k", issued=d)]))[0]
    assert item["issued"] == {"date-parts": [[2020], [2021, 2]], "season": 1, "circa": True}
    lit = Date(literal="forthcoming")
    assert json.loads(F.write([Paper(key="k", issued=lit)]))[0]["issued"] == {"literal": "forthcoming"}
    open_range = Paper(key="k", issued=Date(year=2020, end=Date()))
    item = json.loads(F.write([open_range]))[0]
    assert item["issued"] == {"date-parts": [[2020]]}
    assert item["custom"]["pubconv"]["issued"] == {"year": 2020, "end": {}}
    assert F.read(F.write([open_range])).papers == (open_range,)


def test_generated_and_duplicate_keys() -> None:
    diags: list[Any] = []
    items = json.loads(
        F.write([Paper(title="X", key="a"), Paper(title="Y", key="A"), Paper(title="Z")], diagnostics=diags)
    )
    ids = [i["id"] for i in items]
    assert ids[0] == "a" and len({i.lower() for i in ids}) == 3
    assert [d.code for d in diags] == ["PC402", "PC402"]


# ---------------------------------------------------------------------------------------------
# round trips


@given(papers())
def test_read_write_round_trip(p: Paper) -> None:
    p = _keyed(p)
    out = F.write([p])
    back = F.read(out)
    assert back.papers == (F.normalize(p),)
    assert not back.diagnostics


@given(papers())
def test_write_read_write_is_stable(p: Paper) -> None:
    out = F.write([p])
    assert F.write(F.read(out).papers) == out


@given(papers())
def test_output_validates_against_the_official_schema(p: Paper) -> None:
    assert not _schema_errors(F.write([p]))


@given(full_papers())
def test_every_field_round_trips_and_validates(p: Paper) -> None:
    p = _keyed(p)
    out = F.write([p])
    assert F.read(out).papers == (p,)
    assert F.write(F.read(out).papers) == out
    assert not _schema_errors(out)


# ---------------------------------------------------------------------------------------------
# lenient reading


def _read1(text: str) -> tuple[Paper, list[str]]:
    result = F.read(text, source="t.json")
    assert len(result.papers) == 1
    return result.papers[0], [d.code for d in result.diagnostics]


def test_real_world_non_schema_input() -> None:
    p, codes = _read1(
        '{"id": 7, "type": "article-journal", "issued": "2017-06-12", "accessed": {"raw": "2020-01-02"},'
        ' "volume": 3, "page": 117, "license": "CC-BY", "citation-key": "x"}'
    )
    assert p.key == "7" and p.volume == "3" and p.page == "117"
    assert p.issued == Date(year=2017, month=6, day=12) and p.accessed == Date(year=2020, month=1, day=2)
    assert p.extra == (("license", "CC-BY"), ("citation-key", "x"))
    assert codes == ["PC500", "PC508", "PC508", "PC506"]


def test_string_date_parts_and_open_ranges() -> None:
    p, _ = _read1('[{"id": "a", "type": "book", "issued": {"date-parts": [["2020"]]}}]')
    assert p.issued == Date(year=2020)
    p, _ = _read1('[{"id": "a", "type": "book", "issued": {"date-parts": [[2020], []]}}]')
    assert p.issued == Date(year=2020, end=Date())
    p, _ = _read1('[{"id": "a", "type": "book", "issued": {"date-parts": [[2020, 3], [0]]}}]')
    assert p.issued == Date(year=2020, month=3, end=Date())
    p, codes = _read1('[{"id": "a", "type": "book", "issued": {"date-parts": [[2020, 13, 40]]}}]')
    assert p.issued == Date(year=2020, season=1) and codes == ["PC508"]
    p, codes = _read1('[{"id": "a", "type": "book", "issued": "sometime in 1990"}]')
    assert p.issued == Date(literal="sometime in 1990") and "PC220" in codes


def test_zotero_preprint_is_recognised() -> None:
    (p,) = F.read((GOLDEN / "zotero-preprint.json").read_text(encoding="utf-8")).papers
    assert p.arxiv == ArxivId(id="2008.12284")
    assert p.number is None and p.doi is None and p.publisher is None
    assert p.url == "http://arxiv.org/abs/2008.12284"


def test_markup_decoded_and_kept_for_rewriting() -> None:
    text = '[{"id": "a", "type": "book", "title": "H<sub>2</sub>O and <span class=\\"nocase\\">pH</span>"}]'
    p, codes = _read1(text)
    assert p.title == "H2O and pH" and p.title_nocase == ((8, 10),) and codes == ["PC509"]
    assert json.loads(F.write([p]))[0]["title"] == 'H<sub>2</sub>O and <span class="nocase">pH</span>'
    assert json.loads(F.write([p.replace(title="H2O and pH!")]))[0]["title"] == (
        'H2O and <span class="nocase">pH</span>!'
    )


def test_errors_carry_json_path_and_line() -> None:
    text = (
        '[\n {"id": "a", "type": "book"},\n {"id": "b", "type": "book",\n'
        '  "author": [{"family": "X", "ORCID": "1"}]}\n]'
    )
    result = F.read(text, source="f.json")
    (d,) = result.diagnostics
    assert d.position is not None
    assert (d.position.line, d.position.column, d.position.path) == (3, 2, "$[1].author[0].ORCID")
    assert result.papers[1].extra == (("author[0].ORCID", "1"),)
    assert result.papers[1].origin is not None and result.papers[1].origin.line == 3


def test_invalid_json_gives_one_error_and_no_papers() -> None:
    result = F.read('[{"id": "a",\n "type": }]', source="x.json")
    assert result.papers == ()
    assert [(d.code, d.position.line, d.position.column) for d in result.diagnostics if d.position] == [
        ("PC100", 2, 10)
    ]


def test_empty_and_non_array_inputs() -> None:
    assert F.read("").papers == () and F.read("  \n").diagnostics == ()
    assert F.read("[]").papers == ()
    r = F.read("42")
    assert r.papers == () and [d.code for d in r.diagnostics] == ["PC500"]
    r = F.read('{"items": [{"id": "a", "type": "book"}]}')
    assert [p.key for p in r.papers] == ["a"]


def test_bad_custom_pubconv_is_reported_not_raised() -> None:
    text = '[{"id": "a", "type": "book", "custom": {"pubconv": {"issued": {"month": 13}, "nope": 1}}}]'
    p, codes = _read1(text)
    assert p.issued is None and codes == ["PC507", "PC507"]


def test_sniff() -> None:
    assert F.sniff('[\n  {\n    "id": "a",\n    "type": "book"')
    assert F.sniff('{"type": "book", "id": 1}')
    assert not F.sniff('[{"title": "A Title", "type": "article"}]'), "pubconv's paper.json has no id"
    assert not F.sniff('{"pandoc-api-version": [1], "blocks": []}')
    assert not F.sniff("@article{k, title={T}}")


# ---------------------------------------------------------------------------------------------
# corpus and interop


def _corpus_papers() -> list[Paper]:
    root = CORPUS / "bibtex"
    if not root.is_dir():
        pytest.skip(f"corpus not found at {root}")
    out: list[Paper] = []
    for f in sorted(root.glob("*.bib")):
        if f.name != "tugboat.bib":  # the largest file; the rest cover the same ground
            out += bibtex.read(f.read_text(encoding="utf-8", errors="replace"), source=f.name).papers
    return out


def test_bibtex_corpus_round_trips_exactly_and_validates() -> None:
    ps = _corpus_papers()
    out = F.write(ps)
    assert not _schema_errors(out)
    back = F.read(out).papers
    assert [p.replace(key=b.key) for p, b in zip(ps, back, strict=True)] == list(back)
    assert F.write(back) == out


def test_pandoc_reads_our_csl_json(tmp_path: Path) -> None:
    if importlib.util.find_spec("pypandoc") is None:
        pytest.skip("pypandoc (pypandoc-binary) is not installed")
    import pypandoc  # type: ignore[import-not-found]

    src = tmp_path / "refs.json"
    src.write_text(F.write(listing.read(SEED.read_text(encoding="utf-8")).papers), encoding="utf-8")
    out = pypandoc.convert_file(str(src), "csljson", format="csljson")
    titles = [i["title"] for i in json.loads(out)]
    assert "Gemma 2: Improving Open Language Models at a Practical Size" in titles


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
_csl_keys = st.sampled_from(
    ["id", "type", "title", "author", "issued", "accessed", "volume", "DOI", "number", "publisher", "URL",
     "custom", "keyword", "ISBN", "archive", "license", "shortTitle", "event", "categories"]
)  # fmt: skip
_items = st.dictionaries(
    _csl_keys, _json_values | st.sampled_from(["book", "article", "2020-01-02"]), max_size=8
)


@given(st.lists(_items | _json_values, max_size=3))
def test_reader_never_raises_on_arbitrary_json(data: list[Any]) -> None:
    result = F.read(json.dumps(data), source="fuzz.json")
    for p in result.papers:
        (back,) = F.read(F.write([p])).papers
        assert back == p.replace(key=back.key)
    assert all(d.position is not None for d in result.diagnostics)


@given(
    st.dictionaries(
        st.sampled_from(["pubconv"]),
        st.dictionaries(
            st.sampled_from(
                ["issued", "author", "title_nocase", "arxiv", "category", "extra", "has_code", "isbn", "type"]
            ),
            _json_values,
            max_size=4,
        ),
    )
)
def test_reader_never_raises_on_arbitrary_custom_pubconv(custom: dict[str, Any]) -> None:
    F.read(json.dumps([{"id": "a", "type": "book", "custom": custom}]))


@given(st.lists(papers(), max_size=6), st.booleans(), st.sampled_from([16, 100, 1 << 16]))
def test_streamed_read_equals_the_whole_read(ps: list[Paper], one_line: bool, chunk: int) -> None:
    # iter_read decodes the array item by item from a buffer of whole lines; small buffers
    # exercise the refills and the dropping of what was read
    from unittest import mock

    text = F.write(ps, diagnostics=[])
    if one_line:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    whole = F.read(text, source="s")
    with mock.patch.object(F, "_STREAM_CHUNK", chunk):
        items = list(F.iter_read(text.splitlines(keepends=True), source="s"))
    assert tuple(i for i in items if isinstance(i, Paper)) == whole.papers
    got = sorted(str(i) for i in items if not isinstance(i, Paper))
    assert got == sorted(str(d) for d in whole.diagnostics)


def test_streamed_read_keeps_the_items_before_a_syntax_error() -> None:
    text = '[\n  {"id": "a", "type": "book", "title": "A"},\n  {"id": "b", "title": }\n]\n'
    items = list(F.iter_read(text.splitlines(keepends=True), source="s"))
    papers_read = [i for i in items if isinstance(i, Paper)]
    errors = [i for i in items if not isinstance(i, Paper) and i.code == "PC100"]
    assert [p.key for p in papers_read] == ["a"]
    assert len(errors) == 1 and errors[0].position is not None
    assert (errors[0].position.line, errors[0].position.column) == (3, 24)
