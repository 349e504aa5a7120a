"""What a person does in the browser tests: log in, read the captcha, check accessibility.

See ``conftest.py`` for the fixtures (live server, pages at two widths, other contexts).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
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


#: Longest an axe run may take before the check fails (instead of waiting for ever).
AXE_SECONDS = 60


def scripts_run(page) -> bool:
    """Whether ``page`` runs JavaScript (``new_page(java_script_enabled=False)`` opens one
    that does not). In such a page an evaluation that awaits anything (a timer, a promise)
    never ends, and Playwright's ``evaluate`` has no timeout: the test would hang."""
    return getattr(page.context, "_java_script_enabled", True)


def _axe_violations(page) -> list[dict]:
    """axe-core's violations on ``page`` (a page that runs scripts), failing after
    ``AXE_SECONDS`` rather than waiting for ever."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(
        "async (limit) => { const r = await Promise.race([axe.run(document, {resultTypes: ['violations']}),"
        " new Promise((_, fail) => setTimeout(() => fail(new Error(`axe did not finish in ${limit} ms`)), limit))]);"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})); }",
        AXE_SECONDS * 1000,
    )


@contextmanager
def _copy_that_runs_scripts(page):
    """``page``'s document as it is now (its DOM, not the address loaded again), in a page
    of its own that runs scripts — for axe, which cannot run in a page without JavaScript
    (see :func:`scripts_run`). The document's own scripts are not run in the copy, so what
    is checked is what a browser without JavaScript shows; style sheets and images come
    from the server as usual, at the same width."""
    url = page.url.split("#")[0]
    html = page.content()
    context = page.context.browser.new_context(viewport=page.viewport_size, locale="zh-CN",
                                               timezone_id="Asia/Shanghai")
    try:
        context.set_default_timeout(20_000)
        context.set_default_navigation_timeout(30_000)

        def serve(route):
            request = route.request
            if request.resource_type == "document" and request.url.split("#")[0] == url:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        context.route("**/*", serve)
        copy = context.new_page()
        copy.goto(url, wait_until="load")
        yield copy
    finally:
        context.close()


def assert_accessible(page, *, context: str = "") -> None:
    """axe-core on the page as it is now: no serious or critical violation, no id used
    twice (axe no longer reports that; it makes labels switch another form's radio) and
    no label whose control is missing or in another form. In a page without JavaScript
    axe runs on a copy of the page that runs scripts (:func:`_copy_that_runs_scripts`)."""
    duplicated = duplicate_ids(page)
    assert not duplicated, f"duplicate ids on {context or page.url}: {duplicated}"
    misdirected = misdirected_labels(page)
    assert not misdirected, f"labels pointing outside their form on {context or page.url}: {misdirected}"
    if scripts_run(page):
        results = _axe_violations(page)
    else:
        with _copy_that_runs_scripts(page) as copy:
            results = _axe_violations(copy)
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


def sent_once(page, button, url_glob: str, message: str) -> None:
    """Two clicks on ``button`` on a slow server (:func:`click_twice_on_a_slow_server`): the
    form is sent once, and the page then says ``message``."""
    assert click_twice_on_a_slow_server(page, button, url_glob) == 1, "the form was sent a second time"
    shows(page, message)


#: The smallest tap target a finger hits reliably (WCAG 2.5.5), in CSS px.
MIN_TARGET = 44

#: What a person at 375 px would find wrong with the page as laid out now: sideways
#: scrolling, text cut off or over other text, a date split across lines, chart labels drawn
#: too small, and every control a finger taps (links outside a sentence, buttons, fields,
#: choices with their labels, summaries) smaller than ``minTarget`` px either way; a list of
#: readable findings, empty when the page is fine.
LAYOUT_PROBLEMS = """(minTarget) => {
  const problems = [];
  const vw = window.innerWidth;
  if (document.documentElement.scrollWidth > vw + 1) {
    const wide = [...document.querySelectorAll('body *')].filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > vw + 1 && !scrolls(el.parentElement);
    }).slice(0, 3).map(describe);
    problems.push(`scrolls sideways (${document.documentElement.scrollWidth} px): ${wide.join(', ')}`);
  }
  function scrolls(el) {  // inside a box that scrolls by itself (a table, a chart)
    for (; el && el !== document.body; el = el.parentElement) {
      const o = getComputedStyle(el).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  }
  function hidden(el) {  // not shown: a closed <details>, display: none, hidden visually
    if (!el.checkVisibility({visibilityProperty: true})) return true;
    for (; el && el !== document.body; el = el.parentElement) {
      const s = getComputedStyle(el);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if (el.classList.contains('visually-hidden') || el.classList.contains('skip-link')) return true;
    }
    return false;
  }
  function describe(el) {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ');
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}> "${text.slice(0, 24)}"`;
  }
  // Text cut off: a box that hides what does not fit, with more text than room.
  for (const el of document.querySelectorAll('main *, header *, footer *')) {
    if (hidden(el) || !el.innerText || !el.innerText.trim()) continue;
    const s = getComputedStyle(el);
    const clipsX = ['hidden', 'clip'].includes(s.overflowX) || s.textOverflow === 'ellipsis';
    const clipsY = ['hidden', 'clip'].includes(s.overflowY);
    if ((clipsX && el.scrollWidth > el.clientWidth + 1) || (clipsY && el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`text cut off: ${describe(el)}`);
    }
  }
  // Text over text: the boxes of the lines of two different text nodes intersect.
  const lines = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || hidden(node.parentElement)) continue;
    if (node.parentElement.closest('script, style, select, option, svg')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1) lines.push({node, r});
    }
  }
  const overlaps = new Set();
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i], b = lines[j];
      if (a.node === b.node) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 2 && y > Math.min(a.r.height, b.r.height) / 3) {
        overlaps.add(`text over text: "${a.node.textContent.trim().slice(0, 16)}" / "${b.node.textContent.trim().slice(0, 16)}"`);
      }
    }
  }
  problems.push(...[...overlaps].slice(0, 5));
  // A date or time split across two lines ("2026-11-" / "12").
  const dateWalker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = dateWalker.nextNode(); node; node = dateWalker.nextNode()) {
    if (hidden(node.parentElement)) continue;
    for (const match of node.textContent.matchAll(/\\d{4}-\\d{1,2}-\\d{1,2}( \\d{1,2}:\\d{2})?/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top / 4)));
      if (tops.size > 1) problems.push(`date split across lines: "${match[0]}" in ${describe(node.parentElement)}`);
    }
  }
  // Chart labels drawn smaller than the page's small print (an SVG scaled down to the screen):
  // lower than 0.8 rem (16 px in 关怀版, 12.8 px in the standard version).
  const smallPrint = 0.8 * parseFloat(getComputedStyle(document.documentElement).fontSize);
  for (const text of document.querySelectorAll('svg text')) {
    if (hidden(text)) continue;
    const height = text.getBoundingClientRect().height;
    if (height > 0 && height < smallPrint) problems.push(`chart text ${height.toFixed(1)} px high: "${text.textContent.trim().slice(0, 16)}"`);
  }
  // A placeholder wider than its empty one-line box: the example is cut off mid-word ("例如：公积金怎么提取？社保卡丢").
  const measure = document.createElement('canvas').getContext('2d');
  for (const box of document.querySelectorAll('input[placeholder]')) {
    if (hidden(box) || box.value || !box.placeholder.trim()) continue;
    const s = getComputedStyle(box, '::placeholder');
    measure.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const own = getComputedStyle(box);
    const room = box.clientWidth - parseFloat(own.paddingLeft) - parseFloat(own.paddingRight);
    const needed = measure.measureText(box.placeholder).width;
    if (needed > room + 1) {
      problems.push(`placeholder cut off (${Math.round(needed)} px in ${Math.round(room)} px): ${describe(box)} "${box.placeholder}"`);
    }
  }
  // A required mark (*) alone at the start of a line, away from the label it marks.
  for (const mark of document.querySelectorAll('.req')) {
    if (hidden(mark) || !mark.previousSibling) continue;
    const before = document.createRange();
    before.setStart(mark.parentElement, 0);
    before.setEndBefore(mark);
    const last = [...before.getClientRects()].filter(r => r.width > 0).pop();
    if (last && Math.abs(mark.getBoundingClientRect().top - last.top) > last.height / 2) {
      problems.push(`required mark alone on a line: ${describe(mark.parentElement)}`);
    }
  }
  // A control's own text (a field, a button, the file box's button) smaller than the page's
  // small print: the browser's 13.33 px default where the page reads at 16 or 20 px.
  for (const control of document.querySelectorAll('input:not([type=hidden], [type=checkbox], [type=radio]), select, textarea, button')) {
    if (hidden(control)) continue;
    const sizes = [parseFloat(getComputedStyle(control).fontSize)];
    if (control.type === 'file') sizes.push(parseFloat(getComputedStyle(control, '::file-selector-button').fontSize));
    const smallest = Math.min(...sizes);
    if (smallest < smallPrint - 0.1) problems.push(`control text ${smallest.toFixed(1)} px high: ${describe(control)}`);
  }
  // Tap targets. A check box or radio button is tapped through its label.
  function inSentence(el) {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    const own = el.innerText.trim().length;
    return block && block.innerText.trim().length > own + 1;
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (hidden(el)) continue;
    if (seen.has(el) || inSentence(el)) continue;
    seen.add(el);
    let r = el.getBoundingClientRect();
    if (['checkbox', 'radio'].includes(el.type)) {  // the box and its label(s) take the tap
      for (const label of el.labels || []) {
        seen.add(label);
        const l = label.getBoundingClientRect();
        const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
        r = {left, top, width: Math.max(r.right, l.right) - left, height: Math.max(r.bottom, l.bottom) - top,
             right: Math.max(r.right, l.right), bottom: Math.max(r.bottom, l.bottom)};
      }
    }
    if (r.width === 0 && r.height === 0) continue;
    if (r.height < minTarget - 0.5 || r.width < minTarget - 0.5) {
      problems.push(`tap target ${Math.round(r.width)}×${Math.round(r.height)} px: ${describe(el)}`);
    }
  }
  return problems;
}"""

#: The element that has focus now, and whether it shows it (outline or box shadow).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {text: (el.innerText || el.value || el.name || el.tagName).trim().slice(0, 24),
          shown: outline || s.boxShadow !== 'none'};
}"""


def focus_problems(page, stops: int = 40) -> list[str]:
    """Tab through the page from the top: every stop must show the focus."""
    page.locator("body").focus()
    problems = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED)
        if info is None:
            break
        if not info["shown"]:
            problems.append(f"focus not shown on {info['text']!r}")
    return problems


def layout_problems(page) -> list[str]:
    """What a person on this page at its width would find wrong (``LAYOUT_PROBLEMS``) and
    the Tab stops that do not show the focus, as readable findings (once the page and its
    style sheets have loaded: a page measured before would be judged unstyled)."""
    page.wait_for_load_state("load")
    return page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET) + focus_problems(page)


def code_sent_to(page, target: str) -> str:
    """The one-time code last sent to ``target`` (a phone number or e-mail), read as a demo
    user reads it: on the demo's page of messages (/demo/messages), in another tab."""
    import re

    tab = page.context.new_page()
    try:
        tab.goto("/demo/messages")
        for item in tab.locator("main li").all():
            text = item.inner_text()
            if target in text:
                found = re.search(r"验证码 (\d{6})", text)
                assert found, f"the last message to {target} carries no code: {text}"
                return found.group(1)
        raise AssertionError(f"no message to {target} on /demo/messages")
    finally:
        tab.close()


def message_sent_to(page, target: str) -> str:
    """The text of the last message sent to ``target`` (see :func:`code_sent_to`)."""
    tab = page.context.new_page()
    try:
        tab.goto("/demo/messages")
        return next(text for item in tab.locator("main li").all() if target in (text := item.inner_text()))
    finally:
        tab.close()
