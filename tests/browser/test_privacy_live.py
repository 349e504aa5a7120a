"""Personal data never reaches the public, checked against the real server over HTTP.

The browser harness's server (``live_server``: the real app in its own process, a fresh
SQLite database with the demo data) gets letters with answers, FAQ entries converted from
letters, a monthly summary with typical cases, opinions with a published result and
interview questions and transcript, all full of personal data written in many ways (the
scene of ``tests/test_privacy_crawl.py`` plus a letter written the hostile ways of
``tests/core/test_privacy_hostile.py``, and a February letter written the ways found after
that — traditional-character name, split phones, 扣扣, 甲8号, people after 母亲/老板/同事
named again in the answer — with February's summary retelling it as 典型案例). A visitor then follows every same-origin link from
the home page (pagination included), searches the letters and the FAQ with the personal
values as queries, asks the FAQ, opens the receipt page, the feeds if there are any and
every public API response; no response — body, attributes, URL-encoded links or headers —
may hold any of the personal values in any writing.

No browser is driven here (plain HTTP is what a scraper uses); the file lives with the
browser suite for its server.
"""
from __future__ import annotations

import html
import json
import re
import time
from datetime import datetime, timezone
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest
import requests

from tests import test_privacy_crawl as scene

#: A letter written the hostile ways (see tests/core/test_privacy_hostile.py).
HOSTILE_NAME = "刘桂英"
HOSTILE_TITLE = "粤B67890被误罚，请联系刘桂英"
HOSTILE_BODY = (
    "联系人刘桂英电话0755-8866 7799，手机1三9一2三4五6七8，国际拨号008613912345678。"
    "邮箱 guiying @ 163 dot com 或 guiying#qq.com，微信：guiying_1968，QQ 7766554433。"
    "身份证号：44030519680315\n672Ｘ。家住碧桂园B座2106，老家在刘家村三组。"
    "隔壁陈大爷也知道。"
)
HOSTILE_ANSWER = "<p>刘桂英阿姨您好：</p><p>已联系您的手机 139 1234 5678，车辆粤B67890的罚单已撤销。</p>"
HOSTILE_TEXT = [HOSTILE_NAME, "桂英", "粤B67890", "B67890", "guiying", "碧桂园", "刘家村", "陈大爷"]
HOSTILE_DIGITS = ["13912345678", "07558866", "88667799", "7766554433", "44030519680315", "672Ｘ"]

#: A letter of February written the ways attack found after the first crawl (N1, N15): the
#: writer's name in traditional characters in the title, phones split by commas, asterisks
#: and tildes or in Chinese numerals with commas, 扣扣 / Q号, a 甲 house number, a flat
#: without an estate, people after 母亲/老板/同事 (one with a compound surname not in the
#: common few) named again in the department's answer where no pattern looks; and the
#: month's summary with it as 典型案例, the office retelling it in its own words.
NEW_NAME = "欧阳娜娜"
NEW_TITLE = "歐陽娜娜咨询公积金提取"
NEW_BODY = (
    "手机137，0013，7000，备用137*0013*7003，家里137~0013~7006，扣扣 987654322，Q号:123456780。"
    "住复兴门外大街甲8号，12栋602。我母亲柏秀兰身体不好，老板陈富贵拖欠工资，同事司空摘星也想问。"
)
NEW_ANSWER = (
    "<p>欧阳娜娜您好：</p><p>请您母亲柏秀兰携带材料办理；陈富贵拖欠工资一事请向劳动监察大队反映，"
    "司空摘星的问题另行答复。</p>"
)
NEW_SUMMARY = (
    "<p>典型案例：歐陽娜娜反映的公积金提取问题，经协调柏秀兰已办结；陈富贵与职工协商后补发工资。"
    "来信人（一三九，零零一三，八零零二）住复兴门外大街甲8号。</p>"
)
NEW_TEXT = ["欧阳娜娜", "歐陽娜娜", "娜娜", "陈富贵", "富贵", "司空摘星", "摘星", "甲8号", "12栋602",
            "一三九零零一三八零零二"]
NEW_DIGITS = ["13700137000", "13700137003", "13700137006", "987654322", "123456780"]


