"""``check``, ``rules`` and ``rule``: the linter."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ._output import emit_json, is_terminal, plural, table
from ._params import AtLeast, FrameRate, Language

FORMAT_CHOICES = ["text", "concise", "json", "github", "junit", "sarif"]


def register(cli: click.Group) -> None:
    cli.add_command(check)
    cli.add_command(rules)
    cli.add_command(rule)
    cli.add_command(fix)


def _codes(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    from ..errors import UsageError
    from ..qa import all_rules
    known = all_rules()
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise UsageError(f"unknown rule code {code!r}", hint="see `subloc rules` for the codes")
    return codes


@click.command(epilog="""\b
Examples:
  subloc check out/                              # every .srt/.vtt below out/, language from file names
  subloc check ep01.th.srt --source ep01.zh-Hans.srt
  subloc check out/th --lang th --source samples/stand-in-bride/srt --format json -o report.json
  subloc check out/ --format sarif -o subloc.sarif    # for GitHub code scanning
  subloc check out/ --select T,L101 --ignore L105 --strict
  subloc check out/ --extend-ignore L109 --statistics
  subloc check out/ --baseline .subloc-baseline.json --write-baseline   # record what is known, then:
  subloc check out/ --baseline .subloc-baseline.json                    # only new findings
  cat ep01.th.srt | subloc check - --stdin-filename out/ep01.th.srt
  subloc check out/ --fix                        # apply the safe fixes of `subloc fix`, then report the rest
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--lang", type=Language(), help="Language of the files (default: from the file name, e.g. ep01.th.srt "
                                              "or th/, or detected).")
@click.option("--source", type=click.Path(), help="The source track (a file, or a folder matched by episode name) "
                                                   "for the consistency (X) and glossary (G) rules.")
@click.option("--glossary", type=click.Path(exists=True), help="Glossary for the G rules: a .tsv file or a folder of "
              "<lang>.tsv (default: the language's glossary from the project or subloc).")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES),
              help="Report format (default: text; github when GITHUB_ACTIONS is set).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--select", help="Only these rule codes or prefixes, comma-separated (T,L101).")
@click.option("--extend-select", help="Add these codes or prefixes to the selection (the configuration's or --select's).")
@click.option("--ignore", help="Skip these rule codes or prefixes, comma-separated.")
@click.option("--extend-ignore", help="Skip these codes or prefixes as well as the configuration's ignore.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Use this subloc.toml or pyproject.toml for every file (default: the nearest one above each file).")
@click.option("--screen", type=click.Choice(["vertical", "landscape"]), help="Profile screen (default: vertical).")
@click.option("--fps", type=FrameRate(), help="Frame rate for frame-based limits (default: 30).")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are errors (2 still means unreadable input).")
@click.option("--statistics", is_flag=True, help="Only a count per rule code, most frequent first.")
@click.option("--show-files", is_flag=True, help="List the files that would be checked, and stop.")
@click.option("--baseline", type=click.Path(dir_okay=False), help="Hide the findings recorded in this file "
              "(matched by file, code and cue text, so renumbering keeps them hidden).")
@click.option("--write-baseline", is_flag=True, help="Record every current finding in --baseline "
                                                     "(default .subloc-baseline.json) and exit 0.")
@click.option("--stdin-filename", help="With PATH '-': the name of the text read from stdin, for messages, the "
                                       "language and the configuration.")
@click.option("--encoding", help="Source encoding (default: detect).")
@click.option("--jobs", type=AtLeast(1, fix="--jobs 1 checks in this process"),
              help="Worker processes (default: one per idle core for 40+ files of 8,000+ cues, else 1).")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply the safe fixes of `subloc fix` in place first.")
