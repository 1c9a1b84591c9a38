"""One large input converted in parts (``convert_files(jobs=N)`` on a single file).

A split conversion must say exactly what one pass says: the same bytes, the same
diagnostics (positions included) in the same order, the same counts. Where the
parts cannot know that (a citation key in two parts, a generated key that an
earlier part took, a ``crossref``), the input is converted in one pass. The
minimum part size is lowered here so that small files split too.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pubconv import api, keys, registry
from pubconv.errors import Diagnostic, PubconvError
from pubconv.formats import bibtex

from .conftest import corpus_dir
from .paths import FIXTURES, ROOT

#: every .bib under fixtures/ (inputs and golden outputs alike: all are BibTeX to read)
BIB_FIXTURES = sorted(FIXTURES.rglob("*.bib"))


@pytest.fixture
def splits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Split inputs of any size; the list records, per conversion, whether it was split."""
    monkeypatch.setattr(api, "_SPLIT_MIN_BYTES", 64)
    seen: list[bool] = []
    original = api._split_convert

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        seen.append(result is not None)
        return result

    monkeypatch.setattr(api, "_split_convert", spy)
    yield seen


def convert(path: Path | str, to: str, jobs: int, **kw: Any) -> tuple[str, list[Diagnostic], tuple[int, ...]]:
    out = io.StringIO()
    diags: list[Diagnostic] = []
    report = api.convert_files([str(path)], to, stdout=out, jobs=jobs, on_diagnostic=diags.append, **kw)
    return out.getvalue(), diags, (report.records, report.errors, report.warnings, len(report.diagnostics))


def assert_same(path: Path | str, to: str, **kw: Any) -> tuple[str, list[Diagnostic]]:
    try:
        one = convert(path, to, 1, **kw)
    except PubconvError as exc:  # an unreadable input fails alike either way
        with pytest.raises(type(exc)) as again:
            convert(path, to, 3, **kw)
        assert str(again.value) == str(exc)
        return "", []
    parts = convert(path, to, 3, **kw)
    assert parts[0] == one[0]
    assert parts[1] == one[1]  # Diagnostic equality: code, message, severity, position, key
    assert parts[2] == one[2]
    return one[0], one[1]


@pytest.mark.parametrize("to", ["csljson", "ris", "biblatex"])
def test_fixtures_split_like_one_pass(splits: list[bool], to: str) -> None:
    for path in BIB_FIXTURES:
        assert_same(path, to)
    assert sum(splits) >= 10, "most fixtures must really be split, or this test proves nothing"


def test_corpus_splits_like_one_pass(splits: list[bool]) -> None:
    files = sorted(corpus_dir("bibtex").glob("*.bib"))
    for path in files:
        assert_same(path, "csljson")
    # files with a crossref are converted in one pass; the others split
    assert splits.count(True) >= 3 and splits.count(False) >= 1


def _bib(tmp_path: Path, text: str, name: str = "in.bib") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _entries(n: int, start: int = 0) -> str:
    return "".join(
        f"@article{{key{i},\n  author = {{Author, A{i}}},\n  title = {{Title {i}}},\n  year = 2000,\n}}\n\n"
        for i in range(start, start + n)
    )


def test_string_macros_before_a_cut_reach_the_later_parts(tmp_path: Path, splits: list[bool]) -> None:
    text = '@string{jn = "Journal of Tests"}\n\n' + _entries(40) + "@article{late,\n  journal = jn,\n}\n"
    text_out, diags = assert_same(_bib(tmp_path, text), "csljson")
    assert splits == [True, True] or splits[-1] is True
    assert '"container-title": "Journal of Tests"' in text_out
    assert not any(d.code == "PC211" for d in diags)  # no undefined macro


def test_a_key_in_two_parts_is_converted_in_one_pass(tmp_path: Path, splits: list[bool]) -> None:
    text = _entries(30) + _entries(1, start=0)  # key0 again at the end: a duplicate
    _, diags = assert_same(_bib(tmp_path, text), "csljson")
    assert any(d.code == "PC200" for d in diags)
    assert splits[-1] is False


