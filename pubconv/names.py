"""Personal names: BibTeX's First-von-Last splitting, shared by the formats.

:func:`split_parts` implements the rule from "BibTeXing" and Text::BibTeX::Name
on a raw string (brace-aware, so it works on LaTeX source as well as on plain
text): a name has the parts First, von, Last and Jr; the input has 0, 1 or 2
commas at brace level 0; a word is *von* when its first letter at brace level
0 is lower case (a ``{\\'E}``-style special character counts as level 0;
a fully braced word has no case and is never von).

:func:`parse_plain` builds a :class:`~pubconv.model.Name` from display-order
plain text (the listing format, RIS's given-name part), and additionally
recognises trailing generational suffixes (``Jr.``, ``III``), which in plain
text cannot be marked with a comma.

.. versionadded:: 0.1
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from .model import Name

__all__ = [
    "ORG_CUES",
    "NameParts",
    "is_suffix",
    "looks_like_organisation",
    "parse_plain",
    "split_parts",
    "tokens",
]

_SUFFIXES = frozenset(
    {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "vi", "2nd", "3rd", "4th", "jnr", "snr"}
)
_SPACE = re.compile(r"[\s~]+")

#: Last words that make an author an organisation (``Gemma Team``).
ORG_CUES: Final = frozenset(
    {
        "Team", "Teams", "Collaboration", "Consortium", "Lab", "Labs", "Laboratory",
        "Laboratories", "Group", "Project", "Initiative", "Committee", "Society", "Institute",
        "Association", "Foundation", "Council", "Alliance", "Organization", "Organisation",
        "Center", "Centre", "Inc.", "Inc", "Ltd.", "Ltd", "LLC", "Corporation", "Corp.",
        "Company", "Agency", "Department", "University", "Taskforce", "Task-Force", "Force",
        "Community", "Federation", "Programme", "Program", "Network", "Collective", "Board",
        "Office", "Authors", "Contributors", "Members", "Developers", "Working",
    }
)  # fmt: skip
_ORG_CUES_FOLDED: Final = frozenset(w.casefold() for w in ORG_CUES)


def looks_like_organisation(text: str) -> bool:
    """True when a name has an organisation cue word (``Gemma Team``, ``... Research Network``).

    For formats whose names carry no organisation flag (RIS): a cue word anywhere, or more
    words than a personal name has.
    """
    words = text.split()
    return len(words) > 5 or any(w.casefold() in _ORG_CUES_FOLDED for w in words)


_LETTER = re.compile(r"[^\W\d_]")


class NameParts(NamedTuple):
    """The four BibTeX name parts as raw strings (words joined with single spaces)."""

    first: str
    von: str
    last: str
    jr: str


def is_suffix(word: str) -> bool:
    """True for generational suffixes (``Jr.``, ``Sr``, ``III``)."""
    return word.casefold() in _SUFFIXES


def tokens(text: str) -> list[list[str]]:
    """Split ``text`` into comma-separated groups of words, at brace level 0.

    Linear in the input; unbalanced closing braces are treated as characters.
    """
    if "{" not in text and "}" not in text:
        # no brace groups: plain string splitting gives the same words (fast path)
        return [g.replace("~", " ").split() for g in text.split(",")]
    groups: list[list[str]] = [[]]
    word: list[str] = []
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and (ch.isspace() or ch == "~"):
            if word:
                groups[-1].append("".join(word))
                word = []
            continue
        elif depth == 0 and ch == ",":
            if word:
                groups[-1].append("".join(word))
                word = []
            groups.append([])
            continue
        word.append(ch)
    if word:
        groups[-1].append("".join(word))
    return groups


def _case(word: str) -> str:
    """``"lower"``, ``"upper"`` or ``""`` (caseless): the case of the word's first letter at level 0."""
    if "{" not in word and "\\" not in word:
        m = _LETTER.search(word)
        if m is None:
            return ""
        return "lower" if m.group().islower() else "upper"
    depth = 0
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        if ch == "{":
            if depth == 0 and i + 1 < n and word[i + 1] == "\\":
                # special character: the first letter after the control sequence decides
                j = i + 2
                while j < n and word[j].isalpha():
                    j += 1
                cs = word[i + 2 : j]
                if cs in {"ss", "o", "O", "aa", "AA", "l", "L", "ae", "AE", "oe", "OE", "i", "j"}:
                    # letter-like control words carry the case themselves
                    return "lower" if cs[0].islower() else "upper"
                if not cs:
                    j += 1  # accent control symbol such as \' or \"
                while j < n and word[j] != "}" and not word[j].isalpha():
                    j += 1
                if j < n and word[j].isalpha():
                    return "lower" if word[j].islower() else "upper"
                return ""
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch.isalpha():
            return "lower" if ch.islower() else "upper"
        elif depth == 0 and ch == "\\":
            # a bare control sequence at level 0 (e.g. \relax, \{): skip it
            i += 1
            if i < n and not word[i].isalpha():
                i += 1
                continue
            while i < n and word[i].isalpha():
                i += 1
            continue
        i += 1
    return ""


