"""上传并预检 clicked twice (a double click on a slow server, also copies at the same instant)
made two dry runs of one file: the form carries a one-time token (core.atomic.create_once),
so the copies land on the dry run the first one made, and only its file is kept."""
from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa

from interact.core.models import AuditEvent
from interact.faq.models import FaqImportJob
from tests.accounts.test_session_races import racing_app  # noqa: F401 - fixture
from tests.faq.test_importexport import GOOD_ROWS, jsonl
from tests.staff_races import clicks_at_once, count, make_staff, sent_twice

URL = "/staff/faq/import"


def _form(token: str) -> dict:
    return {"file": (io.BytesIO(jsonl(GOOD_ROWS)), "kb.jsonl"), "token": token}


def _import_files(app) -> int:
    return sum(1 for path in (Path(app.config["UPLOAD_FOLDER"]) / "faq_imports").glob("*") if path.is_file())


def test_the_same_form_sent_twice_makes_one_dry_run(client, auth, roles, db, app):
    auth.login(roles.curator)
    first = sent_twice(client, URL, _form)
    dry = db.session.scalar(sa.select(FaqImportJob))
    assert first.headers["Location"].endswith(f"/staff/faq/import/{dry.id}")
    assert db.session.scalar(sa.select(sa.func.count(FaqImportJob.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "faq.import_checked")) == 1
    assert _import_files(app) == 1
    # The page opened again is a new form: another dry run.
    sent_twice(client, URL, _form)
    assert db.session.scalar(sa.select(sa.func.count(FaqImportJob.id))) == 2


def test_three_clicks_at_once_make_one_dry_run(racing_app, monkeypatch):
    curator_id = make_staff(racing_app, "curator", "curator")
    clicks_at_once(racing_app, monkeypatch, curator_id, URL, lambda n: _form("c" * 32), FaqImportJob)
    assert count(racing_app, sa.select(FaqImportJob.id)) == 1
    assert _import_files(racing_app) == 1


def test_another_users_form_token_is_refused_and_its_file_not_kept(client, auth, roles, db, app, make_user):
    from interact.accounts.models import Role

    auth.login(roles.curator)
    assert client.post(URL, data=_form("d" * 32)).status_code == 302
    auth.login(make_user(Role.CURATOR))
    refused = client.post(URL, data=_form("d" * 32))
    assert refused.status_code == 409 and "该表单已被他人使用" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(FaqImportJob.id))) == 1
    assert _import_files(app) == 1
