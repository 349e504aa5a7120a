"""How citizens spell (interact/faq/spelling.py): sound-alike typos, pinyin and dialect
questions to the demo knowledge base (the attack's question set of #16, batch 7), and typos
of key terms that must not turn one procedure into another (离昏 / 结婚)."""
from __future__ import annotations

import pytest

from interact.faq import semantic, spelling
from interact.faq.matching import BASE_MODEL, DecisionModel, FaqDoc, MatchingEngine
from tests.faq.test_semantic import demo_docs, demo_synonyms

ENGINES = ["lexical", pytest.param("semantic", marks=pytest.mark.skipif(
    not semantic.available(), reason="the semantic extra is not installed"))]

DIVORCE = "离婚登记怎么办理？"
MARRIAGE = "结婚登记需要带什么材料？"


@pytest.fixture(scope="module", params=ENGINES)
def kind(request):
    return request.param


def demo_engine(kind: str, without: str | None = None, model: DecisionModel | None = None) -> MatchingEngine:
    embedder = semantic.default_embedder() if kind == "semantic" else None
    return MatchingEngine([d for d in demo_docs() if d.id != without], demo_synonyms(), embedder=embedder,
                          model=model)


def lenient_model(kind: str) -> DecisionModel:
    """The shipped decision model of the engine's kind with a very low threshold: what a
    refit that learnt to answer too easily looks like (attack H7 switched such a version on
    and got 离昏登记要去哪里办 answered with the marriage entry)."""
    engine = demo_engine(kind)
    shipped = engine.model
    return DecisionModel(shipped.coef, 0.05, 99, shipped.boosted)


# ------------------------------------------------------------------ the rewriting


def test_sound_alike_typos_of_the_vocabulary_are_corrected():
    # Words of jieba's dictionary, and a curator's synonym term (住房公积金 is none of jieba's).
    index = spelling.SoundIndex(["离婚", "结婚", "登记", "失业", "居住证", "营业执照", "补办"], terms=["住房公积金"])
    assert index.correct("离昏登记要去哪里办") == "离婚登记要去哪里办"
    assert index.correct("被公司辞退了，失叶保险金怎么领") == "被公司辞退了，失业保险金怎么领"
    assert index.correct("外地人在这边怎么办居主证") == "外地人在这边怎么办居住证"
    assert index.correct("开个小店营业只照怎么办理") == "开个小店营业执照怎么办理"
    assert index.correct("住房公基金提取要啥手续") == "住房公积金提取要啥手续"
    # Words that sound different are never exchanged, and words spelt right stay.
    assert index.correct("结婚登记要去哪里办") == "结婚登记要去哪里办"
    assert index.correct("结昏登记要去哪里办") == "结婚登记要去哪里办"
    # A rare reading two characters share is no sound-alike (哪 and 掉 can both be read nuo).
    assert spelling.SoundIndex(["掉了"]).correct("我的快递到哪了") == "我的快递到哪了"
    # A piece of a segmentation is no word to correct to (能补 of 不回老家能补身份证吗), and part
    # of a longer dictionary word is no typo (能不 of 能不能).
    assert spelling.SoundIndex(["能补", "不能"]).correct("能不能全部取出来") == "能不能全部取出来"
    assert spelling.SoundIndex(["补办"]).correct("能不能补半") == "能不能补办"


def test_pinyin_is_written_with_the_vocabulary_s_words():
    index = spelling.SoundIndex(["住房公积金", "公积金", "怎么", "提取", "社保卡", "丢了", "补办", "结婚", "登记",
                                 "要", "带", "什么"])
    assert index.from_pinyin("gongjijin zenme tiqu") == "公积金怎么提取"
    assert index.from_pinyin("shebaoka diule zenme buban") == "社保卡丢了怎么补办"
    assert index.from_pinyin("jiehun dengji yao dai shenme") == "结婚登记要带什么"
    for not_pinyin in ("asdfgh", "hello world", "a", "公积金", "gongjijin 怎么提取"):
        assert index.from_pinyin(not_pinyin) is None, not_pinyin


def test_dialect_forms_are_read_in_standard_mandarin():
    assert spelling.standardise("我老豆退休咗几时可以攞养老金") == "我父亲退休了什么时候可以领养老金"
    assert spelling.standardise("阿拉想问问离婚哪能办") == "我想问问离婚怎么办"
    # 哪能 alone is Mandarin (where can): left as it is.
    assert spelling.standardise("生存战争中文版在哪能下载") == "生存战争中文版在哪能下载"


