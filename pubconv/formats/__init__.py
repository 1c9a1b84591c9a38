"""Format modules: one module per format, all with the same contract.

A format module exports:

``NAME: str``
    Short, stable name used by ``--from``/``--to`` (``"bibtex"``).
``ALIASES: tuple[str, ...]``
    Other accepted names (``("csl-json",)``).
``EXTENSIONS: tuple[str, ...]``
    File suffixes, lower-case with the dot (``(".bib",)``).
``DESCRIPTION: str``
    One line for ``--list-formats``.
``SUPPORTS: frozenset[str]``
    The :class:`~pubconv.model.Paper` fields the format can represent; round-trip
    tests compare ``read(write(p))`` with ``p`` restricted to these.
``sniff(head: str) -> bool``
    Cheap content test on the first few kilobytes of a text.
``read(text: str, *, source: str = "<string>") -> ReadResult`` or ``None``
    Parse a whole text into papers plus diagnostics; never raises for bad
    records (they become diagnostics), only for an unusable input.
``write(papers, *, diagnostics: list[Diagnostic] | None = None, **options) -> str`` or ``None``
    Serialise papers; deterministic; output ends with a newline. What the
    format cannot hold is appended to ``diagnostics`` (code ``PC400``).

Formats that stream also export ``iter_read(lines, *, source)`` yielding
:class:`~pubconv.model.Paper` and :class:`~pubconv.errors.Diagnostic` values
one record at a time, and ``iter_write(papers, *, diagnostics, **options)``
yielding text chunks.

A format whose large inputs can be read in parts (``convert_files`` with
``jobs``) exports ``split_points(text, parts) -> list[int]`` (offsets of cuts
between records; none when the text cannot be cut) and ``read_part(text, start,
end, *, source, keys)`` (what ``iter_read`` yields for that part, positions in
the whole text; the part's citation keys are added to ``keys``). A writer whose
outputs for consecutive parts can be joined exports ``join_parts(texts)``,
yielding the one output as chunks.

Functions take and return ``str``: files, encodings and streams are the
business of :mod:`pubconv.api` alone.
"""
