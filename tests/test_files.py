"""Files: outputs are written atomically, inputs are never overwritten, failures leave nothing.

Complements tests/test_api.py (dump keeps the mode, strict dump keeps the old output,
same path and symlink refused) and tests/test_cli.py (``-o`` at the input, ``--strict``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import pubconv
from pubconv import api, registry
from pubconv.cli import main

from .paths import SEED

BIB = "@article{a, title={A}, year=2020}\n@article{b, title={B}, year=2021}\n"
BAD_BIB = "@article{a, title={A}, year=2020}\n@article{b, title={B}, title={C}, year=2020}\n"


def _only(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names), "no temporary file left behind"


def test_output_is_written_to_a_temp_file_then_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.bib"
    src.write_text(BIB)
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(a: Any, b: Any) -> None:
        renames.append((os.fspath(a), os.fspath(b)))
        assert Path(b).read_text() == "old\n", "the old output is untouched until the rename"
        real_replace(a, b)

    monkeypatch.setattr(os, "replace", spy)
    api.convert_files([str(src)], "listing", output=str(out))
    assert len(renames) == 1
    tmp, target = renames[0]
    assert Path(target) == out and Path(tmp).parent == tmp_path and tmp != target
    _only(tmp_path, "in.bib", "out.txt")


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "relative", "second-input"])
def test_output_pointing_at_an_input_is_refused(
    tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.bib"
    src.write_text(BIB)
    other = tmp_path / "other.bib"
    other.write_text(BIB.replace("{a,", "{c,").replace("{b,", "{d,"))
    inputs = [str(src)]
    target = tmp_path / "target.bib"
    if how == "same":
        target = src
    elif how == "symlink":
        target.symlink_to(src)
    elif how == "hardlink":
        os.link(src, target)
    elif how == "relative":
        monkeypatch.chdir(tmp_path)
        target = Path("./sub/../in.bib")
        (tmp_path / "sub").mkdir()
    else:
        inputs.append(str(other))
        target = other
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    with pytest.raises(pubconv.InputError, match="overwrite"):
        api.convert_files(inputs, "bibtex", output=str(target))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    code = main([*inputs, "--to", "bibtex", "-o", str(target)])
    assert code == 2
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_output_symlink_to_elsewhere_is_replaced_not_followed_into_an_input(tmp_path: Path) -> None:
    """An output path that is a symlink to a non-input file: the conversion writes, inputs stay."""
    src = tmp_path / "in.bib"
    src.write_text(BIB)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("old\n")
    link = tmp_path / "out.txt"
    link.symlink_to(elsewhere)
    api.convert_files([str(src)], "listing", output=str(link))
    assert src.read_text() == BIB
    assert "A" in link.read_text()


def test_a_writer_failure_leaves_no_partial_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.txt"
    src.write_bytes(SEED.read_bytes())
    out = tmp_path / "out.bib"
    fmt = registry.get("bibtex")
    real = fmt.module.iter_write if hasattr(fmt.module, "iter_write") else None

    def failing(papers: Any, **kw: Any) -> Any:
        for i, chunk in enumerate(real(papers, **kw) if real else [fmt.module.write(papers, **kw)]):
            if i == 3:
                raise pubconv.WriteError("simulated failure in the middle of the output")
            yield chunk

    monkeypatch.setattr(fmt.module, "iter_write", failing, raising=False)
    with pytest.raises(pubconv.WriteError):
        api.convert_files([str(src)], "bibtex", output=str(out))
    assert not out.exists()
    _only(tmp_path, "in.txt")
    out.write_text("previous\n")
    with pytest.raises(pubconv.WriteError):
        api.convert_files([str(src)], "bibtex", output=str(out))
    assert out.read_text() == "previous\n"
    _only(tmp_path, "in.txt", "out.bib")


def test_unreadable_second_input_leaves_no_output(tmp_path: Path) -> None:
    src = tmp_path / "in.bib"
    src.write_text(BIB)
    out = tmp_path / "out.txt"
    with pytest.raises(pubconv.InputError):
        api.convert_files([str(src), str(tmp_path / "missing.bib")], "listing", output=str(out))
    assert not out.exists()
    _only(tmp_path, "in.bib")


def test_strict_writes_nothing_and_keeps_an_existing_output(tmp_path: Path) -> None:
    src = tmp_path / "in.bib"
    src.write_text(BAD_BIB)
    out = tmp_path / "out.txt"
    out.write_text("previous\n")
    with pytest.raises(pubconv.StrictError):
        api.convert_files([str(src)], "listing", output=str(out), strict=True)
    assert out.read_text() == "previous\n"
    assert main([str(src), "--to", "listing", "-o", str(out), "--strict"]) == 1
    assert out.read_text() == "previous\n"
    _only(tmp_path, "in.bib", "out.txt")


def test_failed_record_without_strict_still_writes_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "in.bib"
    src.write_text("@article{a, title={A}, year=2020}\n@article{b, title={B\n")
    out = tmp_path / "out.txt"
    assert main([str(src), "--to", "listing", "-o", str(out)]) == 1
    assert out.read_text().count("\n") >= 2 and "A" in out.read_text()