def _split_von_last(words: list[str]) -> tuple[list[str], list[str]]:
    """Split the words before the first comma into (von, Last); Last is never empty."""
    if not words:
        return [], []
    last_von = -1
    for i, w in enumerate(words[:-1]):
        if _case(w) == "lower":
            last_von = i
        else:
            break
    return words[: last_von + 1], words[last_von + 1 :]


def split_parts(text: str) -> NameParts:
    """Split one name (no ``and``) into BibTeX's First, von, Last and Jr parts.

    Extra commas beyond the second are kept inside First, as BibTeX does after
    warning.
    """
    # empty groups after a trailing comma are kept, as in BibTeX: "Brinch Hansen," has Last
    # "Brinch Hansen" and an empty First; "Ford, Jr.," has an empty First
    groups = tokens(text)
    if len(groups) == 1:
        words = groups[0]
        if not words:
            return NameParts("", "", "", "")
        start = next((i for i, w in enumerate(words[:-1]) if _case(w) == "lower"), None)
        if start is None:
            return NameParts(" ".join(words[:-1]), "", words[-1], "")
        end = start
        for i in range(start, len(words) - 1):
            if _case(words[i]) == "lower":
                end = i
        return NameParts(
            " ".join(words[:start]),
            " ".join(words[start : end + 1]),
            " ".join(words[end + 1 :]),
            "",
        )
    von, last = _split_von_last(groups[0])
    if len(groups) == 2:
        first, jr = groups[1], []
    else:
        jr = groups[1]
        first = [w for g in groups[2:] for w in g]
    return NameParts(" ".join(first), " ".join(von), " ".join(last), " ".join(jr))


def parse_plain(text: str) -> Name:
    """A :class:`Name` from display-order plain text (``Túlio Sousa de Gois``, ``John Smith Jr.``).

    Also accepts ``Family, Given`` and ``Family, Suffix, Given``. A trailing
    generational suffix is recognised when at least two other words precede it.
    """
    text = _SPACE.sub(" ", text).strip()
    if "," not in text:
        words = text.split(" ")
        suffix = None
        if len(words) >= 3 and is_suffix(words[-1]):
            suffix = words.pop()
        parts = split_parts(" ".join(words))
        return Name(
            given=parts.first or None,
            particle=parts.von or None,
            family=parts.last or None,
            suffix=suffix,
        )
    parts = split_parts(text)
    jr = parts.jr or None
    first = parts.first or None
    if jr is None and first is not None and is_suffix(first):
        # "Smith, Jr." - a suffix alone after the comma
        jr, first = first, None
    return Name(given=first, particle=parts.von or None, family=parts.last or None, suffix=jr)
