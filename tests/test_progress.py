"""The progress counter: drawn only on terminals, throttled, erased at the end."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest

from pubconv import cli
from pubconv._progress import Progress

from .paths import FIXTURES, ROOT, SEED


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class TTY(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def screen(raw: str) -> list[str]:
    """What a terminal shows after ``raw``: ``\\r`` returns to the start of the line and
    later characters overwrite earlier ones; trailing blanks are dropped."""
    lines: list[list[str]] = [[]]
    col = 0
    for ch in raw:
        if ch == "\n":
            lines.append([])
            col = 0
        elif ch == "\r":
            col = 0
        else:
            line = lines[-1]
            if col < len(line):
                line[col] = ch
            else:
                line.append(ch)
            col += 1
    shown = ["".join(line).rstrip() for line in lines]
    while shown and not shown[-1]:
        shown.pop()
    return shown


def test_silent_during_the_delay_then_throttled() -> None:
    clock = FakeClock()
    out = io.StringIO()
    bar = Progress(out, delay=0.5, interval=0.1, clock=clock)
    for n in range(1, 1001):
        clock.now += 0.0004  # 1000 records in 0.4 s: still inside the delay
        bar.update(n)
    assert out.getvalue() == "" and bar.draws == 0
    for n in range(1001, 3001):
        clock.now += 0.0005  # 2000 more records over 1 s
        bar.update(n)
    assert 9 <= bar.draws <= 11  # at most about ten a second
    shown = screen(out.getvalue())
    assert len(shown) == 1 and re.fullmatch(r"pubconv: 2,[89]\d\d records, 2,1\d\d/s, 1\.[34] s", shown[0])


def test_clear_erases_the_line_and_close_stops_drawing() -> None:
    clock = FakeClock()
    out = io.StringIO()
    bar = Progress(out, delay=0, clock=clock)
    clock.now += 2
    bar.update(12345)
    assert screen(out.getvalue()) == ["pubconv: 12,345 records, 6,172/s, 2.0 s"]
    bar.clear()
    out.write("a diagnostic\n")
    clock.now += 1
    bar.update(12346)
    assert screen(out.getvalue()) == ["a diagnostic", "pubconv: 12,346 records, 4,115/s, 3.0 s"]
    bar.close()
    clock.now += 1
    bar.update(99999)
    assert screen(out.getvalue()) == ["a diagnostic"]
    assert out.getvalue().endswith("\r")


def test_a_shorter_line_covers_a_longer_one() -> None:
    clock = FakeClock()
    out = io.StringIO()
    with Progress(out, delay=0, interval=0, clock=clock, unit="files") as bar:
        clock.now += 1
        bar.update(1_000_000)
        clock.now += 1000
        bar.update(1_000_001)
        assert screen(out.getvalue()) == ["pubconv: 1,000,001 files, 999/s, 1001.0 s"]
    assert screen(out.getvalue()) == []


# --------------------------------------------------------------------------- the CLI


def run(args: list[str], stderr: io.StringIO, stdout: io.StringIO | None = None) -> tuple[int, str, str]:
    out = stdout if stdout is not None else io.StringIO()
    old = sys.stdout, sys.stderr
    cwd = os.getcwd()
    sys.stdout, sys.stderr = out, stderr
    try:
        os.chdir(ROOT)
        code = cli.main(args)
    finally:
        os.chdir(cwd)
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), stderr.getvalue()


@pytest.fixture
def no_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_PROGRESS_DELAY", 0.0)


BROKEN = str(FIXTURES / "bibtex" / "broken-entry.bib")


@pytest.mark.usefixtures("no_delay")
def test_terminal_shows_the_counter_and_erases_it(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    code, _, err = run([str(SEED), BROKEN, "--to", "bibtex", "-o", str(out)], TTY())
    assert code == 1
    assert "\rpubconv: 1 records" in err  # drawn at the first record
    plain = run([str(SEED), BROKEN, "--to", "bibtex", "-o", str(tmp_path / "plain.bib")], io.StringIO())
    # what remains on the terminal is exactly what a non-terminal run prints: the diagnostics
    assert screen(err) == plain[2].splitlines() and len(screen(err)) == 2
    assert out.read_bytes() == (tmp_path / "plain.bib").read_bytes()


@pytest.mark.usefixtures("no_delay")
@pytest.mark.parametrize(
    "extra",
    [["-q"], ["--no-progress"]],
    ids=["quiet", "no-progress"],
)
def test_terminal_without_counter(tmp_path: Path, extra: list[str]) -> None:
    _, _, err = run([str(SEED), "--to", "bibtex", "-o", str(tmp_path / "o.bib"), *extra], TTY())
    assert "\r" not in err and "records" not in err


@pytest.mark.usefixtures("no_delay")
def test_not_a_terminal_shows_nothing_unless_asked(tmp_path: Path) -> None:
    code, _, err = run([str(SEED), "--to", "bibtex", "-o", str(tmp_path / "o.bib")], io.StringIO())
    assert (code, err) == (0, "")
    _, _, err = run([str(SEED), "--to", "bibtex", "-o", str(tmp_path / "o.bib"), "--progress"], io.StringIO())
    assert "pubconv: 1 records" in err and screen(err) == []


@pytest.mark.usefixtures("no_delay")
def test_output_to_the_same_terminal_shows_no_counter() -> None:
    code, out, err = run([str(SEED), "--to", "bibtex"], TTY(), stdout=TTY())
    assert code == 0 and out.count("\n@") == 14
    assert err == ""


def test_default_delay_keeps_short_runs_silent(tmp_path: Path) -> None:
    # the real delay (half a second) is longer than converting the seed
    _, _, err = run([str(SEED), "--to", "bibtex", "-o", str(tmp_path / "o.bib")], TTY())
    assert err == ""
