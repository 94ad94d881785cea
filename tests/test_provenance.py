"""Provenance is written once per run, and two runs writing into one output folder keep each other's records."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import subloc.provenance as provenance
from subloc.formats import loads
from subloc.provenance import PROVENANCE, ProvenanceLog, read_provenance
from subloc.translate import TranslateOptions, Translator

SOURCE = "1\n00:00:01,000 --> 00:00:02,500\n你说什么？\n\n2\n00:00:03,000 --> 00:00:04,500\n我不嫁\n"


def _sources(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for n in range(1, count + 1):
        path = folder / f"ep{n:02d}.zh-Hans.srt"
        path.write_text(SOURCE, "utf-8")
        paths.append(path)
    return paths


def test_a_run_writes_its_provenance_once(tmp_path: Path, monkeypatch) -> None:
    writes: list[Path] = []
    real = provenance.atomic_write
    monkeypatch.setattr(provenance, "atomic_write", lambda path, data, **kw: (writes.append(path), real(path, data, **kw)))
    sources = _sources(tmp_path / "srt", 4)
    options = TranslateOptions(targets=("th", "vi"), output_dir=tmp_path / "out", backend="pseudo",
                               tm_path=tmp_path / "tm.sqlite")
    report = Translator(sources, options).run()
    assert report.incomplete == 0
    assert writes == [tmp_path / "out" / PROVENANCE]  # 8 episodes written, one provenance write
    records = read_provenance(tmp_path / "out")
    assert sorted(records) == sorted(f"ep{n:02d}.{lang}.srt" for n in range(1, 5) for lang in ("th", "vi"))
    assert records["ep03.vi.srt"]["source"] == str(sources[2].resolve())


def test_two_runs_into_one_folder_keep_each_others_records(tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = loads(SOURCE, str(tmp_path / "ep01.zh-Hans.srt"))
    (tmp_path / "ep01.zh-Hans.srt").write_text(SOURCE, "utf-8")
    logs = [ProvenanceLog() for _ in range(8)]
    for n, log in enumerate(logs):  # eight runs, each with its own episodes, all finishing at once
        for m in range(5):
            log.note(out / f"ep{n}{m}.th.srt", source, "th", f"run{n}", "tm.sqlite")
    barrier = threading.Barrier(len(logs))

    def finish(log: ProvenanceLog) -> None:
        barrier.wait()
        log.flush()

    threads = [threading.Thread(target=finish, args=(log,)) for log in logs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    records = read_provenance(out)
    assert len(records) == 40 and {r["backend"] for r in records.values()} == {f"run{n}" for n in range(8)}
    json.loads((out / PROVENANCE).read_text("utf-8"))  # whole, valid JSON


def test_a_damaged_record_is_replaced_not_fatal(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / PROVENANCE).parent.mkdir(parents=True)
    (out / PROVENANCE).write_text('["not", "an object"]', "utf-8")
    assert read_provenance(out) == {}
    (tmp_path / "ep01.zh-Hans.srt").write_text(SOURCE, "utf-8")
    log = ProvenanceLog()
    log.note(out / "ep01.th.srt", loads(SOURCE, str(tmp_path / "ep01.zh-Hans.srt")), "th", "pseudo", "tm.sqlite")
    log.flush()
    assert list(read_provenance(out)) == ["ep01.th.srt"]
