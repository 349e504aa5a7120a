"""Forms of the letters module: shape checks only; the rules live in services."""
from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from interact.core.forms import CaptchaField, ChineseDateField, Form
from interact.letters.models import (
    LetterChannel,
    LetterKind,
    LetterRating,
    RejectReason,
)
from interact.letters.services import BODY_MAX, BODY_MIN, NAME_MAX, TITLE_MAX, TITLE_MIN

KIND_CHOICES = [(k.value, k.label) for k in LetterKind]


class _CitizenFields(Form):
    kind = RadioField("来信类别", choices=KIND_CHOICES, default=LetterKind.CONSULTATION.value,
                      validators=[InputRequired("请选择来信类别")])
    title = StringField("标题", validators=[DataRequired("请填写标题"), Length(TITLE_MIN, TITLE_MAX, f"标题应为 {TITLE_MIN}–{TITLE_MAX} 个字")],
                        description=f"{TITLE_MIN}–{TITLE_MAX} 个字，简要概括您的问题",
                        render_kw={"maxlength": TITLE_MAX, "autocomplete": "off"})
    body = TextAreaField("内容", validators=[DataRequired("请填写来信内容"), Length(max=BODY_MAX, message=f"内容不超过 {BODY_MAX} 个字")],
                         description=f"{BODY_MIN}–{BODY_MAX} 个字。请勿在正文中填写身份证号、银行卡号等个人信息。",
                         render_kw={"rows": 10, "maxlength": BODY_MAX})
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=NAME_MAX)],
                       render_kw={"autocomplete": "name", "maxlength": NAME_MAX})
    phone = StringField("手机号码", validators=[DataRequired("请填写手机号码"), Length(max=20)],
                        description="仅用于工作人员联系您，不会公开",
                        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    email = StringField("电子邮箱（选填）", validators=[Optional(), Length(max=120)],
                        description="填写后，答复办结时会发邮件通知您",
                        render_kw={"autocomplete": "email", "inputmode": "email"})
    publish_consent = BooleanField("同意在“来信选登”中公开我的来信和答复（姓名、联系方式等个人信息不会公开）")


class LetterForm(_CitizenFields):
    channel = RadioField("写信渠道", choices=[(LetterChannel.CONSULTATION.value, "在线咨询（写给部门）"),
                                          (LetterChannel.MAILBOX.value, "领导信箱（写给领导）")],
                         default=LetterChannel.CONSULTATION.value, validators=[InputRequired("请选择写信渠道")])
    department_id = SelectField("咨询部门", coerce=str, validate_choice=False,
                                description="不确定时选“不确定”，由办公室转交有关部门")
    leader_id = SelectField("收信领导", coerce=str, validate_choice=False,
                            description="选择“领导信箱”时必选")
    attachments = MultipleFileField("附件（选填）", description="最多 3 个，支持 JPG/PNG/GIF 图片和 PDF，每个不超过 5 MB")
    token = HiddenField()
    captcha = CaptchaField()


class ForwardedLetterForm(_CitizenFields):
    upstream_source = StringField("来源", validators=[DataRequired("请填写来源"), Length(max=60)],
                                  default="主席信箱", description="如：主席信箱、省长信箱、12345 热线")
    upstream_number = StringField("上级来信编号", validators=[DataRequired("请填写上级来信编号"), Length(max=60)])
    upstream_due = ChineseDateField("上级规定办理期限", validators=[Optional()],
                             description="留空则按来信类别的答复期限计算")
    department_id = SelectField("转办部门（可稍后转办）", coerce=str, validate_choice=False)
    #: One-time token of this copy of the form: a double click registers one letter.
    token = HiddenField()

    #: The citizen's fields as the office reads them: it types in someone else's letter.
    STAFF_WORDING = {
        "title": f"{TITLE_MIN}–{TITLE_MAX} 个字，概括来信反映的问题",
        "phone": "来信人的手机号码，不会公开",
        "email": "填写后，答复办结时会发邮件通知来信人",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in self.STAFF_WORDING.items():
            self[name].description = text
        self.publish_consent.label.text = "来信人同意在“来信选登”中公开来信和答复（个人信息不会公开）"


class LookupForm(Form):
    number = StringField("信件编号", validators=[DataRequired("请输入信件编号"), Length(max=24)],
                         render_kw={"autocomplete": "off", "placeholder": "如 XJ20260105-0001"})
    code = StringField("查询码", validators=[DataRequired("请输入查询码"), Length(max=16)],
                       render_kw={"autocomplete": "off"})


class RatingForm(Form):
    rating = RadioField("您对答复的评价", choices=LetterRating.choices(),
                        validators=[InputRequired("请选择评价")])
    comment = TextAreaField("评价意见（选填）", validators=[Optional(), Length(max=500)], render_kw={"rows": 3})


class NoteForm(Form):
    note = TextAreaField("备注", validators=[Optional(), Length(max=1000)], render_kw={"rows": 2})


class RejectForm(Form):
    reason = SelectField("不予受理理由", choices=RejectReason.choices(),
                         validators=[InputRequired("请选择理由")])
    note = TextAreaField("告知来信人的说明（选填，留空则显示理由）", validators=[Optional(), Length(max=500)],
                         render_kw={"rows": 2})


class AssignForm(Form):
    department_id = SelectField("办理部门", coerce=str, validate_choice=False,
                                validators=[DataRequired("请选择办理部门")])
    note = TextAreaField("转办意见（选填）", validators=[Optional(), Length(max=500)], render_kw={"rows": 2})


class ReturnForm(Form):
    reason = TextAreaField("退回理由", validators=[DataRequired("请填写退回理由"), Length(max=500)],
                           description="如：不属于本部门职责，建议转交××部门", render_kw={"rows": 2})


class AnswerForm(Form):
    answer_html = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容"), Length(max=20000)],
                                description="直接输入文字即可，分段和换行会保留；也可使用加粗、列表、链接等格式（HTML），不安全的内容会被自动清除",
                                render_kw={"rows": 12})


class ReviewForm(Form):
    decision = RadioField("审核结果", choices=[("approve", "通过并办结"), ("send_back", "退回修改")],
                          default="approve", validators=[InputRequired("请选择审核结果")])
    publish = BooleanField("在“来信选登”中公开（需来信人同意）")
    note = TextAreaField("审核意见（退回修改时必填）", validators=[Optional(), Length(max=1000)], render_kw={"rows": 3})


class ExtensionRequestForm(Form):
    extra_workdays = IntegerField("延期工作日数", default=5,
                                  validators=[InputRequired("请填写延期天数"), NumberRange(1, 15, "应为 1–15 个工作日")],
                                  description="1–15 个工作日；办公室批准后，答复期限按工作日顺延（节假日不计）")
    reason = TextAreaField("延期理由", validators=[DataRequired("请填写延期理由"), Length(max=500)], render_kw={"rows": 2})


class ExtensionDecisionForm(Form):
    decision = RadioField("审批", choices=[("approve", "批准"), ("reject", "不批准")], default="approve",
                          validators=[InputRequired("请选择")])
    note = StringField("意见（选填）", validators=[Optional(), Length(max=300)])


class ReplyLimitsForm(Form):
    consultation = IntegerField("咨询", validators=[InputRequired("请填写"), NumberRange(1, 60, "应为 1–60")])
    help = IntegerField("求助", validators=[InputRequired("请填写"), NumberRange(1, 60, "应为 1–60")])
    suggestion = IntegerField("建议", validators=[InputRequired("请填写"), NumberRange(1, 60, "应为 1–60")])
    complaint = IntegerField("投诉", validators=[InputRequired("请填写"), NumberRange(1, 60, "应为 1–60")])
