"""Line-break quality on hand-written dialogue: words split per 100 Vietnamese breaks, Thai breaks after a
function word (or inside an amount) per 100, Chinese breaks inside a word per 100.

Run it against this checkout, and against another one for the "before" column:

    python benchmarks/bench_linebreak.py                      # this checkout
    PYTHONPATH=/path/to/other/checkout python benchmarks/bench_linebreak.py

Inputs: tests/data/lang/vi_words.txt (gold words joined with "_"), tests/data/lang/th_lines.txt and the
Chinese lines below. Every line is wrapped to the vertical profile of its language (the break subloc's
translate and fix would choose), and the break is judged against the gold words (Vietnamese), against
the words the issue names as never ending a Thai line, and against jieba's words (Chinese).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "lang"

# What a Thai line must not end with (issue 14): prepositions, the possessive, auxiliaries.
TH_FUNCTION = set("ของ ที่ อยู่ที่ ใน กับ จาก สำหรับ โดย เพื่อ ว่า และ แต่ ถ้า เพราะ ก็ จะ ต้อง กำลัง กำลังจะ เคย "
                  "ไม่เคย ไม่ ควร อาจ อาจจะ ซึ่ง การ ความ".split())
TH_NUMBER = set("หนึ่ง สอง สาม สี่ ห้า หก เจ็ด แปด เก้า สิบ ร้อย พัน หมื่น แสน ล้าน".split())
TH_UNIT = set("บาท ปี นาที โมง วัน คน ล้าน แสน หมื่น พัน ร้อย".split())

ZH = ["你给我站住 我有话要说听见没有", "我们明天上午十点在廣場門口見面吧", "你以为你是谁啊凭什么管我的事情",
      "这份离婚协议书你今天必须签字", "三天之内把五百万转到我的账户上", "少奶奶她已经在会议室等了两个小时",
      "顾总说了 今晚的订婚宴照常举行", "你外婆的手术费还等着苏家出呢", "我才是苏家真正的千金大小姐",
      "别以为有老夫人撑腰你就可以为所欲为"]


def vi() -> tuple[int, int, list[str]]:
    from subloc.linebreak import wrap
    from subloc.profiles import get_profile

    profile, split, breaks, bad = get_profile("vi"), 0, 0, []
    for gold in DATA.joinpath("vi_words.txt").read_text("utf-8").splitlines():
        if not gold or gold.startswith("#"):
            continue
        lines = wrap(gold.replace("_", " "), profile)
        if len(lines) < 2:
            continue
        breaks += 1
        k = len(lines[0].split(" "))
        gold_tokens = gold.split(" ")
        # the break falls after k syllables; it splits a word if gold has "_" there
        syllables = [s for t in gold_tokens for s in t.split("_")]
        joined = [t for t in gold_tokens]
        count, inside = 0, False
        for token in joined:
            n = len(token.split("_"))
            if count < k < count + n:
                inside = True
            count += n
        if inside:
            split += 1
            bad.append(" | ".join(lines))
        assert len(syllables) == count
    return split, breaks, bad


def th() -> tuple[int, int, list[str]]:
    from subloc.linebreak import wrap
    from subloc.profiles import get_profile
    from subloc.scripts import thai_words

    profile, bad_count, breaks, bad = get_profile("th"), 0, 0, []
    for line in DATA.joinpath("th_lines.txt").read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        lines = wrap(line, profile)
        if len(lines) < 2:
            continue
        breaks += 1
        last = thai_words(lines[0])[-1]
        first = thai_words(lines[1])[0]
        if last in TH_FUNCTION or (last in TH_NUMBER and (first in TH_NUMBER or first in TH_UNIT)):
            bad_count += 1
            bad.append(" | ".join(lines))
    return bad_count, breaks, bad


def zh() -> tuple[int, int, list[str]]:
    import jieba

    from subloc.linebreak import wrap
    from subloc.profiles import get_profile

    jieba.setLogLevel(60)
    profile, split, breaks, bad = get_profile("zh-Hans"), 0, 0, []
    for line in ZH:
        lines = wrap(line, profile)
        if len(lines) < 2:
            continue
        breaks += 1
        position, offset = len(lines[0]), 0
        for token in jieba.lcut(line):
            if offset < position < offset + len(token):
                split += 1
                bad.append(" | ".join(lines))
                break
            offset += len(token)
    return split, breaks, bad


def main() -> None:
    import subloc

    print(f"subloc from {Path(subloc.__file__).parent}")
    for name, fn, what in (("vi", vi, "words split"), ("th", th, "breaks after a function word or inside an amount"),
                           ("zh-Hans", zh, "breaks inside a word")):
        started = time.perf_counter()
        bad_count, breaks, bad = fn()
        print(f"{name}: {bad_count} {what} in {breaks} breaks = {100 * bad_count / max(1, breaks):.1f} per 100 "
              f"({time.perf_counter() - started:.2f} s)")
        for example in bad[:12]:
            print("   ", example)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
