"""What a curator meets of #16's fifth session: on the unanswered list two questions about
different things are two groups, each with its own buttons (attack G11), and the
decision-model page says when a refit is used by itself (at least 20 held-back examples,
attack G28) -- a refit of a handful of decisions is stored and not used."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.browser.conftest import ROOT, _app_env
from tests.browser.helpers import assert_accessible, login, shows
from tests.browser.test_faq_learning_loop import answered_quietly, ask, unanswered_group

#: Per width (the journeys share one server): two questions the attack saw in one group.
PAIRS = {
    375: ("办理不动产登记要准备什么", "不动产登记收费标准"),
    1280: ("公积金贷款逾期了怎么办", "公积金贷款利率是多少"),
}


def test_different_questions_are_separate_groups_and_a_small_refit_is_not_used(page, new_page, width,
                                                                               live_server, tmp_path):
    first, second = PAIRS[width]
    citizen = new_page()
    for question in (first, second):
        ask(citizen, question)
    login(page, "curator")
    group = unanswered_group(page, first)
    other = unanswered_group(page, second)
    # Two groups: the first one's questions do not include the second question.
    assert group.count() == 1 and other.count() == 1
    assert second not in group.inner_text() and first not in other.inner_text()
    assert_accessible(page, context="unanswered list with separate groups")
    # Marking one 不应给出答案 leaves the other on the list.
    other.get_by_role("button", name="不应给出答案").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=second).count() == 0
    assert page.get_by_role("heading", name=first).count() == 1

    page.goto("/staff/faq/model")
    lead = page.locator("main").inner_text()
    assert "至少 20 条" in lead and "只保存、不启用" in lead
    refit = subprocess.run([sys.executable, "-m", "flask", "--app", "interact", "faq", "refit"], cwd=ROOT,
                           env=_app_env(tmp_path, live_server.database_url), capture_output=True, text=True,
                           timeout=600, check=True)
    match = re.search(r"第 (\d+) 版判定模型", refit.stdout)
    if match is None:  # fewer than two labelled examples on this server so far
        assert "不足" in refit.stdout
        return
    page.reload()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=f"第 {match.group(1)} 版", exact=True))
    assert "95% 置信区间" in row.inner_text()
    assert "至少需要 20 条" in row.inner_text() and "使用中" not in row.inner_text()
    shows(page, "当前使用")
    assert_accessible(page, context="decision model page after a refit on a few examples")


def result_heading(page) -> str:
    return page.locator(".faq-result").get_by_role("heading", level=2).inner_text().strip()


def test_a_citizen_gets_no_answer_about_another_procedure_nor_for_a_declined_question_reworded(
        page, new_page, width):
    citizen = new_page()
    # 离婚 is not 结婚: the marriage entry is not given as the answer (it was, at 0.335).
    ask(citizen, "离婚登记需要带什么材料")
    assert result_heading(citizen) != "结婚登记需要带什么材料？"
    assert_accessible(citizen, context="ask page, a question about another procedure")
    if width != 375:
        return  # the curator's decision below is made once (the journeys share one server)
    # Asked without logging (the API's suggestions), so it stays off the unanswered list.
    assert answered_quietly(citizen, "医保断缴以后怎么补缴")
    ask(citizen, "医保断缴了怎么补缴")
    login(page, "curator")
    unanswered_group(page, "医保断缴了怎么补缴").get_by_role("button", name="不应给出答案").click()
    shows(page, "已记为“不应给出答案”")
    # Its rewording is no longer answered with the entry; the entry can still be offered.
    ask(citizen, "医保断缴以后怎么补缴")
    assert "没有找到" in result_heading(citizen)
