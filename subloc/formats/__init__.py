"""Subtitle formats behind one small registry, plus reading, writing and path expansion.

``load`` decodes bytes (see ``encoding``), normalizes line endings, picks the format and hands the
text to that format's adapter. ``save`` serializes and writes atomically. Format detection is
by content first (a ``WEBVTT`` signature), then by extension; anything else is an error, never a
guess.

A block that cannot be read (a broken timing line, text where a cue should start) costs only
itself: the readers keep every other cue and list the damaged blocks in ``Track.damaged``.
``load``/``loads`` refuse such a file with ``DamagedFileError`` (naming every damaged block) unless
called with ``salvage=True``, which returns the readable cues and leaves the reporting to the caller.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from ..errors import SubtitleParseError, SubtitleWriteError, UsageError
from ..model import DamagedBlock, Track
from ..patterns import lazy
from .encoding import decode


class DamagedFileError(SubtitleParseError):
    """Some blocks of a file cannot be read. ``damaged`` lists them all; ``track`` holds every
    readable cue (what a salvaging read returns)."""

    def __init__(self, track: Track, path: str) -> None:
        first = track.damaged[0]
        more = len(track.damaged) - 1
        extra = f" (and {more} more damaged block{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{first.message}{extra}", path=path, line=first.line,
                         hint="fix the block; convert and fix take --salvage to keep every readable cue, "
                              "and check reports each block as E101")
        self.track = track
        self.damaged: tuple[DamagedBlock, ...] = track.damaged


def describe_damaged(block: DamagedBlock, path: str) -> str:
    """One line naming a damaged block: where, what is wrong, and its text (shortened, on one line)."""
    text = block.text.replace("\n", " / ")
    if len(text) > 80:
        text = text[:79] + "…"
    return f"{path}:{block.line}: {block.message}: {text!r}"


class Format(NamedTuple):
    name: str
    extensions: tuple[str, ...]
    read: Callable[..., Track]
    dumps: Callable[[Track], str]


def _srt_read(text: str, path: str, **_: object) -> Track:
    from . import srt
    return srt.read(text, path)


def _srt_dumps(track: Track) -> str:
    from . import srt
    return srt.dumps(track)


def _vtt_read(text: str, path: str, conformance: bool = False, **_: object) -> Track:
    from . import vtt
    return vtt.read(text, path, conformance=conformance)


def _vtt_dumps(track: Track) -> str:
    from . import vtt
    return vtt.dumps(track)


FORMATS: dict[str, Format] = {
    "srt": Format("srt", (".srt",), _srt_read, _srt_dumps),
    "vtt": Format("vtt", (".vtt", ".webvtt"), _vtt_read, _vtt_dumps),
}
EXTENSIONS = {ext: fmt.name for fmt in FORMATS.values() for ext in fmt.extensions}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name.lower().lstrip(".")]
    except KeyError:
        raise UsageError(f"unknown subtitle format {name!r}", hint=f"use one of: {', '.join(FORMATS)}") from None


def _dominant_newline(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"))
    return best[1] if best[0] else "\n"


def normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def detect_format(text: str, path: str) -> str:
    """Pick the format from the content's signature, else the extension; refuse to guess."""
    if text.startswith("WEBVTT") or text.startswith("\ufeffWEBVTT"):
        return "vtt"
    ext = _suffix(path)
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    from ..timecode import SRT_TIMING
    if any(SRT_TIMING.match(line) for line in text.split("\n", 200)[:200]):
        return "srt"
    raise SubtitleParseError("cannot tell the subtitle format: no WEBVTT signature and no SRT timing line",
                             path=path, line=1, hint="name the file .srt or .vtt, or pass --format")


def loads(text: str, path: str = "<string>", fmt: str | None = None, conformance: bool = False,
          salvage: bool = False) -> Track:
    """Parse already-decoded text. With ``salvage``, damaged blocks are skipped and listed in
    ``Track.damaged``; without it they raise DamagedFileError."""
    text = normalize_newlines(text)
    name = fmt or detect_format(text, path)
    if not text.strip():
        raise SubtitleParseError("empty file", path=path, line=1, hint="pass a subtitle file with cues")
    track = get_format(name).read(text, path, conformance=conformance)
    if track.damaged and not salvage:
        raise DamagedFileError(track, path)
    return track


