"""The canonical model: immutability, validation, helpers."""

from __future__ import annotations

import dataclasses

import pytest

from pubconv.model import ArxivId, Date, Name, Paper, Position


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
