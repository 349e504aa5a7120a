"""Routes: submission, receipt, look-up, rating, public list/detail, staff workspaces,
permission denials and CSRF."""
from __future__ import annotations

import io
import re

import pytest

from interact.core.forms import KEPT_FORM_KEY
from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter, LetterRating, LetterStatus

FORM = {
    "channel": "consultation", "kind": "consultation", "department_id": "", "leader_id": "",
    "title": "社保卡丢失怎么补办", "body": "我的社保卡丢了，请问去哪里补办，需要带什么材料？我的手机13712345678。",
    "name": "李四", "phone": "137 1234 5678", "email": "", "publish_consent": "y", "token": "tok-1",
}


def _letter(number=None) -> Letter:
    stmt = db.select(Letter).order_by(Letter.id.desc())
    return db.session.scalars(stmt).first()


def test_form_renders_with_captcha_for_anonymous(client):
    html = client.get("/letters/new").get_data(as_text=True)
    assert 'name="captcha"' in html and 'name="token"' in html
    assert "<script>" not in html.replace('<script src', '')


def test_submit_shows_receipt_with_code_once(client):
    response = client.post("/letters/new", data=FORM)
    assert response.status_code == 302
    letter = _letter()
    assert letter.phone == "13712345678" and letter.status is LetterStatus.SUBMITTED
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert letter.number in receipt and "咨询类来信在 5 个工作日内答复" in receipt
    code = re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt).group(1)
    assert services.lookup(letter.number, code) is letter
    # Shown once: a reload no longer has it.
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert code not in again and "仅在首次提交后显示一次" in again


