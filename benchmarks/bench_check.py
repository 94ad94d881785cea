"""`subloc check` on whole series of varied dialogue against reading the same files with pysrt.

    pip install -e '.[bench]' && python benchmarks/bench_check.py [--profile] [--instructions]

Series are generated into benchmarks/data/ (seed 7) from a grammar of micro-drama dialogue (who speaks
to whom, about what, with numbers, times and names), so almost no two lines repeat, as in a real
series: 90 episodes × 60 cues (5,400 cues) in Chinese (the source), in Thai (dictionary word
segmentation for line breaks) and in Vietnamese (syllables: dictionary, then CRF, for line breaks), a
Thai series checked against its Chinese source (X and G rules), and 1,340 episodes (80,400 cues) in
Chinese. The Vietnamese series (v3) is a draft as review meets it: sentences that fit the time on
screen when they can, broken where they balance best two times in three and at any space one time in
three, as machine translation and fansubs break them, so that its breaks reach the CRF as real ones
do (the v2 series broke every line at the same natural place, which no CRF ever judged, and ran 72%
of its cues over the line limit).

Three ways of timing, each against pysrt reading the same files the same way:

* in one process, warm: the check runs in this process with the default --jobs, one process and two,
  the median of 5 rounds after a warm-up round, the read and the checks taking turns in each round (and
  in CPU time, steadier than the wall clock when other people's work shares the cores). The warm-up
  fills the per-line caches (line-break judgements above all), as checking the same files twice in one
  process would;
* in a fresh process, first run: a new interpreter imports subloc (or pysrt), then times one check (or
  one read) of the series: every line-break judgement and word-list bucket is paid for, as a CLI run
  pays it (median of 5);
* whole processes: `python -m subloc check DIR --format json` (default --jobs and one process) against
  `python -c` reading the same files with pysrt, interpreter start included, taking turns, median of 7.
  Both with their bytecode compiled, as pip leaves an installed package (the environment's
  PYTHONDONTWRITEBYTECODE is dropped for these runs, and the warm-up run writes subloc's __pycache__).

``--instructions`` also counts the instructions of each whole process under valgrind (callgrind), a
measure the load of a shared machine does not move (slow: about 40 s a run).
Goals: checking costs at most 1.5× reading the files with pysrt in one process, at most 2× as whole
processes, and the default --jobs is never slower than one process.
``--profile`` prints where one in-process check of each 5,400-cue series spends its time (cProfile).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _gen import DATA, ts  # noqa: E402

import pysrt  # noqa: E402

from subloc.formats import expand_paths  # noqa: E402
from subloc.check import CheckOptions, _auto_jobs, check_paths  # noqa: E402

# --- a small grammar of micro-drama dialogue, in Chinese and in Thai ---------------------------------

ZH_WHO = ["顾总", "少奶奶", "苏小姐", "林少爷", "妈", "爸", "姐姐", "老夫人", "陈秘书", "王妈", "沈先生", "小雨", "哥",
          "宋医生", "周律师", "张经理", "林家", "苏家", "你", "我", "他", "她"]
ZH_DO = ["签了这份合同", "把离婚协议拿来", "去医院看外婆", "回苏家", "查清楚那天晚上的事", "把钱还给我", "离开这里",
         "嫁给顾家", "替她嫁过去", "把孩子带走", "给我一个解释", "跪下道歉", "把监控调出来", "去公司开会",
         "收下这张卡", "退出董事会", "搬出别墅", "取消订婚", "把项链还回来", "打电话给律师"]
ZH_WHEN = ["今晚{h}点", "明天早上", "三天之内", "{d}天后", "下个月", "现在", "马上", "周末之前", "{h}点以前", "刚才"]
ZH_MONEY = ["{n}万", "{n}块", "{n}亿", "{n}万块", "{n}元"]
ZH_TEMPLATES = [
    "{who}，你{when}必须{do}", "{when}{do}，不然后果自负", "{who}要我{do}？凭什么！", "我已经{do}了，{who}满意了吗？",
    "{who}给了我{money}，让我{do}", "你以为{money}就能让我{do}？", "{who}，求求你别{do}", "谁让你{do}的？",
    "{when}，我会亲自{do}", "{who}说得对，我们应该{do}", "{who}知道你{do}吗？", "别忘了，{when}要{do}",
    "{who}……", "{who}！", "什么？{who}{do}了？", "这是{money}，{when}之前{do}", "我不会{do}的，死也不会",
]
TH_WHO = ["ประธานกู้", "คุณนายน้อย", "คุณซู", "คุณชายหลิน", "แม่", "พ่อ", "พี่สาว", "คุณนายใหญ่", "เลขาเฉิน", "ป้าหวัง",
          "คุณเสิ่น", "เสี่ยวอวี่", "พี่ชาย", "หมอซ่ง", "ทนายโจว", "ผู้จัดการจาง", "ตระกูลหลิน", "ตระกูลซู", "คุณ", "ฉัน"]
TH_DO = ["เซ็นสัญญาฉบับนี้", "เอาใบหย่ามาให้ฉัน", "ไปเยี่ยมคุณยายที่โรงพยาบาล", "กลับบ้านตระกูลซู",
         "สืบเรื่องคืนนั้นให้ชัด", "คืนเงินให้ฉัน", "ออกไปจากที่นี่", "แต่งงานเข้าตระกูลกู้", "แต่งแทนเธอ",
         "พาลูกไป", "อธิบายให้ฉันฟัง", "คุกเข่าขอโทษ", "เปิดกล้องวงจรปิดดู", "ไปประชุมที่บริษัท", "รับบัตรใบนี้ไว้",
         "ลาออกจากคณะกรรมการ", "ย้ายออกจากคฤหาสน์", "ยกเลิกการหมั้น", "คืนสร้อยเส้นนั้นมา", "โทรหาทนาย"]
TH_WHEN = ["คืนนี้ {h} ทุ่ม", "พรุ่งนี้เช้า", "ภายในสามวัน", "อีก {d} วัน", "เดือนหน้า", "ตอนนี้", "เดี๋ยวนี้",
           "ก่อนสุดสัปดาห์", "ก่อน {h} โมง", "เมื่อกี้"]
TH_MONEY = ["{n} ล้าน", "{n} หมื่น", "{n} บาท", "{n} ล้านบาท"]
TH_TEMPLATES = [
    "{who} {when}\nคุณต้อง{do}", "{when}ต้อง{do}\nไม่งั้นอย่าหาว่าไม่เตือน", "{who}ให้ฉัน{do}เหรอ\nฝันไปเถอะ",
    "ฉัน{do}แล้ว\n{who}พอใจหรือยัง", "{who}ให้ฉัน {money}\nให้ฉัน{do}", "คิดว่า {money}\nจะทำให้ฉัน{do}ได้เหรอ",
    "{who} ขอร้องล่ะ\nอย่า{do}เลย", "ใครสั่งให้คุณ{do}", "{when}\nฉันจะ{do}เอง", "{who}พูดถูก\nเราควร{do}",
    "{who}รู้ไหม\nว่าคุณ{do}", "อย่าลืมนะ\n{when}ต้อง{do}", "{who}…", "{who}!", "อะไรนะ\n{who}{do}แล้วเหรอ",
    "นี่ {money}\n{when}ต้อง{do}", "ฉันไม่มีวัน{do}\nตายก็ไม่ทำ",
]
VI_WHO = ["Cố tổng", "thiếu phu nhân", "cô Tô", "cậu chủ Lâm", "mẹ", "bố", "chị gái", "lão phu nhân", "thư ký Trần",
          "dì Vương", "anh Thẩm", "Tiểu Vũ", "anh trai", "bác sĩ Tống", "luật sư Chu", "quản lý Trương", "nhà họ Lâm",
          "nhà họ Tô", "cô", "tôi"]
VI_DO = ["ký bản hợp đồng này", "mang đơn ly hôn tới đây", "vào bệnh viện thăm bà ngoại", "quay về nhà họ Tô",
         "điều tra rõ chuyện đêm hôm đó", "trả tiền lại cho tôi", "rời khỏi nơi này", "gả vào nhà họ Cố",
         "thay cô ấy gả đi", "đưa đứa bé đi", "giải thích cho tôi", "quỳ xuống xin lỗi", "mở camera giám sát ra xem",
         "đến công ty họp", "nhận tấm thẻ này", "rút khỏi hội đồng quản trị", "dọn ra khỏi biệt thự",
         "hủy bỏ hôn ước", "trả lại sợi dây chuyền", "gọi điện cho luật sư"]
VI_WHEN = ["tối nay lúc {h} giờ", "sáng mai", "trong vòng ba ngày", "{d} ngày nữa", "tháng sau", "bây giờ", "ngay lập tức",
           "trước cuối tuần", "trước {h} giờ", "vừa nãy"]
VI_MONEY = ["{n} triệu", "{n} tỷ", "{n} nghìn đồng", "{n} vạn tệ"]
VI_TEMPLATES = [
    "{who}, {when}\ncô nhất định phải {do}", "{when} phải {do},\nnếu không thì đừng trách tôi",
    "{who} bắt tôi {do} sao?\nNằm mơ đi!", "Tôi đã {do} rồi,\n{who} hài lòng chưa?", "{who} đưa tôi {money}\nđể tôi {do}",
    "Cô nghĩ {money}\nlà có thể bắt tôi {do} sao?", "{who}, tôi xin cô\nđừng {do}", "Ai cho phép cô {do}?",
    "{when},\ntôi sẽ tự mình {do}", "{who} nói đúng,\nchúng ta nên {do}", "{who} có biết\ncô {do} không?",
    "Đừng quên,\n{when} phải {do}", "{who}…", "{who}!", "Cái gì?\n{who} {do} rồi sao?",
    "Đây là {money},\n{when} phải {do}", "Tôi sẽ không bao giờ {do},\nchết cũng không",
]


def _fill(rng: random.Random, template: str, who: list[str], do: list[str], when: list[str], money: list[str]) -> str:
    return template.format(who=rng.choice(who), do=rng.choice(do),
                           when=rng.choice(when).format(h=rng.randint(1, 11), d=rng.randint(2, 9)),
                           money=rng.choice(money).format(n=rng.choice([3, 5, 20, 50, 100, 300, 500, 1000])))


def zh_line(rng: random.Random, duration_ms: int = 2000) -> str:
    """One cue of Chinese: a long sentence goes on two lines at its comma, as subtitlers break it."""
    text = _fill(rng, rng.choice(ZH_TEMPLATES), ZH_WHO, ZH_DO, ZH_WHEN, ZH_MONEY)
    head, comma, tail = text.partition("，")
    return f"{head}\n{tail}" if len(text) > 12 and comma and tail else text


def th_line(rng: random.Random, duration_ms: int = 2000) -> str:
    return _fill(rng, rng.choice(TH_TEMPLATES), TH_WHO, TH_DO, TH_WHEN, TH_MONEY)


def vi_line(rng: random.Random, duration_ms: int = 2000) -> str:
    """One cue of Vietnamese as a translator delivers it for vertical video: a sentence that fits the
    time on screen (at most 20 characters a second, two lines of 29; one of six tries that fits, else
    the shortest: some cues still run over, as in real files), on two lines when it is
    longer than one. Two times in three the break is the one that balances the lines best, after
    punctuation when one is near the middle; one time in three it is at any space, as machine
    translation and fansubs break lines: such breaks fall inside words (phẫu | thuật) and between words
    that read as one (cô | ta), which only the CRF settles."""
    budget = min(58, 20 * duration_ms // 1000)
    tries = [_fill(rng, rng.choice(VI_TEMPLATES), VI_WHO, VI_DO, VI_WHEN, VI_MONEY).replace("\n", " ")
             for _ in range(6)]
    fitting = [t for t in tries if len(t) <= budget]
    text = rng.choice(fitting) if fitting else min(tries, key=len)
    text = text[0].upper() + text[1:]
    spaces = [k for k, ch in enumerate(text) if ch == " "]
    if len(text) <= 25 or not spaces:
        return text
    if rng.random() < 1 / 3:
        cut = rng.choice(spaces)
    else:
        cut = min(spaces, key=lambda k: abs(len(text) - 2 * k) - (12 if text[k - 1] in ",?!." else 0))
    return f"{text[:cut]}\n{text[cut + 1:]}"


def make_series(name: str, episodes: int, make_line, lang: str, seed: int = 7) -> Path:  # type: ignore[no-untyped-def]
    """``episodes`` × 60 cues of generated dialogue; the same seed gives the same timings in every language."""
    folder = DATA / name
    if folder.exists():
        return folder
    folder.mkdir(parents=True)
    rng, text_rng = random.Random(seed), random.Random(f"{seed}-{lang}")
    for ep in range(1, episodes + 1):
        out, t = [], 600
        for i in range(1, 61):
            length = rng.randint(1400, 3200)
            out.append(f"{i}\n{ts(t, ',')} --> {ts(t + length, ',')}\n{make_line(text_rng, length)}\n")
            t += length + rng.choice([67, 83, 600, 1200])
        (folder / f"ep{ep:03d}.{lang}.srt").write_text("\n".join(out) + "\n", "utf-8")
    return folder


def interleaved(fns: list, runs: int = 5, cpu: bool = False) -> list[float]:  # type: ignore[type-arg]
    """Median seconds of each function, timed in turns (one round of each, ``runs`` rounds, after one
    warm-up round) so that a busy moment of a shared machine falls on all of them alike. ``cpu``: this
    process's CPU time instead of the wall clock (not counting the time it waits for a core)."""
    clock = time.process_time if cpu else time.perf_counter
    for fn in fns:
        fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for k, fn in enumerate(fns):
            start = clock()
            fn()
            samples[k].append(clock() - start)
    return [statistics.median(times) for times in samples]


