"""Language packs: deterministic zips with manifests; missing, stale and failing episodes; verify."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path


from subloc import load
from subloc.backends import BackendOptions
from subloc.cli import cli
from subloc.packs import Packer, PackOptions, verify
from subloc.translate import TranslateOptions, Translator

from .conftest import SAMPLES
from .servers import OpenAIServer

SERIES = SAMPLES / "stand-in-bride"


def _pack(tmp_path: Path, langs=("th",), out="dist", **kw):  # type: ignore[no-untyped-def]
    options = PackOptions(languages=tuple(langs), output_dir=tmp_path / out, **kw)
    return Packer(kw.pop("series", SERIES) if "series" in kw else SERIES, options).build()


def test_pack_contents_manifest_and_determinism(tmp_path: Path) -> None:
    [first] = _pack(tmp_path, out="a")
    [second] = _pack(tmp_path, out="b")
    assert first.path and second.path and first.refused == []
    assert first.path.read_bytes() == second.path.read_bytes()  # byte-identical from the same inputs
    archive = zipfile.ZipFile(first.path)
    names = archive.namelist()
    assert names[0] == "stand-in-bride.th/manifest.json"
    assert {n.split("/")[1] for n in names} >= {f"ep0{i}.th.{ext}" for i in range(1, 7) for ext in ("srt", "vtt")}
    manifest = json.loads(archive.read(names[0]))
    assert manifest["language"] == "th" and manifest["source_language"] == "zh-Hans"
    assert manifest["series"]["title"] == "The CEO's Stand-in Bride"
    assert [e["episode"] for e in manifest["episodes"]] == [f"ep0{i}" for i in range(1, 7)]
    first_episode = manifest["episodes"][0]
    reference = load(SERIES / "reference" / "ep01.th.srt")
    assert (first_episode["cues"], first_episode["duration_ms"]) == (len(reference.cues), reference.duration_ms)
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(archive.read(f"stand-in-bride.th/{name}")).hexdigest() == digest
    assert manifest["qa"]["errors"] == 0 and manifest["tool"]["name"] == "subloc"
    assert {f["name"] for f in manifest["glossary"]["files"]} == {"th.tsv", "glossary.th.tsv", "series.toml"}
    vtt = archive.read("stand-in-bride.th/ep01.th.vtt").decode()
    assert "line:65%,end position:50%,center size:72% align:center" in vtt and "line:12%" in vtt
    assert "Language: th" in vtt
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


def test_missing_episode_and_qa_errors_refuse_a_language(tmp_path: Path) -> None:
    translations = tmp_path / "tr"
    translations.mkdir()
    for path in (SERIES / "reference").glob("ep0[1-5].vi.srt"):
        shutil.copy(path, translations / path.name)
    [result] = _pack(tmp_path, langs=("vi",), translations=(translations,))
    assert result.path is None and any(r.startswith("ep06: no vi translation") for r in result.refused)
    shutil.copy(SERIES / "reference" / "ep06.vi.srt", translations / "ep06.vi.srt")
    broken = translations / "ep02.vi.srt"
    broken.write_text(broken.read_text("utf-8").replace("00:00:02,", "00:00:12,", 1), "utf-8")
    [result] = _pack(tmp_path, langs=("vi",), translations=(translations,))
    assert result.path is None and result.refused[0].startswith("ep02:") and "QA error" in result.refused[0]
    [allowed] = _pack(tmp_path, langs=("vi",), translations=(translations,), allow_errors=True)
    assert allowed.path is not None and allowed.qa["errors"] > 0


def _copy_series(tmp_path: Path) -> Path:
    series = tmp_path / "series"
    (series / "srt").mkdir(parents=True)
    for name in ["series.toml", *[p.name for p in SERIES.glob("glossary.*.tsv")]]:
        shutil.copy(SERIES / name, series / name)
    for path in (SERIES / "srt").glob("*.srt"):
        shutil.copy(path, series / "srt" / path.name)
    return series


def _change_one_cue(path: Path) -> None:
    from dataclasses import replace

    from subloc import save
    track = load(path)
    cues = list(track.cues)
    cues[5] = replace(cues[5], text=cues[5].text + "吧")
    save(track.with_cues(cues), path, overwrite_source=True)


def test_stale_episode_is_translated_again_with_only_its_changed_cues(tmp_path: Path) -> None:
    series = _copy_series(tmp_path)
    server = OpenAIServer()
    try:
        out = series / "out"
        options = TranslateOptions(targets=("id",), output_dir=out, backend="openai",
                                   backend_options=BackendOptions(base_url=server.url), tm_path=series / "tm.sqlite")
        Translator(sorted((series / "srt").glob("*.srt")), options).run()
        sent = len(server.log.requests)
        _change_one_cue(series / "srt" / "ep03.zh-Hans.srt")
        # The recorded backend and endpoint are used again; the TM answers for every unchanged cue. (The
        # test server cannot translate the new line, hence QA errors are allowed here.)
        [result] = Packer(series, PackOptions(languages=("id",), output_dir=tmp_path / "dist",
                                              translations=(out,), allow_errors=True)).build()
    finally:
        server.close()
    assert result.retranslated == ["ep03"] and result.path is not None
    # (re-asks - a glossary term missed, a reply over its character budget - ask the same lines again)
    resent = [s["text"] for e in server.log.requests[sent:] if "required_terms" not in e["user"]
              for s in e["user"]["segments"] if "too_long" not in s]
    # Only the changed cue went to the backend, and its short neighbours, which now meet a new context
    # (story mode re-translates lines of at most 12 characters in each new context; longer ones are reused).
    changed = [t for t in resent if t.endswith("吧")]
    assert len(changed) == 1 and len(resent) <= 3
    before = load(tmp_path / "series" / "srt" / "ep03.zh-Hans.srt")
    texts = [c.text.replace("\n", "") for c in before.cues]
    where = next(i for i, t in enumerate(texts) if t.endswith("吧"))
    assert all(t in texts[where - 1:where + 2] and len(t) <= 12 for t in resent if t not in changed)


def test_stale_episode_is_named_when_it_cannot_be_refreshed(tmp_path: Path) -> None:
    series = _copy_series(tmp_path)
    out = series / "out"
    tm = series / "tm.sqlite"
    from subloc.tm import TranslationMemory, import_tmx
    with TranslationMemory(tm) as memory:
        memory.add_many(import_tmx((SERIES / "reference.tmx").read_text("utf-8"), "ref"))
    Translator(sorted((series / "srt").glob("*.srt")),
               TranslateOptions(targets=("th",), output_dir=out, backend="tm", tm_path=tm)).run()
    _change_one_cue(series / "srt" / "ep02.zh-Hans.srt")
    [result] = Packer(series, PackOptions(languages=("th",), output_dir=tmp_path / "dist",
                                          translations=(out,))).build()
    assert result.path is None
    assert any(r.startswith("ep02:") and "stale" in r for r in result.refused)
    [unchanged] = Packer(series, PackOptions(languages=("th",), output_dir=tmp_path / "dist", translations=(out,),
                                             update=False)).build()
    assert unchanged.path is None and "stale" in unchanged.refused[0]


def test_hls_playlists(tmp_path: Path) -> None:
    [result] = _pack(tmp_path, hls=True, hls_mpegts=900000)
    archive = zipfile.ZipFile(result.path)
    playlist = archive.read("stand-in-bride.th/ep01.th.m3u8").decode()
    duration = load(SERIES / "reference" / "ep01.th.srt").duration_ms
    assert playlist.startswith("#EXTM3U") and f"#EXTINF:{duration / 1000:.3f}," in playlist
    assert "ep01.th.vtt" in playlist and playlist.rstrip().endswith("#EXT-X-ENDLIST")
    assert "X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000" in archive.read("stand-in-bride.th/ep01.th.vtt").decode()


def _rezip(source: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
        extra = change("__extra__", b"")
        if extra:
            new.writestr(*extra)


def test_verify_catches_tampering_and_zip_slip(runner, tmp_path: Path) -> None:
    [result] = _pack(tmp_path)
    good = runner.invoke(cli, ["pack", "verify", str(result.path)])
    assert good.exit_code == 0 and "ok (" in good.output
    tampered = tmp_path / "tampered.zip"
    _rezip(result.path, tampered, lambda n, d: d.replace("ประธาน".encode(), "ประธาม".encode())
           if n.endswith("ep01.th.srt") else (None if n == "__extra__" else d))
    problems, _ = verify(tampered)
    assert any("ep01.th.srt: SHA-256 differs" in p for p in problems)
    slip = tmp_path / "slip.zip"
    _rezip(result.path, slip, lambda n, d: ("stand-in-bride.th/../../evil.srt", b"x") if n == "__extra__" else d)
    out = runner.invoke(cli, ["pack", "verify", str(slip)])
    assert out.exit_code == 1 and "would leave the pack folder" in out.output
    counted = tmp_path / "counted.zip"

    def wrong_count(name: str, data: bytes):  # type: ignore[no-untyped-def]
        if name.endswith("manifest.json"):
            manifest = json.loads(data)
            manifest["episodes"][0]["cues"] += 1
            return json.dumps(manifest).encode()
        return None if name == "__extra__" else data
    _rezip(result.path, counted, wrong_count)
    assert any("cues, the manifest says" in p for p in verify(counted)[0])


def test_pack_cli(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["pack", str(SERIES), "--lang", "th,ms", "-o", str(tmp_path / "dist"),
                                 "--translations", str(SERIES / "reference")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "dist" / "stand-in-bride.th.zip").exists() and (tmp_path / "dist" / "stand-in-bride.ms.zip").exists()
    missing = runner.invoke(cli, ["pack", str(SERIES), "--lang", "th", "-o", str(tmp_path / "x"),
                                  "--translations", str(SERIES / "en")])
    assert missing.exit_code == 1 and "REFUSED" in missing.stderr
    assert runner.invoke(cli, ["pack", "verify", str(tmp_path / "dist" / "stand-in-bride.th.zip")]).exit_code == 0
