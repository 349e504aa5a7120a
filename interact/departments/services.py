"""Department and leader administration."""
from __future__ import annotations

from dataclasses import dataclass

from interact.core import atomic, audit, edits
from interact.core.atomic import serialize
from interact.core.errors import Conflict, InvalidInput, NotFound
from interact.core.lookup import get_or_404
from interact.core.permissions import acts_for_every_department, ensure_role
from interact.departments.models import Department, DepartmentKind, Leader
from interact.extensions import db

audit.register_actions({
    "department.created": "新建部门", "department.updated": "修改部门", "department.activated": "启用部门",
    "department.deactivated": "停用部门", "leader.created": "新增领导", "leader.activated": "启用领导", "leader.deactivated": "停用领导", "leader.updated": "修改领导",
}, targets={"department": "部门", "leader": "领导"})


@dataclass
class DepartmentData:
    name: str
    code: str
    kind: DepartmentKind
    parent_id: int | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    office_hours: str = ""
    description: str = ""
    sort_order: int = 100


def active_departments(*, include_city: bool = True) -> list[Department]:
    stmt = db.select(Department).where(Department.active.is_(True))
    if not include_city:
        stmt = stmt.where(Department.kind != DepartmentKind.CITY)
    return list(db.session.scalars(stmt.order_by(Department.sort_order, Department.id)))


def departments_for(user) -> list[Department]:
    """The departments ``user`` may host a collection or an interview for: every active
    one for the office (:func:`~interact.core.permissions.acts_for_every_department`),
    otherwise their own (none without a department)."""
    if acts_for_every_department(user):
        return active_departments()
    department = user.department
    return [department] if department is not None else []


def all_departments() -> list[Department]:
    return list(db.session.scalars(db.select(Department).order_by(Department.sort_order, Department.id)))


def get_department(department_id: int) -> Department:
    return get_or_404(Department, department_id, "部门不存在。")


def mailbox_leaders() -> list[Leader]:
    return list(
        db.session.scalars(
            db.select(Leader)
            .join(Department)
            .where(Leader.active.is_(True), Leader.in_mailbox.is_(True), Department.active.is_(True))
            .order_by(Leader.sort_order, Leader.id)
        )
    )


def _validate(data: DepartmentData, department: Department | None) -> None:
    if not data.name.strip() or not data.code.strip():
        raise InvalidInput("部门名称和代码不能为空。")
    clash = db.session.scalar(
        db.select(Department).where(Department.code == data.code.strip().upper())
    )
    if clash is not None and clash is not department:
        raise Conflict(f"部门代码“{data.code}”已被“{clash.name}”使用。", fields={"code": "代码已被使用"})
    if data.parent_id is not None:
        parent = db.session.get(Department, data.parent_id)
        if parent is None:
            raise InvalidInput("上级部门不存在。")
        # Walk up from the new parent: reaching ourselves would create a cycle.
        node = parent
        while node is not None:
            if department is not None and node.id == department.id:
                raise InvalidInput("上级部门不能是本部门或其下级部门。")
            node = node.parent


def create_department(data: DepartmentData, *, actor) -> Department:
    ensure_role(actor, "admin")
    # The same form sent twice at once: the copies check and insert one after the other, so
    # the second gets the check's own 409, not a 500 from the unique code.
    serialize("departments")
    _validate(data, None)
    department = Department()
    _apply(department, data)
    db.session.add(department)
    db.session.flush()
    audit.record("department.created", "department", department.id, actor=actor, note=department.name)
    return department


#: What the edit form of a department edits.
EDITED = ("name", "code", "kind", "parent_id", "phone", "email", "address", "office_hours", "description",
          "sort_order")


def _edited(department: Department) -> dict:
    return {name: getattr(department, name) for name in EDITED}


def edit_version(department: Department) -> str:
    """The version of what the edit form edits (``core.edits``)."""
    return edits.version_of(_edited(department))


def update_department(department: Department, data: DepartmentData, *, actor,
                      shown_version: str | None = None) -> Department:
    """Save the edit form; saved again unchanged (a double click, also at the same instant),
    it records no second event.

    :param shown_version: :func:`edit_version` of the department when the form was opened.
    :raises Conflict: the department was changed since (another tab) and this save would
        change it again."""
    ensure_role(actor, "admin")
    atomic.lock(department)
    _validate(data, department)
    edited_before = _edited(department)
    _apply(department, data)
    edits.ensure_unchanged_since(shown_version, edited_before, _edited(department), what="该部门的信息")
    if not db.session.is_modified(department):
        return department
    db.session.flush()
    audit.record("department.updated", "department", department.id, actor=actor, note=department.name)
    return department


def set_department_active(department: Department, active: bool, *, actor) -> None:
    ensure_role(actor, "admin")
    # Clicked again, or twice at once: the stored flag changes once, with one event.
    if not atomic.compare_and_set(Department, department.id, {"active": not active}, {"active": active}):
        db.session.expire(department)
        return
    department.active = active
    db.session.flush()
    audit.record(
        "department.activated" if active else "department.deactivated",
        "department",
        department.id,
        actor=actor,
        note=department.name,
    )


def _apply(department: Department, data: DepartmentData) -> None:
    department.name = data.name.strip()
    department.code = data.code.strip().upper()
    department.kind = data.kind
    department.parent_id = data.parent_id
    department.phone = data.phone.strip()
    department.email = data.email.strip()
    department.address = data.address.strip()
    department.office_hours = data.office_hours.strip()
    department.description = data.description.strip()
    department.sort_order = data.sort_order


def save_leader(
    department: Department,
    *,
    name: str,
    title: str,
    duties: str = "",
    in_mailbox: bool = True,
    sort_order: int = 100,
    leader: Leader | None = None,
    actor,
) -> Leader:
    ensure_role(actor, "admin")
    if not name.strip() or not title.strip():
        raise InvalidInput("领导姓名和职务不能为空。")
    created = leader is None
    # One row per person and post in a department (a double click on 添加 must not list the
    # same leader twice in the letter form); copies sent at once check one after the other.
    serialize(f"department-leaders:{department.id}")
    same = db.select(Leader).where(Leader.department_id == department.id, Leader.name == name.strip(),
                                   Leader.title == title.strip())
    if leader is not None:
        same = same.where(Leader.id != leader.id)
    if db.session.scalar(same) is not None:
        raise Conflict(f"本部门已有领导“{title.strip()} {name.strip()}”。", fields={"name": "已有同名同职务的领导"})
    if leader is None:
        leader = Leader(department=department)
        db.session.add(leader)
    elif leader.department_id != department.id:
        raise NotFound("该领导不属于此部门。")
    leader.name, leader.title, leader.duties = name.strip(), title.strip(), duties.strip()
    leader.in_mailbox, leader.sort_order = in_mailbox, sort_order
    db.session.flush()
    audit.record("leader.created" if created else "leader.updated", "leader", leader.id, actor=actor, note=leader.label)
    return leader


def set_leader_active(leader: Leader, active: bool, *, actor) -> None:
    ensure_role(actor, "admin")
    if not atomic.compare_and_set(Leader, leader.id, {"active": not active}, {"active": active}):
        db.session.expire(leader)  # already so: clicked again, or twice at once
        return
    leader.active = active
    db.session.flush()
    audit.record("leader.activated" if active else "leader.deactivated", "leader", leader.id, actor=actor, note=leader.label)
