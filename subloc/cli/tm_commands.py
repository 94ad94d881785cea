"""``tm``: the translation memory (SQLite file or PostgreSQL): TMX import and export, alignment, stats, copies."""

from __future__ import annotations

from pathlib import Path

import click

from ._output import emit_json, note, table, write_or_echo
from ._params import Language


def register(cli: click.Group) -> None:
    cli.add_command(tm)


_TM_HELP = ("Translation memory: a SQLite file, or a PostgreSQL URL postgresql://user@host:port/db (password from "
            "PGPASSWORD or ~/.pgpass). Default: [translate] tm of subloc.toml, else .subloc/tm.sqlite.")


@click.group(epilog="""\b
Examples:
  subloc tm stats --tm .subloc/tm.sqlite
  subloc tm import reference.tmx --tm .subloc/tm.sqlite
  subloc tm export --tm .subloc/tm.sqlite -o series.tmx --lang th
  subloc tm align --source srt/ --target reference/ --lang th --approved --tm .subloc/tm.sqlite
  subloc tm init postgresql://subloc@db.internal/subloc
  subloc tm copy .subloc/tm.sqlite postgresql://subloc@db.internal/subloc
""")
def tm() -> None:
    """The translation memory (SQLite file or PostgreSQL): import/export TMX 1.4, align existing
    translations, stats, and copying a memory between stores."""


def _tm_spec(spec: str | None) -> str:
    """--tm, else the project's [translate] tm, else .subloc/tm.sqlite (nothing is created by asking)."""
    if spec:
        return spec
    from ..config import find_config
    return str(find_config(Path.cwd()).translate.get("tm") or Path(".subloc") / "tm.sqlite")


