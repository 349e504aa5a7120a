"""A citizen who tells a story before asking (matching.LONG_QUESTION_CHARS): the entry the
story is about is offered under 您是不是想问 (the attack's two 150-字 stories of #16 batch 7
got nothing offered), and a long question about nothing the knowledge base has offers
nothing."""
from __future__ import annotations

import pytest

from interact.faq import matching, semantic
from interact.faq.matching import MatchingEngine
from tests.faq.test_semantic import demo_docs, demo_synonyms

ENGINES = ["lexical", pytest.param("semantic", marks=pytest.mark.skipif(
    not semantic.available(), reason="the semantic extra is not installed"))]

SCHOOL = ("你好，我是去年从外省过来打工的，老婆孩子也跟着过来了，孩子今年七岁该上小学了，但是户口还在老家，"
          "房子是租的，社保交了半年，听别人说外地孩子在这里上学很麻烦，要准备一大堆东西，"
          "我想问问到底需要满足什么条件才能在这边读公办学校")
FUND = ("我在这家公司干了五年了，最近公司效益不好我就辞职了，准备回老家发展，这五年交了不少公积金，"
        "我想知道我人走了以后这些钱怎么办，能不能全部取出来带走，要跑几趟")


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    embedder = semantic.default_embedder() if request.param == "semantic" else None
    return MatchingEngine(demo_docs(), demo_synonyms(), embedder=embedder)


@pytest.mark.parametrize(("story", "entry"), [
    (SCHOOL, "随迁子女怎么在本市上学？"),
    (FUND, "离职后住房公积金可以提取吗？"),
])
def test_the_entry_a_story_is_about_is_offered_first(engine, story, entry):
    result = engine.answer(story)
    assert not result.answered or result.best.id == entry, result
    offered = matching.offer_order([m for m in [result.best, *result.related] if m.topical])
    assert offered and offered[0].id == entry, result


def test_a_long_question_about_nothing_in_the_knowledge_base_offers_nothing(engine):
    story = ("我家楼下新开了一家火锅店，味道还不错，就是晚上排队的人太多了，周末去的话要等一个多小时，"
             "老板说下个月还要再开一家分店，我想问问附近还有没有别的好吃的火锅店推荐")
    result = engine.answer(story)
    assert not result.answered
    assert not [m for m in [result.best, *result.related] if m is not None and m.topical], result