def test_a_generated_key_taken_by_an_earlier_part_is_converted_in_one_pass(
    tmp_path: Path, splits: list[bool]
) -> None:
    body = "  author = {Knuth, Donald},\n  title = {The {\\TeX}book},\n  year = 1984,\n}\n"
    first, keyless = "@book{knuth1984texbook,\n" + body + "\n", "@book{,\n" + body
    out, _ = assert_same(_bib(tmp_path, first + _entries(30) + keyless), "csljson")
    assert '"id": "knuth1984texbooka"' in out  # renamed, as one pass does
    assert splits[-1] is False


def test_crossref_inputs_are_not_cut() -> None:
    text = "@book{b,\n  title = {B},\n}\n\n@inbook{a,\n  crossref = {b},\n}\n" * 20
    assert bibtex.split_points(text, 4) == []
    assert bibtex.split_points(_entries(20), 1) == []


def test_cuts_fall_where_the_reader_starts_a_piece() -> None:
    text = _entries(50) + "  @misc{indented,\n}\n" + _entries(50, start=50)
    cuts = bibtex.split_points(text, 5)
    assert 2 <= len(cuts) <= 4 and cuts == sorted(set(cuts))
    for cut in cuts:
        assert text[cut - 1] == "\n" and text[cut:].lstrip(" \t").startswith("@")


def test_parts_with_no_records_keep_the_one_pass_order(tmp_path: Path, splits: list[bool]) -> None:
    # broken entries and junk spread over the input: some parts hold only diagnostics
    junk = "@article{broken,\n  title = {unclosed\n\n" + "@comment{nothing}\n" * 30
    text = _entries(10) + junk + _entries(10, start=10) + "@misc{x, title = {a} # }\n" + junk
    _, diags = assert_same(_bib(tmp_path, text), "ris")
    assert any(d.severity.value == "error" for d in diags)
    assert True in splits


def test_inputs_that_are_not_clean_utf8_take_one_pass(tmp_path: Path, splits: list[bool]) -> None:
    crlf = _bib(tmp_path, _entries(30).replace("\n", "\r\n"), "crlf.bib")
    assert_same(crlf, "csljson")
    latin = tmp_path / "latin1.bib"
    latin.write_bytes(_entries(30).replace("Title 3}", "Titl\xe9 3}").encode("latin-1"))
    assert_same(latin, "csljson")
    assert splits == [False] * len(splits) and splits


def test_writer_options_and_strict_mode(tmp_path: Path, splits: list[bool]) -> None:
    path = _bib(tmp_path, _entries(30).replace("Title 1}", "Tïtle 1}"))
    assert_same(path, "biblatex", unicode=True)
    assert_same(path, "csljson", strict=True)
    assert splits.count(True) >= 2


def test_split_output_file_is_written_atomically(tmp_path: Path, splits: list[bool]) -> None:
    path = _bib(tmp_path, _entries(40))
    api.convert_files([str(path)], "csljson", output=str(tmp_path / "a.json"), jobs=1)
    api.convert_files([str(path)], "csljson", output=str(tmp_path / "b.json"), jobs=2)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert splits[-1] is True


def test_key_log_records_tried_and_taken_keys() -> None:
    from pubconv.model import Date, Name, Paper

    p = Paper(title="Same", author=(Name(family="Smith"),), issued=Date(year=2020))
    alloc_outside = keys.KeyAllocator()
    with keys.recording() as log:
        alloc = keys.KeyAllocator()
        got = [alloc.allocate(p) for _ in range(3)] + [alloc.allocate(p.replace(key="Smith2020Samea"))]
    alloc_outside.allocate(p)  # an allocator made outside the block records nothing
    assert got == ["smith2020same", "smith2020samea", "smith2020sameb", "Smith2020Sameaa"]
    assert log.taken == {"smith2020same", "smith2020samea", "smith2020sameb", "smith2020sameaa"}
    assert log.tried == log.taken | {"smith2020samea"}


