"""The demo seeder produces the announced, archived and draft interviews."""
from __future__ import annotations

from interact import demo as app_demo
from interact.interviews import demo, services
from interact.interviews.models import InterviewStatus, QuestionStatus


def test_demo_seed(db, client):
    context: dict = {}
    app_demo.seed_foundation(context)
    demo.seed(context)
    db.session.commit()
    archived, announced, draft = (context["interviews"][k] for k in ("archived", "announced", "draft"))
    assert (archived.status, announced.status, draft.status) == (
        InterviewStatus.ARCHIVED, InterviewStatus.ANNOUNCED, InterviewStatus.DRAFT)
    assert len(services.questions_of(announced, QuestionStatus.PENDING)) == 4
    assert any(q.flagged for q in services.questions_of(announced))
    assert len(services.transcript(archived)) == 7 and len(archived.images) == 3 and archived.summary
    counts = services.question_counts(archived)
    assert (counts.received, counts.answered, counts.answered_after) == (6, 4, 1)
    assert services.unannounced_upcoming() == [draft]
    html = client.get(f"/interviews/{archived.id}").get_data(as_text=True)
    assert "会后答复" in html and "70%" in html
    assert client.get(f"/interviews/{announced.id}").status_code == 200
