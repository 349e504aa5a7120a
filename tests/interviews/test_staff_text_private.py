"""What a department writes for the public about an interview — its introduction (访谈简介)
and its images' captions — goes through the one publication masking (attack batch 7, H9:
both were published as typed, a citizen's name and numbers with them); the staff's pages
keep what was typed, the guests and the department stay named."""
from __future__ import annotations

import html
import io
import json

from werkzeug.datastructures import FileStorage

from interact.extensions import db
from interact.interviews import services
from interact.interviews.models import InterviewStatus
from tests.interviews.conftest import png_bytes

INTRODUCTION = ("<p>本期嘉宾解读租房提取新政。上期网友反映的问题：家长：穆念慈（手机❶❸❽⓿⓿❶❸❽❸⓿❶），"
                "承租人吴六奇，钉钉号 xuanzp88。</p>")
CAPTION = "市民禤展鹏（13800138305）在现场提问"
SECRETS = ["穆念慈", "念慈", "❶❸❽", "六奇", "xuanzp88", "禤展鹏", "展鹏", "13800138305"]


TOPIC = "退伍军人岳不群（准考证号 202644030112）反映的就业问题解读"
TOPIC_SECRETS = ["不群", "202644030112"]


def _interview(make_interview, roles):
    interview = make_interview(InterviewStatus.ANNOUNCED)
    interview.introduction = INTRODUCTION
    interview.topic = TOPIC
    services.add_image(interview, FileStorage(stream=io.BytesIO(png_bytes()), filename="现场.png"),
                       caption=CAPTION, actor=roles.office)
    db.session.commit()
    return interview


def test_the_interview_page_and_api_hide_what_the_department_typed(client, make_interview, roles):
    interview = _interview(make_interview, roles)
    page = html.unescape(client.get(f"/interviews/{interview.id}").get_data(as_text=True))
    assert [s for s in SECRETS + TOPIC_SECRETS if s in page] == []
    # (attack batch 9: the topic is the page's title and every list's link)
    assert "<h1>退伍军人岳**（准考证号 [证件号]）反映的就业问题解读</h1>" in page
    for url in ("/interviews", "/"):
        listing = html.unescape(client.get(url).get_data(as_text=True))
        assert "岳**" in listing and [s for s in TOPIC_SECRETS if s in listing] == [], url
    assert "家长：穆**（手机[电话]）" in page and "钉钉号 [微信/QQ号]" in page
    assert "<figcaption>市民禤**（[电话]）在现场提问</figcaption>" in page
    assert 'alt="市民禤**（[电话]）在现场提问"' in page
    assert "嘉宾1" in page  # the guests are named as they are
    body = client.get(f"/api/v1/interviews/{interview.id}").get_json()
    text = json.dumps(body, ensure_ascii=False)
    assert [s for s in SECRETS + TOPIC_SECRETS if s in text] == []
    assert body["topic"] == "退伍军人岳**（准考证号 [证件号]）反映的就业问题解读"
    assert [s for s in TOPIC_SECRETS if s in json.dumps(client.get("/api/v1/interviews").get_json(), ensure_ascii=False)] == []
    assert "承租人吴**" in body["introduction_html"]
    assert body["images"][0]["caption"] == "市民禤**（[电话]）在现场提问"


def test_staff_see_the_introduction_as_typed(client, auth, make_interview, roles):
    interview = _interview(make_interview, roles)
    auth.login(roles.office)
    page = html.unescape(client.get(f"/staff/interviews/{interview.id}/edit").get_data(as_text=True))
    assert "家长：穆念慈" in page and TOPIC in page
