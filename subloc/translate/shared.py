"""Several runs on one TM: the pipeline's one hook into the TM's claims (see subloc.tm.claims).

Before each round of batches the TM is looked up again and the round's segments are claimed; what
another run holds is waited for and taken from the TM once it arrives. Offline backends (tm, pseudo)
and read-only TMs send nothing worth sharing and skip this.

A claim is on a *token*: the source text in dedupe mode; in story mode a short line is translated per
context, so its token is the source and its context key (two runs on series that share a scene share
its short lines; the same short line in another scene is other work).
"""

from __future__ import annotations

from typing import Callable, Mapping

from ..scheduler import Item, Scheduler, SchedulerStats
from ..tm import TMStore
from ..tm.claims import LEASE_S, share_work

POLL_S = 0.25  # how often a run waiting for another's segments looks at the TM


def run_shared(scheduler: Scheduler, items: list[Item], tm: TMStore, source_lang: str, target_lang: str, *,
               token: Callable[[Item], str] | None = None,
               lookup: Callable[[list[str]], Mapping[str, str]] | None = None,
               round_size: int | None = None) -> tuple[SchedulerStats, dict[str, str]]:
    """``scheduler.run(items)`` without sending what another run on ``tm`` sends; the stats, and the
    translations of the items other runs produced (item key -> target).

    ``token`` names an item's claim (default: its key, the source text) and ``lookup`` finds the
    translations of tokens already in the TM (default: the TM entries of those sources)."""
    if scheduler.backend.info.offline or tm.readonly:
        return scheduler.run(items), {}
    by_token = {(token(item) if token else item.key): item for item in items}
    if lookup is None:
        def lookup(tokens: list[str]) -> Mapping[str, str]:
            return {k: e.target for k, e in tm.lookup_many(tokens, source_lang, target_lang).items()}
    found = share_work(tm, list(by_token), source_lang, target_lang,
                       lambda tokens: scheduler.run([by_token[k] for k in tokens]),
                       round_size=round_size or scheduler.max_segments * scheduler.concurrency, lease_s=LEASE_S,
                       poll_s=POLL_S, lookup=lookup)
    return scheduler.stats, {by_token[tok].key: target for tok, target in found.items()}
