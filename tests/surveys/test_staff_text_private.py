"""What a department writes for the public about a collection — its summary, its 征集说明
and its result feedback — goes through the one publication masking (attack batch 7, H9:
the 征集说明 was published as typed, and the feedback hid only the opinions' own names, so
家长：穆念慈 or 嫌疑人鳌拜在逃 written by the department stayed); the office's contact
address and e-mail are shown as they are, staff see what was typed."""
from __future__ import annotations

import html
import json

from interact.core.sanitize import clean_html
from interact.extensions import db
from interact.surveys import services, workflow
from interact.surveys.models import Adoption, CollectionKind, CollectionStatus

SUMMARY = "承租人吴六奇等反映停车难，请提出意见。"
BODY = ("<p>起草过程中，代理律师：洪七公（邮箱 hongqg@qq.com）提出修改建议；收件人：郭襄，"
        "地下室B7-23。</p>")
FEEDBACK = ("<p>家长：穆念慈建议延长课后服务，部分采纳；嫌疑人鳌拜在逃一事已转公安。"
            "联系人钉钉号 xiaofeng_rsj，小红书号 334455667。</p>")
SECRETS = ["六奇", "洪七公", "七公", "hongqg", "郭襄", "B7-23", "念慈", "鳌拜", "xiaofeng_rsj", "334455667"]


def _collection(make_collection, roles):
    collection = make_collection(kind=CollectionKind.OPINIONS, publish=False, contact_email="jyj@example.gov.cn")
    collection.summary = SUMMARY
    collection.body = clean_html(BODY)
    workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
    db.session.commit()
    return collection


def _api(client, url):
    return json.dumps(client.get(url).get_json(), ensure_ascii=False)


def test_the_collection_pages_and_api_hide_what_the_department_typed(client, make_collection, roles):
    collection = _collection(make_collection, roles)
    page = html.unescape(client.get(f"/surveys/{collection.id}").get_data(as_text=True))
    assert [s for s in SECRETS if s in page] == []
    assert "代理律师：洪**（邮箱 [电子邮箱]）" in page and "承租人吴**等反映停车难" in page
    assert "jyj@example.gov.cn" in page  # the office's own contact stays
    listing = html.unescape(client.get("/surveys/").get_data(as_text=True))
    assert "承租人吴**等反映停车难" in listing and "六奇" not in listing
    for url in (f"/api/v1/collections/{collection.id}", "/api/v1/collections"):
        text = _api(client, url)
        assert [s for s in SECRETS if s in text] == [], url
    assert "收件人：郭*" in client.get(f"/api/v1/collections/{collection.id}").get_json()["body_html"]


def test_the_result_feedback_hides_what_the_department_typed(client, make_collection, roles, frozen):
    collection = _collection(make_collection, roles)
    frozen(2026, 3, 10)
    opinion = services.submit_opinion(collection, services.OpinionData(content="建议增加夜间停车优惠时段。"))
    services.moderate_opinion(opinion, True, actor=roles.handler_a)
    frozen(2026, 4, 2)
    services.record_adoption(opinion, Adoption.ADOPTED, actor=roles.handler_a)
    services.save_feedback(collection, FEEDBACK, "", actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    services.publish_feedback(collection, actor=roles.office)
    db.session.commit()
    page = html.unescape(client.get(f"/surveys/{collection.id}/results").get_data(as_text=True))
    assert [s for s in SECRETS if s in page] == []
    assert "家长：穆**建议延长课后服务" in page
    assert [s for s in SECRETS if s in _api(client, f"/api/v1/collections/{collection.id}")] == []


def test_staff_see_the_text_as_typed(client, auth, make_collection, roles):
    collection = _collection(make_collection, roles)
    auth.login(roles.office)
    page = html.unescape(client.get(f"/staff/surveys/{collection.id}/edit").get_data(as_text=True))
    assert "代理律师：洪七公" in page and "承租人吴六奇" in page


TITLE = "关于承租人吴六奇（手机13800138305）反映停车难的意见征集"
Q_TITLE = "房主：欧阳锋不退押金问题问卷"
Q_INTRO = "联系人：周芷若，电话 13800138000。"
Q_TEXT = "您是否同意业主（郭襄）提出的方案？"
TITLE_SECRETS = ["六奇", "13800138305", "欧阳锋", "芷若", "13800138000", "郭襄"]


def _titled(make_collection, roles):
    from interact.questionnaires import services as questionnaires

    collection = make_collection(kind=CollectionKind.BOTH, publish=False, title=TITLE)
    questionnaires.update_info(collection.questionnaire, Q_TITLE, Q_INTRO, actor=roles.office)
    collection.questionnaire.questions[0].text = Q_TEXT
    workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
    db.session.commit()
    return collection


def test_the_title_and_the_questionnaire_the_department_typed_are_masked(client, make_collection, roles, frozen):
    # (attack batch 9: what staff write as a title reaches every list, the page's <title>
    # and the API; it passes the same masking as the rest of their text)
    collection = _titled(make_collection, roles)
    frozen(2026, 3, 10)  # open: the questionnaire is shown
    page = html.unescape(client.get(f"/surveys/{collection.id}").get_data(as_text=True))
    assert [s for s in TITLE_SECRETS if s in page] == []
    assert "<title>关于承租人吴**（手机[电话]）反映停车难的意见征集 - 民意征集" in page
    assert "房主：欧阳*不退押金问题问卷" in page and "联系人：周**，电话 [电话]。" in page
    assert "您是否同意业主（郭*）提出的方案？" in page
    for url in ("/surveys/", "/"):
        listing = html.unescape(client.get(url).get_data(as_text=True))
        assert "吴**" in listing and [s for s in TITLE_SECRETS if s in listing] == [], url
    for url in (f"/api/v1/collections/{collection.id}", "/api/v1/collections"):
        assert [s for s in TITLE_SECRETS if s in _api(client, url)] == [], url
    body = client.get(f"/api/v1/collections/{collection.id}").get_json()
    assert body["title"] == "关于承租人吴**（手机[电话]）反映停车难的意见征集"
    assert body["questionnaire"]["questions"][0]["text"] == "您是否同意业主（郭*）提出的方案？"


def test_staff_see_the_title_and_questionnaire_as_typed(client, auth, make_collection, roles):
    collection = _titled(make_collection, roles)
    auth.login(roles.office)
    page = html.unescape(client.get(f"/staff/surveys/{collection.id}/edit").get_data(as_text=True))
    assert TITLE in page
    builder = html.unescape(client.get(f"/staff/questionnaires/{collection.questionnaire.id}").get_data(as_text=True))
    assert Q_TITLE in builder and Q_TEXT in builder
