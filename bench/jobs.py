"""``--jobs`` speedup: pubconv with 1 job and with N, alternating, with CPU time split.

    python bench/jobs.py [--jobs N] [--reps R] [--to FMT] FILE...
    python bench/jobs.py                    # default: the corpus .bib files -> csljson, -j 2, 3 reps

Each run is its own process. It reports wall time, the main process's CPU
time (reading results, writing: the serial part) and its workers' CPU time
(getrusage of the reaped children), and checks that both outputs are the same
bytes. On a busy machine wall time measures the contention; the CPU split
still shows how the work divides.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[1] / "shared" / "corpus"


def child(argv):
    """Run the CLI in this process; print wall and CPU figures as JSON on stdout."""
    import resource

    from pubconv.cli import main

    t0 = time.perf_counter()
    code = main(argv)
    wall = time.perf_counter() - t0
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stdout.write(json.dumps({
        "exit": code, "wall": wall,
        "main_cpu": me.ru_utime + me.ru_stime, "workers_cpu": kids.ru_utime + kids.ru_stime,
    }) + "\n")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", help="input files (default: the corpus .bib files)")
    ap.add_argument("--to", default="csljson")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    inputs = args.inputs or [str(p) for p in sorted((CORPUS / "bibtex").glob("*.bib"))]
    if not inputs:
        ap.error("no inputs (and no corpus at ../shared/corpus)")
    runs = {1: [], args.jobs: []}
    with tempfile.TemporaryDirectory(prefix="pubconv-jobs-") as tmp:
        outputs = {j: os.path.join(tmp, f"out{j}") for j in runs}
        for rep in range(args.reps):
            for j in runs:
                cmd = [sys.executable, __file__, "--child", *inputs, "--to", args.to, "-q",
                       "-j", str(j), "-o", outputs[j]]
                proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if not proc.stdout.strip():
                    sys.stderr.write(proc.stderr)
                    return 2
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                runs[j].append(result)
                print(f"  -j {j} rep {rep + 1}: {result['wall']:.2f} s wall, main {result['main_cpu']:.2f} s CPU,"
                      f" workers {result['workers_cpu']:.2f} s CPU", file=sys.stderr, flush=True)
            same = Path(outputs[1]).read_bytes() == Path(outputs[args.jobs]).read_bytes()
            if not same:
                print("outputs differ!", file=sys.stderr)
                return 1
    print(f"{len(inputs)} inputs -> {args.to}, {args.reps} alternating reps, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; outputs identical")
    print("| | wall s (median) | main CPU s | workers CPU s | total CPU s |")
    print("|---|---:|---:|---:|---:|")
    for j, rs in runs.items():
        med = {k: statistics.median(r[k] for r in rs) for k in ("wall", "main_cpu", "workers_cpu")}
        print(f"| -j {j} | {med['wall']:.2f} | {med['main_cpu']:.2f} | {med['workers_cpu']:.2f} | "
              f"{med['main_cpu'] + med['workers_cpu']:.2f} |")
    one = statistics.median(r["wall"] for r in runs[1])
    many = statistics.median(r["wall"] for r in runs[args.jobs])
    print(f"speedup (median wall): {one / many:.2f}x")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(child(sys.argv[2:]))
    sys.exit(main())
