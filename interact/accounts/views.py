"""Log-in, log-out, citizen registration, password change and staff-user administration."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from interact.accounts import services, throttle, verification
from interact.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    StaffUserForm,
    VerifyRegisterForm,
    VerifyResetForm,
)
from interact.accounts.models import Role, User
from interact.core import security, sessions, sms
from interact.core.models import OutboxMessage
from interact.core.errors import DomainError
from interact.core.forms import ConfirmForm, attempt, first_error, perform
from interact.core.permissions import roles_required
from interact.core.templating import switching_large_text
from interact.core.views import safe_next
from interact.departments.services import active_departments
from interact.extensions import client_address, csrf, db, limiter, public_post_limit

bp = Blueprint("accounts", __name__)

#: Links on a citizen's account page contributed by feature modules: callables taking the
#: user and returning ``(label, url)`` or ``None``.
account_links: list = []


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]




def _switched_page(template: str, form, *password_fields: str):
    """The 关怀版 button of a log-in or registration form without JavaScript (the button
    submits the form, as on /letters/lookup): the same form again, as typed, nothing checked,
    counted or stored. A password is never written back into a page; the page says that one
    was typed and needs typing again."""
    retype = any(request.form.get(name) for name in password_fields)
    return render_template(template, form=form, retype_password=retype)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], exempt_when=switching_large_text)
def login():
    address = client_address()
    form = LoginForm()
    # After failed log-ins (of what is typed now, or from this address) a captcha is asked.
    if not throttle.captcha_required(request.form.get("identifier") if request.method == "POST" else None,
                                     address):
        del form.captcha
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("accounts/login.html", form=form)
    if switching_large_text():
        return _switched_page("accounts/login.html", form, "password")
    wait = throttle.wait_seconds(address)
    if wait:
        form.password.errors = [f"登录尝试过于频繁，请 {wait} 秒后再试。"]
        return _login_page(form, 429)
    if not form.validate_on_submit():
        return _login_page(form, 422 if form.is_submitted() else 400)
    try:
        user = services.authenticate(form.identifier.data, form.password.data, address=address)
    except DomainError as error:
        db.session.commit()  # keep the failure for throttling (and a lock)
        form.password.errors = [error.message]
        return _login_page(form, 401)
    db.session.commit()
    # A new session id at log-in: an id the visitor had before (or was given) is not adopted.
    sessions.renew()
    login_user(user)
    # "Stay logged in" keeps the server-side session for PERMANENT_SESSION_LIFETIME; there
    # is no separate remember-me cookie that logging out could not take back.
    session.permanent = bool(form.remember.data) and not user.is_staff
    flash(f"欢迎，{user.label}。", "success")
    default = url_for("office.workspace") if user.is_staff else url_for("accounts.account")
    return redirect(safe_next(form.next.data, default))


def _login_page(form: LoginForm, status: int):
    if "captcha" not in form and throttle.captcha_required(form.identifier.data, client_address()):
        # This failure made the captcha necessary: show it now.
        form = _with_captcha(form)
    return render_template("accounts/login.html", form=form), status


def _with_captcha(form: LoginForm) -> LoginForm:
    fresh = LoginForm(formdata=None, identifier=form.identifier.data, remember=form.remember.data,
                      next=form.next.data)
    fresh.password.errors = list(form.password.errors)
    return fresh


@bp.post("/logout")
@csrf.exempt  # checked below: the token lives in the session, which may be out of reach
def logout():
    if sessions.out_of_reach():
        # The session store (Redis) is unreachable, so the session and the CSRF token it
        # holds cannot be read: the browser's own word that the post comes from a page of
        # this site stands in for the token (a log-out gives nobody anything). The cookie
        # goes, so this browser is not logged in again once the store is back (attack N3).
        if not security.sent_from_this_site():
            abort(400)
        sessions.end_current()
        flash("您已退出。系统暂时无法确认登录状态，如在公共电脑上使用，请关闭浏览器。", "info")
        return redirect(url_for("site.home"))
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()  # what CSRFProtect does for every other form (its error page included)
    form = ConfirmForm()
    if form.validate_on_submit():
        user = current_user._get_current_object() if current_user.is_authenticated else None
        logout_user()
        # The session ends on the server: a copy of the cookie opens nothing any more.
        if not sessions.end_current() and user is not None:
            services.log_out_everywhere(user)
            db.session.commit()
        flash("您已安全退出。", "info")
    return redirect(url_for("site.home"))


@bp.get("/staff/still-here")
@login_required
def still_here():
    """Sent by ``site.js`` while a staff member types on a page (an answer being written):
    typing is not idle, so the request itself keeps the session from the idle log-out
    (``core.security``). 204 while logged in; after the idle log-out the usual redirect to
    the log-in page, which the page then reports before anything is sent."""
    if not current_user.is_staff:
        abort(403)
    response = current_app.response_class(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/staff/unsent")
@login_required
def unsent_post():
    """What a staff page sent just after the idle log-out (``core.security``): shown to the
    same user once logged in again, with a button that sends it again where it was going
    (the page's own checks then run as for any save). Anyone else: nothing."""
    unsent = session.get(security.UNSENT_POST_KEY)
    if not unsent or unsent.get("user") != current_user.get_id():
        session.pop(security.UNSENT_POST_KEY, None)
        return redirect(url_for("office.workspace") if current_user.is_staff else url_for("accounts.account"))
    typed = [value.strip() for _name, value in unsent["fields"] if value.strip() and not value.isascii()]
    response = current_app.make_response(render_template(
        "accounts/unsent.html", unsent=unsent, typed=typed))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/staff/unsent/discard")
@login_required
def discard_unsent_post():
    if ConfirmForm().validate_on_submit():
        session.pop(security.UNSENT_POST_KEY, None)
        flash("已放弃未提交的内容。", "info")
    return redirect(url_for("office.workspace") if current_user.is_staff else url_for("accounts.account"))


# --- registration and 忘记密码 by a one-time code (accounts.verification) ----------------

#: Session keys of the request a visitor is entering a code for.
_PENDING = {verification.REGISTER: "verify:register", verification.RESET: "verify:reset"}
_START = {verification.REGISTER: "accounts.register", verification.RESET: "accounts.forgot_password"}
_VERIFY = {verification.REGISTER: "accounts.register_verify", verification.RESET: "accounts.forgot_password_verify"}


def _request_code(purpose: str, form, template: str, display_name: str = ""):
    """Step 1 of both: send the code (or the message in its place) and go to step 2. The
    same page follows whether the number or address has an account."""
    if switching_large_text():
        return _switched_page(template, form)
    if not form.validate_on_submit():
        return render_template(template, form=form), 422 if form.is_submitted() else 200
    row, error = attempt(lambda: verification.request_code(
        purpose, form.identifier.data, address=client_address(), display_name=display_name),
        form=form, flash_error=False)
    if error is not None:
        return render_template(template, form=form, error=None if error.fields else error.message), error.status_code
    session[_PENDING[purpose]] = row.id
    return redirect(url_for(_VERIFY[purpose]))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=switching_large_text)
