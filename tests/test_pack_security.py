"""Pack integrity against crafted zips: everything is a problem reported with exit 1, never exit 3.

Every hostile pack is built here from a real one: duplicates, extra entries, missing files, tampered
manifests, corrupt members, encryption and compression flags patched into the headers, a bomb member
written in a stream, unsafe names; plus packing a vendor's delivery without the Chinese source.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any, Callable

import pytest

from subloc.cli import cli
from subloc.packs import Packer, PackOptions, verify
from subloc.packs.verify import entry_name_problem

from .conftest import SAMPLES

SERIES = SAMPLES / "stand-in-bride"
ROOT = "stand-in-bride.th"


@pytest.fixture(scope="module")
def good_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    [result] = Packer(SERIES, PackOptions(languages=("th",), output_dir=out)).build()
    assert result.path is not None and verify(result.path)[0] == []
    return result.path


def _entries(pack: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(pack) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _write(path: Path, entries: list[tuple[str, bytes]], stored: tuple[str, ...] = ()) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we write on purpose
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return path


def _with_manifest(entries: list[tuple[str, bytes]], change: Callable[[dict[str, Any]], Any]) -> list[tuple[str, bytes]]:
    out = []
    for name, data in entries:
        if name == f"{ROOT}/manifest.json":
            manifest = json.loads(data)
            replaced = change(manifest)
            data = replaced if isinstance(replaced, bytes) else json.dumps(manifest, ensure_ascii=False).encode()
        out.append((name, data))
    return out


def _describe(manifest: dict[str, Any], name: str, data: bytes) -> None:
    """Make the manifest describe ``data`` as the contents of ``name`` (both checksums and the size)."""
    digest = hashlib.sha256(data).hexdigest()
    manifest["files"][name] = digest
    for episode in manifest["episodes"]:
        for info in episode["files"].values():
            if info["path"] == name:
                info["sha256"], info["bytes"] = digest, len(data)


def _problems(runner, path: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """The problems of a pack, checked through the CLI as well: exit 1, one line per problem, never exit 3."""
    problems, _ = verify(path)
    result = runner.invoke(cli, ["pack", "verify", str(path)])
    assert result.exit_code == 1, result.output
    assert all(f"{path}: {p}" in result.output for p in problems) and "internal error" not in result.output
    return problems


def test_duplicate_entry_names_are_refused(runner, good_pack: Path, tmp_path: Path) -> None:
    entries = _entries(good_pack)
    evil = (f"{ROOT}/ep01.th.srt", "1\n00:00:00,000 --> 00:00:02,000\nโฆษณาพนันออนไลน์ คลิกเลย!\n".encode())
    problems = _problems(runner, _write(tmp_path / "dup.zip", [*entries, evil]))
    assert any("ep01.th.srt: 2 entries with this name" in p for p in problems)


def test_entries_the_manifest_does_not_list_are_refused_inside_and_outside(runner, good_pack: Path,
                                                                           tmp_path: Path) -> None:
    extra = [(f"{ROOT}/ep07.th.srt", b"1\n00:00:00,000 --> 00:00:01,000\nhi\n"), ("autorun.inf", b"[autorun]\n"),
             (f"{ROOT}/", b"")]
    problems = _problems(runner, _write(tmp_path / "extra.zip", [*_entries(good_pack), *extra]))
    assert f"{ROOT}/ep07.th.srt: in the pack folder but not in the manifest; refusing it" in problems
    assert "autorun.inf: outside the pack folder but not in the manifest; refusing it" in problems
    assert f"{ROOT}/: in the pack folder but not in the manifest; refusing it" in problems


def test_a_listed_episode_whose_file_is_missing_is_refused(runner, good_pack: Path, tmp_path: Path) -> None:
    entries = [(n, d) for n, d in _entries(good_pack) if n != f"{ROOT}/ep03.th.vtt"]
    problems = _problems(runner, _write(tmp_path / "missing.zip", entries))
    assert problems == ["ep03.th.vtt: episode ep03 lists it but it is missing from the zip"]


def test_per_episode_checksums_are_verified(runner, good_pack: Path, tmp_path: Path) -> None:
    def tamper(manifest: dict[str, Any]) -> None:
        manifest["episodes"][1]["files"]["srt"]["sha256"] = "0" * 64
    problems = _problems(runner, _write(tmp_path / "sums.zip", _with_manifest(_entries(good_pack), tamper)))
    assert problems == ["ep02.th.srt: the manifest gives two different SHA-256 (files and episode ep02)"]


def test_srt_and_vtt_of_one_episode_must_agree_in_cue_count(runner, good_pack: Path, tmp_path: Path) -> None:
    entries = dict(_entries(good_pack))
    vtt = entries[f"{ROOT}/ep02.th.vtt"].decode()
    shorter = vtt[:vtt.rstrip("\n").rfind("\n\n") + 1].encode()  # the last cue dropped, consistently described
    entries[f"{ROOT}/ep02.th.vtt"] = shorter
    rebuilt = _with_manifest(list(entries.items()), lambda m: _describe(m, "ep02.th.vtt", shorter))
    problems = _problems(runner, _write(tmp_path / "cues.zip", rebuilt))
    srt_cues = json.loads(entries[f"{ROOT}/manifest.json"])["episodes"][1]["cues"]
    assert f"episode ep02: the SRT has {srt_cues} cues, the WebVTT {srt_cues - 1}" in problems


def test_unknown_manifest_version_is_refused(runner, good_pack: Path, tmp_path: Path) -> None:
    def bump(manifest: dict[str, Any]) -> None:
        manifest["manifest_version"] = 2
    problems = _problems(runner, _write(tmp_path / "v2.zip", _with_manifest(_entries(good_pack), bump)))
    assert len(problems) == 1 and "unknown manifest_version 2" in problems[0]


NESTED = b'{"manifest_version": 1, "files": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


@pytest.mark.parametrize("change, expected", [
    (lambda m: b"[1, 2, 3]", "manifest.json holds an array, not an object"),
    (lambda m: b'"manifest"', "manifest.json holds a string, not an object"),
    (lambda m: b"\xff\xfe{not json", "manifest.json is not JSON"),
    (lambda m: NESTED, "nested too deeply"),
    (lambda m: m.update(manifest_version=True), "unknown manifest_version true"),
    (lambda m: m.update(files=list(m["files"])), "files must be an object of name: SHA-256, not an array"),
    (lambda m: m.update(episodes={"ep01": m["episodes"][0]}), "episodes must be an array, not an object"),
    (lambda m: m["episodes"][0].update(cues="180"), 'episodes[0].cues must be a whole number, not "180"'),
    (lambda m: m["episodes"][0]["files"].update(srt=[["ep01.th.srt"]]), "episodes[0].files.srt must be an object"),
    (lambda m: m["episodes"][0]["files"]["vtt"].update(bytes=-1), "episodes[0].files.vtt.bytes must be a whole"),
    (lambda m: m["episodes"][0].pop("files"), "episodes[0].files must be an object, not null"),
    (lambda m: m["files"].update({"ep01.th.srt": {"sha256": "x"}}), 'files["ep01.th.srt"] must be a SHA-256'),
    (lambda m: m.update(tool="subloc 0.1"), 'tool must be an object, not "subloc 0.1"'),
    (lambda m: m["qa"].update(by_code={"L101": "3"}), 'qa.by_code.L101 must be a whole number, not "3"'),
    (lambda m: m["episodes"][1].update(position=7), "episodes[1].position must be 2, not 7"),
    (lambda m: m["episodes"][2].update(source_sha256=5), "episodes[2].source_sha256 must be a SHA-256 in hex or null"),
    (lambda m: m.update(notes=[{"text": "x"}]), "notes[0] must be a string, not an object"),
    (lambda m: m.update(staleness_checked="no"), 'staleness_checked must be true/false, not "no"'),
    (lambda m: m.update(language="th\u001b[2J"), 'language must be a language tag, not "th\\u001b[2J"'),
])
def test_a_manifest_of_the_wrong_type_or_nesting_is_a_problem(runner, good_pack: Path, tmp_path: Path,
                                                              change, expected) -> None:  # type: ignore[no-untyped-def]
    problems = _problems(runner, _write(tmp_path / "shape.zip", _with_manifest(_entries(good_pack), change)))
    assert any(expected in p for p in problems), problems


def _headers(data: bytes, name: str) -> tuple[int, int]:
    """Offsets of a member's local header and of its central directory record."""
    encoded = name.encode()
    local = central = -1
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == encoded:
            central = at
            local = struct.unpack_from("<I", data, at + 42)[0]
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert central >= 0
    return local, central


