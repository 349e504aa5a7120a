"""``flask --app interact letters reindex``: after the masking rules change, what was stored
masked under the old rules (the public search index, FAQ entries turned from letters, the
logged questions) is masked again; a second run changes nothing."""
from __future__ import annotations

import sqlalchemy as sa

from interact.core.models import AuditEvent
from interact.extensions import db
from interact.faq import services as faq_services
from interact.faq.models import AskLog, CuratorExample, ExampleKind, FaqPhrasing, FaqRevision
from interact.letters import search, services

#: A writing of a phone number and a name older rules did not see (N1/N15).
OLD_WRITING = "我叫司空摘星手机138，0013，9999"


def _stale_index(letter_id: int, text: str) -> None:
    """The index row and the public copy as the old rules left them: the text indexed and
    kept in clear, under another version of the rules."""
    db.session.execute(sa.text("UPDATE letters SET masked_rules = 'older-rules', masked_body = body WHERE id = :id"),
                       {"id": letter_id})
    search.unindex_letter(db.session, letter_id)
    words, grams = " ".join(search.segment_words(text)), " ".join(search.segment_grams(text))
    db.session.execute(search.insert_statement(db.session.get_bind().dialect.name),
                       {"id": letter_id, "words": words, "grams": grams})


def _found(client, query: str, title: str) -> bool:
    return title in client.get("/letters/", query_string={"q": query}).get_data(as_text=True)


def _reindex(app):
    result = app.test_cli_runner().invoke(args=["letters", "reindex"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reindex_masks_again_what_the_old_rules_stored(app, client, closed, roles):
    letter, _ = closed(title="公积金提取咨询", body=f"{OLD_WRITING}，想提取公积金。")
    private, _ = closed(title="不公开的来信", publish_consent=False)
    _stale_index(letter.id, f"{letter.title}\n{OLD_WRITING}")
    _stale_index(private.id, "不公开的来信 司空摘星")
    draft = services.to_faq(letter, actor=roles.office)
    entry = draft.entry
    entry.question = f"{OLD_WRITING}怎么提取公积金"
    entry.phrasings.append(FaqPhrasing(text="司空摘星问：扣扣 998877665 能提吗"))
    db.session.add(AskLog(text="我叫司空摘星手机138,0013,9999怎么提取公积金", answered=False, confidence=0.1))
    db.session.add(CuratorExample(question="扣扣 998877665 公积金能提吗", kind=ExampleKind.NO_ANSWER))
    db.session.commit()
    assert _found(client, "9999", "公积金提取咨询") and _found(client, "司空摘星", "公积金提取咨询")

    output = _reindex(app)
    assert "已重建公开来信检索索引 1 件（移除未公开 1 件），重新隐去来信转化的知识库条目 1 条、提问记录 2 条。" in output

    # Search: neither the number nor the name finds the letter; its words still do.
    assert not _found(client, "9999", "公积金提取咨询") and not _found(client, "司空摘星", "公积金提取咨询")
    assert _found(client, "公积金", "公积金提取咨询")
    assert not db.session.execute(sa.text(
        f"SELECT 1 FROM {search.TABLE} WHERE {'rowid' if db.session.get_bind().dialect.name == 'sqlite' else 'letter_id'}"
        " = :id"), {"id": private.id}).first()
    # The FAQ entry turned from the letter: masked again, the change in its history.
    db.session.expire_all()
    entry = faq_services.get_entry(entry.id)
    assert entry.question == "我叫司空**手机[电话]怎么提取公积金"
    assert "司空**问：扣扣 [微信/QQ号] 能提吗" in entry.phrasing_texts
    revision = db.session.scalars(sa.select(FaqRevision).where(FaqRevision.entry_id == entry.id)
                                  .order_by(FaqRevision.id.desc())).first()
    assert revision.note.startswith("按新的个人信息隐去规则重新隐去：姓名")
    # The logged question and the curator's example.
    assert db.session.scalar(sa.select(AskLog.text)) == "我叫司空**手机[电话]怎么提取公积金"
    assert db.session.scalar(sa.select(CuratorExample.question)) == "扣扣 [微信/QQ号] 公积金能提吗"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.remasked"))

    # A second run finds nothing more to hide.
    assert "重新隐去来信转化的知识库条目 0 条、提问记录 0 条" in _reindex(app)
