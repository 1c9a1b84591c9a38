"""RIS tables as data: reference types (TY) and the simple tag <-> field map.

One table serves both directions: :data:`TY_TYPES` lists ``(TY, CSL type)``
pairs; the first pair naming a CSL type is the one the writer uses, every pair
is read. :data:`SIMPLE_TAGS` lists ``(field, write tag, read tags)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = ["BOOK_TYS", "READ_TY", "SIMPLE_TAGS", "TYPE_TAGS", "TY_TYPES", "WRITE_TY"]

#: ``(TY, CSL type)``; the first occurrence of a CSL type is its written TY.
TY_TYPES: Final[tuple[tuple[str, str], ...]] = (
    ("JOUR", "article-journal"),
    ("GEN", "article"),
    ("GEN", "document"),
    ("CPAPER", "paper-conference"),
    ("BOOK", "book"),
    ("CHAP", "chapter"),
    ("THES", "thesis"),
    ("RPRT", "report"),
    ("COMP", "software"),
    ("DATA", "dataset"),
    ("ELEC", "webpage"),
    ("BLOG", "post-weblog"),
    ("UNPB", "manuscript"),
    ("MGZN", "article-magazine"),
    ("NEWS", "article-newspaper"),
    ("PAT", "patent"),
    ("STAND", "standard"),
    ("BILL", "bill"),
    ("CASE", "legal_case"),
    ("STAT", "legislation"),
    ("HEAR", "hearing"),
    ("MAP", "map"),
    ("MPCT", "motion_picture"),
    ("MUSIC", "musical_score"),
    ("SOUND", "song"),
    ("PAMP", "pamphlet"),
    ("PCOMM", "personal_communication"),
    ("ART", "graphic"),
    ("FIGURE", "figure"),
    ("SLIDE", "speech"),
    ("ENCYC", "entry-encyclopedia"),
    ("DICT", "entry-dictionary"),
    ("CLSWK", "classic"),
    ("JFULL", "periodical"),
    # read only (the CSL type above already has its written TY)
    ("EJOUR", "article-journal"),
    ("ABST", "article-journal"),
    ("CONF", "paper-conference"),
    ("EBOOK", "book"),
    ("EDBOOK", "book"),
    ("SER", "book"),
    ("ECHAP", "chapter"),
    ("GOVDOC", "report"),
    ("DBASE", "dataset"),
    ("AGGR", "dataset"),
    ("WEB", "webpage"),
    ("INPR", "manuscript"),
    ("MANSCPT", "manuscript"),
    ("UNPD", "manuscript"),
    ("UNBILL", "bill"),
    ("LEGAL", "legislation"),
    ("VIDEO", "motion_picture"),
    ("ADVS", "motion_picture"),
    ("ICOMM", "personal_communication"),
    ("CHART", "figure"),
    ("ANCIENT", "classic"),
    ("CTLG", "document"),
    ("EQUA", "document"),
    ("GRANT", "document"),
    ("GRNT", "document"),
    ("MULTI", "document"),
)

READ_TY: Final[dict[str, str]] = dict(TY_TYPES)
WRITE_TY: Final[dict[str, str]] = {}
for _ty, _csl in TY_TYPES:
    WRITE_TY.setdefault(_csl, _ty)
READ_TY["GEN"] = "document"  # GEN with arXiv evidence reads as "article" (see ris.py)

#: Types whose A3 is the editor and whose BT is the record's own title (2011 tables).
BOOK_TYS: Final = frozenset({"BOOK", "EBOOK", "EDBOOK", "SER", "CLSWK"})

#: ``(Paper field, written tag, read tags in priority order)`` for single-valued text fields.
SIMPLE_TAGS: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("title", "TI", ("TI", "T1", "CT")),
    ("title_short", "ST", ("ST",)),
    ("container_title", "T2", ("T2", "JO", "JF")),
    ("container_title_short", "J2", ("J2", "JA", "J1")),
    ("collection_title", "T3", ("T3",)),
    ("volume", "VL", ("VL",)),
    ("issue", "IS", ("IS", "CP")),
    ("number", "M1", ("M1",)),
    ("edition", "ET", ("ET",)),
    ("publisher", "PB", ("PB",)),
    ("publisher_place", "CY", ("CY",)),
    ("genre", "M3", ("M3",)),
    ("language", "LA", ("LA",)),
    ("abstract", "AB", ("AB", "N2")),
    ("key", "ID", ("ID",)),
)

#: Per-type tag meanings (the RIS 2011 type tables as EndNote writes them and Zotero's
#: import test reproduces them; ../shared/docs/formats.md section 3.6): for a TY, the tags
#: whose meaning differs from the generic one, as ``tag -> Paper field``. The reader
#: applies them before the generic meaning; the writer writes a field to its per-type
#: tag and never writes another field to a tag the type gives a different meaning (that
#: field then travels in the pubconv line, so round-trips stay exact).
_WHOLE_BOOK: Final = {"A2": "collection_editor", "T2": "collection_title", "M1": "collection_number"}
_SECTION: Final = {"A3": "collection_editor", "SE": "chapter_number"}
_CONFERENCE: Final = {"CY": "event_place", "C1": "publisher_place"}
TYPE_TAGS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        # electronic article: DA is the access date, M1 the issue
        "EJOUR": {"DA": "accessed", "M1": "issue"},
        # whole books: A2 series editor, T2 series title, M1 series volume (A3 editor: BOOK_TYS)
        "BOOK": _WHOLE_BOOK,
        "EBOOK": _WHOLE_BOOK,
        "EDBOOK": _WHOLE_BOOK,
        # book sections: A3 series editor, SE chapter (A2 editor, T2 book title, T3 series: generic)
        "CHAP": _SECTION,
        "ECHAP": _SECTION,
        # conference proceedings and papers: CY conference location, C1 place published
        "CONF": _CONFERENCE,
        "CPAPER": _CONFERENCE,
        # reports: T2 series title, A2 series editor
        "RPRT": {"T2": "collection_title", "A2": "collection_editor"},
        # software and data sets: ET is the version
        "COMP": {"ET": "version"},
        "DATA": {"ET": "version"},
    }
)
