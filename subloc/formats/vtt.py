"""WebVTT (.vtt) adapter over webvtt-py.

webvtt-py (>= 0.6, which keeps cue settings, ids, NOTE/STYLE/REGION blocks and header metadata)
parses the cues and writes the file. Around it, this adapter enforces the W3C parsing rules where
webvtt-py is lenient (docs/libraries.md) and records what webvtt-py does not keep:

* the signature: exactly one optional BOM, then ``WEBVTT`` followed by a space, a tab or the end
  of the line (webvtt-py accepts ``WEBVTTfoo``, ``WEBVTT\\f`` and two BOMs);
* NUL characters become U+FFFD, as the spec says (webvtt-py leaves them);
* cue timings follow the spec's timestamp algorithm (webvtt-py accepts ``0:0:0.0``, garbage such
  as ``x00:00:00.000`` and a vertical tab as whitespace);
* the source line of every cue and block, and the order of NOTE/STYLE/REGION blocks.

A block the spec would drop (a bad timing line, a STYLE after the first cue, text before any cue) is a
damaged block (``Track.damaged``: the caller refuses the file or salvages the rest), text after a
blank line inside a cue is kept in that cue with a Notice, and a line of only spaces and tabs counts
as blank, as players and editors treat it (Netflix exports put one between NOTE blocks). ``conformance=True`` instead
drops what a browser drops, recording each drop as a Notice: the web-platform-tests suite runs in
that mode.
"""

from __future__ import annotations

import re

import webvtt
from webvtt.errors import MalformedCaptionError

from ..errors import SubtitleParseError, SubtitleWriteError
from ..model import Block, Cue, DamagedBlock, Notice, Track
from ..patterns import lazy
from ..timecode import format_vtt, is_vtt_timing

_SIGNATURE = lazy(r"WEBVTT(?:[ \t].*)?\Z")
_KEYWORD = lazy(r"(STYLE|REGION)[ \t\f]*\Z")
_WHITESPACE_LINE = lazy(r"^[ \t\f]+$", re.MULTILINE)


def _is_note(line: str) -> bool:
    return line.startswith("NOTE") and (len(line) == 4 or line[4] in " \t")


def check_signature(first_line: str, path: str) -> None:
    if first_line.startswith("\ufeff"):
        raise SubtitleParseError("two byte-order marks before 'WEBVTT'", path=path, line=1,
                                 hint="remove the extra BOM")
    if not _SIGNATURE.match(first_line):
        shown = first_line[:30]
        raise SubtitleParseError(
            f"bad WebVTT signature {shown!r}", path=path, line=1,
            hint="a WebVTT file starts with 'WEBVTT' alone or followed by a space; if this is SRT, rename it .srt",
        )


