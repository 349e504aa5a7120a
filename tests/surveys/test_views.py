"""Web routes: public pages, participation from two browsers, staff pages, scope, CSRF, XSS, exports."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from interact.questionnaires.models import Response
from interact.surveys import services
from interact.surveys.models import Adoption, CollectionKind, CollectionStatus, Opinion

from .conftest import answers_for, badinput_lines


def _html(response) -> str:
    return response.get_data(as_text=True)


def _sent_back(client, response, collection, section: str) -> str:
    """A public form's refusal: a redirect to the collection's page at the form (never a
    page of the POST-only address, which a reload would post again); that page's HTML."""
    assert response.status_code == 303, response.status_code
    assert response.headers["Location"].endswith(f"/surveys/{collection.id}#{section}")
    return _html(client.get(response.headers["Location"]))


# ---- public pages -----------------------------------------------------------------------------------


def test_public_list_and_detail(client, make_collection, frozen):
    collection = make_collection()
    draft = make_collection(publish=False, title="尚未发布的征集")
    frozen(2026, 3, 10)
    page = _html(client.get("/surveys/"))
    assert collection.title in page and "尚未发布的征集" not in page
    assert collection.title in _html(client.get("/surveys/?phase=open"))
    assert collection.title not in _html(client.get("/surveys/?phase=done"))
    detail = client.get(f"/surveys/{collection.id}")
    assert detail.status_code == 200
    body = _html(detail)
    assert "提交意见" in body and "提交问卷" in body
    # The deadline is named once (结果反馈期限, not 结果反馈 then 结果反馈期限：).
    assert re.search(r"<dt>结果反馈期限</dt><dd>\s*<span class=\"deadline\"><time[^>]*>2026-04-30</time>", body)
    assert body.count("结果反馈期限") == 1
    assert "interact_participant" in detail.headers.get("Set-Cookie", "")
    assert client.get(f"/surveys/{draft.id}").status_code == 404
    assert client.get(f"/surveys/{collection.id}/results").status_code == 404


def test_home_section_lists_open_collections(client, make_collection, frozen):
    collection = make_collection()
    frozen(2026, 3, 10)
    assert collection.title in _html(client.get("/"))
    frozen(2026, 4, 10)
    assert "正在征集" not in _html(client.get("/"))


def test_messages_before_start_and_after_end(client, make_collection, frozen):
    collection = make_collection()
    frozen(2026, 2, 25)
    page = _html(client.get(f"/surveys/{collection.id}"))
    assert "尚未开始" in page and "提交问卷</button>" not in page
    refused = client.post(f"/surveys/{collection.id}/opinions", data={"content": "提前提交"})
    assert "尚未开始" in _sent_back(client, refused, collection, "opinion-form")
    frozen(2026, 4, 1)
    refused = client.post(f"/surveys/{collection.id}/responses", data=answers_for(collection.questionnaire))
    assert "已于" in _sent_back(client, refused, collection, "questionnaire")


def test_opinion_submission_and_error_reshown(client, make_collection, frozen, db):
    collection = make_collection(phone_required=True)
    frozen(2026, 3, 10)
    response = client.post(f"/surveys/{collection.id}/opinions", data={"content": "建议增设夜间优惠时段", "phone": "12"})
    page = _sent_back(client, response, collection, "opinion-form")
    assert "建议增设夜间优惠时段" in page and "请填写11位手机号码" in page
    # A reload: what was typed is still there, the message was said once.
    again = _html(client.get(f"/surveys/{collection.id}"))
    assert "建议增设夜间优惠时段" in again and "请填写11位手机号码" not in again
    assert db.session.scalar(db.select(db.func.count(Opinion.id))) == 0
    response = client.post(f"/surveys/{collection.id}/opinions",
                           data={"content": "建议增设夜间优惠时段", "phone": "13900002222"})
    assert response.status_code == 302
    opinion = db.session.scalar(db.select(Opinion))
    assert opinion.phone == "13900002222" and opinion.user_id is None
    # Not shown before moderation.
    assert "建议增设夜间优惠时段" not in _html(client.get(f"/surveys/{collection.id}"))


