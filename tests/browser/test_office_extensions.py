"""The office decides several pending extension requests on one page (defect #12.1)."""
from __future__ import annotations

from tests.browser import given
from tests.browser.helpers import assert_accessible, login


def _status(stored, extension_id):
    from interact.letters.models import LetterExtension

    return stored(lambda db: (ext := db.session.get(LetterExtension, extension_id)).status.value
                  + "|" + ext.decision_note)


def test_office_refuses_the_last_and_approves_the_first_of_several(page, stored):
    letters = [given.routed_letter(stored) for _ in range(3)]
    extensions = [given.pending_extension(stored, letter, reason=f"理由{n}") for n, letter in enumerate(letters)]
    login(page, "office")
    page.goto("/staff/letters/review")
    assert_accessible(page, context="review queue with several extension requests")

    last = page.locator("li", has_text=letters[-1]["number"])
    last.get_by_text("不批准", exact=True).click()
    last.get_by_role("textbox", name="意见（选填）").fill("不同意延期")
    last.get_by_role("button", name="提交").click()
    page.get_by_text("已驳回延期申请").wait_for()
    assert _status(stored, extensions[-1]) == "rejected|不同意延期"
    assert _status(stored, extensions[0]).startswith("pending")

    page.goto("/staff/letters/review")
    first = page.locator("li", has_text=letters[0]["number"])
    first.get_by_text("批准", exact=True).click()
    first.get_by_role("button", name="提交").click()
    page.get_by_text("已批准延期").wait_for()
    assert _status(stored, extensions[0]).startswith("approved")
    assert _status(stored, extensions[1]).startswith("pending")
