"""``translate`` and ``tm``: machine translation of whole series, and the translation memory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ._output import emit_json, is_terminal, note, plural, table, write_or_echo
from ._params import AtLeast, Language, LanguagePair, Languages


def register(cli: click.Group) -> None:
    cli.add_command(translate)
    cli.add_command(tm)
    cli.add_command(backends)


def _options(pairs: tuple[str, ...]) -> dict[str, Any]:
    from ..errors import UsageError
    out: dict[str, Any] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise UsageError(f"--option needs KEY=VALUE, not {pair!r}")
        out[key.strip()] = {"true": True, "false": False}.get(value.strip().lower(), value.strip())
    return out


class _PlainProgress:
    """Progress as plain lines (not a terminal, or --quiet)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def language_started(self, language: str, total: int, tm_hits: int) -> None:
        if not self.quiet:
            click.echo(f"{language}: {total} unique segments, {tm_hits} from the translation memory", err=True)

    def segment_done(self, language: str) -> None: ...

    def request_sent(self, language: str, segments: int) -> None: ...

    def episode_done(self, result: Any) -> None:
        if self.quiet:
            return
        if result.path:
            click.echo(f"{result.language} {result.episode}: {result.path} ({plural(result.errors, 'QA error')}, "
                       f"{plural(result.warnings, 'warning')})", err=True)
        else:
            click.echo(f"{result.language} {result.episode}: not written, {plural(result.missing, 'segment')} "
                       f"untranslated: {'; '.join(result.reasons)[:300]}", err=True)


class _RichProgress(_PlainProgress):
    def __init__(self) -> None:
        super().__init__()
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[detail]}"), TimeRemainingColumn(), transient=False)
        self.tasks: dict[str, Any] = {}
        self.requests: dict[str, int] = {}
        self.bar.start()

    def language_started(self, language: str, total: int, tm_hits: int) -> None:
        self.requests[language] = 0
        self.tasks[language] = self.bar.add_task(f"{language}", total=total, completed=tm_hits,
                                                 detail=f"TM {tm_hits}, requests 0")

    def segment_done(self, language: str) -> None:
        self.bar.advance(self.tasks[language])

    def request_sent(self, language: str, segments: int) -> None:
        self.requests[language] += 1
        task = self.tasks[language]
        hits = self.bar.tasks[task].fields["detail"].split(",")[0]
        self.bar.update(task, detail=f"{hits}, requests {self.requests[language]}")

    def episode_done(self, result: Any) -> None:
        if not result.path:
            self.bar.console.print(f"[red]{result.language} {result.episode}: not written[/], "
                                   f"{plural(result.missing, 'segment')} untranslated: "
                                   f"{'; '.join(result.reasons)[:200]}")

    def stop(self) -> None:
        self.bar.stop()


