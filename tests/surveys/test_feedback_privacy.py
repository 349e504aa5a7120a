"""An opinion collection's published texts hide the people its opinions name: the opinion's
name field and the names found in it or in the department's reason, in all of its fields,
and in the department's result feedback that retells them (#11: one masking pipeline for
summaries and opinions)."""
from __future__ import annotations

import html

from interact.extensions import db
from interact.surveys import services
from interact.surveys.models import Adoption, CollectionKind

NAME = "欧阳娜娜"
OPINION = "我母亲柏秀兰行动不便，建议在医院附近增设无障碍车位。"
#: The department's reason and feedback name them where no pattern would find them.
REASON = "柏秀兰所提车位已有规划，暂不采纳。"
SUMMARY = "<p>欧阳娜娜提出的无障碍车位建议部分采纳；柏秀兰的意见见下。</p>"
EXPLANATION = "<p>歐陽娜娜所提与上位法不符。</p>"
SECRETS = ["欧阳娜娜", "歐陽娜娜", "娜娜", "柏秀兰", "秀兰"]


def _published(make_collection, roles, frozen):
    collection = make_collection(kind=CollectionKind.OPINIONS)
    frozen(2026, 3, 10)
    opinion = services.submit_opinion(collection, services.OpinionData(content=OPINION, name=NAME))
    services.moderate_opinion(opinion, True, actor=roles.handler_a)
    frozen(2026, 4, 2)
    services.record_adoption(opinion, Adoption.NOT_ADOPTED, REASON, actor=roles.handler_a)
    services.save_feedback(collection, SUMMARY, EXPLANATION, actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    services.publish_feedback(collection, actor=roles.office)
    db.session.commit()
    return collection


def test_results_page_and_api_hide_the_opinions_people(client, make_collection, roles, frozen):
    collection = _published(make_collection, roles, frozen)
    page = html.unescape(client.get(f"/surveys/{collection.id}/results").get_data(as_text=True))
    assert [s for s in SECRETS if s in page] == []
    assert "欧阳**提出的无障碍车位建议部分采纳" in page and "柏**所提车位已有规划" in page
    assert "歐陽**所提与上位法不符" in page
    api = client.get(f"/api/v1/collections/{collection.id}").get_data(as_text=True)
    api = html.unescape(api.encode().decode("unicode_escape") if "\\u" in api else api)
    assert [s for s in SECRETS if s in api] == []


def test_staff_see_the_feedback_as_written(client, auth, make_collection, roles, frozen):
    collection = _published(make_collection, roles, frozen)
    auth.login(roles.handler_a)
    page = html.unescape(client.get(f"/staff/surveys/{collection.id}/feedback").get_data(as_text=True))
    assert "欧阳娜娜提出的无障碍车位建议" in page
