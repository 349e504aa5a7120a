"""The semantic feature: entry texts embedded once when indexed, the question once per
request, the cosine scored by the semantic models; the lexical models without it."""
from __future__ import annotations

import numpy as np
import pytest

from interact.faq import demo, index, matching, semantic, services
from interact.faq.matching import BASE_MODEL, SEM_BASE_MODEL, FaqDoc, MatchingEngine
from interact.faq.models import DecisionModelVersion

pytestmark = pytest.mark.skipif(not semantic.available(), reason="the semantic extra is not installed")

KB = [
    FaqDoc(1, "住房公积金怎么提取？", ("公积金提取需要什么材料", "怎样把住房公积金取出来")),
    FaqDoc(2, "离职后住房公积金可以提取吗？", ("辞职了公积金能取出来吗",)),
    FaqDoc(3, "社保卡丢了怎么补办？", ("社会保障卡遗失了怎么办",)),
    FaqDoc(4, "大件垃圾和装修垃圾怎么处理？", ("旧家具怎么扔", "装修垃圾放哪里")),
]


class CountingEmbedder:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self):
        self.inner = semantic.default_embedder()
        self.dim, self.name = self.inner.dim, self.inner.name
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return self.inner.encode(texts)


def demo_docs() -> list[FaqDoc]:
    return [FaqDoc(question, question, tuple(phrasings), tuple(keywords.split()))
            for _, _, question, phrasings, keywords, _ in demo.ENTRIES]


def demo_synonyms() -> list[list[str]]:
    return [[term.strip() for term in line.split("=")] for line in demo.SYNONYMS]


def shown_first(result) -> object:
    """The entry a citizen sees first: the answer, else the most probable offered entry
    (services.ask)."""
    if result.answered:
        return result.best.id
    offered = matching.offer_order(m for m in [result.best, *result.related] if m is not None and m.topical)
    return offered[0].id if offered else None


def test_entry_texts_are_embedded_when_indexed_and_the_question_once_per_request():
    embedder = CountingEmbedder()
    engine = MatchingEngine(KB, embedder=embedder)
    texts = [t for d in KB for t in (d.question, *d.phrasings)]
    assert sorted(t for call in embedder.calls for t in call) == sorted(texts)
    main = engine._state.main
    assert main.vecs.shape == (len(texts), embedder.dim) and main.vecs.dtype == np.float16
    for row, text in enumerate(main.texts):  # row-aligned with the index
        assert np.allclose(main.vecs[row], embedder.inner.encode([text])[0], atol=1e-3)

    embedder.calls.clear()
    engine.answer("公积金里的钱怎么拿出来")
    assert embedder.calls == [["公积金里的钱怎么拿出来"]]
    embedder.calls.clear()
    assert engine.answer("！！！").best is None and embedder.calls == []  # nothing retrieved: no embedding


def test_the_feature_is_the_best_cosine_over_the_entry_question_and_phrasings():
    embedder = semantic.default_embedder()
    engine = MatchingEngine(KB, embedder=embedder)
    question = "家里的旧床垫怎么扔"
    qvec = embedder.encode([question])[0]
    expected = max(float(embedder.encode([t])[0] @ qvec) for t in (KB[3].question, *KB[3].phrasings))
    inputs = dict(engine.decision_inputs(question, 4))
    top_semantic = matching.SEM_DECISION_FEATURES.index("top_semantic")
    assert inputs[4][top_semantic] == pytest.approx(expected, abs=2e-3)
    assert len(inputs[4]) == len(matching.SEM_DECISION_FEATURES) == SEM_BASE_MODEL.n_inputs


def test_a_rewording_sharing_few_words_is_offered_first_with_the_semantic_feature():
    docs, synonyms = demo_docs(), demo_synonyms()
    question = "我想把公积金里的钱拿出来要怎么办"
    lexical = MatchingEngine(docs, synonyms).answer(question)
    with_meaning = MatchingEngine(docs, synonyms, embedder=semantic.default_embedder()).answer(question)
    assert shown_first(lexical) != "住房公积金怎么提取？"
    assert shown_first(with_meaning) == "住房公积金怎么提取？"
    # An unrelated question of the same form is offered nothing for its form alone.
    unrelated = MatchingEngine(docs, synonyms, embedder=semantic.default_embedder()).answer("护照怎么办理")
    assert not unrelated.answered and shown_first(unrelated) is None


def test_the_best_entry_is_offered_when_both_rankings_put_it_first():
    """Few shared words, but the entry first by pair score and by meaning (agreed offer); offers
    are listed closest in meaning first. A question of the same form about something else
    (a driving licence, not a residence permit) is offered nothing."""
    engine = MatchingEngine(demo_docs(), demo_synonyms(), embedder=semantic.default_embedder())
    assert shown_first(engine.answer("家里的旧床垫怎么扔")) == "大件垃圾和装修垃圾怎么处理？"
    assert shown_first(engine.answer("医保几个月没交了会怎样")) == "医保断缴了有什么影响？"
    assert shown_first(engine.answer("社会保障卡弄丢了去哪补")) == "社保卡丢了怎么补办？"
    unrelated = engine.answer("驾驶证到期了怎么换证")
    assert not unrelated.answered and shown_first(unrelated) is None


#: The decision inputs that come from the embeddings only (no BM25 statistics).
SEMANTIC_INPUTS = [matching.SEM_DECISION_FEATURES.index(name) for name in
                   ("top_semantic", "semantic_margin", "rival_semantic", "rival_entry_cosine")]


