"""Shared fixtures: an app with a clean database per test, factories, log-in helpers.

The application is built once per test session (building one compiles ~200 URL rules);
each test gets it with the configuration and per-app caches of a new app and an empty
database: rows are deleted after every test (SQLite) or tables truncated (PostgreSQL).
A test that must change the app's structure (routes, blueprints) builds its own app.

Set ``INTERACT_TEST_DATABASE_URL`` to run the suite on PostgreSQL (``make test`` does so
under CI); the default is an in-memory SQLite database.
"""
from __future__ import annotations

import itertools
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from interact import create_app
from interact.config import TestConfig
from interact.core import clock, sensitive, workdays
from interact.extensions import db as _db
from interact.extensions import limiter

TEST_DATABASE_URL = os.environ.get("INTERACT_TEST_DATABASE_URL") or "sqlite://"
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
DEPLOYMENT_TESTS = Path(__file__).resolve().parent / "deployment"


def pytest_ignore_collect(collection_path, config):
    """The browser suite (``tests/browser``) and the deployment suite (``tests/deployment``)
    run only when named: ``pytest tests/browser`` (``make test`` and ``make test-browser``
    do; ``make test`` under CI runs the deployment suite once). A plain ``pytest`` is the
    unit suite."""
    suite = collection_path.resolve()
    if suite not in (BROWSER_TESTS, DEPLOYMENT_TESTS):
        return None
    base = Path(config.invocation_params.dir)
    for arg in config.args:
        named = (base / arg.split("::")[0]).resolve()
        if named == suite or suite in named.parents:
            return None
    return True


#: Fixtures that give a test the database.
DATABASE_FIXTURES = frozenset({"app", "_session_app", "db", "client"})
#: A module that makes its own app or engine, or names a database, is taken to use one.
USES_A_DATABASE = re.compile(r"make_test_app|create_app|create_engine|DATABASE_URL|live_server|psycopg|postgres",
                             re.IGNORECASE)


def uses_database(item, sources: dict[str, bool]) -> bool:
    """Whether a test may touch a database: it asks for one of ``DATABASE_FIXTURES`` (also
    through its other fixtures), or its module builds an app or an engine itself."""
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    path = str(item.path)
    if path not in sources:
        sources[path] = bool(USES_A_DATABASE.search(item.path.read_text(encoding="utf-8")))
    return sources[path]


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass runs only the tests that use a database: the others (text rules,
    the matching engine, privacy writings: 2,200 of 3,500) assert the same on any database
    and run in the SQLite pass. ``INTERACT_TEST_EVERY_TEST=1`` runs them all."""
    if not TEST_DATABASE_URL.startswith("postgresql") or os.environ.get("INTERACT_TEST_EVERY_TEST") == "1":
        return
    sources: dict[str, bool] = {}
    kept, left = [], []
    for item in items:
        (kept if uses_database(item, sources) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def make_test_app(database_url: str | None = None, **settings):
    """A new application for tests (the ``app`` fixture shares one per session)."""
    config = type("Config", (TestConfig,), {"DATABASE_URL": database_url or TEST_DATABASE_URL, **settings})
    app = create_app(config)
    app.test_client_class = FreshGlobalsClient
    return app


def _wipe_database() -> None:
    engine = _db.engine
    if engine.dialect.name == "postgresql":
        # TRUNCATE gives every table it names (and, with CASCADE, every table that refers to
        # it: nearly all refer to users) a new file, ~0.5 s a test; a test writes a few rows to
        # a few of ~70 tables. So: ask which tables have rows, DELETE those with the foreign
        # keys' triggers off (replica role, for this transaction only), restart their sequences.
        # Every table of the schema, not only the models' (the letters' search index on
        # PostgreSQL is made by its own DDL).
        with engine.begin() as connection:
            tables = connection.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars().all()
            which = " UNION ALL ".join(
                f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables)
            written = connection.execute(sa.text(which)).scalars().all()
            if not written:
                return
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for name in written:
                connection.execute(sa.text(f'DELETE FROM "{name}"'))
            sequences = connection.execute(sa.text(
                "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid"
                " JOIN pg_class t ON d.refobjid = t.oid"
                " WHERE s.relkind = 'S' AND t.relname = ANY(:names)"), {"names": written}).scalars().all()
            for sequence in sequences:
                connection.execute(sa.text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        virtual = [row[0] for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())
        for name in virtual:
            connection.exec_driver_sql(f'DELETE FROM "{name}"')
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def _register_test_routes(app) -> None:
    """Routes that exist only in tests: a department-scoped page (as feature modules
    declare them) and a page that fails, for the permission and error-page tests."""
    from flask import Blueprint

    from interact.core.permissions import roles_required

    bp = Blueprint("testing", __name__, url_prefix="/test")

    @bp.get("/departments/<int:department_id>/work")
    @roles_required("handler", "office", department=lambda department_id: department_id)
    def scoped_work(department_id):
        return f"ok {department_id}"

    @bp.get("/boom")
    def boom():
        raise RuntimeError("boom")

    @bp.post("/insert-twice")
    def insert_twice():
        # A failed INSERT (two accounts with one number): the request's transaction breaks.
        from interact.accounts.models import User

        for email in ("first@example.org", "second@example.org"):
            _db.session.add(User(phone="13711110000", email=email, password_hash="x"))
            _db.session.flush()
        return "unreachable"

    app.register_blueprint(bp)


@pytest.fixture(scope="session")
def _session_app(tmp_path_factory):
    app = make_test_app(UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")))
    _register_test_routes(app)
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            _db.drop_all()
        _db.create_all()
    yield app, dict(app.config), set(app.extensions)
    with app.app_context():
        _db.engine.dispose()  # close pooled connections before the interpreter does


@pytest.fixture
def app(_session_app, tmp_path):
    app, base_config, base_extensions = _session_app
    # A test may change settings or fill per-app caches (FAQ index, statistics): start
    # every test from the state of a new app.
    app.config.clear()
    app.config.update(base_config)
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    for key in set(app.extensions) - base_extensions:
        del app.extensions[key]
    limiter.reset()
    workdays.invalidate()
    sensitive._cache = None
    context = app.app_context()
    context.push()
    try:
        yield app
    finally:
        _db.session.remove()
        _wipe_database()
        context.pop()
        clock.set_fixed(None)
        clock.set_offset(timedelta(0))


class FreshGlobalsClient(FlaskClient):
    """A test client whose requests start with an empty ``g``.

    The ``app`` fixture keeps an application context pushed so tests can call services;
    requests then reuse it, and without this Flask-Login's cached ``g._login_user`` (and any
    other per-request cache) would leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def frozen(app):
    """Freeze the clock at a given local (Beijing) time: ``frozen(2026, 1, 5, 9)``."""

    def freeze(year, month, day, hour=9, minute=0):
        moment = datetime(year, month, day, hour, minute, tzinfo=clock.LOCAL_TZ).astimezone(timezone.utc)
        clock.set_fixed(moment)
        return moment

    yield freeze
    clock.set_fixed(None)


