"""关怀版（大字） on every public page at phone width (375 px), as an older citizen reads it:

- the page does not scroll sideways (a wide table or chart scrolls inside its own box);
- no text is cut off by a box too small for it, and no two pieces of text overlap;
- every control a finger taps (links outside running text, buttons, fields, choices) is at
  least 44 × 44 px (links inside a sentence are exempt, as in WCAG 2.5.8);
- Tab shows where the focus is at every stop (outline or box shadow);
- axe finds no serious or critical violation;
- the switch keeps what was typed in the look-up form, with and without JavaScript (the
  letter, opinion, questionnaire, interview and question boxes: test_citizen_forms_kept.py
  and test_citizen_ask_box_kept.py), and in the rating form of an answered letter.

Every public GET page of the URL map is walked here except those that are not pages
(``/captcha.png``, ``/favicon.ico``, ``/files/…``, ``/static/…``, ``/healthz``, ``/readyz``,
``/metrics``) and ``/preferences/large-text`` (a redirect); a live interview is walked in its
archived and announced states (the live page has the same layout with the transcript).
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.given import announced_interview, answered_letter, ended_interview, new_letter
from tests.browser.helpers import assert_accessible, login, look_up, solve_captcha

pytestmark = pytest.mark.parametrize("width", [375], indirect=True)

MIN_TARGET = 44

#: What a person at 375 px would find wrong with the page as laid out now (see the module's
#: docstring); a list of readable findings, empty when the page is fine.
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
  // Chart labels drawn smaller than the page's small print (an SVG scaled down to the screen).
  for (const text of document.querySelectorAll('svg text')) {
    if (hidden(text)) continue;
    const height = text.getBoundingClientRect().height;
    if (height > 0 && height < 16) problems.push(`chart text ${height.toFixed(1)} px high: "${text.textContent.trim().slice(0, 16)}"`);
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


def _large_text_on(page) -> None:
    page.goto("/departments")  # a page whose switch is a plain link
    page.locator("header").get_by_role("link", name="关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()


def _focus_problems(page, stops: int = 40) -> list[str]:
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


def _walk(page, paths: list[str]) -> None:
    problems = []
    for path in paths:
        response = page.goto(path)
        assert response.status in (200, 404), (path, response.status)
        assert "large-text" in (page.locator("html").get_attribute("class") or ""), path
        found = page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET) + _focus_problems(page)
        problems += [f"{path}: {problem}" for problem in found]
        assert_accessible(page, context=f"{path} in 关怀版")
    assert not problems, "\n".join(problems)


def _ids(stored) -> dict:
    from interact.departments.models import Department
    from interact.faq.models import FaqCategory, FaqEntry, FaqStatus
    from interact.letters.models import Letter, MonthlySummary
    from interact.surveys.models import Collection

    def read(db):
        first = lambda stmt: db.session.scalar(stmt.limit(1))  # noqa: E731
        return {
            "letter": first(db.select(Letter.id).where(Letter.published_at.is_not(None)).order_by(Letter.id)),
            "summary": first(db.select(MonthlySummary.month).where(MonthlySummary.published_at.is_not(None))),
            "results": first(db.select(Collection.id).where(Collection.feedback_published_at.is_not(None))),
            "open": first(db.select(Collection.id).where(Collection.title.contains("课后服务管理办法"))),
            "entry": first(db.select(FaqEntry.id).where(FaqEntry.status == FaqStatus.PUBLISHED).order_by(FaqEntry.id)),
            "category": first(db.select(FaqCategory.id).order_by(FaqCategory.id)),
            "department": first(db.select(Department.id).where(Department.name == "市人力资源社会保障局")),
        }

    found = stored(read)
    assert None not in found.values(), found
    return found


def test_every_public_page_in_large_text(page, stored):
    ids = _ids(stored)
    archived, announced = ended_interview(stored), announced_interview(stored)
    _large_text_on(page)
    _walk(page, [
        "/", "/letters/new", "/letters/lookup", "/letters/", "/letters/?q=" + quote("公积金"),
        f"/letters/{ids['letter']}", "/letters/stats", "/letters/summaries", f"/letters/summaries/{ids['summary']}",
        "/surveys/", f"/surveys/{ids['open']}", f"/surveys/{ids['results']}/results",
        "/interviews", f"/interviews/{archived['id']}", f"/interviews/{announced['id']}",
        "/faq", "/faq/ask?q=" + quote("公积金怎么提取"), "/faq/ask?q=" + quote("我家楼下的排水沟堵了好几天没人管"),
        "/faq/search?q=" + quote("社保"), f"/faq/{ids['entry']}", f"/faq/category/{ids['category']}",
        f"/faq/department/{ids['department']}", "/departments", "/login", "/register", "/letters/999999999",
    ])


def test_a_citizens_own_pages_in_large_text(page, stored):
    """The receipt, the tracking page with the rating form, and a citizen account's pages."""
    letter = answered_letter(stored)
    _large_text_on(page)
    page.goto("/letters/new")
    page.get_by_role("textbox", name="标题", exact=True).fill("小区路灯坏了请帮忙修理")
    page.get_by_role("textbox", name="内容", exact=True).fill("小区门口的路灯坏了一个多月，晚上老人出门不方便。")
    page.get_by_role("textbox", name="姓名", exact=True).fill("孙奶奶")
    page.get_by_role("textbox", name="手机号码", exact=True).fill("13912345672")
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    problems = page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET) + _focus_problems(page)
    assert not problems, "receipt:\n" + "\n".join(problems)
    assert_accessible(page, context="receipt in 关怀版")
    look_up(page, letter["number"], letter["code"])
    problems = page.evaluate(LAYOUT_PROBLEMS, MIN_TARGET) + _focus_problems(page)
    assert not problems, "tracking page:\n" + "\n".join(problems)
    assert_accessible(page, context="tracking page in 关怀版")
    login(page, "13800000000")
    _walk(page, ["/account", "/account/letters", "/account/password", "/surveys/mine"])