def _patched(source: Path, target: Path, name: str, local_field: int, central_field: int, fmt: str,
             value: Callable[[int], int]) -> Path:
    data = bytearray(source.read_bytes())
    local, central = _headers(bytes(data), name)
    for offset in (local + local_field, central + central_field):
        struct.pack_into(fmt, data, offset, value(struct.unpack_from(fmt, data, offset)[0]))
    target.write_bytes(bytes(data))
    return target


def test_encryption_flag_and_unknown_compression_are_problems(runner, good_pack: Path, tmp_path: Path) -> None:
    name = f"{ROOT}/ep04.th.srt"
    encrypted = _patched(good_pack, tmp_path / "enc.zip", name, 6, 8, "<H", lambda flags: flags | 0x1)
    assert _problems(runner, encrypted) == ["ep04.th.srt: encrypted; a pack is never encrypted"]
    method = _patched(good_pack, tmp_path / "method.zip", name, 8, 10, "<H", lambda _: 99)
    assert _problems(runner, method) == ["ep04.th.srt: compression method 99 (a pack uses deflate)"]
    manifest = _patched(good_pack, tmp_path / "menc.zip", f"{ROOT}/manifest.json", 6, 8, "<H", lambda f: f | 0x1)
    assert _problems(runner, manifest) == ["manifest.json: encrypted; a pack is never encrypted"]


