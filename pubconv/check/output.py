"""Output formats of ``pubconv check``: text, json, github, sarif.

* ``text``: ``file:line:col: severity: message [key] (CODE)`` per finding, then a
  summary line.
* ``json``: a JSON array of finding objects with the keys ``file``, ``line``,
  ``column``, ``path`` (JSON path or null), ``code``, ``severity``, ``title`` (the
  rule's short title), ``message``, ``key`` (or null) — stable; new keys may be
  added, none removed.
* ``github``: GitHub Actions workflow commands
  (``::error file=F,line=L,col=C,title=CODE::message``), which annotate the
  pull request; data and properties escaped as the runner requires.
* ``sarif``: SARIF 2.1.0 with the rule table as ``tool.driver.rules``, for code
  scanning uploads.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any, Final

from ..errors import Diagnostic, Severity
from .rules import RULES, rule

__all__ = ["FORMATS", "github_escape_data", "github_escape_property", "render", "sarif_log", "summary"]

FORMATS: Final = ("text", "json", "github", "sarif")
_ONE_LINE: Final = {
    0x0A: "\\n",
    0x0D: "\\r",
    0x0B: "\\v",
    0x0C: "\\f",
    0x85: "\\x85",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
_SARIF_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def summary(findings: Sequence[Diagnostic], files: int) -> str:
    """``3 errors, 1 warning in 2 files`` (or ``no problems in 5 files``)."""
    errors = sum(1 for d in findings if d.severity is Severity.ERROR)
    warnings = sum(1 for d in findings if d.severity is Severity.WARNING)
    infos = len(findings) - errors - warnings
    what = f"{files} file{'s' if files != 1 else ''} checked"
    if not findings:
        return f"{what}: no problems found"
    parts = [
        f"{errors} error{'s' if errors != 1 else ''}",
        f"{warnings} warning{'s' if warnings != 1 else ''}",
    ]
    if infos:
        parts.append(f"{infos} note{'s' if infos != 1 else ''}")
    return f"{what}: {', '.join(parts)}"


def _finding_dict(d: Diagnostic) -> dict[str, Any]:
    p = d.position
    return {
        "file": p.source if p else None,
        "line": p.line if p else None,
        "column": p.column if p else None,
        "path": p.path if p else None,
        "code": d.code,
        "severity": d.severity.value,
        "title": rule(d.code).title,
        "message": d.message,
        "key": d.key,
    }


def github_escape_data(text: str) -> str:
    """Escape a workflow-command message (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """Escape a workflow-command property value (also ``:`` and ``,``)."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_line(d: Diagnostic) -> str:
    p = d.position
    props = []
    if p is not None:
        props.append(f"file={github_escape_property(p.source)}")
        if p.line is not None:
            props.append(f"line={p.line}")
            if p.column is not None:
                props.append(f"col={p.column}")
    props.append(f"title={github_escape_property(d.code)}")
    key = f" [{d.key}]" if d.key else ""
    text = f"{d.message}{key} ({rule(d.code).title})"
    return f"::{_GITHUB_LEVEL[d.severity]} {','.join(props)}::{github_escape_data(text)}"


def _artifact_uri(source: str) -> str:
    """A relative, forward-slash URI for files under the current directory (what code scanning
    resolves against the checkout), the path as given otherwise."""
    import os

    if os.path.isabs(source):
        rel = os.path.relpath(source)
        if not rel.startswith(".."):
            source = rel
    return source.replace(os.sep, "/")


def sarif_log(findings: Sequence[Diagnostic], version: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log of ``findings`` with every rule of the table in ``tool.driver.rules``."""
    codes = list(RULES)
    for d in findings:
        if d.code not in RULES and d.code not in codes:
            codes.append(d.code)
    index = {c: i for i, c in enumerate(codes)}
    rules = []
    for code in codes:
        r = rule(code)
        rules.append(
            {
                "id": code,
                "name": "".join(w.capitalize() for w in r.title.replace("'", "").split()[:6] if w.isalnum())
                or code,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": f"{r.title}. {r.hint}".strip()},
                "help": {"text": r.hint or r.title},
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
                "properties": {"formats": list(r.formats)},
            }
        )
    results = []
    for d in findings:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message + (f" [{d.key}]" if d.key else "")},
        }
        p = d.position
        if p is not None:
            location: dict[str, Any] = {"artifactLocation": {"uri": _artifact_uri(p.source)}}
            if p.line is not None:
                region: dict[str, Any] = {"startLine": p.line}
                if p.column is not None:
                    region["startColumn"] = p.column
                location["region"] = region
            result["locations"] = [{"physicalLocation": location}]
        if d.key:
            result["partialFingerprints"] = {"citationKey": d.key}
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pubconv",
                        "version": version,
                        "informationUri": "https://pypi.org/project/pubconv/",
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def render(
    findings: Iterable[Diagnostic], fmt: str, out: IO[str], *, files: int = 0, quiet: bool = False
) -> None:
    """Write ``findings`` to ``out`` in output format ``fmt`` (one of :data:`FORMATS`)."""
    items = list(findings)
    if fmt == "text":
        for d in items:
            # one finding per line, whatever a file name, key or quoted value contains
            out.write(str(d).translate(_ONE_LINE) + "\n")
        if not quiet:
            out.write(summary(items, files) + "\n")
    elif fmt == "json":
        import json

        json.dump([_finding_dict(d) for d in items], out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif fmt == "github":
        for d in items:
            out.write(_github_line(d) + "\n")
    elif fmt == "sarif":
        import json

        from .. import __version__

        json.dump(sarif_log(items, __version__), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        raise ValueError(f"unknown output format {fmt!r} (choose from: {', '.join(FORMATS)})")
