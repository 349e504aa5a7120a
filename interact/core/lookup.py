"""Loading one record by id for a service or a view — the one "get or 404".

``get_or_404(Model, id, "该征集不存在。")`` returns the row or raises
:class:`~interact.core.errors.NotFound` with the message (a Chinese 404 page, or JSON under
``/api/``); ``where=`` narrows what counts as found (a published entry, a question of this
interview), so a row that exists but may not be shown is the same 404 as a missing one. Department
scope is checked where the rule lives — the route's ``roles_required(department=…)`` and
the service (``core.permissions``) — not at loading.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from interact.core.errors import NotFound
from interact.extensions import db

T = TypeVar("T")


def get_or_404(model: type[T], ident: Any, message: str = "该记录不存在。", *,
               where: Callable[[T], bool] | None = None) -> T:
    """The ``model`` row with primary key ``ident``, or :class:`NotFound`."""
    row = db.session.get(model, ident) if ident is not None else None
    if row is None or (where is not None and not where(row)):
        raise NotFound(message)
    return row

