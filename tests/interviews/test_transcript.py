"""The live transcript: entries, answers to questions, corrections, retractions, pins and
the polling feed ``GET /api/v1/interviews/{id}/transcript?after=<entry id>`` / ``?since=<cursor>``."""
from __future__ import annotations

import pytest

from interact.core import audit
from interact.core.errors import Conflict, InvalidInput, PermissionDenied
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus, QuestionStatus

from .conftest import png_bytes, upload

S = InterviewStatus


def feed(client, interview, after=0, **headers):
    """The change feed the live page polls (``since`` = revision cursor)."""
    return client.get(f"/api/v1/interviews/{interview.id}/transcript?since={after}", headers=headers)


def guest_of(interview):
    return f"guest:{interview.guests[0].id}"


def test_post_entries_as_host_and_guest(db, roles, live_interview):
    e1 = services.post_entry(live_interview, speaker="host", body="各位网友大家好。", actor=roles.handler_a)
    e2 = services.post_entry(live_interview, speaker=guest_of(live_interview), body="大家好！", actor=roles.handler_a,
                             image=upload(png_bytes(), "scene.png"))
    db.session.commit()
    assert (e1.speaker_name, e2.speaker_name) == ("主持人小林", "嘉宾1")
    assert (e1.seq, e2.seq) == (1, 2) and live_interview.transcript_seq == 2
    assert e2.image is not None and e2.image.public
    assert services.transcript(live_interview) == [e1, e2]


def test_entry_rules(db, roles, make_interview, live_interview):
    with pytest.raises(Conflict):
        services.post_entry(make_interview(S.ANNOUNCED), speaker="host", body="还没开始", actor=roles.office)
    with pytest.raises(PermissionDenied):
        services.post_entry(live_interview, speaker="host", body="别的部门", actor=roles.handler_b)
    with pytest.raises(InvalidInput):
        services.post_entry(live_interview, speaker="host", body="  ", actor=roles.handler_a)
    with pytest.raises(InvalidInput):
        services.post_entry(live_interview, speaker="guest:99999", body="谁在说话", actor=roles.handler_a)
    with pytest.raises(InvalidInput):
        services.post_entry(live_interview, speaker="host", body="长" * 5001, actor=roles.handler_a)


def test_answer_an_approved_question(db, roles, live_interview):
    pending = services.submit_question(live_interview, nickname="小李", body="技能培训有补贴吗？")
    with pytest.raises(Conflict):
        services.post_entry(live_interview, speaker=guest_of(live_interview), body="有的", actor=roles.handler_a,
                            question_id=pending.id)
    services.approve_question(pending, actor=roles.handler_a)
    with pytest.raises(InvalidInput):  # the host does not answer for the guests
        services.post_entry(live_interview, speaker="host", body="有的", actor=roles.handler_a, question_id=pending.id)
    entry = services.post_entry(live_interview, speaker=guest_of(live_interview), body="有的，按证书等级补贴。",
                                actor=roles.handler_a, question_id=pending.id)
    db.session.commit()
    assert entry.question is pending and pending.answered_at and not pending.answered_after
    assert services.unanswered_questions(live_interview) == []
    with pytest.raises(Conflict):
        services.post_entry(live_interview, speaker=guest_of(live_interview), body="再答", actor=roles.handler_a,
                            question_id=pending.id)


def test_correction_keeps_history_and_retraction_reopens_question(db, roles, live_interview):
    question = services.submit_question(live_interview, nickname="", body="补贴标准是多少？")
    services.approve_question(question, actor=roles.office)
    entry = services.post_entry(live_interview, speaker=guest_of(live_interview), body="每人1000元。",
                                actor=roles.handler_a, question_id=question.id)
    services.correct_entry(entry, body="每人1500元。", reason="口误", actor=roles.handler_a)
    with pytest.raises(InvalidInput):
        services.correct_entry(entry, body="每人1500元。", reason="", actor=roles.handler_a)
    assert entry.body == "每人1500元。" and entry.revision == 1
    services.retract_entry(entry, reason="答复有误，稍后重新答复", actor=roles.handler_a)
    db.session.commit()
    history = services.entry_history(entry)
    assert [(h.action, h.old_body, h.new_body) for h in history] == [
        ("corrected", "每人1000元。", "每人1500元。"), ("retracted", "每人1500元。", ""),
    ]
    assert question.answered_at is None and question.status is QuestionStatus.APPROVED
    assert services.transcript(live_interview) == []
    assert services.transcript(live_interview, include_retracted=True) == [entry]
    with pytest.raises(Conflict):
        services.correct_entry(entry, body="再改", reason="", actor=roles.handler_a)
    actions = [e.action for e in audit.history("interview_entry", entry.id)]
    assert actions == ["interview_entry.posted", "interview_entry.corrected", "interview_entry.retracted"]