#: A letter written the ways of attack batch 6 (G1/G26): people by their role (户主, 租户,
#: 投诉对象, 网格员), phones and ID numbers split by 。 | : or in circled digits, addresses
#: with 东单元, 西段 and Chinese numerals, a position, a dash signature in pinyin; the
#: department answers naming them again. Turned into an FAQ entry and published.
G1_NAME = "皇甫晓雯"
G1_TITLE = "户主王大力与租户钱小美的纠纷（138。0013。8100）"
G1_BODY = (
    "投诉对象：刘大强，网格员陈晓梅上门也没用。手机138|0013|8101，备用①③⑧⓪⓪①③⑧①⓪②，"
    "身份证440301|19850315|2214。住幸福家园北区12号楼东单元501，店在新华路西段28号，老房子十二栋六零二。"
    "位置：北纬39.9042，东经116.4074。\n——Huangfu Xiaowen"
)
G1_ANSWER = "<p>皇甫晓雯您好：</p><p>已约户主王大力、租户钱小美和网格员陈晓梅面谈，刘大强已道歉。</p>"
G1_TEXT = ["皇甫晓雯", "晓雯", "Huangfu", "Xiaowen", "大力", "小美", "大强", "晓梅", "东单元501", "西段28号",
           "十二栋六零二", "39.9042", "116.4074", "①③⑧"]
G1_DIGITS = ["13800138100", "13800138101", "13800138102", "440301198503152214"]

#: The unit crawl's fragments; its 明华 (a part of the writer's given name) becomes a
#: pattern that spares the demo data's mayor 李明华, whose name is public on purpose.
TEXT = [value for value in scene.FORBIDDEN_TEXT if value != "明华"] + HOSTILE_TEXT + NEW_TEXT + G1_TEXT
PATTERNS = [re.compile("(?<!李)明华")]
DIGITS = scene.FORBIDDEN_DIGITS + HOSTILE_DIGITS + NEW_DIGITS + G1_DIGITS


def _leaks(text: str) -> list[str]:
    """Which personal values ``text`` holds, however encoded (entities, %-escapes, tags,
    full-width digits, separators)."""
    found = set()
    for variant in (html.unescape(text), unquote(html.unescape(text))):
        squeezed = scene._SEPARATORS.sub("", variant.translate(scene._FULL_WIDTH))  # noqa: SLF001
        untagged = re.sub(r"<[^>]*>", "", squeezed)
        found.update(v for v in TEXT if v in variant or v in squeezed)
        found.update(p.pattern for p in PATTERNS if p.search(variant) or p.search(squeezed))
        found.update(v for v in DIGITS if v in variant or v in squeezed or v in untagged)
    return sorted(found)


PERSONAL_QUERIES = [scene.NAME, scene.PHONE, scene.ID_NUMBER, scene.EMAIL, scene.STREET, HOSTILE_NAME, "粤B67890",
                    "guiying_1968", "歐陽娜娜", "陈富贵", "司空摘星", "987654322", "王大力", "13800138101"]


class _Roles:
    """The demo accounts in the roles the unit crawl's scene uses."""

    def __init__(self, db):
        from interact.accounts.models import User
        from interact.departments.models import Department

        def user(name):
            return db.session.scalar(db.select(User).where(User.username == name))

        self.office, self.handler_a, self.curator = user("office"), user("rsj"), user("curator")
        self.department_a = db.session.get(Department, self.handler_a.department_id)


def _published_as_faq(db, roles, *, title: str, body: str, name: str, phone: str, answer: str) -> tuple[int, int]:
    """A letter answered, published and turned into a published FAQ entry: their ids."""
    from interact.faq import services as faq_services
    from interact.letters import services as letter_services
    from interact.letters.models import LetterChannel, LetterKind

    letter = letter_services.submit_letter(letter_services.LetterInput(
        channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION, title=title, body=body, name=name,
        phone=phone, publish_consent=True,
    )).letter
    letter_services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    letter_services.answer_letter(letter, actor=roles.handler_a, answer_html=answer)
    letter_services.approve_answer(letter, actor=roles.office, publish=True)
    db.session.commit()
    entry = letter_services.to_faq(letter, actor=roles.office).entry
    faq_services.publish_entry(entry, actor=roles.curator)
    db.session.commit()
    return letter.id, entry.id


