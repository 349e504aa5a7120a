"""The word list's stamp is read at most every CHECK_SECONDS per process (one query fewer in
every submission); a word added by another worker applies within that time."""
from interact.core import sensitive
from interact.core.models import SensitiveWord, SensitiveWordLevel
from interact.core.settings import bump_version
from tests import sql


def test_scans_between_checks_read_nothing(app, db):
    sensitive.scan("第一次")
    assert sql.statements(lambda: sensitive.scan("再来一封信")) == []


def test_a_word_added_by_another_worker_applies_within_the_check_interval(app, db, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(sensitive.time, "monotonic", lambda: clock[0])
    assert not sensitive.scan("代开发票").needs_review
    # Another worker adds the word: its row and the stamp, without this process knowing.
    db.session.add(SensitiveWord(word="代开发票", level=SensitiveWordLevel.BLOCK, category="广告"))
    bump_version(sensitive.VERSION_KEY)
    db.session.commit()
    clock[0] += sensitive.CHECK_SECONDS
    assert sensitive.scan("可以代开发票吗").blocked


def test_a_word_added_here_applies_at_once(app, db, roles, monkeypatch):
    monkeypatch.setattr(sensitive.time, "monotonic", lambda: 1000.0)
    assert not sensitive.scan("刷单兼职").needs_review
    sensitive.add_word("刷单", SensitiveWordLevel.BLOCK, "", actor=roles.office)
    db.session.commit()
    assert sensitive.scan("刷单兼职").blocked