@click.option("--diff", is_flag=True, help="Show the fixes --fix would make as a diff; write nothing.")
def check(paths: tuple[str, ...], lang: str | None, source: str | None, glossary: str | None, fmt: str | None,
          output: str | None, select: str | None, extend_select: str | None, ignore: str | None,
          extend_ignore: str | None, config_file: str | None, screen: str | None, fps: str | None, strict: bool,
          exit_zero: bool, statistics: bool, show_files: bool, baseline: str | None, write_baseline: bool,
          stdin_filename: str | None, encoding: str | None, jobs: int | None, apply_fix: bool, diff: bool) -> None:
    """Check subtitle files for vertical video: timing, line length, reading speed, language, glossary.

    Counting is script-aware (Thai without combining marks, Chinese half-width as ½, Vietnamese in
    NFC). Rules, limits and severities come from subloc.toml or [tool.subloc] in pyproject.toml,
    found by walking up from each file (or --config); flags win. Folders are walked without what
    .gitignore files and the configuration's exclude/extend-exclude leave out. PATH '-' reads stdin.
    A WebVTT block `NOTE subloc: ignore CODE` hides CODE for the cue after it. Exit 0 when there are
    no errors (warnings too with --strict), 1 when there are, 2 on bad usage, configuration or
    unreadable input.
    """
    from ..check import CheckOptions, SourceFinder, check_file, check_paths
    from ..errors import UsageError
    from ..project import Projects
    from ..qa.report import render, render_statistics, summary

    options = CheckOptions(language=lang, screen=screen, fps=fps, select=_codes(select), ignore=_codes(ignore) or (),
                           extend_select=_codes(extend_select) or (), extend_ignore=_codes(extend_ignore) or (),
                           source=source, glossary=glossary, encoding=encoding)
    from ..formats import expand_inputs
    from .io_commands import Batch

    stdin = "-" in paths
    if stdin and (len(paths) > 1 or apply_fix or diff):
        raise UsageError("'-' (stdin) is checked alone and cannot be fixed in place",
                         hint="pass '-' as the only path, without --fix/--diff")
    if stdin_filename and not stdin:
        raise UsageError("--stdin-filename names the text read from stdin", hint="pass '-' as the path")
    projects = Projects(config_file)  # --config: this file for every path, else the nearest one above each
    # Folders are walked without what each file's project excludes and what .gitignore files leave out.
    inputs = [] if stdin else expand_inputs(paths, projects.walk_filter())
    files = [Path(stdin_filename or "-")] if stdin else [item.path for item in inputs]
    if show_files:
        for f in files:
            click.echo(str(f))
        return
    projects.for_paths(files)  # every file's configuration, read once: a bad one is one error before any work
    if diff or apply_fix:
        # A file that cannot be fixed (unreadable, damaged blocks) is left as it is: the check reports it.
        changed, _ = run_fixes(inputs, lang, screen, fps, 1000, encoding, diff=diff, out_dir=None,
                               in_place=apply_fix, report=False, batch=Batch(quiet=True), projects=projects)
        if diff:
            sys.exit(1 if changed else 0)
        if changed:
            click.echo(f"fixed {plural(changed, 'file')} in place", err=True)
    if stdin:
        data = sys.stdin.buffer.read()
        results = [check_file(str(files[0]), options, SourceFinder(source, encoding), projects, data=data)]
    else:
        results = check_paths(files, options, jobs=jobs, projects=projects)
    if write_baseline:
        from ..qa.baseline import write_baseline as write
        target = baseline or ".subloc-baseline.json"
        count = write(target, results)
        click.echo(f"baseline written to {target}: {plural(count, 'finding')} recorded", err=True)
        sys.exit(2 if summary(results)["unreadable"] else 0)
    if baseline:
        from ..qa.baseline import apply_baseline
        hidden = apply_baseline(baseline, results)
        if hidden:
            click.echo(f"{plural(hidden, 'known finding')} hidden by the baseline {baseline}", err=True)
    fmt = fmt or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    text = render_statistics(results, fmt) if statistics else render(results, fmt)
    if output:
        from ..formats import OutputGuard, atomic_write
        OutputGuard(files).check(output, hint="write the report to another file")
        atomic_write(Path(output), text.encode("utf-8"))
        click.echo(f"report written to {output}", err=True)
    elif fmt == "text" and not statistics and is_terminal():
        _print_rich(results)
    else:
        # (not click.echo: off a terminal it strips ANSI codes with a regex over the whole report, 2.7 MB
        # for 9,000 findings; a report holds none: file text is shown escaped, subloc.visible)
        sys.stdout.write(text)
        sys.stdout.flush()
    counts = summary(results)
    strict = strict or any(projects.for_path(f).strict for f in files[:1])
    if counts["unreadable"]:
        sys.exit(2)
    if not exit_zero and (counts["errors"] or (strict and counts["warnings"])):
        sys.exit(1)


