"""Translating in story order, with context, to fit (backends that take context: LLMs).

* **Narrative order.** Episode by episode, in batches of consecutive lines; a batch that has to be cut
  is cut at the last scene gap in it (``scene_gap_ms`` of silence). Episodes run side by side (up to
  the concurrency), the batches of one episode one after another, so each request carries
  ``previous``: the lines translated just before it in the same episode, as ``[{"source", "target"}]``.
* **In-context reuse**, as CAT tools' in-context exact matches. Each line has context keys: its
  neighbouring source lines (``n:…``) and, where known, its speaker and addressee (``s:苏晚>顾霆深``).
  A short line (at most ``short_chars`` source characters: 你说什么？, 好的, 谢谢) is reused without
  sending only when a translation was stored for one of its keys (or a person approved one); met in
  another context it is translated again there, the earlier translation offered as
  ``earlier_translation``. Longer lines are reused from the translation memory whatever the context,
  and sent once per run. Keys live in their own table (``context_segments``) of the TM file.
* **Fit.** Each segment carries ``max_chars`` (see :mod:`.fit`). A reply over it is asked again, in
  batches, with ``too_long``; the shorter is kept when it fits, else the better of the two and a
  finding. At most ``fit_share`` of the segments sent are asked again.
* **Examples.** TM entries at least 75% similar (rapidfuzz ratio) to a segment are sent as
  ``examples`` and listed by ``--dry-run``.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable

from ..glossary import Glossary, glossary_misses
from ..scheduler import Item, Scheduler
from ..scripts import count
from ..speakers import Voice, addressees, prefix_length, speaker_field
from ..tm import TMStore, normalize
from . import fit
from .memory import ContextStore, Examples
from .shared import run_shared

if TYPE_CHECKING:
    from ..profiles import Profile

Translator = Any  # subloc.translate.pipeline.Translator (which imports this module)
LanguageReport = Any

SHORT_CHARS = 12
SCENE_GAP_MS = 1500
PREVIOUS = 4  # lines of ``previous`` per request


@dataclass
class Occurrence:
    """One translation unit where it occurs: episode, cue, unit within the cue."""

    episode: int
    cue: int
    unit: int
    source: str
    scene: int
    voice: Voice | None = None
    addressee: str = ""
    budget: int | None = None
    keys: tuple[str, ...] = ()
    short: bool = False
    state: str = ""  # tm | context | send | follow
    follows: Occurrence | None = None
    hint: str = ""  # an earlier translation of the same line (short lines in a new context)
    again: bool = False  # a short line met before in another context (in the TM or earlier in this run)
    text: str | None = None
    draft: str | None = None  # the first translation, before any shortening
    backend: str = ""

    @property
    def id(self) -> str:
        return f"{self.episode}:{self.cue}:{self.unit}"

    def resolved(self) -> str | None:
        return self.text if self.text is not None else (self.follows.resolved() if self.follows else None)


def glossary_entries(glossary: Glossary | None, texts: list[str]) -> list[dict[str, str]]:
    """The glossary entries that occur in a batch, as a backend is told them."""
    seen: dict[str, dict[str, str]] = {}
    for text in texts if glossary is not None else []:
        for m in glossary.match(text):  # type: ignore[union-attr]
            seen.setdefault(m.entry.source, {"source": m.entry.source, "target": " | ".join(m.entry.renderings),
                                             "note": m.entry.note})
    return list(seen.values())


def base_context(series: dict[str, Any] | None, glossary: Glossary | None, texts: list[str]) -> dict[str, Any]:
    """What every request of a batch carries before its own lines: the series and the glossary entries met."""
    out: dict[str, Any] = {}
    if series:
        out["series"] = series
    entries = glossary_entries(glossary, texts)
    if entries:
        out["glossary"] = entries
    return out


def _key(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class Plan:
    """What a language needs: every occurrence, in narrative order per episode, and what to send."""

    episodes: list[list[Occurrence]] = field(default_factory=list)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # source -> similar TM entries

    @property
    def occurrences(self) -> list[Occurrence]:
        return [o for episode in self.episodes for o in episode]

    def to_send(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.state == "send"]


def occurrences(tr: Translator, language: str, profile: Profile, budgets: bool) -> list[list[Occurrence]]:
    """Every unit of every episode with its scene, speaker, addressee, budget and context keys."""
    o = tr.options
    gap = o.scene_gap_ms
    out = []
    for e, episode in enumerate(tr.episodes):
        cues = episode.source.cues
        spans = fit.windows(episode.source, profile) if budgets else []
        flat: list[Occurrence] = []
        scene = 0
        for c, (cue, plan) in enumerate(zip(cues, episode.plans)):
            if c and cue.start - cues[c - 1].end >= gap:
                scene += 1
            units = plan.units
            voices = episode.unit_voices[c]
            cue_budget = fit.budget(spans[c], profile) if budgets else None
            total = sum(count(u, tr.source_lang) for u in units) or 1
            for u, unit in enumerate(units):
                occ = Occurrence(e, c, u, unit, scene, voices[u] if u < len(voices) else None)
                if cue_budget is not None:
                    share = cue_budget
                    if plan.dialogue:
                        share = min(int(profile.cpl_soft), int(cue_budget * count(unit, tr.source_lang) / total))
                        share -= len(profile.dialogue_dash)
                    share -= int(prefix_length(occ.voice, tr.series, language) + 0.999)
                    occ.budget = max(1, share)
                flat.append(occ)
        texts = [x.source for x in flat]
        starts = [cues[x.cue].start for x in flat]
        ends = [cues[x.cue].end for x in flat]
        who = addressees(tr.series, texts, [x.voice for x in flat], starts, ends, gap)
        for i, occ in enumerate(flat):
            occ.addressee = who[i]
            before = flat[i - 1].source if i else ""
            after = flat[i + 1].source if i + 1 < len(flat) else ""
            keys = ["n:" + _key(before, after)]
            if occ.voice is not None and occ.addressee:
                keys.append(f"s:{occ.voice.name}>{occ.addressee}")
            occ.keys = tuple(keys)
            occ.short = count(occ.source, tr.source_lang) <= o.short_chars
        out.append(flat)
    return out


def decide(plan: Plan, tm: TMStore, store: ContextStore, source_lang: str, language: str,
           pseudo: bool) -> None:
    """Which occurrences are reused, which follow an earlier one in this run, which are sent."""
    units = sorted({o.source for o in plan.occurrences})
    hits = tm.lookup_many(units, source_lang, language, pseudo=pseudo)
    wanted: dict[str, set[str]] = {}
    for occ in plan.occurrences:
        if occ.short:
            wanted.setdefault(occ.source, set()).update(occ.keys)
    stored = store.lookup(wanted, source_lang, language)
    first_long: dict[str, Occurrence] = {}
    first_in_context: dict[tuple[str, str], Occurrence] = {}
    for occ in plan.occurrences:
        entry = hits.get(occ.source)
        if occ.short and not (entry is not None and entry.approved):
            found = next((stored[(occ.source, k)] for k in occ.keys if (occ.source, k) in stored), None)
            if found is not None:
                occ.state, occ.text = "context", found
            elif (occ.source, occ.keys[0]) in first_in_context:
                occ.state, occ.follows = "follow", first_in_context[(occ.source, occ.keys[0])]
            else:
                occ.state = "send"
                occ.again = entry is not None or any(source == occ.source for source, _ in first_in_context)
                occ.hint = entry.target if entry is not None else ""
                first_in_context[(occ.source, occ.keys[0])] = occ
        elif entry is not None:
            occ.state, occ.text = "tm", entry.target
        elif occ.source in first_long:
            occ.state, occ.follows = "follow", first_long[occ.source]
        else:
            occ.state = "send"
            first_long[occ.source] = occ


def _claim_token(occ: Occurrence) -> str:
    """What a run claims for an occurrence it sends: the source, or for a short line the source in its
    context (see .shared)."""
    return f"{occ.source}\x1f{occ.keys[0]}" if occ.short else occ.source


def _lookup_tokens(tokens: list[str], tm: TMStore, store: ContextStore, source_lang: str,
                   language: str) -> dict[str, str]:
    """The translations already in the TM of the claim tokens given."""
    plain = [t for t in tokens if "\x1f" not in t]
    found = {k: e.target for k, e in tm.lookup_many(plain, source_lang, language).items()} if plain else {}
    wanted: dict[str, set[str]] = {}
    for t in tokens:
        if "\x1f" in t:
            source, key = t.split("\x1f", 1)
            wanted.setdefault(source, set()).add(key)
    if wanted:
        found.update({f"{source}\x1f{key}": target
                      for (source, key), target in store.lookup(wanted, source_lang, language).items()})
    return found


def batches(occs: list[Occurrence], max_segments: int, max_chars: int) -> list[list[Occurrence]]:
    """Consecutive occurrences to send, in batches within the limits, cut at the last scene gap when full."""
    out: list[list[Occurrence]] = []
    current: list[Occurrence] = []
    size = 0
    for occ in occs:
        if current and (len(current) >= max_segments or size + len(occ.source) > max_chars):
            cut = next((i for i in range(len(current) - 1, len(current) // 2 - 1, -1)
                        if i and current[i].scene != current[i - 1].scene), len(current))
            out.append(current[:cut])
            current = current[cut:]
            size = sum(len(x.source) for x in current)
        current.append(occ)
        size += len(occ.source)
    if current:
        out.append(current)
    return out


def plan_language(tr: Translator, language: str, tm: TMStore, profile: Profile, budgets: bool,
                  pseudo: bool) -> tuple[Plan, ContextStore]:
    plan = Plan(occurrences(tr, language, profile, budgets))
    store = ContextStore(tm)
    decide(plan, tm, store, tr.source_lang, language, pseudo)
    return plan, store


def dry_run(tr: Translator, language: str, tm: TMStore, profile: Profile, budgets: bool,
            max_segments: int, max_chars: int, backend: str) -> dict[str, Any]:
    plan, store = plan_language(tr, language, tm, profile, budgets, pseudo=False)
    store.close()
    sending = plan.to_send()
    requests = sum(len(batches([o for o in sending if o.episode == e], max_segments, max_chars))
                   for e in range(len(plan.episodes)))
    examples = Examples(tm, tr.source_lang, language, pseudo=False)
    shown = []
    for occ in sending:
        for ex in examples.similar(occ.source):
            shown.append({"segment": occ.source, **ex})
    return {"backend": backend, "segments": len(sending), "requests": requests,
            "characters": sum(len(o.source) for o in sending),
            "in_context_again": sum(1 for o in sending if o.again), "examples": shown}


def run_language(tr: Translator, language: str, tm: TMStore, backend: Any, backend_name: str,
                 profile: Profile, glossary: Glossary | None, result: LanguageReport,
                 schedule: Callable[..., Scheduler], account: Callable[..., None]) -> Plan:
    """Send what the plan needs, story order, with context; shorten what overruns; fill in the rest."""
    o = tr.options
    plan, store = plan_language(tr, language, tm, profile, o.fit, pseudo=backend.info.pseudo)
    by_id = {occ.id: occ for occ in plan.occurrences}
    result.segments = len(by_id)
    result.unique = len({occ.source for occ in by_id.values()})
    result.tm_hits = sum(1 for occ in by_id.values() if occ.state in ("tm", "context"))
    examples = Examples(tm, tr.source_lang, language, pseudo=backend.info.pseudo)
    series = tr.series.context(language) if tr.series else None
    lock = threading.Lock()
    latest: dict[str, str] = {}  # source -> its latest translation in this run (hints)
    missed: dict[str, list[Any]] = {}
    over: list[Occurrence] = []

    def base(items: list[Item]) -> dict[str, Any]:
        return base_context(series, glossary, [item.text for item in items])

    def context(items: list[Item]) -> dict[str, Any]:
        out = base(items)
        first = by_id.get(items[0].key)
        if first is not None:
            episode = plan.episodes[first.episode]
            index = episode.index(first)
            previous = []
            for occ in reversed(episode[:index]):
                text = occ.resolved()
                if text is not None:
                    previous.append({"source": occ.source, "target": text})
                if len(previous) >= PREVIOUS:
                    break
            if previous:
                out["previous"] = previous[::-1]
            last = by_id.get(items[-1].key)
            if last is not None:
                after = episode.index(last) + 1
                if after < len(episode):
                    out["context"] = {"line_after_last_segment": episode[after].source}
        shown: dict[str, dict[str, Any]] = {}
        for item in items:
            for ex in examples.similar(item.text):
                shown.setdefault(ex["source"], ex)
        if shown:
            out["examples"] = list(shown.values())[:8]
        return out

    def item_for(occ: Occurrence, **extra: Any) -> Item:
        fields: dict[str, Any] = {}
        if occ.budget is not None:
            fields["max_chars"] = occ.budget
        speaker = speaker_field(tr.series, occ.voice)
        if speaker:
            fields["speaker"] = speaker
        more = {"addressee": occ.addressee, **extra}
        if occ.again and "too_long" not in extra:
            more["earlier_translation"] = latest.get(occ.source, occ.hint)
        fields["extra"] = {k: v for k, v in more.items() if v}
        return Item(occ.id, occ.source, fields=fields, source=occ.source)

    def done(item: Item, text: str) -> None:
        occ = by_id[item.key]
        text = normalize(text) if "\n" not in text else text
        with lock:
            occ.text = occ.draft = text
            occ.backend = backend_name
            latest[occ.source] = text
            if fit.over(text, occ.budget, language):
                over.append(occ)
        store.add(occ.source, tr.source_lang, language, occ.keys, text, backend_name)
        if glossary is not None:
            misses = glossary_misses(glossary, occ.source, text, language)
            with lock:
                if misses:
                    missed[occ.source] = misses
                else:
                    missed.pop(occ.source, None)
        tr.progress.segment_done(language)

    scheduler = schedule(backend, context, done)
    sending = plan.to_send()
    per_episode = [[occ for occ in episode if occ.state == "send"] for episode in plan.episodes]

    # Rounds: the next batch of every episode at once; an episode's batches go one after the other, so
    # each request's ``previous`` lines are translated by the time it is sent. A round's batches are
    # cut with the scheduler's limits of the moment (a context smaller than a batch lowers them for
    # every later one), and the round is claimed first: what another run on the same TM is sending is
    # waited for and taken from the TM (see .shared).
    queues = [occs for occs in per_episode if occs]
    from_others: dict[str, str] = {}
    round_ = 0
    while any(queues):
        items = []
        for e, queue in enumerate(queues):
            if queue:
                batch = batches(queue, scheduler.max_segments, scheduler.max_chars)[0]
                del queue[:len(batch)]
                items += [replace(item_for(occ), batch=f"{e}:{round_}") for occ in batch]
        round_ += 1
        _, others = run_shared(scheduler, items, tm, tr.source_lang, language, round_size=len(items),
                               token=lambda item: _claim_token(by_id[item.key]),
                               lookup=lambda tokens: _lookup_tokens(tokens, tm, store, tr.source_lang, language))
        for key, text in others.items():
            occ = by_id[key]
            occ.state, occ.text, occ.backend = ("context" if occ.short else "tm"), text, "tm"
            latest[occ.source] = text
            tr.progress.segment_done(language)
        from_others.update(others)
    stats = scheduler.stats
    account(result, stats, o.backend_options)
    result.rejected_language += stats.rejected_language
    if stats.stopped and not result.stopped:
        result.stopped = f"{backend_name}: {stats.stopped}"
    result.sent = len(sending) - len(from_others)
    result.tm_hits += len(from_others)
    result.context_again = sum(1 for occ in sending if occ.again and occ.id not in from_others)
    failures = {key: reason for key, reason in stats.failures.items() if by_id[key].text is None}

    if glossary is not None and missed:
        _glossary_reask(tr, language, tm, store, glossary, missed, backend, backend_name, base, schedule, plan, result,
                        account)

    # Fit: ask again, in batches, for what ran over its budget; bounded.
    over.sort(key=lambda occ: (occ.episode, occ.cue, occ.unit))
    limit = max(1, int(len(sending) * o.fit_share)) if sending else 0
    asked = over[:limit]
    result.fit_asked = len(asked)
    if asked:
        first = {occ.id: occ.text or "" for occ in asked}

        def shortened(item: Item, text: str) -> None:
            occ = by_id[item.key]
            text = normalize(text)
            assert occ.budget is not None
            chosen, fits = fit.better(first[occ.id], text, occ.budget, language)
            with lock:
                occ.text = chosen
                if fits:
                    result.shortened += 1
            if chosen != first[occ.id]:
                store.add(occ.source, tr.source_lang, language, occ.keys, chosen, backend_name)

        again = schedule(backend, base, shortened)
        account(result, again.run([item_for(occ, too_long=first[occ.id]) for occ in asked]), o.backend_options)
    for occ in plan.occurrences:
        if occ.text is None and occ.follows is not None:
            occ.text = occ.follows.resolved()
            if occ.draft is None:
                occ.draft = occ.follows.draft or occ.text
        if occ.draft is None:
            occ.draft = occ.text
    result.fit_misses = [{"episode": tr.episodes[occ.episode].name, "cue": occ.cue + 1, "max_chars": occ.budget,
                          "chars": fit.length(occ.text or "", language)}
                         for occ in plan.occurrences if occ.state == "send" and occ.text is not None
                         and fit.over(occ.text, occ.budget, language)]
    result.failures = len(failures)
    result.failure_reasons = failures
    store.close()
    return plan


def _glossary_reask(tr: Translator, language: str, tm: TMStore, store: ContextStore, glossary: Glossary,
                    missed: dict[str, list[Any]], backend: Any, backend_name: str,
                    base: Callable[[list[Item]], dict[str, Any]], schedule: Callable[..., Scheduler], plan: Plan,
                    result: LanguageReport, account: Callable[..., None]) -> None:
    """The glossary re-ask of :mod:`.reask`, by source text; an accepted reply replaces every sent
    occurrence of that text."""
    from .reask import reask_misses

    sent = [occ for occ in plan.to_send() if occ.source in missed]
    budgets = {occ.source: min((x.budget for x in sent if x.source == occ.source and x.budget), default=None)
               for occ in sent}

    def accept(unit: str, text: str, name: str) -> None:
        for occ in sent:
            if occ.source == unit and not (fit.over(text, occ.budget, language)
                                           and not fit.over(occ.text or "", occ.budget, language)):
                occ.text = occ.draft = text  # kept unless it breaks a budget the first reply kept
                store.add(occ.source, tr.source_lang, language, occ.keys, text, name)

    def item_for(unit: str) -> Item:
        limit = budgets.get(unit)
        return Item(unit, unit, fields={"max_chars": limit} if limit else {})

    produced = {unit: (backend_name, backend) for unit in {o.source for o in plan.to_send()}}
    outcome = reask_misses(glossary, language, missed, produced, base,
                           lambda b, context, on_done: schedule(b, context, on_done), accept, item_for)
    result.reasked, result.reask_fixed = outcome.asked, outcome.fixed
    for _, stats in outcome.stats:
        account(result, stats, tr.options.backend_options)
