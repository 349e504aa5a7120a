"""Letter numbers: counted per Beijing day, unbounded, never reused."""
from __future__ import annotations

import sqlalchemy as sa

from interact.extensions import db
from interact.letters.models import Letter, LetterNumberCounter


def test_numbers_count_per_day(frozen, submit):
    frozen(2026, 3, 2, 10)
    first, _ = submit()
    second, _ = submit()
    assert (first.number, second.number) == ("XJ20260302-0001", "XJ20260302-0002")
    frozen(2026, 3, 3, 0, 5)  # a new Beijing day starts again at 1
    assert submit()[0].number == "XJ20260303-0001"


def test_numbers_do_not_run_out_after_9999(frozen, submit):
    frozen(2026, 3, 2, 10)
    submit()
    db.session.execute(sa.update(LetterNumberCounter).where(LetterNumberCounter.day == "20260302").values(last=9998))
    db.session.commit()
    numbers = [submit()[0].number for _ in range(3)]
    assert numbers == ["XJ20260302-9999", "XJ20260302-10000", "XJ20260302-10001"]
    letter = db.session.scalar(sa.select(Letter).where(Letter.number == "XJ20260302-10001"))
    assert letter is not None and letter.status.value == "submitted"


def test_letters_numbered_before_the_counter_are_not_reused(frozen, submit):
    frozen(2026, 3, 2, 10)
    submit()
    submit()
    # A database migrated with letters of today but no counter row yet.
    db.session.execute(sa.delete(LetterNumberCounter))
    db.session.commit()
    assert submit()[0].number == "XJ20260302-0003"