def register():
    form = RegisterForm()
    return _request_code(verification.REGISTER, form, "accounts/register.html", form.display_name.data or "")


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=switching_large_text)
def forgot_password():
    form = ForgotPasswordForm()
    if request.method == "GET" and request.args.get("identifier"):
        form.identifier.data = request.args["identifier"][:120]
    return _request_code(verification.RESET, form, "accounts/forgot.html")


def _verify(purpose: str, form, template: str, complete):
    """Step 2 of both: the code and a password. A wrong code counts a try (committed); a
    weak password or a switch of text size does not."""
    row = verification.current(session.get(_PENDING[purpose]), purpose)
    if row is None:
        flash("请先填写手机号或邮箱，获取验证码。", "info")
        return redirect(url_for(_START[purpose]))
    context = {"form": form, "sent_to": verification.masked(row.channel, row.target), "channel": row.channel,
               "minutes": int(verification.LIFETIME.total_seconds() // 60),
               "resend_seconds": int(verification.RESEND_AFTER.total_seconds()),
               "demo_outbox": current_app.config.get("DEMO") and sms.backend() == "outbox"}
    if request.method == "POST" and switching_large_text():
        return render_template(template, retype_password=bool(request.form.get("password")), **context)
    if not form.validate_on_submit():
        return render_template(template, **context), 422 if form.is_submitted() else 200
    try:
        user = complete(row.id, form.code.data, form.password.data)
    except verification.CodeRejected as error:
        db.session.commit()  # the wrong try counts
        form.code.errors = [error.message]
        return render_template(template, **context), error.status_code
    except DomainError as error:
        db.session.rollback()
        for name, message in (error.fields or {}).items():
            if name in form:
                form[name].errors = [message]
        return render_template(template, error=None if error.fields else error.message, **context), error.status_code
    db.session.commit()
    session.pop(_PENDING[purpose], None)
    return user


@bp.route("/register/verify", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=switching_large_text)
def register_verify():
    outcome = _verify(verification.REGISTER, VerifyRegisterForm(), "accounts/register_verify.html",
                      verification.complete_registration)
    if not isinstance(outcome, User):
        return outcome
    # Only the owner of the number or address gets here: log the new account in.
    sessions.renew()
    login_user(outcome)
    flash("注册成功，已为您登录。以后请用手机号或邮箱和刚才设置的密码登录。", "success")
    return redirect(url_for("accounts.account"))


@bp.route("/password/forgot/verify", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"], exempt_when=switching_large_text)
def forgot_password_verify():
    outcome = _verify(verification.RESET, VerifyResetForm(), "accounts/forgot_verify.html",
                      verification.complete_reset)
    if not isinstance(outcome, User):
        return outcome
    if current_user.is_authenticated:
        logout_user()
    flash("密码已重新设置，请用新密码登录。其他设备上的登录已全部退出。", "success")
    return redirect(url_for("accounts.login"))


def _resend(purpose: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    row, error = attempt(lambda: verification.resend(session.get(_PENDING[purpose]), address=client_address()))
    if error is None:
        session[_PENDING[purpose]] = row.id
        flash("新的验证码已发送，之前的验证码已失效。", "success")
    elif isinstance(error, verification.CodeRejected):
        session.pop(_PENDING[purpose], None)
        return redirect(url_for(_START[purpose]))
    return redirect(url_for(_VERIFY[purpose]))


@bp.post("/register/resend")
@limiter.limit(public_post_limit)
def register_resend():
    return _resend(verification.REGISTER)


@bp.post("/password/forgot/resend")
@limiter.limit(public_post_limit)
def forgot_password_resend():
    return _resend(verification.RESET)


@bp.get("/demo/messages")
def demo_messages():
    """Demo only (``make run``): the text messages and e-mails the demo would have sent
    (``SMS_BACKEND=outbox``), so a demo user can read a code. Not found anywhere else."""
    if not current_app.config.get("DEMO") or sms.backend() != "outbox":
        abort(404)
    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(20)).all()
    response = current_app.make_response(render_template("accounts/demo_messages.html", messages=messages))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account")
@login_required
def account():
    if current_user.is_staff:
        return redirect(url_for("office.workspace"))
    links = [link for contribute in account_links if (link := contribute(current_user))]
    return render_template("accounts/account.html", links=links)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        error = perform(lambda: services.change_password(current_user, form.old_password.data,
                                                         form.new_password.data),
                        form=form, flash_error=False)
        if error is not None:
            return render_template("accounts/password.html", form=form), error.status_code
        # Every session of the account ended; this one continues under a new id.
        user = current_user._get_current_object()
        sessions.renew()
        login_user(user)
        flash("密码已修改，其他设备上的登录已失效。", "success")
        return redirect(url_for("accounts.account"))
    return render_template("accounts/password.html", form=form)


# --- staff-user administration (admin) -------------------------------------------------


def _department_choices():
    return [("", "（不绑定部门）")] + [(str(d.id), d.name) for d in active_departments()]


def _staff_data(form: StaffUserForm) -> services.StaffData:
    return services.StaffData(
        username=form.username.data.strip(),
        display_name=form.display_name.data,
        roles={Role(r) for r in form.roles.data or []},
        department_id=int(form.department_id.data) if form.department_id.data else None,
        email=form.email.data,
        phone=form.phone.data,
    )


@bp.get("/staff/users")
@roles_required("admin")
def users():
    return render_template("accounts/users.html", users=services.staff_users(), action_form=ConfirmForm())


@bp.route("/staff/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = StaffUserForm()
    form.department_id.choices = _department_choices()
    if form.validate_on_submit():
        user, error = attempt(lambda: services.create_staff_user(
            _staff_data(form), form.password.data or "", actor=current_user), form=form)
        if error is not None:
            return _user_form_page(form, None, error.status_code)
        flash(f"已创建账号“{user.label}”。", "success")
        return redirect(url_for("accounts.users"))
    return _user_form_page(form, None, 422 if form.is_submitted() else 200)


def _user_form_page(form: StaffUserForm, user, status: int = 200):
    """The staff-user form; editing an account also offers the password reset."""
    return render_template("accounts/user_form.html", form=form, user=user,
                           reset_form=ResetPasswordForm() if user is not None else None), status


@bp.route("/staff/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = services.get_user(user_id)
    if not user.is_staff:
        abort(404)
    form = StaffUserForm(obj=user if request.method == "GET" else None)
    form.department_id.choices = _department_choices()
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles]
        form.department_id.data = str(user.department_id or "")
    if form.validate_on_submit():
        if perform(lambda: services.update_staff_user(user, _staff_data(form), actor=current_user),
                   form=form) is not None:
            return _user_form_page(form, user, 422)
        flash("账号已保存。", "success")
        return redirect(url_for("accounts.users"))
    return _user_form_page(form, user, 422 if form.is_submitted() else 200)


@bp.post("/staff/users/<int:user_id>/password")
@roles_required("admin")
def reset_user_password(user_id: int):
    user = services.get_user(user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        flash(first_error(form) or "请输入新密码。", "error")
    elif attempt(lambda: services.reset_password(user, form.new_password.data, actor=current_user)).error is None:
        # A second copy of the form changed nothing: the password is what the first set.
        flash("密码已重置，请通过安全渠道告知本人。", "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.post("/staff/users/<int:user_id>/active")
@roles_required("admin")
def set_user_active(user_id: int):
    user = services.get_user(user_id)
    active = request.form.get("active") == "1"
    if ConfirmForm().validate_on_submit():
        changed, error = attempt(lambda: services.set_user_active(user, active, actor=current_user))
        if error is None:
            flash("账号状态已更新。" if changed else f"该账号已是{'启用' if active else '停用'}状态。",
                  "success" if changed else "info")
    return redirect(url_for("accounts.users"))


@bp.post("/staff/users/<int:user_id>/unlock")
@roles_required("admin")
def unlock_user(user_id: int):
    user = services.get_user(user_id)
    if ConfirmForm().validate_on_submit():
        changed, error = attempt(lambda: services.unlock_user(user, actor=current_user))
        if error is None:
            flash("账号已解锁。" if changed else "该账号未被锁定。", "success" if changed else "info")
    return redirect(url_for("accounts.users"))
