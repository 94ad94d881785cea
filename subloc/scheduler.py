"""Sending segments to a backend: packing, concurrency, rate limits, retries, halving, ceilings.

* Segments are packed into as few requests as the backend's limits allow (segments and characters).
* One writer: worker threads only send a request and hand back the reply or the error. The calling
  thread decides everything else — verifies replies, commits them (``on_done``), counts, retries,
  splits — so on Ctrl-C every reply already received is committed before the interrupt goes on.
* Up to ``concurrency`` requests are in flight; a token bucket keeps to ``rpm`` requests a minute, and a
  429's Retry-After pauses every worker of that backend.
* Transient failures (network, timeouts, 429, 5xx, an empty or error reply) are retried — the same batch,
  with exponential backoff — before anything is split. Errors retrying cannot change are not retried.
* The backend contract is enforced here for every backend, plugins included: a reply with missing or
  extra ids, or that is not ``{id: text}``, is a reply error. A reply error splits the batch in halves,
  each asked again, down to single segments; a single segment gets one more try, at once.
* A segment that comes back in the wrong language or script is asked again once, with the others of
  its reply that failed; placeholders that come back mangled are asked again unmasked, in one batch.
* Early stop: when the same error ends ``early_stop`` segments or requests in a row, the run stops
  sending for this language with that error and its fix. ``Budget`` caps requests and tokens per run.
* Whatever still fails is returned with its reason; nothing is ever filled in blank.
"""

from __future__ import annotations

import queue
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .backends import Backend, ContextTooLong, Refusal, Request, Segment, Usage
from .backends._http import redact
from .backends.verify import language_problem
from .errors import BackendError, BackendReplyError

EARLY_STOP = 8


@dataclass
class Item:
    key: str  # the unit's source text (TM key), or an occurrence's id (story mode: see ``source``)
    text: str  # what is sent (may carry placeholders)
    verify: Callable[[str], str] | None = None  # turns a reply into the final text, or raises ValueError
    fields: dict[str, Any] = field(default_factory=dict)  # more Segment fields (max_chars, speaker, extra)
    batch: str = ""  # items of different batches never share a request (story order: one episode's lines)
    source: str = ""  # the source text when ``key`` is not it

    @property
    def original(self) -> str:
        """The source text, without placeholders: what a reply is checked against, asked again unmasked."""
        return self.source or self.key


