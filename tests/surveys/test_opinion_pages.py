"""A popular collection's opinions come a page at a time, on its page and in the API
(attack P6: 2,115 approved opinions made a 1.1 MB page of 15-30 s per view and an API
answer of 21-28 s, most of it masking every opinion again on every view)."""
from __future__ import annotations

import re

from interact.surveys import services


def _approved(db, roles, collection, count: int) -> list[int]:
    ids = []
    for n in range(count):
        opinion = services.submit_opinion(collection, services.OpinionData(content=f"第{n + 1}条意见：建议夜间停车免费。"))
        services.moderate_opinion(opinion, True, actor=roles.handler_a)
        ids.append(opinion.id)
    db.session.commit()
    return ids[::-1]  # newest first, as the page lists them


def _shown(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"第(\d+)条意见", html)]


def test_the_page_shows_the_opinions_a_page_at_a_time(db, client, roles, make_collection, frozen, monkeypatch):
    monkeypatch.setattr(services, "OPINIONS_PER_PAGE", 3)  # 30 on the site
    collection = make_collection()
    frozen(2026, 3, 10)
    _approved(db, roles, collection, 5)

    first = client.get(f"/surveys/{collection.id}").get_data(as_text=True)
    assert _shown(first) == [5, 4, 3]  # the newest first
    assert "网民意见（5）" in first and "第 1 / 2 页，共 5 条" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', first).group(1)
    assert next_link == f"/surveys/{collection.id}?page=2#opinions"

    second = client.get(next_link.split("#")[0]).get_data(as_text=True)
    assert _shown(second) == [2, 1]
    assert 'rel="prev">上一页</a>' in second and "提交意见" in second  # the form is on every page
    action = re.search(r'<form method="post" action="([^"]+)" novalidate class="form-grid" id="opinion-entry"',
                       second).group(1)
    assert action == f"/surveys/{collection.id}/opinions?page=2"

    beyond = client.get(f"/surveys/{collection.id}?page=9")
    assert beyond.status_code == 200 and "没有这一页" in beyond.get_data(as_text=True)
    assert client.get(f"/surveys/{collection.id}?page=abc").status_code == 200


def test_a_form_refused_on_page_two_comes_back_to_page_two(db, client, roles, make_collection, frozen):
    collection = make_collection()
    frozen(2026, 3, 10)
    refused = client.post(f"/surveys/{collection.id}/opinions?page=2", data={"content": ""})
    assert refused.headers["Location"].endswith(f"/surveys/{collection.id}?page=2#opinion-form")


def test_the_api_gives_one_page_of_opinions_and_their_total(db, client, roles, make_collection, frozen):
    collection = make_collection()
    frozen(2026, 3, 10)
    ids = _approved(db, roles, collection, 5)

    data = client.get(f"/api/v1/collections/{collection.id}?per_page=2").get_json()
    assert [o["id"] for o in data["opinions"]] == ids[:2] and data["opinions_total"] == 5
    data = client.get(f"/api/v1/collections/{collection.id}?page=3&per_page=2").get_json()
    assert [o["id"] for o in data["opinions"]] == ids[4:]
    assert client.get(f"/api/v1/collections/{collection.id}?per_page=500").status_code == 422


def test_the_feedback_gathers_the_opinions_names_again_only_when_they_change(
        db, client, roles, make_collection, frozen, monkeypatch):
    # Gathering masks every approved opinion: 3.5-4 s at 2,116 opinions, at each view of the
    # results page and the API once the feedback was published (attack P6).
    from interact.core import privacy
    from interact.surveys.models import Adoption, CollectionKind

    collection = make_collection(kind=CollectionKind.OPINIONS)
    frozen(2026, 3, 10)
    opinions = []
    for text in ("我母亲柏秀兰建议增设无障碍车位。", "建议夜间停车免费。"):
        opinion = services.submit_opinion(collection, services.OpinionData(content=text))
        services.moderate_opinion(opinion, True, actor=roles.handler_a)
        opinions.append(opinion)
    frozen(2026, 4, 2)
    for opinion in opinions:
        services.record_adoption(opinion, Adoption.ADOPTED, actor=roles.handler_a)
    services.save_feedback(collection, "<p>柏秀兰的建议已采纳。</p>", "", actor=roles.handler_a)
    db.session.commit()
    gathered = []
    names_of = privacy.names_of
    monkeypatch.setattr(privacy, "names_of", lambda records: gathered.append(1) or names_of(records))

    for _ in range(3):
        assert "柏**的建议已采纳" in str(services.public_feedback_text(collection).summary_html)
    assert len(gathered) == 1

    services.record_adoption(opinions[1], Adoption.NOT_ADOPTED, "王翠兰说这条暂不采纳。", actor=roles.handler_a)
    db.session.commit()
    services.public_feedback_text(collection)
    assert len(gathered) == 2


def test_the_reasons_not_adopted_come_a_page_at_a_time(db, client, auth, roles, make_collection, frozen,
                                                       monkeypatch):
    # Every partly/not adopted opinion with its reason on one page, each masked at every view:
    # 5.4 s of a cold worker at 1,410 opinions (session 14).
    from interact.surveys.models import Adoption, CollectionKind

    monkeypatch.setattr(services, "REASONS_PER_PAGE", 2)  # 30 on the site
    collection = make_collection(kind=CollectionKind.OPINIONS)
    frozen(2026, 3, 10)
    opinions = []
    for n in range(5):
        opinion = services.submit_opinion(collection, services.OpinionData(content=f"第{n + 1}条意见：建议夜间停车免费。"))
        services.moderate_opinion(opinion, True, actor=roles.handler_a)
        opinions.append(opinion)
    frozen(2026, 4, 2)
    for n, opinion in enumerate(opinions):
        adoption = Adoption.PARTLY if n == 4 else Adoption.NOT_ADOPTED
        services.record_adoption(opinion, adoption, f"理由{n + 1}", actor=roles.handler_a)
    services.save_feedback(collection, "<p>感谢参与。</p>", "", actor=roles.handler_a)
    services.submit_feedback(collection, actor=roles.handler_a)
    services.publish_feedback(collection, actor=roles.office)
    db.session.commit()

    first = client.get(f"/surveys/{collection.id}/results").get_data(as_text=True)
    assert _shown(first) == [5, 1]  # the partly adopted first, then submission order
    assert "第 1 / 3 页，共 5 条" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', first).group(1)
    assert next_link == f"/surveys/{collection.id}/results?page=2#reasons"
    assert _shown(client.get(next_link.split("#")[0]).get_data(as_text=True)) == [2, 3]
    beyond = client.get(f"/surveys/{collection.id}/results?page=9")
    assert beyond.status_code == 200 and "没有这一页" in beyond.get_data(as_text=True)

    auth.login(roles.handler_a)
    staff = client.get(f"/staff/surveys/{collection.id}/feedback?page=3").get_data(as_text=True)
    assert _shown(staff) == [4] and "第 3 / 3 页，共 5 条" in staff
