"""Interoperability with citation-js (npm), a second, Zotero-like client.

citation-js (``@citation-js/core`` with the bibtex, ris and csl plugins, versions pinned in
``tests/js/package-lock.json``) reads our BibTeX, BibLaTeX, CSL-JSON and RIS output for the
seed listing and for a sample of the shared BibTeX corpus (the same sources as
:mod:`tests.test_interop`), and writes CSL-JSON (``tests/js/citejs.mjs``). Checked:

* the record count, and per record the title, the author family names (or organisation
  literals; the et-al flag for BibTeX/BibLaTeX), the date (year, month, day) and the DOI,
  under the normalisation of :mod:`tests.test_interop` (:func:`~tests.test_interop.norm`);
* our CSL-JSON reader reads citation-js's CSL-JSON output of our files, with the same
  titles, family names, years and DOIs.

Tolerated differences are named in ``CITATIONJS_KNOWN_DIFFERENCES`` (and, where pandoc
does the same, ``KNOWN_DIFFERENCES``) in :mod:`tests.test_interop`; a comparison a known
difference makes meaningless is skipped and counted, never silently passed.

The module needs ``node`` and ``npm``. A session fixture runs ``npm ci`` into
``tests/js/node_modules`` when it is missing; the module is skipped (with the reason)
only when node/npm are absent or npm cannot install the pinned packages (no registry).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from pubconv.errors import Severity
from pubconv.formats import biblatex, bibtex, csl_json, ris
from pubconv.model import Paper

from .test_interop import (
    _DATE_FIELDS,
    Tally,
    _csl_date,
    _csl_family,
    _csl_year,
    _extra_keys,
    _family,
    _has_macro,
    _sets,
    norm,
    norm_doi,
)

JS = Path(__file__).resolve().parent / "js"
SCRIPT = JS / "citejs.mjs"
FORMATS = ["bibtex", "biblatex", "csljson", "ris"]
SOURCES = ["seed", "corpus"]
WRITERS: dict[str, Callable[..., str]] = {
    "bibtex": bibtex.write,
    "biblatex": biblatex.write,
    "csljson": csl_json.write,
    "ris": ris.write,
}
_COMMAND = re.compile(r"\\[A-Za-z]")

Runner = Callable[[str, Sequence[str]], list[Any]]


@pytest.fixture(scope="session")
def citejs(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """Run ``citejs.mjs FORMAT`` on texts; installs the pinned packages on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("citation-js interop needs node and npm on PATH")
    if not (JS / "node_modules" / "@citation-js" / "core").is_dir():
        run = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=JS,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if run.returncode != 0:
            pytest.skip(f"npm ci could not install citation-js (registry unreachable?): {run.stderr[-300:]}")
    folder = tmp_path_factory.mktemp("citejs")

    def convert(fmt: str, texts: Sequence[str]) -> list[Any]:
        files = []
        for i, text in enumerate(texts):
            f = folder / f"{fmt}-{i}.txt"
            f.write_text(text, encoding="utf-8")
            files.append(str(f))
        run = subprocess.run(
            [node, str(SCRIPT), fmt, *files], capture_output=True, text=True, timeout=120, check=False
        )
        assert run.returncode == 0, run.stderr
        out: list[Any] = json.loads(run.stdout)
        assert len(out) == len(texts)
        return out

    return convert


def _read_all(
    citejs: Runner, fmt: str, sets: Sequence[tuple[str, Sequence[Paper]]], tally: Tally
) -> list[tuple[str, list[tuple[Paper, dict[str, Any]]]]]:
    """citation-js's CSL items paired with our papers, per source file.

    A file citation-js rejects (``citejs-value-grammar``) is retried one record at a
    time; the records it still rejects are skipped and counted."""
    write = WRITERS[fmt]
    results = citejs(fmt, [write(list(papers)) for _, papers in sets])
    pairs = []
    for (name, papers), items in zip(sets, results, strict=True):
        if isinstance(items, dict):
            assert fmt in ("bibtex", "biblatex"), f"{name}: citation-js rejected our {fmt}: {items}"
            singles = citejs(fmt, [write([p]) for p in papers])
            kept = []
            for p, one in zip(papers, singles, strict=True):
                if isinstance(one, dict):
                    tally.skip("record", "citejs-value-grammar")
                else:
                    assert len(one) == 1, f"{name}[{p.key}]: {len(one)} records"
                    kept.append((p, one[0]))
            assert len(kept) > len(papers) // 2, f"{name}: citation-js rejected most records"
        else:
            got = len(items)
            assert got == len(papers), f"{name}: citation-js read {got} of {len(papers)} records"
            kept = list(zip(papers, items, strict=True))
        tally.counts["record:agree"] += len(kept)
        pairs.append((name, kept))
    return pairs


