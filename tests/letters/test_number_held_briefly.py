"""The day's number counter row is held for milliseconds, not across a citizen's uploads
(attack L4): every letter of the day takes its number from that row, and waits while
another submission holds it (PostgreSQL: the row's lock; SQLite: the writer's). So the
attachments are checked, stored and written before the number is taken, and from the
number to the commit a submission only writes its letter's own rows."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from interact.core import storage
from interact.core.models import StoredFile
from interact.extensions import db
from interact.letters import services
from interact.letters.models import Letter, LetterAttachment
from tests.letters.conftest import letter_input

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100
PDF = b"%PDF-1.4 test"


@pytest.fixture
def steps(app, monkeypatch):
    """What the database and the file store are asked, in order."""
    seen: list[str] = []

    def statement(_conn, _cursor, text, _params, _context, _many):
        seen.append(" ".join(text.split())[:60])

    real_put = storage.LocalStore.put

    def put(self, key, source):
        seen.append("file stored")
        return real_put(self, key, source)

    monkeypatch.setattr(storage.LocalStore, "put", put)
    sa.event.listen(db.engine, "before_cursor_execute", statement)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", statement)


def _files():
    return [FileStorage(io.BytesIO(PNG), "photo.png"), FileStorage(io.BytesIO(PDF), "证明.pdf")]


def test_attachments_are_stored_before_the_days_number_is_taken(app, steps):
    services.submit_letter(letter_input())  # the day's counter row exists
    db.session.commit()
    steps.clear()
    result = services.submit_letter(letter_input(title="附件在取号之前保存"), attachments=_files())
    db.session.commit()
    taken = next(i for i, step in enumerate(steps) if step.startswith("UPDATE letter_number_counters"))
    before, held = steps[:taken], steps[taken:]
    assert before.count("file stored") == 2
    assert any(step.startswith("INSERT INTO stored_files") for step in before)
    # Held: the letter's own rows are written, nothing stored, nothing read (a round trip each).
    assert not [step for step in held if not step.startswith(("INSERT", "SAVEPOINT", "RELEASE", "UPDATE letter_number"))]
    assert [file.file.original_name for file in db.session.get(Letter, result.letter_id).attachments] == [
        "photo.png", "证明.pdf"]


def test_a_copy_stored_meanwhile_keeps_the_first_copys_files_only(app, monkeypatch):
    """A copy of a submission that loses the race to its first copy (same idempotency key)
    after storing its files gives them up: no file row nor bytes without a letter."""
    first = services.submit_letter(letter_input(), idempotency_key="k-files", attachments=_files()[:1])
    db.session.commit()
    looked = []
    real = services.find_by_idempotency_key

    def not_yet_stored_at_the_first_look(key):
        looked.append(key)
        return None if len(looked) == 1 else real(key)

    monkeypatch.setattr(services, "find_by_idempotency_key", not_yet_stored_at_the_first_look)
    second = services.submit_letter(letter_input(), idempotency_key="k-files", attachments=_files()[:1])
    db.session.commit()
    assert second.duplicate and second.letter.id == first.letter.id
    files = db.session.scalars(sa.select(StoredFile)).all()
    assert len(files) == 1 and db.session.scalar(sa.select(sa.func.count(LetterAttachment.id))) == 1
    store = storage.get_store()
    assert store.exists(files[0].key)
    assert sorted(p.name for p in store.root.rglob("*") if p.is_file()) == [files[0].key]


FORM = {
    "channel": "consultation", "kind": "consultation", "department_id": "", "leader_id": "",
    "title": "社保卡丢失怎么补办", "body": "我的社保卡丢了，请问去哪里补办，需要带什么材料？",
    "name": "李四", "phone": "13712345678", "email": "", "token": "held-1",
}


def _stored_keys() -> list[str]:
    root = storage.get_store().root
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _form_with_files(**overrides):
    return dict(FORM, attachments=[(io.BytesIO(PNG), "photo.png"), (io.BytesIO(PDF), "证明.pdf")], **overrides)


def test_the_web_form_stores_its_attachments_before_its_first_write(client, steps):
    """The web form's first write (the form token's claim in the session store) opens the
    transaction that holds the database's writer (SQLite) until the commit: the files are
    copied to the store before it, not while every other writer waits."""
    client.get("/letters/new")
    steps.clear()
    response = client.post("/letters/new", data=_form_with_files(), content_type="multipart/form-data")
    assert response.status_code == 302
    first_write = next(i for i, step in enumerate(steps) if step.startswith(("INSERT", "UPDATE", "DELETE")))
    assert steps.count("file stored") == 2
    assert "file stored" not in steps[first_write:]
    letter = db.session.scalar(sa.select(Letter).order_by(Letter.id.desc()))
    assert sorted(a.file.key for a in letter.attachments) == _stored_keys()


def test_a_refused_form_keeps_none_of_the_files_it_stored_first(client):
    client.get("/letters/new")
    refused = client.post("/letters/new", data=_form_with_files(phone="1371234"), content_type="multipart/form-data")
    assert refused.status_code == 422 and "所选的 2 个附件没有保存" in refused.get_data(as_text=True)
    assert _stored_keys() == [] and db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0
    # A file of a type the letter does not take: refused after the letter's own checks, as before.
    bad = dict(FORM, token="held-2", attachments=[(io.BytesIO(PNG), "photo.png"),
                                                  (io.BytesIO(b"<script>alert(1)</script>"), "x.jpg")])
    refused = client.post("/letters/new", data=bad, content_type="multipart/form-data")
    assert refused.status_code == 422 and "x.jpg" in refused.get_data(as_text=True)
    assert _stored_keys() == [] and db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_a_store_failing_on_a_later_file_leaves_none_of_the_earlier_ones(app, monkeypatch):
    """A full disk (or an S3 error) on the second attachment: the first one, already
    copied to the store, must not stay there with no letter pointing at it (a private
    attachment nobody could ever delete)."""
    import io

    from werkzeug.datastructures import FileStorage

    from interact.core import storage

    real_put, keys = storage.LocalStore.put, []

    def put(self, key, source):
        keys.append(key)
        if len(keys) == 2:
            raise OSError(28, "No space left on device")
        return real_put(self, key, source)

    monkeypatch.setattr(storage.LocalStore, "put", put)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    files = [FileStorage(io.BytesIO(png), "a.png"), FileStorage(io.BytesIO(png), "b.png")]
    with pytest.raises(OSError):
        with services.staged_attachments(files):
            pass
    assert len(keys) == 2 and not storage.get_store().path(keys[0]).exists()
