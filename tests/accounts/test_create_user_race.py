"""The admin's 创建 clicked four times at once (attack N11): one account, and the copies
get the 409 "该用户名已被使用。" that a second attempt later gets — never a 500."""
from __future__ import annotations

import sqlalchemy as sa

from interact.accounts import services
from interact.accounts.models import User
from tests.accounts.test_session_races import racing_app  # noqa: F401 - fixture
from tests.staff_races import count, hold_together, make_staff, post_copies

FORM = {"username": "racer01", "display_name": "并发测试", "roles": "office", "department_id": "", "password": "Abcd1234!x"}


def test_a_user_created_four_times_at_once_is_created_once(racing_app, monkeypatch):
    admin_id = make_staff(racing_app, "admin", "admin")
    # Every copy waits after the checks, before its insert: all of them found the name free.
    hold_together(monkeypatch, services, "hash_password", 4)
    texts: list[str] = []
    statuses = post_copies(racing_app, admin_id, "/staff/users/new", FORM, 4, texts)
    assert sorted(statuses) == [302, 409, 409, 409], statuses
    assert all("该用户名已被使用" in t for s, t in zip(statuses, texts) if s == 409)
    assert count(racing_app, sa.select(User.id).where(User.username == "racer01")) == 1


def test_the_same_user_created_again_later_gets_the_same_answer(racing_app):
    admin_id = make_staff(racing_app, "admin", "admin")
    first, second = (post_copies(racing_app, admin_id, "/staff/users/new", FORM, 1)[0] for _ in range(2))
    assert (first, second) == (302, 409)
