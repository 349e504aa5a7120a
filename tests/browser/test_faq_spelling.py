"""A citizen who types the question in pinyin, with a sound-alike typo or in dialect gets the
entry that answers it on the answer page (#16 sixth session, interact/faq/spelling.py; the
attack's questions of batch 7): and 离昏 (a typo of 离婚) is answered with the divorce entry,
never the marriage one. Everyday wordings too (身份证找不到了 = 丢了, a last 搞不清 clause; session
12), but a theft of information is no lost card (review 12)."""
from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible
from tests.browser.test_faq_learning_loop import ask


@pytest.mark.parametrize(("question", "heading"), [
    ("gongjijin zenme tiqu", "住房公积金怎么提取？"),
    ("离昏登记要去哪里办", "离婚登记怎么办理？"),
    ("我老豆退休咗几时可以攞养老金", "退休后养老金什么时候开始领取？"),
    ("身份证找不到了去哪补", "身份证丢了怎么补办？"),
    ("垃圾咋分，干的湿的搞不清", "生活垃圾怎么分类？"),
])
def test_pinyin_typos_and_dialect_are_answered_with_their_entry(page, question, heading):
    ask(page, question)
    result = page.locator(".faq-result")
    assert result.get_by_role("heading", level=2).inner_text().strip() == heading
    assert "匹配度" in result.inner_text()
    assert "结婚登记" not in result.inner_text()
    assert_accessible(page, context=f"answer to {question}")


def test_a_theft_of_information_is_not_answered_as_a_lost_card(page):
    ask(page, "我的身份证信息被盗了怎么办")
    heading = page.locator(".faq-result").get_by_role("heading", level=2).inner_text().strip()
    assert heading != "身份证丢了怎么补办？", heading
