"""Streaming conversions hold memory flat (issue 5): peak RSS must not grow with the record count.

Each run is its own process (peak RSS is per process); the same generated listing
shape is converted at two sizes and the growth of the peak RSS compared. A leak of
one small object per record (a kept diagnostic, a key string) shows in the count of
Python memory blocks left allocated, a larger one in the peak RSS as well.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

if not Path("/proc/self/status").exists():
    pytest.skip("peak RSS is read from /proc/self/status (Linux)", allow_module_level=True)

SMALL, LARGE = 5_000, 15_000
#: Allowed growth of the Python memory blocks still allocated after the conversion: the
#: bounded caches are full at both sizes, so one leaked object per record (+10,000) fails.
MAX_BLOCK_GROWTH = 2_000
#: Allowed growth of the peak RSS: generous (allocator fragmentation, the 16-byte key
#: fingerprints), but a kept paper or output text per record adds well over 10 MB.
MAX_GROWTH_KB = 4_000

_FIRST = ["Ada", "Boris", "Chen", "Dana", "Émile", "Farah", "Goran", "Hiroshi", "Ines", "Jonas"]
_LAST = ["Lovelace", "Petrov", "Wei", "Kowalski", "Durand", "Haddad", "Novak", "Tanaka", "Silva", "Berg"]
_WORDS = [
    "Learning",
    "Sparse",
    "Graphs",
    "Quantum",
    "Robust",
    "Fields",
    "Neural",
    "Flows",
    "Optimal",
    "Codes",
]

# VmHWM, not ru_maxrss: after fork+exec, ru_maxrss starts at the parent's peak (the test
# runner's), while VmHWM belongs to the new address space.
_RUNNER = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
mode, src, out = sys.argv[1:4]
to = sys.argv[4] if len(sys.argv) > 4 else "bibtex"
if mode == "cli":
    from pubconv.cli import main
    rc = main([src, "--to", to, "-q", "-o", out])
else:
    import pubconv
    pubconv.dump(pubconv.iter_load(src), out, to)
    rc = 0
import gc
gc.collect()
with open("/proc/self/status", encoding="ascii") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"rc": rc, "peak_kb": hwm, "blocks": sys.getallocatedblocks()}))
"""


def _listing(n: int, path: Path) -> Path:
    """``n`` distinct entries (distinct titles and author lists, so no cache hides a leak)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            a, b, c = i % 10, (i // 10) % 10, (i // 100) % 10
            title = f"{_WORDS[a]} {_WORDS[b]} {_WORDS[c]} for Problem {i}"
            authors = f"{_FIRST[a]} {_LAST[b]}{i}, {_FIRST[c]} {_LAST[a]}"
            month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun")[i % 6]
            out.write(f"LG{month} {1 + i % 28}, {2000 + i % 25}\n{title}{authors}\n")
            out.write(f"We study problem {i} with {_WORDS[b].lower()} methods and report results.\n")
    return path


def _measure(mode: str, src: Path, out: Path, to: str = "bibtex") -> tuple[int, int]:
    """(peak RSS in kB, Python memory blocks still allocated at the end) of one conversion."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, mode, str(src), str(out), to],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["rc"] == 0, proc.stderr
    return int(result["peak_kb"]), int(result["blocks"])


@pytest.mark.parametrize("mode", ["cli", "iter_load"])
def test_listing_to_bibtex_memory_is_flat(tmp_path: Path, mode: str) -> None:
    small = _listing(SMALL, tmp_path / "small.txt")
    large = _listing(LARGE, tmp_path / "large.txt")
    small_kb, small_blocks = _measure(mode, small, tmp_path / "small.bib")
    large_kb, large_blocks = _measure(mode, large, tmp_path / "large.bib")
    text = (tmp_path / "large.bib").read_text(encoding="utf-8")
    assert text.count("\n@misc{") + text.startswith("@misc{") == LARGE  # everything was written
    assert large_blocks - small_blocks < MAX_BLOCK_GROWTH, (small_blocks, large_blocks)
    assert large_kb - small_kb < MAX_GROWTH_KB, (small_kb, large_kb)


@pytest.mark.parametrize("mode", ["cli", "iter_load"])
@pytest.mark.parametrize(
    ("source", "suffix", "to"),
    [
        ("bibtex", ".bib", "ris"),
        ("csljson", ".json", "ris"),
        ("ris", ".ris", "csljson"),
        ("csljson", ".json", "csljson"),
    ],
)
def test_other_streaming_readers_hold_memory_flat(
    tmp_path: Path, mode: str, source: str, suffix: str, to: str
) -> None:
    # issue 5: listing, RIS, CSL-JSON and BibTeX without crossref stream (the BibTeX reader
    # keeps no entry for crossref when it can read its input again; CSL-JSON is read item
    # by item; a same-format CSL-JSON conversion is not read whole)
    from pubconv.cli import main

    inputs = []
    for n, name in ((SMALL, "small"), (LARGE, "large")):
        listing = _listing(n, tmp_path / f"{name}.txt")
        converted = tmp_path / f"{name}{suffix}"
        assert main([str(listing), "--to", source, "-q", "-o", str(converted)]) == 0
        inputs.append(converted)
    small_kb, small_blocks = _measure(mode, inputs[0], tmp_path / "small.out", to)
    large_kb, large_blocks = _measure(mode, inputs[1], tmp_path / "large.out", to)
    assert (tmp_path / "large.out").stat().st_size > 3 * (tmp_path / "small.out").stat().st_size
    assert large_blocks - small_blocks < MAX_BLOCK_GROWTH, (small_blocks, large_blocks)
    assert large_kb - small_kb < MAX_GROWTH_KB, (small_kb, large_kb)


def test_a_warning_per_record_is_not_kept_without_bound(tmp_path: Path) -> None:
    """A field the target cannot hold warns on every record: the report keeps the first
    REPORT_KEEP, counts them all, and passes every one to on_diagnostic."""
    import io

    from pubconv import api
    from pubconv.errors import Diagnostic, StrictError

    n = api.REPORT_KEEP + 500
    src = _listing(n, tmp_path / "in.txt")
    bib = tmp_path / "in.bib"
    api.convert_files([str(src)], "bibtex", output=str(bib))
    seen: list[Diagnostic] = []
    report = api.convert_files([str(bib)], "ris", stdout=io.StringIO(), on_diagnostic=seen.append)
    lost = [d for d in seen if d.code == "PC400"]  # RIS cannot hold title_nocase
    assert len(lost) == n and report.warnings >= n
    assert len(report.diagnostics) == api.REPORT_KEEP
    assert report.omitted == report.warnings + report.errors - api.REPORT_KEEP
    assert report.diagnostics == [d for d in seen if d.severity.value != "info"][: api.REPORT_KEEP]
    with pytest.raises(StrictError) as exc:  # strict keeps them all, for the exception
        api.convert_files([str(bib)], "ris", stdout=io.StringIO(), strict=True)
    assert len(exc.value.diagnostics) >= n
