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


def test_a_counter_behind_the_stored_letters_catches_up_instead_of_refusing_all_day(frozen, submit):
    # A restored backup or imported letters: numbers up to -0012 are stored, the day's
    # counter says 2. Before, every submission of the day met five taken numbers, was
    # refused with 系统繁忙 (409), and its rollback undid the counter's increments.
    frozen(2026, 3, 2, 10)
    for _ in range(12):
        submit()
    db.session.execute(sa.update(LetterNumberCounter).where(LetterNumberCounter.day == "20260302").values(last=2))
    db.session.commit()
    numbers = [submit()[0].number for _ in range(2)]
    assert numbers == ["XJ20260302-0013", "XJ20260302-0014"]


def test_a_day_with_gaps_in_its_numbers_starts_its_counter_past_the_highest(frozen, submit):
    # Letters brought in with their own numbers need not be contiguous: counting them (two
    # here, -0007 and -0008) would start the day's counter at -0003, behind what is stored.
    frozen(2026, 3, 2, 10)
    for _ in range(8):
        submit()
    for n in range(1, 7):  # only -0007 and -0008 stay on this day
        db.session.execute(sa.update(Letter).where(Letter.number == f"XJ20260302-{n:04d}")
                           .values(number=f"XJ20260301-{n:04d}"))
    db.session.execute(sa.delete(LetterNumberCounter))
    db.session.commit()
    assert submit()[0].number == "XJ20260302-0009"
