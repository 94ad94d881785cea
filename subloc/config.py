"""Project configuration: ``subloc.toml`` or ``[tool.subloc]`` in pyproject.toml.

Found by walking up from the checked file (a ``subloc.toml`` wins over a pyproject.toml in the same
folder). One precedence everywhere: CLI flag > project file > defaults. Unknown keys, unknown rule
codes and bad values are errors that name the file and line.

    [tool.subloc]
    screen = "vertical"          # or "landscape"
    fps = 30
    language = "th"              # when neither --lang nor the file name says
    select = ["T", "L", "X", "G"]
    ignore = ["L109"]
    glossary = "glossaries"      # a folder of <lang>.tsv files, or one file
    [tool.subloc.severity]
    L104 = "warning"
    [tool.subloc.per-file-ignores]
    "drafts/*" = ["T107"]
    [tool.subloc.limits]         # profile overrides for every language…
    cps_error = 22
    [tool.subloc.limits.th]      # …or for one
    cpl_hard = 26
    extend-exclude = ["drafts"]  # not checked when walking folders (exclude = […] replaces the defaults)

``--config FILE`` names the file instead (for every checked file); folders are walked without what
``exclude``/``extend-exclude`` and ``.gitignore`` files leave out.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import ConfigError

LIMIT_TYPES: dict[str, Any] = {
    "max_lines": int, "cpl_soft": (int, float), "cpl_hard": (int, float), "cps_warn": (int, float),
    "cps_error": (int, float), "min_duration_ms": int, "min_duration_warn_ms": int, "max_duration_ms": int,
    "min_gap_frames": int, "close_gap_ms": int, "italics": bool, "dialogue_dash": str,
}
LIMIT_KINDS = {int: "a whole number", (int, float): "a number", bool: "true or false", str: "a string"}
KEYS = {"screen", "fps", "language", "select", "ignore", "severity", "per-file-ignores", "limits", "glossary",
        "strict", "translate", "exclude", "extend-exclude"}
# Folders never walked into unless `exclude` says otherwise (build output, dependencies, tool caches).
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist", "__pycache__",
                   "site-packages")
TRANSLATE_KEYS = {"backend": str, "fallback": str, "base_url": str, "model": str, "api_key": str, "timeout": (int, float),
                  "concurrency": int, "rpm": (int, float), "batch_size": int, "retries": int, "tm": str,
                  "output_dir": str, "options": dict, "fallback_base_url": str, "fallback_model": str}


@dataclass(frozen=True)
class Config:
    path: str | None = None  # the file it came from
    root: str = "."  # folder the per-file-ignores globs are relative to
    screen: str = "vertical"
    fps: float | str | None = None
    language: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)  # field -> value, or language -> {field: value}
    glossary: str | None = None
    strict: bool = False
    translate: dict[str, Any] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE  # globs on a path's parts or its path below root

    def excludes(self, path: Path, walked: Path) -> bool:
        """Whether a file met walking the folder ``walked`` is left out by ``exclude``/``extend-exclude``: a
        pattern matches a file or folder name below ``walked``, or the path below the configuration's folder."""
        parts = path.relative_to(walked).parts
        try:
            rel = path.resolve().relative_to(Path(self.root).resolve()).as_posix()
        except ValueError:
            rel = path.relative_to(walked).as_posix()
        return any(any(fnmatch.fnmatch(part, pattern) for part in parts) or fnmatch.fnmatch(rel, pattern)
                   or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*") for pattern in self.exclude)

    def limits_for(self, language: str) -> dict[str, Any]:
        out = {k: v for k, v in self.limits.items() if not isinstance(v, dict)}
        out.update(self.limits.get(language, {}))
        return out

    def ignored_for(self, path: str) -> tuple[str, ...]:
        if not self.per_file_ignores:
            return ()
        try:
            rel = Path(path).resolve().relative_to(_resolved(self.root)).as_posix()
        except ValueError:
            rel = Path(path).as_posix()
        name = Path(path).name
        out: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern):
                out.extend(codes)
        return tuple(out)


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf'^\s*"?{re.escape(key)}"?\s*=', text, re.MULTILINE)
    if match:
        return text.count("\n", 0, match.start()) + 1
    match = re.search(rf"^\s*\[[^\]]*{re.escape(key)}[^\]]*\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _codes(value: Any, key: str, path: str, text: str, prefixes: bool) -> tuple[str, ...]:
    from .qa.model import all_rules

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of rule codes", path=path, line=_line_of(text, key))
    codes = all_rules()
    for code in value:
        ok = any(c.startswith(code) for c in codes) if prefixes else code in codes
        if not ok:
            raise ConfigError(f"unknown rule code {code!r} in {key}", path=path, line=_line_of(text, code) or
                              _line_of(text, key), hint="see `subloc rules` for the codes")
    return tuple(value)


def parse(data: dict[str, Any], path: str, text: str = "") -> Config:
    """Validate a configuration table (the contents of subloc.toml or [tool.subloc])."""
    from .languages import language_problem
    from .profiles import SCREENS

    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}", path=path, line=_line_of(text, unknown[0]),
                          hint=f"known keys: {', '.join(sorted(KEYS))}")
    screen = data.get("screen", "vertical")
    if screen not in SCREENS:
        raise ConfigError(f"screen must be one of {', '.join(SCREENS)}, not {screen!r}", path=path,
                          line=_line_of(text, "screen"))
    fps = data.get("fps")
    if fps is not None:
        from .timecode import TimecodeError, parse_fps
        try:
            parse_fps(fps)
        except TimecodeError as exc:
            raise ConfigError(str(exc), path=path, line=_line_of(text, "fps")) from None
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError("severity must be a table of CODE = \"error\"|\"warning\"", path=path,
                          line=_line_of(text, "severity"))
    _codes(list(severity), "severity", path, text, prefixes=False)
    for code, level in severity.items():
        if level not in ("error", "warning"):
            raise ConfigError(f"severity of {code} must be \"error\" or \"warning\", not {level!r}", path=path,
                              line=_line_of(text, code))
    pfi = data.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError("per-file-ignores must be a table of \"glob\" = [codes]", path=path,
                          line=_line_of(text, "per-file-ignores"))
    per_file = {pattern: _codes(codes, f"per-file-ignores.{pattern}", path, text, prefixes=True)
                for pattern, codes in pfi.items()}
    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        raise ConfigError("limits must be a table", path=path, line=_line_of(text, "limits"))
    for key, value in limits.items():
        if isinstance(value, dict) and language_problem(key):
            raise ConfigError(f"[limits.{key}]: {language_problem(key)}", path=path, line=_line_of(text, key))
        table = value if isinstance(value, dict) else {key: value}
        for name, number in table.items():
            kind = LIMIT_TYPES.get(name)
            if kind is None:
                raise ConfigError(f"unknown limit {name!r}", path=path, line=_line_of(text, name),
                                  hint=f"known limits: {', '.join(sorted(LIMIT_TYPES))}")
            ok = isinstance(number, kind) and not (kind is not bool and isinstance(number, bool))
            if not ok or (kind in ((int, float), int) and number < 0):
                raise ConfigError(f"limit {name} must be {LIMIT_KINDS[kind]}, not {number!r}", path=path,
                                  line=_line_of(text, name))
    language = data.get("language")
    if language is not None and (not isinstance(language, str) or language_problem(language)):
        raise ConfigError(f"language must be a language code such as \"th\", not {language!r}", path=path,
                          line=_line_of(text, "language"))
    glossary = data.get("glossary")
    if glossary is not None:
        glossary = str((Path(path).parent / str(glossary)).resolve())
    translate = data.get("translate", {})
    if not isinstance(translate, dict):
        raise ConfigError("translate must be a table", path=path, line=_line_of(text, "translate"))
    for key, value in translate.items():
        kind = TRANSLATE_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"unknown key {key!r} in [translate]", path=path, line=_line_of(text, key),
                              hint=f"known keys: {', '.join(sorted(TRANSLATE_KEYS))}")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(f"translate.{key} has the wrong type", path=path, line=_line_of(text, key))
    exclude = data.get("exclude", list(DEFAULT_EXCLUDE))
    for key, value in (("exclude", exclude), ("extend-exclude", data.get("extend-exclude", []))):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key} must be a list of globs such as [\"drafts\", \"*.old.srt\"]", path=path,
                              line=_line_of(text, key))
    exclude = (*exclude, *data.get("extend-exclude", []))
    if "tm" in translate:
        translate = {**translate, "tm": str((Path(path).parent / translate["tm"]).resolve())}
    return Config(path=path, root=str(Path(path).parent), screen=screen, fps=fps, language=language,
                  translate=dict(translate),
                  select=_codes(data.get("select", []), "select", path, text, prefixes=True),
                  ignore=_codes(data.get("ignore", []), "ignore", path, text, prefixes=True),
                  severity=dict(severity), per_file_ignores=per_file, limits=dict(limits), glossary=glossary,
                  strict=bool(data.get("strict", False)), exclude=tuple(exclude))


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """A TOML file's data and text; a syntax error is a ConfigError with the line."""
    text = path.read_text("utf-8")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=str(path), line=int(match.group(1)) if match else None) from None


