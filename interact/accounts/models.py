"""Staff and citizen accounts with roles."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interact.core import clock
from interact.core.enums import LabeledEnum
from interact.db import TimestampMixin, str_enum
from interact.departments.models import Department
from interact.extensions import db


class Role(LabeledEnum):
    ADMIN = "admin", "系统管理员"
    OFFICE = "office", "办公室（政务办）"
    HANDLER = "handler", "部门办理人"
    CURATOR = "curator", "知识库管理员"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), primary_key=True)


class User(UserMixin, TimestampMixin, db.Model):
    """A staff member (log-in by username) or a citizen (log-in by phone or e-mail)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Staff log-in name; NULL for citizens.
    username: Mapped[Optional[str]] = mapped_column(sa.String(40), unique=True)
    #: Citizens' mobile number (log-in and pre-fill); staff may leave it empty.
    phone: Mapped[Optional[str]] = mapped_column(sa.String(20), unique=True)
    email: Mapped[Optional[str]] = mapped_column(sa.String(120), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(40), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: Staff accounts see the workspace and time out when idle.
    is_staff: Mapped[bool] = mapped_column(default=False)
    #: Department a handler works for (required for the handler role).
    department_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: Consecutive failed log-ins; reset on success.
    failed_logins: Mapped[int] = mapped_column(default=0)
    #: Log-in refused until then after too many failures.
    locked_until: Mapped[Optional[datetime]]
    last_login_at: Mapped[Optional[datetime]]
    password_changed_at: Mapped[Optional[datetime]]
    #: Bumped on password change so other sessions of the account are logged out.
    session_token: Mapped[str] = mapped_column(sa.String(32), default="")

    department: Mapped[Optional[Department]] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @property
    def is_locked(self) -> bool:
        """Locked out after too many failed log-ins, and the lock has not run out yet."""
        return self.locked_until is not None and self.locked_until > clock.now()

    def has_role(self, role: Role | str) -> bool:
        role = Role(role) if isinstance(role, str) else role
        return self.is_staff and self.active and role in self.roles

    def set_roles(self, roles: set[Role]) -> None:
        current = {row.role: row for row in self.role_rows}
        for role in set(current) - roles:
            self.role_rows.remove(current[role])
        for role in roles - set(current):
            self.role_rows.append(UserRole(role=role))

    @property
    def role_labels(self) -> list[str]:
        return [r.label for r in Role if r in self.roles]

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        # Including the session token invalidates old sessions after a password change.
        return f"{self.id}:{self.session_token}"

    @property
    def label(self) -> str:
        return self.display_name or self.username or self.phone or self.email or f"用户{self.id}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username or self.phone or self.email}>"


class LoginFailure(db.Model):
    """One failed log-in, for throttling (:mod:`interact.accounts.throttle`).

    Kept for the throttling window only (the ``accounts.purge_login_failures`` job). The
    account is stored as a keyed hash of what was typed, so unknown and known accounts are
    counted alike and no phone number or e-mail address is kept.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        sa.Index("ix_login_failures_account_at", "account_key", "at"),
        sa.Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    #: HMAC-SHA256 of the normalised identifier typed in the log-in form.
    account_key: Mapped[str] = mapped_column(sa.String(64))
    #: The client's address (after the trusted proxies).
    address: Mapped[str] = mapped_column(sa.String(45))


class VerificationCode(db.Model):
    """A one-time code sent to prove a phone number or e-mail address
    (:mod:`interact.accounts.verification`): for registering (``register``) or for setting a
    new password (``reset``).

    The code is kept only as a keyed hash; the row is void after :attr:`expires_at`, after
    too many wrong tries, once used, or once a newer code for the same request was sent
    (``ended_at``). The number or address itself (``target``) and the chosen name are kept
    only while the code can be used, then blanked by the ``accounts.purge_codes`` job; the
    rows themselves (a keyed hash of the number and the client's address, for the limits per
    number and per address) go after a day.
    """

    __tablename__ = "verification_codes"
    __table_args__ = (
        sa.Index("ix_verification_codes_key_at", "identifier_key", "created_at"),
        sa.Index("ix_verification_codes_address_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    #: ``sms`` or ``email``.
    channel: Mapped[str] = mapped_column(sa.String(8))
    #: HMAC-SHA256 of the normalised number or address (limits per identifier).
    identifier_key: Mapped[str] = mapped_column(sa.String(64))
    #: The normalised number or address, while the code can be used; then NULL.
    target: Mapped[Optional[str]] = mapped_column(sa.String(254))
    #: Registration: the name the citizen typed, until the account exists.
    display_name: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Keyed hash of the code (a random code that was never sent when the message said
    #: "already registered" or "no account": no code matches it).
    code_hash: Mapped[str] = mapped_column(sa.String(96))
    #: The account a reset code is for (NULL: registering, or no account to reset).
    user_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(sa.String(45))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    #: Used, voided by wrong tries or replaced by a newer code.
    ended_at: Mapped[Optional[datetime]]