def load(path: str | os.PathLike[str], encoding: str | None = None, fmt: str | None = None,
         conformance: bool = False, language: str | None = None, salvage: bool = False,
         data: bytes | None = None) -> Track:
    """Read a subtitle file into a Track. Raises SubtitleParseError (with file and line) on bad input.

    The language (given, or from the file name: ep01.th.srt) guides the detection of legacy
    encodings. ``salvage``: keep every readable cue and list the damaged blocks in ``Track.damaged``.
    ``data``: the file's bytes when they do not come from ``path`` (stdin), which then only names them.
    """
    name = os.fspath(path)
    try:
        if data is None:
            with open(name, "rb") as handle:
                data = handle.read()
    except IsADirectoryError:
        raise SubtitleParseError("is a directory", path=name, hint="pass a file, or let the command expand the folder") from None
    except OSError as exc:
        raise SubtitleParseError(f"cannot read: {exc.strerror}", path=name) from None
    if not data:
        raise SubtitleParseError("empty file", path=name, line=1, hint="pass a subtitle file with cues")
    _refuse_other_files(data, name)
    from_name = None if language else language_from_path(name)
    hint = language or from_name
    text, used, bom = decode(data, name, encoding, language=_canonical(hint) if hint else None)
    newline = _dominant_newline(text)
    try:
        track = loads(text, name, fmt, conformance=conformance, salvage=salvage)
    except DamagedFileError as exc:
        exc.track = replace(exc.track, encoding=used, bom=bom, newline=newline,
                            language=language or exc.track.language or language_from_path(name))
        raise
    lang = language or track.language or from_name
    return replace(track, encoding=used, bom=bom, newline=newline, language=lang)


def _canonical(tag: str) -> str:
    from ..languages import canonical
    return canonical(tag)


# Signatures of what people pass by mistake: the video itself, audio, images, archives.
_MAGIC = ((4, b"ftyp", "MP4/MOV video"), (0, b"\x1aE\xdf\xa3", "Matroska/WebM video"), (0, b"RIFF", "AVI/WAV media"),
          (0, b"ID3", "MP3 audio"), (0, b"\x89PNG", "a PNG image"), (0, b"\xff\xd8\xff", "a JPEG image"),
          (0, b"PK\x03\x04", "a zip archive"), (0, b"%PDF", "a PDF document"), (0, b"GIF8", "a GIF image"),
          (0, b"\x47", "MPEG-TS video"))
_MEDIA_EXTENSIONS = {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".ts", ".flv", ".wmv", ".mp3", ".m4a",
                     ".aac", ".wav", ".png", ".jpg", ".jpeg", ".gif", ".zip", ".pdf"}


def _suffix(path: str) -> str:
    """``Path(path).suffix.lower()`` without making a Path (three a file read)."""
    base = os.path.basename(path.rstrip("/"))
    dot = base.rfind(".")
    return base[dot:].lower() if 0 < dot < len(base) - 1 else ""


def _refuse_other_files(data: bytes, name: str) -> None:
    """ASS/SSA, video and other non-subtitle files: one clear error instead of a parse or decoding error."""
    ext = _suffix(name)
    head = data[:64].lstrip(b"\xef\xbb\xbf")
    if ext in (".ass", ".ssa") or head.startswith(b"[Script Info]"):
        raise SubtitleParseError("ASS/SSA is not supported yet: convert it to SRT with "
                                 f"`ffmpeg -i {Path(name).name} {Path(name).stem}.srt`", path=name, line=1)
    kind = next((what for offset, magic, what in _MAGIC if data[offset:offset + len(magic)] == magic
                 and (magic != b"\x47" or data[188:189] == data[376:377] == b"\x47")), None)  # TS: a sync byte / 188
    if kind or ext in _MEDIA_EXTENSIONS:
        raise SubtitleParseError(f"not a subtitle file ({kind or ext[1:] + ' file'})", path=name,
                                 hint=f"pass the .srt or .vtt file; to take subtitles out of a video: "
                                      f"`ffmpeg -i {Path(name).name} {Path(name).stem}.srt`")


def dumps(track: Track, fmt: str | None = None) -> str:
    return get_format(fmt or track.format).dumps(track)


def save(track: Track, path: str | os.PathLike[str], fmt: str | None = None, *, encoding: str = "utf-8",
         bom: bool = False, newline: str = "\n", overwrite_source: bool = False) -> Path:
    """Serialize and write atomically. Refuses to replace the track's own source unless asked."""
    target = Path(path)
    name = fmt or EXTENSIONS.get(target.suffix.lower()) or track.format
    if track.path and not overwrite_source:
        OutputGuard([track.path]).check(target)
    text = dumps(track, name)
    if newline != "\n":
        text = text.replace("\n", newline)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise SubtitleWriteError(f"character {text[exc.start]!r} cannot be written in {encoding}", path=str(target),
                                 hint="write UTF-8 instead") from None
    if bom and encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        data = b"\xef\xbb\xbf" + data
    atomic_write(target, data)
    return target


