"""``pack`` (build, verify) and ``preview``: what release staff ship, and how it looks on a phone."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ._output import emit_json
from ._params import Language, Languages


def register(cli: click.Group) -> None:
    cli.add_command(pack)
    cli.add_command(preview)


class _DefaultToBuild(click.Group):
    """`subloc pack SERIES …` builds; `subloc pack verify PACK.zip` verifies."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToBuild, epilog="""\b
Examples:
  subloc pack samples/stand-in-bride --lang th,id,ms,vi --translations out/ -o dist/
  subloc pack my-series --lang th --hls -o dist/
  subloc pack verify dist/stand-in-bride.th.zip
""")
def pack() -> None:
    """Language packs: every episode of a series in one language (SRT + WebVTT), checked, with a manifest.

    `subloc pack SERIES_DIR --lang …` builds (see `subloc pack build --help`);
    `subloc pack verify PACK.zip` checks a pack against its manifest.
    """


@pack.command("build", epilog="""\b
Examples:
  subloc pack samples/stand-in-bride --lang th,id,ms,vi --translations out/ -o dist/
  subloc pack my-series --lang vi --allow-errors --hls
""")
@click.argument("series_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--lang", "languages", required=True, type=Languages(), help="Languages, comma-separated: th,id,ms,vi.")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False), default="dist", show_default=True,
              help="Where the <series>.<lang>.zip packs go.")
@click.option("--translations", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Folder(s) with the translations (<episode>.<lang>.<ext> or <lang>/); default: the series folder.")
@click.option("--from", "source_lang", type=Language("source"), help="Source language (default: series.toml, else zh-Hans).")
@click.option("--allow-errors", is_flag=True, help="Pack a language even when QA finds errors.")
@click.option("--no-update", is_flag=True, help="Do not re-translate stale episodes; report them.")
@click.option("--backend", help="Backend for re-translating stale episodes (default: the one that translated them).")
@click.option("--tm", "tm_path", metavar="FILE|URL", help="Translation memory for re-translation (a file or a "
              "postgresql:// URL).")
@click.option("--placement", type=click.Choice(["app", "social-burnin", "tiktok"]), default="social-burnin",
              show_default=True, help="Vertical-video cue settings written into the WebVTT files.")
@click.option("--hls", is_flag=True, help="Add a WebVTT subtitle playlist (.m3u8) per episode.")
@click.option("--hls-mpegts", type=int, default=0, show_default=True,
              help="MPEG-TS time of the video's first frame, for the WebVTT X-TIMESTAMP-MAP of HLS.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def pack_build(series_dir: str, languages: str, output_dir: str, translations: tuple[str, ...], source_lang: str | None,
               allow_errors: bool, no_update: bool, backend: str | None, tm_path: str | None, placement: str,
               hls: bool, hls_mpegts: int, as_json: bool) -> None:
    """Build one deterministic zip per language: the same inputs give byte-identical packs.

    Each pack holds every episode as SRT and as WebVTT with vertical-safe cue settings (and an HLS
    playlist with --hls), and manifest.json: series, language, episodes in order with durations and cue
    counts, SHA-256 of every file, the QA summary, glossary and TM versions, the tool version. A language
    is refused when an episode is missing or stale (its source changed since subloc translated it), or
    when QA finds errors (unless --allow-errors). Stale episodes are first translated again: the TM
    answers for the unchanged cues, so only changed cues reach a backend. Exit 1 if any language is refused.
    """
    from ..packs import PackOptions, build_pack
    from ..tm import location

    options = PackOptions(languages=tuple(x.strip() for x in languages.split(",") if x.strip()),
                          output_dir=Path(output_dir), translations=tuple(Path(t) for t in translations),
                          source_lang=source_lang, allow_errors=allow_errors, update=not no_update, backend=backend,
                          tm_path=location(tm_path),
                          placement=placement, hls=hls,
                          hls_mpegts=hls_mpegts)
    from ..visible import visible

    results = build_pack(Path(series_dir), options)
    if as_json:
        emit_json([{"language": r.language, "path": str(r.path) if r.path else None, "refused": r.refused,
                    "retranslated": r.retranslated, "qa": r.qa, "notes": r.notes,
                    "episodes": [{"episode": e.episode, "state": e.state,
                                  "translation": str(e.translation) if e.translation else None} for e in r.episodes]}
                   for r in results])
    else:
        for r in results:
            if r.retranslated:
                click.echo(f"{r.language}: translated again: {visible(', '.join(r.retranslated))}", err=True)
            for message in r.notes:
                click.echo(f"{r.language}: note: {visible(message)}", err=True)
            if r.path:
                click.echo(f"{r.language}: {r.path} ({len(r.episodes)} episodes; QA {r.qa.get('errors', 0)} errors, "
                           f"{r.qa.get('warnings', 0)} warnings)")
            else:
                click.echo(f"{r.language}: REFUSED", err=True)
                for reason in r.refused:
                    click.echo(f"  {visible(reason)}", err=True)
    if any(not r.path for r in results):
        sys.exit(1)


@pack.command("verify", epilog="""\b
Examples:
  subloc pack verify dist/stand-in-bride.th.zip
