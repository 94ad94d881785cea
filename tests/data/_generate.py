"""Regenerate the byte-exact input files in tests/data (python tests/data/_generate.py).

Each file is one input case of the core reader. They are committed; this script documents how
their bytes were made (encodings, line endings, BOMs) so they can be rebuilt or extended.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

HERE = Path(__file__).parent

ZH = ["顾总，少奶奶她……", "你敢！", "滚出去！", "这份合同，你签不签？", "三天之内，我要500万",
      "姐姐，你怎么来了？", "我才是苏家的真千金", "离婚协议我已经签好了", "少爷，老夫人请您回去", "今晚8点，老地方见"]
TH = ["ที่นี่เป็นบ้านของฉัน", "คุณกล้าเหรอ", "ออกไปเดี๋ยวนี้", "สัญญานี้คุณจะเซ็นหรือไม่", "ภายในสามวัน ฉันต้องการห้าล้าน",
      "พี่สาว มาทำอะไรที่นี่", "ฉันคือลูกสาวแท้ๆ ของตระกูลซู", "ฉันเซ็นใบหย่าแล้ว", "คุณชาย คุณนายใหญ่เรียกให้กลับบ้าน", "คืนนี้สองทุ่ม ที่เดิม"]
VI = ["Tiếng Việt có dấu", "Cô dám sao?", "Cút ra ngoài!", "Hợp đồng này, cô ký hay không?", "Trong ba ngày, tôi cần năm triệu",
      "Chị ơi, sao chị lại đến đây?", "Tôi mới là thiên kim thật của nhà họ Tô", "Tôi đã ký đơn ly hôn rồi",
      "Thiếu gia, lão phu nhân mời cậu về", "Tối nay tám giờ, chỗ cũ nhé"]


def srt(lines: list[str], *, start: int = 1000, step: int = 2500, length: int = 2000) -> str:
    out = []
    for i, text in enumerate(lines):
        a, b = start + i * step, start + i * step + length
        out.append(f"{i + 1}\n{ts(a)} --> {ts(b)}\n{text}\n")
    return "\n".join(out) + "\n"


def ts(ms: int, sep: str = ",") -> str:
    h, r = divmod(ms, 3_600_000)
    m, r = divmod(r, 60_000)
    s, r = divmod(r, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{r:03d}"


def cp1258_bytes(text: str) -> bytes:
    """Encode the way Windows' Vietnamese code page stores text: base letters plus combining tones."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tone = next(c for c in decomposed if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def write(name: str, data: bytes | str) -> None:
    (HERE / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def main() -> None:
    zh = srt(ZH)
    write("clean.srt", zh)
    write("utf8_bom.srt", b"\xef\xbb\xbf" + zh.encode())
    write("utf16le_bom.srt", zh.encode("utf-16"))  # Python writes LE with BOM
    write("utf16be_bom.srt", b"\xfe\xff" + zh.encode("utf-16-be"))
    write("gb18030.srt", zh.encode("gb18030"))
    write("big5.srt", srt(["顧總，少奶奶她……", "你敢！", "滾出去！", "這份合同，你簽不簽？", "三天之內，我要500萬",
                           "姐姐，你怎麼來了？", "我才是蘇家的真千金", "離婚協議我已經簽好了", "少爺，老夫人請您回去",
                           "今晚8點，老地方見"]).encode("big5"))
    write("cp874.srt", srt(TH).encode("cp874"))
    write("cp1258.srt", cp1258_bytes(srt(VI)))
    write("crlf.srt", zh.replace("\n", "\r\n"))
    write("cr_only.srt", zh.replace("\n", "\r"))
    lines = zh.split("\n")
    write("mixed_newlines.srt", "".join(line + ("\r\n" if i % 3 == 0 else "\r" if i % 3 == 1 else "\n")
                                        for i, line in enumerate(lines[:-1])))
    write("no_final_newline.srt", zh.rstrip("\n"))
    write("missing_index.srt", "1\n00:00:01,000 --> 00:00:02,000\n第一句\n\n00:00:03,000 --> 00:00:04,000\n"
                               "没有编号的一句\n\n3\n00:00:05,000 --> 00:00:06,000\n第三句\n")
    write("nonsequential.srt", "7\n00:00:01,000 --> 00:00:02,000\n第一句\n\n3\n00:00:03,000 --> 00:00:04,000\n"
                               "第二句\n\n3\n00:00:05,000 --> 00:00:06,000\n第三句\n")
    write("dot_ms.srt", "1\n00:00:01.000 --> 00:00:02.500\n句号分隔毫秒\n\n2\n00:00:03.250 --> 00:00:04.000\n第二句\n")
    write("one_digit_hours.srt", "1\n0:00:01,000 --> 0:00:02,500\n一位小时\n\n2\n1:02:03,004 --> 1:02:04,000\n第二句\n")
    write("hours_over_99.srt", "1\n99:59:59,000 --> 100:00:01,500\n超过九十九小时\n\n2\n123:00:00,000 --> 123:00:02,000\n第二句\n")
    write("arrow_in_text.srt", "1\n00:00:01,000 --> 00:00:02,000\nA --> B 是箭头\n\n2\n00:00:03,000 --> 00:00:04,000\n--> 开头也是\n")
    write("number_only_line.srt", "1\n00:00:01,000 --> 00:00:02,000\n倒计时\n3\n\n2\n00:00:03,000 --> 00:00:04,000\n2\n\n"
                                  "3\n00:00:05,000 --> 00:00:06,000\n倒计时\n1\n")
    write("blank_line_in_cue.srt", "1\n00:00:01,000 --> 00:00:03,000\n第一行\n\n空行之后的文字\n\n2\n00:00:04,000 --> 00:00:05,000\n"
                                   "第二句\n")
    write("empty_cue.srt", "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\n有字的一句\n")
    write("glued_cues.srt", "1\n00:00:01,000 --> 00:00:02,000\n少了空行\n2\n00:00:03,000 --> 00:00:04,000\n第二句\n")
    write("markup.srt", "1\n00:00:01,000 --> 00:00:02,000\n<i>斜体</i> <b>粗体</b> <u>下划线</u>\n\n"
                        "2\n00:00:03,000 --> 00:00:04,000\n<font color=\"#ffff00\">黄色</font> &amp; 更多\n\n"
                        "3\n00:00:05,000 --> 00:00:06,000 X1:100 X2:600 Y1:20 Y2:80\n{\\an8}（顾氏集团 总裁办公室）\n\n"
                        "4\n00:00:07,000 --> 00:00:08,000\n  前后有空格  \n\n")
    write("not_subtitles.srt", "# Release notes\n\nThis is <b>markdown</b> with HTML, not subtitles.\n\n- item\n")
    write("binary.srt", bytes(range(256)) * 4)
    write("broken_timestamp.srt", "1\n00:00:01,000 --> 00:00:02,000\n好\n\n2\n00:00:0x,000 --> 00:00:04,000\n坏的时间\n")
    write("negative_timestamp.srt", "1\n-00:00:01,000 --> 00:00:02,000\n负数时间\n")
    write("two_digit_ms.srt", "1\n00:00:01,50 --> 00:00:02,000\n两位毫秒\n")
    write("empty.srt", b"")
    write("bad_signature.vtt", "WEBVTTX\n\n00:00:01.000 --> 00:00:02.000\n坏的签名\n")
    write("no_hours.vtt", "WEBVTT\n\n00:01.000 --> 00:02.500\n没有小时\n\n01:03.000 --> 01:04.000\n第二句\n")
    write("vtt_blank_line_in_cue.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n\nworld\n")
    write("vtt_bad_timing.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n好\n\n00:00:60.000 --> 00:01:02.000\n坏\n")
    write("full.vtt", (
        "WEBVTT - 闪婚总裁的替身新娘 第1集\n"
        "X-TIMESTAMP-MAP=LOCAL:00:00:00.000,MPEGTS:900000\n"
        "Language: zh-Hans\n\n"
        "NOTE Vertical 9:16 preset social-burnin\n\n"
        "STYLE\n::cue { font-family: \"Noto Sans SC\", sans-serif; }\n::cue(.yellow) { color: yellow; }\n\n"
        "REGION\nid:top width:72% lines:2 regionanchor:50%,0% viewportanchor:50%,12%\n\n"
        "NOTE\nA comment\nof two lines\n\n"
        "e01-001\n00:00:01.000 --> 00:00:02.500 line:65%,end position:50%,center size:72% align:center\n"
        "<v 苏晚>你敢！</v>\n\n"
        "e01-002\n00:00:02.600 --> 00:00:04.000 line:12% position:50%,center size:72% align:center\n"
        "（顾氏集团 总裁办公室）\n\n"
        "NOTE between cues\n\n"
        "00:00:04.500 --> 00:00:06.000 region:top\n<c.yellow>黄色</c> &amp; <b>粗</b> <i>斜</i> <u>下</u>\n"
        "<ruby>总裁<rt>zǒngcái</rt></ruby>\n\n"
        "e01 last\n00:00:06.100 --> 00:00:07.000\n– 你来了？\n– 嗯\n\n"
        "NOTE footer\n"))


if __name__ == "__main__":
    main()
