"""Letter rules: submission, the staff steps around :mod:`interact.letters.workflow`,
look-up by number + query code, lists, the public search, department suggestion and the
figures the office dashboard reads.

Services take typed arguments, ``flush()`` but never commit, and raise
:class:`~interact.core.errors.DomainError` subclasses with Chinese messages.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_sqlalchemy.pagination import SelectPagination
from rapidfuzz import fuzz, process
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from interact.accounts.models import Role
from interact.accounts.services import handlers_of, users_with_role
from interact.core import atomic, audit, clock, notify, pagecache, periods, privacy, sensitive, uploads
from interact.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied, Unavailable
from interact.core.lookup import get_or_404
from interact.core.permissions import ensure_department_scope, ensure_role, scope
from interact.core.privacy import normalize_mobile
from interact.core.sanitize import clean_rich_text
from interact.core.textnorm import strip_controls
from interact.departments.models import Department, Leader
from interact.extensions import db
from interact.faq import services as faq_services
from interact.letters import monthcounts, search, stats, workflow
from interact.letters.models import (
    UNANSWERED_STATUSES,
    ExtensionStatus,
    Letter,
    LetterAttachment,
    LetterChannel,
    LetterEvent,
    LetterExtension,
    LetterKind,
    LetterNumberCounter,
    LetterRating,
    LetterStatus,
    RejectReason,
    staff_path,
)

TITLE_MIN, TITLE_MAX = 4, 50
BODY_MIN, BODY_MAX = 10, 2000
NAME_MAX = 20
ANSWER_MAX = 20000
MAX_ATTACHMENTS = 3
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_KINDS = {"image", "pdf"}
#: Query codes avoid look-alike characters (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
LOOKUP_FAILED = "信件编号或查询码不正确，请核对后重试。"
#: How many recently answered letters the routing suggestion compares with.
SUGGESTION_POOL = 500


# --- submission -------------------------------------------------------------------------


@dataclass
class LetterInput:
    """What a citizen (web form or API) submits."""

    channel: LetterChannel
    kind: LetterKind
    title: str
    body: str
    name: str
    phone: str
    email: str | None = None
    department_id: int | None = None
    leader_id: int | None = None
    publish_consent: bool = False


@dataclass
class SubmitResult:
    letter: Letter
    #: The query code, shown once; ``None`` when a double submit found the first letter.
    query_code: str | None
    duplicate: bool = False
    #: The letter's number and id, read before the commit (which expires ``letter``), so a
    #: view can redirect to the receipt without loading the letter again.
    number: str = field(init=False)
    letter_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.number, self.letter_id = self.letter.number, self.letter.id


def _clean_text(value: str | None) -> str:
    # Drop control characters other than newlines and tabs; normalise line ends.
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return strip_controls(value).strip()


def validate_input(data: LetterInput) -> LetterInput:
    """Check and normalise a submission; all field errors at once (Chinese)."""
    normalised, errors = _normalised(data)
    #: A leader or department that does not exist (or is not open to letters) is a 404 on its
    #: own, so an API client can tell a stale id from a malformed letter.
    missing: dict[str, str] = {}
    if data.channel is LetterChannel.MAILBOX:
        leader = db.session.get(Leader, normalised.leader_id) if normalised.leader_id else None
        if normalised.leader_id is None:
            errors["leader_id"] = "请选择收信领导"
        elif leader is None or not leader.active or not leader.in_mailbox:
            missing["leader_id"] = "所选领导不存在或不接收来信"
    elif data.channel is LetterChannel.CONSULTATION and normalised.department_id is not None:
        department = db.session.get(Department, normalised.department_id)
        if department is None or not department.active:
            missing["department_id"] = "所选部门不存在"
    if errors:
        errors.update(missing)
        raise InvalidInput("提交的内容有误：" + "；".join(errors.values()) + "。", fields=errors)
    if missing:
        raise NotFound("；".join(missing.values()) + "。", fields=missing)
    return normalised


def _normalised(data: LetterInput) -> tuple[LetterInput, dict[str, str]]:
    """A submission's fields as they would be stored, and the errors of the fields
    themselves (not whether the department or leader it names is open to letters)."""
    errors: dict[str, str] = {}
    title = _clean_text(data.title)
    body = _clean_text(data.body)
    name = _clean_text(data.name)
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        errors["title"] = f"标题应为 {TITLE_MIN}–{TITLE_MAX} 个字"
    if "\n" in title:
        errors["title"] = "标题不能换行"
    if not BODY_MIN <= len(body) <= BODY_MAX:
        errors["body"] = f"正文应为 {BODY_MIN}–{BODY_MAX} 个字"
    if not name or len(name) > NAME_MAX:
        errors["name"] = f"请填写姓名（不超过 {NAME_MAX} 个字）"
    phone = normalize_mobile(data.phone)
    if phone is None:
        errors["phone"] = "请填写正确的 11 位手机号码"
    email = (data.email or "").strip() or None
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = "电子邮箱格式不正确"
    if not isinstance(data.channel, LetterChannel) or data.channel is LetterChannel.FORWARDED:
        errors["channel"] = "请选择在线咨询或领导信箱"
    if not isinstance(data.kind, LetterKind):
        errors["kind"] = "请选择来信类别"
    department_id = data.department_id or None
    leader_id = data.leader_id or None
    if data.channel is LetterChannel.MAILBOX:
        department_id = None
    elif data.channel is LetterChannel.CONSULTATION:
        leader_id = None
    return LetterInput(channel=data.channel, kind=data.kind, title=title, body=body, name=name, phone=phone,
                       email=email, department_id=department_id, leader_id=leader_id,
                       publish_consent=bool(data.publish_consent)), errors


def new_query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


#: A repeat of a submission (a double click, a second tab) shows the query code again only
#: this long after the letter was stored; later the receipt says the code was shown once.
REPEAT_RECEIPT_WINDOW = timedelta(minutes=10)


def derived_query_code(*parts: str) -> str:
    """A query code computed from ``parts`` with the application's secret. The web form
    gives its letter the code of (browser session, form token): a repeat of the same
    submission from the same browser can then show the code again although only its hash
    is stored, and nobody without the session and the secret can compute it."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, "\x00".join(("letter-query-code", *parts)).encode(), hashlib.sha256).digest()
    number, chars = int.from_bytes(digest, "big"), []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def repeated_receipt_code(letter: Letter, code: str) -> str | None:
    """``code`` if it is ``letter``'s query code and the letter was stored moments ago
    (:data:`REPEAT_RECEIPT_WINDOW`): a repeat of the submission that stored it then shows
    the receipt with the code, as the first answer did."""
    if letter.submitted_at < clock.now() - REPEAT_RECEIPT_WINDOW:
        return None
    return code if hmac.compare_digest(letter.query_code_hash, hash_query_code(letter.number, code)) else None


