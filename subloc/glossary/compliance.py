"""Whether a translation complies with a glossary: renderings present, forbidden ones absent.

How a rendering is found in a target text:

* Latin scripts: on word boundaries (``bảo an`` is not in ``bảo anh``), case-insensitive, in NFC;
  Vietnamese old- and new-style tone placement are equal (thoả = thỏa, hoà = hòa).
* Indonesian and Malay: a word of a rendering also matches its inflected forms, prefixes with nasal
  assimilation and suffixes (tampar → menampar, culik → diculik/menculik, cerai → bercerai,
  fitnah → difitnah/memfitnah, jebak → dijebak) and enclitics (-nya, -ku, -mu, -lah, -kah).
* Thai: on Thai word boundaries (PyThaiNLP newmm): ย่า inside อย่า, ตา inside ตาย are not the term.
  A decomposed SARA AM (ํ + า) is read as ำ.
* Chinese: as substrings.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Glossary
from .terms import Entry, is_word_char, nfc, spaced, tone_fold

_ENCLITICS = ("nya", "ku", "mu", "lah", "kah", "pun", "tah")

# --- Indonesian and Malay affixes ---------------------------------------------------------------------
#
# Explicit rules rather than a stemmer: Sastrawi (last release 2016) needs its Indonesian dictionary
# to accept a stem, which lacks Malay words (isteri, pejabat); here the stem is the glossary's own
# rendering, so the rules only have to undo affixation, and they are the same in both languages.
_SUFFIXES = ("kan", "i", "an")
_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # prefix as written, and what may have been dropped from the stem after it (nasal assimilation)
    ("menge", ("",)), ("meny", ("s",)), ("meng", ("", "k")), ("mem", ("", "p")), ("men", ("", "t")),
    ("me", ("",)), ("penge", ("",)), ("peny", ("s",)), ("peng", ("", "k")), ("pem", ("", "p")),
    ("pen", ("", "t")), ("pe", ("",)), ("diper", ("",)), ("memper", ("",)), ("per", ("",)),
    ("di", ("",)), ("ter", ("",)), ("ber", ("",)), ("be", ("",)), ("ke", ("",)), ("se", ("",)),
)
_VOWELS = set("aeiou")


@lru_cache(maxsize=65536)
def malay_stems(word: str) -> frozenset[str]:
    """Every stem an Indonesian or Malay word may have been formed from (the word itself included):
    ``menampar`` → {menampar, tampar, ampar, …}. It over-generates; callers compare the result with a
    known stem. A bare -an or -i is never removed (bosan is not bos + -an, polisi not polis + -i)."""
    word = word.lower()
    forms = {word}
    for enclitic in _ENCLITICS:
        if word.endswith(enclitic) and len(word) - len(enclitic) >= 3:
            forms.add(word[:-len(enclitic)])
    stems = set(forms)
    for form in forms:
        if form.endswith("kan") and len(form) >= 7:
            stems.add(form[:-3])
        for prefix, dropped in _PREFIXES:
            rest = form[len(prefix):]
            if not form.startswith(prefix) or len(rest) < 3:
                continue
            bodies = {rest, *(rest[:-len(suffix)] for suffix in _SUFFIXES
                              if rest.endswith(suffix) and len(rest) - len(suffix) >= 3)}
            for body in bodies:
                for letter in dropped:
                    if not letter or body[0] in _VOWELS:  # an assimilated consonant drops only before a vowel
                        stems.add(letter + body)
    return frozenset(stems)


_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _inflected(text: str, rendering: str) -> bool:
    """Whether the words of an Indonesian/Malay rendering occur in order, each as itself or inflected."""
    want = rendering.split()
    words = _WORD.findall(text)
    for k in range(len(words) - len(want) + 1):
        if all(w == words[k + n] or w in malay_stems(words[k + n]) for n, w in enumerate(want)):
            return True
    return False


def _thai_edge(text: str, position: int) -> bool:
    """Whether a rendering may start or end at ``position``: next to a space, a non-Thai character or
    the end, or where the segmenter would not be splitting a word (two dictionary words it joined,
    such as ตบ|หน้า, are a boundary; อ|ย่า and ตา|ย are not)."""
    from ..scripts import is_thai, thai_break_splits_word

    if position in (0, len(text)) or not is_thai(text[position - 1]) or not is_thai(text[position]):
        return True
    return thai_break_splits_word(text[:position], text[position:]) is None


def _thai_contains(text: str, rendering: str) -> bool:
    """A Thai rendering on Thai word boundaries: ย่า inside อย่า, ตา inside ตาย are not the term."""
    start = text.find(rendering)
    while start >= 0:
        if _thai_edge(text, start) and _thai_edge(text, start + len(rendering)):
            return True
        start = text.find(rendering, start + 1)
    return False


def contains_rendering(text: str, rendering: str, *, case: bool = False, enclitics: bool = False) -> bool:
    """Whether a translation contains a rendering: on word boundaries (Thai ones found by the
    segmenter), case-insensitive unless ``case``; with ``enclitics`` (Indonesian, Malay) inflected
    forms count (see the module docstring)."""
    raw, rendering = nfc(text), nfc(rendering)
    text = raw.replace("\n", " ")
    if not case:
        text, raw, rendering = text.casefold(), raw.casefold(), rendering.casefold()
    if not spaced(rendering):
        if any("\u0e01" <= ch <= "\u0e5b" for ch in rendering):
            # a line break may stand for a space or for nothing
            return _thai_contains(text, rendering) or _thai_contains(raw.replace("\n", ""), rendering)
        return rendering in text or rendering in raw.replace("\n", "")
    text, rendering = tone_fold(text), tone_fold(rendering)
    if enclitics and _inflected(text, rendering):
        return True
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
            if (not m.entry.generic and not has_rendering(m.entry, target, language))
            or forbidden_found(m.entry, target, language)]
