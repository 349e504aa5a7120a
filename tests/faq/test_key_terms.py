"""A question about a different procedure gets no confident answer (matching.KEY_TERM_IDF):
the wrong answers of the #16 attack runs on the demo knowledge base, and what the rule must
leave answered."""
from __future__ import annotations

from functools import lru_cache

import pytest

from interact.faq import semantic
from interact.faq.matching import MatchingEngine
from tests.faq.test_semantic import demo_docs, demo_synonyms

ENGINES = ["lexical", pytest.param("semantic", marks=pytest.mark.skipif(
    not semantic.available(), reason="the semantic extra is not installed"))]


def demo_engine(kind: str, without: str | None = None) -> MatchingEngine:
    embedder = semantic.default_embedder() if kind == "semantic" else None
    return MatchingEngine([d for d in demo_docs() if d.id != without], demo_synonyms(), embedder=embedder)


@pytest.fixture(scope="module", params=ENGINES)
def kind(request):
    return request.param


def test_a_divorce_question_is_not_answered_with_the_marriage_entry(kind):
    # The attack run: 离婚登记需要带什么材料 -> 结婚登记需要带什么材料？ (0.335, answered).
    result = demo_engine(kind).answer("离婚登记需要带什么材料")
    assert not (result.answered and result.best.id == "结婚登记需要带什么材料？"), result


def test_a_general_question_is_not_answered_with_a_more_specific_entry(kind):
    # With the entry it belongs to gone, 房产证怎么办 was answered with the entry about a lost
    # certificate: every phrasing of that entry says 丢失, the question does not.
    result = demo_engine(kind, without="不动产登记需要哪些材料？").answer("房产证怎么办")
    assert not result.answered, result
    # Offering it is fine; it is still what comes closest.
    assert result.best is not None


@pytest.mark.parametrize(("question", "entry"), [
    ("房产证丢了怎么补", "不动产权证书丢了怎么补办？"),  # the entry's own key term, through a synonym
    ("结婚登记需要带哪些材料", "结婚登记需要带什么材料？"),
    ("结婚登记需要带什么材枓", "结婚登记需要带什么材料？"),  # a typo is no other procedure
    ("离婚登记怎么办理", "离婚登记怎么办理？"),
])
def test_questions_about_the_entry_s_own_procedure_stay_answered(kind, question, entry):
    result = demo_engine(kind).answer(question)
    assert result.answered and result.best.id == entry, result


@pytest.mark.parametrize(("question", "entry"), [
    ("身份证丢了补办要多少钱", "身份证丢了怎么补办？"),
    ("居住证到期了续签周末可以办吗", "居住证到期了怎么续签？"),
    ("营业执照地址变更办理要多少钱", "营业执照地址变更怎么办理？"),
    ("出生医学证明办理周末可以办吗", "出生医学证明怎么办理？"),
    ("养老服务补贴申请收费吗", "养老服务补贴怎么申请？"),
    # Batch 11 (findings L5), answered in 匹配度高 before:
    ("激活社保卡要本人去吗", "社保卡怎么激活？"),
    ("办出生医学证明可以找人代办吗", "出生医学证明怎么办理？"),
    ("办出生医学证明多久能办好", "出生医学证明怎么办理？"),
    ("异地就医备案收费吗", "异地就医备案怎么办理？"),
])
def test_what_it_costs_or_when_it_is_open_is_not_answered_with_the_how_to_entry(kind, question, entry):
    # Attack K3: 要多少钱 / 周末可以办吗 after a standard topic was answered with the how-to
    # entry, which says neither (19 of 108, 5 in 匹配度高). It is still offered first.
    result = demo_engine(kind).answer(question)
    assert not result.answered, result
    assert result.best is not None and result.best.id == entry and result.best.topical, result


@pytest.mark.parametrize(("question", "entry"), [
    ("公积金最多可以贷多少钱呢", "住房公积金贷款最高能贷多少？"),  # an entry about an amount
    ("看病医保报销多少钱", "住院医保报销比例是多少？"),
])
def test_an_entry_about_an_amount_still_answers_what_it_costs(kind, question, entry):
    result = demo_engine(kind).answer(question)
    assert result.answered and result.best.id == entry, result


def test_a_question_of_opening_hours_gets_no_answer_from_a_how_to_entry_of_its_topic(kind):
    # Batch 11: 提取公积金周末能办吗 / 不动产登记节假日办不办 were answered in 匹配度高 (0.911), the
    # first with the entry about leaving a job.
    for question in ("提取公积金周末能办吗", "提取公积金节假日办不办", "不动产登记节假日办不办", "补办社保卡晚上可以办吗"):
        assert not demo_engine(kind).answer(question).answered, question


def test_an_entry_that_asks_the_facet_still_answers_it(kind):
    # 补办身份证要多久 is a phrasing of the entry: how long it takes is what it answers.
    result = demo_engine(kind).answer("补办身份证多久能办好")
    assert result.answered and result.best.id == "身份证丢了怎么补办？", result


