"""What a translation run reports: per episode, per language (requests, tokens, cost, early stops) and
for the run; and how a scheduler's stats are added to a language's report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..backends import BackendOptions


@dataclass
class EpisodeResult:
    episode: str
    language: str
    path: str | None
    missing: int
    errors: int = 0
    warnings: int = 0
    reasons: list[str] = field(default_factory=list)


@dataclass
class LanguageReport:
    language: str
    segments: int = 0  # units over all episodes
    unique: int = 0
    tm_hits: int = 0
    sent: int = 0  # unique segments sent to a backend
    requests: int = 0
    characters: int = 0
    failures: int = 0
    qa_errors: int = 0
    qa_warnings: int = 0
    episodes: list[EpisodeResult] = field(default_factory=list)
    fallback_used: int = 0
    reasked: int = 0  # segments asked again because they missed a glossary term
    reask_fixed: int = 0
    prompt_tokens: int = 0  # from the API's usage (estimated from the characters where it reports none)
    completion_tokens: int = 0
    tokens_estimated: bool = False
    cost: float | None = None  # estimated, when a price per million tokens is configured for the backend
    rejected_language: int = 0  # replies in the wrong language or script, asked again
    stopped: str | None = None  # why sending stopped early (the same error again and again, a ceiling)
    plan: dict[str, Any] = field(default_factory=dict)  # dry run: what would be sent
    context_again: int = 0  # short lines sent again because they met a new context
    fit_asked: int = 0  # segments asked again because they ran over their budget
    shortened: int = 0  # of which the shorter reply fits
    fit_misses: list[dict[str, Any]] = field(default_factory=list)  # sent segments still over their budget
    retimed: int = 0  # cues stretched into free time
    speed_before: dict[str, float] = field(default_factory=dict)  # reading speed: median, p90, share over
    speed_after: dict[str, float] = field(default_factory=dict)
    failure_reasons: dict[str, str] = field(default_factory=dict, repr=False)  # segment id -> why it failed


@dataclass
class RunReport:
    source_lang: str
    backend: str
    tm_path: str
    dry_run: bool
    languages: list[LanguageReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said once per run (e.g. a server without response_format)
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None

    @property
    def incomplete(self) -> int:
        return sum(1 for lang in self.languages for e in lang.episodes if not e.path)

    @property
    def qa_errors(self) -> int:
        return sum(lang.qa_errors for lang in self.languages)


def account(result: LanguageReport, stats: Any, options: BackendOptions) -> None:
    """Requests, characters, tokens and their estimated cost (price per million tokens, per backend)."""
    result.requests += stats.requests
    result.characters += stats.chars
    result.prompt_tokens += stats.prompt_tokens
    result.completion_tokens += stats.completion_tokens
    result.tokens_estimated |= stats.tokens_estimated
    price_in, price_out = options.extra.get("price_input"), options.extra.get("price_output")
    if price_in is not None or price_out is not None:
        cost = (stats.prompt_tokens * float(price_in or 0) + stats.completion_tokens * float(price_out or 0)) / 1e6
        result.cost = round((result.cost or 0.0) + cost, 6)


def group_by_language(report: RunReport) -> dict[str, list[EpisodeResult]]:
    out: dict[str, list[EpisodeResult]] = defaultdict(list)
    for lang in report.languages:
        out[lang.language].extend(lang.episodes)
    return out
