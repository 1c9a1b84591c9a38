"""``pubconv fmt`` (:mod:`pubconv.bibfmt`): golden fixtures, idempotence, semantics, CLI.

Golden fixtures are found automatically in ``fixtures/fmt/``:

* ``<case>.bib`` with ``<case>.out.bib``: formatting the input gives the output
  (no ``.out.bib``: the input is already canonical and must come back unchanged);
* ``<case>.bib`` with ``<case>.error.json`` (``[{"code", "line", "column"}]``): the
  input is refused with exactly these diagnostics;
* ``<case>.options.json`` (optional): :class:`~pubconv.bibfmt.FormatOptions` keywords.

``pytest tests/test_fmt.py --update-golden`` rewrites the expected files for review.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubconv import registry
from pubconv.bibfmt import FIELD_ORDER, FormatOptions, FormatResult, diff, format_bibtex, normalize_key
from pubconv.errors import Diagnostic
from pubconv.formats._bibtex.tokenizer import LineIndex, tokenize
from pubconv.formats.base import ReadResult
from pubconv.model import Paper

from .conftest import corpus_dir
from .paths import FIXTURES
from .test_cli import run_cli

FMT = FIXTURES / "fmt"
CASES = sorted(p for p in FMT.glob("*.bib") if not p.name.endswith(".out.bib"))
BIBLATEX_FILES = ("biblatex-examples.bib", "archaeologie-examples.bib")


def _options(case: Path) -> FormatOptions:
    path = case.with_name(case.stem + ".options.json")
    return FormatOptions(**json.loads(path.read_text(encoding="utf-8"))) if path.exists() else FormatOptions()


def _read(text: str, dialect: str = "bibtex") -> ReadResult:
    return registry.get(dialect).read(text, source="x.bib")


def _unordered_extra(p: Paper) -> Paper:
    """Field order has no meaning in BibTeX; the reader keeps unknown fields in source order."""
    return dataclasses.replace(p, extra=tuple(sorted(p.extra, key=lambda kv: kv[0])))


def assert_same_semantics(original: str, formatted: str, *, exact: bool, dialect: str = "bibtex") -> None:
    """pubconv's reader sees the same papers, document data and diagnostics in both texts."""
    a, b = _read(original, dialect), _read(formatted, dialect)
    if exact:
        assert a.papers == b.papers
    else:
        assert [_unordered_extra(p) for p in a.papers] == [_unordered_extra(p) for p in b.papers]
    assert a.document == b.document
    assert [(d.code, d.key) for d in a.diagnostics] == [(d.code, d.key) for d in b.diagnostics]


# --------------------------------------------------------------------------- golden fixtures


def test_fixture_cases_exist() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden(case: Path, update_golden: bool) -> None:
    text = case.read_text(encoding="utf-8")
    options = _options(case)
    result = format_bibtex(text, source=case.name, options=options)
    out_file = case.with_name(case.stem + ".out.bib")
    error_file = case.with_name(case.stem + ".error.json")
    if update_golden:
        if result.text is None:
            found = [{"code": d.code, "line": d.position.line, "column": d.position.column}
                     for d in result.diagnostics if d.position is not None]  # fmt: skip
            error_file.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
        elif result.text != text:
            out_file.write_text(result.text, encoding="utf-8")
    if error_file.exists():
        assert result.text is None and not result.changed and not result.ok
        expected = json.loads(error_file.read_text(encoding="utf-8"))
        got = [(d.code, d.position.line, d.position.column) for d in result.diagnostics if d.position]
        assert got == [(e["code"], e["line"], e["column"]) for e in expected]
        assert len(result.diagnostics) == len(expected)
        return
    expected_text = out_file.read_text(encoding="utf-8") if out_file.exists() else text
    assert result.text == expected_text
    assert result.changed == (expected_text != text)
    again = format_bibtex(expected_text, options=options)
    assert again.text == expected_text and not again.changed
    if not options.normalize_keys:
        assert_same_semantics(text, expected_text, exact=not options.sort_fields)


def test_normalize_keys_reports_and_updates_crossref() -> None:
    case = FMT / "normalize-keys.bib"
    result = format_bibtex(case.read_text(encoding="utf-8"), options=_options(case))
    assert result.text is not None
    assert [(d.code, d.severity.value, d.key) for d in result.diagnostics] == [
        ("PC402", "info", "Ødegård:2019"),
        ("PC402", "info", "Ødegård:2019a"),
        ("PC402", "warning", "Müller2020"),
        ("PC402", "warning", "王"),
    ]
    papers = _read(result.text).papers
    chapter = next(p for p in papers if p.key == "Odegard:2019a")
    assert chapter.issued == next(p for p in papers if p.key == "Odegard:2019").issued  # crossref resolved


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("Müller:2020", "Muller:2020"),
        ("Straße_1", "Strasse_1"),
        ("a b{c}", "abc"),
        ("王", ""),
        ("ok-1.2/x", "ok-1.2/x"),
    ],
)
def test_normalize_key(key: str, expected: str) -> None:
    assert normalize_key(key) == expected
    assert normalize_key(expected) == expected


