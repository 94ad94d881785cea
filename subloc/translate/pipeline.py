"""The translation pipeline: TM → glossary masking → batching → backend → unmasking → layout → checks.

One run takes a whole series into several languages. Segments are deduplicated across every episode,
looked up in the translation memory (approved entries first), and only the rest is sent. Every
segment is committed to the TM as it arrives, so an interrupted run resumes where it stopped and a
finished series re-runs without a request. An episode is written only when every one of its segments
was translated; QA (timing, layout, language, consistency with the source, glossary) runs on each
written file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from ..backends import Backend, BackendOptions, create, get_class
from ..errors import UsageError
from ..formats import episode_name, load, save
from ..glossary import Glossary, glossary_for, glossary_misses, mask
from ..languages import canonical, script_family
from ..model import Track
from ..provenance import ProvenanceLog, read_provenance
from ..project import Projects
from ..scheduler import Budget, Item, Scheduler, pack
from ..segments import CuePlan, build_track
from ..tm import TMStore, display, is_url, open_tm
from .preflight import check_writable, create_check, default_tm_path
from .reask import reask_misses
from .report import EpisodeResult, LanguageReport, RunReport, account
from .shared import run_shared
from .units import merge_adjacent_terms, verifier


@dataclass(frozen=True)
class TranslateOptions:
    targets: tuple[str, ...]
    output_dir: Path
    source_lang: str | None = None
    backend: str = "google"
    fallback: str | None = None
    backend_options: BackendOptions = field(default_factory=BackendOptions)
    fallback_options: BackendOptions = field(default_factory=BackendOptions)
    out_format: str | None = None
    tm_path: Path | str | None = None  # a file, or a postgresql:// URL
    dry_run: bool = False
    concurrency: int | None = None
    rpm: float | None = None
    batch_size: int | None = None
    retries: int = 4
    backoff: float = 1.0
    glossary: str | None = None
    screen: str | None = None
    check: bool = True
    max_requests: int | None = None  # per run, every language and backend together
    max_tokens: int | None = None  # prompt + completion tokens per run (LLM backends)
    story: bool = True  # backends that take context: narrative order, previous lines, in-context reuse
    fit: bool = True  # budgets (max_chars) for LLMs, shortening re-asks, timing repairs into free time
    fit_share: float = 0.25  # at most this share of the segments sent is asked again to shorten
    short_chars: int = 12  # source lines this short are translated again in a new context
    scene_gap_ms: int = 1500  # silence that starts a new scene


@dataclass
class Episode:
    source: Track
    name: str
    plans: list[CuePlan]
    unit_voices: list[tuple[Any, ...]] = field(default_factory=list)  # speaker of each unit of each cue


class Progress:
    """Hooks the CLI implements to show progress; the defaults do nothing."""

    def language_started(self, language: str, total: int, tm_hits: int) -> None: ...
    def segment_done(self, language: str) -> None: ...
    def request_sent(self, language: str, segments: int) -> None: ...
    def episode_done(self, result: EpisodeResult) -> None: ...


def _source_language(options: TranslateOptions, tracks: list[Track], series: Any) -> str:
    if options.source_lang:
        return canonical(options.source_lang)
    if series is not None and series.source_lang:
        return canonical(series.source_lang)
    if tracks[0].language:
        return canonical(tracks[0].language)
    from ..langid import detect_track
    found = detect_track(tracks[0]).language
    if not found:
        raise UsageError("cannot tell the source language", hint="pass --from zh-Hans (or name files ep01.zh-Hans.srt)")
    return found


class Translator:
    def __init__(self, files: Sequence[Path], options: TranslateOptions, progress: Progress | None = None,
                 encoding: str | None = None, tracks: Sequence[Track] | None = None) -> None:
        from ..series import find_series

        if not files:
            raise UsageError("no subtitle files to translate", hint="pass .srt/.vtt files or a folder")
        self.options = options
        self.progress = progress or Progress()
        self.series = find_series(files[0])
        # Every source is read before anything is sent (``tracks``: already read, one per file).
        tracks = list(tracks) if tracks is not None else [load(f, encoding=encoding) for f in files]
        self.source_lang = _source_language(options, tracks, self.series)
        names = [episode_name(f) for f in files]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise UsageError(f"two inputs are episode {sorted(dupes)[0]!r}", hint="translate SRT and VTT copies apart")
        self.episodes = [self._episode(t, n) for t, n in zip(tracks, names)]
        from ..languages import is_language_tag
        for tag in options.targets:
            if not is_language_tag(tag.replace("_", "-").split("-")[0].lower()):
                raise UsageError(f"unknown target language {tag!r}", hint="use a language code such as th, id, ms, vi")
        if not options.targets:
            raise UsageError("no target language", hint="pass --to th,id,ms,vi")
        self.targets = [canonical(t) for t in options.targets]
        for target in self.targets:
            if target == self.source_lang:
                raise UsageError(f"the source is already {target}", hint="choose other --to languages")
        self.first_file = files[0]
        self.tm_path = options.tm_path or default_tm_path(files)

    def _episode(self, track: Track, name: str) -> Episode:
        """An episode planned for translation, speakers taken out of the text (put back on output)."""
        from ..segments import plan_cue
        from ..speakers import column_for, split_speakers, unit_voices

        texts, voices = split_speakers(track, self.series, column_for(track.path, name))
        plans = [plan_cue(text, self.source_lang) for text in texts]
        return Episode(track, name, plans, [unit_voices(len(p.units), p.dialogue, v) for p, v in zip(plans, voices)])

    # --- one language ----------------------------------------------------------------------------

    def _units(self) -> tuple[list[str], int]:
        order: dict[str, None] = {}
        total = 0
        for episode in self.episodes:
            for plan in episode.plans:
                for unit in plan.units:
                    total += 1
                    order.setdefault(unit, None)
        return list(order), total

    def _context(self, glossary: Glossary | None, language: str, neighbours: dict[str, tuple[str, str]]
                 ) -> Callable[[list[Item]], dict[str, Any]]:
        from .story import base_context

        series = self.series.context(language) if self.series else None

        def build(items: list[Item]) -> dict[str, Any]:
            out = base_context(series, glossary, [item.key for item in items])
            before = neighbours.get(items[0].key, ("", ""))[0]
            after = neighbours.get(items[-1].key, ("", ""))[1]
            if before or after:
                out["context"] = {"line_before_first_segment": before, "line_after_last_segment": after}
            return out
        return build

    def _neighbours(self) -> dict[str, tuple[str, str]]:
        flat = [unit for e in self.episodes for p in e.plans for unit in p.units]
        out: dict[str, tuple[str, str]] = {}
        for i, unit in enumerate(flat):
            out.setdefault(unit, (flat[i - 1] if i else "", flat[i + 1] if i + 1 < len(flat) else ""))
        return out

    def _items(self, units: list[str], backend: Backend, glossary: Glossary | None, language: str) -> list[Item]:
        items = []
        for unit in units:
            if not backend.info.masks_glossary:
                items.append(Item(unit, unit))
                continue
            masked = merge_adjacent_terms(mask(glossary, unit, tags=True), language)
            items.append(Item(unit, masked.text, verifier(masked)) if masked.numbers else Item(unit, unit))
        return items

    def _scheduler(self, backend: Backend, language: str, context: Callable[[list[Item]], dict[str, Any]],
                   done: Callable[[Item, str], None]) -> Scheduler:
        o = self.options
        return Scheduler(backend, source_lang=self.source_lang, target_lang=language, concurrency=o.concurrency,
                         rpm=o.rpm, batch_size=o.batch_size, retries=o.retries, backoff=o.backoff, context=context,
                         on_done=done, on_request=lambda n: self.progress.request_sent(language, n),
                         budget=getattr(self, "budget", None))

    def run(self) -> RunReport:
        o = self.options
        backends = [o.backend] + ([o.fallback] if o.fallback else [])
        for name, opts in zip(backends, (o.backend_options, o.fallback_options)):
            for target in self.targets:  # refuse unsupported pairs and missing keys before anything is sent
                create_check(name, opts, self.source_lang, target)
        from ..formats import OutputGuard
        guard = OutputGuard(e.source.path for e in self.episodes if e.source.path)
        for language in self.targets:  # no output may replace any input (a source misnamed ep01.th.srt)
            for episode in self.episodes:
                guard.check(self._target_path(episode, language), hint="choose another output folder with -o")
        report = RunReport(self.source_lang, o.backend, display(self.tm_path), o.dry_run)
        if not o.dry_run:
            check_writable(o.output_dir)
        self.budget = Budget(o.max_requests, o.max_tokens)
        # A dry run writes nothing: without a TM file yet, it looks up an empty one in memory.
        empty = o.dry_run and not is_url(self.tm_path) and not Path(self.tm_path).exists()
        tm = open_tm(":memory:" if empty else self.tm_path)
        opened: dict[str, Backend] = {}
        self.provenance = ProvenanceLog()  # written once, at the end (an interrupted run included)
        try:
            for language in self.targets:
                report.languages.append(self._language(language, tm, opened))
        finally:
            self.provenance.flush()
            for backend in opened.values():
                report.notes.extend(n for n in getattr(backend, "notes", []) if n not in report.notes)
                backend.close()
            tm.close()
        report.requests = sum(r.requests for r in report.languages)
        report.prompt_tokens = sum(r.prompt_tokens for r in report.languages)
        report.completion_tokens = sum(r.completion_tokens for r in report.languages)
        costs = [r.cost for r in report.languages if r.cost is not None]
        report.cost = round(sum(costs), 6) if costs else None
        return report

    def _language(self, language: str, tm: TMStore, opened: dict[str, Backend]) -> LanguageReport:
        o = self.options
        result = LanguageReport(language)
        units, result.segments = self._units()
        result.unique = len(units)
        primary_info = get_class(o.backend).info
        hits = tm.lookup_many(units, self.source_lang, language, pseudo=primary_info.pseudo)
        translations = {unit: entry.target for unit, entry in hits.items()}
        result.tm_hits = len(hits)
        misses = [u for u in units if u not in translations]
        glossary = glossary_for(language, near=self.first_file, spec=o.glossary)
        self.progress.language_started(language, len(units), len(hits))
        if o.story and primary_info.takes_context and not primary_info.pseudo:
            return self._story(language, tm, opened, glossary, result)
        if o.dry_run:
            if misses and not primary_info.offline:
                items = [Item(u, u) for u in misses]
                batches = pack(items, max(1, min(o.batch_size or primary_info.max_segments, primary_info.max_segments)),
                               primary_info.max_chars)
                result.plan = {"backend": o.backend, "segments": len(misses), "requests": len(batches),
                               "characters": sum(len(u) for u in misses)}
            else:
                result.plan = {"backend": o.backend, "segments": len(misses), "requests": 0, "characters": 0}
            result.failures = len(misses) if primary_info.offline and not primary_info.pseudo else 0
            return result

        if script_family(language) == "thai" and misses:
            # Load the Thai dictionary (≈0.4 s, for line breaking) while the requests are in flight.
            import threading

            from ..scripts import thai_words
            threading.Thread(target=thai_words, args=("ทดสอบ",), daemon=True).start()
        neighbours = self._neighbours()
        failures: dict[str, str] = {}
        produced: dict[str, tuple[str, Backend]] = {}  # unit -> the context-taking backend that translated it
        missed: dict[str, list[Any]] = {}  # unit -> glossary entries its translation missed (checked on arrival)
        for index, name in enumerate([o.backend] + ([o.fallback] if o.fallback else [])):
            todo = misses if index == 0 else [u for u in misses if u in failures]
            if not todo:
                continue
            opts = o.backend_options if index == 0 else o.fallback_options
            key = f"{index}:{name}"
            backend = opened.get(key) or opened.setdefault(key, create(name, opts))

            def done(item: Item, text: str, backend_name: str = name, source: Backend = backend) -> None:
                translations[item.key] = text
                tm.add(item.key, self.source_lang, language, text, backend_name)
                if source.info.takes_context:
                    produced[item.key] = (backend_name, source)
                    if glossary is not None:  # checked as replies arrive, while other requests are in flight
                        misses_now = glossary_misses(glossary, item.key, text, language)
                        if misses_now:
                            missed[item.key] = misses_now
                        else:
                            missed.pop(item.key, None)
                self.progress.segment_done(language)

            scheduler = self._scheduler(backend, language, self._context(glossary, language, neighbours), done)
            stats, others = run_shared(scheduler, self._items(todo, backend, glossary, language), tm, self.source_lang, language)
            translations.update(others)  # sent by another run on the same TM meanwhile
            account(result, stats, opts)
            result.rejected_language += stats.rejected_language
            if stats.stopped and not result.stopped:
                result.stopped = stats.stopped if stats.stopped.startswith(f"{name}:") else f"{name}: {stats.stopped}"
            result.sent += len(todo) - len(others)
            if index:
                result.fallback_used += len([u for u in todo if u in translations])
            failures = {u: r for u, r in stats.failures.items() if u not in translations}
        result.failures = len(failures)
        if glossary is not None and missed:
            def accept(unit: str, text: str, backend_name: str) -> None:
                translations[unit] = text
                tm.add(unit, self.source_lang, language, text, backend_name)

            outcome = reask_misses(glossary, language, missed, produced, self._context(glossary, language, neighbours),
                                   lambda backend, context, on_done: self._scheduler(backend, language, context,
                                                                                     on_done), accept)
            result.reasked, result.reask_fixed = outcome.asked, outcome.fixed
            for name, stats in outcome.stats:
                account(result, stats, o.backend_options if name == o.backend else o.fallback_options)
        self._write(language, translations, failures, glossary, result)
        return result

    def _profile(self, language: str, projects: Projects | None = None) -> Any:
        """The target profile: the output folder's project's, as `subloc check` on the output applies it."""
        return (projects or Projects()).for_path(self.options.output_dir, is_folder=True).profile(
            language, screen=self.options.screen)

    def _story(self, language: str, tm: TMStore, opened: dict[str, Backend], glossary: Glossary | None,
               result: LanguageReport) -> LanguageReport:
        """Backends that take context: story order, in-context reuse, budgets (see :mod:`.story`)."""
        from . import story

        o = self.options
        info = get_class(o.backend).info
        profile = self._profile(language)
        if o.dry_run:
            size = max(1, min(o.batch_size or info.max_segments, info.max_segments))
            result.plan = story.dry_run(self, language, tm, profile, o.fit, size, info.max_chars, o.backend)
            return result
        if script_family(language) == "thai":
            import threading

            from ..scripts import thai_words  # the dictionary loads while the requests are in flight
            threading.Thread(target=thai_words, args=("ทดสอบ",), daemon=True).start()
        backend = opened.get(f"0:{o.backend}") or opened.setdefault(f"0:{o.backend}", create(o.backend, o.backend_options))
        plan = story.run_language(self, language, tm, backend, o.backend, profile, glossary, result,
                                  lambda b, context, done: self._scheduler(b, language, context, done), account)
        failures = {occ.source: result.failure_reasons[occ.id] for occ in plan.occurrences
                    if occ.id in result.failure_reasons and occ.resolved() is None}
        if failures and o.fallback:  # what the LLM could not translate goes to the fallback, line by line
            fallback = opened.get(f"1:{o.fallback}") or opened.setdefault(f"1:{o.fallback}",
                                                                           create(o.fallback, o.fallback_options))
            got: dict[str, str] = {}

            def done(item: Item, text: str) -> None:
                got[item.key] = text
                tm.add(item.key, self.source_lang, language, text, o.fallback or "")

            stats = self._scheduler(fallback, language, lambda items: {}, done).run(
                self._items(sorted(failures), fallback, glossary))
            result.requests += stats.requests
            for occ in plan.occurrences:
                if occ.resolved() is None and occ.source in got:
                    occ.text = occ.draft = got[occ.source]
                    result.fallback_used += 1
            failures = {u: r for u, r in failures.items() if u not in got}
        result.failures = sum(1 for occ in plan.occurrences if occ.resolved() is None)
        self._write(language, {}, failures, glossary, result, plan)
        return result

    def _target_path(self, episode: Episode, language: str) -> Path:
        o = self.options
        return o.output_dir / f"{episode.name}.{language}.{o.out_format or episode.source.format}"

    def _write(self, language: str, translations: dict[str, str], failures: dict[str, str],
               glossary: Glossary | None, result: LanguageReport, plan: Any = None) -> None:
        from ..speakers import put_back, spoken
        from . import fit

        o = self.options
        # Layout and QA follow the project of the output folder: what `subloc check` on the output applies.
        projects = Projects()
        profile = self._profile(language, projects)
        before: list[float] = []
        after: list[float] = []
        protect = tuple(sorted({r for e in glossary for r in e.renderings if " " in r or not r.isascii()},
                               key=len, reverse=True)) if glossary is not None else ()
        for index, episode in enumerate(self.episodes):
            drafts: dict[tuple[int, int], str] = {}
            if plan is not None:
                texts = {(occ.cue, occ.unit): occ.resolved() for occ in plan.episodes[index]}
                drafts = {(occ.cue, occ.unit): occ.draft or "" for occ in plan.episodes[index]}
            else:
                texts = {(c, u): translations.get(unit) for c, p in enumerate(episode.plans)
                         for u, unit in enumerate(p.units)}
            missing = [key for key, text in texts.items() if text is None]
            fmt = o.out_format or episode.source.format
            target_path = self._target_path(episode, language)
            pseudo = get_class(o.backend).info.pseudo
            if missing:
                reasons = sorted({failures.get(episode.plans[c].units[u], "not translated") for c, u in missing})
                er = EpisodeResult(episode.name, language, None, len(missing), reasons=reasons)
            elif pseudo and target_path.exists() and \
                    read_provenance(target_path.parent).get(target_path.name, {}).get("backend") != "pseudo":
                er = EpisodeResult(episode.name, language, None, 0, reasons=[
                    f"{target_path} holds a translation; pseudo-localization does not overwrite it (use another -o)"])
            else:
                per_unit = {(c, u): spoken(text or "", episode.unit_voices[c][u] if u < len(
                    episode.unit_voices[c]) else None, self.series, language) for (c, u), text in texts.items()}
                track = build_track(episode.source, episode.plans, translations, profile, language, protect, per_unit)
                track = track.with_cues([replace(cue, text=put_back(cue.text, episode.unit_voices[c], p.dialogue))
                                         for c, (cue, p) in enumerate(zip(track.cues, episode.plans))])
                before.extend(fit.draft_speeds(episode, drafts or texts, profile, language))
                if o.fit:
                    spans = fit.windows(episode.source, profile)
                    track, moved = fit.retime(track, spans, profile)
                    result.retimed += moved
                    if plan is None:  # no budgets were sent: report the cues that still read too fast
                        result.fit_misses += fit.misses(track, spans, profile, episode.name)
                after.extend(fit.speeds(track, language))
                if fmt != track.format:
                    from ..convert import convert
                    track, _ = convert(track, fmt)
                if pseudo and track.format == "vtt":
                    from ..model import Block
                    track = replace(track, blocks=(Block("NOTE", "pseudo-localized by subloc: not a translation", 0),
                                                   *track.blocks))
                save(track, target_path, fmt)
                self.provenance.note(target_path, episode.source, language, self.options.backend,
                                     display(self.tm_path), self.options.backend_options)
                er = EpisodeResult(episode.name, language, str(target_path), 0)
                if o.check:
                    findings = projects.for_path(target_path).check(
                        replace(track, path=str(target_path)), profile, source=episode.source, glossary=glossary,
                        path=str(target_path), series=self.series)
                    er.errors = sum(1 for f in findings if f.severity == "error")
                    er.warnings = len(findings) - er.errors
                    result.qa_errors += er.errors
                    result.qa_warnings += er.warnings
            result.episodes.append(er)
            self.progress.episode_done(er)
        if before or after:
            result.speed_before = fit.distribution(before, profile.cps_error)
            result.speed_after = fit.distribution(after, profile.cps_error)
