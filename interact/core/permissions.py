"""Role and department-scope checks, enforced on the server for every staff page.

Rules:
- ``admin`` and ``office`` act for every department;
- a ``handler`` acts only for the one department their account is bound to;
- ``curator`` works on the knowledge base only.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from interact.core.errors import PermissionDenied
from interact.extensions import login_manager

CITY_WIDE_ROLES = frozenset({"admin", "office"})


def has_role(user, *roles: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(user.has_role(role) for role in roles)


def acts_for_every_department(user) -> bool:
    """Office and admin act for every department (choose any host department, move an
    object to another one); everybody else at most for their own."""
    return has_role(user, *CITY_WIDE_ROLES)


def can_act_for_department(user, department_id: int | None, *, roles=("handler",)) -> bool:
    """Whether ``user`` may act on objects of ``department_id``.

    Office and admin act for all departments; users with one of ``roles`` only for their own.
    """
    if acts_for_every_department(user):
        return True
    if department_id is None:
        return False
    return has_role(user, *roles) and user.department_id == department_id


def scope(stmt, user, department_column, *, roles=("handler",), everything: bool | None = None):
    """``stmt`` restricted to the rows ``user`` may see by department — the one meaning
    of department scope for every staff list, count and export:

    * office and admin (or ``everything=True``, e.g. a city-wide curator): every row;
    * a user with one of ``roles`` and a department: the rows of ``department_column``
      equal to their department;
    * anybody else: no row (an empty list, a zero count — never an error; whether the
      user may open the page at all is the view's role check).
    """
    if everything is None:
        everything = has_role(user, *CITY_WIDE_ROLES)
    if everything:
        return stmt
    department_id = getattr(user, "department_id", None)
    if department_id is not None and has_role(user, *roles):
        return stmt.where(department_column == department_id)
    return stmt.where(sa.false())


def ensure_department_scope(user, department_id: int | None, *, roles=("handler",)) -> None:
    """Service-level check: raise :class:`PermissionDenied` outside the user's scope."""
    if not can_act_for_department(user, department_id, roles=roles):
        raise PermissionDenied("您无权处理其他部门的事项。")


def ensure_role(user, *roles: str) -> None:
    if not has_role(user, *roles):
        raise PermissionDenied("您的账号没有执行此操作的权限。")


def roles_required(*roles: str, department: Callable[..., int | None] | None = None,
                   refusal: Callable[..., PermissionDenied | None] | None = None):
    """View decorator: anonymous users go to log-in; others need one of ``roles``.

    :param department: optional callable receiving the view's keyword arguments and
        returning the department id of the object the URL names; the user must then be in
        scope for it (office/admin always are). It loads the object from the database, so
        an id in the URL is never trusted.
    :param refusal: optional callable receiving the user and the view's keyword arguments
        when the department check refuses them: the :class:`PermissionDenied` that says why
        (a letter the user's department held once and no longer does), or ``None`` for the
        plain 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.is_staff or not has_role(current_user, *roles):
                abort(403)
            if department is not None:
                department_id = department(**kwargs)
                if not can_act_for_department(current_user, department_id):
                    refused = refusal(current_user, **kwargs) if refusal is not None else None
                    if refused is not None:
                        raise refused
                    abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        wrapped.required_department = department
        return wrapped

    return decorator


def staff_required(view):
    """Any staff member (any role)."""
    return roles_required("admin", "office", "handler", "curator")(view)
