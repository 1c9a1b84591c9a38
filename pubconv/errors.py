"""Errors and diagnostics.

The exception tree (every class also subclasses a builtin, so callers may
catch ``ValueError`` / ``LookupError`` / ``OSError`` without importing pubconv)::

    PubconvError
    ├── ParseError(ValueError)          input is not valid in its format; has .position
    │   └── StrictError                 strict=True turned diagnostics into a failure; has .diagnostics
    ├── WriteError(ValueError)          a paper cannot be written in the target format
    ├── UnknownFormatError(LookupError) a format name, extension or sniff did not resolve
    └── InputError(OSError)             a file cannot be read, decoded, or would be overwritten

Recoverable problems are not raised: readers and writers return them as
:class:`Diagnostic` values (code, severity, message, position, entry key). The
API turns them into :class:`PubconvWarning` warnings, or raises
:class:`StrictError` when ``strict=True``.

Diagnostic codes are stable; :data:`CODES` is the table of them.

.. versionadded:: 0.1
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .model import Position

__all__ = [
    "CODES",
    "Diagnostic",
    "InputError",
    "ParseError",
    "PubconvError",
    "PubconvWarning",
    "Severity",
    "StrictError",
    "UnknownFormatError",
    "WriteError",
]


class Severity(enum.Enum):
    """How bad a diagnostic is. ``ERROR``: a record (or part of the file) was not converted."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value