def _pieces(batch: list[Item], size: int | None) -> list[list[Item]]:
    """The batch in two halves, or in even pieces of at most ``size`` (40 by at most 17: 14 + 14 + 12)."""
    n = len(batch)
    size = -(-n // -(-n // size)) if size else n // 2
    return [batch[i:i + size] for i in range(0, n, size)]


@dataclass
class SchedulerStats:
    requests: int = 0
    retries: int = 0
    split: int = 0
    chars: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_estimated: bool = False
    rejected_language: int = 0  # replies in the wrong language or script, asked again
    failures: dict[str, str] = field(default_factory=dict)
    stopped: str | None = None  # why the run stopped sending early, with the fix


@dataclass
class Budget:
    """Ceilings for one run, over every language and backend: requests sent, tokens used."""

    max_requests: int | None = None
    max_tokens: int | None = None
    requests: int = 0
    tokens: int = 0

    def exhausted(self) -> str | None:
        if self.max_requests is not None and self.requests >= self.max_requests:
            return f"the request ceiling is reached ({self.requests} requests; --max-requests {self.max_requests})"
        if self.max_tokens is not None and self.tokens >= self.max_tokens:
            return f"the token ceiling is reached ({self.tokens:,} tokens; --max-tokens {self.max_tokens})"
        return None


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
        if current and (len(current) >= max_segments or size + len(item.text) > max_chars
                        or item.batch != current[-1].batch):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += len(item.text)
    if current:
        batches.append(current)
    return batches


@dataclass
class _Task:
    batch: list[Item]
    attempt: int = 0
    not_before: float = 0.0
    second_chance: bool = False  # asked again after a wrong-language reply: no third time


@dataclass
class _Outcome:
    task: _Task
    reply: dict[str, str] | None = None
    usage: Usage | None = None
    error: BackendError | None = None
    extra_requests: int = 0  # HTTP requests the backend made beyond the one counted
    accounted: bool = False  # its usage is counted
    committed: int = 0  # items of the batch handled so far


def _error_key(exc: BackendError) -> str:
    kind = getattr(exc, "kind", None)
    if kind:
        return kind
    return type(exc).__name__ + ":" + re.sub(r"\d+|'[^']*'|\[[^\]]*\]", "#", exc.message)[:60]


class Scheduler:
    def __init__(self, backend: Backend, *, source_lang: str, target_lang: str, concurrency: int | None = None,
                 rpm: float | None = None, batch_size: int | None = None, retries: int = 4, backoff: float = 1.0,
                 max_wait: float = 120.0, context: Callable[[list[Item]], dict[str, Any]] | None = None,
                 on_done: Callable[[Item, str], None] | None = None, on_request: Callable[[int], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep, budget: Budget | None = None,
                 early_stop: int = EARLY_STOP, check_language: bool = True) -> None:
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
        self.budget = budget or Budget()
        self.early_stop = max(1, early_stop)
        self.check_language = check_language and not info.pseudo
        self.stats = SchedulerStats()
        self.stop_reason: str | None = None  # set on errors that make every further request pointless
        self._streak: tuple[str, int] = ("", 0)
        self._closing = threading.Event()

    # --- the calling thread -----------------------------------------------------------------------

    def run(self, items: list[Item]) -> SchedulerStats:
        self._closing.clear()  # run() may be called again (a round at a time when runs share a TM)
        pending: deque[_Task] = deque(_Task(b) for b in pack(items, self.max_segments, self.max_chars))
        tasks: queue.Queue[_Task | None] = queue.Queue()
        results: queue.Queue[_Outcome] = queue.Queue()
        workers = [threading.Thread(target=self._worker, args=(tasks, results), daemon=True,
                                    name=f"subloc-backend-{n}") for n in range(self.concurrency)]
        for worker in workers:
            worker.start()
        inflight = 0
        current: _Outcome | None = None
        try:
            while pending or inflight:
                while pending and inflight < self.concurrency:
                    task = pending.popleft()
                    if len(task.batch) > self.max_segments:  # the context turned out smaller than the batch
                        cut = self.max_segments
                        pending.extendleft(reversed([_Task(task.batch[i:i + cut], second_chance=task.second_chance)
                                                     for i in range(0, len(task.batch), cut)]))
                        continue
                    reason = self.stop_reason or self.budget.exhausted()
                    if reason:
                        self.stop_reason = reason
                        self._fail(task.batch, reason)
                        continue
                    self._count_request(task)
                    tasks.put(task)
                    inflight += 1
                if not inflight:
                    continue
                outcome = self._next(results)
                inflight -= 1
                current = outcome
                # Depth first: halves and retries go before untouched batches, so a bad line is found (or a
                # hopeless run stopped) in a handful of requests.
                pending.extendleft(reversed(self._handle(outcome)))
                current = None
        except KeyboardInterrupt:
            # Commit what has already arrived (the rest of the reply being committed when the interrupt came,
            # then every reply waiting); what is still in flight is asked again next run.
            self._closing.set()
            if current is not None and current.reply is not None:
                self._accept(current)
            while True:
                try:
                    outcome = results.get_nowait()
                except queue.Empty:
                    break
                if outcome.reply is not None:
                    self._accept(outcome)
            raise
        finally:
            self._closing.set()
            for _ in workers:
                tasks.put(None)
        self.stats.stopped = self.stop_reason
        return self.stats

    def _next(self, results: queue.Queue[_Outcome]) -> _Outcome:
        while True:  # a short timeout keeps Ctrl-C responsive on every platform
            try:
                return results.get(timeout=0.2)
            except queue.Empty:
                continue

    def _count_request(self, task: _Task) -> None:
        self.stats.requests += 1
        self.budget.requests += 1
        self.stats.chars += sum(len(item.text) for item in task.batch)
        self.on_request(len(task.batch))

    def _fail(self, batch: list[Item], reason: str) -> None:
        reason = redact(reason)
        for item in batch:
            self.stats.failures[item.key] = reason

    def _count_error(self, exc: BackendError) -> None:
        """The same error too many requests in a row stops the language, with that error and its fix."""
        key = _error_key(exc)
        count = self._streak[1] + 1 if self._streak[0] == key else 1
        self._streak = (key, count)
        if count >= self.early_stop and not self.stop_reason:
            fix = f" ({exc.hint})" if exc.hint else ""
            self.stop_reason = redact(f"stopped after {count} failures in a row with the same error: "
                                      f"{exc.message}{fix}")

    def _handle(self, outcome: _Outcome) -> list[_Task]:
        """What to do with one outcome; returns the tasks to send next."""
        task, exc = outcome.task, outcome.error
        if outcome.extra_requests:
            self.stats.requests += outcome.extra_requests
            self.budget.requests += outcome.extra_requests
        if exc is None:
            return self._accept(outcome)
        batch = task.batch
        single = len(batch) == 1
        hint = f" ({exc.hint})" if exc.hint else ""
        if isinstance(exc, ContextTooLong):
            if not single:
                # Remembered: batches not sent yet are no larger than what fits (see run()).
                size = self._fitting(batch, exc)
                self.max_segments = min(self.max_segments, size or max(1, len(batch) // 2))
                return self._split(task, size)
            self.stop_reason = redact(f"{exc.message}; even one line does not fit: {exc.fixed}{hint}")
            self._fail(batch, self.stop_reason)
            return []
        if exc.fatal:
            self.stop_reason = str(exc)
            self._fail(batch, str(exc))
            return []
        reason = f"{exc.message}; the line: «{batch[0].key}»{hint}" if single and isinstance(exc, Refusal) else str(exc)
        if isinstance(exc, BackendReplyError) and not isinstance(exc, Refusal) and not single:
            return self._split(task)  # other ids, merged lines: smaller batches usually mend it
        self._count_error(exc)
        if self.stop_reason:
            self._fail(batch, reason)
            return []
        if isinstance(exc, BackendReplyError):
            if not single:
                return self._split(task)  # a refusal: find the line it is about
            if exc.retryable and task.attempt < min(1, self.retries):
                # Another try at once: waiting does not change a reply's format.
                self.stats.retries += 1
                return [_Task(batch, task.attempt + 1, second_chance=task.second_chance)]
            self._fail(batch, reason)
            return []
        if exc.retryable and task.attempt < self.retries:
            self.stats.retries += 1
            attempt = task.attempt + 1
            if exc.retry_after is not None:
                if exc.retry_after > self.max_wait:
                    self._fail(batch, f"{exc.message} (asked to wait {exc.retry_after:.0f} s, more than "
                                      f"{self.max_wait:.0f} s)")
                    return []
                self.limiter.block(exc.retry_after)
                delay = 0.0
            else:
                delay = min(self.max_wait, self.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
            return [_Task(batch, attempt, time.monotonic() + delay, task.second_chance)]
        self._fail(batch, reason)
        return []

    def _split(self, task: _Task, size: int | None = None) -> list[_Task]:
        """The batch in halves, or in even pieces of at most ``size``."""
        self.stats.split += 1
        return [_Task(piece, second_chance=task.second_chance) for piece in _pieces(task.batch, size)]

    def _fitting(self, batch: list[Item], exc: ContextTooLong) -> int | None:
        """The largest piece size whose every piece of the batch fits the context, from the server's
        numbers (its limit, this request's size) and the backend's ``prompt_tokens`` estimate of each
        piece's request, the context it carries included; None when the server gave no numbers or the
        backend cannot estimate (then: halves)."""
        measure = getattr(self.backend, "prompt_tokens", None)
        if measure is None or not exc.limit or not exc.asked:
            return None
        scale = exc.asked / max(1, measure(self._request(batch)))
        room = exc.limit * 0.97  # a margin for the estimate (the context every request carries can be most of it)

        def fits(size: int) -> bool:
            return all(measure(self._request(piece)) * scale <= room for piece in _pieces(batch, size))

        lo, hi = 0, len(batch) - 1
        while lo < hi:  # the largest size whose every piece fits
            mid = (lo + hi + 1) // 2
            if fits(mid):
                lo = mid
            else:
                hi = mid - 1
        return lo or None

    def _request(self, batch: list[Item]) -> Request:
        return Request(self.source_lang, self.target_lang,
                       tuple(Segment(f"s{n}", item.text, **item.fields) for n, item in enumerate(batch, 1)),
                       self.context(batch))

    def _accept(self, outcome: _Outcome) -> list[_Task]:
        assert outcome.reply is not None
        self._streak = ("", 0)
        if outcome.usage is not None and not outcome.accounted:
            self.stats.prompt_tokens += outcome.usage.prompt_tokens
            self.stats.completion_tokens += outcome.usage.completion_tokens
            self.stats.tokens_estimated |= outcome.usage.estimated
            self.budget.tokens += outcome.usage.prompt_tokens + outcome.usage.completion_tokens
        outcome.accounted = True
        unmasked: list[Item] = []
        wrong: list[tuple[Item, str]] = []
        for index, item in enumerate(outcome.task.batch):
            if index < outcome.committed:
                continue  # handled before an interrupt came (see run)
            outcome.committed = index  # an interrupt inside on_done commits this one again
            text = outcome.reply[item.key]
            try:
                final = item.verify(text) if item.verify else text
            except ValueError:
                # placeholders broken: ask again without them
                unmasked.append(replace(item, text=item.original, verify=None))
                continue
            problem = language_problem(item.original, final, self.source_lang, self.target_lang) \
                if self.check_language else None
            if problem:
                wrong.append((item, problem))
                continue
            self.on_done(item, final)
            outcome.committed = index + 1
        outcome.committed = len(outcome.task.batch)
        again: list[_Task] = []
        if unmasked:
            again.append(_Task(unmasked, second_chance=outcome.task.second_chance))
        if wrong:
            self.stats.rejected_language += len(wrong)
            if outcome.task.second_chance:
                for item, problem in wrong:
                    error = BackendReplyError(f"{self.backend.info.name}: {problem}",
                                              hint="try another model, or --fallback another backend")
                    error.kind = "wrong-language"  # type: ignore[attr-defined]
                    self._fail([item], f"{error.message} (asked twice); the line: «{item.original}»")
                    self._count_error(error)
            else:
                again.append(_Task([item for item, _ in wrong], second_chance=True))
        return again

    # --- worker threads: network I/O only -----------------------------------------------------------

    def _worker(self, tasks: queue.Queue[_Task | None], results: queue.Queue[_Outcome]) -> None:
        while True:
            task = tasks.get()
            if task is None:
                return
            results.put(self._send(task))

    def _send(self, task: _Task) -> _Outcome:
        """One request; the reply keyed by item key, or the error. Nothing shared is written here."""
        if self._closing.is_set():
            return _Outcome(task, error=BackendError("interrupted", retryable=False))
        wait = task.not_before - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self.limiter.acquire()
        ids = {f"s{n}": item for n, item in enumerate(task.batch, 1)}
        request = self._request(task.batch)
        name = self.backend.info.name
        try:
            reply = self.backend.translate(request)
        except BackendError as exc:
            return _Outcome(task, error=exc, extra_requests=max(0, int(getattr(exc, "requests", 1)) - 1))
        except Exception as exc:  # a plugin's bug is a failed request (halved to find the line), not a crash
            return _Outcome(task, error=BackendReplyError(f"{name}: the backend failed: {type(exc).__name__}: "
                                                          f"{redact(str(exc))[:160]}", retryable=False))
        if not isinstance(reply, dict) or not all(isinstance(v, str) for v in reply.values()):
            return _Outcome(task, error=BackendReplyError(f"{name}: the reply is not {{id: text}}", retryable=True))
        keys = set(map(str, reply))
        missing, extra = [i for i in ids if i not in keys], sorted(keys - set(ids))
        if missing or extra:
            return _Outcome(task, error=BackendReplyError(
                f"{name}: the reply's ids differ from those sent (missing {missing[:5]}, unexpected {extra[:5]})",
                retryable=True))
        usage = getattr(reply, "usage", None)
        return _Outcome(task, reply={ids[sid].key: reply[sid] for sid in ids},
                        usage=usage if isinstance(usage, Usage) else None,
                        extra_requests=max(0, int(getattr(reply, "requests", 1)) - 1))
