"""Whether a translation complies with a glossary: renderings present, forbidden ones absent.

In a target text, renderings in Latin scripts match on word boundaries (Malay and Indonesian
enclitics such as -nya, -ku, -mu are allowed after them); Thai and Chinese ones as substrings.
"""

from __future__ import annotations

from .model import Glossary
from .terms import Entry, is_word_char, nfc, spaced

_ENCLITICS = ("nya", "ku", "mu", "lah", "kah", "pun", "tah")


def contains_rendering(text: str, rendering: str, *, case: bool = False, enclitics: bool = False) -> bool:
    """Whether a translation contains a rendering: substring for unspaced scripts (Thai), on word
    boundaries for spaced ones (``bảo an`` is not in ``bảo anh``), case-insensitive unless ``case``."""
    raw, rendering = nfc(text), nfc(rendering)
    text = raw.replace("\n", " ")
    if not case:
        text, raw, rendering = text.casefold(), raw.casefold(), rendering.casefold()
    if not spaced(rendering):
        # Thai and Chinese: a line break may stand for a space or for nothing.
        return rendering in text or rendering in raw.replace("\n", "")
    start = text.find(rendering)
    while start >= 0:
        end = start + len(rendering)
        left_ok = start == 0 or not is_word_char(text[start - 1])
        right_ok = end == len(text) or not is_word_char(text[end]) or (
            enclitics and any(text.startswith(suffix, end) and (end + len(suffix) == len(text) or
                                                                not is_word_char(text[end + len(suffix)]))
                              for suffix in _ENCLITICS))
        if left_ok and right_ok:
            return True
        start = text.find(rendering, start + 1)
    return False


def has_rendering(entry: Entry, text: str, language: str) -> bool:
    enclitics = language.split("-")[0] in ("id", "ms")
    return any(contains_rendering(text, r, case=entry.case or entry.dnt, enclitics=enclitics) for r in entry.renderings)


def forbidden_found(entry: Entry, text: str, language: str) -> list[str]:
    enclitics = language.split("-")[0] in ("id", "ms")
    return [f for f in entry.forbidden if contains_rendering(text, f, case=entry.case, enclitics=enclitics)]


def glossary_misses(glossary: Glossary, source: str, target: str, language: str) -> list[Entry]:
    """Entries whose term is in the source but whose rendering is missing, or forbidden, in the target."""
    return [m.entry for m in glossary.match(source)
            if not has_rendering(m.entry, target, language) or forbidden_found(m.entry, target, language)]
