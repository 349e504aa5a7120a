"""Personal data never reaches the public: publish letters, a monthly summary with typical
cases, FAQ entries converted from letters, opinions with a result feedback and interview
questions and transcript, all full of personal data written in many ways; then crawl every
public page (following links from the home page) and every public API response (the lists
of the OpenAPI document, their items and the links they give) and find none of it."""
from __future__ import annotations

import html
import io
import json
import re
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from werkzeug.datastructures import FileStorage

from interact.core import clock
from interact.faq import services as faq_services
from interact.interviews import services as interview_services
from interact.interviews import workflow as interview_workflow
from interact.interviews.models import InterviewStatus
from interact.letters import services as letter_services
from interact.letters import summary as summaries
from interact.letters.models import LetterChannel, LetterKind
from interact.surveys import services as survey_services
from interact.surveys import workflow as survey_workflow
from interact.surveys.models import Adoption, CollectionKind, CollectionStatus
from tests.core.attack_writings import BATCH9_LIVE, BATCH9_LIVE_RICH

NAME = "欧阳明华"
PHONE = "13712345678"
ID_NUMBER = "440301199001011234"
CARD = "6222021234567890123"
EMAIL = "ouyang.mh@example.com"
STREET = "幸福路"

# Personal data as a hostile writer would type it: several writings of each item.
TITLE = f"{NAME}{PHONE}咨询公积金"
BODY = (
    f"我是{NAME}，身份证 440301 19900101 1234，手机１３７１２３４５６７８，"
    f"也可打一三七一二三四五六七八或137.1234.5678，邮箱 {EMAIL}，"
    f"家住内蒙古自治区呼和浩特市新城区{STREET}88号3栋2单元401室，工资卡 6222 0212 3456 7890 123。"
    "署名歐陽明華。我母亲柏秀兰身体不好，扣扣 987654321，备用手机139，0013，9001。"
    # the name in pinyin, as an account and as a nickname of the neighbours; radio numerals
    "英文名 Ouyang Minghua，账号 ouyangminghua1990，街坊都叫我明华姐。对讲机报号幺三拐幺二三四五六拐八。"
)
ANSWER = (
    f"<p>{NAME}您好：</p><p>经核实，您（身份证号 {ID_NUMBER}，电话 137<b>1234</b>5678）的申请已受理，"
    f"材料请寄至{STREET}88号，回执发送至 ouyang.mh＠example．com。欧阳女士如有疑问请拨打12345。</p>"
    "<p>请您母亲柏秀兰携带材料到窗口办理。</p><p>此致</p><p>敬礼</p>"
)
OPINION = f"建议夜间免费。联系我：{PHONE}，{EMAIL}，住{STREET}88号。——{NAME}"
QUESTION = f"我叫{NAME}，电话 137-1234-5678，身份证 4403 0119 9001 0112 34，想问创业补贴。"

#: Fragments none of which may appear in any public response (after entities are decoded
#: and separators removed).
FORBIDDEN_TEXT = [NAME, "明华", "明華", "欧阳女士", STREET, "ouyang", "Ouyang", "Minghua", "一三七一二三四五六七八",
                  "幺三拐幺二三四五六拐八", "柏秀兰", "秀兰"]
FORBIDDEN_DIGITS = [PHONE, ID_NUMBER, CARD, "19900101", "6222021234", "987654321", "13900139001"]
# Attack batch 9's live run (J2): a letter, its answer and FAQ entry, an opinion, an
# interview question and curator's phrasings, each written the ways batch 9 tried.
BATCH9 = {label: (text, names) for label, text, names, _ in BATCH9_LIVE + BATCH9_LIVE_RICH}
FORBIDDEN_TEXT += ["欧阳锋", "芷若", "万仇", "晓燕", "春花", "段誉", "中则", "刘能", "广坤", "Li Lei", "Han Meimei",
                   "zhang.wei85", "linghu", "南字第123456号", "202644030112", "22.543096", "第12户", "东305", "灵儿",
                   "郭靖", "黄蓉", "不群", "平之", "盈盈", "令狐冲", "Room 1203"]
# (13800138000, also in the batch-9 texts, is the API document's example number)
FORBIDDEN_DIGITS += ["01234567", "07654321", "13800138901", "13800138902"]
_SEPARATORS = re.compile(r"[\s\-.．·_/、()（），,*~|｜。:：+]")
_FULL_WIDTH = {ord("０") + d: str(d) for d in range(10)}


def _leaks(text: str) -> list[str]:
    plain = html.unescape(text)
    squeezed = _SEPARATORS.sub("", plain.translate(_FULL_WIDTH))
    found = [f for f in FORBIDDEN_TEXT if f in plain or f in squeezed]
    without_tags = re.sub(r"<[^>]*>", "", squeezed)
    found += [d for d in FORBIDDEN_DIGITS if d in squeezed or d in without_tags]
    return found


