"""Fixtures of the letters tests: a submitted letter and helpers that move it along."""
from __future__ import annotations

import pytest

from interact.extensions import db as _db
from interact.letters import services
from interact.letters.models import LetterChannel, LetterKind


def letter_input(**overrides) -> services.LetterInput:
    values = dict(
        channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION,
        title="住房公积金提取需要什么材料", body="我想提取住房公积金用于支付房租，请问需要准备哪些材料？联系电话13812345678。",
        name="张三丰", phone="13812345678", email="zhang@example.com", publish_consent=True,
    )
    values.update(overrides)
    return services.LetterInput(**values)


@pytest.fixture
def submit(app):
    """Submit a letter through the service; returns ``(letter, code)``."""

    def make(**overrides):
        result = services.submit_letter(letter_input(**overrides))
        _db.session.commit()
        return result.letter, result.query_code

    return make


@pytest.fixture
def assigned(submit, roles):
    """A letter routed to department A (handler_a's)."""

    def make(**overrides):
        letter, code = submit(**overrides)
        services.assign_letter(letter, roles.department_a.id, actor=roles.office)
        _db.session.commit()
        return letter, code

    return make


@pytest.fixture
def closed(assigned, roles):
    """A letter answered by department A and approved (published when consented)."""

    def make(publish=True, **overrides):
        letter, code = assigned(**overrides)
        services.answer_letter(letter, actor=roles.handler_a, answer_html="<p>请携带身份证和租房合同到服务大厅办理。</p>")
        services.approve_answer(letter, actor=roles.office, publish=publish and letter.publish_consent)
        _db.session.commit()
        return letter, code

    return make
