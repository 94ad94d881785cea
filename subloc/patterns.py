"""Regular expressions compiled when first used.

Python compiles a regular expression in Python code: the 53 patterns of the modules a ``subloc check``
imports cost ~15 ms of every process to compile at import, though a check of an SRT file in one
language uses fewer than half of them (no WebVTT timings, no Vietnamese pronouns in a Chinese file, no
mistyped arrows in a clean file); a Han or Hangul class alone costs 2-5 ms (sre walks every code point
of a range). A module's pattern is :func:`lazy`: compiled by its first method call, its methods then
come from the compiled pattern, at the same cost as calling it directly. A pattern whose source is put
together at run time goes through :func:`compiled`, once per process and source.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

_METHODS = ("match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split")


class _Lazy:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern, self._flags = pattern, flags  # (the source is read without compiling: lazy(X.pattern + "+"))

    def __getattr__(self, name: str) -> Any:  # (only until the first use: then the methods are attributes)
        compiled = re.compile(self.pattern, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when a method is first called."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))


@lru_cache(maxsize=None)
def compiled(source: str) -> re.Pattern[str]:
    """``re.compile(source)``, once per process and source."""
    return re.compile(source)
