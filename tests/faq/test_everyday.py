"""Everyday wordings read in the government's words (``spelling.everyday``, #16 twelfth
session, attack N2): 身份证找不到了去哪补, 到岁数了养老金咋领, 垃圾咋分，干的湿的搞不清 were only
offered or got nothing on the demo knowledge base."""
from __future__ import annotations

from functools import lru_cache

import pytest

from interact.faq import semantic, spelling
from interact.faq.matching import MatchingEngine
from tests.faq.test_semantic import demo_docs, demo_synonyms


@lru_cache(maxsize=1)
def engine() -> MatchingEngine:
    """The demo knowledge base as the web layer reads it (semantic when the extra is there)."""
    return MatchingEngine(demo_docs(), demo_synonyms(), embedder=semantic.default_embedder())


def test_everyday_wordings_are_read_in_the_government_s_words():
    assert spelling.everyday("身份证找不到了去哪补") == "身份证丢了去哪补"
    assert spelling.everyday("社保卡被偷了咋补") == "社保卡丢了咋补"
    # 找不到 without 了 only where the clause asks to replace the thing.
    assert spelling.everyday("身份证找不到怎么补办") == "身份证丢了怎么补办"
    assert spelling.everyday("网上找不到入口，怎么补交材料") == "网上找不到入口，怎么补交材料"
    assert spelling.everyday("到岁数了养老金咋领") == "到退休年龄了养老金咋领"
    # A northern yes-no question: 能X不 = 能X吗, at the end of a clause only.
    assert spelling.everyday("厂子倒闭了失业金能领不") == "厂子倒闭了失业金能领吗"
    assert spelling.everyday("能不能领") == "能不能领"
    # A last clause that only says the citizen cannot make it out is left out ...
    assert spelling.everyday("垃圾咋分，干的湿的搞不清") == "垃圾咋分"
    # ... unless it asks something itself, or there is nothing before it.
    assert spelling.everyday("社保卡密码忘了，搞不清怎么改") == "社保卡密码忘了，搞不清怎么改"
    assert spelling.everyday("搞不清") == "搞不清"
    # ... nor when it holds what the question is about (#16: the subject was dropped).
    assert spelling.everyday("咋补办，身份证的事搞不清") == "咋补办，身份证的事搞不清"
    assert spelling.everyday("公积金咋提，离职的情况搞不清") == "公积金咋提，离职的情况搞不清"
    assert spelling.everyday("垃圾咋分，我也搞不清楚") == "垃圾咋分"
    # Knowledge of the world: rubble to get rid of, a shop's licence, a new card that does not work.
    assert spelling.everyday("装修剩的砖头往哪扔") == "装修垃圾往哪扔"
    assert spelling.everyday("砖头砸了我的车怎么办") == "砖头砸了我的车怎么办"
    assert spelling.everyday("开个小店需要办啥证") == "开个小店需要办营业执照"
    assert spelling.everyday("孙女刚满月医保咋办") == "新生儿医保咋办"


def test_a_typo_next_to_a_word_spelt_right_is_corrected():
    # 营页执照: 执照 is a word of the vocabulary spelt right, so the stretch 营页执照 was never
    # looked at and 营页 alone is no word of it (attack N2: nothing offered).
    index = spelling.SoundIndex(["营业执照", "执照", "办理"])
    assert index.correct("营页执照在哪办") == "营业执照在哪办"
    # The characters of a word spelt right are still never changed, and a word of the
    # dictionary beside one is no typo (搬 is no 办: 旧沙发怎么搬 is not 旧沙发怎么办).
    assert index.correct("执照在哪办") == "执照在哪办"
    assert spelling.SoundIndex(["怎么办", "怎么", "沙发"]).correct("旧沙发怎么搬") == "旧沙发怎么搬"


@pytest.mark.parametrize(("question", "entry"), [
    ("身份证找不到了去哪补", "身份证丢了怎么补办？"),
    ("身份证找不到怎么补办", "身份证丢了怎么补办？"),
    ("社保卡被偷了咋补", "社保卡丢了怎么补办？"),
    ("房产证找不到了咋补", "不动产权证书丢了怎么补办？"),
    ("到岁数了养老金咋领", "退休后养老金什么时候开始领取？"),
    ("公积金最多能借多少", "住房公积金贷款最高能贷多少？"),
    ("家里困难咋吃低保", "最低生活保障怎么申请？"),
    ("垃圾咋分，干的湿的搞不清", "生活垃圾怎么分类？"),
])
def test_attack_n2_s_everyday_questions_are_answered_with_their_entry(question, entry):
    result = engine().answer(question)
    assert result.answered and result.best.id == entry, result