def hash_query_code(number: str, code: str) -> str:
    """HMAC-SHA256 of the code, keyed with the app secret and bound to the number."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{number}:{(code or '').strip().upper()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def next_number(moment: datetime) -> str:
    """The day's next ``XJyyyymmdd-nnnn`` (at least four digits, unbounded), counted in
    ``letter_number_counters``: the counter row is incremented inside the caller's
    transaction, so a concurrent submission waits for it (and never gets the same number)."""
    day = _number_day(moment)
    increment = (
        sa.update(LetterNumberCounter).where(LetterNumberCounter.day == day)
        .values(last=LetterNumberCounter.last + 1).returning(LetterNumberCounter.last)
    )
    sequence = db.session.scalar(increment, execution_options={"synchronize_session": False})
    if sequence is None:
        # First letter of the day: letters numbered before the counter existed (or brought
        # in by an import) are counted from the highest number stored, not from how many
        # there are — their numbers need not be contiguous.
        issued = _highest_number_of(day)
        try:
            with db.session.begin_nested():
                db.session.add(LetterNumberCounter(day=day, last=issued + 1))
            sequence = issued + 1
        except IntegrityError:  # another submission created the row first
            sequence = db.session.scalar(increment, execution_options={"synchronize_session": False})
    return f"XJ{day}-{sequence:04d}"


def _number_day(moment: datetime) -> str:
    return f"{clock.to_local(moment):%Y%m%d}"


def _highest_number_of(day: str) -> int:
    """The highest sequence among the day's stored numbers, compared as integers (a string
    ``max()`` puts ``-9999`` after ``-10000``)."""
    prefix = f"XJ{day}-"
    sequence = sa.cast(sa.func.substr(Letter.number, len(prefix) + 1), sa.BigInteger)
    return db.session.scalar(
        sa.select(sa.func.max(sequence)).where(Letter.number.startswith(prefix, autoescape=True))
    ) or 0


def _catch_up_counter(moment: datetime) -> None:
    """Move the day's counter past every number already stored. A counter behind the
    letters (a restored backup, letters imported with their numbers) would otherwise hand
    out taken numbers until midnight: each submission would fail on them and its rollback
    would undo the increments, so the next one failed the same way."""
    day = _number_day(moment)
    highest = _highest_number_of(day)
    db.session.execute(
        sa.update(LetterNumberCounter)
        .where(LetterNumberCounter.day == day, LetterNumberCounter.last < highest)
        .values(last=highest),
        execution_options={"synchronize_session": False},
    )


class _SubmittedMeanwhile(Exception):
    """A concurrent copy of the submission (same idempotency key) stored its letter first."""


def _insert_with_number(letter: Letter, code: str | None = None) -> str:
    """Give ``letter`` a number and insert it; retries if a concurrent submit took it.
    Raises :class:`_SubmittedMeanwhile` when a concurrent copy of the same submission (same
    idempotency key) was stored first."""
    code = code or new_query_code()
    # A new letter has no events: its collection starts empty here, so recording the first
    # event after the insert does not load it from the database.
    letter.events = []
    for _attempt in range(5):
        letter.number = next_number(letter.submitted_at)
        letter.query_code_hash = hash_query_code(letter.number, code)
        try:
            with db.session.begin_nested():
                db.session.add(letter)
            return code
        except IntegrityError:
            if letter.idempotency_key and find_by_idempotency_key(letter.idempotency_key) is not None:
                raise _SubmittedMeanwhile from None
            _catch_up_counter(letter.submitted_at)
            continue
    raise Conflict("系统繁忙，请稍后重新提交。")


def find_by_idempotency_key(key: str | None) -> Letter | None:
    if not key:
        return None
    return db.session.scalar(sa.select(Letter).where(Letter.idempotency_key == key[:64]))


def submit_letter(
    data: LetterInput,
    *,
    user=None,
    idempotency_key: str | None = None,
    attachments: Iterable[FileStorage] | StagedAttachments = (),
    query_code: str | None = None,
) -> SubmitResult:
    """A citizen's letter (web or API). No account needed; ``user`` only links "my letters".

    ``attachments``: the uploads, or the web form's :func:`staged_attachments` (stored
    before the request's first write).

    A repeated ``idempotency_key`` returns the first letter (no second letter, no code),
    also when the first copy was stored while this one was being checked.
    ``query_code``: the letter's code (the web form's :func:`derived_query_code`); a random
    one when ``None``.
    Text hitting a BLOCK word is refused; a REVIEW word holds the letter for the office.
    """
    existing = find_by_idempotency_key(idempotency_key)
    if existing is not None:
        return _repeated(existing, data)
    data = validate_input(data)
    scan = sensitive.scan(data.title, data.body)
    if scan.blocked:
        raise InvalidInput("您的来信含有不允许提交的内容，请修改后重新提交。", fields={"body": "含有不允许提交的内容"})
    staged = attachments if isinstance(attachments, StagedAttachments) else None
    files = staged.uploads if staged is not None else _chosen(attachments)
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(f"附件最多 {MAX_ATTACHMENTS} 个。", fields={"attachments": f"最多 {MAX_ATTACHMENTS} 个"})
    now = clock.now()
    letter = Letter(
        channel=data.channel, kind=data.kind, status=LetterStatus.SUBMITTED,
        requested_department_id=data.department_id, leader_id=data.leader_id,
        title=data.title, body=data.body, name=data.name, phone=data.phone, email=data.email,
        publish_consent=data.publish_consent,
        user_id=user.id if user is not None and getattr(user, "is_authenticated", False) and not user.is_staff else None,
        idempotency_key=(idempotency_key or None) and idempotency_key[:64],
        held_for_review=scan.needs_review, sensitive_words=scan.words or None,
        submitted_at=now,
    )
    workflow.set_acceptance_deadline(letter)
    if query_code is not None and (len(query_code) != CODE_LENGTH or set(query_code) - set(CODE_ALPHABET)):
        raise ValueError("query_code is not a query code")
    # The files are checked, stored and their rows written before the day's number is taken:
    # the number's counter row (and the month's count) stay locked from then to the commit,
    # and every other letter of the day waits for them — for milliseconds, not for someone's
    # 15 MB of uploads on their way to the store (attack L4).
    if staged is not None:
        if staged.error is not None:
            raise staged.error
        stored = [uploads.keep_staged(file) for file in staged.files]
    else:
        stored = [uploads.save_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES, public=False)
                  for upload in files]
    # Inserted with the letter (a new letter has none to load).
    letter.attachments = [LetterAttachment(file=file) for file in stored]
    try:
        code = _insert_with_number(letter, query_code)
    except _SubmittedMeanwhile:
        # A copy of this submission was stored first: its files are kept, these are not.
        letter.attachments = []
        for file in stored:
            uploads.discard(file)
        return _repeated(find_by_idempotency_key(idempotency_key), data)
    workflow.record_event(
        letter, "submit", None, who="citizen", public=True, to_status=LetterStatus.SUBMITTED,
        public_note="来信已提交，等待受理。",
        note="含敏感词，待审核：" + "、".join(scan.words) if scan.needs_review else "",
    )
    return SubmitResult(letter, code)


def _chosen(attachments: Iterable[FileStorage]) -> list[FileStorage]:
    return [f for f in attachments if f is not None and f.filename]


@dataclass
class StagedAttachments:
    """A letter's attachments checked and stored before its request writes anything
    (:func:`staged_attachments`): the files, or the refusal of the first bad one."""

    uploads: list[FileStorage]
    files: list[uploads.StagedFile] = field(default_factory=list)
    error: InvalidInput | None = None


@contextmanager
def staged_attachments(attachments: Iterable[FileStorage]) -> Iterator[StagedAttachments]:
    """The web form's attachments stored before the request's first write (the form
    token's claim), to be given to :func:`submit_letter`: with the session store in the
    database, that write takes SQLite's writer lock, which every other submission, vote and
    job then waits for until the commit — it used to be held while up to 15 MB were copied
    to the store (attack L4, on SQLite). The checks' refusal is kept for
    :func:`submit_letter` to raise where it did (after the letter's own checks); the bytes
    of files no letter kept (a refused form) are deleted when the block ends."""
    files = _chosen(attachments)
    staged = StagedAttachments(files)
    if len(files) <= MAX_ATTACHMENTS:
        try:
            for upload in files:
                staged.files.append(uploads.stage_upload(upload, kinds=ATTACHMENT_KINDS,
                                                         max_bytes=ATTACHMENT_MAX_BYTES, public=False))
        except InvalidInput as error:
            staged.error = error
        except BaseException:
            uploads.drop_staged(staged.files)  # the store failed on a later file: no orphans
            raise
    try:
        yield staged
    finally:
        uploads.drop_staged(staged.files)


def _repeated(letter: Letter, data: LetterInput) -> SubmitResult:
    """A submission whose idempotency key stored ``letter`` before: a retry of the same
    letter gets that letter back. Another letter sent with the same key is refused rather
    than dropped unseen with someone else's letter number in its receipt (attack L10: a
    client reusing keys, or keys guessed and taken first)."""
    # Compared as stored, not validated again: a retry of a letter stored before its leader
    # left the mailbox (or its department closed) still gets its letter, not a 404.
    normalised, errors = _normalised(data)
    if errors or not _same_letter(letter, normalised):
        raise Conflict("这个 Idempotency-Key 已用于另一封内容不同的来信。新的来信请使用新的 Idempotency-Key。",
                       fields={"Idempotency-Key": "已用于另一封来信"})
    return SubmitResult(letter, None, duplicate=True)


def _same_letter(letter: Letter, data: LetterInput) -> bool:
    """Whether ``data`` (validated) is the letter that was stored as ``letter``."""
    return (letter.channel, letter.kind, letter.title, letter.body, letter.name, letter.phone, letter.email,
            letter.requested_department_id, letter.leader_id, letter.publish_consent) == (
        data.channel, data.kind, data.title, data.body, data.name, data.phone, data.email,
        data.department_id, data.leader_id, data.publish_consent)


def upstream_reference(source: str | None, number: str | None) -> tuple[str, str]:
    """A forwarded letter's source and upstream number as stored and compared: compatibility
    forms folded (full-width ＺＸ－２０２６ is ZX-2026), runs of spaces in the source made one,
    the number without spaces and in capitals — so the same upstream letter typed twice in
    slightly different ways is still recognised."""
    source = " ".join(unicodedata.normalize("NFKC", _clean_text(source)).split())[:60]
    number = "".join(unicodedata.normalize("NFKC", _clean_text(number)).split()).upper()[:60]
    return source, number


def forwarded_letter_with(source: str, number: str) -> Letter | None:
    """The letter already registered for the upstream letter ``number`` of ``source``."""
    return db.session.scalar(
        sa.select(Letter).where(Letter.channel == LetterChannel.FORWARDED, Letter.upstream_source == source,
                                Letter.upstream_number == number).order_by(Letter.id).limit(1))


#: The named lock of :func:`enter_forwarded_letter`: registrations check and insert one at a time.
FORWARDED_LOCK = "letters.forwarded"


def enter_forwarded_letter(
    data: LetterInput,
    *,
    upstream_source: str,
    upstream_number: str,
    upstream_due: date | None,
    department_id: int | None,
    actor,
    form_token: str | None = None,
    query_code: str | None = None,
) -> SubmitResult:
    """The office enters a letter forwarded from a higher level (上级转办, e.g. 主席信箱).

    One upstream letter is one letter here: a source and upstream number registered before
    is refused (409) with the letter it was registered as. ``form_token`` (the form's
    one-time token) makes a second copy of the same form — a double click — return the
    letter the first copy registered (``duplicate=True``, no code) instead of a refusal.
    Copies sent at the same instant check one after the other (:data:`FORWARDED_LOCK`).
    ``query_code``: the letter's code (the form's :func:`derived_query_code`); random when ``None``.
    """
    ensure_role(actor, "office", "admin")
    source, number = upstream_reference(upstream_source, upstream_number)
    key = f"forwarded:{form_token[:53]}" if form_token else None
    atomic.serialize(FORWARDED_LOCK)
    existing = find_by_idempotency_key(key)
    if existing is not None:
        return SubmitResult(existing, None, duplicate=True)
    errors = {}
    if not source:
        errors["upstream_source"] = "请填写来源（如 主席信箱）"
    if not number:
        errors["upstream_number"] = "请填写上级来信编号"
    if upstream_due is not None and upstream_due < clock.today():
        errors["upstream_due"] = "上级办理期限不能早于今天"
    if errors:
        raise InvalidInput("提交的内容有误：" + "；".join(errors.values()) + "。", fields=errors)
    registered = forwarded_letter_with(source, number)
    if registered is not None:
        raise Conflict(
            f"{source}来信编号“{number}”已于 {clock.to_local(registered.submitted_at):%Y-%m-%d %H:%M} 登记为来信 "
            f"{registered.number}（{registered.status.label}），不能重复登记，请在该来信中继续办理。",
            fields={"upstream_number": f"已登记为 {registered.number}"})
    citizen_data = LetterInput(**{**data.__dict__, "channel": LetterChannel.CONSULTATION, "leader_id": None})
    cleaned = validate_input(citizen_data)
    now = clock.now()
    letter = Letter(
        channel=LetterChannel.FORWARDED, kind=cleaned.kind, status=LetterStatus.ACCEPTED,
        title=cleaned.title, body=cleaned.body, name=cleaned.name, phone=cleaned.phone, email=cleaned.email,
        publish_consent=cleaned.publish_consent, upstream_source=source, upstream_number=number,
        upstream_due_at=clock.end_of_local_day(upstream_due) if upstream_due else None,
        idempotency_key=key, submitted_at=now, accepted_at=now,
    )
    workflow.set_acceptance_deadline(letter)
    try:
        code = _insert_with_number(letter, query_code)
    except _SubmittedMeanwhile:  # only without the lock's protection (it is taken above)
        return SubmitResult(find_by_idempotency_key(key), None, duplicate=True)
    workflow.record_event(letter, "forwarded", actor, who="office", public=True,
                          to_status=LetterStatus.ACCEPTED, note=f"{source} {number}",
                          public_note=f"上级转办来信（{source}）已登记受理。")
    if department_id:
        assign_letter(letter, int(department_id), actor=actor)
    return SubmitResult(letter, code)


# --- loading and look-up ----------------------------------------------------------------


def get_letter(letter_id: int) -> Letter:
    return get_or_404(Letter, letter_id, "来信不存在。")


def letter_department_id(letter_id: int, **_other_url_values) -> int | None:
    """For ``roles_required(department=...)``: the department of a letter in a URL."""
    return db.session.scalar(sa.select(Letter.department_id).where(Letter.id == letter_id))


def find_by_number(number: str) -> Letter | None:
    number = (number or "").strip().upper()[:24]
    return db.session.scalar(sa.select(Letter).where(Letter.number == number)) if number else None


def lookup(number: str, code: str) -> Letter:
    """The letter with ``number`` if ``code`` is its query code; the same NotFound for a
    wrong number and a wrong code (and the same work, so timing does not tell them apart)."""
    number = (number or "").strip().upper()[:24]
    code = (code or "").strip().upper()[:16]
    letter = db.session.scalar(sa.select(Letter).where(Letter.number == number)) if number else None
    expected = letter.query_code_hash if letter is not None else "0" * 64
    given = hash_query_code(number, code)
    if letter is None or not code or not hmac.compare_digest(expected, given):
        raise NotFound(LOOKUP_FAILED)
    return letter


def citizen_letters(user) -> list[Letter]:
    return list(db.session.scalars(
        sa.select(Letter).where(Letter.user_id == user.id).order_by(Letter.submitted_at.desc())
    ))


# --- staff steps ------------------------------------------------------------------------


def _lookup_url(letter: Letter) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return f"{base}/letters/lookup?number={letter.number}"


def _notify_department(letter: Letter, kind: str, title: str, dedup: str) -> None:
    if letter.department_id is None:
        return
    notify.notify(handlers_of(letter.department_id), kind=kind, title=title, body=letter.title,
                  url=staff_path(letter.id), dedup_key=f"letter:{letter.id}:{dedup}")


def _notify_office(letter: Letter, kind: str, title: str, dedup: str) -> None:
    recipients = users_with_role(Role.OFFICE)
    notify.notify(recipients, kind=kind, title=title, body=letter.title, url=staff_path(letter.id),
                  dedup_key=f"letter:{letter.id}:{dedup}")


def _step(letter: Letter, to_status: LetterStatus, actor, note: str = "", **data: Any) -> None:
    """One step of the letter's workflow. The notices about the letter sent before it are
    news no more (a colleague answered it, the office moved it to another department, the
    office decided what it was told): they are marked read for everybody, before the
    step's own notices go out."""
    workflow.transition(letter, to_status, actor, note, **data)
    notify.mark_read_about(staff_path(letter.id))


