"""Coverage-guided fuzzing of every pubconv reader with atheris (libFuzzer).

The first input byte selects the reader (modulo the number of readable formats
in the registry, so a format added later is fuzzed without editing this file);
the rest is decoded like a file (``pubconv.api.decode``) and read both with that
reader and through ``pubconv.reads`` (format detection). The only allowed
outcomes are papers plus diagnostics, or a documented ``pubconv.errors.PubconvError``;
anything else — or one input taking longer than ``PUBCONV_FUZZ_SLOW`` seconds
(default 2) — is a finding and stops the run with the input saved by libFuzzer.

Run (see fuzz/README.md)::

    python fuzz/fuzz_readers.py fuzz/corpus -max_total_time=600
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

import atheris

with atheris.instrument_imports():
    from pubconv import api, registry
    from pubconv.errors import PubconvError

    # format modules are imported lazily; import them here so they are instrumented too
    READERS = [f for f in registry.all_formats() if f.module is not None and f.can_read]
SLOW = float(os.environ.get("PUBCONV_FUZZ_SLOW", "2"))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    fmt = READERS[data[0] % len(READERS)]
    text, _ = api.decode(data[1:], "<fuzz>")
    start = time.perf_counter()
    with contextlib.suppress(PubconvError):
        fmt.read(text, source="<fuzz>")
    with contextlib.suppress(PubconvError):
        api.reads(text, source="<fuzz>")
    elapsed = time.perf_counter() - start
    if elapsed > SLOW:
        raise RuntimeError(f"{fmt.name}: {len(data)} bytes took {elapsed:.1f} s")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