@pytest.mark.parametrize(("question", "entry"), [
    # #16 thirteenth session: a little knowledge of the world (spelling._KNOWN, EVERYDAY).
    ("孩子刚满月怎么上户口", "新生儿怎么落户？"),
    ("新领的社保卡咋用不了", "社保卡怎么激活？"),
    ("装修的砖头往哪扔", "大件垃圾和装修垃圾怎么处理？"),
])
def test_everyday_knowledge_answers_with_the_entry(question, entry):
    result = engine().answer(question)
    assert result.answered and result.best.id == entry, result


@pytest.mark.parametrize("question", ["砖头砸了我的车怎么办", "车辆过户去哪办", "开小饭馆要交什么税"])
def test_everyday_knowledge_answers_nothing_else(question):
    assert not engine().answer(question).answered


@pytest.mark.parametrize(("question", "entry"), [
    ("营页执照在哪办", "营业执照怎么办理？"),
    ("废电池算啥垃圾", "生活垃圾怎么分类？"),
    ("开小饭馆要办什么证", "营业执照怎么办理？"),
])
def test_questions_that_got_nothing_are_offered_their_entry(question, entry):
    result = engine().answer(question)
    assert result.best is not None and result.best.id == entry and (result.answered or result.best.topical), result


@pytest.mark.parametrize("question", ["社保卡密码忘了，搞不清怎么改", "身份证找不到了补办要多少钱", "结婚证找不到了咋补"])
def test_the_everyday_reading_answers_no_other_question(question):
    # A near miss, a follow-up on cost and a card the knowledge base has no entry for stay
    # unanswered: the everyday reading is kept only when the engine answers it.
    assert not engine().answer(question).answered


def test_a_declined_everyday_question_stays_declined():
    # The curator's 不应给出答案 holds for the question as typed although the engine answers
    # its reading in the government's words (身份证丢了去哪补).
    declined = MatchingEngine(demo_docs(), demo_synonyms())
    question = "身份证找不到了去哪补"
    assert declined.answer(question).answered
    declined.set_declined([question])
    assert not declined.answer(question).answered


def test_declining_an_everyday_question_leaves_the_standard_wording_it_reads_as_answered():
    # #16: the declined 身份证找不到了去哪补 is read 身份证丢了去哪补; a citizen who types that
    # reading asks in the government's words a question the curator did not decline.
    declined = MatchingEngine(demo_docs(), demo_synonyms())
    declined.set_declined(["身份证找不到了去哪补"])
    result = declined.answer("身份证丢了去哪补")
    assert result.answered and result.best.id == "身份证丢了怎么补办？", result
    # Another everyday wording the engine reads the same way stays declined.
    assert not declined.answer("身份证不见了去哪补").answered


@pytest.mark.parametrize(("question", "reading"), [
    # Review 12: no document is lost here, so nothing is read as 丢了 / 免费 / 被辞退.
    ("我的身份证信息被盗了怎么办", "我的身份证信息被盗了怎么办"), ("社保卡里的钱被偷了怎么办", "社保卡里的钱被偷了怎么办"),
    ("社保卡号被盗了", "社保卡号被盗了"), ("眼睛看不见了能办残疾证吗", "眼睛看不见了能办残疾证吗"),
    ("要不要钱", "要不要钱"), ("股票被炒了", "股票被炒了"),
    # … and here it is.
    ("社保卡被偷了咋补", "社保卡丢了咋补"), ("户口本不见了", "户口本丢了"), ("办证不要钱吗", "办证免费吗"),
])
def test_a_lost_or_free_wording_is_read_so_only_where_it_means_that(question, reading):
    assert spelling.everyday(question) == reading


@pytest.mark.parametrize("question", ["我的身份证信息被盗了怎么办", "社保卡里的钱被偷了怎么办", "社保卡号被盗了"])
def test_a_theft_that_is_no_lost_card_is_not_answered_with_the_replacement_entry(question):
    assert not engine().answer(question).answered
