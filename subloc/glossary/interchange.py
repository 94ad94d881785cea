"""Glossary interchange: CSV for MT services, TBX (ISO 30042) export and import, merging imports."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from ..errors import GlossaryError
from ..languages import canonical
from ..visible import visible
from ..xmlio import looks_like_xml, parse_xml, xml_text_problem
from .model import Glossary
from .terms import Entry, nfc
from .tsv import HEADER, cell_problem, read_tsv


def export_csv(glossary: Glossary, delimiter: str = ",") -> str:
    """Two columns, no header: what DeepL and Google Cloud glossaries take (preferred rendering only)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for e in glossary:
        writer.writerow([e.source, e.preferred])
    return buffer.getvalue()


def export_tbx(glossary: Glossary, source_language: str = "zh-Hans") -> str:
    """TBX (ISO 30042, TBX-Basic style ``martif``): renderings as preferred/admitted terms, forbidden
    renderings as deprecated terms, dnt as translationNote "no", notes as ``note``. Text XML cannot hold
    (a control character) is refused naming the entry's file and line: the output is always valid XML."""
    from xml.sax.saxutils import escape, quoteattr

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<martif type="TBX-Basic" xml:lang={quoteattr(source_language)}>',
             "  <martifHeader><fileDesc><sourceDesc><p>subloc glossary export</p></sourceDesc></fileDesc>"
             "</martifHeader>",
             "  <text>", "    <body>"]
    for n, e in enumerate(glossary, 1):
        for kind, value in (("source", e.source), ("note", e.note), *(("rendering", r) for r in e.targets),
                            *(("forbidden rendering", f) for f in e.forbidden)):
            problem = xml_text_problem(value)
            if problem:
                raise GlossaryError(f"{kind} '{visible(value)}': {problem}", path=e.origin or None,
                                    line=e.line or None, hint="remove it from the glossary, then export again")
        lines.append(f'      <termEntry id="e{n}">')
        if e.case:
            lines.append('        <descrip type="subloc-flags">case</descrip>')
        lines.append(f"        <langSet xml:lang={quoteattr(source_language)}>")
        lines.append(f"          <tig><term>{escape(e.source)}</term>"
                     + ('<termNote type="translationNote">no</termNote>' if e.dnt else "") + "</tig>")
        lines.append("        </langSet>")
        lines.append(f"        <langSet xml:lang={quoteattr(glossary.language)}>")
        if e.note:
            lines.append(f"          <note>{escape(e.note)}</note>")
        for i, target in enumerate(e.targets):
            status = "preferredTerm-admn-sts" if i == 0 else "admittedTerm-admn-sts"
            lines.append(f"          <tig><term>{escape(target)}</term>"
                         f'<termNote type="administrativeStatus">{status}</termNote></tig>')
        for bad in e.forbidden:
            lines.append(f"          <tig><term>{escape(bad)}</term>"
                         '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>')
        lines.append("        </langSet>")
        lines.append("      </termEntry>")
    lines += ["    </body>", "  </text>", "</martif>"]
    return "\n".join(lines) + "\n"


_FORBIDDEN_STATUS = {"forbidden", "obsolete", "deprecatedterm-admn-sts", "supersededterm-admn-sts"}


