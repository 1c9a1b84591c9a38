"""The canonical model: immutability, validation, helpers."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pubconv.model import ArxivId, Date, Name, Paper, Position

from .strategies import papers


def test_paper_is_frozen_and_hashable() -> None:
    p = Paper(title="T", author=(Name(given="A", family="B"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.title = "U"  # type: ignore[misc]
    assert hash(p) == hash(Paper(title="T", author=(Name(given="A", family="B"),)))
    assert not hasattr(p, "__dict__"), "slotted"


def test_origin_and_raw_are_not_part_of_equality() -> None:
    a = Paper(title="T", origin=Position(source="a.bib", line=3, column=1), raw=(("title", "{T}"),))
    b = Paper(title="T")
    assert a == b


def test_unknown_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="item type"):
        Paper(type="preprint")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"year": 2020, "month": 13}, "month"), ({"year": 2020, "day": 3}, "day"), ({"season": 5}, "season")],
)
def test_date_validation(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Date(**kwargs)


def test_date_precision_and_iso() -> None:
    assert Date(year=2020).precision == "year"
    assert Date(year=2020, month=8).isoformat() == "2020-08"
    assert Date(year=2020, month=8, day=27).precision == "day"
    assert Date(year=1998, season=1).precision == "season"
    assert Date(literal="forthcoming").precision is None
    rng = Date(year=1988, end=Date(year=1992))
    assert rng.end is not None and rng.end.year == 1992


def test_name_display() -> None:
    assert Name(given="Robert P. C.", particle="de", family="Marrais").display() == "Robert P. C. de Marrais"
    assert Name(given="John", family="Smith", suffix="Jr.").display() == "John Smith Jr."
    assert Name(literal="Gemma Team").display() == "Gemma Team"
    assert Name(literal="Gemma Team").is_literal


@pytest.mark.parametrize(
    ("text", "ident", "version"),
    [
        ("2008.12284", "2008.12284", None),
        ("arXiv:2202.01037v2", "2202.01037", 2),
        ("https://arxiv.org/abs/1706.03762v5", "1706.03762", 5),
        ("10.48550/arXiv.2008.12284", "2008.12284", None),
        ("math.CA/0611800v2", "math/0611800", 2),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("0704.0028", "0704.0028", None),
    ],
)
def test_arxiv_parse(text: str, ident: str, version: int | None) -> None:
    a = ArxivId.parse(text)
    assert a is not None and a.id == ident and a.version == version


@pytest.mark.parametrize("text", ["", "10.1000/xyz", "1234.123", "arXiv:abc", "2008.12284vx"])
def test_arxiv_parse_rejects(text: str) -> None:
    assert ArxivId.parse(text) is None


def test_arxiv_forms() -> None:
    a = ArxivId(id="2008.12284", version=1)
    assert str(a) == "2008.12284v1"
    assert a.doi == "10.48550/arXiv.2008.12284"
    assert a.url == "https://arxiv.org/abs/2008.12284v1"


# --- pickling (what --jobs workers send back) -------------------------------------------


def _every_field(p: Paper) -> tuple[object, ...]:
    """All field values, the ones equality ignores (origin, raw) included."""
    return tuple(getattr(p, f.name) for f in dataclasses.fields(p))


@settings(max_examples=150, deadline=None)
@given(papers(), st.integers(min_value=0, max_value=5))
def test_pickle_round_trip_keeps_every_field(p: Paper, protocol: int) -> None:
    p = p.replace(
        origin=Position(source="a.bib", line=7, column=2, path="$[0]"),
        raw=(("title", "{T}"), ("bibtex:raw", "x")),
    )
    back = pickle.loads(pickle.dumps(p, protocol=protocol))
    assert type(back) is Paper
    assert back == p
    assert _every_field(back) == _every_field(p)  # origin and raw too (not part of ==)
    assert back.origin == p.origin


def test_pickle_state_is_the_tuple_of_field_values() -> None:
    n = Name(family="Knuth", given="Donald E.")
    assert n.__getstate__() == ("Knuth", "Donald E.", None, None, None, None)  # type: ignore[attr-defined]


def test_pickles_from_the_dataclasses_state_form_still_load() -> None:
    """dataclasses' own __getstate__ gave a list in field order: such pickles load the same."""
    p = Paper(title="T", author=(Name(family="B"),), issued=Date(year=2020, month=8))
    fresh = object.__new__(Paper)
    fresh.__setstate__([getattr(p, f.name) for f in dataclasses.fields(p)])  # type: ignore[attr-defined]
    assert fresh == p and _every_field(fresh) == _every_field(p)


def test_restored_objects_stay_frozen() -> None:
    back = pickle.loads(pickle.dumps(Date(year=2020)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.year = 2021  # type: ignore[misc]
