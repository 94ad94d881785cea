"""The glossary file format: UTF-8 TSV with the header ``source<TAB>target<TAB>note<TAB>flags``.

* ``target`` lists the allowed renderings, most preferred first: ``A|B``;
* ``flags`` (comma-separated): ``case`` (match the source case-sensitively), ``dnt`` (do not
  translate: the source form must survive), ``forbidden=X|Y`` (renderings that must not appear).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable

from ..errors import GlossaryError
from ..visible import visible
from .terms import Entry, Problem, nfc

HEADER = ["source", "target", "note", "flags"]
KNOWN_FLAGS = ("case", "dnt", "forbidden")


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
        if any(unicodedata.category(ch) == "Cc" for ch in line.replace("\t", "")):
            problems.append(Problem(path, number, f"control character in '{visible(line.replace(chr(9), ' '))}' "
                                                  "(shown escaped): remove it", "warning"))
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
        entry = Entry(source=nfc(source), targets=tuple(nfc(t) for t in targets), note=note,
                      case=bool(values["case"]), dnt=bool(values["dnt"]),
                      forbidden=tuple(nfc(f) for f in values["forbidden"]), origin=path, line=number)  # type: ignore[arg-type]
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



def read_text(path: str | Path) -> str:
    """A glossary file's text; unreadable or not UTF-8 is a GlossaryError naming the file (and line)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise GlossaryError(f"cannot read glossary: {exc.strerror or exc}", path=str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"byte {data[exc.start:exc.start + 1]!r} is not valid UTF-8", path=str(path),
                            line=data[:exc.start].count(b"\n") + 1, hint="save the glossary as UTF-8") from None


def cell_problem(value: str, kind: str) -> str | None:
    """Why ``value`` cannot be a ``kind`` (source, target, forbidden, note) in a glossary TSV, or None."""
    if any(ch in value for ch in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        return f"{kind} '{visible(value)}' contains a tab or a line break, which would split the TSV"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return f"{kind} '{visible(value)}' contains a control character"
    if kind in ("target", "forbidden") and "|" in value:
        return f"{kind} {value!r} contains '|', which separates renderings in a subloc glossary"
    if kind == "forbidden" and "," in value:
        return f"forbidden rendering {value!r} contains ',', which separates flags in a subloc glossary"
    if kind == "source" and value.startswith("#"):
        return f"source {value!r} starts with '#', which would make its line a comment"
    return None


def write_tsv(entries: Iterable[Entry]) -> str:
    out = ["\t".join(HEADER)]
    for e in entries:
        out.append("\t".join([e.source, "|".join(e.targets), " ".join(e.note.split()), e.flags_text()]))
    return "\n".join(out) + "\n"