#: Stable diagnostic codes: code -> (default severity, short title).
CODES: Final[dict[str, tuple[Severity, str]]] = {
    # syntax (1xx)
    "PC100": (Severity.ERROR, "syntax error"),
    "PC101": (Severity.ERROR, "unbalanced braces or quotes"),
    "PC102": (Severity.ERROR, "missing '=' or ','"),
    "PC103": (Severity.WARNING, "text between entries"),
    "PC104": (Severity.ERROR, "truncated input"),
    "PC105": (Severity.WARNING, "input is not UTF-8; decoded with a fallback encoding"),
    "PC106": (Severity.ERROR, "record has no content"),
    # entries and fields (2xx)
    "PC200": (Severity.ERROR, "duplicate citation key"),
    "PC201": (Severity.WARNING, "duplicate field in an entry; the first value is kept"),
    "PC210": (Severity.WARNING, "required field missing for the entry type"),
    "PC211": (Severity.ERROR, "undefined @string macro"),
    "PC212": (Severity.ERROR, "crossref points to no entry"),
    "PC213": (Severity.WARNING, "unknown entry type, read as misc"),
    "PC214": (Severity.WARNING, "crossref cycle"),
    "PC220": (Severity.WARNING, "malformed date or month"),
    "PC221": (Severity.WARNING, "malformed name"),
    "PC222": (Severity.WARNING, "LaTeX command that has no Unicode equivalent kept verbatim"),
    # listing (3xx)
    "PC300": (Severity.WARNING, "byline could not be split into title and authors"),
    "PC301": (Severity.ERROR, "listing entry without a header line"),
    "PC302": (Severity.WARNING, "unknown subject code"),
    "PC303": (Severity.WARNING, "malformed listing header line, read leniently"),
    # writing (4xx)
    "PC400": (Severity.WARNING, "the target format cannot hold a field; it was dropped"),
    "PC401": (Severity.WARNING, "value changed to fit the target format"),
    "PC402": (Severity.INFO, "citation key generated or changed to keep keys unique"),
    "PC600": (Severity.ERROR, "malformed XML"),
    "PC601": (Severity.ERROR, "XML DOCTYPE declares entities; input rejected"),
    "PC602": (Severity.WARNING, "JATS reference without a readable citation"),
    "PC603": (Severity.WARNING, "JATS citation without structured elements; kept as note"),
    "PC604": (Severity.ERROR, "XML input too large"),
    "PC500": (Severity.WARNING, "CSL-JSON top level is not an array of items; read leniently or not at all"),
    "PC501": (Severity.ERROR, "CSL-JSON item is not an object; skipped"),
    "PC502": (Severity.WARNING, "CSL-JSON item without 'id' or 'type'"),
    "PC503": (Severity.WARNING, "unknown CSL item type, read as document"),
    "PC504": (Severity.WARNING, "CSL-JSON value of the wrong JSON type"),
    "PC506": (Severity.INFO, "key outside the CSL-JSON schema, kept in Paper.extra"),
    "PC507": (Severity.WARNING, "malformed custom.pubconv value ignored"),
    "PC508": (Severity.INFO, "CSL-JSON date in a non-schema form, parsed"),
    "PC509": (Severity.INFO, "rich-text markup in a CSL-JSON title decoded to plain text"),
    "PC520": (Severity.ERROR, "citeproc-py could not format a reference; it was left out"),
    "PC521": (Severity.WARNING, "citeproc-py warning while formatting references"),
    "PC650": (Severity.WARNING, "BibLaTeX date is not EDTF level 1; kept as a literal date"),
    # check-only rules (7xx): `pubconv check`, see pubconv.check.rules
    "PC700": (Severity.ERROR, "malformed DOI"),
    "PC701": (Severity.ERROR, "invalid ISBN (format or checksum)"),
    "PC702": (Severity.ERROR, "invalid ISSN (format or checksum)"),
    "PC703": (Severity.ERROR, "malformed arXiv identifier"),
    "PC704": (Severity.WARNING, "malformed URL"),
    "PC705": (Severity.ERROR, "invalid ORCID (format or checksum)"),
    "PC706": (Severity.ERROR, "impossible or malformed date"),
    "PC707": (Severity.ERROR, "page range runs backwards"),
    "PC708": (Severity.WARNING, "BibTeX page range with a single hyphen"),
    "PC709": (Severity.ERROR, "mojibake: UTF-8 text decoded as Latin-1/Windows-1252"),
    "PC710": (Severity.ERROR, "unescaped LaTeX special character in a BibTeX value"),
    "PC711": (Severity.WARNING, "title word whose case styles would change is not brace-protected"),
    "PC712": (Severity.ERROR, "BibTeX entry without a citation key"),
    "PC713": (Severity.ERROR, "malformed RIS tag line"),
    "PC720": (Severity.WARNING, "duplicate record (same DOI, arXiv id, or title + year + first author)"),
    "PC721": (Severity.WARNING, "citation key also defined in another checked file"),
    "PC730": (Severity.ERROR, "CSL-JSON item fails the CSL-JSON schema"),
    "PC740": (Severity.ERROR, "JATS document fails the JATS DTD"),
    "PC790": (Severity.ERROR, "file cannot be read or its format cannot be detected"),
    "PC791": (Severity.WARNING, "suppression comment names an unknown rule"),
    # CITATION.cff (80x): pubconv.formats.cff
    "PC800": (Severity.ERROR, "CITATION.cff is not valid YAML"),
    "PC801": (Severity.ERROR, "CITATION.cff is not a mapping or lacks cff-version"),
    "PC802": (Severity.ERROR, "CITATION.cff violates the CFF 1.2.0 schema"),
    "PC803": (Severity.ERROR, "CITATION.cff too large or nested too deeply"),
    "PC804": (Severity.ERROR, "YAML anchors, aliases or merge keys in CITATION.cff; input rejected"),
    "PC805": (Severity.WARNING, "CITATION.cff value of the wrong shape; ignored or read leniently"),
    "PC806": (Severity.WARNING, "malformed pubconv identifier in CITATION.cff ignored"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """A recoverable problem found while reading, writing or checking."""

    code: str
    """Stable code from :data:`CODES` (``PC201``)."""
    message: str
    """What is wrong and, where it helps, how to fix it."""
    severity: Severity = Severity.WARNING
    position: Position | None = None
    key: str | None = None
    """The citation key of the entry concerned, when there is one."""

    @classmethod
    def make(
        cls,
        code: str,
        message: str,
        position: Position | None = None,
        *,
        key: str | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """A diagnostic whose severity defaults to the code's."""
        sev = severity if severity is not None else CODES[code][0]
        return cls(code=code, message=message, severity=sev, position=position, key=key)

    def __str__(self) -> str:
        where = str(self.position) if self.position is not None else "<input>"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}: {self.severity}: {self.message}{key} ({self.code})"


class PubconvWarning(UserWarning):
    """Category of the warnings :func:`pubconv.loads` issues for diagnostics."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class PubconvError(Exception):
    """Base class of every error pubconv raises."""


class ParseError(PubconvError, ValueError):
    """The input is not valid in its format."""

    def __init__(self, message: str, position: Position | None = None, *, code: str = "PC100") -> None:
        super().__init__(f"{position}: {message}" if position is not None else message)
        self.message = message
        self.position = position
        self.code = code


class StrictError(ParseError):
    """``strict=True`` and the conversion produced diagnostics; none of it was written."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        first = self.diagnostics[0] if self.diagnostics else None
        more = f" (and {len(self.diagnostics) - 1} more)" if len(self.diagnostics) > 1 else ""
        super().__init__(
            (first.message if first else "strict mode") + more,
            first.position if first else None,
            code=first.code if first else "PC100",
        )


class WriteError(PubconvError, ValueError):
    """A paper cannot be written in the target format."""


class UnknownFormatError(PubconvError, LookupError):
    """A format name, file extension or content sniff did not resolve to a format."""

    def __init__(self, message: str, choices: Iterable[str] = ()) -> None:
        self.choices = tuple(choices)
        if self.choices:
            message += f" (choose from: {', '.join(self.choices)})"
        super().__init__(message)


class InputError(PubconvError, OSError):
    """A file cannot be read or decoded, or an output would overwrite an input."""
