"""A failed database statement never puts the personal data it carried into an error
message or the log: a 500 on POST /register (two requests creating the same number at the
same instant) once logged the citizen's phone number, password hash and session token as
the statement's parameters."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from interact.accounts.models import User


def test_a_failed_insert_does_not_show_what_it_carried(app, db, caplog):
    db.session.add(User(phone="13711112222", email="first@example.org", password_hash="x"))
    db.session.commit()
    db.session.add(User(phone="13711112222", email="second-person@example.org", password_hash="scrypt:secret-hash"))
    with caplog.at_level(logging.DEBUG), pytest.raises(IntegrityError) as raised:
        db.session.flush()
    db.session.rollback()
    shown = str(raised.value) + "\n" + caplog.text
    assert "second-person@example.org" not in shown
    assert "scrypt:secret-hash" not in shown
    # What failed is still said (the statement and the constraint), only not the values.
    assert "users" in str(raised.value)


def test_a_failed_query_does_not_show_its_parameters(app, db):
    with pytest.raises(sa.exc.StatementError) as raised:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE phone = :phone"), {"phone": "13822223333"})
    db.session.rollback()
    assert "13822223333" not in str(raised.value)
