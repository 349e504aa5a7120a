"""A citizen who greets and says who they are before the question (attack I4) gets the entry's
answer in the highest band on the answer page, and one who writes a one-character variant of
a standard question that makes a word of the same action (attack I6: 居住证怎么弄) is answered
too (#16 seventh session: interact/faq/introduction.py, matching._wording)."""
from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible
from tests.browser.test_faq_learning_loop import ask


@pytest.mark.parametrize(("question", "heading", "label"), [
    ("您好，我是王某某，手机13900001111，想问问住房公积金怎么提取？", "住房公积金怎么提取？", "匹配度高"),
    ("居住证怎么弄", "居住证怎么办理？", "匹配度高"),
])
def test_an_introduction_or_a_colloquial_verb_before_a_standard_question_gets_its_answer(page, question, heading, label):
    ask(page, question)
    result = page.locator(".faq-result")
    assert result.get_by_role("heading", level=2).inner_text().strip() == heading
    assert page.locator(".faq-confidence").inner_text().startswith(label)
    # The citizen's number is not shown back anywhere on the page.
    assert "13900001111" not in result.inner_text()
    assert_accessible(page, context=f"answer to {question}")
