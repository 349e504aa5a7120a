"""``GET /api/v1/captcha`` and the captcha every public API write needs.

A 政务新媒体 client has no cookie, so a challenge is a token (``core.captcha``): the client
gets ``id`` + ``image``, shows the image to the citizen and sends ``X-Captcha-Id`` and
``X-Captcha-Answer`` with the submission. The server checks and consumes the id on its
first use, right or wrong; a wrong answer means a new challenge.
"""
from __future__ import annotations

import base64

from flask import g
from marshmallow import Schema, fields

from interact.api import bp
from interact.api.schemas import Pattern, String
from interact.core import captcha
from interact.core.errors import InvalidInput

CAPTCHA_ID_HEADER = "X-Captcha-Id"
CAPTCHA_ANSWER_HEADER = "X-Captcha-Answer"
WRONG_ANSWER = "验证码不正确或已使用，请获取新的验证码后重新输入"


class CaptchaChallenge(Schema):
    id = fields.String(required=True, metadata={
        "description": "验证码编号：提交时放在请求头 X-Captcha-Id 中。只能使用一次（答对答错都作废），有效期见 expires_in"})
    image = fields.String(required=True, metadata={
        "description": "验证码图片（PNG 的 data URI），请展示给用户，由用户输入图中的 4 个字符",
        "example": "data:image/png;base64,iVBORw0KGgo…"})
    expires_in = fields.Integer(required=True, metadata={"description": "有效秒数", "example": captcha.TTL_SECONDS})


class CaptchaHeaders(Schema):
    """Headers of every public write (letters, opinions, questionnaire answers, interview
    questions): the challenge's id and the citizen's answer."""

    captcha_id = String(data_key=CAPTCHA_ID_HEADER, required=True,
                        validate=Pattern(r"^[A-Za-z0-9_.-]{16,512}$", error="应为 GET /api/v1/captcha 返回的 id"),
                        metadata={"description": "GET /api/v1/captcha 返回的验证码编号（只能使用一次）",
                                  "example": "eyJuIjoi…"})
    captcha_answer = String(data_key=CAPTCHA_ANSWER_HEADER, required=True,
                            validate=Pattern(r"^[A-Za-z0-9]{1,8}$", error="请输入图片中的字符"),
                            metadata={"description": "用户输入的验证码（不区分大小写）", "example": "K7M2"})


def require_captcha(headers: dict) -> None:
    """Check and consume the challenge named in ``headers``.

    :raises InvalidInput: (422) with the header as the field, when the answer is wrong or
        the id expired or was used before.
    """
    if not captcha.verify_token(headers.get("captcha_id"), headers.get("captcha_answer")):
        raise InvalidInput(f"提交的内容有误：{CAPTCHA_ANSWER_HEADER} {WRONG_ANSWER}。",
                           fields={CAPTCHA_ANSWER_HEADER: WRONG_ANSWER})


@bp.route("/captcha", endpoint="captcha", tags=["captcha"])
@bp.response(200, CaptchaChallenge, description="新的验证码（不缓存）")
def captcha_challenge():
    """获取验证码：提交来信、意见、问卷和访谈提问前调用

    返回编号和图片。把图片展示给用户，提交时在请求头 X-Captcha-Id、X-Captcha-Answer 中带上编号和用户输入的字符。
    每个编号只能使用一次，答错也作废，需重新获取。
    """
    token, image = captcha.new_token_challenge()
    headers = {"Cache-Control": "no-store"}
    test_answer = g.pop("captcha_test_answer", None)
    if test_answer is not None:  # only on an app built by the tests (CAPTCHA_TEST_ANSWERS)
        headers[captcha.TEST_ANSWER_HEADER] = test_answer
    body = {"id": token, "image": "data:image/png;base64," + base64.b64encode(image).decode("ascii"),
            "expires_in": captcha.TTL_SECONDS}
    return body, 200, headers
