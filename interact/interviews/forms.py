"""Forms of the interview pages (shape only; the rules are in services)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from interact.core.forms import CaptchaField, ChineseDateTimeField, Form, VersionField


class InterviewForm(Form):
    topic = StringField("访谈主题", validators=[DataRequired("请填写访谈主题"), Length(max=200)])
    department_id = SelectField("主办部门", coerce=str, validators=[DataRequired("请选择主办部门")])
    host = StringField("主持人", validators=[DataRequired("请填写主持人"), Length(max=40)], default="主持人")
    scheduled_start = ChineseDateTimeField("访谈时间（北京时间）", validators=[InputRequired("请填写访谈时间（北京时间）")])
    duration_minutes = IntegerField("计划时长（分钟）", default=60,
                                    validators=[NumberRange(10, 600, "计划时长应为 10–600 分钟")])
    introduction = TextAreaField("访谈简介", validators=[Optional(), Length(max=20000)],
                                 description="可使用简单的 HTML（段落、加粗、列表、链接）；脚本和样式会被去除",
                                 render_kw={"rows": 8})
    cover = FileField("封面图片", description="JPG/PNG/GIF，10 MB 以内；不更换请留空")
    #: One-time token of this copy of the form: a double click creates one draft (新建) or
    #: stores a new cover once (编辑).
    token = HiddenField()
    #: Editing: the cover (stored file id, empty for none) the form showed when it was opened;
    #: a new cover replaces only that one (``services.update_interview``).
    cover_shown = HiddenField()
    #: Editing: the version of the rest the form showed (``services.edit_version``).
    shown_version = VersionField()


class GuestForm(Form):
    name = StringField("嘉宾姓名", validators=[DataRequired("请填写嘉宾姓名"), Length(max=40)])
    title = StringField("职务", validators=[Optional(), Length(max=80)])
    photo = FileField("照片", description="JPG/PNG/GIF，10 MB 以内")


class QuestionForm(Form):
    nickname = StringField("昵称（选填）", validators=[Optional(), Length(max=20, message="昵称不超过20个字")],
                           description="不填写则显示为“网友”；请勿填写真实姓名、电话等个人信息",
                           render_kw={"autocomplete": "off", "maxlength": 20})
    body = TextAreaField("您的问题", validators=[DataRequired("请写下您的问题"),
                                             Length(min=5, max=500, message="问题应为 5–500 个字")],
                         description="所有提问经审核后公开，不公开个人信息",
                         render_kw={"rows": 4, "maxlength": 500})
    captcha = CaptchaField()


class EntryForm(Form):
    #: One-time token of this copy of the form (a double click sends it twice, publishes once).
    token = HiddenField()
    speaker = SelectField("发言人", coerce=str)
    question_id = SelectField("答复网友提问（选填）", coerce=str, validators=[Optional()])
    body = TextAreaField("内容", validators=[Optional(), Length(max=5000)], render_kw={"rows": 4})
    image = FileField("配图（选填）", description="JPG/PNG/GIF，10 MB 以内")


class CorrectForm(Form):
    body = TextAreaField("更正后的内容", validators=[DataRequired("请填写更正后的内容"), Length(max=5000)],
                         render_kw={"rows": 3})
    reason = StringField("更正说明", validators=[Optional(), Length(max=200)])


class ReasonForm(Form):
    reason = StringField("原因", validators=[DataRequired("请填写原因"), Length(max=200)])


class RejectForm(Form):
    reason = StringField("不通过原因（仅工作人员可见）", validators=[Optional(), Length(max=200)])


class MergeForm(Form):
    into = SelectField("合并到", coerce=str, validators=[DataRequired("请选择要合并到的问题")])


class AfterAnswerForm(Form):
    responder = StringField("答复人", validators=[Optional(), Length(max=80)],
                            description="如嘉宾姓名；不填写则为主办部门")
    body = TextAreaField("答复内容", validators=[DataRequired("请填写答复内容"), Length(max=5000)],
                         render_kw={"rows": 4})


class ArchiveForm(Form):
    summary = TextAreaField("访谈摘要", validators=[Optional(), Length(max=50000)], render_kw={"rows": 8},
                            description="可使用简单的 HTML；脚本和样式会被去除")
    video = FileField("上传视频（MP4）", description="200 MB 以内；不更换请留空")
    video_url = StringField("或视频链接", validators=[Optional(), Length(max=500)],
                            description="以 http:// 或 https:// 开头")
    remove_video = BooleanField("删除已上传的视频")


class ImageForm(Form):
    image = FileField("图片")
    caption = StringField("图片说明", validators=[Optional(), Length(max=200)])
    #: One-time token of the upload form: a double click adds the picture once.
    token = HiddenField()
