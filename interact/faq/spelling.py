"""How citizens spell a question: sound-alike typos, pinyin, dialect words (#16).

The matching engine (:mod:`interact.faq.matching`) rewrites a question with these before
it analyses it; the knowledge base itself is never rewritten.

- **Sound-alike typos** (``SoundIndex.correct``): a pinyin input method makes typos that
  sound like the intended word: 离昏 for 离婚, 失叶 for 失业, 居主证 for 居住证, 营业只照 for
  营业执照, 住房公基金 for 住房公积金. A stretch of two to six characters of the question that
  is no word (neither of the knowledge base nor of jieba's dictionary) and differs in one
  character from exactly one word of the knowledge base's vocabulary *with the same
  toneless pinyin* is replaced by that word. Words that sound different are never
  exchanged: 结婚 (jiehun) is no typo of 离婚 (lihun), so the key-term rule still tells the
  two procedures apart.
- **Pinyin** (``SoundIndex.from_pinyin``): a question typed in toneless pinyin
  (gongjijin zenme tiqu) is split into syllables and written with the vocabulary's words
  of the same sound (公积金 怎么 提取), preferring long words, then frequent ones.
- **Dialect** (``DIALECT``, ``standardise``): Cantonese, Sichuanese, northern and Shanghai
  forms of question words and a few everyday words (点样 / 咋个 / 哪能办 → 怎么 / 怎么办,
  啥子 → 什么, 咗 → 了, 唔使钱 → 免费 …), rewritten to standard Mandarin by longest match.
  Only forms that standard written Mandarin does not use otherwise are listed: 哪能 alone is
  Mandarin (在哪能下载), so only 哪能办 is; 娃娃 is also a doll, so it is kept as it is (娃 alone
  is a child).

The vocabulary is the knowledge base's *curated* entries (those with similar phrasings)
and the synonym groups: the words a curator chose. The dev and held-out splits of the
benchmark have no curated entries, so their figures do not change; a knowledge base of
single-text entries gets the dialect rewriting only.

Readings come from pypinyin's per-character table (``pinyin_dict.json``, MIT), read
directly: importing pypinyin itself loads its phrase dictionary, ~56 MB per process, and
only the readings of the characters jieba knows are needed here (3.6 MB, read on first
use or by ``load``).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from interact.core.segment import ensure_jieba, jieba
from interact.core.textnorm import is_cjk as _is_cjk

__all__ = ["DIALECT", "EVERYDAY", "SoundIndex", "readings", "standardise", "everyday", "available", "dictionary_alike", "load"]

#: Dialect forms -> standard Mandarin, applied to questions by longest match.
DIALECT = {
    # how / what / when
    "咋个": "怎么", "咋样": "怎样", "咋整": "怎么办", "咋弄": "怎么办", "咋办": "怎么办",
    "哪能办": "怎么办", "点样": "怎么", "点办": "怎么办", "点算": "怎么办",
    "啥子": "什么", "么子": "什么", "乜嘢": "什么", "咩嘢": "什么",
    "几时": "什么时候", "几多钱": "多少钱", "几多": "多少",
    # Cantonese function words and verbs
    "咗": "了", "嘅": "的", "唔使钱": "免费", "唔使": "不用", "唔该": "请问", "唔": "不", "冇": "没有",
    "攞": "领", "揾": "找", "係": "是", "佢": "他",
    # people and places
    "老豆": "父亲", "老窦": "父亲", "屋头": "家里", "屋里头": "家里", "屋企": "家里",
    "阿拉": "我", "侬": "你", "俺": "我", "伢儿": "孩子", "娃儿": "孩子", "细路仔": "孩子", "细路": "孩子",
    # 娃 alone is a child in the north-west and south-west (娃要上一年级了, 闺女生娃了: batch 12,
    # M3); 娃娃 is also a doll and 葫芦娃 a cartoon (dev has both), so they stay as they are
    # (longest match first).
    "娃娃": "娃娃", "葫芦娃": "葫芦娃", "娃": "孩子",
    # to register a marriage (northern): 扯证 / 扯结婚证
    "扯结婚证": "领结婚证", "扯证": "领结婚证",
    # lost, not found
    "寻不着": "找不到", "寻唔到": "找不到", "揾唔到": "找不到", "找不着": "找不到",
}

_DIALECT_RE = re.compile("|".join(sorted(map(re.escape, DIALECT), key=len, reverse=True)))


def standardise(text: str) -> str:
    """*text* with the dialect forms of DIALECT in standard Mandarin."""
    return _DIALECT_RE.sub(lambda m: DIALECT[m.group(0)], text)


#: Everyday wordings -> the words government texts use for the same thing (#16 twelfth
#: session, attack N2: 身份证找不到了去哪补, 我不干了，公积金咋整, 失业金能领不, 到岁数了养老金咋领 were
#: only offered). Unlike DIALECT these are standard Mandarin that can mean something else
#: (找不到 a counter, 不干了 a pipe that no longer leaks), so the engine reads a question both
#: ways and keeps this reading only when it is answered or matches an entry better
#: (``MatchingEngine._read``, like a typo correction): it never takes an answer away.
EVERYDAY = {
    # lost (a card, a certificate): 补办 entries say 丢失 / 丢了 — only right after the card or
    # certificate itself (LOST_AFTER): 身份证信息被盗了, 卡里的钱被偷了, 眼睛看不见了 are no loss
    # of a document (review 12)
    "找不到了": "丢了", "找不见了": "丢了", "不见了": "丢了", "弄丢了": "丢了", "搞丢了": "丢了",
    "被偷了": "丢了", "被人偷了": "丢了", "被偷走了": "丢了", "被盗了": "丢了", "被扒了": "丢了",
    # leaving a job (被炒了 is also a share's price: 股票被炒了)
    "不干了": "离职了", "辞工": "辞职", "被炒鱿鱼": "被辞退",
    # age, money, family
    "到岁数": "到退休年龄", "够岁数": "到退休年龄", "不要钱": "免费", "不花钱": "免费", "不收钱": "免费",
    "两口子": "夫妻", "吃低保": "申请低保", "上户口": "落户", "报户口": "落户", "登记结婚": "结婚登记",
    "能报多少": "能报销多少", "能借多少": "能贷多少", "有多少钱": "余额",
    # which kind of waste (废电池算啥垃圾: the sorting entry says which kind holds what)
    "算啥垃圾": "属于什么垃圾", "算什么垃圾": "属于什么垃圾", "是啥垃圾": "属于什么垃圾", "是什么垃圾": "属于什么垃圾",
    "算哪类垃圾": "属于什么垃圾", "属于啥垃圾": "属于什么垃圾",
    # a baby (孩子刚满月怎么上户口, 孙女刚满月医保咋办: entries say 新生儿)
    **{f"{who}刚满月{le}": "新生儿" for who in ("孩子", "宝宝", "小孩", "婴儿", "孙子", "孙女", "外孙", "外孙女",
                                              "儿子", "女儿", "闺女") for le in ("了", "")},
    **{f"刚满月的{who}": "新生儿" for who in ("孩子", "宝宝", "小孩", "婴儿", "孙子", "孙女", "外孙", "外孙女",
                                            "儿子", "女儿", "闺女")},
}
#: Everyday wordings that need a little knowledge of the world (#16 thirteenth session):
#: rubble left by a renovation is 装修垃圾 (装修的砖头往哪扔); the licence a shop or a small
#: restaurant needs first is the 营业执照 (开小饭馆要办什么证); a new card that does not work
#: wants activating (新领的社保卡咋用不了). Read like EVERYDAY (only kept when answered, or
#: matching an entry better than the question as typed).
_KNOWN = (
    # (rubble to be got rid of: 装修 before it, or a disposal after it in the clause; not
    # 砖头砸了我的车)
    (re.compile(r"装修(?:剩下|剩|拆下来|拆下|留下)?的(?:碎|废|旧)?(?:砖头|砖块|碎砖|水泥块|渣土|瓷砖)"
                r"|(?:碎|废|旧)?(?:砖头|砖块|碎砖|水泥块|渣土|建筑垃圾)(?=[^，,。？?！!；;]{0,6}?"
                r"(?:扔|丢|倒|清运|处理|运走|拉走|放哪|放在哪|堆哪|堆在哪))"), "装修垃圾"),
    (re.compile(r"(开(?:个|家|一家|一个|间|一间)?小?(?:饭馆|饭店|餐馆|餐厅|小吃店|面馆|早餐店|小店|店|商店|超市"
                r"|小卖部|便利店|奶茶店|理发店|网店|门店|公司|工作室|个体户))((?:要|需要|得|该|应该)?)"
                r"办(?:什么|啥|哪些|哪个|哪种)(?:证件|证照|执照|证)"), r"\1\2办营业执照"),
    (re.compile(r"((?:新|刚)(?:领|办|拿|发|拿到|领到|办好)?的?(?:社保卡|社会保障卡))"
                r"(?:[，,]?(?:怎么|为什么|咋|为啥|怎么老是|咋就)?(?:用不了|不能用|没法用|用不成|刷不了|不能刷)(?:了|呢|啊)?)"),
     r"\1怎么激活"),
)
#: The last character of what a 补办 entry replaces (身份证, 社保卡, 驾照, 户口本, 存折 …): the
#: lost wordings of EVERYDAY are read as 丢了 only right after one.
LOST_AFTER = "证卡照本簿折"
#: What must not come right before a wording for it to be read so (要不要钱 is no 免费).
_EVERYDAY_NOT_AFTER = {"不要钱": "要", "不花钱": "花", "不收钱": "收"}


def _everyday_pattern(wording: str) -> str:
    guard = ""
    if EVERYDAY[wording] == "丢了":
        guard = f"(?<=[{LOST_AFTER}])"
    elif wording in _EVERYDAY_NOT_AFTER:
        guard = f"(?<!{_EVERYDAY_NOT_AFTER[wording]})"
    return guard + re.escape(wording)


_EVERYDAY_RE = re.compile("|".join(map(_everyday_pattern, sorted(EVERYDAY, key=len, reverse=True))))
#: A northern yes-no question: 能领不 / 还能用不 / 可以补不 (= 能领吗) at the end of a clause.
_CAN_NOT_RE = re.compile(r"(能|可以|行)([\u4e00-\u9fff]{0,3})不(?=$|[\s，,。？?！!；;])")


#: A last clause that only says the citizen cannot make it out (垃圾咋分，干的湿的搞不清): the
#: question is before it. Not when the clause asks something itself (…，搞不清怎么改).
_PUZZLED_RE = re.compile(r"[，,]([^，,。？?！!；;]*?)(?:搞不清|分不清|弄不清|搞不懂|弄不懂|搞不明白|弄不明白|"
                         r"不清楚|不明白|不懂)[楚白]?[了啊呀哦啦]*[。！!…~～]*$")
_ASKING_RE = re.compile(r"怎么|怎样|如何|什么|啥|哪|咋|吗|呢|多少|几|是否|能不能|可不可以")
#: What such a clause may say before 搞不清 and still add nothing to the question: who is
#: puzzled and how much (我也有点), and alternatives of one character each (干的湿的, 新的旧的).
_PUZZLED_FILLER_RE = re.compile(r"(?:[\u4e00-\u9fff]的){2,}|[我俺咱你他她们也都还就是真实在有点些完全根本一直总老]")


#: 找不到 without 了 is lost when the same clause asks to replace it (身份证找不到怎么补办).
_NOT_FOUND_RE = re.compile(r"找不[到着见](?=[^，,。？?！!；;]{0,6}补)")


def everyday(text: str) -> str:
    """*text* with the everyday wordings of EVERYDAY in the government's words, 能X不
    questions as 能X吗, and a last clause that only says the citizen cannot make it out
    left out (the same text when there is none)."""
    puzzled = _PUZZLED_RE.search(text)
    if puzzled and not _ASKING_RE.search(puzzled.group(1)) and puzzled.start() > 0:
        # Not when the clause holds what the question is about (咋补办，身份证的事搞不清).
        said = _PUZZLED_FILLER_RE.sub("", puzzled.group(1))
        if all(ch in text[:puzzled.start()] for ch in said if not ch.isspace()):
            text = text[:puzzled.start()]
    text = _EVERYDAY_RE.sub(lambda m: EVERYDAY[m.group(0)], text)
    for pattern, reading in _KNOWN:
        text = pattern.sub(reading, text)
    return _CAN_NOT_RE.sub(r"\1\2吗", _NOT_FOUND_RE.sub("丢了", text))


# ------------------------------------------------------------------ readings

_TABLE_LOCK = threading.Lock()
_TABLE: dict[str, tuple[str, ...]] | None = None


def _toneless(reading: str) -> str:
    """hūn -> hun, lǘ -> lv."""
    base = unicodedata.normalize("NFD", reading.lower()).replace("u\u0308", "v")
    return "".join(ch for ch in base if not unicodedata.combining(ch))


def _table_path() -> str | None:
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "pinyin_dict.json")
    return path if os.path.exists(path) else None


def available() -> bool:
    """Whether pypinyin's reading table is installed."""
    return _table_path() is not None


