"""Sending segments to a backend: packing, concurrency, rate limits, retries, halving, deadlines.

* Segments are packed into as few requests as the backend's limits allow (segments and characters).
* Up to ``concurrency`` requests are in flight; a token bucket keeps to ``rpm`` requests a minute, and a
  429's Retry-After pauses every worker of that backend, not just the one that got it.
* Transient failures (network, timeouts, 429, 5xx) are retried with exponential backoff and jitter.
* A reply that does not match the request (other ids, merged lines, mangled placeholders) is not
  used: the batch is split in halves and each half asked again, down to single segments.
* Whatever still fails is returned with its reason; nothing is ever filled in blank.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable

from .backends import Backend, Request, Segment
from .errors import BackendError, BackendReplyError


@dataclass
class Item:
    key: str  # the unit's source text (TM key)
    text: str  # what is sent (may carry placeholders)
    verify: Callable[[str], str] | None = None  # turns a reply into the final text, or raises ValueError
    fields: dict[str, Any] = field(default_factory=dict)  # more Segment fields (max_chars, speaker, extra)


@dataclass
class SchedulerStats:
    requests: int = 0
    retries: int = 0
    split: int = 0
    chars: int = 0
    failures: dict[str, str] = field(default_factory=dict)


class RateLimiter:
    """At most ``rpm`` request starts a minute, and nothing while a Retry-After is pending."""

    def __init__(self, rpm: float | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 60.0 / rpm if rpm else 0.0
        self.next = 0.0
        self.blocked_until = 0.0
        self.lock = threading.Lock()
        self.clock, self.sleep = clock, sleep

    def acquire(self) -> None:
        while True:
            with self.lock:
                now = self.clock()
                ready = max(self.next, self.blocked_until)
                if ready <= now:
                    self.next = now + self.interval
                    return
                delay = ready - now
            self.sleep(delay)

    def block(self, seconds: float) -> None:
        with self.lock:
            self.blocked_until = max(self.blocked_until, self.clock() + seconds)


def pack(items: list[Item], max_segments: int, max_chars: int) -> list[list[Item]]:
    batches: list[list[Item]] = []
    current: list[Item] = []
    size = 0
    for item in items:
        if current and (len(current) >= max_segments or size + len(item.text) > max_chars):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += len(item.text)
    if current:
        batches.append(current)
    return batches


class Scheduler:
    def __init__(self, backend: Backend, *, source_lang: str, target_lang: str, concurrency: int | None = None,
                 rpm: float | None = None, batch_size: int | None = None, retries: int = 4, backoff: float = 1.0,
                 max_wait: float = 120.0, context: Callable[[list[Item]], dict[str, Any]] | None = None,
                 on_done: Callable[[Item, str], None] | None = None, on_request: Callable[[int], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        info = backend.info
        self.backend = backend
        self.source_lang, self.target_lang = source_lang, target_lang
        self.concurrency = max(1, concurrency or info.concurrency)
        self.max_segments = max(1, min(batch_size or info.max_segments, info.max_segments))
        self.max_chars = info.max_chars
        self.retries, self.backoff, self.max_wait = retries, backoff, max_wait
        self.limiter = RateLimiter(rpm if rpm is not None else info.rpm, sleep=sleep)
        self.context = context or (lambda items: {})
        self.on_done = on_done or (lambda item, text: None)
        self.on_request = on_request or (lambda n: None)
        self.sleep = sleep
        self.stats = SchedulerStats()
        self.lock = threading.Lock()
        self.stop_reason: str | None = None  # set on errors that make every further request pointless

    def run(self, items: list[Item]) -> SchedulerStats:
        batches = pack(items, self.max_segments, self.max_chars)
        if self.concurrency == 1 or len(batches) == 1:
            for batch in batches:
                self._process(batch)
            return self.stats
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="subloc-backend")
        try:
            futures = [pool.submit(self._process, batch) for batch in batches]
            wait(futures)
            for future in futures:
                future.result()
        except BaseException:
            self.stop_reason = "interrupted"
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        return self.stats

    def _fail(self, batch: list[Item], reason: str) -> None:
        with self.lock:
            for item in batch:
                self.stats.failures[item.key] = reason

    def _process(self, batch: list[Item]) -> None:
        if self.stop_reason:
            self._fail(batch, self.stop_reason)
            return
        try:
            replies = self._send(batch)
        except BackendReplyError as exc:
            if len(batch) > 1:
                with self.lock:
                    self.stats.split += 1
                half = len(batch) // 2
                self._process(batch[:half])
                self._process(batch[half:])
            else:
                self._fail(batch, str(exc))
            return
        except BackendError as exc:
            if exc.fatal:
                self.stop_reason = exc.message
            self._fail(batch, str(exc))
            return
        bad: list[Item] = []
        for item in batch:
            text = replies[item.key]
            try:
                final = item.verify(text) if item.verify else text
            except ValueError:
                bad.append(item)
                continue
            self.on_done(item, final)
        for item in bad:
            # A reply that broke this segment's placeholders: ask again for it alone, unmasked.
            plain = Item(item.key, item.key)
            try:
                replies = self._send([plain])
                self.on_done(plain, replies[plain.key])
            except BackendError as exc:
                self._fail([item], f"placeholders came back mangled, and without them: {exc}")

    def _send(self, batch: list[Item]) -> dict[str, str]:
        """One request with retries; returns {item key: reply text}."""
        ids = {f"s{n}": item for n, item in enumerate(batch, 1)}
        request = Request(self.source_lang, self.target_lang,
                          tuple(Segment(sid, item.text, **item.fields) for sid, item in ids.items()), self.context(batch))
        attempt = 0
        while True:
            if self.stop_reason:
                raise BackendError(self.stop_reason, retryable=False)
            self.limiter.acquire()
            with self.lock:
                self.stats.requests += 1
                self.stats.chars += sum(len(item.text) for item in batch)
            self.on_request(len(batch))
            try:
                reply = self.backend.translate(request)
                return {ids[sid].key: text for sid, text in reply.items() if sid in ids}
            except BackendReplyError as exc:
                if len(batch) > 1 or not exc.retryable or attempt >= self.retries:
                    raise
                error: BackendError = exc
            except BackendError as exc:
                if not exc.retryable or attempt >= self.retries:
                    raise
                error = exc
            attempt += 1
            with self.lock:
                self.stats.retries += 1
            if error.retry_after is not None:
                if error.retry_after > self.max_wait:
                    raise BackendError(f"{error.message} (asked to wait {error.retry_after:.0f} s, more than "
                                       f"{self.max_wait:.0f} s)", retryable=False)
                self.limiter.block(error.retry_after)
            else:
                self.sleep(min(self.max_wait, self.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0))
