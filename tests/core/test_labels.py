"""Labels live on the enums and on the audit registry: no raw code reaches a page."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import interact
from interact.core import audit
from interact.core.enums import LabeledEnum

PACKAGE = Path(interact.__file__).parent


def _enums():
    import interact.accounts.models  # noqa: F401
    import interact.departments.models  # noqa: F401
    import interact.faq.models  # noqa: F401
    import interact.interviews.models  # noqa: F401
    import interact.letters.models  # noqa: F401
    import interact.questionnaires.models  # noqa: F401
    import interact.surveys.models  # noqa: F401

    return LabeledEnum.__subclasses__()


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_member_of_every_enum_has_a_chinese_label():
    enums = _enums()
    assert len(enums) >= 15
    for enum_cls in enums:
        for member in enum_cls:
            assert _has_cjk(member.label), member
            assert _has_cjk(member.public_label), member


def _literal_actions() -> set[str]:
    """The first argument of every ``audit.record(...)`` call that is a literal (or a
    conditional of literals)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit" and node.args):
                for sub in ast.walk(node.args[0]):
                    if (isinstance(sub, ast.Constant) and isinstance(sub.value, str) and "." in sub.value
                            and not sub.value.endswith(".")):
                        found.add(sub.value)
    return found


def test_every_audit_action_recorded_in_the_code_has_a_label(app):
    literal = _literal_actions()
    assert {"user.login", "opinion.adoption_recorded", "letter.reply_limits_changed"} <= literal
    from interact.interviews.models import InterviewStatus
    from interact.letters.models import ACTION_LABELS

    computed = ({f"letter.{a}" for a in ACTION_LABELS} | {f"interview.{s.value}" for s in InterviewStatus}
                | {f"faq.{a}" for a in ("created", "updated", "published", "withdrawn", "merged", "merged_away",
                                        "phrasing_added")}
                | {f"letter_summary.{a}" for a in ("drafted", "refreshed", "edited", "published", "withdrawn")})
    missing = sorted(a for a in literal | computed if a not in audit.known_actions())
    assert missing == []
    assert audit.action_label("letter.assign") == "转办"
    assert audit.action_label("unknown.thing") == "其他对象相关操作"


def test_audit_page_shows_labels_not_codes(client, auth, roles, db):
    audit.record("user.login", "user", roles.office.id, actor=roles.office)
    audit.record("letter.assign", "letter", 1, actor=roles.office)
    db.session.commit()
    auth.login(roles.office)
    html = client.get("/staff/audit").get_data(as_text=True)
    rows = html[html.index("<tbody>"):]
    assert "登录" in rows and "转办" in rows and "来信 #1" in rows
    assert "user.login" not in rows and "letter.assign" not in rows


@pytest.mark.parametrize("enum_path", ["interact.letters.models.LetterStatus"])
def test_citizens_see_the_public_label_of_review_steps(enum_path):
    from interact.letters.models import LetterStatus

    assert LetterStatus.SENT_BACK.public_label == "办理中" and LetterStatus.SENT_BACK.label == "审核退回重办"


def test_audit_labels_name_the_act_alike_and_every_action_has_an_object_kind(app):
    # One style for every feature: no "来信：" or "访谈状态：" prefix beside labels without one
    # (the audit page names the object in its own column).
    prefixed = {action: label for action, label in audit.known_actions().items() if "：" in label}
    assert prefixed == {}
    groups = {action for group, items in audit.action_choices() for action, _ in items if group == "其他"}
    assert groups == set()
    assert audit.action_label("interview.live") == "开始直播"


def test_audit_page_filters_by_labelled_selects(client, auth, roles, db):
    audit.record("user.login", "user", roles.office.id, actor=roles.office)
    audit.record("letter.assign", "letter", 7, actor=roles.office)
    audit.record("faq.merged_away", "faq_entry", 3, actor=roles.office)
    audit.record("faq.merged", "faq_entry", 4, actor=roles.office)
    db.session.commit()
    auth.login(roles.office)
    html = client.get("/staff/audit").get_data(as_text=True)
    # Selects of what a clerk reads, grouped by the kind of object; no code to type.
    assert '<select id="f-action" name="action">' in html and '<select id="f-type" name="type">' in html
    assert '<optgroup label="来信">' in html and '<option value="letter.assign">转办</option>' in html
    assert '<option value="faq_entry">常见问题</option>' in html
    assert "placeholder=" not in html[html.index("<form"):html.index("</form>")]
    # One action, exactly: 合并常见问题 does not also list 常见问题被合并.
    rows = client.get("/staff/audit?action=faq.merged").get_data(as_text=True).split("<tbody>")[1]
    assert "合并常见问题" in rows and "常见问题被合并" not in rows and "登录" not in rows
    rows = client.get("/staff/audit?type=letter").get_data(as_text=True).split("<tbody>")[1]
    assert "来信 #7" in rows and "常见问题" not in rows
    assert '<option value="letter" selected>来信</option>' in client.get("/staff/audit?type=letter").get_data(as_text=True)
