"""Building language packs: every episode of a series in one language, checked, with a manifest, zipped.

A pack is the zip a viewer app downloads when viewers ask for a language::

    <series>.<lang>/
        manifest.json
        ep01.<lang>.srt   ep01.<lang>.vtt   [ep01.<lang>.m3u8]
        …

The zip is deterministic (fixed order, times and permissions): the same inputs give the same bytes.
The manifest lists the series, the language, the episodes in order with durations and cue counts, the
SHA-256 of every file, the QA summary, the glossary and TM versions and the tool version.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..backends import BackendOptions
from ..convert import convert
from ..errors import SublocError, UsageError
from ..formats import atomic_write, dumps, load
from ..languages import canonical, is_language_tag
from ..model import Track
from ..project import Project, Projects
from ..provenance import sha256_hex
from ..tm import is_url, location, open_tm
from ..translate import TranslateOptions, Translator
from ..visible import plural, visible
from .status import EpisodeStatus, episode_statuses, find_translations, series_sources
from .verify import MANIFEST_VERSION, entry_name_problem

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class PackOptions:
    languages: tuple[str, ...]
    output_dir: Path
    translations: tuple[Path, ...] = ()  # where translations are found (default: the series folder)
    source_lang: str | None = None
    allow_errors: bool = False
    update: bool = True  # re-translate stale episodes (only their changed cues reach a backend)
    backend: str | None = None  # for re-translation (default: the one recorded)
    tm_path: Path | str | None = None  # a file, or a postgresql:// URL
    placement: str = "social-burnin"
    hls: bool = False
    hls_mpegts: int = 0



@dataclass
class PackResult:
    language: str
    path: Path | None = None
    refused: list[str] = field(default_factory=list)
    episodes: list[EpisodeStatus] = field(default_factory=list)
    retranslated: list[str] = field(default_factory=list)
    qa: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the pack could not check (said in the manifest too)


def _tm_version(tm_path: Path | str | None, source_lang: str, language: str) -> dict[str, Any] | None:
    if tm_path is None or not (is_url(tm_path) or Path(tm_path).exists()):
        return None
    with open_tm(tm_path, create=False) as memory:
        rows = sorted(f"{e.source}\t{e.target}\t{e.backend}\t{int(e.approved)}" for e in memory.entries()
                      if e.source_lang == source_lang and e.target_lang == language)
    return {"segments": len(rows), "sha256": sha256_hex("\n".join(rows).encode("utf-8"))}


def _glossary_version(files: list[Path]) -> dict[str, Any]:
    """The glossary files QA used (the project's stack for the language), each with its SHA-256."""
    listed = [{"name": path.name, "sha256": sha256_hex(path.read_bytes())} for path in files if path.is_file()]
    return {"files": listed, "sha256": sha256_hex("".join(f["sha256"] for f in listed).encode())}


def _vtt_for_pack(track: Track, placement: str, mpegts: int | None) -> Track:
    vtt, _ = convert(track, "vtt", placement=placement)
    metadata = tuple(m for m in vtt.metadata if not m.startswith("X-TIMESTAMP-MAP"))
    if not any(m.lower().startswith("language:") for m in metadata) and track.language:
        metadata = (*metadata, f"Language: {track.language}")
    if mpegts is not None:
        metadata = (f"X-TIMESTAMP-MAP=MPEGTS:{mpegts},LOCAL:00:00:00.000", *metadata)
    return replace(vtt, metadata=metadata)


def _m3u8(vtt_name: str, duration_ms: int) -> str:
    seconds = duration_ms / 1000
    return ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:VOD\n"
            f"#EXT-X-TARGETDURATION:{max(1, -(-duration_ms // 1000))}\n#EXT-X-MEDIA-SEQUENCE:0\n"
            f"#EXTINF:{seconds:.3f},\n{vtt_name}\n#EXT-X-ENDLIST\n")


