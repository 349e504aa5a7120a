"""Forms: shape only; the rules are in services."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from interact.core.forms import CaptchaField, ChineseDateTimeField, Form, VersionField
from interact.surveys.models import (
    Adoption,
    CollectionKind,
)


class CollectionForm(Form):
    title = StringField("征集标题", validators=[DataRequired("请填写征集标题"), Length(max=200, message="不超过200字")])
    department_id = SelectField("主办部门", coerce=int, validate_choice=False)
    kind = SelectField("征集方式", choices=CollectionKind.choices(),
                       default=CollectionKind.OPINIONS.value)
    summary = TextAreaField("摘要（列表中显示，纯文本）", validators=[Optional(), Length(max=500, message="不超过500字")],
                            render_kw={"rows": 2})
    body = TextAreaField("征集说明", validators=[Optional(), Length(max=50000, message="内容过长")],
                         description="可使用简单的 HTML 格式（段落、加粗、列表、链接），其他标记将被清除",
                         render_kw={"rows": 10})
    starts_at = ChineseDateTimeField("开始时间（北京时间）", validators=[InputRequired("请填写开始时间")])
    ends_at = ChineseDateTimeField("结束时间（北京时间）", validators=[InputRequired("请填写结束时间")],
                                   description="结果反馈须在结束后一个月内发布")
    contact_email = StringField("意见反馈邮箱（公开）", validators=[Optional(), Length(max=120)])
    contact_address = StringField("通信地址（公开）", validators=[Optional(), Length(max=200)])
    name_required = BooleanField("提交意见须填写姓名")
    phone_required = BooleanField("提交意见和问卷须填写手机号（每个手机号限答一次问卷）")
    show_opinions = BooleanField("审核通过的意见在征集页面公开展示（隐去个人信息）", default=True)
    #: One-time token of a 新建征集 form (unused when editing): a double click creates one draft.
    token = HiddenField()
    #: Editing: the version of the collection the form showed (``services.edit_version``).
    shown_version = VersionField()


class DocumentForm(Form):
    file = FileField("选择文件（PDF、Word/Excel 或图片，不超过10MB）")
    label = StringField("附件名称（选填）", validators=[Optional(), Length(max=200)])
    #: One-time token of the upload form: a double click stores the file once.
    token = HiddenField()


class OpinionForm(Form):
    content = TextAreaField("意见建议", validators=[DataRequired("请填写您的意见或建议"),
                                                 Length(max=2000, message="意见不超过2000字")],
                            render_kw={"rows": 8, "maxlength": 2000, "data-count": "1"})
    name = StringField("姓名", validators=[Optional(), Length(max=40, message="不超过40字")],
                       render_kw={"autocomplete": "name"})
    phone = StringField("手机号码", validators=[Optional(), Length(max=20)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    captcha = CaptchaField(slot="opinion")


class ResponseForm(Form):
    """Phone and captcha; the answers are read from the request by the questionnaire fields.

    Shown on the same page as :class:`OpinionForm`: its own ids and captcha slot."""

    phone = StringField("手机号码", validators=[Optional(), Length(max=20)], id="response-phone",
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    captcha = CaptchaField(slot="questionnaire")


class NoteForm(Form):
    note = TextAreaField("说明", validators=[Optional(), Length(max=1000, message="不超过1000字")],
                         render_kw={"rows": 2})


class AdoptionForm(Form):
    adoption = RadioField("采纳情况", choices=Adoption.choices(),
                          validators=[InputRequired("请选择采纳情况")])
    reason = TextAreaField("理由（部分采纳、未采纳时必填）", validators=[Optional(), Length(max=1000, message="不超过1000字")],
                           render_kw={"rows": 2})


class FeedbackForm(Form):
    summary = TextAreaField("结果综述", description="征集概况、意见的主要内容及采纳后对文件的修改（可使用简单 HTML 格式）",
                            validators=[Optional(), Length(max=20000, message="内容过长")], render_kw={"rows": 10})
    not_adopted_explanation = TextAreaField(
        "未采纳意见的总体说明（选填）", validators=[Optional(), Length(max=20000, message="内容过长")],
        description="各条意见的具体理由会自动列出", render_kw={"rows": 5})