def _publish_everything(db, roles, frozen):
    frozen(2026, 3, 2, 10)
    # Letters: published with the answer, one of them converted to an FAQ entry.
    letters = []
    for n in range(2):
        data = letter_services.LetterInput(
            channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION,
            title=TITLE if n == 0 else f"住房公积金提取问题（{PHONE}）", body=BODY,
            name=NAME, phone=PHONE, email=EMAIL, publish_consent=True,
        )
        letter = letter_services.submit_letter(data).letter
        letter_services.assign_letter(letter, roles.department_a.id, actor=roles.office)
        letter_services.answer_letter(letter, actor=roles.handler_a, answer_html=ANSWER)
        letter_services.approve_answer(letter, actor=roles.office, publish=True)
        letters.append(letter)
    title, names = BATCH9["9 live title"]
    letter = letter_services.submit_letter(letter_services.LetterInput(
        channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION, title=title,
        body=BATCH9["9 live body"][0], name=names[0], phone="13800138901", email="zwc@example.org",
        publish_consent=True,
    )).letter
    letter_services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    letter_services.answer_letter(letter, actor=roles.handler_a, answer_html=BATCH9["9 live answer"][0])
    letter_services.approve_answer(letter, actor=roles.office, publish=True)
    letters.append(letter)
    db.session.commit()
    for converted in (letters[0], letters[2]):
        draft = letter_services.to_faq(converted, actor=roles.office)
        faq_services.publish_entry(draft.entry, actor=roles.curator)
    faq_services.add_phrasings(draft.entry, [BATCH9[f"9 live ask {n}"][0] for n in range(1, 5)], actor=roles.curator)
    # An entry the curator writes (新建条目), naming a citizen as a careless curator would.
    written = faq_services.create_entry(faq_services.EntryData(
        question="公积金提取进度找谁问？", answer_html=f"<p>请联系{NAME}（手机{PHONE}，邮箱 {EMAIL}）。</p>"),
        actor=roles.curator)
    faq_services.publish_entry(written, actor=roles.curator)
    db.session.commit()

    # The month's summary with the letters as typical cases.
    summary, _created = summaries.draft_summary("2026-03", actor=roles.office)
    # The office retells a case in its own words, naming its people where no pattern looks.
    summaries.update_summary(summary, title="2026年3月来信办理情况汇总",
                             body_html=summary.body_html + "<p>典型案例：柏秀兰的公积金提取已办结。</p>",
                             case_ids=[letter.id for letter in letters], actor=roles.office)
    frozen(2026, 4, 1, 9)  # a month's summary is published once the month is over
    summaries.publish_summary(summary, actor=roles.office)
    db.session.commit()

    # An opinion collection with an approved opinion and a published result feedback.
    frozen(2026, 2, 20)
    collection = survey_services.create_collection(survey_services.CollectionData(
        # (the titles staff write are published too: attack batch 9)
        title=f"关于公共停车场收费管理办法公开征求意见（联系人：{NAME}，{PHONE}）",
        summary=f"网友{NAME}（{PHONE}）等反映停车难，请提出意见。",
        body=f"<p>见附件。起草中收件人：{NAME}，邮箱 {EMAIL}，住{STREET}88号。</p>",
        kind=CollectionKind.OPINIONS, starts_at=datetime(2026, 3, 1, 9, tzinfo=clock.LOCAL_TZ),
        ends_at=datetime(2026, 3, 31, 18, tzinfo=clock.LOCAL_TZ), department_id=roles.department_a.id,
    ), actor=roles.office)
    # Its documents under the names a clerk typed.
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    survey_services.set_draft_document(collection, FileStorage(io.BytesIO(pdf), f"征求意见稿（起草人{NAME}{PHONE}）.pdf"),
                                       actor=roles.office)
    survey_services.add_attachment(collection, FileStorage(io.BytesIO(pdf), "a.pdf"), f"联系人{NAME}，电话{PHONE}",
                                   actor=roles.office)
    survey_workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
    frozen(2026, 3, 10)
    opinion = survey_services.submit_opinion(collection, survey_services.OpinionData(
        content=OPINION, name=NAME, phone=PHONE))
    survey_services.moderate_opinion(opinion, True, actor=roles.handler_a)
    content, names = BATCH9["9 live opinion"]
    second = survey_services.submit_opinion(collection, survey_services.OpinionData(
        content=content, name=names[0], phone="13800138902"))
    survey_services.moderate_opinion(second, True, actor=roles.handler_a)
    frozen(2026, 4, 2)
    survey_services.record_adoption(opinion, Adoption.NOT_ADOPTED,
                                    f"{NAME}的建议与上位法不符。", actor=roles.handler_a)
    survey_services.record_adoption(second, Adoption.ADOPTED, actor=roles.handler_a)
    survey_services.save_feedback(collection, "<p>共收到意见1条，欧阳明华所提暂不采纳。</p>", "<p>理由见下。</p>",
                                  actor=roles.handler_a)
    survey_services.submit_feedback(collection, actor=roles.handler_a)
    survey_services.publish_feedback(collection, actor=roles.office)
    db.session.commit()

    # An interview: a question answered live (the host repeats it) and one afterwards.
    interview = interview_services.create_interview(interview_services.InterviewData(
        topic=f"就业创业政策解读——房主：{NAME}（身份证 {ID_NUMBER}）的问题", department_id=roles.department_a.id, host="主持人",
        scheduled_start=clock.now() + timedelta(days=1), duration_minutes=60,
        introduction=f"<p>上期网友{NAME}（手机{PHONE}）反映的问题本期答复。</p>",
    ), actor=roles.office)
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
           b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
    guest = interview_services.add_guest(interview, name="嘉宾", title="局长", actor=roles.office)
    interview_workflow.transition(interview, InterviewStatus.ANNOUNCED, roles.office)
    interview_services.add_image(interview, FileStorage(io.BytesIO(png), "现场.png"),
                                 caption=f"市民{NAME}（{PHONE}）在现场", actor=roles.office)
    asked = [interview_services.submit_question(interview, nickname=nickname, body=QUESTION)
             for nickname in (PHONE, "Ouyang Minghua")]
    asked.append(interview_services.submit_question(interview, nickname="Li Lei", body=BATCH9["9 live question"][0]))
    for question in asked:
        interview_services.approve_question(question, actor=roles.office)
    interview_workflow.transition(interview, InterviewStatus.LIVE, roles.office)
    interview_services.post_entry(interview, speaker=f"guest:{guest.id}", body=f"这位网友（{PHONE}）问得好。",
                                  question_id=asked[0].id, actor=roles.office)
    interview_services.post_entry(interview, speaker="host", body=f"网友{NAME}的邮箱 {EMAIL} 已收到。",
                                  actor=roles.office)
    interview_workflow.transition(interview, InterviewStatus.ENDED, roles.office)
    interview_services.answer_after(asked[1], body=f"{NAME}您好，请到{STREET}88号办理。", responder="市人社局",
                                    actor=roles.office)
    interview_services.update_archive(interview, summary=f"<p>{NAME}关心的创业补贴问题已答复。</p>", video_url="",
                                      actor=roles.office)
    db.session.commit()
    return letters, written, collection, interview