def load_file(path: Path) -> Config | None:
    """The configuration in one file, or None when a pyproject.toml has no [tool.subloc]."""
    data, text = read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("subloc")
        if table is None:
            return None
        return parse(table, str(path), text)
    return parse(data, str(path), text)


_FILES: dict[str, tuple[tuple[int, int], Config | None]] = {}


def _load_cached(path: Path) -> Config | None:
    """A configuration file, parsed once per version of it (checking a thousand files reads it once)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _FILES.get(str(path))
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_file(path))
        _FILES[str(path)] = cached
    return cached[1]


@lru_cache(maxsize=1024)
def _find_in(folder: str) -> Config | None:
    here = Path(folder)
    for name in ("subloc.toml", "pyproject.toml"):
        candidate = here / name
        if candidate.is_file():
            found = _load_cached(candidate)
            if found is not None:
                return found
    parent = here.parent
    return None if parent == here else _find_in(str(parent))


def clear_cache() -> None:
    """Forget which folders have which configuration (each run starts with a fresh look)."""
    _find_in.cache_clear()
    _resolved.cache_clear()


_EXPLICIT: list[Config] = []


@contextmanager
def explicit_config(path: str | None) -> Iterator[None]:
    """Within the block, ``find_config`` answers with this one file's configuration (``--config FILE``)."""
    if path is None:
        yield
        return
    file = Path(path)
    if not file.is_file():
        raise ConfigError("no such configuration file", path=path, hint="check --config")
    found = load_file(file)
    if found is None:
        raise ConfigError("has no [tool.subloc] table", path=path, hint="add one, or pass a subloc.toml")
    _EXPLICIT.append(found)
    try:
        yield
    finally:
        _EXPLICIT.pop()


