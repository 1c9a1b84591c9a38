"""Fill a libFuzzer corpus folder with the fixtures, one file per (format, fixture).

Each seed is the reader-selector byte followed by the fixture's bytes, so the
fuzzer starts from valid input of every format::

    python fuzz/seed_corpus.py fuzz/corpus
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from pubconv import registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def main(out: str) -> int:
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    readers = [f for f in registry.all_formats() if f.can_read]
    count = 0
    for index, fmt in enumerate(readers):
        for folder in (FIXTURES / fmt.name, FIXTURES / "invalid" / fmt.name):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.name.endswith((".paper.json", ".error.json")) or ".out." in path.name:
                    continue
                data = bytes([index]) + path.read_bytes()[:20000]
                (target / hashlib.sha256(data).hexdigest()).write_bytes(data)
                count += 1
    sys.stdout.write(f"{count} seeds in {target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus"))
