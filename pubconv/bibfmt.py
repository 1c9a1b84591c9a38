"""``pubconv fmt``: a formatter for BibTeX/BibLaTeX source that works on the syntax.

:func:`format_bibtex` rewrites the layout of a ``.bib`` text without going
through :class:`~pubconv.model.Paper`, so everything that has meaning stays as
written: LaTeX in values, ``@string`` macros and their uses (``month = jan``,
``"x" # y`` concatenation), ``@preamble``, ``@comment`` and free text between
entries. It is a pure function (text in, text and diagnostics out); files are
read and written by :mod:`pubconv.api` and the CLI.

The canonical layout::

    @article{knuth84,
      author  = {Donald E. Knuth},
      title   = {Literate Programming},
      journal = cj,
      year    = 1984,
    }

* ``@type{key,`` with the entry type lower-cased (``@ARTICLE(k, ...)`` becomes
  ``@article{k,``); the key is kept as written unless ``normalize_keys``.
* One field per line, indented by ``indent`` spaces, field names lower-cased,
  the ``=`` signs aligned within an entry (``align``), a comma after every
  field, the closing ``}`` on its own line.
* Fields in :data:`FIELD_ORDER` first, in that order; every other field after
  them in source order (``sort_fields=False`` keeps the source order). The sort
  is stable, so duplicate fields are both kept, in their original order: the
  formatter does not fix, and the BibTeX reader still sees the same first value.
* Values: braced values as written; quoted values become braced (always safe
  for a value the tokenizer accepted: its braces are balanced and it has no
  top-level ``"``; the check is repeated here and a value that fails it keeps
  its quotes); numbers and macro names stay bare, as written; parts of a
  concatenation are joined by `` # ``. The content of a value is never changed,
  line breaks inside it included.
* ``@string{name = {value}}`` (name as written), ``@preamble{...}``
  with its delimiters kept, ``@comment{...}`` verbatim.
* Free text between blocks is kept (trailing spaces on its lines removed); a
  comment that touched the next entry (no blank line between) stays attached
  to it. Otherwise blocks are separated by exactly one blank line; the output
  ends with one newline and uses ``\\n`` line ends (a BOM is dropped).

The formatter refuses a text it cannot parse completely: any diagnostic from
the tokenizer (``PC100``-``PC104``: unbalanced braces or quotes, a missing
``=`` or ``,``, text between entries that looks like a broken entry, truncated
input) makes :attr:`FormatResult.text` None, so a caller never writes a file
in which a broken entry would have been dropped or moved.

Properties (tested): ``format_bibtex(format_bibtex(x)) == format_bibtex(x)``,
and reading the output with pubconv's BibTeX reader gives the same papers
(with ``sort_fields``, up to the order of the fields kept in ``Paper.extra``).

.. versionadded:: 0.2
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import Diagnostic, Severity
from .formats._bibtex.tokenizer import Block, LineIndex, tokenize

__all__ = ["FIELD_ORDER", "FormatOptions", "FormatResult", "diff", "format_bibtex", "normalize_key"]

FIELD_ORDER: tuple[str, ...] = (
    "author",
    "editor",
    "title",
    "subtitle",
    "titleaddon",
    "journal",
    "journaltitle",
    "booktitle",
    "booksubtitle",
    "series",
    "edition",
    "year",
    "date",
    "month",
    "volume",
    "number",
    "issue",
    "pages",
    "chapter",
    "publisher",
    "organization",
    "institution",
    "school",
    "address",
    "location",
    "doi",
    "url",
    "urldate",
    "eprint",
    "eprinttype",
    "archiveprefix",
    "eprintclass",
    "primaryclass",
    "isbn",
    "issn",
)
"""The canonical field order: these fields first, in this order, then the rest in source order."""

KEY_FIELDS: frozenset[str] = frozenset({"crossref", "xref", "xdata", "related", "entryset", "set"})
"""Fields whose value names other entries' keys (comma-separated); updated by ``normalize_keys``."""