def test_a_knowledge_base_without_curated_entries_reads_the_question_as_typed():
    # Only the curated vocabulary corrects: the benchmark's single-text entries are untouched.
    engine = MatchingEngine([FaqDoc(1, "离婚登记怎么办理"), FaqDoc(2, "公积金怎么提取")])
    assert engine._rewrite("离昏登记怎么办理") == ("离昏登记怎么办理", "离昏登记怎么办理")
    assert engine._rewrite("gongjijin zenme tiqu") == ("gongjijin zenme tiqu", "gongjijin zenme tiqu")


# ------------------------------------------------------------------ through the engine


@pytest.mark.parametrize(("question", "entry"), [
    ("离昏登记要去哪里办", DIVORCE),  # the attack's typo: 离昏 for 离婚
    ("被公司辞退了，失叶保险金怎么领", "失业保险金怎么申领？"),
    ("外地人在这边怎么办居主证", "居住证怎么办理？"),
    ("住房公基金提取要啥手续", "住房公积金怎么提取？"),
    ("gongjijin zenme tiqu", "住房公积金怎么提取？"),
    ("shebaoka diule zenme buban", "社保卡丢了怎么补办？"),
])
def test_typos_and_pinyin_questions_are_answered_with_their_entry(kind, question, entry):
    # Found by both engines; answered by the semantic one (the web layer's default; the
    # lexical decision model is stricter with the attack's longer wordings).
    result = demo_engine(kind).answer(question)
    assert result.best is not None and result.best.id == entry, result
    assert result.answered or kind == "lexical", result


def test_a_typo_of_divorce_is_answered_with_divorce_even_by_a_lenient_model(kind):
    result = demo_engine(kind, model=lenient_model(kind)).answer("离昏登记要去哪里办")
    assert result.answered and result.best.id == DIVORCE, result


@pytest.mark.parametrize("question", ["离昏登记要去哪里办", "离昏登记需要带什么材料", "离婚登记需要带什么材料"])
def test_a_typo_of_a_key_term_is_not_answered_with_another_procedure(kind, question):
    # Without the divorce entry the knowledge base has no word 离婚 to correct 离昏 to; the
    # key-term rule still reads 离昏 as 离婚 (jieba's dictionary) and refuses the marriage
    # entry, even with a model that answers almost anything.
    engine = demo_engine(kind, without=DIVORCE, model=lenient_model(kind))
    result = engine.answer(question)
    assert not (result.answered and result.best.id == MARRIAGE), result


@pytest.mark.parametrize("question", ["结婚登记要去哪里办", "结昏登记需要带什么材料"])
def test_marriage_questions_and_their_typos_stay_with_marriage(kind, question):
    engine = demo_engine(kind, without=DIVORCE, model=lenient_model(kind))
    result = engine.answer(question)
    assert result.best is not None and result.best.id == MARRIAGE, result
    # ... and the key-term rule does not hold it back (结婚 is no typo of 离婚).
    assert not engine._read(question)[1][0].conflict


def test_a_child_called_wa_and_a_marriage_called_chezheng_are_read_in_standard_mandarin():
    # Batch 12 (findings M3): 娃 (a child) and 扯证 (to register a marriage) were unknown.
    assert spelling.standardise("闺女生娃了，娃的户口咋上") == "闺女生孩子了，孩子的户口咋上"
    assert spelling.standardise("扯证要带啥") == "领结婚证要带啥"
    # A doll and a cartoon stay what they are.
    assert spelling.standardise("洋娃娃和葫芦娃") == "洋娃娃和葫芦娃"


@pytest.mark.parametrize(("question", "entry"), [
    ("闺女生娃了，娃的户口咋上", "新生儿怎么落户？"),
    ("娃要上一年级了在哪报名", "义务教育入学怎么报名？"),
    ("扯证要带啥", "结婚登记需要带什么材料？"),
])
def test_batch_12_s_dialect_questions_get_their_entry(question, entry):
    # Nothing was offered for them before (findings M3): now answered or offered first.
    engine = MatchingEngine(demo_docs(), demo_synonyms())
    result = engine.answer(question)
    assert result.best is not None and result.best.id == entry and (result.answered or result.best.topical), result