def test_a_refused_letter_names_every_problem_at_once(app, client):
    """A wrong captcha does not hide the letter's own problems (a short phone number, a too
    brief text): an older citizen fixes them all in one round instead of finding the next
    one after each new captcha."""
    app.config["CAPTCHA_ENABLED"] = True
    response = client.post("/letters/new", data=dict(FORM, phone="1391234", body="路灯坏了", captcha="XXXX"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写正确的 11 位手机号码" in html and "正文应为 10–2000 个字" in html and "验证码不正确" in html
    assert "有 3 处需要修改" in html
    assert 'value="1391234"' in html and "路灯坏了</textarea>" in html
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_a_refused_letter_says_its_attachments_must_be_chosen_again(client):
    data = dict(FORM, phone="1391234", attachments=[(io.BytesIO(b"%PDF-1.4 test"), "证明.pdf")])
    response = client.post("/letters/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "所选的 1 个附件没有保存，请重新选择后再提交。" in html and "请填写正确的 11 位手机号码" in html


def test_double_submit_creates_one_letter(client):
    client.post("/letters/new", data=FORM)
    response = client.post("/letters/new", data=FORM)
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def _code_on(receipt_page: str) -> str | None:
    found = re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt_page)
    return found.group(1) if found else None


def test_a_repeat_of_a_stored_submission_shows_its_receipt_with_the_code(app, client, monkeypatch):
    """A second copy of the letter form (a double click: same form token, same browser, the
    first copy already stored and its captcha used) shows the first letter's receipt with
    number and query code — not an error, not a receipt without the code."""
    from interact.core import captcha

    app.config["CAPTCHA_ENABLED"] = True
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")
    client.get("/letters/new")
    client.get("/captcha.png")
    data = dict(FORM, token="dbl-1", captcha="AB3K")
    first = client.post("/letters/new", data=data)
    second = client.post("/letters/new", data=data)  # the browser shows this answer only
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1
    letter = _letter()
    code = _code_on(client.get(second.headers["Location"]).get_data(as_text=True))
    assert code is not None and services.lookup(letter.number, code) is letter
    # Another browser with a copy of the form's token gets no code.
    other = app.test_client()
    repeat = other.post("/letters/new", data=dict(FORM, token="dbl-1"))
    assert repeat.status_code == 302
    assert _code_on(other.get(repeat.headers["Location"]).get_data(as_text=True)) is None


def test_a_late_repeat_no_longer_shows_the_code(client, frozen):
    frozen(2026, 3, 10, 9)
    client.post("/letters/new", data=dict(FORM, token="dbl-2"))
    client.get(f"/letters/receipt?number={_letter().number}")  # the code was shown
    frozen(2026, 3, 10, 9, 20)  # (within the half hour a browser follows a letter idle)
    repeat = client.post("/letters/new", data=dict(FORM, token="dbl-2"))
    page = client.get(repeat.headers["Location"]).get_data(as_text=True)
    assert _code_on(page) is None and "仅在首次提交后显示一次" in page


def test_a_copy_sent_while_the_first_is_in_flight_waits_and_shows_its_receipt(app, client, monkeypatch):
    """The first copy holds the form token's claim while it is being sent; the second waits
    for its letter (instead of failing on the used captcha or the unique key) and shows
    the same receipt with the code."""
    from interact.core import sessions
    from interact.letters import views

    with client.session_transaction() as browser_session:  # the browser's session (a form token lives there)
        browser_session["csrf_token"] = "x"
        sid = browser_session.sid
    with app.test_request_context():
        assert sessions.claim_once("letter-form:dbl-3", views.SENDING_CLAIM_TTL)  # the first copy, in flight
    naps = []

    def first_copy_finishes(seconds):  # the first copy stores its letter while the second waits
        naps.append(seconds)
        if len(naps) == 1:
            result = services.submit_letter(services.LetterInput(
                channel=services.LetterChannel.CONSULTATION, kind=services.LetterKind.CONSULTATION,
                title=FORM["title"], body=FORM["body"], name="李四", phone="13712345678"),
                idempotency_key="dbl-3", query_code=services.derived_query_code(sid, "dbl-3"))
            db.session.commit()
            assert result.query_code

    monkeypatch.setattr(views.time, "sleep", first_copy_finishes)
    second = client.post("/letters/new", data=dict(FORM, token="dbl-3"))
    assert second.status_code == 302 and naps
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1
    letter = _letter()
    code = _code_on(client.get(second.headers["Location"]).get_data(as_text=True))
    assert code is not None and services.lookup(letter.number, code) is letter


def test_a_refused_copy_lets_the_corrected_one_go_at_once(client, monkeypatch):
    from interact.letters import views

    monkeypatch.setattr(views.time, "sleep", lambda seconds: pytest.fail("the corrected letter waited"))
    assert client.post("/letters/new", data=dict(FORM, token="dbl-4", phone="123")).status_code == 422
    assert client.post("/letters/new", data=dict(FORM, token="dbl-4")).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def test_bad_input_reshows_form_with_typed_values(client):
    data = dict(FORM, phone="12345", title="短", token="tok-2")
    response = client.post("/letters/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "手机号" in html and "我的社保卡丢了" in html
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_blocked_word_refused_and_review_word_held(client, db):
    from interact.core.models import SensitiveWord, SensitiveWordLevel

    db.session.add_all([SensitiveWord(word="代开发票", level=SensitiveWordLevel.BLOCK),
                        SensitiveWord(word="滚蛋", level=SensitiveWordLevel.REVIEW)])
    db.session.commit()
    response = client.post("/letters/new", data=dict(FORM, body="专业代开发票，价格优惠，联系我们吧。", token="t3"))
    assert response.status_code == 422 and "不允许提交" in response.get_data(as_text=True)
    response = client.post("/letters/new", data=dict(FORM, body="窗口工作人员让我滚蛋，态度太差了。", token="t4"))
    assert response.status_code == 302
    assert _letter().held_for_review and _letter().sensitive_words == ["滚蛋"]


def test_a_wrong_captcha_stores_no_attachment(app, client, monkeypatch):
    """The form stores its attachments before its first write, but only when the captcha's
    answer is right: a robot guessing captchas with 15 MB of files writes nothing to the
    store (nor does a wrong answer use up more than the image)."""
    from interact.core import captcha, storage
    from interact.core.models import StoredFile

    stored = []
    real_put = storage.LocalStore.put

    def put(self, key, source):
        stored.append(key)
        return real_put(self, key, source)

    monkeypatch.setattr(storage.LocalStore, "put", put)
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")
    app.config["CAPTCHA_ENABLED"] = True
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    client.get("/letters/new")
    client.get("/captcha.png")
    wrong = client.post("/letters/new", content_type="multipart/form-data", data=dict(
        FORM, token="cap-1", captcha="XXXX", attachments=(io.BytesIO(png), "photo.png")))
    assert wrong.status_code == 422 and "验证码不正确" in wrong.get_data(as_text=True)
    assert "所选的 1 个附件没有保存" in wrong.get_data(as_text=True)
    assert stored == [] and db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0
    client.get("/captcha.png")  # a new image; the right answer stores the file with the letter
    right = client.post("/letters/new", content_type="multipart/form-data", data=dict(
        FORM, token="cap-2", captcha="ab3k", attachments=(io.BytesIO(png), "photo.png")))
    assert right.status_code == 302 and len(stored) == 1
    assert [a.file.original_name for a in _letter().attachments] == ["photo.png"]


def test_attachment_upload_and_scoped_download(client, auth, roles):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    data = dict(FORM, token="t5", attachments=(io.BytesIO(png), "photo.png"))
    response = client.post("/letters/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    letter = _letter()
    assert len(letter.attachments) == 1 and not letter.attachments[0].file.public
    services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    db.session.commit()
    url = f"/staff/letters/{letter.id}/attachments/{letter.attachments[0].id}"
    assert client.get(url).status_code == 302  # anonymous → log-in
    auth.login(roles.handler_b)
    assert client.get(url).status_code == 403
    auth.login(roles.handler_a)
    response = client.get(url)
    try:
        assert response.status_code == 200 and response.data == png
        assert response.headers["Cache-Control"] == "no-store"
    finally:
        response.close()


def test_script_attachment_refused(client):
    data = dict(FORM, token="t6", attachments=(io.BytesIO(b"<script>alert(1)</script>"), "x.jpg"))
    response = client.post("/letters/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_mailbox_needs_a_leader(client, make_department, db):
    from interact.departments.models import Leader

    city = make_department("市人民政府", "SZF")
    leader = Leader(department_id=city.id, name="李明华", title="市长")
    db.session.add(leader)
    db.session.commit()
    response = client.post("/letters/new", data=dict(FORM, channel="mailbox", token="t7"))
    assert response.status_code == 422 and "收信领导" in response.get_data(as_text=True)
    response = client.post("/letters/new", data=dict(FORM, channel="mailbox", leader_id=str(leader.id), token="t8"))
    assert response.status_code == 302 and _letter().leader_id == leader.id


def test_rate_limit_on_submission(app, client):
    app.config["RATELIMIT_PUBLIC_POST"] = "2 per minute"
    for i in range(2):
        client.post("/letters/new", data=dict(FORM, token=f"r{i}"))
    assert client.post("/letters/new", data=dict(FORM, token="r9")).status_code == 429


def test_captcha_required_when_enabled(app, client):
    app.config["CAPTCHA_ENABLED"] = True
    response = client.post("/letters/new", data=dict(FORM, token="c1", captcha="XXXX"))
    assert response.status_code == 422 and "验证码" in response.get_data(as_text=True)


def test_csrf_protects_the_letter_form(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/letters/new", data=FORM)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_csrf_protects_staff_actions(csrf_app, submit, roles):
    from tests.conftest import Auth

    letter, _ = submit()
    client = csrf_app.test_client()
    Auth(client).login(roles.office)
    response = client.post(f"/staff/letters/{letter.id}/accept", data={"note": ""})
    assert response.status_code == 400
    assert db.session.get(Letter, letter.id).status is LetterStatus.SUBMITTED


# --- look-up and rating ------------------------------------------------------------------


def test_lookup_same_answer_for_wrong_number_and_wrong_code(client, submit):
    letter, code = submit()
    wrong_code = client.post("/letters/lookup", data={"number": letter.number, "code": "AAAAAAAA"})
    wrong_number = client.post("/letters/lookup", data={"number": "XJ20000101-0001", "code": code})
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert services.LOOKUP_FAILED in wrong_code.get_data(as_text=True)
    assert services.LOOKUP_FAILED in wrong_number.get_data(as_text=True)
    # Without a look-up the tracking page sends the visitor to the form.
    assert client.get(f"/letters/track/{letter.number}").status_code == 302


def test_lookup_shows_status_timeline_answer_and_rating(client, closed, roles):
    letter, code = closed()
    response = client.post("/letters/lookup", data={"number": letter.number.lower(), "code": code.lower()})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已办结" in html and "租房合同" in html and "提交评价" in html
    # The answering department is named once the letter left the office.
    assert "办理流程" in html and f"<dd>{roles.department_a.name}</dd>" in html
    response = client.post(f"/letters/track/{letter.number}/rate", data={"rating": "unsatisfied", "comment": "没说清楚"})
    assert response.status_code == 302
    # The citizen is told what a 不满意 rating leads to.
    assert "可安排有关部门重新办理一次" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Letter, letter.id).rating is LetterRating.UNSATISFIED
    again = client.post(f"/letters/track/{letter.number}/rate", data={"rating": "satisfied"})
    assert again.status_code == 303
    assert "您已评价过此答复" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Letter, letter.id).rating is LetterRating.UNSATISFIED


def test_rating_requires_lookup(client, closed):
    letter, _ = closed()
    response = client.post(f"/letters/track/{letter.number}/rate", data={"rating": "satisfied"})
    assert response.status_code == 302 and "/letters/lookup" in response.headers["Location"]
    assert db.session.get(Letter, letter.id).rating is None


def test_lookup_is_rate_limited(app, client):
    app.config["RATELIMIT_PUBLIC_POST"] = "3 per minute"
    for _ in range(3):
        client.post("/letters/lookup", data={"number": "XJ1", "code": "X"})
    assert client.post("/letters/lookup", data={"number": "XJ1", "code": "X"}).status_code == 429


def test_large_text_button_of_the_lookup_keeps_number_and_code(app, client, submit):
    """Without JavaScript the 关怀版 button submits the look-up form: it comes back in large
    text with the number and code as typed, nothing looked up (no failed attempt, no error,
    no allowance of the rate limit used)."""
    app.config["RATELIMIT_PUBLIC_POST"] = "1 per minute"
    letter, code = submit()
    page = client.get("/letters/lookup").get_data(as_text=True)
    assert 'form="lookup-form" name="large_text" value="1"' in page and 'id="lookup-form"' in page
    for _ in range(2):
        response = client.post("/letters/lookup", data={"large_text": "1", "number": letter.number, "code": "WRONG1"})
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'class="large-text"' in html
        assert f'value="{letter.number}"' in html and 'value="WRONG1"' in html
        assert "has-error" not in html and services.LOOKUP_FAILED not in html
    assert client.get(f"/letters/track/{letter.number}").status_code == 302  # not looked up
    found = client.post("/letters/lookup", data={"number": letter.number, "code": code})
    assert found.status_code == 302 and "/letters/track/" in found.headers["Location"]


def test_large_text_button_of_the_rating_keeps_the_choice_and_comment(client, closed):
    letter, code = closed()
    client.post("/letters/lookup", data={"number": letter.number, "code": code})
    page = client.get(f"/letters/track/{letter.number}").get_data(as_text=True)
    assert 'form="rating-form" name="large_text" value="1"' in page and 'id="rating-form"' in page
    response = client.post(f"/letters/track/{letter.number}/rate",
                           data={"large_text": "1", "rating": "unsatisfied", "comment": "材料清单没说清楚"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/letters/track/{letter.number}#rate-title")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="large-text"' in html
    assert re.search(r'<input[^>]*checked[^>]*value="unsatisfied"|<input[^>]*value="unsatisfied"[^>]*checked', html)
    assert "材料清单没说清楚</textarea>" in html and "has-error" not in html
    assert db.session.get(Letter, letter.id).rating is None


def test_a_refused_rating_goes_back_to_the_page_with_the_message_and_the_text(client, closed):
    """Post/redirect/get: a refused rating answers with a redirect to the tracking page, which
    says why and shows the comment as typed; reloading that page sends nothing again and
    still has the comment (the message is said once)."""
    letter, code = closed()
    client.post("/letters/lookup", data={"number": letter.number, "code": code})
    response = client.post(f"/letters/track/{letter.number}/rate", data={"comment": "为什么要等这么久才答复？"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/letters/track/{letter.number}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请选择评价" in html and "has-error" in html
    assert "为什么要等这么久才答复？</textarea>" in html
    reloaded = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "为什么要等这么久才答复？</textarea>" in reloaded and "has-error" not in reloaded
    assert db.session.get(Letter, letter.id).rating is None
    rated = client.post(f"/letters/track/{letter.number}/rate", data={"rating": "basic", "comment": "好的"})
    assert rated.status_code == 302 and db.session.get(Letter, letter.id).rating is LetterRating.BASIC
    with client.session_transaction() as kept:  # the typed comment is not kept any longer
        assert KEPT_FORM_KEY not in kept


def test_the_rating_address_opened_leads_to_the_tracking_page(client, closed):
    letter, _ = closed()
    response = client.get(f"/letters/track/{letter.number}/rate")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/letters/track/{letter.number}#rate-title")


def test_my_letters_for_citizen_accounts(client, auth, roles):
    auth.login(roles.citizen)
    form = client.get("/letters/new").get_data(as_text=True)
    assert "13900000001" in form and 'name="captcha"' not in form  # pre-filled, no captcha
    client.post("/letters/new", data=dict(FORM, token="m1"))
    html = client.get("/account/letters").get_data(as_text=True)
    assert _letter().number in html
    # Their own letter opens without the code.
    assert client.get(f"/letters/track/{_letter().number}").status_code == 200
    assert "我的来信" in client.get("/account").get_data(as_text=True)


def test_my_letters_needs_login(client):
    assert client.get("/account/letters").status_code == 302


# --- public list and detail -------------------------------------------------------------


def test_public_list_and_detail_mask_personal_data(client, closed):
    letter, _ = closed()
    html = client.get("/letters/").get_data(as_text=True)
    assert letter.title in html
    detail = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "张**" in detail and "张三丰" not in detail
    assert "13812345678" not in detail and "[电话]" in detail and "5678" not in detail
    assert "zhang@example.com" not in detail
    assert "租房合同" in detail
    assert "13812345678" not in client.get("/").get_data(as_text=True)


def test_unpublished_letter_is_not_public(client, closed, assigned):
    letter, _ = closed(publish=False)
    assert client.get(f"/letters/{letter.id}").status_code == 404
    open_letter, _ = assigned()
    assert client.get(f"/letters/{open_letter.id}").status_code == 404


def test_public_search(client, closed):
    letter, _ = closed()
    assert letter.title in client.get("/letters/?q=公积金").get_data(as_text=True)
    assert "共 0 封" in client.get("/letters/?q=幼儿园").get_data(as_text=True)
    # A phone number is not a search key.
    assert "共 0 封" in client.get("/letters/?q=13812345678").get_data(as_text=True)


def test_a_person_named_in_a_letter_is_no_search_key(client, closed):
    """A name the public page hides (a third person in the body) does not find the letter."""
    letter, _ = closed(title="关于柏秀兰的公积金提取", body="我母亲柏秀兰身体不好，想咨询公积金提取。")
    assert "柏秀兰" not in client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "共 0 封" in client.get("/letters/?q=柏秀兰").get_data(as_text=True)
    assert letter.public_title in client.get("/letters/?q=公积金").get_data(as_text=True)


def test_public_list_bad_filters_do_not_fail(client, closed):
    closed()
    for query in ("?kind=xx&channel=yy&department=abc&month=2026-13&page=-5",
                  "?q=%22%27%29%28*%3A%7B%7D%5E", "?q=" + "长" * 500, "?month=abcd&page=999999"):
        assert client.get("/letters/" + query, follow_redirects=True).status_code == 200


# --- staff workspaces -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/staff/letters/queue", "/staff/letters/all", "/staff/letters/review",
                                  "/staff/letters/mine", "/staff/letters/forwarded/new", "/staff/letters/settings"])
def test_staff_pages_redirect_anonymous_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/staff/letters/queue", "/staff/letters/all", "/staff/letters/review",
                                  "/staff/letters/forwarded/new", "/staff/letters/settings"])
def test_office_pages_forbidden_to_handlers(client, auth, roles, path):
    auth.login(roles.handler_a)
    assert client.get(path).status_code == 403


def test_handler_queue_forbidden_to_citizens_and_curators(client, auth, roles):
    auth.login(roles.curator)
    assert client.get("/staff/letters/mine").status_code == 403
    auth.login(roles.citizen)
    assert client.get("/staff/letters/mine").status_code == 403


def test_end_to_end_through_the_web(client, auth, roles):
    response = client.post("/letters/new", data=dict(FORM, token="e2e"))
    letter = _letter()
    code = re.search(r'class="code">([A-Z0-9]{8})<', client.get(response.headers["Location"]).get_data(as_text=True)).group(1)

    auth.login(roles.office)
    assert letter.number in client.get("/staff/letters/queue").get_data(as_text=True)
    detail = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "13712345678" in detail  # staff in scope see the contact
    assert client.post(f"/staff/letters/{letter.id}/assign",
                       data={"department_id": str(roles.department_a.id)}).status_code == 302

    auth.login(roles.handler_b)
    assert client.get(f"/staff/letters/{letter.id}").status_code == 403
    assert client.post(f"/staff/letters/{letter.id}/answer", data={"answer_html": "<p>x</p>"}).status_code == 403
    assert client.post(f"/staff/letters/{letter.id}/return", data={"reason": "x"}).status_code == 403
    assert client.post(f"/staff/letters/{letter.id}/extension", data={"extra_workdays": 3, "reason": "x"}).status_code == 403
    assert letter.number not in client.get("/staff/letters/mine").get_data(as_text=True)

    auth.login(roles.handler_a)
    assert letter.number in client.get("/staff/letters/mine").get_data(as_text=True)
    assert client.post(f"/staff/letters/{letter.id}/accept", data={}).status_code == 403
    response = client.post(f"/staff/letters/{letter.id}/answer",
                           data={"answer_html": "<p>请携带身份证到社保卡服务网点补办。</p><script>alert(1)</script>"})
    assert response.status_code == 302

    auth.login(roles.office)
    assert letter.number in client.get("/staff/letters/review").get_data(as_text=True)
    response = client.post(f"/staff/letters/{letter.id}/review", data={"decision": "approve", "publish": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.status is LetterStatus.CLOSED and letter.published

    auth.logout()
    response = client.post("/letters/lookup", data={"number": letter.number, "code": code})
    track = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "社保卡服务网点" in track and "<script>alert" not in track
    client.post(f"/letters/track/{letter.number}/rate", data={"rating": "satisfied"})
    assert db.session.get(Letter, letter.id).rating is LetterRating.SATISFIED
    public = client.get("/letters/?q=社保").get_data(as_text=True)
    assert letter.title in public and "13712345678" not in public
    detail = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "李*" in detail and "13712345678" not in detail and "[电话]" in detail


def test_staff_error_reshows_detail_with_message(client, auth, roles, assigned):
    letter, _ = assigned()
    auth.login(roles.handler_a)
    response = client.post(f"/staff/letters/{letter.id}/answer", data={"answer_html": "<p> </p>"})
    assert response.status_code == 422 and "请填写答复内容" in response.get_data(as_text=True)
    response = client.post(f"/staff/letters/{letter.id}/extension", data={"extra_workdays": 99, "reason": "久"})
    assert response.status_code == 422 and "1–15" in response.get_data(as_text=True)


def test_wrong_state_is_a_409_not_a_500(client, auth, roles, closed):
    letter, _ = closed()
    auth.login(roles.office)
    response = client.post(f"/staff/letters/{letter.id}/accept", data={})
    assert response.status_code == 409


def test_office_reject_with_reason(client, auth, roles, submit):
    letter, code = submit()
    auth.login(roles.office)
    response = client.post(f"/staff/letters/{letter.id}/reject", data={"reason": "police", "note": ""})
    assert response.status_code == 302
    auth.logout()
    client.post("/letters/lookup", data={"number": letter.number, "code": code})
    assert "110" in client.get(f"/letters/track/{letter.number}").get_data(as_text=True)


def test_extension_flow_through_the_web(client, auth, roles, assigned):
    letter, _ = assigned()
    auth.login(roles.handler_a)
    assert client.post(f"/staff/letters/{letter.id}/extension",
                       data={"extra_workdays": 3, "reason": "需要现场核查"}).status_code == 302
    extension = letter.extensions[0]
    assert client.post(f"/staff/letters/extensions/{extension.id}", data={"decision": "approve"}).status_code == 403
    auth.login(roles.office)
    assert "需要现场核查" in client.get("/staff/letters/review").get_data(as_text=True)
    assert client.post(f"/staff/letters/extensions/{extension.id}", data={"decision": "approve"}).status_code == 302


def test_withdraw_and_publish_again(client, auth, roles, closed):
    letter, _ = closed()
    auth.login(roles.office)
    assert client.post(f"/staff/letters/{letter.id}/publish", data={"note": "含个人信息"}).status_code == 302
    assert client.get(f"/letters/{letter.id}").status_code == 404
    assert client.post(f"/staff/letters/{letter.id}/publish", data={"publish": "1"}).status_code == 302
    assert client.get(f"/letters/{letter.id}").status_code == 200


def test_forwarded_letter_entry(client, auth, roles):
    auth.login(roles.office)
    # The office types in someone else's letter: the hints speak of 来信人, not "您".
    page = client.get("/staff/letters/forwarded/new").get_data(as_text=True)
    assert "来信人的手机号码，不会公开" in page and "来信人同意在“来信选登”中公开来信和答复" in page
    assert "您的问题" not in page and "通知您" not in page and "我的来信" not in page
    response = client.post("/staff/letters/forwarded/new", data={
        "upstream_source": "主席信箱", "upstream_number": "ZX-2026-001", "upstream_due": "2099-01-09",
        "department_id": str(roles.department_a.id), "kind": "help", "title": "退役军人就业帮扶",
        "body": "想了解退役军人就业创业的帮扶政策。", "name": "马振宇", "phone": "13905710020",
    })
    assert response.status_code == 302
    letter = _letter()
    assert letter.channel.value == "forwarded" and letter.status is LetterStatus.ASSIGNED
    assert letter.upstream_number == "ZX-2026-001"
    from interact.core import clock
    assert clock.to_local(letter.due_at).date().isoformat() == "2099-01-09"


def test_reply_limit_settings_page(client, auth, roles):
    auth.login(roles.admin)
    assert client.get("/staff/letters/settings").status_code == 200
    response = client.post("/staff/letters/settings", data={"consultation": 3, "help": 5, "suggestion": 10, "complaint": 15})
    assert response.status_code == 302
    assert services.reply_limits()[services.LetterKind.COMPLAINT] == 15
    assert client.post("/staff/letters/settings", data={"consultation": 0, "help": 5, "suggestion": 10,
                                                        "complaint": 15}).status_code == 422


def test_workspace_cards(client, auth, roles, assigned, submit):
    submit()
    assigned()
    auth.login(roles.office)
    html = client.get("/staff/").get_data(as_text=True)
    assert "来信待受理/转办" in html
    auth.login(roles.handler_a)
    html = client.get("/staff/").get_data(as_text=True)
    assert "本部门来信待答复" in html


def test_office_list_filters(client, auth, roles, assigned, frozen):
    frozen(2026, 3, 2, 9)
    letter, _ = assigned()
    frozen(2026, 3, 20, 9)
    auth.login(roles.office)
    assert letter.number in client.get("/staff/letters/all?deadline=overdue").get_data(as_text=True)
    assert letter.number not in client.get("/staff/letters/all?deadline=warning").get_data(as_text=True)
    assert letter.number in client.get(f"/staff/letters/all?department={roles.department_a.id}&kind=consultation"
                                       f"&channel=consultation&status=assigned&from=2026-03-01&to=2026-03-02").get_data(as_text=True)
    assert letter.number not in client.get(f"/staff/letters/all?department={roles.department_b.id}").get_data(as_text=True)
    assert client.get("/staff/letters/all?status=zzz&page=x").status_code == 200
    # A date typed the Chinese way filters; one that cannot be read is said, in Chinese, and kept in its box.
    assert letter.number in client.get("/staff/letters/all?from=2026年3月1日&to=2026/3/2").get_data(as_text=True)
    bad = client.get("/staff/letters/all?from=3月1日&to=2026-02-30")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and letter.number in html  # the other filters still apply
    assert "来信日期从：日期写法不对，请写成 2026-12-01 或 2026年12月1日。" in html
    assert "来信日期至：没有 2026年2月30日 这一天" in html and 'value="3月1日"' in html


def test_suggested_department_on_office_queue(client, auth, roles, closed, submit):
    closed()  # answered by department A about 住房公积金提取
    letter, _ = submit(title="公积金提取租房需要什么")
    auth.login(roles.office)
    html = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert "建议转交" in html and roles.department_a.name in html


def test_reopen_via_web(client, auth, roles, closed):
    letter, _ = closed()
    services.rate_letter(letter, LetterRating.UNSATISFIED, "不清楚")
    db.session.commit()
    auth.login(roles.office)
    assert "重新办理" in client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    assert client.post(f"/staff/letters/{letter.id}/reopen", data={"note": "请补充"}).status_code == 302
    assert db.session.get(Letter, letter.id).status is LetterStatus.REOPENED


def test_faq_handoff(client, auth, roles, closed):
    from interact.faq.models import FaqEntry

    letter, _ = closed()
    auth.login(roles.handler_b)
    assert client.post(f"/staff/letters/{letter.id}/faq").status_code == 403
    auth.login(roles.handler_a)
    assert client.post(f"/staff/letters/{letter.id}/faq").status_code == 302
    entry = db.session.scalar(db.select(FaqEntry).where(FaqEntry.source_letter_id == letter.id))
    assert entry is not None and entry.department_id == roles.department_a.id


def test_staff_history_and_letter_form_speak_chinese(client, auth, closed, roles):
    from interact.letters import workflow
    from interact.letters.models import LetterKind

    letter, _ = closed()
    auth.login(roles.office)
    html = client.get(f"/staff/letters/{letter.id}").get_data(as_text=True)
    history = html.split("办理记录", 1)[1]
    assert "转办 → 办理中" in history and "审核办结 → 已办结" in history
    assert "assign" not in history and "→ closed" not in history
    workflow.set_reply_limits({LetterKind.CONSULTATION: 7}, actor=roles.admin)
    assert "一般在 7 个工作日内答复" in client.get("/letters/new").get_data(as_text=True)


def test_faq_hand_off_prefills_the_letter_form(client):
    short = client.get("/letters/new", query_string={"q": "路灯坏了找谁修"}).get_data(as_text=True)
    assert 'value="路灯坏了找谁修"' in short
    long_question = "我想咨询" + "公积金贷款" * 12
    page = client.get("/letters/new", query_string={"q": long_question}).get_data(as_text=True)
    assert f'value="{long_question[:50]}"' in page  # the start as the title …
    assert f"{long_question}</textarea>" in page  # … and the whole question as the text
