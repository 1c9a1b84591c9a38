"""The table of formats: built-ins listed here, third parties through entry points.

Built-in format modules are named in :data:`BUILTIN` together with the names
and extensions that select them, so looking a format up by name or file suffix
imports only that one module (start-up stays fast). Third-party packages add
formats through the ``pubconv.formats`` entry-point group; each entry point
names a module that follows the contract in :mod:`pubconv.formats`.

.. versionadded:: 0.1
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .errors import Diagnostic, UnknownFormatError
from .formats.base import ReadResult
from .model import Paper

if TYPE_CHECKING:
    import inspect

__all__ = ["BUILTIN", "Format", "all_formats", "detect", "get", "names", "register"]

#: How many characters of a text the sniffers see.
SNIFF_CHARS = 8192


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """A format known by name before its module is imported."""

    name: str
    module: str
    aliases: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()


#: The built-in formats, in the order ``--list-formats`` shows them.
BUILTIN: tuple[FormatSpec, ...] = (
    FormatSpec("listing", "pubconv.formats.listing", (), (".txt",)),
    FormatSpec("bibtex", "pubconv.formats.bibtex", (), (".bib",)),
    FormatSpec("biblatex", "pubconv.formats.biblatex", (), ()),
    FormatSpec("csljson", "pubconv.formats.csl_json", ("csl-json",), (".json",)),
    FormatSpec("ris", "pubconv.formats.ris", (), (".ris",)),
    FormatSpec("jats", "pubconv.formats.jats", (), (".xml", ".nxml")),
    FormatSpec("cff", "pubconv.formats.cff", ("citation-cff",), (".cff",)),
    FormatSpec("text", "pubconv.formats.text", (), ()),
    FormatSpec("html", "pubconv.formats.html", (), (".html",)),
)


@dataclass(eq=False)
class Format:
    """A loaded format: the module's verbs behind one uniform interface."""

    spec: FormatSpec
    _module: Any = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.spec.aliases

    @property
    def extensions(self) -> tuple[str, ...]:
        return self.spec.extensions

    @cached_property
    def module(self) -> Any:
        """The format module, imported on first use."""
        if self._module is None:
            self._module = importlib.import_module(self.spec.module)
        return self._module

    @property
    def description(self) -> str:
        return str(self.module.DESCRIPTION)

    @property
    def supports(self) -> frozenset[str]:
        """Paper fields the format can represent."""
        return frozenset(self.module.SUPPORTS)

    @property
    def can_read(self) -> bool:
        return getattr(self.module, "read", None) is not None

    @property
    def can_write(self) -> bool:
        return getattr(self.module, "write", None) is not None

    @property
    def streams(self) -> bool:
        """True when the module reads record by record (``iter_read``)."""
        return getattr(self.module, "iter_read", None) is not None

    @property
    def splits(self) -> bool:
        """True when one large input can be read in parts (``split_points`` and ``read_part``)."""
        m = self.module
        return getattr(m, "split_points", None) is not None and getattr(m, "read_part", None) is not None

    @property
    def joins(self) -> bool:
        """True when outputs written part by part can be joined into one (``join_parts``)."""
        return getattr(self.module, "join_parts", None) is not None

    def write_options(self) -> frozenset[str]:
        """Keyword options the writer accepts (beyond ``diagnostics``)."""
        params = _parameters(self.module.write)
        return frozenset(
            n for n, p in params.items() if p.kind is p.KEYWORD_ONLY and n not in ("diagnostics", "document")
        )

    def sniff(self, head: str) -> bool:
        sniff = getattr(self.module, "sniff", None)
        return bool(sniff(head[:SNIFF_CHARS])) if sniff is not None else False

    def read(self, text: str, *, source: str = "<string>") -> ReadResult:
        if not self.can_read:
            raise UnknownFormatError(f"format {self.name!r} cannot be read", readable_names())
        result: ReadResult = self.module.read(text, source=source)
        return result

    @cached_property
    def keeps_document(self) -> bool:
        """True when the writer takes document-level data (``document=``: BibTeX macros, preamble)."""
        return "document" in _parameters(self.module.write)

    @cached_property
    def rereads(self) -> bool:
        """True when the streaming reader accepts ``reopen`` (a way to read the input again)."""
        iter_read = getattr(self.module, "iter_read", None)
        return iter_read is not None and "reopen" in _parameters(iter_read)

    def iter_read(
        self,
        lines: Iterable[str],
        *,
        source: str = "<string>",
        reopen: Callable[[], Iterable[str]] | None = None,
    ) -> Iterator[Paper | Diagnostic]:
        """Papers and diagnostics one record at a time (whole-text fallback for non-streaming formats).

        ``reopen`` returns the input's lines again from the start; it is passed on to readers
        that accept it (a BibTeX reader then need not keep every entry for ``crossref``)."""
        if self.streams:
            if reopen is not None and self.rereads:
                yield from self.module.iter_read(lines, source=source, reopen=reopen)
            else:
                yield from self.module.iter_read(lines, source=source)
            return
        result = self.read("".join(lines), source=source)
        yield from result.diagnostics
        yield from result.papers

    def write(
        self, papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None, **options: Any
    ) -> str:
        if not self.can_write:
            raise UnknownFormatError(f"format {self.name!r} cannot be written", writable_names())
        text: str = self.module.write(papers, diagnostics=diagnostics, **options)
        return text

    def iter_write(
        self, papers: Iterable[Paper], *, diagnostics: list[Diagnostic] | None = None, **options: Any
    ) -> Iterator[str]:
        if not self.can_write:
            raise UnknownFormatError(f"format {self.name!r} cannot be written", writable_names())
        iter_write = getattr(self.module, "iter_write", None)
        if iter_write is not None:
            yield from iter_write(papers, diagnostics=diagnostics, **options)
        else:
            yield self.write(papers, diagnostics=diagnostics, **options)


