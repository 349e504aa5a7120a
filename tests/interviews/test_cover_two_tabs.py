"""The 编辑访谈 form opened in two tabs, a new cover chosen in each: the second save does not
throw away, unseen, the cover the first one just put up. It is refused (409) with what was
typed kept and the page showing the current cover, and goes through when sent again. The
same form sent twice (a double click without JavaScript, also at the same instant) stores
its cover once and records one event."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from interact.core import clock
from interact.core.models import AuditEvent, StoredFile
from interact.interviews import services
from interact.interviews.models import Interview
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.interviews.conftest import png_bytes, upload
from tests.staff_races import gjj_office_and_handler, post_copies

_SHOWN = re.compile(r'name="cover_shown" type="hidden" value="(\d*)"')
_TOKEN = re.compile(r'name="token" type="hidden" value="([0-9a-f]+)"')


def _files_on_disk(app) -> int:
    return sum(1 for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file())


def _opened(client, url: str) -> dict[str, str]:
    """The hidden fields of the edit form as a tab opened now has them."""
    html = client.get(url).get_data(as_text=True)
    return {"token": _TOKEN.search(html).group(1), "cover_shown": _SHOWN.search(html).group(1)}


def _form(interview: Interview, opened: dict[str, str], topic: str, colour: tuple[int, int, int]) -> dict:
    start = clock.to_local(interview.scheduled_start)
    return {"topic": topic, "department_id": str(interview.department_id), "host": "主持人",
            "scheduled_start": f"{start:%Y-%m-%d %H:%M}", "duration_minutes": "60", "introduction": "",
            "cover": (io.BytesIO(png_bytes(colour)), "cover.png"), **opened}


def _events(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "interview.updated"))


def test_a_cover_put_up_in_another_tab_is_not_replaced_unseen(client, auth, roles, db, app, make_interview):
    interview = make_interview()
    auth.login(roles.handler_a)
    url = f"/staff/interviews/{interview.id}/edit"
    first_tab, second_tab = _opened(client, url), _opened(client, url)
    assert client.post(url, data=_form(interview, first_tab, interview.topic, (0, 90, 0))).status_code == 302
    db.session.expire_all()
    put_up = interview.cover_id
    assert put_up is not None and _files_on_disk(app) == 1

    refused = client.post(url, data=_form(interview, second_tab, "就业创业政策解读（第二期）", (0, 0, 90)))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "封面刚刚已在另一个页面更换" in html and "就业创业政策解读（第二期）" in html  # what was typed is kept
    db.session.expire_all()
    assert interview.cover_id == put_up and interview.topic != "就业创业政策解读（第二期）"
    assert _files_on_disk(app) == 1  # the refused picture is not kept

    # The page now shows the current cover; choosing the picture again replaces it.
    again = {"token": _TOKEN.search(html).group(1), "cover_shown": _SHOWN.search(html).group(1)}
    assert again["cover_shown"] == str(put_up)
    assert client.post(url, data=_form(interview, again, "就业创业政策解读（第二期）", (0, 0, 90))).status_code == 302
    db.session.expire_all()
    assert interview.cover_id != put_up and interview.topic == "就业创业政策解读（第二期）"
    assert _files_on_disk(app) == 1  # the replaced cover went with its row


def test_an_edit_with_a_new_cover_sent_twice_stores_it_once(client, auth, roles, db, app, make_interview):
    interview = make_interview()
    auth.login(roles.handler_a)
    url = f"/staff/interviews/{interview.id}/edit"
    opened = _opened(client, url)
    for _ in range(2):
        assert client.post(url, data=_form(interview, opened, "就业创业政策解读", (0, 90, 0))).status_code == 302
    assert _events(db) == 1
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 1 and _files_on_disk(app) == 1


def test_two_tabs_saving_new_covers_at_once_put_up_one(racing_app):
    def build():
        department, _office, handler = gjj_office_and_handler()
        interview = services.create_interview(services.InterviewData(
            topic="就业创业政策解读", department_id=department.id, host="主持人",
            scheduled_start=clock.now().replace(microsecond=0) + timedelta(days=5), duration_minutes=60),
            actor=handler, cover=upload(png_bytes(), "first.png"))
        services.db.session.commit()
        return handler.id, interview.id

    handler_id, interview_id = in_app(racing_app, build)
    interview = in_app(racing_app, lambda: services.db.session.get(Interview, interview_id))
    shown = str(interview.cover_id)
    texts: list[str] = []
    statuses = post_copies(racing_app, handler_id, f"/staff/interviews/{interview_id}/edit", lambda n: _form(
        interview, {"token": f"{n}" * 32, "cover_shown": shown}, "就业创业政策解读", (n * 90, 0, 0)), 2, texts)
    assert sorted(statuses) == [302, 409], statuses
    assert "封面刚刚已在另一个页面更换" in texts[statuses.index(409)]
    assert _files_on_disk(racing_app) == 1
