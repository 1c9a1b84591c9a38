"""Types shared by every format module: the read result and the module protocol."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import Diagnostic
from ..model import Paper

__all__ = ["FormatModule", "ReadResult", "collect", "slices", "unsupported_defaults"]


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


def slices(text: str, start: int = 0, end: int | None = None, size: int = 1 << 20) -> Iterator[str]:
    """``text[start:end]`` as pieces of at most ``size`` characters (no full-size copy)."""
    end = len(text) if end is None else end
    for i in range(start, end, size):
        yield text[i : min(end, i + size)]


def unsupported_defaults(supports: frozenset[str]) -> dict[str, Any]:
    """``{field: default}`` for every data field of :class:`Paper` outside ``supports``.

    Format modules' ``normalize`` functions start from this to restrict a paper to
    what their format represents (``origin`` and ``raw`` are bookkeeping, not data).
    """
    return {
        f.name: f.default
        for f in dataclasses.fields(Paper)
        if f.name not in ("raw", "origin") and f.name not in supports
    }


class FormatModule(Protocol):
    """The shape of a format module (see :mod:`pubconv.formats`)."""

    NAME: str
    ALIASES: tuple[str, ...]
    EXTENSIONS: tuple[str, ...]
    DESCRIPTION: str
    SUPPORTS: frozenset[str]

    def sniff(self, head: str) -> bool: ...


ReadIter = Iterator[Paper | Diagnostic]