def test_cli_jobs_on_one_file(tmp_path: Path) -> None:
    """End to end, at the real part size: a 1.2 MB file, -j 2 against -j 1."""
    big = _bib(tmp_path, _entries(14000))
    assert big.stat().st_size >= 2 * api._SPLIT_MIN_BYTES
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.json"
        cmd = [sys.executable, "-m", "pubconv", str(big), "--to", "csljson", "-j", jobs, "-o", str(out)]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b'"id": ') == 14000
    assert api._split_convert(str(big), registry.get("csljson"), None, None, 2, {}) is not None


def test_writer_reports_at_a_cut_come_after_the_next_parts_leading_problems(
    tmp_path: Path, splits: list[bool]
) -> None:
    """One pass reports a record's writer diagnostics when the next record arrives."""
    part_b = "@article{broken,\n  title = {unclosed\n\n" + _entries(20, start=20)
    long_title = "x" * (len(part_b) - len(_entries(20)) + 400)
    part_a = (
        _entries(20)
        + "@article{,\n  author = {Zed, Z},\n  title = {"
        + long_title
        + "},\n  year = 2001,\n}\n\n"
    )
    text = part_a + part_b
    assert bibtex.split_points(text, 2) == [len(part_a)]
    one = convert(_bib(tmp_path, text), "csljson", 1)
    two = convert(_bib(tmp_path, text), "csljson", 2)
    assert splits == [True]  # one job never splits
    assert two == one
    codes = [d.code for d in one[1]]
    error = next(i for i, d in enumerate(one[1]) if d.severity.value == "error")
    assert codes[error + 1] == "PC402"  # the keyless record's key, reported after part B's error


def test_split_order_across_a_part_without_records() -> None:
    def d(name: str) -> Diagnostic:
        return Diagnostic.make("PC100", name)

    def part(records: int, *events: tuple[int, str]) -> api._Part:
        return api._Part("", [(phase, d(n)) for phase, n in events], records, set(), keys.KeyLog())

    lead, body, tail = api._LEAD, api._BODY, api._TAIL
    parts = [
        part(2, (lead, "l0"), (body, "b0"), (tail, "t0")),
        part(0, (lead, "l1")),  # only problems: its records never came
        part(1, (lead, "l2"), (body, "b2"), (tail, "t2")),
    ]
    order = [x.message for x in api._split_order(parts)]
    assert order == ["l0", "b0", "l1", "l2", "t0", "b2", "t2"]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_forked_workers_inherit_the_text_and_spawned_ones_receive_it(
    tmp_path: Path, splits: list[bool], monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    monkeypatch.setattr(api, "_start_method", lambda: method)
    text = '@string{jn = "J"}\n\n' + _entries(40) + "@article{late,\n  journal = jn,\n}\n"
    assert_same(_bib(tmp_path, text), "csljson")
    assert splits == [True]
    assert api._SPLIT_TEXT is None  # not kept once the conversion is done


def test_inputs_above_the_size_limit_stream_in_one_pass(
    tmp_path: Path, splits: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _bib(tmp_path, _entries(40))
    monkeypatch.setattr(api, "_SPLIT_MAX_BYTES", path.stat().st_size - 1)
    assert_same(path, "csljson")
    assert splits == [False]


def test_progress_follows_the_first_part_then_jumps_to_the_total(tmp_path: Path, splits: list[bool]) -> None:
    path = _bib(tmp_path, _entries(60))
    seen: list[int] = []
    report = api.convert_files([str(path)], "csljson", stdout=io.StringIO(), jobs=2, on_progress=seen.append)
    assert splits == [True]
    assert seen == sorted(seen) and len(seen) > 2  # record by record through the first part
    assert seen[-1] == report.records == 60
