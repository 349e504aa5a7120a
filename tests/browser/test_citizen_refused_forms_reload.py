"""A refused opinion, questionnaire or interview question, as a hurried citizen meets it on a
phone: the page comes back at its own address (the collection's or the interview's, never
the form's POST-only one) saying what to fix, with everything as typed; reloading it — or
tapping the address bar and going there again — sends nothing and keeps what was typed;
fixing the mistake then sends it once. With and without JavaScript."""
from __future__ import annotations

import pytest

from tests.browser.given import announced_interview, open_collection, unique
from tests.browser.helpers import assert_accessible, shows, solve_captcha

#: The demo collection with a questionnaire (and an opinion form beside it).
QUESTIONNAIRE_COLLECTION = "课后服务管理办法"

pytestmark = pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])


def _reloaded_without_posting(page, url: str) -> None:
    """A reload, then the address opened again (the address bar, a shared link): both plain
    GETs of the page's own address."""
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    assert page.reload().status == 200
    assert page.goto(url).status == 200
    assert posts == [], posts


def _count(stored, model, **where) -> int:
    return stored(lambda db: db.session.scalar(db.select(db.func.count(model.id)).filter_by(**where)))


def test_a_refused_opinion_keeps_what_was_typed_across_a_reload(new_page, stored, live_server, javascript):
    from interact.surveys.models import Opinion

    collection = open_collection(stored, opinions=[])
    url = f"{live_server.url}/surveys/{collection['id']}"
    text = unique("建议社保窗口周六上午也开放，方便上班族办理。第") + "条"
    page = new_page(java_script_enabled=javascript)
    page.goto(url)
    form = page.locator("#opinion-form")
    form.get_by_role("textbox", name="意见建议").fill(text)
    form.get_by_role("textbox", name="验证码", exact=True).fill("XXXX")  # a wrong captcha
    form.get_by_role("button", name="提交意见").click()
    shows(page, "验证码不正确")
    assert page.url.split("#")[0] == url

    _reloaded_without_posting(page, url)
    form = page.locator("#opinion-form")
    assert form.get_by_role("textbox", name="意见建议").input_value() == text
    assert page.get_by_text("验证码不正确").count() == 0  # said once, not on every reload
    assert _count(stored, Opinion, content=text) == 0

    solve_captcha(page, form.get_by_role("textbox", name="验证码", exact=True), slot="opinion")
    form.get_by_role("button", name="提交意见").click()
    shows(page, "您的意见已提交")
    assert _count(stored, Opinion, content=text) == 1
    assert page.locator("#opinion-form").get_by_role("textbox", name="意见建议").input_value() == ""


def test_a_refused_questionnaire_keeps_the_answers_across_a_reload(new_page, stored, javascript):
    from interact.questionnaires.models import Response
    from interact.surveys.models import Collection

    questionnaire_id = stored(lambda db: db.session.scalar(
        db.select(Collection).where(Collection.title.contains(QUESTIONNAIRE_COLLECTION))).questionnaire.id)
    before = _count(stored, Response, questionnaire_id=questionnaire_id)
    page = new_page(java_script_enabled=javascript)
    page.goto("/surveys/")
    page.get_by_role("link", name=QUESTIONNAIRE_COLLECTION).first.click()
    url = page.url.split("#")[0]
    questionnaire = page.locator("#questionnaire")
    first_choice = questionnaire.locator("fieldset").first.locator("input").first
    first_choice.check()
    suggestion = questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议")
    suggestion.fill("希望增加围棋课。")
    questionnaire.get_by_role("button", name="提交问卷").click()  # the other questions and the captcha left out
    shows(page, "处需要修改")
    assert page.url.split("#")[0] == url

    _reloaded_without_posting(page, url)
    questionnaire = page.locator("#questionnaire")
    assert questionnaire.locator("fieldset").first.locator("input").first.is_checked()
    assert questionnaire.get_by_role("textbox", name="您对课后服务还有哪些建议").input_value() == "希望增加围棋课。"
    assert _count(stored, Response, questionnaire_id=questionnaire_id) == before

    for fieldset in questionnaire.locator("fieldset").all():
        if not fieldset.locator("input:checked").count():
            fieldset.locator("label.check").first.click()
    solve_captcha(page, questionnaire.get_by_role("textbox", name="验证码"), slot="questionnaire")
    questionnaire.get_by_role("button", name="提交问卷").click()
    shows(page, "问卷已提交")
    assert _count(stored, Response, questionnaire_id=questionnaire_id) == before + 1


def test_a_refused_interview_question_keeps_the_text_across_a_reload(new_page, stored, live_server, javascript):
    from interact.interviews.models import InterviewQuestion

    interview = announced_interview(stored)
    url = f"{live_server.url}/interviews/{interview['id']}"
    page = new_page(java_script_enabled=javascript)
    page.goto(url)
    page.get_by_role("textbox", name="昵称（选填）").fill("老李")
    page.get_by_role("textbox", name="您的问题").fill("短")  # too short
    solve_captcha(page)
    page.get_by_role("button", name="提交问题").click()
    shows(page, "问题应为 5–500 个字")
    assert page.url.split("#")[0] == url

    _reloaded_without_posting(page, url)
    assert page.get_by_role("textbox", name="昵称（选填）").input_value() == "老李"
    assert page.get_by_role("textbox", name="您的问题").input_value() == "短"
    assert _count(stored, InterviewQuestion, interview_id=interview["id"]) == 0

    page.get_by_role("textbox", name="您的问题").fill("短期失业期间社保怎么续缴？")
    solve_captcha(page)
    page.get_by_role("button", name="提交问题").click()
    shows(page, "提问已提交")
    assert _count(stored, InterviewQuestion, interview_id=interview["id"]) == 1
    assert page.get_by_role("textbox", name="您的问题").input_value() == ""


def _end(stored, interview: dict) -> None:
    """The host goes live and ends the interview (as the console's buttons do)."""
    from interact.interviews import services, workflow
    from interact.interviews.models import InterviewStatus

    def change(db):
        from interact.accounts.models import User

        handler = db.session.scalar(db.select(User).where(User.username == "rsj"))
        for status in (InterviewStatus.LIVE, InterviewStatus.ENDED):
            workflow.transition(services.get_interview(interview["id"]), status, handler)
        db.session.commit()

    stored.write(change)


def test_a_question_sent_as_the_interview_ends_is_not_lost(new_page, stored, live_server, javascript):
    """The interview ends while the question is being typed: the page says so, shows the
    question (also after a reload) and takes it to the letter form addressed to the
    interview's department."""
    interview = announced_interview(stored)
    url = f"{live_server.url}/interviews/{interview['id']}"
    question = "退休后异地居住，养老金资格认证怎么办理？"
    page = new_page(java_script_enabled=javascript)
    page.goto(url)
    page.get_by_role("textbox", name="您的问题").fill(question)
    solve_captcha(page)
    _end(stored, interview)
    page.get_by_role("button", name="提交问题").click()
    shows(page, "不再接收提问")
    unsent = page.get_by_role("region", name="您的问题未能提交")
    assert unsent.locator("blockquote").inner_text() == question
    assert page.url.split("#")[0] == url

    _reloaded_without_posting(page, url)
    unsent = page.get_by_role("region", name="您的问题未能提交")
    assert unsent.locator("blockquote").inner_text() == question
    assert_accessible(page, context="question not sent")
    unsent.get_by_role("link", name="写信咨询这个问题").click()
    assert page.get_by_role("textbox", name="标题").input_value() == question
    assert page.get_by_role("combobox", name="咨询部门").locator("option:checked").inner_text() == "市人力资源社会保障局"
