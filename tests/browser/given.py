"""Data a journey starts from, made through the services (as the pages' own actions would).

Each helper takes the ``stored`` fixture and returns plain values (ids, numbers), so a test
never holds a model object outside its session. What a journey is *about* is done in the
browser; these only prepare the scene (e.g. "two extension requests are pending").
"""
from __future__ import annotations

import itertools

_seq = itertools.count(1)


def unique(text: str) -> str:
    """``text`` with a number no other journey of this run uses (titles are searched for)."""
    return f"{text}{next(_seq)}"


def _user(db, username: str):
    from interact.accounts.models import User

    return db.session.scalar(db.select(User).where(User.username == username))


def _department_id(db, name: str) -> int:
    from interact.departments.models import Department

    return db.session.scalar(db.select(Department.id).where(Department.name == name))


def new_letter(stored, *, title: str | None = None, body: str = "请问办理流程是什么？需要准备哪些材料？",
               department: str | None = "市人力资源社会保障局", publish_consent: bool = True) -> dict:
    """A citizen's letter as it arrives (the office has not accepted it yet); the citizen
    chose ``department`` (``None``: 不确定). Returns id, number, query code and title."""
    from interact.letters import services
    from interact.letters.models import LetterChannel, LetterKind

    title = title or unique("关于社保转移接续的咨询")

    def make(db):
        data = services.LetterInput(channel=LetterChannel.CONSULTATION, kind=LetterKind.CONSULTATION,
                                    title=title, body=body, name="张三", phone="13911112222",
                                    department_id=_department_id(db, department) if department else None,
                                    publish_consent=publish_consent)
        result = services.submit_letter(data)
        db.session.commit()
        letter = result.letter
        return {"id": letter.id, "number": letter.number, "code": result.query_code, "title": title}

    return stored.write(make)


def routed_letter(stored, *, department: str = "市人力资源社会保障局", **letter) -> dict:
    """A citizen's letter, accepted and routed by the office to ``department``."""
    from interact.letters import services

    made = new_letter(stored, department=department, **letter)

    def route(db):
        office, target = _user(db, "office"), services.get_letter(made["id"])
        services.accept_letter(target, actor=office)
        services.assign_letter(target, _department_id(db, department), actor=office)
        db.session.commit()

    stored.write(route)
    return made


def answered_letter(stored, *, answer: str = "<p>您好，请携带身份证到社保经办窗口办理。</p>", handler: str = "rsj",
                    publish: bool = True, at=None, **letter) -> dict:
    """A letter answered by ``handler``'s department and approved by the office (办结),
    published when ``publish`` (and the citizen agreed). ``at``: the moment it all
    happened (the clock is frozen there), e.g. in a month that has ended."""
    from contextlib import nullcontext

    from interact.core import clock
    from interact.letters import services

    with clock.freeze(at) if at else nullcontext():
        made = routed_letter(stored, **letter)

        def close(db):
            target = services.get_letter(made["id"])
            services.answer_letter(target, actor=_user(db, handler), answer_html=answer)
            services.approve_answer(target, actor=_user(db, "office"), publish=publish)
            db.session.commit()

        stored.write(close)
    return made


def letter_in_review(stored, *, answer: str = "<p>您好，请携带身份证到社保经办窗口办理。</p>", handler: str = "rsj",
                     **letter) -> dict:
    """A letter answered by ``handler``'s department, waiting for the office's review (审核)."""
    from interact.letters import services

    made = routed_letter(stored, **letter)

    def answer_it(db):
        services.answer_letter(services.get_letter(made["id"]), actor=_user(db, handler), answer_html=answer)
        db.session.commit()

    stored.write(answer_it)
    return made


def pending_extension(stored, letter: dict, *, handler: str = "rsj", days: int = 5, reason: str = "需要跨部门核实") -> int:
    """The department asks for more time on ``letter``; returns the extension's id."""
    from interact.letters import services

    def make(db):
        extension = services.request_extension(services.get_letter(letter["id"]), actor=_user(db, handler),
                                               extra_workdays=days, reason=reason)
        db.session.commit()
        return extension.id

    return stored.write(make)


