"""A published letter's public page is stored once per change (letters.pages, #18): a visit
reads the stored article in one statement; every change its page may show renders it anew,
and a page rendered from older data is never shown."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core import deferred
from interact.core.upsert import dialect_insert
from interact.extensions import db
from interact.letters import pages, services, workflow
from interact.letters.models import Letter, LetterPage, LetterRating
from tests.sql import statements


def _page(client, letter_id: int) -> str:
    response = client.get(f"/letters/{letter_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _stored(letter_id: int) -> LetterPage | None:
    db.session.expire_all()
    return db.session.get(LetterPage, letter_id)


def test_the_first_visit_stores_the_article_and_the_next_reads_it_in_one_statement(app, client, closed):
    letter, _ = closed(title="公积金提取材料咨询")
    first = _page(client, letter.id)
    stored = _stored(letter.id)
    assert stored is not None and "公积金提取材料咨询" in stored.html and stored.title == "公积金提取材料咨询"
    letter_id = letter.id
    seen = statements(lambda: _page(client, letter_id))
    assert len(seen) == 1 and "letter_pages" in seen[0].text and "letter_events" not in seen[0].text
    assert _page(client, letter_id) == first  # the same page as rendered


def test_the_stored_article_holds_nothing_personal(app, client, closed):
    letter, _ = closed(title="公积金提取材料咨询", body="我是张三丰，联系电话13812345678，邮箱zhang@example.com。")
    _page(client, letter.id)
    html = _stored(letter.id).html
    assert "张三丰" not in html and "13812345678" not in html and "zhang@example.com" not in html
    assert "张**" in html


def test_a_rating_and_a_new_event_show_at_once(app, client, closed, roles):
    letter, _ = closed(title="公积金提取材料咨询")
    assert "来信人评价" not in _page(client, letter.id)
    services.rate_letter(letter, LetterRating.SATISFIED)
    db.session.commit()
    assert "来信人评价：满意" in _page(client, letter.id)
    # An event alone (the letter's own columns untouched) renews the page too.
    workflow.record_event(letter, "note", roles.office, who="office", public=True, public_note="补充说明已公开")
    db.session.commit()
    assert "补充说明已公开" in _page(client, letter.id)


def test_an_event_added_without_the_letter_loaded_renews_the_page(app, client, closed, roles):
    from interact.letters.models import LetterEvent

    letter, _ = closed(title="公积金提取材料咨询")
    letter_id = letter.id
    _page(client, letter_id)
    db.session.expunge_all()
    db.session.add(LetterEvent(letter_id=letter_id, action="note", public=True, public_label="办公室",
                               public_note="另行补充的公开说明"))
    db.session.commit()
    assert "另行补充的公开说明" in _page(client, letter_id)


def test_a_withdrawn_letter_is_not_shown_from_its_stored_article(app, client, closed, roles):
    letter, _ = closed(title="公积金提取材料咨询")
    _page(client, letter.id)
    services.withdraw_letter(letter, actor=roles.office, note="撤下")
    db.session.commit()
    assert client.get(f"/letters/{letter.id}").status_code == 404
    db.session.execute(sa.update(Letter).where(Letter.id == letter.id).values(published=True))  # behind the hook
    db.session.commit()
    assert "公积金提取材料咨询" in _page(client, letter.id)  # rendered anew: the withdrawal moved the serial


def test_a_renamed_department_renders_the_page_anew(app, client, closed, roles):
    letter, _ = closed(title="公积金提取材料咨询")
    assert roles.department_a.name in _page(client, letter.id)
    roles.department_a.name = "更名后的办理单位"
    db.session.commit()
    assert "更名后的办理单位" in _page(client, letter.id)


def test_a_page_rendered_before_a_change_is_never_shown_after_it(app, client, closed):
    """A worker renders the page, the letter changes, then that worker's write arrives: the
    older article is not shown, and it never replaces a newer one."""
    letter, _ = closed(title="公积金提取材料咨询")
    loaded = services.get_published(letter.id)
    old = pages.StoredArticle("旧的标题", pages.Markup("<article>旧的页面</article>"))
    old_serial = loaded.page_serial
    letter.answer_html = "<p>更正后的答复。</p>"
    workflow.store_public_texts(letter)
    db.session.commit()
    assert db.session.get(Letter, letter.id).page_serial > old_serial
    db.session.execute(dialect_insert(LetterPage).values(
        letter_id=letter.id, serial=old_serial, number=letter.number, code=pages.code(),
        department_name=letter.department.name, title=old.title, html=str(old.html)))
    db.session.commit()
    page = _page(client, letter.id)
    assert "旧的页面" not in page and "更正后的答复" in page
    newer = _stored(letter.id)
    assert newer.serial == db.session.get(Letter, letter.id).page_serial and "更正后的答复" in newer.html
    # The late write of the old article again: the newer one stays.
    db.session.execute(pages._newer_only(dialect_insert(LetterPage)).values(
        letter_id=letter.id, serial=old_serial, number=letter.number, code=pages.code(),
        department_name=letter.department.name, title=old.title, html=str(old.html)))
    db.session.commit()
    assert "更正后的答复" in _stored(letter.id).html


def test_an_article_of_other_code_or_of_another_letter_is_not_shown(app, client, closed, monkeypatch):
    letter, _ = closed(title="公积金提取材料咨询")
    _page(client, letter.id)
    db.session.execute(sa.update(LetterPage).values(html="<article>别的版本</article>"))
    db.session.commit()
    assert "别的版本" in _page(client, letter.id)  # the row is used while it is current
    monkeypatch.setitem(pages._code, "value", "another release")
    assert "别的版本" not in _page(client, letter.id)
    db.session.execute(sa.update(LetterPage).values(html="<article>别的版本</article>", number="X-1"))
    db.session.commit()
    assert "别的版本" not in _page(client, letter.id)


def test_an_unpublished_letter_s_changes_write_no_serial(app, closed, assigned, roles):
    letter, _ = assigned(title="尚未公开的来信")
    seen = statements(lambda: (services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>答复</p>"),
                               db.session.commit()))
    assert not [s for s in seen if "page_serial =" in s.text or "page_serial=" in s.text]


def test_deferred_writes_store_the_article_once_after_the_visit(app, client, closed):
    app.config["DEFERRED_WRITE_SECONDS"] = 3600
    try:
        letter, _ = closed(title="公积金提取材料咨询")
        _page(client, letter.id)
        _page(client, letter.id)  # both rendered: nothing written in the visits
        assert _stored(letter.id) is None and deferred.pending() == 2
        assert deferred.flush() == 2  # the same article twice: stored once, no error
        letter_id = letter.id
        assert "公积金提取材料咨询" in _stored(letter_id).html
        seen = statements(lambda: _page(client, letter_id))
        assert len(seen) == 1 and deferred.pending() == 0
    finally:
        deferred.flush()
        app.config["DEFERRED_WRITE_SECONDS"] = 0


def test_store_pages_stores_missing_and_stale_articles(app, client, closed, monkeypatch):
    first, _ = closed(title="公积金提取材料咨询")
    second, _ = closed(title="医保异地就医备案")
    closed(title="不公开的来信", publish_consent=False)
    runner = app.test_cli_runner()
    first_id = first.id
    assert "已生成并保存来信公开页 2 件" in runner.invoke(args=["letters", "store-pages"]).output
    assert "已生成并保存来信公开页 0 件" in runner.invoke(args=["letters", "store-pages"]).output
    assert len(statements(lambda: _page(client, first_id))) == 1  # stored as a visit would
    monkeypatch.setitem(pages._code, "value", "another release")
    assert "已生成并保存来信公开页 2 件" in runner.invoke(args=["letters", "store-pages"]).output
    assert _stored(second.id).title == "医保异地就医备案"
