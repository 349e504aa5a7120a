"""The unanswered list groups questions only when they mean the same (services.CLUSTER_SEMANTIC,
CLUSTER_SIMILARITY; attack G11): a group's buttons act on all its questions."""
from __future__ import annotations

import pytest

from interact.faq import semantic, services
from interact.faq.models import AskLog

#: Questions the attack run saw grouped although they ask different things.
DIFFERENT = [
    ("办理不动产登记要准备什么", "不动产登记收费标准"),
    ("公积金贷款逾期了怎么办", "公积金贷款利率是多少"),
    ("营业执照丢了怎么补办", "营业执照怎么半理"),
]

ENGINES = [pytest.param(True, marks=pytest.mark.skipif(not semantic.available(), reason="no semantic extra")),
           False]


@pytest.fixture(params=ENGINES, ids=["semantic", "lexical"])
def engine_kind(request, app):
    app.config["FAQ_SEMANTIC"] = request.param
    app.extensions.pop("faq_index", None)
    yield request.param
    app.extensions.pop("faq_index", None)


def asked(db, *texts_and_times):
    for text, times in texts_and_times:
        for _ in range(times):
            db.session.add(AskLog(text=text, answered=False, confidence=0.1))
    db.session.commit()


def groups() -> list[set[str]]:
    return [set(c.texts) for c in services.unanswered_clusters(days=7)]


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_questions_about_different_things_are_not_grouped(db, kb, engine_kind, first, second):
    asked(db, (first, 3), (second, 2))
    assert groups() == [{first}, {second}]


def test_the_same_question_in_other_words_is_grouped(db, kb, engine_kind):
    asked(db, ("电动车上牌在哪里办", 3), ("电动自行车在哪里上牌", 2), ("社保卡丢了怎么补办", 1))
    assert groups() == [{"电动车上牌在哪里办", "电动自行车在哪里上牌"}, {"社保卡丢了怎么补办"}]


def test_a_question_marked_no_answer_does_not_come_back_when_asked_again(db, roles, kb):
    asked(db, ("公积金贷款利率是多少", 2))
    services.no_answer_questions(["公积金贷款利率是多少"], actor=roles.curator)
    db.session.commit()
    asked(db, ("公积金贷款利率是多少", 13))
    assert groups() == []
