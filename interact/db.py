"""Declarative base, naming convention and column types shared by every model."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware datetimes stored as naive UTC.

    SQLite has no time zone type; storing naive UTC everywhere keeps SQLite and
    PostgreSQL identical and comparisons in SQL correct. Values come back aware (UTC).
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def _utcnow() -> datetime:
    # Late lookup so that tests patching the clock also control default timestamps.
    from interact.core import clock

    return clock.now()


class Base(DeclarativeBase):
    # Every ``Mapped[datetime]`` column is a UTCDateTime.
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    #: When the row was created (UTC).
    created_at: Mapped[datetime] = mapped_column(default=_utcnow)
    #: When the row was last changed (UTC).
    updated_at: Mapped[datetime] = mapped_column(default=_utcnow, onupdate=_utcnow)


def str_enum(enum_cls, length: int = 24) -> sa.Enum:
    """A portable enum column: VARCHAR holding the enum's value, no native type."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
