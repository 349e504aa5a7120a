"""The demo seeder builds the three advertised collections in a consistent state."""
from __future__ import annotations

from interact import demo as app_demo
from interact.core.models import StoredFile
from interact.questionnaires import services as qs
from interact.surveys import demo, services
from interact.surveys.models import FeedbackStatus


def test_demo_seed(app, db, client):
    context: dict = {}
    app_demo.seed_foundation(context)
    demo.seed(context)
    db.session.commit()
    collections = context["collections"]
    open_one, awaiting, done = collections["open"], collections["awaiting"], collections["done"]
    assert open_one.is_open and open_one.draft_file is not None
    assert open_one.draft_file.content_type == "application/pdf"
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 1
    assert awaiting.awaiting_feedback and 0 <= awaiting.feedback_days_left <= 7
    assert awaiting in services.feedback_due_soon(7)
    assert done.feedback.status is FeedbackStatus.PUBLISHED and done.feedback_on_time
    assert qs.response_count(done.questionnaire) == 48
    assert client.get(f"/surveys/{done.id}/results").status_code == 200
    assert "<svg" in client.get(f"/surveys/{done.id}/results").get_data(as_text=True)
    pdf = client.get(f"/files/{open_one.draft_file.key}")
    assert pdf.get_data().startswith(b"%PDF-1.4") and b"startxref" in pdf.get_data()
    pdf.close()
