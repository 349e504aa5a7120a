"""Data a journey starts from, made through the services (as the pages' own actions would).

Each helper takes the ``stored`` fixture and returns plain values (ids, numbers), so a test
never holds a model object outside its session. What a journey is *about* is done in the
browser; these only prepare the scene (e.g. "two extension requests are pending").
"""
from __future__ import annotations

import itertools

_seq = itertools.count(1)


def _user(db, username: str):
    from interact.accounts.models import User

    return db.session.scalar(db.select(User).where(User.username == username))


def _department_id(db, name: str) -> int:
    from interact.departments.models import Department

    return db.session.scalar(db.select(Department.id).where(Department.name == name))


def routed_letter(stored, *, title: str | None = None, body: str = "请问办理流程是什么？需要准备哪些材料？",
                  department: str = "市人力资源社会保障局", publish_consent: bool = True) -> dict:
    """A citizen's letter, accepted and routed by the office to ``department``."""
    from interact.letters import services
    from interact.letters.models import LetterChannel, LetterKind

    title = title or f"关于社保转移接续的咨询{next(_seq)}"

    def make(db):
        office = _user(db, "office")
        data = services.LetterInput(channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION,
                                    title=title, body=body, name="张三", phone="13911112222",
                                    department_id=_department_id(db, department), publish_consent=publish_consent)
        result = services.submit_letter(data)
        letter = result.letter
        services.accept_letter(letter, actor=office)
        services.assign_letter(letter, _department_id(db, department), actor=office)
        db.session.commit()
        return {"id": letter.id, "number": letter.number, "code": result.query_code, "title": title}

    return stored.write(make)


def pending_extension(stored, letter: dict, *, handler: str = "rsj", days: int = 5, reason: str = "需要跨部门核实") -> int:
    """The department asks for more time on ``letter``; returns the extension's id."""
    from interact.letters import services

    def make(db):
        extension = services.request_extension(services.get_letter(letter["id"]), actor=_user(db, handler),
                                               extra_workdays=days, reason=reason)
        db.session.commit()
        return extension.id

    return stored.write(make)