# --------------------------------------------------------------------------- unit behaviour


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="indent"):
        FormatOptions(indent=-1)
    with pytest.raises(ValueError, match="indent"):
        FormatOptions(indent=17)


def test_crlf_bom_and_empty_input() -> None:
    text = "\ufeff@misc{a,\r\n  title = {T},\r\n}\r\n"
    result = format_bibtex(text)
    assert result.text == "@misc{a,\n  title = {T},\n}\n" and result.changed
    assert format_bibtex("").text == "" and not format_bibtex("").changed
    assert format_bibtex(" \n\n").text == ""
    assert format_bibtex("only free text  \n").text == "only free text\n"


def test_field_order_option_and_stable_sort() -> None:
    text = "@misc{a, zz = 1, note = {n}, year = 2, author = {A}, year = 3}"
    assert format_bibtex(text).text == (
        "@misc{a,\n  author = {A},\n  year   = 2,\n  year   = 3,\n  zz     = 1,\n  note   = {n},\n}\n"
    )
    custom = FormatOptions(field_order=("note", "zz"), align=False, indent=1)
    assert format_bibtex(text, options=custom).text == (
        "@misc{a,\n note = {n},\n zz = 1,\n year = 2,\n author = {A},\n year = 3,\n}\n"
    )
    assert FIELD_ORDER.index("author") < FIELD_ORDER.index("title") < FIELD_ORDER.index("year")


def test_quoted_values_become_braced_and_parts_are_kept() -> None:
    result = format_bibtex('@misc{a, title = "x {"} y" # {z} # 12 # Mac, note = ""}')
    assert result.text is not None
    assert '  title = {x {"} y} # {z} # 12 # Mac,\n' in result.text
    assert "  note  = {},\n" in result.text


def test_refused_input_has_positions_and_no_text() -> None:
    result = format_bibtex("@misc{a, title = {x}}\n\n@misc{b,\n  title = {oops,\n}\n", source="r.bib")
    assert result.text is None and not result.ok
    assert {d.code for d in result.diagnostics} <= {"PC100", "PC101", "PC102", "PC103", "PC104"}
    assert all(d.position is not None and d.position.source == "r.bib" for d in result.diagnostics)


def test_diff_output() -> None:
    assert diff("a\n", "a\n", "f.bib") == ""
    text = diff("@misc{a}", "@misc{a,\n}\n", "f.bib")
    assert text.startswith("--- f.bib\n+++ f.bib (formatted)\n")
    assert "-@misc{a}\n\\ No newline at end of file\n" in text


# --------------------------------------------------------------------------- generated .bib syntax

_WS = st.sampled_from(["", " ", "  ", "\n", "\t", " \n    ", "\n\n"])
_GAP = st.sampled_from([" ", "\n", "\n\n", "\n\n\n", "  \n \n"])
_PLAIN = "abcXYZ019 ,.;:-~\\'\n%#=!?()"
_plain = st.text(alphabet=_PLAIN, max_size=8)
_braced_content = st.recursive(
    _plain,
    lambda inner: st.lists(
        st.one_of(inner, inner.map(lambda s: "{" + s + "}"), st.just('{"}')), max_size=3
    ).map("".join),
    max_leaves=6,
)
_quoted_content = st.lists(
    st.one_of(st.text(alphabet=_PLAIN, max_size=6), _braced_content.map(lambda s: "{" + s + "}")), max_size=3
).map("".join)
_MACROS = ("jan", "Feb", "acm", "MyMacro", "undefinedmacro")
_part = st.one_of(
    _braced_content.map(lambda s: "{" + s + "}"),
    _quoted_content.map(lambda s: '"' + s + '"'),
    st.integers(0, 3000).map(str),
    st.sampled_from(_MACROS),
)


@st.composite
def _value(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_part, min_size=1, max_size=3))
    return "".join(p if i == 0 else draw(_WS) + "#" + draw(_WS) + p for i, p in enumerate(parts))


_NAMES = ("author", "Title", "YEAR", "month", "journal", "pages", "note", "crossref", "keywords", "x-tag")


