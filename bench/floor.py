"""Lower bounds that pure Python and the dataclass model set on two of issue 5's targets.

    python bench/floor.py [--reps R] [--entries N]

1. Start-up. Whole processes, alternating, median wall time, all under ``python -S``
   (no site, so an editable install's path finder does not pad the baseline):
   a bare interpreter, ``import dataclasses``, ``import pubconv.model`` (the model's
   frozen, slotted dataclasses) and ``pubconv check`` on a small .bib. The ratios to
   the bare interpreter show how much of the 3x budget importing the model alone uses.

2. Listing -> BibTeX. In one process, on the records of the listing dev set (read
   once, untimed, repeated to N entries): only building the model objects (``Name``,
   ``Date``, ``Category``, ``Paper``) from plain values and formatting a BibTeX entry
   with one f-string (no parsing, no escaping, no key uniqueness). Whatever a real
   conversion does comes on top of this; pubconv's own in-process rate on the same
   records is printed beside it.

Nothing here is a target; it is what the targets are up against.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
PY = sys.executable


def wall(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def startup(reps):
    small = REPO / "fixtures" / "bibtex" / "latex-accents.bib"
    path = f"import sys; sys.path.insert(0, {str(REPO)!r}); "
    cmds = {
        "python -S -c pass": [PY, "-S", "-c", "pass"],
        "import dataclasses": [PY, "-S", "-c", "import dataclasses"],
        "import pubconv.model": [PY, "-S", "-c", path + "import pubconv.model"],
        "pubconv check small.bib": [PY, "-S", "-c", path + "from pubconv.cli import run; run()", "check", str(small)],
    }
    for cmd in cmds.values():  # warm the page cache and the byte-code
        wall(cmd)
    samples = {name: [] for name in cmds}
    for _ in range(reps):
        for name, cmd in cmds.items():
            samples[name].append(wall(cmd))
    base = statistics.median(samples["python -S -c pass"])
    print(f"start-up ({reps} alternating reps, median wall, python -S):")
    for name, xs in samples.items():
        m = statistics.median(xs)
        print(f"  {name:<26} {m * 1000:7.1f} ms  {m / base:5.2f}x")


def listing(n_entries, reps):
    sys.path.insert(0, str(REPO))
    import pubconv
    from pubconv.model import Category, Date, Name, Paper

    dev = SHARED / "corpus" / "listing" / "dev-arxiv.txt"
    papers = list(pubconv.iter_load(str(dev)))
    plain = [
        (
            p.title or "",
            [(n.family, n.given, n.literal) for n in p.author],
            p.author_truncated,
            (p.issued.year, p.issued.month, p.issued.day) if p.issued else (None, None, None),
            (p.category.code, p.category.arxiv_class) if p.category else None,
            p.abstract,
        )
        for p in papers
    ]
    records = (plain * (n_entries // len(plain) + 1))[:n_entries]

    def floor():
        out = []
        for title, names, truncated, (y, m, d), cat, abstract in records:
            author = tuple(Name(family=f, given=g, literal=lit) for f, g, lit in names)
            p = Paper(
                type="article",
                title=title,
                author=author,
                author_truncated=truncated,
                issued=Date(year=y, month=m, day=d) if y else None,
                category=Category(code=cat[0], arxiv_class=cat[1]) if cat else None,
                abstract=abstract,
            )
            who = " and ".join(f"{n.family}, {n.given}" if n.family else f"{{{n.literal}}}" for n in p.author)
            first = p.author[0].family or "" if p.author else ""
            out.append(
                f"@misc{{{first.lower()}{y}{title.split(' ', 1)[0].lower()},\n  author = {{{who}}},\n"
                f"  title = {{{p.title}}},\n  abstract = {{{p.abstract}}},\n  year = {{{y}}},\n"
                f"  month = {{{m}}},\n  day = {{{d}}},\n}}\n"
            )
        return out

    text = dev.read_text(encoding="utf-8")
    copies = max(1, round(n_entries / len(papers)))
    big = text.rstrip("\n") + "\n"
    big = big * copies

    def real():
        return pubconv.dumps(pubconv.loads(big, "listing"), "bibtex")

    def best(fn, n):
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return n / statistics.median(times)

    floor_rate = best(floor, len(records))
    real_rate = best(real, copies * len(papers))
    print(f"listing -> BibTeX ({reps} reps, median, in one process, {len(records):,} entries):")
    print(f"  model + f-string floor     {floor_rate:9,.0f} entries/s  ({1e6 / floor_rate:5.1f} us/entry)")
    print(f"  pubconv loads + dumps      {real_rate:9,.0f} entries/s  ({1e6 / real_rate:5.1f} us/entry)")
    print("  target                        20,000 entries/s  ( 50.0 us/entry, whole process)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=15, help="start-up repetitions (default 15)")
    ap.add_argument("--entries", type=int, default=20_000, help="listing entries (default 20,000)")
    args = ap.parse_args(argv)
    startup(args.reps)
    listing(args.entries, 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
