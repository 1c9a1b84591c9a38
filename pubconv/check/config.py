"""Configuration of ``pubconv check``: ``[tool.pubconv.check]`` in ``pyproject.toml``.

The nearest ``pyproject.toml`` that has a ``[tool.pubconv.check]`` table wins,
looking in the start directory and then its parents; in each directory a
``pubconv.toml`` is the fallback (its ``[check]`` table, or its top level).
Keys::

    [tool.pubconv.check]
    select = ["PC"]                      # codes or prefixes to report (default: every rule)
    ignore = ["PC711", "PC72"]           # codes or prefixes never reported
    severity = { PC705 = "error", PC210 = "info" }
    per-file-ignores = { "legacy/*.bib" = ["PC720"] }   # globs relative to the config file

.. versionadded:: 0.2
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ..errors import CODES, Severity

__all__ = [
    "Config",
    "ConfigError",
    "Suppression",
    "find_config",
    "find_tool_table",
    "known_code",
    "load_config",
    "load_config_file",
]


class ConfigError(ValueError):
    """The configuration file is not valid TOML or has a bad value."""


def _codes(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{what} must be a list of rule codes or prefixes, e.g. ["PC711", "PC72"]')
    codes = tuple(v.strip().upper() for v in value if v.strip())
    unknown = [c for c in codes if not known_code(c)]
    if unknown:
        raise ConfigError(f"{what}: unknown rule code or prefix {', '.join(map(repr, unknown))}")
    return codes


def known_code(code: str) -> bool:
    """True when ``code`` is a diagnostic code or a prefix of one (``PC7``, ``PC711``)."""
    return any(c.startswith(code.upper()) for c in CODES)


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code.startswith(p) for p in patterns)


@dataclass(frozen=True, slots=True)
class Config:
    """Which rules run and how severe they are."""

    select: tuple[str, ...] | None = None
    """Codes or prefixes to report; None: every rule."""
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    root: Path | None = None
    """Directory the ``per-file-ignores`` globs are relative to (the config file's)."""
    path: Path | None = None
    """The file the configuration was read from."""

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], root: Path | None = None, path: Path | None = None
    ) -> Config:
        """Build from a parsed ``[tool.pubconv.check]`` table."""
        known = {"select", "ignore", "severity", "per-file-ignores", "extend-ignore", "extend-select"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown key(s) in [tool.pubconv.check]: {', '.join(unknown)}")
        select = _codes(data["select"], "select") if "select" in data else None
        if "extend-select" in data:
            select = (*(select or ()), *_codes(data["extend-select"], "extend-select"))
        ignore = _codes(data.get("ignore", []), "ignore") + _codes(
            data.get("extend-ignore", []), "extend-ignore"
        )
        sev_raw = data.get("severity", {})
        if not isinstance(sev_raw, Mapping):
            raise ConfigError('severity must be a table, e.g. severity = { PC705 = "error" }')
        severity: dict[str, Severity] = {}
        for code, value in sev_raw.items():
            if not known_code(str(code)):
                raise ConfigError(f"severity: unknown rule code or prefix {code!r}")
            try:
                severity[str(code).upper()] = Severity(str(value).lower())
            except ValueError:
                raise ConfigError(f"severity of {code}: {value!r} is not error, warning or info") from None
        pfi_raw = data.get("per-file-ignores", {})
        if not isinstance(pfi_raw, Mapping):
            raise ConfigError('per-file-ignores must be a table, e.g. { "legacy/*.bib" = ["PC720"] }')
        pfi = tuple(
            (str(glob), _codes(codes, f"per-file-ignores[{glob!r}]")) for glob, codes in pfi_raw.items()
        )
        return cls(select, ignore, severity, pfi, root, path)

    def with_cli(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> Config:
        """Command-line ``--select`` replaces the configured selection; ``--ignore`` adds to it.

        Raises :class:`ConfigError` for a code that is not a rule code or prefix."""
        sel = _codes(list(select), "--select") if select else self.select
        ign = (*self.ignore, *_codes(list(ignore or ()), "--ignore"))
        return Config(sel, ign, self.severity, self.per_file_ignores, self.root, self.path)

    def enabled(self, code: str, source: str | None = None) -> bool:
        """True when findings with ``code`` in ``source`` are reported."""
        if self.select is not None and not _matches(code, self.select):
            return False
        if _matches(code, self.ignore):
            return False
        if source and self.per_file_ignores:
            for codes in self._file_ignores(source):
                if _matches(code, codes):
                    return False
        return True

    def _file_ignores(self, source: str) -> Iterable[tuple[str, ...]]:
        path = Path(source)
        candidates = {path.as_posix(), path.name}
        if self.root is not None:
            with contextlib.suppress(ValueError):
                candidates.add(Path(os.path.abspath(source)).relative_to(self.root).as_posix())
        for glob, codes in self.per_file_ignores:
            if any(fnmatch.fnmatchcase(c, glob) for c in candidates):
                yield codes

    def severity_of(self, code: str, default: Severity) -> Severity:
        """The configured severity: the longest matching code or prefix wins."""
        best: tuple[int, Severity] | None = None
        for pattern, sev in self.severity.items():
            if code.startswith(pattern) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), sev)
        return best[1] if best is not None else default


