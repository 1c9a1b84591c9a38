"""Static checks run as part of the suite, so the README's one test command covers them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .paths import ROOT


def _tool(name: str) -> str:
    here = str(Path(sys.executable).parent)
    exe = shutil.which(name, path=here) or shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return exe


def test_ruff_lint() -> None:
    proc = subprocess.run(
        [_tool("ruff"), "check", "pubconv", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format() -> None:
    proc = subprocess.run(
        [_tool("ruff"), "format", "--check", "pubconv", "tests"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    if "No module named mypy" in proc.stderr:
        pytest.skip("mypy is not installed")
    assert proc.returncode == 0, proc.stdout + proc.stderr
