"""Language packs: ``status`` (which episodes are ready), ``build`` (the deterministic zip and its
manifest), ``verify`` (a pack checked against its manifest)."""

from __future__ import annotations

from .build import PackOptions, Packer, PackResult, build_pack, deterministic_zip
from .status import EpisodeStatus, episode_statuses, find_translations, series_sources
from .verify import verify, verify_pack

__all__ = ["PackOptions", "Packer", "PackResult", "build_pack", "verify_pack", "deterministic_zip", "EpisodeStatus", "episode_statuses",
           "find_translations", "series_sources", "verify"]
