"""``info`` and ``convert``: reading, describing and rewriting subtitle files."""

from __future__ import annotations

from pathlib import Path

import click

from ._output import emit_json, note, table
from ._params import Language

ENCODING_HELP = "Source encoding (default: detect; BOM, UTF-8, then GB18030/Big5/cp874/cp1258/cp1252)."


def register(cli: click.Group) -> None:
    cli.add_command(info)
    cli.add_command(convert)


@click.command(epilog="""\b
Examples:
  subloc info ep01.zh-Hans.srt
  subloc info samples/stand-in-bride --json
  subloc info episodes/ --lang th
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per file.")
@click.option("--lang", type=Language(), help="Language for counting (default: from the file name, e.g. ep01.th.srt).")
@click.option("--encoding", help=ENCODING_HELP)
def info(paths: tuple[str, ...], as_json: bool, lang: str | None, encoding: str | None) -> None:
    """Describe subtitle files: format, encoding, cues, duration, longest line, highest reading speed.

    Exits 2 if any file cannot be read (the others are still described).
    """
    from ..errors import SublocError
    from ..formats import expand_paths, load
    from ..report import describe

    results, failed = [], 0
    for path in expand_paths(paths):
        try:
            results.append(describe(load(path, encoding=encoding, language=lang)))
        except SublocError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
    if as_json:
        emit_json(results)
    else:
        from ..timecode import format_clock
        rows = []
        for r in results:
            longest = f"{r['longest_line']['chars']:g} (cue {r['longest_line']['cue']})" if r["cues"] else "-"
            fastest = f"{r['max_cps']['cps']:.1f} (cue {r['max_cps']['cue']})" if r["cues"] else "-"
            rows.append([r["path"], r["format"], r["encoding"] + (" BOM" if r["bom"] else ""), r["language"] or (f'{r["detected_language"]} (detected)' if r["detected_language"] else "?"),
                         r["cues"], format_clock(r["duration_ms"]), longest, fastest])
            for n in r["notices"]:
                note(f"{r['path']}:{n['line']}: note: {n['message']}")
        if rows:
            table(None, ["file", "format", "encoding", "lang", "cues", "duration", "longest line", "max chars/s"],
                  rows, right=(4, 5, 6, 7))
    if failed:
        raise click.exceptions.Exit(2)


@click.command(epilog="""\b
Examples:
  subloc convert ep01.srt --to vtt                      # writes ep01.vtt next to it
  subloc convert series/ --to vtt -o out/ --placement social-burnin
  subloc convert ep01.srt --to srt --shift -500 -o fixed/
  subloc convert ep01.srt --to srt --in-place           # normalize the file itself
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--to", "to", required=True, type=click.Choice(["srt", "vtt"]), help="Output format.")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), help="Output folder (default: next to each input).")
@click.option("--shift", "shift_ms", type=int, default=0, metavar="±MS", help="Move every cue by this many milliseconds.")
@click.option("--placement", type=click.Choice(["app", "social-burnin", "tiktok"]),
              help="Vertical-video cue settings for WebVTT output (safe zones of TikTok/Reels/Shorts).")
@click.option("--encoding", help=ENCODING_HELP)
@click.option("--bom", is_flag=True, help="Write a UTF-8 byte-order mark (default: none).")
@click.option("--crlf", is_flag=True, help="Write CRLF line endings (default: LF).")
@click.option("--in-place", is_flag=True, help="Allow overwriting a source file with its converted self.")
def convert(paths: tuple[str, ...], to: str, output_dir: str | None, shift_ms: int, placement: str | None,
            encoding: str | None, bom: bool, crlf: bool, in_place: bool) -> None:
    """Convert between SRT and WebVTT, optionally shifting times; writes DIR/<name>.<ext>.

    Converting to the same format is a normalizing round trip (UTF-8, LF, numbered cues).
    Whatever the target format cannot carry is reported on stderr. Sources are never overwritten
    unless --in-place is given. Writes are atomic.
    """
    from ..convert import convert as convert_track
    from ..errors import UsageError
    from ..formats import expand_paths, load, save

    files = expand_paths(paths)
    targets = []
    for path in files:
        folder = Path(output_dir) if output_dir else path.parent
        target = folder / f"{path.stem}.{to}"
        if not in_place and target.exists() and target.resolve() == path.resolve():
            raise UsageError("refusing to overwrite the source file", path=str(target),
                             hint="choose another folder with -o, or pass --in-place")
        targets.append(target)
    clash = {t for t in targets if targets.count(t) > 1}
    if clash:
        raise UsageError(f"two inputs would be written to {sorted(clash)[0]}", hint="convert them separately")
    for path, target in zip(files, targets):
        track = load(path, encoding=encoding)
        for n in track.notices:
            note(f"{path}:{n.line}: note: {n.message}")
        converted, notes = convert_track(track, to, offset_ms=shift_ms, placement=placement)
        for message in notes:
            note(f"{path}: note: {message}")
        save(converted, target, to, bom=bom, newline="\r\n" if crlf else "\n", overwrite_source=in_place)
        click.echo(f"{path} -> {target}")
