"""Splitting a listing byline into title, authors, et-al flag and organisation tag.

A listing byline glues the title to the author list with no separator::

    Policy-Induced Self-Supervision Improves Finetuning in Visual RLSébastien M. R. Arnold, Fei Sha

The method (see :func:`split_byline`):

1. Peel the explicit parts off the end: the organisation tag after the last
   ``" · "`` (an empty tag, a trailing ``" ·"``, means "no organisation" and
   is how the writer escapes a title containing ``" · "``), then ``" et al."``.
2. If the rest contains :data:`SEPARATOR` (U+2063 INVISIBLE SEPARATOR, which
   only pubconv's writer emits when the heuristics below would go wrong), the
   title is what precedes it and the authors what follows.
3. Otherwise cut the rest at ``", "``. The items at the end that look like
   names are authors; the *glued* item holds the end of the title and the
   first author. The glued item is the right-most item that does not look
   like a name (or any item after it); inside it, candidate split points are
   the positions where a non-space character is immediately followed by an
   upper-case letter within the last few words (a first author has at most
   :data:`MAX_NAME_WORDS` words and its first word at most
   :data:`MAX_TOKEN` characters, so candidates are bounded). A candidate is
   valid when the remainder parses as a name (capitalised words, initials,
   particles, hyphenated parts, nicknames; or an organisation with a cue
   word) and the title does not end in a character no title ends with
   (``-``, ``(``, ``/``). Valid candidates are ranked by a cost that sums how
   odd the title's last word is (a camel-case word, more so when it starts
   lower-case, when its last hump is short like a name prefix ``Mc``/``In``,
   or when a long ordinary word runs into the hump ``GeometryEun``; a
   dangling initial ``frictionG.``; a split inside an upper-case run; while
   ``?``, ``)``, digits, acronyms and their plurals ``LLMs`` are natural
   ends), how odd the author is (camel-case or all-capital first word, a
   single-word name, many words) and signs of glue left inside the title or
   the name (``DSAMeituan``: capitals running into a capitalised word). The
   cheapest wins; a tie goes to the longer name.
4. Nothing valid: the byline is the title and there are no authors
   (the caller reports PC300).

Everything is linear in the length of the byline: regexes are anchored, their
repetitions are bounded or over disjoint character classes, and each item is
examined a bounded number of times.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import re
from typing import Final, NamedTuple

from .names import ORG_CUES

__all__ = [
    "MAX_NAME_WORDS",
    "MAX_TOKEN",
    "ORG_CUES",
    "SEPARATOR",
    "Byline",
    "is_org",
    "looks_like_name",
    "split_byline",
    "split_title_authors",
]

#: Explicit title/author separator (U+2063 INVISIBLE SEPARATOR); written only when needed.
SEPARATOR: Final = "\u2063"
#: Organisation tag separator.
ORG_MARK: Final = " \u00b7 "
ETAL: Final = " et al."

#: Most words a personal name may have.
MAX_NAME_WORDS: Final = 6
#: Most words an organisation author may have.
MAX_ORG_WORDS: Final = 8
#: Longest first word of the first author considered (bounds the candidate scan).
MAX_TOKEN: Final = 40

_MAX_NAME_CHARS: Final = 120

#: First words that make an author an organisation (``Team HY-World``).
_ORG_LEAD: Final = frozenset({"Team", "The"})

#: Lower-case words that are name particles (BibTeX's *von* part), in many languages.
PARTICLES: Final = frozenset(
    {
        "de", "da", "do", "dos", "das", "del", "della", "delle", "dello", "dei", "degli", "di",
        "du", "des", "la", "le", "les", "lo", "van", "von", "vom", "der", "den", "dem", "ter",
        "ten", "te", "het", "op", "zu", "zur", "zum", "af", "av", "y", "e", "i", "bin", "binti",
        "bint", "ibn", "al", "el", "ben", "bat", "st.", "d'", "l'", "'t", "mac", "ap", "ua",
    }
)  # fmt: skip
#: English function words: an item containing one is title text, not a name.
_STOPWORDS: Final = frozenset(
    {
        "a", "an", "the", "and", "or", "of", "for", "in", "on", "with", "to", "via", "from",
        "by", "using", "is", "are", "at", "as", "into", "over", "under", "towards", "toward",
        "through", "without", "beyond", "between", "its", "their", "we", "our", "can", "not",
    }
)  # fmt: skip


# The patterns below see a *shape* of the text (:func:`_shape`), not the text itself: every
# non-ASCII upper-case letter of the BMP becomes ``À`` (or ``Ⓐ`` for the few upper-case
# symbols that are not word characters), every other non-ASCII letter ``à``, every combining
# accent U+0300-U+036F ``\u0301``; everything else is kept, one character for one, so
# offsets carry over. The letter classes are then a handful of characters and compile in
# milliseconds, where classes spelling out every letter of the BMP took most of a second.
# Membership in the classes, ``\w``/``\b`` and every literal the patterns use are unchanged
# (the stand-ins are themselves members of the class they stand for and have the same
# word-character property), so each pattern matches the shape exactly where the original
# classes matched the text.
_UPPER_W = "\u00c0"  # À: an upper-case word character
_UPPER_NW = "\u24b6"  # Ⓐ: an upper-case character that is not a word character
_OTHER_W = "\u00e0"  # à: another letter
_OTHER_NW = "\u0301"  # a combining accent (not a word character)


class _ShapeTable(dict[int, int]):
    """``str.translate`` table for :func:`_shape`, filled on first sight of each BMP character."""

    def __missing__(self, cp: int) -> int:
        if cp >= 0x10000:
            raise LookupError(cp)  # astral characters are outside the classes: kept as they are
        ch = chr(cp)
        if cp < 0x80:
            out = cp
        elif ch.isupper() or ch.istitle():
            out = ord(_UPPER_W if ch.isalnum() else _UPPER_NW)
        elif ch.isalpha() or 0x300 <= cp <= 0x36F:  # letters and combining accents
            out = ord(_OTHER_W if ch.isalnum() else _OTHER_NW)
        else:
            out = cp
        self[cp] = out  # at most one entry per BMP code point
        return out


_SHAPES: Final = _ShapeTable()


def _shape(text: str) -> str:
    """``text`` with letters replaced by their class stand-ins (ASCII text is its own shape)."""
    return text if text.isascii() else text.translate(_SHAPES)


_U = f"A-Z{_UPPER_W}{_UPPER_NW}"
_L = f"a-z{_OTHER_W}{_OTHER_NW}"
U: Final = f"[{_U}]"
L: Final = f"[{_L}]"
_APOS = "'\u2019"
_HY = "\\-\u2010"

# A capitalised word, optionally camel-cased (McDonald, O'Brien, Sébastien, DeSimone).
_CAPW = f"{U}(?:[{_L}{_APOS}]+(?:{U}{L}[{_L}{_APOS}]*)*)?"
# ... with hyphenated parts (Benoit-Lévy, Hung-yi, Max-K, Raaschou-jensen).
_CAPWH = f"{_CAPW}(?:[{_HY}](?:{_CAPW}|{L}+))*"
# Initials: A. / A.M. / R.H.J. / J.-L. / Ch.
_INIT = f"{U}{L}?\\.(?:[{_HY}]?{U}{L}?\\.)*"
# An initial glued to the family name: T.Geisser, N.Kartashov.
_INITW = f"{_INIT}{_CAPWH}"
# All capitals (NVIDIA, HY-World, LLM-Core, II).
_CAPS = f"{U}{U}+(?:[{_HY}](?:{U}+|{_CAPW}))*"
_PART = "|".join(sorted((re.escape(p) for p in PARTICLES), key=len, reverse=True))
# A quoted nickname: "Richie", “Richie”, (Richie).
_NICK = f'(?:"[^"\\s]+"|\u201c[^\u201d\\s]+\u201d|\\({U}[^)\\s]*\\))'

_TOKEN_CAMEL = re.compile(f"{U}[{_L}{_APOS}]*{U}")  # prefix test: a hump inside the first word
_TOKEN_CAPS = re.compile(_CAPS)
_TOKEN_INITW = re.compile(_INITW)
_WORD = f"(?:{_INITW}|{_CAPWH}|{_INIT}|{_CAPS}|{_NICK}|(?:{_PART}))"
_LAST = f"(?:{_INITW}|{_CAPWH}|{_INIT}|{_CAPS})"
#: A personal name: up to MAX_NAME_WORDS words, the last one not a particle or nickname.
_PERSON = re.compile(f"(?:{_WORD} ){{0,{MAX_NAME_WORDS - 1}}}{_LAST}")
#: A first word of a first author glued to the title.
_FIRST = re.compile(f"(?:{_INITW}|{_CAPWH}|{_INIT}|{_CAPS})")
#: A loose word for names that fail the strict pattern (no digits, no sentence punctuation).
_LOOSE_WORD = re.compile(r"[^\s\d?!:;,\[\]{}<>=+*/\\|@#$%^&~]+")
#: Candidate split points: a non-space character followed by an upper-case letter.
_CANDIDATE = re.compile(f"[^\\s](?={U})")
_HAS_UPPER = re.compile(U)
_UPPER = _HAS_UPPER
_BRAND = re.compile(f"{U}[^\\s]*[0-9][^\\s]*")  # Qwen2.5 (organisations only)
_CAMEL_WORD = re.compile(f"{L}{U}")
_INITIALS_ONLY = re.compile(f"{U}\\.?|(?:{U}\\.-?)+")


class Byline(NamedTuple):
    """A byline taken apart; ``authors`` are display strings."""

    title: str
    authors: tuple[str, ...]
    truncated: bool
    organization: str | None
    split_ok: bool
    """False when the byline had text but no author list could be found in it."""


_ORG_BAD = re.compile('[:?!;"\u201c\u201d]')
_ORG_LOWER: Final = frozenset({"of", "for", "the", "and", "on", "in", "at", "de", "du", "la", "für"})


def is_org(name: str) -> bool:
    """True when ``name`` reads as an organisation: a cue word last (``Gemma Team``) or first.

    The other words must look like parts of a proper name (capitalised, all
    capitals, digits, or a few connectives such as ``of``).
    """
    if name[name.rfind(" ") + 1 :] not in ORG_CUES and name[: name.find(" ")] not in _ORG_LEAD:
        return False
    words = name.split()
    if len(words) < 2 or len(words) > MAX_ORG_WORDS:
        return False
    if not (words[-1] in ORG_CUES or words[0] in _ORG_LEAD):
        return False
    if _ORG_BAD.search(name):
        return False
    if not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w in _ORG_LOWER for w in words)


def _name_cost(item: str) -> float | None:
    """How unusual ``item`` is as one author (0 = typical), None when it is no name."""
    if not item or len(item) > _MAX_NAME_CHARS:
        return None  # checked before the memo, which must only hold short strings
    return _short_name_cost(item)


@functools.lru_cache(maxsize=8192)
def _short_name_cost(item: str) -> float | None:
    """:func:`_name_cost` of a non-empty item of at most ``_MAX_NAME_CHARS`` characters.

    Memoised (bounded): a listing names the same authors again and again.
    """
    if is_org(item):
        return 0.5 * max(item.count(" ") - 2, 0)
    shape = _shape(item)
    if _PERSON.fullmatch(shape):
        n = item.count(" ") + 1
        camel = len(_CAMEL_WORD.findall(shape))
        if n == 1:
            if _INITIALS_ONLY.fullmatch(shape):
                return None  # ``A`` or ``G.A.`` alone is no name
            return 2.0 + camel  # a mononym or a bare family name
        return camel + (0.0 if n <= 4 else 0.5 * (n - 4))
    # loose fallback: a few letter words, no function words, something capitalised
    words = item.split(" ")
    if len(words) > MAX_NAME_WORDS:
        return None
    if not all(_LOOSE_WORD.fullmatch(w) for w in words):
        return None
    if any(w.casefold() in _STOPWORDS for w in words):
        return None
    if len(words) == 1 and item.isalpha():
        return 3.0  # a lower-case or odd single word (``bob``)
    if not _HAS_UPPER.match(shape, len(shape) - len(words[-1])) and not _HAS_UPPER.match(shape):
        return None
    return 3.0


def looks_like_name(item: str) -> bool:
    """True when ``item`` can stand as one author of an author list."""
    return _name_cost(item) is not None


_BAD_END = frozenset("-\u2010([{/&+@#_\u00b7")
_STRONG_END = frozenset("?!)]}\"'\u2019\u201d*:;%")
_INIT_END = re.compile(f"[^\\s.\\-]{U}\\.$")
_LONG_HEAD = re.compile(f"{U}?{L}{{6}}{L}*{U}")
_SHORT_HUMP = re.compile(f"{L}{U}{L}?$")
_PLURAL_ACRONYM = re.compile(f"{L}{{0,2}}[{_U}0-9\\-]*{U}{U}s")  # LLMs, PDEs, tRNAs
# Signs of a title word glued to a name: a run of capitals running into a
# capitalised word (``DSAMeituan``), or a word with two humps (``HydroSludgeMeituan``).
_GLUE = re.compile(f"{U}{U}(?!s\\b){L}|{L}{U}[^\\s]*?{L}{U}")


def _glue_count(shape: str) -> int:
    """``len(_GLUE.findall(shape))``, counted word by word.

    A match never spans whitespace (every part of the pattern excludes it), so the count is the
    sum over the words; only a word with an upper-case letter after its first character can
    hold one, and most words are lower-case or capitalised.
    """
    n = 0
    for w in shape.split():
        if len(w) > 2 and not w[1:].islower():
            n += len(_GLUE.findall(w))
    return n


def _title_end_cost(tail: str, first: str) -> float | None:
    """How unusual it is for the title to end in ``tail`` (its last word) before ``first``."""
    c = tail[-1]
    if c in _BAD_END:
        return None
    if c in _STRONG_END:
        return 0.0
    if c.isdigit():
        return 0.3
    if c == ".":
        return 3.0 if _INIT_END.search(_shape(tail)) else 0.8
    if c.isupper() or c.istitle():
        if len(tail) >= 2 and not (tail[-2].isupper() or tail[-2].isdigit()):
            # a single capital after lower case ends the title: MoE, IndeX, frictionG
            return 1.0
        if first[:2].isupper() and len(first) > 1 and first[1].isalpha():
            return 2.0  # the split cuts a run of capitals: NVID|IA
        if len(first) == 1 or not first[1].isalpha():
            return 1.5  # a bare capital after capitals: HD|L Graph
        return 0.3
    if c.isalpha():
        # lower-case end; camel-case words are less likely to end a title than names are to start
        head = tail[0]
        tail = _shape(tail)
        humps = _CAMEL_WORD.search(tail) is not None  # Non-Experts has none, PyTorch has one
        if humps and _PLURAL_ACRONYM.fullmatch(tail):
            return 0.0  # LLMs, PDEs
        if humps:
            cost = 2.0 if head.islower() else 1.0
            if _LONG_HEAD.match(tail):
                cost += 1.5  # a whole word glued to a hump (GeometryEun|Young): brands have short parts
            if _SHORT_HUMP.search(tail):
                cost += 1.0  # a short last hump reads as a name prefix: StudyMc|Donald, ModelIn|Spatio
            return cost
        return 0.0
    return 0.5


def _first_cost(first: str, org: bool) -> float:
    """How unusual ``first`` is as the first word of the first author."""
    first = _shape(first)
    if _TOKEN_CAPS.fullmatch(first):
        return 1.0
    if _TOKEN_CAMEL.match(first):
        return 1.0 if org else 1.5
    if _TOKEN_INITW.fullmatch(first):
        return 0.5  # T.Geisser: initials glued to the family name are rarer than spaced ones
    return 0.0


def _best_split(item: str) -> int | None:
    """The cheapest valid split point in the glued item (a tie goes to the earlier one), or None.

    Candidates are compared left to right, so a later one must cost strictly less to win; its
    glue term (never negative) is only counted when the rest of its cost can still win, and
    not at all when there is only one valid candidate.
    """
    valid: list[tuple[float, int]] = []  # (cost without the glue term, split point)
    best_cost = 0.0
    best: int | None = None
    # the first author lies in the last MAX_NAME_WORDS words (MAX_ORG_WORDS for organisations)
    limit = len(item)
    head = item.rsplit(" ", MAX_ORG_WORDS)
    start = len(head[0]) if len(head) > MAX_ORG_WORDS else 0
    # a name is at most _MAX_NAME_CHARS long, so only the end of the item can hold it
    start = max(start, limit - _MAX_NAME_CHARS - 1)
    shape = _shape(item)
    # the candidates of _CANDIDATE, found faster: the engine skips to each upper-case letter
    for m in _UPPER.finditer(shape, start + 1):
        p = m.start()
        if shape[p - 1].isspace():  # the same test as the pattern's ``\s``
            continue
        word_end = item.find(" ", p)
        if word_end < 0:
            word_end = limit
        if word_end - p > MAX_TOKEN:
            continue
        lo = max(0, p - MAX_TOKEN - 24)  # the title's last word matters only by its end
        sp = item.rfind(" ", lo, p)
        first = item[p:word_end]
        end_cost = _title_end_cost(item[sp + 1 if sp >= 0 else lo : p], first)
        if end_cost is None:
            continue
        name = item[p:]
        first_shape = shape[p:word_end]
        if _FIRST.fullmatch(first_shape):
            org = is_org(name)
        elif _BRAND.fullmatch(first_shape) and is_org(name):
            org = True
        else:
            continue
        if len(name) > _MAX_NAME_CHARS:
            continue
        name_cost = _short_name_cost(name)
        if name_cost is None:
            continue
        valid.append((name_cost + end_cost + _first_cost(first, org), p))
    if len(valid) < 2:
        return valid[0][1] if valid else None  # a lone candidate wins whatever its glue
    for cost, p in valid:
        if best is not None and cost >= best_cost:
            continue  # the glue term only adds: this candidate cannot win
        glue = _glue_count(shape[start:p]) + _glue_count(shape[p:])
        if glue:
            cost += 1.5 * glue
            if best is not None and cost >= best_cost:
                continue
        best_cost, best = cost, p
    return best


def split_title_authors(text: str) -> tuple[str, list[str]] | None:
    """Split ``title+authors`` (no org tag, no et al.) into the title and author strings.

    Returns None when no author list can be found.
    """
    items = text.split(", ")
    n = len(items)
    first_bad = 0
    for i in range(n - 1, -1, -1):
        item = items[i]
        if not item or len(item) > _MAX_NAME_CHARS or _short_name_cost(item) is None:
            first_bad = i
            break
    for g in range(first_bad, n):
        glued = items[g]
        p = _best_split(glued)
        if p is None:
            continue
        title = ", ".join([*items[:g], glued[:p]])
        return title, [glued[p:], *items[g + 1 :]]
    return None


def _fold(text: str) -> str:
    return " ".join(text.split())


def split_byline(line: str) -> Byline:
    """Take a byline apart (see the module docstring for the method)."""
    rest = line.strip()
    org: str | None = None
    if rest.endswith(" \u00b7") or rest == "\u00b7":
        rest = rest[:-1].rstrip()
    else:
        i = rest.rfind(ORG_MARK)
        if i >= 0:
            org = rest[i + len(ORG_MARK) :].strip() or None
            rest = rest[:i].rstrip()
    truncated = False
    if rest.endswith(ETAL):
        truncated = True
        rest = rest[: -len(ETAL)].rstrip()
    elif rest.endswith(" et al"):
        truncated = True
        rest = rest[:-6].rstrip()
    if SEPARATOR in rest:
        title, _, names = rest.partition(SEPARATOR)
        authors = tuple(a for a in (_fold(x) for x in names.split(", ")) if a)
        return Byline(title.strip(), authors, truncated, org, True)
    if not rest:
        return Byline("", (), truncated, org, True)
    found = split_title_authors(rest)
    if found is None:
        return Byline(rest, (), truncated, org, False)
    title, names_found = found
    return Byline(title.strip(), tuple([" ".join(a.split()) for a in names_found]), truncated, org, True)