def _publish(stored) -> dict:
    from interact.core import clock

    def freeze(year, month, day, hour=9, minute=0):
        moment = datetime(year, month, day, hour, minute, tzinfo=clock.LOCAL_TZ).astimezone(timezone.utc)
        clock.set_fixed(moment)

    def make(db):
        roles = _Roles(db)
        try:
            letters, entry, collection, interview = scene._publish_everything(db, roles, freeze)  # noqa: SLF001
            clock.set_fixed(None)
            hostile = _published_as_faq(db, roles, title=HOSTILE_TITLE, body=HOSTILE_BODY, name=HOSTILE_NAME,
                                        phone="13912345678", answer=HOSTILE_ANSWER)
            g1 = _published_as_faq(db, roles, title=G1_TITLE, body=G1_BODY, name=G1_NAME, phone="13800138100",
                                   answer=G1_ANSWER)
            february = _publish_february(db, roles, freeze)
        finally:
            clock.set_fixed(None)
        return {"letters": [letter.id for letter in letters] + [hostile[0], g1[0], february],
                "faq": [entry.id, hostile[1], g1[1]], "collection": collection.id, "interview": interview.id}

    return stored.write(make)


def _publish_february(db, roles, freeze) -> int:
    """The February letter written the new ways, and February's summary retelling it."""
    from interact.letters import services as letter_services
    from interact.letters import summary as summaries
    from interact.letters.models import LetterChannel, LetterKind

    freeze(2026, 2, 10, 10)
    letter = letter_services.submit_letter(letter_services.LetterInput(
        channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION, title=NEW_TITLE, body=NEW_BODY,
        name=NEW_NAME, phone="13700137000", publish_consent=True,
    )).letter
    letter_services.assign_letter(letter, roles.department_a.id, actor=roles.office)
    letter_services.answer_letter(letter, actor=roles.handler_a, answer_html=NEW_ANSWER)
    letter_services.approve_answer(letter, actor=roles.office, publish=True)
    summary, _created = summaries.draft_summary("2026-02", actor=roles.office)
    summaries.update_summary(summary, title="2026年2月来信办理情况", body_html=summary.body_html + NEW_SUMMARY,
                             case_ids=[letter.id], actor=roles.office)
    freeze(2026, 3, 1, 9)
    summaries.publish_summary(summary, actor=roles.office)
    db.session.commit()
    return letter.id


def _links(base: str, response: requests.Response) -> set[str]:
    found = set()
    kind = response.headers.get("Content-Type", "")
    if "html" in kind or "xml" in kind:
        for href in re.findall(r'(?:href|src|action)="([^"#]+)', response.text):
            found.add(urljoin(base, html.unescape(href)))
    elif "json" in kind:
        origin = base.split("/", 3)[0] + "//" + urlsplit(base).netloc
        try:
            document = response.json()
        except ValueError:
            return found
        found.update(urljoin(base, value) for value in scene.json_strings(document)
                     if value.startswith("/") or value.startswith(origin))
    return found


_NOT_PUBLIC = ("/staff", "/static/", "/captcha.png", "/logout", "/account", "/login", "/register",
               "/preferences/")


def _public(server: str, url: str) -> str | None:
    parts, home = urlsplit(url), urlsplit(server)
    if parts.scheme not in ("http", "https") or parts.netloc != home.netloc:
        return None  # another site, tel:, mailto:
    if parts.path.startswith(_NOT_PUBLIC):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _everything_of(response: requests.Response) -> str:
    """Body, headers and (for JSON) the decoded values, as one text to search."""
    parts = [response.text, "\n".join(f"{k}: {v}" for k, v in response.headers.items())]
    if "json" in response.headers.get("Content-Type", ""):
        try:
            parts.append(json.dumps(response.json(), ensure_ascii=False))
        except ValueError:
            pass
    return "\n".join(parts)


def _crawl(server: str, start: list[str], *, limit: int = 1500) -> tuple[dict[str, list[str]], set[str]]:
    visitor = requests.Session()
    seen: set[str] = set()
    queue = list(start)
    leaks: dict[str, list[str]] = {}
    deadline = time.monotonic() + 600
    while queue and len(seen) < limit and time.monotonic() < deadline:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = visitor.get(server + path, timeout=60, allow_redirects=False)
        if response.status_code >= 500:
            leaks[path] = [f"status {response.status_code}"]
            continue
        found = _leaks(_everything_of(response))
        if found:
            leaks[path] = found
        targets = _links(server + path, response)
        if response.is_redirect:
            targets.add(urljoin(server + path, response.headers["Location"]))
        for link in targets:
            public = _public(server, link)
            if public and public not in seen:
                queue.append(public)
    return leaks, seen


@pytest.fixture(scope="module")
def published(live_server, stored):
    ids = _publish(stored)
    from interact.core import pagecache

    time.sleep(pagecache.CHECK_SECONDS + 0.5)  # the server sees the new public stamp
    return ids


