"""TMX 1.4 import and export. Approval, who approved and when, the backend, the context key and notes
travel as ``<prop>`` elements, so an export read back gives the same entries.

Files are parsed from bytes by defusedxml (no external entities, no entity expansion), so the encoding
the file declares is honoured: UTF-16 (which TMX recommends), UTF-8, Latin-1, and codecs expat lacks
(GB18030, Big5, Shift_JIS) through Python's codecs. Characters XML 1.0 cannot carry are removed on
export (``xml_unsafe`` finds them first, so the CLI can say so).
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Iterable

from ..errors import TranslationMemoryError
from .entry import TMEntry, _now

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DECLARATION = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_EXPAT_ENCODINGS = {"utf-8", "utf-16", "iso8859-1", "ascii"}  # codecs.lookup names expat reads itself
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def xml_unsafe(text: str) -> bool:
    """Whether ``text`` holds a character XML 1.0 cannot carry (a control character, a lone surrogate)."""
    return bool(_XML_UNSAFE.search(text))


def _clean(text: str) -> str:
    return _XML_UNSAFE.sub("", text)


def _text(text: str) -> str:
    # \r is written as a reference: a parser turns a literal one into \n, and the round trip must be exact.
    return (_clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;"))


def _attr(text: str) -> str:
    return ('"' + _text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;") + '"')


def _tmx_date(iso: str) -> str:
    return iso.replace("-", "").replace(":", "")  # 2026-11-25T08:41:00Z -> 20261125T084100Z


def _iso_date(tmx: str | None) -> str:
    if not tmx or len(tmx) < 15:
        return _now()
    return f"{tmx[0:4]}-{tmx[4:6]}-{tmx[6:8]}T{tmx[9:11]}:{tmx[11:13]}:{tmx[13:15]}Z"


def export_tmx(entries: Iterable[TMEntry], source_lang: str | None = None) -> str:
    """A TMX 1.4 document of the entries (one ``<tu>`` each, its own ``srclang``)."""
    from .. import __version__

    rows = list(entries)
    srclang = source_lang or (rows[0].source_lang if rows else "zh-Hans")
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<tmx version="1.4">',
           f'  <header creationtool="subloc" creationtoolversion={_attr(__version__)} segtype="sentence" '
           f'o-tmf="subloc" adminlang="en" srclang={_attr(srclang)} datatype="plaintext"/>', "  <body>"]
    for e in rows:
        out.append(f"    <tu srclang={_attr(e.source_lang)} creationdate={_attr(_tmx_date(e.created))} "
                   f"creationid={_attr(e.backend)}>")
        props = [("backend", e.backend), ("approved", str(int(e.approved)))]
        if e.approved:
            props += [("approved-by", e.approved_by), ("approved-at", e.approved_at)]
        if e.context_key is not None:
            props.append(("context", e.context_key))
        out += [f'      <prop type="x-subloc-{name}">{_text(value)}</prop>' for name, value in props]
        if e.note:
            out.append(f"      <note>{_text(e.note)}</note>")
        out.append(f"      <tuv xml:lang={_attr(e.source_lang)}><seg>{_text(e.source)}</seg></tuv>")
        out.append(f"      <tuv xml:lang={_attr(e.target_lang)}><seg>{_text(e.target)}</seg></tuv>")
        out.append("    </tu>")
    out += ["  </body>", "</tmx>"]
    return "\n".join(out) + "\n"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _as_expat_input(data: bytes, path: str) -> bytes:
    """Bytes expat can read: as they are when their encoding is one expat knows (a BOM, UTF-8, UTF-16,
    Latin-1), else decoded with the declared codec and re-encoded as UTF-8 with the declaration changed."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:2] in (b"<\0", b"\0<"):
        return data
    match = _DECLARATION.match(data)
    if not match:
        return data
    declared = match.group(1).decode("ascii")
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise TranslationMemoryError(f"unknown encoding {declared!r} in the XML declaration", path=path, line=1,
                                     hint="declare UTF-8, UTF-16 or another standard encoding") from None
    if name in _EXPAT_ENCODINGS:
        return data
    try:
        text = data.decode(name)
    except UnicodeDecodeError as exc:
        raise TranslationMemoryError(f"bytes that are not {declared} at offset {exc.start}", path=path,
                                     line=_line_of(data, exc.start),
                                     hint="fix the file's encoding or its <?xml … encoding=…?> declaration") from None
    body = text[text.index("?>") + 2:]
    return ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode("utf-8")


def parse_tmx(data: bytes | str, path: str) -> Element:
    """The root element of a TMX file, parsed safely; every problem a TranslationMemoryError with its line."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if isinstance(data, str):  # already decoded: whatever the declaration says no longer applies
        data = re.sub(r"^\s*<\?xml[^>]*\?>", "", data).encode("utf-8")
    data = _as_expat_input(data, path)
    try:
        root = DET.fromstring(data)
    except ParseError as exc:
        hint = ("the file has bytes that are not in its declared encoding (UTF-8 when none is declared): "
                "declare the right one in <?xml … encoding=…?>") if "invalid token" in str(exc) else None
        raise TranslationMemoryError(f"not valid TMX/XML: {exc}", path=path, line=exc.position[0], hint=hint) from None
    except DefusedXmlException as exc:
        raise TranslationMemoryError(f"refused: the file uses XML features that are unsafe to read ({exc})",
                                     path=path, hint="export it again without entity declarations") from None
    if root.tag != "tmx":
        raise TranslationMemoryError("not a TMX file (the root element is not <tmx>)", path=path, line=1)
    return root


def import_tmx(data: bytes | str, path: str, *, source_lang: str | None = None, approved: bool | None = None,
               approved_by: str = "") -> list[TMEntry]:
    """Translation units of a TMX file as entries (every target language of every unit).

    ``source_lang`` overrides the header's and the units' ``srclang``; ``approved`` overrides the units'
    own flag (``approved_by`` then names who approved them)."""
    from ..languages import canonical

    root = parse_tmx(data, path)
    header = root.find("header")
    default = source_lang or (header.get("srclang") if header is not None else None)
    entries = []
    for tu in root.iter("tu"):
        srclang = source_lang or tu.get("srclang") or default
        if not srclang or srclang == "*all*":
            raise TranslationMemoryError("the TMX header has no source language", path=path, line=1,
                                         hint="pass --source-lang")
        src = canonical(srclang)
        props = {p.get("type"): (p.text or "") for p in tu.findall("prop")}
        variants = {}
        for tuv in tu.findall("tuv"):
            seg = tuv.find("seg")
            if seg is not None:
                variants[canonical(tuv.get(_LANG) or tuv.get("lang") or "")] = "".join(seg.itertext())
        source = variants.pop(src, None)
        if source is None:
            continue
        note = tu.findtext("note") or ""
        created = _iso_date(tu.get("creationdate"))
        if approved is not None:
            is_approved, by, at = approved, (approved_by if approved else ""), (_now() if approved else "")
        else:
            is_approved = props.get("x-subloc-approved", "0") == "1"
            by = props.get("x-subloc-approved-by", "") if is_approved else ""
            at = props.get("x-subloc-approved-at", "") if is_approved else ""
        backend = props.get("x-subloc-backend") or tu.get("creationid") or "tmx"
        context = props.get("x-subloc-context")
        for lang, target in variants.items():
            if target.strip():
                entries.append(TMEntry(source, src, lang, target, backend, created, is_approved, note, by, at,
                                       context))
    return entries
