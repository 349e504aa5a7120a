"""``GET /api/v1/departments``: active departments and the leaders of the leader mailbox."""
from __future__ import annotations

from marshmallow import Schema, fields

from interact.api import bp
from interact.api.schemas import EnumValue
from interact.core.pagecache import no_arguments, public_page
from interact.departments.models import DepartmentKind
from interact.departments.services import active_departments, mailbox_leaders


class DepartmentOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"example": "市住房公积金管理中心"})
    code = fields.String(required=True)
    kind = EnumValue(DepartmentKind, required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    phone = fields.String(required=True, metadata={"description": "办公电话（公开）"})
    email = fields.String(required=True)
    address = fields.String(required=True)
    office_hours = fields.String(required=True, metadata={"example": "工作日 9:00–17:00"})


class LeaderOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    title = fields.String(required=True, metadata={"example": "副市长"})
    department_id = fields.Integer(required=True)


class DepartmentList(Schema):
    items = fields.List(fields.Nested(DepartmentOut), required=True)
    leaders = fields.List(fields.Nested(LeaderOut), required=True,
                          metadata={"description": "领导信箱可选的领导（提交来信时的 leader_id）"})


@bp.route("/departments", tags=["departments"])
@public_page(key=no_arguments)
@bp.response(200, DepartmentList, description="启用中的部门")
def departments():
    """部门列表（及领导信箱可选的领导）

    在线咨询时 department_id 取自 items，领导信箱来信的 leader_id 取自 leaders。
    """
    return {"items": active_departments(), "leaders": mailbox_leaders()}