def _links(base: str, response) -> set[str]:
    text = response.get_data(as_text=True)
    found = set()
    if response.mimetype == "text/html":
        for href in re.findall(r'(?:href|src|action)="([^"#]+)', text):
            found.add(urljoin(base, html.unescape(href)))
    elif response.is_json:
        found.update(urljoin(base, value) for value in json_strings(response.get_json(silent=True))
                     if value.startswith("/") or value.startswith("http://localhost"))
    return found


def json_strings(value):
    """Every string inside a decoded JSON document (links among them)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from json_strings(item)
    elif isinstance(value, str):
        yield value


def _public(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    path = parts.path
    if path.startswith(("/staff", "/static/", "/files/", "/captcha.png", "/favicon.ico", "/logout", "/test/", "/account")):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def test_no_personal_data_on_any_public_page_or_api_response(client, db, roles, frozen):
    letters, entry, collection, interview = _publish_everything(db, roles, frozen)
    frozen(2026, 4, 10)

    start = ["/", "/letters/?q=公积金", "/faq/search?q=公积金", "/faq/ask?q=公积金提取"]
    spec = client.get("/api/v1/openapi.json").get_json()
    ids = {letters[0].id, letters[1].id, letters[2].id, entry.id, collection.id, interview.id}
    base = urlsplit(spec["servers"][0]["url"]).path.rstrip("/")
    for path, operations in spec["paths"].items():
        path = base + path
        if "get" not in operations or "{number}" in path:
            continue  # a letter's status needs its query code: the writer's own view
        params = re.findall(r"{(\w+)}", path)
        if not params:
            start.append(path)
        elif len(params) == 1:
            start += [path.replace("{" + params[0] + "}", str(i)) for i in ids]
    seen, queue, checked, leaks = set(), list(start), 0, {}
    while queue and checked < 600:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        checked += 1
        if response.status_code >= 500:
            leaks[url] = [f"status {response.status_code}"]
            continue
        body = response.get_data(as_text=True)
        if response.is_json:
            body = json.dumps(response.get_json(silent=True), ensure_ascii=False)
        found = _leaks(body)
        if found:
            leaks[url] = found
        for link in _links("http://localhost" + url, response):
            path = _public(link)
            if path and path not in seen:
                queue.append(path)

    assert not leaks, leaks
    # The crawl reached every kind of published item.
    for must in (f"/letters/{letters[0].id}", f"/letters/{letters[2].id}", f"/faq/{entry.id}", f"/surveys/{collection.id}",
                 f"/surveys/{collection.id}/results", f"/interviews/{interview.id}", "/letters/summaries/2026-03",
                 "/api/v1/letters", "/api/v1/faq/entries", f"/api/v1/interviews/{interview.id}/transcript"):
        assert must in seen, must
    assert checked > 40

