"""A staff member's double (or triple) click on a slow server: the same form posted several
times at the same instant from one browser.

``race`` (tests/accounts/test_session_races.py) sends the copies in threads with one session
cookie against a database other connections can write to (``racing_app``: a file SQLite
database, or the PostgreSQL of the suite's re-run). :func:`hold_together` makes every copy
wait, once its view has loaded the object and checked the form, until all of them have —
the moment a check-then-write race happens in — so the test fails whenever the rule is a
check in Python followed by a write.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask.testing import FlaskClient

from interact.extensions import db as _db
from tests.accounts.test_session_races import COOKIE, in_app, race


def hold_together(monkeypatch, module, name: str, copies: int) -> None:
    """Every call of ``module.name`` waits at a barrier until ``copies`` calls arrived."""
    barrier = threading.Barrier(copies, timeout=20)
    original = getattr(module, name)

    def together(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, together)


def meet(monkeypatch, owner, name: str, copies: int, wait: float = 2.0) -> None:
    """Every call of ``owner.name`` waits until ``copies`` calls arrived, or at most ``wait``
    seconds: copies that the rule lets through together race there; copies the rule makes
    wait one for the other (a lock taken before the check) pass one after the other, and a
    fixed rule that no longer calls ``owner.name`` does not wait at all."""
    barrier = threading.Barrier(copies)
    original = getattr(owner, name)

    def together(*args, **kwargs):
        try:
            barrier.wait(timeout=wait)
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, together)


def in_threads(app, work: Callable[[int], object], copies: int = 2) -> list[object]:
    """Run ``work(n)`` for n in 0..copies-1 at once, each in its own thread with its own
    application context (its own database session); the results (or raised exceptions)."""
    results: list[object] = [None] * copies

    def run(n: int) -> None:
        with app.app_context():
            try:
                results[n] = work(n)
            except BaseException as error:  # noqa: BLE001 - returned to the test
                _db.session.rollback()
                results[n] = error
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def make_staff(app, username: str, *roles, department_id: int | None = None) -> int:
    """A staff account with ``roles`` (role names) committed in ``app``'s database; its id."""
    from interact.accounts.models import Role, User

    def build():
        user = User(username=username, display_name=username, is_staff=True, password_hash="x",
                    department_id=department_id)
        user.set_roles({Role(name) for name in roles})
        _db.session.add(user)
        _db.session.commit()
        return user.id

    return in_app(app, build)


def gjj_office_and_handler():
    """In the current session: the 公积金 department, an office account "office" and the
    department's handler "gjj" (flushed, not committed); returns (department, office, handler)."""
    from interact.accounts.models import Role, User
    from interact.departments.models import Department, DepartmentKind

    department = Department(name="市住房公积金管理中心", code="GJJ", kind=DepartmentKind.DEPARTMENT)
    _db.session.add(department)
    office = User(username="office", display_name="办公室", is_staff=True, password_hash="x")
    office.set_roles({Role.OFFICE})
    handler = User(username="gjj", display_name="公积金", is_staff=True, password_hash="x", department=department)
    handler.set_roles({Role.HANDLER})
    _db.session.add_all([office, handler])
    _db.session.flush()
    return department, office, handler


def logged_in_cookie(app, user_id: int) -> str:
    """The session cookie of a browser in which ``user_id`` has logged in."""
    from interact.accounts.models import User

    browser = FlaskClient(app, app.response_class, use_cookies=True)
    identity = in_app(app, lambda: _db.session.get(User, user_id).get_id())
    with browser.session_transaction() as session:
        session["_user_id"] = identity
        session["_fresh"] = True
    return browser.get_cookie(COOKIE).value


def post_copies(app, user_id: int, url: str, data: dict | Callable[[int], dict], copies: int,
                texts: list[str] | None = None) -> list[int]:
    """POST ``data`` to ``url`` ``copies`` times at once as ``user_id``; the statuses.
    ``texts`` (if given) receives each response's text, in the same order."""
    bodies = texts if texts is not None else []
    bodies[:] = [""] * copies

    def send(client, n):
        response = client.post(url, data=data(n) if callable(data) else data)
        bodies[n] = response.get_data(as_text=True)
        return response.status_code

    return race(app, logged_in_cookie(app, user_id), send, copies=copies)


def count(app, statement) -> int:
    return in_app(app, lambda: _db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())))


# --- create forms with a one-time token (core.atomic.create_once) ------------------------------

_FORM_TOKEN = re.compile(r'name="token" type="hidden" value="([0-9a-f]+)"')


def form_token(client: FlaskClient, page: str) -> str:
    """The one-time token of the first form with one on the page at ``page``."""
    found = _FORM_TOKEN.search(client.get(page).get_data(as_text=True))
    assert found is not None, f"no one-time form token on {page}"
    return found.group(1)


def sent_twice(client: FlaskClient, url: str, form: Callable[[str], dict], *, page: str | None = None):
    """A create form opened on ``page`` (default: ``url``) and sent twice to ``url`` — a
    double click without JavaScript, or 发送 again after the answer. Both copies are
    answered with a redirect to the same page (what the first one made); the first answer.

    :param form: the form's fields for a token (called once per copy: a file is read once).
    """
    token = form_token(client, page or url)
    first, again = (client.post(url, data=form(token)) for _ in range(2))
    assert first.status_code == again.status_code == 302, (first.status_code, again.status_code)
    assert again.headers["Location"] == first.headers["Location"], "the copy landed elsewhere"
    return first


def clicks_at_once(app, monkeypatch, user_id: int, url: str, form: Callable[[int], dict] | dict, model,
                   copies: int = 3) -> None:
    """``copies`` copies of one create form sent at the same instant as ``user_id``; each
    waits before making its ``model`` row (after its look for an earlier copy) until all
    arrive, so a rule that only looks lets all of them through. Each copy is answered with
    a redirect (the page of what the first one made)."""
    meet(monkeypatch, model, "__init__", copies)
    statuses = post_copies(app, user_id, url, form, copies)
    assert statuses == [302] * copies, statuses