# --- the switch keeps what was typed --------------------------------------------------------


def _large(page) -> bool:
    return "large-text" in (page.locator("html").get_attribute("class") or "")


def _lookup_boxes(page):
    return (page.get_by_role("textbox", name="信件编号", exact=True),
            page.get_by_role("textbox", name="查询码", exact=True))


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_large_text_keeps_the_typed_number_and_code_of_the_look_up(new_page, stored, javascript):
    letter = new_letter(stored)
    page = new_page(java_script_enabled=javascript)
    page.goto("/letters/lookup")
    number, code = _lookup_boxes(page)
    number.fill(letter["number"])
    code.fill(letter["code"])
    page.locator("header").get_by_text("关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()
    assert _large(page)
    number, code = _lookup_boxes(page)
    assert number.input_value() == letter["number"] and code.input_value() == letter["code"]
    assert page.locator(".flash-error, main .has-error").count() == 0  # nothing was checked
    assert "办理流程" not in page.locator("main").inner_text()         # nor looked up
    page.get_by_role("button", name="查询").click()
    page.get_by_role("heading", name="办理流程").wait_for()
    assert _large(page)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_large_text_keeps_the_rating_being_written(new_page, stored, javascript):
    from interact.letters.models import Letter

    letter = answered_letter(stored)
    page = new_page(java_script_enabled=javascript)
    look_up(page, letter["number"], letter["code"])
    page.get_by_role("radio", name="基本满意").check()
    page.get_by_role("textbox", name="评价意见（选填）").fill("答复清楚，就是等得久了点。")
    page.locator("header").get_by_text("关怀版（大字）", exact=True).click()
    page.locator("header").get_by_text("标准版", exact=True).wait_for()
    assert _large(page)
    assert page.get_by_role("radio", name="基本满意").is_checked()
    assert page.get_by_role("textbox", name="评价意见（选填）").input_value() == "答复清楚，就是等得久了点。"
    assert stored(lambda db: db.session.get(Letter, letter["id"]).rating) is None
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("感谢您的评价").first.wait_for()
    assert stored(lambda db: db.session.get(Letter, letter["id"]).rating_comment) == "答复清楚，就是等得久了点。"
