import io

import pytest

from interact.core import captcha, uploads
from interact.core.forms import CaptchaField


def test_error_pages_are_chinese_and_api_errors_are_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.is_json
    assert api.get_json()["error"]["message"]


def test_unexpected_errors_become_chinese_500(app, client):
    response = client.get("/test/boom")  # a test-only route that raises
    assert response.status_code == 500 and "系统繁忙" in response.get_data(as_text=True)


def test_large_text_mode_persists(client):
    page = client.get("/departments").get_data(as_text=True)
    assert "/preferences/large-text?on=1&amp;next=/departments" in page
    response = client.get("/preferences/large-text?on=1&next=/departments")
    assert response.status_code == 303 and response.headers["Location"].endswith("/departments")
    assert response.headers["Cache-Control"] == "no-store"
    assert 'class="large-text"' in client.get("/").get_data(as_text=True)
    client.get("/preferences/large-text?on=0")
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)


def test_large_text_is_not_a_cross_site_post(client):
    """The toggle is a link (display cookie only); no form on every page posts without a token."""
    page = client.get("/").get_data(as_text=True)
    assert 'action="/preferences/large-text"' not in page
    assert client.post("/preferences/large-text", data={"enable": "1"}).status_code == 405


@pytest.mark.parametrize("target", [
    "//evil.example.com", "/\\evil.example.com", "/\t/evil.example.com", "/\n/evil.example.com",
    "/ /evil.example.com", "https://evil.example.com/", "javascript:alert(1)",
])
def test_large_text_redirect_stays_on_site(client, target):
    response = client.get("/preferences/large-text", query_string={"on": "1", "next": target})
    assert response.headers["Location"] == "/"


