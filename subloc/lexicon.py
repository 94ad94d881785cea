"""Word lists for segmentation, ready in milliseconds: the dictionaries of the installed jieba, PyThaiNLP
and underthesea wheels, read from their package folders without importing the packages.

Importing jieba and loading its prefix dictionary costs about 2 s, building PyThaiNLP's trie of 62,000
words about 2 s: every `subloc check` of a real series paid that for a few break judgements. Here each
word list is read once, bucketed by its words' first two characters and written to the user cache
folder (``$XDG_CACHE_HOME/subloc`` or ``~/.cache/subloc``) as one file keyed by the source file's path,
size and modification time and a format version: an index, then the buckets (marshal). A later process
reads the index, maps the file and loads a bucket only when a lookup meets its two characters, so a
run pays for the beginnings of words it meets (a Chinese check: ~900 entries of jieba's 580,000). A
cache folder that cannot be written, or a damaged cache file, never fails a run: the list is built in
memory (and the file rewritten when possible).

* Chinese: jieba's ``dict.txt`` (word, frequency) and its HMM tables (finalseg: start, transition and
  emission log-probabilities), for :func:`subloc.scripts.zh_words`.
* Thai: PyThaiNLP's ``corpus/words_th.txt``, the list its newmm tokenizer uses.
* Vietnamese: underthesea's ``Viet74K.txt``, words of two to four syllables, lower-case NFC; and its
  word segmentation CRF (``models.bin``, a CRFsuite model, with the ``dictionary.bin`` its features look
  words up in), for :func:`subloc.scripts.vi_word_spaces`.
"""

from __future__ import annotations

import marshal
import mmap
import os
import unicodedata
import zlib
from array import array
from bisect import bisect_left
from functools import lru_cache
from typing import Callable, Iterator

FORMAT = 14  # bump when the cached layout changes


