"""Reading and writing interchange XML (TBX, TMX) safely.

* Parsed from bytes with defusedxml: entity declarations and external references are refused (no
  billion laughs, no XXE), whatever the file says.
* The encoding is read from the BOM or the XML declaration and decoded by Python's codecs, so UTF-16
  (which TMX recommends), GB18030, Big5 and Latin-1 files work although expat itself only knows UTF-8,
  UTF-16 and Latin-1; bytes invalid in that encoding are an error naming the line.
* Every element's line is kept, so a problem in a term can name its line.
* Text that XML 1.0 cannot hold (most control characters) is found before writing.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from typing import Any

from .errors import SublocError

_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECLARATION_ENCODING = re.compile(r"""^(<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def sniff_encoding(data: bytes) -> str:
    """The encoding of an XML document: its BOM, else its declaration, else UTF-8 (XML's default)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return name
    if data.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if data.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    declared = _DECLARED.match(data.lstrip()[:400])
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


def looks_like_xml(data: bytes) -> bool:
    try:
        head = data[:400].decode(sniff_encoding(data), errors="replace")
    except LookupError:
        return data.lstrip().startswith(b"<")
    return head.lstrip("\ufeff \t\r\n").startswith("<")


def decode_xml(data: bytes, path: str, error: type[SublocError] = SublocError) -> str:
    """The document as text, its declaration's encoding removed (the text is no longer in it)."""
    encoding = sniff_encoding(data)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise error(f"unknown encoding {encoding!r} in the XML declaration", path=path, line=1,
                    hint="save the file as UTF-8 or UTF-16") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[:exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise error(f"byte {data[exc.start:exc.start + 1]!r} is not valid {encoding}", path=path, line=line,
                    hint=f"save the file as {encoding}, or fix its XML declaration") from None
    return _DECLARATION_ENCODING.sub(r"\1", text.lstrip("\ufeff"), count=1)


class _Lines(ET.TreeBuilder):
    """A tree builder that remembers the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: Any = None
        self.lines: dict[ET.Element, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:  # type: ignore[override]
        element = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[element] = self.expat.CurrentLineNumber
        return element


def parse_xml(data: bytes | str, path: str, error: type[SublocError] = SublocError
              ) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The root element of an XML document (bytes as read, or text already decoded) and the line of
    every element. Entity declarations, external references and malformed XML are ``error`` with the line."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    if isinstance(data, str):
        text = _DECLARATION_ENCODING.sub(r"\1", data.lstrip("\ufeff"), count=1)
    else:
        text = decode_xml(data, path, error)
    builder = _Lines()
    parser = DefusedXMLParser(target=builder)
    builder.expat = parser.parser
    try:
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as exc:
        raise error(f"not valid XML: {exc}", path=path, line=exc.position[0]) from None
    except DefusedXmlException as exc:
        raise error(f"refused: {exc} (entities and external references are never expanded)", path=path,
                    line=builder.expat.CurrentLineNumber, hint="remove the DOCTYPE's entity declarations") from None
    return root, builder.lines


def xml_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be written in XML 1.0 (a control character), or None."""
    found = _NOT_XML.search(text)
    return None if found is None else f"control character U+{ord(found.group(0)):04X}, which XML cannot hold"
