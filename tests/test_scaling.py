"""The scale-out recipe in docs/scaling.md, run on a local Dask scheduler.

The test imports ``docs/recipes/dask_convert.py``, the file the document shows,
and checks each shard's output against pubconv's own serial conversion of the
same files (``convert_files``, the code behind the command line).
"""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path
from types import ModuleType

import pytest

from pubconv import api
from pubconv.errors import Diagnostic, Severity

from .conftest import corpus_dir
from .paths import ROOT, SEED

dask = pytest.importorskip("dask")


@pytest.fixture
def recipe(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # on sys.path (not loaded from a file spec) so that worker processes can import it too
    monkeypatch.syspath_prepend(str(ROOT / "docs" / "recipes"))
    return importlib.import_module("dask_convert")


@pytest.fixture
def inputs() -> list[str]:
    ris = corpus_dir("ris")
    bib = corpus_dir("bibtex")
    return [
        str(ris / "benchmark.ris"),
        str(bib / "archaeologie-examples.bib"),
        str(ris / "econlit_3.ris"),
        str(SEED),
        str(ris / "AGRIS.ris"),
        str(bib / "biblatex-examples.bib"),
        str(ris / "pubmed_46.ris"),
    ]


def serial(paths: list[str], to: str) -> tuple[str, list[str]]:
    out = io.StringIO()
    diags: list[Diagnostic] = []
    api.convert_files(paths, to, stdout=out, on_diagnostic=diags.append)
    return out.getvalue(), [str(d) for d in diags if d.severity is not Severity.INFO]


def test_shards_keep_order_and_balance(recipe: ModuleType, inputs: list[str]) -> None:
    for n in (1, 2, 3, len(inputs), 50):
        parts = recipe.shards(inputs, n)
        assert [i for i, _ in parts] == list(range(len(parts)))
        assert [p for _, paths in parts for p in paths] == inputs
        assert len(parts) == min(n, len(inputs)) and all(paths for _, paths in parts)
    sizes = [Path(p).stat().st_size for p in inputs]
    # two shards: the cut falls where the running size first reaches half of the total
    (_, first), _ = recipe.shards(inputs, 2)
    assert sum(sizes[: len(first)]) * 2 >= sum(sizes) > sum(sizes[: len(first) - 1]) * 2
    assert recipe.shards([], 4) == []
    with pytest.raises(ValueError):
        recipe.shards(inputs, 0)


def test_synchronous_scheduler_matches_serial_conversion(
    recipe: ModuleType, inputs: list[str], tmp_path: Path
) -> None:
    results = recipe.convert_with_dask(
        inputs, str(tmp_path), "csljson", partitions=3, scheduler="synchronous"
    )
    parts = recipe.shards(inputs, 3)
    assert [r.index for r in results] == [i for i, _ in parts] and len(results) == 3
    total = 0
    for result, (_, paths) in zip(results, parts, strict=True):
        text, diags = serial(paths, "csljson")
        assert Path(result.output).name == f"part-{result.index:05d}.json"
        assert Path(result.output).read_text(encoding="utf-8") == text
        assert sorted(result.diagnostics) == sorted(diags)
        total += result.records
    everything = json.loads(serial(inputs, "csljson")[0])
    assert total == len(everything)
    assert any(r.diagnostics for r in results)  # the corpus files do have problems to report


def test_process_scheduler_with_global_keys(recipe: ModuleType, inputs: list[str], tmp_path: Path) -> None:
    with dask.config.set(num_workers=2):
        results = recipe.convert_with_dask(
            inputs, str(tmp_path), "bibtex", partitions=2, global_keys=True, scheduler="processes"
        )
    assert len(results) == 2
    keys: list[str] = []
    for result in results:
        text = Path(result.output).read_text(encoding="utf-8")
        mine = [line[line.index("{") + 1 : -1] for line in text.splitlines() if line.startswith("@")]
        assert len(mine) == result.records > 0
        assert all(k.startswith(f"s{result.index}-") for k in mine)
        keys += mine
    assert len(keys) == len({k.lower() for k in keys})  # unique across all the outputs
    # without the prefix, the same shard gives the serial conversion's keys
    _, paths = recipe.shards(inputs, 2)[1]
    (tmp_path / "plain").mkdir()
    plain = recipe.convert_shard((1, paths), str(tmp_path / "plain"), "bibtex")
    assert Path(plain.output).read_text(encoding="utf-8") == serial(paths, "bibtex")[0]


def test_the_document_shows_the_recipe_as_it_is() -> None:
    """Code blocks in docs/scaling.md marked ``# from docs/recipes/dask_convert.py`` are verbatim."""
    doc = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
    source = (ROOT / "docs" / "recipes" / "dask_convert.py").read_text(encoding="utf-8")
    marker = "# from docs/recipes/dask_convert.py\n"
    blocks = [part.split("```", 1)[0] for part in doc.split("```python\n" + marker)[1:]]
    assert len(blocks) >= 3
    for block in blocks:
        assert block in source, block
