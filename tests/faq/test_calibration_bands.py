"""The band a citizen reads over an answer a rule gave on a curated entry is what such
answers proved to be (matching.CURATED_CALIBRATION): an answer from the only topical entry
to a question that asks *when* / *whether* while the entry says *how* was right two times in
three, so it is not shown as 匹配度高 (attack J10: 厨余垃圾几点收 -> 生活垃圾怎么分类 at 0.857)."""
from __future__ import annotations

from tests.faq.test_demo import seeded  # noqa: F401 - fixture: the demo knowledge base


def _answer(client, question: str) -> dict:
    return client.get("/api/v1/faq/answer", query_string={"q": question}).get_json()


def test_a_topical_answer_to_a_question_of_another_kind_is_not_in_the_high_band(seeded, client):
    data = _answer(client, "厨余垃圾几点收")
    assert data["confidence"] < 0.8
    assert data.get("confidence_label") != "匹配度高"


def test_a_topical_answer_to_a_question_of_the_same_kind_stays_in_the_high_band(seeded, client):
    data = _answer(client, "家里装修的垃圾怎么清运")
    assert data["answered"] and data["best"]["question"] == "大件垃圾和装修垃圾怎么处理？"
    assert data["confidence_label"] == "匹配度高"