def _table() -> dict[str, tuple[str, ...]]:
    global _TABLE
    if _TABLE is None:
        with _TABLE_LOCK:
            if _TABLE is None:
                path = _table_path()
                table: dict[str, tuple[str, ...]] = {}
                if path is not None:
                    ensure_jieba()
                    freq = jieba.dt.FREQ
                    with open(path, encoding="utf-8") as fh:
                        raw = json.load(fh)
                    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
                    for code, value in raw.items():
                        ch = chr(int(code))
                        # Characters jieba's dictionary knows (~12k): rare ones make no typos.
                        if freq.get(ch) is not None:
                            rs = tuple(dict.fromkeys(_toneless(r) for r in value.split(",")))
                            table[ch] = shared.setdefault(rs, rs)
                    del raw
                _TABLE = table
    return _TABLE


def load() -> None:
    """Read the reading table now (``matching.load_tables``: once in a server's master)."""
    _homophones()


def readings(ch: str) -> tuple[str, ...]:
    """The toneless pinyin readings of one character (empty for a non-Chinese one)."""
    return _table().get(ch, ())


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless syllable with a vowel (嗯's n, m, ng are left out)."""
    return frozenset(s for rs in _table().values() for s in rs if re.search("[aeiouv]", s))


@lru_cache(maxsize=1)
def _homophones() -> dict[str, tuple[str, ...]]:
    """Usual (first) reading -> the characters jieba's dictionary has as words of their own."""
    ensure_jieba()
    out: dict[str, list[str]] = {}
    freq = jieba.dt.FREQ
    for ch, rs in _table().items():
        if freq.get(ch):
            out.setdefault(rs[0], []).append(ch)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=4096)
