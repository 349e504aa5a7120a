"""The knowledge-base entry lifecycle: draft → published ⇄ withdrawn (撤下); a draft may be
given up (放弃草稿, ``discard``: it ends withdrawn without ever having been public). A merged entry is a withdrawn entry with ``merged_into_id``: it
redirects to the entry it went into and takes no step any more.

Who may curate which entry is said here once (:func:`can_curate`); one table says which
steps exist; one effect per step; :func:`transition` is the only code that changes
``FaqEntry.status`` and it writes the entry's revision row (:func:`record`, the FAQ's
event row); :func:`actions` is the one answer to "what may this user do to this entry
now" for the staff pages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from interact.core import atomic, audit, clock, privacy
from interact.core.errors import Conflict, InvalidInput, InvalidTransition, PermissionDenied
from interact.core.permissions import has_role, scope
from interact.core.textnorm import match_text
from interact.extensions import db
from interact.faq import index
from interact.faq.models import FaqEntry, FaqRevision, FaqStatus

S = FaqStatus

CURATOR_ROLES = ("curator", "office", "admin")


@dataclass(frozen=True)
class Step:
    #: Name used by :func:`actions` and templates (``'publish' in actions``).
    action: str
    #: Button label for staff.
    label: str
    #: The revision's action (``faq.<action>`` in the audit log).
    revision_action: str
    #: Said when the step cannot be taken from the entry's state.
    refused: str


#: (from, to) → step. Anything not listed is refused.
TRANSITIONS: dict[tuple[FaqStatus, FaqStatus], Step] = {
    (S.DRAFT, S.PUBLISHED): Step("publish", "发布", "published", "该条目已经发布。"),
    (S.WITHDRAWN, S.PUBLISHED): Step("publish", "重新发布", "published", "该条目已经发布。"),
    # A draft was never public: it is not taken down but given up (放弃草稿).
    (S.DRAFT, S.WITHDRAWN): Step("discard", "放弃草稿", "discarded", "该条目已经撤下或放弃。"),
    (S.PUBLISHED, S.WITHDRAWN): Step("withdraw", "撤下", "withdrawn", "该条目已经撤下。"),
}


# --- who curates ----------------------------------------------------------------------------


def is_citywide_curator(user) -> bool:
    """Curates every entry and the shared tables (categories, synonyms, import)."""
    if has_role(user, "office", "admin"):
        return True
    return has_role(user, "curator") and user.department_id is None


def can_curate(user, department_id: int | None) -> bool:
    if is_citywide_curator(user):
        return True
    return has_role(user, "curator") and department_id is not None and user.department_id == department_id


def curator_scope(stmt, user):
    """Entries a curator may see: :func:`~interact.core.permissions.scope` with the
    curator role (a city-wide curator sees every entry)."""
    return scope(stmt, user, FaqEntry.department_id, roles=CURATOR_ROLES, everything=is_citywide_curator(user))


def ensure_curator(user) -> None:
    if not has_role(user, *CURATOR_ROLES):
        raise PermissionDenied("您的账号没有管理知识库的权限。")


def ensure_entry_scope(user, entry: FaqEntry) -> None:
    ensure_curator(user)
    if not can_curate(user, entry.department_id):
        raise PermissionDenied("您只能管理本部门的知识库条目。")


# --- rules that follow from the state (no user) -------------------------------------------


def merged(entry: FaqEntry) -> bool:
    """Merged into another entry: kept only as a redirect."""
    return entry.merged_into_id is not None


def live(entry: FaqEntry) -> bool:
    """A draft or published entry (not withdrawn): it may take phrasings and merges."""
    return entry.status is not S.WITHDRAWN


# --- the event row --------------------------------------------------------------------------

def snapshot(entry: FaqEntry) -> dict[str, Any]:
    """The entry's content as stored in revisions and exports."""
    return {
        "question": entry.question,
        "answer_html": entry.answer_html,
        "phrasings": entry.phrasing_texts,
        "category_id": entry.category_id,
        "department_id": entry.department_id,
        "keywords": entry.keywords,
        "status": entry.status.value,
        "review_by": entry.review_by.isoformat() if entry.review_by else None,
    }


def record(entry: FaqEntry, action: str, actor, before: dict[str, Any] | None, note: str = "") -> None:
    """Write the entry's revision row (before/after) and the audit record."""
    after = snapshot(entry)
    changes = sorted(k for k in after if before is None or before.get(k) != after[k])
    db.session.add(
        FaqRevision(
            entry_id=entry.id,
            actor_id=audit.actor_id(actor),
            actor_label=audit.actor_label(actor),
            action=action,
            note=note[:300],
            data={"before": before, "after": after},
        )
    )
    audit.record(f"faq.{action}", "faq_entry", entry.id, actor=actor, note=note or entry.question[:80],
                 data={"changed": changes})


# --- effects (one per step) -----------------------------------------------------------------


#: The lock a check of "no other entry has this standard question" is made under
#: (:func:`interact.core.atomic.serialize`): copies of one form check one after the other.
QUESTIONS_LOCK = "faq.questions"


def entry_with_question(key: str, *, exclude: FaqEntry | None = None) -> FaqEntry | None:
    """A draft or published entry whose standard question normalises to ``key``."""
    if not key:
        return None
    stmt = db.select(FaqEntry).where(FaqEntry.question_key == key[:200], FaqEntry.status != FaqStatus.WITHDRAWN)
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(FaqEntry.id != exclude.id)
    return db.session.scalar(stmt.order_by(FaqEntry.id).limit(1))


