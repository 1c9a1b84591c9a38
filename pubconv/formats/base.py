"""Types shared by every format module: the read result and the module protocol."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import Diagnostic
from ..model import Paper

__all__ = ["FormatModule", "ReadResult", "collect"]


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a reader returns: the papers, the diagnostics, and document-level data.

    ``document`` holds what belongs to the file rather than to a record (for
    BibTeX: ``@preamble``, ``@string`` macros and ``@comment`` blocks), so a
    same-format write can keep it. It is None for formats without such data.
    """

    papers: tuple[Paper, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    document: Any = None


def collect(items: Iterable[Paper | Diagnostic], document: Any = None) -> ReadResult:
    """Build a :class:`ReadResult` from a stream of papers and diagnostics."""
    papers: list[Paper] = []
    diags: list[Diagnostic] = []
    for item in items:
        (papers if isinstance(item, Paper) else diags).append(item)  # type: ignore[arg-type]
    return ReadResult(tuple(papers), tuple(diags), document)


class FormatModule(Protocol):
    """The shape of a format module (see :mod:`pubconv.formats`)."""

    NAME: str
    ALIASES: tuple[str, ...]
    EXTENSIONS: tuple[str, ...]
    DESCRIPTION: str
    SUPPORTS: frozenset[str]

    def sniff(self, head: str) -> bool: ...


ReadIter = Iterator[Paper | Diagnostic]
