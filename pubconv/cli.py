"""The ``pubconv`` command: maps arguments onto :mod:`pubconv.api` and errors onto exit codes.

Exit codes: 0 converted (warnings allowed); 1 some record failed, or any
diagnostic under ``--strict``; 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import IO, Any, NoReturn

__all__ = ["main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

_EXAMPLES = """\
examples:
  pubconv fixtures/listing/seed-profile.txt --to bibtex
  pubconv refs.bib --to listing -o papers.txt
  pubconv a.txt b.txt --to bibtex -o all.bib      several inputs make one output
  cat refs.bib | pubconv - --from bibtex --to bibtex -W unicode=true
  pubconv refs.bib --to bibtex --strict           any diagnostic fails, nothing is written
  pubconv refs.bib --to text --style apa          formatted references
  pubconv --list-formats

Diagnostics go to stderr as FILE:LINE:COL: SEVERITY: MESSAGE (CODE).
Exit codes: 0 converted (warnings allowed), 1 some record failed (or any
diagnostic with --strict), 2 usage error or unreadable input.
"""

_SUBCOMMANDS = ("convert", "check", "fmt")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit 2 with our own wording
        self.print_usage(sys.stderr)
        sys.stderr.write(f"pubconv: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter with the width found without :mod:`shutil`.

    argparse builds a formatter for every ``add_argument`` and, given no width, imports
    shutil (and with it bz2, lzma and zlib) to ask for the terminal size: about 5 ms of
    every ``pubconv check`` run that a pre-commit hook makes on each small file."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_width() - 2)  # argparse's own margin


def _terminal_width() -> int:
    """What shutil.get_terminal_size would say: $COLUMNS, else stdout's size, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def _writer_option(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    key, _, value = text.partition("=")
    low = value.strip().lower()
    parsed: Any = value
    if low in ("true", "yes", "on"):
        parsed = True
    elif low in ("false", "no", "off"):
        parsed = False
    elif low.isdigit():
        parsed = int(low)
    return key.strip().replace("-", "_"), parsed


def _build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog="pubconv",
        description="Convert bibliographic records between formats (default subcommand: convert).",
        epilog=_EXAMPLES,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"pubconv {__version__}")
    parser.add_argument("--list-formats", action="store_true", help="list the formats and exit")
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="input files; - reads standard input")
    parser.add_argument("-t", "--to", metavar="FORMAT", help="output format (required)")
    parser.add_argument("-f", "--from", dest="from_", metavar="FORMAT", help="input format (default: detect)")
    parser.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    parser.add_argument("--strict", action="store_true", help="any diagnostic is fatal; nothing is written")
    parser.add_argument("--encoding", metavar="NAME", help="input encoding (default: UTF-8, detected BOMs)")
    parser.add_argument(
        "-W",
        "--writer-option",
        dest="writer_options",
        action="append",
        default=[],
        type=_writer_option,
        metavar="KEY=VALUE",
        help="pass an option to the writer, e.g. -W unicode=true for UTF-8 BibTeX",
    )
    parser.add_argument(
        "--style", metavar="NAME", help="citation style for --to text/html (same as -W style=NAME)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only, not warnings")
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="read up to N input files at once in worker processes, or one large BibTeX file in N parts "
        "(0 or auto: one per CPU; default 1); the output is the same as with 1",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a records counter on stderr (default: when stderr is a terminal and the output is not, "
        "and not with -q)",
    )
    return parser


def _jobs(text: str) -> int:
    if text.strip().lower() == "auto":
        return 0
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of jobs or 'auto', got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of jobs >= 0 or 'auto', got {text!r}")
    return value


def _list_formats(out: IO[str]) -> None:
    from . import registry

    rows = []
    for fmt in registry.all_formats():
        try:
            desc = fmt.description
            modes = ("r" if fmt.can_read else "-") + ("w" if fmt.can_write else "-")
        except ImportError as exc:  # a broken plugin must not hide the others
            desc, modes = f"(cannot load: {exc})", "--"
        names = ", ".join((fmt.name, *fmt.aliases))
        exts = " ".join(fmt.extensions)
        rows.append((names, modes, exts, desc))
    width = max(len(r[0]) for r in rows)
    ewidth = max(len(r[2]) for r in rows)
    for names, modes, exts, desc in rows:
        out.write(f"{names:<{width}}  {modes}  {exts:<{ewidth}}  {desc}\n")


