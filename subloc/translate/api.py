"""The library entry points of translation: options built from a project, and tracks translated.

``translate_options`` puts the flags a caller gives over the project's ``[translate]`` settings, its
glossary setting and its TM (one precedence: flag > project file > default); ``translate_tracks``
runs the pipeline on tracks already read and returns the run report. Printing and progress are the
caller's (the CLI passes a :class:`~subloc.translate.pipeline.Progress`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..backends import BackendOptions
from ..errors import UsageError
from ..model import Track
from ..project import Project
from ..tm import location
from .pipeline import Progress, RunReport, TranslateOptions, Translator


def translate_options(project: Project | None, targets: Sequence[str], *, output_dir: str | Path | None = None,
                      source_lang: str | None = None, backend: str | None = None, fallback: str | None = None,
                      base_url: str | None = None, model: str | None = None, fallback_base_url: str | None = None,
                      fallback_model: str | None = None, timeout: float | None = None, out_format: str | None = None,
                      tm: str | Path | None = None, dry_run: bool = False, concurrency: int | None = None,
                      rpm: float | None = None, batch_size: int | None = None, retries: int | None = None,
                      glossary: str | None = None, max_requests: int | None = None, max_tokens: int | None = None,
                      extra: dict[str, Any] | None = None) -> TranslateOptions:
    """The options of a run: each argument given wins over the project's setting, which wins over the default."""
    settings = project.translate_settings if project is not None else {}
    deadline = timeout or settings.get("timeout", 60.0)
    return TranslateOptions(
        targets=tuple(t.strip() for t in targets if t.strip()),
        output_dir=Path(output_dir or settings.get("output_dir", "out")),
        source_lang=source_lang,
        backend=backend or settings.get("backend", "google"),
        fallback=fallback or settings.get("fallback"),
        backend_options=BackendOptions(base_url=base_url or settings.get("base_url"),
                                       model=model or settings.get("model"), api_key=settings.get("api_key"),
                                       timeout=deadline, extra={**settings.get("options", {}), **(extra or {})}),
        fallback_options=BackendOptions(base_url=fallback_base_url or settings.get("fallback_base_url"),
                                        model=fallback_model or settings.get("fallback_model"), timeout=deadline),
        out_format=out_format,
        tm_path=location(tm or settings.get("tm")),  # type: ignore[arg-type]
        dry_run=dry_run,
        concurrency=concurrency or settings.get("concurrency"),
        rpm=rpm or settings.get("rpm"),
        batch_size=batch_size or settings.get("batch_size"),
        retries=retries if retries is not None else settings.get("retries", 4),
        glossary=glossary or (project.config.glossary if project is not None else None),
        max_requests=max_requests or settings.get("max_requests"),
        max_tokens=max_tokens or settings.get("max_tokens"),
    )


def translate_tracks(tracks: Sequence[Track], project: Project | None, options: TranslateOptions,
                     progress: Progress | None = None) -> RunReport:
    """Translate source tracks (each read from its file: ``track.path`` names the episode and the series)
    into the options' languages; writes the episodes and returns the report. ``project`` fills in the
    glossary setting when the options leave it unset."""
    if any(not t.path for t in tracks):
        raise UsageError("every track to translate needs its path (read it with subloc.load)")
    if project is not None and options.glossary is None and project.config.glossary:
        from dataclasses import replace
        options = replace(options, glossary=project.config.glossary)
    return Translator([Path(str(t.path)) for t in tracks], options, progress, tracks=tracks).run()
