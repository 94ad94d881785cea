"""Masking for machine translation: glossary terms and markup become placeholders ⟦n⟧ and come back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Glossary
from .terms import Entry, nfc

PLACEHOLDER = "⟦{n}⟧"
_PLACEHOLDER_SEEN = re.compile(r"[⟦\[【〚]\s*(\d+)\s*[⟧\]】〛]")


_MARKUP = re.compile(r"<[^<>\n]+>|\{\\[^{}\n]*\}")


@dataclass
class Masked:
    text: str
    terms: dict[int, Entry] = field(default_factory=dict)
    tags: dict[int, str] = field(default_factory=dict)

    @property
    def numbers(self) -> list[int]:
        return sorted([*self.terms, *self.tags])


def mask(glossary: Glossary | None, text: str, *, tags: bool = False, start: int = 1) -> Masked:
    """Replace every glossary term in a source text (and, with ``tags``, every markup tag) by a
    numbered placeholder ⟦n⟧ that machine translation keeps."""
    text = nfc(text)
    matches = glossary.match(text) if glossary is not None else []
    parts, terms, last, n = [], {}, 0, start
    for m in matches:
        parts.append(text[last:m.start])
        parts.append(PLACEHOLDER.format(n=n))
        terms[n] = m.entry
        last, n = m.end, n + 1
    parts.append(text[last:])
    out = Masked("".join(parts), terms)
    if tags:
        def swap(match: re.Match[str]) -> str:
            nonlocal n
            out.tags[n] = match.group(0)
            n += 1
            return PLACEHOLDER.format(n=n - 1)
        out.text = _MARKUP.sub(swap, out.text)
    return out


class PlaceholderError(ValueError):
    """The translation lost, duplicated or invented a placeholder."""


def unmask(translated: str, masked: Masked) -> str:
    """Put back the preferred target term (or the markup) for every placeholder; each must come back
    exactly once."""
    if not masked.terms and not masked.tags:
        return translated
    found = sorted(int(m.group(1)) for m in _PLACEHOLDER_SEEN.finditer(translated))
    if found != masked.numbers:
        raise PlaceholderError(f"placeholders {masked.numbers} came back as {found}")

    def restore(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return masked.tags[n] if n in masked.tags else masked.terms[n].preferred
    return _PLACEHOLDER_SEEN.sub(restore, translated)
