"""Injection: a value can never escape its field or its record, in any writer.

Papers whose titles, names, notes, containers, publishers, abstracts and keywords are
built from the structural characters and lines of every format (BibTeX braces, quotes,
``@``, ``%``, ``\\input``/``\\write18``; RIS ``ER  - `` / ``TY  - `` lines; XML ``]]>``,
``<``, ``&``; listing header lines and title/author separators) are written by every
writer in the registry and read back: the same number of records, with the values the
format's documented normalisation (``<module>.normalize``) promises. Control
characters and lone surrogates may only change when the writer reports it (PC401).

BibTeX written from papers that did not come from a ``.bib`` escapes every LaTeX
special, so no ``\\input``, ``\\write18``, ``\\openout``, ``\\def``, ``\\catcode`` … can run
when the file is compiled; LaTeX that came from a ``.bib`` is the user's own and is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubconv import registry
from pubconv.errors import Diagnostic
from pubconv.model import Name, Paper

from .strategies import WORD

SETTINGS = settings(
    max_examples=int(__import__("os").environ.get("PUBCONV_INJECTION_EXAMPLES", "40")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

PAYLOADS = (
    "}", "{", "\\", "%", "@", '"', "#", "&", "~", "^", "$", "_", "\n", "'", "`", ",", ";", "=",
    "\\input{/etc/passwd}", "\\write18{rm -rf ~}", "\\immediate\\write18{id}", "\\openout5=x.tex",
    "\\def\\x{1}", "\\catcode`\\@=11", "\\csname end\\endcsname", "\\end{document}", "\\\\", "\\}",
    "\n@misc{x,\n title = {y}}\n", "@string{a = {b}}", "#a#", '"}', '{"', "\n}\n@comment{",
    "\nER  - \nTY  - JOUR\n", "\nER  - \n", "\nTY  - BOOK\nTI  - injected\n", "AU  - Evil, E.",
    "]]>", "<", ">", "&amp;", "&x;", "<![CDATA[x]]>", "<!--", "<script>alert(1)</script>", "</ref>",
    "\nLGAug 27, 2020Code\n", "\nCSJan 1, 1999\nInjected TitleA. Person\n", " et al.", " · deepmind",
    " and ", " and others", "\u2063", "\t", "  ", "\r\n", "--", "{\\'e}", "\u00e9", "\U0001d400",
)  # fmt: skip

#: Things a compiled .bib must never run (matched as TeX control words).
DANGEROUS = re.compile(
    r"\\(?:input|include|InputIfFileExists|write|write18|immediate|openout|openin|read|def|edef|gdef|"
    r"xdef|let|catcode|csname|expandafter|newcommand|renewcommand|usepackage|special|directlua|"
    r"end|makeatletter)(?![A-Za-z])"
)


def hostile(min_size: int = 1) -> st.SearchStrategy[str]:
    """Words mixed with payloads; never empty after whitespace folding."""
    return (
        st.lists(st.sampled_from(PAYLOADS) | WORD, min_size=min_size, max_size=6)
        .map(lambda parts: "".join(parts))
        .filter(lambda s: bool(s.split()))
    )


@st.composite
def hostile_names(draw: st.DrawFn) -> Name:
    if draw(st.integers(0, 5)) == 0:
        return Name(literal=draw(hostile()))
    return Name(family=draw(hostile()), given=draw(st.none() | hostile()))


@st.composite
def hostile_papers(draw: st.DrawFn) -> Paper:
    opt = st.none() | hostile()
    return Paper(
        type=draw(st.sampled_from(["article-journal", "book", "chapter", "paper-conference", "report"])),
        key=draw(st.from_regex(r"[a-z]{3,8}[0-9]{2}", fullmatch=True)),
        title=draw(hostile()),
        author=tuple(draw(st.lists(hostile_names(), min_size=1, max_size=3))),
        issued=None,
        container_title=draw(opt),
        publisher=draw(opt),
        abstract=draw(opt),
        note=draw(opt),
        keywords=tuple(draw(st.lists(hostile(), max_size=2))),
    )


TWO_WAY = [f.name for f in registry.all_formats() if f.can_read and f.can_write]


def _normalizer(fmt: registry.Format) -> Callable[[Paper], Paper] | None:
    fn = getattr(fmt.module, "normalize", None)
    return fn if callable(fn) else None


def _fold(s: str | None) -> str | None:
    return " ".join(s.split()) or None if s is not None else None


def _listing_view(p: Paper) -> tuple[Any, ...]:
    """What the listing format holds of a hostile paper (title, shown authors, abstract).

    Its writer folds whitespace and turns U+2063 (its own title/author separator) into a
    space, so a name made of nothing else disappears; commas in names become spaces, which
    it reports (PC401, checked by the caller).
    """

    def fold(s: str | None) -> str | None:
        return _fold(s.replace("\u2063", " ").replace(",", " ")) if s is not None else None

    names = (
        fold(n.literal) or fold(" ".join(x for x in (n.given, n.particle, n.family) if x)) for n in p.author
    )
    return fold(p.title), tuple(n for n in names if n), fold(p.abstract)


def _roundtrip(fmt_name: str, papers: list[Paper]) -> tuple[str, list[Paper], list[Diagnostic]]:
    fmt = registry.get(fmt_name)
    sink: list[Diagnostic] = []
    text = fmt.write(papers, diagnostics=sink)
    back = fmt.read(text, source=f"<{fmt_name}>")
    return text, list(back.papers), sink + list(back.diagnostics)


@pytest.mark.parametrize("fmt_name", TWO_WAY)
@SETTINGS
@given(papers=st.lists(hostile_papers(), min_size=1, max_size=3, unique_by=lambda p: p.key))
def test_values_never_escape_their_field_or_record(fmt_name: str, papers: list[Paper]) -> None:
    fmt = registry.get(fmt_name)
    text, back, diags = _roundtrip(fmt_name, papers)
    assert len(back) == len(papers), (text, diags)
    assert not [d for d in diags if d.severity.value == "error"], diags
    normalize = _normalizer(fmt)
    for before, after in zip(papers, back, strict=True):
        if normalize is not None:
            expected = normalize(before)
            reported = {d.key for d in diags if d.code == "PC401"}
            for name in sorted(fmt.supports - {"title_nocase", "type", "key", "keywords"}):
                assert getattr(after, name) == getattr(expected, name), (fmt_name, name, text)
            if before.key not in reported:  # a keyword holding the list separator is reported
                folded = tuple(_fold(k) for k in expected.keywords)
                assert tuple(_fold(k) for k in after.keywords) == folded, (fmt_name, text)
        else:
            assert _listing_view(after) == _listing_view(before), text
            if any("," in n.display() for n in before.author):
                assert any(d.code == "PC401" and d.key == before.key for d in diags)


#: Control characters that are not whitespace (whitespace folding is documented per format).
CONTROL = "".join(c for c in map(chr, [*range(0x20), 0x7F, 0xD800, 0xDFFF, 0xFFFE]) if not c.isspace())


@pytest.mark.parametrize("fmt_name", TWO_WAY)
@SETTINGS
@given(
    title=st.lists(WORD | st.sampled_from(list(CONTROL)), min_size=1, max_size=8)
    .map("".join)
    .filter(lambda s: any(c.isalpha() for c in s))
)
def test_control_characters_and_surrogates_change_only_with_a_diagnostic(fmt_name: str, title: str) -> None:
    paper = Paper(type="book", key="k", title=title, note=title, author=(Name(family="Doe", given=title),))
    text, back, diags = _roundtrip(fmt_name, [paper])
    assert len(back) == 1, text
    fmt = registry.get(fmt_name)
    normalize = _normalizer(fmt)
    expected = normalize(paper) if normalize is not None else paper
    changed = back[0].title not in (title, expected.title) or (
        "note" in fmt.supports and back[0].note not in (title, expected.note)
    )
    if changed:
        assert any(d.code in ("PC400", "PC401") for d in diags), (fmt_name, repr(title), repr(back[0].title))
        # what is left are the same characters minus the ones reported as dropped or replaced
        kept = [c for c in (back[0].title or "") if c not in CONTROL and not c.isspace()]
        assert "".join(kept) in "".join(c for c in title if c not in CONTROL and not c.isspace())


NON_LATEX_SOURCES = [n for n in TWO_WAY if n not in ("bibtex", "biblatex")]
BIB_TARGETS = [n for n in TWO_WAY if n in ("bibtex", "biblatex")]


@pytest.mark.parametrize("target", BIB_TARGETS)
@pytest.mark.parametrize("unicode", [False, True])
@SETTINGS
@given(papers=st.lists(hostile_papers(), min_size=1, max_size=2, unique_by=lambda p: p.key))
def test_bibtex_from_text_escapes_every_latex_special(
    target: str, unicode: bool, papers: list[Paper]
) -> None:
    out = registry.get(target).write(papers, diagnostics=[], unicode=unicode)
    assert DANGEROUS.search(out) is None, out
    # a value cannot open an entry: every '@' at a line start begins one of our entries
    entries = [line for line in out.splitlines() if line.startswith("@")]
    assert len(entries) == len(papers), out


@pytest.mark.parametrize("source", NON_LATEX_SOURCES)
@pytest.mark.parametrize("target", BIB_TARGETS)
def test_payloads_from_every_text_format_are_escaped_in_bibtex(source: str, target: str) -> None:
    """End to end: a payload in a listing / CSL-JSON / RIS / JATS (/ CFF …) file stays text."""
    payload = "Owned \\input{/etc/passwd} \\write18{rm -rf ~} \\catcode`\\@=11 \\def\\x{} } @misc{x,"
    paper = Paper(type="book", key="k", title=payload, author=(Name(family="Doe \\openout1", given="J"),))
    text = registry.get(source).write([paper], diagnostics=[])
    read = registry.get(source).read(text, source="in")
    assert len(read.papers) == 1
    out = registry.get(target).write(read.papers, diagnostics=[])
    assert DANGEROUS.search(out) is None, out
    back = registry.get(target).read(out, source="out").papers
    assert [p.title for p in back] == [payload]


def test_latex_from_a_bib_file_stays_as_written() -> None:
    """The user's own LaTeX (unknown commands kept verbatim, PC222) is written back unchanged."""
    bib = "@misc{k,\n  title = {Fancy \\foo{x} and \\input{chapter}},\n  note = {\\mynote{a}},\n}\n"
    fmt = registry.get("bibtex")
    result = fmt.read(bib, source="own.bib")
    assert {d.code for d in result.diagnostics} == {"PC222"}
    out = fmt.write(result.papers, diagnostics=[])
    assert "\\foo{x}" in out and "\\input{chapter}" in out and "\\mynote{a}" in out


