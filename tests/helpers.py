"""Assertions shared by tests of several modules."""
from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

BADINPUT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "badinput"

_DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link", "style", "form"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster"}


#: The page's own chrome: scripts and style sheets served from our static folder.
_CHROME_PREFIX = "/static/"


class _Collector(HTMLParser):
    """Collects active content; with ``allow_chrome`` the page's own ``<script src="/static/…">``
    (empty), same-origin style sheets and icons, plain ``<meta>`` and ``<form>`` tags are not findings."""

    def __init__(self, *, allow_chrome: bool):
        super().__init__(convert_charrefs=True)
        self.allow_chrome = allow_chrome
        self.problems: list[str] = []
        self._in_chrome_script = False

    def _is_chrome(self, tag: str, attrs: dict[str, str]) -> bool:
        if not self.allow_chrome:
            return False
        if tag == "script":
            return (attrs.get("src") or "").startswith(_CHROME_PREFIX)
        if tag == "link":
            href = attrs.get("href") or ""
            return href.startswith("/") and not href.startswith("//") and \
                (attrs.get("rel") or "").lower() in {"stylesheet", "icon", "manifest", "preload"}
        if tag == "meta":
            return "http-equiv" not in attrs
        return tag == "form"

    def handle_starttag(self, tag, attrs):
        values = {(name or "").lower(): value or "" for name, value in attrs}
        if tag in _DANGEROUS_TAGS and not self._is_chrome(tag, values):
            self.problems.append(f"<{tag}>")
        self._in_chrome_script = tag == "script" and self._is_chrome(tag, values)
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in _URL_ATTRIBUTES and value and value.strip().lower().replace("\x00", "").startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.problems.append(f"{tag}[{name}={value[:30]}]")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_chrome_script = False

    def handle_data(self, data):
        if self._in_chrome_script and data.strip():
            self.problems.append("<script> with inline code")


def assert_inert_html(html: str, *, allow_page_chrome: bool = False) -> None:
    """Fail if ``html`` contains active content: script-like tags, event handlers, js: URLs.

    With ``allow_page_chrome`` (whole pages rendered by our templates) only the page's own
    chrome is tolerated: ``<script src="/static/…">`` without inline code, same-origin
    style sheets and icons, ``<meta>`` without ``http-equiv`` and ``<form>``. Any other script,
    any handler and any ``javascript:`` URL is still reported.
    """
    collector = _Collector(allow_chrome=allow_page_chrome)
    collector.feed(html)
    problems = collector.problems
    assert not problems, f"active content survived: {problems[:5]}"


def badinput_strings(limit: int | None = None) -> list[str]:
    """Naughty strings, XSS and SQL-injection payloads from ../shared/data/badinput (if present)."""
    values: list[str] = []
    if (BADINPUT / "blns.json").exists():
        values += json.loads((BADINPUT / "blns.json").read_text(encoding="utf-8"))
    for name in ("xss-sample.txt", "sqli-sample.txt"):
        path = BADINPUT / name
        if path.exists():
            values += [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line]
    return values[:limit] if limit else values


#: Well-formed captcha headers for the public API's writes. Unit tests run with the captcha
#: off (``TestConfig.CAPTCHA_ENABLED``), so any id and answer of the documented shape pass;
#: ``tests/api/test_captcha.py`` tests the captcha itself.
API_CAPTCHA = {"X-Captcha-Id": "captcha-off-in-these-tests", "X-Captcha-Answer": "TEST"}


def send_api_captcha(client) -> None:
    """Make ``client`` send :data:`API_CAPTCHA` with every request."""
    for name, value in API_CAPTCHA.items():
        client.environ_base["HTTP_" + name.upper().replace("-", "_")] = value


def api_challenge(client) -> tuple[str, str]:
    """``GET /api/v1/captcha`` on an app with ``CAPTCHA_TEST_ANSWERS``: ``(id, answer)``."""
    from interact.core import captcha

    response = client.get("/api/v1/captcha")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["expires_in"] == captcha.TTL_SECONDS
    assert base64.b64decode(data["image"].removeprefix("data:image/png;base64,"))[:8] == b"\x89PNG\r\n\x1a\n"
    return data["id"], response.headers[captcha.TEST_ANSWER_HEADER]


def api_captcha_headers(captcha_id: str, answer: str, **more: str) -> dict[str, str]:
    return {"X-Captcha-Id": captcha_id, "X-Captcha-Answer": answer, **more}


