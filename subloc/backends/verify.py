"""Is a reply in the target language at all? Cheap per-segment checks on what a backend sent back.

A segment is rejected (asked again, then reported as a failure — never written) when:

* the Chinese source came back (the same text, or mostly Han characters in a non-CJK target);
* a Thai target has no Thai letters although the source has words;
* a Latin-script target (id, ms, vi) reads as an English sentence.

Only clear cases are rejected: names, numbers and interjections pass.
"""

from __future__ import annotations

import re
from collections import Counter

from ..langid import _EN, _HAN, _LATIN, _MALAY_FAMILY, _THAI, _VIET, _WORD
from ..languages import script_family
from ..patterns import compiled

# English words beyond langid's function words that give an English sentence away (none is Malay or
# Indonesian, none a common pinyin syllable).
_MORE_EN = frozenset("never him her his they them their our will would could should won't can't isn't didn't "
                     "doesn't mother father husband wife marry married sorry please okay right now here where who "
                     "when if so no yes all am been going get got want need".split())
_NOISE = re.compile(r"⟦\d+⟧|<[^<>]+>|\{\\[^{}]*\}")


def _letters(pattern: re.Pattern[str], text: str) -> int:
    return len(pattern.findall(text))


def language_problem(source: str, reply: str, source_lang: str, target_lang: str) -> str | None:
    """Why ``reply`` is not a translation of ``source`` into ``target_lang``, or None when it may be."""
    target = script_family(target_lang)
    if target == "cjk" or target_lang == source_lang:
        return None
    text = _NOISE.sub(" ", reply)
    plain_source = _NOISE.sub(" ", source)
    han_class = compiled(_HAN)
    han_source = _letters(han_class, plain_source)
    han, thai, latin = _letters(han_class, text), _letters(_THAI, text), _letters(_LATIN, text)
    letters = han + thai + latin
    if han_source and han and (text.split() == plain_source.split() or han >= max(2, 0.3 * letters)):
        return "the Chinese source came back untranslated"
    if target == "thai":
        if han_source >= 2 and letters and not thai:
            return "no Thai letters in a Thai line"
        return None
    words = Counter(_WORD.findall(text.lower()))
    total = sum(words.values())
    english = sum(n for w, n in words.items() if w in _EN or w in _MORE_EN)
    local = sum(n for w, n in words.items() if w in _MALAY_FAMILY)
    vietnamese = _letters(_VIET, text)
    if target_lang == "vi" and vietnamese:
        return None
    if total >= 3 and english >= 2 and english >= 0.35 * total and local == 0:
        name = {"id": "Indonesian", "ms": "Malay", "vi": "Vietnamese"}.get(target_lang, target_lang)
        return f"an English sentence in a {name} line"
    return None
