"""Where glossaries live and which one applies: the base glossary with the series layer over it."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from ..languages import canonical
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
    here = Path(path).resolve()
    for folder in ([here] if here.is_dir() else []) + list(here.parents):
        if (folder / "series.toml").is_file() or any(folder.glob("glossary.*.tsv")):
            return folder
    return None


def series_glossary(series: Path, language: str) -> Glossary | None:
    """The series' own layer: character names from series.toml, then glossary.<lang>.tsv over them."""
    layer = None
    toml = series / "series.toml"
    if toml.is_file():
        info = load_series(toml)
        entries = [Entry(source=nfc(c.name), targets=(nfc(c.names[language]),), note=f"character: {c.role}",
                         origin=str(toml), line=c.line)
                   for c in info.characters if language in c.names and c.name]
        layer = Glossary(language, entries, [str(toml)])
    tsv = series / f"glossary.{language}.tsv"
    if tsv.is_file():
        own = Glossary.load(tsv, language)
        layer = own if layer is None else layer.layer(own)
    return layer


@lru_cache(maxsize=64)
def _effective(spec: str | None, language: str, series: str | None) -> Glossary | None:
    if spec:
        path = Path(spec)
        if path.is_dir():
            path = path / f"{language}.tsv"
            if not path.is_file():
                return None
        glossary = Glossary.load(path, language)
    else:
        base = base_path(language)
        glossary = Glossary.load(base, language) if base else None
    if series:
        own = series_glossary(Path(series), language)
        if own is not None:
            glossary = own if glossary is None else glossary.layer(own)
    return glossary


def glossary_for(language: str, near: str | Path | None = None, spec: str | None = None) -> Glossary | None:
    """The effective glossary for a language: ``spec`` (a file or a folder of <lang>.tsv) or the shipped
    base glossary, with the series layer of the series ``near`` belongs to over it."""
    lang = canonical(language)
    series = series_dir_for(near) if near is not None else None
    return _effective(spec, lang, str(series) if series else None)


def glossary_for_check(spec: str | None, language: str, path: str) -> Glossary | None:
    """The glossary the G rules use for a checked file (hooked into the QA engine)."""
    return glossary_for(language, near=path, spec=spec)
