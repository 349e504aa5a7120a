"""A published letter's public page, rendered once per change and stored (#18).

A letter's page (``/letters/<id>``) is the same for every visitor, yet with 2,000 different
letters asked for the per-process page store (``core.pagecache``) rarely holds the one
asked: each visit loaded the letter with its department and events (one joined statement
whose rows repeat the letter's columns per event) and rendered the article and its
timeline. Now the article is stored (:class:`~interact.letters.models.LetterPage`) and a
visit reads it with the letter's publication state in one statement.

When a stored article is shown — all of:

* the letter is published (the same statement reads it);
* it was rendered from the letter as it is now: every change of a published letter that
  its page may show (any of its own columns, an event added, changed or removed) moves
  ``Letter.page_serial`` in the transaction of the change (a flush hook below), and the
  stored row names the serial it was rendered from — a page rendered from older data,
  even one written after the change, is never shown;
* it was rendered by today's code: :func:`code` digests the templates it is made of, the
  masking rules' version and the source of the code shaping it (the filters, the
  letter's ``public_*`` rules);
* the answering department has the name the page shows (a renamed department);
* the row is the letter's (its number: SQLite may give a deleted letter's id again).

Otherwise the page is rendered as before and the article kept for the next visitor,
written with the process's other deferred writes (``core.deferred``: no write transaction
in the visit), never over a newer one.

Nothing personal or staff-only is in it: the article template shows only the public copy
(``Letter.public_*``) and the public timeline, the same for every visitor, and reads
nothing of the request, the session or the clock.
"""
from __future__ import annotations

import hashlib
import inspect
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, request
from markupsafe import Markup
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.util import identity_key
from werkzeug.exceptions import NotFound

from interact.core import deferred, privacy, templating
from interact.core.upsert import dialect_insert
from interact.core.maskversion import VERSION as MASK_RULES
from interact.departments.models import Department
from interact.extensions import db
from interact.letters import models as letter_models
from interact.letters.models import Letter, LetterEvent, LetterPage

ARTICLE_TEMPLATE = "letters/_public_article.html"
#: The templates the article is made of (it imports the timeline from ``_parts.html``).
ARTICLE_TEMPLATES = (ARTICLE_TEMPLATE, "letters/_parts.html")
NOT_FOUND = "该来信不存在或未公开。"

_code: dict[str, str] = {}
#: The source of the code shaping an article, read when this module is imported (the code
#: this process runs), not when the digest is first needed: a release unpacked beside a
#: running worker must not make it take its own pages for stale ones.
_SOURCE = b"".join(inspect.getsource(module).encode() for module in (templating, privacy, letter_models))


def code() -> str:
    """A digest of what shapes a stored article besides the letter: its templates, the
    masking rules' version, the source of the filters and of the letter's public rules, and
    where the site is mounted (the article's link). A release that changes any of them
    renders every page anew on its first visit."""
    root = request.script_root if has_request_context() else ""
    return hashlib.sha1((_code_of_release() + root).encode()).hexdigest()[:16]


def _code_of_release() -> str:
    cached = _code.get("value")
    if cached is not None:
        return cached
    digest = hashlib.sha1(MASK_RULES.encode())
    loader = current_app.jinja_env.loader
    for name in ARTICLE_TEMPLATES:
        source, _filename, _uptodate = loader.get_source(current_app.jinja_env, name)
        digest.update(source.encode())
    digest.update(_SOURCE)
    value = _code["value"] = digest.hexdigest()
    return value


@dataclass(frozen=True)
class StoredArticle:
    title: str
    html: Markup


def stored_article(letter_id: int) -> StoredArticle | None:
    """The stored article of published letter ``letter_id`` if it shows the letter as it is
    now (see the module), ``None`` when it must be rendered. Not published: 404."""
    row = db.session.execute(
        sa.select(Letter.published, Letter.page_serial, Letter.number, Department.name.label("department"),
                  LetterPage.serial, LetterPage.number.label("page_number"), LetterPage.code,
                  LetterPage.department_name, LetterPage.title, LetterPage.html)
        .select_from(Letter)
        .outerjoin(Department, Department.id == Letter.department_id)
        .outerjoin(LetterPage, LetterPage.letter_id == Letter.id)
        .where(Letter.id == letter_id)
    ).first()
    if row is None or not row.published:
        raise NotFound(NOT_FOUND)
    if (row.html is None or row.serial != row.page_serial or row.page_number != row.number
            or row.code != code() or row.department_name != (row.department or "")):
        return None
    return StoredArticle(row.title, Markup(row.html))


def render_article(letter: Letter) -> StoredArticle:
    """Render a published letter's article (loaded with its department and events, as
    ``services.get_published`` does) and keep it for the next visitors."""
    html = render_template(ARTICLE_TEMPLATE, letter=letter)
    article = StoredArticle(letter.public_title, Markup(html))
    keep(letter, article)
    return article