class _FormFields(HTMLParser):
    """The fields of each ``<form>`` of a page as a browser would send them (text boxes,
    text areas, checked boxes, selected options; no files or buttons)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({})
        elif tag == "option" and self._select and self.forms:
            if "selected" in values or self._select not in self.forms[-1]:
                self.forms[-1][self._select] = values.get("value", "")
        elif not self.forms or "name" not in values:
            return
        elif tag == "input" and values.get("type", "text") not in ("file", "submit", "button", "checkbox", "radio"):
            self.forms[-1][values["name"]] = values.get("value", "")
        elif tag == "input" and values.get("type") in ("checkbox", "radio") and "checked" in values:
            self.forms[-1][values["name"]] = values.get("value", "on")
        elif tag == "textarea":
            self._textarea = values["name"]
            self.forms[-1][self._textarea] = ""
        elif tag == "select":
            self._select = values["name"]

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea and self.forms:
            # A text area's first line break belongs to the markup, not to the text.
            text = self.forms[-1][self._textarea]
            self.forms[-1][self._textarea] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data


def form_fields(html: str, having: str) -> dict[str, str]:
    """What the page's form with a field named ``having`` sends as it stands (a tab opened
    now and saved unchanged)."""
    parser = _FormFields()
    parser.feed(html)
    [form] = [form for form in parser.forms if having in form]
    return form


def saved_in_two_tabs(client, url: str, first: dict[str, str], second: dict[str, str]) -> str:
    """An edit form at ``url`` opened in two tabs; ``first`` changed and saved in one, then
    ``second`` in the other, which is refused (409) saying so, with what was typed kept and
    what the first tab saved shown (``core.edits``). Returns that refused page."""
    tabs = [form_fields(client.get(url).get_data(as_text=True), "shown_version") for _ in range(2)]
    assert client.post(url, data={**tabs[0], **first}).status_code == 302
    refused = client.post(url, data={**tabs[1], **second})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "在您打开本页之后已在另一个页面修改并保存" in page and "现在保存的内容" in page
    import html

    assert all(value in html.unescape(page) for value in [*first.values(), *second.values()])
    return page


def saved_twice_at_a_double_click(client, url: str, change: dict[str, str]) -> None:
    """The edit form at ``url`` saved twice as sent (a double click): never refused."""
    sent = {**form_fields(client.get(url).get_data(as_text=True), "shown_version"), **change}
    assert [client.post(url, data=sent).status_code for _ in range(2)] == [302, 302]


#: A consultation letter with a name, phone and address, as a citizen fills the form.
LETTER_FORM = {"channel": "consultation", "kind": "consultation", "department_id": "", "title": "楼道灯不亮",
               "body": "我家楼道的灯坏了一个月，住在幸福路12号3单元，请问找谁修？", "name": "赵敏",
               "phone": "13712345678", "email": "", "publish_consent": "y"}


def send_letter_form(client, form: dict[str, str] = LETTER_FORM) -> tuple[str, str]:
    """Open /letters/new, post it with the page's tokens, open the receipt as the browser
    does; returns (letter number, query code)."""
    import re  # noqa: PLC0415

    page = client.get("/letters/new").get_data(as_text=True)
    tokens = form_fields(page, "token")
    sent = client.post("/letters/new", data=dict(form, csrf_token=tokens["csrf_token"], token=tokens["token"]))
    assert sent.status_code == 302, sent.status_code
    receipt = client.get(sent.headers["Location"]).get_data(as_text=True)
    number = re.search(r"XJ\d{8}-\d{4}", receipt).group(0)
    code = re.search(r'<strong class="code">([A-Z0-9]{8})</strong>', receipt).group(1)
    return number, code


def messages_to(to: str) -> list[str]:
    """The texts recorded in the local outbox (``SMS_BACKEND=outbox``) for ``to``, oldest first."""
    from interact.core.models import OutboxMessage
    from interact.extensions import db

    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage.text).where(OutboxMessage.to_address == to)
                                   .order_by(OutboxMessage.id)))


def code_in(text: str) -> str | None:
    """The 6-digit code of a message, ``None`` when it carries none."""
    import re

    found = re.search(r"验证码 (\d{6})", text)
    return found.group(1) if found else None


def register_by_code(client, identifier: str, password: str = "abc12345", display_name: str = ""):
    """Register as a citizen does (number, code, password); the response of the last step."""
    response = client.post("/register", data={"identifier": identifier, "display_name": display_name})
    assert response.status_code == 302, response.get_data(as_text=True)
    from interact.accounts.verification import parse_identifier

    code = code_in(messages_to(parse_identifier(identifier)[1])[-1])
    return client.post("/register/verify", data={"code": code, "password": password, "confirm": password})
