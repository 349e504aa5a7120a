"""Account rules: authentication with lock-out, passwords, staff and citizen accounts."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from interact.accounts.models import Role, User
from interact.accounts import throttle
from interact.core import atomic, audit, clock, notify, sessions
from interact.core.errors import Conflict, DomainError, InvalidInput
from interact.core.lookup import get_or_404
from interact.core.permissions import ensure_role
from interact.core.privacy import normalize_mobile
from interact.departments.models import Department
from interact.extensions import db

audit.register_actions({
    "user.login": "登录", "user.login_failed": "登录失败", "user.created": "创建用户", "user.updated": "修改用户",
    "user.registered": "市民注册", "user.registered_again": "以已注册的手机号或邮箱再次注册",
    "user.activated": "启用用户", "user.deactivated": "停用用户", "user.locked": "锁定账号",
    "user.unlocked": "解除锁定", "user.password_changed": "修改密码", "user.password_reset": "重置密码",
}, targets={"user": "用户"})

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{2,39}$")


class LoginFailed(DomainError):
    status_code = 401


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_strength(password: str) -> None:
    if len(password or "") < 8 or len(password) > 128:
        raise InvalidInput("密码长度应为 8–128 位。", fields={"password": "密码长度应为 8–128 位"})
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise InvalidInput("密码须同时包含字母和数字。", fields={"password": "须同时包含字母和数字"})


def find_login(identifier: str) -> User | None:
    """Staff log in by username; citizens by mobile number or e-mail."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    mobile = normalize_mobile(identifier)
    if mobile:
        condition = User.phone == mobile
    elif "@" in identifier:
        condition = sa_lower(User.email) == identifier.lower()
    else:
        condition = User.username == identifier
    return db.session.scalar(db.select(User).where(condition))


def sa_lower(column):
    return db.func.lower(column)


#: The one answer to a wrong password, an unknown account and a locked account whose
#: password was wrong: log-in tells nobody which accounts exist.
LOGIN_FAILED = "账号或密码错误。"


def authenticate(identifier: str, password: str, *, address: str) -> User:
    """Check credentials; a failure is counted for throttling and may lock the account.

    Unknown accounts cost the same password hashing and the same writes as known ones and
    get the same message. Only someone who typed the right password learns that the
    account is locked or deactivated. An account is locked only by a distributed attack
    (:func:`interact.accounts.throttle.distributed_attack`), never by one stranger.

    :param address: the client's address, for throttling.
    :raises LoginFailed: with a message that reveals nothing to a stranger.
    """
    user = find_login(identifier)
    password_ok = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password or "")
    if user is not None and password_ok:
        if user.is_locked:
            raise LoginFailed("该账号因多次登录失败已被临时锁定，请稍后再试或联系管理员解锁。")
        if not user.active:
            raise LoginFailed("该账号已停用，请联系管理员。")
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = clock.now()
        throttle.clear_account(identifier)
        audit.record("user.login", "user", user.id, actor=user)
        db.session.flush()
        return user
    throttle.record_failure(identifier, address)
    if user is not None:
        user.failed_logins += 1
        audit.record("user.login_failed", "user", user.id)
        if not user.is_locked and throttle.distributed_attack(identifier):
            _lock(user)
    db.session.flush()
    raise LoginFailed(LOGIN_FAILED)


