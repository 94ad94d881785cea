"""Translation of whole series: ``pipeline`` (the run, its options and reports) and ``reask`` (the
glossary re-ask policy). Provenance of written translations lives in :mod:`subloc.provenance`."""

from __future__ import annotations

from ..glossary import glossary_misses
from ..provenance import PROVENANCE, file_sha256, read_provenance, record_provenance
from .pipeline import (
    Episode,
    EpisodeResult,
    LanguageReport,
    Progress,
    RunReport,
    TranslateOptions,
    Translator,
    create_check,
    default_tm_path,
    group_by_language,
)
from .api import translate_options, translate_tracks
from .reask import REASK_MIN, REASK_SHARE, ReaskOutcome, reask_misses

__all__ = [
    "translate_options", "translate_tracks", "TranslateOptions", "Translator", "Progress", "Episode", "EpisodeResult", "LanguageReport", "RunReport",
    "create_check", "default_tm_path", "group_by_language", "glossary_misses", "REASK_MIN", "REASK_SHARE",
    "ReaskOutcome", "reask_misses", "PROVENANCE", "file_sha256", "read_provenance", "record_provenance",
]
