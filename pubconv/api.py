"""The library API: json-module style verbs over texts, paths and streams.

This is the only module that touches files, streams and encodings; format
modules see ``str`` only. Texts are decoded as UTF-8 (a BOM is honoured,
UTF-16 with a BOM too); bytes that are not UTF-8 are decoded as Windows-1252
with a ``PC105`` diagnostic instead of being garbled silently. Line ends are
normalised to ``\\n`` before a reader sees them.

Diagnostics: :func:`read` / :func:`reads` return them with the papers;
:func:`loads`, :func:`load`, :func:`iter_load`, :func:`dumps`, :func:`dump` and
:func:`convert` issue them as :class:`~pubconv.errors.PubconvWarning` warnings,
or raise :class:`~pubconv.errors.StrictError` when ``strict=True`` (info-level
diagnostics, such as a generated citation key, are neither).

.. versionadded:: 0.1
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
import gc
import io
import operator
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from itertools import repeat
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Final, TypeAlias

from . import _gc, registry
from .errors import Diagnostic, InputError, PubconvWarning, Severity, StrictError
from .formats.base import ReadResult
from .model import Paper, Position

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .keys import KeyLog

__all__ = [
    "REPORT_KEEP",
    "ConvertReport",
    "convert",
    "convert_files",
    "dump",
    "dumps",
    "iter_load",
    "load",
    "loads",
    "losses",
    "read",
    "read_text",
    "reads",
    "write_text",
]

PathOrFile: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"

_FALLBACK = "cp1252"


# --------------------------------------------------------------------------- decoding


def _normalise(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(data: bytes, source: str = "<bytes>", encoding: str | None = None) -> tuple[str, list[Diagnostic]]:
    """Decode a whole input (see the module docstring for the rules)."""
    if encoding is not None:
        return _normalise(data.decode(encoding)), []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _normalise(data.decode("utf-16")), []
        except UnicodeDecodeError as exc:  # odd length or a broken surrogate pair
            diag = Diagnostic.make(
                "PC105",
                f"input has a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason} at byte "
                f"{exc.start}); the bad bytes were replaced by U+FFFD",
                Position(source=source, line=1, column=1),
            )
            return _normalise(data.decode("utf-16", errors="replace")), [diag]
    try:
        return _normalise(data.decode("utf-8-sig")), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diag = Diagnostic.make(
            "PC105",
            f"input is not valid UTF-8 (byte 0x{data[exc.start]:02x}); decoded as Windows-1252 — "
            "re-save the file as UTF-8 or pass --encoding",
            Position(source=source, line=line, column=column),
        )
        return _normalise(data.decode(_FALLBACK, errors="replace")), [diag]


def _iter_lines(
    stream: BinaryIO, source: str, encoding: str | None, diagnostics: list[Diagnostic]
) -> Iterator[str]:
    """Decoded lines (ending in ``\\n``) of a binary stream, without reading it whole; decoding
    problems are appended to ``diagnostics`` when the line they concern is reached (so the
    lines go straight to the reader, without a filtering generator per line)."""
    head = stream.read(4)
    if encoding is None and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    if encoding is not None:
        wrapper = io.TextIOWrapper(io.BufferedReader(_Prepend(head, stream)), encoding=encoding, newline=None)
        for line in wrapper:
            yield line.lstrip("\ufeff") if line.startswith("\ufeff") else line
        return
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    read = getattr(stream, "read1", None) or stream.read
    fallback = False
    first = True
    lineno = 0
    carry = head
    while True:
        # whole lines in blocks: a block of clean UTF-8 without "\r" is decoded and split in one
        # go; any other block goes line by line, as before (diagnostic positions, newlines)
        block = read(_BLOCK)
        if block:
            data = carry + block if carry else block
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            if cut < len(data):
                carry = data[cut:]
                data = data[:cut]
            else:
                carry = b""
        elif carry:
            data, carry = carry, b""
        else:
            return
        if not fallback:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = ""
            if text and "\r" not in text:
                unterminated = text[-1] != "\n"
                if first and text.startswith("\ufeff"):
                    text = text[1:]
                first = False
                lines = text.split("\n")
                last = lines.pop()
                lineno += len(lines)
                yield from map(operator.add, lines, repeat("\n"))
                if unterminated:
                    lineno += 1
                    yield last
                continue
        pieces = data.split(b"\n")
        tail = pieces.pop()
        raws = [piece + b"\n" for piece in pieces]
        if tail:
            raws.append(tail)
        for raw in raws:
            lineno += 1
            if not fallback:
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    fallback = True
                    message = (
                        f"input is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); decoded as Windows-1252 "
                        "from here on — re-save the file as UTF-8 or pass --encoding"
                    )
                    position = Position(source=source, line=lineno, column=exc.start + 1)
                    diagnostics.append(Diagnostic.make("PC105", message, position))
            if fallback:
                line = raw.decode(_FALLBACK, errors="replace")
            if first and line.startswith("\ufeff"):
                line = line[1:]
            first = False
            if "\r" in line:
                yield from _normalise(line).splitlines(keepends=True)
            else:
                yield line


_BLOCK = 1 << 18


class _Prepend(io.RawIOBase):
    """A raw stream that replays ``head`` before the rest of ``stream``."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# --------------------------------------------------------------------------- sources


