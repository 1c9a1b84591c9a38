"""Every registered format honours the module contract (see pubconv/formats/__init__.py)."""

from __future__ import annotations

import inspect

import pytest

from pubconv import registry
from pubconv.errors import UnknownFormatError
from pubconv.model import Paper

FORMATS = registry.all_formats()
FIELDS = set(Paper.__dataclass_fields__) - {"origin", "raw"}


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.name)
def test_module_contract(fmt: registry.Format) -> None:
    mod = fmt.module
    assert fmt.name == mod.NAME
    assert tuple(mod.ALIASES) == fmt.aliases
    assert tuple(mod.EXTENSIONS) == fmt.extensions
    assert all(e.startswith(".") and e == e.lower() for e in fmt.extensions)
    assert isinstance(mod.DESCRIPTION, str) and mod.DESCRIPTION
    assert isinstance(mod.SUPPORTS, frozenset) and mod.SUPPORTS <= FIELDS, mod.SUPPORTS - FIELDS
    assert callable(mod.sniff)
    assert fmt.can_read or fmt.can_write
    if fmt.can_read:
        assert "source" in inspect.signature(mod.read).parameters
    if fmt.can_write:
        params = inspect.signature(mod.write).parameters
        assert "diagnostics" in params
        assert all(
            p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for n, p in params.items() if n not in ("papers",)
        ), "writer options are keyword-only"


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.can_write], ids=lambda f: f.name)
def test_writers_are_deterministic_and_newline_terminated(fmt: registry.Format) -> None:
    papers = [Paper(title="A Title", key="k2020title")]
    first = fmt.write(papers, diagnostics=[])
    assert first == fmt.write(papers, diagnostics=[])
    assert first.endswith("\n")
    assert fmt.write([], diagnostics=[]) in ("", "\n") or fmt.write([], diagnostics=[]).endswith("\n")


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.can_read], ids=lambda f: f.name)
def test_empty_input_reads_to_nothing(fmt: registry.Format) -> None:
    assert fmt.read("", source="<empty>").papers == ()


def test_lookup_by_name_alias_and_case() -> None:
    assert registry.get("BibTeX").name == "bibtex"
    with pytest.raises(UnknownFormatError) as info:
        registry.get("endnote-xml")
    assert "bibtex" in info.value.choices and "listing" in info.value.choices
    assert isinstance(info.value, LookupError)


def test_names_are_unique() -> None:
    seen: list[str] = []
    for f in FORMATS:
        seen += [f.name, *f.aliases]
    assert len(seen) == len(set(seen))


def test_detect_uses_extension_then_sniff() -> None:
    bib = "@article{k, title={T}}\n"
    assert registry.detect(bib, "refs.bib").name == "bibtex"
    assert registry.detect(bib, None).name == "bibtex"
    assert registry.detect(bib, "refs.txt").name == "bibtex", "a .txt that sniffs as BibTeX is BibTeX"
    assert registry.detect("", "empty.bib").name == "bibtex", "extension wins when nothing sniffs"
    listing = "LGAug 27, 2020Code\nA TitleJane Doe\nAbstract.\n"
    assert registry.detect(listing, "papers.txt").name == "listing"
    with pytest.raises(UnknownFormatError, match="--from"):
        registry.detect("hello world\n", "notes.md")


def test_register_plugin_at_runtime() -> None:
    registry.register("listing-copy", "pubconv.formats.listing", extensions=[".lst"])
    try:
        assert registry.get("listing-copy").module.NAME == "listing"
        assert [f.name for f in registry.by_extension("x.lst")] == ["listing-copy"]
    finally:
        registry._specs[:] = [s for s in registry._specs if s.name != "listing-copy"]
        registry._loaded.pop("listing-copy", None)
