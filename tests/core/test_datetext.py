"""Dates and times as staff type them (core.datetext) and the form fields built on it."""
from datetime import date, datetime

import pytest

from interact.core import datetext


@pytest.mark.parametrize("text", [
    "2026-12-01", "2026-12-1", "2026/12/1", "2026.12.01", "2026年12月1日", "2026年12月1号", " 2026 年 12 月 1 日 ",
    "２０２６－１２－０１", "２０２６年１２月１日", "20261201", "2026\u200b-12-01",
])
def test_a_day_in_every_common_writing(text):
    assert datetext.parse_day(text) == date(2026, 12, 1)


@pytest.mark.parametrize("text, message", [
    ("12/01/2026", "日期写法不对，请写成 2026-12-01 或 2026年12月1日。"),
    ("Dec 1, 2026", "日期写法不对"),
    ("12月1日", "日期写法不对"),
    ("2026-12-01 09:30", "日期写法不对"),
    ("2026-02-30", "没有 2026年2月30日 这一天，请检查日期。"),
    ("2026-13-01", "没有 2026年13月1日 这一天"),
    ("0226-12-01", "年份 226 不对"),
])
def test_a_day_that_cannot_be_read_says_why_in_chinese(text, message):
    with pytest.raises(ValueError) as error:
        datetext.parse_day(text)
    assert message in str(error.value)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01 09:30", datetime(2026, 12, 1, 9, 30)),
    ("2026-12-01T09:30", datetime(2026, 12, 1, 9, 30)),  # what a date-time picker sends
    ("2026-12-01 09:30:00", datetime(2026, 12, 1, 9, 30)),
    ("2026年12月1日9:30", datetime(2026, 12, 1, 9, 30)),
    ("2026年12月1日 9：30", datetime(2026, 12, 1, 9, 30)),
    ("2026年12月1日9点30分", datetime(2026, 12, 1, 9, 30)),
    ("2026年12月1日9点半", datetime(2026, 12, 1, 9, 30)),
    ("2026年12月1日下午3点", datetime(2026, 12, 1, 15, 0)),
    ("2026年12月1日 晚上8:00", datetime(2026, 12, 1, 20, 0)),
    ("2026年12月1日中午12点", datetime(2026, 12, 1, 12, 0)),
    ("2026/12/1 0:05", datetime(2026, 12, 1, 0, 5)),
])
def test_a_moment_in_every_common_writing(text, expected):
    assert datetext.parse_moment(text) == expected


@pytest.mark.parametrize("text, message", [
    ("2026-12-01", "请在日期后写上时间，如 2026-12-01 09:30 或 2026年12月1日 9:30。"),
    ("12/01/2026, 09:30 AM", "日期时间写法不对"),
    ("2026-12-01 25:00", "小时应为 0–23"),
    ("2026-12-01 9:75", "分钟应为 0–59"),
    ("2026-02-29 09:00", "没有 2026年2月29日 这一天"),
])
def test_a_moment_that_cannot_be_read_says_why_in_chinese(text, message):
    with pytest.raises(ValueError) as error:
        datetext.parse_moment(text)
    assert message in str(error.value)


def test_the_fields_show_chinese_dates_and_keep_what_was_typed(app):
    from werkzeug.datastructures import MultiDict

    from interact.core.forms import ChineseDateField, ChineseDateTimeField, Form

    class Dated(Form):
        class Meta:
            csrf = False

        day = ChineseDateField("日期")
        at = ChineseDateTimeField("时间")

    with app.test_request_context():
        shown = Dated(data={"day": date(2026, 12, 1), "at": datetime(2026, 12, 1, 9, 5)})
        assert 'value="2026-12-01"' in str(shown.day) and 'type="text"' in str(shown.day)
        assert 'value="2026-12-01 09:05"' in str(shown.at)
        assert shown.day.description.striptags() == "写法：2026-12-01 或 2026年12月1日"
        assert "<time>2026-12-01 09:30</time>" in shown.at.description  # kept on one line
        typed = Dated(formdata=MultiDict({"day": "2026年12月1日", "at": "12/01/2026 9:30 AM"}))
        assert not typed.validate()
        assert typed.day.data == date(2026, 12, 1) and not typed.day.errors
        assert typed.at.errors == ["日期时间写法不对，请写成 2026-12-01 09:30 或 2026年12月1日 9:30。"]
        assert 'value="12/01/2026 9:30 AM"' in str(typed.at)  # nothing typed is lost
