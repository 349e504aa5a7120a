"""core.forms.attempt / perform: the transaction boundary every posted form goes through."""
from flask import get_flashed_messages
from wtforms import Form, StringField

from interact.core.errors import DomainError, InvalidInput
from interact.core.forms import Outcome, attempt, perform
from interact.core.models import Setting


class NameForm(Form):
    name = StringField()


def _add_setting(db, key: str) -> Setting:
    row = Setting(key=key, value="x")
    db.session.add(row)
    db.session.flush()
    return row


def test_attempt_commits_and_returns_the_value(app, db):
    with app.test_request_context():
        outcome = attempt(lambda: _add_setting(db, "kept"))
        assert isinstance(outcome, Outcome)
        assert outcome.error is None and outcome.value.key == "kept"
        db.session.rollback()  # nothing left to undo: the row was committed
        assert db.session.get(Setting, "kept") is not None
        assert get_flashed_messages() == []


def test_attempt_rolls_back_applies_field_errors_and_flashes(app, db):
    form = NameForm()

    def failing():
        _add_setting(db, "dropped")
        raise InvalidInput("名称不对。", fields={"name": "请换一个名称", "missing": "不在表单上"})

    with app.test_request_context():
        value, error = attempt(failing, form=form)
        assert value is None and isinstance(error, InvalidInput) and error.status_code == 422
        assert db.session.get(Setting, "dropped") is None
        assert form.name.errors == ["请换一个名称"]
        assert get_flashed_messages(with_categories=True) == [("error", "名称不对。")]


def test_attempt_without_flash_only_marks_the_fields(app, db):
    form = NameForm()

    def failing():
        raise DomainError("旧密码不正确。", fields={"name": "旧密码不正确"})

    with app.test_request_context():
        outcome = attempt(failing, form=form, flash_error=False)
        assert outcome.value is None and outcome.error.message == "旧密码不正确。"
        assert form.name.errors == ["旧密码不正确"]
        assert get_flashed_messages() == []


def test_attempt_without_form_still_rolls_back_and_flashes(app, db):
    def failing():
        _add_setting(db, "dropped")
        raise DomainError("不能这样做。")

    with app.test_request_context():
        assert attempt(failing).error.message == "不能这样做。"
        assert db.session.get(Setting, "dropped") is None
        assert get_flashed_messages(with_categories=True) == [("error", "不能这样做。")]


def test_perform_returns_only_the_error(app, db):
    with app.test_request_context():
        assert perform(lambda: _add_setting(db, "kept")) is None
        db.session.rollback()
        assert db.session.get(Setting, "kept") is not None
        error = DomainError("出错了。")

        def failing():
            raise error

        assert perform(failing, flash_error=False) is error
        assert get_flashed_messages() == []


def test_built_in_field_messages_are_chinese(app, client, auth, roles):
    """WTForms' own messages (not written by us) reach users in Chinese."""
    from wtforms import IntegerField, SelectField
    from wtforms.validators import Length

    from interact.core.forms import Form as AppForm

    class Probe(AppForm):
        number = IntegerField()
        choice = SelectField(choices=[("a", "A")])
        short = StringField(validators=[Length(max=2)])

    with app.test_request_context(method="POST", data={"number": "abc", "choice": "zzz", "short": "toolong"}):
        form = Probe()
        assert not form.validate()
        messages = [m for errors in form.errors.values() for m in errors]
        assert len(messages) == 3
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages), messages
    # And through a real page: a department's sort order that is not a number.
    auth.login(roles.admin)
    html = client.post("/staff/departments/new", data={"name": "测试排序", "code": "TSORT", "kind": "bureau",
                                                        "sort_order": "abc"}).get_data(as_text=True)
    assert "不是有效的整数" in html and "Not a valid" not in html


def test_text_fields_drop_control_characters_but_keep_lines(app):
    """Attack Q3: every text field of the application's forms drops control characters (a
    NUL made PostgreSQL refuse the form); tabs and line breaks stay, passwords are untouched."""
    from wtforms import PasswordField, TextAreaField

    from interact.core.forms import Form as AppForm

    class Typed(AppForm):
        class Meta:
            csrf = False

        title = StringField()
        body = TextAreaField()
        secret = PasswordField()

    with app.test_request_context(method="POST", data={
            "title": "社保\x00卡\x08补办", "body": "第一行\r\n\t第二行\x0b\x1f", "secret": "a\x00b"}):
        form = Typed()
        assert form.title.data == "社保卡补办"
        assert form.body.data == "第一行\r\n\t第二行"
        assert form.secret.data == "a\x00b"
