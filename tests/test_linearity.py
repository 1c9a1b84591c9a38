"""Resource limits: adversarial inputs take time close to linear in their size.

Each case builds the same adversarial shape at two sizes 10x apart and times both in one
run (the best of a few repeats, in CPU time of this process, so other jobs on a shared
machine do not count); the ratio must stay well under 100x (quadratic). Sizes start where
the small run takes milliseconds: below that, fixed costs and CPU caches make the small
run look disproportionately fast. A ratio, not a wall-clock bound: ``RATIO`` leaves room
for n log n and noise. Deep nesting must give diagnostics, never a ``RecursionError``.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable

import pytest

from pubconv import latex, names, registry
from pubconv._listing_split import split_byline
from pubconv.errors import PubconvError

#: Largest allowed time ratio for a 10x larger input (linear ~10, quadratic ~100).
RATIO = 30.0


def _best(fn: Callable[[str], object], text: str, repeats: int = 3) -> float:
    """Fastest of ``repeats`` runs, each on a fresh copy (a different last character, so
    no memo answers) with the garbage collector paused (its passes scale with the heap).
    CPU time of this process: other processes on a shared CI machine do not count."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for i in range(repeats):
            variant = text + "abc"[i % 3]
            start = time.process_time()
            fn(variant)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def assert_linear(make: Callable[[int], str], run: Callable[[str], object], small: int) -> None:
    """``run(make(10 n))`` takes less than RATIO times ``run(make(n))``."""
    a, b = make(small), make(small * 10)
    run(a)  # warm imports
    t_small, t_big = _best(run, a), _best(run, b, repeats=2)
    floor = 1e-3  # below this the small run is timer and scheduler noise
    ratio = t_big / max(t_small, floor)
    assert ratio < RATIO, f"10x input took {ratio:.1f}x the time ({t_small:.4f} s -> {t_big:.4f} s)"


def _read(fmt_name: str) -> Callable[[str], object]:
    fmt = registry.get(fmt_name)

    def run(text: str) -> object:
        try:
            return fmt.read(text, source="<adversarial>")
        except PubconvError as exc:
            return exc

    return run


def _capitalised_words(n: int) -> str:
    words = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta")
    return " ".join(words[i % len(words)] + words[(i * 7) % len(words)].lower() for i in range(n))


def test_listing_byline_of_capitalised_words_without_a_valid_split() -> None:
    assert_linear(lambda n: _capitalised_words(n), split_byline, 2_000)


def test_listing_file_with_one_huge_byline() -> None:
    assert_linear(
        lambda n: "LGAug 27, 2020\n" + _capitalised_words(n) + "\nAbstract.\n", _read("listing"), 2_000
    )


def test_listing_byline_of_commas() -> None:
    assert_linear(lambda n: "TitleA. Author" + ", B. Cee" * n, split_byline, 10_000)
    assert_linear(lambda n: "Title" + "," * n, split_byline, 10_000)


def test_name_list_with_many_commas() -> None:
    assert_linear(lambda n: "Doe, " + "," * n + "John", names.parse_plain, 10_000)
    text = lambda n: "@misc{k, author = {" + "A, B, " * n + "C}}\n"  # noqa: E731
    assert_linear(text, _read("bibtex"), 100_000)


def test_many_ands_in_a_bibtex_author_list() -> None:
    assert_linear(
        lambda n: "@misc{k, author = {" + " and ".join(["Doe, J."] * n) + "}}\n", _read("bibtex"), 1_000
    )
    assert_linear(lambda n: "@misc{k, author = {" + "and " * n + "}}\n", _read("bibtex"), 2_000)


@pytest.mark.parametrize("fmt_name", ["bibtex", "biblatex"])
def test_deeply_nested_braces(fmt_name: str) -> None:
    run = _read(fmt_name)
    for depth in (1_000, 100_000):
        for text in (
            "@misc{k, title = " + "{" * depth + "x" + "}" * depth + "}\n",
            "@misc{k, title = " + "{" * depth + "x}\n",  # unbalanced
            "{" * depth,
        ):
            run(text)  # no RecursionError
    assert_linear(lambda n: "@misc{k, title = " + "{" * n + "x" + "}" * n + "}\n", run, 5_000)
    assert_linear(lambda n: "@misc{k, title = {" + "{\\'e}" * n + "}}\n", run, 2_000)


def test_latex_decoding_of_pathological_strings() -> None:
    for piece in ("{\\", "\\'", "$^{", "\\c{", "\\relax "):
        assert_linear(lambda n, p=piece: p * n, latex.decode, 10_000)  # type: ignore[misc]
    assert_linear(lambda n: "{" * n + "}" * n, latex.decode, 2_000)


def test_latex_encoding_of_long_values() -> None:
    assert_linear(lambda n: "{}\\%$&#_^~" * n, latex.encode, 2_000)


def test_long_ris_lines() -> None:
    assert_linear(lambda n: "TY  - JOUR\nTI  - " + "word " * n + "\nER  - \n", _read("ris"), 10_000)
    assert_linear(lambda n: "TY  - JOUR\nAU  - " + "," * n + "\nER  - \n", _read("ris"), 10_000)
    assert_linear(lambda n: "TY  - JOUR\n" + "N1  - x\n" * n + "ER  - \n", _read("ris"), 2_000)


def test_csl_json_deep_nesting_is_a_diagnostic() -> None:
    run = _read("csljson")
    for depth in (10_000, 200_000):
        for text in (
            "[" * depth + "]" * depth,
            '[{"title": ' + "[" * depth + "]" * depth + "}]",
            "{" * depth,
        ):
            result = run(text)
            assert not isinstance(result, RecursionError)
    assert_linear(
        lambda n: json.dumps([{"id": str(i), "type": "book", "title": "T"} for i in range(n)]), run, 300
    )


def test_jats_many_refs_and_long_text() -> None:
    ref = '<ref id="r{}"><element-citation><article-title>T</article-title></element-citation></ref>'
    assert_linear(
        lambda n: "<ref-list>" + "".join(ref.format(i) for i in range(n)) + "</ref-list>", _read("jats"), 200
    )
    assert_linear(
        lambda n: "<ref-list>" + ref.format(0).replace(">T<", ">" + "Word &amp; " * n + "<") + "</ref-list>",
        _read("jats"),
        20_000,
    )


@pytest.mark.parametrize("fmt_name", [f.name for f in registry.all_formats() if f.can_read])
def test_every_reader_on_a_long_line_of_specials(fmt_name: str) -> None:
    """One generic adversarial line per reader (new formats are covered automatically)."""
    assert_linear(lambda n: '{"@\\<&,: -' * n, _read(fmt_name), 5_000)