def test_bad_crc_and_corrupt_data_are_problems(runner, good_pack: Path, tmp_path: Path) -> None:
    name = f"{ROOT}/ep05.th.srt"
    stored = _write(tmp_path / "stored.zip", _entries(good_pack), stored=(name,))
    data = bytearray(stored.read_bytes())
    text = dict(_entries(good_pack))[name]
    at = data.index(text)
    data[at + 40] ^= 0x01  # one bit of the stored text flipped: the CRC no longer matches
    (tmp_path / "crc.zip").write_bytes(bytes(data))
    problems = _problems(runner, tmp_path / "crc.zip")
    assert len(problems) == 1 and problems[0].startswith("ep05.th.srt: corrupt: Bad CRC-32")
    data = bytearray(good_pack.read_bytes())
    local, central = _headers(bytes(data), name)
    size, name_len, extra_len = (struct.unpack_from("<I", data, central + 20)[0],
                                 *struct.unpack_from("<HH", data, local + 26))
    start = local + 30 + name_len + extra_len
    data[start:start + size] = bytes([0xFF]) * size  # the deflate stream replaced by garbage
    (tmp_path / "garbage.zip").write_bytes(bytes(data))
    problems = _problems(runner, tmp_path / "garbage.zip")
    assert len(problems) == 1 and problems[0].startswith("ep05.th.srt: corrupt:")


def _bomb(good_pack: Path, target: Path, size: int) -> Path:
    """The pack with ep01.th.srt replaced by ``size`` bytes of blank lines, written in a stream."""
    with zipfile.ZipFile(good_pack) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED,
                                                            compresslevel=1) as new:
        for info in old.infolist():
            if info.filename != f"{ROOT}/ep01.th.srt":
                new.writestr(info.filename, old.read(info))
                continue
            with new.open(info.filename, "w", force_zip64=True) as stream:
                block = b"\n" * (1 << 20)
                for _ in range(size >> 20):
                    stream.write(block)
    return target


