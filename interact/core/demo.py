"""Demo data of core: the office's sensitive-word list."""
from __future__ import annotations

from interact.core.models import SensitiveWord, SensitiveWordLevel
from interact.extensions import db

SENSITIVE_WORDS = [
    ("代开发票", SensitiveWordLevel.BLOCK, "广告"),
    ("刷单", SensitiveWordLevel.BLOCK, "广告"),
    ("傻逼", SensitiveWordLevel.REVIEW, "辱骂"),
    ("滚蛋", SensitiveWordLevel.REVIEW, "辱骂"),
    ("机密文件", SensitiveWordLevel.REVIEW, "涉密"),
]


def seed(context: dict) -> None:
    for word, level, category in SENSITIVE_WORDS:
        db.session.add(SensitiveWord(word=word, level=level, category=category))
    db.session.flush()
