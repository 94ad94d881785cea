"""Glossary interchange under hostile or unusual input: TBX in any declared encoding, parsed with
defusedxml; terms a TSV cannot hold refused with their line; TBX export always valid XML; a lossless
export → import round trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from subloc.cli import cli
from subloc.glossary import Glossary, export_tbx, import_file, write_tsv

HEAD = "source\ttarget\tnote\tflags\n"


def _tbx(terms: str, encoding: str = "UTF-8", target: str = "th") -> str:
    return (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<martif type="TBX-Basic" xml:lang="zh-Hans">\n'
            "  <text>\n    <body>\n"
            f"{terms}"
            "    </body>\n  </text>\n</martif>\n").replace("TARGET", target)


def _entry(source: str, target: str, note: str = "") -> str:
    return ("      <termEntry>\n"
            f'        <langSet xml:lang="zh-Hans"><tig><term>{source}</term></tig></langSet>\n'
            '        <langSet xml:lang="TARGET">\n'
            + (f"          <note>{note}</note>\n" if note else "")
            + f"          <tig><term>{target}</term></tig>\n"
            "        </langSet>\n"
            "      </termEntry>\n")


def _import(runner, tmp_path: Path, data: bytes, lang: str, name: str = "in.tbx"):  # type: ignore[no-untyped-def]
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / f"glossary.{lang}.tsv"
    return runner.invoke(cli, ["glossary", "import", str(source), "--lang", lang, "-o", str(out)]), out


def test_utf16_tbx_with_bom(runner, tmp_path: Path) -> None:
    text = _tbx(_entry("顾总", "ประธานกู้", "เรียกต่อหน้าพนักงาน") + _entry("大小姐", "คุณหนู"), "UTF-16")
    result, out = _import(runner, tmp_path, text.encode("utf-16"), "th")
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == HEAD + "顾总\tประธานกู้\tเรียกต่อหน้าพนักงาน\t\n大小姐\tคุณหนู\t\t\n"


def test_gb18030_tbx(runner, tmp_path: Path) -> None:
    text = _tbx(_entry("少爷", "thiếu gia", "người hầu gọi Cố Đình Thâm") + _entry("顾总", "Cố tổng"), "GB18030", "vi")
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8: expat alone could not read it
    result, out = _import(runner, tmp_path, data, "vi")
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == HEAD + "少爷\tthiếu gia\tngười hầu gọi Cố Đình Thâm\t\n顾总\tCố tổng\t\t\n"


def test_latin1_declaration(runner, tmp_path: Path) -> None:
    # Chinese as character references, the rendering's é as the Latin-1 byte 0xE9.
    text = _tbx(_entry("&#29611;&#29808;&#21654;&#21857;&#39302;", "Kafé Rosé", "nama kafe tempat mereka bertemu"),
                "ISO-8859-1", "id")
    result, out = _import(runner, tmp_path, text.encode("latin-1"), "id")
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == HEAD + "玫瑰咖啡馆\tKafé Rosé\tnama kafe tempat mereka bertemu\t\n"


def test_invalid_bytes_are_an_error_with_the_line(runner, tmp_path: Path) -> None:
    data = _tbx(_entry("顾总", "ประธานกู้")).encode("utf-8").replace("ประธานกู้".encode(), b"\xff\xfe\xe0")
    line = data[:data.index(b"\xff")].count(b"\n") + 1
    result, out = _import(runner, tmp_path, data, "th")
    assert result.exit_code == 2 and not out.exists()
    assert f"in.tbx:{line}: byte b'\\xff' is not valid utf-8" in result.stderr
    assert "Traceback" not in result.output


def test_entity_declarations_are_refused(runner, tmp_path: Path) -> None:
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE martif [\n <!ENTITY lol "lol">\n'
              ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
              "<martif><text><body>" + _entry("顾总", "&lol2;") + "</body></text></martif>\n")
    result, out = _import(runner, tmp_path, laughs.encode(), "th")
    assert result.exit_code == 2 and not out.exists() and "refused" in result.stderr


@pytest.mark.parametrize("source, target, expected", [
    ("顾总", "Pak&#9;Gu", "target 'Pak\\tGu' contains a tab or a line break"),
    ("顾总", "Pak&#10;Gu", "target 'Pak\\nGu' contains a tab or a line break"),
    ("顾&#x2028;总", "Pak Gu", "source '顾\\u2028总' contains a tab or a line break"),
    ("顾总", "Pak Gu|Bos", "target 'Pak Gu|Bos' contains '|', which separates renderings"),
    ("顾总", "&#x9b;31mPak Gu", "target '\\x9b31mPak Gu' contains a control character"),
    ("#顾总", "Pak Gu", "source '#顾总' starts with '#', which would make its line a comment"),
])
def test_a_term_a_tsv_cannot_hold_is_refused_with_its_line(runner, tmp_path: Path, source: str, target: str,
                                                           expected: str) -> None:
    out = tmp_path / "glossary.id.tsv"
    out.write_text(HEAD + "少爷\tTuan Muda\t\t\n", "utf-8")
    before = out.read_bytes()
    text = _tbx(_entry("少奶奶", "Nyonya Muda") + _entry(source, target), target="id")
    needle = f"<term>{source}</term>" if expected.startswith("source") else f"<term>{target}</term>"
    line = next(n for n, row in enumerate(text.split("\n"), 1) if needle in row)
    result, _ = _import(runner, tmp_path, text.encode(), "id")
    assert result.exit_code == 2, result.output
    assert f"in.tbx:{line}: {expected}" in result.stderr
    assert "\x9b" not in result.stderr and "\u2028" not in result.stderr
    assert out.read_bytes() == before  # nothing written


def test_refused_terms_name_the_line_of_the_term(runner, tmp_path: Path) -> None:
    text = _tbx(_entry("少奶奶", "Nyonya Muda") + _entry("顾总", "Pak Gu|Bos"), target="id")
    lines = text.split("\n")
    term_line = next(n for n, line in enumerate(lines, 1) if "Pak Gu|Bos" in line)
    result, _ = _import(runner, tmp_path, text.encode(), "id")
    assert result.exit_code == 2 and f"in.tbx:{term_line}: target 'Pak Gu|Bos' contains '|'" in result.stderr


def test_a_note_on_several_lines_stays_one_tsv_cell(tmp_path: Path) -> None:
    text = _tbx(_entry("顾总", "Tuan Gu", "dipakai oleh karyawan,\n            bukan oleh Su Wan"), target="ms")
    [entry] = import_file(text.encode(), "ms", "in.tbx")
    assert entry.note == "dipakai oleh karyawan, bukan oleh Su Wan"
    assert write_tsv([entry]).count("\n") == 2


def test_a_csv_cell_a_tsv_cannot_hold_is_refused(runner, tmp_path: Path) -> None:
    result, _ = _import(runner, tmp_path, "source,target\n少爷,Tuan Muda\n顾总,\"Pak Gu|Bos\"\n".encode(), "id",
                        "deepl.csv")
    assert result.exit_code == 2 and "deepl.csv:3: target 'Pak Gu|Bos'" in result.stderr
    result, _ = _import(runner, tmp_path, "少爷,Tuan Muda\n顾总,\"Pak\nGu\"\n".encode(), "id", "multi.csv")
    assert result.exit_code == 2 and "contains a tab or a line break" in result.stderr
    result, _ = _import(runner, tmp_path, "少爷,Tuan Muda\n顾总,Pak Gu".encode() + b"\xff\n", "id", "l1.csv")
    assert result.exit_code == 2 and "l1.csv:2: byte b'\\xff' is not valid UTF-8" in result.stderr


ROUND_TRIP = (HEAD
              + "顾总\tประธานกู้|ท่านประธาน\tเรียกต่อหน้าพนักงาน & ลูกค้า <ทางการ>\tforbidden=บอส|เจ้านาย\n"
              + "苏晚\tซูหว่าน\tนางเอก \"ภรรยาตัวแทน\"\t\n"
              + "CEO\t\tkeep as written\tcase,dnt\n"
              + "VIP\tวีไอพี\t\tcase\n"
              + "少奶奶\tคุณนายน้อย\t'ภรรยาของคุณชาย'\tforbidden=นายหญิง\n")


def test_export_to_tbx_and_back_is_lossless(runner, tmp_path: Path) -> None:
    source = tmp_path / "th.tsv"
    source.write_text(ROUND_TRIP, "utf-8")
    tbx = tmp_path / "th.tbx"
    exported = runner.invoke(cli, ["glossary", "export", "--lang", "th", "--glossary", str(source), "--to", "tbx",
                                   "-o", str(tbx)])
    assert exported.exit_code == 0, exported.output
    ET.fromstring(tbx.read_bytes())  # well-formed XML
    back = tmp_path / "back.th.tsv"
    imported = runner.invoke(cli, ["glossary", "import", str(tbx), "--lang", "th", "-o", str(back)])
    assert imported.exit_code == 0, imported.output
    assert back.read_text("utf-8") == ROUND_TRIP
    original = Glossary.load(source, "th")
    again = Glossary.load(back, "th")
    key = [(e.source, e.targets, e.note, e.case, e.dnt, e.forbidden) for e in original]
    assert key == [(e.source, e.targets, e.note, e.case, e.dnt, e.forbidden) for e in again]


def test_export_refuses_text_xml_cannot_hold(runner, tmp_path: Path) -> None:
    source = tmp_path / "th.tsv"
    source.write_text(HEAD + "顾总\tประธานกู้\t\t\n苏晚\tซูหว่าน\tนางเอก\x1b[2J\t\n", "utf-8")
    out = tmp_path / "th.tbx"
    result = runner.invoke(cli, ["glossary", "export", "--lang", "th", "--glossary", str(source), "--to", "tbx",
                                 "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert f"{source}:3: note 'นางเอก\\x1b[2J': control character U+001B" in result.stderr
    assert "\x1b" not in result.stderr
    with pytest.raises(Exception, match="U\\+001B"):
        export_tbx(Glossary.load(source, "th"))


def test_utf16_without_bom_and_an_unknown_declared_encoding(runner, tmp_path: Path) -> None:
    text = _tbx(_entry("少爷", "Tuan Muda"), "UTF-16", "ms")
    result, out = _import(runner, tmp_path, text.encode("utf-16-le"), "ms")
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8") == HEAD + "少爷\tTuan Muda\t\t\n"
    result, _ = _import(runner, tmp_path, _tbx(_entry("少爷", "Tuan Muda"), "X-KLINGON", "ms").encode(), "ms",
                        "klingon.tbx")
    assert result.exit_code == 2 and "klingon.tbx:1: unknown encoding 'x-klingon'" in result.stderr
