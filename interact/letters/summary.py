"""Monthly summaries of letter handling (领导信箱每月汇总) with typical cases (典型案例).

Lifecycle: a draft is generated for a month (by the office, or by the job on the first
working day of the next month) with the month's figures frozen into ``stats`` and a
default text; the office edits the text (sanitised rich text), picks typical cases among
the month's published letters, and publishes it. A published summary can be withdrawn to
a draft again (published content can always be withdrawn).

Services take typed arguments, ``flush()`` but never commit, check the actor's role and
record an audit event for every change. ``actor=None`` is the scheduler (system).
"""
from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from interact.core import atomic, audit, clock, periods, privacy
from interact.core.errors import InvalidInput, InvalidTransition, NotFound
from interact.core.lookup import get_or_404
from interact.core.permissions import ensure_role, has_role
from interact.core.sanitize import clean_html
from interact.extensions import db
from interact.letters import stats
from interact.letters.models import (
    Letter,
    LetterChannel,
    MonthlySummary,
    SummaryStatus,
    letter_summary_cases,
)
from interact.letters.search import html_to_text

audit.register_actions({
    "letter_summary.drafted": "生成月度汇总草稿", "letter_summary.refreshed": "重新统计月度汇总",
    "letter_summary.edited": "编辑月度汇总", "letter_summary.published": "发布月度汇总",
    "letter_summary.withdrawn": "撤回月度汇总",
}, targets={"monthly_summary": "月度汇总"})

TITLE_MIN, TITLE_MAX = 4, 120
BODY_MAX = 50_000
#: Most typical cases one summary shows.
MAX_CASES = 10
#: Most candidates offered on the edit page.
MAX_CANDIDATES = 200


def _ensure_office(actor) -> None:
    if actor is not None:
        ensure_role(actor, "office", "admin")


def _audit(action: str, summary: MonthlySummary, actor, note: str = "", data: dict | None = None) -> None:
    audit.record(f"letter_summary.{action}", "monthly_summary", summary.id, actor=actor,
                 note=f"{summary.month} {note}".strip(), data=data)


# --- figures and default text -----------------------------------------------------------


def compute_stats(month: str) -> dict[str, Any]:
    """The month's figures as stored in ``MonthlySummary.stats`` (JSON)."""
    report = stats.monthly_report(month, trend_months=0)
    kinds, channels = stats.kind_and_channel_rows(month)
    mailbox = next(row for row in channels if row.key == LetterChannel.MAILBOX.value)
    return {
        "month": month,
        "computed_at": clock.local_now().strftime("%Y-%m-%d %H:%M"),
        "total": report.total.as_dict(),
        "mailbox": mailbox.as_dict(),
        "by_kind": [row.as_dict() for row in kinds],
        "by_channel": [row.as_dict() for row in channels],
        "by_department": [row.as_dict() for row in report.departments],
    }


def _pct(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def default_title(month: str) -> str:
    return f"{stats.month_label(month)}领导信箱及在线咨询来信办理情况"


def default_body(figures: dict[str, Any]) -> str:
    """A first text the office edits: the month's figures in sentences (sanitised HTML)."""
    total = figures["total"]
    kinds = "、".join(f"{row['label']}{row['received']}件" for row in figures["by_kind"] if row["received"])
    channels = "、".join(f"{row['label']}{row['received']}件" for row in figures["by_channel"] if row["received"])
    top = sorted((row for row in figures["by_department"] if row["department_id"]),
                 key=lambda row: -row["received"])[:5]
    paragraphs = [
        Markup("{}，本平台共收到群众来信 {} 件{}。").format(
            stats.month_label(figures["month"]), total["received"],
            Markup("（{}）").format(kinds) if kinds else ""),
        Markup("按渠道分：{}。").format(channels) if channels else None,
        Markup("已答复办结 {} 件，其中按期答复 {} 件，按期答复率 {}，平均答复用时 {} 个工作日；"
               "不予受理 {} 件；目前逾期未办 {} 件。").format(
            total["answered"], total["on_time"], _pct(total["on_time_rate"]),
            total["avg_workdays"] if total["avg_workdays"] is not None else "—", total["rejected"],
            total["overdue"]),
        Markup("来信人评价 {} 件，满意及基本满意率 {}。").format(total["rated"], _pct(total["satisfaction_rate"])),
        Markup("来信较多的部门：{}。").format(
            "、".join(f"{row['label']}（{row['received']}件）" for row in top)) if top else None,
    ]
    html = "".join(Markup("<p>{}</p>").format(p) for p in paragraphs if p)
    return clean_html(str(html))


# --- loading ----------------------------------------------------------------------------


def get_summary(summary_id: int) -> MonthlySummary:
    return get_or_404(MonthlySummary, summary_id, "月度汇总不存在。")


def summary_for_month(month: str) -> MonthlySummary | None:
    return db.session.scalar(sa.select(MonthlySummary).where(MonthlySummary.month == month))


def staff_summaries() -> list[MonthlySummary]:
    return list(db.session.scalars(sa.select(MonthlySummary).order_by(MonthlySummary.month.desc())))


def draft_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(MonthlySummary.id)).where(MonthlySummary.status == SummaryStatus.DRAFT)
    ) or 0


