"""While a citizen writes a letter, FAQ entries and published letters like it are suggested
(#12 item 7): as they type (debounced, in a labelled live region, focus stays where they
type, links reachable by keyboard, at 375 px too), and without JavaScript on the 预览 step.
Following a suggestion opens it in a new tab, so the letter being written stays."""
from __future__ import annotations

import re

from tests.browser.helpers import assert_accessible, solve_captcha

REGION = "相关的常见问题和已公开来信"
TITLE = "社保卡丢了怎么补办"          # the demo FAQ entry 社保卡丢了怎么补办？
BODY = "上周把社保卡弄丢了，去哪里补办？"


def _box(page, name):
    return page.get_by_role("textbox", name=name, exact=True)


def test_suggestions_appear_while_typing_and_the_letter_stays(page, width):
    requests: list[str] = []
    page.on("request", lambda r: "/letters/suggestions" in r.url and requests.append(r.url))
    page.goto("/letters/new")
    region = page.get_by_role("region", name=REGION)
    status = region.get_by_role("status")
    assert "输入标题和内容后" in status.inner_text()

    title = _box(page, "标题")
    title.press_sequentially(TITLE, delay=40)
    faq_link = region.get_by_role("link", name=re.compile("^社保卡丢了怎么补办？"))
    faq_link.wait_for()
    # Debounced: one request for the pause, not one per keystroke.
    assert 1 <= len(requests) < len(TITLE), requests
    links = region.get_by_role("link")
    assert re.search(rf"找到 {links.count()} 条相关内容", status.inner_text()), status.inner_text()
    assert status.get_attribute("aria-live") == "polite"
    assert region.get_by_role("link", name=re.compile("社保卡丢失后如何补办")).is_visible()  # a published letter
    # Focus never left the title: typing goes on where it was.
    assert page.evaluate("document.activeElement.id") == "title"
    body = _box(page, "内容")
    body.press_sequentially(BODY, delay=20)
    assert page.evaluate("document.activeElement.id") == "body"

    # The suggestions come next in the keyboard order, right after the text.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#letter-suggest') !== null && "
                         "document.activeElement.tagName") == "A"
    if width < 600:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = region.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert_accessible(page, context="letter form with suggestions")

    # Following a suggestion opens it in a new tab; the letter is still there afterwards.
    with page.context.expect_page() as opened:
        faq_link.click()
    entry = opened.value
    entry.wait_for_load_state()
    assert entry.get_by_role("heading", name=re.compile("社保卡丢了怎么补办")).first.is_visible()
    entry.close()
    page.bring_to_front()
    assert title.input_value() == TITLE
    assert body.input_value() == BODY

    # 预览 shows the letter and the same suggestions (axe cannot run where JavaScript is off,
    # so the preview page is checked here).
    page.get_by_role("button", name="预览").click()
    page.get_by_role("heading", name="预览您的来信").wait_for()
    assert region.get_by_role("link", name=re.compile("^社保卡丢了怎么补办？")).is_visible()
    assert title.input_value() == TITLE
    assert_accessible(page, context="letter preview")


def test_without_javascript_the_preview_lists_the_suggestions(new_page, stored):
    page = new_page(java_script_enabled=False)
    page.goto("/letters/new")
    assert not page.get_by_role("region", name=REGION).is_visible()  # nothing would fill it
    page.get_by_role("combobox", name="咨询部门").select_option(label="市人力资源社会保障局")
    _box(page, "标题").fill(TITLE)
    _box(page, "内容").fill(BODY)
    _box(page, "姓名").fill("赵敏")
    _box(page, "手机号码").fill("13912340000")
    page.get_by_label(re.compile("同意在“来信选登”中公开")).check()
    page.get_by_role("button", name="预览").click()

    page.get_by_role("heading", name="预览您的来信").wait_for()
    region = page.get_by_role("region", name=REGION)
    faq_link = region.get_by_role("link", name=re.compile("^社保卡丢了怎么补办？"))
    assert faq_link.is_visible()
    assert re.search(r"找到 \d+ 条相关内容", region.get_by_role("status").inner_text())
    # Everything typed is still in the form.
    assert _box(page, "标题").input_value() == TITLE
    assert _box(page, "内容").input_value() == BODY
    assert _box(page, "姓名").input_value() == "赵敏"
    assert _box(page, "手机号码").input_value() == "13912340000"
    assert page.get_by_label(re.compile("同意在“来信选登”中公开")).is_checked()
    assert page.get_by_role("combobox", name="咨询部门").input_value() != ""

    with page.context.expect_page() as opened:
        faq_link.click()
    opened.value.wait_for_load_state()
    assert "/faq/" in opened.value.url
    opened.value.close()

    # The citizen sends the letter from the preview: the captcha was not used up by it.
    solve_captcha(page)
    page.get_by_role("button", name="提交来信").click()
    page.get_by_role("heading", name="来信已提交").wait_for()
    number = page.locator(".receipt-codes strong.code").first.inner_text().strip()

    from interact.letters.models import Letter

    saved = stored(lambda db: db.session.scalar(db.select(Letter).where(Letter.number == number)))
    assert (saved.title, saved.body, saved.name, saved.publish_consent) == (TITLE, BODY, "赵敏", True)
