"""faq.workflow: the entry lifecycle's table, its one transition and actions(entry, user)."""
from __future__ import annotations

import pytest

from interact.core.errors import InvalidTransition, PermissionDenied
from interact.faq import services, workflow
from interact.faq.models import FaqRevision, FaqStatus


def test_actions_follow_the_state(db, roles, make_entry):
    draft = make_entry("居住证怎么办理？", publish=False)
    assert workflow.actions(draft, roles.curator) == {"publish", "discard", "edit", "merge", "add_phrasings"}
    services.publish_entry(draft, actor=roles.curator)
    assert workflow.actions(draft, roles.curator) == {"withdraw", "edit", "merge", "add_phrasings", "view_public"}
    services.withdraw_entry(draft, actor=roles.curator)
    assert workflow.actions(draft, roles.curator) == {"publish", "edit"}


def test_a_merged_entry_takes_no_step(db, roles, make_entry):
    keep = make_entry("公积金怎么提取？")
    duplicate = make_entry("怎样提取住房公积金？")
    services.merge_entries(keep, duplicate, actor=roles.curator)
    assert workflow.actions(duplicate, roles.curator) == set()
    with pytest.raises(InvalidTransition):
        workflow.transition(duplicate, FaqStatus.PUBLISHED, actor=roles.curator)


def test_who_may_curate(db, roles, make_entry, dept_curator):
    own = make_entry("本部门的问题？", department=roles.department_a, publish=False)
    other = make_entry("别的部门的问题？", department=roles.department_b)
    assert "publish" in workflow.actions(own, dept_curator)
    # Another department's entry: only what the public may do.
    assert workflow.actions(other, dept_curator) == {"view_public"}
    assert workflow.actions(other, roles.handler_b) == {"view_public"}
    with pytest.raises(PermissionDenied):
        workflow.transition(other, FaqStatus.WITHDRAWN, actor=dept_curator)


def test_every_step_writes_a_revision(db, roles, make_entry):
    entry = make_entry("社保卡丢了怎么办？", publish=False)
    for to in (FaqStatus.PUBLISHED, FaqStatus.WITHDRAWN, FaqStatus.PUBLISHED):
        workflow.transition(entry, to, actor=roles.curator)
    actions = [r.action for r in db.session.scalars(
        db.select(FaqRevision).where(FaqRevision.entry_id == entry.id).order_by(FaqRevision.id))]
    assert actions == ["created", "published", "withdrawn", "published"]


def test_entry_page_offers_what_actions_allows(db, client, auth, roles, make_entry):
    auth.login(roles.curator)
    withdrawn = make_entry("已撤下的问题？")
    services.withdraw_entry(withdrawn, actor=roles.curator)
    db.session.commit()
    html = client.get(f"/staff/faq/{withdrawn.id}").get_data(as_text=True)
    assert f"/staff/faq/{withdrawn.id}/publish" in html
    assert f"/staff/faq/{withdrawn.id}/withdraw" not in html and "合并重复条目" not in html
    assert "查看公开页面" not in html and "撤下</strong>" in html
