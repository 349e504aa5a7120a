"""Edit forms opened twice (two tabs, two clerks): a save never throws away unseen what
another save stored after the form was opened.

The edit form carries the version of the record it showed (:func:`version_of` the values
it edits, in a hidden field). The service compares it with the record as it is now, under
the row lock it takes anyway, and :func:`ensure_unchanged_since` refuses a save that would
change a record changed since the form was opened. The view then shows the form again as
typed, with the record's version now (so saving again is a decision, not an accident) and
what is saved now where it differs from what was typed
(:func:`interact.core.forms.saved_differences`).

A save that changes nothing (the second copy of a double click, after the first one saved)
is never refused.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from interact.core.errors import Conflict


def version_of(values: Mapping[str, Any]) -> str:
    """A short digest of the values an edit form edits, as stored."""
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


class EditedElsewhere(Conflict):
    """The record changed after the form was opened (another tab, another clerk)."""


def ensure_unchanged_since(shown: str | None, before: Mapping[str, Any], after: Mapping[str, Any], *,
                           what: str) -> None:
    """Refuse a save whose record changed after the form was opened.

    :param shown: the version the form showed (:func:`version_of`); empty: not checked (a
        form of a page served before versions existed).
    :param before: the edited values as stored now, before this save.
    :param after: the same values once this save is applied.
    :param what: the record, as the message names it (``该条目``).
    :raises EditedElsewhere: the record changed since ``shown`` and this save would change it
        again.
    """
    if not shown or dict(before) == dict(after) or version_of(before) == shown:
        return
    raise EditedElsewhere(f"{what}在您打开本页之后已在另一个页面修改并保存。您填写的内容还在下方，尚未保存；"
                   "请对照“现在保存的内容”核对，确认后再点“保存”。")
