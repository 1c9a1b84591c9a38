"""Fast paths against their straightforward reference implementations (issue 5 speed work).

Each optimised function must return exactly what the simple version returns; the
references below are the one-regex forms the fast paths replaced.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from pubconv import keys, latex
from pubconv.latex import _enc_sub

_REF_ASCII = re.compile(r"[\\{}&%$#_~^`\n\r\t]|-(?=[-–—])|'(?=['”])|[^\x00-\x7f]")
_REF_NEEDED = re.compile(r"[\\{}&%$#_~^`\n\r\t]|--|''|[^\x00-\x7f]")
_REF_UNI = re.compile(r"[\\{}&%$#_~^`\n\r\t]|-(?=[-–—])|'(?=['”])|[–—“”‘\u00a0]")


def _ref_encode(text: str, unicode: bool) -> str:
    if _REF_NEEDED.search(text) is None:
        return text
    return (_REF_UNI if unicode else _REF_ASCII).sub(_enc_sub, text)


# text dense in the characters the encoder treats specially
_TRICKY = st.text(
    alphabet=st.sampled_from(list("ab -'\\{}&%$#_~^`\n\r\t–—“”‘\u00a0éŁ\u0301ǅ2Ⅻ")) | st.characters(),
    max_size=40,
)


@given(_TRICKY, st.booleans())
@example("---", False)
@example("–--—-'''”''", False)
@example("a\\{b}c~d^e`f_g", True)
@example("'”'–-—", True)
def test_encode_matches_reference(text: str, unicode: bool) -> None:
    assert latex.encode(text, unicode=unicode) == _ref_encode(text, unicode)


def _ref_spans(title: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\W_]+", title):
        w = m.group(0)
        if len(w) < 2:
            continue
        rest = w[1:]
        if (not rest.islower() and any(c.isupper() for c in rest)) or (
            any(c.isdigit() for c in w) and any(c.isupper() for c in w)
        ):
            spans.append((m.start(), m.end()))
    return tuple(spans)


_WORDY = st.text(alphabet=st.sampled_from(list("aBc Dé2²ǅⅫİ-_.xYZ")) | st.characters(), max_size=40)


@given(_WORDY)
@example("RoboCLIP and MAML on iPhone with GPT4 2B Gemma ǅa aǅ x²Y")
def test_auto_protect_spans_match_reference(title: str) -> None:
    assert latex.auto_protect_spans(title) == _ref_spans(title)


def _ref_fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text.translate(keys._SPECIAL_FOLD))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "", text)


@given(_WORDY)
@example("Sébastien-Ø'Brien")
@example("ABC def_12")
def test_key_fold_matches_reference(text: str) -> None:
    assert keys.fold(text) == _ref_fold(text)


def test_listing_shape_keeps_classes_word_chars_and_literals() -> None:
    """The splitter's patterns see a shape of the text; every BMP character must keep its class."""
    from pubconv import _listing_split as split

    upper_re, other_re, word_re, misc_re = (
        re.compile(split.U),
        re.compile(split.L),
        re.compile(r"\w"),
        re.compile(r"\s|\d"),
    )
    for cp in range(0x10000):
        ch = chr(cp)
        shape = split._shape(ch)
        assert len(shape) == 1
        upper = ch.isupper() or ch.istitle()
        other = not upper and (ch.isalpha() or 0x300 <= cp <= 0x36F)
        assert (upper_re.fullmatch(shape) is not None) == upper, hex(cp)
        assert (other_re.fullmatch(shape) is not None) == other, hex(cp)
        assert (word_re.fullmatch(shape) is None) == (word_re.fullmatch(ch) is None), hex(cp)
        assert (misc_re.fullmatch(shape) is None) == (misc_re.fullmatch(ch) is None), hex(cp)
        if cp < 0x80 or not (upper or other):
            assert shape == ch, hex(cp)
    astral = "\U0001d400x"
    assert split._shape("É" + astral) == "À" + astral


@given(st.lists(st.text(max_size=6), max_size=300), st.lists(st.text(max_size=6), max_size=50))
def test_key_set_matches_a_set(added: list[str], probes: list[str]) -> None:
    compact = keys._KeySet()
    exact: set[str] = set()
    for k in added:
        compact.add(k)
        exact.add(k)
        assert k in compact
    assert len(compact) == len(exact)
    for k in probes + added:
        assert (k in compact) == (k in exact)


def test_key_allocator_many_collisions_stay_unique() -> None:
    from pubconv.model import Date, Name, Paper

    alloc = keys.KeyAllocator()
    paper = Paper(title="Same", author=(Name(family="Smith"),), issued=Date(year=2020))
    got = [alloc.allocate(paper) for _ in range(3000)]
    assert len({k.lower() for k in got}) == 3000
    assert got[:3] == ["smith2020same", "smith2020samea", "smith2020sameb"]
    assert len(alloc.used) == 3000


def test_lazily_compiled_patterns_behave_like_compiled_ones() -> None:
    import re

    from pubconv._lazyre import lazy

    pat = lazy(r"(?P<w>[a-z]+)(\d)?", re.I)
    assert "search" not in vars(pat), "nothing compiled before the first use"
    assert pat.search("12 Ab3").group("w") == "Ab"  # type: ignore[union-attr]
    assert pat.sub("-", "ab cd") == "- -"
    assert [m.group() for m in pat.finditer("a1 b")] == ["a1", "b"]
    assert pat.groups == 2 and pat.groupindex == {"w": 1} and pat.flags & re.I
    assert vars(pat)["search"] == re.compile(r"(?P<w>[a-z]+)(\d)?", re.I).search