def dictionary_alike(stretch: str) -> tuple[str, ...]:
    """Words of jieba's dictionary one sound-alike character away from *stretch* (离昏 ->
    离婚), for a stretch that is no word itself; empty otherwise."""
    ensure_jieba()
    freq = jieba.dt.FREQ
    if len(stretch) < 2 or freq.get(stretch) or not all(_is_cjk(ch) for ch in stretch):
        return ()
    homophones = _homophones()
    found = []
    for i, ch in enumerate(stretch):
        rs = readings(ch)
        if not rs:
            continue
        for alt in homophones.get(rs[0], ()):
            if alt != ch:
                word = stretch[:i] + alt + stretch[i + 1:]
                if freq.get(word):
                    found.append(word)
    return tuple(found)


#: Keys of a word: the products of its characters' readings, at most this many.
MAX_KEYS = 16
#: A typo is only corrected to a word with at least this general-Chinese IDF (jieba's
#: table, as matching.KEY_TERM_IDF): content words (离婚 7.4, 失业 7.6, 补办 11.1, 办理 6.6),
#: not the common words a stray homophone makes out of fine Chinese (的话 4.9, 真的 5.6).
TARGET_IDF = 6.5
#: Length of the stretches of a question checked for sound-alike typos.
TYPO_LENGTHS = (6, 5, 4, 3, 2)


