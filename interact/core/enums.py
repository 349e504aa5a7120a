"""Enums whose members carry their Chinese label (as indico's ``RichEnum`` carries titles).

A member is declared as ``NAME = "stored value", "中文标签"``; ``member.value`` is what the
database and the API store, ``member.label`` is what every page, export and message shows.
The label lives on the member, so no second dictionary beside the enum can drift from it.
"""
from __future__ import annotations

import enum
from typing import Any


class LabeledEnum(enum.Enum):
    """An :class:`enum.Enum` with a ``label`` on each member."""

    label: str
    #: What a citizen is shown when it differs from ``label`` (internal steps hidden).
    public_label: str

    def __new__(cls, value: Any, label: str, public_label: str | None = None):
        base = cls._member_type_
        member = object.__new__(cls) if base is object else base.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.public_label = public_label or label
        return member

    @classmethod
    def choices(cls) -> list[tuple[Any, str]]:
        """``(value, label)`` pairs for a form's select or radio field."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def labels(cls) -> dict["LabeledEnum", str]:
        """``{member: label}`` in declaration order (for filters that list every member)."""
        return {member: member.label for member in cls}
