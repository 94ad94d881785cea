"""What the translation memory offers a story-order run: in-context translations (entries with a
``context_key``) and similar entries as examples for the model."""

from __future__ import annotations

from typing import Any

from ..tm import TMEntry, TMStore
from ..tm.entry import _now

FUZZY = 75  # minimum similarity (percent) of a TM example
POOL = 20000  # entries searched for examples: a language pair's approved ones first, then the newest


class ContextStore:
    """In-context translations: (source, language pair, context key) → target, kept in the TM as entries
    with a ``context_key`` (an entry without one is a translation for any context)."""

    def __init__(self, tm: TMStore) -> None:
        self.tm = tm

    def close(self) -> None:
        pass

    def lookup(self, wanted: dict[str, set[str]], source_lang: str, target_lang: str) -> dict[tuple[str, str], str]:
        """For each context key, the sources (of those given) with a translation stored for exactly it."""
        out: dict[tuple[str, str], str] = {}
        by_key: dict[str, list[str]] = {}
        for source, keys in wanted.items():
            for key in keys:
                by_key.setdefault(key, []).append(source)
        for key, sources in by_key.items():
            for source, entry in self.tm.lookup_many(sources, source_lang, target_lang, context_key=key).items():
                if entry.context_key == key:
                    out[(source, key)] = entry.target
        return out

    def add(self, source: str, source_lang: str, target_lang: str, keys: tuple[str, ...], target: str,
            backend: str) -> None:
        """The translation for any context and for each of ``keys``, in one transaction (an interrupted
        run never leaves one without the others)."""
        when = _now()
        self.tm.add_many([TMEntry(source, source_lang, target_lang, target, backend, when, context_key=key)
                          for key in (None, *keys)])


class Examples:
    """Similar TM entries (rapidfuzz ratio ≥ FUZZY) as examples for the model, among the pair's POOL
    approved or newest entries."""

    def __init__(self, tm: TMStore, source_lang: str, language: str, pseudo: bool) -> None:
        self.pairs: dict[str, str] = tm.example_pool(source_lang, language, pseudo=pseudo, limit=POOL)
        self.sources = list(self.pairs)

    def similar(self, text: str, limit: int = 2) -> list[dict[str, Any]]:
        if not self.sources:
            return []
        from rapidfuzz import fuzz, process

        found = process.extract(text, self.sources, scorer=fuzz.ratio, score_cutoff=FUZZY, limit=limit + 1)
        return [{"source": s, "target": self.pairs[s], "similarity": round(score)}
                for s, score, _ in found if s != text][:limit]
