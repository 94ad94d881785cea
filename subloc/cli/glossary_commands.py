"""``glossary check|show|import|export``: per-language term bases."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..visible import visible
from ._output import note, plural, table, write_or_echo
from ._params import Language


def register(cli: click.Group) -> None:
    cli.add_command(glossary)


@click.group(epilog="""\b
Examples:
  subloc glossary check glossaries/ samples/stand-in-bride
  subloc glossary show --lang th 少奶奶
  subloc glossary export --lang th --to tbx -o th.tbx
  subloc glossary import deepl-th.csv --lang th -o glossaries/th.tsv
""")
def glossary() -> None:
    """Per-language glossaries: validate, look up, import and export (TBX, CSV/TSV).

    Files are glossaries/<lang>.tsv (shipped) and <series>/glossary.<lang>.tsv (a series' own
    layer, over the base one; series.toml character names are a layer too).
    """


def _language_of(path: Path) -> str | None:
    from ..languages import canonical, is_language_tag
    parts = path.stem.split(".")
    tag = parts[-1]
    return canonical(tag) if is_language_tag(tag) else None


@glossary.command("check", epilog="""\b
Examples:
  subloc glossary check glossaries/th.tsv
  subloc glossary check glossaries/ samples/stand-in-bride
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def glossary_check(paths: tuple[str, ...]) -> None:
    """Validate glossary files: header, columns, duplicates, empty targets, bad flags, conflicts.

    Every problem is printed as file:line. A series glossary is also compared with the base one it
    layers over (overrides are listed as warnings). Exit 1 on any error.
    """
    from ..glossary import base_path, read_text, read_tsv

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        files += sorted(path.rglob("*.tsv")) if path.is_dir() else [path]
    from ..glossary import Problem

    errors = warnings = 0
    for path in files:
        entries, problems = read_tsv(path.read_text("utf-8", errors="replace"), str(path))
        lang = _language_of(path)
        base = base_path(lang) if lang else None
        if path.name.startswith("glossary.") and base is not None and base.resolve() != path.resolve():
            base_entries = {e.key(): e for e in read_tsv(read_text(base), str(base))[0]}
            for e in entries:
                old = base_entries.get(e.key())
                if old is not None and (old.targets, old.dnt) != (e.targets, e.dnt):
                    problems.append(Problem(str(path), e.line, f"{e.source!r} → {'|'.join(e.renderings)} overrides "
                                                               f"{old.where()} ({'|'.join(old.renderings)})", "warning"))
        for problem in sorted(problems, key=lambda p: (p.line, p.severity)):
            click.echo(visible(str(problem)))
            errors += problem.severity == "error"
            warnings += problem.severity == "warning"
    click.echo(f"{plural(len(files), 'file')}, {plural(errors, 'error')}, {plural(warnings, 'warning')}", err=True)
    if errors:
        sys.exit(1)


def _effective(lang: str, series: str | None, glossary_file: str | None):  # type: ignore[no-untyped-def]
    from ..errors import UsageError
    from ..glossary import glossary_for
    found = glossary_for(lang, near=series, spec=glossary_file)
    if found is None:
        raise UsageError(f"no glossary for {lang!r}", hint="pass --glossary FILE or add glossaries/<lang>.tsv")
    return found


@glossary.command("show", epilog="""\b
Examples:
  subloc glossary show --lang th 少奶奶
  subloc glossary show --lang vi --series samples/stand-in-bride 顾
  subloc glossary show --lang id "Tuan Muda"        # matches renderings too
""")
@click.argument("term")
@click.option("--lang", required=True, type=Language("target"), help="Target language (th, id, ms, vi).")
@click.option("--series", type=click.Path(exists=True), help="A series folder (or a file in it): adds its layer.")
@click.option("--glossary", "glossary_file", type=click.Path(exists=True), help="Use this glossary instead of the base.")
def glossary_show(term: str, lang: str, series: str | None, glossary_file: str | None) -> None:
    """Look a term up: entries whose source or renderings contain TERM, with notes and origin."""
    found = _effective(lang, series, glossary_file).lookup(term)
    if not found:
        click.echo(f"no entry for '{visible(term)}' in the {visible(lang)} glossary", err=True)
        sys.exit(1)
    # Glossary text is shown with control characters escaped: a term cannot drive the terminal.
    table(None, ["source", "renderings", "note", "flags", "from"],
          [[visible(cell) for cell in (e.source, " | ".join(e.renderings), e.note, e.flags_text(), e.where())]
           for e in found])


@glossary.command("export", epilog="""\b
Examples:
  subloc glossary export --lang th --to tbx -o th.tbx
  subloc glossary export --lang id --to csv -o deepl-id.csv          # for a DeepL or Google Cloud glossary
  subloc glossary export --lang vi --series samples/stand-in-bride --to tsv
""")
@click.option("--lang", required=True, type=Language("target"), help="Target language.")
@click.option("--to", "fmt", required=True, type=click.Choice(["tbx", "csv", "tsv"]), help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@click.option("--series", type=click.Path(exists=True), help="Include this series' layer.")
@click.option("--glossary", "glossary_file", type=click.Path(exists=True), help="Export this file instead of the base.")
def glossary_export(lang: str, fmt: str, output: str | None, series: str | None, glossary_file: str | None) -> None:
    """Export a glossary as TBX (all renderings, notes, forbidden and dnt), or as the two-column CSV/TSV
    that DeepL and Google Cloud glossaries take (preferred rendering only)."""
    from ..glossary import export_csv, export_tbx, write_tsv

    found = _effective(lang, series, glossary_file)
    if fmt == "tbx":
        text = export_tbx(found)
    elif fmt == "csv":
        text = export_csv(found)
        dropped = sum(1 for e in found if len(e.targets) > 1 or e.forbidden or e.note)
        if dropped:
            note(f"note: two-column CSV keeps the preferred rendering only; {dropped} entries had alternatives, "
                 "forbidden renderings or notes (use --to tbx to keep them)")
    else:
        text = write_tsv(found)
    write_or_echo(text, output, f"{len(found)} entries written to {output}")


@glossary.command("import", epilog="""\b
Examples:
  subloc glossary import th.tbx --lang th -o glossaries/th.tsv
  subloc glossary import deepl-id.csv --lang id -o my-series/glossary.id.tsv --replace
""")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--lang", required=True, type=Language("target"), help="Target language of the imported renderings.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The subloc TSV to create or merge into.")
@click.option("--replace", "replace_existing", is_flag=True, help="Let imported renderings replace existing ones.")
def glossary_import(source: str, lang: str, output: str, replace_existing: bool) -> None:
    """Import TBX, or a two-column CSV/TSV (DeepL / Google Cloud), into a subloc glossary TSV.

    New terms are appended; a term that already exists with other renderings is kept (and reported)
    unless --replace. The result is validated and written atomically.
    """
    from ..errors import GlossaryError
    from ..formats import atomic_write
    from ..glossary import import_file, merge, read_text, read_tsv, write_tsv

    incoming = import_file(Path(source).read_bytes(), lang, source)
    out = Path(output)
    existing = []
    if out.exists():
        existing, problems = read_tsv(read_text(out), str(out))
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise GlossaryError(errors[0].message, path=errors[0].path, line=errors[0].line,
                                hint="fix the target glossary first (`subloc glossary check`)")
    merged, notes = merge(existing, incoming, replace_existing)
    for message in notes:
        note(f"note: {visible(message)}")
    atomic_write(out, write_tsv(merged).encode("utf-8"))
    click.echo(f"{len(incoming)} entries read, {len(merged) - len(existing)} added, {len(merged)} in {output}", err=True)