@st.composite
def _entry(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["article", "Book", "INPROCEEDINGS", "misc", "online", "unknowntype"]))
    opener, closer = draw(st.sampled_from([("{", "}"), ("(", ")")]))
    key = draw(st.from_regex(r"[A-Za-zü][A-Za-z0-9:_-]{0,6}", fullmatch=True))
    fields = []
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(_NAMES))
        fields.append(draw(_WS) + name + draw(_WS) + "=" + draw(_WS) + draw(_value()) + draw(_WS))
    body = ",".join(fields) + (draw(st.sampled_from(["", ",", ", "])) if fields else "")
    return f"@{kind}{draw(_WS)}{opener}{key},{body}{draw(_WS)}{closer}"


@st.composite
def _string(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(_MACROS[:4]))
    command = draw(st.sampled_from(["string", "STRING"]))
    return f"@{command}{{{draw(_WS)}{name} = {draw(_value())}{draw(_WS)}}}"


_block = st.one_of(
    _entry(),
    _entry(),
    _string(),
    _value().map(lambda v: "@preamble{" + v + "}"),
    _braced_content.map(lambda s: "@comment{" + s + "}"),
    st.text(alphabet="abc XYZ%.-\n", min_size=1, max_size=20),  # free text between blocks
)


@st.composite
def bib_documents(draw: st.DrawFn) -> str:
    return "".join(draw(_block) + draw(_GAP) for _ in range(draw(st.integers(1, 5))))


def _formatted(text: str, options: FormatOptions | None = None) -> FormatResult:
    result = format_bibtex(text, options=options)
    assert result.text is not None, [str(d) for d in result.diagnostics]
    return result


@given(bib_documents(), st.integers(0, 4), st.booleans())
def test_generated_syntax(text: str, indent: int, align: bool) -> None:
    """Idempotent, and the reader sees the same papers (exactly so with --keep-order)."""
    result = _formatted(text)
    assert result.text is not None
    again = format_bibtex(result.text)
    assert again.text == result.text and not again.changed
    assert_same_semantics(text, result.text, exact=False)

    options = FormatOptions(sort_fields=False, indent=indent, align=align)
    kept = _formatted(text, options)
    assert kept.text is not None
    assert format_bibtex(kept.text, options=options).text == kept.text
    assert_same_semantics(text, kept.text, exact=True)

    options = FormatOptions(normalize_keys=True)
    normalized = _formatted(text, options)
    assert normalized.text is not None
    assert format_bibtex(normalized.text, options=options).text == normalized.text


# --------------------------------------------------------------------------- the reader's fixtures

READER_FIXTURES = sorted(
    p
    for d in ("bibtex", "biblatex", "invalid/bibtex", "invalid/biblatex")
    for p in (FIXTURES / d).glob("*.bib")
)


