"""重新训练 from the decision-model page, as a curator does it: two questions marked 不应给出答案
on the unanswered list, the button, the page showing the refit queued and refreshing itself,
the background worker (``flask worker``) running it, and the result on the page."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.browser.conftest import ROOT, _app_env
from tests.browser.helpers import assert_accessible, login, shows
from tests.browser.test_faq_learning_loop import ask, unanswered_group

#: Per width (the journeys share one server): two questions no entry should answer.
QUESTIONS = {
    375: ("明天会下雨吗", "哪个明星最近结婚了"),
    1280: ("周末去哪里钓鱼好", "推荐一部好看的电影"),
}


def test_the_refit_button_runs_in_the_background_and_shows_its_result(page, new_page, width, live_server,
                                                                       tmp_path):
    citizen = new_page()
    for question in QUESTIONS[width]:
        ask(citizen, question)
    login(page, "curator")
    for question in QUESTIONS[width]:
        unanswered_group(page, question).get_by_role("button", name="不应给出答案").click()
        page.wait_for_load_state()

    page.goto("/staff/faq/model")
    assert "flask" not in page.locator("main").inner_text()
    page.get_by_role("button", name="重新训练").click()
    shows(page, "已开始重新训练判定模型")
    status = page.get_by_role("status").filter(has_text="排队中")
    assert status.count() == 1  # no worker yet: it waits, and the page says so
    assert page.get_by_role("button", name="重新训练").count() == 0
    assert_accessible(page, context="decision model page, refit queued")

    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "interact", "worker"], cwd=ROOT,
                              env=_app_env(tmp_path, live_server.database_url), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        # The page refreshes itself every 3 seconds until the worker is done.
        result = page.get_by_text(re.compile(r"最近一次训练（.*）：第 \d+ 版判定模型"))
        result.wait_for(timeout=240_000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    version = re.search(r"第 (\d+) 版判定模型", result.inner_text()).group(1)
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=f"第 {version} 版", exact=True))
    assert row.count() == 1
    assert page.get_by_role("button", name="重新训练").count() == 1  # it can be asked again
    assert_accessible(page, context="decision model page after a refit from the page")
