from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from interact.core.forms import Form, VersionField
from interact.departments.models import DepartmentKind


class DepartmentForm(Form):
    name = StringField("部门名称", validators=[DataRequired("请输入部门名称"), Length(max=80)])
    code = StringField("部门代码", validators=[DataRequired("请输入部门代码"), Length(max=20)],
                       description="英文字母或数字，如 RSJ，用于编号和导出")
    #: A new department is a 市直部门 unless chosen otherwise (the first choice, 市政府, is
    #: the city itself, which the public directory leaves out).
    kind = SelectField("类型", choices=DepartmentKind.choices(), default=DepartmentKind.DEPARTMENT.value)
    parent_id = SelectField("上级部门", coerce=str)
    phone = StringField("咨询电话", validators=[Optional(), Length(max=40)])
    email = StringField("电子邮箱", validators=[Optional(), Email("邮箱格式不正确"), Length(max=120)])
    address = StringField("办公地址", validators=[Optional(), Length(max=200)])
    office_hours = StringField("办公时间", validators=[Optional(), Length(max=120)])
    description = TextAreaField("职能简介", validators=[Optional(), Length(max=2000)])
    sort_order = IntegerField("排序", default=100, validators=[NumberRange(0, 100000, "排序应为 0–100000 的整数")])
    #: Editing: the version of the department the form showed (``services.edit_version``).
    shown_version = VersionField()


class LeaderForm(Form):
    name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=40)])
    title = StringField("职务", validators=[DataRequired("请输入职务"), Length(max=60)])
    duties = TextAreaField("分管工作", validators=[Optional(), Length(max=1000)])
    in_mailbox = BooleanField("在领导信箱中可选", default=True)
    sort_order = IntegerField("排序", default=100, validators=[NumberRange(0, 100000, "排序应为 0–100000 的整数")])