def run() -> NoReturn:
    """The ``pubconv`` command (console script and ``python -m pubconv``): :func:`main`, then exit.

    The interpreter's shutdown runs one last full collection over everything still
    alive, 50-70 ms after a 4 MB .bib; the run is over, so the heap is frozen first
    and that pass skips it (files and pools are closed by then, by their own ``with``)."""
    code = main()
    gc.freeze()
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in _SUBCOMMANDS:
        command, args_list = args_list[0], args_list[1:]
        if command == "check":
            return _check_main(args_list)
        if command == "fmt":
            return _fmt_main(args_list)
    return _convert_main(args_list)


# --------------------------------------------------------------------------- check


_CHECK_EXAMPLES = """\
examples:
  pubconv check refs.bib CITATION.cff          check files
  pubconv check .                              walk a directory for citation files
  pubconv check refs.bib --format github       GitHub Actions annotations
  pubconv check refs.bib --ignore PC711 --select PC7
  cat refs.json | pubconv check - --from csljson
  pubconv check --list-rules

Configuration: [tool.pubconv.check] in pyproject.toml (or pubconv.toml): select,
ignore, severity = {PC705 = "error"}, per-file-ignores = {"legacy/*.bib" = ["PC720"]}.
In .bib files, @comment{pubconv: ignore PC201} (or % pubconv: ignore PC201) before an
entry suppresses codes for it, @comment{pubconv: ignore-file PC711} for the whole file.
Exit codes: 0 no error-level findings (warnings allowed), 1 error-level findings
(any finding with --strict), 2 a file could not be read, or usage error.
"""


