"""Value validators: identifiers, URLs, dates, page ranges, mojibake.

Each validator takes one field value (already stripped of format markup) and
returns a list of :class:`Problem` values: a message that says how to fix it and
the character offset in the value it points at, so callers can turn it into an
exact ``line:col``. An empty list means the value is fine. No regex here can
backtrack catastrophically: every pattern is anchored and its repetitions are
over disjoint character classes.

.. versionadded:: 0.2
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

from .._lazyre import lazy as _lazy
from ..errors import Severity

__all__ = [
    "Problem",
    "arxiv_problems",
    "date_problems",
    "doi_problems",
    "has_mojibake",
    "isbn_checksum_ok",
    "isbn_problems",
    "issn_checksum_ok",
    "issn_problems",
    "mojibake_problems",
    "orcid_checksum_ok",
    "orcid_problems",
    "page_problems",
    "url_problems",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with a value and where (offset into the value)."""

    code: str
    message: str
    offset: int = 0
    severity: Severity | None = None
    """None: the rule's default severity."""


# --------------------------------------------------------------------------- DOI

_DOI_RESOLVER: Final = _lazy(r"(?i)^(?:https?://(?:dx\.)?doi\.org/|doi:[ \t]*)")
_DOI: Final = _lazy(r"10\.\d{4,9}(?:\.\d+)*/\S+")


def doi_problems(value: str) -> list[Problem]:
    """A DOI is ``10.<registrant>/<suffix>`` (a resolver URL or ``doi:`` prefix is accepted)."""
    text = value.strip()
    lead = len(value) - len(value.lstrip())
    m = _DOI_RESOLVER.match(text)
    body = text[m.end() :] if m else text
    start = lead + (m.end() if m else 0)
    if not body:
        return [Problem("PC700", "empty DOI; remove the field or give the DOI", start)]
    if _DOI.fullmatch(body):
        return []
    if any(c.isspace() for c in body):
        where = next(i for i, c in enumerate(body) if c.isspace())
        return [
            Problem("PC700", f"DOI {body!r} contains whitespace; give one DOI, without spaces", start + where)
        ]
    return [
        Problem(
            "PC700",
            f"DOI {body!r} is malformed; a DOI looks like 10.1000/xyz123 (prefix '10.', "
            "a 4-9 digit registrant, '/', a suffix)",
            start,
        )
    ]


# --------------------------------------------------------------------------- ISBN / ISSN

_ISBN_TOKEN: Final = _lazy(r"[0-9][0-9Xx\-\u2010\u2011 ]*[0-9Xx]|[0-9]")
_DASHES: Final = str.maketrans("", "", "-\u2010\u2011 ")


def isbn_checksum_ok(digits: str) -> bool:
    """True when a 10- or 13-character ISBN (digits, final X allowed in ISBN-10) checks."""
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] in "Xx"):
        total = sum((10 - i) * int(c) for i, c in enumerate(digits[:9]))
        total += 10 if digits[9] in "Xx" else int(digits[9])
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def _isbn_candidates(value: str) -> list[tuple[str, int]]:
    """Digit runs of ``value`` that are meant as ISBNs, with their offsets.

    Runs separated by spaces are one ISBN when together they have 10 or 13 digits
    (``0 201 13447 0``); otherwise each space-separated piece is its own run.
    """
    out: list[tuple[str, int]] = []
    for m in _ISBN_TOKEN.finditer(value):
        run = m.group()
        digits = run.translate(_DASHES)
        if len(digits) in (10, 13) or " " not in run:
            out.append((digits, m.start()))
            continue
        pos = m.start()
        for piece in run.split(" "):
            if piece:
                out.append((piece.translate(_DASHES), pos))
            pos += len(piece) + 1
    return out


def isbn_problems(value: str) -> list[Problem]:
    """Every ISBN in ``value`` (several allowed, with notes such as ``(paperback)``) must check."""
    problems: list[Problem] = []
    found = False
    for digits, offset in _isbn_candidates(value):
        if len(digits) < 9:
            continue  # a year, a price, a volume number in a note: not an ISBN
        found = True
        if len(digits) not in (10, 13):
            problems.append(
                Problem("PC701", f"ISBN {digits!r} has {len(digits)} digits; an ISBN has 10 or 13", offset)
            )
        elif not isbn_checksum_ok(digits):
            problems.append(
                Problem("PC701", f"ISBN {digits!r} fails its check digit; correct the typo", offset)
            )
    if not found and value.strip():
        problems.append(Problem("PC701", f"{value.strip()!r} is not an ISBN (10 or 13 digits expected)", 0))
    return problems


