"""A one-line progress counter for terminals, with no dependencies.

The command line shows it on standard error during long conversions (see
``--progress`` in :mod:`pubconv.cli`). It redraws one line in place with a
carriage return, so it is only meant for a terminal; whoever writes anything
else to the same stream calls :meth:`Progress.clear` first.

.. versionadded:: 0.2
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import IO

__all__ = ["Progress"]


class Progress:
    """Records done, rate and elapsed time, redrawn in place on ``stream``.

    Nothing is drawn during the first ``delay`` seconds, so short runs stay
    silent; after that the line is redrawn at most once per ``interval``
    seconds, however often :meth:`update` is called (it is cheap: one clock
    read). :meth:`close` erases the line for good.
    """

    def __init__(
        self,
        stream: IO[str],
        *,
        delay: float = 0.5,
        interval: float = 0.1,
        unit: str = "records",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._interval = interval
        self._unit = unit
        self._clock = clock
        self._start = clock()
        self._next = self._start + delay
        self._width = 0
        """Characters of the line now on screen (0: nothing drawn)."""
        self._closed = False
        self.count = 0
        """The last count given to :meth:`update`."""
        self.draws = 0
        """How many times the line was drawn."""

    def update(self, count: int) -> None:
        """Record that ``count`` items are done; redraw if the interval has passed."""
        self.count = count
        now = self._clock()
        if now >= self._next and not self._closed:
            self._next = now + self._interval
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self._start
        rate = f", {self.count / elapsed:,.0f}/s" if elapsed > 0 else ""
        text = f"pubconv: {self.count:,} {self._unit}{rate}, {elapsed:.1f} s"
        pad = " " * max(0, self._width - len(text))  # cover what is left of a longer line
        self._stream.write("\r" + text + pad)
        self._stream.flush()
        self._width = len(text)
        self.draws += 1

    def clear(self) -> None:
        """Erase the line (if drawn) and leave the cursor at its start."""
        if self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def close(self) -> None:
        """Erase the line; later updates draw nothing."""
        self.clear()
        self._closed = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
