"""Decoding subtitle bytes: BOMs, UTF-8, and the legacy code pages of our source and target markets.

Order: an explicit ``--encoding`` wins; then a byte-order mark; then strict UTF-8; then
charset-normalizer restricted to the encodings subtitles for zh/th/vi actually come in. No library
we wrap sniffs legacy encodings (see shared/spec/libraries.md), so this is done once, here.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import SubtitleParseError

# What Chinese, Thai and Vietnamese subtitle files come in besides UTF-8. cp1252 stays in so that a
# plain Western file is not forced into a Vietnamese code page.
LEGACY_CANDIDATES = ("gb18030", "big5", "cp874", "cp1258", "cp1252", "utf_16_le", "utf_16_be")

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Encodings whose text arrives decomposed and is composed to NFC right after decoding.
_COMPOSE = {"cp1258"}

_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "tis_620": "cp874", "tis-620": "cp874",
            "windows-874": "cp874", "windows-1258": "cp1258", "windows-1252": "cp1252",
            "utf_8": "utf-8", "utf8": "utf-8", "big5hkscs": "big5"}


def canonical_encoding(name: str) -> str:
    """Normalize an encoding name to Python's codec name, or raise LookupError."""
    key = name.strip().lower().replace(" ", "")
    key = _ALIASES.get(key, key)
    return codecs.lookup(key).name


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    """Control characters other than whitespace make up a noticeable share: not a text file."""
    sample = text[:4096]
    if not sample:
        return False
    controls = len(_CONTROL.findall(sample))
    nuls = sample.count("\x00")
    return controls > len(sample) // 50 or nuls > len(sample) // 10


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode subtitle bytes. Returns (text, encoding name, had BOM).

    Raises SubtitleParseError for undecodable or binary data, naming the line of the first bad byte.
    """
    if encoding:
        try:
            name = canonical_encoding(encoding)
        except LookupError:
            raise SubtitleParseError(f"unknown encoding {encoding!r}", path=path,
                                     hint="use a Python codec name such as utf-8, gb18030, cp874, cp1258") from None
        bom = False
        for mark, family in _BOMS:
            if data.startswith(mark) and name in (family, "utf-8-sig", "utf-16"):
                data, bom = data[len(mark):], True
                name = family
                break
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            raise SubtitleParseError(
                f"bytes at offset {exc.start} are not valid {name}", path=path,
                line=_line_of(data, exc.start), hint="check --encoding, or omit it to detect the encoding",
            ) from None
        return _finish(text, name, bom, path)

    for mark, family in _BOMS:
        if data.startswith(mark):
            try:
                return _finish(data[len(mark):].decode(family), family, True, path)
            except UnicodeDecodeError as exc:
                raise SubtitleParseError(
                    f"file starts with a {family} byte-order mark but byte {exc.start} is not valid {family}",
                    path=path, line=_line_of(data, exc.start), hint="re-save the file as UTF-8",
                ) from None
    try:
        return _finish(data.decode("utf-8"), "utf-8", False, path)
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start

    # charset-normalizer is only imported when a file is not UTF-8 (it costs ~100 ms to import).
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_CANDIDATES)).best()
    if best is None or best.encoding is None:
        raise SubtitleParseError(
            "not a text file, or an encoding subloc cannot identify "
            f"(byte {first_bad} is not UTF-8)", path=path, line=_line_of(data, first_bad),
            hint="pass --encoding (e.g. gb18030, big5, cp874, cp1258) or re-save the file as UTF-8",
        )
    name = canonical_encoding(best.encoding)
    return _finish(data.decode(name), name, False, path)


def _finish(text: str, name: str, bom: bool, path: str) -> tuple[str, str, bool]:
    if _looks_binary(text):
        raise SubtitleParseError("binary data, not a subtitle file", path=path, line=1,
                                 hint="pass an .srt or .vtt text file")
    if name in _COMPOSE:
        text = unicodedata.normalize("NFC", text)
    return text, name, bom