_MAX_INDENT = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class FormatOptions:
    """How :func:`format_bibtex` lays entries out (the defaults are the canonical style)."""

    sort_fields: bool = True
    """Put the fields of :attr:`field_order` first (stable); False keeps the source order."""
    field_order: tuple[str, ...] = FIELD_ORDER
    """Lower-case field names in their canonical order."""
    indent: int = 2
    """Spaces before each field (0 to 16)."""
    align: bool = True
    """Pad field names so that the ``=`` signs of an entry line up."""
    normalize_keys: bool = False
    """Rewrite citation keys with :func:`normalize_key` (and the ``crossref``-like fields naming them)."""

    def __post_init__(self) -> None:
        if isinstance(self.indent, bool) or not isinstance(self.indent, int):
            raise ValueError(f"indent must be an integer, got {self.indent!r}")
        if not 0 <= self.indent <= _MAX_INDENT:
            raise ValueError(f"indent must be between 0 and {_MAX_INDENT}, got {self.indent}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], **overrides: Any) -> FormatOptions:
        """Options from a ``[tool.pubconv.fmt]`` table; ``overrides`` (command-line flags) win::

            [tool.pubconv.fmt]
            sort-fields = true                    # false: keep the source order
            field-order = ["author", "title", "year"]
            indent = 2
            align = true
            normalize-keys = false

        Raises :class:`ValueError` for an unknown key or a value of the wrong type."""
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            name = str(key).replace("-", "_")
            if name not in _CONFIG_TYPES:
                known = ", ".join(k.replace("_", "-") for k in _CONFIG_TYPES)
                raise ValueError(f"unknown key {key!r} in [tool.pubconv.fmt] (known: {known})")
            if name == "field_order":
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError('field-order must be a list of field names, e.g. ["author", "title"]')
                value = tuple(v.strip().lower() for v in value)
            elif not isinstance(value, _CONFIG_TYPES[name]) or (name == "indent" and isinstance(value, bool)):
                raise ValueError(f"{key} must be {_CONFIG_TYPES[name].__name__}, got {value!r}")
            kwargs[name] = value
        kwargs.update(overrides)
        return cls(**kwargs)


_CONFIG_TYPES: dict[str, type] = {
    "sort_fields": bool,
    "field_order": list,
    "indent": int,
    "align": bool,
    "normalize_keys": bool,
}


@dataclass(frozen=True, slots=True)
class FormatResult:
    """What :func:`format_bibtex` returns."""

    text: str | None
    """The formatted text, or None when the input could not be parsed completely."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """Why the input was refused (errors), and notes such as normalised keys."""
    changed: bool = False
    """The formatted text differs from the input (False when refused)."""

    @property
    def ok(self) -> bool:
        """The input was formatted."""
        return self.text is not None


# --------------------------------------------------------------------------- values

_WS_CHARS = " \t\r\n"
_BRACES = re.compile(r"[{}]")
_QUOTE_BRACES = re.compile(r'[{}"]')
_BARE = re.compile(r"[^\s\"#%'(),={}]+")
_DELIM = re.compile(r"[{(]")
# "= value" of one simple value (no nested braces, no concatenation): the common case
_SIMPLE = re.compile(r"[ \t\r\n]*=[ \t\r\n]*(?:\{([^{}]*)\}|\"([^\"{}]*)\"|([^\s\"#%'(),={}]+))[ \t\r\n]*")


@dataclass(frozen=True, slots=True)
class _Part:
    kind: str
    """``brace``, ``quote`` or ``bare`` (a number or a macro name)."""
    text: str
    """The content without delimiters, or the bare word as written."""


def _skip_ws(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] in _WS_CHARS:
        i += 1
    return i


def _parts(s: str, i: int = 0) -> tuple[list[_Part], int]:
    """The parts of the value expression at ``s[i:]`` (already accepted by the tokenizer)
    and the offset where the expression ends."""
    parts: list[_Part] = []
    while True:
        i = _skip_ws(s, i)
        ch = s[i]
        if ch == "{":
            depth = 1
            for m in _BRACES.finditer(s, i + 1):
                depth += 1 if m.group() == "{" else -1
                if depth == 0:
                    end = m.end()
                    break
            else:  # pragma: no cover - the tokenizer accepted the value
                raise AssertionError("unbalanced braces in a tokenized value")
            parts.append(_Part("brace", s[i + 1 : end - 1]))
        elif ch == '"':
            depth = 0
            for m in _QUOTE_BRACES.finditer(s, i + 1):
                c = m.group()
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                elif depth == 0:
                    end = m.end()
                    break
            else:  # pragma: no cover - the tokenizer accepted the value
                raise AssertionError("unclosed quote in a tokenized value")
            parts.append(_Part("quote", s[i + 1 : end - 1]))
        else:
            bare = _BARE.match(s, i)
            if bare is None:  # pragma: no cover - the tokenizer accepted the value
                raise AssertionError(f"unexpected {ch!r} in a tokenized value")
            end = bare.end()
            parts.append(_Part("bare", bare.group()))
        i = _skip_ws(s, end)
        if i < len(s) and s[i] == "#":
            i += 1
            continue
        return parts, i


def _balanced(content: str) -> bool:
    depth = 0
    for m in _BRACES.finditer(content):
        depth += 1 if m.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _quote_safe(content: str) -> bool:
    """``"content"`` can be written ``{content}``: balanced braces, no ``"`` outside braces."""
    if not _balanced(content):
        return False
    depth = 0
    for m in _QUOTE_BRACES.finditer(content):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0:
            return False
    return True


def _render(parts: Sequence[_Part], *, braces: bool = True) -> str:
    out = []
    for p in parts:
        if p.kind == "brace":
            out.append("{" + p.text + "}")
        elif p.kind == "quote":
            out.append("{" + p.text + "}" if braces and _quote_safe(p.text) else '"' + p.text + '"')
        else:
            out.append(p.text)
    return " # ".join(out)


# --------------------------------------------------------------------------- keys

_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)
_KEY_DROP = re.compile(r"[^A-Za-z0-9_:.+/-]+")


