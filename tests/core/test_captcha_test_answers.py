"""The browser tests' captcha switch: off by default, refused from the environment."""
import pytest

from interact import create_app
from interact.core import captcha


def test_no_answer_header_by_default(app, client):
    app.config["CAPTCHA_ENABLED"] = True
    response = client.get("/captcha.png")
    assert response.status_code == 200
    assert captcha.TEST_ANSWER_HEADER not in response.headers


def test_answer_header_only_when_the_harness_turns_it_on(app, client, monkeypatch):
    app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
    monkeypatch.setattr(captcha, "generate_code", lambda: "AB3K")
    response = client.get("/captcha.png")
    assert response.headers[captcha.TEST_ANSWER_HEADER] == "AB3K"


def test_operators_cannot_turn_it_on(monkeypatch):
    monkeypatch.setenv("INTERACT_CAPTCHA_TEST_ANSWERS", "true")
    with pytest.raises(RuntimeError, match="CAPTCHA_TEST_ANSWERS"):
        create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})


def test_a_production_app_refuses_it():
    from interact.core.production import NotReadyForProduction

    with pytest.raises(NotReadyForProduction, match="CAPTCHA_TEST_ANSWERS"):
        create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "PUBLIC_BASE_URL": "https://hd.example.gov.cn",
                    "CAPTCHA_TEST_ANSWERS": True})


def test_two_captchas_on_one_page_keep_their_own_answers(app, client, monkeypatch):
    """A collection page loads the opinion and questionnaire images at the same time."""
    app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
    first = client.get("/captcha.png?slot=opinion").headers[captcha.TEST_ANSWER_HEADER]
    second = client.get("/captcha.png?slot=questionnaire").headers[captcha.TEST_ANSWER_HEADER]
    with client:
        client.get("/")
        assert captcha.verify(first, slot="opinion")
    with client:
        client.get("/")
        assert captcha.verify(second, slot="questionnaire")
