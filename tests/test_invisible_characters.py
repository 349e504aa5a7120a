"""Invisible format characters (zero-width spaces, soft hyphens, bidirectional overrides)
never reach what is stored and published: tried from outside, a phone number, an ID
number and a name split by U+200B were published in clear on /letters/<id> and in
/api/v1/letters (the masking reads ``138\\u200b0013\\u200b8000`` as three short numbers),
and a title with U+202E showed reversed in every list."""
from __future__ import annotations

import re

import pytest

from interact.core.textnorm import strip_invisible
from interact.extensions import db
from interact.letters import services as letter_services
from interact.letters.models import Letter
from tests.helpers import API_CAPTCHA
from tests.letters.test_views import FORM

ZW = "\u200b"


def _publish(letter, roles):
    letter_services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    letter_services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>已收悉。</p>")
    letter_services.approve_answer(letter, actor=roles.office, publish=True)
    db.session.commit()


def _newest() -> Letter:
    return db.session.scalars(db.select(Letter).order_by(Letter.id.desc())).first()


#: The phone's middle digits shown beside either of its ends (read as three short numbers,
#: the middle one left in clear). Not "0013" alone: a time on the page may hold it.
_middle_of_the_phone = re.compile(r"138\D{0,2}0013|0013\D{0,2}8000")


def test_web_form_letter_split_by_zero_width_characters_is_masked_when_published(client, roles):
    body = (f"我叫欧阳{ZW}娜娜，手机138{ZW}0013{ZW}8000，身份证440301\u00ad19850315\u2060221X，"
            f"住建设路{ZW}123号，请回复。")
    response = client.post("/letters/new", data={**FORM, "title": f"\u202e咨询公积金{ZW}提取", "body": body,
                                                 "name": "欧阳娜娜", "phone": "13800138000"})
    assert response.status_code in (302, 303)
    letter = _newest()
    assert letter.title == "咨询公积金提取" and ZW not in letter.body
    _publish(letter, roles)
    for page in (client.get(f"/letters/{letter.id}").get_data(as_text=True),
                 client.get("/api/v1/letters").get_data(as_text=True)):
        plain = page.replace(ZW, "").replace("\u00ad", "").replace("\u2060", "")
        for secret in ("13800138000", "19850315", "娜娜", "建设路123号"):
            assert secret not in plain
        assert not _middle_of_the_phone.search(plain)


def test_api_letter_split_by_zero_width_characters_is_masked_when_published(client, roles):
    from tests.letters.test_api import VALID

    response = client.post("/api/v1/letters", json={
        **VALID, "title": f"公积金{ZW}提取咨询", "body": f"我的手机是138{ZW}0013{ZW}8000，请尽快回复，谢谢。",
    }, headers=API_CAPTCHA)
    assert response.status_code == 201, response.get_json()
    letter = _newest()
    assert letter.title == "公积金提取咨询" and ZW not in letter.body
    _publish(letter, roles)
    assert not _middle_of_the_phone.search(client.get(f"/letters/{letter.id}").get_data(as_text=True).replace(ZW, ""))


def test_a_title_of_invisible_characters_only_is_refused(client):
    response = client.post("/letters/new", data={**FORM, "title": ZW * 10})
    assert response.status_code == 422
    assert "标题" in response.get_data(as_text=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("138\u200b0013\u200c8000", "13800138000"),
    ("王\u2060小\ufeff明\u00ad", "王小明"),
    ("gnp\u202eexe.png\u2066", "gnpexe.png"),
    ("家庭 👨\u200d👩\u200d👧 照片", "家庭 👨\u200d👩\u200d👧 照片"),  # an emoji sequence keeps its joiners
    ("1\u200d2", "12"),
    ("plain ascii", "plain ascii"),
    ("", ""),
    (None, None),
])
def test_strip_invisible(text, expected):
    assert strip_invisible(text) == expected


def test_passwords_are_not_altered(app):
    from interact.accounts.forms import LoginForm

    with app.test_request_context(method="POST", data={"identifier": "a\u200bdmin", "password": "pass\u200bword1"}):
        form = LoginForm()
        assert form.identifier.data == "admin" and form.password.data == "pass\u200bword1"
