import json
from pathlib import Path

import pytest

from tests.helpers import assert_inert_html

from interact.core.privacy import mask_name, mask_personal_data, mask_phone, normalize_mobile
from interact.core.sanitize import clean_html, text_to_html

BADINPUT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "badinput"


def test_clean_html_keeps_allowed_markup_and_drops_scripts():
    html = '<p onclick="x()">答复<strong>内容</strong><script>alert(1)</script><a href="javascript:alert(1)">链接</a></p>'
    cleaned = clean_html(html)
    assert "<strong>内容</strong>" in cleaned
    assert "<script" not in cleaned and "onclick" not in cleaned and "javascript:" not in cleaned


@pytest.mark.parametrize("html, cleaned", [
    ('<p>联系人：<ruby>王<rt>wang</rt>翠兰</ruby></p>', '<p>联系人：王翠兰</p>'),
    ('<ruby>王<rp>(</rp><rt>wang</rt><rp>)</rp>翠兰</ruby>', '王翠兰'),
    # The end tag of a reading may be left out: the reading ends at the next tag, and the
    # rest of the answer stays (review 13: it was cut off).
    ('<p>王<rt>wang</p><p>这是答复的正文，请携带身份证办理。</p>', '<p>王</p><p>这是答复的正文，请携带身份证办理。</p>'),
    ('<ruby>王<rt>wang<rt>cui</ruby>翠兰，请来办理', '王翠兰，请来办理'),
])
def test_a_ruby_reading_goes_and_nothing_after_it(html, cleaned):
    assert clean_html(html, linkify=False) == cleaned


def test_links_get_noopener():
    assert 'rel="noopener noreferrer"' in clean_html('<a href="https://www.gov.cn">政府网</a>')


@pytest.mark.skipif(not (BADINPUT / "xss-sample.txt").exists(), reason="shared bad-input data not present")
def test_xss_payloads_are_inert_after_cleaning():
    for line in (BADINPUT / "xss-sample.txt").read_text(encoding="utf-8", errors="replace").splitlines():
        assert_inert_html(clean_html(line))


def test_text_to_html_escapes():
    html = str(text_to_html("第一段<script>\n第二行\n\n第二段"))
    assert "&lt;script&gt;" in html and "<br>" in html and html.count("<p>") == 2


def test_masking_personal_data():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳修文") == "欧阳**"
    assert mask_name("") == "匿名"
    assert mask_phone("13812345678") == "138****5678"
    text = "我的电话13812345678，身份证号110101199003071234，邮箱a.b@example.com，座机0571-88886666。"
    masked = mask_personal_data(text)
    assert "13812345678" not in masked and "5678" not in masked and "[电话]" in masked
    assert "110101199003071234" not in masked and "[身份证号]" in masked
    assert "a.b@example.com" not in masked
    assert "88886666" not in masked
    assert "我的电话" in masked


def test_normalize_mobile():
    assert normalize_mobile("+86 138-1234-5678") == "13812345678"
    assert normalize_mobile("12812345678") is None
    assert normalize_mobile("") is None


@pytest.mark.skipif(not (BADINPUT / "blns.json").exists(), reason="shared bad-input data not present")
def test_masking_survives_naughty_strings():
    for value in json.loads((BADINPUT / "blns.json").read_text(encoding="utf-8")):
        assert isinstance(mask_personal_data(value), str)
        assert isinstance(mask_name(value), str)


def test_plain_text_rich_text_keeps_its_lines():
    from interact.core.sanitize import clean_rich_text

    assert clean_rich_text("材料：\n1. 身份证；\n2. 社保卡。\n\n谢谢") == \
        "<p>材料：<br>1. 身份证；<br>2. 社保卡。</p><p>谢谢</p>"
    assert clean_rich_text("<p>已是 <b>HTML</b></p>\n<p>不变</p>") == "<p>已是 <b>HTML</b></p>\n<p>不变</p>"
    assert clean_rich_text("a < b\n<script>x</script>") == "a &lt; b\nx"
    assert clean_rich_text("  ") == ""
