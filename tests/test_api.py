"""The library API: verbs, encodings, diagnostics policy, files."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import pytest

import pubconv
from pubconv import api

from .paths import SEED

LISTING = (
    "LGAug 27, 2020Code\n"
    "learn2learn: A Library for Meta-Learning ResearchSébastien M. R. Arnold, Fei Sha\n"
    "Abstract text.\n"
)
BROKEN_BIB = (
    "@article{good, title={Good}, year=2020}\n\n"
    "@article{bad, title={Unclosed, year=2020\n\n"
    "@article{later, title={Later}, year=2021}\n"
)


def test_loads_dumps_convert_agree() -> None:
    papers = pubconv.loads(LISTING, "listing")
    assert len(papers) == 1 and papers[0].title == "learn2learn: A Library for Meta-Learning Research"
    bib = pubconv.dumps(papers, "bibtex")
    assert bib == pubconv.convert(LISTING, "listing", "bibtex")
    assert "@" in bib and bib.endswith("\n")


def test_format_is_detected_when_not_given() -> None:
    assert pubconv.loads(LISTING)[0].has_code is True
    assert pubconv.loads("@misc{k, title={T}}\n")[0].key == "k"


def test_load_path_and_file_objects(tmp_path: Path) -> None:
    p = tmp_path / "seed.txt"
    p.write_bytes(SEED.read_bytes())
    by_path = pubconv.load(p)
    with open(p, "rb") as fb:
        by_binary = pubconv.load(fb)
    with open(p, encoding="utf-8") as ft:
        by_text = pubconv.load(ft)
    assert by_path == by_binary == by_text
    assert len(by_path) == 15


def test_iter_load_streams_the_same_papers(tmp_path: Path) -> None:
    p = tmp_path / "seed.txt"
    p.write_bytes(SEED.read_bytes())
    it = pubconv.iter_load(p)
    first = next(it)
    assert first.title is not None
    assert [first, *it] == pubconv.load(p)


@pytest.mark.parametrize(
    ("data", "warns"),
    [
        (LISTING.encode("utf-8"), False),
        (b"\xef\xbb\xbf" + LISTING.encode("utf-8"), False),
        (LISTING.replace("\n", "\r\n").encode("utf-8"), False),
        (LISTING.encode("utf-16"), False),
        (LISTING.encode("cp1252"), True),
    ],
    ids=["utf8", "utf8-bom", "crlf", "utf16-bom", "cp1252"],
)
def test_encodings(tmp_path: Path, data: bytes, warns: bool) -> None:
    p = tmp_path / "in.txt"
    p.write_bytes(data)
    result = pubconv.read(p)
    assert [d.code for d in result.diagnostics] == (["PC105"] if warns else [])
    assert result.papers[0].author[0].given == "Sébastien M. R."
    streamed = list(api._iter_items(str(p), None, None))
    assert [x for x in streamed if isinstance(x, pubconv.Paper)] == list(result.papers)


def test_non_utf8_position_is_reported(tmp_path: Path) -> None:
    p = tmp_path / "in.txt"
    p.write_bytes(LISTING.encode("cp1252"))
    (d,) = pubconv.read(p).diagnostics
    assert d.position is not None and (d.position.line, d.position.column) == (2, 51), "the é of Sébastien"


def test_diagnostics_become_warnings_or_strict_errors() -> None:
    with pytest.warns(pubconv.PubconvWarning):
        papers = pubconv.loads(BROKEN_BIB, "bibtex")
    assert [p.key for p in papers] == ["good", "later"], "the rest of the file still converts"
    with pytest.raises(pubconv.StrictError) as info:
        pubconv.loads(BROKEN_BIB, "bibtex", strict=True)
    d = info.value.diagnostics[0]
    assert d.position is not None and d.position.line == 3
    assert isinstance(info.value, ValueError)


def test_read_returns_diagnostics_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = pubconv.reads(BROKEN_BIB, "bibtex")
    assert result.diagnostics and result.diagnostics[0].severity is pubconv.Severity.ERROR


def test_losses_are_reported_per_record() -> None:
    paper = pubconv.Paper(title="T", key="k", container_title="Journal", volume="3")
    with pytest.warns(pubconv.PubconvWarning, match="container_title, volume"):
        pubconv.dumps([paper], "listing")
    with pytest.raises(pubconv.StrictError):
        pubconv.dumps([paper], "listing", strict=True)


def test_dump_is_atomic_and_keeps_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.bib"
    out.write_text("old\n")
    os.chmod(out, 0o640)
    pubconv.dump(pubconv.loads(LISTING), out, "bibtex")
    assert out.read_text().startswith("@")
    assert (os.stat(out).st_mode & 0o777) == 0o640
    assert [f.name for f in tmp_path.iterdir()] == ["out.bib"], "no temp file left behind"


def test_dump_strict_failure_leaves_old_output(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old\n")
    paper = pubconv.Paper(title="T", container_title="J")
    with pytest.raises(pubconv.StrictError):
        pubconv.dump([paper], out, "listing", strict=True)
    assert out.read_text() == "old\n"
    assert [f.name for f in tmp_path.iterdir()] == ["out.txt"]


def test_dump_to_text_and_binary_streams() -> None:
    papers = pubconv.loads(LISTING)
    t = io.StringIO()
    b = io.BytesIO()
    pubconv.dump(papers, t, "listing")
    pubconv.dump(papers, b, "listing")
    assert t.getvalue().encode() == b.getvalue() == LISTING.encode()


def test_convert_files_refuses_to_overwrite_input(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text(LISTING)
    link = tmp_path / "link.txt"
    link.symlink_to(src)
    for target in (src, link):
        with pytest.raises(pubconv.InputError, match="overwrite"):
            api.convert_files([str(src)], "bibtex", output=str(target))
    assert src.read_text() == LISTING


def test_missing_input_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(pubconv.InputError):
        pubconv.load(tmp_path / "nope.bib")
    with pytest.raises(OSError):
        pubconv.load(tmp_path / "nope.bib")


_SOFTWARE_CSL = """[
  {"id": "a", "type": "article-journal", "title": "Plain"},
  {"id": "tool", "type": "software", "title": "A tool",
   "event-date": {"date-parts": [[2021, 6, 3]]}}
]
"""


def test_writer_diagnostics_point_at_their_source_record(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text(_SOFTWARE_CSL, encoding="utf-8")
    seen: list[pubconv.Diagnostic] = []
    api.convert_files([str(src)], "bibtex", output=str(tmp_path / "out.bib"), on_diagnostic=seen.append)
    reported = [d for d in seen if d.code in ("PC400", "PC401")]
    assert sorted(d.code for d in reported) == ["PC400", "PC401"], "each loss said once"
    for d in reported:
        assert d.position is not None and d.position.source == str(src), d
        assert d.position.path == "$[1]", "the second item, not the first or <input>"
    # the library path (dump) places them the same way
    papers = pubconv.load(src)
    with pytest.warns(pubconv.PubconvWarning) as caught:
        pubconv.dump(papers, tmp_path / "lib.bib", "bibtex")
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2 and all(m.startswith(f"{src}:") for m in messages), messages
