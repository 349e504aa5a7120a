"""添加嘉宾 clicked several times at once (attack H8): tried from outside, three copies of the
form listed the same guest "副主任 并发嘉宾" three times on the public interview page. One
guest per person and post now: the copies check one after the other and the later ones
get the same 409 as a click after the page came back; another post of the same person is
accepted."""
from __future__ import annotations

import sqlalchemy as sa

from interact.interviews import services
from interact.interviews.models import InterviewGuest, InterviewStatus
from tests.accounts.test_session_races import racing_app  # noqa: F401 - fixture
from tests.interviews.test_double_actions import _interview
from tests.staff_races import count, meet, post_copies


def test_a_guest_added_three_times_at_once_is_listed_once(racing_app, monkeypatch):
    interview_id, handler_id = _interview(racing_app, InterviewStatus.ANNOUNCED)
    meet(monkeypatch, services, "_store_image", 3)  # after the check for the same guest, before the insert
    texts: list[str] = []
    statuses = post_copies(racing_app, handler_id, f"/staff/interviews/{interview_id}/guests",
                           {"name": "郑文涛", "title": "副主任"}, 3, texts)
    assert sorted(statuses) == [302, 409, 409]
    assert "本场访谈已有嘉宾“副主任 郑文涛”" in texts[statuses.index(409)]
    assert count(racing_app, sa.select(InterviewGuest).where(InterviewGuest.interview_id == interview_id,
                                                            InterviewGuest.name == "郑文涛")) == 1


def test_the_same_guest_again_is_refused_and_another_post_accepted(client, auth, make_interview, roles):
    interview = make_interview(InterviewStatus.ANNOUNCED, guests=0)
    auth.login(roles.office)
    url = f"/staff/interviews/{interview.id}/guests"
    assert client.post(url, data={"name": "郑文涛", "title": "副主任"}).status_code == 302
    again = client.post(url, data={"name": "郑文涛", "title": "副主任"})
    assert again.status_code == 409 and "本场访谈已有嘉宾“副主任 郑文涛”" in again.get_data(as_text=True)
    assert client.post(url, data={"name": "郑文涛", "title": "主任"}).status_code == 302
    assert [(g.title, g.name) for g in interview.guests] == [("副主任", "郑文涛"), ("主任", "郑文涛")]
