"""登记上级转办: one upstream letter is one letter (attack G17: four clicks at once made four
letters with the same upstream number, and a fifth, later click a fifth). The same source
and upstream number is refused with the letter it was registered as; a second copy of the
same form (a double click) lands on the letter the first copy registered — also when the
copies arrive at the same instant."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from interact.core.errors import Conflict
from interact.letters import services
from interact.letters.models import Letter, LetterChannel
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.letters.conftest import letter_input
from tests.staff_races import count, form_token, make_staff, meet, post_copies

URL = "/staff/letters/forwarded/new"


def _form(token: str, number: str = "ZX-2026-9999") -> dict[str, str]:
    return {"upstream_source": "主席信箱", "upstream_number": number, "upstream_due": "",
            "department_id": "", "kind": "help", "title": "退役军人就业帮扶",
            "body": "想了解退役军人就业创业的帮扶政策。", "name": "马振宇", "phone": "13905710020", "token": token}


def _enter(actor, number: str, source: str = "主席信箱", token: str | None = None):
    return services.enter_forwarded_letter(letter_input(), upstream_source=source, upstream_number=number,
                                           upstream_due=None, department_id=None, actor=actor, form_token=token)


def test_an_upstream_letter_registered_again_is_refused_naming_the_first(db, roles):
    first = _enter(roles.office, "ZX-2026-9999").letter
    db.session.commit()
    for typed in ("ZX-2026-9999", " zx-2026-9999 ", "ＺＸ－２０２６－９９９９", "ZX - 2026 - 9999"):
        with pytest.raises(Conflict) as refused:
            _enter(roles.office, typed)
        assert f"登记为来信 {first.number}" in refused.value.message and "不能重复登记" in refused.value.message
        assert refused.value.fields == {"upstream_number": f"已登记为 {first.number}"}
        db.session.rollback()
    # Another upstream number, or the same number from another mailbox, is another letter.
    assert _enter(roles.office, "ZX-2026-9998").letter.id != first.id
    assert _enter(roles.office, "ZX-2026-9999", source="省长信箱").letter.id != first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Letter)
                             .where(Letter.channel == LetterChannel.FORWARDED)) == 3


def test_the_same_form_sent_again_returns_the_letter_it_registered(db, roles):
    first = _enter(roles.office, "ZX-2026-9999", token="a" * 32)
    db.session.commit()
    again = _enter(roles.office, "ZX-2026-9999", token="a" * 32)
    assert again.duplicate and again.letter.id == first.letter.id and again.query_code is None


def test_registering_twice_from_the_page_says_which_letter_it_is(client, auth, roles, db):
    auth.login(roles.office)
    token = form_token(client, URL)
    first = client.post(URL, data=_form(token))
    assert first.status_code == 302
    shown = client.get(first.headers["Location"]).get_data(as_text=True)
    code = re.search(r"查询码 ([A-Z0-9]+)", shown).group(1)
    # The same form again (a double click the browser sent after the first): the same letter,
    # and the code the first answer showed, since the browser shows the last answer.
    again = client.post(URL, data=_form(token))
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert f"查询码 {code}" in client.get(again.headers["Location"]).get_data(as_text=True)
    # A new form for the same upstream letter: refused, with what was typed kept.
    refused = client.post(URL, data={**_form("b" * 32), "title": "退役军人就业帮扶（再次转来）"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    number = db.session.scalar(sa.select(Letter.number))
    assert f"登记为来信 {number}" in html and "退役军人就业帮扶（再次转来）" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Letter)) == 1


def test_four_clicks_at_once_register_one_letter(racing_app, monkeypatch):
    office_id = make_staff(racing_app, "office", "office")
    meet(monkeypatch, services, "_insert_with_number", 4)  # after the checks, before the insert
    texts: list[str] = []
    statuses = post_copies(racing_app, office_id, URL, _form("c" * 32), 4, texts)
    assert statuses == [302] * 4, statuses
    assert count(racing_app, sa.select(Letter.id)) == 1


def test_two_forms_for_one_upstream_letter_at_once_register_one(racing_app, monkeypatch):
    office_id = make_staff(racing_app, "office", "office")
    meet(monkeypatch, services, "_insert_with_number", 2)
    texts: list[str] = []
    statuses = post_copies(racing_app, office_id, URL, lambda n: _form(f"{n}" * 32), 2, texts)
    assert sorted(statuses) == [302, 409], statuses
    number = in_app(racing_app, lambda: services.find_by_number(
        services.db.session.scalar(sa.select(Letter.number))).number)
    assert f"登记为来信 {number}" in texts[statuses.index(409)]
    assert count(racing_app, sa.select(Letter.id)) == 1