@contextmanager
def _open_binary(source: PathOrFile) -> Iterator[tuple[BinaryIO | None, str | None, str]]:
    """Yield (binary stream or None, text or None, display name) for any accepted source."""
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        try:
            fh = open(name, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
        try:
            yield fh, None, name
        finally:
            fh.close()
        return
    name = str(getattr(source, "name", "<stream>"))
    if _is_text_stream(source):
        yield None, str(source.read()), name
        return
    yield source, None, name  # type: ignore[misc]


def _is_text_stream(f: IO[Any]) -> bool:
    if isinstance(f, io.TextIOBase):
        return True
    if isinstance(f, (io.RawIOBase, io.BufferedIOBase)):
        return False
    return "b" not in getattr(f, "mode", "b")


def _detect(fmt: str | None, head: str, name: str | None) -> registry.Format:
    if fmt is not None:
        return registry.get(fmt)
    return registry.detect(head, name if name and not name.startswith("<") else None)


# --------------------------------------------------------------------------- diagnostics policy


def _is_reportable(d: Diagnostic) -> bool:
    return d.severity is not Severity.INFO


def _emit(diagnostics: Iterable[Diagnostic], strict: bool) -> None:
    reportable = [d for d in diagnostics if _is_reportable(d)]
    if strict and reportable:
        raise StrictError(reportable)
    for d in reportable:
        warnings.warn(PubconvWarning(d), stacklevel=3)


# --------------------------------------------------------------------------- reading


def reads(
    text: str, format: str | None = None, *, source: str = "<string>", strict: bool = False
) -> ReadResult:
    """Parse ``text`` into papers and diagnostics. ``strict=True`` raises on any diagnostic."""
    text = _normalise(text)
    fmt = _detect(format, text[: registry.SNIFF_CHARS], source)
    result = fmt.read(text, source=source)
    if strict:
        _emit(result.diagnostics, strict=True)
    return result


def read(
    path_or_file: PathOrFile, format: str | None = None, *, encoding: str | None = None, strict: bool = False
) -> ReadResult:
    """Read a file (path or open file) into papers plus every diagnostic."""
    with _open_binary(path_or_file) as (stream, text, name):
        decode_diags: list[Diagnostic] = []
        if text is None:
            assert stream is not None
            text, decode_diags = decode(stream.read(), name, encoding)
        result = reads(text, format, source=name)
    if decode_diags:
        result = dataclasses.replace(result, diagnostics=(*decode_diags, *result.diagnostics))
    if strict:
        _emit(result.diagnostics, strict=True)
    return result


def loads(
    text: str, format: str | None = None, *, source: str = "<string>", strict: bool = False
) -> list[Paper]:
    """Parse ``text`` into papers; diagnostics become :class:`PubconvWarning` warnings."""
    result = reads(text, format, source=source, strict=strict)
    _emit(result.diagnostics, strict)
    return list(result.papers)


def load(
    path_or_file: PathOrFile, format: str | None = None, *, encoding: str | None = None, strict: bool = False
) -> list[Paper]:
    """Read a file into papers; diagnostics become warnings (or raise with ``strict=True``)."""
    result = read(path_or_file, format, encoding=encoding, strict=strict)
    _emit(result.diagnostics, strict)
    return list(result.papers)


def _iter_items(
    path_or_file: PathOrFile, format: str | None, encoding: str | None
) -> Iterator[Paper | Diagnostic]:
    with _open_binary(path_or_file) as (stream, text, name):
        if text is not None:
            text = _normalise(text)
            fmt = _detect(format, text[: registry.SNIFF_CHARS], name)
            whole = text
            yield from fmt.iter_read(
                text.splitlines(keepends=True), source=name, reopen=lambda: whole.splitlines(keepends=True)
            )
            return
        assert stream is not None
        peek = stream.peek(registry.SNIFF_CHARS) if hasattr(stream, "peek") else b""
        if not peek or not hasattr(stream, "peek"):
            data = stream.read()
            stream = io.BytesIO(data)
            peek = data[: registry.SNIFF_CHARS]
        head, _ = decode(peek[: registry.SNIFF_CHARS], name, encoding)
        fmt = _detect(format, head, name)
        lines: list[Diagnostic] = []
        reopen = _rereader(stream, name, encoding)
        for item in fmt.iter_read(_iter_lines(stream, name, encoding, lines), source=name, reopen=reopen):
            while lines:
                yield lines.pop(0)
            yield item
        yield from lines


def _rereader(stream: BinaryIO, name: str, encoding: str | None) -> Callable[[], Iterator[str]] | None:
    """A way to read a seekable stream's lines again from here (None when it cannot seek)."""
    try:
        if not stream.seekable():
            return None
        start = stream.tell()
    except (AttributeError, OSError, ValueError):
        return None

    def reopen() -> Iterator[str]:
        stream.seek(start)
        return _iter_lines(stream, name, encoding, [])  # decoding problems: reported the first time

    return reopen


def iter_load(
    path_or_file: PathOrFile, format: str | None = None, *, encoding: str | None = None, strict: bool = False
) -> Iterator[Paper]:
    """Yield papers one at a time without holding the whole file (for streaming formats).

    Diagnostics are issued as warnings as they occur; with ``strict=True`` the
    first one raises :class:`StrictError` (papers already yielded stay yielded).
    """
    for item in _iter_items(path_or_file, format, encoding):
        if isinstance(item, Paper):
            yield item
        else:
            _emit([item], strict)


# --------------------------------------------------------------------------- writing


@functools.lru_cache(maxsize=64)
def _unsupported_fields(supports: frozenset[str]) -> tuple[str, ...]:
    """Paper fields outside ``supports`` that count as data (not type, key bookkeeping or origin)."""
    return tuple(
        f.name
        for f in dataclasses.fields(Paper)
        if f.compare and f.name not in supports and f.name != "type"  # type folding: writers report it
    )


@functools.lru_cache(maxsize=64)
def _unsupported_unset(supports: frozenset[str]) -> tuple[Callable[[Paper], Any], Any] | None:
    """A getter of all :func:`_unsupported_fields` in one C-level call, and their defaults.

    None when the format supports every field.
    """
    names = _unsupported_fields(supports)
    if not names:
        return None
    getter = operator.attrgetter(*names)
    return getter, getter(Paper())


def losses(paper: Paper, fmt: registry.Format | str) -> Diagnostic | None:
    """A ``PC400`` diagnostic naming the fields of ``paper`` that ``fmt`` cannot represent, or None."""
    if isinstance(fmt, str):
        fmt = registry.get(fmt)
    check = _unsupported_unset(fmt.supports)
    if check is None or check[0](paper) == check[1]:
        return None  # fast path: every unsupported field has its default value (all count as unset)
    lost = []
    for name in _unsupported_fields(fmt.supports):
        value = getattr(paper, name)
        if value is None or value == () or value is False or value == "":
            continue  # unset; also "no protected spans" (title_nocase == ()) is no information
        lost.append(name)
    if not lost:
        return None
    return Diagnostic.make(
        "PC400",
        f"{fmt.name} cannot hold {', '.join(lost)}; dropped",
        paper.origin,
        key=paper.key,
    )


def _placed(d: Diagnostic, origin: Position | None) -> Diagnostic:
    """``d`` with the position of the paper it concerns, when the writer gave none.

    Writers see papers, not sources; a writer's diagnostic comes while it handles the paper
    it last pulled, so that paper's origin is where the user should look."""
    if d.position is None and origin is not None:
        return dataclasses.replace(d, position=origin)
    return d


def _with_losses(papers: Iterable[Paper], fmt: registry.Format, sink: list[Diagnostic]) -> Iterator[Paper]:
    """``papers``, with their loss reports appended to ``sink``; the writer's own diagnostics
    (also appended to ``sink``) get the position of the paper they concern."""
    origin: Position | None = None
    mark = len(sink)

    def place() -> None:
        for i in range(min(mark, len(sink)), len(sink)):
            sink[i] = _placed(sink[i], origin)

    for p in papers:
        place()
        d = losses(p, fmt)
        if d is not None:
            sink.append(d)
        mark = len(sink)
        origin = p.origin
        yield p
    place()


def dumps(papers: Iterable[Paper], format: str, *, strict: bool = False, **options: Any) -> str:
    """Serialise papers to text in ``format``. What the format cannot hold is reported."""
    fmt = registry.get(format)
    diags: list[Diagnostic] = []
    text = fmt.write(_with_losses(papers, fmt, diags), diagnostics=diags, **options)
    _emit(diags, strict)
    return text


def dump(
    papers: Iterable[Paper], path_or_file: PathOrFile, format: str, *, strict: bool = False, **options: Any
) -> None:
    """Write papers to a path (atomically: temp file + rename) or an open file."""
    fmt = registry.get(format)
    diags: list[Diagnostic] = []
    chunks = fmt.iter_write(_with_losses(papers, fmt, diags), diagnostics=diags, **options)
    if isinstance(path_or_file, (str, os.PathLike)):
        with _atomic_output(os.fspath(path_or_file)) as out:
            for chunk in chunks:
                out.write(chunk)
                if len(diags) >= 1024:  # keep memory flat on long streams (one info per generated key)
                    if strict:
                        diags[:] = [d for d in diags if _is_reportable(d)]
                    else:
                        _emit(diags, strict=False)
                        diags.clear()
            if strict:
                _emit(diags, strict=True)
    else:
        text = "".join(chunks)
        if strict:
            _emit(diags, strict=True)
        stream: Any = path_or_file  # IO[str] or IO[bytes], told apart at run time
        stream.write(text if _is_text_stream(stream) else text.encode("utf-8"))
    _emit(diags, strict=False)


def convert(text: str, from_: str | None, to: str, *, strict: bool = False, **options: Any) -> str:
    """Convert ``text`` from one format (None: detect) to another."""
    result = reads(text, from_)
    fmt = registry.get(to)
    diags = list(result.diagnostics)
    if result.document is not None and (from_ is None or registry.get(from_).name == fmt.name):
        options.setdefault("document", result.document)
    out = fmt.write(_with_losses(result.papers, fmt, diags), diagnostics=diags, **options)
    _emit(diags, strict)
    return out


# --------------------------------------------------------------------------- files pipeline (CLI)


@dataclass
class ConvertReport:
    """What :func:`convert_files` did."""

    records: int = 0
    errors: int = 0
    """Diagnostics at error level (a record, or part of an input, was not converted)."""
    warnings: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """The first :data:`REPORT_KEEP` warning- and error-level diagnostics (all of them with
    ``strict=True``, which raises :class:`StrictError` with them). Every diagnostic goes
    to ``on_diagnostic``, and ``errors`` and ``warnings`` count them all; info-level ones (a
    generated citation key for every record of a listing) and the warnings after the first
    :data:`REPORT_KEEP` (a field the target cannot hold, on every record) are not kept here,
    so memory stays flat on long streams."""
    omitted: int = 0
    """Warning- and error-level diagnostics not kept in :attr:`diagnostics` (past the first
    :data:`REPORT_KEEP`).

    .. versionadded:: 0.2
    """


#: Most warning- and error-level diagnostics a :class:`ConvertReport` keeps.
REPORT_KEEP: Final = 1000


@contextmanager
def _atomic_output(path: str, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """A text file that replaces ``path`` only when the block succeeds."""
    directory = os.path.dirname(os.path.abspath(path))
    import tempfile  # here, not at the top: start-up time of `pubconv check` (tempfile pulls in random)

    fd, tmp = tempfile.mkstemp(prefix=".pubconv-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as out:
            yield out
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with _suppress_oserror():
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def _suppress_oserror() -> Iterator[None]:
    with suppress(OSError):
        yield


def read_text(path_or_file: PathOrFile, *, encoding: str | None = None) -> tuple[str, list[Diagnostic]]:
    """The whole text of a file or stream as stored (line ends and a BOM kept), for tools that
    rewrite files (``pubconv fmt``). Bytes that are not UTF-8 give the Windows-1252 reading of
    :func:`decode` with its ``PC105`` diagnostic.

    .. versionadded:: 0.2
    """
    with _open_binary(path_or_file) as (stream, text, name):
        if text is not None:
            return text, []
        assert stream is not None
        data = stream.read()
    if encoding is not None:
        return data.decode(encoding), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return decode(data, name)


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Replace the file ``path`` by ``text`` atomically, keeping its permission bits (a symbolic
    link is followed: its target is replaced, the link stays).

    .. versionadded:: 0.2
    """
    with _atomic_output(os.path.realpath(os.fspath(path)), encoding) as out:
        out.write(text)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


# --------------------------------------------------------------------------- reading inputs, in parallel


def _read_stdin(stdin: BinaryIO | None) -> bytes:
    return (stdin or sys.stdin.buffer).read()


def _stdin_source(data: bytes) -> io.BytesIO:
    source = io.BytesIO(data)
    source.name = "<stdin>"
    return source


@contextmanager
def _reading(name: str) -> Iterator[None]:
    """Turn read and decoding failures of one input into an :class:`InputError` naming it."""
    try:
        yield
    except InputError:
        raise
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: cannot decode as {exc.encoding}: byte 0x{exc.object[exc.start]:02x} "
            f"({exc.reason}); check --encoding"
        ) from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc


def _file_items(source: PathOrFile, from_: str | None, encoding: str | None) -> Iterator[Paper | Diagnostic]:
    """Papers and diagnostics of one input, in order (read failures as :class:`InputError`)."""
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
    else:
        name = str(getattr(source, "name", "<stream>"))
    with _reading(name):
        yield from _iter_items(source, from_, encoding)


#: While a conversion streams with the collector paused, a young-generation collection runs
#: after every this many records (records are acyclic; this only bounds stray cycles).
_GC_EVERY = 10_000


def _gc_paused() -> AbstractContextManager[None]:
    """Pause the cyclic garbage collector while many small acyclic objects are built.

    Building an input's records, or unpickling them, makes the collector scan the
    growing heap again and again; that costs as much as the unpickling itself. The
    streaming conversion in :func:`convert_files` runs paused too (the BibTeX reader
    keeps every entry's fields for ``crossref``, so the heap grows with the input).
    See :mod:`pubconv._gc`.
    """
    return _gc.paused()


def _read_all(source: str | bytes, from_: str | None, encoding: str | None) -> bytes:
    """A worker's task: every item of one input (a path, or the bytes of standard input), pickled.

    The worker pickles the list itself so that the parent unpickles it in
    :func:`_parallel_items` with the collector paused, not in the pool's thread.
    """
    with _gc_paused():
        src = source if isinstance(source, str) else _stdin_source(source)
        import pickle  # only parallel runs need it (start-up time)

        return pickle.dumps(list(_file_items(src, from_, encoding)), protocol=pickle.HIGHEST_PROTOCOL)


def _init_worker(specs: tuple[registry.FormatSpec, ...]) -> None:
    """Give a worker the parent's format table (formats registered at run time included)."""
    for spec in specs:
        registry.register(spec.name, spec.module, aliases=spec.aliases, extensions=spec.extensions)


def _cpu_count() -> int:
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return int(counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _worker_count(jobs: int | None, inputs: int) -> int:
    """Worker processes for ``inputs`` files: ``jobs`` (0 or None: one per CPU), at most one per input."""
    if jobs is None or jobs == 0:
        jobs = _cpu_count()
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (one per CPU) or more, not {jobs}")
    return max(1, min(jobs, inputs))


def _pool(workers: int) -> Executor:
    """A pool of worker processes that know the parent's format table.

    Workers are forked where that is safe and cheap (Linux, and a parent running
    one thread: a fork copies no other thread's held locks); they start without
    re-importing pubconv. Anywhere else they are spawned.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    specs = tuple(f.spec for f in registry.all_formats())
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(_start_method()),
        initializer=_init_worker,
        initargs=(specs,),
    )


def _start_method() -> str:
    """``fork`` on Linux when this process runs one thread (see :func:`_pool`), else ``spawn``."""
    import threading

    return "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "spawn"


def _parallel_items(
    inputs: Sequence[str], workers: int, from_: str | None, encoding: str | None, stdin: BinaryIO | None
) -> Iterator[list[Paper | Diagnostic]]:
    """Each input's items, read by a pool of ``workers`` processes, yielded in input order.

    At most two inputs per worker are in flight, so memory holds a few inputs'
    records, not all of them. Workers are started with ``spawn`` (the same on
    every platform, and safe in a threaded parent). A worker's exception is
    raised here when its input's turn comes, as it would be without workers.
    """
    from collections import deque
    from concurrent.futures import Future

    pool = _pool(workers)
    pending: deque[Future[bytes]] = deque()
    todo = iter(inputs)

    def submit() -> None:
        src = next(todo, None)
        if src is not None:
            task = src if src != "-" else _read_stdin(stdin)
            pending.append(pool.submit(_read_all, task, from_, encoding))

    try:
        for _ in range(2 * workers):
            submit()
        while pending:
            data = pending.popleft().result()
            submit()
            with _gc_paused():
                import pickle  # only parallel runs need it (start-up time)

                batch: list[Paper | Diagnostic] = pickle.loads(data)  # noqa: S301 - our own worker's bytes
            del data
            yield batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


#: Least input per part when one file is converted in parts (smaller parts cost more to
#: start and join than they save).
_SPLIT_MIN_BYTES = 512 * 1024
#: Largest input converted in parts: the text and the joined output are held in memory,
#: where one pass streams in flat memory.
_SPLIT_MAX_BYTES = 256 * 1024 * 1024

# what a part's diagnostics are, by when a one-pass conversion would report them
_LEAD, _BODY, _TAIL = 0, 1, 2


@dataclass(slots=True)
class _Part:
    """One part of a split conversion: its output text and what happened, in order."""

    text: str
    events: list[tuple[int, Diagnostic]]
    """``(phase, diagnostic)``: reader problems before the first record (_LEAD), everything
    reported while records flowed (_BODY), the writer's last report (_TAIL)."""
    records: int
    input_keys: set[str]
    key_log: KeyLog


#: The text being split, for forked workers: they inherit it instead of receiving a pickled
#: copy each (set only while a split conversion's pool runs).
_SPLIT_TEXT: str | None = None


def _convert_part(
    text: str | None,
    start: int,
    end: int,
    source: str,
    from_: str,
    to: str,
    options: dict[str, Any],
    on_progress: Callable[[int], None] | None = None,
) -> _Part:
    """Read ``text[start:end]`` and write it: what :func:`convert_files` does for one part.

    ``text`` None means the inherited :data:`_SPLIT_TEXT`. The diagnostics are recorded
    the way ``convert_files`` reports them, with the phase that places them among the
    other parts' (see :func:`_split_order`).
    """
    from .keys import recording

    if text is None:
        text = _SPLIT_TEXT
        assert text is not None, "a forked worker inherits the text"

    reader, fmt = registry.get(from_), registry.get(to)
    events: list[tuple[int, Diagnostic]] = []
    input_keys: set[str] = set()
    writer_diags: list[Diagnostic] = []
    phase = _LEAD
    records = 0
    origin: list[Position | None] = [None]

    def papers() -> Iterator[Paper]:
        nonlocal phase, records
        for item in reader.module.read_part(text, start, end, source=source, keys=input_keys):
            if isinstance(item, Paper):
                records += 1
                if on_progress is not None:
                    on_progress(records)
                phase = _BODY  # from the first record on
                yield item
            else:
                events.append((phase, item))

    def body(d: Diagnostic) -> None:
        events.append((_BODY, d))

    with recording() as key_log, _gc_paused():
        flushed = _flushing(papers(), fmt, writer_diags, body, origin)
        out = "".join(fmt.iter_write(flushed, diagnostics=writer_diags, **options))
    events += [(_TAIL, _placed(d, origin[0])) for d in writer_diags]
    return _Part(out, events, records, input_keys, key_log)


def _flushing(
    papers: Iterable[Paper],
    fmt: registry.Format,
    writer_diags: list[Diagnostic],
    report: Callable[[Diagnostic], None],
    origin: list[Position | None],
) -> Iterator[Paper]:
    """``papers`` on their way to ``fmt``'s writer, reporting as they go.

    Before each paper, the writer's diagnostics (they concern the previous paper) are
    reported placed at that paper's origin, then what ``fmt`` cannot hold of the new
    one. ``origin[0]`` is the origin of the paper the writer handles now, for what
    the writer reports after the last one.
    """
    for p in papers:
        while writer_diags:
            report(_placed(writer_diags.pop(0), origin[0]))
        d = losses(p, fmt)
        if d is not None:
            report(d)
        origin[0] = p.origin
        yield p  # under strict, keep going: every diagnostic is reported, then nothing is written


def _split_order(parts: Sequence[_Part]) -> Iterator[Diagnostic]:
    """The parts' diagnostics in the order one pass over the whole input reports them.

    One pass reports a record's writer diagnostics when the next record arrives: the
    last ones of a part come after the next part's leading reader problems, and before
    anything else of the next part that has records.
    """
    tail: list[Diagnostic] = []
    for part in parts:
        yield from (d for phase, d in part.events if phase == _LEAD)
        if part.records:
            yield from tail
            tail = [d for phase, d in part.events if phase == _TAIL]
            yield from (d for phase, d in part.events if phase == _BODY)
    yield from tail


def _parts_agree(parts: Sequence[_Part]) -> bool:
    """True when the parts, written apart, say what one pass would.

    A citation key in two parts would have been a duplicate (``PC200``) in one
    pass; a key a later part's writer tried that an earlier part's writer gave
    out would have been renamed. Either way the input is converted in one pass.
    """
    seen_input: set[str] = set()
    taken: set[str] = set()
    for part in parts:
        if not seen_input.isdisjoint(part.input_keys) or not taken.isdisjoint(part.key_log.tried):
            return False
        seen_input |= part.input_keys
        taken |= part.key_log.taken
    return True


def _split_convert(
    path: str,
    fmt: registry.Format,
    from_: str | None,
    encoding: str | None,
    jobs: int | None,
    options: dict[str, Any],
    on_progress: Callable[[int], None] | None = None,
) -> list[_Part] | None:
    """Convert one large input in parts, one per worker, or None when it cannot be split.

    ``on_progress`` follows the first part (the one this process converts), record by record.

    The parts are cut where the reader starts a record, read and written at once
    (this process takes the first), and joined. The result is what one pass gives,
    diagnostics and their order included; when the parts cannot know that (a key in
    two parts, a ``crossref``; see :func:`_parts_agree`), the caller converts in one pass.
    """
    if encoding is not None and codecs.lookup(encoding).name != "utf-8":
        return None
    if not fmt.joins or not set(options) <= fmt.write_options():
        return None
    size = os.path.getsize(path)
    if size > _SPLIT_MAX_BYTES:  # the text and the joined output are held: stream instead
        return None
    wanted = min(_worker_count(jobs, size // _SPLIT_MIN_BYTES or 1), 64)
    if wanted < 2:
        return None
    with open(path, "rb") as fh:
        head = fh.read(registry.SNIFF_CHARS)
        reader = _detect(from_, decode(head, path, encoding)[0], path)  # as one pass detects it
        if not reader.splits:
            return None
        data = head + fh.read()
    if b"\r" in data:  # the line reader normalises such text line by line: keep one path for it
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    del data, head
    text = text.removeprefix("\ufeff")
    cuts = reader.module.split_points(text, wanted)
    if not cuts:
        return None
    bounds = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
    args = (path, reader.name, fmt.name, options)
    global _SPLIT_TEXT
    inherited = _start_method() == "fork"
    _SPLIT_TEXT = text if inherited else None
    try:
        with _pool(len(bounds) - 1) as pool:
            sent = None if inherited else text
            futures = [pool.submit(_convert_part, sent, a, b, *args) for a, b in bounds[1:]]
            try:
                first_start, first_end = bounds[0]
                parts = [_convert_part(text, first_start, first_end, *args, on_progress)]
                parts += [f.result() for f in futures]
            except Exception:  # one pass raises it again, where it belongs
                for f in futures:
                    f.cancel()
                return None
    finally:
        _SPLIT_TEXT = None
    del text
    if not _parts_agree(parts):
        return None
    return parts


def _part_texts(parts: list[_Part]) -> Iterator[str]:
    """Each part's output, dropped here once it is handed on (the output is written as it goes)."""
    for part in parts:
        text, part.text = part.text, ""
        yield text


def convert_files(
    inputs: Sequence[str],
    to: str,
    *,
    output: str | None = None,
    from_: str | None = None,
    strict: bool = False,
    encoding: str | None = None,
    on_diagnostic: Callable[[Diagnostic], None] | None = None,
    stdin: BinaryIO | None = None,
    stdout: IO[str] | None = None,
    jobs: int | None = 1,
    on_progress: Callable[[int], None] | None = None,
    **options: Any,
) -> ConvertReport:
    """Convert several inputs into one output, in order, streaming where the formats allow.

    ``"-"`` reads standard input. ``output=None`` writes to ``stdout``. An output
    that is one of the inputs is refused (:class:`InputError`); a path output is
    written atomically and left untouched when the conversion fails; with
    ``strict=True`` any warning or error writes nothing and raises
    :class:`StrictError`.

    ``jobs`` reads and parses up to that many inputs at once in worker processes
    (``0`` or ``None``: one per CPU). The output, the diagnostics and their order
    are the same as with ``jobs=1``: results come back in input order and are
    written here, by one writer, so citation keys stay unique across inputs. A
    worker holds a whole input's records until it is written, so parallel runs
    do not stream within a file. One large input (BibTeX without ``crossref``,
    clean UTF-8, from 1 to 256 MiB, written as CSL-JSON, RIS, BibTeX to another
    dialect or BibLaTeX) is instead cut into parts, one per job, each read and
    written at once, and joined; the result is checked to be what one pass gives
    (a citation key in two parts sends the input back to one pass), and the
    output is held in memory until it is written. Workers are forked on Linux
    when the caller runs one thread, and spawned otherwise, so a script that
    passes ``jobs`` must keep its top-level code under
    ``if __name__ == "__main__":``.
    ``on_progress`` is called with the number of records read so far, after
    each record.

    .. versionchanged:: 0.2
       ``jobs`` and ``on_progress``; ``jobs`` splits one large input.
    """
    fmt = registry.get(to)
    if not fmt.can_write:
        registry.get(to).write([])  # raises UnknownFormatError with the writable names
    workers = _worker_count(jobs, len(inputs))
    if output is not None and output != "-":
        for src in inputs:
            if src != "-" and _same_file(src, output):
                raise InputError(f"{output}: refusing to overwrite an input file")
    report = ConvertReport()

    def note(d: Diagnostic) -> None:
        if d.severity is Severity.ERROR:
            report.errors += 1
        elif d.severity is Severity.WARNING:
            report.warnings += 1
        if _is_reportable(d):  # info (one per generated key) would grow with the stream
            if strict or len(report.diagnostics) < REPORT_KEEP:  # strict: all, for StrictError
                report.diagnostics.append(d)
            else:  # a warning per record (a field the target cannot hold) would grow with it too
                report.omitted += 1
        if on_diagnostic is not None:
            on_diagnostic(d)

    # open every input up front so an unreadable one fails before anything is written
    for src in inputs:
        if src != "-" and not os.path.isfile(src):
            raise InputError(
                f"{src}: no such file" if not os.path.exists(src) else f"{src}: not a regular file"
            )

    writer_diags: list[Diagnostic] = []
    whole: ReadResult | None = None
    if len(inputs) == 1 and inputs[0] != "-" and "document" not in options and fmt.keeps_document:
        # same-format conversion of one file keeps document-level data (BibTeX macros, preamble);
        # the writer puts it first, so such a file is read whole (other formats stream)
        with _open_binary(inputs[0]) as (stream, _text, name):
            assert stream is not None
            head, _ = decode(stream.read(registry.SNIFF_CHARS), name, encoding)
        if _detect(from_, head, name) is fmt:
            with _reading(name):
                whole = read(inputs[0], from_, encoding=encoding)
            if whole.document is not None:
                options["document"] = whole.document

    def items() -> Iterator[Paper | Diagnostic]:
        if whole is not None:
            yield from whole.diagnostics
            yield from whole.papers
            return
        if workers > 1:
            for batch in _parallel_items(inputs, workers, from_, encoding, stdin):
                batch.reverse()
                while batch:
                    yield batch.pop()  # each record is dropped here once the writer is done with it
            return
        for src in inputs:
            source: PathOrFile = src if src != "-" else _stdin_source(_read_stdin(stdin))
            yield from _file_items(source, from_, encoding)

    def papers() -> Iterator[Paper]:
        for item in items():
            if isinstance(item, Paper):
                report.records += 1
                if not report.records % _GC_EVERY:
                    gc.collect(0)  # the collector is paused below; cyclic garbage stays bounded
                if on_progress is not None:
                    on_progress(report.records)
                yield item
            else:
                note(item)

    last_origin: list[Position | None] = [None]  # of the paper the writer handles now

    split = None
    if whole is None and len(inputs) == 1 and inputs[0] != "-" and _worker_count(jobs, 2) > 1:
        split = _split_convert(inputs[0], fmt, from_, encoding, jobs, options, on_progress)
    chunks: Iterable[str]
    if split is not None:
        for part in split:
            report.records += part.records
        if on_progress is not None and split[0].records != report.records:
            on_progress(report.records)  # the other parts' records, at once
        for d in _split_order(split):
            note(d)
        chunks = fmt.module.join_parts(_part_texts(split))
    else:
        flushed = _flushing(papers(), fmt, writer_diags, note, last_origin)
        chunks = fmt.iter_write(flushed, diagnostics=writer_diags, **options)

    def finish() -> None:
        while writer_diags:
            note(_placed(writer_diags.pop(0), last_origin[0]))
        if strict and (report.errors or report.warnings):
            raise StrictError([d for d in report.diagnostics if _is_reportable(d)])

    if output is not None and output != "-":
        with _atomic_output(output) as out:
            with _gc_paused():
                for chunk in chunks:
                    out.write(chunk)
            finish()
        return report
    target = stdout if stdout is not None else sys.stdout
    if strict:
        with _gc_paused():
            buffered = "".join(chunks)
        finish()
        target.write(buffered)
    else:
        with _gc_paused():
            for chunk in chunks:
                target.write(chunk)
        finish()
    target.flush()
    return report
