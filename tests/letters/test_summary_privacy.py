"""A monthly summary's own title and text are masked on the public pages with the names of
its typical cases (the letters it retells) as well as the patterns: the office retelling a
case in its words must not publish what the letter page hides (attack N1, December)."""
from __future__ import annotations

import html

import pytest

from interact.extensions import db
from interact.letters import summary

NAME = "欧阳娜娜"
BODY = "我母亲柏秀兰身体不好，想提取公积金。老板陈富贵拖欠工资。"
# What the office writes: the names where no pattern would find them (关于…的, 与…协商), the
# writer's name in traditional characters, a phone split by commas, a 甲 address.
STAFF_TITLE = "2026年4月来信办理情况（歐陽娜娜反映的问题已办结）"
STAFF_BODY = (
    "<p>关于柏秀兰的公积金提取，已协调办结；陈富贵与职工协商后补发工资。</p>"
    "<p>欧阳娜娜（一三九，零零一三，八零零二）住复兴门外大街甲8号。</p>"
)
#: None of these may appear on a public summary page.
SECRETS = ["欧阳娜娜", "歐陽娜娜", "娜娜", "柏秀兰", "秀兰", "陈富贵", "富贵", "一三九", "甲8号"]


@pytest.fixture
def published(roles, closed, frozen):
    frozen(2026, 4, 7, 10)
    case, _ = closed(title="公积金提取咨询", body=BODY, name=NAME)
    other, _ = closed(title="社保转移接续问题")
    frozen(2026, 5, 6, 9)
    item, _ = summary.draft_summary("2026-04", actor=roles.office)
    summary.update_summary(item, title=STAFF_TITLE, body_html=STAFF_BODY, case_ids=[case.id, other.id],
                           actor=roles.office)
    summary.publish_summary(item, actor=roles.office)
    db.session.commit()
    return item


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_public_summary_hides_the_people_of_its_cases(client, published):
    page = _text(client.get("/letters/summaries/2026-04"))
    assert [s for s in SECRETS if s in page] == []
    assert "柏**" in page and "陈**" in page and "欧阳**" in page and "[电话]" in page and "[地址]" in page
    # The text around them is published as the office wrote it.
    assert "的公积金提取，已协调办结" in page and "与职工协商后补发工资" in page
    listing = _text(client.get("/letters/summaries"))
    assert "歐陽娜娜" not in listing and "歐陽**" in listing


def test_a_case_withdrawn_later_still_lends_its_names(client, published, roles):
    from interact.letters import services

    case = published.cases[0]
    services.withdraw_letter(case, actor=roles.office, note="撤下")
    db.session.commit()
    page = _text(client.get("/letters/summaries/2026-04"))
    assert "柏秀兰" not in page and "陈富贵" not in page
    assert "公积金提取咨询" not in page  # the case itself is gone from the list


def test_staff_see_the_original_and_what_will_be_hidden(client, auth, published, roles):
    auth.login(roles.office)
    page = _text(client.get(f"/staff/letters/summaries/{published.id}"))
    assert "柏秀兰" in page and "一三九，零零一三，八零零二" in page
    assert "公开页面将隐去标题和正文中的个人信息：姓名" in page and "电话 1 处" in page and "地址 1 处" in page
