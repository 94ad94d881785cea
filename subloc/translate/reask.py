"""The glossary re-ask policy: a translation that missed a glossary term is asked again, naming it.

Backends that take the glossary as context (LLMs) may still miss a term or use a forbidden rendering.
Such segments are asked again in batches whose context carries ``required_terms`` (per segment text,
the renderings to use and those never to use). A new reply is kept only if it complies; otherwise QA
reports the miss. At most ``REASK_SHARE`` of the segments (and at least ``REASK_MIN``) are asked
again, so a model that ignores the glossary costs a bounded number of extra requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..backends import Backend
from ..glossary import Entry, Glossary, glossary_misses
from ..scheduler import Item, Scheduler, SchedulerStats

REASK_SHARE = 0.2  # of the segments a context-taking backend translated in this run
REASK_MIN = 20

Context = Callable[[list[Item]], dict[str, Any]]
OnDone = Callable[[Item, str], None]


@dataclass
class ReaskOutcome:
    asked: int = 0  # segments asked again
    fixed: int = 0  # of which the new reply complies (and was kept)
    requests: int = 0
    characters: int = 0
    stats: list[tuple[str, SchedulerStats]] = field(default_factory=list)  # per backend name (tokens, cost)


def reask_misses(glossary: Glossary, language: str, offenders: dict[str, list[Entry]],
                 produced: dict[str, tuple[str, Backend]], base: Context,
                 schedule: Callable[[Backend, Context, OnDone], Scheduler],
                 accept: Callable[[str, str, str], None]) -> ReaskOutcome:
    """Ask the backend that produced each offending segment again, with ``required_terms`` in the
    context; ``accept(segment, translation, backend_name)`` receives every reply that complies."""
    limit = max(REASK_MIN, int(len(produced) * REASK_SHARE))
    chosen = list(offenders)[:limit]
    outcome = ReaskOutcome(asked=len(chosen))
    groups: dict[str, list[str]] = {}
    for unit in chosen:
        groups.setdefault(produced[unit][0], []).append(unit)
    for name, units in groups.items():
        backend = produced[units[0]][1]

        def context(items: list[Item]) -> dict[str, Any]:
            out = base(items)
            out["required_terms"] = [
                {"segment_text": item.key, "terms": [{"source": e.source, "use one of": list(e.renderings),
                                                      "never": list(e.forbidden)} for e in offenders[item.key]]}
                for item in items]
            return out

        def done(item: Item, text: str, backend_name: str = name) -> None:
            if not glossary_misses(glossary, item.key, text, language):
                accept(item.key, text, backend_name)
                outcome.fixed += 1

        stats = schedule(backend, context, done).run([Item(u, u) for u in units])
        outcome.requests += stats.requests
        outcome.characters += stats.chars
        outcome.stats.append((name, stats))
    return outcome
