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
    extend-exclude = ["drafts"]  # not checked when walking folders (exclude = […] replaces the defaults)
    [tool.subloc.severity]
    L104 = "warning"
    [tool.subloc.per-file-ignores]
    "drafts/*" = ["T107"]
    [tool.subloc.limits]         # profile overrides for every language…
    cps_error = 22
    [tool.subloc.limits.th]      # …or for one
    cpl_hard = 26

``--config FILE`` names the file instead (for every checked file: ``Projects(config_file=…)``); folders
are walked without what ``exclude``/``extend-exclude`` and ``.gitignore`` files leave out
(:meth:`subloc.project.Projects.walk_filter`).
"""

from __future__ import annotations

import fnmatch
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from functools import cached_property
from typing import Any

from .errors import ConfigError
from .locate import locate, read_toml
from .languages import language_tag
from .visible import shown_value

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
                  "output_dir": str, "options": dict, "fallback_base_url": str, "fallback_model": str,
                  "max_requests": int, "max_tokens": int}


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

    def excludes(self, path: Path, walked: Path, resolved: str | None = None) -> bool:
        """Whether a file met walking the folder ``walked`` is left out by ``exclude``/``extend-exclude``: a
        pattern matches a file or folder name below ``walked``, or the path below the configuration's folder.
        ``resolved``: the file's absolute path when the caller knows it (a walk resolves its folder once)."""
        if not self.exclude:
            return False
        parts = path.relative_to(walked).parts
        whole, inside = self._exclude_patterns
        if any(whole(part) for part in parts):
            return True
        root = str(self._root)
        full = resolved if resolved is not None else str(path.resolve())
        if full.startswith(root.rstrip(os.sep) + os.sep):
            rel = full[len(root.rstrip(os.sep)) + 1:].replace(os.sep, "/")
        else:
            rel = "/".join(parts)
        return bool(whole(rel) or inside(rel))

    @cached_property
    def _exclude_patterns(self) -> tuple[Any, Any]:
        """The ``exclude`` globs as two matchers with fnmatch's semantics: a name or path matching a
        pattern, and a path below a folder matching one. Plain names (the defaults) are compared as
        strings; the globs are compiled into one regex each."""
        plain = {p for p in self.exclude if not any(ch in p for ch in "*?[")}
        globs = [p for p in self.exclude if p not in plain]
        below = tuple(p.rstrip("/") + "/" for p in plain)
        whole_glob = re.compile("|".join(fnmatch.translate(p) for p in globs)).match if globs else None
        inside_glob = re.compile("|".join(fnmatch.translate(p.rstrip("/") + "/*") for p in globs)).match \
            if globs else None

        def whole(text: str) -> bool:
            return text in plain or (whole_glob is not None and whole_glob(text) is not None)

        def inside(text: str) -> bool:
            return text.startswith(below) or (inside_glob is not None and inside_glob(text) is not None)

        return whole, inside

    @cached_property
    def _root(self) -> Path:
        """The resolved folder of the configuration (resolved once per configuration, not per file)."""
        return Path(self.root).resolve()

    def limits_for(self, language: str) -> dict[str, Any]:
        out = {k: v for k, v in self.limits.items() if not isinstance(v, dict)}
        out.update(self.limits.get(language, {}))
        return out

    def ignored_for(self, path: str) -> tuple[str, ...]:
        if not self.per_file_ignores:
            return ()
        try:
            rel = Path(path).resolve().relative_to(self._root).as_posix()
        except ValueError:
            rel = Path(path).as_posix()
        name = Path(path).name
        out: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern):
                out.extend(codes)
        return tuple(out)


LIMIT_RANGES: dict[str, tuple[float, float]] = {
    "max_lines": (1, 10), "cpl_soft": (1, 1000), "cpl_hard": (1, 1000), "cps_warn": (1, 1000), "cps_error": (1, 1000),
    "min_duration_ms": (0, 60_000), "min_duration_warn_ms": (0, 60_000), "max_duration_ms": (1, 3_600_000),
    "min_gap_frames": (0, 240), "close_gap_ms": (0, 60_000),
}
_TYPE_NAMES = {str: "a string", int: "a whole number", (int, float): "a number", dict: "a table"}