def refusal_of_former_department(user, letter_id: int, **_other_url_values) -> PermissionDenied | None:
    """For ``roles_required(refusal=...)``: the refusal of a letter's page to a handler whose
    department held it once (opened from an old notice or a bookmark) says what became of it
    — returned to the office, or moved by the office to another department — and when,
    instead of a bare 无权访问. ``None`` for a letter the department never held."""
    department_id = getattr(user, "department_id", None)
    if department_id is None:
        return None
    events = list(db.session.scalars(sa.select(LetterEvent).where(LetterEvent.letter_id == letter_id)
                                     .order_by(LetterEvent.id)))
    held = [n for n, event in enumerate(events) if event.department_id == department_id]
    if not held:
        return None
    last = held[-1]
    if events[last].action == "return":
        what, when = "已退回办公室重新转办", events[last].occurred_at
    elif last + 1 < len(events):
        what, when = "已由办公室改派其他部门办理", events[last + 1].occurred_at
    else:
        return None
    number = db.session.scalar(sa.select(Letter.number).where(Letter.id == letter_id))
    return PermissionDenied(f"来信 {number} 于 {clock.to_local(when):%Y-%m-%d %H:%M} {what}，"
                            "本部门无需再办理，也不能再查看。", title="来信已不由本部门办理")