def test_retraction_needs_reason_and_scope(db, roles, live_interview):
    entry = services.post_entry(live_interview, speaker="host", body="开场", actor=roles.handler_a)
    with pytest.raises(InvalidInput):
        services.retract_entry(entry, reason=" ", actor=roles.handler_a)
    with pytest.raises(PermissionDenied):
        services.retract_entry(entry, reason="无权", actor=roles.handler_b)


def test_only_one_pinned_entry(db, roles, live_interview):
    a = services.post_entry(live_interview, speaker="host", body="A", actor=roles.handler_a)
    b = services.post_entry(live_interview, speaker="host", body="B", actor=roles.handler_a)
    services.set_pinned(a, True, actor=roles.handler_a)
    services.set_pinned(b, True, actor=roles.handler_a)
    db.session.commit()
    assert (a.pinned, b.pinned) == (False, True)
    assert a.seq > 2 and b.seq == live_interview.transcript_seq


def test_feed_returns_only_changes_after_the_cursor(db, client, roles, live_interview):
    e1 = services.post_entry(live_interview, speaker="host", body="第一条", actor=roles.handler_a)
    e2 = services.post_entry(live_interview, speaker="host", body="第二条", actor=roles.handler_a)
    db.session.commit()
    first = feed(client, live_interview).get_json()
    assert [i["id"] for i in first["items"]] == [e1.id, e2.id]
    assert first["cursor"] == 2 and first["status"] == "live" and first["more"] is False

    nothing = feed(client, live_interview, first["cursor"]).get_json()
    assert nothing["items"] == [] and nothing["cursor"] == 2

    e3 = services.post_entry(live_interview, speaker="host", body="第三条", actor=roles.handler_a)
    services.correct_entry(e1, body="第一条（更正）", reason="", actor=roles.handler_a)
    services.retract_entry(e2, reason="重复", actor=roles.handler_a)
    db.session.commit()
    changes = feed(client, live_interview, first["cursor"]).get_json()
    by_id = {i["id"]: i for i in changes["items"]}
    assert set(by_id) == {e1.id, e2.id, e3.id}
    assert by_id[e1.id]["body"] == "第一条（更正）" and by_id[e1.id]["corrected"] is True
    assert by_id[e2.id] == {"id": e2.id, "seq": e2.seq, "retracted": True}
    assert by_id[e3.id]["body"] == "第三条"
    assert changes["cursor"] == live_interview.transcript_seq == 5
    # The whole transcript still lists the retracted entry so a fresh client skips it.
    assert [i["id"] for i in feed(client, live_interview).get_json()["items"]] == [e3.id, e1.id, e2.id]


def test_feed_pages_large_backlogs(db, client, roles, live_interview, monkeypatch):
    monkeypatch.setattr(services, "FEED_LIMIT", 3)
    for n in range(7):
        services.post_entry(live_interview, speaker="host", body=f"第{n}条", actor=roles.handler_a)
    db.session.commit()
    cursor, seen, rounds = 0, [], 0
    while True:
        rounds += 1
        data = client.get(f"/api/v1/interviews/{live_interview.id}/transcript?since={cursor}").get_json()
        seen += [i["body"] for i in data["items"]]
        cursor = data["cursor"]
        if not data["more"]:
            break
    assert seen == [f"第{n}条" for n in range(7)] and rounds == 3 and cursor == 7


