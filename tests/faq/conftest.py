"""Fixtures of the FAQ tests: a small knowledge base written for the tests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from interact.faq import services

#: ``<repo>/../shared/data/badinput`` (CI clones the repo with shared/ beside it).
BADINPUT = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "badinput"


def badinput_lines(name: str) -> list[str]:
    path = BADINPUT / name
    if not path.exists():
        pytest.skip(f"bad-input data set {name} not available")
    if name.endswith(".json"):
        return [s for s in json.loads(path.read_text(encoding="utf-8")) if isinstance(s, str)]
    return [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]


KB = [
    ("住房公积金怎么提取？", ["公积金提取需要什么材料", "怎样把住房公积金取出来"], "<p>带身份证到公积金中心办理提取。</p>"),
    ("社保卡丢了怎么补办？", ["社会保障卡遗失了怎么办", "社保卡补卡流程"], "<p>先挂失，再到银行网点补卡。</p>"),
    ("居住证怎么办理？", ["外地人怎么办居住证", "居住证申领需要什么材料"], "<p>到居住地派出所申请。</p>"),
    ("义务教育入学怎么报名？", ["孩子上小学怎么报名", "小学报名流程"], "<p>在入学报名系统中登记。</p>"),
    ("结婚登记需要带什么材料？", ["领结婚证需要什么", "婚姻登记要带哪些证件"], "<p>双方带身份证和户口簿。</p>"),
    ("生活垃圾怎么分类？", ["垃圾分几类", "厨余垃圾和其他垃圾怎么区分"], "<p>分为可回收物、有害垃圾、厨余垃圾和其他垃圾。</p>"),
]


@pytest.fixture
def make_entry(db, roles):
    def make(question, answer="<p>答案。</p>", phrasings=(), *, department=None, publish=True, actor=None,
             keywords=(), category_id=None):
        actor = actor or roles.curator
        entry = services.create_entry(
            services.EntryData(question=question, answer_html=answer, phrasings=list(phrasings),
                               department_id=department.id if department else None, keywords=list(keywords),
                               category_id=category_id),
            actor=actor,
        )
        if publish:
            services.publish_entry(entry, actor=actor)
        db.session.commit()
        return entry

    return make


@pytest.fixture
def kb(make_entry, roles):
    """Six published entries; the first belongs to department B (公积金中心)."""
    entries = []
    for number, (question, phrasings, answer) in enumerate(KB):
        entries.append(make_entry(question, answer, phrasings, department=roles.department_b if number == 0 else None))
    return entries


@pytest.fixture
def dept_curator(make_user, roles):
    """A curator bound to department A."""
    return make_user("curator", department=roles.department_a, username="curator_a")
