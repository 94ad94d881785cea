"""Glossaries: files, matching, layering, masking, import/export, and the G rules."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from subloc.cli import cli
from subloc.errors import GlossaryError
from subloc.formats import loads
from subloc.glossary import (Glossary, PlaceholderError, base_path, contains_rendering, export_csv, export_tbx,
                             glossary_for, import_table, import_tbx, mask, read_tsv, unmask)
from subloc.profiles import get_profile
from subloc.qa import all_rules, check_track

from .conftest import ROOT, SAMPLES

LANGS = ("th", "id", "ms", "vi")
SERIES = SAMPLES / "stand-in-bride"
HEAD = "source\ttarget\tnote\tflags\n"


@pytest.mark.parametrize("lang", LANGS)
def test_shipped_glossaries_are_real_and_valid(lang: str) -> None:
    path = ROOT / "glossaries" / f"{lang}.tsv"
    entries, problems = read_tsv(path.read_text("utf-8"), str(path))
    assert [p for p in problems if p.severity == "error"] == []
    assert len(entries) >= 60
    sources = {e.source for e in entries}
    for term in ("总裁", "董事长", "少爷", "少奶奶", "大小姐", "王爷", "王妃", "皇上", "娘娘", "师父", "老公", "离婚协议"):
        assert term in sources, f"{lang}: {term} missing"
    assert any(e.forbidden for e in entries) and any(e.note for e in entries)
    series = SERIES / f"glossary.{lang}.tsv"
    names = {e.source for e in read_tsv(series.read_text("utf-8"), str(series))[0]}
    assert {"苏晚", "顾霆深", "苏柔", "顾总", "陆少"} <= names


@pytest.mark.parametrize("lang", LANGS)
def test_every_shipped_entry_masks_and_restores_intact(lang: str) -> None:
    glossary = glossary_for(lang, near=SERIES)
    assert glossary is not None and len(glossary) > 80
    for entry in glossary:
        masked = mask(glossary, entry.source)
        assert masked.text == "⟦1⟧" and masked.terms[1] == entry, entry.source
        assert unmask(masked.text, masked) == entry.preferred
        sentence = mask(glossary, f"你说「{entry.source}」吗")
        restored = unmask(sentence.text, sentence)
        assert entry.preferred in restored and entry.source not in restored.replace(entry.preferred, "")


def test_chinese_matching_is_longest_first_without_overlaps() -> None:
    g = Glossary.from_text(HEAD + "小姐\tMiss\t\t\n大小姐\tthe eldest daughter\t\t\n奶奶\tGrandma\t\t\n"
                                  "少奶奶\tYoung Madam\t\t\n老夫人\tthe old madam\t\t\n顾老夫人\tMadam Gu\t\t\n", "en")
    found = [(m.entry.source, m.start) for m in g.match("大小姐和少奶奶去见顾老夫人，奶奶也在")]
    assert found == [("大小姐", 0), ("少奶奶", 4), ("顾老夫人", 9), ("奶奶", 14)]


def test_latin_sources_match_on_word_boundaries_with_case_rules() -> None:
    g = Glossary.from_text(HEAD + "CEO\tCEO\t\tdnt,case\nyoung master\tคุณชาย\t\t\n", "th")
    assert [m.entry.source for m in g.match("他是CEO又怎样")] == ["CEO"]
    assert g.match("the ceo is here") == []  # case-sensitive entry
    assert [m.entry.source for m in g.match("The Young Master's room")] == ["young master"]
    assert g.match("youngmasters") == []


def test_matching_is_unicode_normalized() -> None:
    g = Glossary.from_text(HEAD + "Việt Nam\tเวียดนาม\t\t\n", "th")
    assert [m.entry.source for m in g.match(unicodedata.normalize("NFD", "ở Việt Nam"))] == ["Việt Nam"]


def test_renderings_in_targets() -> None:
    assert contains_rendering("Ông ấy là bảo an", "bảo an")
    assert not contains_rendering("Chào bảo anh", "bảo an")  # word boundary in Vietnamese
    assert contains_rendering("ประธานกู้ครับ", "ประธาน")  # Thai: no spaces, substring
    assert contains_rendering("Itu Tuan Mudanya", "Tuan Muda", enclitics=True)
    assert not contains_rendering("Itu Tuan Mudanya", "Tuan Muda")
    assert contains_rendering("Nyonya\nMuda datang", "Nyonya Muda")  # across a line break


def test_series_layer_overrides_base_and_reports_conflicts(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "id.tsv").write_text(HEAD + "总裁\tpresdir\t\t\n少爷\tTuan Muda\t\t\n", "utf-8")
    series = tmp_path / "show"
    series.mkdir()
    (series / "series.toml").write_text('[series]\ntitle = "x"\n[[characters]]\nkey = "a"\nname = "苏晚"\n'
                                        '[characters.names]\nid = "Su Wan"\n', "utf-8")
    (series / "glossary.id.tsv").write_text(HEAD + "总裁\tPak Gu|presdir\tin this series\t\n", "utf-8")
    g = glossary_for("id", near=series / "ep01.srt", spec=str(tmp_path / "base"))
    assert g is not None
    by_source = {e.source: e for e in g}
    assert by_source["总裁"].targets == ("Pak Gu", "presdir") and by_source["少爷"].targets == ("Tuan Muda",)
    assert by_source["苏晚"].targets == ("Su Wan",)  # from series.toml
    assert any("'总裁'" in c and "overrides" in c for c in g.conflicts)


def test_placeholders_that_come_back_wrong_are_refused() -> None:
    g = Glossary.from_text(HEAD + "顾总\tCố tổng\t\t\n少奶奶\tthiếu phu nhân\t\t\n", "vi")
    masked = mask(g, "顾总，少奶奶她……")
    assert masked.text == "⟦1⟧，⟦2⟧她……"
    assert unmask("[1], 【2】 cô ấy…", masked) == "Cố tổng, thiếu phu nhân cô ấy…"  # bracket variants MT produces
    for broken in ("⟦1⟧, cô ấy…", "⟦1⟧ ⟦1⟧ ⟦2⟧", "⟦1⟧ ⟦2⟧ ⟦3⟧"):
        with pytest.raises(PlaceholderError):
            unmask(broken, masked)


def test_tbx_round_trip_keeps_everything() -> None:
    path = base_path("th")
    assert path is not None
    g = Glossary.load(path, "th")
    back = import_tbx(export_tbx(g), "th", "x.tbx")
    assert [(e.source, e.targets, e.forbidden, e.dnt, e.case, e.note) for e in back] == [
        (e.source, e.targets, e.forbidden, e.dnt, e.case, e.note) for e in g]


def test_tbx_v3_and_weblate_style_import() -> None:
    tbx = """<tbx xmlns="urn:iso:std:iso:30042:ed-2" xml:lang="zh"><text><body>
      <conceptEntry id="1"><langSec xml:lang="zh"><termSec><term>总裁</term></termSec></langSec>
        <langSec xml:lang="vi"><termSec><term>Tổng giám đốc</term></termSec>
          <termSec><term>tổng thống</term><termNote type="administrativeStatus">forbidden</termNote></termSec>
        </langSec></conceptEntry></body></text></tbx>"""
    [entry] = import_tbx(tbx, "vi", "v3.tbx")
    assert (entry.source, entry.targets, entry.forbidden) == ("总裁", ("Tổng giám đốc",), ("tổng thống",))
    with pytest.raises(GlossaryError) as info:
        import_tbx("<martif><text>", "vi", "bad.tbx")
    assert info.value.line == 1


def test_deepl_csv_export_and_import() -> None:
    g = Glossary.from_text(HEAD + "总裁\tpresdir|CEO\tnote\tforbidden=presiden\n\"引号\"\tkutip, ya\t\t\n", "id")
    text = export_csv(g)
    assert text.splitlines()[0] == "总裁,presdir"
    back = import_table(text, "x.csv")
    assert [(e.source, e.targets) for e in back] == [("总裁", ("presdir",)), ('"引号"', ("kutip, ya",))]
    assert [(e.source, e.targets) for e in import_table("source\ttarget\n少爷\tTuan Muda\n", "x.tsv")] == [
        ("少爷", ("Tuan Muda",))]


def test_glossary_check_cli_reports_every_problem_with_lines(runner, tmp_path: Path) -> None:
    bad = tmp_path / "glossary.th.tsv"
    bad.write_text(HEAD + "总裁\tประธาน\t\t\n总裁\tซีอีโอ\t\t\n少爷\t\t\t\n王妃\tพระชายา\t\tfancy\n"
                          "娘娘\tพระสนม\t\tforbidden=พระสนม\n皇上\tฝ่าบาท\n", "utf-8")
    result = runner.invoke(cli, ["glossary", "check", str(bad)])
    assert result.exit_code == 1
    out = result.output
    for line, text in [(3, "duplicate source '总裁' (first at line 2)"), (4, "empty target"),
                       (5, "unknown flag 'fancy'"), (6, "'พระสนม' is both allowed and forbidden"), (7, "2 columns")]:
        assert f"{bad}:{line}: error: {text}" in out
    good = runner.invoke(cli, ["glossary", "check", str(ROOT / "glossaries"), str(SERIES)])
    assert good.exit_code == 0, good.output


def test_glossary_show_import_export_cli(runner, tmp_path: Path) -> None:
    shown = runner.invoke(cli, ["glossary", "show", "--lang", "vi", "--series", str(SERIES), "苏晚"])
    assert shown.exit_code == 0 and "Tô Vãn" in shown.output
    assert runner.invoke(cli, ["glossary", "show", "--lang", "vi", "不存在的词"]).exit_code == 1
    tbx = tmp_path / "ms.tbx"
    assert runner.invoke(cli, ["glossary", "export", "--lang", "ms", "--to", "tbx", "-o", str(tbx)]).exit_code == 0
    target = tmp_path / "glossary.ms.tsv"
    target.write_text(HEAD + "总裁\tbos besar\t\t\n", "utf-8")
    imported = runner.invoke(cli, ["glossary", "import", str(tbx), "--lang", "ms", "-o", str(target)])
    assert imported.exit_code == 0
    assert "kept '总裁' as bos besar" in imported.stderr
    merged = {e.source: e for e in read_tsv(target.read_text("utf-8"), str(target))[0]}
    assert merged["总裁"].targets == ("bos besar",) and len(merged) > 100
    replaced = runner.invoke(cli, ["glossary", "import", str(tbx), "--lang", "ms", "-o", str(target), "--replace"])
    assert replaced.exit_code == 0
    assert read_tsv(target.read_text("utf-8"), str(target))[0][0].targets[0] == "CEO"
    csv_out = runner.invoke(cli, ["glossary", "export", "--lang", "id", "--to", "csv"])
    assert csv_out.exit_code == 0 and "少爷,Tuan Muda" in csv_out.output


# --- the G rules ---------------------------------------------------------------------------------

RULES = all_rules()


def _g(target: str, source: str, lang: str) -> list[str]:
    glossary = glossary_for(lang, near=SERIES)
    t = replace(loads(f"1\n00:00:01,000 --> 00:00:03,000\n{target}\n", f"t.{lang}.srt"), language=lang)
    s = replace(loads(f"1\n00:00:01,000 --> 00:00:03,000\n{source}\n", "s.zh-Hans.srt"), language="zh-Hans")
    return [f.code for f in check_track(t, get_profile(lang), rules=[RULES["G101"], RULES["G102"], RULES["G103"]],
                                        source=s, glossary=glossary)]


@pytest.mark.parametrize("lang, good, missing, forbidden", [
    ("th", "ประธานกู้ คุณนายน้อย…", "ท่านประธาน ภรรยาของคุณ…", None),
    ("id", "Pak Gu, Nyonya Muda…", "Pak Gu, istri Anda…", "Pak Gu, nenek muda…"),
    ("ms", "Encik Gu, Puan Muda…", "Encik Gu, isteri awak…", "Encik Gu, Nyonya Muda…"),
    ("vi", "Cố tổng, thiếu phu nhân…", "Cố tổng, vợ anh…", "ông Cố, thiếu phu nhân…"),
])
def test_glossary_rules_per_language(lang: str, good: str, missing: str, forbidden: str | None) -> None:
    source = "顾总，少奶奶她……"
    assert _g(good, source, lang) == []
    assert "G101" in _g(missing, source, lang)
    if forbidden:
        assert "G102" in _g(forbidden, source, lang)


def test_do_not_translate() -> None:
    assert _g("Anh ta là CEO thì sao?", "他是CEO又怎样", "vi") == []  # vi: CEO is dnt,case
    assert _g("Anh ta là ceo thì sao?", "他是CEO又怎样", "vi") == ["G103"]
    assert _g("Anh ta là giám đốc thì sao?", "他是CEO又怎样", "vi") == ["G103"]


def test_reference_translations_comply_with_their_glossaries(runner) -> None:
    result = runner.invoke(cli, ["check", str(SERIES / "reference"), "--source", str(SERIES / "srt"),
                                 "--format", "json"])
    report = json.loads(result.output)
    assert result.exit_code == 0, [f for f in report["findings"] if f["severity"] == "error"][:3]
    assert report["summary"]["files"] == 24 and report["summary"]["errors"] == 0
    assert {f["language"] for f in report["files"]} == set(LANGS)
    assert not [f for f in report["findings"] if f["code"].startswith(("G", "X"))]