def test_feed_is_cacheable_with_etag(db, client, roles, live_interview):
    services.post_entry(live_interview, speaker="host", body="开场", actor=roles.handler_a)
    db.session.commit()
    response = feed(client, live_interview, 0)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=2"
    etag = response.headers["ETag"]
    assert feed(client, live_interview, 0, **{"If-None-Match": etag}).status_code == 304
    services.post_entry(live_interview, speaker="host", body="新内容", actor=roles.handler_a)
    db.session.commit()
    again = feed(client, live_interview, 0, **{"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag


def test_feed_errors(db, client, roles, make_interview, live_interview):
    draft = make_interview(S.DRAFT)
    assert client.get(f"/api/v1/interviews/{draft.id}/transcript").status_code == 404
    assert client.get("/api/v1/interviews/99999/transcript").status_code == 404
    bad = client.get(f"/api/v1/interviews/{live_interview.id}/transcript?after=-1")
    assert bad.status_code == 422 and "after" in bad.get_json()["error"]["fields"]


def test_feed_reports_the_end(db, client, roles, live_interview):
    workflow.transition(live_interview, S.ENDED, roles.handler_a)
    db.session.commit()
    assert feed(client, live_interview).get_json()["status"] == "ended"


def test_live_page_has_feed_hooks_and_no_inline_script(db, client, roles, live_interview):
    services.post_entry(live_interview, speaker="host", body="开场白", actor=roles.handler_a)
    db.session.commit()
    html = client.get(f"/interviews/{live_interview.id}").get_data(as_text=True)
    assert f'data-transcript-feed="/api/v1/interviews/{live_interview.id}/transcript"' in html
    assert 'data-cursor="1"' in html
    assert 'http-equiv="refresh"' not in html  # a question being typed is never wiped
    assert 'form="question-form" name="refresh" value="1"' in html  # 刷新实录 instead
    assert "js/interviews.js" in html
    assert "<script>" not in html and "style=" not in html
    assert "开场白" in html


def test_feed_after_entry_id_returns_later_published_entries(db, client, roles, live_interview):
    first = services.post_entry(live_interview, speaker="host", body="第一条", actor=roles.handler_a)
    second = services.post_entry(live_interview, speaker="host", body="第二条", actor=roles.handler_a)
    third = services.post_entry(live_interview, speaker="host", body="第三条", actor=roles.handler_a)
    services.retract_entry(third, reason="发错了", actor=roles.handler_a)
    db.session.commit()
    url = f"/api/v1/interviews/{live_interview.id}/transcript"
    everything = client.get(f"{url}?after=0").get_json()
    assert [item["id"] for item in everything["items"]] == [first.id, second.id]  # retracted one left out
    later = client.get(f"{url}?after={first.id}").get_json()
    assert [item["body"] for item in later["items"]] == ["第二条"]
    assert later["cursor"] == live_interview.transcript_seq
    assert client.get(f"{url}?after={second.id}").get_json()["items"] == []
    assert client.get(f"{url}?after=abc").status_code == 422


def test_refresh_without_javascript_keeps_the_question_and_opens_at_what_is_new(db, client, roles, live_interview):
    """刷新实录 (no JavaScript) is a button of the question form: the page again with the
    question as typed (nothing checked or stored), #transcript-new at the first entry posted
    or corrected since the reader's copy (each marked 新), or at the end when nothing is new."""
    from interact.interviews.models import InterviewQuestion

    first = services.post_entry(live_interview, speaker="host", body="第一条", actor=roles.handler_a)
    second = services.post_entry(live_interview, speaker="host", body="第二条", actor=roles.handler_a)
    db.session.commit()
    seen = live_interview.transcript_seq
    url = f"/interviews/{live_interview.id}/questions"
    page = client.get(f"/interviews/{live_interview.id}").get_data(as_text=True)
    assert f'form="question-form" name="refresh" value="{seen}"' in page
    assert f'formaction="{url}#transcript-new"' in page

    def refresh(**typed):
        # A redirect to the page (a reload then posts nothing again), opened at what is new.
        response = client.post(url, data={"refresh": str(seen), **typed})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/interviews/{live_interview.id}?seen={seen}#transcript-new")
        return client.get(response.headers["Location"]).get_data(as_text=True)

    html = refresh(body="灵活就业可以补缴吗", nickname="老王")
    assert "灵活就业可以补缴吗</textarea>" in html and 'value="老王"' in html
    assert "has-error" not in html and "flash" not in html
    assert 'class="iv-refresh" id="transcript-new"' in html and "新</span>" not in html

    third = services.post_entry(live_interview, speaker="host", body="第三条", actor=roles.handler_a)
    services.retract_entry(second, reason="发错了", actor=roles.handler_a)
    db.session.commit()
    html = refresh()
    assert html.index('id="transcript-new"') > html.index(f'id="entry-{third.id}"')
    assert html.index('id="transcript-new"') < html.index("第三条")
    services.correct_entry(first, body="第一条（更正）", reason="错字", actor=roles.handler_a)
    db.session.commit()
    html = refresh()
    assert html.index(f'id="entry-{first.id}"') < html.index('id="transcript-new"') < html.index("第一条（更正）")
    marked = [chunk.split('"', 1)[0] for chunk in html.split('id="entry-')[1:] if "新</span>" in chunk.split("</li>")[0]]
    assert marked == [str(first.id), str(third.id)]
    assert db.session.scalar(db.select(db.func.count(InterviewQuestion.id))) == 0
    # Not limited like questions (a reader may refresh often); a bad value is a question sent.
    for _ in range(8):
        refresh()
    sent = client.post(url, data={"refresh": "x", "body": ""})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("#ask")
    assert "请写下您的问题" in client.get(sent.headers["Location"]).get_data(as_text=True)
