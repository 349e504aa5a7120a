"""A curator adds a citizen's question from the unanswered list as a phrasing of an entry,
and a question answered with another entry before is now answered otherwise: the curator's
page says which one, and with which entry it was answered (attack J3, #16 eighth session:
services.answers_taken_away)."""
from __future__ import annotations

from tests.browser.helpers import assert_accessible, login, shows
from tests.browser.test_faq_learning_loop import ask, unanswered_group

GARBAGE = "生活垃圾怎么分类？"
BULKY = "大件垃圾和装修垃圾怎么处理？"
#: Per width (one server and its data): the unanswered question, the entry the curator adds
#: it to, and the entry a question of the same wording was answered with before (one the
#: engine finds for the question too: the notice looks at the entries near what was added).
CASES = {375: ("过期的药扔哪个垃圾桶", GARBAGE, BULKY),
         1280: ("旧床垫扔哪个垃圾桶", BULKY, GARBAGE)}


def test_the_curator_sees_which_answered_question_an_added_phrasing_takes_away(page, new_page, width, stored):
    question, target, before = CASES[width]
    citizen = new_page()
    ask(citizen, question)
    assert "没有找到" in citizen.locator(".faq-result").get_by_role("heading", level=2).inner_text()

    from interact.faq.models import AskLog, FaqEntry

    ids = stored(lambda db: {q: db.session.scalar(db.select(FaqEntry.id).where(FaqEntry.question == q))
                             for q in (target, before)})

    def answered_before(db):
        # The same question with a particle, answered with the other entry some time ago.
        db.session.add(AskLog(text=f"{question}呢", best_entry_id=ids[before], confidence=0.7, answered=True))
        db.session.commit()

    stored.write(answered_before)
    login(page, "curator")
    group = unanswered_group(page, question)
    group.get_by_role("spinbutton", name="加入条目编号").fill(str(ids[target]))
    group.get_by_role("button", name="作为相似问法加入").click()
    shows(page, f"已为条目 #{ids[target]} 加入")
    shows(page, f"“{question}呢”（原为条目 #{ids[before]}）")
    assert "不再按原条目回答" in page.locator("main").inner_text()
    assert_accessible(page, context="notice of an answer taken away")
