"""The rule table of ``pubconv check``: every code it reports, with severity and a fix hint.

Reader diagnostics (PC1xx syntax, PC2xx entries and fields, PC3xx listing, PC5xx
CSL-JSON, PC6xx XML) are reused as they are: ``check`` runs the format's reader and
keeps the diagnostics whose code is in this table (plus any error-level one, so a
reader error is never hidden). Check-only rules are PC700-PC799 and live in
:mod:`pubconv.errors` ``CODES`` like every other code.

.. versionadded:: 0.2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ..errors import CODES, Severity

__all__ = ["ALL_FORMATS", "CHECK_SEVERITY", "RULES", "Rule", "rule"]

ALL_FORMATS: Final = ("bibtex", "biblatex", "csljson", "ris", "jats", "listing", "cff")
_BIB: Final = ("bibtex", "biblatex")


@dataclass(frozen=True, slots=True)
class Rule:
    """One check rule."""

    code: str
    severity: Severity
    """Default severity (a configuration may override it)."""
    title: str
    hint: str
    """How to fix a finding, in one sentence."""
    formats: tuple[str, ...]


#: reader codes ``check`` reports at another severity than the reader, which recovers from them:
#: text that belongs to no entry or record and records cut off before their end (the reader
#: skips them), a field given twice (which value is meant?), a file that is not UTF-8, a
#: listing block that cannot be split — each means the file needs fixing
CHECK_SEVERITY: Final = {
    "PC103": Severity.ERROR,
    "PC104": Severity.ERROR,
    "PC105": Severity.ERROR,
    "PC201": Severity.ERROR,
    "PC300": Severity.ERROR,
}


def _r(code: str, hint: str, formats: tuple[str, ...] = ALL_FORMATS) -> Rule:
    severity, title = CODES[code]
    return Rule(code, CHECK_SEVERITY.get(code, severity), title, hint, formats)


#: Every rule ``check`` reports, in code order.
RULES: Final[dict[str, Rule]] = {
    r.code: r
    for r in (
        _r("PC100", "fix the syntax at the position shown; the record was skipped"),
        _r("PC101", "close the brace or quote opened at the position shown", _BIB),
        _r("PC102", "add the missing '=' between field name and value, or ',' between fields", _BIB),
        _r("PC103", "delete the stray text or make it a proper entry/comment", (*_BIB, "ris")),
        _r(
            "PC104",
            "the file or record ends too early: close the entry (BibTeX) or add 'ER  - ' (RIS)",
            (*_BIB, "ris"),
        ),
        _r("PC105", "re-save the file as UTF-8"),
        _r("PC200", "give each entry a unique key (CSL-JSON: a unique 'id')", (*_BIB, "csljson")),
        _r("PC201", "delete one of the two values of the field (BibTeX uses the first)", _BIB),
        _r("PC210", "add the field, or change the entry type to one that does not need it", _BIB),
        _r(
            "PC211",
            "define the macro with @string{name = {...}} before its first use, or brace the value",
            _BIB,
        ),
        _r("PC212", "add the entry the crossref names, or remove the crossref field", _BIB),
        _r("PC213", "use a standard entry type (or @misc)", (*_BIB, "ris")),
        _r("PC220", "write the year as digits, the month as a number or jan..dec", (*_BIB, "csljson", "ris")),
        _r(
            "PC221",
            "write each name as 'Family, Given' or 'Given Family', separated by ' and '",
            (*_BIB, "csljson"),
        ),
        _r(
            "PC300",
            "separate the title from the authors in the byline (e.g. a period after the title)",
            ("listing",),
        ),
        _r("PC301", "start every entry with a header line such as 'LGAug 27, 2020'", ("listing",)),
        _r("PC303", "write the header as <subject code><Mon D, YYYY>[Code]", ("listing",)),
        _r("PC500", "make the top level a JSON array of item objects", ("csljson",)),
        _r("PC501", "make every array element a JSON object", ("csljson",)),
        _r("PC502", "give every item an 'id' and a 'type'", ("csljson",)),
        _r("PC503", "use a CSL 1.0.2 item type (article-journal, book, chapter, ...)", ("csljson",)),
        _r("PC504", "use the JSON type the CSL schema gives for the variable", ("csljson",)),
        _r(
            "PC600",
            "fix the XML at the position shown (unclosed or mismatched tag, bad character)",
            ("jats",),
        ),
        _r("PC601", "remove the entity declarations from the DOCTYPE", ("jats",)),
        _r(
            "PC700",
            "write the DOI as 10.<registrant>/<suffix>, without a resolver URL prefix in BibTeX",
            ("bibtex", "biblatex", "csljson", "ris", "jats", "cff"),
        ),
        _r("PC701", "correct the ISBN: 10 or 13 digits whose check digit matches"),
        _r("PC702", "correct the ISSN: NNNN-NNNC whose check digit matches"),
        _r("PC703", "write the arXiv id as YYMM.NNNNN[vN] or archive/YYMMNNN[vN]"),
        _r("PC704", "write an absolute http(s) URL without spaces"),
        _r("PC705", "correct the ORCID: https://orcid.org/NNNN-NNNN-NNNN-NNNC with a matching check digit"),
        _r("PC706", "write the date as YYYY, YYYY-MM or YYYY-MM-DD with a real month and day"),
        _r("PC707", "swap the page numbers so the range runs forwards"),
        _r("PC708", "write page ranges with '--' (en dash) in BibTeX", _BIB),
        _r("PC709", "replace the garbled characters with the intended ones (the text was decoded twice)"),
        _r(
            "PC710", "escape the character with a backslash (\\&, \\%, \\#, \\_) or put it in math mode", _BIB
        ),
        _r("PC711", "wrap the word in braces ({DNA}) so styles that change case keep it", _BIB),
        _r("PC712", "give the entry a citation key: @article{key, ...}", _BIB),
        _r(
            "PC713",
            "write tag lines as two upper-case characters, two spaces, '-', a space: 'AU  - '",
            ("ris",),
        ),
        _r("PC720", "remove one of the records, or merge them"),
        _r("PC721", "rename one of the keys, or drop the entry from one file"),
        _r("PC730", "fix the value at the JSON path shown so it matches the CSL-JSON schema", ("csljson",)),
        _r("PC740", "fix the element at the position shown so it matches the JATS DTD", ("jats",)),
        _r("PC790", "check the path and permissions, or pass --from FORMAT"),
        _r("PC791", "name existing rule codes (see pubconv check --list-rules) in the comment", _BIB),
        _r("PC800", "fix the YAML syntax at the position shown", ("cff",)),
        _r("PC801", "make CITATION.cff a YAML mapping that starts with 'cff-version: 1.2.0'", ("cff",)),
        _r("PC802", "fix the value at the position shown so it matches the CFF 1.2.0 schema", ("cff",)),
        _r("PC804", "write the repeated value out in full instead of a YAML anchor or alias", ("cff",)),
    )
}


def rule(code: str) -> Rule:
    """The rule for ``code``; codes outside the table get a generic rule from ``CODES``."""
    hit = RULES.get(code)
    if hit is not None:
        return hit
    severity, title = CODES.get(code, (Severity.WARNING, "diagnostic"))
    return Rule(code, severity, title, "", ALL_FORMATS)
