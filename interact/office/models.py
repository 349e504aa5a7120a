"""Tables of the office: the monthly inspection reports (政府网站普查/监测)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from interact.db import TimestampMixin
from interact.extensions import db


class InspectionReport(TimestampMixin, db.Model):
    """The interaction column's inspection checks for one month, as drafted (by the job on
    the first working day of the next month, or by the office) and refreshed on request."""

    __tablename__ = "inspection_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``YYYY-MM`` (Beijing time).
    month: Mapped[str] = mapped_column(sa.String(7), unique=True)
    #: The checks as computed: ``[{key, label, status, value, note, definition, veto,
    #: evidence: [{text, endpoint, args}], more}]`` (see ``office.inspection``).
    items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    #: When the checks were computed (they describe the state at that moment).
    computed_at: Mapped[datetime]
    #: Who drafted or last refreshed it; NULL for the scheduler.
    computed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [item for item in self.items if item["status"] == "fail"]

    @property
    def passed(self) -> bool:
        return not self.failed
