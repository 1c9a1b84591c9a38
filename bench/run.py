"""pubconv benchmark harness (issue 5, item 1).

    python bench/run.py [--quick] [--reps N] [--corpus DIR] [--json FILE]

Runs pubconv and the anchor tools side by side, alternating (A B A B ...), each
measured job a separate process: wall time with time.perf_counter around the
process, peak RSS from os.wait4's rusage (ru_maxrss of that child and the
descendants it reaped). For a pipeline (bib2xml | xml2ris) the peak RSS of
the stages is summed, since they run at the same time.

Installs nothing. Anchors are detected: pandoc (pypandoc-binary's binary, else
`pandoc` on PATH), bibutils (`bib2xml`, `xml2ris` on PATH), and the Python
packages bibtexparser, pybtex, rispy (importable by this interpreter). A missing
anchor is a "not installed" row.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPO = HERE.parent
PY = sys.executable
#: ``pubconv`` run from this checkout under ``python -S`` (no site, so no site-packages on
#: the path: the small check needs none): what the console script does, minus site.
STARTUP_SNIPPET = f"import sys; sys.path.insert(0, {str(REPO)!r}); from pubconv.cli import run; run()"
ANCHORS_PY = str(HERE / "anchors.py")


# --------------------------------------------------------------------------- detection

def find_pandoc():
    # asked in a child process: importing pypandoc here would raise the harness's
    # own peak RSS, which is the floor of every measured child's (see run_once)
    try:
        out = subprocess.run([PY, "-c", "import pypandoc; print(pypandoc.get_pandoc_path())"],
                             capture_output=True, text=True, timeout=60)
        path = out.stdout.strip()
        if out.returncode == 0 and path and Path(path).exists():
            return path
    except Exception:
        pass
    return shutil.which("pandoc")


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        text = (out.stdout or out.stderr).strip().splitlines()
        return text[0] if text else "?"
    except Exception:
        return "?"


def detect():
    found = {}
    pandoc = find_pandoc()
    found["pandoc"] = {"path": pandoc, "version": tool_version([pandoc, "--version"]) if pandoc else None}
    b2x, x2r = shutil.which("bib2xml"), shutil.which("xml2ris")
    found["bibutils"] = {
        "path": [b2x, x2r] if b2x and x2r else None,
        "version": tool_version([b2x, "--version"]) if b2x and x2r else None,
    }
    # the Python anchors are looked up in a child process too (keeps the harness small)
    probe = (
        "import importlib.util, json\n"
        "from importlib.metadata import version\n"
        "out = {}\n"
        "for m in ('bibtexparser', 'pybtex', 'rispy'):\n"
        "    ok = importlib.util.find_spec(m) is not None\n"
        "    try:\n"
        "        v = version(m) if ok else None\n"
        "    except Exception:\n"
        "        v = '?'\n"
        "    out[m] = {'path': m if ok else None, 'version': v}\n"
        "print(json.dumps(out))\n"
    )
    try:
        out = subprocess.run([PY, "-c", probe], capture_output=True, text=True, timeout=60)
        found.update(json.loads(out.stdout))
    except Exception:
        for mod in ("bibtexparser", "pybtex", "rispy"):
            found[mod] = {"path": None, "version": None}
    return found


def machine_description():
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


# --------------------------------------------------------------------------- measuring

def run_once(cmd, stdout_path=None):
    """Run one command (a list) or a pipeline (a list of lists); return (wall s, peak RSS KiB, rc).

    Caveat, Linux: a child's ru_maxrss starts at the RSS high-water mark of the
    process that forked it (exec records the old address space's peak), so a
    job can never report less than this harness's own peak RSS. The harness
    keeps that floor small (no big files in memory) and reports it.
    """
    stages = cmd if isinstance(cmd[0], list) else [cmd]
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    procs = []
    try:
        t0 = time.perf_counter()
        prev = None
        for i, stage in enumerate(stages):
            last = i == len(stages) - 1
            p = subprocess.Popen(
                stage,
                stdin=prev.stdout if prev else subprocess.DEVNULL,
                stdout=out if last else subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=REPO,
            )
            if prev is not None:
                prev.stdout.close()  # so the producer sees SIGPIPE if the consumer exits
            procs.append(p)
            prev = p
        rss, rc = 0, 0
        for p in procs:
            _, status, usage = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            rc = rc or p.returncode
            rss += usage.ru_maxrss  # KiB on Linux
        wall = time.perf_counter() - t0
    finally:
        if stdout_path:
            out.close()
    return wall, rss, rc


def measure(job, tools, reps, outdir):
    """tools: list of (name, cmd or None, stdout_path or None). Alternates A B A B."""
    samples = {name: [] for name, cmd, _ in tools if cmd}
    failed = {}
    partial = set()
    for rep in range(reps):
        for name, cmd, stdout_path in tools:
            if not cmd or name in failed:
                continue
            wall, rss, rc = run_once(cmd, stdout_path)
            # pubconv exits 1 when some record failed but the rest was converted and
            # written: still a complete run to time (the row says so)
            if rc == 1 and name == "pubconv":
                partial.add(name)
            elif rc != 0:
                failed[name] = rc
                continue
            samples[name].append((wall, rss))
            print(f"  {job:<40} {name:<22} rep {rep + 1}/{reps}: {wall:8.3f} s {rss / 1024:8.1f} MiB",
                  file=sys.stderr, flush=True)
    rows = []
    for name, cmd, _ in tools:
        row = {"job": job, "tool": name}
        if not cmd:
            row["status"] = "not installed"
        elif name in failed:
            row["status"] = f"failed (exit {failed[name]})"
        else:
            row["status"] = "ok"
            row["reps"] = len(samples[name])
            row["wall_s"] = statistics.median(w for w, _ in samples[name])
            row["rss_mib"] = statistics.median(r for _, r in samples[name]) / 1024
            row["samples"] = samples[name]
            if name in partial:
                row["note"] = "exit 1: some records failed, rest written"
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- inputs

def concat(paths, dest, sep=b"\n"):
    # byte copy in chunks: the harness's own peak RSS stays small (see run_once)
    with open(dest, "wb") as out:
        for p in paths:
            with open(p, "rb") as f:
                head = f.read(3)
                if head != b"\xef\xbb\xbf":  # drop a UTF-8 BOM inside the concatenation
                    out.write(head)
                shutil.copyfileobj(f, out)
            out.write(sep)
    return dest


def count_listing_entries(text):
    """Entries in a listing = header lines (the dev set's truth file gives the count when present)."""
    import re

    header = re.compile(r"^(?:[A-Z]{2}|[a-z-]+(?:\.[A-Za-z-]+)?)?"
                        r"(?:[A-Z][a-z]{2} \d{1,2}, \d{4}|[A-Z][a-z]{2} \d{4}|\d{4}|n\.d\.)(?:Code)?$")
    return sum(1 for line in text.splitlines() if header.match(line))


def make_listing(dev_path, truth_path, n_target, dest):
    text = Path(dev_path).read_text(encoding="utf-8").rstrip("\n") + "\n"  # small: one copy
    per_copy = None
    if truth_path.exists():
        try:
            per_copy = len(json.loads(truth_path.read_text(encoding="utf-8")))
        except Exception:
            per_copy = None
    per_copy = per_copy or count_listing_entries(text) or 1
    copies = max(1, round(n_target / per_copy))
    with open(dest, "w", encoding="utf-8") as out:
        for _ in range(copies):
            out.write(text)
    return dest, copies * per_copy


# --------------------------------------------------------------------------- regression guard (CI)

# Limits on pubconv's CPU time per entry relative to bibtexparser's parse + write
# of tugboat.bib, measured in the same run (so the machine's speed cancels out).
# Chosen from measured ratios (docs/performance.md, "Regression guard"): about
# 1.6x the ratio measured when they were set, so run-to-run noise passes and a
# change that halves pubconv's speed (ratio x2) fails. A run that made every
# read and write happen twice measured 1.12x and 0.59x: both failed. When
# pubconv gets faster, lower them; the guard prints a hint when a ratio falls
# below a third of its limit.
GUARD_LIMITS = {
    # measured 2026-11-29 in 3 guard runs: bibtex 0.40-0.55, listing 0.17-0.24 (CPU time itself
    # varied by 30% between repetitions of one command): about 1.6x the upper figures
    "bibtex": 0.85,  # pubconv BibTeX->BibTeX CPU / bibtexparser CPU, tugboat.bib
    "listing": 0.40,  # pubconv listing->BibTeX CPU/entry / bibtexparser BibTeX->BibTeX CPU/entry
}
GUARD_LISTING_ENTRIES = 20_000


def count_bib_entries(path):
    """Entries (not @string/@comment/@preamble) in a .bib file, read line by line."""
    import re

    start = re.compile(rb"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]")
    n = 0
    with open(path, "rb") as f:
        for line in f:
            m = start.match(line)
            if m and m.group(1).lower() not in (b"string", b"comment", b"preamble"):
                n += 1
    return n


def precompile():
    """Byte-compile the pubconv package that ``PY -m pubconv`` imports, once, before timing.

    An editable install run with PYTHONDONTWRITEBYTECODE set (or from a read-only
    checkout) would otherwise compile every module on every run, a cost that installed
    anchors (shipped with .pyc files) never pay. Best effort: a failure only means the
    figures include compilation."""
    try:
        where = subprocess.run([PY, "-c", "import os, pubconv; print(os.path.dirname(pubconv.__file__))"],
                               capture_output=True, text=True, cwd=REPO, timeout=120)
        if where.returncode == 0 and where.stdout.strip():
            subprocess.run([PY, "-m", "compileall", "-q", where.stdout.strip()],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    except (OSError, subprocess.SubprocessError):
        pass


def run_cpu(cmd):
    """Run one command; return (wall s, CPU s = user + system of it and its children, exit code)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, cwd=REPO)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, p.returncode


def run_guard(args):
    """``--guard``: pubconv against bibtexparser in one run; exit 1 if a ratio exceeds its limit.

    Three jobs, alternating, ``--reps`` times (default 3): BibTeX->BibTeX on
    tugboat.bib with pubconv and with bibtexparser (parse_file + write_string),
    and pubconv listing->BibTeX on a 20k-entry listing built from the dev set.
    The ratios compare CPU time (user + system), each job's cheapest repetition.
    Exit 0: within the limits (or the corpus is absent: skipped, as the tests
    do); 1: a ratio is over its limit; 2: bibtexparser is not installed.
    """
    t_start = time.perf_counter()
    reps = args.reps or 3
    corpus = args.corpus
    tugboat = corpus / "bibtex" / "tugboat.bib"
    dev = corpus / "listing" / "dev-arxiv.txt"
    if not tugboat.is_file() or not dev.is_file():
        print(f"guard skipped: corpus not found at {corpus}", file=sys.stderr)
        return 0
    probe = subprocess.run([PY, "-c", "import bibtexparser"], capture_output=True, timeout=60)
    if probe.returncode != 0:
        print("guard cannot run: bibtexparser is not installed (pip install -e '.[test]')", file=sys.stderr)
        return 2
    precompile()
    pubconv = [PY, "-m", "pubconv"]
    tmp = Path(tempfile.mkdtemp(prefix="pubconv-guard-"))
    try:
        listing, listing_n = make_listing(dev, corpus / "listing" / "dev-arxiv.truth.json",
                                          GUARD_LISTING_ENTRIES, tmp / "large.txt")
        tools = [
            ("pubconv", [*pubconv, str(tugboat), "--to", "bibtex", "-q", "-o", str(tmp / "out.bib")]),
            ("bibtexparser", [PY, ANCHORS_PY, "bibtexparser", str(tugboat), str(tmp / "bp.bib")]),
            ("pubconv listing", [*pubconv, str(listing), "--to", "bibtex", "-q", "-o", str(tmp / "l.bib")]),
        ]
        cpu = {name: [] for name, _ in tools}
        for rep in range(reps):
            for name, cmd in tools:
                wall, seconds, rc = run_cpu(cmd)
                if rc not in (0, 1):  # 1: pubconv converted but some records failed
                    print(f"guard: {name} failed (exit {rc}): {' '.join(cmd)}", file=sys.stderr)
                    return 1
                cpu[name].append(seconds)
                print(f"  guard {name:<16} rep {rep + 1}/{reps}: {wall:7.2f} s wall {seconds:7.2f} s CPU",
                      file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # CPU time (user + system) of each job's cheapest repetition: other processes on a busy
    # machine stretch wall time a lot and CPU time little, and they only ever add to either
    best = {name: min(values) for name, values in cpu.items()}
    entries = count_bib_entries(tugboat)
    bp_per_entry = best["bibtexparser"] / entries
    listing_per_entry = best["pubconv listing"] / listing_n
    checks = [
        ("bibtex", "BibTeX->BibTeX tugboat: pubconv CPU s / bibtexparser CPU s",
         best["pubconv"] / best["bibtexparser"]),
        ("listing", "listing->BibTeX: pubconv CPU s/entry / bibtexparser BibTeX->BibTeX CPU s/entry",
         listing_per_entry / bp_per_entry),
    ]
    lines = [
        f"CPU time, best of {reps}: bibtexparser BibTeX->BibTeX {entries / best['bibtexparser']:,.0f} entries/s "
        f"({entries} entries, {best['bibtexparser']:.2f} s); "
        f"pubconv BibTeX->BibTeX {entries / best['pubconv']:,.0f} entries/s ({best['pubconv']:.2f} s); "
        f"pubconv listing->BibTeX {1 / listing_per_entry:,.0f} entries/s ({listing_n} entries)",
    ]
    status = 0
    results = []
    for name, what, value in checks:
        limit = GUARD_LIMITS[name]
        ok = value <= limit
        status = status or (0 if ok else 1)
        hint = "  (far below the limit: consider lowering it)" if ok and value < limit / 3 else ""
        lines.append(f"{'ok  ' if ok else 'FAIL'} {what}: {value:.2f}x (limit {limit:.2f}x){hint}")
        results.append({"check": name, "value": value, "limit": limit, "ok": ok})
    lines.append(f"guard: {'passed' if status == 0 else 'FAILED'} in {time.perf_counter() - t_start:.0f} s")
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine_description(), "reps": reps, "checks": results, "cpu_s": cpu,
        }, indent=2), encoding="utf-8")
    return status


# --------------------------------------------------------------------------- main

def ratio(rows, metric, num="pubconv", den=None):
    by = {r["tool"]: r for r in rows if r.get("status") == "ok"}
    if num not in by or den not in by or not by[den][metric]:
        return None
    return by[num][metric] / by[den][metric]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="CI size: 1 rep, tugboat only, 20k-entry listing")
    ap.add_argument("--reps", type=int, default=None, help="repetitions per tool (default 5; 1 with --quick)")
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus", help="corpus directory (default ../shared/corpus)")
    ap.add_argument("--json", type=Path, default=None, help="also save the results as JSON")
    ap.add_argument("--guard", action="store_true",
                    help="CI regression guard only: pubconv vs bibtexparser in one run, exit 1 if "
                         "pubconv is slower than the limits allow (see GUARD_LIMITS)")
    args = ap.parse_args(argv)
    if args.guard:
        return run_guard(args)

    reps = args.reps or (1 if args.quick else 5)
    corpus = args.corpus
    large_n = 20_000 if args.quick else 200_000
    small_stream_n = 2_000
    found = detect()
    precompile()
    machine = machine_description()
    print(f"machine: {machine}", file=sys.stderr)
    for k, v in found.items():
        print(f"anchor {k}: {v['path'] or 'not installed'} {v['version'] or ''}", file=sys.stderr)

    pandoc = found["pandoc"]["path"]
    bibutils = found["bibutils"]["path"]
    pubconv = [PY, "-m", "pubconv"]

    def anchor_py(mod):
        return [PY, ANCHORS_PY, mod] if found[mod]["path"] else None

    tmp = Path(tempfile.mkdtemp(prefix="pubconv-bench-"))
    results = []
    extra = {}
    try:
        bib_inputs = [("tugboat", corpus / "bibtex" / "tugboat.bib")]
        if not args.quick:
            all_bib = sorted((corpus / "bibtex").glob("*.bib"))
            bib_inputs.append((f"corpus ({len(all_bib)} .bib)", concat(all_bib, tmp / "corpus.bib")))

        for label, src in bib_inputs:
            src = str(src)
            out = tmp / "out"
            b2x = [[bibutils[0], src], [bibutils[1]]] if bibutils else None
            pandoc_tool = ("pandoc", [pandoc, "-f", "bibtex", "-t", "csljson", src, "-o", f"{out}.pandoc.json"]
                           if pandoc else None, None)
            bibutils_tool = ("bibutils bib2xml|xml2ris", b2x, f"{out}.bibutils.ris" if b2x else None)
            # then the same with two jobs: one large file is converted in two parts at once (the
            # issue's targets are whole-process wall time; this uses both cores, the anchors one)
            for jobs, suffix in (((), ""), (("-j", "2"), ", --jobs 2")):
                results += measure(f"BibTeX->CSL-JSON {label}{suffix}", [
                    ("pubconv", [*pubconv, src, "--to", "csljson", "-q", *jobs, "-o", f"{out}{len(jobs)}.json"], None),
                    pandoc_tool,
                    bibutils_tool,
                ], reps, tmp)
            results += measure(f"BibTeX->RIS {label}", [
                ("pubconv", [*pubconv, src, "--to", "ris", "-q", "-o", f"{out}.ris"], None),
                bibutils_tool,
            ], reps, tmp)
            bp, pb = anchor_py("bibtexparser"), anchor_py("pybtex")
            results += measure(f"BibTeX->BibTeX {label}", [
                ("pubconv", [*pubconv, src, "--to", "bibtex", "-q", "-o", f"{out}.bib"], None),
                ("bibtexparser", [*bp, src, f"{out}.bp.bib"] if bp else None, None),
                ("pybtex", [*pb, src, f"{out}.pb.bib"] if pb else None, None),
            ], reps, tmp)

        # pubconv check against conversion, same input (target: check no slower)
        tug = str(corpus / "bibtex" / "tugboat.bib")
        results += measure("check vs convert tugboat", [
            ("pubconv", [*pubconv, "check", tug], None),
            ("pubconv BibTeX->BibTeX", [*pubconv, tug, "--to", "bibtex", "-q", "-o", str(tmp / "cc.bib")], None),
            ("pubconv BibTeX->CSL-JSON", [*pubconv, tug, "--to", "csljson", "-q", "-o", str(tmp / "cc.json")], None),
        ], reps, tmp)

        # listing -> BibTeX: the seed, and a large listing built from the dev set
        dev = corpus / "listing" / "dev-arxiv.txt"
        truth = corpus / "listing" / "dev-arxiv.truth.json"
        seed = REPO / "fixtures" / "listing" / "seed-profile.txt"
        seed_n = count_listing_entries(seed.read_text(encoding="utf-8"))
        rows = measure(f"listing->BibTeX seed ({seed_n} entries)", [
            ("pubconv", [*pubconv, str(seed), "--to", "bibtex", "-q", "-o", str(tmp / "seed.bib")], None),
        ], reps, tmp)
        results += rows
        small, small_count = make_listing(dev, truth, small_stream_n, tmp / "small.txt")
        large, large_count = make_listing(dev, truth, large_n, tmp / "large.txt")
        small_rows = measure(f"listing->BibTeX {small_count} entries", [
            ("pubconv", [*pubconv, str(small), "--to", "bibtex", "-q", "-o", str(tmp / "small.bib")], None),
        ], reps, tmp)
        large_rows = measure(f"listing->BibTeX {large_count} entries", [
            ("pubconv", [*pubconv, str(large), "--to", "bibtex", "-q", "-o", str(tmp / "large.bib")], None),
        ], reps, tmp)
        results += small_rows + large_rows
        iter_load = [PY, "-c", "import sys, pubconv\nfor _ in pubconv.iter_load(sys.argv[1]): pass"]
        small_iter = measure(f"iter_load listing {small_count} entries", [
            ("pubconv", [*iter_load, str(small)], None)], reps, tmp)
        large_iter = measure(f"iter_load listing {large_count} entries", [
            ("pubconv", [*iter_load, str(large)], None)], reps, tmp)
        results += small_iter + large_iter
        for r, n in ((rows[0], seed_n), (small_rows[0], small_count), (large_rows[0], large_count)):
            if r.get("status") == "ok":
                r["entries"] = n
                r["entries_per_s"] = n / r["wall_s"]

        # RIS -> CSL-JSON on the real exports
        ris_files = sorted((corpus / "ris").glob("*.ris"))
        ris = concat(ris_files, tmp / "all.ris")
        rp = anchor_py("rispy")
        results += measure(f"RIS->CSL-JSON {len(ris_files)} exports", [
            ("pubconv", [*pubconv, str(ris), "--from", "ris", "--to", "csljson", "-q", "-o", str(tmp / "ris.json")], None),
            ("rispy", [*rp, str(ris), str(tmp / "rispy.json")] if rp else None, None),
        ], reps, tmp)

        # start-up
        small_bib = REPO / "fixtures" / "bibtex" / "latex-accents.bib"
        # Without site (-S) on both sides: an editable install (pip install -e, as CI and
        # development use) makes site import its path finder in every process of the venv,
        # about 25 ms, which pads `python -c pass` and flatters the ratio; a regular install
        # has no such finder. -S measures pubconv's own cost over the bare interpreter.
        results += measure(f"start-up -S (check {small_bib.name})", [
            ("pubconv", [PY, "-S", "-c", STARTUP_SNIPPET, "check", str(small_bib)], None),
            ("python -c pass", [PY, "-S", "-c", "pass"], None),
        ], max(reps, 5), tmp)
        results += measure(f"start-up with site (check {small_bib.name})", [
            ("pubconv", [*pubconv, "check", str(small_bib)], None),
            ("python -c pass", [PY, "-c", "pass"], None),
        ], max(reps, 5), tmp)

        extra["streaming"] = {
            "small_entries": small_count, "large_entries": large_count,
            "small_rss_mib": small_rows[0].get("rss_mib"), "large_rss_mib": large_rows[0].get("rss_mib"),
            "iter_load_small_rss_mib": small_iter[0].get("rss_mib"),
            "iter_load_large_rss_mib": large_iter[0].get("rss_mib"),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # ----------------------------------------------------------------- targets
    def rows_of(prefix):
        return [r for r in results if r["job"].startswith(prefix)]

    def verdict(value, limit, less=True):
        if value is None:
            return "n/a (anchor missing or a run failed)"
        return "met" if (value <= limit if less else value >= limit) else "not met"

    targets = []
    tug = [r for r in results if r["job"] == "BibTeX->CSL-JSON tugboat"]
    v = ratio(tug, "wall_s", den="pandoc")
    targets.append(("BibTeX->CSL-JSON tugboat", "wall <= 0.2x pandoc", v, verdict(v, 0.2)))
    v = ratio(tug, "wall_s", den="bibutils bib2xml|xml2ris")
    targets.append(("BibTeX->CSL-JSON tugboat", "wall <= 0.5x bibutils", v, verdict(v, 0.5)))
    v = ratio(tug, "rss_mib", den="pandoc")
    targets.append(("BibTeX->CSL-JSON tugboat", "RSS <= 0.3x pandoc", v, verdict(v, 0.3)))
    tug2 = [r for r in results if r["job"] == "BibTeX->CSL-JSON tugboat, --jobs 2"]
    for den, goal, limit, metric in (("pandoc", "wall <= 0.2x pandoc", 0.2, "wall_s"),
                                     ("bibutils bib2xml|xml2ris", "wall <= 0.5x bibutils", 0.5, "wall_s"),
                                     ("pandoc", "RSS <= 0.3x pandoc", 0.3, "rss_mib")):
        v = ratio(tug2, metric, den=den)
        targets.append(("BibTeX->CSL-JSON tugboat, --jobs 2 (2 cores)", goal, v, verdict(v, limit)))
    for label, _ in bib_inputs:
        v = ratio(rows_of(f"BibTeX->BibTeX {label}"), "wall_s", den="bibtexparser")
        targets.append((f"BibTeX->BibTeX {label}", "faster than bibtexparser (< 1x)", v,
                        "n/a (anchor missing or a run failed)" if v is None else ("met" if v < 1 else "not met")))
    lr = large_rows[0]
    eps = lr.get("entries_per_s")
    targets.append((lr["job"], ">= 20,000 entries/s", eps, verdict(eps, 20_000, less=False)))
    s = extra["streaming"]
    for what, small_k, large_k in (("CLI listing->BibTeX", "small_rss_mib", "large_rss_mib"),
                                   ("iter_load listing", "iter_load_small_rss_mib", "iter_load_large_rss_mib")):
        v = s[large_k] / s[small_k] if s[large_k] and s[small_k] else None
        s[f"ratio {what}"] = v
        targets.append((f"streaming RSS, {what}, {s['large_entries']} vs {s['small_entries']} entries",
                        "<= 1.5x", v, verdict(v, 1.5)))
    v = ratio(rows_of("start-up -S"), "wall_s", den="python -c pass")
    targets.append(("start-up: pubconv check on a small .bib (python -S)", "wall <= 3x python -S -c pass", v, verdict(v, 3)))
    v = ratio(rows_of("check vs convert"), "wall_s", den="pubconv BibTeX->BibTeX")
    targets.append(("pubconv check tugboat", "wall <= 1x BibTeX->BibTeX conversion", v, verdict(v, 1)))
    v = ratio(rows_of("check vs convert"), "wall_s", den="pubconv BibTeX->CSL-JSON")
    targets.append(("pubconv check tugboat", "wall <= 1x BibTeX->CSL-JSON conversion", v, verdict(v, 1)))

    # ----------------------------------------------------------------- report
    def cell(text):
        return text.replace("|", "\\|")  # markdown table cell

    lines = []
    m = machine
    lines.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python {m['python']}, "
                 f"{m['platform']}; run {m['date']}; mode {'quick' if args.quick else 'full'}, "
                 f"{reps} rep(s) per tool (start-up: {max(reps, 5)}).")
    lines.append("Anchors: " + "; ".join(
        f"{k} {found[k]['version'] or 'not installed'}" for k in found))
    lines.append("")
    lines.append("| job | tool | median wall s | peak RSS MiB | pubconv/anchor wall | pubconv/anchor RSS | notes |")
    lines.append("|---|---|---:|---:|---:|---:|---|")
    for r in results:
        if r["status"] != "ok":
            lines.append(f"| {r['job']} | {cell(r['tool'])} | {r['status']} | | | | |")
            continue
        job_rows = [x for x in results if x["job"] == r["job"]]
        rw = rr = ""
        if r["tool"] != "pubconv":
            a, b = ratio(job_rows, "wall_s", den=r["tool"]), ratio(job_rows, "rss_mib", den=r["tool"])
            rw = f"{a:.2f}x" if a is not None else ""
            rr = f"{b:.2f}x" if b is not None else ""
        note = f"{r['entries_per_s']:,.0f} entries/s" if "entries_per_s" in r else r.get("note", "")
        lines.append(f"| {r['job']} | {cell(r['tool'])} | {r['wall_s']:.3f} | {r['rss_mib']:.1f} | {rw} | {rr} | {note} |")
    lines.append("")
    lines.append("| target (issue 5) | goal | measured | status |")
    lines.append("|---|---|---:|---|")
    for job, goal, value, status in targets:
        if value is None:
            shown = ""
        elif "entries/s" in goal:
            shown = f"{value:,.0f} entries/s"
        else:
            shown = f"{value:.2f}x"
        lines.append(f"| {job} | {goal} | {shown} | {status} |")
    import resource

    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    extra["harness_peak_rss_mib"] = floor
    lines.append("")
    lines.append(f"Peak RSS floor: a child's reported peak RSS cannot be below the harness's own "
                 f"peak ({floor:.1f} MiB here), so RSS values near it are upper bounds.")
    report = "\n".join(lines)
    print(report)

    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine, "anchors": found, "mode": "quick" if args.quick else "full",
            "reps": reps, "results": results, "streaming": extra.get("streaming"),
            "harness_peak_rss_mib": extra.get("harness_peak_rss_mib"),
            "targets": [{"job": j, "goal": g, "value": v, "status": s} for j, g, v, s in targets],
        }, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
