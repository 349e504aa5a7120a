"""来信选登 and the API filtered by 类别 or 渠道 read the letters of that kind or channel
from an index, newest first — not every published letter's row to test it (attack I7: a
page of help letters took 200 ms at 100,000 letters, the same on page 1 as on page 300,
and a crawler follows every one of those pages)."""
from __future__ import annotations

import pytest

from interact.extensions import db
from interact.letters import services
from interact.letters.models import LetterChannel, LetterKind
from tests import sql


def _plans(run) -> list[str]:
    """``EXPLAIN QUERY PLAN`` of each statement on ``letters`` that ``run`` sends."""
    return [sql.query_plan(statement) for statement in sql.statements(run, sql.selects_from("letters"))]


KIND, CHANNEL = "ix_letters_public_kind", "ix_letters_public_channel"


@pytest.mark.parametrize("query, indexes", [
    (services.PublicQuery(kind=LetterKind.HELP), (KIND,)),
    (services.PublicQuery(kind=LetterKind.HELP, channel=LetterChannel.CONSULTATION), (KIND, CHANNEL)),
    (services.PublicQuery(channel=LetterChannel.CONSULTATION), (CHANNEL,)),
])
def test_a_list_by_kind_or_channel_reads_its_letters_from_an_index(app, closed, query, indexes):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL's is in bench/explain.py at scale")
    help_letter = closed(kind=LetterKind.HELP, title="独居老人求助")[0]
    complaint = closed(kind=LetterKind.COMPLAINT, title="噪声投诉")[0]

    def run():
        for page in (1, 300):
            listed = services.public_letters(query, page=page)
            listed.items, listed.total

    plans = _plans(run)
    # The page's ids and the total from the index; then the page's letters by id.
    assert not any("SCAN letters" in plan for plan in plans), plans
    from_index = [any(index in plan for index in indexes) for plan in plans]
    assert all(used for used, plan in zip(from_index, plans) if "PRIMARY KEY" not in plan), plans
    assert sum(from_index) >= 3, plans
    # Both test letters came in through 在线咨询.
    expected = [help_letter.id] if query.kind else [complaint.id, help_letter.id]
    listed = services.public_letters(query)
    assert [letter.id for letter in listed.items] == expected and listed.total == len(expected)
