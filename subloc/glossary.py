"""Per-language glossaries: loading, layering, matching, masking for translation, compliance.

A glossary file is UTF-8 TSV with the header ``source<TAB>target<TAB>note<TAB>flags``:

* ``target`` lists the allowed renderings, most preferred first: ``A|B``;
* ``flags`` (comma-separated): ``case`` (match the source case-sensitively), ``dnt`` (do not
  translate: the source form must survive), ``forbidden=X|Y`` (renderings that must not appear).

Layers, most specific last: the shipped base glossary ``glossaries/<lang>.tsv``, a series'
characters from ``series.toml``, the series glossary ``<series>/glossary.<lang>.tsv``. The more
specific entry wins; differences are reported as conflicts.

Matching: Chinese (and other unspaced-script) sources match as substrings; Latin-script sources on
word boundaries; longest term first, no overlaps; NFC on both sides; case-insensitive unless
``case``. In a target text, renderings in Latin scripts match on word boundaries too (Malay and
Indonesian enclitics such as -nya, -ku, -mu are allowed after them).
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import GlossaryError

HEADER = ["source", "target", "note", "flags"]
KNOWN_FLAGS = ("case", "dnt", "forbidden")
_ENCLITICS = ("nya", "ku", "mu", "lah", "kah", "pun", "tah")


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _is_word_char(ch: str) -> bool:
    """A letter or digit of a spaced script: next to one, a Latin term is part of a longer word.
    (Chinese or Thai next to a Latin term, as in 他是CEO, is a boundary.)"""
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    return (ch.isalnum() and ("\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff")) or \
        unicodedata.category(ch) == "Mn"


def _spaced(text: str) -> bool:
    """Whether a term is written in a script that separates words with spaces (Latin, Vietnamese…)."""
    return any(ch.isalpha() for ch in text) and all(
        not ch.isalpha() or ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" for ch in text)


@dataclass(frozen=True)
class Entry:
    source: str
    targets: tuple[str, ...]
    note: str = ""
    case: bool = False
    dnt: bool = False
    forbidden: tuple[str, ...] = ()
    origin: str = ""  # file the entry comes from
    line: int = 0

    @property
    def preferred(self) -> str:
        return self.source if self.dnt and not self.targets else self.targets[0]

    @property
    def renderings(self) -> tuple[str, ...]:
        """What counts as a correct rendering in a translation."""
        return (self.source,) if self.dnt else self.targets

    def key(self) -> str:
        source = _nfc(self.source)
        return source if self.case else source.casefold()

    def flags_text(self) -> str:
        flags = [name for name, on in (("case", self.case), ("dnt", self.dnt)) if on]
        if self.forbidden:
            flags.append("forbidden=" + "|".join(self.forbidden))
        return ",".join(flags)

    def where(self) -> str:
        return f"{self.origin}:{self.line}" if self.origin else "(built in)"


@dataclass(frozen=True)
class Match:
    entry: Entry
    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def parse_flags(text: str, path: str, line: int) -> tuple[dict[str, object], list[Problem]]:
    out: dict[str, object] = {"case": False, "dnt": False, "forbidden": ()}
    problems = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        name, eq, value = raw.partition("=")
        name = name.strip().lower()
        if name == "forbidden":
            renderings = tuple(v.strip() for v in value.split("|") if v.strip())
            if not eq or not renderings:
                problems.append(Problem(path, line, "flag 'forbidden' needs renderings: forbidden=A|B"))
            out["forbidden"] = renderings
        elif name in ("case", "dnt") and not eq:
            out[name] = True
        else:
            problems.append(Problem(path, line, f"unknown flag {raw!r} (known: case, dnt, forbidden=A|B)"))
    return out, problems


def read_tsv(text: str, path: str) -> tuple[list[Entry], list[Problem]]:
    """Parse a glossary TSV, returning entries and every problem found (with line numbers)."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or lines[0].split("\t") != HEADER:
        problems.append(Problem(path, 1, f"the first line must be the header {chr(9).join(HEADER)!r} (tab-separated)"))
        return entries, problems
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[1:], 2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 4:
            problems.append(Problem(path, number, f"{len(cells)} columns, expected 4 (source, target, note, flags) "
                                                  "separated by tabs"))
            cells = (cells + ["", "", "", ""])[:4]
        source, target, note, flags = (c.strip() for c in cells)
        values, flag_problems = parse_flags(flags, path, number)
        problems.extend(flag_problems)
        if not source:
            problems.append(Problem(path, number, "empty source term"))
            continue
        targets = tuple(dict.fromkeys(t.strip() for t in target.split("|") if t.strip()))
        if not targets and not values["dnt"]:
            problems.append(Problem(path, number, f"empty target for {source!r} (give a rendering, or flag it dnt)"))
            continue
        entry = Entry(source=_nfc(source), targets=tuple(_nfc(t) for t in targets), note=note,
                      case=bool(values["case"]), dnt=bool(values["dnt"]),
                      forbidden=tuple(_nfc(f) for f in values["forbidden"]), origin=path, line=number)  # type: ignore[arg-type]
        clash = set(entry.forbidden) & set(entry.targets)
        if clash:
            problems.append(Problem(path, number, f"{sorted(clash)[0]!r} is both allowed and forbidden"))
        if len(targets) != len([t for t in target.split("|") if t.strip()]):
            problems.append(Problem(path, number, "the same rendering is listed twice", "warning"))
        key = entry.key()
        if key in seen:
            problems.append(Problem(path, number, f"duplicate source {source!r} (first at line {seen[key]})"))
            continue
        seen[key] = number
        entries.append(entry)
    return entries, problems


