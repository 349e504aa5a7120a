"""A link on a staff page opens for the person who sees it: the FAQ entry page of an entry
made from a letter linked "来源 来信 #20" to /staff/letters/20 for every curator, and the
city-wide curator (or a department's curator from another department) got 403 on it."""
from __future__ import annotations

import re

import pytest

from interact.letters import services


@pytest.fixture
def entry_from_letter(closed, roles, db):
    letter, _ = closed()
    draft = services.to_faq(letter, actor=roles.office)
    db.session.commit()
    return letter, draft.entry


def _letter_link(client, entry, letter):
    html = client.get(f"/staff/faq/{entry.id}").get_data(as_text=True)
    assert f"来信 #{letter.id}" in html
    return re.search(rf'href="(/staff/letters/{letter.id})"', html)


def test_curator_without_letters_sees_the_source_without_a_link(entry_from_letter, client, auth, roles):
    letter, entry = entry_from_letter
    auth.login(roles.curator)
    assert _letter_link(client, entry, letter) is None
    assert client.get(f"/staff/letters/{letter.id}").status_code == 403


def test_department_curator_of_the_letters_department_gets_a_working_link(
        entry_from_letter, client, auth, roles, make_user):
    letter, entry = entry_from_letter  # answered by department A, the entry is department A's
    auth.login(make_user("handler", "curator", department=roles.department_a, username="curator_a"))
    link = _letter_link(client, entry, letter)
    assert link is not None and client.get(link.group(1)).status_code == 200


def test_staff_links_follow_the_views_department_scope(app, entry_from_letter, roles):
    from flask_login import login_user

    from interact.core.templating import staff_nav_url

    letter, _entry = entry_from_letter
    for user, expected in ((roles.handler_a, f"/staff/letters/{letter.id}"), (roles.handler_b, None),
                           (roles.office, f"/staff/letters/{letter.id}")):
        with app.test_request_context():
            login_user(user)
            assert staff_nav_url("letters.staff_detail", letter_id=letter.id) == expected


def test_office_gets_the_link(entry_from_letter, client, auth, roles):
    letter, entry = entry_from_letter
    auth.login(roles.office)
    assert _letter_link(client, entry, letter) is not None