def ended_collection(stored, *, opinions: list[str], department: str = "市人力资源社会保障局",
                     owner: str = "rsj") -> dict:
    """A collection of ``department`` that ended yesterday, with ``opinions`` sent by
    citizens while it was open (waiting for moderation)."""
    from datetime import timedelta

    from interact.core import clock

    return _collection(stored, opinions=opinions, ends_at=clock.now() - timedelta(days=1),
                       department=department, owner=owner)


def open_collection(stored, *, opinions: list[str], department: str = "市人力资源社会保障局",
                    owner: str = "rsj") -> dict:
    """A collection of ``department`` open since five days and for five more (its approved
    opinions are shown on its public page), with ``opinions`` waiting for moderation."""
    from datetime import timedelta

    from interact.core import clock

    return _collection(stored, opinions=opinions, ends_at=clock.now() + timedelta(days=5),
                       department=department, owner=owner)


def _collection(stored, *, opinions: list[str], ends_at, department: str, owner: str) -> dict:
    """A published opinion collection running ten days before ``ends_at``, with
    ``opinions`` sent five days before that end (or now, if sooner)."""
    from datetime import timedelta

    from interact.core import clock
    from interact.surveys import services, workflow
    from interact.surveys.models import CollectionKind, CollectionStatus

    title = unique("关于优化社保经办服务的意见征集")
    starts_at = ends_at - timedelta(days=10)

    def make(db):
        with clock.freeze(starts_at - timedelta(days=2)):
            collection = services.create_collection(services.CollectionData(
                title=title, summary="征求对社保经办服务的意见。", body="<p>欢迎提出意见建议。</p>",
                kind=CollectionKind.OPINIONS, starts_at=starts_at, ends_at=ends_at,
                department_id=_department_id(db, department),
            ), actor=_user(db, owner))
            workflow.transition(collection, CollectionStatus.PUBLISHED, actor=_user(db, "office"))
        with clock.freeze(min(ends_at - timedelta(days=5), clock.now())):
            for text in opinions:
                services.submit_opinion(collection, services.OpinionData(content=text))
        db.session.commit()
        return {"id": collection.id, "title": title}

    return stored.write(make)


def ended_interview(stored, *, department: str = "市人力资源社会保障局", owner: str = "rsj") -> dict:
    """An interview of ``department`` held yesterday (announced, live, ended)."""
    from datetime import timedelta

    from interact.core import clock
    from interact.interviews import services, workflow
    from interact.interviews.models import InterviewStatus

    topic = unique("就业补贴政策在线解读")

    def make(db):
        start = clock.now() - timedelta(days=1)
        office, handler = _user(db, "office"), _user(db, owner)
        with clock.freeze(start - timedelta(days=7)):
            interview = services.create_interview(services.InterviewData(
                topic=topic, department_id=_department_id(db, department), host="林晓",
                scheduled_start=start, duration_minutes=60, introduction="<p>解读就业补贴政策。</p>",
            ), actor=handler)
            workflow.transition(interview, InterviewStatus.ANNOUNCED, office)
        with clock.freeze(start):
            workflow.transition(interview, InterviewStatus.LIVE, handler)
        with clock.freeze(start + timedelta(hours=1)):
            workflow.transition(interview, InterviewStatus.ENDED, handler)
        db.session.commit()
        return {"id": interview.id, "topic": topic}

    return stored.write(make)


def announced_interview(stored, *, department: str = "市人力资源社会保障局", owner: str = "rsj") -> dict:
    """An interview of ``department`` announced for in an hour (the host can go live)."""
    from datetime import timedelta

    from interact.core import clock
    from interact.interviews import services, workflow
    from interact.interviews.models import InterviewStatus

    topic = unique("养老保险政策在线访谈")

    def make(db):
        interview = services.create_interview(services.InterviewData(
            topic=topic, department_id=_department_id(db, department), host="林晓",
            scheduled_start=clock.now() + timedelta(hours=1), duration_minutes=60,
            introduction="<p>解读养老保险政策。</p>",
        ), actor=_user(db, owner))
        workflow.transition(interview, InterviewStatus.ANNOUNCED, _user(db, "office"))
        db.session.commit()
        return {"id": interview.id, "topic": topic}

    return stored.write(make)