def accept_letter(letter: Letter, *, actor, note: str = "") -> None:
    _step(letter, LetterStatus.ACCEPTED, actor, note)


def reject_letter(letter: Letter, *, actor, reason: RejectReason | None, note: str = "") -> None:
    _step(letter, LetterStatus.REJECTED, actor, note, reason=reason)


def assign_letter(letter: Letter, department_id: int | None, *, actor, note: str = "") -> None:
    """Route (转办) a new or returned letter, or transfer (改派) one held by a department."""
    _step(letter, LetterStatus.ASSIGNED, actor, note, department_id=department_id)
    _notify_department(letter, "letter.assigned", f"新的来信待办理：{letter.number}",
                       f"assigned:{len(letter.events)}")


def return_letter(letter: Letter, *, actor, reason: str) -> None:
    """The department returns a mis-routed letter to the office (退回)."""
    _step(letter, LetterStatus.RETURNED, actor, reason)
    _notify_office(letter, "letter.returned", f"来信被退回待重新转办：{letter.number}", f"returned:{len(letter.events)}")


def answer_letter(letter: Letter, *, actor, answer_html: str) -> None:
    """The department answers (rich text, sanitised here); the office reviews next."""
    cleaned = clean_rich_text(answer_html)
    if len(cleaned) > ANSWER_MAX:
        raise InvalidInput("答复内容过长。", fields={"answer_html": f"不超过 {ANSWER_MAX} 个字符"})
    if not search.html_to_text(cleaned).strip():
        raise InvalidInput("请填写答复内容。", fields={"answer_html": "请填写答复内容"})
    _step(letter, LetterStatus.ANSWERED, actor, answer_html=cleaned)


def send_back(letter: Letter, *, actor, note: str) -> None:
    """The office sends an answer back with comments."""
    _step(letter, LetterStatus.SENT_BACK, actor, note)
    _notify_department(letter, "letter.sent_back", f"答复被退回修改：{letter.number}", f"sent_back:{len(letter.events)}")


def approve_answer(letter: Letter, *, actor, publish: bool, note: str = "") -> None:
    """The office approves the answer: the letter is closed (办结) and, if the citizen
    agreed and ``publish`` is set, published. A citizen who left an e-mail is told."""
    if publish and not letter.publish_consent:
        raise InvalidInput("来信人不同意公开，不能选择公开。", fields={"publish": "来信人不同意公开"})
    _step(letter, LetterStatus.CLOSED, actor, note)
    if publish and not letter.published:  # a published letter answered again stays published
        workflow.set_published(letter, True, actor)
    if letter.email:
        notify.email_citizen(
            letter.email, subject=f"您的来信已答复（{letter.number}）", template="letter_answered",
            context={"name": letter.name, "letter_number": letter.number, "subject": letter.title,
                     "department": letter.department.name if letter.department else "",
                     "url": _lookup_url(letter)},
            dedup_key=f"letter:{letter.id}:answered:{letter.reopen_count}",
        )


def reopen_letter(letter: Letter, *, actor, note: str = "") -> None:
    _step(letter, LetterStatus.REOPENED, actor, note)
    _notify_department(letter, "letter.reopened", f"来信重新办理：{letter.number}", f"reopened:{letter.reopen_count}")


def publish_letter(letter: Letter, *, actor) -> None:
    workflow.set_published(letter, True, actor)


def withdraw_letter(letter: Letter, *, actor, note: str = "") -> None:
    workflow.set_published(letter, False, actor, note=note)


def request_extension(letter: Letter, *, actor, extra_workdays: int, reason: str) -> LetterExtension:
    extension = workflow.request_extension(letter, actor, extra_workdays=extra_workdays, reason=reason)
    _notify_office(letter, "letter.extension_requested", f"延期申请待审批：{letter.number}",
                   f"extension:{extension.id}")
    return extension


def get_extension(extension_id: int) -> LetterExtension:
    return get_or_404(LetterExtension, extension_id, "延期申请不存在。")


def decide_extension(extension: LetterExtension, *, actor, approve: bool, note: str = "") -> None:
    workflow.decide_extension(extension, actor, approve=approve, note=note)
    letter = extension.letter
    notify.mark_read_about(staff_path(letter.id))  # 延期申请待审批: decided
    _notify_department(letter, "letter.extension_decided",
                       f"延期申请{'已批准' if approve else '未批准'}：{letter.number}", f"extension_decided:{extension.id}")


