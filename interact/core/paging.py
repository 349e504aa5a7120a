"""A page of a list already in memory, with the attributes the ``pagination`` macro
(templates/_macros.html) reads from Flask-SQLAlchemy's pagination."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Sequence, TypeVar

Item = TypeVar("Item")


@dataclass(frozen=True)
class ListPage(Generic[Item]):
    items: list[Item]
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, everything: Sequence[Item], page: int, per_page: int) -> "ListPage[Item]":
        """Page ``page`` (from 1; out of range: the nearest page) of ``everything``."""
        pages = max(1, -(-len(everything) // per_page))
        page = min(max(1, page), pages)
        start = (page - 1) * per_page
        return cls(list(everything[start:start + per_page]), page, per_page, len(everything))

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The number (from 1) of the page's first item."""
        return (self.page - 1) * self.per_page + 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
