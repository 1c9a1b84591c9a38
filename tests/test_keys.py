"""Citation-key generation and allocation."""

from __future__ import annotations

from pubconv.errors import Diagnostic
from pubconv.keys import KeyAllocator, fold, generate_key
from pubconv.model import Date, Name, Paper


def _paper(**kw: object) -> Paper:
    return Paper(**kw)  # type: ignore[arg-type]


def test_generate_key_from_family_year_and_first_title_word() -> None:
    p = _paper(
        title="learn2learn: A Library for Meta-Learning Research",
        author=(Name(family="Arnold", given="Sébastien M. R."),),
        issued=Date(year=2020, month=8),
    )
    assert generate_key(p) == "arnold2020learn2learn"


def test_stopwords_and_folding() -> None:
    p = _paper(
        title="When MAML Can Adapt Fast",
        author=(Name(family="Ødegård", given="X"),),
        issued=Date(year=2019),
    )
    assert generate_key(p) == "odegard2019maml"
    assert fold("Straße Łódź") == "strasselodz"


def test_literal_author_uses_first_word_and_missing_parts() -> None:
    assert generate_key(_paper(title="Gemma 2", author=(Name(literal="Gemma Team"),))) == "gemmagemma"
    assert generate_key(_paper()) == "anon"


def test_allocator_suffixes_collisions_and_reports() -> None:
    alloc = KeyAllocator()
    diags: list[Diagnostic] = []
    p = _paper(title="Same Title", author=(Name(family="Doe"),), issued=Date(year=2000))
    keys = [alloc.allocate(p, diags) for _ in range(3)]
    assert keys == ["doe2000same", "doe2000samea", "doe2000sameb"]
    assert [d.code for d in diags] == ["PC402"] * 3


def test_allocator_keeps_existing_keys_and_renames_duplicates() -> None:
    alloc = KeyAllocator()
    diags: list[Diagnostic] = []
    assert alloc.allocate(_paper(key="knuth84"), diags) == "knuth84"
    assert diags == []
    assert alloc.allocate(_paper(key="Knuth84"), diags) == "Knuth84a"  # BibTeX keys are case-insensitive
    assert diags[0].code == "PC402"


def test_allocator_rejects_invalid_keys() -> None:
    alloc = KeyAllocator()
    key = alloc.allocate(_paper(key="has space", author=(Name(family="Doe"),)), valid=lambda k: " " not in k)
    assert key == "doe"
