"""Several runs on one TM: the pipeline's one hook into the TM's claims (see subloc.tm.claims).

Before each round of batches (one batch per request in flight) the TM is looked up again and the
round's segments are claimed; what another run holds is waited for and taken from the TM once it
arrives. Offline backends (tm, pseudo) and read-only TMs send nothing worth sharing and skip this.
"""

from __future__ import annotations

from ..scheduler import Item, Scheduler, SchedulerStats
from ..tm import TMStore
from ..tm.claims import LEASE_S, share_work

POLL_S = 0.25  # how often a run waiting for another's segments looks at the TM


def run_shared(scheduler: Scheduler, items: list[Item], tm: TMStore, source_lang: str, target_lang: str
               ) -> tuple[SchedulerStats, dict[str, str]]:
    """``scheduler.run(items)`` without sending what another run on ``tm`` sends; the stats, and the
    translations of the segments other runs produced (key -> target)."""
    if scheduler.backend.info.offline or tm.readonly:
        return scheduler.run(items), {}
    by_key = {item.key: item for item in items}
    found = share_work(tm, list(by_key), source_lang, target_lang,
                       lambda keys: scheduler.run([by_key[k] for k in keys]),
                       round_size=scheduler.max_segments * scheduler.concurrency, lease_s=LEASE_S, poll_s=POLL_S)
    return scheduler.stats, {key: entry.target for key, entry in found.items()}
