"""Sharing the work among workers on one TM: claim before sending, wait for what others send.

Several ``subloc translate`` processes (the same series in several languages, series sharing lines,
one CI job per series × language) each call :func:`share_work` with the segments their TM lookup
missed. Round by round it looks the TM up again, claims what nobody else holds (a lease the worker
renews while it translates), hands the claimed segments to ``translate``, and releases the claims once
their entries are committed. Segments another worker holds are waited for; if that worker dies, its
lease runs out and they are claimed and sent here. Each unique segment is therefore sent once.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Sequence

from .store import Lookup, TMStore

LEASE_S = 30.0  # a dead worker's claims are free again after this long; live workers renew every third of it


class _Renewer:
    """Renews the lease on claimed segments every ``lease_s / 3`` until stopped."""

    def __init__(self, tm: TMStore, sources: Sequence[str], source_lang: str, target_lang: str,
                 lease_s: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(tm, list(sources), source_lang, target_lang, lease_s),
                                        daemon=True, name="subloc-tm-lease")
        self._thread.start()

    def _run(self, tm: TMStore, sources: list[str], source_lang: str, target_lang: str, lease_s: float) -> None:
        while not self._stop.wait(lease_s / 3):
            try:
                tm.renew(sources, source_lang, target_lang, lease_s)
            except Exception:  # noqa: BLE001 - a failed renewal only shortens the lease; the work goes on
                pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def share_work(tm: TMStore, units: Sequence[str], source_lang: str, target_lang: str,
               translate: Callable[[list[str]], object], *, round_size: int, lease_s: float = LEASE_S,
               poll_s: float = 0.25, lookup: Lookup) -> dict[str, Any]:
    """Translate ``units`` through ``translate`` (which commits each arrival to the TM) without sending
    what another worker on the same TM sends; returns what those other workers produced, as ``lookup``
    finds it in the TM (a unit is a source, or in story mode a short line with its context: ``lookup``
    maps units to their translations)."""
    found: dict[str, Any] = {}
    todo = list(dict.fromkeys(units))
    while todo:
        deferred: list[str] = []
        for start in range(0, len(todo), max(1, round_size)):
            chunk = [u for u in todo[start:start + round_size] if u not in found]
            fresh = lookup(chunk)  # others may have done some
            found.update(fresh)
            chunk = [u for u in chunk if u not in fresh]
            if not chunk:
                continue
            mine = tm.claim(chunk, source_lang, target_lang, lease_s)
            held = set(mine)
            deferred += [u for u in chunk if u not in held]
            if not mine:
                continue
            # Claimed after the lookup: a worker that finished one of these in between has committed it.
            done = lookup(mine)
            found.update(done)
            mine = [u for u in mine if u not in done]
            renewer = _Renewer(tm, mine, source_lang, target_lang, lease_s)
            try:
                translate(mine)
            finally:
                renewer.stop()
                tm.release(mine + list(done), source_lang, target_lang)
        if not deferred:
            break
        # Wait for what others hold; what they gave up (or their lease ran out on) is tried again here.
        found.update(tm.wait_for(deferred, source_lang, target_lang, poll_s=poll_s, lookup=lookup))
        todo = [u for u in deferred if u not in found]
    return found
