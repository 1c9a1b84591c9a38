"""Paper -> dict -> schema-valid -> Paper, and the schema tracks the model."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest
from hypothesis import given

from pubconv.model import Paper
from pubconv.serialize import paper_from_dict, paper_to_dict

from .paths import ROOT
from .strategies import papers

SCHEMA = json.loads((ROOT / "schemas" / "paper.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_schema_covers_every_serialised_field() -> None:
    fields = {f.name for f in dataclasses.fields(Paper)} - {"origin", "raw"}
    assert set(SCHEMA["properties"]) == fields


@given(papers())
def test_paper_dict_roundtrip_is_schema_valid(paper: Paper) -> None:
    data = paper_to_dict(paper)
    VALIDATOR.validate(json.loads(json.dumps(data)))
    assert paper_from_dict(json.loads(json.dumps(data))) == paper


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "preprint"},
        {"type": "article", "colour": "red"},
        {"type": "article", "author": [{"family": "A", "literal": "B"}]},
        {"type": "article", "issued": {"year": 2020, "day": 3}},
        {"type": "article", "arxiv": {"id": "not-an-id"}},
    ],
)
def test_schema_rejects_invalid(bad: dict[str, object]) -> None:
    assert list(VALIDATOR.iter_errors(bad))


def test_from_dict_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match="colour"):
        paper_from_dict({"type": "article", "colour": "red"})
