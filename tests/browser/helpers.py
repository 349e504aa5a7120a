"""What a person does in the browser tests: log in, read the captcha, check accessibility.

See ``conftest.py`` for the fixtures (live server, pages at two widths, other contexts).
"""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo2026"
#: Sent by an app built with CAPTCHA_TEST_ANSWERS (interact.core.captcha.TEST_ANSWER_HEADER).
CAPTCHA_HEADER = "x-test-captcha-answer"

DEMO_ACCOUNTS = ("admin", "office", "rsj", "gjj", "jyj", "curator", "13800000000")


def login(page, account: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the log-in form (a demo account of the README unless another
    ``password`` is given); lands on the account's home."""
    assert account in DEMO_ACCOUNTS or password != DEMO_PASSWORD, account
    page.goto("/login")
    page.get_by_role("textbox", name="账号", exact=True).fill(account)
    page.get_by_role("textbox", name="密码", exact=True).fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "欢迎" in page.locator(".flashes, main").first.inner_text(), page.url


def solve_captcha(page, field=None, *, slot: str = "") -> str:
    """Type the answer of the captcha image the page shows (of ``slot`` on a page with two
    forms with a captcha: ``field`` is then that form's captcha box)."""
    page.wait_for_load_state("load")  # the image has arrived, with its answer
    answer = page.context._captcha_answers.get((page, slot))  # noqa: SLF001
    assert answer, "no captcha image was loaded on this page"
    (field or page.get_by_role("textbox", name="验证码", exact=True)).fill(answer)
    return answer


def shows(page, text: str) -> None:
    """Wait until the page shows ``text`` (a flash message, an outcome); when it does not,
    fail with what the page says instead (an error message, a refusal)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(text).first.wait_for()
    except PlaywrightTimeout:
        said = page.locator("main").inner_text() if page.locator("main").count() else page.content()
        raise AssertionError(f"{text!r} is not shown on {page.url}; the page says:\n{said[:2000]}") from None


def look_up(page, number: str, code: str) -> None:
    """The citizen's look-up form (信件编号 + 查询码); lands on the letter's tracking page."""
    page.goto("/letters/lookup")
    page.get_by_role("textbox", name="信件编号", exact=True).fill(number)
    page.get_by_role("textbox", name="查询码", exact=True).fill(code)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="办理流程").wait_for()


def misdirected_labels(page) -> list[str]:
    """Labels that switch or focus nothing, or a control of another form (a click on the
    label then changes a field the person is not looking at)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('label[for]')].filter(label => {"
        " const control = label.control; if (!control) return true;"
        " const form = label.closest('form'); return form !== null && control.form !== form;"
        " }).map(label => `${label.htmlFor}: ${label.textContent.trim()}`)"
    )


def duplicate_ids(page) -> list[str]:
    """Ids used by more than one element (a label or radio then points at the wrong one)."""
    return page.evaluate(
        "() => { const seen = new Map();"
        " for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);"
        " return [...seen].filter(([, n]) => n > 1).map(([id]) => id); }"
    )


def assert_accessible(page, *, context: str = "") -> None:
    """axe-core on the page as it is now: no serious or critical violation, no id used
    twice (axe no longer reports that; it makes labels switch another form's radio) and
    no label whose control is missing or in another form."""
    duplicated = duplicate_ids(page)
    assert not duplicated, f"duplicate ids on {context or page.url}: {duplicated}"
    misdirected = misdirected_labels(page)
    assert not misdirected, f"labels pointing outside their form on {context or page.url}: {misdirected}"
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})); }"
    )
    bad = [v for v in results if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {context or page.url}:\n" + json.dumps(bad, ensure_ascii=False, indent=1)


def click_twice_on_a_slow_server(page, button, url_glob: str) -> int:
    """An impatient person on a slow server: click ``button`` (a locator), hold its form's
    POST (to ``url_glob``) back, click the same spot again, then let the server answer.
    Returns how many POSTs the two clicks sent (1 when the second click was not taken)."""
    held = []

    def slow_server(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(url_glob, slow_server)
    handle = button.element_handle()  # the same button, whatever it says once clicked
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the first click sent nothing"
    page.mouse.click(x, y)  # the impatient second click
    page.wait_for_timeout(500)
    # (The page cannot be read while its navigation waits: Playwright's evaluation hangs.)
    from playwright.sync_api import Error as PlaywrightError

    sent = len(held)
    for route in held:
        try:
            route.continue_()  # the server answers at last
        except PlaywrightError:  # a copy the browser gave up when the next one was sent
            pass
    page.unroute(url_glob)
    return sent
