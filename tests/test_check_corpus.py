"""``pubconv check`` against real data: the shared corpus, and the official CSL-JSON schema.

* Every corpus file (all formats) is checked without a crash; the TeX Live files'
  known duplicate fields and undefined macros are reported at their exact lines.
* ``schemas/csl-data.schema.json`` (pubconv's own, written from the CSL 1.0.2 spec)
  agrees with the official ``../shared/schemas/csl-data.json`` on valid and invalid
  samples.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pubconv.check import Config, check_paths
from pubconv.check.engine import csl_schema_errors

from .conftest import corpus_dir
from .paths import ROOT, SHARED

OFFICIAL_CSL = SHARED / "schemas" / "csl-data.json"


def _small_files(folder: str, limit: int) -> list[Path]:
    return sorted(p for p in corpus_dir(folder).iterdir() if p.is_file() and p.stat().st_size <= limit)


@pytest.mark.parametrize("folder", ["bibtex", "ris", "jats", "listing"])
def test_corpus_checks_without_crash(folder: str) -> None:
    # files up to 1.2 MB: every format and most files, in a few seconds (tugboat.bib is in the
    # speed check of the CLI tests; the whole corpus runs with `pubconv check ../shared/corpus`)
    files = _small_files(folder, 1_200_000)
    report = check_paths([str(p) for p in files], config=Config())
    assert report.files == [str(p) for p in files]
    assert not report.unreadable
    for d in report.findings:
        assert d.position is not None and d.position.source in report.files
        assert d.position.line is None or d.position.line >= 1


def test_texlive_duplicate_fields_and_macros_are_exact() -> None:
    """printing-history.bib repeats 'subject' twice and texgraph.bib uses an undefined 'ack-bnb'."""
    folder = corpus_dir("bibtex")
    paths = [folder / "printing-history.bib", folder / "texgraph.bib"]
    report = check_paths([str(p) for p in paths], config=Config(select=("PC201", "PC211")))
    texts = {str(p): p.read_text(encoding="utf-8", errors="replace").splitlines() for p in paths}
    dup = [(d.position.line, d.key) for d in report.findings if d.code == "PC201" and d.position]
    assert dup == [(13989, "Rafaeli:2005:BT"), (15228, "Tomlinson:1996:BSE")]
    macros = [d for d in report.findings if d.code == "PC211"]
    assert len(macros) == 32
    for d in report.findings:
        assert d.position is not None and d.position.line is not None and d.position.column is not None
        line = texts[d.position.source][d.position.line - 1]
        field = line[d.position.column - 1 :].split("=")[0].strip().lower()
        if d.code == "PC201":
            assert field == "subject"  # the second occurrence's own line and column
        else:
            assert d.message.split("'")[1] in line.lower()  # the macro is used on that line


# ----------------------------------------------------------------------------- CSL schema agreement

VALID: list[Any] = [
    [],
    [{"id": "a", "type": "book"}],
    [{"id": 1, "type": "article-journal", "title": "T", "page": 12, "volume": "3"}],
    [{"id": "a", "type": "chapter", "author": [{"family": "X", "given": "Y", "parse-names": True}]}],
    [
        {
            "id": "a",
            "type": "book",
            "issued": {"date-parts": [[2020, 2, 29], [2021]]},
            "accessed": {"raw": "2020"},
        }
    ],
    [{"id": "a", "type": "webpage", "custom": {"anything": [1, 2]}, "categories": ["x"], "event": "E"}],
    [{"id": "a", "type": "book", "issued": {"literal": "spring 1999", "circa": 1, "season": "1"}}],
]
INVALID: list[Any] = [
    {"id": "a", "type": "book"},
    [{"type": "book"}],
    [{"id": "a"}],
    [{"id": "a", "type": "journal-article"}],
    [{"id": "a", "type": "book", "pages": "1-2"}],
    [{"id": True, "type": "book"}],
    [{"id": "a", "type": "book", "title": ["T"]}],
    [{"id": "a", "type": "book", "author": {"family": "X"}}],
    [{"id": "a", "type": "book", "author": [{"family": "X", "orcid": "0000"}]}],
    [{"id": "a", "type": "book", "issued": "2020"}],
    [{"id": "a", "type": "book", "issued": {"date-parts": [[2020, 1, 2, 3]]}}],
    [{"id": "a", "type": "book", "issued": {"date-parts": []}}],
    [{"id": "a", "type": "book", "issued": {"date-parts": [[2020], [2021], [2022]]}}],
    [{"id": "a", "type": "book", "issued": {"year": 2020}}],
    [{"id": "a", "type": "book", "categories": "x"}],
    ["not an object"],
]


def _official() -> Any:
    if not OFFICIAL_CSL.is_file():
        pytest.skip(f"official CSL schema not available at {OFFICIAL_CSL}")
    return json.loads(OFFICIAL_CSL.read_text(encoding="utf-8"))


def _official_valid(data: Any) -> bool:
    import jsonschema

    schema = _official()
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    return not list(validator_cls(schema).iter_errors(data))


@pytest.mark.parametrize("data", VALID, ids=lambda d: json.dumps(d)[:50])
def test_csl_schema_agrees_on_valid(data: Any) -> None:
    assert _official_valid(data)
    assert csl_schema_errors(data) == []


@pytest.mark.parametrize("data", INVALID, ids=lambda d: json.dumps(d)[:50])
def test_csl_schema_agrees_on_invalid(data: Any) -> None:
    assert not _official_valid(data)
    assert csl_schema_errors(data)


def test_csl_schema_agrees_on_every_fixture_and_mutation() -> None:
    """Our schema and the official one agree on the repo's CSL-JSON files and one-key mutations of them."""
    samples: list[Any] = []
    for path in sorted((ROOT / "fixtures").rglob("*.json")):
        if path.name.endswith((".paper.json", ".check.json", ".error.json")):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, RecursionError):
            continue  # broken or hostile samples (fixtures/invalid, encodings, nesting limits)
        if isinstance(data, list) and data and all(isinstance(i, dict) and "type" in i for i in data):
            samples.append(data)
    assert samples
    mutations: list[Any] = []
    for data in samples[:10]:
        for key in list(data[0])[:6]:
            broken = copy.deepcopy(data)
            broken[0][key] = {"not": "valid"} if key != "custom" else "x"
            mutations.append(broken)
    for data in samples + mutations:
        assert _official_valid(data) == (csl_schema_errors(data) == []), json.dumps(data)[:200]


def test_own_schema_is_draft7_and_not_a_copy() -> None:
    ours = json.loads((ROOT / "schemas" / "csl-data.schema.json").read_text(encoding="utf-8"))
    assert ours["$schema"] == "http://json-schema.org/draft-07/schema#"
    official = _official()
    assert ours != official
    assert set(ours["definitions"]["item"]["properties"]) == set(official["items"]["properties"])