class Glossary:
    """The effective glossary of one language: entries by source, and how they were layered."""

    def __init__(self, language: str, entries: Iterable[Entry] = (), sources: Iterable[str] = ()) -> None:
        self.language = language
        self.entries: dict[str, Entry] = {}
        self.conflicts: list[str] = []
        self.sources = list(sources)
        for entry in entries:
            self.entries[entry.key()] = entry
        self._index_cache: dict[str, list[Entry]] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    @classmethod
    def from_text(cls, text: str, language: str, path: str = "<string>") -> Glossary:
        entries, problems = read_tsv(text, path)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise GlossaryError(errors[0].message, path=errors[0].path, line=errors[0].line,
                                hint="run `subloc glossary check` for every problem")
        return cls(language, entries, [path])

    @classmethod
    def load(cls, path: str | Path, language: str) -> Glossary:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GlossaryError(f"cannot read glossary: {exc}", path=str(path)) from None
        return cls.from_text(text, language, str(path))

    def layer(self, other: Glossary) -> Glossary:
        """A new glossary with ``other``'s entries over this one's; differing overrides are conflicts."""
        merged = Glossary(self.language, self.entries.values(), [*self.sources, *other.sources])
        merged.conflicts = [*self.conflicts, *other.conflicts]
        for key, entry in other.entries.items():
            old = merged.entries.get(key)
            if old is not None and (old.targets, old.dnt) != (entry.targets, entry.dnt):
                merged.conflicts.append(f"{entry.where()}: {entry.source!r} → {'|'.join(entry.renderings)} overrides "
                                        f"{old.where()}: {'|'.join(old.renderings)}")
            merged.entries[key] = entry
        return merged

    # --- matching ----------------------------------------------------------------------------

    def _index(self) -> dict[str, list[Entry]]:
        if self._index_cache is None:
            index: dict[str, list[Entry]] = {}
            for entry in self.entries.values():
                first = entry.source[0] if entry.case else entry.source[0].casefold()
                index.setdefault(first, []).append(entry)
            for bucket in index.values():
                bucket.sort(key=lambda e: -len(e.source))
            self._index_cache = index
        return self._index_cache

    def match(self, text: str) -> list[Match]:
        """Glossary terms in a source text: longest first, no overlaps, in text order."""
        text = _nfc(text)
        folded = text.casefold() if len(text.casefold()) == len(text) else None
        index = self._index()
        candidates: list[Match] = []
        for i, ch in enumerate(text):
            for key in {ch, ch.casefold()}:
                for entry in index.get(key, ()):
                    src = entry.source
                    end = i + len(src)
                    if entry.case:
                        hit = text.startswith(src, i)
                    else:
                        hit = folded is not None and folded.startswith(src.casefold(), i)
                    if not hit:
                        continue
                    if _spaced(src) and ((i > 0 and _is_word_char(text[i - 1])) or
                                         (end < len(text) and _is_word_char(text[end]))):
                        continue
                    candidates.append(Match(entry, i, end))
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[Match] = []
        for m in candidates:
            if all(m.end <= t.start or m.start >= t.end for t in taken):
                taken.append(m)
        return sorted(taken, key=lambda m: m.start)

    def lookup(self, term: str) -> list[Entry]:
        """Entries whose source or renderings contain ``term`` (case-insensitive)."""
        needle = _nfc(term).casefold()
        return [e for e in self.entries.values()
                if needle in e.source.casefold() or any(needle in t.casefold() for t in e.targets)]