@pytest.mark.parametrize(("question", "entry"), [
    # Issue #16 (session 10): a small edit of 社保卡丢了怎么办 that drops 丢 (0.952, 匹配度高) ...
    ("社保卡怎么办", "社保卡丢了怎么补办？"),
    # ... and the only topical entry of 公积金 + 多少钱, every phrasing of which is about a loan (0.911).
    ("公积金要多少钱", "住房公积金贷款最高能贷多少？"),
])
def test_a_question_that_asks_less_than_its_entry_is_offered_not_answered(kind, question, entry):
    result = demo_engine(kind).answer(question)
    assert not result.answered, result
    assert result.best is not None and result.best.id == entry and result.best.topical, result


@pytest.mark.parametrize(("question", "entry"), [
    ("社保卡怎么补办", "社保卡丢了怎么补办？"),  # 补办 names this entry among the card's two
    ("社保卡丢了", "社保卡丢了怎么补办？"),  # a phrasing says no more than that
    ("身份证怎么补办", "身份证丢了怎么补办？"),
    ("公积金咋提", "住房公积金怎么提取？"),  # 提 for 提取
    ("宝宝上户口要带什么", "新生儿怎么落户？"),  # no other entry has both 孩子 and 户口
    ("公积金余额", "如何查询住房公积金账户余额？"),
])
def test_a_short_question_that_names_one_entry_stays_answered(kind, question, entry):
    result = demo_engine(kind).answer(question)
    assert result.answered and result.best.id == entry, result


@pytest.mark.parametrize(("question", "entry"), [
    # One character dropped from a curated wording, leaving a key word incomplete (a typo),
    # is within a small edit and answered (review of the asks-less rule, session 10).
    ("居住证过了怎么办", "居住证到期了怎么续签？"),  # 居住证过期了怎么办, 期 dropped
    ("在地看病医保能报销吗", "异地就医备案怎么办理？"),  # 在外地看病医保能报销吗
    ("孩子上学怎么报名", "义务教育入学怎么报名？"),  # 孩子上小学怎么报名
    ("医保中了怎么办", "医保断缴了有什么影响？"),  # 医保中断了怎么办
])
def test_a_wording_with_a_key_word_mistyped_stays_answered(kind, question, entry):
    result = demo_engine(kind).answer(question)
    assert result.answered and result.best.id == entry, result


def test_a_word_made_of_characters_scattered_over_the_entry_is_not_the_entry_s(kind):
    # Batch 12 (findings M3): 新办社保卡怎么办 (a first card) -> 社保卡丢了怎么补办 at 0.911 (匹配度高),
    # the only topical entry: 新 is in 换新卡 and 办 in 补办, so 新办 counted as covered.
    result = demo_engine(kind).answer("新办社保卡怎么办")
    assert not (result.answered and result.best.id == "社保卡丢了怎么补办？"), result


@pytest.mark.parametrize(("question", "entry"), [
    # Batch 12's re-check (findings M3): a curated wording with the word that says whose or
    # which kind left out was answered in 匹配度高 with the narrower entry.
    ("医保怎么办理", "新生儿怎么参加医保？"),  # 宝宝医保怎么办理
    ("怎么参加医保", "新生儿怎么参加医保？"),
    ("坐公交免费吗", "老年人免费乘车卡怎么办理？"),  # 老人坐公交免费吗
    ("津贴怎么领", "养老服务补贴怎么申请？"),  # 高龄津贴怎么领
    ("怎么缴纳养老保险", "灵活就业人员怎么参加社保？"),  # 个体户怎么缴纳养老保险
    ("医保报销比例是多少", "住院医保报销比例是多少？"),
    ("孩子在本市读小学需要什么条件", "随迁子女怎么在本市上学？"),  # 外地孩子在本市…
    ("住房公积金怎么申请", "住房公积金贷款怎么申请？"),
    ("公积金上限", "住房公积金贷款最高能贷多少？"),  # 公积金贷款上限
    ("去看病要备案吗", "异地就医备案怎么办理？"),  # 去外地看病要备案吗
    # Batch 13 (findings N2): a name or scope change is no address change; a child's 户口 may be
    # a move (公司搬家要变更执照吗, 孩子出生后怎么上户口: a two-character verb restricts).
    ("执照怎么变更", "营业执照地址变更怎么办理？"),
    ("执照变更", "营业执照地址变更怎么办理？"),
    ("孩子户口怎么办", "新生儿怎么落户？"),
])
def test_a_wording_without_its_qualifier_is_offered_not_answered(kind, question, entry):
    result = demo_engine(kind).answer(question)
    assert not result.answered, result
    offered = [m for m in [result.best, *result.related] if m.topical]
    assert offered and offered[0].id == entry or result.best.id == entry, result