def _lock(user: User) -> None:
    """Lock an account under a distributed attack; the office and administrators are told."""
    user.locked_until = clock.now() + throttle.LOCK_DURATION
    minutes = int(throttle.LOCK_DURATION.total_seconds() // 60)
    audit.record("user.locked", "user", user.id,
                 note=f"一小时内来自多个地址的登录失败过多，锁定 {minutes} 分钟")
    # Named by log-in name or number, never by a citizen's phone or e-mail address.
    who = f"“{user.username}”" if user.username else f"市民账号 #{user.id}"
    recipients = users_with_role(Role.OFFICE) + users_with_role(Role.ADMIN)
    notify.notify(
        recipients, kind="user.locked", title=f"账号{who}因多次登录失败已被临时锁定",
        body=(f"一小时内有来自 {throttle.LOCK_ADDRESSES} 个以上地址的登录失败，账号已锁定 {minutes} 分钟。"
              "如确认是本人，可在“用户管理”中解锁。"),
        url="/staff/users" if user.is_staff else None,
        dedup_key=f"user.locked:{user.id}:{user.locked_until.isoformat()}",
    )


_dummy_hash_cache: list[str] = []


def _dummy_hash() -> str:
    if not _dummy_hash_cache:
        _dummy_hash_cache.append(hash_password(secrets.token_hex(8)))
    return _dummy_hash_cache[0]


def change_password(user: User, old_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, old_password or ""):
        raise InvalidInput("原密码不正确。", fields={"old_password": "原密码不正确"})
    if old_password == new_password:
        raise InvalidInput("新密码不能与原密码相同。", fields={"new_password": "不能与原密码相同"})
    check_password_strength(new_password)
    _set_password(user, new_password)
    audit.record("user.password_changed", "user", user.id, actor=user)


def _set_password(user: User, password: str) -> None:
    _set_password_hash(user, hash_password(password))


def _set_password_hash(user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    user.password_changed_at = clock.now()
    _end_sessions(user)


def _end_sessions(user: User) -> None:
    """Log the account out everywhere: its stored sessions go, and a new session token
    makes any session still holding the old one unusable."""
    user.session_token = secrets.token_hex(8)
    if user.id is not None:
        sessions.end_user_sessions(user.id)
    db.session.flush()


def log_out_everywhere(user: User) -> None:
    """A log-out whose session record the store could not delete (Redis did not answer):
    the record may open again once the store is back, so the account's sessions end by a
    new session token instead, this one and any other."""
    _end_sessions(user)


@dataclass
class StaffData:
    username: str
    display_name: str
    roles: set[Role]
    department_id: int | None = None
    email: str | None = None
    phone: str | None = None


def _check_staff_data(data: StaffData, user: User | None) -> None:
    if not _USERNAME.match(data.username or ""):
        raise InvalidInput(
            "用户名须以字母开头，由 3–40 位字母、数字、下划线、点或减号组成。",
            fields={"username": "格式不正确"},
        )
    clash = db.session.scalar(db.select(User).where(User.username == data.username))
    if clash is not None and clash is not user:
        raise Conflict("该用户名已被使用。", fields={"username": "已被使用"})
    if not data.roles:
        raise InvalidInput("请至少选择一个角色。", fields={"roles": "请至少选择一个角色"})
    if Role.HANDLER in data.roles:
        if data.department_id is None:
            raise InvalidInput("部门办理人必须绑定一个部门。", fields={"department_id": "请选择部门"})
    if data.department_id is not None:
        department = db.session.get(Department, data.department_id)
        if department is None or not department.active:
            raise InvalidInput("所选部门不存在或已停用。", fields={"department_id": "部门无效"})
    # E-mail addresses compare case-insensitively, as at log-in and registration.
    for field, value, condition in (
        ("email", data.email, sa_lower(User.email) == (data.email or "").lower()),
        ("phone", data.phone, User.phone == data.phone),
    ):
        if value:
            other = db.session.scalar(db.select(User).where(condition))
            if other is not None and other is not user:
                raise Conflict("该手机号或邮箱已被其他账号使用。", fields={field: "已被使用"})


def create_staff_user(data: StaffData, password: str, *, actor) -> User:
    ensure_role(actor, "admin")
    data.email = _clean_email(data.email)
    data.phone = _clean_phone(data.phone)
    _check_staff_data(data, None)
    if not password:
        raise InvalidInput("请设置初始密码。", fields={"password": "请设置初始密码"})
    check_password_strength(password)
    user = User(
        username=data.username,
        display_name=data.display_name.strip() or data.username,
        is_staff=True,
        department_id=data.department_id,
        email=data.email,
        phone=data.phone,
        password_hash="",
    )
    user.set_roles(data.roles)
    _set_password(user, password)
    # The same form sent twice at once (a double click on 创建): the unique username (or
    # e-mail, phone) stops the copy, which gets the message the check above gives.
    with atomic.unique_or_conflict("该用户名已被使用。", fields={"username": "已被使用"},
                                   recheck=lambda: _check_staff_data(data, None)):
        db.session.add(user)
    audit.record("user.created", "user", user.id, actor=actor, note=user.label,
                 data={"roles": sorted(r.value for r in data.roles)})
    return user


def update_staff_user(user: User, data: StaffData, *, actor) -> User:
    ensure_role(actor, "admin")
    if not user.is_staff:
        raise InvalidInput("市民账号不能在此编辑。")
    data.email = _clean_email(data.email)
    data.phone = _clean_phone(data.phone)
    _check_staff_data(data, user)
    if user.id == actor.id and Role.ADMIN not in data.roles:
        raise InvalidInput("不能取消自己的管理员角色。")
    atomic.lock(user)  # saved twice at once: the second copy sees the first's changes
    before = sorted(r.value for r in user.roles)
    user.username = data.username
    user.display_name = data.display_name.strip() or data.username
    user.department_id = data.department_id
    user.email, user.phone = data.email, data.phone
    user.set_roles(data.roles)
    if not db.session.is_modified(user):
        return user  # saved again unchanged: no second event
    db.session.flush()
    audit.record("user.updated", "user", user.id, actor=actor, note=user.label,
                 data={"roles_before": before, "roles": sorted(r.value for r in data.roles)})
    return user


def reset_password(user: User, new_password: str, *, actor) -> bool:
    """The admin sets a new password (and unlocks the account); ``False`` when that changes
    nothing — the account has this password and is not locked: the same form sent again,
    or a copy sent at the same instant, records no second event and ends no more sessions.

    :raises Conflict: someone else set another password since this request loaded the account.
    """
    ensure_role(actor, "admin")
    check_password_strength(new_password)
    seen = user.password_hash
    if not user.locked_until and not user.failed_logins and check_password_hash(seen, new_password):
        return False
    password_hash = hash_password(new_password)
    if not atomic.compare_and_set(User, user.id, {"password_hash": seen}, {"password_hash": password_hash}):
        db.session.expire(user)
        if check_password_hash(user.password_hash, new_password):
            return False  # a copy of this form set it first
        raise Conflict("该账号的密码刚刚已被修改，请刷新页面后查看。")
    _set_password_hash(user, password_hash)
    user.locked_until = None
    user.failed_logins = 0
    audit.record("user.password_reset", "user", user.id, actor=actor)
    return True


def set_user_active(user: User, active: bool, *, actor) -> bool:
    """Activate or deactivate an account; ``False`` when it already is (a second click, or a
    copy sent at the same instant): no event, no sessions ended again."""
    ensure_role(actor, "admin")
    if user.id == actor.id and not active:
        raise InvalidInput("不能停用自己的账号。")
    if not atomic.compare_and_set(User, user.id, {"active": not active}, {"active": active}):
        db.session.expire(user)
        return False
    user.active = active
    _end_sessions(user)
    audit.record("user.activated" if active else "user.deactivated", "user", user.id, actor=actor)
    return True


def unlock_user(user: User, *, actor) -> bool:
    """Lift a lock and the count of failed log-ins; ``False`` when there was none (a second
    click, or a copy sent at the same instant): no event."""
    ensure_role(actor, "admin")
    seen = {"locked_until": user.locked_until, "failed_logins": user.failed_logins}
    if seen["locked_until"] is None and not seen["failed_logins"]:
        return False
    if not atomic.compare_and_set(User, user.id, seen, {"locked_until": None, "failed_logins": 0}):
        db.session.expire(user)
        return False  # unlocked meanwhile, or a failed log-in counted meanwhile: the page shows which
    user.locked_until = None
    user.failed_logins = 0
    db.session.flush()
    audit.record("user.unlocked", "user", user.id, actor=actor)
    return True


def _clean_phone(phone: str | None) -> str | None:
    if not phone or not phone.strip():
        return None
    mobile = normalize_mobile(phone)
    if mobile is None:
        raise InvalidInput("请输入正确的11位手机号码。", fields={"phone": "手机号格式不正确"})
    return mobile


def _clean_email(email: str | None) -> str | None:
    if not email or not email.strip():
        return None
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput("请输入正确的电子邮箱地址。", fields={"email": "邮箱格式不正确"}) from None


def load_user(session_id: str) -> User | None:
    """Flask-Login loader: ``"<id>:<session token>"``."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdecimal():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def get_user(user_id: int) -> User:
    return get_or_404(User, user_id, "用户不存在。")


def staff_users() -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.is_staff.is_(True)).order_by(User.id)))


def handlers_of(department_id: int) -> list[User]:
    """Active handlers bound to a department (notification recipients)."""
    from interact.accounts.models import UserRole

    return list(
        db.session.scalars(
            db.select(User)
            .join(UserRole)
            .where(User.department_id == department_id, User.active.is_(True), UserRole.role == Role.HANDLER)
        )
    )


def users_with_role(role: Role) -> list[User]:
    """Active staff holding ``role``, in id order."""
    from interact.accounts.models import UserRole

    return list(
        db.session.scalars(
            db.select(User).join(UserRole)
            .where(User.active.is_(True), User.is_staff.is_(True), UserRole.role == role)
            .distinct().order_by(User.id)
        )
    )
