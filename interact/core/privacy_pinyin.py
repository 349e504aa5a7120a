"""How a Chinese name is written in Latin letters, for the publication masking.

A citizen whose name field says 王建国 also writes Wang Jianguo, WANG JIANGUO, Jianguo Wang,
wangjianguo1985 (an account made of the name) or W.J.G.; :func:`name_pattern` gives one
regular expression for all of those, built from the characters' readings, and
:func:`is_pinyin_name` tells a nickname written in pinyin (Zhou Botong) from one that is not
a name (Happy Day).

The readings come from pypinyin's per-character table (``pinyin_dict.json``, MIT), read
as text: importing pypinyin itself loads its phrase dictionary (~56 MB per process) and
even a dictionary of the whole table costs ~17 MB, while a name needs the readings of a
few characters. The file's text (~0.8 MB) is kept and each character is looked up in it
once (memoised).
"""
from __future__ import annotations

import functools
import importlib.util
import os
import re
import threading
import unicodedata

_TEXT: str | None = None
_LOCK = threading.Lock()


def _table_text() -> str:
    global _TEXT
    if _TEXT is None:
        with _LOCK:
            if _TEXT is None:
                text = ""
                spec = importlib.util.find_spec("pypinyin")
                if spec is not None and spec.submodule_search_locations:
                    path = os.path.join(list(spec.submodule_search_locations)[0], "pinyin_dict.json")
                    if os.path.exists(path):
                        with open(path, encoding="utf-8") as fh:
                            text = fh.read()
                _TEXT = text
    return _TEXT


def _toneless(reading: str) -> str:
    """wáng -> wang, lǘ -> lv."""
    base = unicodedata.normalize("NFD", reading.strip().lower()).replace("u\u0308", "v")
    return "".join(ch for ch in base if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=4096)
def readings(char: str) -> tuple[str, ...]:
    """The toneless readings of one character (单 -> dan, chan, shan); () if unknown."""
    if len(char) != 1:
        return ()
    text = _table_text()
    key = f'"{ord(char)}": "'
    start = text.find(key)
    if start < 0:
        return ()
    start += len(key)
    end = text.find('"', start)
    return tuple(dict.fromkeys(_toneless(r) for r in text[start:end].split(",") if r.strip()))


def _spelled(reading: str) -> str:
    # ü is written v, u or yu by people without the letter (lv / lu, nv / nu).
    return "(?:" + "|".join(re.escape(r) for r in dict.fromkeys(
        (reading, reading.replace("v", "u"), reading.replace("v", "yu")))) + ")" if "v" in reading else re.escape(reading)


def _char_pattern(char: str) -> str | None:
    rs = readings(char)
    if not rs:
        return None
    return "(?:" + "|".join(_spelled(r) for r in rs[:4]) + ")"


_SEP = r"[\s·.\-_']{0,2}"


@functools.lru_cache(maxsize=2048)
def name_pattern(name: str, surname_length: int) -> re.Pattern | None:
    """The Latin writings of ``name`` (a Han name of 2–5 characters whose surname is its
    first ``surname_length`` characters): surname first or last, any case, any spacing
    (Wang Jianguo, WANG JIANGUO, wangjianguo, Jianguo Wang, Jianguo·Wang), and its
    initials written with dots (W.J.G.) or glued to digits as an account (wjg1985). The
    match may be followed by letters of an account only when it is the initials.
    ``None`` when a character has no known reading."""
    if not (2 <= len(name) <= 5) or not (1 <= surname_length < len(name)):
        return None
    parts = [_char_pattern(c) for c in name]
    if any(p is None for p in parts):
        return None
    surname = "".join(parts[:surname_length])
    given = r"[\s\-_']{0,2}".join(parts[surname_length:])
    initials = [{r[0] for r in readings(c)} for c in name]
    dotted = r"\.\s*".join("[" + "".join(sorted(i)) + "]" for i in initials) + r"\.?"
    glued = "".join("[" + "".join(sorted(i)) + "]" for i in initials)
    full = (rf"(?<![A-Za-z]){surname}{_SEP}{given}(?![a-z])"
            rf"|(?<![A-Za-z]){given}{_SEP}[,，]?\s?{surname}(?![a-z])")
    short = rf"(?<![A-Za-z.]){dotted}(?![A-Za-z])"
    # (Two initials glued to digits, zs1985, are too common to be read as this person.)
    account = rf"|(?<![A-Za-z]){glued}(?=[0-9_\-])" if len(name) >= 3 else ""
    # Three or more initials in capitals without dots (ZTZ 是我的缩写); not two, nor in small
    # letters (an ordinary word).
    capitals = "".join("[" + "".join(sorted(i)).upper() + "]" for i in initials)
    bare = rf"|(?-i:(?<![A-Za-z]){capitals}(?![A-Za-z]))" if len(name) >= 3 else ""
    # Characters and pinyin mixed (attack M1: Zhao铁柱, 赵tie柱, 赵铁zhu, 赵 Tiezhu), and the
    # given name's initials before the surname (T.Z. Zhao).
    mixed = _SEP.join(f"(?:{re.escape(c)}|{p})" for c, p in zip(name, parts))
    mixed = rf"|(?<![A-Za-z]){mixed}(?![a-z])"
    given_dotted = r"\.\s*".join("[" + "".join(sorted(i)) + "]" for i in initials[surname_length:]) + r"\."
    given_first = rf"|(?<![A-Za-z.]){given_dotted}\s*{surname}(?![a-z])"
    return re.compile(f"{full}|{short}{account}{bare}{mixed}{given_first}", re.IGNORECASE)


# Every toneless syllable of the table, for telling pinyin from other Latin words.
@functools.lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    found = re.findall(r'"\d+": "([^"]*)"', _table_text())
    return frozenset(_toneless(r) for value in found for r in value.split(",") if r.strip())


def is_syllable(word: str) -> bool:
    """Whether ``word`` is one toneless pinyin syllable (jian, guo)."""
    return word.lower() in _syllables()


def _splits_into_syllables(word: str, most: int = 3) -> bool:
    word = word.lower()
    syllables = _syllables()

    @functools.lru_cache(maxsize=None)
    def can(rest: str, left: int) -> bool:
        if not rest:
            return True
        if left == 0:
            return False
        return any(rest[:n] in syllables and can(rest[n:], left - 1) for n in range(1, min(6, len(rest)) + 1))

    return can(word, most)


def is_pinyin_name(value: str, surname_readings: frozenset[str]) -> bool:
    """Whether ``value`` is a name written in pinyin (Zhou Botong, Botong Zhou, ZHOU
    BOTONG): two or three words, one of them (first or last) a surname's reading, each
    word made of one to three pinyin syllables."""
    words = [w for w in re.split(r"[\s·.\-_]+", value.strip()) if w]
    if not 2 <= len(words) <= 3 or not all(w.isascii() and w.isalpha() for w in words):
        return False
    if words[0].lower() not in surname_readings and words[-1].lower() not in surname_readings:
        return False
    return all(_splits_into_syllables(w) for w in words)