def test_added_updated_and_removed_entries_keep_their_embeddings_in_step(monkeypatch):
    embedder = semantic.default_embedder()
    fresh_kb = [*KB[:3], FaqDoc(4, "旧家具怎么扔？", ("旧床垫放哪里",)), FaqDoc(5, "居住证怎么办理？", ("外地人怎么办居住证",))]
    engine = MatchingEngine(KB, embedder=embedder)
    engine.update(fresh_kb[3])
    engine.add(fresh_kb[4])
    fresh = MatchingEngine(fresh_kb, embedder=embedder)
    for question in ("家里的旧床垫怎么扔", "外地人在这里怎么办居住证", "公积金怎么取"):
        # The semantic features (cosine, cosine margin) match a fresh build's; BM25
        # statistics of a side index differ a little by design.
        changed = {i: x[SEMANTIC_INPUTS].round(3).tolist() for i, x in engine.decision_inputs(question)}
        built = {i: x[SEMANTIC_INPUTS].round(3).tolist() for i, x in fresh.decision_inputs(question)}
        assert changed == built, question
    assert engine.answer("家里的旧床垫怎么扔").best.id == 4
    # Merging the side index into the main one carries the embeddings along.
    monkeypatch.setattr(matching, "DELTA_MERGE_MIN", 0)
    monkeypatch.setattr(matching, "DELTA_MERGE_SHARE", 0.0)
    engine.remove(2)
    assert engine._state.delta.n == 0 and engine._state.main.vecs.shape[0] == engine._state.main.n
    assert engine.answer("外地人在这里怎么办居住证").best.id == 5


def test_a_decision_model_of_the_other_kind_is_refused():
    with pytest.raises(ValueError):
        MatchingEngine(KB, model=SEM_BASE_MODEL)
    engine = MatchingEngine(KB, embedder=semantic.default_embedder())
    assert engine.model == SEM_BASE_MODEL and engine.threshold == SEM_BASE_MODEL.threshold
    with pytest.raises(ValueError):
        engine.set_model(BASE_MODEL)


def test_the_web_layer_uses_the_semantic_models_and_a_lexical_version_is_not_used(app, db, kb):
    assert index.get_engine().semantic and index.get_engine().model == SEM_BASE_MODEL
    db.session.add(DecisionModelVersion(coef=list(BASE_MODEL.coef), threshold=0.3, examples=0, active=True))
    db.session.commit()
    assert index.load_model() == SEM_BASE_MODEL
    index.changed()
    db.session.commit()
    assert index.get_engine().model == SEM_BASE_MODEL
    assert services.ask("住房公积金怎么提取", log=False).best.id == kb[0].id


@pytest.mark.parametrize("how", ["setting off", "extra not installed"])
def test_without_the_semantic_feature_the_lexical_models_answer(app, db, kb, monkeypatch, how):
    if how == "setting off":
        app.config["FAQ_SEMANTIC"] = False
        del app.extensions["faq_index"]  # a new process reads the setting
    else:
        monkeypatch.setattr(semantic, "default_embedder", lambda table_dir=None: None)
    index.changed()
    db.session.commit()
    engine = index.get_engine()
    assert not engine.semantic and engine.model == BASE_MODEL
    answer = services.ask("住房公积金怎么提取？", log=False)
    assert answer.answered and answer.best.id == kb[0].id


def test_the_model_token_table_is_read_from_the_cache_folder_not_kept_in_memory(tmp_path):
    from interact.faq.indexfile import FileRows

    from_file = semantic.UseEmbedder(table_dir=tmp_path)
    assert isinstance(from_file._model._model.table, FileRows)  # neither in the heap nor mapped
    assert list(tmp_path.glob("*.npy"))
    texts = ["住房公积金怎么提取", "社保卡丢了怎么补办", "公积金公积金 提取提取"]
    in_memory = semantic.UseEmbedder()
    assert isinstance(in_memory._model._model.table, np.ndarray)
    assert np.array_equal(from_file.encode(texts), in_memory.encode(texts))


@pytest.mark.parametrize("semantic_on", [True, False])
def test_refit_fits_the_decision_model_of_the_engine_kind(app, db, roles, kb, semantic_on):
    from interact.faq import learning

    app.config["FAQ_SEMANTIC"] = semantic_on
    app.extensions.pop("faq_index", None)
    for number, question in ((1, "社保卡被偷了到哪补"), (5, "剩饭剩菜扔哪个桶"), (0, "公积金里的钱咋取"),
                             (4, "领证要准备啥东西")):
        services.add_phrasings(kb[number], [question], actor=roles.curator)
    db.session.commit()
    result = learning.refit()
    db.session.commit()
    assert result.version is not None and result.version.model.semantic == semantic_on
    assert index.get_engine().semantic == semantic_on
    assert index.get_engine().model.semantic == semantic_on


def test_a_rewording_of_a_question_marked_no_answer_is_not_answered():
    # Attack G28: after 公积金贷款利率是多少 was declined, its rewording 公积金贷款利息是多少 got an
    # answer. A question meaning a declined one more than its best entry gets none (offers stay).
    engine = MatchingEngine(demo_docs(), demo_synonyms(), embedder=semantic.default_embedder())
    rewordings = ("医保断缴以后怎么补缴", "医保停缴了要怎么补缴")
    assert all(engine.answer(q).answered for q in rewordings)
    engine.set_declined(["医保断缴了怎么补缴"])
    for question in rewordings:
        result = engine.answer(question)
        assert not result.answered and result.best.id == "医保断缴了有什么影响？", question
    # Questions closer to the entry than to the declined one are still answered.
    for question in ("医保断缴了有什么影响", "医保断缴了怎么办"):
        assert engine.answer(question).answered, question
