"""Story order: previous lines on each request, speakers, short lines per context, free re-runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from subloc import load
from subloc.backends import BackendOptions
from subloc.segments import plan_track
from subloc.translate import TranslateOptions, Translator

from .conftest import SAMPLES
from .servers import OpenAIServer, fake_translate

SERIES = SAMPLES / "stand-in-bride"

# An episode as a fansub group writes it: WebVTT voice spans, two scenes, 你说什么？ in both.
VOICES = """WEBVTT

00:00:01.000 --> 00:00:02.600
<v 苏晚>顾总，合同我签好了</v>

00:00:02.700 --> 00:00:04.200
<v 顾霆深>记住你的身份

00:00:04.300 --> 00:00:05.600
<v 苏晚>你说什么？

00:00:05.700 --> 00:00:07.500
<v 顾霆深>三年后，我们两清

00:00:12.000 --> 00:00:13.800
<v 苏柔>姐姐，你别怪我

00:00:13.900 --> 00:00:15.200
<v 顾霆深>你说什么？

00:00:15.300 --> 00:00:17.000
<v 苏柔>我……我什么都没说
"""

# The same kind of scene with the speaker written in front of the line, as many Chinese scripts do.
PREFIXES = """1
00:00:01,000 --> 00:00:02,800
林美凤：柔柔别怕，妈有办法

2
00:00:02,900 --> 00:00:04,600
苏柔：让姐姐替我嫁？

3
00:00:04,700 --> 00:00:06,400
林美凤：她正合适
"""


def gendered(segment: dict, user: dict) -> str:  # type: ignore[type-arg]
    """A model that writes Thai particles by the speaker's gender, as it is told."""
    if segment["text"] == "你说什么？":
        female = segment.get("speaker", {}).get("gender") == "female"
        return "ว่าไงนะคะ" if female else "ว่าไงนะครับ"
    return fake_translate(segment["text"], user["target_language"])


@pytest.fixture
def server():
    s = OpenAIServer()
    yield s
    s.close()


