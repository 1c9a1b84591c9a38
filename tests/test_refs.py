"""Formatted references (text and html writers) rendered by citeproc-py from our CSL-JSON."""

from __future__ import annotations

import random
import re

import pytest

from pubconv import _citeproc
from pubconv.errors import UnknownFormatError
from pubconv.formats import bibtex, html, listing, text
from pubconv.model import Date, Name, Paper

from .paths import CORPUS, SEED


def _seed() -> tuple[Paper, ...]:
    return listing.read(SEED.read_text(encoding="utf-8")).papers


def test_text_apa_renders_the_seed() -> None:
    diags: list[object] = []
    out = text.write(_seed(), diagnostics=diags)  # type: ignore[arg-type]
    paragraphs = out.split("\n\n")
    assert len(paragraphs) == len(_seed())
    assert out.endswith(".\n") and not out.endswith("\n\n")
    assert any(p.startswith("Gemma Team, Riviere, M., & Pathak, S. (2024). Gemma 2:") for p in paragraphs)
    assert not diags


@pytest.mark.parametrize("style", ["apa", "harvard1", "chicago-author-date", "ieee", "vancouver", "mla"])
def test_common_styles_render(style: str) -> None:
    out = text.write(_seed()[:3], style=style)
    assert out.count("\n\n") == 2 and "Gemma" in out


def test_unknown_style_lists_close_matches() -> None:
    with pytest.raises(UnknownFormatError) as info:
        text.write(_seed(), style="chicago-autor-date")
    assert "chicago-author-date" in str(info.value)
    assert "chicago-author-date" in info.value.choices
    with pytest.raises(LookupError):
        html.write(_seed(), style="no-such-style-at-all")


def test_html_fragment_escapes_everything() -> None:
    p = Paper(
        key="x2020",
        title="Rock & <script>alert(1)</script> roll",
        author=(Name(family="O'Brien & Sons", given="<b>"),),
        issued=Date(year=2020),
        container_title="J. <Markup>",
    )
    out = html.write([p])
    assert out.startswith('<div class="csl-bib-body">\n  <div class="csl-entry">') and out.endswith(
        "</div>\n"
    )
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "Rock &amp; " in out and "&lt;b&gt;" in out and "J. &lt;Markup&gt;" in out
    assert re.sub(r"</?(div|i|b|span)[^>]*>", "", out).count("<") == 0


def test_nocase_spans_are_not_printed_as_markup() -> None:
    p = Paper(key="k", title="learning with MAML", title_nocase=((14, 18),), issued=Date(year=2020))
    out = text.write([p], style="chicago-author-date")
    assert "span" not in out and "MAML" in out


def test_empty_input() -> None:
    assert text.write([]) == ""
    assert html.write([]) == '<div class="csl-bib-body">\n</div>\n'


def test_style_path_accepts_a_file() -> None:
    path = _citeproc.style_path("apa")
    assert path.endswith(".csl")
    assert _citeproc.style_path(path) == path


def test_corpus_sample_renders_without_errors() -> None:
    root = CORPUS / "bibtex"
    if not root.is_dir():
        pytest.skip(f"corpus not found at {root}")
    papers: list[Paper] = []
    for f in sorted(root.glob("*.bib")):
        papers += bibtex.read(f.read_text(encoding="utf-8", errors="replace"), source=f.name).papers
    sample = random.Random(7).sample(papers, 40)
    diags: list[object] = []
    out = text.write(sample, diagnostics=diags)  # type: ignore[arg-type]
    assert out.count("\n\n") == 39
    assert not [d for d in diags if getattr(d, "code", "") == "PC520"]
    assert html.write(sample).count('<div class="csl-entry">') == 40