class _Walk:
    """The spec's block collection, keeping line numbers (webvtt-py keeps none)."""

    def __init__(self, text: str, path: str, conformance: bool) -> None:
        self.text, self.path, self.conformance = text, path, conformance
        self.notices: list[Notice] = []
        self.signature = ""
        self.header: list[str] = []
        # ("cue", first line, id, timing line, text lines) or ("NOTE"|"STYLE"|"REGION", first line, lines)
        self.items: list[tuple] = []
        self.damaged: list[DamagedBlock] = []

    def drop_or_fail(self, line: int, message: str, hint: str, block: list[str]) -> None:
        """A block the spec drops: a damaged block for subloc, a recorded drop in conformance mode."""
        if not self.conformance:
            self.damaged.append(DamagedBlock(line, "\n".join(block), message))
            self.items.append(("damaged", line, len(self.damaged) - 1))
            return
        self.notices.append(Notice(line, f"{message}; dropped, as a WebVTT player would"))

    def run(self) -> None:
        text = self.text
        end = text.find("\n")
        if end < 0:
            self.signature = text
            return
        self.signature = text[:end]
        check_signature(self.signature, self.path)
        # The header: lines up to an empty line or a line with "-->" (which starts the first block).
        pos, line_no = end + 1, 2
        while pos < len(text):
            nxt = text.find("\n", pos)
            nxt = len(text) if nxt < 0 else nxt
            line = text[pos:nxt]
            if not line or "-->" in line:
                break
            self.header.append(line)
            pos, line_no = nxt + 1, line_no + 1
        # Blocks are separated by empty lines; a chunk between two "\n\n" is one block unless it
        # holds a "-->" line that cannot be its own timing line (then the spec starts a new block
        # there), so only such chunks take the line-by-line path.
        seen_cue = False
        for chunk in text[pos:].split("\n\n"):
            stripped = chunk.lstrip("\n")
            first = line_no + len(chunk) - len(stripped)
            line_no += chunk.count("\n") + 2
            stripped = stripped.rstrip("\n")
            if not stripped:
                continue
            block = stripped.split("\n")
            arrows = stripped.count("-->")
            if arrows == 0 or (arrows == 1 and ("-->" in block[0] or (len(block) > 1 and "-->" in block[1]))):
                seen_cue = self.classify(first, block, seen_cue)
            else:
                for sub_first, sub in self._split(first, block):
                    seen_cue = self.classify(sub_first, sub, seen_cue)

    @staticmethod
    def _split(first: int, lines: list[str]) -> list[tuple[int, list[str]]]:
        """The spec's block collection for one chunk with several '-->' lines."""
        out: list[tuple[int, list[str]]] = []
        block: list[str] = []
        start, arrow = first, False
        for offset, line in enumerate(lines):
            if "-->" in line and block and (len(block) > 1 or arrow):
                out.append((start, block))
                block, start, arrow = [], first + offset, False
            if "-->" in line:
                arrow = True
            block.append(line)
        out.append((start, block))
        return out

    def classify(self, line_no: int, block: list[str], seen_cue: bool) -> bool:
        if "-->" in block[0]:
            ident, timing_at = "", 0
        elif len(block) > 1 and "-->" in block[1]:
            ident, timing_at = block[0], 1
        else:
            self.other(line_no, block, seen_cue)
            return seen_cue
        if not is_vtt_timing(block[timing_at]):
            self.drop_or_fail(line_no + timing_at, f"bad cue timing line {block[timing_at].strip()[:60]!r}",
                              "use 'HH:MM:SS.mmm --> HH:MM:SS.mmm' (minutes and seconds 00-59, 3 decimals)", block)
            return seen_cue
        self.items.append(("cue", line_no, ident, block[timing_at], block[timing_at + 1:]))
        return True

    def other(self, line_no: int, block: list[str], seen_cue: bool) -> None:
        head = block[0]
        if _is_note(head):
            self.items.append(("NOTE", line_no, block))
            return
        keyword = _KEYWORD.match(head)
        if keyword and len(block) > 1:
            if seen_cue:
                self.drop_or_fail(line_no, f"{keyword.group(1)} block after the first cue",
                                  f"move the {keyword.group(1)} block above the first cue", block)
            else:
                self.items.append((keyword.group(1), line_no, block))
            return
        last_cue = next((k for k in range(len(self.items) - 1, -1, -1) if self.items[k][0] in ("cue", "damaged")),
                        None)
        if last_cue is not None and self.items[last_cue][0] == "damaged":
            index = self.items[last_cue][2]  # text after a blank line that continues a damaged block
            old = self.damaged[index]
            self.damaged[index] = DamagedBlock(old.line, old.text + "\n\n" + "\n".join(block), old.message)
            return
        if self.conformance or last_cue is None:
            self.drop_or_fail(line_no, f"text {head.strip()[:40]!r} outside any cue",
                              "put it in a cue after a timing line, or make it a NOTE", block)
            return
        kind, first, ident, timing_line, text = self.items[last_cue]
        self.items[last_cue] = (kind, first, ident, timing_line, [*text, *block])
        self.notices.append(Notice(line_no, "blank line inside a cue: the text after it was kept in that cue "
                                            "(remove the blank line)"))

    def sanitized(self) -> str:
        """The file as webvtt-py should see it: only blocks that the spec keeps."""
        out = [self.signature, *self.header]
        for item in self.items:
            out.append("")
            if item[0] == "cue":
                _, _, ident, timing_line, text = item
                if ident:
                    out.append(ident)
                out.append(timing_line)
                out.extend(text)
            elif item[0] == "damaged":
                out.pop()
            else:
                out.extend(item[2])
        out.append("")
        return "\n".join(out)


