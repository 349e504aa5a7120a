"""保存并发布 on the monthly summary page: what was just typed is what gets published (a
separate 发布 button published the text saved before and dropped the edit)."""
from __future__ import annotations

from interact.extensions import db
from interact.letters import summary


def _draft(frozen, roles):
    frozen(2026, 11, 30, 10)
    draft, _ = summary.draft_summary("2026-11", actor=roles.office)
    db.session.commit()
    return draft


def test_save_and_publish_publishes_the_typed_text(app, roles, frozen, client, auth):
    draft = _draft(frozen, roles)
    frozen(2026, 12, 1, 8)
    auth.login(roles.office)
    page = client.get(f"/staff/letters/summaries/{draft.id}").get_data(as_text=True)
    assert 'name="then" value="publish"' in page
    assert f'action="/staff/letters/summaries/{draft.id}/publish"' not in page  # no button that drops edits
    response = client.post(f"/staff/letters/summaries/{draft.id}", data={
        "title": "2026年11月来信办理情况（改过的标题）", "body_html": "<p>本月新写的综述。</p>", "then": "publish"})
    assert response.status_code == 302
    public = client.get("/letters/summaries/2026-11").get_data(as_text=True)
    assert "改过的标题" in public and "本月新写的综述" in public


def test_save_and_publish_before_the_month_ends_keeps_the_typed_text(app, roles, frozen, client, auth):
    draft = _draft(frozen, roles)
    auth.login(roles.office)
    response = client.post(f"/staff/letters/summaries/{draft.id}", data={
        "title": "还没到月底的标题", "body_html": "<p>综述</p>", "then": "publish"})
    assert response.status_code >= 400
    assert "还没到月底的标题" in response.get_data(as_text=True)  # still in the form
    db.session.expire_all()
    assert summary.get_summary(draft.id).title != "还没到月底的标题"  # nothing half-done
    assert summary.get_summary(draft.id).published_at is None
