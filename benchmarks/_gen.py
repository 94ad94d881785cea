"""Deterministic benchmark inputs: one 100,000-cue file (SRT and VTT) and a 100-episode series."""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"

ZH = ["顾总，少奶奶她……", "你敢！", "滚出去！", "这份合同，你签不签？", "三天之内，我要500万", "我才是苏家的真千金",
      "离婚协议我已经签好了", "少爷，老夫人请您回去", "今晚8点，老地方见", "你拿外婆威胁我？"]
TH = ["ที่นี่เป็นบ้านของฉัน", "คุณกล้าเหรอ", "ออกไปเดี๋ยวนี้", "สัญญานี้คุณจะเซ็นไหม", "ภายในสามวัน ฉันต้องการ 5 ล้าน",
      "ฉันคือลูกสาวแท้ๆ ของตระกูลซู", "ฉันเซ็นใบหย่าแล้ว", "คืนนี้สองทุ่ม ที่เดิม"]
LATIN = ["Kamu berani?", "Keluar dari sini!", "Awak tak boleh pergi", "Cô dám sao?", "Hợp đồng này, cô ký không?",
         "Tôi đã ký đơn ly hôn rồi", "Dalam 3 hari, aku mau 5 juta", "Don't you dare!", "Sign this contract."]


def ts(ms: int, sep: str) -> str:
    h, r = divmod(ms, 3_600_000)
    m, r = divmod(r, 60_000)
    s, r = divmod(r, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{r:03d}"


def cues(count: int, rng: random.Random) -> list[tuple[int, int, str]]:
    out, t = [], 500
    for _ in range(count):
        pool = rng.choices([ZH, TH, LATIN], weights=[40, 30, 30])[0]
        lines = [rng.choice(pool) for _ in range(2 if rng.random() < 0.45 else 1)]
        if rng.random() < 0.08:
            lines[0] = f"<i>{lines[0]}</i>"
        length = rng.randint(900, 4000)
        out.append((t, t + length, "\n".join(lines)))
        t += length + rng.choice([83, 83, 500, 1200])
    return out


def write_srt(path: Path, items: list[tuple[int, int, str]]) -> None:
    path.write_text("".join(f"{i}\n{ts(a, ',')} --> {ts(b, ',')}\n{text}\n\n" for i, (a, b, text) in enumerate(items, 1)),
                    "utf-8")


def write_vtt(path: Path, items: list[tuple[int, int, str]]) -> None:
    path.write_text("WEBVTT\n\n" + "".join(f"{ts(a, '.')} --> {ts(b, '.')} line:65%,end size:72%\n{text}\n\n"
                                           for a, b, text in items), "utf-8")


def generate() -> dict[str, Path]:
    DATA.mkdir(exist_ok=True)
    rng = random.Random(42)
    paths = {"big_srt": DATA / "big.srt", "big_vtt": DATA / "big.vtt", "series": DATA / "series"}
    if not paths["big_srt"].exists():
        items = cues(100_000, rng)
        write_srt(paths["big_srt"], items)
        write_vtt(paths["big_vtt"], items)
    series = paths["series"]
    if not series.exists():
        series.mkdir()
        for ep in range(1, 101):
            items = cues(60, rng)
            write_srt(series / f"ep{ep:03d}.zh-Hans.srt", items)
    return paths