def _approver(by: str | None) -> str:
    import getpass
    import os
    try:
        return by or os.environ.get("SUBLOC_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


_BY_HELP = "Who approves (kept with each approved entry; default: $SUBLOC_USER or the login name)."


@tm.command("init", epilog="""\b
Examples:
  subloc tm init postgresql://subloc@db.internal:5432/subloc
  PGPASSWORD=… subloc tm init postgresql://subloc@10.0.0.5/subloc
  subloc tm init team/tm.sqlite
""")
@click.argument("spec", metavar="URL|FILE")
def tm_init(spec: str) -> None:
    """Create the translation memory's schema (or bring an existing one up to date)."""
    from ..tm import open_tm

    with open_tm(spec) as memory:
        click.echo(f"{memory.location}: translation memory ready (schema version {memory.schema_version()})", err=True)


@tm.command("import", epilog="""\b
Examples:
  subloc tm import reference.tmx --tm .subloc/tm.sqlite
  subloc tm import vendor.tmx --source-lang zh-CN --approved --by linh
  subloc tm import vendor.tmx --tm postgresql://subloc@db.internal/subloc
""")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--tm", "tm_spec", metavar="FILE|URL", help=_TM_HELP)
@click.option("--source-lang", type=Language("source"), help="Source language when the TMX header does not say.")
@click.option("--approved/--machine", default=None, help="Mark the entries approved by a person, or machine output "
                                                         "(default: as the file says).")
@click.option("--by", help=_BY_HELP)
def tm_import(files: tuple[str, ...], tm_spec: str | None, source_lang: str | None, approved: bool | None,
              by: str | None) -> None:
    """Import TMX 1.4 files (any declared encoding: UTF-8, UTF-16, GB18030, Latin-1) into the memory."""
    from ..tm import import_tmx, open_tm

    parsed = [(name, import_tmx(Path(name).read_bytes(), name, source_lang=source_lang, approved=approved,
                                approved_by=_approver(by) if approved else "")) for name in files]
    with open_tm(_tm_spec(tm_spec)) as memory:  # every file is read before the memory is touched
        for name, entries in parsed:
            count = memory.add_many(entries)
            click.echo(f"{name}: {count} segments imported into {memory.location}", err=True)


@tm.command("export", epilog="""\b
Examples:
  subloc tm export --tm .subloc/tm.sqlite -o all.tmx
  subloc tm export --lang th --approved-only -o th.tmx
""")
@click.option("--tm", "tm_spec", metavar="FILE|URL", help=_TM_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="TMX file (default: stdout).")
@click.option("--lang", type=Language("target"), help="Only this target language.")
@click.option("--approved-only", is_flag=True, help="Only entries a person approved.")
def tm_export(tm_spec: str | None, output: str | None, lang: str | None, approved_only: bool) -> None:
    """Export the translation memory as TMX 1.4 (approval, approver and backend kept as properties).
    Characters XML cannot carry (control characters) are removed, and counted on stderr."""
    from ..languages import canonical
    from ..tm import export_tmx, open_tm, xml_unsafe

    with open_tm(_tm_spec(tm_spec), readonly=True) as memory:
        entries = [e for e in memory.entries() if (not lang or e.target_lang == canonical(lang))
                   and (e.approved or not approved_only) and e.backend != "pseudo"]
    unsafe = sum(1 for e in entries if xml_unsafe(e.source + e.target + e.note))
    if unsafe:
        note(f"{unsafe} entr{'y' if unsafe == 1 else 'ies'} held control characters XML cannot carry; "
             "they are left out of the export's text")
    write_or_echo(export_tmx(entries), output, f"{len(entries)} segments written to {output}")


@tm.command("stats", epilog="""\b
Examples:
  subloc tm stats --tm .subloc/tm.sqlite
  subloc tm stats --tm postgresql://subloc@db.internal/subloc --json
""")
@click.option("--tm", "tm_spec", metavar="FILE|URL", help=_TM_HELP)
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def tm_stats(tm_spec: str | None, as_json: bool) -> None:
    """Segments per language pair, how many a person approved, which backends produced them."""
    from ..tm import open_tm

    with open_tm(_tm_spec(tm_spec), readonly=True) as memory:
        stats = memory.stats()
    if as_json:
        emit_json(stats)
        return
    table(f"{stats['path']}: {stats['segments']} segments, {stats['size_bytes']:,} bytes",
          ["source", "target", "segments", "approved", "backends"],
          [[p["source_lang"], p["target_lang"], p["segments"], p["approved"], ", ".join(p["backends"])]
           for p in stats["pairs"]], right=(2, 3))


@tm.command("copy", epilog="""\b
Examples:
  subloc tm copy .subloc/tm.sqlite postgresql://subloc@db.internal/subloc
  subloc tm copy postgresql://subloc@db.internal/subloc backup/tm.sqlite
""")
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
def tm_copy(source: str, destination: str) -> None:
    """Copy every entry of one memory into another (file or PostgreSQL, either way). Approvals and who
    gave them are kept; an approved entry already in DST is not overwritten by an unapproved one."""
    from ..tm import copy_tm, display, open_tm

    if display(source) == display(destination):
        from ..errors import UsageError
        raise UsageError("SRC and DST are the same translation memory")
    with open_tm(source, readonly=True) as src, open_tm(destination) as dst:
        count = copy_tm(src, dst)
        click.echo(f"{count} entries copied from {src.location} to {dst.location}", err=True)


@tm.command("align", epilog="""\b
Examples:
  subloc tm align --source samples/stand-in-bride/srt --target samples/stand-in-bride/reference --approved
""")
@click.option("--source", "source", required=True, type=click.Path(exists=True), help="Source episodes (file or folder).")
@click.option("--target", "target", required=True, type=click.Path(exists=True),
              help="Existing translations (file or folder), matched to the source by episode name.")
@click.option("--lang", type=Language("target"), help="Only this target language (default: every language found).")
@click.option("--from", "source_lang", type=Language("source"), help="Source language (default: from the file names).")
@click.option("--tm", "tm_spec", metavar="FILE|URL", help=_TM_HELP)
@click.option("--approved", is_flag=True, help="Mark the segments approved (human translations).")
@click.option("--by", help=_BY_HELP)
def tm_align(source: str, target: str, lang: str | None, source_lang: str | None, tm_spec: str | None,
             approved: bool, by: str | None) -> None:
    """Fill the translation memory from existing translations, cue by cue (same cue count and timing)."""
    from ..align import align_files
    from ..tm import open_tm

    with open_tm(_tm_spec(tm_spec)) as memory:
        count, notes = align_files(source, target, memory, language=lang, source_lang=source_lang, approved=approved,
                                   approved_by=_approver(by) if approved else "")
        where = memory.location
    for message in notes:
        note(f"note: {message}")
    click.echo(f"{count} segments aligned into {where}", err=True)
