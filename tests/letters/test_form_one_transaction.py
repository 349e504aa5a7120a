"""A letter from the web form is one write transaction: the form token's claim, the
captcha's claim, the letter and the session that shows its receipt are committed together
when the session is saved (``sessions.commit_with_session``), so a submission waits once for
the database's writer — behind a job's batch — instead of four times (attack I8)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from interact.core import captcha
from interact.core.models import SensitiveWord, SensitiveWordLevel
from interact.extensions import db
from interact.letters import workflow
from interact.letters.models import Letter

FORM = {
    "channel": "consultation", "kind": "consultation", "department_id": "", "leader_id": "",
    "title": "社保卡丢失怎么补办", "body": "我的社保卡丢了，请问去哪里补办，需要带什么材料？",
    "name": "李四", "phone": "13712345678", "email": "", "token": "one-tx-1", "captcha": "AB3K",
}


@pytest.fixture
def with_captcha(app, monkeypatch):
    app.config["CAPTCHA_ENABLED"] = True
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")


@pytest.fixture
def commits(app):
    seen = []

    def count(_connection):
        seen.append(1)

    sa.event.listen(db.engine, "commit", count)
    yield seen
    sa.event.remove(db.engine, "commit", count)


def _letters() -> int:
    return db.session.scalar(sa.select(sa.func.count(Letter.id)))


def test_a_letter_from_the_web_form_is_one_write_transaction(client, with_captcha, commits):
    client.get("/letters/new")
    client.get("/captcha.png")
    commits.clear()
    response = client.post("/letters/new", data=FORM)
    assert response.status_code == 302
    assert len(commits) == 1
    assert _letters() == 1
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<strong class="code">' in receipt  # the session that carries the receipt was stored


def test_a_refused_letter_still_uses_up_its_captcha(app, client, with_captcha):
    """The letter's own refusal (a blocked word) is undone alone: the captcha's claim made
    before it is committed, so the same cookie cannot send a corrected letter with it."""
    db.session.add(SensitiveWord(word="代开发票", level=SensitiveWordLevel.BLOCK))
    db.session.commit()
    client.get("/letters/new")
    client.get("/captcha.png")
    cookie = client.get_cookie("session").value  # the cookie that carries the challenge
    refused = client.post("/letters/new", data=dict(FORM, body="专业代开发票，价格优惠，联系我们吧。"))
    assert refused.status_code == 422 and "不允许提交" in refused.get_data(as_text=True)
    client.set_cookie("session", cookie)  # replayed: the same challenge, answered again
    again = client.post("/letters/new", data=dict(FORM, token="one-tx-2"))
    assert again.status_code == 422 and "验证码" in again.get_data(as_text=True)
    assert _letters() == 0


def test_a_submission_that_fails_stores_nothing_and_can_be_sent_again(app, client, with_captcha, monkeypatch):
    client.get("/letters/new")
    client.get("/captcha.png")
    cookie = client.get_cookie("session").value

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(workflow, "record_event", broken)
        assert client.post("/letters/new", data=FORM).status_code == 500
    assert _letters() == 0
    # Neither the form token nor the captcha was used up by the failed request.
    client.set_cookie("session", cookie)
    response = client.post("/letters/new", data=FORM)
    assert response.status_code == 302 and _letters() == 1


def test_a_failure_while_saving_the_session_leaves_no_receipt_in_it(app, client, with_captcha, monkeypatch):
    """The letter's transaction fails at the session's save: nothing is stored, and the error
    page's save does not keep the receipt of that letter either (on SQLite the next letter
    may get the same id and number: the browser would follow another citizen's letter)."""
    client.get("/letters/new")
    client.get("/captcha.png")
    interface = app.session_interface
    real_save, calls = interface._save, []

    def fails_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(interface, "_save", fails_once)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as deployed: the error page is saved too
    assert client.post("/letters/new", data=FORM).status_code == 500
    assert _letters() == 0
    with client.session_transaction() as session:
        assert "letter_receipt" not in session and "letter_access" not in session
