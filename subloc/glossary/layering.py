"""Where glossaries live and which one applies: the base glossary with the series layer over it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..languages import canonical
from ..locate import Stamp, locate, stamp
from ..series import load_series
from .model import Glossary
from .terms import Entry, nfc


def base_dirs() -> list[Path]:
    """Where the shipped base glossaries are: $SUBLOC_GLOSSARIES, the source tree, the install prefix."""
    dirs = []
    if os.environ.get("SUBLOC_GLOSSARIES"):
        dirs.append(Path(os.environ["SUBLOC_GLOSSARIES"]))
    dirs.append(Path(__file__).resolve().parents[2] / "glossaries")
    dirs.append(Path(sys.prefix) / "share" / "subloc" / "glossaries")
    return dirs


def base_path(language: str) -> Path | None:
    for folder in base_dirs():
        candidate = folder / f"{language}.tsv"
        if candidate.is_file():
            return candidate
    return None


def series_dir_for(path: str | Path) -> Path | None:
    """The series folder of a file: the nearest folder upwards with a series.toml or glossary.*.tsv."""
    return locate(path).series_dir


def stack_files(language: str, spec: str | None, series: Path | None) -> list[Path]:
    """The files that make up a language's glossary, least specific first: ``spec`` (a file, or a folder of
    <lang>.tsv) or the shipped base glossary, then the series' series.toml and glossary.<lang>.tsv."""
    files: list[Path] = []
    if spec:
        path = Path(spec)
        if path.is_dir():
            path = path / f"{language}.tsv"
        if path.is_file() or not Path(spec).is_dir():
            files.append(path)  # a named file that is missing is an error when it is loaded
    else:
        base = base_path(language)
        if base is not None:
            files.append(base)
    if series is not None:
        files += [f for f in (series / "series.toml", series / f"glossary.{language}.tsv") if f.is_file()]
    return files


def _layer_of(path: Path, language: str) -> Glossary | None:
    if path.name == "series.toml":
        info = load_series(path)
        entries = [Entry(source=nfc(c.name), targets=(nfc(c.names[language]),), note=f"character: {c.role}",
                         origin=str(path), line=c.line)
                   for c in info.characters if language in c.names and c.name]
        return Glossary(language, entries, [str(path)])
    return Glossary.load(path, language)


def series_glossary(series: Path, language: str) -> Glossary | None:
    """The series' own layer: character names from series.toml, then glossary.<lang>.tsv over them."""
    own = tuple(f for f in (series / "series.toml", series / f"glossary.{language}.tsv") if f.is_file())
    return load_stack(own, language)


# (language, ((path, mtime, size), …)) -> the layered glossary: an edited file is a new key, so a
# glossary changed during a run (or between two runs in one process) is read again.
_STACKS: dict[tuple[str, tuple[Stamp | tuple[str], ...]], Glossary | None] = {}


def load_stack(files: tuple[Path, ...], language: str) -> Glossary | None:
    """The glossary layered from ``files`` (least specific first), cached on each file's (path, mtime, size)."""
    key = (language, tuple(stamp(f) or (str(f),) for f in files))
    if key not in _STACKS:
        glossary: Glossary | None = None
        for path in files:
            layer = _layer_of(path, language)
            if layer is not None:
                glossary = layer if glossary is None else glossary.layer(layer)
        if len(_STACKS) > 256:
            _STACKS.clear()
        _STACKS[key] = glossary
    return _STACKS[key]


def glossary_for(language: str, near: str | Path | None = None, spec: str | None = None) -> Glossary | None:
    """The effective glossary for a language: ``spec`` (a file or a folder of <lang>.tsv) or the shipped
    base glossary, with the series layer of the series ``near`` belongs to over it."""
    lang = canonical(language)
    series = series_dir_for(near) if near is not None else None
    return load_stack(tuple(stack_files(lang, spec, series)), lang)
