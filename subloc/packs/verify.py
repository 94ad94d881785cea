"""Verifying a language pack: every file listed, intact, readable and as the manifest describes it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from ..errors import SublocError, UsageError
from ..formats import loads
from ..provenance import sha256_hex


def _unsafe(name: str) -> bool:
    return (name.startswith(("/", "\\")) or "\\" in name or ":" in name.split("/", 1)[0]
            or any(part == ".." for part in name.split("/")))


def verify(path: Path) -> tuple[list[str], dict[str, Any]]:
    """Problems of a pack (empty when it is sound) and its manifest."""
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"not a pack: {exc}", hint="pass a .zip built by `subloc pack`") from None
    with archive:
        infos = archive.infolist()
        for info in infos:
            if _unsafe(info.filename):
                problems.append(f"{info.filename}: path would leave the pack folder; refusing it")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                problems.append(f"{info.filename}: is a symbolic link; refusing it")
        manifests = [i.filename for i in infos if i.filename.count("/") == 1 and i.filename.endswith("/manifest.json")]
        if len(manifests) != 1:
            return problems + [f"expected one <pack>/manifest.json, found {len(manifests)}"], {}
        root = manifests[0].split("/")[0]
        try:
            manifest = json.loads(archive.read(manifests[0]))
        except ValueError as exc:
            return problems + [f"manifest.json is not JSON: {exc}"], {}
        listed = manifest.get("files", {})
        present = {i.filename.split("/", 1)[1] for i in infos
                   if i.filename.startswith(root + "/") and not i.filename.endswith("/")} - {"manifest.json"}
        for name in sorted(present - set(listed)):
            problems.append(f"{name}: in the zip but not in the manifest")
        for name, digest in sorted(listed.items()):
            if _unsafe(name):
                problems.append(f"{name}: manifest path would leave the pack folder; refusing it")
                continue
            if name not in present:
                problems.append(f"{name}: listed in the manifest but missing from the zip")
                continue
            data = archive.read(f"{root}/{name}")
            if sha256_hex(data) != digest:
                problems.append(f"{name}: SHA-256 differs from the manifest")
        for episode in manifest.get("episodes", []):
            for kind, info in episode.get("files", {}).items():
                name = info.get("path", "")
                if name not in present or kind not in ("srt", "vtt"):
                    continue
                data = archive.read(f"{root}/{name}")
                if len(data) != info.get("bytes"):
                    problems.append(f"{name}: {len(data)} bytes, the manifest says {info.get('bytes')}")
                try:
                    track = loads(data.decode("utf-8"), name)
                except (SublocError, UnicodeDecodeError) as exc:
                    problems.append(f"{name}: unreadable: {exc}")
                    continue
                if len(track.cues) != episode.get("cues"):
                    problems.append(f"{name}: {len(track.cues)} cues, the manifest says {episode.get('cues')}")
                if track.duration_ms != episode.get("duration_ms"):
                    problems.append(f"{name}: lasts {track.duration_ms} ms, the manifest says {episode.get('duration_ms')}")
    return problems, manifest