def _newer_only(statement):
    """Replace a stored article only by one of a later serial or other code (two workers
    rendering the same page store it once; a page rendered before a change and written
    after it never replaces the newer one)."""
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[LetterPage.letter_id],
        set_={name: excluded[name] for name in ("serial", "number", "code", "department_name", "title", "html")},
        where=sa.or_(LetterPage.serial < excluded.serial, LetterPage.code != excluded.code,
                     LetterPage.number != excluded.number,
                     LetterPage.department_name != excluded.department_name),
    )


def keep(letter: Letter, article: StoredArticle) -> None:
    deferred.insert(LetterPage, {
        "letter_id": letter.id, "serial": letter.page_serial or 0, "number": letter.number, "code": code(),
        "department_name": letter.department.name if letter.department is not None else "",
        "title": article.title, "html": str(article.html),
    }, on_conflict=_newer_only)


# --- what makes a stored article stale ----------------------------------------------------

_PENDING = "letters.page_serials"


def _shown_publicly(letter: Letter) -> bool:
    """Published now or before this change (a withdrawal changes what its address shows)."""
    return bool(letter.published) or bool(sa.inspect(letter).attrs.published.history.deleted)


@sa.event.listens_for(Session, "after_flush")
def _move_page_serials(session: Session, _context) -> None:
    """In the flush's transaction: every published letter this flush changed, or whose
    events it added, changed or removed, gets a new ``page_serial`` (one statement)."""
    new_letters = {obj.id for obj in session.new if isinstance(obj, Letter)}
    changed: set[int] = set()
    by_event: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Letter):
            if obj.id in new_letters or obj in session.deleted:
                continue
            if session.is_modified(obj) and _shown_publicly(obj):
                changed.add(obj.id)
        elif isinstance(obj, LetterEvent):
            if obj.letter_id is None or obj.letter_id in new_letters:
                continue
            if obj in session.dirty and not session.is_modified(obj):
                continue
            letter = obj.__dict__.get("letter")  # loaded: its state says; otherwise the statement
            if letter is None:
                by_event.add(obj.letter_id)
            elif _shown_publicly(letter):
                changed.add(obj.letter_id)
    by_event -= changed
    if not changed and not by_event:
        return
    table = Letter.__table__
    condition = sa.or_(*([table.c.id.in_(sorted(changed))] if changed else []),
                       *([sa.and_(table.c.id.in_(sorted(by_event)), table.c.published.is_(True))] if by_event else []))
    session.connection().execute(sa.update(table).where(condition).values(page_serial=table.c.page_serial + 1))
    session.info.setdefault(_PENDING, set()).update(changed | by_event)


@sa.event.listens_for(Session, "after_flush_postexec")
def _forget_old_serials(session: Session, _context) -> None:
    """Letters of this session read their new serial from the database when next asked."""
    for letter_id in session.info.pop(_PENDING, ()):
        loaded = session.identity_map.get(identity_key(Letter, letter_id))
        if loaded is not None:
            session.expire(loaded, ["page_serial"])


# --- storing every published letter's article (``flask letters store-pages``) --------------

#: Letters rendered per batch (each batch is one short write transaction).
BATCH = 200


def store_articles(after: int = 0, limit: int = BATCH) -> tuple[int, int | None]:
    """Render and store the article of the published letters with an id above ``after``
    whose stored one is missing or stale: ``(articles stored, last id looked at or None when
    done)``. Written in the caller's transaction (not deferred)."""
    ids = list(db.session.scalars(
        sa.select(Letter.id).where(Letter.published.is_(True), Letter.id > after).order_by(Letter.id).limit(limit)))
    if not ids:
        return 0, None
    current = code()
    fresh = set(db.session.scalars(
        sa.select(LetterPage.letter_id).join(Letter, Letter.id == LetterPage.letter_id)
        .where(LetterPage.letter_id.in_(ids), LetterPage.serial == Letter.page_serial,
               LetterPage.number == Letter.number, LetterPage.code == current)))
    stale = [i for i in ids if i not in fresh]
    letters = db.session.scalars(
        sa.select(Letter).where(Letter.id.in_(stale)).order_by(Letter.id)
        .options(joinedload(Letter.department), selectinload(Letter.events))).unique() if stale else []
    rows = []
    for letter in letters:
        html = render_template(ARTICLE_TEMPLATE, letter=letter)
        rows.append({"letter_id": letter.id, "serial": letter.page_serial or 0, "number": letter.number,
                     "code": current, "title": letter.public_title, "html": html,
                     "department_name": letter.department.name if letter.department is not None else ""})
    if rows:
        db.session.execute(_newer_only(dialect_insert(LetterPage)), rows)
    return len(rows), (ids[-1] if len(ids) == limit else None)