def test_an_opinion_with_control_characters_is_stored_without_them(client, make_collection, frozen, db):
    """Attack Q3: a NUL (pasted from a file, sent by a script) made PostgreSQL refuse the
    opinion with a 400 about numbers, and what was typed was lost."""
    collection = make_collection()
    frozen(2026, 3, 10)
    response = client.post(f"/surveys/{collection.id}/opinions",
                           data={"content": "建议增设\x00夜间\x07优惠时段\n第二行", "name": "周\x00先生"})
    assert response.status_code == 302
    opinion = db.session.scalar(db.select(Opinion))
    assert opinion.content == "建议增设夜间优惠时段\n第二行" and opinion.name == "周先生"


def test_the_page_showing_a_refused_opinion_with_the_phone_is_kept_by_no_cache(client, make_collection, frozen):
    """Attack J5: the page that shows the visitor's name and phone again is ``no-store``
    (as the letter's receipt is), so no shared cache or back button of the next visitor of
    that computer keeps it; the same page without a kept form stays cacheable."""
    collection = make_collection(phone_required=True)
    frozen(2026, 3, 10)
    assert "no-store" not in client.get(f"/surveys/{collection.id}").headers.get("Cache-Control", "")
    refused = client.post(f"/surveys/{collection.id}/opinions", data={"content": "建议增设夜间优惠时段", "phone": "1390000222"})
    page = client.get(refused.headers["Location"])
    assert "1390000222" in _html(page) and page.headers["Cache-Control"] == "no-store"


def test_a_refused_opinion_is_forgotten_once_its_visitor_opens_another_page(client, make_collection, frozen):
    """Attack J5 on a shared computer: the visitor walks away from a refused opinion; the
    next one, opening that collection again (or going Back, which asks again: no-store),
    finds neither the phone nor the text. The visitor's own reload keeps both."""
    collection = make_collection(phone_required=True)
    frozen(2026, 3, 10)
    refused = client.post(f"/surveys/{collection.id}/opinions", data={"content": "建议增设夜间优惠时段", "phone": "1390000222"})
    client.get(refused.headers["Location"])
    assert "1390000222" in _html(client.get(f"/surveys/{collection.id}"))  # a reload
    assert client.get("/captcha.png?slot=opinion").status_code == 200  # its picture is part of the page
    assert "1390000222" in _html(client.get(f"/surveys/{collection.id}"))
    assert client.get("/surveys/").status_code == 200  # another page
    again = _html(client.get(f"/surveys/{collection.id}"))
    assert "1390000222" not in again and "建议增设夜间优惠时段" not in again


def test_the_forms_addresses_opened_again_lead_to_the_collection(client, make_collection, frozen):
    """A form's POST address opened with GET (a shared link, an old history entry) shows
    the collection's page at the form, not 405."""
    collection = make_collection()
    frozen(2026, 3, 10)
    for path, section in (("opinions", "opinion-form"), ("responses", "questionnaire")):
        response = client.get(f"/surveys/{collection.id}/{path}")
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/surveys/{collection.id}#{section}")


