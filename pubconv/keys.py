"""Citation keys: generation and per-file uniqueness, shared by all writers.

A generated key is ``<family><year><word>``: the first author's family name (or
the first word of a literal name; the first editor when there is no author),
the year, and the first title word that is not a stop word, each folded to
lower-case ASCII letters and digits: *learn2learn: A Library for
Meta-Learning Research* by Arnold (2020) -> ``arnold2020learn2learn``.
Collisions get ``a``, ``b``, ... ``z``, ``aa``, ... suffixes.

:class:`KeyAllocator` keeps the keys used in one output file, so it works on
streams: existing keys are kept unless already used (then renamed with a
suffix, code ``PC402``); papers without a key get a generated one (``PC402``).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

from .errors import Diagnostic
from .model import Paper

__all__ = ["STOPWORDS", "KeyAllocator", "KeyLog", "fold", "generate_key", "recording"]

STOPWORDS: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "or",
        "to",
        "with",
        "at",
        "by",
        "from",
        "into",
        "onto",
        "as",
        "is",
        "are",
        "be",
        "via",
        "its",
        "their",
        "our",
        "towards",
        "toward",
        "do",
        "does",
        "can",
        "when",
        "how",
        "what",
        "why",
        "which",
        "who",
        "about",
        "over",
        "under",
    ]
)
_SPECIAL_FOLD: Final = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
     "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i"}
)  # fmt: skip
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: ``Sébastien`` -> ``sebastien``."""
    if text.isascii():
        text = text.lower()
        return text if text.isalnum() else _NOT_ALNUM.sub("", text)
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_FOLD))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub("", text)


def generate_key(paper: Paper) -> str:
    """The deterministic base key for ``paper`` (no collision suffix)."""
    who = ""
    names = paper.author or paper.editor
    if names:
        first = names[0]
        if first.family:
            who = fold(first.family)
        elif first.literal:
            words = first.literal.split()
            who = fold(words[0]) if words else ""
    year = ""
    if paper.issued is not None and paper.issued.year is not None:
        year = str(paper.issued.year)
    word = ""
    for m in _WORD.finditer(paper.title or ""):
        text = m.group()
        if text.lower() in STOPWORDS:
            continue  # tested first: a stop word need not be folded
        word = fold(text)
        if word:
            break
    key = who + year + word
    return key or "anon"


def _suffix(i: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    out = ""
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        out = chr(97 + r) + out
    return out


class _KeySet:
    """A compact set of keys: 64-bit fingerprints in an open-addressing table.

    A streamed output file can hold millions of keys; as ``str`` objects in a ``set``
    they took about 110 bytes each, here they take at most 16. The fingerprint is
    the string's own hash (SipHash-1-3, keyed at random per process unless
    ``PYTHONHASHSEED`` fixes it; ``str`` caches it, so it costs nothing after the
    first use). Two different keys share a fingerprint with probability about
    2**-64 per pair (about 3e-8 over a million keys); the only effect would be a
    needless collision suffix, never a duplicate.
    """

    __slots__ = ("_mask", "_size", "_table")

    def __init__(self) -> None:
        self._table = array("Q", bytes(8 * 1024))
        self._mask = 1023
        self._size = 0

    @staticmethod
    def _fingerprint(key: str) -> int:
        return (hash(key) & _MASK64) or 1  # 0 marks an empty slot

    def _slot(self, fp: int) -> int:
        table, mask = self._table, self._mask
        i = fp & mask
        while True:
            found = table[i]
            if found == fp or found == 0:
                return i
            i = (i + 1) & mask

    def __contains__(self, key: str) -> bool:
        fp = self._fingerprint(key)
        return self._table[self._slot(fp)] == fp

    def __len__(self) -> int:
        return self._size

    def add(self, key: str) -> None:
        self.add_new(key)

    def add_new(self, key: str) -> bool:
        """Add ``key``; False when it was already there (one fingerprint for test and add)."""
        # _fingerprint and _slot inlined: this runs once or twice per written entry
        fp = (hash(key) & _MASK64) or 1
        table, mask = self._table, self._mask
        i = fp & mask
        while True:
            found = table[i]
            if found == fp:
                return False
            if found == 0:
                break
            i = (i + 1) & mask
        table[i] = fp
        self._size += 1
        if 2 * self._size > self._mask:  # keep the load at most 1/2: short probe runs
            old = self._table
            self._mask = 2 * len(old) - 1
            self._table = array("Q", bytes(16 * len(old)))
            for old_fp in old:
                if old_fp:
                    self._table[self._slot(old_fp)] = old_fp
        return True


_MASK64: Final = (1 << 64) - 1


class KeyLog:
    """What the allocators made while :func:`recording` was active (lower-cased keys).

    ``tried`` holds every key an allocator tested, ``taken`` the ones it gave out.
    Two allocators that handle consecutive parts of one output agree with a single
    allocator over the whole when no key the later one tried was taken by the
    earlier one (see :func:`pubconv.api.convert_files`, which splits large inputs).
    """

    __slots__ = ("taken", "tried")

    def __init__(self) -> None:
        self.tried: set[str] = set()
        self.taken: set[str] = set()


_LOG: ContextVar[KeyLog | None] = ContextVar("pubconv_key_log", default=None)


@contextmanager
def recording() -> Iterator[KeyLog]:
    """Record the keys that allocators created inside the block test and give out."""
    log = KeyLog()
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)