def plain_text(html: str) -> str:
    return re.sub(r"<[^>]*>|&nbsp;|\s", "", html or "")


def mask_for_publication(entry: FaqEntry, names: tuple[str, ...] = ()) -> list[privacy.Finding]:
    """Hide personal data in what the public reads of ``entry`` (its question, answer and
    phrasings) with the one publication masking (core.privacy), whoever wrote it: a curator
    (新建条目), an import, a letter (with the letter's ``names``). A name found in one of
    them is hidden in all. Returns what was hidden, for the entry's history."""
    names = privacy.names_in((entry.question, *entry.phrasing_texts), names, html=(entry.answer_html,))
    question, hidden = privacy.scan_text(entry.question, names)
    answer, in_answer = privacy.scan_html(entry.answer_html, names)
    if hidden:
        entry.question = question[:200]
        entry.question_key = match_text(entry.question)[:200]
    if in_answer:
        entry.answer_html = answer
    hidden += in_answer
    for phrasing in entry.phrasings:
        text, found = privacy.scan_text(phrasing.text, names)
        if found:
            phrasing.text = text[:200]
            hidden += found
    return hidden


def hidden_note(hidden: list[privacy.Finding], when: str) -> str:
    """``发布时已隐去个人信息：电话 1 处`` for an entry's history ('' when nothing was hidden)."""
    summary = privacy.summarize(hidden)
    return f"{when}已隐去个人信息：{summary}" if summary else ""


def _publish(entry: FaqEntry) -> str:
    if not plain_text(entry.answer_html) and "<img" not in entry.answer_html:
        raise InvalidInput("答案为空，不能发布。")
    note = hidden_note(mask_for_publication(entry), "发布时")
    atomic.serialize(QUESTIONS_LOCK)
    clash = entry_with_question(match_text(entry.question), exclude=entry)
    if clash is not None and clash.status is FaqStatus.PUBLISHED:
        raise Conflict(f"已发布的条目 #{clash.id} 的标准问题与本条相同，请合并。")
    entry.published_at = clock.now()
    entry.withdrawn_at = None
    return note


def _withdraw(entry: FaqEntry) -> str:
    entry.withdrawn_at = clock.now()
    return ""


#: What a step does to the entry; returns a note for the entry's history ('' for none).
EFFECTS: dict[FaqStatus, Callable[[FaqEntry], str]] = {S.PUBLISHED: _publish, S.WITHDRAWN: _withdraw}


# --- the one transition and the one answer to "what may this user do" -----------------------


def available_steps(entry: FaqEntry, user) -> list[tuple[FaqStatus, Step]]:
    """The steps ``user`` may take from the entry's current state (for buttons)."""
    if merged(entry) or not can_curate(user, entry.department_id):
        return []
    return [(to, step) for (frm, to), step in TRANSITIONS.items() if frm is entry.status]


def step_to(entry: FaqEntry, to: FaqStatus) -> Step | None:
    """The step that takes ``entry`` from its state to ``to`` (its label for buttons and
    messages), ``None`` when the table has none."""
    return TRANSITIONS.get((entry.status, to))


def actions(entry: FaqEntry, user) -> set[str]:
    """What ``user`` may do to ``entry`` now: the steps (``publish``, ``withdraw`` a public
    entry, ``discard`` a draft),
    ``edit``, ``merge`` (into another entry), ``add_phrasings``, and ``view_public``
    (published; anybody)."""
    allowed = {"view_public"} if entry.status is S.PUBLISHED else set()
    if not can_curate(user, entry.department_id):
        return allowed
    allowed.update(step.action for _, step in available_steps(entry, user))
    if not merged(entry):
        allowed.add("edit")
    if live(entry):
        allowed.update({"merge", "add_phrasings"})
    return allowed


def transition(entry: FaqEntry, to: FaqStatus, *, actor, note: str = "") -> FaqEntry:
    """Move ``entry`` to ``to``: check the table, the entry and the actor, run the step's
    effect, write the revision row and tell the matching index when public answers change.

    :raises InvalidTransition: no such step from the current state, or the entry is merged.
    :raises PermissionDenied: the actor may not curate this entry.
    :raises InvalidInput: publishing an empty answer.
    :raises Conflict: a published entry already has the same standard question.
    """
    ensure_entry_scope(actor, entry)
    if merged(entry):
        raise InvalidTransition("该条目已合并到其他条目，不能再发布或撤下。")
    step = step_to(entry, to)
    if step is None:
        refused = next((s.refused for (_, target), s in TRANSITIONS.items() if target is to), "")
        raise InvalidTransition(refused or f"该条目当前为“{entry.status_label}”，不能执行此操作。")
    from_status = entry.status
    was_published = from_status is S.PUBLISHED
    before = snapshot(entry)
    effect_note = EFFECTS[to](entry)
    # A copy of the click sent at the same instant (发布 twice) finds the state changed.
    if not atomic.compare_and_set(FaqEntry, entry.id, {"status": from_status}, {"status": to}):
        db.session.expire(entry)
        raise InvalidTransition(f"该条目刚刚已被处理（现为“{entry.status_label}”），本次“{step.label}”未执行，请刷新页面后查看。")
    entry.status = to
    entry.revision += 1
    db.session.flush()
    record(entry, step.revision_action, actor, before, "；".join(n for n in ((note or "").strip(), effect_note) if n)[:300])
    if was_published or to is S.PUBLISHED:
        index.changed()
    return entry
