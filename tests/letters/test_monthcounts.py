"""The statistics' running totals (letter_month_counts) always equal a recount of the letters."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from interact.extensions import db
from interact.letters import monthcounts, services, stats
from interact.letters.models import Letter, LetterMonthCount, LetterRating, RejectReason
from tests.letters.conftest import letter_input

ANSWER = "<p>请携带身份证到服务大厅办理。</p>"


def table() -> list[tuple]:
    return sorted(tuple(row) for row in db.session.execute(sa.select(LetterMonthCount.__table__)))


def handle_letters(roles, frozen):
    """Letters in two months and every step that changes what is counted."""
    letters = []
    for day in (27, 28):  # 28 Feb 23:30 Beijing is still February; 1 March 00:30 is March
        frozen(2026, 2, day, 23, 30)
        letters.append(services.submit_letter(letter_input()).letter)
    frozen(2026, 3, 1, 0, 30)
    letters += [services.submit_letter(letter_input()).letter for _ in range(4)]
    db.session.commit()
    frozen(2026, 3, 2, 9)
    a, b, c, d, e, f = letters
    services.reject_letter(a, actor=roles.office, reason=RejectReason.DUPLICATE)
    for letter, department, handler in ((b, roles.department_a, roles.handler_a),
                                        (c, roles.department_b, roles.handler_b),
                                        (d, roles.department_a, roles.handler_a)):
        services.assign_letter(letter, department.id, actor=roles.office)
        services.answer_letter(letter, actor=handler, answer_html=ANSWER)
        services.approve_answer(letter, actor=roles.office, publish=False)
    db.session.commit()
    services.rate_letter(b, LetterRating.SATISFIED)
    services.rate_letter(c, LetterRating.UNSATISFIED)
    services.assign_letter(e, roles.department_a.id, actor=roles.office)
    services.return_letter(e, actor=roles.handler_a, reason="不属于本部门职责")
    services.assign_letter(e, roles.department_b.id, actor=roles.office)  # moved to another department
    db.session.commit()
    services.reopen_letter(c, actor=roles.office, note="需补充答复")  # rated 不满意: no longer answered
    db.session.delete(f)
    db.session.commit()
    frozen(2026, 5, 1, 9)  # e is overdue by now
    return letters


def test_running_totals_follow_every_step_and_equal_a_recount(roles, frozen):
    handle_letters(roles, frozen)
    kept = table()
    assert sum(row[2] for row in kept) == 5  # received: six letters, one deleted
    assert monthcounts.rebuild(db.session.connection()) == len([row for row in kept if row[2]])
    assert [row for row in table() if row[2]] == [row for row in kept if row[2]]


def test_whole_months_read_from_the_totals_give_the_live_figures(roles, frozen):
    handle_letters(roles, frozen)
    start, end = stats.month_bounds("2026-02")[0], stats.month_bounds("2026-03")[1]
    assert stats.whole_months(start, end) == ["2026-02", "2026-03"]
    assert stats.whole_months(start, end - timedelta(seconds=1)) is None
    from_totals = stats.department_rows(start, end)
    live = stats.department_rows(start, end - timedelta(microseconds=1))  # not whole months: aggregated live
    assert [r.as_dict() for r in from_totals] == [r.as_dict() for r in live]
    assert {r.department_id: (r.received, r.overdue) for r in from_totals} == {
        None: (1, 0), roles.department_a.id: (2, 0), roles.department_b.id: (2, 2)}
    trend = stats.month_rows(["2026-02", "2026-03"])
    assert [(r.key, r.received, r.answered, r.rated, r.satisfied) for r in trend] == [
        ("2026-02", 2, 1, 1, 1), ("2026-03", 3, 1, 0, 0)]  # reopening clears the rating
    assert stats.month_rows(["2026-03"], department_id=roles.department_b.id)[0].overdue == 2


def _public_totals(roles) -> list[int]:
    """The public list's totals: all, each department, each month, one department's month."""
    queries = [services.PublicQuery(), services.PublicQuery(department_id=roles.department_a.id),
               services.PublicQuery(department_id=roles.department_b.id), services.PublicQuery(month="2026-02"),
               services.PublicQuery(month="2026-03"),
               services.PublicQuery(department_id=roles.department_a.id, month="2026-03")]
    return [services.public_letters(query).total for query in queries]


def _counted_public_totals(roles) -> list[int]:
    """The same totals counted over the letters."""
    published = list(db.session.scalars(sa.select(Letter).where(Letter.published == sa.true())))

    def n(department=None, month=None):
        return len([letter for letter in published
                    if (department is None or letter.department_id == department.id)
                    and (month is None or monthcounts.month_of(letter.submitted_at) == month)])

    return [n(), n(roles.department_a), n(roles.department_b), n(month="2026-02"), n(month="2026-03"),
            n(roles.department_a, "2026-03")]


def test_public_list_totals_come_from_the_running_totals_and_follow_publication(roles, frozen):
    letters = handle_letters(roles, frozen)
    _, b, c, d, *_ = letters
    assert _public_totals(roles) == _counted_public_totals(roles) == [0, 0, 0, 0, 0, 0]
    services.publish_letter(b, actor=roles.office)  # February, department A
    services.publish_letter(d, actor=roles.office)  # March, department A
    db.session.commit()
    assert _public_totals(roles) == _counted_public_totals(roles) == [2, 2, 0, 1, 1, 1]
    services.withdraw_letter(b, actor=roles.office, note="含个人信息")
    d.department_id = roles.department_b.id  # a published letter moved to another department
    db.session.commit()
    assert _public_totals(roles) == _counted_public_totals(roles) == [1, 0, 1, 0, 1, 0]
    db.session.delete(d)
    db.session.commit()
    assert _public_totals(roles) == _counted_public_totals(roles) == [0, 0, 0, 0, 0, 0]
    kept = table()
    monthcounts.rebuild(db.session.connection())
    assert [row for row in table() if row[2]] == [row for row in kept if row[2]]
