"""A clerk's notices about a letter follow the letter (the citizen walk of session 13):

- opening the letter's page marks the opener's notices about it read, whichever way they
  came (the desk, not the notice);
- a step on the letter marks everybody's earlier notices about it read: a colleague
  answered it, the office moved it to another department or decided the extension asked
  for; the step's own notices go out unread;
- a handler whose department held the letter once is told what became of it (returned,
  moved by the office) instead of a bare 无权访问; a department that never held it gets
  the plain refusal.
"""
from __future__ import annotations

from interact.core import notify
from interact.core.models import Notification
from interact.letters import services
from interact.letters.models import staff_path


def _notices(db, user, letter) -> dict[str, bool]:
    """The user's notices about the letter: kind → whether unread."""
    rows = db.session.execute(db.select(Notification.kind, Notification.read_at)
                              .where(Notification.user_id == user.id, Notification.url == staff_path(letter.id)))
    return {kind: read_at is None for kind, read_at in rows}


def test_a_colleague_answering_reads_the_department_notice(db, assigned, roles, make_user):
    colleague = make_user("handler", department=roles.department_a)
    letter, _ = assigned()
    assert _notices(db, colleague, letter) == {"letter.assigned": True}
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>请带身份证到服务大厅办理。</p>")
    db.session.commit()
    assert _notices(db, colleague, letter) == {"letter.assigned": False}
    assert _notices(db, roles.handler_a, letter) == {"letter.assigned": False}


def test_the_step_own_notice_stays_unread(db, assigned, roles):
    letter, _ = assigned()
    services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>初稿。</p>")
    services.send_back(letter, actor=roles.office, note="请补充办理地址。")
    db.session.commit()
    assert _notices(db, roles.handler_a, letter) == {"letter.assigned": False, "letter.sent_back": True}


def test_opening_the_letter_reads_only_the_openers_notices(db, client, auth, assigned, roles, make_user):
    colleague = make_user("handler", department=roles.department_a)
    letter, _ = assigned()
    other, _ = assigned(title="灵活就业人员怎么参保")
    auth.login(roles.handler_a)
    assert notify.unread_count(roles.handler_a) == 2
    page = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    db.session.expire_all()
    assert _notices(db, roles.handler_a, letter) == {"letter.assigned": False}
    assert _notices(db, roles.handler_a, other) == {"letter.assigned": True}
    assert _notices(db, colleague, letter) == {"letter.assigned": True}
    # The header already counts the one left.
    assert '通知 <span class="badge">1</span>' in page


def test_an_extension_decided_reads_the_offices_request_notice(db, assigned, roles):
    letter, _ = assigned()
    extension = services.request_extension(letter, actor=roles.handler_a, extra_workdays=3, reason="需要现场核实")
    db.session.commit()
    assert _notices(db, roles.office, letter) == {"letter.extension_requested": True}
    services.decide_extension(extension, actor=roles.office, approve=True)
    db.session.commit()
    assert _notices(db, roles.office, letter) == {"letter.extension_requested": False}
    assert _notices(db, roles.handler_a, letter)["letter.extension_decided"] is True


def test_a_letter_moved_away_reads_the_first_departments_notice_and_says_so(db, client, auth, assigned, roles):
    letter, _ = assigned()
    services.assign_letter(letter, roles.department_b.id, actor=roles.office)
    db.session.commit()
    assert _notices(db, roles.handler_a, letter) == {"letter.assigned": False}
    assert _notices(db, roles.handler_b, letter) == {"letter.assigned": True}

    auth.login(roles.handler_a)
    refused = client.get(f"/staff/letters/{letter.id}")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "来信已不由本部门办理" in page and "无权访问" not in page
    assert f"来信 {letter.number} 于" in page and "已由办公室改派其他部门办理" in page
    assert letter.body[:6] not in page and roles.department_b.name not in page


def test_a_returned_letter_says_it_went_back_to_the_office(db, client, auth, assigned, roles):
    letter, _ = assigned()
    services.return_letter(letter, actor=roles.handler_a, reason="不属于本部门职责")
    db.session.commit()
    auth.login(roles.handler_a)
    page = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "已退回办公室重新转办" in page


def test_a_department_that_never_held_the_letter_gets_the_plain_refusal(db, client, auth, assigned, roles):
    letter, _ = assigned()
    auth.login(roles.handler_b)
    refused = client.get(f"/staff/letters/{letter.id}")
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "无权访问" in page and letter.number not in page