@dataclass(frozen=True, slots=True)
class Suppression:
    """Codes (or prefixes) ignored on lines ``first..last`` (``last`` None: the whole file)."""

    codes: tuple[str, ...]
    """Empty: every code."""
    first: int = 1
    last: int | None = None

    def covers(self, code: str, line: int | None) -> bool:
        if self.codes and not any(code.startswith(c) for c in self.codes):
            return False
        if self.last is None:
            return True
        return line is not None and self.first <= line <= self.last


def _toml_load(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        with open(path, "rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


#: A ``tool.pubconv`` key path (``[tool.pubconv.check]``, ``tool.pubconv.check.x = 1``, quoted
#: parts allowed), a bare ``[tool]`` table (which may hold ``pubconv.check = ...``) or an inline
#: ``tool = {...}``: every way TOML can reach the table; any other file cannot hold it (a
#: mention in a comment, after ``#``, does not count).
_MAY_HOLD_TOOL_PUBCONV: Final = re.compile(
    rb"""^[^#\n]*tool["']?[ \t]*\.[ \t]*["']?pubconv"""
    rb"""|^[ \t]*\[[ \t]*["']?tool["']?[ \t]*\]"""
    rb"""|^[ \t]*["']?tool["']?[ \t]*=""",
    re.M,
)


def _mentions_pubconv(path: Path) -> bool:
    """Cheap pre-check before parsing TOML: most pyproject.toml files have no pubconv table,
    and a project's own pyproject.toml names pubconv as a dependency without one (importing
    tomllib and parsing costs more than the rest of ``pubconv check`` on a small file)."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return b"pubconv" in data and _MAY_HOLD_TOOL_PUBCONV.search(data) is not None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest configuration at or above ``start``: (file, its check table)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _mentions_pubconv(pyproject):
            data = _toml_load(pyproject)
            table = data.get("tool", {}).get("pubconv", {}).get("check")
            if isinstance(table, dict):
                return pyproject, table
        alt = directory / "pubconv.toml"
        if alt.is_file():
            data = _toml_load(alt)
            table = data.get("check", data)
            if isinstance(table, dict):
                return alt, table
    return None


def find_tool_table(start: Path, name: str) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``[tool.pubconv.<name>]`` table of a ``pyproject.toml`` (or ``[<name>]`` of a
    ``pubconv.toml``) at or above ``start``, with its file; used by ``pubconv fmt`` (``name="fmt"``)."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            table = _toml_load(pyproject).get("tool", {}).get("pubconv", {}).get(name)
            if isinstance(table, dict):
                return pyproject, table
        alt = directory / "pubconv.toml"
        if alt.is_file():
            table = _toml_load(alt).get(name)
            if isinstance(table, dict):
                return alt, table
    return None


def load_config_file(path: str | os.PathLike[str]) -> Config:
    """The configuration in one file: ``[tool.pubconv.check]`` of a pyproject.toml, else ``[check]`` or
    the top level."""
    file = Path(path)
    data = _toml_load(file)
    table = data.get("tool", {}).get("pubconv", {}).get("check")
    if not isinstance(table, dict):
        table = data.get("check", data)
    try:
        return Config.from_mapping(table, root=file.resolve().parent, path=file)
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from None


def load_config(start: str | os.PathLike[str] | None = None) -> Config:
    """The configuration that applies at ``start`` (default: the current directory)."""
    found = find_config(Path(start) if start is not None else Path.cwd())
    if found is None:
        return Config()
    path, table = found
    try:
        return Config.from_mapping(table, root=path.parent, path=path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