def _package_dir(name: str) -> str | None:
    """A package's folder without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return spec.submodule_search_locations[0] if spec and spec.submodule_search_locations else None


def cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "subloc")


class Lexicon:
    """Words bucketed by their first two characters (a one-character word by itself); a bucket is loaded
    on first use.

    A bucket maps each word to its value (jieba's frequency; 1 for a plain list). A value of 0 marks a
    prefix of longer words that is not itself a word (jieba's prefix dictionary: a route stops at the
    first fragment that is no entry). ``extra`` holds whatever else the list carries (jieba's total
    frequency, the HMM tables). Two characters, not one: a Chinese check meets ~150 first characters,
    whose buckets hold ~70,000 entries, but only ~130 two-character beginnings of words (~900 entries).
    A list filed by another rule (``bucket``: the Vietnamese ones, by first syllable) answers ``in`` and
    ``get``; the walks along a bucket (matches, crosses, prefixes) need the first-two-characters rule."""

    def __init__(self, buckets: dict[str, bytes] | _Blob, extra: dict | None = None,
                 bucket: Callable[[str], str] | None = None) -> None:
        self._raw = buckets  # first character → its group of buckets by second character (see _group)
        self._bucket = bucket  # the two characters a word is filed under, when not its first two
        self._groups: dict[str, tuple[str, array, memoryview]] = {}
        self._parsed: dict[str, tuple[dict[str, int], int, list[str]]] = {}
        self.extra = extra or {}
        self.derived: dict[str, object] = {}  # tables a user derives from this list, kept with it

    def _entry(self, key: str) -> tuple[dict[str, int], int, list[str]]:
        """The bucket of the words that start with ``key`` (one or two characters): (word → value, length
        of the longest, the words in code point order)."""
        got = self._parsed.get(key)
        if got is None:
            first = key[0]
            group = self._groups.get(first)
            if group is None:
                group = self._groups[first] = _ungroup(self._raw.get(first))
            seconds, ends, payload = group
            k = seconds.find(key[1:2] or _ONE)
            words, longest = _parse(payload[ends[k - 1] if k > 0 else 0:ends[k]] if k >= 0 else b"")
            if isinstance(words, tuple):  # a list without values: a dict only when a look-up asks (_values)
                got = self._parsed[key] = (None, longest, words)  # type: ignore[assignment]
            else:
                # (stored in code point order; a _Packed bucket is asked by get only)
                got = self._parsed[key] = (words, longest, list(words) if isinstance(words, dict) else [])
        return got

    def _values(self, key: str) -> dict[str, int]:
        words, longest, ordered = self._entry(key)
        if words is None:
            words = dict.fromkeys(ordered, 1)
            self._parsed[key] = (words, longest, ordered)
        return words

    def bucket_of(self, key: str) -> dict[str, int]:
        """The entries that start with ``key`` (one or two characters), with their values."""
        return self._values(key)

    def get(self, word: str, default: int = 0) -> int:
        if not word:
            return default
        return self._values(self._bucket(word) if self._bucket else word[:2]).get(word, default)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        key = self._bucket(word) if self._bucket else word[:2]
        parsed = self._parsed.get(key)  # (the bucket's dict at hand: two calls fewer on a hot path)
        words = parsed[0] if parsed is not None else None
        return bool((words if words is not None else self._values(key)).get(word))

    def matches(self, text: str, start: int = 0) -> list[tuple[int, int]]:
        """(end offset, value) of each word of this list starting at ``text[start]``, shortest first.

        A walk along the sorted bucket (a trie's walk): it stops as soon as no word starts with the
        text read so far, so a Thai bucket's 40-letter words cost nothing at a 3-letter word."""
        out = []
        single = self.get(text[start])
        if single:
            out.append((start + 1, single))
        if start + 1 >= len(text):
            return out
        words, longest, ordered = self._entry(text[start:start + 2])
        size = len(ordered)
        k = 0
        for end in range(start + 2, min(len(text), start + longest) + 1):
            frag = text[start:end]
            k = bisect_left(ordered, frag, k)
            if k == size or not ordered[k].startswith(frag):
                break
            if ordered[k] == frag and (words is None or words[frag]):
                out.append((end, 1 if words is None else words[frag]))
        return out

    def crosses(self, text: str, position: int) -> bool:
        """Whether a word of this list starts before ``position`` in ``text`` and ends after it."""
        n = len(text)
        entry, parsed = self._entry, self._parsed.get
        for start in range(position):
            key = text[start:start + 2]  # a crossing word has two characters or more
            words, longest, ordered = parsed(key) or entry(key)
            if start + longest <= position:
                continue
            # a crossing word begins with the text from here to one past the break
            frag = text[start:position + 1]
            k = bisect_left(ordered, frag)
            if k == len(ordered) or not ordered[k].startswith(frag):
                continue
            if ordered[k] == frag and (words is None or words[frag]):
                return True
            for end in range(position + 2, min(n, start + longest) + 1):
                frag = text[start:end]
                k = bisect_left(ordered, frag, k)
                if k == len(ordered) or not ordered[k].startswith(frag):
                    break
                if ordered[k] == frag and (words is None or words[frag]):
                    return True
        return False

    def prefixes(self, text: str, start: int = 0) -> list[int]:
        """End offsets of the words of this list that start at ``text[start]``, shortest first."""
        return [end for end, _ in self.matches(text, start)]

    def __len__(self) -> int:
        """The number of words (prefixes that are no word not counted)."""
        total = 0
        for raw in self._raw.values():
            _, ends, payload = _ungroup(raw)
            for k in range(len(ends)):
                words = _parse(payload[ends[k - 1] if k else 0:ends[k]])[0]
                total += len(words) if isinstance(words, tuple) else sum(1 for value in words.values() if value)
        return total


_ONE = "\0"  # the "second character" of a one-character word's bucket in a group


def _group(buckets: dict[str, bytes]) -> bytes:
    """A first character's buckets as one blob: the length of the header (4 bytes, little-endian), the
    header (marshal: the second characters in code point order as one string, and where each bucket
    ends), then the buckets. A lookup reads the header and the one bucket it needs: loading a whole
    group of {second character: bucket} cost a Chinese check 1.8 MB of marshal for 1,000 entries."""
    seconds = sorted(buckets, key=lambda second: second or _ONE)
    ends, end = array("I"), 0
    for second in seconds:
        end += len(buckets[second])
        ends.append(end)
    header = marshal.dumps(("".join(second or _ONE for second in seconds), ends.tobytes()))
    return len(header).to_bytes(4, "little") + header + b"".join(buckets[second] for second in seconds)


def _ungroup(raw: bytes | memoryview | None) -> tuple[str, array, memoryview]:
    """(second characters, bucket ends, buckets) of a group made by _group; an empty group for None."""
    if not raw:
        return "", array("I"), memoryview(b"")
    view = memoryview(raw)
    size = int.from_bytes(view[:4], "little")
    seconds, raw_ends = marshal.loads(view[4:4 + size])
    ends = array("I")
    ends.frombytes(raw_ends)
    return seconds, ends, view[4 + size:]


def _parse(raw: bytes | memoryview) -> tuple[dict[str, int] | tuple[str, ...], int]:
    """A bucket: its words (in code point order) with their values, or for a list without values the words
    alone (a tuple: no dict to build for a bucket only walked by bisection), and the length of the
    longest word. One marshal load, in C: parsing text per word cost ~1,300 instructions a word, and a
    Chinese check meets ~150 buckets of up to 20,000 entries."""
    if not raw:
        return {}, 0
    loaded = marshal.loads(raw)
    if len(loaded) == 3:  # a packed bucket (see _Packed)
        return _Packed(loaded[0], loaded[1]), loaded[2]  # type: ignore[return-value]
    words, longest = loaded
    return words, longest


class _Packed:
    """A bucket of strings with values that are mostly never asked for (the CRF's: ~57 feature strings a
    bucket, of which a check asks a few): its strings as one str, each followed by the index of its value,
    and the values, weights packed as bytes. Loading it makes three objects, not a str and a dict a
    string (13.4 -> 1.3 ms for the 205 buckets of the Vietnamese benchmark); ``get`` finds a string in the
    str (in C) and unpacks its value then."""

    def __init__(self, keys: str, values: tuple[int | bytes, ...]) -> None:
        self._keys, self._values = keys, values

    def get(self, word: str, default: object = None) -> object:
        at = self._keys.find(f"\x00{word}\x01")
        if at < 0:
            return default
        start = at + len(word) + 2
        value = self._values[int(self._keys[start:self._keys.index("\x00", start)])]
        if type(value) is not bytes:
            return value
        pairs = array("d")
        pairs.frombytes(value)
        return dict(zip(map(int, pairs[0::2]), pairs[1::2]))

    def values(self) -> tuple[int | bytes, ...]:
        return self._values


def _pack(group: dict[str, object]) -> tuple[str, tuple[int | bytes, ...]]:
    """A bucket as _Packed reads it: values that are dicts of int -> float packed as (key, value) doubles."""
    values: list[int | bytes] = []
    for value in group.values():
        if isinstance(value, dict):
            pairs = array("d")
            for number, weight in value.items():
                pairs.extend((number, weight))
            values.append(pairs.tobytes())
        else:
            values.append(value)  # type: ignore[arg-type]
    keys = "".join(f"\x00{word}\x01{k}" for k, word in enumerate(group)) + "\x00"
    return keys, tuple(values)


# --- building -------------------------------------------------------------------------------------

def _bucketed(words: dict[str, int], with_values: bool,
              bucket: Callable[[str], str] | None = None, packed: bool = False) -> dict[str, bytes]:
    """{first character: its buckets by second character ("" for the one-character word), marshalled;
    each bucket marshalled too (see _parse)}. Bytes: the cache file loads as bytes, and only what a run
    meets is loaded. A list without values keeps its words only (every word is worth 1). ``bucket``:
    the two characters a word is filed under, when not its first two (see syllable_bucket). ``packed``:
    the buckets are _Packed (values looked up by ``get`` only)."""
    grouped: dict[str, dict[str, dict[str, int]]] = {}
    for word in sorted(words):
        key = bucket(word) if bucket else word[:2]
        grouped.setdefault(key[0], {}).setdefault(key[1:2], {})[word] = words[word] if with_values else 1

    def dump(group: dict[str, int]) -> bytes:
        longest = max(map(len, group))
        if packed:
            return marshal.dumps((*_pack(group), longest))  # type: ignore[arg-type]
        return marshal.dumps((group if with_values else tuple(group), longest))

    return {first: _group({second: dump(group) for second, group in seconds.items()})
            for first, seconds in grouped.items()}


def _build_chinese(path: str) -> tuple[dict[str, bytes], dict]:
    import ast

    freqs: dict[str, int] = {}
    total = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.strip().split(" ")
            if len(parts) < 2 or not parts[0]:
                continue
            freq = int(parts[1])
            total += freq
            freqs[parts[0]] = freq  # as jieba: a repeated word keeps its last frequency
    for word in list(freqs):  # jieba's prefix dictionary: every prefix of a word is an entry, 0 if no word
        for end in range(1, len(word)):
            freqs.setdefault(word[:end], 0)
    folder = os.path.join(os.path.dirname(path), "finalseg")
    hmm = {}
    for name in ("start", "trans", "emit"):
        with open(os.path.join(folder, f"prob_{name}.py"), encoding="utf-8") as handle:
            text = handle.read()
        hmm[name] = ast.literal_eval(text[text.index("P=") + 2:].strip())
    # emission log-probabilities as one array of doubles, four (B, M, E, S) per character of emit_chars:
    # marshal loads 7,000 tuples of floats in 6 ms and this in a fraction of one
    chars = "".join(sorted(set().union(*(table.keys() for table in hmm["emit"].values()))))
    emit = array("d", (hmm["emit"][state].get(ch, _MIN_FLOAT) for ch in chars for state in "BMES"))
    return _bucketed(freqs, True), {"total": total, "start": hmm["start"], "trans": hmm["trans"],
                                    "emit_chars": chars, "emit": emit.tobytes()}


_MIN_FLOAT = -3.14e100


def _build_thai(path: str) -> tuple[dict[str, bytes], dict]:
    with open(path, encoding="utf-8-sig") as handle:
        words = dict.fromkeys((line.strip() for line in handle.read().splitlines()), 1)  # as PyThaiNLP's trie
    words.pop("", None)
    return _bucketed(words, False), {}


def _viet74k_words(path: str) -> Iterator[str]:
    """Viet74K's words of two to four syllables, lower-case NFC."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = unicodedata.normalize("NFC", line.strip().lower())
            if 2 <= line.count(" ") + 1 <= 4:
                yield line


def _build_vietnamese(path: str) -> tuple[dict[str, bytes], dict]:
    return _bucketed(dict.fromkeys(_viet74k_words(path), 1), False, syllable_bucket), {}


def _build_vietnamese_pairs(path: str) -> tuple[dict[str, bytes], dict]:
    """Every two neighbouring syllables of _build_vietnamese's words, as the word's text from the first's
    start to the second's end ("phẫu thuật"; "nhậm, bổ" of "bổ nhậm, bổ nhiệm"). Syllables are runs of
    letters, as the Vietnamese break judgement reads them (scripts._VI_SYLLABLE). A phrase over a space
    holds the two syllables beside that space, so a break whose two syllables are no entry here lies
    inside no dictionary word (four windows in five of the benchmark series)."""
    import re

    syllable = re.compile(r"[^\W\d_]+")
    pairs = {}
    for word in _viet74k_words(path):
        runs = [match.span() for match in syllable.finditer(word)]
        for (start, _), (_, end) in zip(runs, runs[1:]):
            pairs[word[start:end]] = 1
    return _bucketed(pairs, False, syllable_bucket), {}


def _cqdb_strings(data: bytes, offset: int) -> list[str]:
    """The strings of a CRFsuite string database (CQDB chunk at ``offset``), by id: its backward array
    holds each id's record (id, key size, key with its NUL), offsets from the chunk's start."""
    import struct

    if data[offset:offset + 4] != b"CQDB":
        raise ValueError("not a CQDB chunk")
    count, backward = struct.unpack_from("<2I", data, offset + 16)
    out = []
    for k in range(count):
        (record,) = struct.unpack_from("<I", data, offset + backward + 4 * k)
        key_id, size = struct.unpack_from("<2I", data, offset + record)
        if key_id != k or size < 1:
            raise ValueError("damaged CQDB record")
        out.append(data[offset + record + 8:offset + record + 7 + size].decode("utf-8"))
    return out


def _build_vietnamese_crf(path: str) -> tuple[dict[str, bytes], dict]:
    """underthesea's word segmentation CRF from its CRFsuite model file (``models.bin``: a 48-byte header,
    the FEAT chunk of 20-byte features (type, source, target, weight), then the labels' and the
    attributes' string databases) and the feature templates and dictionary beside it (pickles the wheel
    ships: a list of names and a set of words), as a lexicon keyed by what a feature sees:

    * a token, a lower-cased token or a run of two or three tokens ("anh ấy"), or True, False, BOS,
      EOS → {template: weight of I-W less the weight of B-W} for each template it fires with (two labels:
      only the difference decides a Viterbi path, every path pays each position's B-W weight once);
    * a lower-cased run that is a dictionary word also carries ``-1: 1.0`` (the is_in_dict features); a
      dictionary word no feature sees is 1.

    ``extra``: the template names in the model's order and the transition weights. The strings are
    filed by their first syllable (syllable_bucket): a check that asks the CRF about a few hundred
    breaks reads a few hundred buckets of ~30 strings, not the 5 MB model (loading it through
    underthesea_core took ~0.3 s), nor the buckets of their first two letters (th, ch, tr…: up to
    4,600 strings each, 41,000 of the 85,000 for 1,443 strings looked up)."""
    import pickle
    import struct

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        magic, _, kind, _, _, labels_count, _, features_at, labels_at, attributes_at = struct.unpack_from(
            "<4sI4s7I", data)
        if magic != b"lCRF" or kind != b"FOMC" or data[features_at:features_at + 4] != b"FEAT":
            raise ValueError(f"{path}: not a CRFsuite model")
        labels, attributes = _cqdb_strings(data, labels_at), _cqdb_strings(data, attributes_at)
        (count,) = struct.unpack_from("<I", data, features_at + 8)
        inside, begin = labels.index("I-W"), labels.index("B-W")
        weights: dict[str, float] = {}
        transitions = [[0.0] * labels_count for _ in range(labels_count)]
        for k in range(count):
            feature, source, target, weight = struct.unpack_from("<3Id", data, features_at + 12 + 20 * k)
            if feature == 0 and target in (inside, begin):  # a state feature: attribute → label
                name = attributes[source]
                weights[name] = weights.get(name, 0.0) + (weight if target == inside else -weight)
            elif feature == 1:
                transitions[source][target] += weight
    except (struct.error, IndexError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: not a CRFsuite model ({error})") from error
    folder = os.path.dirname(path)
    try:
        with open(os.path.join(folder, "features.bin"), "rb") as handle:
            templates = list(pickle.load(handle))  # (the wheel's own files, as importing it would run)
        with open(os.path.join(folder, "dictionary.bin"), "rb") as handle:
            dictionary = pickle.load(handle)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError) as error:
        raise ValueError(f"{folder}: unreadable features or dictionary ({error})") from error
    number = {name: k for k, name in enumerate(templates)}
    entries: dict[str, dict[int, float] | int] = {}
    for name, weight in weights.items():
        template, _, seen = name.partition("=")
        if template in number and seen:
            entries.setdefault(seen, {})[number[template]] = weight
    for word in dictionary:
        if isinstance(word, str) and word:
            entry = entries.setdefault(word, 1)  # a word no feature sees: 1, not a dict (cheaper to load)
            if entry != 1:
                entry[-1] = 1.0
    order = [begin, inside]
    return _bucketed(entries, True, syllable_bucket, packed=True), {"templates": templates,  # type: ignore[arg-type]
                                      "transitions": [[transitions[a][b] for b in order] for a in order]}


def syllable_bucket(text: str) -> str:
    """The two characters a string of the Vietnamese lists (Viet74K, the CRF's) is filed under: its first
    character and a character for its first syllable (the sum of its code points, folded into 509
    values; different syllables may share a bucket). In a check, the strings looked up begin with ~200
    syllables; by first two letters they would load the buckets of th, ch, tr… whole."""
    syllable = text.partition(" ")[0]
    return text[0] + chr(0x100 + sum(map(ord, syllable)) % 509)


# --- the cache --------------------------------------------------------------------------------------

def _cache_file(name: str, source: str) -> str | None:
    try:
        stat = os.stat(source)
    except OSError:
        return None
    # (zlib's CRC, not hashlib: importing hashlib loads OpenSSL, ~6 ms of every process)
    key = f"{zlib.crc32(os.path.abspath(source).encode()):08x}{stat.st_size:x}{stat.st_mtime_ns:x}"
    return os.path.join(cache_dir(), f"{name}-v{FORMAT}-{key}.marshal")


def _position(chars: str, ch: str) -> int | None:
    """Where ``ch`` is in ``chars`` (distinct characters in code point order), by bisection; None if absent.
    The cache's indexes are such strings: one object to load, not a dict of thousands."""
    k = bisect_left(chars, ch)
    return k if k < len(chars) and chars[k] == ch else None


class _Blob:
    """A cache file's buckets, read from a memory map on demand: {first character: bytes}. Loading the
    Chinese file whole cost ~25 ms of every process (10 MB of buckets, of which a check meets a few). The
    index is two objects, the first characters in code point order as one string and where each one's
    buckets end: a dict of 11,772 characters cost ~5 ms to load."""

    def __init__(self, view: mmap.mmap, start: int, firsts: str, ends: array) -> None:
        self._view, self._start, self._firsts, self._ends = view, start, firsts, ends

    def get(self, first: str, default: bytes | None = None) -> bytes | memoryview | None:
        k = _position(self._firsts, first)
        if k is None:
            return default
        begin = self._start + (self._ends[k - 1] if k else 0)
        return memoryview(self._view)[begin:self._start + self._ends[k]]  # (no copy: a lookup reads one bucket)

    def values(self) -> list[bytes | memoryview]:
        return [self.get(first) or b"" for first in self._firsts]


_HEADER = 8  # the length of the index, little-endian, before the index (marshal) and the buckets


def _read_cache(path: str) -> tuple[_Blob, dict] | None:
    """The buckets and extra of a cache file, or None when it is missing, damaged or foreign (rebuilt)."""
    try:
        with open(path, "rb") as handle:
            size = int.from_bytes(handle.read(_HEADER), "little")
            header = marshal.loads(handle.read(size)) if 0 < size < 1 << 28 else None
            if (not isinstance(header, tuple) or len(header) != 5 or header[0] != FORMAT
                    or not isinstance(header[1], str) or not isinstance(header[2], bytes)
                    or not isinstance(header[3], dict) or not isinstance(header[4], int)
                    or os.fstat(handle.fileno()).st_size != _HEADER + size + header[4]):
                return None
            ends = array("Q")
            ends.frombytes(header[2])
            if len(ends) != len(header[1]) or (ends and ends[-1] != header[4]):
                return None
            view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return _Blob(view, _HEADER + size, header[1], ends), header[3]


def _write_cache(path: str, buckets: dict[str, bytes], extra: dict) -> None:
    """Write atomically (temporary file in the same folder, then rename); a failure is ignored: the
    cache only saves time. (formats.atomic_write sits above this module's layer; a cache needs no fsync.)
    The file: the index's length, the index (marshal: FORMAT, the first characters in code point order,
    where each one's buckets end (array of unsigned 64-bit), the extra, the buckets' total length), then
    the buckets one after another."""
    import tempfile

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".lexicon-", suffix=".tmp", dir=folder)
    except OSError:
        return
    firsts = sorted(buckets)
    ends, offset = array("Q"), 0
    for first in firsts:
        offset += len(buckets[first])
        ends.append(offset)
    header = marshal.dumps((FORMAT, "".join(firsts), ends.tobytes(), extra, offset))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(len(header).to_bytes(_HEADER, "little"))
            handle.write(header)
            for first in firsts:
                handle.write(buckets[first])
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    for old in os.listdir(folder):
        if old != os.path.basename(path) and _superseded(old, os.path.basename(path)):
            try:
                os.unlink(os.path.join(folder, old))
            except OSError:
                pass


def _superseded(old: str, new: str) -> bool:
    """Whether the cache file ``old`` is one ``new`` replaces: in this format, the same list from the same
    path (an older version of the file); or in an older format. The list of another path, and a newer
    format's, are kept: two virtual environments, each with its own jieba (or its own subloc), would
    otherwise rebuild each other's cache on every run."""
    name, _, rest = new.rpartition("-v")
    if not old.startswith(name + "-v") or not old.endswith(".marshal"):
        return False
    version, _, key = old[len(name) + 2:].partition("-")
    if not version.isdigit() or int(version) != FORMAT:
        return version.isdigit() and int(version) < FORMAT
    return key[:8] == rest.partition("-")[2][:8]  # (the path's CRC)


def load(name: str, source: str, build: Callable[[str], tuple[dict[str, bytes], dict]],
         bucket: Callable[[str], str] | None = None) -> Lexicon:
    """The lexicon of ``source``: from the cache when it matches the file, else built (and cached).
    ``bucket``: the rule ``build`` filed the words by, when not their first two characters.

    No lock: two threads or processes loading at once each read (or build) it, and the atomic write
    keeps the file whole; a lock held by a thread when check forks its workers would hang them."""
    cached = _cache_file(name, source)
    data: tuple[dict[str, bytes] | _Blob, dict] | None = _read_cache(cached) if cached else None
    if data is None:
        data = build(source)
        if cached:
            _write_cache(cached, *data)
    return Lexicon(data[0], data[1], bucket)


def _source(package: str, *parts: str) -> str | None:
    folder = _package_dir(package)
    path = os.path.join(folder, *parts) if folder else None
    return path if path and os.path.isfile(path) else None


_EMPTY = Lexicon({})


@lru_cache(maxsize=1)
def chinese() -> Lexicon:
    """jieba's dictionary: word → frequency; ``extra`` holds ``total`` and the HMM tables."""
    source = _source("jieba", "dict.txt")
    return load("zh-jieba", source, _build_chinese) if source else _EMPTY


class Emissions:
    """jieba's HMM emission log-probabilities: ``get(character)`` → (B, M, E, S), or None."""

    def __init__(self, chars: str, values: bytes) -> None:
        self._chars = chars  # in code point order (a dict of its 7,000 characters cost ~3 ms to build)
        self._seen: dict[str, tuple[float, ...]] = {}
        self._values = array("d")
        self._values.frombytes(values)

    def get(self, ch: str, default: tuple[float, ...] | None = None) -> tuple[float, ...] | None:
        got = self._seen.get(ch)
        if got is None:
            k = _position(self._chars, ch)
            if k is None:
                return default
            got = self._seen[ch] = tuple(self._values[4 * k:4 * k + 4])
        return got


@lru_cache(maxsize=1)
def chinese_emissions() -> Emissions:
    extra = chinese().extra
    return Emissions(extra.get("emit_chars", ""), extra.get("emit", b""))


@lru_cache(maxsize=1)
def thai() -> Lexicon:
    """PyThaiNLP's Thai word list (the one newmm segments with)."""
    source = _source("pythainlp", "corpus", "words_th.txt")
    return load("th-pythainlp", source, _build_thai) if source else _EMPTY


@lru_cache(maxsize=1)
def vietnamese_crf() -> Lexicon | None:
    """underthesea's word segmentation CRF (VLSP 2013), see _build_vietnamese_crf; None when the model
    is not installed or cannot be read."""
    source = _source("underthesea", "pipeline", "word_tokenize", "models", "ws_crf_vlsp2013_20230727",
                     "models.bin")
    if source is None:
        return None
    try:
        return load("vi-crf", source, _build_vietnamese_crf, syllable_bucket)
    except (OSError, ValueError):  # (the builder says ValueError for a model it cannot read)
        return None


@lru_cache(maxsize=1)
def vietnamese() -> Lexicon:
    """Viet74K's words of two to four syllables, lower-case NFC (shipped with underthesea), filed by their
    first syllable (syllable_bucket)."""
    source = _source("underthesea", "corpus", "data", "Viet74K.txt")
    return load("vi-viet74k", source, _build_vietnamese, syllable_bucket) if source else _EMPTY


@lru_cache(maxsize=1)
def vietnamese_pairs() -> Lexicon:
    """The neighbouring syllables of vietnamese()'s words (see _build_vietnamese_pairs)."""
    source = _source("underthesea", "corpus", "data", "Viet74K.txt")
    return load("vi-viet74k-pairs", source, _build_vietnamese_pairs, syllable_bucket) if source else _EMPTY
