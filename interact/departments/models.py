"""Departments (city → department / district → office) and addressable leaders."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from interact.core.enums import LabeledEnum
from interact.db import TimestampMixin, str_enum
from interact.extensions import db


class DepartmentKind(LabeledEnum):
    CITY = "city", "市政府"  # 市人民政府 (the root)
    DEPARTMENT = "department", "市直部门"
    DISTRICT = "district", "区县"
    OFFICE = "office", "科室/街道"  # 内设科室 / 街道


class Department(TimestampMixin, db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Full official name, e.g. 市人力资源社会保障局.
    name: Mapped[str] = mapped_column(sa.String(80))
    #: Short unique code used in letter numbers and exports (e.g. RSJ).
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[DepartmentKind] = mapped_column(str_enum(DepartmentKind, 16), default=DepartmentKind.DEPARTMENT)
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    #: Public contact details shown to citizens.
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    office_hours: Mapped[str] = mapped_column(sa.String(120), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Inactive departments keep their history but cannot receive new work.
    active: Mapped[bool] = mapped_column(default=True, index=True)
    sort_order: Mapped[int] = mapped_column(default=100)

    parent: Mapped[Optional["Department"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Department"]] = relationship(back_populates="parent", order_by="Department.sort_order")
    leaders: Mapped[list["Leader"]] = relationship(back_populates="department", order_by="Leader.sort_order")

    @property
    def kind_label(self) -> str:
        return self.kind.label

    def __repr__(self) -> str:
        return f"<Department {self.code} {self.name}>"


class Leader(TimestampMixin, db.Model):
    """A leader who can be written to through the leader mailbox (领导信箱)."""

    __tablename__ = "leaders"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    #: Position, e.g. 市长, 副市长, 局长.
    title: Mapped[str] = mapped_column(sa.String(60))
    #: Duties shown on the mailbox page (分管工作).
    duties: Mapped[str] = mapped_column(sa.Text, default="")
    #: Whether citizens can address letters to this leader.
    in_mailbox: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=100)

    department: Mapped[Department] = relationship(back_populates="leaders")

    @property
    def label(self) -> str:
        return f"{self.title} {self.name}"
