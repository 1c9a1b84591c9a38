"""``--jobs`` / ``convert_files(jobs=...)``: worker processes change nothing but the speed.

Every comparison runs the same conversion with one job and with two and wants
the same bytes out, the same diagnostics in the same order, the same exit code.
Each run with two jobs starts a small process pool, so the inputs are small.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pubconv import api, registry
from pubconv.errors import Diagnostic, StrictError

from .conftest import corpus_dir
from .paths import FIXTURES, ROOT, SEED
from .test_cli import run_cli

BIB_FIXTURES = sorted(str(p) for p in (FIXTURES / "bibtex").glob("*.bib") if ".out." not in p.name)


def convert(inputs: list[str], to: str, jobs: int, **kw: object) -> tuple[str, list[str], api.ConvertReport]:
    out = io.StringIO()
    diags: list[Diagnostic] = []
    report = api.convert_files(inputs, to, stdout=out, jobs=jobs, on_diagnostic=diags.append, **kw)  # type: ignore[arg-type]
    return out.getvalue(), [str(d) for d in diags], report


def assert_same(inputs: list[str], to: str, **kw: object) -> tuple[str, list[str]]:
    serial = convert(inputs, to, 1, **kw)
    parallel = convert(inputs, to, 2, **kw)
    assert parallel[0] == serial[0]
    assert parallel[1] == serial[1]
    assert (parallel[2].records, parallel[2].errors, parallel[2].warnings) == (
        serial[2].records,
        serial[2].errors,
        serial[2].warnings,
    )
    assert serial[2].records > 0
    return serial[0], serial[1]


def test_fixtures_bibtex_to_csljson_same_output_and_diagnostics() -> None:
    # the BibTeX fixtures include broken entries, duplicate fields and crossrefs: errors and warnings
    _, diags = assert_same(BIB_FIXTURES, "csljson")
    assert any("error" in d for d in diags) and any("warning" in d for d in diags)


def test_same_file_twice_keeps_keys_unique_across_inputs() -> None:
    bib = str(FIXTURES / "bibtex" / "particle-von.bib")
    text, diags = assert_same([bib, bib, bib], "bibtex")
    keys = [line[line.index("{") + 1 : -1] for line in text.splitlines() if line.startswith("@")]
    assert len(keys) == len(set(keys)) and len(keys) >= 3
    assert any("PC402" in d for d in diags)  # the renames are reported, in the same order


def test_mixed_formats_and_stdin() -> None:
    stdin = SEED.read_bytes()
    ris = sorted(p for p in (FIXTURES / "ris").glob("*.ris") if ".out." not in p.name)[0]
    inputs = [str(ris), "-", str(FIXTURES / "csljson" / "lenient.json")]
    serial = convert(inputs, "ris", 1, stdin=io.BytesIO(stdin))
    parallel = convert(inputs, "ris", 2, stdin=io.BytesIO(stdin))
    assert parallel[:2] == serial[:2]
    assert serial[2].records > 15


def test_corpus_files_to_several_formats() -> None:
    ris = corpus_dir("ris")
    bib = corpus_dir("bibtex")
    inputs = [
        str(ris / "benchmark.ris"),
        str(bib / "archaeologie-examples.bib"),
        str(ris / "econlit_3.ris"),
        str(ris / "AGRIS.ris"),
    ]
    for to in ("csljson", "bibtex"):
        assert_same(inputs, to)


def test_cli_same_stdout_stderr_and_exit_code(tmp_path: Path) -> None:
    args = [*BIB_FIXTURES, str(SEED), "--to", "listing"]
    one = run_cli([*args, "-j", "1"])
    two = run_cli([*args, "-j", "2"])
    assert two == one
    assert one[0] == 1  # a broken entry: some record failed
    out1, out2 = tmp_path / "one.bib", tmp_path / "two.bib"
    code1, _, err1 = run_cli([*args[:-2], "--to", "bibtex", "-o", str(out1)])
    code2, _, err2 = run_cli([*args[:-2], "--to", "bibtex", "-o", str(out2), "--jobs", "auto"])
    assert (code2, err2) == (code1, err1)
    assert out2.read_bytes() == out1.read_bytes()


def test_cli_strict_writes_nothing_either_way(tmp_path: Path) -> None:
    results = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.txt"
        results.append(run_cli([*BIB_FIXTURES, "--to", "listing", "--strict", "-j", jobs, "-o", str(out)]))
        assert not out.exists()
    assert results[0] == results[1]
    assert results[0][0] == 1 and "nothing written" in results[0][2]


def test_library_strict_raises_the_same_diagnostics() -> None:
    caught = []
    for jobs in (1, 2):
        with pytest.raises(StrictError) as info:
            convert(BIB_FIXTURES, "csljson", jobs, strict=True)
        caught.append([str(d) for d in info.value.diagnostics])
    assert caught[0] == caught[1] and caught[0]


def test_failing_worker_gives_the_same_error(tmp_path: Path) -> None:
    """An input that cannot be decoded fails in its worker; the parent reports it at its turn."""
    good = tmp_path / "good.txt"
    good.write_text("LGAug 27, 2020\nA Plain TitleJane Doe, John Roe\nAn abstract.\n", encoding="ascii")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("LGAug 27, 2020\nTitle with é in itJane Doe\n".encode())
    later = tmp_path / "later.txt"
    later.write_bytes(good.read_bytes())
    args = [str(good), str(bad), str(later), "--to", "bibtex", "--encoding", "ascii"]
    one = run_cli([*args, "-j", "1"])
    two = run_cli([*args, "-j", "2"])
    assert two == one
    code, _, err = one
    assert code == 2
    assert f"pubconv: error: {bad}: cannot decode as ascii" in err
    out = tmp_path / "out.bib"
    code, _, _ = run_cli([*args, "-j", "2", "-o", str(out)])
    assert code == 2 and not out.exists()  # the atomic output is left untouched


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files without read permission"
)
def test_unreadable_file_gives_the_same_error(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_bytes(SEED.read_bytes())
    locked = tmp_path / "locked.txt"
    locked.write_bytes(SEED.read_bytes())
    locked.chmod(0)
    args = [str(good), str(locked), "--to", "bibtex"]
    one = run_cli([*args, "-j", "1"])
    assert run_cli([*args, "-j", "2"]) == one
    assert one[0] == 2 and f"{locked}: cannot read" in one[2]


def test_missing_file_fails_before_any_worker_starts() -> None:
    one = run_cli([str(SEED), "no/such.bib", "--to", "bibtex", "-j", "1"])
    assert run_cli([str(SEED), "no/such.bib", "--to", "bibtex", "-j", "2"]) == one
    assert one[0] == 2 and one[1] == "" and "no/such.bib: no such file" in one[2]


def test_formats_registered_at_run_time_reach_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "_specs", list(registry._specs))
    monkeypatch.setattr(registry, "_loaded", dict(registry._loaded))
    registry.register("pages", "pubconv.formats.listing", extensions=(".pages",))
    a = tmp_path / "a.pages"
    a.write_bytes(SEED.read_bytes())
    b = tmp_path / "b.pages"
    b.write_bytes(SEED.read_bytes())
    text, _ = assert_same([str(a), str(b)], "bibtex")  # detected by the extension in each worker
    assert text.count("\n@") == 2 * 15 - 1


def test_worker_count() -> None:
    assert api._worker_count(1, 5) == 1
    assert api._worker_count(4, 2) == 2  # never more workers than inputs
    assert api._worker_count(3, 0) == 1
    assert api._worker_count(0, 1000) == api._worker_count(None, 1000) == api._cpu_count() >= 1
    with pytest.raises(ValueError, match="jobs"):
        api._worker_count(-1, 3)


@pytest.mark.parametrize("value", ["-1", "many", "1.5"])
def test_cli_rejects_bad_jobs(value: str) -> None:
    code, out, err = run_cli([str(SEED), "--to", "bibtex", "-j", value])
    assert code == 2 and out == "" and "jobs" in err


def test_python_dash_m_with_workers() -> None:
    """``python -m pubconv`` must not run the CLI again in spawned workers."""
    args = [sys.executable, "-m", "pubconv", str(SEED), str(SEED), "--to", "csljson"]
    one = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)
    two = subprocess.run([*args, "-j", "2"], capture_output=True, text=True, check=False, cwd=ROOT)
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    assert one.returncode == 0 and one.stdout.count('"id"') == 30
