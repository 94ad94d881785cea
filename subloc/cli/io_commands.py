"""``info`` and ``convert``: reading, describing and rewriting subtitle files."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from ._output import emit_json, note, table
from ._params import Language

ENCODING_HELP = ("Source encoding (default: detect; BOM, UTF-8/16/32, then GB18030/Big5/cp874/cp1258/cp1250/cp1252, "
                 "the file name's language first).")
SALVAGE_HELP = ("Keep every readable cue of a file with damaged blocks, reporting each dropped block (exit 1); "
                "default: refuse such a file.")


class Batch:
    """Every batch command goes on past a file it cannot do, reports it (naming the file) and exits
    2 at the end; blocks dropped by --salvage make the exit 1. ``quiet``: count, print nothing (for
    `check --fix`, whose report names such files anyway)."""

    def __init__(self, quiet: bool = False) -> None:
        self.failed = 0
        self.dropped = 0
        self.quiet = quiet

    @contextmanager
    def file(self, path: Path | str) -> Iterator[None]:
        from ..errors import SublocError
        try:
            yield
        except SublocError as exc:
            if exc.path is None:
                exc.path = str(path)
            if not self.quiet:
                click.echo(f"error: {exc}", err=True)
            self.failed += 1

    def read(self, path: Path | str, encoding: str | None, salvage: bool, language: str | None = None):  # type: ignore[no-untyped-def]
        """Load for rewriting. A file with damaged blocks is refused naming each block, or with
        ``salvage`` read without them, each dropped block reported with its line and text."""
        from ..errors import SubtitleParseError
        from ..formats import describe_damaged, load

        track = load(path, encoding=encoding, salvage=True, language=language)
        for n in track.notices if not self.quiet else ():
            note(f"{path}:{n.line}: note: {n.message}")
        if not track.damaged:
            return track
        count = len(track.damaged)
        if not salvage:
            for block in track.damaged if not self.quiet else ():
                click.echo(f"error: {describe_damaged(block, str(path))}", err=True)
            raise SubtitleParseError(f"{count} damaged block(s): nothing written", path=str(path),
                                     hint=f"fix them, or pass --salvage to keep the {len(track.cues)} readable cue(s)")
        for block in track.damaged:
            note(f"dropped: {describe_damaged(block, str(path))}")
        self.dropped += count
        return track

    def exit(self) -> None:
        if self.failed:
            sys.exit(2)
        if self.dropped:
            sys.exit(1)


def output_path(item, out_dir: str | None, suffix: str) -> Path:  # type: ignore[no-untyped-def]
    """Where an input's output goes: next to it, or under OUT at its path relative to the folder given."""
    name = Path(item.relative).with_suffix(suffix) if suffix else Path(item.relative)
    return Path(out_dir) / name if out_dir else item.path.with_name(name.name)


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
  subloc convert damaged.srt --to vtt --salvage -o out/  # keep the readable cues, report the rest
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
@click.option("--salvage", is_flag=True, help=SALVAGE_HELP)
def convert(paths: tuple[str, ...], to: str, output_dir: str | None, shift_ms: int, placement: str | None,
            encoding: str | None, bom: bool, crlf: bool, in_place: bool, salvage: bool) -> None:
    """Convert between SRT and WebVTT, optionally shifting times; writes DIR/<name>.<ext>.

    Converting to the same format is a normalizing round trip (UTF-8, LF, numbered cues).
    Whatever the target format cannot carry is reported on stderr. No input is ever overwritten
    (--in-place allows a file to be rewritten as itself; a symlink is written through). Writes are
    atomic. A folder keeps its layout under -o (th/ep01.srt -> OUT/th/ep01.vtt). A file that cannot
    be read is reported and the others are still converted (exit 2 at the end); a file with damaged
    blocks is refused naming each one, or converted without them with --salvage (exit 1).
    """
    from ..convert import convert as convert_track
    from ..errors import UsageError
    from ..formats import OutputGuard, expand_inputs, save

    inputs = expand_inputs(paths)
    targets = [output_path(item, output_dir, f".{to}") for item in inputs]
    clash = {t for t in targets if targets.count(t) > 1}
    if clash:
        raise UsageError(f"two inputs would be written to {sorted(clash)[0]}", hint="convert them separately")
    guard = OutputGuard([item.path for item in inputs])
    batch = Batch()
    for item, target in zip(inputs, targets):
        path = item.path
        with batch.file(path):
            track = batch.read(path, encoding, salvage)
            converted, notes = convert_track(track, to, offset_ms=shift_ms, placement=placement)
            for message in notes:
                note(f"{path}: note: {message}")
            guard.check(target, path, in_place)
            save(converted, target, to, bom=bom, newline="\r\n" if crlf else "\n", overwrite_source=in_place)
            click.echo(f"{path} -> {target}")
    batch.exit()