def deterministic_zip(files: list[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend only on the names and contents: fixed order, times and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, whatever the build machine
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


class Packer:
    def __init__(self, series_dir: Path, options: PackOptions, projects: Projects | None = None) -> None:
        if not series_dir.is_dir():
            raise UsageError(f"not a series folder: {series_dir}", hint="pass the folder with the source episodes")
        self.dir = series_dir
        self.options = options
        # Each translation is checked under its own project, as `subloc check` would check it.
        self.projects = projects or Projects()
        self.project: Project = self.projects.for_path(series_dir)
        self.series = self.project.series
        lang = options.source_lang or (self.series.source_lang if self.series else None) or "zh-Hans"
        self.source_lang = canonical(lang)
        if not options.languages:
            raise UsageError("no language to pack", hint="pass --lang th,id,ms,vi")
        for lang in options.languages:
            if not is_language_tag(canonical(lang)):
                raise UsageError(f"not a language tag: '{visible(lang)}'", hint="use codes such as th, id, ms, vi")
        self.sources = series_sources(series_dir, self.source_lang)
        if not self.sources and not any(self._translations(canonical(lang)) for lang in options.languages):
            raise UsageError(f"no {self.source_lang} source episodes and no translations in {series_dir}",
                             hint="name them like ep01.zh-Hans.srt and ep01.th.srt, or pass --from / --translations")
        self.slug = series_dir.resolve().name

    def build(self) -> list[PackResult]:
        return [self._language(canonical(lang)) for lang in self.options.languages]

    def _translations(self, language: str) -> dict[str, Path]:
        return find_translations(self.options.translations or (self.dir,), language)

    def _statuses(self, language: str) -> list[EpisodeStatus]:
        return episode_statuses(self.sources, self._translations(language))

    def _language(self, language: str) -> PackResult:
        result = PackResult(language)
        statuses = self._statuses(language)
        root = f"{self.slug}.{language}"
        reason = entry_name_problem(root)
        if reason:
            result.refused.append(f"the folder name {self.slug!r} would make an unsafe entry name in the pack "
                                  f"({reason}): rename the folder")
        if not statuses:
            folders = ", ".join(map(str, self.options.translations or (self.dir,)))
            result.refused.append(f"no {language} translations in {folders} (and no {self.source_lang} source to list "
                                  "the episodes)")
        if not self.sources:
            result.notes.append(f"staleness not checked: no {self.source_lang} source in {self.dir} (a delivery of "
                                "translations only); the consistency (X) rules did not run")
        stale = [s for s in statuses if s.state == "stale"]
        if stale and self.options.update:
            result.retranslated = self._retranslate(language, stale)
            statuses = self._statuses(language)
        result.episodes = statuses
        for status in statuses:
            if status.state == "missing":
                result.refused.append(f"{status.episode}: no {language} translation "
                                      f"(run `subloc translate {status.source} --to {language}`)")
            elif status.state == "stale":
                result.refused.append(f"{status.episode}: {status.translation} is stale: its source "
                                      f"{status.source.name} changed since it was translated")
            elif unsafe := entry_name_problem(f"{root}/{status.episode}.{language}.srt"):
                result.refused.append(f"{status.episode}: the file name {status.translation} would make an unsafe entry "
                                      f"name in the pack ({unsafe}): rename it")
            elif status.provenance.get("backend") == "pseudo":
                result.refused.append(f"{status.episode}: {status.translation} is pseudo-localization, not a "
                                      "translation: translate it before packing")
        if result.refused:
            return result
        return self._pack(language, statuses, result)

    def _retranslate(self, language: str, stale: list[EpisodeStatus]) -> list[str]:
        """Translate stale episodes again: the TM answers for unchanged cues, only changed ones are sent."""
        done = []
        groups: dict[tuple[Path, str, str, str, str], list[EpisodeStatus]] = {}
        for status in stale:
            assert status.translation is not None
            record = status.provenance
            backend = self.options.backend or record.get("backend") or "tm"
            tm = str(self.options.tm_path or record.get("tm") or "")
            same = backend == record.get("backend")
            base_url = (record.get("base_url") if same else None) or ""
            model = (record.get("model") if same else None) or ""
            groups.setdefault((status.translation.parent, backend, tm, base_url, model), []).append(status)
        for (folder, backend, tm, base_url, model), group in groups.items():
            options = TranslateOptions(targets=(language,), output_dir=folder, source_lang=self.source_lang,
                                       backend=backend,
                                       backend_options=BackendOptions(base_url=base_url or None, model=model or None),
                                       tm_path=location(tm),
                                       out_format=group[0].translation.suffix.lstrip(".") if group[0].translation else None)
            try:
                report = Translator([s.source for s in group], options).run()
            except SublocError:
                continue
            done += [e.episode for e in report.languages[0].episodes if e.path]
        return done

    def _pack(self, language: str, statuses: list[EpisodeStatus], result: PackResult) -> PackResult:
        glossary_files: list[Path] = []
        root = f"{self.slug}.{language}"
        files: list[tuple[str, bytes]] = []
        episodes = []
        by_code: Counter[str] = Counter()
        errors = warnings = 0
        for position, status in enumerate(statuses, 1):
            assert status.translation is not None
            track = replace(load(status.translation), language=language)
            source = load(status.source) if status.source is not None else None
            project = self.projects.for_path(status.translation)
            profile = project.profile(language)
            # The glossary's series layer is the source's series, as in `subloc check --source`.
            glossary = project.glossary(language, series_dir=self.project.series_dir)
            glossary_files = glossary_files or project.glossary_files(language, series_dir=self.project.series_dir)
            findings = project.check(track, profile, source=source, glossary=glossary, path=str(status.translation))
            e = sum(1 for f in findings if f.severity == "error")
            errors += e
            warnings += len(findings) - e
            by_code.update(f.code for f in findings)
            if e and not self.options.allow_errors:
                first = next(f for f in findings if f.severity == "error")
                result.refused.append(f"{status.episode}: {plural(e, 'QA error')}, e.g. {first.file}:{first.line}: {first.code} "
                                      f"{first.message} (fix them, or pass --allow-errors)")
            srt_track = track if track.format == "srt" else _to_srt(track)
            vtt_track = _vtt_for_pack(track, self.options.placement, self.options.hls_mpegts if self.options.hls else None)
            names = {"srt": f"{status.episode}.{language}.srt", "vtt": f"{status.episode}.{language}.vtt"}
            blobs = {"srt": dumps(srt_track, "srt").encode("utf-8"), "vtt": dumps(vtt_track, "vtt").encode("utf-8")}
            if self.options.hls:
                names["m3u8"] = f"{status.episode}.{language}.m3u8"
                blobs["m3u8"] = _m3u8(names["vtt"], track.duration_ms).encode("utf-8")
            entry = {"episode": status.episode, "position": position, "duration_ms": track.duration_ms,
                     "cues": len(track.cues),
                     "source_sha256": sha256_hex(status.source.read_bytes()) if status.source is not None else None,
                     "qa": {"errors": e, "warnings": len(findings) - e}, "files": {}}
            for kind in names:
                files.append((f"{root}/{names[kind]}", blobs[kind]))
                entry["files"][kind] = {"path": names[kind], "sha256": sha256_hex(blobs[kind]), "bytes": len(blobs[kind])}
            episodes.append(entry)
        result.qa = {"errors": errors, "warnings": warnings, "by_code": dict(sorted(by_code.items()))}
        if result.refused:
            return result
        tm_path = self.options.tm_path or next((s.provenance["tm"] for s in statuses if s.provenance.get("tm")), None)
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "tool": {"name": "subloc", "version": __version__},
            "series": {"slug": self.slug, "title": self.series.title if self.series else self.slug,
                       "original_title": self.series.original_title if self.series else ""},
            "language": language,
            "source_language": self.source_lang,
            "placement": self.options.placement,
            "episodes": episodes,
            "qa": result.qa,
            "glossary": _glossary_version(glossary_files),
            "tm": _tm_version(tm_path, self.source_lang, language),
            "files": {name.split("/", 1)[1]: sha256_hex(data) for name, data in files},
            "staleness_checked": bool(self.sources),
            "notes": result.notes,
        }
        blob = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
        archive = deterministic_zip([(f"{root}/manifest.json", blob), *files])
        result.path = self.options.output_dir / f"{root}.zip"
        atomic_write(result.path, archive)
        return result


def build_pack(series_dir: Path, options: PackOptions, projects: Projects | None = None) -> list[PackResult]:
    """Build one pack per language of ``options``; each translation is checked under its own project."""
    return Packer(series_dir, options, projects).build()


def _to_srt(track: Track) -> Track:
    return convert(track, "srt")[0]
