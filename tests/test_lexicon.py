"""subloc's own segmenters on the wheels' dictionaries (issue 16, speed of check): they judge line breaks as
jieba and PyThaiNLP newmm do on dialogue written for this test, and the dictionary cache is built once,
reused, rebuilt when the dictionary changes or the file is damaged, and never needed."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from subloc import lexicon
from subloc.scripts import (_BREAK_WINDOW, _ZH_WINDOW, is_han, is_thai, thai_break_splits_word, thai_words,
                            zh_break_splits_word, zh_words)

DATA = Path(__file__).parent / "data" / "lang"


def _lines(name: str) -> list[str]:
    return [line for line in (DATA / name).read_text("utf-8").splitlines() if line and not line.startswith("#")]


def _inside(tokens: list[str], position: int) -> str | None:
    offset = 0
    for token in tokens:
        if offset < position < offset + len(token):
            return token
        offset += len(token)
    return None


def _report(disagreements: list[str], positions: int) -> str:
    return f"{len(disagreements)} of {positions} break judgements differ:\n" + "\n".join(disagreements[:60])


def test_chinese_break_judgements_agree_with_jieba() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    positions, differ, same_lines = 0, [], 0
    lines = _lines("zh_dialogue.txt")
    for line in lines:
        same_lines += zh_words(line) == jieba.lcut(line)
        for cut in range(1, len(line)):
            left, right = line[:cut], line[cut:]
            if not (is_han(left[-1]) and is_han(right[0])):
                continue
            positions += 1
            a, b = left[-_ZH_WINDOW:], right[:_ZH_WINDOW]
            theirs = _inside(jieba.lcut(a + b), len(a))  # subloc always asked jieba as lcut does: HMM on
            ours = zh_break_splits_word(left, right)
            if ours != theirs:
                differ.append(f"{left}|{right}: jieba {theirs!r}, subloc {ours!r}")
    assert positions >= 1200
    assert len(differ) <= positions * 0.02, _report(differ, positions)
    assert same_lines >= len(lines) * 0.95
    # the HMM joins words the dictionary lacks, as jieba does: 廣場 (traditional), and names stay whole
    assert zh_words("我们明天去廣場吧") == ["我们", "明天", "去", "廣場", "吧"]
    assert zh_break_splits_word("我们明天去廣", "場吧") == "廣場"


def test_thai_break_judgements_agree_with_newmm() -> None:
    from pythainlp.corpus import thai_words as pythainlp_words
    from pythainlp.tokenize import word_tokenize

    dictionary = pythainlp_words()

    def newmm_judgement(left: str, right: str) -> str | None:
        """thai_break_splits_word as it was with PyThaiNLP: same window, pre-filter and joined-words rule."""
        a = left.rsplit(" ", 1)[-1][-_BREAK_WINDOW:]
        b = right.split(" ", 1)[0][:_BREAK_WINDOW]
        if not a or not b or not (is_thai(a[-1]) and is_thai(b[0])):
            return None
        text, position = a + b, len(a)
        if not any(text[i:j] in dictionary for i in range(position) for j in range(position + 1, len(text) + 1)):
            return None
        offset = 0
        for token in word_tokenize(text, engine="newmm", keep_whitespace=False):
            if offset < position < offset + len(token):
                cut = position - offset
                return None if token[:cut] in dictionary and token[cut:] in dictionary else token
            offset += len(token)
        return None

    positions, differ, same_lines = 0, [], 0
    lines = _lines("th_dialogue.txt")
    for line in lines:
        same_lines += thai_words(line) == word_tokenize(line, engine="newmm", keep_whitespace=False)
        for cut in range(1, len(line)):
            left, right = line[:cut], line[cut:]
            if not (is_thai(left[-1]) and is_thai(right[0])):
                continue
            positions += 1
            theirs, ours = newmm_judgement(left, right), thai_break_splits_word(left, right)
            if ours != theirs:
                differ.append(f"{left}|{right}: newmm {theirs!r}, subloc {ours!r}")
    assert positions >= 2500
    assert len(differ) <= positions * 0.02, _report(differ, positions)
    assert same_lines >= len(lines) * 0.95
    assert thai_words("ท่านประธานรออยู่ที่ห้องประชุมชั้นสิบสอง") == \
        ["ท่าน", "ประธาน", "รอ", "อยู่", "ที่", "ห้องประชุม", "ชั้น", "สิบสอง"]
    assert thai_break_splits_word("ท่านประธานรออยู่ที่ห้องประ", "ชุมชั้นสิบสอง") == "ห้องประชุม"


def test_the_segmenters_give_jiebas_and_newmms_tokens_on_random_text() -> None:
    """Beyond dialogue: strings of common, rare and traditional characters (unknown words go to the HMM,
    where ties between states are decided as jieba decides them) and of Thai words glued to stray
    names, digits and Latin text (newmm's unknown-run rule)."""
    import logging
    import random

    import jieba
    from pythainlp.tokenize import word_tokenize

    jieba.setLogLevel(logging.WARNING)
    rng = random.Random(16)
    common = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心" \
             "学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方廣場門見麼們個來"
    rare = [chr(c) for c in range(0x4E00, 0x9FD6, 37)]
    differ = []
    for _ in range(600):
        size = rng.randint(1, 14)
        text = "".join(rng.choice(rare) if rng.random() < 0.3 else rng.choice(common) for _ in range(size))
        if rng.random() < 0.2:
            text = text[:3] + "8点" + text[3:] + "OK，"
        if zh_words(text) != jieba.lcut(text):
            differ.append(f"{text}: jieba {jieba.lcut(text)}, subloc {zh_words(text)}")
    thai = [line for line in _lines("th_dialogue.txt")]
    pieces = [w for line in thai for w in word_tokenize(line, engine="newmm", keep_whitespace=False)]
    for _ in range(600):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 5))]
        for _ in range(rng.randint(0, 2)):
            parts.insert(rng.randint(0, len(parts)),  # well-formed text: names, ๆ, numbers, Latin
                         rng.choice(["เสี่ยว", "อวี่", "ซ่ง", "กู้", "ๆ", "OK", "2,500", " ", "ฯ", "VIP", "หลิน"]))
        text = "".join(parts)
        theirs = word_tokenize(text, engine="newmm", keep_whitespace=False)
        if thai_words(text) != theirs:
            differ.append(f"{text}: newmm {theirs}, subloc {thai_words(text)}")
    assert len(differ) <= 6, "\n".join(differ)  # none today; Thai character clusters are approximated


