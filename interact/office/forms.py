from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from interact.core.forms import ChineseDateField, Form
from interact.core.models import CalendarDayKind, SensitiveWordLevel


class CalendarDayForm(Form):
    day = ChineseDateField("日期", validators=[InputRequired("请填写日期")])
    kind = SelectField("类型", choices=CalendarDayKind.choices())
    name = StringField("名称", validators=[Optional(), Length(max=32)], description="如 春节、国庆节")


class SensitiveWordForm(Form):
    word = StringField("敏感词", validators=[DataRequired("请输入敏感词"), Length(max=64)])
    level = SelectField("处理方式", choices=SensitiveWordLevel.choices())
    category = StringField("分类", validators=[Optional(), Length(max=32)], description="如 广告、辱骂、涉密")
