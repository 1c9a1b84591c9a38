"""Entry-type and field tables of the BibTeX format (a BibLaTeX dialect adds to them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

#: BibTeX (and common BibLaTeX) entry type -> CSL item type
BIB_TO_CSL: Final[dict[str, str]] = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "mvbook": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "collection": "book",
    "mvcollection": "book",
    "reference": "book",
    "mvreference": "book",
    "inreference": "entry-encyclopedia",
    "booklet": "pamphlet",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "misc": "document",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
    "periodical": "periodical",
    "standard": "standard",
    "review": "review",
    "set": "document",
}

#: CSL item type -> BibTeX entry type written by default (everything else: misc)
CSL_TO_BIB: Final[dict[str, str]] = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
}

#: entry types whose container is ``journal`` (all others use ``booktitle``)
JOURNAL_TYPES: Final = frozenset({"article", "misc", "unpublished", "online", "electronic", "www"})
#: entry types whose ``number`` is a journal issue (-> Paper.issue)
ISSUE_TYPES: Final = frozenset({"article", "periodical"})
#: entry types whose ``number`` is the number in a series (-> Paper.collection_number)
SERIES_TYPES: Final = frozenset(
    {"book", "inbook", "incollection", "inproceedings", "conference", "proceedings", "mvbook",
     "collection", "mvcollection", "mvproceedings", "reference", "mvreference", "inreference"}
)  # fmt: skip
#: entry types whose publisher is written as ``school`` / ``institution``
SCHOOL_TYPES: Final = frozenset({"phdthesis", "mastersthesis", "thesis"})
INSTITUTION_TYPES: Final = frozenset({"techreport", "report"})

#: fields whose value is not LaTeX text (no decoding beyond escaped specials)
VERBATIM: Final = frozenset(
    {"url", "doi", "eprint", "file", "pdf", "bibsource", "bibdate", "isbn", "issn", "issn-l",
     "lccn", "mrnumber", "zmnumber", "coden", "pmid", "pmcid", "arxivid", "urldate", "crossref",
     "x-bibtex-type", "x-has-code", "x-category", "eprintclass", "primaryclass"}
)  # fmt: skip

MONTHS: Final[dict[str, int]] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
MONTH_MACROS: Final[dict[str, str]] = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}  # fmt: skip
MONTH_ABBR: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: BibLaTeX field aliases read by the classic dialect (canonical name when absent)
ALIASES: Final[dict[str, str]] = {
    "journaltitle": "journal",
    "location": "address",
    "eprinttype": "archiveprefix",
    "eprintclass": "primaryclass",
}

#: Paper string attributes with no BibTeX field, written as ``x-<name>`` pubconv fields
X_STRING_FIELDS: Final = (
    "collection_number", "number", "issue", "number_of_pages", "version", "status", "medium",
    "event_title", "event_place", "container_title_short", "title_short", "chapter_number",
    "pmid", "pmcid", "organization",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Dialect:
    """The tables one .bib dialect reads and writes with (BibTeX now; BibLaTeX next).

    The tokenizer is dialect-free; the reader and writer of :mod:`pubconv.formats.bibtex`
    take one of these, so a ``biblatex`` module can reuse them with its own tables
    (``journaltitle``/``location``/``eprinttype`` as canonical names, ``date`` for dates,
    extended name format, @online/@software/@dataset types).
    """

    name: str
    bib_to_csl: Mapping[str, str]
    csl_to_bib: Mapping[str, str]
    aliases: Mapping[str, str]
    """Field read as another when that other is absent (``journaltitle`` -> ``journal``)."""
    archive_prefix: str
    """How an arXiv ``archiveprefix``/``eprinttype`` value is written."""
    master_type: str | None = "mastersthesis"
    """Entry type of a thesis whose genre mentions "master" (None: no such type, use ``csl_to_bib``)."""


BIBTEX: Final = Dialect(
    name="bibtex", bib_to_csl=BIB_TO_CSL, csl_to_bib=CSL_TO_BIB, aliases=ALIASES, archive_prefix="arXiv"
)

#: BibLaTeX entry type -> CSL item type (the BibTeX table plus BibLaTeX's own and non-standard types)
BIBLATEX_TO_CSL: Final[dict[str, str]] = {
    **BIB_TO_CSL,
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "suppperiodical": "article-journal",
    "legislation": "legislation",
    "legal": "legislation",
    "jurisdiction": "legal_case",
    "letter": "personal_communication",
    "movie": "motion_picture",
    "video": "motion_picture",
    "audio": "song",
    "music": "song",
    "artwork": "graphic",
    "image": "graphic",
    "performance": "performance",
}

#: CSL item type -> BibLaTeX entry type written by default (everything else: misc)
CSL_TO_BIBLATEX: Final[dict[str, str]] = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "book": "book",
    "thesis": "thesis",
    "report": "report",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "webpage": "online",
    "software": "software",
    "dataset": "dataset",
    "patent": "patent",
    "periodical": "periodical",
    "standard": "standard",
    "review": "review",
    "entry-encyclopedia": "inreference",
    "legislation": "legislation",
    "legal_case": "jurisdiction",
    "personal_communication": "letter",
    "motion_picture": "movie",
    "song": "audio",
    "graphic": "artwork",
    "performance": "performance",
}

#: BibLaTeX type aliases: alias -> (entry type, default ``type`` key or None)
BIBLATEX_TYPE_ALIASES: Final[dict[str, tuple[str, str | None]]] = {
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
    "conference": ("inproceedings", None),
    "electronic": ("online", None),
    "www": ("online", None),
}

#: BibLaTeX field aliases the reader resolves through the shared BibTeX code
#: (``eprinttype``/``eprintclass`` are resolved by the biblatex module: only arXiv is Paper.arxiv)
BIBLATEX_ALIASES: Final[dict[str, str]] = {"journaltitle": "journal", "location": "address"}

BIBLATEX: Final = Dialect(
    name="biblatex",
    bib_to_csl=BIBLATEX_TO_CSL,
    csl_to_bib=CSL_TO_BIBLATEX,
    aliases=BIBLATEX_ALIASES,
    archive_prefix="arxiv",
    master_type=None,
)