@click.command(epilog="""\b
Examples:
  subloc translate samples/stand-in-bride/srt --to th,id,ms,vi -o out/       # google, no key
  subloc translate series/ --to th --backend openai --base-url http://localhost:11434/v1 --model qwen2.5:14b
  subloc translate series/ --to vi --backend deepl --fallback google --dry-run
  subloc tm import samples/stand-in-bride/reference.tmx --tm out/tm.sqlite
  subloc translate samples/stand-in-bride/srt --to th,id,ms,vi --backend tm --tm out/tm.sqlite -o out/
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--to", "targets", required=True, type=Languages("target"), help="Target languages, comma-separated: th,id,ms,vi.")
@click.option("--from", "source_lang", type=Language("source"), help="Source language (default: series.toml, the file names, or detection).")
@click.option("--backend", help="Translation backend (default: google). See `subloc backends`.")
@click.option("--fallback", help="A second backend for whatever the first could not translate.")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), help="Output folder (default: out/).")
@click.option("--tm", "tm_path", type=click.Path(dir_okay=False),
              help="Translation memory (default: .subloc/tm.sqlite in the series folder).")
@click.option("--format", "out_format", type=click.Choice(["srt", "vtt"]), help="Output format (default: the input's).")
@click.option("--dry-run", is_flag=True, help="Report what would be sent (segments, characters, requests); send nothing.")
@click.option("--base-url", help="Backend endpoint (openai-compatible servers, self-hosted LibreTranslate, mirrors).")
@click.option("--model", help="Model name (openai backend).")
@click.option("--fallback-base-url", help="Endpoint of the fallback backend.")
@click.option("--fallback-model", help="Model of the fallback backend.")
@click.option("--timeout", type=AtLeast(0, real=True, open=True), help="Deadline per request in seconds (default: 60).")
@click.option("--concurrency", type=AtLeast(1), help="Requests in flight (default: the backend's).")
@click.option("--rpm", type=AtLeast(0, real=True, open=True), help="Requests per minute at most (default: the backend's).")
@click.option("--batch-size", type=AtLeast(1), help="Segments per request at most (default: the backend's limit).")
@click.option("--retries", type=AtLeast(0, fix="0 sends each request once"), help="Retries of a failed request (default: 4).")
@click.option("--glossary", type=click.Path(exists=True), help="Glossary file or folder instead of the shipped one.")
@click.option("--option", "extra", multiple=True, metavar="KEY=VALUE",
              help="Backend-specific setting, e.g. region=eastasia, json_mode=false, temperature=0.3.")
@click.option("--strict", is_flag=True, help="Exit 1 when the QA of the output finds errors.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@click.option("--encoding", help="Source encoding (default: detect).")
def translate(paths: tuple[str, ...], targets: str, source_lang: str | None, backend: str | None,
              fallback: str | None, output_dir: str | None, tm_path: str | None, out_format: str | None,
              dry_run: bool, base_url: str | None, model: str | None, fallback_base_url: str | None,
              fallback_model: str | None, timeout: float | None,
              concurrency: int | None, rpm: float | None, batch_size: int | None, retries: int | None,
              glossary: str | None, extra: tuple[str, ...], strict: bool, quiet: bool, as_json: bool,
              encoding: str | None) -> None:
    """Translate whole series into several languages in one run; writes OUT/<episode>.<lang>.<ext>.

    Segments are deduplicated across episodes and looked up in the translation memory first (approved
    entries win); the rest goes to the backend in as few requests as it allows, with retries, rate
    limits and a deadline per request. Each segment is saved to the TM as it arrives, so an interrupted
    run resumes and a finished one re-runs without a request. Glossary terms are enforced and the output
    is re-wrapped to the vertical profile and checked. An episode that could not be fully translated is
    not written; the exit code is then 1.
    """
    from ..backends import BackendOptions
    from ..config import find_config
    from ..formats import expand_paths
    from ..translate import TranslateOptions, Translator

    files = expand_paths(paths)
    settings = find_config(files[0]).translate if files else {}
    options = TranslateOptions(
        targets=tuple(t.strip() for t in targets.split(",") if t.strip()),
        output_dir=Path(output_dir or settings.get("output_dir", "out")),
        source_lang=source_lang,
        backend=backend or settings.get("backend", "google"),
        fallback=fallback or settings.get("fallback"),
        backend_options=BackendOptions(base_url=base_url or settings.get("base_url"),
                                       model=model or settings.get("model"), api_key=settings.get("api_key"),
                                       timeout=timeout or settings.get("timeout", 60.0),
                                       extra={**settings.get("options", {}), **_options(extra)}),
        fallback_options=BackendOptions(base_url=fallback_base_url or settings.get("fallback_base_url"),
                                        model=fallback_model or settings.get("fallback_model"),
                                        timeout=timeout or settings.get("timeout", 60.0)),
        out_format=out_format,
        tm_path=Path(tm_path) if tm_path else (Path(settings["tm"]) if settings.get("tm") else None),
        dry_run=dry_run,
        concurrency=concurrency or settings.get("concurrency"),
        rpm=rpm or settings.get("rpm"),
        batch_size=batch_size or settings.get("batch_size"),
        retries=retries if retries is not None else settings.get("retries", 4),
        glossary=glossary,
    )
    progress: Any = _RichProgress() if is_terminal(sys.stderr) and not quiet and not as_json else _PlainProgress(quiet)
    try:
        translator = Translator(files, options, progress, encoding=encoding)
        report = translator.run()
    finally:
        if hasattr(progress, "stop"):
            progress.stop()
    if as_json:
        from dataclasses import asdict
        emit_json(asdict(report))
    else:
        _summary(report)
    if report.incomplete:
        sys.exit(1)
    if strict and report.qa_errors:
        sys.exit(1)


def _summary(report: Any) -> None:
    if report.dry_run:
        table(f"Dry run: nothing sent ({report.backend}; TM {report.tm_path})",
              ["language", "segments", "unique", "TM hits", "to send", "requests", "characters"],
              [[r.language, r.segments, r.unique, r.tm_hits, r.plan.get("segments", 0), r.plan.get("requests", 0),
                r.plan.get("characters", 0)] for r in report.languages], right=range(1, 7))
        return
    rows = []
    for r in report.languages:
        if r.reasked:
            note(f"{r.language}: {plural(r.reasked, 'segment')} missed a glossary term and were asked again naming it; "
                 f"{r.reask_fixed} now comply (the rest are in the QA findings)")
        written = sum(1 for e in r.episodes if e.path)
        rows.append([r.language, r.segments, r.unique, r.tm_hits, r.sent, r.requests, r.failures,
                     f"{written}/{len(r.episodes)}", r.qa_errors, r.qa_warnings])
    table(f"subloc translate: {report.source_lang} via {report.backend} (TM {report.tm_path})",
          ["language", "segments", "unique", "TM hits", "sent", "requests", "failures", "episodes", "QA errors",
           "QA warnings"], rows, right=range(1, 10))


@click.command(epilog="""\b
Examples:
  subloc backends
  subloc backends --pair zh-Hans:th
""")
@click.option("--pair", type=LanguagePair(), help="Only backends that translate SOURCE:TARGET, e.g. zh-Hans:ms.")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def backends(pair: str | None, as_json: bool) -> None:
    """List the translation backends (built in and installed plugins) with their limits and languages."""
    from ..backends import available, get_class
    from ..languages import canonical

    rows = []
    for name in available():
        info = get_class(name).info
        if pair:
            source, _, target = pair.partition(":")
            if not info.supports(canonical(source), canonical(target)):
                continue
        rows.append({"name": name, "description": info.description, "languages": sorted(info.languages) if
                     info.languages else "any", "max_segments": info.max_segments, "max_chars": info.max_chars,
                     "concurrency": info.concurrency, "rpm": info.rpm, "key": info.key_env or "",
                     "offline": info.offline})
    if as_json:
        emit_json(rows)
        return
    table(None, ["backend", "languages", "segments/request", "concurrency", "key", "what"],
          [[r["name"], ",".join(r["languages"]) if isinstance(r["languages"], list) else r["languages"],
            r["max_segments"], r["concurrency"], r["key"], r["description"]] for r in rows])


# --- tm -------------------------------------------------------------------------------------------

@click.group(epilog="""\b
Examples:
  subloc tm stats --tm .subloc/tm.sqlite
  subloc tm import reference.tmx --tm .subloc/tm.sqlite
  subloc tm export --tm .subloc/tm.sqlite -o series.tmx --lang th
  subloc tm align --source srt/ --target reference/ --lang th --approved --tm .subloc/tm.sqlite
""")
def tm() -> None:
    """The translation memory (SQLite): import/export TMX 1.4, align existing translations, stats."""


def _tm_path(path: str | None) -> Path:
    return Path(path) if path else Path(".subloc") / "tm.sqlite"


@tm.command("import", epilog="""\b
Examples:
  subloc tm import reference.tmx --tm .subloc/tm.sqlite
  subloc tm import vendor.tmx --source-lang zh-CN --approved
""")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--tm", "tm_path", type=click.Path(dir_okay=False), help="TM file (default: .subloc/tm.sqlite).")
@click.option("--source-lang", type=Language("source"), help="Source language when the TMX header does not say.")
@click.option("--approved/--machine", default=None, help="Mark the entries approved by a person, or machine output "
                                                         "(default: as the file says).")
def tm_import(files: tuple[str, ...], tm_path: str | None, source_lang: str | None, approved: bool | None) -> None:
    """Import TMX 1.4 files into the translation memory."""
    from ..tm import TranslationMemory, import_tmx

    with TranslationMemory(_tm_path(tm_path)) as memory:
        for name in files:
            entries = import_tmx(Path(name).read_text("utf-8"), name, source_lang=source_lang, approved=approved)
            count = memory.add_many(entries)
            click.echo(f"{name}: {count} segments imported into {memory.path}", err=True)


@tm.command("export", epilog="""\b
Examples:
  subloc tm export --tm .subloc/tm.sqlite -o all.tmx
  subloc tm export --lang th --approved-only -o th.tmx
""")
@click.option("--tm", "tm_path", type=click.Path(exists=True, dir_okay=False), help="TM file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="TMX file (default: stdout).")
@click.option("--lang", type=Language("target"), help="Only this target language.")
@click.option("--approved-only", is_flag=True, help="Only entries a person approved.")
def tm_export(tm_path: str | None, output: str | None, lang: str | None, approved_only: bool) -> None:
    """Export the translation memory as TMX 1.4 (approval and backend kept as properties)."""
    from ..languages import canonical
    from ..tm import TranslationMemory, export_tmx

    with TranslationMemory(_tm_path(tm_path)) as memory:
        entries = [e for e in memory.entries() if (not lang or e.target_lang == canonical(lang))
                   and (e.approved or not approved_only) and e.backend != "pseudo"]
    write_or_echo(export_tmx(entries), output, f"{len(entries)} segments written to {output}")


@tm.command("stats", epilog="""\b
Examples:
  subloc tm stats --tm .subloc/tm.sqlite
""")
@click.option("--tm", "tm_path", type=click.Path(exists=True, dir_okay=False), help="TM file.")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def tm_stats(tm_path: str | None, as_json: bool) -> None:
    """Segments per language pair, how many a person approved, which backends produced them."""
    from ..tm import TranslationMemory

    with TranslationMemory(_tm_path(tm_path)) as memory:
        stats = memory.stats()
    if as_json:
        emit_json(stats)
        return
    table(f"{stats['path']}: {stats['segments']} segments, {stats['size_bytes']:,} bytes",
          ["source", "target", "segments", "approved", "backends"],
          [[p["source_lang"], p["target_lang"], p["segments"], p["approved"], ", ".join(p["backends"])]
           for p in stats["pairs"]], right=(2, 3))


@tm.command("align", epilog="""\b
Examples:
  subloc tm align --source samples/stand-in-bride/srt --target samples/stand-in-bride/reference --approved
""")
@click.option("--source", "source", required=True, type=click.Path(exists=True), help="Source episodes (file or folder).")
@click.option("--target", "target", required=True, type=click.Path(exists=True),
              help="Existing translations (file or folder), matched to the source by episode name.")
@click.option("--lang", type=Language("target"), help="Only this target language (default: every language found).")
@click.option("--from", "source_lang", type=Language("source"), help="Source language (default: from the file names).")
@click.option("--tm", "tm_path", type=click.Path(dir_okay=False), help="TM file (default: .subloc/tm.sqlite).")
@click.option("--approved", is_flag=True, help="Mark the segments approved (human translations).")
def tm_align(source: str, target: str, lang: str | None, source_lang: str | None, tm_path: str | None,
             approved: bool) -> None:
    """Fill the translation memory from existing translations, cue by cue (same cue count and timing)."""
    from ..align import align_files
    from ..tm import TranslationMemory

    with TranslationMemory(_tm_path(tm_path)) as memory:
        count, notes = align_files(source, target, memory, language=lang, source_lang=source_lang, approved=approved)
    for message in notes:
        note(f"note: {message}")
    click.echo(f"{count} segments aligned into {_tm_path(tm_path)}", err=True)
