"""Fixtures for the survey tests: collections in every phase built through the services."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from interact.core import clock
from interact.questionnaires import services as qs
from interact.questionnaires.models import QuestionKind
from interact.surveys import services, workflow
from interact.surveys.models import CollectionKind, CollectionStatus

BADINPUT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "badinput"


def local(y, m, d, h=9, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=clock.LOCAL_TZ)


def add_standard_questions(questionnaire, actor):
    """Single choice with "other", multiple (1–2), rating, long text (optional)."""
    single = qs.add_question(questionnaire, qs.QuestionData(
        kind=QuestionKind.SINGLE, text="您的年龄段", options=["18岁以下", "18–45岁", "46岁以上"], allow_other=True,
    ), actor=actor)
    multiple = qs.add_question(questionnaire, qs.QuestionData(
        kind=QuestionKind.MULTIPLE, text="您最关心哪些方面", options=["价格", "距离", "服务"],
        min_choices=1, max_choices=2,
    ), actor=actor)
    rating = qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.RATING, text="总体满意度"), actor=actor)
    text = qs.add_question(questionnaire, qs.QuestionData(
        kind=QuestionKind.LONG_TEXT, text="其他建议", required=False), actor=actor)
    return single, multiple, rating, text


@pytest.fixture
def make_collection(db, roles, frozen):
    """Create (and by default publish) a collection of department A.

    Times are Beijing wall-clock tuples; the clock is set to ``created`` while building and
    left there.
    """

    def make(*, start=(2026, 3, 1), end=(2026, 3, 31, 18), created=(2026, 2, 20), kind=CollectionKind.BOTH,
             publish=True, department=None, questions=True, **extra):
        frozen(*created)
        data = services.CollectionData(
            title=extra.pop("title", "关于《示范市公共停车场收费管理办法（征求意见稿）》公开征求意见"),
            summary="请就停车收费标准、优惠时段等提出意见。", body="<p>征求意见稿全文见附件。</p>",
            kind=kind, starts_at=local(*start), ends_at=local(*end),
            department_id=(department or roles.department_a).id, **extra,
        )
        collection = services.create_collection(data, actor=roles.office)
        if questions and collection.questionnaire is not None:
            add_standard_questions(collection.questionnaire, roles.office)
        if publish:
            workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
        db.session.commit()
        return collection

    return make


def answers_for(questionnaire, single=0, multiple=(0,), rating=4, text="", other=None):
    """Form-shaped answers for the standard questions (option indexes, not ids)."""
    q_single, q_multiple, q_rating, q_text = questionnaire.questions
    raw = {
        q_single.field_name: ["other"] if other else [str(q_single.options[single].id)],
        q_multiple.field_name: [str(q_multiple.options[i].id) for i in multiple],
        q_rating.field_name: [str(rating)],
        q_text.field_name: [text],
    }
    if other:
        raw[q_single.other_field_name] = [other]
    return raw


def badinput_lines(name: str, limit: int = 40) -> list[str]:
    path = BADINPUT / name
    if not path.exists():
        pytest.skip(f"bad-input data set {name} not available")
    lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    return [line for line in lines if line and not line.startswith("#")][:limit]
