"""CLI behaviour: transcripts in tests/cli/*.md plus a few direct tests.

A transcript file holds sections separated by marker lines::

    $ pubconv ARGS...          the command (paths relative to the repository root)
    --- stdin                  (optional) text fed to standard input
    --- stdout                 expected standard output, exactly
    --- stderr                 (optional) lines that must each appear in stderr
    --- exit                   the expected exit code

Adding a CLI case means adding a file.
"""

from __future__ import annotations

import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from pubconv.cli import main

from .paths import ROOT, SEED

TRANSCRIPTS = sorted((Path(__file__).parent / "cli").glob("*.md"))


def parse_transcript(path: Path) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("$ pubconv"):
            sections["command"] = [line[2:].strip()]
            current = None
        elif line.startswith("--- "):
            current = line[4:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "".join(v) for k, v in sections.items()}


def run_cli(
    args: list[str], stdin: bytes = b"", monkeypatch: pytest.MonkeyPatch | None = None
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        try:
            code = main(args)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    finally:
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.stem)
def test_transcript(path: Path) -> None:
    t = parse_transcript(path)
    args = shlex.split(t["command"])[1:]
    code, out, err = run_cli(args, t.get("stdin", "").encode("utf-8"))
    assert code == int(t["exit"].strip()), err
    if "stdout" in t:
        assert out == t["stdout"]
    for line in t.get("stderr", "").splitlines():
        assert line in err, f"{line!r} not in stderr:\n{err}"


def test_transcripts_exist() -> None:
    assert TRANSCRIPTS


def test_output_file_and_no_overwrite(tmp_path: Path) -> None:
    src = tmp_path / "seed.txt"
    src.write_bytes(SEED.read_bytes())
    out = tmp_path / "seed.bib"
    code, stdout, _ = run_cli([str(src), "--to", "bibtex", "-o", str(out)])
    assert code == 0 and stdout == ""
    assert out.read_text(encoding="utf-8").count("\n@") == 14
    code, _, err = run_cli([str(src), "--to", "listing", "-o", str(src)])
    assert code == 2 and "overwrite" in err
    assert src.read_bytes() == SEED.read_bytes()


def test_strict_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.bib"
    src.write_text("@article{a, title={A}, year=2020}\n@article{b, title={B}, title={C}, year=2020}\n")
    out = tmp_path / "out.txt"
    code, _, err = run_cli([str(src), "--to", "listing", "-o", str(out), "--strict"])
    assert code == 1 and not out.exists()
    assert f"{src}:2:" in err


def test_several_inputs_make_one_output_with_unique_keys(tmp_path: Path) -> None:
    a = tmp_path / "a.bib"
    b = tmp_path / "b.bib"
    a.write_text("@misc{same, title={First}}\n")
    b.write_text("@misc{same, title={Second}}\n")
    code, out, _ = run_cli([str(a), str(b), "--to", "bibtex"])
    assert code == 0
    assert out.index("First") < out.index("Second")
    assert "@misc{same," in out and "@misc{samea," in out


def test_python_dash_m_and_console_script() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pubconv", str(SEED), "--to", "bibtex"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("@") >= 15


def test_check_on_a_small_file_imports_only_what_it_needs(tmp_path: Path) -> None:
    # start-up budget (issue 5: check within 3x of a bare interpreter): a pre-commit run of
    # check on a small .bib must not pay for modules it never uses
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{k, author={A. Author}, title={T}, journal={J}, year=2020}\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["pubconv"]\n')
    code = (
        "import sys\nfrom pubconv.cli import main\n"
        "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(bib)], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert proc.returncode == 0, proc.stderr
    loaded = set(proc.stdout.split())
    avoidable = {"shutil", "tomllib", "json", "lxml", "xml", "yaml", "citeproc", "bibtexparser", "pybtex"}
    assert not loaded & avoidable, sorted(loaded & avoidable)
    assert not {m for m in loaded if m.startswith("pubconv.formats.") and "bibtex" not in m} - {
        "pubconv.formats.base"
    }, "only the BibTeX reader is needed"