_ISSN: Final = _lazy(r"(?<![0-9])([0-9]{4})[\-\u2010\u2011 ]?([0-9]{3}[0-9Xx])(?![0-9Xx])")


def issn_checksum_ok(issn: str) -> bool:
    """True when an 8-character ISSN (no hyphen) checks."""
    if len(issn) != 8 or not issn[:7].isdigit():
        return False
    total = sum((8 - i) * int(c) for i, c in enumerate(issn[:7]))
    check = (11 - total % 11) % 11
    return issn[7].upper() == ("X" if check == 10 else str(check))


def issn_problems(value: str) -> list[Problem]:
    """Every ISSN in ``value`` must be ``NNNN-NNNC`` with a matching check digit."""
    return list(_issn_problems(value))


@functools.lru_cache(maxsize=1024)
def _issn_problems(value: str) -> tuple[Problem, ...]:
    # memoized: a journal's bibliography repeats one ISSN in every entry
    problems: list[Problem] = []
    found = False
    for m in _ISSN.finditer(value):
        found = True
        issn = m.group(1) + m.group(2)
        if not issn_checksum_ok(issn):
            problems.append(
                Problem("PC702", f"ISSN {m.group()!r} fails its check digit; correct the typo", m.start())
            )
    if not found and value.strip():
        problems.append(Problem("PC702", f"{value.strip()!r} is not an ISSN (NNNN-NNNC expected)", 0))
    return tuple(problems)


# --------------------------------------------------------------------------- ORCID

_ORCID: Final = _lazy(r"(?i)(?:https?://(?:www\.)?orcid\.org/)?(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])")


def orcid_checksum_ok(digits: str) -> bool:
    """ISO 7064 MOD 11-2 over a 16-character ORCID (no hyphens)."""
    if len(digits) != 16 or not digits[:15].isdigit():
        return False
    total = 0
    for c in digits[:15]:
        total = (total + int(c)) * 2
    check = (12 - total % 11) % 11
    return digits[15].upper() == ("X" if check == 10 else str(check))


def orcid_problems(value: str) -> list[Problem]:
    """An ORCID is ``https://orcid.org/NNNN-NNNN-NNNN-NNNC`` with a MOD 11-2 check digit."""
    text = value.strip()
    lead = len(value) - len(value.lstrip())
    m = _ORCID.fullmatch(text)
    if m is None:
        return [
            Problem(
                "PC705", f"ORCID {text!r} is malformed; write https://orcid.org/NNNN-NNNN-NNNN-NNNC", lead
            )
        ]
    if not orcid_checksum_ok("".join(m.groups())):
        return [Problem("PC705", f"ORCID {text!r} fails its check digit; copy it again from orcid.org", lead)]
    return []


# --------------------------------------------------------------------------- arXiv

_ARXIV_PREFIX: Final = _lazy(r"(?i)^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)")
_ARXIV_NEW: Final = _lazy(r"(\d{2})(\d{2})\.(\d{4,5})(?:v(\d+))?")
_ARXIV_OLD: Final = _lazy(r"([a-z]+(?:-[a-z]+)*)(?:\.[A-Z]{2})?/(\d{2})(\d{2})(\d{3})(?:v(\d+))?")


