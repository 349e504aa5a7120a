"""``GET /api/v1/departments``."""
from __future__ import annotations

from interact.api import bp
from interact.api.openapi import document
from interact.departments.services import active_departments, mailbox_leaders


def department_json(department) -> dict:
    return {
        "id": department.id,
        "name": department.name,
        "code": department.code,
        "kind": department.kind.value,
        "parent_id": department.parent_id,
        "phone": department.phone,
        "email": department.email,
        "address": department.address,
        "office_hours": department.office_hours,
    }


@bp.get("/departments")
def departments():
    leaders = mailbox_leaders()
    return {
        "items": [department_json(d) for d in active_departments()],
        "leaders": [
            {"id": leader.id, "name": leader.name, "title": leader.title, "department_id": leader.department_id}
            for leader in leaders
        ],
    }


document(
    paths={
        "/departments": {
            "get": {
                "summary": "部门列表（及领导信箱可选的领导）",
                "tags": ["departments"],
                "responses": {
                    "200": {
                        "description": "启用中的部门",
                        "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Department"}},
                                "leaders": {"type": "array", "items": {"$ref": "#/components/schemas/Leader"}},
                            },
                        }}},
                    }
                },
            }
        }
    },
    schemas={
        "Department": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "code": {"type": "string"},
                "kind": {"type": "string", "enum": ["city", "department", "district", "office"]},
                "parent_id": {"type": "integer", "nullable": True}, "phone": {"type": "string"},
                "email": {"type": "string"}, "address": {"type": "string"}, "office_hours": {"type": "string"},
            },
        },
        "Leader": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "title": {"type": "string"},
                           "department_id": {"type": "integer"}},
        },
    },
)
