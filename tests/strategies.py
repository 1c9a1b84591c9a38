"""Hypothesis strategies built from the model's types.

``papers()`` draws any valid Paper (every field, arbitrary printable text);
format tests restrict it to what a format declares in ``SUPPORTS``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from pubconv.model import ITEM_TYPES, ArxivId, Category, Date, Name, Paper

# printable text without control characters or surrogates; formats normalise whitespace
_ALPHABET = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))


def text(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    """Non-empty text without leading/trailing or repeated spaces."""
    return (
        st.text(_ALPHABET, min_size=min_size, max_size=max_size)
        .map(lambda s: " ".join(s.split()))
        .filter(lambda s: len(s) >= min_size)
    )


WORD = st.from_regex(r"[A-Z][a-z]{1,10}", fullmatch=True)


@st.composite
def names(draw: st.DrawFn) -> Name:
    if draw(st.integers(0, 9)) == 0:
        return Name(literal=draw(text(max_size=30)))
    return Name(
        given=draw(st.none() | text(max_size=20)),
        family=draw(text(max_size=20)),
        particle=draw(st.none() | st.sampled_from(["van", "de", "von der", "da"])),
        suffix=draw(st.none() | st.sampled_from(["Jr.", "III"])),
    )


@st.composite
def dates(draw: st.DrawFn, ranges: bool = True) -> Date:
    year = draw(st.integers(1000, 2100))
    month = draw(st.none() | st.integers(1, 12))
    day = draw(st.integers(1, 28)) if month is not None and draw(st.booleans()) else None
    season = draw(st.integers(1, 4)) if month is None and draw(st.integers(0, 5)) == 0 else None
    end = None
    if ranges and draw(st.integers(0, 5)) == 0:
        end = draw(dates(ranges=False))
    return Date(year=year, month=month, day=day, season=season, circa=draw(st.booleans()), end=end)


arxiv_ids = st.builds(
    ArxivId,
    id=st.from_regex(r"(0[7-9]|1\d|2[0-5])(0[1-9]|1[0-2])\.\d{5}", fullmatch=True),
    version=st.none() | st.integers(1, 9),
)

opt_text = st.none() | text()


@st.composite
def papers(draw: st.DrawFn) -> Paper:
    title = draw(opt_text)
    spans: tuple[tuple[int, int], ...] | None = None
    if title is not None and draw(st.booleans()):
        a = draw(st.integers(0, len(title)))
        b = draw(st.integers(a, len(title)))
        spans = ((a, b),) if b > a else ()
    return Paper(
        type=draw(st.sampled_from(sorted(ITEM_TYPES))),
        key=draw(st.none() | st.from_regex(r"[a-z]{2,8}[0-9]{4}[a-z]{0,6}", fullmatch=True)),
        title=title,
        title_nocase=spans,
        author=tuple(draw(st.lists(names(), max_size=4))),
        author_truncated=draw(st.booleans()),
        editor=tuple(draw(st.lists(names(), max_size=2))),
        issued=draw(st.none() | dates()),
        accessed=draw(st.none() | dates(ranges=False)),
        container_title=draw(opt_text),
        volume=draw(st.none() | st.from_regex(r"[1-9][0-9]{0,2}", fullmatch=True)),
        issue=draw(st.none() | st.from_regex(r"[1-9][0-9]?", fullmatch=True)),
        page=draw(st.none() | st.from_regex(r"[1-9][0-9]{0,3}(-[1-9][0-9]{0,3})?", fullmatch=True)),
        publisher=draw(opt_text),
        publisher_place=draw(opt_text),
        doi=draw(st.none() | st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9.]{1,12}", fullmatch=True)),
        arxiv=draw(st.none() | arxiv_ids),
        isbn=tuple(draw(st.lists(st.from_regex(r"97[89][0-9]{10}", fullmatch=True), max_size=1))),
        url=draw(st.none() | st.from_regex(r"https://example\.org/[a-z0-9]{1,10}", fullmatch=True)),
        abstract=draw(opt_text),
        keywords=tuple(draw(st.lists(text(max_size=15), max_size=3))),
        category=draw(
            st.none()
            | st.builds(
                Category,
                code=st.sampled_from(["LG", "CO", "cs.LG"]),
                arxiv_class=st.none() | st.just("cs.LG"),
            )
        ),
        language=draw(st.none() | st.sampled_from(["en", "de", "fr-CA"])),
        note=draw(opt_text),
        organization=draw(st.none() | st.sampled_from(["deepmind", "cmu"])),
        has_code=draw(st.booleans()),
        extra=tuple(
            draw(st.lists(st.tuples(st.from_regex(r"[a-z][a-z-]{1,10}", fullmatch=True), text()), max_size=2))
        ),
    )
