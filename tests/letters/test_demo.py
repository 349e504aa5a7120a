"""The demo seeder fills every state so each workspace and public page has content."""
from __future__ import annotations

from interact import demo as app_demo
from interact.extensions import db
from interact.letters import demo, services
from interact.letters.models import Letter, LetterStatus


def test_demo_letters_in_every_state(app, client):
    context: dict = {}
    app_demo.seed_foundation(context)
    demo.seed(context)
    db.session.commit()
    letters = list(db.session.scalars(db.select(Letter)))
    states = {letter.status for letter in letters}
    assert {LetterStatus.SUBMITTED, LetterStatus.ASSIGNED, LetterStatus.ANSWERED, LetterStatus.CLOSED,
            LetterStatus.REJECTED} <= states
    assert any(letter.overdue for letter in letters)
    assert any(letter.deadline_state == "warning" for letter in letters)
    assert any(letter.published and letter.rating for letter in letters)
    assert services.pending_extensions()
    html = client.get("/letters/?q=公积金").get_data(as_text=True)
    assert "租房提取住房公积金" in html
    for letter in letters:
        assert letter.phone not in client.get("/letters/").get_data(as_text=True)