def contains_rendering(text: str, rendering: str, *, case: bool = False, enclitics: bool = False) -> bool:
    """Whether a translation contains a rendering: substring for unspaced scripts (Thai), on word
    boundaries for spaced ones (``bảo an`` is not in ``bảo anh``), case-insensitive unless ``case``."""
    raw, rendering = _nfc(text), _nfc(rendering)
    text = raw.replace("\n", " ")
    if not case:
        text, raw, rendering = text.casefold(), raw.casefold(), rendering.casefold()
    if not _spaced(rendering):
        # Thai and Chinese: a line break may stand for a space or for nothing.
        return rendering in text or rendering in raw.replace("\n", "")
    start = text.find(rendering)
    while start >= 0:
        end = start + len(rendering)
        left_ok = start == 0 or not _is_word_char(text[start - 1])
        right_ok = end == len(text) or not _is_word_char(text[end]) or (
            enclitics and any(text.startswith(suffix, end) and (end + len(suffix) == len(text) or
                                                                not _is_word_char(text[end + len(suffix)]))
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


# --- masking for machine translation --------------------------------------------------------------

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
    text = _nfc(text)
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


# --- where glossaries live ------------------------------------------------------------------------

def base_dirs() -> list[Path]:
    """Where the shipped base glossaries are: $SUBLOC_GLOSSARIES, the source tree, the install prefix."""
    dirs = []
    if os.environ.get("SUBLOC_GLOSSARIES"):
        dirs.append(Path(os.environ["SUBLOC_GLOSSARIES"]))
    dirs.append(Path(__file__).resolve().parent.parent / "glossaries")
    dirs.append(Path(sys.prefix) / "share" / "subloc" / "glossaries")
    return dirs


def base_path(language: str) -> Path | None:
    for folder in base_dirs():
        candidate = folder / f"{language}.tsv"
        if candidate.is_file():
            return candidate
    return None


def series_dir_for(path: str | Path) -> Path | None:
    """The series folder of a file: the nearest folder upwards with a series.toml or glossary.*.tsv."""
    here = Path(path).resolve()
    for folder in ([here] if here.is_dir() else []) + list(here.parents):
        if (folder / "series.toml").is_file() or any(folder.glob("glossary.*.tsv")):
            return folder
    return None


def series_glossary(series: Path, language: str) -> Glossary | None:
    """The series' own layer: character names from series.toml, then glossary.<lang>.tsv over them."""
    layer = None
    toml = series / "series.toml"
    if toml.is_file():
        from .series import load_series
        info = load_series(toml)
        entries = [Entry(source=_nfc(c.name), targets=(_nfc(c.names[language]),), note=f"character: {c.role}",
                         origin=str(toml), line=c.line)
                   for c in info.characters if language in c.names and c.name]
        layer = Glossary(language, entries, [str(toml)])
    tsv = series / f"glossary.{language}.tsv"
    if tsv.is_file():
        own = Glossary.load(tsv, language)
        layer = own if layer is None else layer.layer(own)
    return layer


@lru_cache(maxsize=64)
def _effective(spec: str | None, language: str, series: str | None) -> Glossary | None:
    if spec:
        path = Path(spec)
        if path.is_dir():
            path = path / f"{language}.tsv"
            if not path.is_file():
                return None
        glossary = Glossary.load(path, language)
    else:
        base = base_path(language)
        glossary = Glossary.load(base, language) if base else None
    if series:
        own = series_glossary(Path(series), language)
        if own is not None:
            glossary = own if glossary is None else glossary.layer(own)
    return glossary


def glossary_for(language: str, near: str | Path | None = None, spec: str | None = None) -> Glossary | None:
    """The effective glossary for a language: ``spec`` (a file or a folder of <lang>.tsv) or the shipped
    base glossary, with the series layer of the series ``near`` belongs to over it."""
    from .languages import canonical
    lang = canonical(language)
    series = series_dir_for(near) if near is not None else None
    return _effective(spec, lang, str(series) if series else None)


def glossary_for_check(spec: str | None, language: str, path: str) -> Glossary | None:
    """The glossary the G rules use for a checked file (hooked into the QA engine)."""
    return glossary_for(language, near=path, spec=spec)


# --- import and export -----------------------------------------------------------------------------

def write_tsv(entries: Iterable[Entry]) -> str:
    out = ["\t".join(HEADER)]
    for e in entries:
        out.append("\t".join([e.source, "|".join(e.targets), e.note.replace("\t", " "), e.flags_text()]))
    return "\n".join(out) + "\n"


def export_csv(glossary: Glossary, delimiter: str = ",") -> str:
    """Two columns, no header: what DeepL and Google Cloud glossaries take (preferred rendering only)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for e in glossary:
        writer.writerow([e.source, e.preferred])
    return buffer.getvalue()


def export_tbx(glossary: Glossary, source_language: str = "zh-Hans") -> str:
    """TBX (ISO 30042, TBX-Basic style ``martif``): renderings as preferred/admitted terms, forbidden
    renderings as deprecated terms, dnt as translationNote "no", notes as ``note``."""
    from xml.sax.saxutils import escape, quoteattr

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<martif type="TBX-Basic" xml:lang={quoteattr(source_language)}>',
             "  <martifHeader><fileDesc><sourceDesc><p>subloc glossary export</p></sourceDesc></fileDesc>"
             "</martifHeader>",
             "  <text>", "    <body>"]
    for n, e in enumerate(glossary, 1):
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


def import_tbx(text: str, language: str, path: str) -> list[Entry]:
    """Entries of a TBX file (v2 ``martif`` or v3 ``tbx``) for one target language."""
    import xml.etree.ElementTree as ET

    from .languages import canonical
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise GlossaryError(f"not valid TBX/XML: {exc}", path=path, line=exc.position[0]) from None
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
            notes += [(n.text or "").strip() for n in lang_set if local(n.tag) in ("note", "descrip") and is_target
                      and (n.text or "").strip()]
            for group in (el for el in lang_set if local(el.tag) in ("tig", "ntig", "termSec")):
                term = next((el for el in group.iter() if local(el.tag) == "term"), None)
                if term is None or not (term.text or "").strip():
                    continue
                status = {(n.get("type") or ""): (n.text or "").strip().lower()
                          for n in group.iter() if local(n.tag) in ("termNote", "descrip")}
                value = term.text.strip()
                if not is_target:
                    source_terms.append(value)
                    if status.get("translationNote") == "no" or status.get("Translation needed", "").lower() == "no":
                        dnt = True
                elif status.get("administrativeStatus", "") in _FORBIDDEN_STATUS:
                    forbidden.append(value)
                else:
                    targets.append(value)
        if source_terms and (targets or dnt):
            entries.append(Entry(source=_nfc(source_terms[0]), targets=tuple(map(_nfc, targets)), note="; ".join(notes),
                                 case=case, dnt=dnt, forbidden=tuple(map(_nfc, forbidden)), origin=path))
    return entries


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
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < 2:
            raise GlossaryError("expected two columns (source, target)", path=path, line=number)
        source, target = row[0].strip(), row[1].strip()
        if number == 1 and source.lower() in ("source", "src", "term") and target.lower() in ("target", "tgt",
                                                                                               "translation"):
            continue
        if not source or not target:
            raise GlossaryError("empty source or target", path=path, line=number)
        entries.append(Entry(source=_nfc(source), targets=(_nfc(target),), origin=path, line=number))
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
