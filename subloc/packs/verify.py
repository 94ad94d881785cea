"""Verifying a language pack: exactly the files its manifest lists, intact, readable, as it describes them.

What ``verify`` refuses (each a problem; the pack is sound only when there is none):

* an entry name that is unsafe to extract on some system (absolute, ``..``, backslash, drive letter or
  colon, control character), a symbolic link, two entries with one name (unzip tools differ on which
  one wins), an entry the manifest does not list (inside the pack folder or outside it);
* an encrypted entry, a compression method other than stored or deflate, corrupt data or a bad CRC;
* a manifest that is not a JSON object of the expected shape, or of an unknown ``manifest_version``;
* a listed file that is missing, larger than the manifest says (members are read in a stream and the
  read stops at the size the manifest gives, so a small zip holding a huge member cannot exhaust
  memory), or whose SHA-256 differs from the manifest's (in ``files`` and in its episode);
* an episode file that is not valid UTF-8 SRT/WebVTT, or whose cue count or duration differs from the
  manifest, or an episode whose SRT and WebVTT disagree in cue count.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import SublocError, UsageError
from ..formats import loads
from ..languages import is_language_tag
from ..visible import is_hidden, visible

MANIFEST_VERSION = 1
MANIFEST_LIMIT = 4 << 20  # bytes; a manifest of 500 episodes is about 400 KB
KINDS = ("srt", "vtt", "m3u8")
_CHUNK = 1 << 16
_HEX64 = re.compile(r"[0-9a-f]{64}")
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError)


def entry_name_problem(name: str) -> str | None:
    """Why a zip entry name would be unsafe to extract on some system, or None when it is safe."""
    if not name:
        return "an empty name"
    if any(is_hidden(ch) for ch in name):
        return "a control character in the name"
    if "\\" in name:
        return "a backslash (a folder separator on Windows): the path would leave the pack folder"
    if name.startswith("/"):
        return "an absolute path: it would leave the pack folder"
    parts = name.rstrip("/").split("/")
    if any(":" in part for part in parts):
        return "a colon (a drive letter or stream name on Windows): the path would leave the pack folder"
    if any(part in ("..", ".") for part in parts):
        return "a '..' or '.' component: the path would leave the pack folder"
    if "" in parts:
        return "an empty path component"
    return None


class _Unreadable(Exception):
    pass


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, read in a stream that stops past ``limit`` bytes."""
    if info.flag_bits & 0x1:
        raise _Unreadable("encrypted; a pack is never encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Unreadable(f"compression method {info.compress_type} (a pack uses deflate)")
    if info.file_size > limit:
        raise _Unreadable(f"{info.file_size} bytes, the manifest allows {limit}")
    chunks, total = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise _Unreadable(f"more than the {limit} bytes the manifest allows")
                chunks.append(chunk)
    except _READ_ERRORS as exc:
        raise _Unreadable(f"corrupt: {exc}") from None
    return b"".join(chunks)


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


def _describe(value: Any) -> str:
    return _kind(value) if isinstance(value, (dict, list)) else visible(json.dumps(value, ensure_ascii=False)[:60])


def _shape_problems(manifest: Any) -> list[str]:
    """What is wrong with the manifest's JSON types and nesting (empty when it has the expected shape)."""
    if not isinstance(manifest, dict):
        return [f"manifest.json holds {_kind(manifest)}, not an object"]
    version = manifest.get("manifest_version")
    if version != MANIFEST_VERSION or isinstance(version, bool):
        return [f"manifest.json: unknown manifest_version {json.dumps(version)} (this subloc reads version "
                f"{MANIFEST_VERSION}; verify it with the subloc that built it)"]
    problems = []

    def need(value: Any, types: type | tuple[type, ...], where: str, what: str) -> bool:
        if isinstance(value, types) and not isinstance(value, bool) and not (isinstance(value, int) and value < 0):
            return True
        problems.append(f"manifest.json: {where} must be {what}, not {_describe(value)}")
        return False

    for key in ("language", "source_language"):
        if not (isinstance(manifest.get(key), str) and is_language_tag(manifest[key])):
            problems.append(f"manifest.json: {key} must be a language tag, not {_describe(manifest.get(key))}")
    need(manifest.get("placement"), str, "placement", "a string")
    for key, fields in (("tool", ("name", "version")), ("series", ("slug", "title", "original_title"))):
        if need(manifest.get(key), dict, key, "an object"):
            for name in fields:
                need(manifest[key].get(name), str, f"{key}.{name}", "a string")
    if need(manifest.get("qa"), dict, "qa", "an object"):
        for name in ("errors", "warnings"):
            need(manifest["qa"].get(name), int, f"qa.{name}", "a whole number")
        if need(manifest["qa"].get("by_code"), dict, "qa.by_code", "an object"):
            for code, count in manifest["qa"]["by_code"].items():
                need(count, int, f"qa.by_code.{visible(code)}", "a whole number")
    if need(manifest.get("glossary"), dict, "glossary", "an object"):
        glossary = manifest["glossary"]
        hashes = [("glossary.sha256", glossary.get("sha256"))]
        if need(glossary.get("files"), list, "glossary.files", "an array"):
            for n, item in enumerate(glossary["files"]):
                if need(item, dict, f"glossary.files[{n}]", "an object"):
                    need(item.get("name"), str, f"glossary.files[{n}].name", "a string")
                    hashes.append((f"glossary.files[{n}].sha256", item.get("sha256")))
        for where, digest in hashes:
            if not _is_sha256(digest):
                problems.append(f"manifest.json: {where} must be a SHA-256 in hex")
    if manifest.get("tm") is not None and need(manifest["tm"], dict, "tm", "an object or null"):
        need(manifest["tm"].get("segments"), int, "tm.segments", "a whole number")
        if not _is_sha256(manifest["tm"].get("sha256")):
            problems.append("manifest.json: tm.sha256 must be a SHA-256 in hex")
    if "staleness_checked" in manifest and not isinstance(manifest["staleness_checked"], bool):
        problems.append(f"manifest.json: staleness_checked must be true/false, not "
                        f"{_describe(manifest['staleness_checked'])}")
    if "notes" in manifest and need(manifest["notes"], list, "notes", "an array of strings"):
        for n, note in enumerate(manifest["notes"]):
            need(note, str, f"notes[{n}]", "a string")
    files = manifest.get("files")
    if need(files, dict, "files", "an object of name: SHA-256"):
        for name, digest in files.items():
            if not _is_sha256(digest):
                problems.append(f"manifest.json: files[{visible(json.dumps(name))}] must be a SHA-256 in hex")
    episodes = manifest.get("episodes")
    if need(episodes, list, "episodes", "an array"):
        for n, episode in enumerate(episodes):
            where = f"episodes[{n}]"
            if not need(episode, dict, where, "an object"):
                continue
            need(episode.get("episode"), str, f"{where}.episode", "a string")
            need(episode.get("cues"), int, f"{where}.cues", "a whole number")
            need(episode.get("duration_ms"), int, f"{where}.duration_ms", "a whole number")
            if episode.get("position") != n + 1 or isinstance(episode.get("position"), bool):
                problems.append(f"manifest.json: {where}.position must be {n + 1}, not "
                                f"{_describe(episode.get('position'))}")
            source = episode.get("source_sha256")
            if source is not None and not _is_sha256(source):
                problems.append(f"manifest.json: {where}.source_sha256 must be a SHA-256 in hex or null")
            if need(episode.get("qa"), dict, f"{where}.qa", "an object"):
                for name in ("errors", "warnings"):
                    need(episode["qa"].get(name), int, f"{where}.qa.{name}", "a whole number")
            kinds = episode.get("files")
            if not need(kinds, dict, f"{where}.files", "an object"):
                continue
            for kind in ("srt", "vtt"):
                if kind not in kinds:
                    problems.append(f"manifest.json: {where}.files has no {kind}")
            for kind, info in kinds.items():
                at = f"{where}.files.{visible(kind)}"
                if kind not in KINDS:
                    problems.append(f"manifest.json: {at}: unknown kind (known: {', '.join(KINDS)})")
                elif need(info, dict, at, "an object"):
                    need(info.get("path"), str, f"{at}.path", "a string")
                    need(info.get("bytes"), int, f"{at}.bytes", "a whole number")
                    if not _is_sha256(info.get("sha256")):
                        problems.append(f"manifest.json: {at}.sha256 must be a SHA-256 in hex")
    return problems


def _entry_problems(infos: list[zipfile.ZipInfo]) -> list[str]:
    problems = []
    for name, count in sorted(Counter(i.filename for i in infos).items()):
        if count > 1:
            problems.append(f"{visible(name)}: {count} entries with this name (unzip tools differ on which one "
                            "wins); refusing it")
    for info in infos:
        reason = entry_name_problem(info.filename)
        if reason:
            problems.append(f"{visible(info.filename)}: unsafe entry name: {reason}; refusing it")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            problems.append(f"{visible(info.filename)}: is a symbolic link; refusing it")
    return problems


def verify(path: Path) -> tuple[list[str], dict[str, Any]]:
    """Problems of a pack (empty when it is sound) and its manifest.

    A file that is not a zip at all is a :class:`UsageError`; everything wrong inside a zip is a problem.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (*_READ_ERRORS, KeyError) as exc:
        raise UsageError(f"not a pack: {exc}", path=path, hint="pass a .zip built by `subloc pack`") from None
    with archive:
        infos = archive.infolist()
        problems = _entry_problems(infos)
        manifests = sorted({i.filename for i in infos
                            if i.filename.count("/") == 1 and i.filename.endswith("/manifest.json")})
        if len(manifests) != 1:
            return problems + [f"expected one <pack>/manifest.json, found {len(manifests)}"], {}
        root = manifests[0].split("/")[0]
        by_name = {i.filename: i for i in infos}
        try:
            manifest = json.loads(_read(archive, by_name[manifests[0]], MANIFEST_LIMIT))
        except _Unreadable as exc:
            return problems + [f"manifest.json: {exc}"], {}
        except RecursionError:
            return problems + ["manifest.json is nested too deeply to be a manifest"], {}
        except ValueError as exc:
            return problems + [f"manifest.json is not JSON: {exc}"], {}
        shape = _shape_problems(manifest)
        if shape:
            return problems + shape, manifest if isinstance(manifest, dict) else {}
        problems += _content_problems(archive, root, manifest, by_name)
    return problems, manifest


def _content_problems(archive: zipfile.ZipFile, root: str, manifest: dict[str, Any],
                      by_name: dict[str, zipfile.ZipInfo]) -> list[str]:
    problems: list[str] = []
    listed: dict[str, str] = manifest["files"]
    owner: dict[str, tuple[dict[str, Any], str]] = {}  # file name -> (its episode, its kind)
    for episode in manifest["episodes"]:
        for kind, info in episode["files"].items():
            name = info["path"]
            if name in owner:
                problems.append(f"{visible(name)}: listed by two episodes")
            owner[name] = (episode, kind)
            if name not in listed:
                problems.append(f"{visible(name)}: episode {visible(episode['episode'])} lists it, the manifest's "
                                "files do not")
            elif listed[name] != info["sha256"]:
                problems.append(f"{visible(name)}: the manifest gives two different SHA-256 (files and episode "
                                f"{visible(episode['episode'])})")
    expected = {f"{root}/manifest.json"} | {f"{root}/{name}" for name in listed}
    for name in sorted(set(by_name) - expected):
        where = "in the pack folder" if name.startswith(root + "/") else "outside the pack folder"
        problems.append(f"{visible(name)}: {where} but not in the manifest; refusing it")
    tracks: dict[str, Any] = {}
    for name, digest in sorted(listed.items()):
        reason = entry_name_problem(name)
        if reason:
            problems.append(f"{visible(name)}: manifest path would leave the pack folder ({reason}); refusing it")
            continue
        if name not in owner:
            problems.append(f"{visible(name)}: listed in the manifest's files but by no episode")
            continue
        episode, kind = owner[name]
        info = by_name.get(f"{root}/{name}")
        if info is None:
            problems.append(f"{visible(name)}: episode {visible(episode['episode'])} lists it but it is missing "
                            "from the zip")
            continue
        size = episode["files"][kind]["bytes"]
        try:
            data = _read(archive, info, size)
        except _Unreadable as exc:
            problems.append(f"{visible(name)}: {exc}")
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            problems.append(f"{visible(name)}: SHA-256 differs from the manifest")
        if len(data) != size:
            problems.append(f"{visible(name)}: {len(data)} bytes, the manifest says {size}")
        if kind not in ("srt", "vtt"):
            continue
        try:
            track = loads(data.decode("utf-8"), name)
        except (SublocError, UnicodeDecodeError) as exc:
            problems.append(f"{visible(name)}: unreadable: {visible(str(exc))}")
            continue
        tracks[name] = track
        if len(track.cues) != episode["cues"]:
            problems.append(f"{visible(name)}: {len(track.cues)} cues, the manifest says {episode['cues']}")
        if track.duration_ms != episode["duration_ms"]:
            problems.append(f"{visible(name)}: lasts {track.duration_ms} ms, the manifest says {episode['duration_ms']}")
    for episode in manifest["episodes"]:
        srt, vtt = (tracks.get(episode["files"].get(kind, {}).get("path", "")) for kind in ("srt", "vtt"))
        if srt is not None and vtt is not None and len(srt.cues) != len(vtt.cues):
            problems.append(f"episode {visible(episode['episode'])}: the SRT has {len(srt.cues)} cues, the WebVTT "
                            f"{len(vtt.cues)}")
    return problems


verify_pack = verify
