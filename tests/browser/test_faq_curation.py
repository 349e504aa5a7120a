"""A citizen's question the knowledge base cannot answer; a curator adds it as a similar
phrasing from the unanswered list; the same question is then answered."""
from __future__ import annotations

from tests.browser.helpers import assert_accessible, login

#: One question and the demo entry that answers it per width (the journeys share one
#: server and its data, so the two must not be rewordings of each other).
QUESTIONS = {375: ("社保卡被小偷偷走了去哪里补办", "社保卡丢了怎么补办？"),
             1280: ("外地来打工的在这边住要办什么证", "居住证怎么办理？")}


def ask(page, question: str) -> None:
    box = page.get_by_role("textbox", name="输入您的问题")
    box.fill(question)
    page.locator("form.faq-ask-form").get_by_role("button", name="提问").click()


def test_curator_adds_a_phrasing_from_the_unanswered_list_and_the_question_is_answered(page, new_page, width,
                                                                                         stored):
    question, answer_heading = QUESTIONS[width]
    citizen = new_page()
    citizen.goto("/faq/ask")
    ask(citizen, question)
    result = citizen.locator(".faq-result")
    result.wait_for()
    assert "没有找到" in result.get_by_role("heading", level=2).inner_text()

    from interact.faq.models import FaqEntry

    entry_id = stored(lambda db: db.session.scalar(db.select(FaqEntry.id).where(FaqEntry.question == answer_heading)))
    login(page, "curator")
    group = page.locator("li.panel").filter(has=page.get_by_role("heading", name=question))
    # The question log is written by the worker a moment after the answer (DEFERRED_WRITE_SECONDS).
    for _ in range(20):
        page.goto("/staff/faq/unanswered")
        if group.count():
            break
        page.wait_for_timeout(500)
    group.get_by_role("spinbutton", name="加入条目编号").fill(str(entry_id))
    group.get_by_role("button", name="作为相似问法加入").click()
    page.get_by_text(f"已为条目 #{entry_id} 加入 1 条相似问法").wait_for()
    assert page.get_by_role("heading", name=question).count() == 0
    assert_accessible(page, context="unanswered list")
    # The decision is now a labelled example, listed on the decision-model page.
    page.get_by_role("link", name="查看各版本").click()
    page.get_by_role("heading", name="判定模型", level=1).wait_for()
    assert f"{question} — 加入为相似问法" in page.locator("main").inner_text()
    assert_accessible(page, context="decision model page")

    citizen.goto("/faq/ask")
    ask(citizen, question)
    heading = citizen.locator(".faq-result").get_by_role("heading", level=2)
    heading.wait_for()
    assert heading.inner_text().strip() == answer_heading
    assert citizen.locator(".faq-confidence").inner_text().startswith("匹配度高")
    assert_accessible(citizen, context="answered question")
