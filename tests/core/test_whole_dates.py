"""``whole_dates``: a note's dates in ``<time>`` (kept on one line), the rest escaped."""
from __future__ import annotations

from interact.core.templating import whole_dates


def test_each_date_is_kept_whole_and_the_text_escaped():
    assert whole_dates("已转交<市教育局>办理，答复期限：2026-12-04。延期至 2026-12-18 09:30 止") == (
        "已转交&lt;市教育局&gt;办理，答复期限：<time>2026-12-04</time>。延期至 <time>2026-12-18 09:30</time> 止")


def test_nothing_is_nothing():
    assert whole_dates(None) == "" and whole_dates("") == ""