def test_the_chinese_break_judgement_is_the_windows_segmentation() -> None:
    """zh_break_splits_word works out only the break's block, route and run of single characters: on
    dialogue breaks and 4,000 random windows (common, rare and traditional characters, digits, Latin,
    punctuation) it names exactly the token of zh_words(window) that holds the break."""
    import random

    rng = random.Random(29)
    common = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然于心" \
             "学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方廣場門見麼們個來"
    rare = [chr(c) for c in range(0x4E00, 0x9FD6, 37)] + ["\u3400", "\u9fe0", "\uf900"]
    other = ["8", "OK", "，", " ", "500万", "A.", "%", "……", "！"]
    cases = [(line[:cut], line[cut:]) for line in _lines("zh_dialogue.txt") for cut in range(1, len(line))]
    for _ in range(4000):
        def piece() -> str:
            return "".join(rng.choice(other) if rng.random() < 0.1 else rng.choice(rare) if rng.random() < 0.25
                           else rng.choice(common) for _ in range(rng.randint(1, 10)))
        cases.append((piece(), piece()))
    judged = 0
    for left, right in cases:
        a, b = left[-_ZH_WINDOW:], right[:_ZH_WINDOW]
        want = _inside(zh_words(a + b), len(a)) if is_han(a[-1]) and is_han(b[0]) else None
        assert zh_break_splits_word.__wrapped__(left, right) == want, (left, right)
        judged += want is not None
    assert judged > 300