def _rule_list(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _check_main(args_list: list[str]) -> int:
    """``pubconv check``: validate citation files; the logic lives in :mod:`pubconv.check`."""
    parser = _Parser(
        prog="pubconv check",
        description="Validate citation files (BibTeX, BibLaTeX, CSL-JSON, RIS, JATS, CFF, listings).",
        epilog=_CHECK_EXAMPLES,
        formatter_class=_Formatter,
    )
    add = parser.add_argument
    add("paths", nargs="*", metavar="PATH", help="files or directories; - reads standard input")
    add("-f", "--from", dest="from_", metavar="FORMAT", help="input format (default: detect)")
    add(
        "--format",
        dest="output_format",
        default="text",
        choices=("text", "json", "github", "sarif"),
        help="output format (default: text)",
    )
    add(
        "--select",
        action="append",
        type=_rule_list,
        default=[],
        metavar="RULES",
        help="report only these codes or prefixes (comma-separated; replaces the config)",
    )
    add(
        "--ignore",
        action="append",
        type=_rule_list,
        default=[],
        metavar="RULES",
        help="never report these codes or prefixes (comma-separated)",
    )
    add("--strict", action="store_true", help="exit 1 on any finding, warnings included")
    add("--config", metavar="FILE", help="read the check configuration from FILE instead of searching")
    add("--encoding", metavar="NAME", help="input encoding (default: UTF-8, detected BOMs)")
    add("-q", "--quiet", action="store_true", help="report error-level findings only, no summary")
    add("--list-rules", action="store_true", help="list the rules and exit")
    args = parser.parse_args(args_list)

    from . import check

    if args.list_rules:
        for r in check.RULES.values():
            sys.stdout.write(f"{r.code}  {r.severity.value:<7}  {r.title}\n")
        return EXIT_OK
    if not args.paths:
        parser.error("no files or directories to check (use - for standard input)")
    if "-" in args.paths and not args.from_:
        parser.error("reading standard input (-) needs --from FORMAT")
    if args.from_:
        from . import registry
        from .errors import UnknownFormatError

        if args.from_.lower() != "cff":
            try:
                registry.get(args.from_)
            except UnknownFormatError as exc:
                parser.error(str(exc))
    try:
        config = check.config.load_config_file(args.config) if args.config else check.load_config()
    except (check.ConfigError, OSError) as exc:
        sys.stderr.write(f"pubconv: error: configuration: {exc}\n")
        return EXIT_USAGE
    try:
        config = config.with_cli(
            [c for group in args.select for c in group] or None, [c for group in args.ignore for c in group]
        )
    except check.ConfigError as exc:
        parser.error(str(exc))
    stdin = sys.stdin.buffer.read() if "-" in args.paths else None
    report = check.check_paths(args.paths, fmt=args.from_, config=config, stdin=stdin, encoding=args.encoding)
    from .errors import Severity

    shown = [d for d in report.findings if not args.quiet or d.severity is Severity.ERROR]
    try:
        check.render(shown, args.output_format, sys.stdout, files=len(report.files), quiet=args.quiet)
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    if report.unreadable:
        return EXIT_USAGE
    if any(d.severity is Severity.ERROR for d in report.findings):
        return EXIT_FINDINGS
    if args.strict and any(d.severity is not Severity.INFO for d in report.findings):
        return EXIT_FINDINGS
    return EXIT_OK


# --------------------------------------------------------------------------- fmt


_FMT_EXAMPLES = """\
examples:
  pubconv fmt refs.bib                   print refs.bib formatted (one file)
  pubconv fmt --in-place a.bib b.bib     rewrite the files that change
  pubconv fmt --check *.bib              print a diff and exit 1 if a file would change
  cat refs.bib | pubconv fmt -           standard input to standard output

Fields in canonical order (author, editor, title, journal/booktitle, year, month,
volume, number, pages, publisher, address, doi, url, eprint ..., then the rest in
source order), names lower-cased and aligned, values braced; macros, LaTeX,
comments and @preamble stay as written. A file with a syntax error is never
touched: its errors are reported as FILE:LINE:COL.
Exit codes: 0 done (with --check: nothing would change), 1 a file would change
(--check) or could not be formatted (syntax errors, not UTF-8), 2 usage error
or unreadable file.
"""


def _fmt_main(args_list: list[str]) -> int:
    """``pubconv fmt``: format BibTeX/BibLaTeX files (:mod:`pubconv.bibfmt`)."""
    parser = _Parser(
        prog="pubconv fmt",
        description="Format BibTeX/BibLaTeX files on the syntax level (macros, LaTeX and comments kept).",
        epilog=_FMT_EXAMPLES,
        formatter_class=_Formatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help=".bib files; - reads standard input")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; print diffs, exit 1 if any")
    mode.add_argument("-i", "--in-place", action="store_true", help="rewrite the files (atomically)")
    order = parser.add_mutually_exclusive_group()
    order.add_argument(
        "--sort-fields", dest="sort_fields", action="store_const", const=True,
        help="canonical field order (default)",
    )  # fmt: skip
    order.add_argument(
        "--keep-order", dest="sort_fields", action="store_const", const=False, help="keep the field order"
    )
    parser.add_argument("--indent", type=int, metavar="N", help="spaces before a field (default 2)")
    parser.add_argument(
        "--no-align", dest="align", action="store_const", const=False, help="do not align the '=' signs"
    )
    parser.add_argument(
        "--normalize-keys", action="store_const", const=True, help="fold citation keys to ASCII"
    )
    parser.add_argument(
        "--no-config", action="store_true", help="ignore [tool.pubconv.fmt] in pyproject.toml / pubconv.toml"
    )
    parser.add_argument(
        "--encoding", metavar="NAME", help="encoding of the files, kept by --in-place (default: UTF-8)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    args = parser.parse_args(args_list)

    import io

    from . import api
    from .bibfmt import FormatOptions, diff, format_bibtex
    from .errors import InputError, Severity

    if len(args.files) > 1 and not (args.check or args.in_place):
        parser.error("several files: use --in-place or --check (without them one file is printed)")
    if args.in_place and "-" in args.files:
        parser.error("--in-place cannot rewrite standard input")
    flags = {"sort_fields": args.sort_fields, "indent": args.indent, "align": args.align,
             "normalize_keys": args.normalize_keys}  # fmt: skip
    overrides = {name: value for name, value in flags.items() if value is not None}
    try:
        options = FormatOptions(**overrides)
    except ValueError as exc:
        parser.error(str(exc))
    if not args.no_config:
        from pathlib import Path

        from .check.config import ConfigError, find_tool_table

        found = None
        try:
            first = next((Path(f) for f in args.files if f != "-"), None)
            found = find_tool_table(first.absolute().parent if first else Path.cwd(), "fmt")
            if found is not None:
                options = FormatOptions.from_mapping(found[1], **overrides)
        except (ValueError, OSError) as exc:  # ConfigError (a ValueError) names its file already
            where = f"{found[0]}: " if found is not None and not isinstance(exc, ConfigError) else ""
            sys.stderr.write(f"pubconv: error: {where}{exc}\n")
            return EXIT_USAGE

    def note(message: str) -> None:
        if not args.quiet:
            sys.stderr.write(f"pubconv: {message}\n")

    status = EXIT_OK
    try:
        for name in args.files:
            display = "<stdin>" if name == "-" else name
            try:
                if name == "-":  # bytes, decoded as files are, under the name diagnostics show
                    stdin = io.BytesIO(sys.stdin.buffer.read())
                    stdin.name = display
                    text, decode_diags = api.read_text(stdin, encoding=args.encoding)
                else:
                    text, decode_diags = api.read_text(name, encoding=args.encoding)
            except (InputError, UnicodeDecodeError, LookupError) as exc:
                sys.stderr.write(f"pubconv: error: {exc}\n")
                status = EXIT_USAGE
                continue
            for d in decode_diags:
                sys.stderr.write(f"{d}\n")
            if decode_diags:
                sys.stderr.write(
                    f"pubconv: {display}: not formatted: not UTF-8 (use --encoding); left unchanged\n"
                )
                status = max(status, EXIT_FINDINGS)
                continue
            result = format_bibtex(text, source=display, options=options)
            for d in result.diagnostics:
                if d.severity is Severity.ERROR or (d.severity is Severity.WARNING and not args.quiet):
                    sys.stderr.write(f"{d}\n")
            if result.text is None:
                sys.stderr.write(f"pubconv: {display}: not formatted: syntax errors; left unchanged\n")
                status = max(status, EXIT_FINDINGS)
                continue
            if args.check:
                if result.changed:
                    sys.stdout.write(diff(text, result.text, display))
                    note(f"would reformat {display}")
                    status = max(status, EXIT_FINDINGS)
            elif args.in_place:
                if result.changed:
                    api.write_text(name, result.text, encoding=args.encoding or "utf-8")
                    note(f"reformatted {display}")
            else:
                sys.stdout.write(result.text)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return status
    return status


# --------------------------------------------------------------------------- convert


_PROGRESS_DELAY = 0.5
"""Seconds before the progress line appears: short conversions show none."""
_PROGRESS_INTERVAL = 0.1
"""Seconds between redraws of the progress line (at most ten a second)."""


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _wants_progress(args: argparse.Namespace) -> bool:
    """``--progress``/``--no-progress``; by default on when stderr is a terminal, but not with ``-q``,
    nor when the output itself goes to the same kind of terminal (the two would mix)."""
    if args.progress is not None:
        return bool(args.progress)
    if args.quiet or not _isatty(sys.stderr):
        return False
    to_stdout = args.output is None or args.output == "-"
    return not (to_stdout and _isatty(sys.stdout))


def _convert_main(args_list: list[str]) -> int:
    """``pubconv [convert]``: convert records between formats."""
    parser = _build_parser()
    args = parser.parse_args(args_list)

    if args.list_formats:
        _list_formats(sys.stdout)
        return EXIT_OK
    if not args.inputs:
        parser.error("no input files (use - for standard input)")
    if not args.to:
        parser.error("--to FORMAT is required (see --list-formats)")

    from . import api, registry
    from .errors import Diagnostic, InputError, PubconvError, Severity, StrictError, UnknownFormatError

    try:
        target = registry.get(args.to)
        if args.from_:
            registry.get(args.from_)
    except UnknownFormatError as exc:
        parser.error(str(exc))
    if not target.can_write:
        parser.error(f"format {target.name!r} cannot be written")
    if args.style:
        args.writer_options.append(("style", args.style))
    accepted = target.write_options()
    for key, _value in args.writer_options:
        if key not in accepted:
            choices = ", ".join(sorted(accepted)) or "none"
            parser.error(f"{target.name} has no writer option {key!r} (options: {choices})")

    progress = None
    if _wants_progress(args):
        from ._progress import Progress

        progress = Progress(sys.stderr, delay=_PROGRESS_DELAY, interval=_PROGRESS_INTERVAL)

    def show(d: Diagnostic) -> None:
        if args.quiet and d.severity is not Severity.ERROR:
            return
        if d.severity is Severity.INFO:
            return
        if progress is not None:
            progress.clear()
        sys.stderr.write(f"{d}\n")

    try:
        try:
            report = api.convert_files(
                args.inputs,
                args.to,
                output=args.output,
                from_=args.from_,
                strict=args.strict,
                encoding=args.encoding,
                on_diagnostic=show,
                jobs=args.jobs,
                on_progress=None if progress is None else progress.update,
                **dict(args.writer_options),
            )
        finally:
            if progress is not None:
                progress.close()  # before any closing message
    except StrictError:
        sys.stderr.write("pubconv: --strict: diagnostics reported; nothing written\n")
        return EXIT_FINDINGS
    except UnknownFormatError as exc:
        sys.stderr.write(f"pubconv: error: {exc}\n")
        return EXIT_USAGE
    except (InputError, LookupError) as exc:
        sys.stderr.write(f"pubconv: error: {exc}\n")
        return EXIT_USAGE
    except PubconvError as exc:
        sys.stderr.write(f"pubconv: error: {exc}\n")
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return EXIT_FINDINGS if report.errors else EXIT_OK
