"""The one upward search: from a file to the configuration file and the series folder that govern it.

Walking up from a file's folder, nearest first:

* the configuration file: ``subloc.toml``, or a ``pyproject.toml`` with a ``[tool.subloc]`` table
  (a ``subloc.toml`` wins over a pyproject.toml in the same folder);
* the series folder: the nearest folder with a ``series.toml`` or a ``glossary.<lang>.tsv``;
* for a walked folder, the ``.gitignore`` files that govern it (:func:`gitignores`): those above it up
  to the git repository's root, and those below it.

:func:`locate` is the only code that walks up; configuration (:mod:`subloc.config`), the series
(:mod:`subloc.series`), the glossary stack and the TM location all start from its answer, and
:class:`subloc.project.Project` holds them together. TOML files are parsed once per version of the
file: the cache is keyed on (path, mtime, size), so an edited file is read again in the same process.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigError
from .gitignore import Rules, read as read_gitignore
from .patterns import lazy

Stamp = tuple[str, int, int]


def stamp(path: Path) -> Stamp | None:
    """(path, mtime in ns, size) of a file, or None when there is no such file: a cache key that
    changes when the file does."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (str(path), info.st_mtime_ns, info.st_size)


_TOML: dict[str, tuple[Stamp, dict[str, Any], str]] = {}


MAX_NESTING = 32  # tables and arrays inside each other; subloc's own configuration needs 3


def _tomllib():  # type: ignore[no-untyped-def]
    """tomllib, imported when a configuration file is read (its regexes and string's cost ~8 ms a process)."""
    import tomllib

    return tomllib


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """A TOML file's data and text (parsed once per version); unreadable, not UTF-8, a syntax error or
    absurd nesting is a ConfigError with the line."""
    key = stamp(path)
    cached = _TOML.get(str(path))
    if key is not None and cached is not None and cached[0] == key:
        return cached[1], cached[2]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"byte {raw[exc.start:exc.start + 1]!r} is not valid UTF-8", path=str(path),
                          line=raw[:exc.start].count(b"\n") + 1, hint="TOML files are UTF-8: save it as UTF-8") from None
    deep = _too_deep(text)
    if deep:
        raise ConfigError(f"tables or arrays nested more than {MAX_NESTING} deep", path=str(path), line=deep,
                          hint="a subloc configuration needs at most 3 levels")
    try:
        data = _tomllib().loads(text)
    except _tomllib().TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=str(path), line=int(match.group(1)) if match else None) from None
    except RecursionError:
        raise ConfigError("tables or arrays nested too deeply", path=str(path)) from None
    if key is not None:
        _TOML[str(path)] = (key, data, text)
    return data, text


def _too_deep(text: str) -> int | None:
    """The line where inline arrays or tables nest past MAX_NESTING (strings and comments skipped), or None."""
    depth, line, quote, i = 0, 1, "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line += 1
        if quote:
            if ch == "\\" and quote in ('"', '"""'):
                line += text[i + 1:i + 2] == "\n"
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None


# Where a [tool.subloc] table can start: a [tool.subloc…] or [[tool.subloc…]] header, a tool.subloc…
# dotted key, a bare [tool] table or a tool = {…} inline table (quoted or spaced keys too). A
# pyproject.toml with none of these (the usual one: [project], [tool.pytest…], [tool.ruff…]) is not
# parsed, and tomllib is not imported.
_SUBLOC_TABLE = lazy(r"""^\ufeff?[ \t]*\[{0,2}[ \t]*["']?tool["']?[ \t]*(?:\.[ \t]*["']?subloc\b|\]|=)""", re.M)


def _has_subloc_table(pyproject: Path) -> bool:
    try:
        with open(pyproject, "rb") as handle:
            raw = handle.read()
        if b"subloc" not in raw or not _SUBLOC_TABLE.search(raw.decode("utf-8", errors="replace")):
            return False  # no [tool.subloc] table can hide in this file: not parsed
    except OSError:
        pass  # read_toml reports it
    data, _ = read_toml(pyproject)
    return isinstance(data.get("tool"), dict) and "subloc" in data["tool"]


class Location(NamedTuple):  # (a NamedTuple: a frozen dataclass costs every process ~1.5 ms to create)
    """What governs a path: its configuration file and its series folder (either may be missing)."""

    folder: Path  # the folder the search started in
    config_file: Path | None = None
    series_dir: Path | None = None

    @property
    def series_toml(self) -> Path | None:
        if self.series_dir is None:
            return None
        candidate = self.series_dir / "series.toml"
        return candidate if candidate.is_file() else None


def start_folder(path: str | Path, is_folder: bool | None = None) -> Path:
    """The folder a search starts in: ``path`` itself when it is (or, with ``is_folder=True``, will be) a
    folder, else the folder it is in."""
    here = Path(path).resolve()
    return here if (here.is_dir() if is_folder is None else is_folder) else here.parent


def locate(path: str | Path, is_folder: bool | None = None) -> Location:
    """One walk up from ``path`` (a file or a folder; ``is_folder=True`` for an output folder that may not
    exist yet) that finds the configuration file and the series folder."""
    folder = start_folder(path, is_folder)
    config_file: Path | None = None
    series_dir: Path | None = None
    for here in (folder, *folder.parents):
        if config_file is None:
            for name in ("subloc.toml", "pyproject.toml"):
                candidate = here / name
                if candidate.is_file() and (name == "subloc.toml" or _has_subloc_table(candidate)):
                    config_file = candidate
                    break
        if series_dir is None and ((here / "series.toml").is_file() or _has_glossary(here)):
            series_dir = here
        if config_file is not None and series_dir is not None:
            break
    return Location(folder, config_file, series_dir)


def _has_glossary(folder: Path) -> bool:
    """Whether ``folder`` holds a ``glossary.<lang>.tsv`` file."""
    try:
        with os.scandir(folder) as entries:
            return any(e.name.startswith("glossary.") and e.name.endswith(".tsv") and len(e.name) >= 13
                       and e.is_file() for e in entries)
    except OSError:
        return False


def gitignores(folder: Path) -> Rules:
    """The ``.gitignore`` files that govern files below ``folder``, outermost first: those above it up to
    the repository root (only inside a git repository, as git reads them; a stray one above a plain
    folder does not count), the folder's own, and those below it."""
    root = folder.resolve()
    above: list[Path] = []
    for parent in (root, *root.parents):
        if (parent / ".gitignore").is_file():
            above.append(parent / ".gitignore")
        if (parent / ".git").exists():
            break
    else:  # not in a git repository: only the folder's own .gitignore, none from above it
        above = above[:1] if above and above[0].parent == root else []
    below = []
    for here, folders, names in os.walk(root):  # (hidden folders are never walked for subtitles)
        folders[:] = [name for name in folders if not name.startswith(".")]
        if ".gitignore" in names and here != str(root):
            below.append(Path(here, ".gitignore"))
    below.sort(key=lambda p: len(p.parts))
    return Rules([(str(f.parent), read_gitignore(str(f))) for f in [*reversed(above), *below]])