def rate_letter(letter: Letter, rating: LetterRating, comment: str = "") -> None:
    """The citizen's rating (the caller has checked the query code or the account)."""
    workflow.rate(letter, rating, comment)
    if rating is LetterRating.UNSATISFIED:
        _notify_office(letter, "letter.unsatisfied", f"来信人对答复不满意：{letter.number}", "unsatisfied")


@dataclass
class FaqDraft:
    """The draft made from a letter and the personal data hidden in it on the way."""

    entry: Any
    masked: list[privacy.Finding]

    @property
    def masked_summary(self) -> str:
        """``电话 1 处、身份证号 1 处`` ('' when nothing needed hiding)."""
        return privacy.summarize(self.masked)


def to_faq(letter: Letter, *, actor, question: str | None = None) -> FaqDraft:
    """Turn an answered letter into a draft FAQ entry (常见问题) in one step.

    The question and answer go through the publication masking (core.privacy) with the
    letter's name, so the entry never carries the writer's personal data; what was hidden
    is noted in the entry's history and the letter's events for the curator.
    """
    ensure_department_scope(actor, letter.department_id)
    # A copy sent at the same instant waits here, then finds the draft the first one made.
    atomic.serialize("letters.to_faq")
    existing = faq_services.entry_from_letter(letter.id)
    if existing is not None:  # a second click from a stale page: the draft made the first time
        return FaqDraft(existing, [])
    if not workflow.can_turn_into_faq(letter):
        raise InvalidTransition("答复经办公室审核通过（已办结）后才能转为常见问题。")
    names = letter.public_names
    masked_question, found_in_question = privacy.scan_text((question or letter.title).strip(), names)
    masked_answer, found_in_answer = privacy.scan_html(letter.answer_html, names)
    masked = found_in_question + found_in_answer
    summary = privacy.summarize(masked)
    note = f"转入时已隐去个人信息：{summary}" if summary else ""
    entry = faq_services.create_draft_entry(
        question=masked_question[:200],
        answer_html=masked_answer,
        department_id=letter.department_id,
        source_letter_id=letter.id,
        actor=actor,
        note=note,
    )
    workflow.record_event(letter, "to_faq", actor, who="office",
                          note="已转为常见问题草稿" + (f"（{note}）" if note else ""),
                          data={"faq_entry_id": getattr(entry, "id", None),
                                "masked": sorted({f.kind for f in masked})})
    return FaqDraft(entry, masked)


# --- staff lists ------------------------------------------------------------------------


def office_queue() -> list[Letter]:
    """New, accepted-but-not-routed and returned letters, most urgent first."""
    return list(db.session.scalars(
        sa.select(Letter)
        .where(workflow.awaiting("assign"))
        .order_by(Letter.due_at, Letter.id)
        .limit(500)
    ))


def review_queue() -> list[Letter]:
    return list(db.session.scalars(
        sa.select(Letter).where(workflow.awaiting("close")).order_by(Letter.answered_at, Letter.id)
    ))


def pending_extension_count() -> int:
    """Extension requests waiting for the office's decision (``decide_extension``)."""
    return db.session.scalar(
        sa.select(sa.func.count(LetterExtension.id)).where(LetterExtension.status == ExtensionStatus.PENDING)) or 0


def pending_extensions() -> list[LetterExtension]:
    return list(db.session.scalars(
        sa.select(LetterExtension).where(LetterExtension.status == ExtensionStatus.PENDING)
        .order_by(LetterExtension.requested_at)
    ))