@pytest.mark.parametrize("fmt_name", [f.name for f in registry.all_formats() if f.name in ("html",)])
def test_html_output_escapes_markup(fmt_name: str) -> None:
    paper = Paper(
        type="book",
        key="k",
        title="<script>alert(1)</script> & <img src=x onerror=alert(2)>",
        author=(Name(family="<b>Doe</b>", given="J"),),
        issued=None,
    )
    out = registry.get(fmt_name).write([paper], diagnostics=[])
    assert "<script" not in out and "<img" not in out and "<b>" not in out, out


@pytest.mark.parametrize("fmt_name", BIB_TARGETS)
@pytest.mark.parametrize(
    ("name", "keywords"),
    [
        (Name(family="}\t}"), ()),  # found by the property: a tab inside a family without given
        (Name(family="X\u2003Y"), ()),
        (Name(family="Smith", given="A\tand\tB"), ()),
        (Name(family="Doe"), ("a, b", "c;d")),  # keyword separators inside a keyword: PC401
    ],
)
def test_bibtex_regressions(fmt_name: str, name: Name, keywords: tuple[str, ...]) -> None:
    paper = Paper(type="book", key="k", title="T", author=(name,), keywords=keywords)
    _, back, diags = _roundtrip(fmt_name, [paper])
    assert [" ".join((n.family or "").split()) for n in back[0].author] == [
        " ".join((name.family or "").split())
    ]
    assert [" ".join((n.given or "").split()) or None for n in back[0].author] == [
        " ".join(name.given.split()) if name.given else None
    ]
    if keywords:
        assert any(d.code == "PC401" for d in diags)
