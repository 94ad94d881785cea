"""Translation of whole series: ``pipeline`` (the run and its options), ``report`` (what a run reports:
requests, tokens, cost, early stops), ``units`` (what is sent for a unit: glossary placeholders),
``reask`` (the glossary re-ask policy) and ``shared`` (runs sharing one TM), ``story``/``fit``/``memory`` (story order, budgets, in-context
reuse) and ``preflight`` (what is checked before anything is sent). Provenance of written
translations lives in :mod:`subloc.provenance`."""

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
)
from .preflight import check_writable, create_check, default_tm_path
from .report import group_by_language
from .api import translate_options, translate_tracks
from .reask import REASK_MIN, REASK_SHARE, ReaskOutcome, reask_misses

__all__ = [
    "translate_options", "translate_tracks", "TranslateOptions", "Translator", "Progress", "Episode", "EpisodeResult", "LanguageReport", "RunReport",
    "check_writable", "create_check", "default_tm_path", "group_by_language", "glossary_misses", "REASK_MIN", "REASK_SHARE",
    "ReaskOutcome", "reask_misses", "PROVENANCE", "file_sha256", "read_provenance", "record_provenance",
]
