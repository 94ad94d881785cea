"""Translation memory: SQLite, embedded, one file per series by default (``.subloc/tm.sqlite``).

Every translated segment is committed the moment it arrives (WAL journal), so an interrupted run —
Ctrl-C, a crash, ``kill -9`` — loses nothing and the next run sends only what is missing. Lookups
are exact on the normalized source text and the language pair; an entry a person approved wins over
machine output, and pseudo-localized text is only ever returned to the pseudo backend.

TMX 1.4 import and export carry the approval and the backend as ``<prop>`` elements.
"""

from __future__ import annotations

import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from .errors import TranslationMemoryError

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    target TEXT NOT NULL,
    backend TEXT NOT NULL,
    created TEXT NOT NULL,
    approved INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (source, source_lang, target_lang, backend)
);
CREATE INDEX IF NOT EXISTS segments_lookup ON segments (source_lang, target_lang, source);
"""


def normalize(text: str) -> str:
    """The form segments are stored and looked up in: NFC, single spaces, no outer whitespace."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(part for part in text.replace("\t", " ").split(" ") if part).strip()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TMEntry:
    source: str
    source_lang: str
    target_lang: str
    target: str
    backend: str
    created: str
    approved: bool = False
    note: str = ""


class TranslationMemory:
    """A SQLite translation memory, safe to use from several threads."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes, fast commits
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        except sqlite3.DatabaseError as exc:
            raise TranslationMemoryError(f"cannot open the translation memory: {exc}", path=str(path),
                                         hint="is it a subloc TM? pass another file with --tm") from None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, source: str, source_lang: str, target_lang: str, *, pseudo: bool = False) -> TMEntry | None:
        """The best entry: approved first, then the newest; pseudo entries only when ``pseudo``."""
        query = ("SELECT source, source_lang, target_lang, target, backend, created, approved, note FROM segments "
                 "WHERE source = ? AND source_lang = ? AND target_lang = ? AND (backend = 'pseudo') = ? "
                 "ORDER BY approved DESC, created DESC, id DESC LIMIT 1")
        with self._lock:
            row = self._db.execute(query, (normalize(source), source_lang, target_lang, int(pseudo))).fetchone()
        return TMEntry(*row[:6], approved=bool(row[6]), note=row[7]) if row else None

    def lookup_many(self, sources: Iterable[str], source_lang: str, target_lang: str,
                    *, pseudo: bool = False) -> dict[str, TMEntry]:
        keys = {normalize(s): s for s in sources}
        found: dict[str, TMEntry] = {}
        items = list(keys)
        for start in range(0, len(items), 500):
            chunk = items[start:start + 500]
            marks = ",".join("?" * len(chunk))
            query = ("SELECT source, source_lang, target_lang, target, backend, created, approved, note FROM segments "
                     f"WHERE source_lang = ? AND target_lang = ? AND (backend = 'pseudo') = ? AND source IN ({marks}) "
                     "ORDER BY approved ASC, created ASC, id ASC")
            with self._lock:
                rows = self._db.execute(query, (source_lang, target_lang, int(pseudo), *chunk)).fetchall()
            for row in rows:  # ascending order: the best entry is written last
                found[keys[row[0]]] = TMEntry(*row[:6], approved=bool(row[6]), note=row[7])
        return found

    def add(self, source: str, source_lang: str, target_lang: str, target: str, backend: str, *,
            approved: bool = False, note: str = "", created: str | None = None) -> None:
        """Store one segment, committed at once. A newer translation by the same backend replaces the old."""
        with self._lock:
            self._db.execute(
                "INSERT INTO segments (source, source_lang, target_lang, target, backend, created, approved, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, source_lang, target_lang, backend) DO UPDATE "
                "SET target = excluded.target, created = excluded.created, "
                "approved = MAX(approved, excluded.approved), note = excluded.note",
                (normalize(source), source_lang, target_lang, target, backend, created or _now(), int(approved), note))

    def add_many(self, rows: Iterable[TMEntry]) -> int:
        count = 0
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for e in rows:
                    self._db.execute(
                        "INSERT INTO segments (source, source_lang, target_lang, target, backend, created, approved, "
                        "note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, source_lang, target_lang, backend) "
                        "DO UPDATE SET target = excluded.target, created = excluded.created, "
                        "approved = MAX(approved, excluded.approved), note = excluded.note",
                        (normalize(e.source), e.source_lang, e.target_lang, e.target, e.backend, e.created,
                         int(e.approved), e.note))
                    count += 1
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return count

    def entries(self) -> Iterator[TMEntry]:
        with self._lock:
            rows = self._db.execute("SELECT source, source_lang, target_lang, target, backend, created, approved, note "
                                    "FROM segments ORDER BY id").fetchall()
        for row in rows:
            yield TMEntry(*row[:6], approved=bool(row[6]), note=row[7])

    def stats(self) -> dict[str, object]:
        with self._lock:
            pairs = self._db.execute(
                "SELECT source_lang, target_lang, COUNT(*), SUM(approved), COUNT(DISTINCT source), "
                "GROUP_CONCAT(DISTINCT backend) FROM segments GROUP BY source_lang, target_lang "
                "ORDER BY source_lang, target_lang").fetchall()
            total = self._db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        return {
            "path": str(self.path), "segments": total,
            "size_bytes": self.path.stat().st_size if self.path.exists() else 0,
            "pairs": [{"source_lang": s, "target_lang": t, "segments": n, "approved": int(a or 0), "sources": d,
                       "backends": sorted((b or "").split(","))} for s, t, n, a, d, b in pairs],
        }


# --- TMX 1.4 ------------------------------------------------------------------------------------

def _tmx_date(iso: str) -> str:
    return iso.replace("-", "").replace(":", "")  # 2026-11-25T08:41:00Z -> 20261125T084100Z


def _iso_date(tmx: str | None) -> str:
    if not tmx or len(tmx) < 15:
        return _now()
    return f"{tmx[0:4]}-{tmx[4:6]}-{tmx[6:8]}T{tmx[9:11]}:{tmx[11:13]}:{tmx[13:15]}Z"


def export_tmx(entries: Iterable[TMEntry], source_lang: str | None = None) -> str:
    from xml.sax.saxutils import escape, quoteattr

    from . import __version__

    rows = list(entries)
    srclang = source_lang or (rows[0].source_lang if rows else "zh-Hans")
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<tmx version="1.4">',
           f'  <header creationtool="subloc" creationtoolversion={quoteattr(__version__)} segtype="sentence" '
           f'o-tmf="subloc-sqlite" adminlang="en" srclang={quoteattr(srclang)} datatype="plaintext"/>', "  <body>"]
    for e in rows:
        out.append(f"    <tu creationdate={quoteattr(_tmx_date(e.created))} creationid={quoteattr(e.backend)}>")
        out.append(f'      <prop type="x-subloc-backend">{escape(e.backend)}</prop>')
        out.append(f'      <prop type="x-subloc-approved">{int(e.approved)}</prop>')
        if e.note:
            out.append(f"      <note>{escape(e.note)}</note>")
        out.append(f"      <tuv xml:lang={quoteattr(e.source_lang)}><seg>{escape(e.source)}</seg></tuv>")
        out.append(f"      <tuv xml:lang={quoteattr(e.target_lang)}><seg>{escape(e.target)}</seg></tuv>")
        out.append("    </tu>")
    out += ["  </body>", "</tmx>"]
    return "\n".join(out) + "\n"


def import_tmx(text: str, path: str, *, source_lang: str | None = None, approved: bool | None = None) -> list[TMEntry]:
    """Translation units of a TMX file as entries (every target language of every unit).

    ``source_lang`` overrides the header's ``srclang``; ``approved`` overrides the units' own flag.
    """
    import xml.etree.ElementTree as ET

    from .languages import canonical
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise TranslationMemoryError(f"not valid TMX/XML: {exc}", path=path, line=exc.position[0]) from None
    if root.tag != "tmx":
        raise TranslationMemoryError("not a TMX file (the root element is not <tmx>)", path=path, line=1)
    header = root.find("header")
    lang_attr = "{http://www.w3.org/XML/1998/namespace}lang"
    srclang = source_lang or (header.get("srclang") if header is not None else None)
    if not srclang or srclang == "*all*":
        raise TranslationMemoryError("the TMX header has no source language", path=path, line=1,
                                     hint="pass --source-lang")
    src = canonical(srclang)
    entries = []
    for tu in root.iter("tu"):
        props = {p.get("type"): (p.text or "") for p in tu.findall("prop")}
        variants = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(lang_attr) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            if seg is not None:
                variants[canonical(lang)] = "".join(seg.itertext())
        source = variants.pop(src, None)
        if source is None:
            continue
        note = tu.findtext("note") or ""
        is_approved = approved if approved is not None else props.get("x-subloc-approved", "0") == "1"
        backend = props.get("x-subloc-backend") or tu.get("creationid") or "tmx"
        for lang, target in variants.items():
            if target.strip():
                entries.append(TMEntry(source, src, lang, target, backend, _iso_date(tu.get("creationdate")),
                                       is_approved, note))
    return entries
