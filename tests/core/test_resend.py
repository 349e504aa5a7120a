"""A form sent after its page's token ran out (8 hours) is not lost: the visitor reads why,
in Chinese, and sends it again with one click, what was typed unchanged; passwords and
captcha answers are never written back into a page, and a post from another site (what the
token guards against) gets the plain refusal."""
from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner
from werkzeug.datastructures import MultiDict

from interact.extensions import db
from interact.letters.models import Letter

SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate"}
BODY = "我家楼下的路灯坏了两个星期，晚上回家很不方便。\n请尽快派人维修。"
LETTER = {"channel": "consultation", "kind": "consultation", "department_id": "", "title": "路灯坏了",
          "body": BODY, "name": "王建国", "phone": "13712345678", "email": "", "publish_consent": "y"}


def _hidden(html: str) -> list[tuple[str, str]]:
    from html import unescape

    return [(name, unescape(value)) for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)]


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture
def hours_later(monkeypatch):
    """Move the clock of signed tokens (not the app's) ``hours`` forward."""
    def later(hours: float) -> None:
        moment = time.time() + hours * 3600
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(moment))
    return later


def _letters(title: str) -> list[Letter]:
    return db.session.scalars(sa.select(Letter).where(Letter.title == title)).all()


def test_a_letter_sent_after_eight_hours_is_sent_again_with_one_click(csrf_app, hours_later):
    browser = csrf_app.test_client()
    page = browser.get("/letters/new").get_data(as_text=True)
    form = dict(LETTER, csrf_token=_field(page, "csrf_token"), token=_field(page, "token"))
    hours_later(8.1)
    refused = browser.post("/letters/new", data=form, headers=SAME_SITE)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "页面已过期，填写的内容还在" in html and "超过 8 小时" in html and "继续提交" in html
    assert refused.headers["Cache-Control"] == "no-store"  # the name and phone are in it
    assert _letters("路灯坏了") == []
    carried = _hidden(html)
    new_token = dict(carried)["csrf_token"]
    assert new_token != form["csrf_token"]
    assert [pair for pair in carried if pair[0] != "csrf_token"] == \
        [(name, value) for name, value in form.items() if name != "csrf_token"]
    again = browser.post(re.search(r'<form method="post" action="([^"]+)"', html).group(1),
                         data=MultiDict(carried), headers=SAME_SITE)
    assert again.status_code == 302 and "/letters/receipt" in again.headers["Location"]
    (letter,) = _letters("路灯坏了")
    assert letter.body == BODY and letter.name == "王建国"


def test_a_form_posted_from_elsewhere_gets_the_plain_refusal(csrf_app, hours_later):
    browser = csrf_app.test_client()
    page = browser.get("/letters/new").get_data(as_text=True)
    form = dict(LETTER, csrf_token=_field(page, "csrf_token"), token=_field(page, "token"))
    hours_later(9)
    for headers in ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
                    {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate"},
                    {"Origin": "https://attacker.example"},
                    {},  # says nothing about where it comes from
                    {**SAME_SITE, "Sec-Fetch-Mode": "cors", "X-CSRFToken": form["csrf_token"]}):  # a script's request
        refused = browser.post("/letters/new", data=form, headers=headers)
        assert refused.status_code == 400, headers
        html = refused.get_data(as_text=True)
        assert "继续提交" not in html and "王建国" not in html, headers
        assert "页面已过期或表单校验失败" in html, headers
    # A browser that sends neither Sec-Fetch-Site nor Origin: its Referer decides.
    referred = browser.post("/letters/new", data=form, headers={"Referer": "http://localhost/letters/new"})
    assert "继续提交" in referred.get_data(as_text=True)
    assert _letters("路灯坏了") == []


def test_a_token_made_wrong_on_purpose_gets_the_plain_refusal(csrf_app):
    browser = csrf_app.test_client()
    browser.get("/letters/new")
    refused = browser.post("/letters/new", data=dict(LETTER, csrf_token="forged"), headers=SAME_SITE)
    assert refused.status_code == 400 and "继续提交" not in refused.get_data(as_text=True)


def test_a_password_is_never_written_into_the_page(csrf_app, hours_later, roles):
    browser = csrf_app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    hours_later(8.5)
    refused = browser.post("/login", data={"identifier": roles.office.username, "password": "secret123",
                                           "csrf_token": _field(page, "csrf_token")}, headers=SAME_SITE)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "secret123" not in html and "密码和验证码不会保留" in html
    carried = dict(_hidden(html))
    assert carried["identifier"] == roles.office.username and "password" not in carried
    # Sent again: the log-in form asks for the password, the account is still filled in.
    again = browser.post("/login", data=carried, headers=SAME_SITE)
    assert again.status_code in (200, 422) and "请输入密码" in again.get_data(as_text=True)
    assert roles.office.username in again.get_data(as_text=True)


def test_a_form_of_a_session_that_ended_since_the_page_was_opened_is_sent_again(csrf_app, roles):
    """A log-out in another tab ends the session: the letter form opened before it carries
    the old session's token."""
    browser = csrf_app.test_client()
    login_page = browser.get("/login").get_data(as_text=True)
    assert browser.post("/login", data={"identifier": roles.citizen.phone, "password": "secret123",
                                        "csrf_token": _field(login_page, "csrf_token")}).status_code == 302
    page = browser.get("/letters/new").get_data(as_text=True)
    assert browser.post("/logout", data={"csrf_token": _field(page, "csrf_token")}).status_code == 302
    browser.get("/")
    refused = browser.post("/letters/new", data=dict(LETTER, csrf_token=_field(page, "csrf_token"),
                                                     token=_field(page, "token")), headers=SAME_SITE)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "登录状态或会话有了变化" in html
    again = browser.post("/letters/new", data=MultiDict(_hidden(html)), headers=SAME_SITE)
    assert again.status_code == 302 and len(_letters("路灯坏了")) == 1


def test_the_page_says_chosen_files_are_not_sent_again(csrf_app, hours_later):
    import io

    browser = csrf_app.test_client()
    page = browser.get("/letters/new").get_data(as_text=True)
    hours_later(8.1)
    refused = browser.post("/letters/new", headers=SAME_SITE, content_type="multipart/form-data", data=dict(
        LETTER, csrf_token=_field(page, "csrf_token"), token=_field(page, "token"),
        attachments=(io.BytesIO(b"%PDF-1.4 photo"), "路灯.pdf")))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "继续提交" in html and "附件无法保留" in html
    assert ("body", BODY) in _hidden(html)
