"""Formatted references as an HTML fragment (write-only), rendered by citeproc-py.

The output is a fragment to embed in a page, in citeproc's usual markup::

    <div class="csl-bib-body">
      <div class="csl-entry">Doe, J. (2020). <i>A title</i>. ...</div>
    </div>

All text from the data is escaped (``&``, ``<``, ``>``); the only tags are the
style's formatting (``<i>``, ``<b>``, ``<sup>``, small caps ...). Options as for
:mod:`pubconv.formats.text`: ``style`` and ``locale``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .. import _citeproc
from ..errors import Diagnostic
from ..model import Paper
from . import csl_json

__all__ = ["ALIASES", "DESCRIPTION", "EXTENSIONS", "NAME", "SUPPORTS", "read", "sniff", "write"]

NAME: Final = "html"
ALIASES: Final[tuple[str, ...]] = ()
EXTENSIONS: Final = (".html",)
DESCRIPTION: Final = "formatted references as an HTML fragment (CSL style via citeproc-py; write only)"
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
    """``<div class="csl-bib-body">`` with one ``<div class="csl-entry">`` per reference."""
    entries = _citeproc.render(papers, style=style, locale=locale, html_output=True, diagnostics=diagnostics)
    body = "".join(f'  <div class="csl-entry">{e.strip()}</div>\n' for e in entries)
    return f'<div class="csl-bib-body">\n{body}</div>\n'
