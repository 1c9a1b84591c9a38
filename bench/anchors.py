"""Anchor jobs for bench/run.py, each run as its own process.

    python bench/anchors.py bibtexparser IN OUT   # parse_file + write_string (bibtexparser 2.x)
    python bench/anchors.py pybtex IN OUT         # parse_file + to_string('bibtex')
    python bench/anchors.py rispy IN OUT          # rispy.load + json.dump
"""

import json
import sys


def bibtexparser_job(src, dst):
    import bibtexparser

    library = bibtexparser.parse_file(src)
    text = bibtexparser.write_string(library)
    with open(dst, "w", encoding="utf-8") as f:
        f.write(text)


def pybtex_job(src, dst):
    import pybtex.errors
    from pybtex.database import parse_file

    # lenient like the other tools: report duplicate fields/keys, keep going
    pybtex.errors.set_strict_mode(False)
    data = parse_file(src, bib_format="bibtex")
    with open(dst, "w", encoding="utf-8") as f:
        f.write(data.to_string("bibtex"))


def rispy_job(src, dst):
    import rispy

    with open(src, encoding="utf-8-sig", errors="replace") as f:
        entries = rispy.load(f)
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(entries, f, ensure_ascii=False, default=str)


JOBS = {"bibtexparser": bibtexparser_job, "pybtex": pybtex_job, "rispy": rispy_job}

if __name__ == "__main__":
    name, src, dst = sys.argv[1:4]
    JOBS[name](src, dst)
