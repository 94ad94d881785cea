"""Offline backends: ``tm`` (the translation memory only) and ``pseudo`` (pseudo-localization)."""

from __future__ import annotations

import hashlib
import re

from ..errors import BackendError
from ..visible import plural
from ..scripts import count
from . import BackendInfo, BackendOptions, Request


class TMBackend:
    """Translation memory only: what the TM lacks is reported, never invented.

    The pipeline looks every segment up in the TM before any backend is asked; whatever reaches this
    backend is a miss.
    """

    info = BackendInfo(name="tm", description="the translation memory only (offline); misses are reported",
                       max_segments=1000, max_chars=1_000_000, concurrency=1, offline=True, masks_glossary=False)

    def __init__(self, options: BackendOptions) -> None:
        pass

    def close(self) -> None:
        pass

    def translate(self, request: Request) -> dict[str, str]:
        raise BackendError(f"not in the translation memory ({plural(len(request.segments), 'segment')})", retryable=False,
                           hint="add them (subloc tm import) or use a translation backend")


# Target-script syllables and how much longer the text typically gets than the source, per source
# character (Chinese) or per source character (Latin pivots).
_SYLLABLES = {
    "th": "กา นี ที่ ของ ไม่ ได้ ให้ คุณ ฉัน เรา แล้ว จะ มา ไป อยู่ ว่า เป็น นั้น หรือ ด้วย".split(),
    "id": "ka ta nya ber an kan me ng sa la ga di ma pa ri lu se te ju wa".split(),
    "ms": "ka ta nya ber an kan me ng sa la ga di ma pa ri lu se te ju wa".split(),
    "vi": "tôi là của người không được này có một những và đã cho với anh em".split(),
    "en": "the and you not but was for her his that with this are".split(),
}
_EXPANSION_FROM_CJK = {"th": 2.0, "id": 2.6, "ms": 2.6, "vi": 2.4, "en": 2.4}
_EXPANSION_FROM_LATIN = {"th": 0.85, "id": 1.2, "ms": 1.2, "vi": 1.1, "en": 1.0}
_KEEP = re.compile(r"⟦\d+⟧|<[^<>]+>|[0-9]+")


class PseudoBackend:
    """Pseudo-localization for layout tests before real translation.

    Text in the target script with the language's typical expansion, digits and placeholders kept,
    bracketed ``[…]`` so truncation shows; stored in the TM as pseudo and never served as a translation.
    """

    info = BackendInfo(name="pseudo", description="pseudo-localization in the target script with typical "
                                                  "expansion (offline; for layout tests)",
                       max_segments=1000, max_chars=1_000_000, concurrency=1, offline=True, pseudo=True,
                       masks_glossary=False)

    def __init__(self, options: BackendOptions) -> None:
        pass

    def close(self) -> None:
        pass

    def translate(self, request: Request) -> dict[str, str]:
        return {s.id: pseudo_text(s.text, request.source_lang, request.target_lang) for s in request.segments}


def pseudo_text(text: str, source: str, target: str) -> str:
    lang = target.split("-")[0]
    syllables = _SYLLABLES.get(lang, _SYLLABLES["en"])
    table = _EXPANSION_FROM_CJK if source.startswith("zh") else _EXPANSION_FROM_LATIN
    kept = _KEEP.findall(text)
    plain = _KEEP.sub("", text)
    want = max(1, round(count(plain, source) * table.get(lang, 1.5)))
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    words: list[str] = []
    size = 0
    while size < want:
        seed = (seed * 6364136223846793005 + 1442695040888963407) % 2**64
        word = "".join(syllables[(seed >> s) % len(syllables)] for s in (5, 17)[: 1 + seed % 2])
        words.append(word)
        size += int(count(word, lang)) + 1
    joiner = "" if lang == "th" and len(words) < 3 else " "
    body = joiner.join(words)
    if kept:
        body += " " + " ".join(kept)
    return f"[{body}]"