@pytest.mark.parametrize("path", READER_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_reader_fixtures(path: Path) -> None:
    """Every .bib fixture of the readers: refused only with syntax diagnostics; otherwise idempotent,
    and the reader sees the same papers and diagnostics (exactly so with --keep-order)."""
    text = path.read_text(encoding="utf-8")
    dialect = "biblatex" if "biblatex" in path.parts else "bibtex"
    result = format_bibtex(text, source=path.name)
    if result.text is None:
        syntax = {d.code for d in _read(text, dialect).diagnostics} & {
            "PC100",
            "PC101",
            "PC102",
            "PC103",
            "PC104",
        }
        assert syntax and {d.code for d in result.diagnostics} <= syntax | {"PC103"}
        return
    assert format_bibtex(result.text).text == result.text
    assert_same_semantics(text, result.text, exact=False, dialect=dialect)
    kept = _formatted(text, FormatOptions(sort_fields=False))
    assert kept.text is not None
    assert_same_semantics(text, kept.text, exact=True, dialect=dialect)


# --------------------------------------------------------------------------- real bibliographies


def _corpus_files() -> list[Path]:
    return sorted(corpus_dir("bibtex").glob("*.bib"))


def _syntax_view(text: str) -> list[tuple[object, ...]]:
    """What the tokenizer reads, without positions: blocks in order, each entry's fields as a
    name -> value mapping (the first of duplicates, as the reader keeps) plus the duplicate names."""
    diags: list[Diagnostic] = []
    view: list[tuple[object, ...]] = []
    for b in tokenize(text, LineIndex(text, "x"), diags):
        if b.kind == "entry":
            fields = {name: value for name, (_, value, _) in (b.entry or {}).items()}
            view.append((b.type, b.key, fields, sorted(name for name, _ in b.duplicates or ())))
        else:
            view.append((b.kind, b.key, [value for _, value, _ in b.fields], b.text))
    assert not diags
    return view


def test_corpus_idempotent_and_same_syntax() -> None:
    """Every corpus file: formatting is idempotent and the tokenizer reads the same blocks."""
    for path in _corpus_files():
        text = path.read_text(encoding="utf-8")
        result = format_bibtex(text, source=path.name)
        assert result.text is not None, path.name
        assert _syntax_view(text) == _syntax_view(result.text), path.name
        assert format_bibtex(result.text).text == result.text, path.name


def test_corpus_same_papers() -> None:
    """pubconv's reader gives the same papers (files under 700 kB, to keep the test fast)."""
    for path in _corpus_files():
        if path.stat().st_size > 700_000:
            continue
        text = path.read_text(encoding="utf-8")
        result = _formatted(text)
        assert result.text is not None
        dialect = "biblatex" if path.name in BIBLATEX_FILES else "bibtex"
        assert_same_semantics(text, result.text, exact=False, dialect=dialect)


def _oracle_view(text: str) -> list[tuple[str, str, list[tuple[str, str | None]]]]:
    """Entries as bibtexparser v2 sees them (concatenations, which it leaves unevaluated and
    whose spacing fmt normalises, compared by field name only)."""
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks
    return [
        (
            e.entry_type.lower(),
            e.key,
            sorted((f.key.lower(), None if "#" in f.value else f.value) for f in e.fields),
        )
        for e in lib.entries
    ]


@pytest.mark.parametrize("name", ["texgraph.bib", "epodd.bib", "biblatex-examples.bib"])
def test_bibtexparser_sees_the_same_entries(name: str) -> None:
    path = corpus_dir("bibtex") / name
    text = path.read_text(encoding="utf-8")
    result = format_bibtex(text, options=FormatOptions(sort_fields=False))
    assert result.text is not None
    assert _oracle_view(text) == _oracle_view(result.text)


def test_corpus_keep_order_exact_on_a_sample() -> None:
    for name in ("texgraph.bib", "biblatex-examples.bib"):
        text = (corpus_dir("bibtex") / name).read_text(encoding="utf-8")
        result = _formatted(text, FormatOptions(sort_fields=False))
        assert result.text is not None
        dialect = "biblatex" if name in BIBLATEX_FILES else "bibtex"
        assert_same_semantics(text, result.text, exact=True, dialect=dialect)


# --------------------------------------------------------------------------- CLI


MESSY = "@Article{k, Title = {T}, year = 2020, author = {A}}\n"
CLEAN = "@article{k,\n  author = {A},\n  title  = {T},\n  year   = 2020,\n}\n"


def test_cli_prints_one_file(tmp_path: Path) -> None:
    src = tmp_path / "a.bib"
    src.write_text(MESSY, encoding="utf-8")
    code, out, err = run_cli(["fmt", str(src)])
    assert (code, out, err) == (0, CLEAN, "")
    assert src.read_text(encoding="utf-8") == MESSY
    code, out, _ = run_cli(["fmt", "--keep-order", "--no-align", "--indent", "4", str(src)])
    assert code == 0 and out == "@article{k,\n    title = {T},\n    year = 2020,\n    author = {A},\n}\n"


def test_cli_in_place_keeps_mode_and_skips_clean_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.bib", tmp_path / "b.bib"
    a.write_text(MESSY, encoding="utf-8")
    b.write_text(CLEAN, encoding="utf-8")
    os.chmod(a, 0o640)
    before_b = b.stat().st_mtime_ns
    code, out, err = run_cli(["fmt", "--in-place", str(a), str(b)])
    assert code == 0 and out == ""
    assert f"reformatted {a}" in err and str(b) not in err
    assert a.read_text(encoding="utf-8") == CLEAN
    assert stat.S_IMODE(a.stat().st_mode) == 0o640
    assert b.stat().st_mtime_ns == before_b
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bib", "b.bib"]  # no temp file left


def test_cli_check(tmp_path: Path) -> None:
    a, b = tmp_path / "a.bib", tmp_path / "b.bib"
    a.write_text(MESSY, encoding="utf-8")
    b.write_text(CLEAN, encoding="utf-8")
    code, out, err = run_cli(["fmt", "--check", str(a), str(b)])
    assert code == 1
    assert out.startswith(f"--- {a}\n+++ {a} (formatted)\n") and "+  author = {A},\n" in out
    assert f"would reformat {a}" in err
    assert a.read_text(encoding="utf-8") == MESSY
    assert run_cli(["fmt", "--check", str(b)]) == (0, "", "")
    crlf = tmp_path / "crlf.bib"
    crlf.write_bytes(CLEAN.replace("\n", "\r\n").encode())
    assert run_cli(["fmt", "--check", "-q", str(crlf)])[0] == 1


def test_cli_never_touches_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bib"
    data = b"@misc{a, title = {x}}\n@misc{b,\n  title = {unclosed,\n  year = 2020,\n}\n"
    broken.write_bytes(data)
    for flags in (["--in-place"], ["--check"], []):
        code, out, err = run_cli(["fmt", *flags, str(broken)])
        assert code == 1 and out == ""
        assert f"{broken}:" in err and "(PC10" in err and "left unchanged" in err
        assert broken.read_bytes() == data


def test_cli_refuses_non_utf8(tmp_path: Path) -> None:
    latin = tmp_path / "latin.bib"
    data = "@misc{a, title = {Café}}\n".encode("cp1252")
    latin.write_bytes(data)
    code, _, err = run_cli(["fmt", "-i", str(latin)])
    assert code == 1 and "PC105" in err and latin.read_bytes() == data
    code, out, _ = run_cli(["fmt", "--encoding", "cp1252", str(latin)])
    assert code == 0 and "Café" in out
    assert run_cli(["fmt", "-i", "-q", "--encoding", "cp1252", str(latin)]) == (0, "", "")
    assert latin.read_bytes() == "@misc{a,\n  title = {Café},\n}\n".encode("cp1252")  # encoding kept


def test_cli_usage_errors(tmp_path: Path) -> None:
    a = tmp_path / "a.bib"
    a.write_text(CLEAN, encoding="utf-8")
    assert run_cli(["fmt", str(a), str(a)])[0] == 2
    assert run_cli(["fmt", "-i", "-"])[0] == 2
    assert run_cli(["fmt", "--check", "-i", str(a)])[0] == 2
    assert run_cli(["fmt", "--indent", "99", str(a)])[0] == 2
    assert run_cli(["fmt"])[0] == 2
    code, _, err = run_cli(["fmt", "--check", str(tmp_path / "missing.bib"), str(a)])
    assert code == 2 and "cannot read" in err


def test_options_from_mapping() -> None:
    options = FormatOptions.from_mapping(
        {"sort-fields": False, "field-order": ["Year", "title"], "indent": 4, "align": False}, indent=1
    )
    assert options == FormatOptions(sort_fields=False, field_order=("year", "title"), indent=1, align=False)
    for bad in (
        {"indent": True},
        {"indent": "2"},
        {"align": 1},
        {"field-order": "author"},
        {"colour": "red"},
    ):
        with pytest.raises(ValueError):
            FormatOptions.from_mapping(bad)


def test_cli_reads_tool_pubconv_fmt(tmp_path: Path) -> None:
    """``[tool.pubconv.fmt]`` of the nearest pyproject.toml (from the first file's folder); flags win."""
    project = tmp_path / "project"
    (project / "refs").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.pubconv.fmt]\nindent = 4\nalign = false\nfield-order = ["year"]\n', encoding="utf-8"
    )
    src = project / "refs" / "a.bib"
    src.write_text(MESSY, encoding="utf-8")
    code, out, _ = run_cli(["fmt", str(src)])
    assert code == 0 and out == "@article{k,\n    year = 2020,\n    title = {T},\n    author = {A},\n}\n"
    code, out, _ = run_cli(["fmt", "--indent", "1", str(src)])
    assert code == 0 and out.startswith("@article{k,\n year = 2020,\n")
    assert run_cli(["fmt", "--no-config", str(src)])[1] == CLEAN
    (project / "pyproject.toml").write_text("[tool.pubconv.fmt]\nindent = 'wide'\n", encoding="utf-8")
    code, _, err = run_cli(["fmt", str(src)])
    assert code == 2 and "pyproject.toml: indent must be int" in err
    (project / "pyproject.toml").write_text("[tool.pubconv.fmt\n", encoding="utf-8")
    code, _, err = run_cli(["fmt", str(src)])
    assert code == 2 and "invalid TOML" in err


def test_cli_in_place_follows_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "real.bib"
    target.write_text(MESSY, encoding="utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    assert run_cli(["fmt", "-i", "-q", str(link)]) == (0, "", "")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == CLEAN


def test_cli_stdin_bytes_are_decoded_like_files() -> None:
    data = "@misc{a, title = {Café}}".encode("cp1252")
    code, out, err = run_cli(["fmt", "-"], data)
    assert code == 1 and out == "" and "<stdin>:1:22" in err and "PC105" in err
    assert run_cli(["fmt", "--encoding", "cp1252", "-"], data) == (0, "@misc{a,\n  title = {Café},\n}\n", "")
