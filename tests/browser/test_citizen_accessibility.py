"""axe-core on the public pages ``test_accessibility.py`` does not reach, at 375 px and
1280 px: every public GET route of the URL map is listed below or there (FAQ categories and
departments, a collection's results, an announced and an archived interview, an answer with and without
a hand-off, the look-up's error, a search, the 404 page, a citizen's account pages), and
the main public pages again in 关怀版（大字）. No serious or critical violation.

Routes deliberately left out: ``/captcha.png``, ``/favicon.ico``, ``/files/<key>``,
``/static/…`` (not pages), ``/healthz``, ``/readyz``, ``/metrics`` (operators'),
``/preferences/large-text`` (redirects), ``/letters/receipt`` and ``/letters/track/<n>``
(checked in ``test_citizen_letter.py``), the letter preview (``test_citizen_suggestions.py``).
"""
from __future__ import annotations

from urllib.parse import quote

from tests.browser.helpers import assert_accessible, login


def _dynamic_paths(stored) -> list[str]:
    from interact.departments.models import Department
    from interact.faq.models import FaqCategory
    from interact.interviews.models import Interview, InterviewStatus
    from interact.surveys.models import Collection

    def read(db):
        paths = []
        category = db.session.scalar(db.select(FaqCategory.id).order_by(FaqCategory.id))
        paths.append(f"/faq/category/{category}")
        department = db.session.scalar(db.select(Department.id).where(Department.name == "市人力资源社会保障局"))
        paths.append(f"/faq/department/{department}")
        results = db.session.scalar(db.select(Collection.id).where(Collection.feedback_published_at.is_not(None)))
        paths.append(f"/surveys/{results}/results")
        # (A live interview's page: test_handler_interview.py.)
        for status in (InterviewStatus.ANNOUNCED, InterviewStatus.ARCHIVED):
            paths.append(f"/interviews/{db.session.scalar(db.select(Interview.id).where(Interview.status == status))}")
        assert "None" not in " ".join(paths), paths
        return paths

    return stored(read)


STATIC_PATHS = [
    "/faq/ask?q=" + quote("我家楼下的排水沟堵了好几天没人管"),   # no answer: the hand-off
    "/faq/ask?q=" + quote("孩子上学报名"),                         # related entries, no sure answer
    "/letters/?q=" + quote("公积金"),
    "/letters/?kind=consultation&month=2026-01",
]


def test_more_public_pages(page, stored):
    for path in STATIC_PATHS + _dynamic_paths(stored):
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, context=path)

    # The error pages a citizen meets.
    response = page.goto("/letters/999999999")
    assert response.status == 404
    assert "不存在" in page.locator("main").inner_text()
    assert_accessible(page, context="404 page")
    page.goto("/letters/lookup")
    page.get_by_role("textbox", name="信件编号", exact=True).fill("XJ20260105-0001")
    page.get_by_role("textbox", name="查询码", exact=True).fill("WRONG1")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("button", name="查询").wait_for()
    assert_accessible(page, context="look-up with a wrong code")


def test_citizen_account_pages(page):
    login(page, "13800000000")
    for path in ("/account", "/account/letters", "/account/password", "/surveys/mine"):
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page, context=path)


def test_large_text_mode(page):
    page.goto("/")  # the switch is a button of the question box here (test_citizen_ask_box_kept.py)
    page.locator("header").get_by_text("关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()
    for path in ("/", "/letters/new", "/letters/", "/letters/stats", "/surveys/", "/faq/ask?q=" + quote("公积金怎么提取")):
        page.goto(path)
        assert "large-text" in (page.locator("html").get_attribute("class") or ""), path
        assert_accessible(page, context=f"{path} in 关怀版")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), \
            f"{path} in 关怀版 scrolls sideways"