def public_summaries(*, page: int = 1, per_page: int = 12):
    stmt = (sa.select(MonthlySummary).where(MonthlySummary.status == SummaryStatus.PUBLISHED)
            .order_by(MonthlySummary.month.desc()))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def get_public_summary(month: str) -> MonthlySummary:
    """A published summary by month; drafts and malformed months are 404."""
    summary = summary_for_month((month or "")[:7])
    if summary is None or summary.status is not SummaryStatus.PUBLISHED:
        raise NotFound("该月度汇总不存在或尚未发布。")
    return summary


def public_cases(summary: MonthlySummary) -> list[Letter]:
    """Typical cases still published (a withdrawn letter disappears from the summary)."""
    return [letter for letter in summary.cases if letter.published]


def public_case_texts(summary: MonthlySummary) -> list[dict[str, Any]]:
    """The typical cases as the public page shows them: title and excerpt masked with the
    names of the whole summary (a person of one case retold in another is hidden too)."""
    names = summary.public_names
    return [{"letter": letter, "title": privacy.mask_text(letter.title, names=names),
             "excerpt": letter.public_excerpt(120, names=names)}
            for letter in public_cases(summary)]


def hidden_on_publication(summary: MonthlySummary) -> str:
    """What the public page hides of the office's own title and text (``姓名 2 处、电话 1
    处``; '' when nothing), so the office knows its text is not published as typed."""
    names = summary.public_names
    found = privacy.scan_text(summary.title, names)[1] + privacy.scan_html(summary.body_html, names)[1]
    return privacy.summarize(found)


def case_candidates(month: str) -> list[Letter]:
    """Published letters of the month (submitted or published in it), newest first."""
    start, end = stats.month_bounds(month)
    return list(db.session.scalars(
        sa.select(Letter)
        .where(Letter.published.is_(True),
               sa.or_(sa.and_(Letter.submitted_at >= start, Letter.submitted_at < end),
                      sa.and_(Letter.published_at >= start, Letter.published_at < end)))
        .order_by(Letter.published_at.desc(), Letter.id.desc())
        .limit(MAX_CANDIDATES)
    ))


# --- changes ----------------------------------------------------------------------------


def draft_summary(month: str, *, actor) -> tuple[MonthlySummary, bool]:
    """The month's summary, drafted if it does not exist yet: ``(summary, created)``.

    Idempotent (the job calls it every working day of the month's first week).

    :raises InvalidInput: malformed month, or a month that has not started.
    :raises PermissionDenied: ``actor`` is neither office nor admin.
    """
    _ensure_office(actor)
    month = stats.parse_month(month)
    if month > stats.current_month():
        raise InvalidInput("不能为尚未开始的月份生成汇总。", fields={"month": "月份不能晚于本月"})
    existing = summary_for_month(month)
    if existing is not None:
        return existing, False
    figures = compute_stats(month)
    summary = MonthlySummary(
        month=month, status=SummaryStatus.DRAFT, title=default_title(month), body_html=default_body(figures),
        stats=figures, created_by_id=audit.actor_id(actor),
    )
    try:
        with db.session.begin_nested():
            db.session.add(summary)
    except IntegrityError:  # drafted by another request (a double click, the job) meanwhile
        existing = summary_for_month(month)
        if existing is None:
            raise
        return existing, False
    _audit("drafted", summary, actor, "生成月度汇总草稿")
    return summary, True


def refresh_stats(summary: MonthlySummary, *, actor) -> MonthlySummary:
    """Recompute the figures of a draft (letters of the month may have been answered since)."""
    _ensure_office(actor)
    if summary.status is not SummaryStatus.DRAFT:
        raise InvalidTransition("已发布的汇总不能重新统计，请先撤回。")
    summary.stats = compute_stats(summary.month)
    db.session.flush()
    _audit("refreshed", summary, actor, "重新统计")
    return summary


def _validate_cases(summary: MonthlySummary, case_ids: Iterable[int]) -> list[int]:
    ids: list[int] = []
    for value in case_ids:
        if value not in ids:
            ids.append(value)
    if len(ids) > MAX_CASES:
        raise InvalidInput(f"典型案例最多选择 {MAX_CASES} 件。", fields={"cases": f"最多 {MAX_CASES} 件"})
    allowed = {letter.id for letter in case_candidates(summary.month)}
    if any(case_id not in allowed for case_id in ids):
        raise InvalidInput("典型案例只能从本月已公开的来信中选择。", fields={"cases": "包含不可选的来信"})
    return ids


