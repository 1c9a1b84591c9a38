"""Fuzzing every reader in the registry: hostile input gives papers plus diagnostics, or a
documented :class:`pubconv.errors.PubconvError` — never another exception, never a hang.

The readers are taken from :mod:`pubconv.registry`, so a format added later is fuzzed
without editing this file. Inputs: random text, random bytes (decoded like a file),
random mutations (structural specials, byte flips, cuts, splices) of the fixtures and of
slices of ``../shared/corpus`` files, and every truncation of a small fixture per format.
Whatever a reader returns must also be writable by every writer. The seed is fixed
(``derandomize=True``); ``PUBCONV_FUZZ_EXAMPLES`` scales the budget (default 40 examples per
test and format; ``fuzz/`` has the coverage-guided atheris harness for longer runs).
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pubconv
from pubconv import api, registry
from pubconv.errors import CODES, Diagnostic, PubconvError
from pubconv.formats.base import ReadResult
from pubconv.model import Paper

from .paths import CORPUS, FIXTURES

#: Longest time one read of one fuzzed input may take (a hang is a finding).
SLOW = 2.0
EXAMPLES = int(os.environ.get("PUBCONV_FUZZ_EXAMPLES", "40"))

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

READERS = [f.name for f in registry.all_formats() if f.can_read]
WRITERS = [f.name for f in registry.all_formats() if f.can_write and f.name not in ("text", "html")]

#: Structural characters and lines of every format, and characters that break naive code.
SPECIALS = (
    "{", "}", "@", '"', "\\", "<", ">", "&", "#", "%", "=", ",", "~", "$", "^", "_", "\n", "\r",
    "TY  - ", "ER  - ", "\nER  - \n", "\nTY  - JOUR\n", "AU  - ", "\x00", "\ud800", "\udfff", "\ufeff",
    "@misc{x,", "@string{a = {", "#a#", "{\\", "\\\"", "\\c{", "\\'", "$^", "]]>", "<![CDATA[",
    "<!DOCTYPE x [<!ENTITY e 'v'>]>", "&e;", "&#0;", "&#x110000;", "<?xml version='1.0'?>", "<!--",
    "<ref>", "</ref>", "<element-citation>", "<year>", "[", "]", '{"', '":', "null", "-1", "1e999",
    " et al.", " · ", "and ", " and others", "Code", "LGAug 27, 2020", "CSJan 1, 1999Code", "\u2028",
    "\u00e9", "\U0001f600", "\u0301", "cff-version: 1.2.0\n", "&a\n", "*a", "!!python/object:x",
)  # fmt: skip


def check_read(fmt_name: str, text: str, source: str = "<fuzz>") -> ReadResult | None:
    """Read ``text``; assert the outcome is allowed and fast. None when a PubconvError was raised."""
    start = time.perf_counter()
    try:
        result = registry.get(fmt_name).read(text, source=source)
    except PubconvError:
        result = None
    elapsed = time.perf_counter() - start
    assert elapsed < SLOW, f"{fmt_name} took {elapsed:.2f} s on {len(text)} characters"
    if result is not None:
        assert all(isinstance(p, Paper) for p in result.papers)
        check_diagnostics(result.diagnostics)
    return result


def check_diagnostics(diagnostics: Any) -> None:
    for d in diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES, d
        assert d.severity is not None


def check_writers(result: ReadResult | None) -> None:
    """Whatever a reader produced, every writer writes it (or raises a documented error)."""
    if result is None or not result.papers:
        return
    for name in WRITERS:
        sink: list[Diagnostic] = []
        start = time.perf_counter()
        try:
            out = registry.get(name).write(result.papers, diagnostics=sink)
        except PubconvError:
            continue
        assert isinstance(out, str)
        assert time.perf_counter() - start < SLOW
        check_diagnostics(sink)


def check_api(text: str) -> None:
    """The api level: format detection on text, and on bytes through api.decode."""
    start = time.perf_counter()
    calls: tuple[Callable[[], ReadResult], ...] = (
        lambda: pubconv.reads(text, source="<fuzz>"),
        lambda: pubconv.read(io.BytesIO(text.encode("utf-8", "surrogatepass"))),
    )
    for call in calls:
        try:
            result = call()
        except PubconvError:
            continue
        check_diagnostics(result.diagnostics)
    assert time.perf_counter() - start < 2 * SLOW


@cache
def seeds(fmt_name: str) -> tuple[str, ...]:
    """The fixtures of a format (valid and invalid) and short slices of its corpus files."""
    out: list[str] = []
    for folder in (FIXTURES / fmt_name, FIXTURES / "invalid" / fmt_name):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.name.endswith((".paper.json", ".error.json")) or ".out." in path.name:
                    continue
                out.append(path.read_text(encoding="utf-8", errors="surrogateescape")[:6000])
    corpus = CORPUS / ("bibtex" if fmt_name == "biblatex" else fmt_name)
    if corpus.is_dir():
        for path in sorted(corpus.iterdir())[:8]:
            if path.is_file() and not path.name.endswith(".json"):
                with path.open(encoding="utf-8", errors="replace") as f:
                    head = f.read(200_000)
                # three slices: the start, the middle and the end of what was read
                for start in (0, len(head) // 2, max(0, len(head) - 3000)):
                    out.append(head[start : start + 3000])
    return tuple(out) or ("",)


@st.composite
def mutations(draw: st.DrawFn, base: str) -> str:
    """``base`` with a few random edits: specials inserted, spans cut, duplicated or flipped."""
    text = base
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.integers(0, 5))
        if op <= 1:
            text = text[:pos] + draw(st.sampled_from(SPECIALS)) * draw(st.integers(1, 3)) + text[pos:]
        elif op == 2:
            text = text[:pos] + text[pos + draw(st.integers(1, 40)) :]
        elif op == 3:
            other = draw(st.integers(0, len(text)))
            text = text[:pos] + text[other : other + draw(st.integers(1, 200))] + text[pos:]
        elif op == 4 and pos < len(text):
            flipped = chr(ord(text[pos]) ^ (1 << draw(st.integers(0, 7))))
            text = text[:pos] + flipped + text[pos + 1 :]
        else:
            text = text[:pos]
    return text


def _mutated(fmt_name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(seeds(fmt_name)).flatmap(lambda base: mutations(base))


@pytest.mark.parametrize("fmt_name", READERS)
@FUZZ
@given(data=st.data())
def test_random_text(fmt_name: str, data: st.DataObject) -> None:
    alphabet = st.characters(codec=None) | st.sampled_from(SPECIALS)
    text = "".join(data.draw(st.lists(alphabet, max_size=300)))
    check_read(fmt_name, text)


@pytest.mark.parametrize("fmt_name", READERS)
@FUZZ
@given(raw=st.binary(max_size=600))
def test_random_bytes_decoded_like_a_file(fmt_name: str, raw: bytes) -> None:
    text, diags = api.decode(raw, "<fuzz>")
    check_diagnostics(diags)
    check_read(fmt_name, text)


@pytest.mark.parametrize("fmt_name", READERS)
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_and_corpus(fmt_name: str, data: st.DataObject) -> None:
    text = data.draw(_mutated(fmt_name))
    check_writers(check_read(fmt_name, text))


@FUZZ
@given(data=st.data())
def test_api_detection_on_mutations(data: st.DataObject) -> None:
    fmt_name = data.draw(st.sampled_from(READERS))
    check_api(data.draw(_mutated(fmt_name)))


@FUZZ
@given(raw=st.binary(max_size=400), bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_api_read_on_bytes(raw: bytes, bom: bytes) -> None:
    for name in (None, *READERS):
        try:
            result = pubconv.read(io.BytesIO(bom + raw), name)
        except PubconvError:
            continue
        check_diagnostics(result.diagnostics)


def _smallest_fixture(fmt_name: str) -> Path | None:
    folder = FIXTURES / fmt_name
    if not folder.is_dir():
        return None
    files = [
        p
        for p in folder.iterdir()
        if not p.name.endswith((".paper.json", ".error.json")) and ".out." not in p.name and p.is_file()
    ]
    return min(files, key=lambda p: p.stat().st_size, default=None)


@pytest.mark.parametrize("fmt_name", READERS)
def test_every_truncation_of_a_small_fixture(fmt_name: str) -> None:
    path = _smallest_fixture(fmt_name)
    if path is None:
        pytest.skip(f"no fixture for {fmt_name}")
    text = path.read_text(encoding="utf-8")[:1500]
    step = max(1, len(text) // 500)  # at most ~500 reads per format
    for end in range(0, len(text) + 1, step):
        check_read(fmt_name, text[:end])


@pytest.mark.parametrize("fmt_name", READERS)
def test_every_truncation_streams_like_the_whole_read(fmt_name: str) -> None:
    """Streaming readers (``iter_read``) survive the same truncations line by line."""
    fmt = registry.get(fmt_name)
    path = _smallest_fixture(fmt_name)
    if path is None or not fmt.streams:
        pytest.skip(f"{fmt_name} does not stream or has no fixture")
    text = path.read_text(encoding="utf-8")[:1500]
    step = max(1, len(text) // 200)
    for end in range(0, len(text) + 1, step):
        items = list(fmt.iter_read(io.StringIO(text[:end]), source="<fuzz>"))
        check_diagnostics([i for i in items if isinstance(i, Diagnostic)])


REGRESSIONS: list[tuple[str, str, Callable[[ReadResult], bool]]] = [
    # found by atheris: urldate with a day 0 made Date() raise ValueError
    ("bibtex", "@misc{k,\n  urldate = {2009-01-00},\n}\n", lambda r: r.papers[0].accessed is None),
    ("biblatex", "@online{k,\n  urldate = {2009-01-32},\n}\n", lambda r: len(r.papers) == 1),
]


@pytest.mark.parametrize(("fmt_name", "text", "ok"), REGRESSIONS)
def test_regressions(fmt_name: str, text: str, ok: Callable[[ReadResult], bool]) -> None:
    result = check_read(fmt_name, text)
    assert result is not None and ok(result)


@pytest.mark.parametrize(
    "raw", [b"\xff\xfeA", b"\xfe\xff\xd8\x00", b"\xff\xfe\x00\xd8", b"\xff\xfe" + b"a\x00" * 3 + b"b"]
)
def test_broken_utf16_is_decoded_with_a_diagnostic(raw: bytes) -> None:
    text, diags = api.decode(raw, "<fuzz>")
    assert [d.code for d in diags] == ["PC105"]
    assert "\ufffd" in text