def test_a_bomb_member_is_not_read_past_the_size_the_manifest_gives(runner, good_pack: Path, tmp_path: Path) -> None:
    bomb = _bomb(good_pack, tmp_path / "bomb.zip", 24 << 20)
    assert bomb.stat().st_size < 1 << 20  # 24 MB of member in a zip of a few hundred KB
    tracemalloc.start()
    try:
        problems, _ = verify(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, peak  # reading the member whole would take 24 MB
    [problem] = problems
    assert problem.startswith(f"ep01.th.srt: {24 << 20} bytes, the manifest allows ")
    # A header that lies about the size: the stream still stops at the manifest's size (then the CRC fails).
    sizes = json.loads(dict(_entries(good_pack))[f"{ROOT}/manifest.json"])["episodes"][0]["files"]["srt"]["bytes"]
    liar = tmp_path / "liar.zip"
    shutil.copy(bomb, liar)
    data = bytearray(liar.read_bytes())
    local, central = _headers(bytes(data), f"{ROOT}/ep01.th.srt")
    struct.pack_into("<I", data, central + 24, sizes)  # the central directory's uncompressed size
    # zip64: the real sizes live in the extra fields; set the 8-byte uncompressed sizes there too.
    for base, name_at in ((central, central + 28), (local, local + 26)):
        name_len, extra_len = struct.unpack_from("<HH", data, name_at)
        extra = (central + 46 if base == central else local + 30) + name_len
        end = extra + extra_len
        while extra + 4 <= end:
            tag, length = struct.unpack_from("<HH", data, extra)
            if tag == 0x0001:
                struct.pack_into("<Q", data, extra + 4, sizes)
            extra += 4 + length
    liar.write_bytes(bytes(data))
    tracemalloc.start()
    try:
        problems = _problems(runner, liar)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, peak
    assert any(p.startswith("ep01.th.srt: corrupt:") or "SHA-256 differs" in p for p in problems), problems


def test_unsafe_entry_names() -> None:
    for bad, why in [("s.th/../../etc/passwd", "'..'"), ("/etc/passwd", "absolute"), ("s.th\\..\\x.srt", "backslash"),
                     ("C:/Windows/x.srt", "colon"), ("s.th/ep01\x1b[2J.srt", "control"), ("s.th//x.srt", "empty"),
                     ("s.th/ep\u202e01.srt", "control"), ("", "empty")]:
        assert why in (entry_name_problem(bad) or ""), bad
    assert entry_name_problem("stand-in-bride.th/ep01.th.srt") is None
    assert entry_name_problem("เจ้าสาวตัวแทน.th/ตอนที่01.th.vtt") is None


def _series_with(tmp_path: Path, names: list[str]) -> Path:
    series = tmp_path / "series"
    series.mkdir()
    for n, name in enumerate(names, 1):
        shutil.copy(SERIES / "srt" / f"ep0{n}.zh-Hans.srt", series / f"{name}.zh-Hans.srt")
        shutil.copy(SERIES / "reference" / f"ep0{n}.th.srt", series / f"{name}.th.srt")
    return series


def test_pack_refuses_file_names_that_would_be_unsafe_entry_names(runner, tmp_path: Path) -> None:
    series = _series_with(tmp_path, ["ep01", "ep\\02", "ep\x1b[2J03", "C:ep04"])
    result = runner.invoke(cli, ["pack", str(series), "--lang", "th", "-o", str(tmp_path / "dist")])
    assert result.exit_code == 1 and "REFUSED" in result.stderr
    assert "ep\\02: the file name" in result.stderr and "backslash" in result.stderr
    assert "ep\\x1b[2J03: the file name" in result.stderr and "control character" in result.stderr
    assert "C:ep04: the file name" in result.stderr and "colon" in result.stderr
    assert "\x1b" not in result.output + result.stderr  # shown escaped, never sent to the terminal
    assert not (tmp_path / "dist").exists()
    bad_lang = runner.invoke(cli, ["pack", str(series), "--lang", "th/../../x", "-o", str(tmp_path / "dist")])
    assert bad_lang.exit_code == 2 and "unknown language 'th/../../x'" in bad_lang.stderr


def test_a_vendor_delivery_without_the_source_is_packed_and_says_staleness_was_not_checked(
        runner, tmp_path: Path) -> None:
    delivery = tmp_path / "vendor-delivery"
    delivery.mkdir()
    for path in (SERIES / "reference").glob("ep0*.th.srt"):
        shutil.copy(path, delivery / path.name)
    result = runner.invoke(cli, ["pack", str(delivery), "--lang", "th", "-o", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    assert "th: note: staleness not checked: no zh-Hans source" in result.stderr
    pack = tmp_path / "dist" / "vendor-delivery.th.zip"
    with zipfile.ZipFile(pack) as archive:
        manifest = json.loads(archive.read("vendor-delivery.th/manifest.json"))
    assert manifest["staleness_checked"] is False and "staleness not checked" in manifest["notes"][0]
    assert [e["episode"] for e in manifest["episodes"]] == [f"ep0{i}" for i in range(1, 7)]
    assert all(e["source_sha256"] is None for e in manifest["episodes"])
    assert runner.invoke(cli, ["pack", "verify", str(pack)]).exit_code == 0
    as_json = runner.invoke(cli, ["pack", str(delivery), "--lang", "th", "-o", str(tmp_path / "d2"), "--json"])
    [entry] = json.loads(as_json.stdout)
    assert entry["notes"] and {e["state"] for e in entry["episodes"]} == {"unchecked"}
    empty = tmp_path / "english-only"
    empty.mkdir()
    shutil.copy(SERIES / "en" / "ep01.en.srt", empty / "ep01.en.srt")
    nothing = runner.invoke(cli, ["pack", str(empty), "--lang", "th", "-o", str(tmp_path / "d3")])
    assert nothing.exit_code == 2 and "no zh-Hans source episodes and no translations" in nothing.stderr


def test_a_file_that_is_not_a_zip_is_an_input_error(runner, tmp_path: Path) -> None:
    fake = tmp_path / "pack.zip"
    fake.write_bytes(b"PK\x05\x06" + b"\x00" * 10)
    result = runner.invoke(cli, ["pack", "verify", str(fake)])
    assert result.exit_code == 2 and "not a pack" in result.stderr


def test_pack_refuses_a_series_folder_name_that_would_be_unsafe(runner, tmp_path: Path) -> None:
    series = tmp_path / "bride\x07\x1b[31m"
    series.mkdir()
    shutil.copy(SERIES / "srt" / "ep01.zh-Hans.srt", series / "ep01.zh-Hans.srt")
    shutil.copy(SERIES / "reference" / "ep01.th.srt", series / "ep01.th.srt")
    result = runner.invoke(cli, ["pack", str(series), "--lang", "th", "-o", str(tmp_path / "dist")])
    assert result.exit_code == 1 and "the folder name 'bride\\x07\\x1b[31m' would make an unsafe entry" in result.stderr
    assert "\x1b" not in result.stderr and not (tmp_path / "dist").exists()
