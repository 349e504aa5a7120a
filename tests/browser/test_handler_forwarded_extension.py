"""A handler asking more time for a letter forwarded from above (上级转办, 主席信箱), and the
office deciding it (session 14's desk walk): the form said only 办公室批准后，答复期限按工作日
顺延 — true of this system's deadline, but the upstream deadline does not move, and a letter
closed after it counts as missed in the monthly inspection report. Both forms now say so,
with the upstream date."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from tests.browser import given
from tests.browser.helpers import assert_accessible, login


def _forwarded_letter(stored, due_in_days: int = 10) -> dict:
    from interact.core import clock
    from interact.letters import services
    from interact.letters.models import LetterChannel, LetterKind

    title = given.unique("退役军人创业补贴怎么申请")
    due = clock.today() + timedelta(days=due_in_days)

    def make(db):
        data = services.LetterInput(channel=LetterChannel.FORWARDED, kind=LetterKind.CONSULTATION, title=title,
                                    body="本人去年退役，想了解创业补贴的申请条件和材料。", name="李四",
                                    phone="13911113333")
        result = services.enter_forwarded_letter(
            data, upstream_source="主席信箱", upstream_number=given.unique("ZX-2026-"), upstream_due=due,
            department_id=given._department_id(db, "市人力资源社会保障局"), actor=given._user(db, "office"))
        db.session.commit()
        return {"id": result.letter.id, "number": result.letter.number, "due": due.isoformat()}

    return stored.write(make)


def test_an_extension_of_a_forwarded_letter_says_the_upstream_deadline_stays(page, new_page, stored):
    letter = _forwarded_letter(stored)
    login(page, "rsj")
    page.goto(f"/staff/letters/{letter['id']}")
    form = page.locator("form", has=page.get_by_role("heading", name="申请延期"))
    expect(form).to_contain_text(f"上级期限 {letter['due']} 前办结")
    expect(form).to_contain_text("上级期限不变")
    assert_accessible(page, context="forwarded letter, handler")
    form.get_by_label("延期工作日数").fill("5")
    form.get_by_label("延期理由").fill("需要与退役军人事务局核实政策")
    form.get_by_role("button", name="申请延期").click()
    expect(page.locator(".flashes, main").first).to_contain_text("延期")

    office = new_page()
    login(office, "office")
    office.goto(f"/staff/letters/{letter['id']}")
    panel = office.locator(".panel", has=office.get_by_role("heading", name="延期申请"))
    expect(panel).to_contain_text(f"上级期限 {letter['due']} 不随延期顺延")
    assert_accessible(office, context="forwarded letter, office deciding the extension")


def test_an_ordinary_letter_has_no_upstream_note(page, stored):
    letter = given.routed_letter(stored)
    login(page, "rsj")
    page.goto(f"/staff/letters/{letter['id']}")
    expect(page.get_by_role("heading", name="申请延期")).to_be_visible()
    expect(page.locator(".upstream-due-note")).to_have_count(0)