""")
@click.argument("packs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def pack_verify(packs: tuple[str, ...]) -> None:
    """Check packs against their manifests: exactly the listed entries (no duplicates, no extra entry, no
    unsafe name or link), every member read in a stream up to the size the manifest gives, checksums, sizes,
    cue counts and durations, SRT and WebVTT of an episode agreeing. Exit 1 on any problem, 2 when a file is
    not a zip at all."""
    from ..packs import verify_pack
    from ..visible import visible

    bad = 0
    for name in packs:
        problems, manifest = verify_pack(Path(name))
        if problems:
            bad += 1
            for problem in problems:
                click.echo(f"{name}: {problem}")
        else:
            click.echo(f"{name}: ok ({len(manifest.get('files', {}))} files, {len(manifest.get('episodes', []))} "
                       f"episodes, {visible(str(manifest.get('language')))})")
    if bad:
        sys.exit(1)


@click.command(epilog="""\b
Examples:
  subloc preview out/ep01.th.srt --source samples/stand-in-bride/srt/ep01.zh-Hans.srt -o preview.html
  subloc preview ep01.vi.vtt --placement app -o ep01.html
  subloc preview out/ --source samples/stand-in-bride/srt -o previews/   # one page per file
""")
@click.argument("file", type=click.Path(exists=True))
@click.option("--source", type=click.Path(exists=True), help="The source track (a file, or a folder matched by episode).")
@click.option("--lang", type=Language(), help="Language (default: from the file name).")
@click.option("--placement", type=click.Choice(["app", "social-burnin", "tiktok"]),
              help="Where cues sit and how large the text is (default: social-burnin; WebVTT settings win).")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The HTML file to write (for a folder: the folder for one <name>.html per file).")
def preview(file: str, source: str | None, lang: str | None, placement: str | None, output: str) -> None:
    """A self-contained HTML page: each cue on a 9:16 phone frame at the profile's font size, the TikTok,
    Reels and Shorts safe zones drawn over it, cues with findings highlighted, source beside target, and a
    timeline of reading speed. Lines that overflow the safe width in the browser are marked."""
    from ..formats import OutputGuard, atomic_write, expand_paths
    from ..preview import render_preview
    from ..project import Projects

    projects = Projects()
    if Path(file).is_dir():
        pages = [(path, Path(output) / f"{path.stem}.html") for path in expand_paths([file], projects.walk_filter())]
    else:
        pages = [(Path(file), Path(output))]
    guard = OutputGuard([*(path for path, _ in pages), *([source] if source else [])])
    for _, target in pages:  # no page may replace an input, checked before any page is written
        guard.check(target, hint="write the pages to .html files (for a folder: -o a new folder)")
    for path, target in pages:
        html = render_preview(path, source=Path(source) if source else None, language=lang, placement=placement,
                              project=projects.for_path(path))
        atomic_write(target, html.encode("utf-8"))
        click.echo(f"preview written to {target}", err=True)
