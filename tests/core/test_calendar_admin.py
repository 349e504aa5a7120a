from datetime import date

from interact.core import workdays
from interact.core.models import CalendarDay
from interact.office import services


def test_next_year_warning_until_configured(app, db, roles, frozen):
    frozen(2098, 11, 22)
    assert "2099" in services.next_year_warning()
    services.add_calendar_day(date(2099, 1, 1), services.CalendarDayKind.HOLIDAY, "元旦", actor=roles.admin)
    db.session.commit()
    assert services.next_year_warning() is None
    assert not workdays.is_workday(date(2099, 1, 1))


def test_admin_page_adds_and_removes_days(client, auth, db, roles, frozen):
    frozen(2098, 11, 22)
    auth.login(roles.admin)
    assert "尚未配置" in client.get("/staff/calendar?year=2099").get_data(as_text=True)
    response = client.post("/staff/calendar", data={"day": "2099-01-01", "kind": "holiday", "name": "元旦"})
    assert response.status_code == 302
    row = db.session.scalar(db.select(CalendarDay))
    assert row.day == date(2099, 1, 1)
    client.post(f"/staff/calendar/{row.id}/delete", data={"year": "2099"})
    assert db.session.scalar(db.select(CalendarDay)) is None


def test_warning_shown_to_office_not_handler(client, auth, roles, frozen):
    frozen(2098, 11, 22)
    auth.login(roles.office)
    assert "尚未配置" in client.get("/staff/").get_data(as_text=True)
    auth.login(roles.handler_a)
    assert "尚未配置" not in client.get("/staff/").get_data(as_text=True)


def test_the_warning_says_who_enters_the_holidays(client, auth, roles, frozen):
    # The office was told 请在“节假日设置”中录入 — a page only the admin may open (session 14).
    frozen(2098, 11, 22)
    auth.login(roles.office)
    page = client.get("/staff/").get_data(as_text=True)
    assert "请联系系统管理员在“节假日设置”中录入" in page and "去设置" not in page
    auth.login(roles.admin)
    page = client.get("/staff/").get_data(as_text=True)
    assert "请在“节假日设置”中录入。<a href=\"/staff/calendar\">去设置</a>" in page


def test_calendar_page_admin_only(client, auth, roles):
    auth.login(roles.office)
    assert client.get("/staff/calendar").status_code == 403