def test_vietnamese_syllables_are_the_runs_of_letters() -> None:
    """_syllable_spans takes a word of letters whole and sends any other word to the regex: the spans are
    the regex's on the dialogue lines and on text with punctuation, digits, tabs, non-breaking and double
    spaces, combining marks (NFD), superscripts and underscores."""
    import random
    import unicodedata

    from subloc.scripts import _VI_SYLLABLE, _syllable_spans

    rng = random.Random(5)
    lines = [line.replace("_", " ") for line in _lines("vi_words.txt")]
    pieces = [s for line in lines for s in line.split()] + [
        "anh,", "“Cô", "ta”", "…", "5", "10.000", "x²", "½", "a_b", "Bà\tnội", "cô\u00a0ta", "", "H'Mông",
        unicodedata.normalize("NFD", "thiếu"), "A1", "(anh)", "—"]
    texts = lines + [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(3000)]
    for text in texts:
        assert _syllable_spans(text) == [m.span() for m in _VI_SYLLABLE.finditer(text)], text


def test_the_vietnamese_break_asks_only_the_phrases_that_cross_it() -> None:
    """_vi_dictionary_crosses asks the dictionary only about the phrases over one space: on every space of
    the dialogue lines (and of random windows of their syllables, with punctuation and capitals) it says
    what the whole text's vi_dictionary_spaces says."""
    import random

    from subloc.scripts import _vi_dictionary_crosses, vi_dictionary_spaces

    rng = random.Random(31)
    lines = [line.replace("_", " ") for line in _lines("vi_words.txt")]
    syllables = [s for line in lines for s in line.split()] + ["Bà", "NỘI", "anh,", "“Cô", "ta”", "…", "5"]
    marked = ["tôi,", "sao?", "đi!", "nhé…", "rồi;", "vậy:", "anh.", "em-", "x_", "a²", "ừ,,", "à?!", "3,"]
    texts = lines + [" ".join(rng.choice(syllables) for _ in range(rng.randint(2, 9))) for _ in range(3000)]
    texts += [" ".join(rng.choice(syllables + marked * 8) for _ in range(rng.randint(2, 9))) for _ in range(3000)]
    # the dictionary's entries with a mark inside: a phrase over a break keeps the mark, as the whole text's
    texts += ["bổ nhậm, bổ nhiệm", "Ông ấy bổ nhậm, bổ nhiệm lại", "ba-trui, ba-tui nhé", "bậy nà! thật",
              "Hắn bẩy gan, bẩy ruột lắm", "Cả nhà sống tết, chết giỗ thôi", "Ông ấy nhà nát, bát vàng mà"]
    crossed = 0
    for text in texts:
        inside = vi_dictionary_spaces(text)
        for position, ch in enumerate(text):
            if ch == " ":
                assert _vi_dictionary_crosses(text, position) == (position in inside), (text, position)
                crossed += position in inside
    assert crossed > 300


def test_the_vietnamese_break_settled_by_its_pair_says_what_its_window_says() -> None:
    """vi_break_splits_word settles most breaks by the two words beside them before it builds the window;
    on every space of the dialogue lines and of random windows (capitals, marks, NFD text) its answer is
    the window's own."""
    import random
    import unicodedata

    from subloc.scripts import _VI_WINDOW, _vi_window_splits, vi_break_splits_word

    rng = random.Random(17)
    lines = [line.replace("_", " ") for line in _lines("vi_words.txt")]
    syllables = [s for line in lines for s in line.split()] + ["Bà", "NỘI", "Nhà", "họ", "Cố", "anh,", "sao?", "đi!"]
    texts = lines + [" ".join(rng.choice(syllables) for _ in range(rng.randint(2, 9))) for _ in range(3000)]
    texts += [unicodedata.normalize("NFD", text) for text in texts[:300]]
    split = 0
    for text in texts:
        words = text.split(" ")
        for k in range(1, len(words)):
            left, right = " ".join(words[:k]), " ".join(words[k:])
            a, b = left.rstrip().split(" ")[-_VI_WINDOW:], right.lstrip().split(" ")[:_VI_WINDOW]
            direct = _vi_window_splits(" ".join(a), " ".join(b)) \
                if a[-1][-1:].isalpha() and b[0][:1].isalpha() else None
            assert vi_break_splits_word(left, right) == direct, (left, right)
            split += direct is not None
    assert split > 200


