"""The field rules of interact/api/schemas.py: what the document says is what the server takes."""
from __future__ import annotations

import re

import pytest
from marshmallow import Schema, ValidationError

from interact.api.schemas import EMAIL_PATTERN, MOBILE_PATTERN, Boolean, Integer, Pattern, QueryInteger, text


class Texts(Schema):
    line = text(10, min_length=2, description="一行")
    lines = text(10, min_length=2, multiline=True, description="多行")
    optional = text(10, min_length=0, description="选填")


@pytest.mark.parametrize("field,value", [
    ("line", " 前有空格"), ("line", "后有空格 "), ("line", "全角空格\u3000"), ("line", "换\n行"),
    ("line", "末尾换行\n"), ("lines", "回车\r换行"), ("lines", "控制\x00字符"), ("line", "一"),
    ("line", "太" * 11), ("optional", " "),
])
def test_text_that_the_service_would_trim_or_clean_is_refused(field, value):
    with pytest.raises(ValidationError) as error:
        Texts().load({field: value})
    assert re.search(r"[\u4e00-\u9fff]", error.value.messages[field][0])


@pytest.mark.parametrize("field,value", [("line", "公积金 提取"), ("lines", "第一行\n第二行\t缩进"),
                                         ("optional", ""), ("line", "tab\t中")])
def test_text_as_typed_is_taken_unchanged(field, value):
    assert Texts().load({field: value}) == {field: value}


def test_the_documented_pattern_is_the_checked_one():
    field = Texts().fields["line"]
    pattern = next(v for v in field.validators if isinstance(v, Pattern))
    # ECMAScript and Python read it alike: no \s, \d or \Z in the document's pattern.
    assert "\\s" not in pattern.regex.pattern and "\\d" not in pattern.regex.pattern


class Numbers(Schema):
    body = Integer()
    query = QueryInteger()
    flag = Boolean()


@pytest.mark.parametrize("field,value", [("body", True), ("body", "12"), ("body", 1.5), ("query", " 12"),
                                         ("query", "١٢"), ("query", "+1"), ("query", "1.0"), ("flag", 1),
                                         ("flag", "true")])
def test_numbers_and_flags_are_strict(field, value):
    with pytest.raises(ValidationError):
        Numbers().load({field: value})


def test_numbers_and_flags_accept_their_json_types():
    assert Numbers().load({"body": 12, "query": "0012", "flag": False}) == {"body": 12, "query": 12, "flag": False}


@pytest.mark.parametrize("phone,ok", [("13800138000", True), ("+8613800138000", True), ("8613800138000", True),
                                      ("138 0013 8000", False), ("12800138000", False), ("１３８００１３８０００", False)])
def test_mobile_pattern(phone, ok):
    assert bool(re.fullmatch(MOBILE_PATTERN.strip("^$"), phone)) is ok


@pytest.mark.parametrize("email", ["zhang.san@example.com", "a+b@mail.gov.cn", "x@qq.com", "li@site.info"])
def test_email_pattern_only_takes_addresses_the_service_accepts(email):
    from email_validator import validate_email

    assert re.fullmatch(EMAIL_PATTERN.strip("^$"), email)
    validate_email(email, check_deliverability=False)


@pytest.mark.parametrize("email", ["a@b.test", "a@b.local", "a..b@x.com", "a@-x.com", "a@xn--p1ai.com", "a@b"])
def test_email_pattern_refuses_what_the_service_refuses(email):
    assert re.fullmatch(EMAIL_PATTERN.strip("^$"), email) is None
