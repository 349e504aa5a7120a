"""The names an interview's summary hides from its questions are gathered once, not at every
first view after a restart (#11 d: with 2,000 questions the first view masked every question,
3–11 s of a worker; bench/interview_summary.py has the figures)."""
from __future__ import annotations

import html

import pytest

from interact.core import maskversion, privacy
from interact.extensions import db
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus

SUMMARY = "<p>司马青、宇文小北和欧阳明华的提问均已答复。</p>"


def _archived_with_questions(make_interview, roles, bodies, pending=()):
    """An ended interview with its summary, ``bodies`` approved and ``pending`` not yet."""
    interview = make_interview(InterviewStatus.ANNOUNCED)
    for body in bodies:
        services.approve_question(services.submit_question(interview, nickname="热心市民", body=body), actor=roles.office)
    waiting = [services.submit_question(interview, nickname="热心市民", body=body) for body in pending]
    workflow.transition(interview, InterviewStatus.LIVE, roles.office)
    workflow.transition(interview, InterviewStatus.ENDED, roles.office)
    services.update_archive(interview, summary=SUMMARY, video_url="", actor=roles.office)
    db.session.commit()
    return interview, waiting


def _restart_of_the_masking(monkeypatch):
    """What a new worker has: no masking memo, and masking a question is counted."""
    privacy._names_in.cache_clear()
    privacy._masked_text.cache_clear()
    scanned = []
    real = privacy.scan_text
    monkeypatch.setattr(privacy, "scan_text", lambda text, names=(): scanned.append(text) or real(text, names))
    return scanned


def _page(client, interview) -> str:
    return html.unescape(client.get(f"/interviews/{interview.id}").get_data(as_text=True))


def test_the_summary_after_a_restart_masks_no_question_again(client, make_interview, roles, monkeypatch):
    interview, _ = _archived_with_questions(make_interview, roles, ["我叫司马青，想问随迁子女入学。", "孩子叫宇文小北，能就近入学吗？"])
    assert "司马*、宇文**" in _page(client, interview)

    scanned = _restart_of_the_masking(monkeypatch)
    summary = html.unescape(str(services.public_summary_html(interview)))
    assert "司马*、宇文**" in summary and "司马青" not in summary and "小北" not in summary
    assert scanned == []  # (no question masked again: the summary itself passes scan_html)


@pytest.mark.parametrize("change", ["a question approved", "the masking rules"])
def test_the_names_are_gathered_again_when_the_questions_or_the_rules_change(client, make_interview, roles,
                                                                             monkeypatch, change):
    interview, (later,) = _archived_with_questions(make_interview, roles, ["我叫司马青，想问随迁子女入学。"],
                                                   pending=["我叫欧阳明华，想问入学。"])
    assert "欧阳明华的提问" in _page(client, interview)  # (named in no question yet)

    if change == "a question approved":
        services.approve_question(later, actor=roles.office)
        db.session.commit()
        assert "欧阳**的提问" in _page(client, interview)
    else:
        scanned = _restart_of_the_masking(monkeypatch)
        monkeypatch.setattr(maskversion, "VERSION", "next-rules")
        assert "司马*" in html.unescape(str(services.public_summary_html(interview)))
        assert [text for text in scanned if "随迁子女" in text]


def _stored(interview):
    db.session.expire_all()
    return db.session.get(type(interview), interview.id).summary_names


def test_the_service_never_stores_the_names_the_readers_view_does(app, client, make_interview, roles):
    """Review 12: whether a request may write was read from ``request.method`` inside the service;
    the service now only gathers (and ``store_summary_names`` flushes), the GET views commit."""
    interview, _ = _archived_with_questions(make_interview, roles, ["我叫司马青，想问随迁子女入学。"])
    with app.test_request_context(f"/interviews/{interview.id}", method="GET"):
        assert "司马青" in services.summary_names(interview)
        db.session.commit()
    assert _stored(interview) is None

    client.get(f"/api/v1/interviews/{interview.id}")
    assert "司马青" in _stored(interview)
