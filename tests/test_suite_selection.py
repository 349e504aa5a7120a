"""Which tests the PostgreSQL pass runs (tests/conftest.py: ``uses_database``)."""
from __future__ import annotations

from collections import namedtuple

from tests.conftest import uses_database

Item = namedtuple("Item", "fixturenames path")


def test_the_postgresql_pass_keeps_every_test_that_may_use_a_database(tmp_path):
    plain = tmp_path / "test_plain.py"
    plain.write_text("def test_rule():\n    assert normalize('ａ') == 'a'\n", encoding="utf-8")
    own_app = tmp_path / "test_own_app.py"
    own_app.write_text("from tests.conftest import make_test_app\n", encoding="utf-8")
    sources: dict[str, bool] = {}
    assert uses_database(Item(("app", "tmp_path"), plain), sources)
    assert uses_database(Item(("db",), plain), sources)
    assert uses_database(Item(("tmp_path",), own_app), sources)  # builds its own app
    # A test of a rule alone asserts the same on any database: left to the SQLite pass.
    assert not uses_database(Item(("tmp_path",), plain), sources)
