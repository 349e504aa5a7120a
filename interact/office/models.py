"""Tables of the office: the monthly inspection reports (政府网站普查/监测)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from interact.db import TimestampMixin
from interact.extensions import db

#: The verdicts of a check — a line of the compliance dashboard or an item of the monthly
#: report — their names and tag colours (``tag-<tone>``), in one place for both.
CHECK_STATUS_LABELS = {"ok": "通过", "warn": "需关注", "fail": "不通过", "missing": "模块未安装"}
CHECK_TONES = {"ok": "green", "warn": "amber", "fail": "red", "missing": "muted"}


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
    def checks(self) -> list[dict[str, Any]]:
        """The stored items, each with its verdict's name and tag colour (``status_label``,
        ``status_tone``) from the model, not a table in the page."""
        return [{**item, "status_label": CHECK_STATUS_LABELS.get(item["status"], item["status"]),
                 "status_tone": CHECK_TONES.get(item["status"], "muted")} for item in self.items]

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [item for item in self.items if item["status"] == "fail"]

    @property
    def passed(self) -> bool:
        return not self.failed