def test_no_personal_data_in_any_public_response_of_the_live_server(live_server, published):
    server = live_server.url
    spec = requests.get(server + "/api/v1/openapi.json", timeout=60).json()
    api = urlsplit(spec["servers"][0]["url"]).path.rstrip("/")
    ids = {*published["letters"], *published["faq"], published["collection"], published["interview"]}
    start = ["/", "/letters/", "/faq", "/surveys/", "/interviews", "/letters/summaries", "/letters/stats",
             "/departments", "/letters/receipt", "/letters/lookup", "/healthz", "/readyz", "/metrics",
             "/rss.xml", "/feed", "/sitemap.xml", "/robots.txt"]
    for path, operations in spec["paths"].items():
        if "get" not in operations or "{number}" in path:
            continue  # a letter's status needs its query code: the writer's own view
        params = re.findall(r"{(\w+)}", api + path)
        if not params:
            start += [api + path, api + path + "?page=2", api + path + "?per_page=100"]
        elif len(params) == 1:
            start += [(api + path).replace("{" + params[0] + "}", str(i)) for i in ids]
    for letter_id in published["letters"]:
        start.append(f"/letters/{letter_id}")
    for entry_id in published["faq"]:
        start.append(f"/faq/{entry_id}")

    leaks, seen = _crawl(server, start)
    assert not leaks, leaks
    for must in [f"/letters/{i}" for i in published["letters"]] + [f"/faq/{i}" for i in published["faq"]] + [
            f"/surveys/{published['collection']}/results", f"/interviews/{published['interview']}",
            "/letters/summaries/2026-03", "/letters/summaries/2026-02", "/api/v1/letters", "/api/v1/faq/entries"]:
        assert must in seen, must
    assert len(seen) > 80, len(seen)


@pytest.mark.parametrize("query", PERSONAL_QUERIES, ids=[f"value{n}" for n in range(len(PERSONAL_QUERIES))])
def test_searching_for_a_personal_value_finds_nothing_and_shows_no_other(live_server, published, query):
    # The search boxes echo what was typed; nothing else personal may come back, and the
    # items holding the value must not be found by it (that would tie a person to them).
    server = live_server.url
    others_only = [value for value in PERSONAL_QUERIES if value != query]
    published_links = [f"/letters/{i}\"" for i in published["letters"]] + [f"/faq/{i}\"" for i in published["faq"]]
    for path in (f"/letters/?q={quote(query)}", f"/faq/search?q={quote(query)}", f"/faq/ask?q={quote(query)}",
                 f"/api/v1/faq/answer?q={quote(query)}", f"/api/v1/letters?q={quote(query)}"):
        response = requests.get(server + path, timeout=60)
        assert response.status_code < 500, path
        text = _everything_of(response)
        echoed = [v for v in _leaks(text) if v not in _forms_of(query)]
        assert not echoed, (path, echoed)
        assert not [v for v in others_only if v in html.unescape(text)], path
        assert not [link for link in published_links if link in text], (path, "found by a personal value")


def _forms_of(query: str) -> set[str]:
    """The detector's names for what ``query`` itself is (its echo is not a leak)."""
    return set(_leaks(query)) | {query}


def test_the_detector_sees_the_values_where_staff_read_them(live_server, published):
    # The crawl above would be worthless with a blind detector: a clerk's page of the same
    # letter shows the originals, and the detector finds them there.
    clerk = requests.Session()
    page = clerk.get(live_server.url + "/login", timeout=60).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    clerk.post(live_server.url + "/login", data={"identifier": "office", "password": "demo2026", "csrf_token": token},
               timeout=60)
    staff_page = clerk.get(f"{live_server.url}/staff/letters/{published['letters'][-3]}", timeout=60)
    assert staff_page.status_code == 200
    found = _leaks(staff_page.text)
    assert HOSTILE_NAME in found and "13912345678" in found, found
    staff_page = clerk.get(f"{live_server.url}/staff/letters/{published['letters'][-2]}", timeout=60)
    found = _leaks(staff_page.text)
    assert {"大力", "大强", "东单元501", "Huangfu", "①③⑧", "13800138101", "440301198503152214"} <= set(found), found
    staff_page = clerk.get(f"{live_server.url}/staff/letters/{published['letters'][-1]}", timeout=60)
    found = _leaks(staff_page.text)
    assert {"歐陽娜娜", "陈富贵", "司空摘星", "甲8号", "13700137003"} <= set(found), found
