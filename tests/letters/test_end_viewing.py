"""结束查看 (attack K7): a citizen who wrote or looked up a letter on a shared computer ends
that browser's access to it, so the next visitor does not reopen the receipt or the letter
from the history."""
from __future__ import annotations

import re

from interact.extensions import db
from interact.letters.models import Letter

from .test_views import FORM


def _number() -> str:
    return db.session.scalars(db.select(Letter.number).order_by(Letter.id.desc())).first()


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_ending_the_viewing_after_writing_keeps_the_next_visitor_out(app, client):
    receipt_url = client.post("/letters/new", data=FORM).headers["Location"]
    receipt = client.get(receipt_url).get_data(as_text=True)
    number = _number()
    assert "结束查看" in receipt and "记下信件编号和查询码后" in receipt
    track = client.get(f"/letters/track/{number}")
    assert track.status_code == 200 and "结束查看" in track.get_data(as_text=True)
    before = _cookie(client)

    ended = client.post("/letters/end-viewing")
    assert ended.status_code == 303 and ended.headers["Location"] == "/"
    assert "已结束查看" in client.get("/").get_data(as_text=True)

    # the next visitor of the same browser, from its history
    assert client.get(f"/letters/track/{number}").headers["Location"].startswith("/letters/lookup")
    assert client.get(receipt_url).status_code == 404
    # nor does the cookie the browser had before (a copy of it) open anything now
    copy = app.test_client()
    copy.set_cookie("session", before)
    assert copy.get(f"/letters/track/{number}").status_code == 302
    assert copy.get(receipt_url).status_code == 404


def test_ending_the_viewing_after_a_look_up(client, submit):
    letter, code = submit()
    client.post("/letters/lookup", data={"number": letter.number, "code": code})
    assert client.get(f"/letters/track/{letter.number}").status_code == 200
    client.post("/letters/end-viewing")
    assert client.get(f"/letters/track/{letter.number}").status_code == 302
    # the letter is still there for whoever has the number and the code
    client.post("/letters/lookup", data={"number": letter.number, "code": code})
    assert client.get(f"/letters/track/{letter.number}").status_code == 200


def test_an_account_keeps_its_letters_and_is_told_to_log_out(client, auth, roles):
    auth.login(roles.citizen)
    client.post("/letters/new", data=dict(FORM, token="account-1"))
    number = _number()
    page = client.get(f"/letters/track/{number}").get_data(as_text=True)
    assert "结束查看" not in page  # the header's 退出登录 is the way out
    response = client.post("/letters/end-viewing", follow_redirects=True)
    assert "请点“退出登录”" in response.get_data(as_text=True)
    assert client.get(f"/letters/track/{number}").status_code == 200


def test_ending_the_viewing_needs_the_pages_token(csrf_app, submit):
    letter, code = submit()
    client = csrf_app.test_client()
    page = client.get("/letters/lookup").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/letters/lookup", data={"number": letter.number, "code": code, "csrf_token": token})
    assert client.get(f"/letters/track/{letter.number}").status_code == 200

    assert client.post("/letters/end-viewing").status_code == 400  # another site's form
    assert client.get(f"/letters/track/{letter.number}").status_code == 200

    track = client.get(f"/letters/track/{letter.number}").get_data(as_text=True)
    token = re.search(r'class="end-viewing".*?name="csrf_token" value="([^"]+)"', track, re.S).group(1)
    assert client.post("/letters/end-viewing", data={"csrf_token": token}).status_code == 303
    assert client.get(f"/letters/track/{letter.number}").status_code == 302