def asked_questions(stored, interview: dict, questions: list[str]) -> list[int]:
    """Citizens ask ``questions`` on ``interview``'s public page (waiting for moderation);
    returns their ids."""
    from interact.interviews import services

    def make(db):
        target = services.get_interview(interview["id"])
        ids = [services.submit_question(target, nickname=f"网友{n}", body=body).id
               for n, body in enumerate(questions, 1)]
        db.session.commit()
        return ids

    return stored.write(make)


def curated_entry(stored, *, curator: str = "curator") -> dict:
    """A published FAQ entry of ``curator``'s with the curator's decisions on two asked
    questions: one added to it as a similar phrasing, one marked 不应给出答案 (both listed
    as labelled examples on the decision-model page). Returns the entry's id and question."""
    from interact.faq import services

    question = unique("中小学暑期托管服务怎么报名？（第") + "期）"

    def make(db):
        actor = _user(db, curator)
        entry = services.create_entry(services.EntryData(
            question=question, answer_html="<p>暑期托管由学校组织，7 月初在学校公众号报名，额满为止。</p>",
            department_id=_department_id(db, "市教育局")), actor=actor)
        services.publish_entry(entry, actor=actor)
        services.add_phrasings(entry, [unique("暑假托管班在哪报名")], actor=actor)
        services.no_answer_questions([unique("帮我写一首关于秋天的诗")], actor=actor)
        db.session.commit()
        return {"id": entry.id, "question": question}

    return stored.write(make)


def _public_ids(stored) -> dict:
    from interact.departments.models import Department
    from interact.faq.models import FaqCategory, FaqEntry, FaqStatus
    from interact.letters.models import Letter, MonthlySummary
    from interact.surveys.models import Collection

    def read(db):
        first = lambda stmt: db.session.scalar(stmt.limit(1))  # noqa: E731
        return {
            "letter": first(db.select(Letter.id).where(Letter.published_at.is_not(None)).order_by(Letter.id)),
            "summary": first(db.select(MonthlySummary.month).where(MonthlySummary.published_at.is_not(None))),
            "results": first(db.select(Collection.id).where(Collection.feedback_published_at.is_not(None))),
            "open": first(db.select(Collection.id).where(Collection.title.contains("课后服务管理办法"))),
            "entry": first(db.select(FaqEntry.id).where(FaqEntry.status == FaqStatus.PUBLISHED).order_by(FaqEntry.id)),
            "category": first(db.select(FaqCategory.id).order_by(FaqCategory.id)),
            "department": first(db.select(Department.id).where(Department.name == "市人力资源社会保障局")),
        }

    found = stored(read)
    assert None not in found.values(), found
    return found


def public_pages(stored) -> list[str]:
    """Every public GET page of the URL map, with real ids, except those that are not pages
    (``/captcha.png``, ``/favicon.ico``, ``/files/…``, ``/static/…``, ``/healthz``,
    ``/readyz``, ``/metrics``) and ``/preferences/large-text`` (a redirect); an interview in
    its archived and announced states (the live page has the same layout with the
    transcript), and a letter number that does not exist (the 404 page)."""
    from urllib.parse import quote

    ids = _public_ids(stored)
    archived, announced = ended_interview(stored), announced_interview(stored)
    return [
        "/", "/letters/new", "/letters/lookup", "/letters/", "/letters/?q=" + quote("公积金"),
        f"/letters/{ids['letter']}", "/letters/stats", "/letters/summaries", f"/letters/summaries/{ids['summary']}",
        "/surveys/", f"/surveys/{ids['open']}", f"/surveys/{ids['results']}/results",
        "/interviews", f"/interviews/{archived['id']}", f"/interviews/{announced['id']}",
        "/faq", "/faq/ask?q=" + quote("公积金怎么提取"), "/faq/ask?q=" + quote("我家楼下的排水沟堵了好几天没人管"),
        "/faq/search?q=" + quote("社保"), f"/faq/{ids['entry']}", f"/faq/category/{ids['category']}",
        f"/faq/department/{ids['department']}", "/departments", "/login", "/register", "/letters/999999999",
    ]