def _keys(word: str) -> list[str]:
    per_char = [readings(ch) for ch in word]
    if not all(per_char):
        return []
    return [" ".join(p) for p in itertools.islice(itertools.product(*per_char), MAX_KEYS)]


def _sounds_alike(a: str, b: str) -> bool:
    """Whether two characters have the same usual (first) reading: 昏 / 婚, 叶 / 业. Another
    reading shared is not enough (哪 na and 内 nei, 和 he and 货 huo)."""
    ra, rb = readings(a), readings(b)
    return bool(ra and rb) and ra[0] == rb[0]


_PINYIN_RE = re.compile(r"[a-z]+(?:['\s]+[a-z]+)*")


class SoundIndex:
    """The words of a vocabulary by their toneless pinyin (see the module docstring)."""

    def __init__(self, words: Iterable[str], terms: Iterable[str] = (),
                 weight: Callable[[str], float | None] | None = None):
        """*words*: the vocabulary's words as segmented (with repeats: the more often, the
        likelier in pinyin); *terms*: words a curator wrote as such (synonym groups);
        *weight*: a word's general-Chinese IDF (None when unknown), see TARGET_IDF."""
        ensure_jieba()
        terms = [t for t in terms if t and all(_is_cjk(ch) for ch in t)]
        counts = Counter(w for w in words if w and all(_is_cjk(ch) for ch in w))
        counts.update(terms)
        self.words = frozenset(counts)

        def rare(word: str) -> bool:
            w = None if weight is None else weight(word)
            return w is None or w >= TARGET_IDF

        #: What a typo is corrected to: words of jieba's dictionary or a curator's terms,
        #: not the odd pieces a segmentation makes (能补 of 不回老家能补身份证吗), and only
        #: words general Chinese uses rarely (not 的话, 真的, 在内: 的花 is no typo of 的话).
        self._targets = frozenset(w for w in (*(w for w in counts if jieba.dt.FREQ.get(w)), *terms)
                                  if len(w) >= 2 and rare(w))
        #: Each target with one character masked (``\x00``), for ``_alike``.
        self._masked: dict[str, list[str]] = {}
        for word in self._targets:
            for j in range(len(word)):
                self._masked.setdefault(word[:j] + "\x00" + word[j + 1:], []).append(word)
        self._target_chars = frozenset("".join(self._targets))
        self._target_lengths = frozenset(len(w) for w in self._targets)
        self._by_key: dict[str, list[str]] = {}
        # Most likely first: common in Chinese (jieba's frequency), then in the vocabulary.
        for word in sorted(counts, key=lambda w: (-(jieba.dt.FREQ.get(w) or 0), -counts[w], w)):
            for key in _keys(word):
                self._by_key.setdefault(key, []).append(word)
        self._counts = counts

    def __bool__(self) -> bool:
        return bool(self.words)

    # -------------------------------------------------------------- typos

    def _alike(self, stretch: str) -> tuple[str, int] | None:
        """The only typo target sounding like *stretch* and one character away, and the
        position of that character."""
        found: set[tuple[str, int]] = set()
        for j, ch in enumerate(stretch):
            for word in self._masked.get(stretch[:j] + "\x00" + stretch[j + 1:], ()):
                if word[j] != ch and _sounds_alike(word[j], ch):
                    found.add((word, j))
        return found.pop() if len(found) == 1 else None

    def correct(self, text: str) -> str:
        """*text* with its sound-alike typos of vocabulary words corrected (module docstring)."""
        if not self._targets or not any(_is_cjk(ch) for ch in text):
            return text
        # A stretch can only be one character away from a target if all its other characters
        # are characters of some target: count them once (prefix sums), look up only there.
        known = [0]
        for ch in text:
            known.append(known[-1] + (ch in self._target_chars))
        chars = list(text)
        fixed = [False] * len(chars)  # corrected already: no second typo in the same place
        right = [False] * len(chars)  # in a vocabulary word spelt right: never changed
        spans: list[tuple[int, int, bool]] | None = None
        for n in TYPO_LENGTHS:
            if n not in self._target_lengths:
                continue
            for i in range(len(chars) - n + 1):
                if known[i + n] - known[i] < n - 1 or any(fixed[i:i + n]):
                    continue
                stretch = text[i:i + n]
                if (stretch in self.words or not all(_is_cjk(ch) for ch in stretch)
                        or jieba.dt.FREQ.get(stretch)):
                    continue
                alike = self._alike(stretch)
                if alike is None:
                    continue
                word, j = alike
                if spans is None:
                    ensure_jieba()
                    # The question as jieba reads it: (start, end, a word of its dictionary).
                    spans = [(a, b, bool(jieba.dt.FREQ.get(w))) for w, a, b in jieba.tokenize(text)]
                    # Characters of a vocabulary word spelt right are left alone; the rest of
                    # a stretch may hold one (营页执照: 执照 is spelt right, 营页 is 营业's typo).
                    for m in TYPO_LENGTHS:
                        for k in range(len(chars) - m + 1):
                            if text[k:k + m] in self.words:
                                right[k:k + m] = [True] * m
                if right[i + j]:
                    continue
                if any(right[i:i + n]) and not _unknown_at(spans, i + j):
                    continue  # 怎么搬 is no typo of 怎么办: only an unknown word (营页) is
                if not _broken(spans, i, n, i + j):
                    continue
                chars[i:i + n] = list(word)
                fixed[i:i + n] = [True] * n
        return "".join(chars)

    # ------------------------------------------------------------- pinyin

    def from_pinyin(self, text: str) -> str | None:
        """A question typed in toneless pinyin written in the vocabulary's words, or None
        when *text* is not pinyin (every letter must belong to a syllable, at least two
        syllables) or no word of the vocabulary sounds like it."""
        text = text.strip().lower().replace("ü", "v")
        if not self.words or not _PINYIN_RE.fullmatch(text):
            return None
        syllables: list[str] = []
        for chunk in re.split(r"['\s]+", text):
            split = _split_syllables(chunk)
            if split is None:
                return None
            syllables.extend(split)
        if len(syllables) < 2:
            return None
        # Cover the syllables with words: fewest pieces, then the words most frequent in the
        # vocabulary (each key's likeliest word); a syllable no word sounds like is left out.
        n = len(syllables)
        best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
        best[0] = (0, 0, [])
        for i in range(n):
            if best[i] is None:
                continue
            pieces, freq, words = best[i]
            step = [(i + 1, None)]
            for j in range(i + 1, min(n, i + 6) + 1):
                cands = self._by_key.get(" ".join(syllables[i:j]))
                if cands:
                    step.append((j, cands[0]))
            for j, word in step:
                cand = (pieces + 1, freq - (self._counts[word] if word else 0), words + ([word] if word else []))
                if best[j] is None or cand[:2] < best[j][:2]:
                    best[j] = cand
        words = best[n][2] if best[n] else []
        return "".join(words) or None