def _language_tag(value: Any, key: str, path: str, text: str) -> str:
    """A language tag such as th or zh-Hans, else a ConfigError naming the key's line."""
    tag = language_tag(value)
    if tag is None:
        raise ConfigError(f"{key} must be a language tag such as \"th\" or \"zh-Hans\", not {shown_value(value)}",
                          path=path, line=_line_of(text, key.strip("[]").rsplit(".", 1)[-1]) or _line_of(text, key))
    return tag


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
    from .profiles import SCREENS

    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}", path=path, line=_line_of(text, unknown[0]),
                          hint=f"known keys: {', '.join(sorted(KEYS))}")
    screen = data.get("screen", "vertical")
    if not isinstance(screen, str) or screen not in SCREENS:
        raise ConfigError(f"screen must be one of {', '.join(SCREENS)}, not {shown_value(screen)}", path=path,
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
        if not isinstance(level, str) or level not in ("error", "warning"):
            raise ConfigError(f"severity of {code} must be \"error\" or \"warning\", not {shown_value(level)}", path=path,
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
        if isinstance(value, dict):
            _language_tag(key, f"[limits.{key}]", path, text)
        table = value if isinstance(value, dict) else {key: value}
        for name, number in table.items():
            kind = LIMIT_TYPES.get(name)
            if kind is None:
                raise ConfigError(f"unknown limit {name!r}", path=path, line=_line_of(text, name),
                                  hint=f"known limits: {', '.join(sorted(LIMIT_TYPES))}")
            ok = isinstance(number, kind) and not (kind is not bool and isinstance(number, bool))
            if not ok:
                raise ConfigError(f"limit {name} must be {LIMIT_KINDS[kind]}, not {shown_value(number)}", path=path,
                                  line=_line_of(text, name))
            low, high = LIMIT_RANGES.get(name, (None, None))
            if low is not None and not (math.isfinite(number) and low <= number <= high):
                raise ConfigError(f"limit {name} must be between {low} and {high}, not {shown_value(number)}", path=path,
                                  line=_line_of(text, name))
            if name == "dialogue_dash" and (len(number) > 4 or not number.isprintable()):
                raise ConfigError(f"limit dialogue_dash must be a short printable string such as \"- \", not "
                                  f"{shown_value(number)}", path=path, line=_line_of(text, name))
    language = data.get("language")
    if language is not None:
        _language_tag(language, "language", path, text)
    glossary = data.get("glossary")
    if glossary is not None:
        if not isinstance(glossary, str) or not glossary.strip():
            raise ConfigError(f"glossary must be a path (a .tsv file or a folder), not {shown_value(glossary)}", path=path,
                              line=_line_of(text, "glossary"))
        glossary = str((Path(path).parent / glossary).resolve())
    strict = data.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"strict must be true or false, not {shown_value(strict)}", path=path, line=_line_of(text, "strict"))
    translate = data.get("translate", {})
    if not isinstance(translate, dict):
        raise ConfigError("translate must be a table", path=path, line=_line_of(text, "translate"))
    for key, value in translate.items():
        kind = TRANSLATE_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"unknown key {key!r} in [translate]", path=path, line=_line_of(text, key),
                              hint=f"known keys: {', '.join(sorted(TRANSLATE_KEYS))}")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(f"translate.{key} must be {_TYPE_NAMES.get(kind, 'a table')}, not {shown_value(value)}",
                              path=path, line=_line_of(text, key))
        if isinstance(value, (int, float)) and not (math.isfinite(value) and value >= 0):
            raise ConfigError(f"translate.{key} must be a number of at least 0, not {shown_value(value)}", path=path,
                              line=_line_of(text, key))
        if key == "options" and not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
            raise ConfigError("translate.options maps names to plain values (strings, numbers, true/false)",
                              path=path, line=_line_of(text, "options"))
    exclude = data.get("exclude", list(DEFAULT_EXCLUDE))
    for key, value in (("exclude", exclude), ("extend-exclude", data.get("extend-exclude", []))):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key} must be a list of globs such as [\"drafts\", \"*.old.srt\"], not "
                              f"{shown_value(value)}", path=path, line=_line_of(text, key))
    exclude = (*exclude, *data.get("extend-exclude", []))
    if "tm" in translate and "://" not in translate["tm"]:  # a file is relative to the config; a URL stays a URL
        translate = {**translate, "tm": str((Path(path).parent / translate["tm"]).resolve())}
    return Config(path=path, root=str(Path(path).parent), screen=screen, fps=fps, language=language,
                  translate=dict(translate),
                  select=_codes(data.get("select", []), "select", path, text, prefixes=True),
                  ignore=_codes(data.get("ignore", []), "ignore", path, text, prefixes=True),
                  severity=dict(severity), per_file_ignores=per_file, limits=dict(limits), glossary=glossary,
                  strict=strict, exclude=tuple(exclude))


def load_file(path: Path) -> Config | None:
    """The configuration in one file, or None when a pyproject.toml has no [tool.subloc]."""
    data, text = read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("subloc")
        if table is None:
            return None
        return parse(table, str(path), text)
    return parse(data, str(path), text)


def load_config(path: Path | None) -> Config:
    """The configuration in a file found by :func:`subloc.locate.locate` (defaults when there is none)."""
    found = load_file(path) if path is not None else None
    return found or Config()


def find_config(start: str | Path) -> Config:
    """The configuration governing a file or folder: the nearest one walking up (see subloc.locate), else
    defaults. Commands resolve a :class:`subloc.project.Project` instead, which holds this and more."""
    return load_config(locate(start).config_file)
