"""Text normalisation shared by the whole application.

Everything that compares user text with stored text (FAQ matching, duplicate
detection, sensitive-word screening, search) should go through :func:`normalize`
so that full-width/half-width forms, traditional/simplified characters, letter
case and whitespace never make two equal strings look different.

The functions are pure Python, import nothing from Flask and are safe to call
from any thread.  They are called once per query, so the expensive parts are
precomputed or cached:

* traditional -> simplified conversion uses ``zhconv`` but only when the text
  contains a character (or a phrase) that zhconv would change; plain
  simplified text, which is nearly all real input, skips it entirely;
* the punctuation table is filled lazily, one code point at a time, and then
  used by ``str.translate`` at C speed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import warnings
from functools import lru_cache

import zhconv

__all__ = [
    "normalize",
    "strip_punctuation",
    "compact",
    "match_text",
    "to_simplified",
    "is_cjk",
    "char_ngrams",
    "strip_invisible",
]

_LOCALE = "zh-cn"

# zhconv's zh-cn table maps "么X" phrases to "幺X" (e.g. 么女 -> 幺女).  That is
# right for traditional text, where 么 is the variant of 幺, but wrong for
# simplified text, where 么 is the simplified 麼 ("为什么女人" would become
# "为什幺女人").  Input here is overwhelmingly simplified, so these entries are
# overridden to identity.
_zh_table: dict[str, str] | None = None
_zh_override: dict[str, str] = {}
_zh_trad_chars: frozenset[str] = frozenset()
_zh_phrase_prefixes: frozenset[str] = frozenset()
_zh_phrase_starts: frozenset[str] = frozenset()
_zh_lock = threading.Lock()


def _load_zh_tables() -> None:
    """Build the trigger sets that tell whether zhconv would change a text."""
    global _zh_table, _zh_override, _zh_trad_chars, _zh_phrase_prefixes, _zh_phrase_starts
    with _zh_lock:
        if _zh_table is not None:
            return
        with warnings.catch_warnings():
            # zhconv opens its dictionary without closing it (ResourceWarning).
            warnings.simplefilter("ignore", ResourceWarning)
            table = zhconv.zhconv.getdict(_LOCALE)
        override = {k: k for k in table if "么" in k and table[k] != k}
        trad = frozenset(k for k, v in table.items() if len(k) == 1 and v != k)
        # Multi-character entries made only of characters that are not
        # traditional on their own (e.g. 回覆 -> 回复, 人工智慧 -> 人工智能):
        # detect them by their first two characters.
        prefixes = frozenset(
            k[:2]
            for k, v in table.items()
            if len(k) > 1 and v != k and k not in override and not any(c in trad for c in k)
        )
        _zh_override = override
        _zh_trad_chars = trad
        _zh_phrase_prefixes = prefixes
        _zh_phrase_starts = frozenset(p[0] for p in prefixes)
        _zh_table = table


def _needs_zh_conversion(text: str) -> bool:
    trad = _zh_trad_chars
    starts = _zh_phrase_starts
    prefixes = _zh_phrase_prefixes
    for i, ch in enumerate(text):
        if ch in trad:
            return True
        if ch in starts and text[i : i + 2] in prefixes:
            return True
    return False


def to_simplified(text: str) -> str:
    """Convert traditional Chinese to simplified (mainland) Chinese with zhconv.

    Text that zhconv would not change is returned as is without calling it.
    """
    if _zh_table is None:
        _load_zh_tables()
    if not _needs_zh_conversion(text):
        return text
    return zhconv.convert(text, _LOCALE, _zh_override)


class _PunctTable(dict):
    """``str.translate`` table that deletes punctuation, symbols and control
    characters (Unicode categories P*, S*, C* except whitespace).

    Entries are computed on first sight of a code point and then cached, so
    the table never has to enumerate all of Unicode.
    """

    __slots__ = ()

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if ch.isspace():
            value: str | None = " "
        elif cat[0] in "PSC":
            value = None
        else:
            value = ch
        if len(self) < 200_000:
            self[cp] = value
        return value


_PUNCT_TABLE = _PunctTable()


def strip_punctuation(text: str) -> str:
    """Remove Chinese and ASCII punctuation, symbols (including emoji) and
    control/format characters.  Whitespace is kept (as plain spaces)."""
    return text.translate(_PUNCT_TABLE)


def _collapse_ws(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def _normalize_cached(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    return _collapse_ws(text.lower())


def normalize(text: str) -> str:
    """Canonical form of *text* for comparison.

    NFKC (full-width -> half-width, compatibility forms), traditional ->
    simplified Chinese, lower case, runs of whitespace collapsed to one space,
    leading/trailing whitespace removed.  Punctuation is kept; see
    :func:`match_text` for the punctuation-free form.
    """
    if not text:
        return ""
    if len(text) > 512:
        # Long texts are not worth caching (and would evict useful entries).
        return _normalize_cached.__wrapped__(text)
    return _normalize_cached(text)


def compact(text: str) -> str:
    """Remove all whitespace."""
    return "".join(text.split())


def match_text(text: str) -> str:
    """``normalize`` + ``strip_punctuation`` + whitespace collapsed: the form
    used to compare questions."""
    return _collapse_ws(strip_punctuation(normalize(text)))


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (basic block or extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def char_ngrams(text: str, n: int = 2) -> list[str]:
    """Overlapping character n-grams of *text* with whitespace removed.

    A text shorter than *n* yields itself (if not empty) so that one-character
    queries still have a gram.
    """
    s = compact(text)
    if len(s) < n:
        return [s] if s else []
    return [s[i : i + n] for i in range(len(s) - n + 1)]


# --- invisible characters ---------------------------------------------------------------

_ZWJ = "\u200d"


def _emoji_like(char: str) -> bool:
    return ord(char) >= 0x1F000 or unicodedata.category(char) == "So"


#: C0 control characters but tab, line feed and carriage return, and DEL. A NUL among them is
#: refused by PostgreSQL in any text column ("A string literal cannot contain NUL"), which
#: answered a form that carried one with a 400 about numbers and lost what was typed.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str | None) -> str | None:
    """``text`` without control characters (:data:`_CONTROLS`): nobody types them, they show
    nothing, and a NUL (pasted from a file, sent by a script) cannot be stored on PostgreSQL.
    Anything but a string is returned as it is."""
    if not text or not isinstance(text, str):
        return text
    return _CONTROLS.sub("", text)


def strip_invisible(text: str | None) -> str | None:
    """``text`` without Unicode format characters (category Cf): zero-width spaces and
    joiners, word joiners, soft hyphens, byte-order marks, bidirectional overrides, tag
    characters. They show nothing (or reorder what is shown: ``gnp\\u202eexe.png``) and only
    serve to split a phone number, an ID number or a name so that it is no longer found
    (``138\\u200b0013\\u200b8000``). A zero-width joiner between two emoji (👨‍👩‍👧) is kept.
    Anything but a string (a form field's list or ``None``) is returned as it is."""
    if not text or not isinstance(text, str):
        return text
    if text.isascii():
        return text
    out = []
    for index, char in enumerate(text):
        if unicodedata.category(char) != "Cf":
            out.append(char)
        elif (char == _ZWJ and out and _emoji_like(out[-1])
              and index + 1 < len(text) and _emoji_like(text[index + 1])):
            out.append(char)
    return "".join(out)
