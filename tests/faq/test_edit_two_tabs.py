"""A curator has an entry's edit form open in two tabs (or a colleague edits it, or a phrasing
is added from the unanswered questions meanwhile): the later save does not throw the
earlier change away unseen. It is refused with what was typed kept and what is saved now
shown; saved again from that page, it is saved. A double click is never refused."""
from __future__ import annotations

from interact.faq import services
from interact.faq.models import FaqPhrasing
from tests.helpers import form_fields, saved_in_two_tabs, saved_twice_at_a_double_click


def _open(client, entry) -> dict[str, str]:
    return form_fields(client.get(f"/staff/faq/{entry.id}/edit").get_data(as_text=True), "shown_version")


def test_a_save_from_a_tab_opened_before_another_save_is_refused_with_the_text_kept(client, auth, db, roles, kb):
    auth.login(roles.curator)
    entry = kb[1]
    page = saved_in_two_tabs(client, f"/staff/faq/{entry.id}/edit", {"keywords": "第一个标签页"},
                             {"answer_html": "<p>第二个标签页写的答案。</p>"})
    db.session.refresh(entry)
    assert entry.keywords == "第一个标签页" and "第二个标签页" not in entry.answer_html

    again = form_fields(page, "shown_version")  # saved again from the refusal: a decision, not an accident
    assert client.post(f"/staff/faq/{entry.id}/edit", data=again).status_code == 302
    db.session.refresh(entry)
    assert "第二个标签页写的答案" in entry.answer_html


def test_a_phrasing_added_from_the_unanswered_questions_is_not_dropped_by_an_open_form(client, auth, db, roles, kb):
    auth.login(roles.curator)
    entry = kb[1]
    opened = _open(client, entry)
    services.add_phrasings(entry, ["公积金里的钱怎么取出来用"], actor=roles.curator)
    db.session.commit()
    refused = client.post(f"/staff/faq/{entry.id}/edit", data={**opened, "keywords": "提取"})
    assert refused.status_code == 409 and "公积金里的钱怎么取出来用" in refused.get_data(as_text=True)
    assert "公积金里的钱怎么取出来用" in db.session.scalars(
        db.select(FaqPhrasing.text).where(FaqPhrasing.entry_id == entry.id)).all()


def test_a_double_click_on_save_is_not_a_second_tab(client, auth, db, roles, kb):
    auth.login(roles.curator)
    entry = kb[2]
    saved_twice_at_a_double_click(client, f"/staff/faq/{entry.id}/edit", {"keywords": "双击"})
    db.session.refresh(entry)
    assert entry.keywords == "双击"


def test_publishing_in_another_tab_does_not_make_the_form_stale(client, auth, db, roles, make_entry):
    auth.login(roles.curator)
    entry = make_entry("社保卡丢了怎么补办？", "<p>到银行网点补办。</p>", [], publish=False)
    opened = _open(client, entry)
    services.publish_entry(entry, actor=roles.curator)
    db.session.commit()
    assert client.post(f"/staff/faq/{entry.id}/edit", data={**opened, "keywords": "补办"}).status_code == 302
