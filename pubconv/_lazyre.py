"""Regular expressions compiled on first use.

``pubconv check`` on one small file is what a pre-commit hook runs, over and over:
compiling the 85 module-level patterns of the check path cost about 17 ms of its
start-up, 10 ms of it for patterns a small, clean file never reaches. :func:`lazy`
returns an object that compiles its pattern the first time it is used and then
holds the compiled pattern's methods as its own attributes, so later calls cost
what calls on a compiled pattern cost.
"""

from __future__ import annotations

import re
from typing import Any, cast

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner")


class _Lazy:
    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # only called for what the instance does not hold: the first use, and attributes
        # other than the methods (``groups``, ``pattern``, ...)
        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = re.compile(*self._source)
            self.__dict__["_compiled"] = compiled
            for method in _METHODS:
                setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r}, {self._source[1]!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done when the pattern is first used."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))
