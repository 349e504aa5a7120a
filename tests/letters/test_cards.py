"""The letters' workspace cards count what workflow.actions() offers: a card's number is the
number of letters whose actions contain the card's action, for the user who sees it."""
from __future__ import annotations

from interact.extensions import db
from interact.letters import services, workflow
from interact.letters.models import Letter, RejectReason
from tests.cards import card_counts


def _letters_in_every_state(submit, assigned, closed, roles):
    submit()
    accepted, _ = submit()
    services.accept_letter(accepted, actor=roles.office)
    assigned()
    returned, _ = assigned()
    services.return_letter(returned, actor=roles.handler_a, reason="不属于本部门职责")
    answered, _ = assigned()
    services.answer_letter(answered, actor=roles.handler_a, answer_html="<p>已答复。</p>")
    sent_back, _ = assigned()
    services.answer_letter(sent_back, actor=roles.handler_a, answer_html="<p>答复。</p>")
    services.send_back(sent_back, actor=roles.office, note="请补充办理依据")
    extended, _ = assigned()
    services.request_extension(extended, actor=roles.handler_a, extra_workdays=5, reason="需要现场核查")
    other, _ = submit()
    services.assign_letter(other, roles.department_b.id, actor=roles.office)
    rejected, _ = submit()
    services.reject_letter(rejected, actor=roles.office, reason=RejectReason.DUPLICATE)
    closed()
    db.session.commit()


def _with_action(user, action, department_id=None) -> int:
    letters = db.session.scalars(db.select(Letter)).all()
    return sum(1 for letter in letters if action in workflow.actions(letter, user)
               and (department_id is None or letter.department_id == department_id))


def test_office_cards_count_the_letters_actions_offer(app, submit, assigned, closed, roles):
    _letters_in_every_state(submit, assigned, closed, roles)
    cards = card_counts(app, roles.office)
    assert cards["来信待受理/转办"] == _with_action(roles.office, "assign") == 3
    assert cards["答复待审核/延期待批"] == (_with_action(roles.office, "close")
                                          + _with_action(roles.office, "decide_extension")) == 2
    # The queues behind the cards list the same letters.
    assert {letter.id for letter in services.office_queue()} == {
        letter.id for letter in db.session.scalars(db.select(Letter)) if "assign" in workflow.actions(letter, roles.office)}
    assert len(services.review_queue()) == _with_action(roles.office, "close")


def test_handler_card_counts_the_letters_actions_offer(app, submit, assigned, closed, roles):
    _letters_in_every_state(submit, assigned, closed, roles)
    cards = card_counts(app, roles.handler_a)
    assert cards["本部门来信待答复"] == _with_action(roles.handler_a, "answer") == 3
    assert len(services.handler_letters(roles.department_a.id)) == cards["本部门来信待答复"]
    assert card_counts(app, roles.handler_b)["本部门来信待答复"] == _with_action(roles.handler_b, "answer") == 1


def test_the_department_holds_a_letter_in_the_states_it_may_answer_from(app):
    # Deadline digests and reminders (jobs) ask Letter.held_by_department; the handler's
    # card asks workflow.awaiting("answer"): the same letters.
    from interact.letters.models import DEPARTMENT_STATUSES

    assert set(DEPARTMENT_STATUSES) == set(workflow.states_for("answer"))
