"""Convert many bibliographic files on a Dask cluster: one output file per shard.

This is the code that ``docs/scaling.md`` explains, and ``tests/test_scaling.py``
runs it on a local Dask scheduler. Copy it into your project; it needs only
``pubconv`` and ``dask[bag]`` (or ``distributed`` for a cluster).

The input files are cut into shards of about equal size (input order is kept,
within and across shards); each shard is read with :func:`pubconv.iter_load`
(one record at a time) and written with :func:`pubconv.dump` to its own file,
``part-00000.json``, ``part-00001.json``, ... Citation keys are unique within
an output file; ``global_keys=True`` prefixes every key with its shard number
(``s3-knuth1984``) so that they are unique across all of them.

Command line (local cluster, one worker process per CPU)::

    python docs/recipes/dask_convert.py --to csljson --out out/ --partitions 8 refs/*.bib
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pubconv
from pubconv import registry
from pubconv.keys import generate_key

__all__ = ["ShardResult", "convert_shard", "convert_with_dask", "shards"]

Shard = tuple[int, list[str]]
"""A shard: its number and the input paths it holds, in input order."""


@dataclass(frozen=True)
class ShardResult:
    """What converting one shard did."""

    index: int
    output: str
    """The file written (``OUT_DIR/part-NNNNN.EXT``)."""
    records: int
    diagnostics: tuple[str, ...]
    """Every diagnostic of the shard, rendered as ``file:line:col: severity: message (code)``."""


def shards(paths: Sequence[str], n: int) -> list[Shard]:
    """Cut ``paths`` into ``min(n, len(paths))`` runs of consecutive files of about equal total size."""
    if n < 1:
        raise ValueError("need at least one shard")
    n = min(n, len(paths))
    sizes = [max(os.path.getsize(p), 1) for p in paths]
    total = sum(sizes)
    out: list[Shard] = []
    current: list[str] = []
    done = 0
    for i, (path, size) in enumerate(zip(paths, sizes, strict=True)):
        current.append(path)
        done += size
        wanted = n - len(out) - 1  # shards still to start after this one
        if wanted > 0 and (done * n >= total * (len(out) + 1) or len(paths) - i - 1 == wanted):
            out.append((len(out), current))
            current = []
    if current:
        out.append((len(out), current))
    return out


def _papers(paths: Iterable[str], from_: str | None, key_prefix: str | None) -> Iterator[pubconv.Paper]:
    for path in paths:
        for paper in pubconv.iter_load(path, from_):
            if key_prefix is not None:
                paper = paper.replace(key=key_prefix + (paper.key or generate_key(paper)))
            yield paper


def convert_shard(
    shard: Shard,
    out_dir: str,
    to: str,
    *,
    from_: str | None = None,
    global_keys: bool = False,
    **options: Any,
) -> ShardResult:
    """Convert one shard's files into ``OUT_DIR/part-NNNNN.EXT`` (written atomically, so a
    retried task simply writes it again)."""
    index, paths = shard
    ext = (registry.get(to).extensions or (".txt",))[0]
    output = str(Path(out_dir) / f"part-{index:05d}{ext}")
    records = 0

    def counted(papers: Iterable[pubconv.Paper]) -> Iterator[pubconv.Paper]:
        nonlocal records
        for paper in papers:
            records += 1
            yield paper

    # pubconv reports diagnostics as warnings; collect them (process-wide state: run this in
    # worker processes, as Dask's "processes" scheduler and distributed workers do, not threads)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pubconv.PubconvWarning)
        papers = _papers(paths, from_, f"s{index}-" if global_keys else None)
        pubconv.dump(counted(papers), output, to, **options)
    diagnostics = tuple(
        str(w.message.diagnostic) for w in caught if isinstance(w.message, pubconv.PubconvWarning)
    )
    return ShardResult(index, output, records, diagnostics)


def convert_with_dask(
    paths: Sequence[str],
    out_dir: str,
    to: str,
    *,
    partitions: int,
    from_: str | None = None,
    global_keys: bool = False,
    scheduler: str | None = None,
    **options: Any,
) -> list[ShardResult]:
    """Convert ``paths`` into one output per shard with a Dask bag; results in shard order.

    ``scheduler`` is passed to ``compute`` (``"processes"``, ``"synchronous"``; None: the
    current default, e.g. a ``distributed.Client``). ``OUT_DIR`` must be reachable by
    every worker, as must the input paths.
    """
    import dask.bag as db

    os.makedirs(out_dir, exist_ok=True)
    parts = shards(paths, partitions)
    bag = db.from_sequence(parts, npartitions=len(parts))  # type: ignore[no-untyped-call]
    tasks = bag.map(convert_shard, out_dir, to, from_=from_, global_keys=global_keys, **options)
    results: list[ShardResult] = tasks.compute(scheduler=scheduler)
    return sorted(results, key=lambda r: r.index)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Convert files with pubconv on a Dask cluster.")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--to", required=True)
    parser.add_argument("--from", dest="from_")
    parser.add_argument("--out", required=True, help="output folder (one part-NNNNN file per shard)")
    parser.add_argument("--partitions", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--global-keys", action="store_true", help="prefix keys with the shard number")
    parser.add_argument("--scheduler", default="processes")
    args = parser.parse_args(argv)
    results = convert_with_dask(
        args.inputs,
        args.out,
        args.to,
        partitions=args.partitions,
        from_=args.from_,
        global_keys=args.global_keys,
        scheduler=args.scheduler,
    )
    for r in results:
        sys.stderr.writelines(line + "\n" for line in r.diagnostics)
        sys.stdout.write(f"{r.output}: {r.records} records\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