# Subprocesses run as an installed package runs: with bytecode (pip compiles it at install).
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _run(args: list[str]):  # type: ignore[no-untyped-def]
    return lambda: subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_ENV)


_FIRST_READ = ("import sys, time, pathlib, pysrt\n"
               "files = [str(p) for p in sorted(pathlib.Path(sys.argv[1]).glob('*.srt'))]\n"
               "start = time.perf_counter(); [pysrt.open(f) for f in files]; print(time.perf_counter() - start)")
_FIRST_CHECK = ("import sys, time\nfrom subloc.check import CheckOptions, check_paths\n"
                "from subloc.formats import expand_paths\nfiles = expand_paths([sys.argv[1]])\n"
                "options = CheckOptions(source=sys.argv[2] if len(sys.argv) > 2 else None)\n"
                "start = time.perf_counter(); check_paths(files, options, jobs=1); print(time.perf_counter() - start)")


def first_runs(folder: Path, source: Path | None, rounds: int = 5) -> tuple[float, float]:
    """Median seconds of the first read (pysrt) and the first check (subloc, one process) in a fresh
    interpreter, imports done, taking turns."""
    extra = [str(source)] if source else []
    reads, checks = [], []
    for _ in range(rounds + 1):
        for code, out in ((_FIRST_READ, reads), (_FIRST_CHECK, checks)):
            done = subprocess.run([sys.executable, "-c", code, str(folder), *extra], capture_output=True, text=True,
                                  env=_ENV, check=True)
            out.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(reads[1:]), statistics.median(checks[1:])


