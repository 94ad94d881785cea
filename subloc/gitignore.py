"""``.gitignore`` patterns as git reads them (gitignore(5)), for walking folders.

* A line is a pattern; blank lines and lines starting with ``#`` are none; trailing spaces are dropped
  unless escaped (``\\ ``); ``\\`` escapes the next character (``\\#``, ``\\!``).
* ``!`` re-includes what an earlier pattern excluded.
* A trailing ``/`` matches directories only. A ``/`` at the start or in the middle anchors the pattern to
  the folder of its ``.gitignore``; without one it matches a name at any depth.
* ``*`` and ``?`` do not match ``/``; ``[a-z]``, ``[!a-z]`` and ``[^a-z]`` are bracket expressions;
  ``**/`` (leading), ``/**/`` and ``/**`` (trailing) match across folders; any other ``**`` is ``*``.
* A path is judged folder by folder from the top, as git walks: the last matching pattern decides, a
  deeper ``.gitignore`` after a shallower one; an excluded folder excludes everything in it, and nothing
  inside it can be re-included.

pathspec did this until importing it cost every ``subloc check`` in a git repository ~50 million
instructions (~20 ms: its 1.x backends probing for hyperscan and re2, typing_extensions), a quarter of
reading 90 episodes of regular SRT. A test holds this module to ``git ls-files --others
--exclude-standard`` on a repository of awkward patterns.
"""

from __future__ import annotations

import os
import re
from typing import Callable, NamedTuple

_CLASSES = {"alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "digit": "0-9", "lower": "a-z",
            "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "space": " \\t\\n\\r\\f\\v",
            "upper": "A-Z", "xdigit": "0-9A-Fa-f", "cntrl": "\\x00-\\x1f\\x7f", "graph": "!-~", "print": " -~"}


class Pattern(NamedTuple):
    match: Callable[[str], object]  # the compiled regex's fullmatch, on a path or a name
    negate: bool
    directories_only: bool
    anywhere: bool  # no slash: matched against the name at any depth, not the path


def _bracket(pattern: str, i: int) -> tuple[str, int] | None:
    """The regex of the bracket expression starting at ``pattern[i] == "["`` and the index after it, or
    None when it never closes (git then matches nothing). As git's wildmatch: a ``]`` first is a
    character, a range written backwards (``z-a``) matches its first character only, ``[:alpha:]`` and
    the other classes are known."""
    n = len(pattern)
    j = i + 1
    negate = j < n and pattern[j] in "!^"
    if negate:
        j += 1
    items: list[str] = []
    first = True
    while j < n:
        ch = pattern[j]
        if ch == "]" and not first:
            body = "".join(items)  # (with WM_PATHNAME a bracket expression never matches "/")
            return (f"[^/{body}]" if negate else f"(?!/)[{body}]"), j + 1
        first = False
        if ch == "[" and pattern.startswith("[:", j):
            end = pattern.find(":]", j + 2)
            if end > 0 and pattern[j + 2:end] in _CLASSES:
                items.append(_CLASSES[pattern[j + 2:end]])
                j = end + 2
                continue
        if ch == "\\" and j + 1 < n:
            low, j = pattern[j + 1], j + 2
        else:
            low, j = ch, j + 1
        if j + 1 < n and pattern[j] == "-" and pattern[j + 1] != "]":
            k = j + 1
            if pattern[k] == "\\" and k + 1 < n:
                high, k = pattern[k + 1], k + 2
            else:
                high, k = pattern[k], k + 1
            items.append(f"{re.escape(low)}-{re.escape(high)}" if low <= high else re.escape(low))
            j = k
        else:
            items.append(re.escape(low))
    return None


def _regex(body: str) -> str | None:
    """The regex of a wildmatch pattern with WM_PATHNAME (``*`` stops at ``/``), or None when it can
    match nothing (an unclosed bracket, a trailing lone backslash)."""
    out = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "*":
            j = i
            while j < n and body[j] == "*":
                j += 1
            double = j - i >= 2 and (i == 0 or body[i - 1] == "/") and (j == n or body[j] == "/")
            if double and j == n:
                out.append(".*")  # "/**" at the end (or the whole pattern): everything inside
            elif double:
                out.append("(?:.*/)?")  # "**/": zero or more folders
                j += 1  # the slash is part of it
            else:
                out.append("[^/]*")
            i = j
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            got = _bracket(body, i)
            if got is None:
                return None
            out.append(got[0])
            i = got[1]
        elif ch == "\\":
            if i + 1 >= n:
                return None
            out.append(re.escape(body[i + 1]))
            i += 2
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def parse(lines: list[str]) -> list[Pattern]:
    """The patterns of a ``.gitignore``'s lines, in order."""
    out = []
    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        if not line or line.startswith("#"):
            continue
        end = len(line)
        while end > 0 and line[end - 1] == " " and not (end >= 2 and line[end - 2] == "\\"):
            end -= 1  # trailing spaces, unless escaped
        line = line[:end]
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        directories_only = line.endswith("/") and not line.endswith("\\/")
        if directories_only:
            line = line.rstrip("/")
        if not line:
            continue
        anywhere = "/" not in line
        regex = _regex(line.lstrip("/") if not anywhere else line)
        if regex is None:
            continue
        try:
            match = re.compile(regex, re.DOTALL).fullmatch
        except re.error:  # (no pattern built above should fail; one that would matches nothing)
            continue
        out.append(Pattern(match, negate, directories_only, anywhere))
    return out


def read(path: str) -> list[Pattern]:
    """The patterns of one ``.gitignore`` file (unreadable: none; bytes that are not UTF-8 replaced)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return parse(handle.read().splitlines())
    except OSError:
        return []


class Rules:
    """The ``.gitignore`` files that govern a tree: (folder, patterns), outermost first. ``ignored(path)``
    judges an absolute path folder by folder below the outermost file's folder, remembering folders."""

    def __init__(self, files: list[tuple[str, list[Pattern]]]) -> None:
        self.files = [(base.rstrip(os.sep), patterns) for base, patterns in files if patterns]
        self._folders: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.files)

    def _verdict(self, path: str, is_dir: bool) -> bool | None:
        """Whether ``path`` itself is excluded (True), re-included (False) or not named (None)."""
        verdict = None
        name = path.rsplit(os.sep, 1)[-1]
        for base, patterns in self.files:
            if not path.startswith(base + os.sep):
                continue
            rel = path[len(base) + 1:]
            if os.sep != "/":
                rel = rel.replace(os.sep, "/")
            for pattern in patterns:
                if pattern.directories_only and not is_dir:
                    continue
                if pattern.match(name if pattern.anywhere else rel):
                    verdict = not pattern.negate
        return verdict

    def _folder_ignored(self, folder: str) -> bool:
        known = self._folders.get(folder)
        if known is None:
            parent = folder.rsplit(os.sep, 1)[0]
            top = self.files[0][0]
            known = (parent != folder and parent.startswith(top + os.sep) and self._folder_ignored(parent)) \
                or bool(self._verdict(folder, True))
            self._folders[folder] = known
        return known

    def ignored(self, path: str, is_dir: bool = False) -> bool:
        """Whether git ignores ``path`` (absolute, no trailing separator): it or a folder above it is
        excluded by the last pattern that names it."""
        if not self.files:
            return False
        if is_dir:
            return self._folder_ignored(path)
        parent = path.rsplit(os.sep, 1)[0]
        top = self.files[0][0]
        if parent.startswith(top + os.sep) and self._folder_ignored(parent):
            return True
        return bool(self._verdict(path, False))