def test_every_dictionary_word_passes_the_pair_filter() -> None:
    """The crossing test first asks whether the two syllables beside a space stand side by side in any
    word (lexicon.vietnamese_pairs, and the reviewed compounds): every space inside every word of the
    dictionary (one in seven of Viet74K's, and every compound), in a line and with a mark after it, is
    still found crossed, at the word's first, middle and last spaces alike."""
    import unicodedata

    from subloc.lexicon import _source
    from subloc.scripts import VI_COMPOUNDS, _vi_dictionary_crosses

    source = _source("underthesea", "corpus", "data", "Viet74K.txt")
    assert source is not None
    with open(source, encoding="utf-8") as handle:
        words = [unicodedata.normalize("NFC", line.strip().lower()) for line in handle]
    words = [w for w in words if 2 <= w.count(" ") + 1 <= 4 and w.replace(" ", "").isalpha()][::7]
    words += sorted(VI_COMPOUNDS)
    checked = middle = 0
    for word in words:
        for text in (f"tôi nói {word} rồi", f"Vâng {word.capitalize()}!"):
            start = text.lower().find(word)
            for k, ch in enumerate(word):
                if ch == " ":
                    assert _vi_dictionary_crosses(text, start + k), (text, start + k)
                    checked += 1
                    middle += 0 < k and " " in word[:k] and " " in word[k + 1:]
    assert checked > 20_000 and middle > 500


def test_the_wheels_dictionaries_are_read() -> None:
    zh, th, vi = lexicon.chinese(), lexicon.thai(), lexicon.vietnamese()
    assert zh.get("明天") > 1000 and zh.get("会议室") > 0 and zh.extra["total"] > 60_000_000
    assert "明天" in zh and "明天天" not in zh
    assert "ห้องประชุม" in th and "ประธาน" in th and "ห้องประชุมชั้น" not in th and len(th) > 60_000
    assert "phẫu thuật" in vi and "phẫu" not in vi  # words of two to four syllables only
    ends = th.prefixes("ห้องประชุมชั้น")
    assert ends == sorted(ends) and {len("ห้อง"), len("ห้องประชุม")} <= set(ends)
    assert all("ห้องประชุมชั้น"[:end] in th for end in ends) and len("ห้องประชุมชั้น") not in ends


# --- the cache ---------------------------------------------------------------------------------------

WORDS = "กก\nกง\nกงการ\nคน\nคนไข้\n"


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "words_th.txt"
    path.write_text(WORDS, "utf-8")
    return path


def _load(path: Path) -> lexicon.Lexicon:
    return lexicon.load("th-test", str(path), lexicon._build_thai)


def _cache_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache" / "subloc"
    return sorted(folder.glob("th-test-*.marshal")) if folder.exists() else []


def test_the_cache_is_built_once_and_reused_without_reading_the_dictionary(source: Path, tmp_path: Path) -> None:
    first = _load(source)
    assert "คนไข้" in first and "คนไข" not in first
    [cached] = _cache_files(tmp_path)
    # The same size and modification time with other words: a second load must not read the source.
    stat = source.stat()
    source.write_text(WORDS.replace("คนไข้", "คนใช้"), "utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    second = _load(source)
    assert "คนไข้" in second and "คนใช้" not in second
    assert _cache_files(tmp_path) == [cached]


def test_the_cache_is_rebuilt_when_the_dictionary_changes(source: Path, tmp_path: Path) -> None:
    assert "ขอบคุณ" not in _load(source)
    [old] = _cache_files(tmp_path)
    source.write_text(WORDS + "ขอบคุณ\n", "utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 5_000_000_000))
    assert "ขอบคุณ" in _load(source)
    [new] = _cache_files(tmp_path)
    assert new != old  # the stale file is removed, not left to pile up


def test_the_caches_of_two_installations_are_both_kept(source: Path, tmp_path: Path) -> None:
    """Two virtual environments, each with its own word list (another path) or its own subloc (another
    format): each keeps its cache, and only its own older file or an older format's is removed."""
    other = tmp_path / "other-venv" / "words_th.txt"
    other.parent.mkdir()
    other.write_text(WORDS, "utf-8")
    _load(source)
    _load(other)
    both = _cache_files(tmp_path)
    assert len(both) == 2
    older = both[0].parent / both[0].name.replace(f"-v{lexicon.FORMAT}-", f"-v{lexicon.FORMAT - 1}-")
    newer = both[0].parent / both[0].name.replace(f"-v{lexicon.FORMAT}-", f"-v{lexicon.FORMAT + 1}-")
    older.write_bytes(b"a cache file of an older format")
    newer.write_bytes(b"a cache file of a newer subloc's format")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 5_000_000_000))
    _load(source)  # rebuilt: its own older file and the older format go; the other path's and the newer stay
    assert newer.exists() and not older.exists()
    newer.unlink()
    after = _cache_files(tmp_path)
    assert len(after) == 2
    assert len(set(after) & set(both)) == 1
    assert _load(other) is not None and _cache_files(tmp_path) == after


