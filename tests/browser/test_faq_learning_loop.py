"""The curator loop as a curator lives it: decisions on the unanswered list, ``flask faq
refit``, the new model version on the decision-model page (switched on and off there), and a
citizen's rewording of the question -- never asked before -- answered with the right entry."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.browser.conftest import ROOT, _app_env
from tests.browser.helpers import assert_accessible, login, shows

#: Per width (the journeys share one server): a question the demo knowledge base does not
#: answer, the entry the curator adds it to, a rewording nobody asked before, and a question
#: the curator marks as one that should get no answer.
CASES = {
    375: ("医保好几个月没交了还能看病吗", "医保断缴了有什么影响？", "好几个月没交医保了还能去看病吗", "今晚有什么好看的电视剧"),
    1280: ("不要的旧沙发旧床垫放哪里", "大件垃圾和装修垃圾怎么处理？", "旧沙发旧床垫不要了放哪", "推荐一家好吃的火锅店"),
}


def ask(page, question: str) -> None:
    page.goto("/faq/ask")
    page.get_by_role("textbox", name="输入您的问题").fill(question)
    page.locator("form.faq-ask-form").get_by_role("button", name="提问").click()
    page.locator(".faq-result").wait_for()


def answered_quietly(page, question: str) -> bool:
    """The API's decision without logging the question (``suggest=1``), so it stays off the list."""
    response = page.request.get("/api/v1/faq/answer", params={"q": question, "suggest": "1"})
    assert response.ok
    return response.json()["answered"]


def unanswered_group(page, question: str):
    group = page.locator("li.panel").filter(has=page.get_by_role("heading", name=question))
    # The question log is written by the worker a moment after the answer (DEFERRED_WRITE_SECONDS).
    for _ in range(20):
        page.goto("/staff/faq/unanswered")
        if group.count():
            return group
        page.wait_for_timeout(500)
    raise AssertionError(f"{question} is not on the unanswered list")


def test_curator_decisions_refit_and_a_rewording_is_answered(page, new_page, width, stored, live_server,
                                                             tmp_path):
    question, heading, rewording, off_topic = CASES[width]
    citizen = new_page()
    for asked in (question, off_topic):
        ask(citizen, asked)
        assert "没有找到" in citizen.locator(".faq-result").get_by_role("heading", level=2).inner_text()
    assert not answered_quietly(citizen, rewording)

    from interact.faq.models import FaqEntry

    entry_id = stored(lambda db: db.session.scalar(db.select(FaqEntry.id).where(FaqEntry.question == heading)))
    login(page, "curator")
    group = unanswered_group(page, question)
    group.get_by_role("spinbutton", name="加入条目编号").fill(str(entry_id))
    group.get_by_role("button", name="作为相似问法加入").click()
    shows(page, f"已为条目 #{entry_id} 加入")
    unanswered_group(page, off_topic).get_by_role("button", name="不应给出答案").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=off_topic).count() == 0

    refit = subprocess.run([sys.executable, "-m", "flask", "--app", "interact", "faq", "refit"], cwd=ROOT,
                           env=_app_env(tmp_path, live_server.database_url), capture_output=True, text=True,
                           timeout=600, check=True)
    version = int(re.search(r"第 (\d+) 版判定模型", refit.stdout).group(1))

    # The rewording, asked for the first time, is answered with the entry.
    ask(citizen, rewording)
    assert citizen.locator(".faq-result").get_by_role("heading", level=2).inner_text().strip() == heading
    assert_accessible(citizen, context="answered rewording")

    # The version is on the decision-model page with its report.
    page.goto("/staff/faq/model")
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=f"第 {version} 版", exact=True))
    assert row.count() == 1
    assert f"{question} — 加入为相似问法" in page.locator("main").inner_text()
    assert f"{off_topic} — 不应给出答案" in page.locator("main").inner_text()
    assert_accessible(page, context="decision model page after a refit")
    # Judged on a couple of held-back decisions, it is stored, not used, and cannot be
    # switched on by hand from the page (attack H7); the page says why.
    assert "使用中" not in row.inner_text() and "至少需要" in row.inner_text()
    assert row.get_by_role("button", name="启用此版本").count() == 0
    assert "第 0 版" in page.get_by_text("当前使用").inner_text()
    # With the shipped model back, the curated phrasing still answers the rewording.
    assert answered_quietly(citizen, rewording)