def _raw_has_command(p: Paper, field: str) -> bool:
    return any(_COMMAND.search(v) for k, v in p.raw if k == f"bibtex:{field}")


def _compare(fmt: str, name: str, p: Paper, item: dict[str, Any], tally: Tally) -> None:
    where = f"{fmt} {name}[{p.key}]"
    bib = fmt in ("bibtex", "biblatex")
    # title
    expected = p.title
    theirs = item.get("title")
    if bib and _has_macro(p):
        tally.skip("title", "latex-macros")
    elif bib and "\\" in (theirs or "") and _raw_has_command(p, "title"):
        tally.skip("title", "citejs-unknown-commands")
    else:
        sub = p.get_extra("subtitle")
        if fmt == "biblatex" and sub:  # citejs-subtitle
            expected = f"{expected}: {sub}"
        tally.check("title", where, norm(expected), norm(theirs))
    # names
    authors = list(item.get("author", []))
    truncated = False
    if bib and authors and authors[-1].get("family") == "others":  # and-others
        authors, truncated = authors[:-1], True
    if bib and _has_macro(p, "author"):
        tally.skip("author", "latex-macros")
    else:
        tally.check("author", where, [_family(n) for n in p.author], [_csl_family(a) for a in authors])
    if bib:
        tally.check("et-al", where, p.author_truncated, truncated)
    # date
    d = p.issued
    if fmt == "biblatex" and _extra_keys(p) & _DATE_FIELDS:
        tally.skip("date", "biblatex-date-crossref")
    elif bib and "literal" in (item.get("issued") or {}) and _raw_has_command(p, "year"):
        tally.skip("date", "citejs-unknown-commands")
    else:
        tally.check("date", where, (d.year, d.month, d.day) if d else (None,) * 3, _csl_date(item))
    # identifiers
    doi = p.doi
    if fmt == "csljson" and doi is None and p.arxiv is not None:  # arxiv-doi
        doi = p.arxiv.doi
    tally.check("doi", where, norm_doi(doi), norm_doi(item.get("DOI")))


def _summary(tally: Tally) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(tally.counts.items()))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("source", SOURCES)
def test_citationjs_reads_ours(citejs: Runner, fmt: str, source: str) -> None:
    tally = Tally()
    for name, pairs in _read_all(citejs, fmt, _sets(source), tally):
        for p, item in pairs:
            _compare(fmt, name, p, item, tally)
    print(f"citation-js reads our {fmt} ({source}): {_summary(tally)}")
    assert tally.mismatches == []
    assert tally.counts["title:agree"] > 0


@pytest.mark.parametrize("fmt", ["bibtex", "ris"])
@pytest.mark.parametrize("source", SOURCES)
def test_we_read_citationjs_csljson(citejs: Runner, fmt: str, source: str) -> None:
    """Our CSL-JSON reader reads what citation-js writes for our files, without errors."""
    tally = Tally()
    for name, pairs in _read_all(citejs, fmt, _sets(source), tally):
        items = [item for _, item in pairs]
        res = csl_json.read(json.dumps(items), source=f"citejs-{name}.json")
        assert [d for d in res.diagnostics if d.severity is Severity.ERROR] == [], name
        assert len(res.papers) == len(items), name
        for (p, item), q in zip(pairs, res.papers, strict=True):
            where = f"{name}[{p.key}]"
            tally.check("title", where, norm(item.get("title")), norm(q.title))
            ours = [_family(n) for n in q.author]
            if q.author_truncated:  # and-others: our reader marks CSL's "others" as the et-al flag
                ours.append("others")
            tally.check("author", where, [_csl_family(a) for a in item.get("author", [])], ours)
            tally.check("year", where, _csl_year(item), q.issued.year if q.issued else None)
            tally.check("doi", where, norm_doi(item.get("DOI")), norm_doi(q.doi))
    print(f"we read citation-js CSL-JSON of our {fmt} ({source}): {_summary(tally)}")
    assert tally.mismatches == []
    assert tally.counts["title:agree"] > 0
