"""``translate`` and ``backends``: machine translation of whole series, and the backends that do it."""

from __future__ import annotations

import sys
from typing import Any

import click

from ._output import emit_json, is_terminal, note, plural, table
from ._params import AtLeast, BaseURL, Language, LanguagePair, Languages


def register(cli: click.Group) -> None:
    cli.add_command(translate)
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
@click.option("--tm", "tm_path", metavar="FILE|URL",
              help="Translation memory: a file, or postgresql://user@host:port/db shared by a team and its workers "
                   "(default: .subloc/tm.sqlite in the series folder).")
@click.option("--format", "out_format", type=click.Choice(["srt", "vtt"]), help="Output format (default: the input's).")
@click.option("--dry-run", is_flag=True, help="Report what would be sent (segments, characters, requests); send nothing.")
@click.option("--base-url", type=BaseURL(), help="Backend endpoint (openai-compatible servers, self-hosted LibreTranslate, mirrors).")
@click.option("--model", help="Model name (openai backend).")
@click.option("--fallback-base-url", type=BaseURL(), help="Endpoint of the fallback backend.")
@click.option("--fallback-model", help="Model of the fallback backend.")
@click.option("--timeout", type=AtLeast(0, real=True, open=True), help="Deadline per request in seconds (default: 60).")
@click.option("--concurrency", type=AtLeast(1), help="Requests in flight (default: the backend's).")
@click.option("--rpm", type=AtLeast(0, real=True, open=True), help="Requests per minute at most (default: the backend's).")
@click.option("--batch-size", type=AtLeast(1), help="Segments per request at most (default: the backend's limit).")
@click.option("--retries", type=AtLeast(0, fix="0 sends each request once"), help="Retries of a failed request (default: 4).")
@click.option("--max-requests", type=AtLeast(1),
              help="Send at most N requests in this run (every language and backend together).")
@click.option("--max-tokens", type=AtLeast(1),
              help="Stop sending once the run has used N prompt + completion tokens (LLM backends).")
@click.option("--glossary", type=click.Path(exists=True), help="Glossary file or folder instead of the shipped one.")
@click.option("--option", "extra", multiple=True, metavar="KEY=VALUE",
              help="Backend-specific setting, e.g. region=eastasia, json_mode=false, temperature=0.3.")
@click.option("--strict", is_flag=True, help="Exit 1 when the QA of the output finds errors.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
@click.option("--encoding", help="Source encoding (default: detect).")
@click.option("--story/--no-story", default=True,
              help="LLMs: translate episode by episode with the previous lines, re-translating short lines in each "
                   "new context (default); --no-story sends each unique line once for the series.")
@click.option("--fit/--no-fit", "fit", default=True,
              help="Budgets (max_chars) for LLMs, shortening re-asks, timing stretched into free time (default).")
@click.option("--fit-share", type=click.FloatRange(0, 1), default=0.25, show_default=True,
              help="At most this share of the segments sent is asked again to shorten.")
@click.option("--short-line", "short_chars", type=click.IntRange(0), default=12, show_default=True,
              help="Source lines this short (characters) are translated again in each new context.")
def translate(paths: tuple[str, ...], targets: str, source_lang: str | None, backend: str | None,
              fallback: str | None, output_dir: str | None, tm_path: str | None, out_format: str | None,
              dry_run: bool, base_url: str | None, model: str | None, fallback_base_url: str | None,
              fallback_model: str | None, timeout: float | None,
              concurrency: int | None, rpm: float | None, batch_size: int | None, retries: int | None,
              max_requests: int | None, max_tokens: int | None, glossary: str | None, extra: tuple[str, ...],
              strict: bool, quiet: bool, as_json: bool, encoding: str | None, story: bool, fit: bool,
              fit_share: float, short_chars: int) -> None:
    """Translate whole series into several languages in one run; writes OUT/<episode>.<lang>.<ext>.

    Segments are looked up in the translation memory first (approved entries win); LLMs get the rest
    episode by episode with the lines before them, speakers and a character budget per line (short
    lines are translated again in each new context), other services each unique line once. Requests
    are as few as the backend allows, with retries, rate limits and a deadline per request. Each
    segment is saved to the TM as it arrives, so an interrupted
    run resumes and a finished one re-runs without a request. Glossary terms are enforced and the output
    is re-wrapped to the vertical profile and checked. An episode that could not be fully translated is
    not written; the exit code is then 1.
    """
    from ..formats import expand_paths, load
    from ..project import find_project
    from ..translate import translate_options, translate_tracks

    files = expand_paths(paths)
    # The project of the inputs gives [translate], the glossary setting and the TM; flags win.
    project = find_project(files[0]) if files else None
    options = translate_options(
        project, targets.split(","), output_dir=output_dir, source_lang=source_lang, backend=backend,
        fallback=fallback, base_url=base_url, model=model, fallback_base_url=fallback_base_url,
        fallback_model=fallback_model, timeout=timeout, out_format=out_format, tm=tm_path, dry_run=dry_run,
        concurrency=concurrency, rpm=rpm, batch_size=batch_size, retries=retries, glossary=glossary,
        max_requests=max_requests, max_tokens=max_tokens, extra=_options(extra))
    from dataclasses import replace
    options = replace(options, story=story, fit=fit, fit_share=fit_share, short_chars=short_chars)
    tracks = [load(f, encoding=encoding) for f in files]  # every source is read before anything is sent
    progress: Any = _RichProgress() if is_terminal(sys.stderr) and not quiet and not as_json else _PlainProgress(quiet)
    previous = _second_interrupt_exits()
    try:
        report = translate_tracks(tracks, project, options, progress)
    except KeyboardInterrupt:
        # (the handler stays on "exit at once" until the process ends: a second Ctrl-C during the exit)
        if hasattr(progress, "stop"):
            progress.stop()
        click.echo("interrupted: every reply received is in the translation memory; run the same command again "
                   "to resume", err=True)
        # Out now: the TM is closed and every output written atomically; a normal interpreter exit would leave
        # a moment in which a second Ctrl-C kills the process by signal instead.
        import os
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    except OSError as exc:
        raise _write_error(exc) from None
    finally:
        if hasattr(progress, "stop"):
            progress.stop()
    if previous is not None:
        import signal
        signal.signal(signal.SIGINT, previous)
    if as_json:
        from dataclasses import asdict
        emit_json(asdict(report))
    else:
        _summary(report)
    if report.incomplete:
        sys.exit(1)
    if strict and report.qa_errors:
        sys.exit(1)


def _second_interrupt_exits() -> Any:
    """The first Ctrl-C stops the run (replies received are committed); a second one exits at once."""
    import os
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def second(signum: int, frame: Any) -> None:
        os.write(2, b"interrupted again: exiting now\n")
        os._exit(130)

    def first(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, second)
        raise KeyboardInterrupt

    return signal.signal(signal.SIGINT, first)


def _write_error(exc: OSError) -> Exception:
    """A full disk or a read-only folder while writing: a clear error (exit 2), not an internal one."""
    import errno

    from ..errors import SublocError

    where = f" writing {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return SublocError(f"the disk is full{where}", hint="free some space and run the same command again; "
                                                            "what was translated is in the translation memory")
    if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
        return SublocError(f"cannot write{where}: {exc.strerror}", hint="choose another -o or fix its permissions")
    return exc


