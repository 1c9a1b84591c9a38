"""The public surface is pinned: a change here is a deliberate API change (update CHANGELOG)."""

from __future__ import annotations

import pubconv

EXPECTED = {
    "ArxivId", "Category", "Date", "Diagnostic", "InputError", "Name", "Paper", "ParseError",
    "Position", "PubconvError", "PubconvWarning", "ReadResult", "Severity", "StrictError",
    "UnknownFormatError", "WriteError", "__version__", "convert", "dump", "dumps", "iter_load",
    "load", "loads", "read", "reads",
}  # fmt: skip


def test_all_is_pinned() -> None:
    assert set(pubconv.__all__) == EXPECTED
    assert sorted(pubconv.__all__) == list(pubconv.__all__)
    for name in pubconv.__all__:
        assert hasattr(pubconv, name)


def test_error_tree_subclasses_builtins() -> None:
    assert issubclass(pubconv.ParseError, ValueError)
    assert issubclass(pubconv.StrictError, pubconv.ParseError)
    assert issubclass(pubconv.WriteError, ValueError)
    assert issubclass(pubconv.UnknownFormatError, LookupError)
    assert issubclass(pubconv.InputError, OSError)
    for cls in (pubconv.ParseError, pubconv.WriteError, pubconv.UnknownFormatError, pubconv.InputError):
        assert issubclass(cls, pubconv.PubconvError)


def test_package_is_typed() -> None:
    from pathlib import Path

    assert (Path(pubconv.__file__).parent / "py.typed").exists()