def series_with(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "series"
    (folder / "src").mkdir(parents=True)
    for name in ["series.toml", *[p.name for p in SERIES.glob("glossary.*.tsv")]]:
        shutil.copy(SERIES / name, folder / name)
    for name, text in files.items():
        (folder / "src" / name).write_text(text, "utf-8")
    return folder


def run(folder: Path, tmp_path: Path, server: OpenAIServer, **kw):  # type: ignore[no-untyped-def]
    options = TranslateOptions(targets=kw.pop("targets", ("th",)), output_dir=tmp_path / "out", backend="openai",
                               tm_path=tmp_path / "tm.sqlite", backoff=0.01,
                               backend_options=BackendOptions(base_url=server.url), **kw)
    return Translator(sorted((folder / "src").iterdir()), options).run()


def first_asks(server: OpenAIServer) -> list[dict]:  # type: ignore[type-arg]
    """First translations (not glossary or shortening re-asks)."""
    return [r["user"] for r in server.log.requests if "required_terms" not in r["user"]
            and not any("too_long" in s for s in r["user"]["segments"])]


def test_every_request_after_the_first_of_an_episode_carries_the_lines_before_it(tmp_path: Path,
                                                                                 server: OpenAIServer) -> None:
    folder = tmp_path / "series"
    (folder / "src").mkdir(parents=True)
    shutil.copy(SERIES / "series.toml", folder / "series.toml")
    for ep in ("ep01", "ep02"):
        shutil.copy(SERIES / "srt" / f"{ep}.zh-Hans.srt", folder / "src" / f"{ep}.zh-Hans.srt")
    report = run(folder, tmp_path, server, batch_size=8, concurrency=1)
    assert report.incomplete == 0
    episodes = [[u for plan in plan_track(load(folder / "src" / f"{ep}.zh-Hans.srt"), "zh-Hans") for u in plan.units]
                for ep in ("ep01", "ep02")]
    asks = first_asks(server)
    assert len(asks) >= 14
    starts = 0
    for user in asks:
        first = user["segments"][0]["text"]
        # (ep02 opens with ep01's last lines: the episode is the one holding every segment, in order)
        texts = [s["text"] for s in user["segments"]]
        candidates = [e for e in episodes if all(t in e for t in texts)]
        if "previous" not in user:  # only the first request of an episode has nothing before it
            assert any(e.index(first) == 0 for e in candidates)
            starts += 1
            continue
        previous = user["previous"]
        units = next(e for e in candidates if e.index(first) >= len(previous))
        at = units.index(first)
        assert previous[-1]["source"] == units[at - 1] and all(p["target"] for p in previous)
        assert [p["source"] for p in previous] == units[at - len(previous):at]  # in story order
    assert starts == 2


def test_speakers_from_voice_spans_and_name_prefixes(tmp_path: Path, server: OpenAIServer) -> None:
    folder = series_with(tmp_path, {"ep07.zh-Hans.vtt": VOICES, "ep08.zh-Hans.srt": PREFIXES})
    server.writer = gendered
    report = run(folder, tmp_path, server)
    assert report.incomplete == 0
    sent = [s for user in first_asks(server) for s in user["segments"]]
    by_text = {}
    for s in sent:
        by_text.setdefault(s["text"], []).append(s)
    assert by_text["顾总，合同我签好了"][0]["speaker"] == {"name": "苏晚", "gender": "female"}
    assert by_text["让姐姐替我嫁？"][0]["speaker"] == {"name": "苏柔", "gender": "female"}
    assert by_text["顾总，合同我签好了"][0]["addressee"] == "顾霆深"  # by the address form 顾总
    assert not any("<v" in s["text"] or "：" in s["text"][:4] for s in sent)  # speakers are not translated
    vtt = load(tmp_path / "out" / "ep07.th.vtt")
    assert [c.text.split(">")[0] + ">" for c in vtt.cues] == [
        "<v 苏晚>", "<v 顾霆深>", "<v 苏晚>", "<v 顾霆深>", "<v 苏柔>", "<v 顾霆深>", "<v 苏柔>"]  # spans survive
    srt = load(tmp_path / "out" / "ep08.th.srt")
    assert srt.cues[0].text.replace("\n", " ").startswith("หลินเหม่ยเฟิ่ง: ")  # the name put back the target's way
    assert srt.cues[1].text.replace("\n", " ").startswith("ซูโหรว: ")


def test_a_short_line_in_two_scenes_is_translated_in_each_and_a_rerun_sends_nothing(tmp_path: Path,
                                                                                    server: OpenAIServer) -> None:
    folder = series_with(tmp_path, {"ep07.zh-Hans.vtt": VOICES})
    server.writer = gendered
    run(folder, tmp_path, server, batch_size=4)  # one request per scene (cut at the scene gap)
    assert [len(user["segments"]) for user in first_asks(server)] == [4, 3]
    asked = [s for user in first_asks(server) for s in user["segments"] if s["text"] == "你说什么？"]
    assert [s["speaker"]["gender"] for s in asked] == ["female", "male"]  # sent once per scene
    assert "earlier_translation" in asked[1] and asked[1]["earlier_translation"] == "ว่าไงนะคะ"  # offered as a hint
    out = load(tmp_path / "out" / "ep07.th.vtt")
    assert out.cues[2].text == "<v 苏晚>ว่าไงนะคะ" and out.cues[5].text == "<v 顾霆深>ว่าไงนะครับ"
    before = len(server.log.requests)
    again = run(folder, tmp_path, server, batch_size=4)
    assert len(server.log.requests) == before and again.languages[0].requests == 0  # nothing sent
    assert load(tmp_path / "out" / "ep07.th.vtt").cues[5].text == "<v 顾霆深>ว่าไงนะครับ"  # each context kept


def test_dry_run_shows_fuzzy_tm_examples(tmp_path: Path, server: OpenAIServer, runner) -> None:  # type: ignore[no-untyped-def]
    import json

    from subloc.cli import cli
    from subloc.tm import open_tm
    folder = series_with(tmp_path, {"ep07.zh-Hans.vtt": VOICES})
    with open_tm(tmp_path / "tm.sqlite") as tm:
        tm.add("三年后，我们就两清了", "zh-Hans", "th", "อีกสามปี เราก็หมดกัน", "openai")
    result = runner.invoke(cli, ["translate", str(folder / "src"), "--to", "th", "--backend", "openai", "--base-url",
                                 server.url, "--tm", str(tmp_path / "tm.sqlite"), "--dry-run", "--json",
                                 "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)["languages"][0]["plan"]
    assert plan["examples"] == [{"segment": "三年后，我们两清", "source": "三年后，我们就两清了",
                                 "target": "อีกสามปี เราก็หมดกัน", "similarity": plan["examples"][0]["similarity"]}]
    assert plan["examples"][0]["similarity"] >= 75 and server.log.requests == []
    text = runner.invoke(cli, ["translate", str(folder / "src"), "--to", "th", "--backend", "openai", "--base-url",
                               server.url, "--tm", str(tmp_path / "tm.sqlite"), "--dry-run",
                               "-o", str(tmp_path / "out")])
    assert "三年后，我们就两清了" in text.output
    run(folder, tmp_path, server)  # and the model is given it as an example
    assert any(e["source"] == "三年后，我们就两清了" for user in first_asks(server) for e in user.get("examples", []))


def test_a_particle_of_the_wrong_gender_is_flagged_in_the_output(tmp_path: Path, server: OpenAIServer) -> None:
    from subloc.profiles import get_profile
    from subloc.qa import check_track
    from subloc.series import load_series
    folder = series_with(tmp_path, {"ep07.zh-Hans.vtt": VOICES})
    server.writer = lambda s, u: "ว่าไงนะครับ" if s["text"] == "你说什么？" else fake_translate(s["text"], "th")
    report = run(folder, tmp_path, server)  # a model that ignores the speaker's gender
    out = load(tmp_path / "out" / "ep07.th.vtt")
    findings = [f for f in check_track(out, get_profile("th"), series=load_series(folder / "series.toml"))
                if f.code == "X107"]
    assert [f.cue for f in findings] == [3]  # 苏晚's line; 顾霆深's ครับ is right
    assert report.languages[0].qa_errors >= 1


def test_a_pronoun_change_the_series_explains_is_not_reported() -> None:
    from subloc.qa.model import all_rules
    from subloc.qa.examples import run_example
    rule = all_rules()["X108"]
    assert [f.code for f in run_example(rule, rule.fail_example)] == ["X108"]

    class Explained(rule):  # type: ignore[misc, valid-type]
        example_series = rule.example_series.replace('note = "formal 顾总 at first; 老公 from episode 4"',
                                                     'note = "cold tôi/ông when he hurts her"')
    assert run_example(Explained, rule.fail_example) == []


def test_speakers_from_a_per_episode_speaker_column(tmp_path: Path, server: OpenAIServer) -> None:
    from subloc.errors import UsageError
    plain = "\n".join(line for line in PREFIXES.splitlines()).replace("林美凤：", "").replace("苏柔：", "")
    folder = series_with(tmp_path, {"ep09.zh-Hans.srt": plain})
    (folder / "src" / "ep09.speakers.tsv").write_text("# cue\tspeaker\n1\t林美凤\n2\t苏柔\n", "utf-8")
    files = [folder / "src" / "ep09.zh-Hans.srt"]
    options = TranslateOptions(targets=("th",), output_dir=tmp_path / "out", backend="openai",
                               tm_path=tmp_path / "tm.sqlite", backend_options=BackendOptions(base_url=server.url))
    assert Translator(files, options).run().incomplete == 0
    sent = {s["text"]: s for user in first_asks(server) for s in user["segments"]}
    assert sent["柔柔别怕，妈有办法"]["speaker"] == {"name": "林美凤", "gender": "female"}
    assert sent["让姐姐替我嫁？"]["speaker"]["name"] == "苏柔" and "speaker" not in sent["她正合适"]
    assert not load(tmp_path / "out" / "ep09.th.srt").cues[0].text.startswith("หลิน")  # a column is not written
    (folder / "src" / "ep09.speakers.tsv").write_text("1 林美凤\n", "utf-8")  # no tab
    with pytest.raises(UsageError, match=r"ep09.speakers.tsv:1: expected 'cue number<TAB>speaker name'"):
        Translator(files, options)
