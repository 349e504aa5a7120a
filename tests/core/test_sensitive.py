from interact.core import sensitive
from interact.core.models import SensitiveWordLevel


def test_scan_finds_words_across_width_and_script(app, db, roles):
    sensitive.add_word("代开发票", SensitiveWordLevel.BLOCK, "广告", actor=roles.office)
    sensitive.add_word("机密", SensitiveWordLevel.REVIEW, "涉密", actor=roles.office)
    db.session.commit()
    assert sensitive.scan("正常的咨询内容").needs_review is False
    result = sensitive.scan("标题", "可以代開發票吗")  # traditional characters
    assert result.blocked and result.words == ["代开发票"]
    review = sensitive.scan("这是机密")
    assert review.needs_review and not review.blocked


def test_list_changes_are_seen_at_once(app, db, roles):
    assert not sensitive.scan("刷单兼职").needs_review
    word = sensitive.add_word("刷单", SensitiveWordLevel.BLOCK, "", actor=roles.office)
    db.session.commit()
    assert sensitive.scan("刷单兼职").blocked
    sensitive.remove_word(word.id, actor=roles.office)
    db.session.commit()
    assert not sensitive.scan("刷单兼职").needs_review


def test_duplicate_word_refused(app, db, roles):
    sensitive.add_word("刷单", SensitiveWordLevel.BLOCK, "", actor=roles.office)
    db.session.commit()
    import pytest

    from interact.core.errors import Conflict

    with pytest.raises(Conflict):
        sensitive.add_word("刷单", SensitiveWordLevel.REVIEW, "", actor=roles.office)


def test_office_page_manages_words_and_handler_is_refused(client, auth, db, roles):
    auth.login(roles.handler_a)
    assert client.get("/staff/sensitive-words").status_code == 403
    auth.login(roles.office)
    response = client.post("/staff/sensitive-words", data={"word": "广告词", "level": "review", "category": "广告"})
    assert response.status_code == 302
    assert sensitive.scan("这里有广告词").needs_review
    assert "广告词" in client.get("/staff/sensitive-words").get_data(as_text=True)