def _print_rich(results) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.markup import escape

    from ..qa.report import summary_line

    # The severity is always a word; colour only repeats it (and NO_COLOR turns it off).
    console = Console(highlight=False, no_color=bool(os.environ.get("NO_COLOR")), soft_wrap=True)
    for r in results:
        if r.error:
            console.print(f"[bold red]error:[/] {escape(r.error)} [dim]\\[not checked][/]")
        for note in r.notes:
            console.print(f"[yellow]warning:[/] {escape(note)}")
        for f in r.findings:
            color = "red" if f.severity == "error" else "yellow"
            console.print(f"[bold]{escape(f.file)}:{f.line}:{f.column}[/]: [{color}]{f.code} \\[{f.severity}][/] "
                          f"[dim]{f.name}[/]: cue {f.cue}: {escape(f.message)}")
    counts_color = "red" if any(r.errors or r.error for r in results) else "green"
    console.print(f"[{counts_color}]{escape(summary_line(results))}[/]")


@click.command(epilog="""\b
Examples:
  subloc rules
  subloc rules --json
""")
@click.option("--json", "as_json", is_flag=True, help="Print the rules as a JSON array.")
def rules(as_json: bool) -> None:
    """List every rule: code, name, default severity and what it checks."""
    from ..qa import all_rules

    found = all_rules()
    if as_json:
        emit_json([{"code": c.code, "name": c.name, "severity": c.severity, "summary": c.summary,
                    "needs_source": c.needs_source, "needs_glossary": c.needs_glossary, "fixable": c.fixable,
                    "options": list(c.options)} for c in found.values()])
        return
    table(None, ["code", "name", "severity", "checks"],
          [[c.code, c.name, c.severity, c.summary + (" (with --source)" if c.needs_source else "")]
           for c in found.values()])


@click.command(epilog="""\b
Examples:
  subloc rule T107
  subloc rule l104
""")
@click.argument("code")
def rule(code: str) -> None:
    """Explain one rule, with a failing and a passing example and what check says about them."""
    from ..errors import UsageError
    from ..qa import all_rules
    from ..qa.examples import run_example

    found = all_rules().get(code.upper())
    if found is None:
        raise UsageError(f"unknown rule code {code!r}", hint="see `subloc rules` for the codes")
    click.echo(f"{found.code} {found.name} (default severity: {found.severity})\n")
    click.echo(found.doc())
    if found.fixable:
        click.echo(f"\nFixable: `subloc fix` repairs it; what it cannot repair it reports ({found.manual_hint}).")
    if found.options:
        from ..profiles import get_profile

        defaults = get_profile(found.example_lang).describe()
        click.echo(f"\nOptions ([limits] in subloc.toml; defaults for {found.example_lang}, vertical): " +
                   ", ".join(f"{name} = {defaults[name]:g}" if isinstance(defaults[name], (int, float))
                             and not isinstance(defaults[name], bool) else f"{name} = {defaults[name]!r}"
                             for name in found.options))
    for label, example, source in (("Fails", found.fail_example, found.fail_source),
                                   ("Passes", found.pass_example, found.pass_source)):
        click.echo(f"\n{label} ({found.example_lang}):")
        if found.needs_source:
            click.echo("  source:")
            click.echo("".join(f"    {line}\n" for line in source.rstrip("\n").split("\n")), nl=False)
            click.echo("  target:")
        click.echo("".join(f"    {line}\n" for line in example.rstrip("\n").split("\n")), nl=False)
        findings = [f for f in run_example(found, example, source) if f.code == found.code]
        for f in findings:
            click.echo(f"  -> {f.code} [{f.severity}] cue {f.cue}: {f.message}")
        if not findings:
            click.echo("  -> no finding")