@dataclass
class LetterFilters:
    status: LetterStatus | None = None
    department_id: int | None = None
    channel: LetterChannel | None = None
    kind: LetterKind | None = None
    overdue: bool = False
    warning: bool = False
    veto: bool = False
    held: bool = False
    date_from: date | None = None
    date_to: date | None = None
    number: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def staff_letters(filters: LetterFilters, *, user, page: int = 1, per_page: int = 30):
    """The letters ``user`` may see (:func:`~interact.core.permissions.scope`), filtered."""
    stmt = scope(sa.select(Letter), user, Letter.department_id)
    if filters.status is not None:
        stmt = stmt.where(Letter.status == filters.status)
    if filters.department_id:
        stmt = stmt.where(Letter.department_id == filters.department_id)
    if filters.channel is not None:
        stmt = stmt.where(Letter.channel == filters.channel)
    if filters.kind is not None:
        stmt = stmt.where(Letter.kind == filters.kind)
    if filters.overdue:
        stmt = stmt.where(Letter.overdue)
    if filters.warning:
        stmt = stmt.where(Letter.warning)
    if filters.veto:
        stmt = stmt.where(veto_condition())
    if filters.held:
        stmt = stmt.where(Letter.held_for_review.is_(True))
    if filters.date_from:
        stmt = stmt.where(Letter.submitted_at >= clock.local_datetime(filters.date_from))
    if filters.date_to:
        stmt = stmt.where(Letter.submitted_at < clock.local_datetime(filters.date_to + timedelta(days=1)))
    if filters.number:
        stmt = stmt.where(Letter.number == filters.number.strip().upper())
    # The list shows pending extensions per row: load them in one query, not one per row.
    stmt = stmt.options(selectinload(Letter.extensions)).order_by(Letter.submitted_at.desc(), Letter.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def handler_letters(department_id: int) -> list[Letter]:
    """The department's open letters, nearest deadline first."""
    return list(db.session.scalars(
        sa.select(Letter)
        .where(Letter.department_id == department_id, workflow.awaiting("answer"))
        .order_by(Letter.due_at, Letter.id)
    ))


def handler_recent_answered(department_id: int, limit: int = 20) -> list[Letter]:
    return list(db.session.scalars(
        sa.select(Letter)
        .where(Letter.department_id == department_id,
               Letter.status.in_((LetterStatus.ANSWERED, LetterStatus.CLOSED)))
        .order_by(Letter.answered_at.desc().nulls_last(), Letter.id.desc())
        .limit(limit)
    ))


def counts(condition, department_id: int | None = None) -> int:
    stmt = sa.select(sa.func.count(Letter.id)).where(condition)
    if department_id is not None:
        stmt = stmt.where(Letter.department_id == department_id)
    return db.session.scalar(stmt) or 0


# --- routing suggestion -----------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionPool:
    """Segmented titles of recently answered letters and their departments."""

    choices: list[str]
    department_ids: list[int]


def suggestion_pool() -> SuggestionPool:
    """Build once per page and pass to :func:`suggest_department` for many letters."""
    rows = db.session.execute(
        sa.select(Letter.title, Letter.department_id)
        .where(Letter.department_id.is_not(None), Letter.answered_at.is_not(None))
        .order_by(Letter.answered_at.desc())
        .limit(SUGGESTION_POOL)
    ).all()
    return SuggestionPool([" ".join(search.segment_words(row.title)) for row in rows],
                          [row.department_id for row in rows])


def routing_suggestion(letter: Letter, *, pool: SuggestionPool | None = None) -> tuple[Department, int] | None:
    """The department suggested to the office for routing ``letter`` (staff queue and letter
    page alike): none while the department the citizen chose stands — a letter never routed
    yet goes there first — otherwise :func:`suggest_department` of its text."""
    if letter.requested_department_id is not None and letter.assigned_at is None:
        return None
    return suggest_department(letter.title, letter.body, pool=pool)


def suggest_department(title: str, body: str = "", *, pool: SuggestionPool | None = None) -> tuple[Department, int] | None:
    """The department that answered the most similar recent letters, with a 0–100 score.

    Compares jieba tokens of the title (and the start of the body) with recently answered
    letters' titles (rapidfuzz token-set ratio) and lets the best five vote.
    """
    query = " ".join(search.segment_words(f"{title} {body[:60]}"))
    pool = pool or suggestion_pool()
    if not query or not pool.choices:
        return None
    matches = process.extract(query, pool.choices, scorer=fuzz.token_set_ratio, limit=5, score_cutoff=50)
    if not matches:
        return None
    votes: Counter[int] = Counter()
    best: dict[int, float] = {}
    for _choice, score, index in matches:
        department_id = pool.department_ids[index]
        votes[department_id] += score
        best[department_id] = max(best.get(department_id, 0), score)
    department_id, _ = votes.most_common(1)[0]
    department = db.session.get(Department, department_id)
    if department is None or not department.active:
        return None
    return department, int(best[department_id])


# --- public side ------------------------------------------------------------------------


@dataclass
class PublicQuery:
    q: str = ""
    department_id: int | None = None
    kind: LetterKind | None = None
    channel: LetterChannel | None = None
    #: ``YYYY-MM`` of submission.
    month: str = ""


#: The public condition, written as the partial indexes' condition (``published = true``;
#: ``IS true`` would not let PostgreSQL use them).
PUBLISHED = Letter.published == sa.true()


class _CountedPagination(SelectPagination):
    """A page of a select whose total comes from ``count_stmt`` (cheaper than counting the
    ranked select) and is reused until a public change (``core.pagecache.remember``)."""

    #: Whether there are more than ``total`` (a search's count stops at a limit).
    more_than_total = False

    def _query_count(self) -> int:
        count = self._query_args.get("counter")
        if count is None:
            count_stmt = self._query_args["count_stmt"]
            count = lambda: db.session.scalar(count_stmt) or 0  # noqa: E731
        return pagecache.remember(self._query_args["count_key"], count)


class _SearchPagination(_CountedPagination):
    """A page of a search over every published letter: the page's ids in the order of
    ``search.ranked_page`` (bounded ranking), then those letters. Hits are counted up to
    ``search.COUNT_LIMIT``: a broader search has that ``total`` (its pages) and
    ``more_than_total``."""

    def _first_window(self) -> search.FirstWindow | None:
        """The newest hits, ranked (``search.first_window``), remembered per search like its
        total: the first pages (all of a search's pages up to ``search.RANK_WINDOW`` hits)
        and on SQLite the total of most searches come from it. PostgreSQL counts first."""
        if not hasattr(self, "_window"):
            terms = self._query_args["terms"]
            hits = None if db.engine.dialect.name == "sqlite" else super()._query_count()
            self._window = pagecache.remember(
                ("letters.search_first_window", tuple(terms), search.RANK_WINDOW),
                lambda: search.first_window(db.session, terms, hits), weigh=lambda window: window.size if window else 64)
        return self._window

    def _hits(self) -> int:
        if not hasattr(self, "_counted"):  # asked by _query_items, then by the pagination
            first = self._first_window()
            if first is not None and not first.more:
                self._counted = len(first.ids)  # every hit is in it
            else:
                self._counted = super()._query_count()
        return self._counted

    def _query_count(self) -> int:
        return min(self._hits(), search.COUNT_LIMIT)

    @property
    def more_than_total(self) -> bool:  # type: ignore[override]
        return self._hits() > search.COUNT_LIMIT

    def _query_items(self) -> list[Letter]:
        # The total first (remembered per query, needed for the page anyway): a search with
        # at most one window of hits is ranked in one statement, and a page past the last
        # (past COUNT_LIMIT for a broad search) is the last — never a walk through the hits
        # of a very broad query to page 9,000 (2 s at 1,000,000 letters on PostgreSQL).
        self.page = min(self.page, max(1, -(-self._query_count() // self.per_page)))
        ids = search.ranked_page(db.session, self._query_args["terms"], offset=self._query_offset,
                                 limit=self.per_page, hits=self._hits(), remember=pagecache.remember,
                                 first=self._first_window())
        if not ids:
            return []
        letters = {letter.id: letter for letter in db.session.scalars(
            sa.select(Letter).where(PUBLISHED, Letter.id.in_(ids)).options(joinedload(Letter.department)))}
        return [letters[i] for i in ids if i in letters]


#: A page of 来信选登 found by its number alone skips the letters before it (``OFFSET``); the
#: pages linked from the list (上一页 / 下一页) say where they start instead (keyset), which
#: costs the same on page 10,000 as on page 2. Numbers beyond this are read as this one.
OFFSET_PAGES = 10_000


class _ListPagination(_CountedPagination):
    """A page of published letters without a search, newest publication first.

    Linked pages start at a letter: ``after`` (the page holds the letters published just
    before it, 下一页) or ``before`` (just after it, 上一页) — one range read of the public
    index, however deep the page (at 1,000,000 letters ``OFFSET`` past 350,000 published
    letters took seconds on PostgreSQL). A link stays valid while the list grows: it shows
    the same letters. A page asked for by number alone (a typed or an old link, the API)
    skips the letters before it, reading ids from the index alone (no letter rows), then
    loads the page's letters. A starting letter that is no longer in the list (withdrawn,
    or not matching the filters) falls back to the page number.

    ``next_cursor`` / ``prev_cursor``: the URL arguments of the links to the neighbouring
    pages (none to page 1, which has its own address)."""

    def _query_items(self) -> list[Letter]:
        conditions = self._query_args["conditions"]
        order = (Letter.published_at.desc(), Letter.id.desc())
        anchor_id = self._query_args.get("after") or self._query_args.get("before")
        anchor = None
        if anchor_id:
            anchor = db.session.execute(
                sa.select(Letter.published_at, Letter.id).where(Letter.id == anchor_id, *conditions)).first()
        self._keyset = None
        key = sa.tuple_(Letter.published_at, Letter.id)
        if anchor is None or anchor.published_at is None:
            self.page = min(self.page, OFFSET_PAGES)
            ids = self._ids_by_number(conditions, order, key)
        else:
            at = sa.tuple_(sa.bindparam("at", anchor.published_at, type_=Letter.published_at.type),
                           sa.bindparam("at_id", anchor.id, type_=Letter.id.type))
            older = self._query_args.get("after") is not None
            stmt = (sa.select(Letter.id).where(*conditions, key < at).order_by(*order) if older else
                    sa.select(Letter.id).where(*conditions, key > at)
                    .order_by(Letter.published_at.asc(), Letter.id.asc()))
            ids = list(db.session.scalars(stmt.limit(self.per_page + 1)))
            more = len(ids) > self.per_page
            ids = ids[:self.per_page]
            if not older:
                ids.reverse()
            # Past the anchor there is the anchor itself: a page on that side for sure.
            self._keyset = {"prev": more or older, "next": more or not older}
            if not self._keyset["prev"]:
                self.page = 1
            else:
                self.page = max(self.page, 2)
        if not ids:
            return []
        letters = {letter.id: letter for letter in db.session.scalars(
            sa.select(Letter).where(Letter.id.in_(ids)).options(joinedload(Letter.department)))}
        return [letters[i] for i in ids if i in letters]

    def _ids_by_number(self, conditions: list, order: tuple, key) -> list[int]:
        """The ids of a page asked for by its number: past the nearest remembered mark
        (:func:`_list_marks`) at most ``MARK_EVERY`` letters are skipped, not every letter
        before the page (with the page cache off, every letter before it)."""
        select = sa.select(Letter.id).where(*conditions).order_by(*order).limit(self.per_page)
        number, skip = divmod(self._query_offset, MARK_EVERY)
        if not pagecache.remembering():  # marks read for every page would cost more than the OFFSET
            number, skip = 0, self._query_offset
        if number:
            marks = _list_marks(conditions, order, self._query_args["count_key"], number)
            if len(marks) < number:
                return []  # fewer letters than the page skips: past the last page
            published_at, letter_id = marks[number - 1]
            select = select.where(key < sa.tuple_(
                sa.bindparam("mark", published_at, type_=Letter.published_at.type),
                sa.bindparam("mark_id", letter_id, type_=Letter.id.type)))
        return list(db.session.scalars(select.offset(skip)))

    @property
    def pages(self) -> int:  # type: ignore[override]
        # A linked page's number is the one its link carried: the last is never before it.
        return max(super().pages, self.page) if self._keyset else super().pages

    @property
    def has_prev(self) -> bool:  # type: ignore[override]
        return self._keyset["prev"] if self._keyset else super().has_prev

    @property
    def has_next(self) -> bool:  # type: ignore[override]
        return self._keyset["next"] if self._keyset else super().has_next

    @property
    def next_cursor(self) -> dict[str, int]:
        return {"after": self.items[-1].id} if self.items else {}

    @property
    def prev_cursor(self) -> dict[str, int]:
        return {"before": self.items[0].id} if self.items and self.prev_num > 1 else {}


#: A page by number past this many letters starts from a remembered mark: the key of every
#: ``MARK_EVERY``-th letter of the list (:func:`_list_marks`).
MARK_EVERY = 2000


def _list_marks(conditions: list, order: tuple, list_key: tuple, wanted: int) -> list[tuple[datetime, int]]:
    """``(published_at, id)`` of the ``MARK_EVERY``-th, ``2 × MARK_EVERY``-th … letter of a
    public list (``conditions`` in ``order``), at least the first ``wanted`` of them when the
    list is that long. Read in one pass of the list's index (numbering its entries, no
    letter rows) and remembered until a public change (``core.pagecache.remember``), so a
    page by number skips at most ``MARK_EVERY`` letters past its mark: at 1,000,000 letters
    an ``OFFSET`` past 171,000 published letters took 107 ms on PostgreSQL. The pass reads
    to the next power of two of marks: a deeper page reads once more (at most twice as
    deep as it needs), a shallow one never reads the whole list."""
    count = 1 << (wanted - 1).bit_length()

    def read() -> list[tuple[datetime, int]]:
        numbered = (sa.select(Letter.published_at, Letter.id, sa.func.row_number().over(order_by=order).label("n"))
                    .where(*conditions).order_by(*order).limit(count * MARK_EVERY).subquery())
        return [(row.published_at, row.id) for row in db.session.execute(
            sa.select(numbered.c.published_at, numbered.c.id)
            .where(numbered.c.n % MARK_EVERY == 0).order_by(numbered.c.n))]

    return pagecache.remember(("letters.list_marks", *list_key[1:], count), read)


def _month_range(start: datetime, end: datetime) -> tuple:
    """``(lowest id, highest id, first published_at, last published_at)`` of the published
    letters submitted in ``[start, end)`` (all ``None`` when there are none), remembered
    until a public change. Letters are numbered as they arrive, so a month's ids lie close
    together, and they are published within weeks of it: a month's page then reads only
    the list index's entries published in that span (at 100,000 letters 1.6 -> 0.2 ms for
    a page of an old month on SQLite: the list index was walked from the newest letter
    down), and a search reads only the index entries of the id range. The ranges always
    hold every published letter of the month, whatever order they were stored in.

    Read from ``ix_letters_public_submitted`` alone (an index-only range scan). PostgreSQL
    would otherwise answer ``min(id)`` / ``max(id)`` by walking the primary key from either
    end and testing each letter's date — it guesses the month's letters are spread evenly
    over the ids, but they lie together, so a recent month's minimum read 83,000 letters
    first (130–250 ms at 100,000 letters, against 0.4 ms): the month's entries are taken
    as a materialized set first there (attack I9)."""
    def read() -> tuple:
        month = (sa.select(Letter.id, Letter.published_at)
                 .where(PUBLISHED, Letter.submitted_at >= start, Letter.submitted_at < end)
                 .cte("month_letters").prefix_with("MATERIALIZED", dialect="postgresql"))
        return tuple(db.session.execute(sa.select(
            sa.func.min(month.c.id), sa.func.max(month.c.id),
            sa.func.min(month.c.published_at), sa.func.max(month.c.published_at))).one())

    return pagecache.remember(("letters.month_range", start, end), read)


def searches(text: str) -> bool:
    """Whether 来信选登's words ``text`` make a search (some term to look for) rather than
    the plain list (none, or only punctuation)."""
    return bool(text.strip()) and bool(search.query_terms(text))


def public_letters(query: PublicQuery, *, page: int = 1, per_page: int = 20,
                   after: int | None = None, before: int | None = None):
    """Published letters (来信选登): full-text search over the index plus filters.

    A search without other filters reads only the index for its total (it holds exactly
    the published letters: ``workflow`` indexes on publication and unindexes on withdrawal)
    and ranks at most ``search.RANK_WINDOW`` hits for a page (``search.ranked_page``); with
    filters, the hits are joined to the letters, ranked once for the page shown and counted
    unranked. A list filtered by department and month at most takes its total from the
    running totals (``monthcounts.published_total``: no count over the published letters).
    A list without a search starts ``after`` or ``before`` a letter when given (the links of
    its pager, :class:`_ListPagination`), else at ``page``.
    """
    conditions = [PUBLISHED]
    if query.department_id:
        conditions.append(Letter.department_id == query.department_id)
    if query.kind is not None:
        conditions.append(Letter.kind == query.kind)
    if query.channel is not None:
        conditions.append(Letter.channel == query.channel)
    month = periods.valid_month(query.month)
    bounds = periods.month_bounds(month) if month is not None else None
    ids = None
    if bounds is not None:
        # The month's ids and publication span as well (exact by the dates): the list
        # indexes hold both, so a page of an old month skips the newer letters without
        # reading them (1.5 -> 0.1 ms for a department's month two years back at 100,000
        # letters), and a search reads only the index entries of the id range.
        low, high, first, last = _month_range(*bounds)
        ids = (low, high)
        conditions += [Letter.submitted_at >= bounds[0], Letter.submitted_at < bounds[1],
                       Letter.id.between(low, high), Letter.published_at.between(first, last)]
    # Every row shows its department: one query for the page instead of one per department.
    stmt = sa.select(Letter).where(*conditions).options(joinedload(Letter.department))
    count_stmt = sa.select(sa.func.count(Letter.id)).where(*conditions)
    terms = search.query_terms(query.q) if query.q.strip() else []
    count_key = ("letters.public_count", tuple(terms), query.department_id, query.kind, query.channel, bounds)
    if terms and len(conditions) == 1:
        return _SearchPagination(select=stmt, session=db.session(), terms=terms, count_key=count_key,
                                 counter=lambda: search.count_hits(db.session, terms),
                                 page=page, per_page=per_page, error_out=False)
    if terms:
        match = search.matching_letters(db.session, terms, ids=ids)
        hits = search.matching_letters(db.session, terms, ranked=False, ids=ids)
        stmt = stmt.join(match, match.c.letter_id == Letter.id).order_by(match.c.score, Letter.published_at.desc())
        count_stmt = count_stmt.join(hits, hits.c.letter_id == Letter.id)
    else:
        if query.kind is None and query.channel is None:
            # By department and month only: the running totals hold the number.
            count_stmt = monthcounts.published_total(query.department_id or None, month)
        return _ListPagination(conditions=conditions, count_stmt=count_stmt, count_key=count_key,
                               after=after, before=None if after else before,
                               page=page, per_page=per_page, error_out=False)
    return _CountedPagination(select=stmt, session=db.session(), count_stmt=count_stmt, count_key=count_key,
                              page=page, per_page=per_page, error_out=False)


def get_published(letter_id: int) -> Letter:
    """A published letter with what its public page shows: its department and its events
    (the public timeline) come in the same statement — on PostgreSQL each statement is a
    round trip, more than the few event rows cost."""
    letter = db.session.get(Letter, letter_id, options=[joinedload(Letter.department), joinedload(Letter.events)])
    if letter is None or not letter.published:
        raise NotFound("该来信不存在或未公开。")
    return letter


def latest_published(limit: int = 6) -> list[Letter]:
    return list(db.session.scalars(
        sa.select(Letter).where(PUBLISHED).options(joinedload(Letter.department))
        .order_by(Letter.published_at.desc(), Letter.id.desc()).limit(limit)
    ))


# --- suggestions while writing ----------------------------------------------------------

#: At most this many published letters are suggested beside a letter being written (the FAQ
#: engine offers at most five entries: its best and four related).
SUGGESTED_LETTERS = 3
#: Fewer characters typed than this (title and text together) suggest nothing yet.
SUGGEST_MIN_CHARS = 4


@dataclass
class WritingSuggestions:
    """FAQ entries and published letters similar to a letter being written."""

    faq: list = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.faq) + len(self.letters)


def writing_suggestions(title: str | None, body: str | None = "") -> WritingSuggestions:
    """What the letter form suggests for the title and text typed so far.

    FAQ entries come from the intelligent-answer engine as the home page's question box
    gets them (its best entry and related ones; not logged, not counted as hits), published
    letters from the letter search, matching at least two of the text's content terms
    (:func:`search.content_terms`), best first. A FAQ index still being built after a
    start suggests letters only: the citizen is writing and must not wait for it.
    """
    text = " ".join(f"{title or ''} {body or ''}".split())
    if len(text) < SUGGEST_MIN_CHARS:
        return WritingSuggestions()
    suggestions = WritingSuggestions()
    try:
        answer = faq_services.ask(text, log=False)
    except Unavailable:
        answer = None
    if answer is not None:
        suggestions.faq = ([answer.best] if answer.best is not None else []) + [e for e, _ in answer.related]
    terms = search.content_terms(text)
    if terms:
        match = search.matching_letters(db.session, terms, any_two=True)
        suggestions.letters = list(db.session.scalars(
            sa.select(Letter).join(match, match.c.letter_id == Letter.id).where(PUBLISHED)
            .order_by(match.c.score, Letter.published_at.desc()).limit(SUGGESTED_LETTERS)
        ))
    return suggestions


# --- figures for the office dashboard and statistics ------------------------------------


def veto_condition():
    """Unanswered for :data:`~interact.core.periods.VETO_MONTHS` months (a veto item in
    portal inspections)."""
    return sa.and_(Letter.status.in_(UNANSWERED_STATUSES), Letter.submitted_at <= periods.veto_cutoff())


def veto_letters() -> list[Letter]:
    """Letters without an answer for more than three months, oldest first."""
    return list(db.session.scalars(sa.select(Letter).where(veto_condition()).order_by(Letter.submitted_at)))


def overdue_counts_by_department() -> dict[int | None, int]:
    """``{department_id: overdue letters}`` by who holds each overdue letter — ``None`` for
    letters still with the office (not accepted or routed yet, or returned), which are
    overdue like any other (the same :attr:`Letter.overdue` rule as the statistics)."""
    rows = db.session.execute(
        sa.select(Letter.department_id, sa.func.count(Letter.id)).where(Letter.overdue).group_by(Letter.department_id)
    ).all()
    return {department_id: count for department_id, count in rows}


def last_reply_at(channel: str = "consultation") -> datetime | None:
    """When a letter of ``channel`` was last answered (approved answers only)."""
    return db.session.scalar(
        sa.select(sa.func.max(Letter.answered_at))
        .where(Letter.channel == LetterChannel(channel), Letter.status == LetterStatus.CLOSED)
    )


def department_performance(start: date, end: date) -> dict[int | None, stats.StatsRow]:
    """Per department, the statistics row (counts) of the letters submitted between
    ``start`` and ``end`` (inclusive, Beijing dates) — the same rows as the public
    statistics, so the figures agree everywhere. The key ``None`` holds the letters no
    department holds (未转办, including those not accepted), as the statistics' own row."""
    return {row.department_id: row for row in stats.department_rows(*periods.local_range(start, end))}


# --- reply limits (admin) ---------------------------------------------------------------


def reply_limits() -> dict[LetterKind, int]:
    return workflow.reply_limits()


def set_reply_limits(limits: dict[LetterKind, int], *, actor) -> None:
    workflow.set_reply_limits(limits, actor=actor)


def record_attachment_access(letter: Letter, attachment: LetterAttachment, *, actor) -> None:
    """Personal data access is logged."""
    audit.record("letter.attachment_viewed", "letter", letter.id, actor=actor, note=attachment.file.original_name)




# --- checks of the office's monthly inspection report -----------------------------------


def upstream_met_condition():
    """A forwarded letter (上级转办) answered in time for its upstream: closed (办结, the
    answer approved) no later than the upstream deadline."""
    return sa.and_(stats.answered_condition(), Letter.closed_at <= Letter.upstream_due_at)


def forwarded_due_between(start: datetime, end: datetime) -> list[tuple[Letter, bool]]:
    """Forwarded letters whose upstream deadline falls in ``[start, end)``, oldest deadline
    first, each with whether it met that deadline (:func:`upstream_met_condition`)."""
    met = sa.case((upstream_met_condition(), True), else_=False)
    rows = db.session.execute(
        sa.select(Letter, met)
        .where(Letter.channel == LetterChannel.FORWARDED, Letter.upstream_due_at >= start,
               Letter.upstream_due_at < end)
        .order_by(Letter.upstream_due_at, Letter.id)
    ).all()
    return [(letter, bool(ok)) for letter, ok in rows]


def held_letters(start: datetime, end: datetime) -> tuple[int, int]:
    """``(held, still pending)``: letters submitted in ``[start, end)`` that the sensitive-word
    scan held for review, and how many of them the office has not accepted or rejected yet."""
    row = db.session.execute(
        sa.select(sa.func.count(Letter.id),
                  sa.func.coalesce(sa.func.sum(sa.case((Letter.status == LetterStatus.SUBMITTED, 1), else_=0)), 0))
        .where(stats.submitted_between(start, end), Letter.held_for_review.is_(True))
    ).one()
    return int(row[0]), int(row[1])