def read(text: str, path: str = "<string>", conformance: bool = False) -> Track:
    """Parse WebVTT text (newlines normalized to ``\\n``, BOM removed) into a Track."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if not conformance and (" " in text or "\t" in text or "\f" in text):
        text = _WHITESPACE_LINE.sub("", text)  # whitespace-only lines are blank (line numbers unchanged)
    walk = _Walk(text, path, conformance)
    walk.run()
    check_signature(walk.signature, path)
    cue_items = [item for item in walk.items if item[0] == "cue"]
    if not cue_items and walk.damaged:
        first = walk.damaged[0]
        raise SubtitleParseError(first.message, path=path, line=first.line,
                                 hint="no cue of this file can be read: fix the timing lines")
    # webvtt-py sees the file as the spec reads it: the original text when nothing was dropped or
    # repaired, else the blocks subloc kept.
    source = text if not walk.notices and not walk.damaged else walk.sanitized()
    try:
        parsed = webvtt.WebVTT.from_string(source)
    except (MalformedCaptionError, webvtt.errors.MalformedFileError) as exc:
        raise SubtitleParseError(f"webvtt-py cannot read this file: {exc}", path=path, line=1,
                                 hint="please report this file to subloc") from None
    if len(parsed.captions) != len(cue_items):
        raise SubtitleParseError(
            f"webvtt-py read {len(parsed.captions)} cues where subloc found {len(cue_items)}",
            path=path, line=1, hint="please report this file to subloc")
    cues = [Cue(caption.start_time.in_milliseconds(), caption.end_time.in_milliseconds(), "\n".join(caption.lines),
                caption.identifier or "", str(caption.settings), "", item[1])
            for caption, item in zip(parsed.captions, cue_items)]
    blocks: list[Block] = []
    count = 0
    for item in walk.items:
        if item[0] == "cue":
            count += 1
        elif item[0] == "damaged":
            continue
        else:
            blocks.append(Block(kind=item[0], text=_block_text(item[0], item[2]), before_cue=count, line=item[1]))
    return Track(cues=tuple(cues), format="vtt", path=path, header=parsed.header_text,
                 metadata=tuple(parsed.metadata), blocks=tuple(blocks), notices=tuple(walk.notices), damaged=tuple(walk.damaged),
                 language=_declared_language(parsed.metadata))


def _block_text(kind: str, lines: list[str]) -> str:
    """The content of a block without its keyword, as webvtt-py would give it."""
    if kind == "NOTE":
        return "\n".join([lines[0][4:].strip(" \t"), *lines[1:]]).strip("\n")
    if kind == "REGION":
        return "\n".join(" ".join(lines[1:]).split())  # webvtt-py writes one setting per line
    return "\n".join(lines[1:])


def _declared_language(metadata: list[str]) -> str | None:
    for line in metadata:
        name, _, value = line.partition(":")
        if name.strip().lower() == "language" and value.strip():
            return value.strip()
    return None


def dumps(track: Track) -> str:
    """Serialize with webvtt-py. Raises SubtitleWriteError for text WebVTT cannot carry."""
    captions = []
    for number, cue in enumerate(track.cues, 1):
        where = f"cue {number}" + (f" (source line {cue.line})" if cue.line else "")
        if cue.start < 0:
            raise SubtitleWriteError(f"{where} starts before zero", hint="shift less, or drop cues before zero")
        text = cue.text.replace("-->", "--&gt;")  # '-->' would end the cue; &gt; is WebVTT's escape for '>'
        if cue.text and any(not line for line in text.split("\n")):
            raise SubtitleWriteError(f"{where} has an empty line inside its text, which would end the cue",
                                     hint="remove the empty line")
        captions.append(webvtt.Caption(format_vtt(cue.start), format_vtt(cue.end), text,
                                       identifier=cue.ident or None, settings=cue.settings or None))
    styles: list[webvtt.models.Style] = []
    regions: list[webvtt.models.Region] = []
    header_comments: list[str] = []
    footer_comments: list[str] = []
    pending: list[str] = []
    for block in track.blocks:
        if block.kind == "NOTE":
            if block.before_cue >= len(captions):
                footer_comments.append(block.text)
            elif block.before_cue > 0:
                captions[block.before_cue].comments.append(block.text)
            else:
                pending.append(block.text)
            continue
        item = (webvtt.models.Style(block.text) if block.kind == "STYLE"
                else webvtt.models.Region.from_string(block.text.replace("\n", " ")))
        item.comments = pending
        pending = []
        (styles if block.kind == "STYLE" else regions).append(item)
    if captions:
        captions[0].comments[:0] = pending
    else:
        footer_comments[:0] = pending
    document = webvtt.WebVTT(captions=captions, styles=styles, regions=regions, header_comments=header_comments,
                             footer_comments=footer_comments, header_text=track.header, metadata=list(track.metadata))
    try:
        content = document.content
    except ValueError as exc:
        raise SubtitleWriteError(f"WebVTT cannot carry this track: {exc}") from None
    return content if content.endswith("\n") else content + "\n"
