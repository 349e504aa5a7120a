"""The month selector's choices (来信选登, the statistics, the monthly summaries): made once
per month and process, not shifted and labelled again for every page."""
from __future__ import annotations

from interact.core import periods, templating


def test_the_choices_are_the_last_36_months_newest_first_and_an_older_chosen_one(frozen):
    frozen(2026, 3, 15)
    choices = templating.month_choices()
    assert len(choices) == 36 and choices[0] == ("2026-03", "2026年3月") and choices[-1] == ("2023-04", "2023年4月")
    assert templating.month_choices("2020-01")[-1] == ("2020-01", "2020年1月")
    assert templating.month_choices("2025-12") == choices  # already listed: not twice
    assert templating.month_choices("2020-13") == choices  # not a month


def test_a_page_does_not_make_the_choices_again_until_the_month_changes(frozen, monkeypatch):
    frozen(2026, 3, 15)
    templating.month_choices()
    made = []
    original = periods.months_ending
    monkeypatch.setattr(periods, "months_ending", lambda *args: made.append(args) or original(*args))
    templating.month_choices()
    templating.month_choices("2021-07")
    assert made == []
    frozen(2026, 4, 1)
    assert templating.month_choices()[0] == ("2026-04", "2026年4月")
    assert len(made) == 1
