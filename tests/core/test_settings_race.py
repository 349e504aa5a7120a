"""A setting (or a version stamp) written for the first time by two requests at once, as
on a fresh database when two workers bump the FAQ index's stamp together: both succeed and
one value stays (a check-then-insert gave the second a unique-key error, a 500)."""
from __future__ import annotations

from interact.core import settings
from interact.core.models import Setting
from interact.extensions import db as _db
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.staff_races import in_threads, meet


def test_a_new_setting_written_twice_at_once_is_stored_once(racing_app, monkeypatch):
    # Both writers looked for the row before either inserted it.
    meet(monkeypatch, Setting, "__init__", 2)

    def write(n: int) -> str:
        settings.set_setting("letters.reply_limits", {"consultation": 10 + n})
        _db.session.commit()
        return "ok"

    assert in_threads(racing_app, write) == ["ok", "ok"]
    stored = in_app(racing_app, lambda: settings.get_setting("letters.reply_limits"))
    assert stored in ({"consultation": 10}, {"consultation": 11})
    assert in_app(racing_app, lambda: _db.session.query(Setting).count()) == 1


def test_a_version_stamp_bumped_for_the_first_time_at_once_is_one_row(racing_app, monkeypatch):
    meet(monkeypatch, Setting, "__init__", 2)

    def bump(_n: int) -> str:
        stamp = settings.bump_version("faq-index")
        _db.session.commit()
        return stamp

    stamps = in_threads(racing_app, bump)
    assert all(isinstance(stamp, str) for stamp in stamps), stamps
    assert in_app(racing_app, lambda: settings.current_version("faq-index")) in stamps


def test_a_setting_read_then_changed_in_one_session_reads_the_new_value(db):
    settings.set_setting("letters.reply_limits", {"consultation": 10})
    assert settings.get_setting("letters.reply_limits") == {"consultation": 10}
    settings.set_setting("letters.reply_limits", {"consultation": 12})
    assert settings.get_setting("letters.reply_limits") == {"consultation": 12}
    db.session.commit()
    assert settings.get_setting("letters.reply_limits") == {"consultation": 12}
