"""The canonical bibliographic model.

Every reader produces :class:`Paper` values and every writer consumes them. The
vocabulary is CSL's (item types, variable names, name parts, date parts) so that
the model maps onto CSL-JSON without translation; what CSL has no variable for
(arXiv identifiers, the listing's extras, the et-al flag) is modelled
explicitly rather than hidden in a note.

Rules of this module:

* values are immutable (``frozen=True``), slotted and keyword-only; sequences
  are tuples so papers are hashable and safe to share;
* no I/O and no knowledge of any file format;
* text is Unicode text, already decoded from whatever markup the source used
  (LaTeX, XML entities, HTML); case-protected spans are kept as data
  (:attr:`Paper.title_nocase`), not as markup.

.. versionadded:: 0.1
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections import deque
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Final

__all__ = [
    "ITEM_TYPES",
    "NAME_ROLES",
    "ArxivId",
    "Category",
    "Date",
    "Name",
    "Paper",
    "Position",
]

#: CSL 1.0.2 item types (``type`` in CSL-JSON).
ITEM_TYPES: Final = frozenset(
    {
        "article", "article-journal", "article-magazine", "article-newspaper", "bill",
        "book", "broadcast", "chapter", "classic", "collection", "dataset", "document",
        "entry", "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic",
        "hearing", "interview", "legal_case", "legislation", "manuscript", "map",
        "motion_picture", "musical_score", "pamphlet", "paper-conference", "patent",
        "performance", "periodical", "personal_communication", "post", "post-weblog",
        "regulation", "report", "review", "review-book", "software", "song", "speech",
        "standard", "thesis", "treaty", "webpage",
    }
)  # fmt: skip

#: Roles a :class:`Paper` holds names for, in CSL's vocabulary.
NAME_ROLES: Final = ("author", "editor", "translator", "container_author", "collection_editor")


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    """Where something is in a source: 1-based line and column, or a JSON path."""

    source: str = "<string>"
    """File name, ``<stdin>`` or ``<string>``."""
    line: int | None = None
    """1-based line number, when the source is line-oriented text."""
    column: int | None = None
    """1-based column (in characters) on :attr:`line`."""
    path: str | None = None
    """A JSON/XML path such as ``$[3].author[0]``, for tree-shaped sources."""

    def __str__(self) -> str:
        out = self.source
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        if self.path:
            out += f" ({self.path})"
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    """A person (given / particle / family / suffix) or an organisation (literal).

    Exactly one of :attr:`family` and :attr:`literal` is set for a well-formed
    name; a person may lack a given name (mononyms).
    """

    family: str | None = None
    """Family name without particles: ``Gois`` in *Túlio Sousa de Gois*."""
    given: str | None = None
    """Given names and initials, as written: ``Sébastien M. R.``."""
    particle: str | None = None
    """Non-dropping particle, kept with the family name (BibTeX's *von* part): ``de``, ``van der``."""
    dropping_particle: str | None = None
    """Particle dropped when only the family name is shown (CSL ``dropping-particle``)."""
    suffix: str | None = None
    """Generational or other suffix: ``Jr.``, ``III``."""
    literal: str | None = None
    """A name that is not split into parts: organisations (``Gemma Team``) and unparseable names."""

    @property
    def is_literal(self) -> bool:
        """True for organisations and other unsplit names."""
        return self.literal is not None

    def display(self) -> str:
        """The name in reading order: ``Robert P. C. de Marrais``, ``John Smith Jr.``."""
        if self.literal is not None:
            return self.literal
        parts = (self.given, self.dropping_particle, self.particle, self.family, self.suffix)
        return " ".join(p for p in parts if p)

    def sort_key(self) -> str:
        """Family name first, for sorting and duplicate detection."""
        if self.literal is not None:
            return self.literal.casefold()
        return " ".join(p for p in (self.family, self.given) if p).casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class Date:
    """A date at the precision the source gave, in CSL's terms.

    ``Date(year=2020)``, ``Date(year=2020, month=8)``, ``Date(year=2020, month=8, day=27)``;
    a season (1 spring ... 4 winter) instead of a month; ``circa`` for
    approximate dates; ``end`` for ranges (an open range has ``end=Date()``
    with no year); ``literal`` for text that is not a parseable date
    (``"forthcoming"``), in which case the numeric parts may be empty.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: int | None = None
    """1 spring, 2 summer, 3 autumn, 4 winter (CSL season-01 ... season-04)."""
    circa: bool = False
    """Approximate or uncertain date."""
    end: Date | None = None
    """End of a range; ``Date()`` (no parts) marks an open end."""
    literal: str | None = None
    """Verbatim text when the date is not (fully) structured."""

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")
        if self.day is not None and (self.month is None or not 1 <= self.day <= 31):
            raise ValueError(f"day without month or out of range: {self.day}")
        if self.season is not None and not 1 <= self.season <= 4:
            raise ValueError(f"season out of range: {self.season}")

    @property
    def precision(self) -> str | None:
        """``"day"``, ``"month"``, ``"season"``, ``"year"`` or None (literal only)."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        if self.season is not None:
            return "season"
        if self.year is not None:
            return "year"
        return None

    def isoformat(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (empty when there is no year)."""
        if self.year is None:
            return ""
        out = f"{self.year:04d}" if self.year >= 0 else f"-{-self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out


_NEW_ARXIV = re.compile(r"\d{4}\.\d{4,5}")
_OLD_ARXIV = re.compile(r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ArxivId:
    """An arXiv identifier, canonical form without prefix; the version kept apart."""

    id: str
    """``2008.12284`` or ``hep-th/9901001`` (no ``arXiv:`` prefix, no version)."""
    version: int | None = None
    """The ``vN`` suffix as a number, when a specific version is meant."""

    @classmethod
    def parse(cls, text: str) -> ArxivId | None:
        """Parse ``arXiv:2008.12284v2``, URLs, the DataCite DOI form or a bare id; None if not arXiv."""
        s = text.strip()
        low = s.lower()
        for prefix in (
            "https://arxiv.org/abs/",
            "http://arxiv.org/abs/",
            "https://arxiv.org/pdf/",
            "http://arxiv.org/pdf/",
            "arxiv.org/abs/",
            "https://doi.org/10.48550/arxiv.",
            "10.48550/arxiv.",
            "arxiv:",
        ):
            if low.startswith(prefix):
                s = s[len(prefix) :]
                break
        if s.lower().endswith(".pdf"):
            s = s[:-4]
        version: int | None = None
        m = re.fullmatch(r"(.+?)v(\d{1,4})", s)
        if m:
            s, version = m.group(1), int(m.group(2))
        if _NEW_ARXIV.fullmatch(s):
            return cls(id=s, version=version)
        if _OLD_ARXIV.fullmatch(s):
            # the preferred external form drops the subject class: math.CA/0611800 -> math/0611800
            archive, _, number = s.partition("/")
            return cls(id=f"{archive.split('.')[0]}/{number}", version=version)
        return None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"

    @property
    def doi(self) -> str:
        """The DataCite DOI arXiv assigns (version-less)."""
        return f"10.48550/arXiv.{self.id}"

    @property
    def url(self) -> str:
        """The abstract page."""
        return f"https://arxiv.org/abs/{self}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Category:
    """A subject category: the raw code a source showed and the class it maps to.

    The listing shows two-letter codes (``LG``); ``arxiv_class`` is set only
    where the code names exactly one arXiv class (``LG`` -> ``cs.LG``), and
    ``code`` is kept either way so nothing is lost.
    """

    code: str | None = None
    """The code as shown in the source (``LG``, ``CO``, ``cs.LG``); None if only the class is known."""
    arxiv_class: str | None = None
    """The arXiv primary class (``cs.LG``, ``hep-th``), when known."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Paper:
    """One bibliographic record.

    Field names follow CSL-JSON variables with ``-`` spelled ``_``. Names are
    tuples per role; ``author_truncated`` records "et al." / "and others"
    (it is data, never a fake person). ``extra`` is an ordered bag of fields
    no other attribute holds, so that nothing a reader saw is dropped.
    """

    type: str = "article"
    """CSL item type; arXiv preprints are ``article`` (CSL 1.0.2 Appendix III)."""
    key: str | None = None
    """Citation key / CSL ``id``; writers generate one when absent."""
    title: str | None = None
    title_nocase: tuple[tuple[int, int], ...] | None = None
    """Spans ``(start, end)`` of :attr:`title` whose letter case must be kept (BibTeX braces,
    CSL ``<span class="nocase">``). ``()`` means the source could mark such spans and marked
    none; None means the source cannot express case protection (listing, RIS, JATS), so
    writers that need it (BibTeX) protect acronyms and camel-case words themselves."""
    title_short: str | None = None

    author: tuple[Name, ...] = ()
    author_truncated: bool = False
    """The author list was cut ("et al.", BibTeX ``and others``)."""
    editor: tuple[Name, ...] = ()
    editor_truncated: bool = False
    translator: tuple[Name, ...] = ()
    container_author: tuple[Name, ...] = ()
    collection_editor: tuple[Name, ...] = ()

    issued: Date | None = None
    accessed: Date | None = None
    original_date: Date | None = None
    event_date: Date | None = None

    container_title: str | None = None
    """Journal, book or proceedings title."""
    container_title_short: str | None = None
    collection_title: str | None = None
    """Series."""
    collection_number: str | None = None
    volume: str | None = None
    issue: str | None = None
    number: str | None = None
    """Report, patent or other document number."""
    page: str | None = None
    """Page or page range, ranges written with ``-`` (``117-130``)."""
    number_of_pages: str | None = None
    chapter_number: str | None = None
    edition: str | None = None
    version: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    event_title: str | None = None
    event_place: str | None = None
    genre: str | None = None
    """Sub-type such as the thesis degree (``PhD thesis``) or report kind."""
    status: str | None = None
    """Publication status (``in press``, ``submitted``)."""
    medium: str | None = None

    doi: str | None = None
    """Lower-case, without resolver prefix: ``10.48550/arxiv.2008.12284``."""
    arxiv: ArxivId | None = None
    isbn: tuple[str, ...] = ()
    issn: tuple[str, ...] = ()
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None

    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    category: Category | None = None
    language: str | None = None
    note: str | None = None

    organization: str | None = None
    """The listing's organisation tag (``deepmind`` after ``·``)."""
    has_code: bool = False
    """The listing's code badge."""

    extra: tuple[tuple[str, str], ...] = ()
    """Fields no attribute above holds, in source order: ``(name, value)``."""

    raw: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)
    """Verbatim source markup of fields, ``(paper field, text)``, from a markup source such as
    BibTeX's LaTeX. A writer of the same markup reuses a raw text only while it still decodes
    to the field's current value, so user LaTeX and macros survive BibTeX -> BibTeX. Not part
    of equality."""
    origin: Position | None = field(default=None, compare=False, repr=False)
    """Where the record started in its source; not part of equality."""

    def __post_init__(self) -> None:
        if self.type not in ITEM_TYPES:
            raise ValueError(f"unknown CSL item type {self.type!r}")

    def replace(self, **changes: Any) -> Paper:
        """A copy with some fields changed (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)

    def names(self, role: str) -> tuple[Name, ...]:
        """The names held for ``role`` (one of :data:`NAME_ROLES`)."""
        if role not in NAME_ROLES:
            raise KeyError(role)
        value: tuple[Name, ...] = getattr(self, role)
        return value

    def get_extra(self, name: str) -> str | None:
        """The first value of extra field ``name``, or None."""
        for k, v in self.extra:
            if k == name:
                return v
        return None


def _fast_pickling(cls: type) -> None:
    """Give a frozen, slotted model class cheap ``__getstate__``/``__setstate__``.

    The pair dataclasses installs calls :func:`dataclasses.fields` and a Python
    loop for every object, so pickling the records of one file (what ``--jobs``
    workers send back) cost a fifth of reading them. Here the state is the tuple of
    field values, taken by one :func:`operator.attrgetter` call, and restoring sets
    the slots from C-level ``map``. A state in the old form (a list in field order)
    still loads. Nothing is validated on load, as before: unpickle only trusted data.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))
    assert len(names) > 1, "attrgetter of one name returns the value, not a tuple"
    getter = operator.attrgetter(*names)
    set_slot = object.__setattr__

    def __getstate__(self: object) -> tuple[Any, ...]:
        state: tuple[Any, ...] = getter(self)
        return state

    def __setstate__(self: object, state: tuple[Any, ...] | list[Any]) -> None:
        deque(map(set_slot, repeat(self, len(names)), names, state), maxlen=0)

    __getstate__.__qualname__ = f"{cls.__qualname__}.__getstate__"
    __setstate__.__qualname__ = f"{cls.__qualname__}.__setstate__"
    setattr(cls, "__getstate__", __getstate__)  # noqa: B010 - mypy: no method assignment
    setattr(cls, "__setstate__", __setstate__)  # noqa: B010


for _cls in (Position, Name, Date, ArxivId, Category, Paper):
    _fast_pickling(_cls)
del _cls