class OutputGuard:
    """The one rule every command's outputs obey: nothing is written over any input of the run.

    Files are compared by identity (device and inode, following symbolic links), so a symlink or a
    hard link to an input is caught as well as the input's own path. ``in_place`` allows exactly one
    overwrite: a file rewritten as itself (``--in-place``), never another input.
    """

    def __init__(self, inputs: Iterable[str | os.PathLike[str]]) -> None:
        self._inputs: dict[tuple[int, int], str] = {}
        for item in inputs:
            identity = _identity(item)
            if identity is not None:
                self._inputs.setdefault(identity, os.fspath(item))

    def check(self, target: str | os.PathLike[str], source: str | os.PathLike[str] | None = None,
              in_place: bool = False, hint: str = "choose another output folder with -o, or pass --in-place") -> None:
        """Raise SubtitleWriteError when writing ``target`` would replace an input."""
        identity = _identity(target)
        if identity is None or identity not in self._inputs:
            return
        if in_place and source is not None and _identity(source) == identity:
            return
        found = self._inputs[identity]
        what = "the source file" if source is not None and _identity(source) == identity or found == os.fspath(target) \
            else f"the input {found}"
        raise SubtitleWriteError(f"refusing to overwrite {what}", path=os.fspath(target), hint=hint)


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def atomic_write(target: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, rename over the target, fsync the folder.

    A new file gets the mode the process umask gives any new file (the kernel applies it when the
    temporary file is created: the umask is never read by flipping it, which would race with other
    threads); a replaced file keeps its mode. The folder is fsynced after the rename so the new
    directory entry survives a power cut too. A target that is a symbolic link is written through: the
    file it points to is replaced (keeping that file's own mode) and the link stays a link.
    """
    import secrets

    target = Path(target)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            tmp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover - 100 collisions of 32 random bits
            raise FileExistsError(f"no free temporary name next to {target}")
    except OSError as exc:
        raise SubtitleWriteError(f"cannot write: {exc.strerror or exc}", path=str(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the data itself is already synced
    finally:
        os.close(fd)


# --- paths --------------------------------------------------------------------------------------

_DIGITS = lazy(r"(\d+)")


def natural_key(path: Path | str) -> tuple:
    """Sort key that puts ep2 before ep10."""
    parts = _DIGITS.split(str(path).lower())
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in parts)


class Input(NamedTuple):
    """A file to work on, and where it sits under the folder it was found in (its name, for a file
    given directly): outputs go to ``OUT/<relative>`` so that th/ep01.srt and id/ep01.srt never meet."""

    path: Path
    relative: Path


def expand_inputs(paths: Iterable[str | os.PathLike[str]],
                  skip: Callable[[Path, Path], bool] | None = None) -> list[Input]:
    """Files as given; folders expand to their subtitle files, recursively, in natural episode order.

    Hidden folders (``.subloc`` and the like) are skipped, and so is a file found walking a folder for
    which ``skip(file, folder)`` is true (the CLI passes :meth:`subloc.project.Projects.walk_filter`: the
    configuration's ``exclude`` and ``.gitignore`` files). A missing path is a UsageError.
    """
    result: list[Input] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = [Input(p, p.relative_to(path)) for p in path.rglob("*") if p.suffix.lower() in EXTENSIONS
                     and p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                     and not (skip is not None and skip(p, path))]
            found.sort(key=lambda item: natural_key(item.relative))
            if not found:
                raise UsageError(f"no .srt or .vtt files in {path}", hint="pass subtitle files or a folder that has them")
        elif path.exists():
            found = [Input(path, Path(path.name))]
        else:
            raise UsageError(f"no such file or folder: {path}", hint="check the path")
        for item in found:
            key = item.path.resolve()
            if key not in seen:
                seen.add(key)
                result.append(item)
    return result


def expand_paths(paths: Iterable[str | os.PathLike[str]],
                 skip: Callable[[Path, Path], bool] | None = None) -> list[Path]:
    """The files of ``expand_inputs``."""
    return [item.path for item in expand_inputs(paths, skip)]


def language_from_path(path: str | os.PathLike[str]) -> str | None:
    """A language tag in the file name (ep01.th.srt, ep01.zh-Hans.vtt) or its folder (th/ep01.srt)."""
    from ..languages import canonical, is_language_tag
    p = Path(path)
    stem_parts = p.stem.split(".")
    if len(stem_parts) > 1 and is_language_tag(stem_parts[-1]):
        return canonical(stem_parts[-1])
    if is_language_tag(p.parent.name):
        return canonical(p.parent.name)
    return None


def episode_name(path: str | os.PathLike[str]) -> str:
    """The file name without extension and language tag: ep01.zh-Hans.srt -> ep01."""
    from ..languages import is_language_tag
    stem = Path(path).stem
    head, _, tail = stem.rpartition(".")
    return head if head and is_language_tag(tail) else stem
