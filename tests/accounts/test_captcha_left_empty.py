"""A captcha left empty is asked for, not called wrong (attack I3): after failed log-ins a
log-in page opened anew shows no captcha until the account is typed, so the owner's next
try comes without one and must be told to type the image's text."""
from __future__ import annotations

from interact.accounts import throttle
from interact.core import captcha

WRONG = "验证码不正确"
ASK = "请输入图片中的验证码"


def test_owner_after_failures_is_asked_for_the_captcha(app, client, roles, frozen):
    app.config.update(RATELIMIT_LOGIN="1000 per minute", CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
    frozen(2026, 11, 30, 10)
    for n in range(throttle.CAPTCHA_AFTER_ACCOUNT):
        client.post("/login", data={"identifier": "office", "password": "wrong-1234"},
                    environ_base={"REMOTE_ADDR": f"10.9.0.{n}"})
    owner = app.test_client()
    assert 'name="captcha"' not in owner.get("/login").get_data(as_text=True)
    response = owner.post("/login", data={"identifier": "office", "password": "secret123"},
                          environ_base={"REMOTE_ADDR": "10.8.0.1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'name="captcha"' in html
    assert ASK in html and WRONG not in html
    answer = owner.get("/captcha.png", environ_base={"REMOTE_ADDR": "10.8.0.1"}).headers[captcha.TEST_ANSWER_HEADER]
    response = owner.post("/login", data={"identifier": "office", "password": "secret123", "captcha": answer},
                          environ_base={"REMOTE_ADDR": "10.8.0.1"})
    assert response.status_code == 302


def test_a_letter_with_the_captcha_left_empty_asks_for_it(app, client):
    app.config["CAPTCHA_ENABLED"] = True
    client.get("/captcha.png")
    response = client.post("/letters/new", data={"title": "路灯坏了", "body": "小区门口的路灯坏了一个月了。",
                                                "name": "孙丽丽", "phone": "13912340001", "captcha": " "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and ASK in html and WRONG not in html
    response = client.post("/letters/new", data={"title": "路灯坏了", "body": "小区门口的路灯坏了一个月了。",
                                                "name": "孙丽丽", "phone": "13912340001", "captcha": "XXXX"})
    assert WRONG in response.get_data(as_text=True)
