"""Tests for interact.core.textnorm (no Flask involved)."""

from __future__ import annotations

import time

import pytest

from interact.core import textnorm
from interact.core.textnorm import (
    char_ngrams,
    compact,
    is_cjk,
    match_text,
    normalize,
    strip_punctuation,
    to_simplified,
)


def test_full_width_to_half_width_and_lower_case():
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("Ｈｅｌｌｏ　Ｗｏｒｌｄ") == "hello world"


def test_traditional_to_simplified():
    assert normalize("繁體中文") == "繁体中文"
    assert normalize("身份證遺失如何補辦") == "身份证遗失如何补办"
    # phrase-level conversions that have no traditional character of their own
    assert to_simplified("回覆") == "回复"


def test_simplified_text_is_left_alone():
    # zhconv's phrase table would turn 么女 into 幺女 ("为什幺女人").
    assert normalize("为什么女人") == "为什么女人"
    assert normalize("為什么女人") == "为什么女人"
    assert to_simplified("住房公积金怎么提取") == "住房公积金怎么提取"


def test_whitespace_is_collapsed_and_stripped():
    assert normalize("  公积金 \t\n 提取  ") == "公积金 提取"
    assert normalize("\u3000\u3000办理\u00a0居住证\u3000") == "办理 居住证"
    assert normalize("") == ""
    assert normalize("   ") == ""


def test_strip_punctuation_removes_chinese_ascii_and_symbols():
    assert strip_punctuation("你好，世界！") == "你好世界"
    assert strip_punctuation("《条例》（试行）“通知”、…") == "条例试行通知"
    assert strip_punctuation("a-b_c.d?") == "abcd"
    assert strip_punctuation("价格￥100元😀") == "价格100元"
    assert strip_punctuation("a\u200bb") == "ab"  # zero-width space (format char)


def test_strip_punctuation_keeps_letters_digits_and_spaces():
    assert strip_punctuation("abc 123 公积金") == "abc 123 公积金"


def test_match_text_combines_everything():
    assert match_text("  請問：住房公積金，怎麼提取？？ ") == "请问住房公积金怎么提取"
    assert match_text("ＡＰＰ 下載！") == "app 下载"
    assert match_text("！！！") == ""


def test_helpers():
    assert compact(" a b\tc ") == "abc"
    assert is_cjk("中") and not is_cjk("a") and not is_cjk("，")
    assert char_ngrams("公积金") == ["公积", "积金"]
    assert char_ngrams("a") == ["a"]
    assert char_ngrams("") == []


@pytest.mark.parametrize(
    "text",
    ["\x00\x01", "\ud800", "🏳️‍🌈" * 50, "Ω≈ç√∫", "\u202etest", "ﷺ", "𝕋𝕖𝕤𝕥", "a" * 10000],
)
def test_odd_input_does_not_raise(text):
    out = match_text(text)
    assert isinstance(out, str)
    assert "\x00" not in out


def test_normalize_is_fast():
    textnorm.normalize("预热")
    texts = [f"请问第{i}个问题：住房公积金怎么提取？" for i in range(2000)]
    start = time.perf_counter()
    for t in texts:
        match_text(t)
    per_call = (time.perf_counter() - start) / len(texts)
    assert per_call < 0.001  # well under a millisecond per query
