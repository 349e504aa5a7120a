from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from interact.accounts.models import Role
from interact.core.forms import CaptchaField, Form


class LoginForm(Form):
    identifier = StringField("账号", validators=[DataRequired("请输入账号"), Length(max=120)],
                             description="工作人员使用用户名；市民使用手机号或邮箱",
                             render_kw={"autocomplete": "username"})
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("在此设备上保持登录（公共电脑请勿勾选）")
    #: Asked for after failed log-ins (accounts.throttle); removed from the form otherwise.
    captcha = CaptchaField()
    next = HiddenField()


class RegisterForm(Form):
    """Registering, step 1: where the code goes (nothing is created yet)."""

    identifier = StringField("手机号或电子邮箱", validators=[DataRequired("请填写手机号或电子邮箱"), Length(max=120)],
                             description="验证码将发送到这里；注册后用它登录",
                             render_kw={"autocomplete": "username"})
    display_name = StringField("称呼（选填）", validators=[Optional(), Length(max=40)])
    captcha = CaptchaField()


class ForgotPasswordForm(Form):
    """忘记密码, step 1: the number or address of the account."""

    identifier = StringField("手机号或电子邮箱", validators=[DataRequired("请填写手机号或电子邮箱"), Length(max=120)],
                             description="填写注册时使用的手机号或邮箱，验证码将发送到这里",
                             render_kw={"autocomplete": "username"})
    captcha = CaptchaField()


class _NewPassword:
    code = StringField("验证码", validators=[DataRequired("请输入收到的 6 位验证码"), Length(max=12)],
                       description="6 位数字，10 分钟内有效",
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    password = PasswordField("设置密码", validators=[DataRequired("请设置密码"), Length(min=8, max=128, message="密码长度应为 8–128 位")],
                             description="至少 8 位，须同时包含字母和数字",
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("确认密码", validators=[DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")],
                            render_kw={"autocomplete": "new-password"})


class VerifyRegisterForm(_NewPassword, Form):
    """Registering, step 2: the code and the password; the account is created now."""


class VerifyResetForm(_NewPassword, Form):
    """忘记密码, step 2: the code and the new password."""


class ChangePasswordForm(Form):
    old_password = PasswordField("原密码", validators=[DataRequired("请输入原密码")],
                                 render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码")],
                                 description="至少 8 位，须同时包含字母和数字",
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"), EqualTo("new_password", "两次输入的密码不一致")],
                            render_kw={"autocomplete": "new-password"})


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffUserForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=40)])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=40)])
    roles = MultiCheckboxField("角色", choices=Role.choices())
    department_id = SelectField("所属部门", coerce=str, description="部门办理人必须绑定部门")
    email = StringField("电子邮箱（接收通知）", validators=[Optional(), Length(max=120)])
    phone = StringField("手机号", validators=[Optional(), Length(max=20)])
    password = PasswordField("初始密码", validators=[Optional()], description="新建账号时必填；至少 8 位，含字母和数字",
                             render_kw={"autocomplete": "new-password"})


class ResetPasswordForm(Form):
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码")],
                                 render_kw={"autocomplete": "new-password"})
