"""Golden fixtures, found automatically: adding a case means adding files, not code.

Layout (see fixtures/README.md):

* ``fixtures/<format>/<case>.<ext>`` with ``<case>.paper.json`` (a JSON list of papers
  in pubconv's JSON form): reading the file gives exactly those papers; writing
  those papers gives ``<case>.out.<ext>`` when it exists, else the file itself.
* ``fixtures/invalid/<format>/<case>.<ext>`` with ``<case>.error.json`` (a list of
  ``{"code", "line", "column"}``): reading reports exactly those diagnostics.

Run ``pytest tests/test_fixtures.py --update-golden`` to regenerate the expected
files from the current code, then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pubconv
from pubconv import registry
from pubconv.serialize import paper_from_dict, paper_to_dict

from .paths import FIXTURES


def _format_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name not in ("invalid", "encodings"))


def _cases() -> list[tuple[str, Path]]:
    cases = []
    for d in _format_dirs():
        for f in sorted(d.iterdir()):
            if f.name.endswith(".paper.json") or ".out." in f.name or f.suffix == ".md":
                continue
            if f.with_name(f.name.split(".")[0] + ".paper.json").exists():
                cases.append((d.name, f))
    return cases


def _invalid_cases() -> list[tuple[str, Path]]:
    root = FIXTURES / "invalid"
    if not root.is_dir():
        return []
    return [
        (d.name, f)
        for d in sorted(root.iterdir())
        if d.is_dir()
        for f in sorted(d.iterdir())
        if not f.name.endswith(".error.json") and f.with_name(f.name.split(".")[0] + ".error.json").exists()
    ]


def _read(fmt_name: str, path: Path):  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    return registry.get(fmt_name).read(text, source=path.name)


@pytest.mark.parametrize(("fmt_name", "path"), _cases(), ids=lambda v: getattr(v, "name", v))
def test_reader_matches_golden(fmt_name: str, path: Path, update_golden: bool) -> None:
    expected_file = path.with_name(path.name.split(".")[0] + ".paper.json")
    result = _read(fmt_name, path)
    got = [paper_to_dict(p) for p in result.papers]
    if update_golden:
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert got == expected
    assert list(result.papers) == [paper_from_dict(d) for d in expected]


@pytest.mark.parametrize(("fmt_name", "path"), _cases(), ids=lambda v: getattr(v, "name", v))
def test_writer_matches_golden(fmt_name: str, path: Path, update_golden: bool) -> None:
    fmt = registry.get(fmt_name)
    if not fmt.can_write:
        pytest.skip(f"{fmt_name} has no writer")
    stem, _, ext = path.name.partition(".")
    out_file = path.with_name(f"{stem}.out.{ext}")
    papers = [
        paper_from_dict(d)
        for d in json.loads(path.with_name(stem + ".paper.json").read_text(encoding="utf-8"))
    ]
    # line ends are compared normalised: a format that writes CRLF (RIS) tests that itself
    written = fmt.write(papers, diagnostics=[]).replace("\r\n", "\n")
    if update_golden:
        source = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        if written != source and written != source + "\n":
            out_file.write_text(written, encoding="utf-8")
        elif out_file.exists():
            out_file.unlink()
    if out_file.exists():
        assert written == out_file.read_text(encoding="utf-8").replace("\r\n", "\n")
    else:
        source = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        assert written in (source, source + "\n")


@pytest.mark.parametrize(("fmt_name", "path"), _invalid_cases(), ids=lambda v: getattr(v, "name", v))
def test_invalid_input_reports_positions(fmt_name: str, path: Path, update_golden: bool) -> None:
    expected_file = path.with_name(path.name.split(".")[0] + ".error.json")
    result = _read(fmt_name, path)
    got = [
        {"code": d.code, "line": d.position.line if d.position else None,
         "column": d.position.column if d.position else None}
        for d in result.diagnostics
    ]  # fmt: skip
    if update_golden:
        expected_file.write_text(json.dumps(got, indent=2) + "\n")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))
    assert got, "an invalid fixture must produce at least one diagnostic"


def _encoding_cases() -> list[Path]:
    root = FIXTURES / "encodings"
    if not root.is_dir():
        return []
    return [f for f in sorted(root.iterdir()) if not f.name.endswith((".paper.json", ".error.json", ".md"))]


@pytest.mark.parametrize("path", _encoding_cases(), ids=lambda p: p.name)
def test_encoding_fixture_read_as_bytes(path: Path, update_golden: bool) -> None:
    """``fixtures/encodings/<case>.<ext>``: the raw bytes go through ``api.read`` (decoding, line
    ends, format detection by extension); ``<case>.paper.json`` and ``<case>.error.json`` hold the
    expected papers and diagnostics (``[]`` when there are none)."""
    stem = path.name.split(".")[0]
    papers_file, errors_file = path.with_name(stem + ".paper.json"), path.with_name(stem + ".error.json")
    result = pubconv.read(str(path))
    got_papers = [paper_to_dict(p) for p in result.papers]
    got_diags = [
        {"code": d.code, "line": d.position.line if d.position else None,
         "column": d.position.column if d.position else None}
        for d in result.diagnostics
    ]  # fmt: skip
    if update_golden:
        papers_file.write_text(json.dumps(got_papers, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        errors_file.write_text(json.dumps(got_diags, indent=2) + "\n")
    assert got_papers == json.loads(papers_file.read_text(encoding="utf-8"))
    assert got_diags == json.loads(errors_file.read_text(encoding="utf-8"))


def test_fixture_tree_is_not_empty() -> None:
    assert _cases(), "no golden fixtures found"
