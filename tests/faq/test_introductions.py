"""A citizen who says who they are before the question (attack I4: 我是王某某，手机…，想问问
公积金怎么提取) is answered as if they had asked the question alone; what they said about
themselves is never taken for the question."""
from __future__ import annotations

from interact.faq import services
from interact.faq.introduction import without_introduction
from interact.faq.matching import EXACT_CONFIDENCE
from interact.faq.models import AskLog


def test_a_name_and_a_phone_number_before_the_question_do_not_take_its_answer_away(db, kb):
    for question in ("我是王某某，手机13900001111，想问问住房公积金怎么提取",
                     "我是王某国，手机幺三拐洞洞幺三八勾勾勾，住房公积金怎么提取",
                     "您好，本人赵铁柱，联系电话138 0013 8000，身份证440301198503152214，社保卡丢了怎么补办？"):
        answer = services.ask(question, log=False)
        entry = kb[1] if "社保卡" in question else kb[0]
        assert answer.answered and answer.best.id == entry.id, question
        assert answer.confidence == EXACT_CONFIDENCE, question


def test_a_logged_introduction_added_as_a_phrasing_answers_the_next_citizen_who_introduces_himself(
        db, kb, client, auth, roles):
    services.ask("我是李建华，电话13712345678，居住证到期了怎么续签")
    db.session.commit()
    logged = db.session.scalars(db.select(AskLog.text)).one()
    assert "13712345678" not in logged and "李建华" not in logged  # the log keeps it masked
    auth.login(roles.curator)
    response = client.post("/staff/faq/unanswered/phrasings", data={"entry_id": str(kb[2].id), "texts": logged})
    assert response.status_code == 302
    auth.logout()
    answer = services.ask("你好，我叫张丽，手机13900002222，居住证到期了怎么续签？", log=False)
    assert answer.answered and answer.best.id == kb[2].id and answer.confidence == EXACT_CONFIDENCE


def test_what_a_citizen_says_about_the_matter_is_kept():
    for question in ("我是外地人，居住证怎么办", "我是一名退休教师，养老金什么时候涨",
                     "我姓王，想问公积金怎么提取", "我在公司交了五年公积金，现在想拿出来装修房子"):
        assert without_introduction(question) == question
    # Only an introduction: nothing else to read, so the text stays as it was.
    assert without_introduction("你好，我是王某某") == "你好，我是王某某"
    assert without_introduction("您好，我是王某某，社保卡丢了怎么补办") == "社保卡丢了怎么补办"



def test_a_logged_introduction_marked_no_answer_declines_the_next_citizens_same_question(db, kb, client, auth, roles):
    question = "公积金怎么提取密码忘了怎么办"
    assert services.ask(question, log=False).related  # the 公积金 entry would be offered
    services.ask(f"我是李建华，电话13712345678，{question}")
    db.session.commit()
    logged = db.session.scalars(db.select(AskLog.text)).one()
    auth.login(roles.curator)
    assert client.post("/staff/faq/unanswered/no-answer", data={"texts": logged}).status_code == 302
    auth.logout()
    for asked in (question, f"您好，我叫张丽，手机13900002222，{question}"):
        answer = services.ask(asked, log=False)
        assert not answer.answered and answer.related == [], asked