def set_cases(summary: MonthlySummary, case_ids: list[int]) -> None:
    """Replace the typical cases, keeping the given order (``position``)."""
    db.session.execute(sa.delete(letter_summary_cases).where(letter_summary_cases.c.summary_id == summary.id))
    if case_ids:
        db.session.execute(sa.insert(letter_summary_cases), [
            {"summary_id": summary.id, "letter_id": letter_id, "position": position}
            for position, letter_id in enumerate(case_ids)
        ])
    db.session.flush()
    db.session.expire(summary, ["cases"])


def update_summary(summary: MonthlySummary, *, title: str, body_html: str, case_ids: Iterable[int],
                   actor) -> MonthlySummary:
    """Edit the title, the text (sanitised here) and the typical cases.

    :raises InvalidInput: title length, text too long, cases not among the month's
        published letters or too many.
    """
    ensure_role(actor, "office", "admin")
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = f"标题应为 {TITLE_MIN}–{TITLE_MAX} 个字"
    body = clean_html(body_html or "")
    if len(body) > BODY_MAX:
        errors["body_html"] = "正文过长"
    if errors:
        raise InvalidInput("提交的内容有误：" + "；".join(errors.values()) + "。", fields=errors)
    ids = _validate_cases(summary, case_ids)
    before = [letter.id for letter in summary.cases]
    summary.title = title
    summary.body_html = body
    set_cases(summary, ids)
    _audit("edited", summary, actor, "编辑月度汇总", data={"cases_before": before, "cases": ids})
    return summary


def actions(summary: MonthlySummary, user) -> set[str]:
    """What ``user`` may do to ``summary`` now: ``edit``, ``refresh`` and ``publish``
    (a draft; publishing only once its month is over, when the figures are final),
    ``withdraw`` and ``view_public`` (a published one)."""
    if not has_role(user, "office", "admin"):
        return set()
    if summary.status is SummaryStatus.PUBLISHED:
        return {"edit", "withdraw", "view_public"}
    allowed = {"edit", "refresh"}
    if periods.month_is_over(summary.month):
        allowed.add("publish")
    return allowed


def publish_summary(summary: MonthlySummary, *, actor) -> MonthlySummary:
    """Publish a draft on the public list.

    :raises InvalidTransition: already published, the month is not over yet, or the text is empty.
    """
    ensure_role(actor, "office", "admin")
    if summary.status is SummaryStatus.PUBLISHED:
        raise InvalidTransition(_ALREADY_PUBLISHED)
    if not periods.month_is_over(summary.month):
        raise InvalidTransition(f"{stats.month_label(summary.month)}尚未结束，月度汇总须在月末之后发布（届时数字才是全月的）。")
    if not html_to_text(summary.body_html).strip():
        raise InvalidTransition("汇总正文为空，不能发布。")
    _claim(summary, SummaryStatus.DRAFT, SummaryStatus.PUBLISHED, _ALREADY_PUBLISHED)
    summary.published_at = clock.now()
    summary.published_by_id = audit.actor_id(actor)
    db.session.flush()
    _audit("published", summary, actor, "发布月度汇总")
    return summary


def withdraw_summary(summary: MonthlySummary, *, actor, note: str = "") -> MonthlySummary:
    """Take a published summary off the public pages (back to a draft)."""
    ensure_role(actor, "office", "admin")
    if summary.status is not SummaryStatus.PUBLISHED:
        raise InvalidTransition(_NOT_PUBLISHED)
    _claim(summary, SummaryStatus.PUBLISHED, SummaryStatus.DRAFT, _NOT_PUBLISHED)
    summary.published_at = None
    db.session.flush()
    _audit("withdrawn", summary, actor, (note or "").strip()[:200] or "撤回月度汇总")
    return summary


#: The refusals of 发布 / 撤回 clicked again — later, or at the same instant as the first.
_ALREADY_PUBLISHED = "该汇总已发布。"
_NOT_PUBLISHED = "该汇总当前未公开，无需撤回。"


def _claim(summary: MonthlySummary, seen: SummaryStatus, to: SummaryStatus, refusal: str) -> None:
    """Move the stored summary from ``seen`` to ``to`` only if it still is ``seen``: of a
    step clicked several times at once, one copy goes through and records its event; the
    others are refused (409) as a later click is."""
    if not atomic.compare_and_set(MonthlySummary, summary.id, {"status": seen}, {"status": to}):
        db.session.expire(summary)
        raise InvalidTransition(refusal)
    summary.status = to