def _parameters(func: Callable[..., Any]) -> Mapping[str, inspect.Parameter]:
    """The parameters a format module's function accepts (what options to pass it)."""
    import inspect  # here: only option handling needs it

    return inspect.signature(func).parameters


_loaded: dict[str, Format] = {}
_specs: list[FormatSpec] = list(BUILTIN)
_entry_points_loaded = False


def register(name: str, module: str, *, aliases: Iterable[str] = (), extensions: Iterable[str] = ()) -> None:
    """Add a format at run time (the entry-point group does this for installed plugins)."""
    spec = FormatSpec(name, module, tuple(aliases), tuple(e.lower() for e in extensions))
    for i, old in enumerate(_specs):
        if old.name == name:
            _specs[i] = spec
            _loaded.pop(name, None)
            return
    _specs.append(spec)


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group="pubconv.formats"):
        if any(s.name == ep.name for s in _specs):
            continue  # built-ins win; a plugin cannot shadow them silently
        mod = importlib.import_module(ep.value)
        register(
            mod.NAME,
            ep.value,
            aliases=getattr(mod, "ALIASES", ()),
            extensions=getattr(mod, "EXTENSIONS", ()),
        )


def _format(spec: FormatSpec) -> Format:
    fmt = _loaded.get(spec.name)
    if fmt is None:
        fmt = _loaded[spec.name] = Format(spec)
    return fmt


def all_formats() -> list[Format]:
    """Every known format: built-ins first, then plugins."""
    _load_entry_points()
    return [_format(s) for s in _specs]


def names() -> list[str]:
    """The primary names of every known format."""
    return [f.name for f in all_formats()]


def readable_names() -> list[str]:
    return [f.name for f in all_formats() if f.can_read]


def writable_names() -> list[str]:
    return [f.name for f in all_formats() if f.can_write]


def _lookup(name: str) -> FormatSpec | None:
    key = name.strip().lower()
    for spec in _specs:
        if key == spec.name or key in spec.aliases:
            return spec
    return None


def get(name: str) -> Format:
    """The format called ``name`` (or one of its aliases); :class:`UnknownFormatError` otherwise."""
    spec = _lookup(name)
    if spec is None:
        _load_entry_points()
        spec = _lookup(name)
    if spec is None:
        raise UnknownFormatError(f"unknown format {name!r}", names())
    return _format(spec)


def by_extension(filename: str) -> list[Format]:
    """Formats whose extension ``filename`` ends with (longest suffix first)."""
    low = filename.lower()
    hits = [s for s in _specs if any(low.endswith(ext) for ext in s.extensions)]
    if not hits:
        _load_entry_points()
        hits = [s for s in _specs if any(low.endswith(ext) for ext in s.extensions)]
    hits.sort(key=lambda s: -max(len(e) for e in s.extensions if low.endswith(e)))
    return [_format(s) for s in hits]


def detect(head: str, filename: str | None = None) -> Format:
    """Choose the reader for a text: extension confirmed by a sniff, else the sniff alone.

    An extension whose sniff fails still wins when no other format's sniff
    accepts the text (an empty ``.bib`` is BibTeX). Raises
    :class:`UnknownFormatError` naming the choices when nothing fits.
    """
    by_ext = [f for f in by_extension(filename) if f.can_read] if filename else []
    for fmt in by_ext:
        if fmt.sniff(head):
            return fmt
    sniffed = [f for f in all_formats() if f.can_read and f.sniff(head)]
    if sniffed:
        return sniffed[0]
    if by_ext:
        return by_ext[0]
    what = f"{filename!r}" if filename else "the input"
    raise UnknownFormatError(f"cannot detect the format of {what}; use --from", readable_names())