def instructions(args: list[str]) -> int | None:
    """Instructions a whole process executes (valgrind's callgrind), or None without valgrind."""
    import re
    import shutil

    if not shutil.which("valgrind"):
        return None
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
                          capture_output=True, text=True, env=_ENV)
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


_REPEAT_READ = ("import sys, pathlib, pysrt\n"
                "files = [str(p) for p in sorted(pathlib.Path(sys.argv[1]).glob('*.srt'))]\n"
                "for _ in range(int(sys.argv[2])): [pysrt.open(f) for f in files]")
_REPEAT_CHECK = ("import sys\nfrom subloc.check import CheckOptions, check_paths\n"
                 "from subloc.formats import expand_paths\nfiles = expand_paths([sys.argv[1]])\n"
                 "for _ in range(int(sys.argv[2])): check_paths(files, CheckOptions(), jobs=1)")


def in_process_instructions(folder: Path) -> tuple[float, float, float, float] | None:
    """Instructions of a read and of a check in a process, the first and the second (warm): the difference
    between a process doing it once and not at all, and twice and once. (first read, second read, first
    check, second check), or None without valgrind. Six processes, two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    runs = [[sys.executable, "-c", code, str(folder), str(times)]
            for code in (_REPEAT_READ, _REPEAT_CHECK) for times in (0, 1, 2)]
    with ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(instructions, runs))
    if None in counts:
        return None
    read0, read1, read2, check0, check1, check2 = counts  # type: ignore[misc]
    return read1 - read0, read2 - read1, check1 - check0, check2 - check1


def profile(folder: Path, options: CheckOptions) -> None:
    import cProfile
    import pstats

    files = expand_paths([folder])
    check_paths(files, options, jobs=1)  # warm: dictionary loaded, rules imported
    profiler = cProfile.Profile()
    profiler.enable()
    check_paths(files, options, jobs=1)
    profiler.disable()
    print(f"\n## where one check of {folder.name} spends its time")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


def main() -> None:
    DATA.mkdir(exist_ok=True)
    zh = make_series("check-zh-90-v2", 90, zh_line, "zh-Hans")
    th = make_series("check-th-90-v2", 90, th_line, "th")
    vi = make_series("check-vi-90-v3", 90, vi_line, "vi")
    big = make_series("check-zh-1340-v2", 1340, zh_line, "zh-Hans")
    cases = [("Chinese source, 90 episodes", zh, CheckOptions()),
             ("Thai target, 90 episodes", th, CheckOptions()),
             ("Thai target against its source (X, G rules)", th, CheckOptions(source=str(zh))),
             ("Vietnamese target, 90 episodes", vi, CheckOptions()),
             ("Chinese source, 1,340 episodes", big, CheckOptions())]
    if "--profile" in sys.argv:
        for _, folder, options in cases[:4]:
            profile(folder, options)
        return
    counting = "--instructions" in sys.argv
    lines = {line for f in expand_paths([th]) for line in f.read_text("utf-8").splitlines()[2::4]}
    print(f"(Thai series: {len(lines):,} distinct first lines in 5,400 cues; load average {_load()})\n")
    print("In one process, warm (median of 5 rounds after a warm-up round):\n")
    print("| case | cues | pysrt read s | check, 1 process s | × | × in CPU time | check, default jobs s (workers) "
          "| × | check, 2 processes s | × |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for title, folder, options in cases:
        files = expand_paths([folder])
        read, one, auto, two = interleaved([lambda: [pysrt.open(str(f)) for f in files],
                                            lambda: check_paths(files, options, jobs=1),
                                            lambda: check_paths(files, options),
                                            lambda: check_paths(files, options, jobs=2)])
        read_cpu, one_cpu = interleaved([lambda: [pysrt.open(str(f)) for f in files],
                                         lambda: check_paths(files, options, jobs=1)], cpu=True)
        findings = sum(len(r.findings) for r in check_paths(files, options, jobs=1))
        print(f"| {title} | {len(files) * 60:,} | {read:.3f} | {one:.3f} | {one / read:.2f} | {one_cpu / read_cpu:.2f} "
              f"| {auto:.3f} "
              f"({_auto_jobs([str(f) for f in files])}) | {auto / read:.2f} | {two:.3f} | {two / read:.2f} |"
              f"   ({findings} findings)")
    print("\nIn a fresh process, the first check after the imports (median of 5, one process):\n")
    print("| case | pysrt read s | check s | × |")
    print("|---|---|---|---|")
    for title, folder, options in cases[:4]:
        read, check = first_runs(folder, Path(options.source) if options.source else None)
        print(f"| {title} | {read:.3f} | {check:.3f} | {check / read:.2f} |")
    if counting:
        print("\nIn one process, in instructions (valgrind; the same on a busy machine as on an idle one):\n")
        print("| case | pysrt read, first | check, first | × | pysrt read, again | check, again (warm) | × |")
        print("|---|---|---|---|---|---|---|")
        for title, folder, _ in cases[:4]:
            if title.startswith("Thai target against"):
                continue
            counted = in_process_instructions(folder)
            if counted:
                read_first, read_again, first_ir, warm_ir = counted
                print(f"| {title} | {read_first / 1e6:,.0f} M | {first_ir / 1e6:,.0f} M | {first_ir / read_first:.2f} "
                      f"| {read_again / 1e6:,.0f} M | {warm_ir / 1e6:,.0f} M | {warm_ir / read_again:.2f} |")
    print("\nWhole processes (interpreter start included; median of 7 after a warm-up run):\n")
    print("| series, 90 episodes | python + pysrt read ms | `subloc check` ms (default jobs) | × "
          "| `--jobs 1` ms | × | `--jobs 2` ms | × |" + (" instructions, read | check --jobs 1 | × |" if counting else ""))
    print("|---|---|---|---|---|---|---|---|" + ("---|---|---|" if counting else ""))
    for title, folder in (("Chinese", zh), ("Thai", th), ("Vietnamese", vi)):
        py_read = ("import pysrt, pathlib; "
                   f"[pysrt.open(str(p)) for p in sorted(pathlib.Path({str(folder)!r}).glob('*.srt'))]")
        check = [sys.executable, "-m", "subloc", "check", str(folder), "--format", "json"]
        read_cli, check_cli, serial_cli, two_cli = interleaved([_run([sys.executable, "-c", py_read]), _run(check),
                                                                _run([*check, "--jobs", "1"]),
                                                                _run([*check, "--jobs", "2"])], runs=7)
        row = (f"| {title} | {read_cli * 1000:.0f} | {check_cli * 1000:.0f} | {check_cli / read_cli:.2f} "
               f"| {serial_cli * 1000:.0f} | {serial_cli / read_cli:.2f} | {two_cli * 1000:.0f} | {two_cli / read_cli:.2f} |")
        if counting:
            read_ir = instructions([sys.executable, "-c", py_read])
            check_ir = instructions([*check, "--jobs", "1"])
            if read_ir and check_ir:
                row += f" {read_ir / 1e6:,.0f} M | {check_ir / 1e6:,.0f} M | {check_ir / read_ir:.2f} |"
        print(row)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"\n(cores available: {cores}; load average at the end {_load()})")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
