"""Accuracy of a reader against a truth file.

Command line::

    python -m pubconv.eval listing FILE TRUTH

prints the accuracy and every miss (expected vs got), and exits 0 (it is a
report; 2 on a usage error). Entry *i* of FILE is compared with entry *i* of
TRUTH (a JSON list of objects with ``title``, ``authors`` (display strings),
``authors_truncated`` and ``organization``). An entry is right when these four
agree after Unicode NFC normalisation and whitespace collapsing.

As a library: :func:`evaluate_listing` returns a :class:`Report`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .formats import listing
from .model import Paper

__all__ = ["FIELDS", "Miss", "Report", "evaluate_listing", "main", "summarise"]

#: The compared fields, in report order.
FIELDS = ("title", "authors", "authors_truncated", "organization")


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split())
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value


def summarise(paper: Paper | None) -> dict[str, Any]:
    """The compared fields of ``paper`` in the truth file's shape (normalised)."""
    if paper is None:
        return {"title": None, "authors": [], "authors_truncated": False, "organization": None}
    return {
        "title": _norm(paper.title),
        "authors": [_norm(a.display()) for a in paper.author],
        "authors_truncated": paper.author_truncated,
        "organization": _norm(paper.organization),
    }


@dataclass(frozen=True, slots=True)
class Miss:
    """One entry that was read wrong (or is missing on either side)."""

    index: int
    expected: dict[str, Any]
    got: dict[str, Any]
    line: int | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields that differ."""
        return tuple(f for f in FIELDS if self.expected.get(f) != self.got.get(f))


@dataclass(frozen=True, slots=True)
class Report:
    """Evaluation result: counts and the misses."""

    total: int
    right: int
    misses: tuple[Miss, ...] = field(default=())
    read_count: int = 0

    @property
    def accuracy(self) -> float:
        """Fraction of truth entries read right (1.0 for an empty truth)."""
        return self.right / self.total if self.total else 1.0

    def format(self) -> str:
        """A human-readable report."""
        out = [f"accuracy: {self.right}/{self.total} = {self.accuracy:.2%} (entries read: {self.read_count})"]
        for miss in self.misses:
            where = f" (line {miss.line})" if miss.line is not None else ""
            out.append(f"\n#{miss.index}{where}: {', '.join(miss.fields)}")
            for f in miss.fields:
                out.append(f"  expected {f}: {miss.expected.get(f)!r}")
                out.append(f"  got      {f}: {miss.got.get(f)!r}")
        return "\n".join(out)


def evaluate_listing(text: str, truth: Sequence[dict[str, Any]]) -> Report:
    """Read ``text`` as a listing and compare entry by entry with ``truth``."""
    papers = listing.read(text, source="<eval>").papers
    misses: list[Miss] = []
    right = 0
    for i in range(max(len(truth), len(papers))):
        paper = papers[i] if i < len(papers) else None
        got = summarise(paper)
        if i < len(truth):
            t = truth[i]
            expected = {
                "title": _norm(t.get("title")),
                "authors": _norm(list(t.get("authors") or [])),
                "authors_truncated": bool(t.get("authors_truncated")),
                "organization": _norm(t.get("organization")),
            }
        else:
            expected = {"title": None, "authors": [], "authors_truncated": False, "organization": None}
        line = paper.origin.line if paper is not None and paper.origin is not None else None
        if got == expected and i < len(truth):
            right += 1
        else:
            misses.append(Miss(i, expected, got, line))
    return Report(total=len(truth), right=right, misses=tuple(misses), read_count=len(papers))


_USAGE = "usage: python -m pubconv.eval listing FILE TRUTH"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 3 or args[0] != "listing":
        sys.stderr.write(_USAGE + "\n")
        return 2
    try:
        with open(args[1], encoding="utf-8") as fh:
            text = fh.read()
        with open(args[2], encoding="utf-8") as fh:
            truth = json.load(fh)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"pubconv.eval: {exc}\n")
        return 2
    if not isinstance(truth, list):
        sys.stderr.write("pubconv.eval: the truth file must hold a JSON list\n")
        return 2
    sys.stdout.write(evaluate_listing(text, truth).format() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
