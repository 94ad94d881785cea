"""Which episodes of a language are ready to pack: translated, missing, or stale (their source changed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..formats import episode_name, expand_paths, language_from_path
from ..provenance import file_sha256, read_provenance


@dataclass
class EpisodeStatus:
    episode: str
    source: Path | None  # None: a delivery of translations without the source
    translation: Path | None
    state: str  # ok, missing, stale, unchecked (no source to compare with)
    provenance: dict[str, Any] = field(default_factory=dict)


def _by_episode(folders: list[Path], language: str) -> dict[str, Path]:
    """Files in a language by episode name, in episode order; SRT preferred when both formats exist."""
    found: dict[str, Path] = {}
    for path in expand_paths([f for f in folders if f.exists()]):
        if language_from_path(path) != language:
            continue
        name = episode_name(path)
        if name not in found or (found[name].suffix != ".srt" and path.suffix == ".srt"):
            found[name] = path
    return found


def series_sources(series_dir: Path, source_lang: str) -> dict[str, Path]:
    return _by_episode([series_dir], source_lang)


def find_translations(folders: tuple[Path, ...], language: str) -> dict[str, Path]:
    """``<episode>.<lang>.<ext>`` files or files in a ``<lang>/`` folder, by episode name."""
    return _by_episode(list(folders), language)


def episode_statuses(sources: dict[str, Path], translations: dict[str, Path]) -> list[EpisodeStatus]:
    """Each source episode's translation: ok, missing or stale. Without any source (a vendor's delivery
    of translations only) every translation is an episode whose staleness is unchecked."""
    if not sources:
        return [EpisodeStatus(name, None, target, "unchecked", read_provenance(target.parent).get(target.name, {}))
                for name, target in translations.items()]
    out = []
    for name, source in sources.items():
        target = translations.get(name)
        if target is None:
            out.append(EpisodeStatus(name, source, None, "missing"))
            continue
        record = read_provenance(target.parent).get(target.name, {})
        stale = bool(record) and record.get("source_sha256") != file_sha256(source)
        out.append(EpisodeStatus(name, source, target, "stale" if stale else "ok", record))
    return out