_seq = itertools.count(1)


@pytest.fixture
def make_department(db):
    from interact.departments.models import Department, DepartmentKind

    def make(name=None, code=None, **kwargs):
        n = next(_seq)
        department = Department(
            name=name or f"测试部门{n}", code=code or f"D{n}", kind=kwargs.pop("kind", DepartmentKind.DEPARTMENT), **kwargs
        )
        db.session.add(department)
        db.session.commit()
        return department

    return make


@pytest.fixture
def make_user(db):
    from interact.accounts.models import Role, User
    from interact.accounts.services import hash_password

    def make(*roles, department=None, password="secret123", username=None, **kwargs):
        n = next(_seq)
        staff = bool(roles) or kwargs.pop("is_staff", False)
        user = User(
            username=username or (f"user{n}" if staff else None),
            display_name=kwargs.pop("display_name", f"测试用户{n}"),
            is_staff=staff,
            department_id=department.id if department is not None else None,
            password_hash=hash_password(password),
            **kwargs,
        )
        user.set_roles({Role(r) for r in roles})
        db.session.add(user)
        db.session.commit()
        return user

    return make


class Auth:
    """Log a test client in as a user without going through the form."""

    def __init__(self, client):
        self.client = client

    def login(self, user):
        with self.client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    def logout(self):
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def roles(make_user, make_department):
    """One user per role; handlers of two different departments."""
    dept_a = make_department("市人力资源社会保障局", "RSJ")
    dept_b = make_department("市住房公积金管理中心", "GJJ")

    class Roles:
        department_a = dept_a
        department_b = dept_b
        admin = make_user("admin", username="admin")
        office = make_user("office", username="office")
        handler_a = make_user("handler", department=dept_a, username="handler_a")
        handler_b = make_user("handler", department=dept_b, username="handler_b")
        curator = make_user("curator", username="curator")
        citizen = make_user(phone="13900000001", email="citizen@example.com")

    return Roles


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on (it is off in other tests for brevity)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app
