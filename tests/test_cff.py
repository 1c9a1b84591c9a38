"""CITATION.cff: reading, writing, the schema and its agreement with the official one, cffconvert interop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubconv import registry
from pubconv._resources import load_schema
from pubconv.errors import CODES
from pubconv.formats import cff
from pubconv.model import Date, Name, Paper

from .paths import FIXTURES, SEED
from .strategies import papers

cffconvert = pytest.importorskip("cffconvert")

VALID = sorted(p for p in (FIXTURES / "cff").glob("*.cff"))
SOFTWARE = (FIXTURES / "cff" / "software-preferred-article.cff").read_text(encoding="utf-8")

MINIMAL = """\
cff-version: 1.2.0
message: Please cite this.
title: tool
authors:
  - family-names: Doe
    given-names: Jane
"""


def _official_schema() -> dict[str, Any]:
    path = Path(cffconvert.__file__).parent / "schemas" / "1.2.0" / "schema.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _plain(text: str) -> Any:
    data, _ = cff.load(text)
    return data


# -- reading -----------------------------------------------------------------------------------------


def test_order_is_preferred_citation_then_work_then_references() -> None:
    result = cff.read(SOFTWARE, source="CITATION.cff")
    assert result.diagnostics == ()
    kinds = [(p.type, p.get_extra(cff.ROLE)) for p in result.papers]
    assert kinds == [
        ("article-journal", "preferred-citation"),
        ("software", None),
        ("book", None),
        ("paper-conference", None),
        ("software", None),
    ]
    pref, work = result.papers[0], result.papers[1]
    assert pref.arxiv is not None and pref.arxiv.id == "2008.12284"
    assert pref.issued == Date(year=2020, month=8)
    assert work.issued == Date(year=2020, month=8, day=27)  # unquoted YAML date read as text
    assert work.doi == "10.5281/zenodo.3874891"
    assert work.get_extra("cff:authors[0].orcid") == "https://orcid.org/0000-0002-1825-0097"
    assert work.author[2] == Name(literal="learn2learn contributors")
    assert result.papers[3].page == "1126-1135"
    assert result.papers[4].author[0] == Name(
        family="Vaart", given="Rafael", particle="van der", suffix="Jr."
    )
    assert work.origin is not None and work.origin.line == 1
    assert pref.origin is not None and pref.origin.line == 22


def test_detection_by_name_and_content() -> None:
    assert registry.detect(MINIMAL, "CITATION.cff").name == "cff"
    assert registry.detect(MINIMAL).name == "cff"
    assert not cff.sniff("title: x\nauthors: []\n")


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("cff-version: 1.2.0\ntitle: [unclosed\n", "PC800", 3, 1),
        ("cff-version: 1.2.0\ntitle: a\ntitle: b\n", "PC800", 3, 1),
        ("a: &x [1]\nb: *x\n", "PC804", 2, 4),
        ("base: &b {t: 1}\nc:\n  <<: *b\n", "PC804", 3, 7),
        ("just text\n", "PC801", 1, 1),
        ("title: x\nauthors: []\nmessage: m\n", "PC801", 1, 1),
    ],
)
def test_unusable_input_is_diagnosed_at_its_line(text: str, code: str, line: int, column: int) -> None:
    diags = cff.read(text, source="c.cff").diagnostics
    assert diags, text
    d = diags[0]
    assert (d.code, d.position and d.position.line, d.position and d.position.column) == (code, line, column)
    assert code in CODES


def test_billion_laughs_is_rejected_fast() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = "cff-version: 1.2.0\n" + "\n".join(lines) + "\n"
    result = cff.read(text)
    assert result.papers == ()
    assert [d.code for d in result.diagnostics] == ["PC804"]
    assert [d.code for d in cff.validate(text, "x")] == ["PC804"]


def test_size_and_depth_limits() -> None:
    assert cff.read("[" * (cff.MAX_DEPTH + 5) + "]" * (cff.MAX_DEPTH + 5)).diagnostics[0].code == "PC803"
    assert cff.read("x" * (cff.MAX_CHARS + 1)).diagnostics[0].code == "PC803"


def test_no_object_construction() -> None:
    text = MINIMAL + "abstract: !!python/object/apply:os.system ['echo hacked']\n"
    result = cff.read(text)
    assert result.papers[0].abstract == "echo hacked" or result.papers[0].abstract is None
    assert all(d.code in CODES for d in result.diagnostics)


# -- writing -----------------------------------------------------------------------------------------


def test_cff_round_trip_is_exact_for_fixtures() -> None:
    for path in VALID:
        papers = cff.read(path.read_text(encoding="utf-8")).papers
        out = cff.write(papers)
        assert cff.read(out).papers == papers, path.name
        assert cff.write(cff.read(out).papers) == out


def test_written_file_is_readable_and_ordered() -> None:
    out = cff.write(cff.read(SOFTWARE).papers)
    assert out.startswith("cff-version: 1.2.0\nmessage: ")
    keys = list(yaml.safe_load(out))
    assert (
        keys.index("title")
        < keys.index("authors")
        < keys.index("preferred-citation")
        < keys.index("references")
    )
    assert "\n  - given-names: Sébastien M. R.\n" in out  # lists indented like hand-written files


def test_listing_papers_become_a_valid_file_with_diagnostics() -> None:
    listing = registry.get("listing").read(SEED.read_text(encoding="utf-8"), source="seed").papers
    diags: list[Any] = []
    out = cff.write(listing, diagnostics=diags)
    assert [d.code for d in diags] == ["PC401"]  # an article as the root
    assert cff.validate(out, "seed.cff") == []
    assert cff.read(out).papers == tuple(cff.normalize(p) for p in listing)


def test_values_cannot_inject_keys() -> None:
    evil = "x\nreferences:\n  - type: book\n    title: injected\n# "
    p = Paper(type="software", title=evil, author=(Name(literal="a: b\n- c"),), abstract="'\"\n--- \n...")
    out = cff.write([p])
    data = yaml.safe_load(out)
    assert data["title"] == evil and "references" not in data
    assert cff.read(out).papers == (p,)


def _cff_papers() -> st.SearchStrategy[Paper]:
    return papers().map(cff.normalize)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_cff_papers(), min_size=1, max_size=3))
def test_round_trip_exact_on_supported_fields(ps: list[Paper]) -> None:
    ps = [p.replace(extra=tuple(e for e in p.extra if e[0] != cff.ROLE)) for p in ps]
    expected = ps[:1]
    for p in ps[1:]:
        if p not in expected[1:]:  # a repeated reference is dropped (PC400)
            expected.append(p)
    out = cff.write(ps, diagnostics=[])
    assert cff.read(out).papers == tuple(expected)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_cff_papers(), min_size=1, max_size=3))
def test_written_files_pass_both_schemas(ps: list[Paper]) -> None:
    out = cff.write(ps, diagnostics=[])
    assert cff.validate(out, "w.cff") == []
    errors = list(jsonschema.Draft7Validator(_official_schema()).iter_errors(_plain(out)))
    assert errors == []


# -- schema validation ---------------------------------------------------------------------------------

INVALID_SAMPLES: dict[str, str] = {
    "missing-authors": "cff-version: 1.2.0\nmessage: m\ntitle: t\n",
    "wrong-version": MINIMAL.replace("1.2.0", "1.1.0"),
    "unknown-key": MINIMAL + "titel: oops\n",
    "bad-doi": MINIMAL + "doi: https://doi.org/10.1/x\n",
    "bad-date": MINIMAL + "date-released: 2020-13-01\n",
    "bad-orcid": MINIMAL + '    orcid: "0000-0002-1825-0097"\n',
    "empty-authors": "cff-version: 1.2.0\nmessage: m\ntitle: t\nauthors: []\n",
    "bad-type": MINIMAL + "type: library\n",
    "bad-license": MINIMAL + "license: Not-A-License\n",
    "author-unknown-key": MINIMAL + "    website-url: https://x.org\n",
    "reference-no-type": MINIMAL + "references:\n  - title: r\n    authors:\n      - name: X\n",
    "reference-bad-month": MINIMAL
    + "references:\n  - type: book\n    title: r\n    authors:\n      - name: X\n    month: 13\n",
    "bad-url": MINIMAL + "repository-code: github.com/x/y\n",
    "bad-identifier": MINIMAL + "identifiers:\n  - type: doi\n    value: nope\n",
    "keywords-not-list": MINIMAL + "keywords: a, b\n",
    "bad-country": MINIMAL + "    country: XX\n",
    "duplicate-authors": MINIMAL + "  - family-names: Doe\n    given-names: Jane\n",
    "many-errors": "cff-version: 1.2.0\nmessage: ''\ntitle: t\nauthors:\n  - nam: X\ndoi: 10/x\nextra: 1\n",
}


@pytest.mark.parametrize("name", sorted(INVALID_SAMPLES))
def test_schemas_agree_on_invalid_samples(name: str) -> None:
    data = _plain(INVALID_SAMPLES[name])
    official = list(jsonschema.Draft7Validator(_official_schema()).iter_errors(data))
    ours = list(jsonschema.Draft7Validator(load_schema(cff.SCHEMA_NAME)).iter_errors(data))
    assert official, name
    assert sorted(tuple(e.absolute_path) for e in ours) == sorted(tuple(e.absolute_path) for e in official)
    assert cff.validate(INVALID_SAMPLES[name], "c.cff")


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_schemas_agree_on_valid_samples(path: Path) -> None:
    for text in (path.read_text(encoding="utf-8"), MINIMAL):
        data = _plain(text)
        assert list(jsonschema.Draft7Validator(_official_schema()).iter_errors(data)) == []
        assert cff.validate(text, path.name) == []


def test_schema_is_draft7_and_our_own() -> None:
    ours = load_schema(cff.SCHEMA_NAME)
    jsonschema.Draft7Validator.check_schema(ours)
    assert ours["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert ours != _official_schema()
    assert set(ours["properties"]) == set(_official_schema()["properties"])
    assert set(ours["definitions"]["reference"]["properties"]) == set(
        _official_schema()["definitions"]["reference"]["properties"]
    )


def test_validate_reports_every_error_with_its_line() -> None:
    text = INVALID_SAMPLES["many-errors"]
    diags = cff.validate(text, "CITATION.cff")
    where = [(d.code, d.position.line, d.position.column) for d in diags if d.position]
    assert where == [
        ("PC802", 2, 10),  # message: '' -> empty
        ("PC802", 5, 5),  # authors[0]: 'nam' is not a person or entity key
        ("PC802", 6, 6),  # doi pattern
        ("PC802", 7, 1),  # unknown key 'extra'
    ]
    assert all(d.severity.value == "error" for d in diags)
    assert "extra" in diags[-1].message and "remove" in diags[-1].message
    assert "10/x" in diags[2].message


def test_validate_points_at_unknown_keys_and_missing_ones() -> None:
    diags = cff.validate(INVALID_SAMPLES["unknown-key"], "c.cff")
    assert [(d.position.line, d.position.column) for d in diags if d.position] == [(7, 1)]
    assert "titel" in diags[0].message
    missing = cff.validate(INVALID_SAMPLES["missing-authors"], "c.cff")
    assert len(missing) == 1 and "authors" in missing[0].message and "add" in missing[0].message


# -- interop with cffconvert -----------------------------------------------------------------------


def _cffconvert(args: list[str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("cffconvert")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cffconvert.cli.cli"]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=60, env=env, check=False)


def test_cffconvert_accepts_what_we_write(tmp_path: Path) -> None:
    listing = registry.get("listing").read(SEED.read_text(encoding="utf-8"), source="seed").papers
    for i, papers_ in enumerate([cff.read(SOFTWARE).papers, listing]):
        path = tmp_path / f"c{i}" / "CITATION.cff"
        path.parent.mkdir()
        path.write_text(cff.write(papers_), encoding="utf-8")
        done = _cffconvert(["--validate", "-i", str(path)])
        assert done.returncode == 0, done.stdout + done.stderr


def test_cffconvert_bibtex_has_our_title_and_authors() -> None:
    papers_ = cff.read(SOFTWARE).papers
    out = cff.write(papers_)
    citation = cffconvert.Citation(out)
    citation.validate()
    bib = citation.as_bibtex()
    work = papers_[1]
    assert f"title = {{{work.title}}}" in bib
    assert "author = {Arnold, Sébastien M. R. and Mahajan, Praateek and learn2learn contributors}" in bib
    assert "Arnold S.M.R., Mahajan P." in citation.as_apalike()


def test_bibtex_conversion_starts_with_the_preferred_citation() -> None:
    papers_ = registry.get("cff").read(SOFTWARE, source="CITATION.cff").papers
    bib = registry.get("bibtex").write(papers_, diagnostics=[])
    assert bib.index("learn2learn: A Library") < bib.index("{learn2learn}")
