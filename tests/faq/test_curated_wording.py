"""Curated wording always wins (spaces between words, typos inside a synonym), questions
curators declined get nothing, and a model swap never mixes two models' thresholds."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from interact.faq import index, services
from interact.faq.introduction import without_introduction
from interact.faq.matching import CURATED_CALIBRATION, EXACT_CONFIDENCE, HIGH_BAND, DecisionModel, FaqDoc, MatchingEngine, base_model


def _synonyms(roles):
    services.save_synonym_group("公积金 = 住房公积金", actor=roles.curator)  # as the demo has it
    services.save_synonym_group("丢了 = 遗失 = 丢失", actor=roles.curator)


def test_a_standard_question_typed_with_spaces_between_words_is_answered_in_the_highest_band(db, kb, roles):
    _synonyms(roles)
    db.session.commit()
    for question, entry in (("住房 公积金 怎么 提取", kb[0]), ("住房　公积金　怎么提取？", kb[0]),
                            ("社保卡 丢了 怎么 补办？", kb[1])):
        answer = services.ask(question, log=False)
        assert answer.answered and answer.best.id == entry.id, question
        assert answer.confidence >= HIGH_BAND and answer.confidence_label == "匹配度高", question


def test_a_typo_inside_a_synonym_is_still_a_small_edit_of_the_curated_wording(db, kb, roles):
    _synonyms(roles)
    db.session.commit()
    # 公积今 is no longer the synonym 公积金: the edit is measured before synonyms too.
    answer = services.ask("住房公积今怎么提取", log=False)
    assert answer.answered and answer.best.id == kb[0].id


def test_a_synonym_inside_its_own_canonical_term_is_left_alone():
    engine = MatchingEngine([FaqDoc(1, "公积金怎么提取？")], [["提取", "取出来", "取"]])
    # 取 -> 提取 must not turn 提取 into 提提取.
    assert engine._analyse("公积金怎么提取", 50).compact == "公积金怎么提取"
    assert engine._analyse("公积金怎么取出来", 50).compact == "公积金怎么提取"


def test_a_question_marked_no_answer_gets_no_answer_and_nothing_offered(client, auth, db, roles, kb):
    question = "公积金怎么提取密码忘了怎么办"
    before = services.ask(question)
    db.session.commit()
    assert before.related or before.answered  # the engine would offer the 公积金 entry
    auth.login(roles.curator)
    response = client.post("/staff/faq/unanswered/no-answer", data={"texts": question})
    assert response.status_code == 302
    auth.logout()
    for asked in (question, "请问公积金怎么提取密码忘了怎么办呢", "公积金怎么提取密码忘了怎么半"):
        answer = services.ask(asked, log=False)
        assert not answer.answered and answer.best is None and answer.related == [], asked
        api = client.get("/api/v1/faq/answer", query_string={"q": asked, "suggest": "1"}).get_json()
        assert not api["answered"] and not api.get("related"), asked
    page = client.get("/faq/ask", query_string={"q": question}).get_data(as_text=True)
    assert "您是不是想问" not in page
    # Other questions are not touched: the entry's own wording still answers.
    assert services.ask("住房公积金怎么提取？", log=False).answered


def test_a_later_decision_on_the_same_question_undoes_no_answer(client, auth, db, roles, kb):
    question = "公积金怎么提取密码忘了怎么办"
    services.ask(question)
    db.session.commit()
    auth.login(roles.curator)
    client.post("/staff/faq/unanswered/no-answer", data={"texts": question})
    assert not services.ask(question, log=False).related
    client.post("/staff/faq/unanswered/phrasings", data={"entry_id": kb[0].id, "texts": question})
    answer = services.ask(question, log=False)
    assert answer.answered and answer.best.id == kb[0].id


def test_a_declined_wording_does_not_decline_a_different_word():
    engine = MatchingEngine([FaqDoc(1, "结婚登记怎么办理？", ("结婚登记怎么办",))])
    engine.set_declined(["离婚登记怎么办"])
    assert not engine.answer("离婚登记怎么办").related and engine.answer("离婚登记怎么办").best is None
    result = engine.answer("结婚登记怎么办")
    assert result.answered and result.best.id == 1


class _SwappingModel(DecisionModel):
    """A model that, while scoring, has another model (of another threshold) swapped into the
    engine -- what a refit taken up by another thread does."""

    def probabilities(self, x):
        self._engine.set_model(self._next)
        return np.full(len(np.atleast_2d(x)), 0.5)


def test_a_model_swapped_in_during_a_question_never_mixes_thresholds():
    engine = MatchingEngine([FaqDoc(1, "居住证怎么办理？"), FaqDoc(2, "社保卡丢了怎么补办？")])
    shipped = base_model(False)
    strict = replace(shipped, threshold=0.9, version=2)
    swapping = _SwappingModel(shipped.coef, 0.4, 1)
    object.__setattr__(swapping, "_engine", engine)
    object.__setattr__(swapping, "_next", strict)
    engine.set_model(swapping)
    result = engine.answer("居住证怎么申请办理呢")
    # Scored by the first model (0.5) at its own threshold (0.4), not the next one's (0.9).
    assert result.confidence == 0.5 and result.threshold == 0.4 and result.answered
    assert engine.model is strict
    again = engine.answer("居住证怎么申请办理呢")
    assert again.threshold == 0.9 and not again.answered


def test_a_greeting_before_a_standard_question_is_only_politeness(db, kb, roles):
    # Attack I4: 您好，… is what citizens most often put before a question; it must not
    # take the curated wording's answer away (请问/谢谢 never did).
    _synonyms(roles)
    db.session.commit()
    for question in ("您好，住房公积金怎么提取？", "你好，住房公积金怎么提取？谢谢",
                     "领导好，打扰一下，社保卡丢了怎么补办？"):
        answer = services.ask(question, log=False)
        entry = kb[1] if "社保卡" in question else kb[0]
        assert answer.answered and answer.best.id == entry.id, question
        assert answer.confidence >= HIGH_BAND, question


def test_a_greeting_said_to_someone_before_a_standard_question_is_only_politeness(db, kb, roles):
    # Attack J6: 领导您好，/老师您好，/尊敬的领导：/各位领导好， before a standard question
    # left 14-23 of 36 unanswered while a plain 您好， answered all.
    _synonyms(roles)
    db.session.commit()
    for greeting in ("领导您好，", "老师您好，", "尊敬的领导：", "各位领导好，", "尊敬的各位领导，您好！", "工作人员你好，"):
        answer = services.ask(greeting + "住房公积金怎么提取？", log=False)
        assert answer.answered and answer.best.id == kb[0].id, greeting
        assert answer.confidence >= HIGH_BAND, greeting


def test_politeness_of_any_kind_before_a_standard_question_is_only_politeness(db, kb, roles):
    # Attack K5: 麻烦问下领导，/ hi，/ 叔叔阿姨好， before a standard question left 10-18 of
    # the demo's 36 unanswered (also 领导辛苦了，/ 早上好，/ 想问个问题，/ 领导，).
    _synonyms(roles)
    db.session.commit()
    for politeness in ("麻烦问下领导，", "hi，", "Hello, ", "叔叔阿姨好，", "领导辛苦了，", "早上好！", "想问个问题，",
                       "领导，", "打扰了领导，", "哈喽，麻烦咨询下，", "小白想问下，", "请问一下下哈，"):
        answer = services.ask(politeness + "住房公积金怎么提取？", log=False)
        assert answer.answered and answer.best.id == kb[0].id, politeness
        assert answer.confidence >= HIGH_BAND, politeness


def test_a_clause_with_more_than_politeness_is_read(db, kb, roles):
    # Only clauses made of politeness alone go, and only before the question: 领导干部 and
    # 辛苦费 are words of a question, and thanks after it are left as they are.
    for text in ("领导干部，住房公积金怎么提取", "辛苦费怎么算，谢谢", "我是外地人，居住证怎么办",
                 "住房公积金怎么提取，谢谢领导"):
        assert without_introduction(text) == text, text
    assert without_introduction("叔叔阿姨好，住房公积金怎么提取，谢谢") == "住房公积金怎么提取，谢谢"


def test_a_greeting_is_politeness_only_before_the_question(db, kb, roles):
    # Inside a question the characters of a greeting belong to its words (对你好好说,
    # 当老师好不好): the question is no longer the curated wording once they are read.
    _synonyms(roles)
    db.session.commit()
    assert services.ask("您好住房公积金怎么提取", log=False).confidence == EXACT_CONFIDENCE
    for question in ("住房公积金你好怎么提取", "住房公积金怎么提取老师好", "领导住房公积金怎么提取"):
        assert services.ask(question, log=False).confidence < EXACT_CONFIDENCE, question


def test_an_answer_a_rule_gives_on_a_curated_entry_shows_how_often_such_answers_were_right(client, db, kb, roles):
    # A typo of the curated wording is answered by the small-edit rule; its confidence is
    # the right share of such answers on a curated base (bench/faq_demo_eval.py
    # --calibration), not the threshold the rule lifted it to.
    _synonyms(roles)
    db.session.commit()
    data = client.get("/api/v1/faq/answer", query_string={"q": "住房公积今怎么提取"}).get_json()
    assert data["answered"] and data["best"]["id"] == kb[0].id
    semantic = index.get_engine().semantic
    assert data["confidence"] == CURATED_CALIBRATION["near"][0 if semantic else 1]
    assert data["confidence_label"] == "匹配度高"
    # Curators still see it among the answers to check (taken at the rule's threshold).
    db.session.commit()
    listed = [text for cluster in services.unanswered_clusters() for text in cluster.texts]
    assert any("公积今" in text for text in listed)
