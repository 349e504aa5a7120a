"""Demo users: one per role, with the departments of :mod:`interact.departments.demo`
(written for this project; names are fictional)."""
from __future__ import annotations

from interact.accounts.models import Role, User
from interact.accounts.services import _set_password
from interact.extensions import db

DEMO_PASSWORD = "demo2026"

#: (username, password, what to try) — printed by ``make run``.
DEMO_LOGINS = [
    ("admin", DEMO_PASSWORD, "系统管理员 admin"),
    ("office", DEMO_PASSWORD, "办公室 office"),
    ("rsj", DEMO_PASSWORD, "办理人·市人力资源社会保障局"),
    ("gjj", DEMO_PASSWORD, "办理人+知识库·市住房公积金管理中心"),
    ("jyj", DEMO_PASSWORD, "办理人·市教育局"),
    ("curator", DEMO_PASSWORD, "知识库管理员 curator"),
    ("13800000000", DEMO_PASSWORD, "市民账号（可选）"),
]


def seed(context: dict) -> None:
    departments = context["departments"]
    users = {}
    for username, display_name, roles, department_code in [
        ("admin", "系统管理员", {Role.ADMIN}, None),
        ("office", "办公室 王敏", {Role.OFFICE}, None),
        ("rsj", "人社局 张伟", {Role.HANDLER}, "RSJ"),
        ("gjj", "公积金中心 赵丽", {Role.HANDLER, Role.CURATOR}, "GJJ"),
        ("jyj", "教育局 孙强", {Role.HANDLER}, "JYJ"),
        ("curator", "知识库 钱芳", {Role.CURATOR}, None),
    ]:
        user = User(username=username, display_name=display_name, is_staff=True, password_hash="",
                    email=f"{username}@example.gov.cn",
                    department=departments[department_code] if department_code else None)
        user.set_roles(roles)
        db.session.add(user)
        _set_password(user, DEMO_PASSWORD)
        users[username] = user
    citizen = User(phone="13800000000", email="citizen@example.com", display_name="市民小王",
                   is_staff=False, password_hash="")
    db.session.add(citizen)
    _set_password(citizen, DEMO_PASSWORD)
    users["citizen"] = citizen
    db.session.flush()
    context.update(users=users)