def test_an_unwritable_cache_folder_builds_in_memory(source: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    words = _load(source)
    assert "กงการ" in words and words.prefixes("กงการบ้าน") == [2, 5]
    assert blocker.read_text("utf-8") == "a file where the cache folder would be"


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", "truncated", "foreign"])
def test_a_damaged_cache_file_is_rebuilt(source: Path, tmp_path: Path, damage: bytes | str) -> None:
    _load(source)
    [cached] = _cache_files(tmp_path)
    good = cached.read_bytes()
    if damage == "truncated":
        cached.write_bytes(good[: len(good) // 2])
    elif damage == "foreign":
        cached.write_bytes(marshal.dumps({"not": "a lexicon"}))
    else:
        cached.write_bytes(damage)
    words = _load(source)
    assert "คนไข้" in words and "กงการ" in words
    assert lexicon._read_cache(str(cached)) is not None  # written again, whole


def test_the_vietnamese_crf_loaded_directly_segments_as_underthesea_does() -> None:
    """The segmenter is underthesea's CRF model run through underthesea_core, with subloc's tokenizer: on
    the dialogue lines and 2,000 windows salted with numbers, dates, abbreviations, emoticons and quotes it
    gives exactly underthesea's word_tokenize (without token normalisation)."""
    import random

    from underthesea.pipeline.word_tokenize import word_tokenize

    from subloc.scripts import _vi_crf_direct

    segment = _vi_crf_direct()
    assert segment is not None
    lines = [line.replace("_", " ") for line in _lines("vi_words.txt")]
    syllables = [s for line in lines for s in line.split()]
    salt = ["8", "10.000", "2.500.000", "3,5", "20/11", "20/11/2024", "08:30:00", "5-10", "4K", "Mr.", "Dr.", "Tp.",
            "…", "...", "!?", "“Cô", "ta”", "(anh)", "—", "-", "A.", "H'Mông", "e-mail", "100%", "OK", "v.v.", ":)",
            "T.Ư", "3x4", "cà-phê", "'", '"', "1/2", "20h", "ĐẠI", "tôi,", "sao?", "đi!", "vậy…", "rồi;", "nhé:",
            "ĐI.", "Tô,", "à?!", "A,", "x2,", "Mr,", "v,", ":D", ":,", "e\u0301,"]
    rng = random.Random(17)
    texts = lines + [" ".join(rng.choice(syllables + salt * 2) for _ in range(rng.randint(2, 10))) for _ in range(2000)]
    differ = [t for t in texts if segment(t) != word_tokenize(t, use_token_normalize=False)]
    assert not differ, differ[:5]


def test_vietnamese_words_and_their_marks_are_the_tokenizers_tokens_without_it() -> None:
    """_vi_tokens skips underthesea's tokenizer regex for words of letters with one trailing , ? ! … ; :
    and gives exactly its tokens, on the dialogue lines and on windows salted with every kind of token."""
    import random
    import unicodedata

    from subloc.patterns import compiled
    from subloc.scripts import _VI_TOKEN, _vi_tokens

    lines = [line.replace("_", " ") for line in _lines("vi_words.txt")]
    syllables = [s for line in lines for s in line.split()]
    salt = ["tôi,", "sao?", "đi!", "vậy…", "rồi;", "nhé:", "ĐI.", "A.", "Mr.", "Tô,", "à?!", "x2,", "3,5", "8", ":)",
            ":D", "e-mail", "H'Mông", "“Cô", "…", "?", ",", "", "cà-phê", "e\u0301,", "_a", "a_,", "²,", "Ⅻ,", "20",
            "3,", "08:", "08:30", "12:30:00", "1000!", "5…", "3x4", "4K", "20h", "2,5", "10.000", "20/11", "5-10", "٣",
            "٣,"]
    rng = random.Random(23)
    texts = lines + [" ".join(rng.choice(syllables + salt * 3) for _ in range(rng.randint(1, 9))) for _ in range(3000)]
    fast = 0
    for text in texts:
        text = unicodedata.normalize("NFC", text)
        assert _vi_tokens(text) == compiled(_VI_TOKEN).findall(text), text
        fast += all(w.isalpha() or w.isdigit() or (w[:-1].isalpha() and w[-1] in ",?!…;:")
                    for w in text.split(" ") if w)
    assert fast > 1000  # both ways are exercised


@pytest.mark.parametrize("damage", ["truncated", "not a model", "no dictionary"])
def test_an_unreadable_crf_model_falls_back_to_underthesea(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          damage: str) -> None:
    """A model file that cannot be read (cut short, not CRFsuite, its dictionary missing) is no error: the
    segmenter is underthesea's own function, with the same words."""
    import shutil

    from subloc import scripts

    real = lexicon._source("underthesea", "pipeline", "word_tokenize", "models", "ws_crf_vlsp2013_20230727",
                           "models.bin")
    assert real is not None
    folder = tmp_path / "model"
    shutil.copytree(Path(real).parent, folder)
    model = folder / "models.bin"
    if damage == "truncated":
        model.write_bytes(model.read_bytes()[:100_000])
    elif damage == "not a model":
        model.write_bytes(b"\x00" * 4096)
    else:
        (folder / "dictionary.bin").unlink()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(lexicon, "_source", lambda *parts: str(model))
    for cached in (lexicon.vietnamese_crf, scripts._vi_segmenter):
        cached.cache_clear()
    try:
        assert lexicon.vietnamese_crf() is None
        assert scripts._vi_crf_direct() is None
        assert scripts._vi_segmenter()("Ca phẫu thuật sẽ bắt đầu") == ["Ca", "phẫu thuật", "sẽ", "bắt đầu"]
    finally:
        for cached in (lexicon.vietnamese_crf, scripts._vi_segmenter):
            cached.cache_clear()


def test_judging_a_vietnamese_break_does_not_import_the_underthesea_package() -> None:
    """A break the dictionary cannot settle (cô ta is a dictionary phrase) asks the CRF, read from its model
    file without the underthesea package's imports (requests, joblib, its other pipelines: ~0.7 s) or
    underthesea_core's (its model load: ~0.3 s)."""
    import subprocess
    import sys

    code = ("import sys\nfrom subloc.linebreak import break_problem\n"
            "print(break_problem('Cô', 'ta chỉ là thư ký thôi', 'vi'), break_problem('Ca phẫu', 'thuật sẽ bắt đầu', 'vi'))\n"
            "print('underthesea' in sys.modules, 'underthesea_core' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith("None (") and "phẫu thuật" in out[0]
    assert out[1] == "False False"


def test_a_packed_bucket_answers_as_its_dict() -> None:
    """The CRF's buckets are packed (one str of strings, values unpacked when asked): every string of a
    bucket, and strings that are not in it (prefixes, extensions, separators, the empty string), get what
    the bucket's dict would give."""
    import marshal
    import random

    rng = random.Random(41)
    group: dict[str, object] = {}
    for k in range(300):
        word = " ".join(rng.choice(["cô", "ta", "không", "có", "Tô", "12", "x\u0301"]) for _ in range(rng.randint(1, 3)))
        group[word] = 1 if k % 3 == 0 else {rng.randint(-1, 40): rng.uniform(-5, 5) for _ in range(rng.randint(1, 6))}
    group = dict(sorted(group.items()))
    packed = lexicon._parse(marshal.dumps((*lexicon._pack(group), 9)))[0]
    asked = [*group, "", "c", "cô t", "cô ta không có", "\x00", "\x01", "ta\x01", "ta\x010", "cô\x00ta", "zz"]
    for word in asked:
        assert packed.get(word, 0) == group.get(word, 0), word
    assert sum(1 for value in packed.values() if value) == len(group)
