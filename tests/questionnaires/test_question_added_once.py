"""添加题目 sent several times (a double click without JavaScript, or copies arriving at the
same instant) adds the question once: the form carries a one-time token, as 新建征集 does.
A new form (a new token) adds another question."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from interact.core import clock
from interact.extensions import db as _db
from interact.questionnaires.models import Question, QuestionOption
from interact.surveys import services as surveys
from interact.surveys.models import CollectionKind
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.questionnaires.test_questionnaires import questionnaire  # noqa: F401 - fixture
from tests.staff_races import clicks_at_once, count, gjj_office_and_handler, sent_twice


def _form(token: str, text: str = "您多久去一次公园") -> dict[str, str]:
    return {"kind": "single", "text": text, "options": "每天\n每周\n很少", "required": "y", "token": token}


def test_the_same_form_sent_twice_adds_one_question(client, auth, questionnaire, roles, db):
    auth.login(roles.handler_a)
    url = f"/staff/questionnaires/{questionnaire.id}"
    sent_twice(client, f"{url}/questions", _form, page=url)
    db.session.expire_all()
    assert [q.text for q in questionnaire.questions] == ["您多久去一次公园"]
    assert db.session.scalar(sa.select(sa.func.count(QuestionOption.id))) == 3
    assert client.post(f"{url}/questions", data=_form("f" * 32, "您通常在什么时间去公园")).status_code == 302
    db.session.expire_all()
    assert [q.position for q in questionnaire.questions] == [1, 2]


def test_three_clicks_at_once_add_one_question(racing_app, monkeypatch):
    def build():
        department, office, handler = gjj_office_and_handler()
        collection = surveys.create_collection(surveys.CollectionData(
            title="市民公园开放时间问卷调查", summary="", body="<p>说明</p>", kind=CollectionKind.QUESTIONNAIRE,
            starts_at=clock.now() + timedelta(days=1), ends_at=clock.now() + timedelta(days=20),
            department_id=department.id), actor=office)
        _db.session.commit()
        return handler.id, collection.questionnaire.id

    handler_id, questionnaire_id = in_app(racing_app, build)
    clicks_at_once(racing_app, monkeypatch, handler_id, f"/staff/questionnaires/{questionnaire_id}/questions",
                   _form("c" * 32), Question)
    assert count(racing_app, sa.select(Question.id)) == 1
    assert count(racing_app, sa.select(QuestionOption.id)) == 3
