"""Fixtures of the interview tests: interviews in each state, guests, small files."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from interact.core import clock
from interact.interviews import services, workflow
from interact.interviews.models import InterviewStatus


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def mp4_bytes(size: int = 4096) -> bytes:
    # An ISO BMFF header ("ftyp") followed by filler: enough for content-type detection.
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return head + bytes(range(256)) * (size // 256)


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def make_interview(db, roles):
    """``make_interview(status=..., department=...)``: an interview with one guest, taken
    through the workflow by the office."""

    def make(status: InterviewStatus = InterviewStatus.ANNOUNCED, department=None, start: datetime | None = None,
             topic: str = "就业创业政策解读", guests: int = 1):
        department = department or roles.department_a
        start = start or clock.now().replace(microsecond=0) + timedelta(days=5)
        interview = services.create_interview(
            services.InterviewData(topic=topic, department_id=department.id, host="主持人小林",
                                   scheduled_start=start, duration_minutes=60,
                                   introduction="<p>介绍<script>alert(1)</script></p>"),
            actor=roles.office,
        )
        for n in range(guests):
            services.add_guest(interview, name=f"嘉宾{n + 1}", title="局长", actor=roles.office)
        path = [InterviewStatus.ANNOUNCED, InterviewStatus.LIVE, InterviewStatus.ENDED, InterviewStatus.ARCHIVED]
        if status is not InterviewStatus.DRAFT:
            for step in path[: path.index(status) + 1]:
                workflow.transition(interview, step, roles.office)
        db.session.commit()
        return interview

    return make


@pytest.fixture
def live_interview(make_interview):
    return make_interview(InterviewStatus.LIVE)
