"""Requests racing with copies of one cookie: a captcha answers once and an FAQ vote counts
once even when the copies are sent at the same instant.

The racing requests really run at the same time, in threads, against a database other
connections can write to (a file SQLite database, or the PostgreSQL of the suite's re-run).
Each request waits, once its session is loaded, until the other one has loaded it too: both
start from the same stored session, the moment a check-then-write race happens in. Only a
check-and-consume that is one atomic step in the store lets exactly one of them through.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from interact.accounts.models import User, VerificationCode
from interact.core import captcha
from interact.extensions import db as _db
from interact.faq import services as faq_services
from interact.faq.models import FaqEntry
from tests.conftest import make_test_app

COOKIE = "session"


@pytest.fixture
def racing_app(app, tmp_path) -> Iterator:
    """An app whose database accepts writes from several threads at once."""
    if _db.engine.dialect.name == "postgresql":
        app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
        yield app
        return
    other = make_test_app(f"sqlite:///{tmp_path / 'race.db'}", CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True,
                          UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with other.app_context():
        _db.create_all()
    yield other
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()


def race(app, cookie: str, send: Callable[[FlaskClient, int], int], copies: int = 2) -> list[int]:
    """Send ``copies`` POSTs carrying the same session cookie at the same instant; every
    request proceeds only once all of them have loaded the session. Returns the statuses."""
    barrier = threading.Barrier(copies, timeout=20)
    interface = app.session_interface
    load = interface.open_session

    def open_session(app_, request):
        loaded = load(app_, request)
        if request.method == "POST":
            barrier.wait()
        return loaded

    statuses: list[int] = [0] * copies
    errors: list[BaseException] = []

    def run(n: int) -> None:
        client = FlaskClient(app, app.response_class, use_cookies=True)
        client.set_cookie(COOKIE, cookie)
        try:
            statuses[n] = send(client, n)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    interface.open_session = open_session
    try:
        threads = [threading.Thread(target=run, args=(n,)) for n in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        del interface.open_session  # back to the class's method
    assert not errors, errors
    return statuses


def in_app(app, read: Callable[[], object]) -> object:
    with app.app_context():
        try:
            return read()
        finally:
            _db.session.remove()


def add_staff_user(app, username: str = "clerk", role=None, password: str = "secret123") -> int:
    """Store a staff account (office role unless told) in the racing app; returns its id."""
    from interact.accounts.models import Role
    from interact.accounts.services import hash_password

    def create() -> int:
        user = User(username=username, display_name=username, is_staff=True, password_hash=hash_password(password))
        user.set_roles({role or Role.OFFICE})
        _db.session.add(user)
        _db.session.commit()
        return user.id

    return in_app(app, create)


def test_one_captcha_answer_sent_twice_at_once_passes_once(racing_app):
    visitor = FlaskClient(racing_app, racing_app.response_class, use_cookies=True)
    answer = visitor.get("/captcha.png").headers[captcha.TEST_ANSWER_HEADER]
    cookie = visitor.get_cookie(COOKIE).value

    def register(client, n):
        return client.post("/register", data={"identifier": f"1390000555{n}", "captcha": answer}).status_code

    statuses = race(racing_app, cookie, register)
    assert statuses.count(302) == 1  # one code sent; the other form is shown again
    sent = in_app(racing_app, lambda: _db.session.scalar(
        sa.select(sa.func.count()).select_from(VerificationCode)))
    assert sent == 1


def _staff(*role_names):
    from interact.accounts.models import Role
    from interact.departments.models import Department, DepartmentKind

    department = Department(name="市人力资源社会保障局", code="RSJ", kind=DepartmentKind.DEPARTMENT)
    _db.session.add(department)
    user = User(username="office", display_name="办公室", is_staff=True, password_hash="x",
                department=department)
    user.set_roles({Role(name) for name in role_names})
    _db.session.add(user)
    _db.session.commit()
    return user


def test_a_collection_pages_captcha_sent_twice_at_once_passes_once(racing_app, frozen):
    # The opinion form's challenge lives in a signed cookie of its own (two captchas on
    # one page), so its check-and-consume is the store's claim alone.
    from datetime import datetime

    from interact.core import clock
    from interact.surveys import services as survey_services
    from interact.surveys import workflow
    from interact.surveys.models import CollectionKind, CollectionStatus, Opinion

    frozen(2026, 3, 10)

    def publish():
        office = _staff("office")
        collection = survey_services.create_collection(survey_services.CollectionData(
            title="关于公共停车场收费管理办法公开征求意见", summary="请提出意见。", body="<p>见附件。</p>",
            kind=CollectionKind.OPINIONS, starts_at=datetime(2026, 3, 1, 9, tzinfo=clock.LOCAL_TZ),
            ends_at=datetime(2026, 3, 31, 18, tzinfo=clock.LOCAL_TZ), department_id=office.department_id,
        ), actor=office)
        workflow.transition(collection, CollectionStatus.PUBLISHED, actor=office)
        _db.session.commit()
        return collection.id

    collection_id = in_app(racing_app, publish)
    visitor = FlaskClient(racing_app, racing_app.response_class, use_cookies=True)
    assert visitor.get(f"/surveys/{collection_id}").status_code == 200
    answer = visitor.get("/captcha.png?slot=opinion").headers[captcha.TEST_ANSWER_HEADER]
    visitor.get("/captcha.png")  # the visitor has a session
    slot_cookie = visitor.get_cookie("captcha_opinion").value

    def submit(client, n):
        client.set_cookie("captcha_opinion", slot_cookie)
        return client.post(f"/surveys/{collection_id}/opinions",
                           data={"content": f"建议增设夜间优惠时段（第{n}条）", "captcha": answer}).status_code

    statuses = race(racing_app, visitor.get_cookie(COOKIE).value, submit)
    assert statuses.count(302) == 1
    stored = in_app(racing_app, lambda: _db.session.scalar(sa.select(sa.func.count()).select_from(Opinion)))
    assert stored == 1


def test_one_faq_vote_sent_twice_at_once_counts_once(racing_app):
    def publish():
        curator = _staff("curator")
        entry = faq_services.create_entry(faq_services.EntryData(question="公积金怎么提取", answer_html="<p>答。</p>",
                                                                department_id=curator.department_id),
                                          actor=curator)
        faq_services.publish_entry(entry, actor=curator)
        _db.session.commit()
        return entry.id

    entry_id = in_app(racing_app, publish)
    visitor = FlaskClient(racing_app, racing_app.response_class, use_cookies=True)
    visitor.get("/captcha.png")  # the browser has a session
    cookie = visitor.get_cookie(COOKIE).value

    statuses = race(racing_app, cookie,
                    lambda client, _n: client.post(f"/faq/{entry_id}/vote", data={"helpful": "1"}).status_code,
                    copies=3)
    assert statuses == [303, 303, 303]
    assert in_app(racing_app, lambda: _db.session.get(FaqEntry, entry_id).helpful) == 1