def arxiv_problems(value: str) -> list[Problem]:
    """New style ``YYMM.NNNN[N][vN]`` (4 digits before 2015) or old style ``archive/YYMMNNN[vN]``."""
    text = value.strip()
    lead = len(value) - len(value.lstrip())
    m0 = _ARXIV_PREFIX.match(text)
    body = text[m0.end() :] if m0 else text
    if body.lower().endswith(".pdf"):
        body = body[:-4]
    m = _ARXIV_NEW.fullmatch(body)
    if m is not None:
        yy, mm, num = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mm <= 12 or (yy, mm) < (7, 4):
            return [
                Problem(
                    "PC703", f"arXiv id {body!r} has an impossible year-month {m.group(1)}{m.group(2)}", lead
                )
            ]
        if (len(num) == 5) != (yy >= 15):
            want = 5 if yy >= 15 else 4
            return [
                Problem(
                    "PC703",
                    f"arXiv id {body!r}: ids from 20{m.group(1)} have {want} digits after the dot",
                    lead,
                )
            ]
        if m.group(4) is not None and int(m.group(4)) == 0:
            return [Problem("PC703", f"arXiv id {body!r}: versions start at v1", lead)]
        return []
    m = _ARXIV_OLD.fullmatch(body)
    if m is not None:
        yy, mm = int(m.group(2)), int(m.group(3))
        if not 1 <= mm <= 12 or (7 < yy < 91):
            return [Problem("PC703", f"arXiv id {body!r} has an impossible year-month", lead)]
        return []
    return [
        Problem(
            "PC703",
            f"{body!r} is not an arXiv id; write YYMM.NNNNN (e.g. 2101.00001v2) or "
            "archive/YYMMNNN (e.g. hep-th/9901001)",
            lead,
        )
    ]


# --------------------------------------------------------------------------- URL

_URL_SCHEMES: Final = frozenset(
    {"http", "https", "ftp", "ftps", "file", "doi", "mailto", "urn", "s3", "gopher"}
)


_PLAIN_URL: Final = _lazy(r"(?:https?|ftp)://[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?(?:[/?#][^\s]*)?")


def url_problems(value: str) -> list[Problem]:
    """An absolute URL with a known scheme, a host (for http/ftp), no spaces."""
    text = value.strip()
    lead = len(value) - len(value.lstrip())
    if _PLAIN_URL.fullmatch(text) is not None:
        return []
    if not text:
        return [Problem("PC704", "empty URL; remove the field or give the URL", lead)]
    for i, c in enumerate(text):
        if c.isspace():
            return [
                Problem(
                    "PC704",
                    f"URL {text!r} contains whitespace; encode spaces as %20 or give one URL",
                    lead + i,
                )
            ]
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
    except ValueError as exc:
        return [Problem("PC704", f"URL {text!r} cannot be parsed ({exc})", lead)]
    scheme = parts.scheme.lower()
    if not scheme:
        if text.lower().startswith("www."):
            return [Problem("PC704", f"URL {text!r} has no scheme; write https://{text}", lead)]
        return [Problem("PC704", f"URL {text!r} is not absolute; start it with https://", lead)]
    if scheme not in _URL_SCHEMES:
        return [Problem("PC704", f"URL {text!r} has an unknown scheme {parts.scheme!r}; use https://", lead)]
    if scheme in ("http", "https", "ftp", "ftps") and not parts.netloc:
        return [Problem("PC704", f"URL {text!r} has no host name after '{parts.scheme}://'", lead)]
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return [Problem("PC704", f"URL {text!r} has an invalid port", lead)]
    return []


# --------------------------------------------------------------------------- dates

