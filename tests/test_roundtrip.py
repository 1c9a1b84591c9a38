"""Round trips across the registry: every two-way format carries what the listing carries.

Format-specific properties (``read(write(p)) == normalize(p)`` on hypothesis
strategies) live in each format's own test module; this file holds what every
format owes, so a newly registered format is covered with no new test code.
"""

from __future__ import annotations

import pytest

from pubconv import registry

from .paths import SEED

TWO_WAY = [f for f in registry.all_formats() if f.can_read and f.can_write]
SEED_TEXT = SEED.read_text(encoding="utf-8")


def _ids(f: registry.Format) -> str:
    return f.name


@pytest.mark.parametrize("fmt", TWO_WAY, ids=_ids)
def test_listing_through_format_reproduces_the_seed(fmt: registry.Format) -> None:
    listing = registry.get("listing")
    papers = listing.read(SEED_TEXT, source="seed").papers
    text = fmt.write(papers, diagnostics=[])
    back = fmt.read(text, source=f"seed.{fmt.name}")
    assert not [d for d in back.diagnostics if d.severity.value == "error"]
    assert listing.write(back.papers, diagnostics=[]) == SEED_TEXT + "\n"


@pytest.mark.parametrize("fmt", TWO_WAY, ids=_ids)
def test_writer_is_a_fixed_point_after_one_round(fmt: registry.Format) -> None:
    papers = registry.get("listing").read(SEED_TEXT, source="seed").papers
    once = fmt.write(papers, diagnostics=[])
    twice = fmt.write(fmt.read(once, source="once").papers, diagnostics=[])
    assert twice == once


@pytest.mark.parametrize("fmt", TWO_WAY, ids=_ids)
def test_seed_papers_survive_exactly(fmt: registry.Format) -> None:
    """Every field the seed papers hold that the format supports comes back equal."""
    papers = registry.get("listing").read(SEED_TEXT, source="seed").papers
    back = fmt.read(fmt.write(papers, diagnostics=[]), source="x").papers
    assert len(back) == len(papers)
    for before, after in zip(papers, back, strict=True):
        for name in sorted(fmt.supports - {"key", "title_nocase", "type"}):
            assert getattr(after, name) == getattr(before, name), (fmt.name, before.title, name)