def test_one_response_per_browser(app, make_collection, frozen, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    first_browser, second_browser = app.test_client(), app.test_client()
    url = f"/surveys/{collection.id}"
    raw = answers_for(collection.questionnaire, multiple=(0, 1))
    for browser in (first_browser, second_browser):
        browser.get(url)
        assert browser.post(f"{url}/responses", data=raw).status_code == 302
    again = first_browser.post(f"{url}/responses", data=raw)
    assert "只能提交一次" in _sent_back(first_browser, again, collection, "questionnaire")
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 2


def test_after_answering_the_page_says_submitted_once_not_already_answered(client, make_collection, frozen):
    """Right after a questionnaire is sent, its section says 已提交 with the thanks only; the
    "already answered on this device" notice (a refusal) is for later visits."""
    collection = make_collection()
    frozen(2026, 3, 10)
    url = f"/surveys/{collection.id}"
    client.get(url)
    page = _html(client.post(f"{url}/responses", data=answers_for(collection.questionnaire), follow_redirects=True))
    assert "已提交" in page and "问卷已提交，感谢您的参与" in page
    assert "已经在本设备上提交过" not in page and "提交问卷</button>" not in page
    later = _html(client.get(url))
    assert "已经在本设备上提交过" in later and "问卷已提交" not in later and "提交问卷</button>" not in later


def test_participation_cookie_is_signed(app):
    from interact.surveys import participation

    with app.test_request_context(headers={"Cookie": "interact_participant=forged.value"}):
        from flask import request

        assert participation.read_token(request) is None
    with app.test_request_context():
        response = app.response_class()
        participation.set_token(response, "token-abcdefghijklmnop")
        cookie = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        assert "HttpOnly" in response.headers["Set-Cookie"]
    with app.test_request_context(headers={"Cookie": f"interact_participant={cookie}"}):
        from flask import request

        assert participation.read_token(request) == "token-abcdefghijklmnop"


def test_response_field_errors_keep_answers(client, make_collection, frozen):
    collection = make_collection()
    frozen(2026, 3, 10)
    raw = answers_for(collection.questionnaire, multiple=(0, 1, 2), text="我的文字建议")
    response = client.post(f"/surveys/{collection.id}/responses", data=raw)
    page = _sent_back(client, response, collection, "questionnaire")
    assert "此题最多选择 2 项" in page and "我的文字建议" in page
    assert re.search(r'value="%d" checked' % collection.questionnaire.questions[1].options[2].id, page)


def test_a_wrong_captcha_does_not_hide_unanswered_questions(app, client, make_collection, frozen, db):
    """Nothing answered and the captcha wrong: the page names the unanswered questions too
    (and how many things to fix), so they are fixed in the same round as the captcha."""
    app.config["CAPTCHA_ENABLED"] = True
    collection = make_collection()
    frozen(2026, 3, 10)
    response = client.post(f"/surveys/{collection.id}/responses", data={"captcha": "XXXX"})
    page = _sent_back(client, response, collection, "questionnaire")
    assert "验证码不正确" in page and "此题为必答题" in page
    assert re.search(r"有 \d+ 处需要修改", page)
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0


def test_rate_limit_on_public_posts(app, client, make_collection, frozen):
    app.config["RATELIMIT_PUBLIC_POST"] = "2 per minute"
    collection = make_collection()
    frozen(2026, 3, 10)
    codes = [client.post(f"/surveys/{collection.id}/opinions", data={"content": f"意见{i}"}).status_code
             for i in range(3)]
    assert codes == [302, 302, 429]


def test_csrf_required_on_public_forms(csrf_app, make_collection, frozen):
    collection = make_collection()
    frozen(2026, 3, 10)
    client = csrf_app.test_client()
    response = client.post(f"/surveys/{collection.id}/opinions", data={"content": "无令牌"})
    assert response.status_code == 400
    assert "页面已过期" in _html(response)


def test_xss_in_opinions_is_inert(client, make_collection, frozen, roles, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    payloads = badinput_lines("xss-sample.txt", limit=30)
    for payload in payloads:
        services.submit_opinion(collection, services.OpinionData(content=payload, name=payload[:40]))
    for opinion in db.session.scalars(db.select(Opinion)):
        services.moderate_opinion(opinion, True, actor=roles.office)
    db.session.commit()
    page = _html(client.get(f"/surveys/{collection.id}"))
    assert "<script>alert(1)" not in page and "<svg onload" not in page and "<x onclick" not in page
    # The payloads are shown as text (the sample's first lines are <svg>/<x> handlers).
    assert "&lt;svg onload=alert(1)//" in page and "&lt;x onclick=alert(1)&gt;" in page


def test_xss_in_questionnaire_text_and_staff_pages(client, auth, make_collection, frozen, roles, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    payload = "<script>alert('q')</script><img src=x onerror=alert(1)>"
    services.submit_response(collection, answers_for(collection.questionnaire, text=payload, other=payload),
                             device_token="z" * 20)
    services.submit_opinion(collection, services.OpinionData(content=payload, name="<b>名</b>"))
    db.session.commit()
    auth.login(roles.handler_a)
    for url in (f"/staff/surveys/{collection.id}/tallies", f"/staff/surveys/{collection.id}/opinions"):
        page = _html(client.get(url))
        assert "<script>alert('q')" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page


# ---- staff pages and scope --------------------------------------------------------------------------


def test_staff_pages_require_login_and_scope(client, auth, make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 3, 10)
    for url in ("/staff/surveys/", f"/staff/surveys/{collection.id}", f"/staff/surveys/{collection.id}/opinions"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(roles.citizen)
    assert client.get("/staff/surveys/").status_code == 403
    auth.login(roles.handler_b)
    for url in (f"/staff/surveys/{collection.id}", f"/staff/surveys/{collection.id}/opinions",
                f"/staff/surveys/{collection.id}/feedback", f"/staff/surveys/{collection.id}/export/opinions.csv",
                f"/staff/surveys/{collection.id}/edit", f"/staff/surveys/{collection.id}/tallies"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/staff/surveys/{collection.id}/transition/withdrawn", data={"note": "x"}).status_code == 403
    assert collection.title not in _html(client.get("/staff/surveys/"))
    auth.login(roles.handler_a)
    assert collection.title in _html(client.get("/staff/surveys/"))
    assert client.get(f"/staff/surveys/{collection.id}").status_code == 200
    assert client.get("/staff/surveys/424242").status_code == 404


def test_handler_creates_and_office_publishes(client, auth, roles, frozen, db):
    frozen(2026, 2, 20)
    auth.login(roles.handler_a)
    form = {"title": "关于调整公共自行车运营时间的意见征集", "kind": "questionnaire", "summary": "摘要",
            "body": "<p>说明</p><script>bad()</script>", "starts_at": "2026-03-01T09:00",
            "ends_at": "2026-03-31T18:00", "department_id": str(roles.department_b.id), "show_opinions": "y"}
    bad = client.post("/staff/surveys/new", data={**form, "ends_at": "2026-02-01T09:00"})
    assert bad.status_code == 422 and "结束时间必须晚于开始时间" in _html(bad)
    assert "关于调整公共自行车运营时间的意见征集" in _html(bad)
    response = client.post("/staff/surveys/new", data=form)
    assert response.status_code == 302
    collection = db.session.scalar(db.select(services.Collection))
    assert collection.department_id == roles.department_a.id  # a handler cannot pick another department
    assert "<script>" not in collection.body and collection.questionnaire is not None
    q_url = f"/staff/questionnaires/{collection.questionnaire.id}/questions"
    client.post(q_url, data={"kind": "rating", "text": "您对目前运营时间的满意度", "required": "y"})
    assert client.post(f"/staff/surveys/{collection.id}/transition/published").status_code == 302
    db.session.expire_all()
    assert collection.status is CollectionStatus.DRAFT  # handlers cannot publish
    client.post(f"/staff/surveys/{collection.id}/transition/submitted", data={"note": ""})
    db.session.expire_all()
    assert collection.status is CollectionStatus.SUBMITTED
    auth.login(roles.office)
    assert "征集待发布审核" in _html(client.get("/staff/"))
    client.post(f"/staff/surveys/{collection.id}/transition/published", data={"note": ""})
    db.session.expire_all()
    assert collection.status is CollectionStatus.PUBLISHED
    assert client.get(f"/surveys/{collection.id}").status_code == 200


def test_upload_draft_document(client, auth, make_collection, frozen, roles, db):
    collection = make_collection(publish=False)
    auth.login(roles.handler_a)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(f"/staff/surveys/{collection.id}/document",
                           data={"which": "draft", "file": (io.BytesIO(pdf), "征求意见稿.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(services.Collection, collection.id).draft_file
    assert stored is not None and stored.public and stored.content_type == "application/pdf"
    bad = client.post(f"/staff/surveys/{collection.id}/document",
                      data={"which": "attachment", "label": "听证会纪要", "file": (io.BytesIO(b"<script>"), "x.pdf")},
                      content_type="multipart/form-data")
    # Refused with a 4xx at the file field; the chosen kind and the typed name are kept.
    assert bad.status_code == 422
    page = _html(bad)
    assert "类型不支持" in page and 'value="听证会纪要"' in page
    assert 'value="attachment" checked' in page
    download = client.get(f"/files/{stored.key}")
    assert download.status_code == 200 and download.get_data() == pdf
    download.close()


def test_moderation_adoption_and_feedback_through_pages(client, auth, make_collection, frozen, roles, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    client.post(f"/surveys/{collection.id}/opinions", data={"content": "建议对新能源车减半收费"})
    client.post(f"/surveys/{collection.id}/responses", data=answers_for(collection.questionnaire, rating=5))
    opinion = db.session.scalar(db.select(Opinion))
    auth.login(roles.handler_a)
    client.post(f"/staff/surveys/{collection.id}/opinions/{opinion.id}/approve", data={})
    auth.logout()
    assert "建议对新能源车减半收费" in _html(client.get(f"/surveys/{collection.id}"))
    frozen(2026, 4, 2)
    auth.login(roles.handler_a)
    workspace = _html(client.get("/staff/"))
    assert "结果反馈：" in workspace and "28天" in workspace
    response = client.post(f"/staff/surveys/{collection.id}/opinions/{opinion.id}/adoption",
                           data={"adoption": "not_adopted", "reason": ""}, follow_redirects=True)
    assert "必须填写理由" in _html(response)
    client.post(f"/staff/surveys/{collection.id}/opinions/{opinion.id}/adoption",
                data={"adoption": "partly", "reason": "新能源车优惠另行制定"})
    db.session.expire_all()
    assert opinion.adoption is Adoption.PARTLY
    client.post(f"/staff/surveys/{collection.id}/feedback",
                data={"summary": "<p>本次共收到意见1条，问卷1份。</p>", "not_adopted_explanation": ""})
    client.post(f"/staff/surveys/{collection.id}/feedback/submit", data={})
    auth.login(roles.office)
    assert "结果反馈待审核" in _html(client.get("/staff/"))
    client.post(f"/staff/surveys/{collection.id}/feedback/publish", data={})
    db.session.expire_all()
    assert collection.feedback_on_time is True
    auth.logout()
    results = client.get(f"/surveys/{collection.id}/results")
    page = _html(results)
    assert results.status_code == 200
    assert "按期发布" in page and re.search(r"发布于\s*<time[^>]*>2026-04-02</time>", page)
    assert re.search(r"<dt>结果反馈期限</dt><dd>\s*<span class=\"deadline\"><time[^>]*>2026-04-30</time>", page)
    assert page.count("结果反馈期限") == 1
    assert "新能源车优惠另行制定" in page and "<svg" in page and "fill=\"#b3261e\"" in page
    assert "100.0%" in page  # every respondent answered the first option of the rating 5
    assert "部分采纳" in _html(client.get(f"/surveys/{collection.id}"))


def test_office_sees_overdue_feedback(client, auth, make_collection, frozen, roles):
    collection = make_collection()
    frozen(2026, 5, 2)
    auth.login(roles.office)
    workspace = _html(client.get("/staff/"))
    assert "结果反馈已逾期" in workspace
    listing = _html(client.get("/staff/surveys/?phase=overdue"))
    assert collection.title in listing and "已逾期 2 天" in listing
    assert "反馈已逾期" in _html(client.get("/surveys/"))


def test_exports_guard_formulas(client, auth, make_collection, frozen, roles, db):
    collection = make_collection()
    frozen(2026, 3, 10)
    services.submit_opinion(collection, services.OpinionData(content="=HYPERLINK(\"http://x\")", name="+张三",
                                                             phone="13900003333"))
    services.submit_response(collection, answers_for(collection.questionnaire, text="@SUM(A1)"),
                             device_token="y" * 20)
    db.session.commit()
    auth.login(roles.handler_a)
    response = client.get(f"/staff/surveys/{collection.id}/export/opinions.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "意见编号"
    assert rows[1][3] == "'+张三" and rows[1][5].startswith("'=HYPERLINK") and rows[1][4] == "13900003333"
    xlsx = client.get(f"/staff/surveys/{collection.id}/export/responses.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = [cell.value for cell in sheet[2]]
    assert "'@SUM(A1)" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_citizen_my_opinions(client, auth, make_collection, frozen, roles):
    collection = make_collection(kind=CollectionKind.OPINIONS)
    frozen(2026, 3, 10)
    auth.login(roles.citizen)
    client.post(f"/surveys/{collection.id}/opinions", data={"content": "我的一条意见"})
    assert "我的意见" in _html(client.get("/account"))
    page = _html(client.get("/surveys/mine"))
    assert "我的一条意见" in page and "待审核" in page
    auth.logout()
    assert client.get("/surveys/mine").status_code == 302


def test_a_collection_pages_opinion_captcha_answers_once_even_for_replayed_cookies(app, client, make_collection,
                                                                                   frozen):
    # The page has two captchas (opinion, questionnaire), each with its own challenge; a
    # copy of every cookie taken before submitting must not let the same answer in again.
    from interact.core import captcha

    collection = make_collection()
    frozen(2026, 3, 10)
    app.config.update(CAPTCHA_ENABLED=True, CAPTCHA_TEST_ANSWERS=True)
    assert client.get(f"/surveys/{collection.id}").status_code == 200
    answer = client.get("/captcha.png?slot=opinion").headers[captcha.TEST_ANSWER_HEADER]
    client.get("/captcha.png?slot=questionnaire")  # loads beside it and must not replace it
    replay = app.test_client()
    for name in ("session", "captcha_opinion", "captcha_questionnaire"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            replay.set_cookie(name, cookie.value)
    form = {"content": "建议增设夜间优惠时段", "captcha": answer}
    assert client.post(f"/surveys/{collection.id}/opinions", data=form).status_code == 302
    response = replay.post(f"/surveys/{collection.id}/opinions", data=form)
    assert "验证码不正确" in _sent_back(replay, response, collection, "opinion-form")


def test_the_moderation_tag_takes_its_colour_from_the_opinion(client, auth, make_collection, frozen, roles, db):
    # The colour of 待审核 / 已通过 / 不予采用 is the model's (moderation_tone), not a rule of the template.
    collection = make_collection()
    frozen(2026, 3, 10)
    pending, approved, rejected = (services.submit_opinion(collection, services.OpinionData(content=text))
                                   for text in ("还没审核的意见", "审核通过的意见", "标记无效的意见"))
    services.moderate_opinion(approved, True, actor=roles.handler_a)
    services.moderate_opinion(rejected, False, "与主题无关", actor=roles.handler_a)
    db.session.commit()
    auth.login(roles.handler_a)
    page = _html(client.get(f"/staff/surveys/{collection.id}/opinions"))
    for opinion, tone in ((pending, "amber"), (approved, "green"), (rejected, "muted")):
        item = re.search(rf'<li class="panel" id="opinion-{opinion.id}">(.*?)</li>', page, re.S).group(1)
        label = {"amber": "待审核", "green": "已通过", "muted": "不予采用（无效）"}[tone]
        assert f'<span class="tag tag-{tone}">{label}</span>' in item, item[:400]
