"""Builder forms (staff). The respondents' form is rendered from the model, not WTForms."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from interact.core.forms import Form
from interact.questionnaires.models import QuestionKind


class QuestionForm(Form):
    kind = SelectField("题型", choices=QuestionKind.choices(),
                       default=QuestionKind.SINGLE.value)
    text = StringField("题目", validators=[DataRequired("请填写题目"), Length(max=500, message="题目不超过500字")])
    help_text = StringField("填写说明（选填）", validators=[Optional(), Length(max=500, message="不超过500字")])
    required = BooleanField("必答题", default=True)
    options = TextAreaField("选项（单选、多选题填写，每行一个）", validators=[Optional(), Length(max=8000)],
                            render_kw={"rows": 6})
    min_choices = IntegerField("最少选择几项（多选题，选填）",
                               validators=[Optional(), NumberRange(min=0, max=30, message="应为 0–30")])
    max_choices = IntegerField("最多选择几项（多选题，选填）",
                               validators=[Optional(), NumberRange(min=1, max=30, message="应为 1–30")])
    allow_other = BooleanField("增加“其他（请注明）”选项")
    other_label = StringField("“其他”选项的文字", default="其他（请注明）",
                              validators=[Optional(), Length(max=40, message="不超过40字")])
    #: One-time token of a 添加题目 form (unused when editing): a double click adds one question.
    token = HiddenField()


class InfoForm(Form):
    title = StringField("问卷标题", validators=[Optional(), Length(max=200, message="不超过200字")])
    intro = TextAreaField("问卷说明（选填）", validators=[Optional(), Length(max=2000, message="不超过2000字")],
                          render_kw={"rows": 3})


class MoveForm(Form):
    """Only the CSRF token; the direction is in the URL."""