def _unknown_at(spans: list[tuple[int, int, bool]], pos: int) -> bool:
    """Whether jieba reads the character at *pos* inside a word of two or more characters
    its dictionary does not know (营页 of 营页执照)."""
    return any(a <= pos < b and not known and b - a >= 2 for a, b, known in spans)


def _broken(spans: list[tuple[int, int, bool]], start: int, n: int, pos: int) -> bool:
    """Whether the stretch ``[start, start + n)`` reads as a word broken by a typo at *pos*:
    jieba makes an unknown word of the typo's character and its neighbours (离昏, 失叶, 只照,
    居主证, 补半), or, for three characters or more, the stretch is whole pieces of the
    dictionary that only the corrected word joins (公 / 基金 for 公积金, 身份 / 正 for 身份证).
    A character inside a word of the dictionary, or a single character among such words, is
    fine Chinese (最大 / 的 / 花 is no typo of 的话, 能不能 none of 能补)."""
    for a, b, known in spans:
        if a <= pos < b:
            if not known and b - a >= 2:
                return True
            break
    return n >= 3 and all(b <= start or a >= start + n or (start <= a and b <= start + n) for a, b, _ in spans)


@lru_cache(maxsize=1024)
def _split_syllables(chunk: str) -> tuple[str, ...] | None:
    """*chunk* split into the fewest pinyin syllables, or None."""
    syl = _syllables()
    n = len(chunk)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, min(n, i + 6) + 1):
            if chunk[i:j] in syl and (best[j] is None or len(best[i]) + 1 < len(best[j])):
                best[j] = best[i] + (chunk[i:j],)
    return best[n]