#: Base keys whose next collision suffix is remembered (an LRU; older ones start again at ``a``).
_NEXT_MAX: Final = 4096


class KeyAllocator:
    """Allocates unique citation keys for one output file.

    Memory grows by about 16 bytes per key (see :class:`_KeySet`), so a streamed
    conversion of millions of records stays small.
    """

    def __init__(self) -> None:
        self.used = _KeySet()
        """The keys given out so far, lower-cased (BibTeX compares keys case-insensitively)."""
        # next suffix index to try per base key: keeps n collisions linear, not quadratic
        self._next: OrderedDict[str, int] = OrderedDict()
        self._log = _LOG.get()

    def _unique(self, base: str) -> str:
        """``base``, or ``base`` with the first free suffix; recorded as used."""
        low = base.lower()
        log = self._log
        i = self._next.pop(low, None)
        if i is None:
            if log is not None:
                log.tried.add(low)
            if self.used.add_new(low):
                if log is not None:
                    log.taken.add(low)
                return base
            i = 0
        # else: _next only holds bases already used, so ``add_new(low)`` would have said False
        while True:
            cand = base + _suffix(i)
            i += 1
            cand_low = cand.lower()
            if log is not None:
                log.tried.add(cand_low)
            if self.used.add_new(cand_low):
                if log is not None:
                    log.taken.add(cand_low)
                self._next[low] = i
                if len(self._next) > _NEXT_MAX:
                    self._next.popitem(last=False)
                return cand

    def allocate(
        self,
        paper: Paper,
        diagnostics: list[Diagnostic] | None = None,
        *,
        valid: Callable[[str], object] | None = None,
    ) -> str:
        """The key to write for ``paper``; records it as used.

        Keys compare case-insensitively (as BibTeX does). ``valid`` rejects
        existing keys the target format cannot hold (a new key is generated).
        """
        key = paper.key
        if key and (valid is None or valid(key)):
            out = self._unique(key)
            if out != key and diagnostics is not None:
                msg = f"duplicate citation key {key!r} renamed to {out!r}"
                diagnostics.append(Diagnostic.make("PC402", msg, paper.origin, key=out))
        else:
            out = self._unique(generate_key(paper))
            if diagnostics is not None:
                why = f"key {key!r} cannot be used" if key else "paper has no key"
                msg = f"{why}; generated {out!r}"
                # at the paper's origin: where the user looks (the api would otherwise place it)
                diagnostics.append(Diagnostic.make("PC402", msg, paper.origin, key=out))
        return out  # _unique recorded it
