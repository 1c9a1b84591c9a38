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
    # the seed's author lists are truncated ("and others"): the style's et-al term ends them
    assert any(
        p.startswith("Gemma Team, Riviere, M., Pathak, S., et al. (2024). Gemma 2:") for p in paragraphs
    )
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


def _etal_paper(truncated: bool, n: int = 2, *, editors: bool = False) -> Paper:
    names = tuple(
        Name(family=f, given=g) for f, g in [("Smith", "Jane"), ("Doe", "John"), ("Roe", "Ann")][:n]
    )
    if editors:
        return Paper(
            key="e",
            type="book",
            title="Collected Works",
            editor=names,
            editor_truncated=truncated,
            issued=Date(year=2020),
        )
    return Paper(key="p", title="A Study", author=names, author_truncated=truncated, issued=Date(year=2020))


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("apa", "Smith, J., Doe, J., et al. (2020). A Study."),
        ("ieee", "J. Smith, J. Doe, et al., “A Study”"),
        ("vancouver", "Smith J, Doe J, et al. A Study."),
        ("chicago-author-date", "Smith, J., J. Doe, et al. 2020."),
        ("harvard1", "Smith, J., Doe, J. et al. (2020)"),
    ],
)
def test_truncated_author_list_ends_in_et_al(style: str, expected: str) -> None:
    out = text.write([_etal_paper(True)], style=style)
    assert expected in out
    assert out.count("et al") == 1 and "\ue010" not in out
    plain = text.write([_etal_paper(False)], style=style)
    assert "et al" not in plain and "Doe" in plain


def test_truncated_single_author_and_html() -> None:
    out = text.write([_etal_paper(True, 1)], style="chicago-author-date")
    assert out.startswith("Smith, J., et al. 2020.")
    page = html.write([_etal_paper(True)])
    assert "Smith, J., Doe, J., et al. (2020)" in page and "&amp;" not in page


def test_style_shortened_list_is_not_marked_twice() -> None:
    # MLA shortens three or more names itself: its own et-al is kept, ours is not added
    out = text.write([_etal_paper(True, 3)], style="mla")
    assert out.startswith("Smith, J., et al.") and out.count("et al") == 1
    assert text.write([_etal_paper(False, 3)], style="mla") == out


def test_truncated_editor_list_ends_in_et_al() -> None:
    out = text.write([_etal_paper(True, editors=True)], style="chicago-author-date")
    assert "et al" in out and "\ue010" not in out
    assert "et al" not in text.write([_etal_paper(False, editors=True)], style="chicago-author-date")


def test_et_al_uses_the_locale_term() -> None:
    # German: the term is "u. a." and the connective "und" is dropped before it
    out = text.write([_etal_paper(True)], style="ieee", locale="de-DE")
    assert "J. Smith, J. Doe, u.\u00a0a., " in out and "und" not in out and "et al" not in out
    assert "Smith, J., Doe, J. u.\u00a0a. (2020)" in text.write(
        [_etal_paper(True)], style="harvard1", locale="de-DE"
    )
