"""转为常见问题: the FAQ draft made from a letter carries no personal data, and the curator
is told what was hidden; staff still see the letter's original text."""
from __future__ import annotations

from interact.faq import services as faq_services
from interact.faq.models import FaqEntry
from interact.letters import services

ANSWER = ("<p>王小明您好：</p><p>您的身份证 440301 19900101 1234 已核验，材料寄至幸福路88号，"
          "结果发至 wxm@example.com。咨询电话：0471-6601234。</p>")


def test_to_faq_masks_question_and_answer_and_notes_what_was_hidden(closed, roles, db):
    letter, _ = closed(title="王小明13712345678咨询公积金", name="王小明")
    letter.answer_html = ANSWER
    db.session.commit()

    draft = services.to_faq(letter, actor=roles.office)
    db.session.commit()

    entry = db.session.get(FaqEntry, draft.entry.id)
    assert entry.question == "王**[电话]咨询公积金"
    for fragment in ("王小明", "13712345678", "440301", "19900101", "幸福路", "wxm@"):
        assert fragment not in entry.question + entry.answer_html
    assert "0471-6601234" in entry.answer_html  # the office's hotline stays
    assert draft.masked_summary == "姓名 2 处、电话 1 处、身份证号 1 处、电子邮箱 1 处、地址 1 处"
    history = faq_services.revisions(entry)
    assert any("转入时已隐去个人信息：姓名 2 处" in (r.note or "") for r in history)
    assert "王小明" in letter.title and "440301 19900101 1234" in letter.answer_html  # the letter is unchanged


def test_to_faq_view_tells_staff_what_was_hidden(closed, roles, auth, client, db):
    letter, _ = closed(title="王小明13712345678咨询公积金", name="王小明")
    auth.login(roles.office)
    response = client.post(f"/staff/letters/{letter.id}/faq", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "转入时已隐去个人信息（姓名 1 处、电话 1 处）" in page
    # Staff see the original on the letter's own page.
    assert "王小明13712345678咨询公积金" in page
