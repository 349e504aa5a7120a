"""费用 / 收费 / 免费 as part of a how-to question's topic (not asking a price) still get the
entry's answer (review of session 9: the cost facet refused them)."""
import pytest
from tests.faq.test_key_terms import demo_engine

@pytest.mark.parametrize(("question", "entry"), [
    ("异地就医的费用怎么报销", "异地就医备案怎么办理？"),
    ("医保断缴了费用怎么补", "医保断缴了有什么影响？"),
    ("灵活就业人员社保费用怎么交", "灵活就业人员怎么参加社保？"),
    ("自由职业者如何交社保费用", "灵活就业人员怎么参加社保？"),
])
def test_cost_word_in_a_how_to_question_still_answered(question, entry):
    r = demo_engine("lexical").answer(question)
    assert r.answered and r.best.id == entry, (r.answered, r.best and r.best.id, r.best and getattr(r.best, "score", None), getattr(r.best, "conflict", None))
