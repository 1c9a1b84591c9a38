"""Shared test configuration: hypothesis profiles, golden-file updating, corpus location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from .paths import CORPUS

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite expected fixture outputs (*.paper.json, *.out.*) from the current code, for review",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def corpus_dir(name: str) -> Path:
    """A folder of ../shared/corpus, or skip the test with the reason."""
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"shared corpus not available at {path} (tests read third-party data from ../shared)")
    return path