def normalize_key(key: str) -> str:
    """``key`` folded to ASCII (``Müller:2020`` -> ``Muller:2020``), keeping letters, digits and
    ``_:.+/-``; "" when nothing is left."""
    folded = unicodedata.normalize("NFKD", key.translate(_FOLD))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _KEY_DROP.sub("", folded)


_KEY_ITEM = re.compile(r"[^,\s]+")


# --------------------------------------------------------------------------- the formatter


class _Formatter:
    def __init__(self, text: str, options: FormatOptions, lines: LineIndex) -> None:
        self.text = text
        self.options = options
        self.lines = lines
        self.rank = {name: i for i, name in enumerate(options.field_order)}
        self.renames: dict[str, str] = {}
        self.renames_folded: dict[str, str] = {}
        self.diagnostics: list[Diagnostic] = []

    def plan_keys(self, blocks: Sequence[Block]) -> None:
        """Decide the new keys (``normalize_keys``); a key whose normal form is taken is kept."""
        entries = [b for b in blocks if b.kind == "entry" and b.key]
        taken = {b.key.lower() for b in entries}
        for b in entries:
            new = normalize_key(b.key)
            if new == b.key or b.key in self.renames:
                continue
            where = self.lines.position(b.offset)
            if not new or (new.lower() in taken and new.lower() != b.key.lower()):
                why = "nothing is left of it" if not new else f"{new!r} is already used"
                self.diagnostics.append(
                    Diagnostic.make(
                        "PC402", f"citation key not normalised: {why}", where, key=b.key,
                        severity=Severity.WARNING,
                    )
                )  # fmt: skip
                continue
            taken.add(new.lower())
            self.renames[b.key] = new
            self.renames_folded.setdefault(b.key.lower(), new)
            self.diagnostics.append(
                Diagnostic.make("PC402", f"citation key normalised to {new!r}", where, key=b.key)
            )

    def rename_refs(self, parts: list[_Part]) -> list[_Part]:
        if len(parts) != 1 or parts[0].kind == "bare":
            return parts

        def sub(m: re.Match[str]) -> str:
            old = m.group()
            return self.renames.get(old) or self.renames_folded.get(old.lower(), old)

        return [_Part(parts[0].kind, _KEY_ITEM.sub(sub, parts[0].text))]

    def inner(self, block: Block) -> tuple[str, str]:
        """The opening delimiter of a non-entry block and the text inside its delimiters."""
        m = _DELIM.search(self.text, block.offset)
        assert m is not None
        return m.group(), self.text[m.end() : block.end - 1]

    def entry(self, block: Block) -> str:
        opts = self.options
        key = self.renames.get(block.key, block.key)
        fields: list[tuple[str, str]] = []
        simple = _SIMPLE.fullmatch
        text = self.text
        for name, start, end in block.spans or ():
            m = simple(text, start, end)
            if m is not None and not (self.renames and name in KEY_FIELDS):
                braced, quoted, bare = m.groups()
                if braced is not None:
                    fields.append((name, "{" + braced + "}"))
                elif quoted is not None:  # no braces and no quotes inside: always safe
                    fields.append((name, "{" + quoted + "}"))
                else:
                    fields.append((name, bare))
                continue
            raw = text[start:end].strip(_WS_CHARS)
            assert raw.startswith("=")
            parts, _ = _parts(raw, 1)
            if self.renames and name in KEY_FIELDS:
                parts = self.rename_refs(parts)
            fields.append((name, _render(parts)))
        if opts.sort_fields:
            last = len(self.rank)
            rank = self.rank.get
            fields.sort(key=lambda f: rank(f[0], last))
        head = f"@{block.type}{{{key},"
        if not fields:
            return head + "\n}"
        pad = " " * opts.indent
        width = max(len(n) for n, _ in fields) if opts.align else 0
        body = "".join(f"{pad}{n:<{width}} = {v},\n" for n, v in fields)
        return f"{head}\n{body}}}"

    def block(self, block: Block) -> str:
        if block.kind == "entry":
            return self.entry(block)
        delim, inner = self.inner(block)
        if block.kind == "comment":
            return f"@comment{delim}{inner}{'}' if delim == '{' else ')'}"
        if block.kind == "preamble":
            parts, _ = _parts(inner)
            return f"@preamble{{{_render(parts, braces=False)}}}"
        # @string: the name cannot contain "=", and the value may be followed by a comma
        name, _, value = inner.partition("=")
        parts, _ = _parts(value)
        return f"@string{{{name.strip(_WS_CHARS)} = {_render(parts)}}}"