def run_fixes(inputs, lang, screen, fps, tolerance, encoding, *, diff: bool, out_dir: str | None,  # type: ignore[no-untyped-def]
              in_place: bool, report: bool = True, salvage: bool = False, batch=None, projects=None) -> tuple[int, int]:
    """Fix files (``formats.Input`` items); returns (files changed, changes not fixed).

    A file that cannot be read or written is reported and the others go on (``batch`` counts it).
    Fixed copies go to ``OUT/<path under the folder given>``; no input is ever written over.
    """
    from ..fix import fix_file
    from ..formats import OutputGuard, save
    from ..project import Projects
    from .io_commands import Batch, output_path

    batch = batch or Batch()
    guard = OutputGuard([item.path for item in inputs])
    projects = projects or Projects()
    projects.for_paths([item.path for item in inputs])  # a bad configuration is one error, before any work
    changed = unfixed = 0
    for item in inputs:
        path = item.path
        with batch.file(path):
            before = batch.read(path, encoding, salvage, language=lang)
            fixed = fix_file(str(path), lang, screen, fps, tolerance, track=before, project=projects.for_path(path))
            result = fixed.result
            if diff:
                text = fixed.diff()
                if text:
                    click.echo(text, nl=False)
                    changed += 1
                continue
            unfixed += len(result.unfixed)
            if report:
                for change in result.changes:
                    click.echo(f"{path}:{change.line or 1}: {change}")
            target = path if in_place else output_path(item, out_dir, "")
            if result.changed or before.damaged:
                changed += 1
                guard.check(target, path, in_place, hint="choose another folder with -o, or pass --in-place")
                save(result.track, target, before.format, overwrite_source=in_place)
            elif out_dir:
                guard.check(target, path, in_place, hint="choose another folder with -o")
                save(before, target, before.format)
    return changed, unfixed


@click.command(epilog="""\b
Examples:
  subloc fix out/th --diff                    # what would change, nothing written
  subloc fix out/th -o fixed/                 # fixed copies in fixed/
  subloc fix out/ep01.th.srt --in-place --tolerance 500
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--lang", type=Language(), help="Language (default: from the file name, e.g. ep01.th.srt, or detected).")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), help="Write fixed copies here.")
@click.option("--in-place", is_flag=True, help="Overwrite the files themselves.")
@click.option("--diff", is_flag=True, help="Show what would change as a unified diff; write nothing (exit 1 if any).")
@click.option("--tolerance", type=AtLeast(0, fix="0 keeps every cue where it is"), default=1000, show_default=True,
              help="No cue start or end moves by more than this many milliseconds.")
@click.option("--screen", type=click.Choice(["vertical", "landscape"]), help="Profile screen (default: vertical).")
@click.option("--fps", type=FrameRate(), help="Frame rate for frame-based limits (default: 30).")
@click.option("--encoding", help="Source encoding (default: detect).")
@click.option("--salvage", is_flag=True, help="Keep every readable cue of a file with damaged blocks, reporting each "
                                              "dropped block (exit 1); default: refuse such a file.")
def fix(paths: tuple[str, ...], lang: str | None, output_dir: str | None, in_place: bool, diff: bool,
        tolerance: int, screen: str | None, fps: str | None, encoding: str | None, salvage: bool) -> None:
    """Safe automatic repairs for the profile, each one reported: line breaks, timing, text hygiene.

    Breaks lines to the profile without splitting words (Thai by dictionary, Chinese with punctuation
    rules, Latin at spaces); removes overlaps and too-short gaps, closes gaps under ½ s, extends short
    or fast cues into free time, splits cues that are too long at sentence boundaries, merges tiny
    fragments; NFC, invisible characters, spaces, ellipses, speaker dashes. What cannot be fixed safely
    is reported and left alone. Exit 1 when something is left to fix by hand (or --diff shows changes).
    A folder keeps its layout under -o; a file that cannot be read is reported and the others are
    fixed (exit 2 at the end); a file with damaged blocks is refused, or fixed without them with
    --salvage (each dropped block reported, exit 1).
    """
    from ..errors import UsageError
    from ..formats import expand_inputs
    from .io_commands import Batch

    if not diff and not in_place and not output_dir:
        raise UsageError("say where the fixed files go", hint="pass -o DIR or --in-place (or --diff to preview)")
    if in_place and output_dir:
        raise UsageError("-o and --in-place exclude each other")
    batch = Batch()
    changed, unfixed = run_fixes(expand_inputs(paths), lang, screen, fps, tolerance, encoding, diff=diff,
                                 out_dir=output_dir, in_place=in_place, salvage=salvage, batch=batch)
    if diff:
        if not changed and not batch.failed:
            click.echo("nothing to fix")
        batch.exit()
        sys.exit(1 if changed else 0)
    click.echo(f"{plural(changed, 'file')} changed, {plural(unfixed, 'problem')} left to fix by hand", err=True)
    batch.exit()
    sys.exit(1 if unfixed else 0)
