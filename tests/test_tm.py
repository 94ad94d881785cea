"""The translation memory on both stores: approval rules, migrations, foreign and damaged files, read-only
files, TMX in any declared encoding, export/import round trips, copying, claims."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from subloc.cli import cli
from subloc.errors import TranslationMemoryError
from subloc.tm import SCHEMA_VERSION, TMEntry, import_tmx, open_tm, redact_url

# The exact schema the first release (schema version 1) created.
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE segments (
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
CREATE INDEX segments_lookup ON segments (source_lang, target_lang, source);
INSERT INTO meta VALUES ('schema', '1');
"""


def files_of(path: Path) -> dict[str, bytes]:
    """Every file of a TM and its companions (-wal, -shm, -journal), byte for byte."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


# --- approval, provenance, one write path ----------------------------------------------------------

def test_an_approval_holds_only_for_the_target_it_approved(tm_spec: str) -> None:
    with open_tm(tm_spec) as tm:
        tm.add("我不嫁！", "zh-Hans", "th", "ฉันไม่แต่ง!", "human", approved=True, approved_by="nok",
               created="2026-03-01T09:00:00Z")
        # Machine output under the same key never overwrites what a person approved ...
        tm.add("我不嫁！", "zh-Hans", "th", "ฉันจะไม่แต่งงาน", "human")
        entry = tm.lookup("我不嫁！", "zh-Hans", "th")
        assert (entry.target, entry.approved, entry.approved_by) == ("ฉันไม่แต่ง!", True, "nok")
        # ... nor wins over it from another backend, whatever its age.
        tm.add("我不嫁！", "zh-Hans", "th", "ฉันไม่แต่งงานหรอก", "openai", created="2026-11-01T00:00:00Z")
        assert tm.lookup("我不嫁！", "zh-Hans", "th").target == "ฉันไม่แต่ง!"
        # A new approval of another target replaces it, and says who gave it and when.
        tm.add_many([TMEntry("我不嫁！", "zh-Hans", "th", "ไม่แต่ง!", "human", "2026-04-02T10:00:00Z", True,
                             approved_by="ploy", approved_at="2026-04-02T10:00:00Z")])
        entry = tm.lookup("我不嫁！", "zh-Hans", "th")
        assert (entry.target, entry.approved_by, entry.approved_at) == ("ไม่แต่ง!", "ploy", "2026-04-02T10:00:00Z")
        # Unapproved entries still replace each other (a newer machine translation of the same backend).
        tm.add("少爷，你说什么？", "zh-Hans", "vi", "Thiếu gia, cậu nói gì?", "google")
        tm.add("少爷，你说什么？", "zh-Hans", "vi", "Thiếu gia, cậu nói gì vậy?", "google")
        assert tm.lookup("少爷，你说什么？", "zh-Hans", "vi").target == "Thiếu gia, cậu nói gì vậy?"
        pairs = {(p["target_lang"]): p for p in tm.stats()["pairs"]}
        assert pairs["th"]["segments"] == 2 and pairs["th"]["approved"] == 1 and pairs["vi"]["segments"] == 1


def test_add_and_add_many_take_one_path(tm_spec: str) -> None:
    rows = [("顾总，您回来了。", "Pak Gu, Anda sudah kembali.", False),
            ("顾总，您回来了。", "Pak Gu, sudah pulang?", True)]
    with open_tm(tm_spec) as one:
        for source, target, approved in rows:
            one.add(source, "zh-Hans", "id", target, "human", approved=approved, approved_by="sari" if approved else "",
                    created="2026-05-05T05:05:05Z")
        via_add = list(one.entries())
    with open_tm(tm_spec) as again:
        again.add_many([TMEntry(s, "zh-Hans", "id", t, "human", "2026-05-05T05:05:05Z", a, approved_by="sari" if a
                                else "", approved_at="2026-05-05T05:05:05Z" if a else "") for s, t, a in rows])
        assert list(again.entries()) == via_add
        assert [(e.target, e.approved) for e in via_add] == [("Pak Gu, sudah pulang?", True)]


def test_in_context_entries_are_kept_apart(tm_spec: str) -> None:
    with open_tm(tm_spec) as tm:
        tm.add("走吧。", "zh-Hans", "ms", "Jom pergi.", "openai")
        tm.add("走吧。", "zh-Hans", "ms", "Pergilah.", "openai", context_key="ep03#12")
        assert tm.lookup("走吧。", "zh-Hans", "ms").target == "Jom pergi."
        assert tm.lookup("走吧。", "zh-Hans", "ms", context_key="ep03#12").target == "Pergilah."
        assert tm.lookup("走吧。", "zh-Hans", "ms", context_key="ep09#1").target == "Jom pergi."
        assert tm.stats()["segments"] == 2


# --- schema versions -------------------------------------------------------------------------------

def test_a_version_1_file_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.execute("INSERT INTO segments (source, source_lang, target_lang, target, backend, created, approved) VALUES "
               "('你敢！', 'zh-Hans', 'th', 'กล้าดียังไง!', 'human', '2026-01-01T00:00:00Z', 1), "
               "('你敢！', 'zh-Hans', 'th', 'คุณกล้า!', 'google', '2026-01-02T00:00:00Z', 0)")
    db.commit()
    db.close()
    with open_tm(path) as tm:
        assert tm.schema_version() == SCHEMA_VERSION == 2
        best = tm.lookup("你敢！", "zh-Hans", "th")
        assert (best.target, best.approved_by, best.approved_at) == ("กล้าดียังไง!", "unknown", "2026-01-01T00:00:00Z")
        tm.add("你敢！", "zh-Hans", "th", "กล้าเหรอ", "google", context_key="ep01#5")  # the new unique key works
        assert tm.stats()["segments"] == 3
        assert tm.claim(["你敢！"], "zh-Hans", "th", 5) == ["你敢！"]  # the claims table exists
    with open_tm(path) as tm:  # already current: opening again changes nothing
        assert tm.schema_version() == 2 and tm.stats()["segments"] == 3


def test_a_version_1_database_is_migrated_on_open(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in V1_SCHEMA.replace("id INTEGER PRIMARY KEY", "id BIGSERIAL PRIMARY KEY").split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO segments (source, source_lang, target_lang, target, backend, created, approved) "
                     "VALUES ('少爷！', 'zh-Hans', 'vi', 'Thiếu gia!', 'human', '2026-02-02T00:00:00Z', 1)")
    with open_tm(pg_url) as tm:
        assert tm.schema_version() == 2
        tm.add("少爷！", "zh-Hans", "vi", "Cậu chủ!", "human", context_key="ep02#7")
        entry = tm.lookup("少爷！", "zh-Hans", "vi")
        assert (entry.target, entry.approved_by) == ("Thiếu gia!", "unknown")
        tm.add("少爷！", "zh-Hans", "vi", "Cậu ấm!", "human")  # not approved: the approved entry stays
        assert tm.lookup("少爷！", "zh-Hans", "vi").target == "Thiếu gia!"


def test_a_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    with open_tm(path) as tm:
        tm.add("你好", "zh-Hans", "th", "สวัสดี", "google")
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '7' WHERE key = 'schema'")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(TranslationMemoryError, match="schema version 7"):
        open_tm(path)
    assert path.read_bytes() == before


# --- files that are not a TM, damaged, read-only, or absent ----------------------------------------

@pytest.mark.parametrize("kind", ["random bytes", "another schema"])
def test_a_file_that_is_not_a_tm_is_refused_unmodified(tmp_path: Path, runner, kind: str) -> None:
    path = tmp_path / "notes.db"
    if kind == "random bytes":
        path.write_bytes(os.urandom(8192))
    else:  # an application's own database, in the default rollback-journal mode
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        db.execute("INSERT INTO contacts VALUES ('Somchai', '+66 81 234 5678')")
        db.commit()
        db.close()
    before = files_of(path)
    with pytest.raises(TranslationMemoryError, match="not a subloc translation memory"):
        open_tm(path)
    for args in (["tm", "stats"], ["tm", "import", str(Path(__file__).parent.parent / "samples" / "stand-in-bride" /
                                                         "reference.tmx")], ["tm", "export"]):
        result = runner.invoke(cli, [*args, "--tm", str(path)])
        assert result.exit_code == 2 and "not a subloc translation memory" in result.stderr, result.output
        assert "Traceback" not in result.output
    assert files_of(path) == before  # same bytes, and no -wal or -shm appeared


def _filled(path: Path, count: int) -> None:
    with open_tm(path) as tm:
        tm.add_many([TMEntry(f"第{i}集：少爷，你说什么？", "zh-Hans", "th", f"ตอนที่ {i}: คุณชาย พูดอะไรนะ?", "google",
                             "2026-06-01T00:00:00Z") for i in range(count)])
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_a_damaged_tm_is_a_clear_error(tmp_path: Path, runner) -> None:
    path = tmp_path / "tm.sqlite"
    _filled(path, 3000)
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, page):  # every page but the first (the schema) and the last
        data[start:start + page] = bytes((start // page + i) % 251 for i in range(page))
    path.write_bytes(bytes(data))
    for args in (["tm", "stats"], ["tm", "export"]):
        result = runner.invoke(cli, [*args, "--tm", str(path)])
        assert result.exit_code == 2, result.output
        assert "malformed" in result.stderr and "restore it from a copy" in result.stderr
        assert "Traceback" not in result.output


def test_a_full_disk_is_a_clear_error(tmp_path: Path) -> None:
    with open_tm(tmp_path / "tm.sqlite") as tm:
        tm._db.execute("PRAGMA max_page_count = 30")  # SQLite then fails exactly as on a full disk (SQLITE_FULL)
        with pytest.raises(TranslationMemoryError, match="full") as caught:
            tm.add_many([TMEntry(f"她到底是谁？{i}" * 5, "zh-Hans", "id", f"Sebenarnya dia siapa? {i}", "google",
                                 "2026-06-01T00:00:00Z") for i in range(5000)])
        assert "free space" in str(caught.value)


def test_tm_stats_without_a_tm_creates_nothing(tmp_path: Path, runner, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["tm", "stats"])
    assert result.exit_code == 2 and "no translation memory here" in result.stderr
    result = runner.invoke(cli, ["tm", "export", "--tm", "elsewhere/tm.sqlite"])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def _as_other_user(work) -> dict:  # type: ignore[no-untyped-def]
    """Run ``work()`` as a user that cannot write the TM: in a forked child as ``postgres`` when we are root
    (root writes anything), else here. Its JSON-able result."""
    if os.geteuid() != 0:
        return work()
    import pwd
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root without a 'postgres' user to read the TM as")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, do the work, report, exit without running pytest's teardown
        code = 0
        try:
            os.close(read)
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            payload = json.dumps(work()).encode("utf-8")
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            payload, code = json.dumps({"error": repr(exc)}).encode("utf-8"), 1
        os.write(write, payload)
        os._exit(code)
    os.close(write)
    import select
    import signal
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # a child stuck on a lock another thread held at fork() is killed
        if select.select([read], [], [], 1)[0]:
            chunk = os.read(read, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    else:
        os.kill(pid, signal.SIGKILL)
    os.close(read)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b'{"error": "the child did not finish"}')


@pytest.fixture
def open_tmp_path():  # type: ignore[no-untyped-def]
    """A temporary folder other users can reach (pytest's own is private to us)."""
    import shutil
    import tempfile
    folder = Path(tempfile.mkdtemp(prefix="subloc-ro-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_read_only_tm_can_be_read(open_tmp_path: Path, runner) -> None:
    from .conftest import SAMPLES
    series = SAMPLES / "stand-in-bride"
    tmp_path = open_tmp_path
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "tm.sqlite"
    with open_tm(path) as tm:
        tm.add_many(e for e in import_tmx((series / "reference.tmx").read_bytes(), "ref") if e.target_lang == "th")
    out = tmp_path / "out"
    out.mkdir()
    # Warm up as ourselves (imports happen now, where every file is readable), then read as someone else.
    assert runner.invoke(cli, ["tm", "stats", "--tm", str(path)]).exit_code == 0
    assert runner.invoke(cli, ["translate", str(series / "srt" / "ep01.zh-Hans.srt"), "--to", "th", "--backend", "tm",
                               "--tm", str(path), "-o", str(tmp_path / "warm"), "--quiet"]).exit_code == 0
    path.chmod(0o444)
    folder.chmod(0o555)
    os.chmod(out, 0o777)
    before = files_of(path)

    def work() -> dict:
        stats = runner.invoke(cli, ["tm", "stats", "--tm", str(path), "--json"])
        export = runner.invoke(cli, ["tm", "export", "--tm", str(path)])
        translate = runner.invoke(cli, ["translate", str(series / "srt" / "ep01.zh-Hans.srt"), "--to", "th",
                                        "--backend", "tm", "--tm", str(path), "-o", str(out), "--quiet"])
        add = runner.invoke(cli, ["tm", "import", str(series / "reference.tmx"), "--tm", str(path)])
        return {"stats": [stats.exit_code, stats.stdout + stats.stderr], "export": [export.exit_code, export.stdout],
                "translate": [translate.exit_code, translate.output], "add": [add.exit_code, add.stderr]}

    try:
        result = _as_other_user(work)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert "error" not in result, result
    assert result["stats"][0] == 0, result
    assert json.loads(result["stats"][1])["segments"] > 50
    assert result["export"][0] == 0 and result["export"][1].count("<tu ") == json.loads(result["stats"][1])["segments"]
    assert result["translate"][0] == 0, result["translate"][1]
    assert (out / "ep01.th.srt").exists()
    assert result["add"][0] == 2 and "read-only" in result["add"][1]
    assert files_of(path) == before


# --- TMX ------------------------------------------------------------------------------------------

TMX_BODY = """<tmx version="1.4">
  <header creationtool="CAT" creationtoolversion="9" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN"
          datatype="plaintext"/>
  <body>
    <tu creationdate="20260214T101500Z">
      <tuv xml:lang="zh-CN"><seg>你凭什么替她嫁？</seg></tuv>
      <tuv xml:lang="vi-VN"><seg>Cô lấy tư cách gì mà gả thay cô ấy?</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="zh-CN"><seg>苏家的人都到了。</seg></tuv>
      <tuv xml:lang="vi-VN"><seg>Người nhà họ Tô đến đủ cả rồi.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "gb18030"])
def test_tmx_in_its_declared_encoding(tmp_path: Path, runner, encoding: str) -> None:
    if encoding == "gb18030":  # GB18030 covers Vietnamese too; expat does not read it by itself
        data = f'<?xml version="1.0" encoding="GB18030"?>\n{TMX_BODY}'.encode("gb18030")
    elif encoding == "utf-16":  # what TMX recommends: UTF-16 with a byte-order mark
        data = f'<?xml version="1.0" encoding="UTF-16"?>\n{TMX_BODY}'.encode("utf-16")
    else:
        data = f'<?xml version="1.0" encoding="UTF-16BE"?>\n{TMX_BODY}'.encode("utf-16-be")
    (tmp_path / "vendor.tmx").write_bytes(data)
    tm = tmp_path / "tm.sqlite"
    result = runner.invoke(cli, ["tm", "import", str(tmp_path / "vendor.tmx"), "--tm", str(tm)])
    assert result.exit_code == 0, result.output
    with open_tm(tm) as memory:
        assert memory.lookup("你凭什么替她嫁？", "zh-Hans", "vi").target == "Cô lấy tư cách gì mà gả thay cô ấy?"
        assert memory.lookup("苏家的人都到了。", "zh-Hans", "vi").created != ""


def test_tmx_declared_latin1(tmp_path: Path) -> None:
    text = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<tmx version="1.4"><header srclang="zh-CN"/><body><tu>'
            '<tuv xml:lang="zh-CN"><seg>&#x6211;&#x8981;&#x4E00;&#x676F;&#x5496;&#x5561;&#x3002;</seg></tuv>'
            '<tuv xml:lang="ms"><seg>Saya nak secawan kopi di kafé.</seg></tuv></tu></body></tmx>')
    entries = import_tmx(text.encode("latin-1"), "latin.tmx")
    assert [(e.source, e.target) for e in entries] == [("我要一杯咖啡。", "Saya nak secawan kopi di kafé.")]


@pytest.mark.parametrize("declared", ["", '<?xml version="1.0" encoding="GB18030"?>\n'])
def test_tmx_with_invalid_bytes_is_a_clear_error(tmp_path: Path, runner, declared: str) -> None:
    good = (declared + TMX_BODY).encode("gb18030" if declared else "utf-8")
    bad = good.replace("苏家".encode("gb18030" if declared else "utf-8"), b"\xff\xfe\xff")
    (tmp_path / "bad.tmx").write_bytes(bad)
    result = runner.invoke(cli, ["tm", "import", str(tmp_path / "bad.tmx"), "--tm", str(tmp_path / "tm.sqlite")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    line = bad.count(b"\n", 0, bad.index(b"\xff")) + 1
    assert f"bad.tmx:{line}" in result.stderr and "encoding" in result.stderr
    assert not (tmp_path / "tm.sqlite").exists()  # nothing half-imported


def test_tmx_entity_tricks_are_refused(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            '<tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="zh-CN"><seg>&b;</seg></tuv>'
            '<tuv xml:lang="th"><seg>ฮ่า</seg></tuv></tu></body></tmx>')
    with pytest.raises(TranslationMemoryError, match="unsafe"):
        import_tmx(bomb.encode("utf-8"), "bomb.tmx")


def test_tmx_round_trip_is_lossless(tm_spec: str, tmp_path: Path, runner) -> None:
    entries = [
        TMEntry("少爷，你说什么？", "zh-Hans", "th", "คุณชาย พูดอะไรนะคะ?", "openai", "2026-07-01T08:00:00Z"),
        TMEntry("少爷，你说什么？", "zh-Hans", "vi", "Thiếu gia, cậu nói gì?", "human", "2026-07-02T08:00:00Z", True,
                "xưng hô: cậu", "linh", "2026-07-03T09:30:00Z"),
        TMEntry("他说：\"我不嫁\" & <走>", "zh-Hans", "id", "Dia bilang: \"Aku tidak mau menikah\" & <pergi>", "deepl",
                "2026-07-04T00:00:00Z", note="tab\there, line\nbreak"),
        TMEntry("两行\n字幕", "zh-Hans", "ms", "  Dua baris\r\nsari kata  ", "google", "2026-07-05T00:00:00Z"),
        TMEntry("好的 😂", "zh-Hans", "th", "โอเค 😂", "openai", "2026-07-06T00:00:00Z", context_key="ep07#3"),
        TMEntry("I can't go.", "en", "id", "Aku tidak bisa pergi.", "human", "2026-07-07T00:00:00Z", True,
                approved_by="Dewi Lestari", approved_at="2026-07-08T00:00:00Z"),
    ]
    with open_tm(tm_spec) as tm:
        tm.add_many(entries)
    exported = tmp_path / "all.tmx"
    result = runner.invoke(cli, ["tm", "export", "--tm", tm_spec, "-o", str(exported)])
    assert result.exit_code == 0, result.output
    assert sorted(import_tmx(exported.read_bytes(), "all.tmx"), key=repr) == sorted(entries, key=repr)
    result = runner.invoke(cli, ["tm", "import", str(exported), "--tm", str(tmp_path / "back.sqlite")])
    assert result.exit_code == 0, result.output
    with open_tm(tmp_path / "back.sqlite") as back:
        assert sorted(back.entries(), key=repr) == sorted(entries, key=repr)


def test_tm_export_removes_what_xml_cannot_carry(tmp_path: Path, runner) -> None:
    import defusedxml.ElementTree as DET

    tm = tmp_path / "tm.sqlite"
    with open_tm(tm) as memory:
        memory.add("你\x07好\x1b[31m", "zh-Hans", "th", "สวัส\x00ดี\x0b", "google")
        memory.add("谢谢", "zh-Hans", "th", "ขอบคุณ", "google")
    result = runner.invoke(cli, ["tm", "export", "--tm", str(tm)])
    assert result.exit_code == 0
    assert "1 entry held control characters" in result.stderr
    root = DET.fromstring(result.stdout.encode("utf-8"))  # well-formed XML
    assert [s.text for s in root.iter("seg")] == ["你好[31m", "สวัสดี", "谢谢", "ขอบคุณ"]


# --- copying, init, URLs ----------------------------------------------------------------------------

def test_tm_init_and_copy_between_stores(pg_url: str, tmp_path: Path, runner) -> None:
    from .conftest import SAMPLES
    reference = SAMPLES / "stand-in-bride" / "reference.tmx"
    local = tmp_path / "local.sqlite"
    assert runner.invoke(cli, ["tm", "import", str(reference), "--tm", str(local), "--approved", "--by", "kanya"]
                         ).exit_code == 0
    result = runner.invoke(cli, ["tm", "init", pg_url])
    assert result.exit_code == 0 and "schema version 2" in result.stderr
    with open_tm(pg_url) as team:  # someone on the team already approved one line differently
        team.add("你敢！", "zh-Hans", "th", "แกกล้าเหรอ!", "human", approved=True, approved_by="somchai",
                 created="2027-01-01T00:00:00Z")
    result = runner.invoke(cli, ["tm", "copy", str(local), pg_url])
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.sqlite"
    assert runner.invoke(cli, ["tm", "copy", pg_url, str(back)]).exit_code == 0
    with open_tm(local) as a, open_tm(back) as b:
        ours = {(e.source, e.target_lang): e for e in a.entries()}
        theirs = {(e.source, e.target_lang): e for e in b.entries()}
        assert set(ours) == set(theirs) and len(ours) > 100
        changed = {k for k in ours if ours[k] != theirs[k]}
        assert changed == {("你敢！", "th")} and theirs[("你敢！", "th")].approved_by == "somchai"  # the later approval
        assert all(e.approved_by == "kanya" for e in ours.values())
    assert runner.invoke(cli, ["tm", "copy", str(local), str(local)]).exit_code == 2


def test_passwords_never_printed(pg_cluster, tmp_path: Path, runner) -> None:
    url = pg_cluster.new_database().replace("postgresql://postgres@", "postgresql://postgres:Hunter2-s3cret@")
    result = runner.invoke(cli, ["tm", "init", url])  # trust authentication: the password is not needed
    assert result.exit_code == 0 and "Hunter2" not in result.output and "postgres@" in result.stderr
    stats = runner.invoke(cli, ["tm", "stats", "--tm", url, "--json"])
    assert stats.exit_code == 0 and "Hunter2" not in stats.output
    unreachable = "postgresql://loc:Hunter2-s3cret@/nodb?host=" + str(tmp_path)
    result = runner.invoke(cli, ["tm", "stats", "--tm", unreachable])
    assert result.exit_code == 2 and "cannot connect" in result.stderr and "Hunter2" not in result.output
    assert redact_url("postgres://u:p%40ss@db:5432/tm?sslmode=require&password=x") == \
        "postgres://u@db:5432/tm?sslmode=require"


def test_a_database_without_a_tm_is_not_created_by_reading(pg_url: str, runner) -> None:
    result = runner.invoke(cli, ["tm", "stats", "--tm", pg_url])
    assert result.exit_code == 2 and "subloc tm init" in result.stderr
    import psycopg
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
                            ).fetchone()[0] == 0


# --- claims -----------------------------------------------------------------------------------------

def test_claims_are_exclusive_expire_and_are_released(tm_spec: str) -> None:
    lines = ["少爷，你说什么？", "我不嫁！", "苏家的人都到了。"]
    with open_tm(tm_spec) as a, open_tm(tm_spec) as b:
        assert a.claim(lines[:2], "zh-Hans", "th", 30) == lines[:2]
        assert b.claim(lines, "zh-Hans", "th", 30) == lines[2:]  # what a holds is not b's
        assert b.claim(lines, "zh-Hans", "vi", 30) == lines  # another language is other work
        assert b.claimed_by_others(lines, "zh-Hans", "th") == set(lines[:2])
        # a finishes one line (committed, then released); b finds it there
        a.add(lines[0], "zh-Hans", "th", "คุณชาย พูดอะไรนะ?", "openai")
        a.release(lines[:1], "zh-Hans", "th")
        found = b.wait_for(lines[:1], "zh-Hans", "th", poll_s=0.01)
        assert found[lines[0]].target == "คุณชาย พูดอะไรนะ?"
        # a dies holding the other: once its lease runs out, b may take it
        a.renew(lines[1:2], "zh-Hans", "th", 0.3)
        assert b.claim(lines[1:2], "zh-Hans", "th", 30) == []
        start = time.monotonic()
        assert b.wait_for(lines[1:2], "zh-Hans", "th", poll_s=0.02) == {}
        assert 0.1 < time.monotonic() - start < 5
        assert b.claim(lines[1:2], "zh-Hans", "th", 30) == lines[1:2]


def test_concurrent_claims_never_overlap(tm_spec: str) -> None:
    lines = [f"第{i}句：你到底想怎么样？" for i in range(300)]
    stores = [open_tm(tm_spec) for _ in range(3)]
    got: list[list[str]] = [[] for _ in stores]
    barrier = threading.Barrier(len(stores))

    def worker(index: int) -> None:
        barrier.wait()
        order = lines[index * 100:] + lines[:index * 100]  # each starts elsewhere, all overlap
        for start in range(0, len(order), 25):
            got[index] += stores[index].claim(order[start:start + 25], "zh-Hans", "id", 30)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores:
        store.close()
    assert sorted(sum(got, [])) == sorted(lines)  # every line claimed by exactly one worker


def test_runs_starting_together_all_open_a_new_sqlite_tm(tmp_path: Path) -> None:
    """Runs started at once on one new file (one CI job per series × language): while one of them
    creates it and switches it to WAL, SQLite answers the others "database is locked" without waiting
    (about one round in ten below, before the fix); every opener must get in."""
    for round_ in range(40):
        path = tmp_path / f"team{round_}.sqlite"
        barrier = threading.Barrier(6)
        errors: list[BaseException] = []

        def opener(i: int) -> None:
            try:
                barrier.wait()
                with open_tm(str(path)) as tm:
                    tm.add(f"第{i}集：你给我站住！", "zh-Hans", "th", f"หยุดนะ! ({i})", "openai")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=opener, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors, (round_, errors)
        with open_tm(str(path)) as tm:
            assert tm.stats()["segments"] == 6


def test_the_example_pool_is_bounded_approved_first_then_newest(tm_spec: str) -> None:
    """Story mode looks for similar entries among a bounded pool, so a team memory of millions is not read
    whole into every run: the pair's approved entries first, then the newest; never in-context entries,
    pseudo output or other pairs."""
    with open_tm(tm_spec) as tm:
        tm.add("我不嫁！", "zh-Hans", "th", "ฉันไม่แต่ง!", "openai", approved=True, created="2026-01-01T00:00:00Z")
        tm.add_many(TMEntry(f"第{i}次：你到底想怎么样？", "zh-Hans", "th", f"ครั้งที่ {i}: คุณต้องการอะไรกันแน่?",
                            "openai", f"2026-02-01T00:00:{i:02d}Z") for i in range(30))
        tm.add("你说什么？", "zh-Hans", "th", "ว่าไงนะ?", "openai", context_key="n:abc")
        tm.add("你说什么？", "zh-Hans", "th", "[pseudo]", "pseudo")
        tm.add("你说什么？", "zh-Hans", "vi", "Cô nói gì?", "openai")
        pool = tm.example_pool("zh-Hans", "th", limit=5)
        assert list(pool) == ["我不嫁！", *[f"第{i}次：你到底想怎么样？" for i in (29, 28, 27, 26)]]
        assert "你说什么？" not in tm.example_pool("zh-Hans", "th")
        assert tm.example_pool("zh-Hans", "th", pseudo=True) == {"你说什么？": "[pseudo]"}