@lru_cache(maxsize=4096)
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def find_config(start: str | Path) -> Config:
    """The configuration governing a file or folder: the nearest one walking up, else defaults."""
    if _EXPLICIT:
        return _EXPLICIT[-1]
    path = Path(start)
    folder = path if path.is_dir() else path.parent
    return _find_in(str(_resolved(str(folder)))) or Config()


def walk_filter(folder: Path) -> Callable[[Path], bool]:
    """For files found walking ``folder``: True when the configuration's ``exclude``/``extend-exclude`` or a
    ``.gitignore`` (in the folder, below it, or above it up to the repository root) leaves the file out."""
    ignores = _gitignores(folder)

    def ignored(path: Path, suffix: str = "") -> bool:
        verdict = None
        for base, spec in ignores:  # from the outermost .gitignore in: deeper files override
            try:
                rel = path.resolve().relative_to(base).as_posix()
            except ValueError:
                continue
            result = spec.check_file(rel + suffix).include if rel != "." else None
            if result is not None:
                verdict = result
        return bool(verdict)

    if ignores and ignored(folder, "/"):
        ignores = []  # a folder named on the command line is checked even if .gitignore lists it

    def skip(path: Path) -> bool:
        return find_config(path).excludes(path, folder) or (bool(ignores) and ignored(path))

    return skip


def _gitignores(folder: Path) -> list[tuple[Path, Any]]:
    """(folder, compiled patterns) of every .gitignore that governs files below ``folder``, outermost first."""
    root = folder.resolve()
    above: list[Path] = []
    for parent in (root, *root.parents):
        if (parent / ".gitignore").is_file():
            above.append(parent / ".gitignore")
        if (parent / ".git").exists():
            break
    else:  # not in a git repository: only the folder's own .gitignore files, none from above it
        above = above[:1] if above and above[0].parent == root else []
    below = sorted((p for p in root.rglob(".gitignore") if p.parent != root), key=lambda p: len(p.parts))
    files = [*reversed(above), *below]
    if not files:
        return []
    import pathspec  # only when there is a .gitignore to read

    return [(f.parent, pathspec.GitIgnoreSpec.from_lines(f.read_text("utf-8", errors="replace").splitlines()))
            for f in files]
