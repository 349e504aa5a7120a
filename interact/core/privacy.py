"""Masking of personal data for public pages and the public API."""
from __future__ import annotations

import re

from markupsafe import Markup

from interact.core.sanitize import clean_html

# Mainland mobile numbers (optionally +86 / spaced / dashed) and landlines with area code.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")
# 18-digit resident ID (last char may be X) and the old 15-digit form.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Bank card numbers: 16–19 digits, possibly grouped by spaces.
_BANK_CARD = re.compile(r"(?<!\d)\d{4}(?:[\s-]?\d{4}){2,3}(?:[\s-]?\d{1,3})?(?!\d)")


def mask_name(name: str | None) -> str:
    """张三 → 张*, 欧阳修文 → 欧***; empty names become 匿名."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    return name[0] + "*" * max(1, min(len(name) - 1, 3))


def mask_phone(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:
        return "***"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_personal_data(text: str | None) -> str:
    """Hide phone numbers, ID numbers, bank cards and e-mail addresses inside free text."""
    if not text:
        return ""
    text = _EMAIL.sub("***@***", text)
    text = _ID_NUMBER.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 5) + m.group(0)[-2:], text)
    text = _BANK_CARD.sub(lambda m: "****" + re.sub(r"\D", "", m.group(0))[-4:], text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
    text = _LANDLINE.sub("****", text)
    return text


_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def mask_personal_html(html: str | None) -> Markup:
    """Staff rich text for a public page: sanitised, with personal data masked in its
    text (never inside tags, so attributes and markup stay intact)."""
    parts = _TAG_SPLIT.split(clean_html(html))
    return Markup("".join(part if part.startswith("<") else mask_personal_data(part) for part in parts))


_MOBILE_FIELD = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(phone: str | None) -> str | None:
    """A mainland mobile number as 11 digits, or ``None`` if it is not one."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MOBILE_FIELD.match(digits) else None
