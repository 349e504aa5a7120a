"""The SMS sender (interact/core/sms.py): settings checked at start-up, the HTTP gateway
backend, the local outbox of the demo and tests, and no number or code in the log."""
from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from interact.core import production, sms
from interact.core.models import OutboxMessage
from tests.conftest import make_test_app
from tests.core.test_operations import PRODUCTION


def test_production_refuses_to_start_without_an_sms_gateway():
    for missing in ("SMS_BACKEND", "SMS_GATEWAY_URL", "SMS_GATEWAY_TOKEN"):
        found = production.problems({**PRODUCTION, missing: None})
        assert len(found) == 1 and f"INTERACT_{missing}" in found[0], missing
    found = production.problems({**PRODUCTION, "SMS_BACKEND": "outbox"})
    assert "must be 'http' in production" in found[0]
    with pytest.raises(production.NotReadyForProduction, match="SMS_BACKEND"):
        make_test_app(TESTING=False, PUBLIC_BASE_URL="https://hd.example.gov.cn")


def test_the_gateway_address_must_be_https_except_a_relay_on_this_machine():
    assert production.problems({**PRODUCTION, "SMS_GATEWAY_URL": "http://sms.example.gov.cn/send"})
    assert production.problems({**PRODUCTION, "SMS_GATEWAY_URL": "http://127.0.0.1:8080/send"}) == []
    assert production.problems({**PRODUCTION, "SMS_GATEWAY_URL": "sms.example.gov.cn"})
    assert production.problems({**PRODUCTION, "SMS_GATEWAY_TIMEOUT": "soon"})


def test_an_unknown_backend_is_refused_at_start_up_in_every_mode():
    with pytest.raises(production.NotReadyForProduction, match="SMS_BACKEND='pigeon'"):
        make_test_app(SMS_BACKEND="pigeon")
    with pytest.raises(production.NotReadyForProduction, match="SMS_GATEWAY_TOKEN"):
        make_test_app(SMS_BACKEND="http", SMS_GATEWAY_URL="http://127.0.0.1:9/x")


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((self.headers["Authorization"], json.loads(body)))
        self.send_response(_Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(app):
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received, _Gateway.status = [], 200
    app.config.update(SMS_BACKEND="http", SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_port}/send",
                      SMS_GATEWAY_TOKEN="tok", SMS_SIGN="示范市政务")
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_the_http_backend_posts_the_text_to_the_gateway(app, db, gateway, caplog):
    with caplog.at_level(logging.DEBUG):
        sms.deliver("sms", "13912345678", subject="注册验证码", text="验证码 123456", key="code:1")
    assert gateway.received == [("Bearer tok", {"phone": "13912345678", "text": "验证码 123456", "sign": "示范市政务"})]
    assert db.session.query(OutboxMessage).count() == 0
    assert "13912345678" not in caplog.text and "123456" not in caplog.text


def test_a_refusing_gateway_is_a_send_failure_logged_without_the_number(app, db, gateway, caplog):
    gateway.status = 500
    with caplog.at_level(logging.DEBUG), pytest.raises(sms.SendFailed):
        sms.deliver("sms", "13912345678", subject="注册验证码", text="验证码 123456", key="code:1")
    assert "HTTP 500" in caplog.text and "13912345678" not in caplog.text


def test_a_citizen_is_told_to_try_later_when_the_gateway_is_down(app, client, db, gateway):
    gateway.status = 503
    response = client.post("/register", data={"identifier": "13912345678"})
    assert response.status_code == 503 and "暂时无法发送" in response.get_data(as_text=True)
    from interact.accounts.models import VerificationCode

    assert db.session.query(VerificationCode).count() == 0  # no cooldown for a code never sent


def test_the_outbox_backend_records_and_logs_no_personal_data(app, db, caplog):
    with caplog.at_level(logging.DEBUG):
        sms.deliver("email", "wang@example.com", subject="注册验证码", text="验证码 654321", key="code:2")
    row = db.session.query(OutboxMessage).one()
    assert (row.channel, row.to_address, row.text) == ("email", "wang@example.com", "验证码 654321")
    assert "wang@example.com" not in caplog.text and "654321" not in caplog.text


def test_email_codes_go_through_the_mail_outbox_with_a_gateway(app, db, gateway):
    from interact.core.models import OutboundEmail

    app.config["MAIL_SERVER"] = "smtp.example.gov.cn"
    sms.deliver("email", "wang@example.com", subject="注册验证码", text="验证码 654321", key="code:3")
    mail = db.session.query(OutboundEmail).one()
    assert mail.to_address == "wang@example.com" and "654321" in mail.text_body
    app.config["MAIL_SERVER"] = None
    with app.test_request_context():
        from interact.accounts import verification
        from interact.core.errors import InvalidInput

        with pytest.raises(InvalidInput, match="改用手机号"):
            verification.parse_identifier("li@example.com")
