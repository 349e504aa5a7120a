"""上传征求意见稿 sent three times at once left one document and two orphan files (attack
H8): the upload form carries a one-time token, so the copies of one form store one file
and record one event; a document replaced or removed takes its file with it; an upload
that is refused or whose transaction fails leaves no file behind."""
from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa

from interact.core import audit
from interact.core.errors import Conflict
from interact.core.models import AuditEvent, StoredFile
from interact.surveys import services
from interact.surveys.models import Collection, CollectionAttachment, CollectionKind
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import clicks_at_once, count, gjj_office_and_handler

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _files_on_disk(app) -> set[str]:
    return {path.name for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file()}


def _upload(collection_id: int, token: str, which: str = "draft", data: bytes = PDF, name: str = "征求意见稿.pdf"):
    return f"/staff/surveys/{collection_id}/document", {
        "which": which, "token": token, "label": "", "file": (io.BytesIO(data), name)}


def _stored_keys(db) -> set[str]:
    return set(db.session.scalars(sa.select(StoredFile.key)))


def test_three_uploads_of_one_form_at_once_store_one_file(racing_app, monkeypatch):
    def build():
        department, office, handler = gjj_office_and_handler()
        collection = services.create_collection(services.CollectionData(
            title="关于公共自行车运营时间的意见征集", summary="摘要", body="", kind=CollectionKind.OPINIONS,
            starts_at=services.clock.now(), ends_at=services.clock.now() + services.timedelta(days=20),
            department_id=department.id), actor=office)
        services.db.session.commit()
        return handler.id, collection.id

    handler_id, collection_id = in_app(racing_app, build)
    url, _ = _upload(collection_id, "d" * 32)
    # Each copy has stored its bytes and none has inserted; each goes back to the page: 文件已上传.
    clicks_at_once(racing_app, monkeypatch, handler_id, url, lambda n: _upload(collection_id, "d" * 32)[1],
                   StoredFile)
    assert count(racing_app, sa.select(StoredFile.id)) == 1
    assert count(racing_app, sa.select(AuditEvent.id).where(AuditEvent.action == "collection.draft_document_set")) == 1
    keys = in_app(racing_app, lambda: _stored_keys(services.db))
    assert _files_on_disk(racing_app) == keys  # no file without its row


def test_a_replaced_or_removed_document_takes_its_file_along(app, db, make_collection, roles, client, auth):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    for token in ("a" * 32, "b" * 32):  # two forms: the second replaces the first's file
        url, data = _upload(collection.id, token)
        assert client.post(url, data=data).status_code == 302
    url, data = _upload(collection.id, "c" * 32, which="attachment", name="附件.pdf")
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert len(_stored_keys(db)) == 2 and _files_on_disk(app) == _stored_keys(db)
    attachment = db.session.scalar(sa.select(CollectionAttachment))
    delete = f"/staff/surveys/{collection.id}/document/delete"
    assert client.post(delete, data={"attachment_id": str(attachment.id)}).status_code == 302
    assert client.post(delete, data={}).status_code == 302  # the draft document
    db.session.expire_all()
    assert db.session.get(Collection, collection.id).draft_file is None
    assert _stored_keys(db) == set() and _files_on_disk(app) == set()


def test_an_attachment_form_sent_twice_adds_one_attachment(app, db, make_collection, roles, client, auth):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    for _ in range(2):
        url, data = _upload(collection.id, "e" * 32, which="attachment", name="附件.pdf")
        assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(CollectionAttachment.id))) == 1
    assert _files_on_disk(app) == _stored_keys(db) and len(_stored_keys(db)) == 1


def test_an_upload_whose_transaction_fails_leaves_no_file(app, db, make_collection, roles, client, auth, monkeypatch):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)

    def refuse(*_args, **_kwargs):  # anything refused after the bytes were stored
        raise Conflict("征集刚刚已被更改，请刷新页面后重试。")

    monkeypatch.setattr(audit, "record", refuse)
    url, data = _upload(collection.id, "f" * 32)
    assert client.post(url, data=data).status_code == 409
    bad_url, bad = _upload(collection.id, "0" * 32, data=b"<script>", name="x.pdf")  # refused by its type
    assert client.post(bad_url, data=bad).status_code == 422
    db.session.expire_all()
    assert _stored_keys(db) == set() and _files_on_disk(app) == set()