def _free_text(segment: str) -> str:
    return "\n".join(line.rstrip() for line in segment.strip().split("\n"))


def _gap(segment: str, *, after: bool, before: bool) -> str:
    """What goes between two blocks (or the file's ends) for the source text ``segment``.

    Free text on the line of the previous block's closing brace stays on that line (moving it
    to a line of its own could change how BibTeX readers see it); other free text gets its own
    paragraph, attached to the next block when it touched it in the source."""
    out = ""
    rest = segment
    if after:
        first, newline, rest = segment.partition("\n")
        if first.strip():
            out = " " + first.strip()
        if not newline:
            rest = ""
    free = _free_text(rest) if rest.strip() else ""
    if free:
        out += ("\n\n" if after else "") + free
        if before:
            attached = rest[len(rest.rstrip()) :].count("\n") <= 1
            return out + ("\n" if attached else "\n\n")
        return out + "\n"
    if before:
        return out + ("\n\n" if after else "")
    return out + "\n" if after else ""


def format_bibtex(
    text: str, *, source: str = "<string>", options: FormatOptions | None = None
) -> FormatResult:
    """Format a BibTeX/BibLaTeX text (see the module docstring for the layout and guarantees)."""
    opts = options if options is not None else FormatOptions()
    original = text
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = LineIndex(text, source)
    diags: list[Diagnostic] = []
    blocks = list(tokenize(text, lines, diags, spans=True))
    if diags:
        return FormatResult(None, tuple(diags))
    fmt = _Formatter(text, opts, lines)
    if opts.normalize_keys:
        fmt.plan_keys(blocks)
    chunks: list[str] = []
    pos = 0
    for block in blocks:
        chunks.append(_gap(text[pos : block.offset], after=pos > 0, before=True))
        chunks.append(fmt.block(block))
        pos = block.end
    chunks.append(_gap(text[pos:], after=bool(blocks), before=False))
    out = "".join(chunks)
    return FormatResult(out, tuple(fmt.diagnostics), out != original)


# --------------------------------------------------------------------------- diff


def diff(original: str, formatted: str, name: str) -> str:
    """A unified diff from ``original`` to ``formatted`` (empty when equal), for ``--check``."""
    import difflib

    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        formatted.splitlines(keepends=True),
        fromfile=name,
        tofile=f"{name} (formatted)",
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
