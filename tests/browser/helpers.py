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
    """Log in through the log-in form with a demo account; lands on the account's home."""
    assert account in DEMO_ACCOUNTS, account
    page.goto("/login")
    page.get_by_role("textbox", name="账号", exact=True).fill(account)
    page.get_by_role("textbox", name="密码", exact=True).fill(password)
    page.locator("main form").get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "欢迎" in page.locator(".flashes, main").first.inner_text(), page.url


def solve_captcha(page, field=None) -> str:
    """Type the answer of the captcha image shown on the page (the last one it loaded)."""
    page.wait_for_load_state("load")  # the image has arrived, with its answer
    answer = page.context._captcha_answers.get(page)  # noqa: SLF001
    assert answer, "no captcha image was loaded on this page"
    (field or page.get_by_role("textbox", name="验证码", exact=True)).fill(answer)
    return answer


def assert_accessible(page, *, context: str = "") -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})); }"
    )
    bad = [v for v in results if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {context or page.url}:\n" + json.dumps(bad, ensure_ascii=False, indent=1)
