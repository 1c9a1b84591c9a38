"""The eval tool: accuracy report of the listing reader against a truth file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pubconv.eval import Report, evaluate_listing, main

ROOT = Path(__file__).resolve().parents[1]

TEXT = (
    "LGAug 27, 2020Code\n"
    "learn2learn: A Library for Meta-Learning ResearchSébastien M. R. Arnold, Praateek Mahajan et al.\n"
    "Abstract.\n"
    "CLJul 31, 2024\n"
    "Gemma 2: Improving Open Language ModelsGemma Team, Morgane Riviere · deepmind\n"
)
TRUTH = [
    {
        "title": "learn2learn:  A Library for Meta-Learning Research",  # spacing differs: still right
        "authors": ["Se\u0301bastien M. R. Arnold", "Praateek Mahajan"],  # NFD: still right
        "authors_truncated": True,
        "organization": None,
    },
    {
        "title": "Gemma 2: Improving Open Language Models",
        "authors": ["Gemma Team", "Morgane Riviere"],
        "authors_truncated": True,  # wrong on purpose
        "organization": "deepmind",
    },
]


def test_evaluate_listing_counts_and_misses() -> None:
    report = evaluate_listing(TEXT, TRUTH)
    assert isinstance(report, Report)
    assert (report.total, report.right, report.read_count) == (2, 1, 2)
    assert report.accuracy == 0.5
    (miss,) = report.misses
    assert miss.index == 1 and miss.line == 4
    assert miss.fields == ("authors_truncated",)
    text = report.format()
    assert "1/2 = 50.00%" in text
    assert "expected authors_truncated: True" in text and "got      authors_truncated: False" in text


def test_missing_and_extra_entries_are_misses() -> None:
    short = evaluate_listing(TEXT, TRUTH[:1] + TRUTH[:1] + TRUTH[:1])
    assert short.total == 3 and short.right == 1 and len(short.misses) == 2
    extra = evaluate_listing(TEXT, TRUTH[:1])
    assert extra.total == 1 and extra.right == 1 and len(extra.misses) == 1


def test_empty_truth() -> None:
    assert evaluate_listing("", []).accuracy == 1.0


def test_main_prints_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing_file = tmp_path / "l.txt"
    truth_file = tmp_path / "t.json"
    listing_file.write_text(TEXT, encoding="utf-8")
    truth_file.write_text(json.dumps(TRUTH), encoding="utf-8")
    assert main(["listing", str(listing_file), str(truth_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accuracy: 1/2 = 50.00%")
    assert "#1 (line 4): authors_truncated" in out


def test_main_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["bibtex", "a", "b"]) == 2
    assert main(["listing", str(tmp_path / "missing.txt"), str(tmp_path / "missing.json")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    (tmp_path / "l.txt").write_text(TEXT, encoding="utf-8")
    assert main(["listing", str(tmp_path / "l.txt"), str(bad)]) == 2
    assert "usage" in capsys.readouterr().err


def test_module_entry_point(tmp_path: Path) -> None:
    (tmp_path / "l.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "t.json").write_text(json.dumps(TRUTH), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pubconv.eval", "listing", str(tmp_path / "l.txt"), str(tmp_path / "t.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0
    assert "accuracy: 1/2" in done.stdout
    usage = subprocess.run(
        [sys.executable, "-m", "pubconv.eval"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert usage.returncode == 2
