"""An interview question's public texts hide its people in all its fields: a nickname that
is a person's name, the names found in the question, repeated in the answer given
afterwards, in the transcript entry answering it and in the archive's summary (#11: one
masking pipeline for interview questions and staff text that quotes them)."""
from __future__ import annotations

import html
import json

from interact.extensions import db
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus

#: Nobody's nickname should be a name; this one is, with a phone number glued to it.
NICKNAME = "诸葛亮13512345678"
QUESTION = "我叫司马青，孩子叫宇文小北，想问随迁子女入学。"
#: Staff texts name them where no pattern would find them.
ENTRY = "司马青提出的问题，宇文小北可以就近入学。"
AFTER = "诸葛亮关心的问题已转教育局。"
SUMMARY = "<p>访谈中司马青、诸葛亮等网友的提问均已答复。</p>"
SECRETS = ["诸葛亮", "司马青", "宇文小北", "小北", "13512345678"]


def _visible(text: str) -> str:
    return html.unescape(text)


def test_question_names_hidden_everywhere_it_is_published(client, make_interview, roles):
    interview = make_interview(InterviewStatus.ANNOUNCED)
    live = services.submit_question(interview, nickname="热心市民", body=QUESTION)
    later = services.submit_question(interview, nickname=NICKNAME, body="孩子入学需要什么材料？")
    for question in (live, later):
        services.approve_question(question, actor=roles.office)
    workflow.transition(interview, InterviewStatus.LIVE, roles.office)
    guest = interview.guests[0]
    services.post_entry(interview, speaker=f"guest:{guest.id}", body=ENTRY, question_id=live.id,
                        actor=roles.office)
    workflow.transition(interview, InterviewStatus.ENDED, roles.office)
    services.answer_after(later, body=AFTER, responder="市教育局", actor=roles.office)
    services.update_archive(interview, summary=SUMMARY, video_url="", actor=roles.office)
    db.session.commit()

    page = _visible(client.get(f"/interviews/{interview.id}").get_data(as_text=True))
    assert [s for s in SECRETS if s in page] == []
    assert "诸葛*" in page and "司马*提出的问题" in page and "热心市民" in page
    assert "访谈中司马*、诸葛*等网友的提问均已答复" in page
    for url in (f"/api/v1/interviews/{interview.id}", f"/api/v1/interviews/{interview.id}/transcript"):
        body = json.dumps(client.get(url).get_json(), ensure_ascii=False)
        assert [s for s in SECRETS if s in _visible(body)] == [], url


def test_a_nickname_that_is_not_a_name_stays():
    from interact.core.privacy import as_name

    assert [as_name(n) for n in ("诸葛亮", "王小明13512345678", "热心市民", "网友", "高兴", "小明")] == [
        "诸葛亮", "王小明", None, None, None, None]


def test_a_nickname_in_pinyin_is_hidden_on_the_page_and_in_the_api(client, make_interview, roles):
    # Attack I2: the nickname "Zhou Botong" was shown on /interviews/2 and in its API.
    interview = make_interview(InterviewStatus.ANNOUNCED)
    question = services.submit_question(interview, nickname="Zhou Botong",
                                        body="我是zhoubotong，租房提取公积金要房东签字吗？")
    services.approve_question(question, actor=roles.office)
    db.session.commit()

    page = _visible(client.get(f"/interviews/{interview.id}").get_data(as_text=True))
    body = json.dumps(client.get(f"/api/v1/interviews/{interview.id}").get_json(), ensure_ascii=False)
    for text in (page, body):
        assert "botong" not in text.lower()
    assert "租房提取公积金要房东签字吗" in page


def test_a_nickname_written_half_in_pinyin_is_hidden_in_the_nickname_and_the_question():
    """Attack M1: 网友“赵tie柱” was shown as typed (questions have no name field)."""
    from interact.interviews.models import InterviewQuestion

    for nickname, secret in (("赵tie柱", "tie"), ("Zhao铁柱", "铁柱"), ("赵铁zhu", "zhu"), ("小chen", "chen"),
                             ("W翠兰", "翠兰")):
        question = InterviewQuestion(nickname=nickname, body=f"我是{nickname}，想问一下就业补贴", after_answer="")
        assert secret not in question.public_nickname + question.public_body, nickname
    for nickname in ("租房族小吴", "热心市民", "A先生", "K歌之王", "hi你好"):
        assert InterviewQuestion(nickname=nickname, body="想问一下").public_nickname == nickname


def test_a_surname_in_pinyin_and_a_form_of_address_stays_as_its_characters_do():
    """Review 2 F6: Li先生 was masked where 李先生 stays (a surname and 先生 names no one)."""
    from interact.interviews.models import InterviewQuestion

    for nickname in ("Li先生", "Wang女士", "Ma女士", "Zhang大爷", "Chen同学", "Li哥"):
        assert InterviewQuestion(nickname=nickname, body="想问一下").public_nickname == nickname
