"""The 答复人 of an answer given after an interview is typed by staff and published beside
the answer: a phone number or the asker's name written there is hidden on the public page
and in the API like in the answer itself (#11), the department or guest it names stays."""
from __future__ import annotations

import html
import json

from interact.extensions import db
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus

RESPONDER = "就业科科长 萧峰（电话13800138361，代司马青答复）"


def test_the_responder_line_is_masked_where_it_is_published(client, make_interview, roles):
    interview = make_interview(InterviewStatus.ANNOUNCED)
    question = services.submit_question(interview, nickname="热心市民", body="我叫司马青，见习补贴怎么申请？")
    services.approve_question(question, actor=roles.office)
    workflow.transition(interview, InterviewStatus.LIVE, roles.office)
    workflow.transition(interview, InterviewStatus.ENDED, roles.office)
    services.answer_after(question, body="请向就业服务中心申请。", responder=RESPONDER, actor=roles.office)
    db.session.commit()

    page = html.unescape(client.get(f"/interviews/{interview.id}").get_data(as_text=True))
    assert "就业科科长 萧峰（电话[电话]，代司马*答复）答复：" in page
    assert "13800138361" not in page and "司马青" not in page
    body = client.get(f"/api/v1/interviews/{interview.id}").get_json()
    after = [q for q in body["questions"] if q["id"] == question.id][0]
    assert after["after_responder"] == "就业科科长 萧峰（电话[电话]，代司马*答复）"
    assert "13800138361" not in json.dumps(body, ensure_ascii=False)
