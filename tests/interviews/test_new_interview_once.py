"""新建访谈 sent several times (attack H8: three clicks at once made three identical
interviews): one form is one draft — a later copy of the same form and copies that arrive
at the same instant land on the draft the first created, and its cover is stored once. A
new form (a new token) is a new draft."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from interact.core.errors import Conflict
from interact.core.models import StoredFile
from interact.interviews import services
from interact.interviews.models import Interview, InterviewEvent, InterviewStatus
from tests.accounts.test_session_races import in_app, racing_app  # noqa: F401 - fixture
from tests.interviews.conftest import png_bytes
from tests.staff_races import clicks_at_once, count, gjj_office_and_handler, sent_twice

URL = "/staff/interviews/new"


def _form(token: str, department_id: int, cover: bool = False) -> dict:
    data = {"topic": "2026年高校毕业生就业政策解读", "department_id": str(department_id), "host": "主持人",
            "scheduled_start": "2026-06-18 15:00", "duration_minutes": "90", "introduction": "<p>简介</p>",
            "token": token}
    if cover:
        data["cover"] = (io.BytesIO(png_bytes()), "cover.png")
    return data


def _files_on_disk(app) -> int:
    return sum(1 for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file())


def test_the_same_form_sent_twice_makes_one_interview(client, auth, roles, db, app):
    auth.login(roles.handler_a)
    sent_twice(client, URL, lambda token: _form(token, roles.department_a.id, cover=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterviewEvent)) == 1  # one 创建
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 1  # one cover
    assert _files_on_disk(app) == 1
    # Another form (its own token) is another interview.
    assert client.post(URL, data=_form("f" * 32, roles.department_a.id)).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Interview)) == 2


def test_a_form_token_is_not_another_users_interview(app, roles, db):
    data = services.InterviewData(topic="就业政策解读", department_id=roles.department_a.id, host="主持人",
                                  scheduled_start=services.clock.now(), duration_minutes=60, introduction="")
    services.create_interview(data, actor=roles.handler_a, form_token="a" * 32)
    with pytest.raises(Conflict, match="该表单已被他人使用"):
        services.create_interview(data, actor=roles.office, form_token="a" * 32)


def test_three_clicks_at_once_make_one_interview(racing_app, monkeypatch):
    def build():
        department, _office, handler = gjj_office_and_handler()
        services.db.session.commit()
        return handler.id, department.id

    handler_id, department_id = in_app(racing_app, build)
    clicks_at_once(racing_app, monkeypatch, handler_id, URL, lambda n: _form("c" * 32, department_id, cover=True),
                   Interview)
    assert count(racing_app, sa.select(Interview.id)) == 1
    assert count(racing_app, sa.select(InterviewEvent.id)) == 1
    assert count(racing_app, sa.select(StoredFile.id)) == 1
    assert _files_on_disk(racing_app) == 1


def test_a_picture_form_sent_twice_adds_one_picture(db, client, auth, roles, make_interview, app):
    interview = make_interview(status=InterviewStatus.LIVE)
    auth.login(roles.handler_a)
    console = client.get(f"/staff/interviews/{interview.id}/console").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"><input type="hidden" name="back"', console)
    assert token is not None  # the console's 图片直播 form carries its own token
    for _ in range(2):
        response = client.post(f"/staff/interviews/{interview.id}/images", data={
            "image": (io.BytesIO(png_bytes()), "photo.png"), "caption": "访谈现场", "back": "console",
            "token": token.group(1)}, content_type="multipart/form-data")
        assert response.status_code == 302
    db.session.expire_all()
    assert [image.caption for image in interview.images] == ["访谈现场"]
    assert _files_on_disk(app) == db.session.scalar(sa.select(sa.func.count(StoredFile.id)))


def test_removed_or_replaced_files_go_with_their_rows(db, roles, make_interview, app):
    from tests.interviews.conftest import mp4_bytes, upload

    interview = make_interview(status=InterviewStatus.ENDED, guests=0)
    guest = services.add_guest(interview, name="郑文涛", title="副局长", photo=upload(png_bytes(), "guest.png"),
                               actor=roles.office)
    image = services.add_image(interview, upload(png_bytes((0, 90, 0)), "scene.png"), caption="访谈现场",
                               actor=roles.office)
    for name in ("first.mp4", "second.mp4"):  # the second video replaces the first
        services.update_archive(interview, summary="", video_url="", video=upload(mp4_bytes(), name),
                                actor=roles.office)
    db.session.commit()
    assert _files_on_disk(app) == 3  # photo, picture, the video in use
    services.remove_image(interview, image.id, actor=roles.office)
    services.remove_guest(interview, guest.id, actor=roles.office)
    services.update_archive(interview, summary="", video_url="", remove_video=True, actor=roles.office)
    db.session.commit()
    assert _files_on_disk(app) == 0
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0
