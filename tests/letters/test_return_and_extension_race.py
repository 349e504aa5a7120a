"""The department returns a letter (退回) while the office approves its extension (批准延期),
both from pages loaded before either acted. Whichever is stored first, the other sees it:
an approval stored first stays an approval (the return does not turn it into "closed"),
a return stored first makes the approval a 409 naming the letter's new state, and neither
database ends in an error (the two take the letter and the request in the same order)."""
from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from interact.accounts.models import User
from interact.core.errors import InvalidTransition
from interact.extensions import db as _db
from interact.letters import services
from interact.letters.models import ExtensionStatus, Letter, LetterEvent, LetterExtension, LetterStatus
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.letters.test_double_actions import _setup
from tests.staff_races import in_threads


def _with_pending_extension(app):
    s = _setup(app, until="assigned")

    def ask():
        letter = _db.session.get(Letter, s.letter_id)
        extension = services.request_extension(letter, actor=_db.session.get(User, s.handler_id),
                                               extra_workdays=5, reason="需要现场核实")
        _db.session.commit()
        return extension.id

    return s, in_app(app, ask)


def _return_and_approve(app, s, extension_id: int, *, late: str | None) -> dict[str, object]:
    """Both requests load what their pages showed, wait for each other, then act; ``late``
    ("return" or "approve") starts its write a moment after the other."""
    loaded = threading.Barrier(2, timeout=20)

    def act(n: int) -> str:
        if n == 0:
            letter = _db.session.get(Letter, s.letter_id)
            assert letter.pending_extension is not None  # the handler's page offered 退回
            loaded.wait()
            if late == "return":
                time.sleep(0.4)
            services.return_letter(letter, actor=_db.session.get(User, s.handler_id), reason="不属于本部门职责")
        else:
            extension = _db.session.get(LetterExtension, extension_id)
            assert extension.letter.held_by_department  # the office's queue offered 批准
            loaded.wait()
            if late == "approve":
                time.sleep(0.4)
            services.decide_extension(extension, actor=_db.session.get(User, s.office_id), approve=True)
        _db.session.commit()
        return "done"

    returned, approved = in_threads(app, act)
    return {"return": returned, "approve": approved}


def _stored(app, s, extension_id: int):
    def read():
        letter = _db.session.get(Letter, s.letter_id)
        extension = _db.session.get(LetterExtension, extension_id)
        actions = list(_db.session.scalars(sa.select(LetterEvent.action).where(LetterEvent.letter_id == letter.id)))
        return letter.status, extension.status, extension.new_due_at, actions

    return in_app(app, read)


def test_an_approval_stored_before_a_return_stays_an_approval(racing_app):
    s, extension_id = _with_pending_extension(racing_app)
    outcome = _return_and_approve(racing_app, s, extension_id, late="return")
    assert outcome == {"return": "done", "approve": "done"}  # returning an extended letter is allowed
    status, extension_status, new_due, actions = _stored(racing_app, s, extension_id)
    assert status is LetterStatus.RETURNED
    assert extension_status is ExtensionStatus.APPROVED and new_due is not None
    assert actions.count("extension_approved") == 1 and actions.count("return") == 1


def test_a_return_stored_before_an_approval_refuses_the_approval(racing_app):
    s, extension_id = _with_pending_extension(racing_app)
    outcome = _return_and_approve(racing_app, s, extension_id, late="approve")
    assert outcome["return"] == "done"
    refused = outcome["approve"]
    assert isinstance(refused, InvalidTransition), refused
    assert "该来信刚刚已被处理" in refused.message and "批准延期" in refused.message
    status, extension_status, new_due, actions = _stored(racing_app, s, extension_id)
    assert status is LetterStatus.RETURNED
    assert extension_status is ExtensionStatus.CLOSED and new_due is None
    assert "extension_approved" not in actions


def test_a_return_and_an_approval_at_the_same_instant_agree(racing_app):
    s, extension_id = _with_pending_extension(racing_app)
    outcome = _return_and_approve(racing_app, s, extension_id, late=None)
    assert outcome["return"] == "done"
    assert outcome["approve"] == "done" or isinstance(outcome["approve"], InvalidTransition), outcome
    status, extension_status, new_due, actions = _stored(racing_app, s, extension_id)
    assert status is LetterStatus.RETURNED
    approved = outcome["approve"] == "done"
    assert (extension_status is ExtensionStatus.APPROVED) == approved == ("extension_approved" in actions)
    assert (new_due is not None) == approved