def test_captcha_is_one_time_and_case_insensitive(app, client, monkeypatch):
    app.config["CAPTCHA_ENABLED"] = True
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")
    image = client.get("/captcha.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    with client:
        client.get("/")  # keep a request context with the session
        assert captcha.verify("ab3k")
        assert not captcha.verify("ab3k")  # consumed


def test_captcha_wrong_answer_fails(app, client, monkeypatch):
    app.config["CAPTCHA_ENABLED"] = True
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")
    client.get("/captcha.png")
    with client:
        client.get("/")
        assert not captcha.verify("XXXX")


def test_upload_checks_content_not_name(app):
    from werkzeug.datastructures import FileStorage

    from interact.core.storage import get_store

    from interact.core.errors import InvalidInput

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    stored = uploads.save_upload(FileStorage(io.BytesIO(png), filename="photo.png"), kinds={"image"}, public=True)
    assert stored.content_type == "image/png"
    with get_store().local_copy(stored.key) as path:
        assert path.read_bytes() == png
    import pytest

    with pytest.raises(InvalidInput):
        uploads.save_upload(FileStorage(io.BytesIO(b"<script>alert(1)</script>"), filename="x.jpg"), kinds={"image"})
    with pytest.raises(InvalidInput):
        uploads.save_upload(FileStorage(io.BytesIO(png + b"\0" * 2000), filename="big.png"), kinds={"image"}, max_bytes=1000)


def test_public_files_are_served_with_ranges_and_private_ones_are_not(app, db, client):
    from werkzeug.datastructures import FileStorage

    pdf = b"%PDF-1.4\n" + b"x" * 500
    public = uploads.save_upload(FileStorage(io.BytesIO(pdf), filename="征求意见稿.pdf"), kinds={"pdf"}, public=True)
    private = uploads.save_upload(FileStorage(io.BytesIO(pdf), filename="附件.pdf"), kinds={"pdf"}, public=False)
    db.session.commit()
    with client.get(f"/files/{public.key}", headers={"Range": "bytes=0-3"}) as response:
        assert response.status_code == 206 and response.data == b"%PDF"
    assert client.get(f"/files/{private.key}").status_code == 404


def test_openapi_document_lists_departments(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1") and "/api/v1/departments" in spec["paths"]


def test_departments_api(client, make_department):
    make_department("市教育局", "JYJ")
    items = client.get("/api/v1/departments").get_json()["items"]
    assert [d["name"] for d in items] == ["市教育局"]


def test_captcha_field_validation_message(app):
    app.config["CAPTCHA_ENABLED"] = True
    with app.test_request_context("/", method="POST", data={"captcha": "nope"}):
        from flask_wtf import FlaskForm

        class Form(FlaskForm):
            captcha = CaptchaField()

        form = Form(meta={"csrf": False})
        assert not form.validate()
        assert "验证码" in form.captcha.errors[0]


def test_trusted_proxy_setting_uses_forwarded_address():
    from interact import create_app
    from interact.config import TestConfig

    app = create_app(type("C", (TestConfig,), {"TRUSTED_PROXIES": 1}))

    @app.get("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"


def test_large_text_button_of_a_form_page_keeps_the_typed_form(client, app):
    """Without JavaScript the 关怀版 button submits the page's form: the same form comes back
    in large text with what was typed, no error shown, nothing stored, the choice remembered."""
    from interact.extensions import db
    from interact.letters.models import Letter

    page = client.get("/letters/new").get_data(as_text=True)
    assert 'form="letter-form" name="large_text" value="1"' in page and 'id="letter-form"' in page
    response = client.post("/letters/new", data={"large_text": "1", "channel": "consultation", "kind": "consultation",
                                                 "title": "养老金什么时候到账", "body": "补发的部分什么时候到账？"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="large-text"' in html
    assert 'value="养老金什么时候到账"' in html and "补发的部分什么时候到账？</textarea>" in html
    assert "has-error" not in html and "flash-error" not in html
    assert "large_text=1" in response.headers["Set-Cookie"]
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0
    assert 'class="large-text"' in client.get("/").get_data(as_text=True)
    back = client.post("/letters/new", data={"large_text": "0", "title": "养老金什么时候到账"}).get_data(as_text=True)
    assert 'class="large-text"' not in back and 'value="养老金什么时候到账"' in back


def test_captcha_hash_is_bound_to_its_challenge(app, client, monkeypatch):
    """The challenge travels readable in the visitor's cookie: two images of the same code
    carry different hashes, so a hash once seen with its answer gives away no later image's
    answer (batch 8 "minor"); the answer still passes, once."""
    app.config["CAPTCHA_ENABLED"] = True
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")
    hashes = []
    for _ in range(2):
        client.get("/captcha.png")
        with client.session_transaction() as stored:
            hashes.append(stored[captcha.SESSION_KEY]["h"])
    assert hashes[0] != hashes[1]
    with client:
        client.get("/")
        assert captcha.verify(" ab3k ")


def test_a_database_that_cannot_be_reached_is_a_503_to_try_again(app, client, monkeypatch):
    """A connection lost without a word (the database's machine gone, a failover) or one
    that cannot be opened (the server restarting): a 503 that says to try again, with
    Retry-After, never the 500 of a broken page. A wrong statement stays a 500."""
    import sqlalchemy as sa

    raised = []

    def database_gone():
        if raised:
            raise raised.pop()

    # (the app may have served requests already: its hooks are set by hand)
    monkeypatch.setitem(app.before_request_funcs, None, [database_gone, *app.before_request_funcs.get(None, [])])

    lost = sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"),
                                   connection_invalidated=True)
    not_opened = sa.exc.OperationalError(None, None, Exception("connection refused"))
    for error, url, method, message in [(lost, "/departments", "get", "请稍后刷新页面"),
                                        (not_opened, "/letters/new", "post", "刚才提交的内容没有保存"),
                                        (lost, "/api/v1/letters", "get", "请稍后刷新页面")]:
        raised.append(error)
        response = getattr(client, method)(url)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert message in response.get_data(as_text=True)
    raised.append(sa.exc.OperationalError("SELECT x", {}, Exception("no such column: x")))
    assert client.get("/departments").status_code == 500