def _summary(report: Any) -> None:
    if report.dry_run:
        table(f"Dry run: nothing sent ({report.backend}; TM {report.tm_path})",
              ["language", "segments", "unique", "TM hits", "to send", "requests", "characters"],
              [[r.language, r.segments, r.unique, r.tm_hits, r.plan.get("segments", 0), r.plan.get("requests", 0),
                r.plan.get("characters", 0)] for r in report.languages], right=range(1, 7))
        for r in report.languages:
            for ex in r.plan.get("examples", [])[:20]:
                note(f"{r.language}: example for {ex['segment']!r}: {ex['source']!r} → {ex['target']!r} "
                     f"({ex['similarity']}% similar, from the TM)")
        return
    rows = []
    for message in report.notes:
        note(f"note: {message}")
    for r in report.languages:
        if r.stopped:
            note(f"{r.language}: {r.stopped}")
        if r.rejected_language:
            note(f"{r.language}: {r.rejected_language} repl(ies) in the wrong language or script were rejected and "
                 f"asked again")
        if r.reasked:
            note(f"{r.language}: {plural(r.reasked, 'segment')} missed a glossary term and were asked again naming it; "
                 f"{r.reask_fixed} now comply (the rest are in the QA findings)")
        written = sum(1 for e in r.episodes if e.path)
        tokens = f"{r.prompt_tokens}/{r.completion_tokens}" + ("~" if r.tokens_estimated else "")
        cost = f"{r.cost:.4f}" if r.cost is not None else ""
        rows.append([r.language, r.segments, r.unique, r.tm_hits, r.sent, r.requests, r.failures,
                     f"{written}/{len(r.episodes)}", r.qa_errors, r.qa_warnings, tokens, cost])
    table(f"subloc translate: {report.source_lang} via {report.backend} (TM {report.tm_path})",
          ["language", "segments", "unique", "TM hits", "sent", "requests", "failures", "episodes", "QA errors",
           "QA warnings", "tokens in/out", "cost"], rows, right=range(1, 12))
    speed = [r for r in report.languages if r.speed_after]
    if speed:
        def cell(d: dict[str, Any]) -> str:
            return f"{d['median']:g} / {d['p90']:g} / {d['over']:.0%}"
        table("Reading speed (chars/s: median / p90 / share over the limit)",
              ["language", "as translated", "as written", "shortened", "re-timed", "still over"],
              [[r.language, cell(r.speed_before), cell(r.speed_after), f"{r.shortened}/{r.fit_asked}", r.retimed,
                len(r.fit_misses)] for r in speed], right=range(1, 6))


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