def import_tbx(data: bytes | str, language: str, path: str) -> list[Entry]:
    """Entries of a TBX file (v2 ``martif`` or v3 ``tbx``) for one target language.

    Parsed from bytes with defusedxml (any encoding its BOM or declaration names); a term that a subloc
    glossary cannot hold (a tab, a line break, a control character, ``|`` in a rendering…) is an error
    naming its line, never a corrupted TSV."""
    root, lines = parse_xml(data, path, GlossaryError)
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    want = canonical(language)
    entries: list[Entry] = []
    for concept in (el for el in root.iter() if local(el.tag) in ("termEntry", "conceptEntry")):
        sets = [el for el in concept if local(el.tag) in ("langSet", "langSec")]
        source_terms, targets, forbidden, notes, dnt = [], [], [], [], False
        case = any(local(d.tag) == "descrip" and d.get("type") == "subloc-flags" and "case" in (d.text or "")
                   for d in concept)
        for lang_set in sets:
            lang = canonical(lang_set.get(lang_attr, ""))
            is_target = lang == want
            for n in lang_set:
                if local(n.tag) in ("note", "descrip") and is_target and (n.text or "").strip():
                    notes.append(" ".join(n.text.split()))  # a note's line breaks are layout, not content
                    _refuse(cell_problem(notes[-1], "note"), path, lines.get(n, 0))
            for group in (el for el in lang_set if local(el.tag) in ("tig", "ntig", "termSec")):
                term = next((el for el in group.iter() if local(el.tag) == "term"), None)
                if term is None or not (term.text or "").strip():
                    continue
                status = {(n.get("type") or ""): (n.text or "").strip().lower()
                          for n in group.iter() if local(n.tag) in ("termNote", "descrip")}
                value = term.text.strip()
                if not is_target:
                    kind = "source"
                    source_terms.append(value)
                    if status.get("translationNote") == "no" or status.get("Translation needed", "").lower() == "no":
                        dnt = True
                elif status.get("administrativeStatus", "") in _FORBIDDEN_STATUS:
                    kind = "forbidden"
                    forbidden.append(value)
                else:
                    kind = "target"
                    targets.append(value)
                _refuse(cell_problem(value, kind), path, lines.get(term, 0))
        if source_terms and (targets or dnt):
            entries.append(Entry(source=nfc(source_terms[0]), targets=tuple(map(nfc, targets)), note="; ".join(notes),
                                 case=case, dnt=dnt, forbidden=tuple(map(nfc, forbidden)), origin=path,
                                 line=lines.get(concept, 0)))
    return entries


def _refuse(problem: str | None, path: str, line: int) -> None:
    if problem:
        raise GlossaryError(problem, path=path, line=line or None,
                            hint="edit the term in the source file; a subloc glossary cannot hold it")


def import_file(data: bytes, language: str, path: str) -> list[Entry]:
    """Entries of a glossary file as read: TBX (any encoding it declares), else a UTF-8 CSV/TSV."""
    if looks_like_xml(data):
        return import_tbx(data, language, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"byte {data[exc.start:exc.start + 1]!r} is not valid UTF-8", path=path,
                            line=data[:exc.start].count(b"\n") + 1, hint="save the file as UTF-8") from None
    return import_table(text, path)


def import_table(text: str, path: str) -> list[Entry]:
    """Entries of a two-column CSV or TSV (DeepL / Google Cloud glossary), or of a subloc TSV."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if text.split("\n", 1)[0].split("\t") == HEADER:
        entries, problems = read_tsv(text, path)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise GlossaryError(errors[0].message, path=path, line=errors[0].line)
        return entries
    delimiter = "\t" if text.count("\t") >= text.count(",") else ","
    entries = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for number, row in enumerate(reader, 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        for cell, kind in zip(row[:2], ("source", "target")):
            _refuse(cell_problem(cell.strip(), kind), path, reader.line_num)
        if len(row) < 2:
            raise GlossaryError("expected two columns (source, target)", path=path, line=number)
        source, target = row[0].strip(), row[1].strip()
        if number == 1 and source.lower() in ("source", "src", "term") and target.lower() in ("target", "tgt",
                                                                                               "translation"):
            continue
        if not source or not target:
            raise GlossaryError("empty source or target", path=path, line=number)
        entries.append(Entry(source=nfc(source), targets=(nfc(target),), origin=path, line=number))
    return entries


def merge(existing: list[Entry], incoming: list[Entry], replace_existing: bool = False) -> tuple[list[Entry], list[str]]:
    """Add incoming entries to existing ones; a different rendering of a known source is a conflict that
    keeps the existing entry unless ``replace_existing``."""
    by_key = {e.key(): i for i, e in enumerate(existing)}
    result, notes = list(existing), []
    for entry in incoming:
        key = entry.key()
        if key not in by_key:
            by_key[key] = len(result)
            result.append(replace(entry, origin="", line=0))
            continue
        old = result[by_key[key]]
        if (old.targets, old.dnt) == (entry.targets, entry.dnt):
            continue
        if replace_existing:
            result[by_key[key]] = replace(entry, origin="", line=0)
            notes.append(f"replaced {entry.source!r}: {'|'.join(old.renderings)} -> {'|'.join(entry.renderings)}")
        else:
            notes.append(f"kept {entry.source!r} as {'|'.join(old.renderings)}; the import has "
                         f"{'|'.join(entry.renderings)} (use --replace to take it)")
    return result, notes