_ISO_DATE: Final = _lazy(r"([+-]?\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_EDTF_MARKS: Final = _lazy(r"[?~%]")


_MONTH_NAMES: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _month_length(year: int, month: int) -> int:
    """Days in ``month`` of ``year`` (proleptic Gregorian, as ISO 8601 dates are)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _one_date(part: str, offset: int) -> list[Problem]:
    text = _EDTF_MARKS.sub("", part.strip())
    if text in ("", ".."):
        return []  # an open range end
    if "X" in text and re.fullmatch(r"[0-9X]{4}(?:-[0-9X]{2}(?:-[0-9X]{2})?)?", text):
        return []  # EDTF unspecified digits (199X, 2020-XX)
    m = _ISO_DATE.fullmatch(text)
    if m is None:
        if re.fullmatch(r"\d{4}-(?:2[1-4]|3[3-9]|40|41)", text):
            return []  # EDTF seasons and quarters
        return [Problem("PC706", f"date {part.strip()!r} is not YYYY, YYYY-MM or YYYY-MM-DD", offset)]
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        if 21 <= month <= 41 and day is None:
            return []  # EDTF season / quarter codes
        return [Problem("PC706", f"date {part.strip()!r} has month {month}; months run 1-12", offset)]
    if day is not None and month is not None:
        last = _month_length(year, month)
        if not 1 <= day <= last:
            return [
                Problem(
                    "PC706",
                    f"date {part.strip()!r} has day {day}; {_MONTH_NAMES[month - 1]} has {last} days",
                    offset,
                )
            ]
    return []


def date_problems(value: str) -> list[Problem]:
    """An ISO 8601 / EDTF level-1 date or range (``2020-02-30`` and ``2020-13`` are impossible)."""
    problems: list[Problem] = []
    offset = 0
    for part in value.split("/"):
        problems.extend(_one_date(part, offset + len(part) - len(part.lstrip())))
        offset += len(part) + 1
    if "/" in value and len(value.split("/")) > 2:
        problems.append(Problem("PC706", f"date {value.strip()!r} has more than one '/'", 0))
    return problems


# --------------------------------------------------------------------------- pages

_RANGE: Final = _lazy(
    r"\s*([A-Za-z]{0,3})(\d{1,9})\s*(-{1,3}|\u2013|\u2014|\u2012)\s*([A-Za-z]{0,3})(\d{1,9})\s*"
)
_ONE_HYPHEN: Final = _lazy(r"(?<=[0-9A-Za-z]) ?-(?!-) ?(?=[0-9A-Za-z])")


def page_problems(value: str, *, double_hyphen: bool, abbreviated: bool = True) -> list[Problem]:
    """Backwards ranges (``45--12``: an error; ``123--45``, which may be an abbreviated 123--145,
    a warning when ``abbreviated``); with ``double_hyphen`` (BibTeX), ranges written with a single ``-``."""
    problems: list[Problem] = []
    for piece_m in re.finditer(r"[^,;]+", value):
        piece = piece_m.group()
        m = _RANGE.fullmatch(piece)
        if m is None:
            continue
        p1, a, dash, p2, b = m.groups()
        if p2 and p1 != p2:
            continue
        first, last = int(a), int(b)
        if last < first and len(b) < len(a) and abbreviated:
            full = a[: len(a) - len(b)] + b
            if int(full) >= first:  # 1234--56 may mean 1234--1256 (MEDLINE style): ask, do not fail
                problems.append(
                    Problem(
                        "PC707",
                        f"page range {piece.strip()!r} runs backwards unless abbreviated; write the full "
                        f"range ({p1}{a}--{p1}{full})",
                        piece_m.start() + m.start(2),
                        Severity.WARNING,
                    )
                )
                last = first
        if last < first:
            problems.append(
                Problem(
                    "PC707",
                    f"page range {piece.strip()!r} runs backwards; write "
                    f"{p1}{b}--{p1}{a} or correct the typo",
                    piece_m.start() + m.start(2),
                )
            )
        if double_hyphen and dash == "-":
            problems.append(
                Problem(
                    "PC708",
                    f"page range {piece.strip()!r} uses a single hyphen; write {p1}{a}--{p2}{b}",
                    piece_m.start() + m.start(3),
                )
            )
    return problems


# --------------------------------------------------------------------------- mojibake

# characters Windows-1252 gives to the bytes 0x80-0x9F (what UTF-8 continuation bytes become)
_CP1252_HIGH: Final = (
    "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
    "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
)
_MOJIBAKE: Final = _lazy("[\u00c2-\u00f4][\u0080-\u00bf" + _CP1252_HIGH + "]{1,3}")


def _undo(text: str) -> str | None:
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return None


def has_mojibake(text: str) -> bool:
    """True when ``text`` may hold mojibake (a cheap whole-file pre-check for :func:`mojibake_problems`)."""
    return (
        any(_undo(m.group()) is not None for m in _MOJIBAKE.finditer(text))
        if _MOJIBAKE.search(text)
        else False
    )


def mojibake_problems(value: str) -> list[Problem]:
    """Sequences such as ``Ã©`` / ``â€™`` that are UTF-8 bytes read as Windows-1252 (first one only)."""
    for m in _MOJIBAKE.finditer(value):
        # the shortest prefix that decodes is the garbled character
        for end in range(m.start() + 2, m.end() + 1):
            fixed = _undo(value[m.start() : end])
            if fixed is not None:
                return [
                    Problem(
                        "PC709",
                        f"{value[m.start() : end]!r} looks like mojibake for {fixed!r}; "
                        "replace it (the text was decoded with the wrong encoding)",
                        m.start(),
                    )
                ]
    return []