@pytest.mark.parametrize(("question", "entry"), [
    ("离婚怎么办理", "离婚登记怎么办理？"),  # 登记 after what they share asks no narrower thing
    ("小学报名", "义务教育入学怎么报名？"),  # 流程 of 小学报名流程, one wording's aspect
    ("社保卡补办", "社保卡丢了怎么补办？"),  # another wording (补卡流程) says as little
    ("老人补贴怎么申请", "养老服务补贴怎么申请？"),  # 养老 beside 老人 says the same
    ("在外地能补办身份证吗", "可以在外地补办或换领身份证吗？"),
    ("孩子的户口咋上", "新生儿怎么落户？"),  # 上 is the row's 申报, not a word left out
])
def test_a_wording_with_only_an_aspect_left_out_stays_answered(kind, question, entry):
    result = demo_engine(kind).answer(question)
    assert result.answered and result.best.id == entry, result


def test_a_qualifier_of_the_question_s_own_keeps_the_topical_floor_off(kind):
    # Findings M3: 电子社保卡怎么领 -> 社保卡怎么激活 (0.911, 匹配度高) as the only topical entry;
    # the electronic card is another thing than the card whose bank function is activated.
    for question in ("电子社保卡怎么领", "电子社保卡怎么申领"):
        result = demo_engine(kind).answer(question)
        assert not (result.answered and result.best.id == "社保卡怎么激活？"), result


@lru_cache(maxsize=2)
def _shared_engine(kind: str) -> MatchingEngine:
    return demo_engine(kind)


@pytest.mark.parametrize(("question", "entry"), [
    ("未离职可以提取公积金吗", "离职后住房公积金可以提取吗？"),
    ("还没辞职公积金能取吗", "离职后住房公积金可以提取吗？"),
    ("辞职前公积金可以提取吗", "离职后住房公积金可以提取吗？"),
    ("没租房可以提取公积金吗", "租房可以提取住房公积金吗？"),
    ("不是灵活就业怎么参加社保", "灵活就业人员怎么参加社保？"),
])
def test_a_question_negating_the_entry_s_word_is_offered_not_answered(kind, question, entry):
    # Attack P4 (#16 thirteenth session): 未离职 / 还没辞职 / 辞职前 / 没租房 were answered with the
    # entry about the opposite case in 匹配度高 (0.985). Still offered first.
    result = _shared_engine(kind).answer(question)
    assert not result.answered, result
    assert result.best is not None and result.best.id == entry, result


@pytest.mark.parametrize(("question", "entry"), [
    ("社保卡丢了还没补办怎么办", "社保卡丢了怎么补办？"),
    ("居住证到期了还没续签怎么办", "居住证到期了怎么续签？"),
    ("养老服务补贴没申请怎么申请", "养老服务补贴怎么申请？"),
])
def test_a_question_negating_what_it_asks_how_to_do_is_answered(question, entry):
    # Review 13: the P4 rule declined these (the row's 补办/续签/申请 negated in the question),
    # answered at 0.765-0.985 before it; what they ask how to do is the entry's procedure.
    result = _shared_engine("semantic").answer(question)
    assert result.answered and result.best.id == entry, result


def test_not_yet_having_left_a_job_is_still_not_the_entry_about_after_leaving(kind):
    result = _shared_engine(kind).answer("还没离职怎么办")
    assert not (result.answered and result.best.id == "离职后住房公积金可以提取吗？"), result


@pytest.mark.parametrize(("question", "entry"), [
    ("门诊医保报销比例是多少", "住院医保报销比例是多少？"),
    ("在国外看病医保能报销吗", "异地就医备案怎么办理？"),
    ("在港澳看病医保能报销吗", "异地就医备案怎么办理？"),
    ("退休后企业年金什么时候开始领取", "退休后养老金什么时候开始领取？"),
])
def test_a_sibling_in_place_of_the_entry_s_key_word_is_offered_not_answered(kind, question, entry):
    # Attack P2: the word that tells the entry from its neighbours replaced by a sibling (门诊 for
    # 住院, 在国外 for 在外地, 企业年金 for 养老金) got 匹配度高.
    result = _shared_engine(kind).answer(question)
    assert not result.answered, result
    assert result.best is not None and result.best.id == entry, result


@pytest.mark.parametrize(("question", "entry"), [
    ("离职后公积金可以提取吗", "离职后住房公积金可以提取吗？"),
    ("辞职了公积金能取出来吗", "离职后住房公积金可以提取吗？"),
    ("外地孩子在本市上学要什么条件", "随迁子女怎么在本市上学？"),
    ("大学生医保断缴了有什么影响", "医保断缴了有什么影响？"),  # a word added, none replaced
    ("去北京看病咋备案", "异地就医备案怎么办理？"),  # a place's name may be one of the row's places
    ("企业年度报告在哪里报", "企业年报怎么填报？"),  # words the entry has elsewhere
    ("住院医保能报销多少", "住院医保报销比例是多少？"),
])
def test_the_entry_s_own_case_stays_answered(kind, question, entry):
    result = _shared_engine(kind).answer(question)
    assert result.answered and result.best.id == entry, result
