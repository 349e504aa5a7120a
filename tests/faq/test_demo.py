"""The demo knowledge base loads and answers questions phrased differently from it."""
from __future__ import annotations

import pytest

from interact import demo as app_demo
from interact.faq import demo, index, services
from interact.faq.models import AskLog, FaqEntry, FaqStatus, SynonymGroup

#: (question as a citizen might type it, the demo entry that answers it)
PARAPHRASES = [
    ("公积金怎么取出来", "住房公积金怎么提取？"),
    ("辞职以后公积金能不能取", "离职后住房公积金可以提取吗？"),
    ("社会保障卡丢了去哪补", "社保卡丢了怎么补办？"),
    ("身份证掉了怎么补", "身份证丢了怎么补办？"),
    ("孩子上小学要怎么报名", "义务教育入学怎么报名？"),
    ("去外地看病医保怎么备案", "异地就医备案怎么办理？"),
    ("外地人怎么办居住证", "居住证怎么办理？"),
    ("领结婚证要带哪些材料", "结婚登记需要带什么材料？"),
    ("生活垃圾分几类", "生活垃圾怎么分类？"),
    ("失业金怎么领", "失业保险金怎么申领？"),
    ("开公司怎么办理营业执照", "营业执照怎么办理？"),
    ("宝宝出生后怎么上户口", "新生儿怎么落户？"),
]
UNRELATED = ["今天天气怎么样", "推荐一部好看的电影", "明天股票会涨吗", "asdfghjkl"]


@pytest.fixture
def seeded(app, db):
    context: dict = {}
    app_demo.seed_foundation(context)
    db.session.commit()
    demo.seed(context)
    db.session.commit()
    return context


def test_demo_content(seeded, db):
    published = db.session.scalars(db.select(FaqEntry).where(FaqEntry.status == FaqStatus.PUBLISHED)).all()
    assert len(published) >= 30
    assert all(2 <= len(e.phrasings) <= 4 for e in published)
    assert len({e.category_id for e in published}) >= 8
    assert len({e.department_id for e in published}) >= 10
    assert db.session.scalar(db.select(db.func.count(SynonymGroup.id))) >= 5
    assert db.session.scalar(db.select(db.func.count(AskLog.id))) > 0
    curator = seeded["users"]["curator"]
    assert services.staff_counts(curator)["review_due"] >= 1
    assert services.unanswered_clusters()
    assert len(index.get_engine()) == len(published)


def test_demo_ranks_paraphrases(seeded):
    engine = index.get_engine()
    questions = {e.id: e.question for e in seeded["faq_entries"].values()}
    right = [q for q, expected in PARAPHRASES if (m := engine.search(q, 1)) and questions[m[0].id] == expected]
    assert len(right) >= 0.75 * len(PARAPHRASES), sorted(set(q for q, _ in PARAPHRASES) - set(right))


def test_demo_does_not_answer_unrelated_questions(seeded):
    for question in UNRELATED:
        assert services.ask(question, log=False).answered is False, question
