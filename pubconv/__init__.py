"""pubconv: convert bibliographic records between formats through one canonical model.

>>> import pubconv
>>> papers = pubconv.loads(open("refs.bib").read(), "bibtex")       # doctest: +SKIP
>>> print(pubconv.dumps(papers, "listing"))                           # doctest: +SKIP

The verbs follow the ``json`` module: :func:`loads` / :func:`load` parse,
:func:`dumps` / :func:`dump` serialise, :func:`convert` does both,
:func:`iter_load` streams, and :func:`read` / :func:`reads` return every
diagnostic next to the papers. Formats are looked up in :mod:`pubconv.registry`.
"""

from __future__ import annotations

from .api import convert, dump, dumps, iter_load, load, loads, read, reads
from .errors import (
    Diagnostic,
    InputError,
    ParseError,
    PubconvError,
    PubconvWarning,
    Severity,
    StrictError,
    UnknownFormatError,
    WriteError,
)
from .formats.base import ReadResult
from .model import ArxivId, Category, Date, Name, Paper, Position

__version__ = "0.1.0"

__all__ = [
    "ArxivId",
    "Category",
    "Date",
    "Diagnostic",
    "InputError",
    "Name",
    "Paper",
    "ParseError",
    "Position",
    "PubconvError",
    "PubconvWarning",
    "ReadResult",
    "Severity",
    "StrictError",
    "UnknownFormatError",
    "WriteError",
    "__version__",
    "convert",
    "dump",
    "dumps",
    "iter_load",
    "load",
    "loads",
    "read",
    "reads",
]
