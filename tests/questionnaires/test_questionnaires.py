"""The reusable questionnaire: building, validating answers, one response, tallies, builder pages."""
from __future__ import annotations

from datetime import datetime

import pytest

from interact.core import clock
from interact.core.errors import Conflict, InvalidInput, PermissionDenied
from interact.questionnaires import services as qs
from interact.questionnaires.models import QuestionKind, Response
from interact.surveys import services as surveys
from interact.surveys import workflow as survey_workflow
from interact.surveys.models import CollectionKind, CollectionStatus


def local(y, m, d, h=9):
    return datetime(y, m, d, h, tzinfo=clock.LOCAL_TZ)


@pytest.fixture
def questionnaire(db, roles, frozen):
    """An unpublished questionnaire collection of department A (handler_a may edit)."""
    frozen(2026, 2, 20)
    collection = surveys.create_collection(surveys.CollectionData(
        title="市民公园开放时间问卷调查", summary="", body="<p>说明</p>", kind=CollectionKind.QUESTIONNAIRE,
        starts_at=local(2026, 3, 1), ends_at=local(2026, 3, 31), department_id=roles.department_a.id,
    ), actor=roles.handler_a)
    db.session.commit()
    return collection.questionnaire


def _single(q, actor, text="您多久去一次公园", options=("每天", "每周", "很少"), **kw):
    return qs.add_question(q, qs.QuestionData(kind=QuestionKind.SINGLE, text=text, options=list(options), **kw),
                           actor=actor)


# ---- building ----------------------------------------------------------------------------------


def test_operation_log_names_the_owner_in_chinese(questionnaire, client, auth, roles):
    """The 操作记录 page showed the questionnaire's owner as a raw code (collection:1)."""
    auth.login(roles.office)
    page = client.get("/staff/audit").get_data(as_text=True)
    assert f"民意征集 #{questionnaire.owner_id}" in page
    assert f"collection:{questionnaire.owner_id}" not in page


def test_question_validation(questionnaire, roles):
    with pytest.raises(InvalidInput) as error:
        qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.SINGLE, text="", options=["一"]),
                        actor=roles.handler_a)
    assert set(error.value.fields) == {"text", "options"}
    with pytest.raises(InvalidInput, match="题目设置"):
        qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.SINGLE, text="重复", options=["甲", "甲"]),
                        actor=roles.handler_a)
    with pytest.raises(InvalidInput) as error:
        qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.MULTIPLE, text="多选", options=["甲", "乙"],
                                                       min_choices=2, max_choices=1), actor=roles.handler_a)
    assert "max_choices" in error.value.fields
    # One option plus "other" makes two choices.
    question = _single(questionnaire, roles.handler_a, options=("是",), allow_other=True)
    assert [o.label for o in question.options] == ["是"] and question.allow_other
    # Text questions drop options and choice bounds.
    text = qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.SHORT_TEXT, text="称呼",
                                                          options=["x"], min_choices=1), actor=roles.handler_a)
    assert text.options == [] and text.min_choices is None


def test_scope_and_ordering(questionnaire, roles):
    with pytest.raises(PermissionDenied):
        _single(questionnaire, roles.handler_b)
    first = _single(questionnaire, roles.handler_a, text="一")
    second = _single(questionnaire, roles.handler_a, text="二")
    third = _single(questionnaire, roles.handler_a, text="三")
    qs.move_question(third, -1, actor=roles.handler_a)
    assert [q.text for q in questionnaire.questions] == ["一", "三", "二"]
    qs.move_question(first, -1, actor=roles.handler_a)  # already first: unchanged
    qs.move_question(second, +1, actor=roles.handler_a)  # already last: unchanged
    assert [q.text for q in questionnaire.questions] == ["一", "三", "二"]
    qs.delete_question(first, actor=roles.handler_a)
    assert [(q.position, q.text) for q in questionnaire.questions] == [(1, "三"), (2, "二")]


def test_editing_refused_once_responses_exist(questionnaire, roles, frozen, db):
    question = _single(questionnaire, roles.handler_a)
    collection = surveys.get_collection(questionnaire.owner_id)
    survey_workflow.transition(collection, CollectionStatus.PUBLISHED, actor=roles.office)
    frozen(2026, 3, 5)
    surveys.submit_response(collection, {question.field_name: [str(question.options[0].id)]}, device_token="x" * 20)
    db.session.commit()
    assert "已收到 1 份答卷" in qs.edit_refusal(questionnaire)
    for attempt in (
        lambda: _single(questionnaire, roles.office, text="新题"),
        lambda: qs.update_question(question, qs.QuestionData(kind=QuestionKind.SINGLE, text="改",
                                                             options=["甲", "乙"]), actor=roles.office),
        lambda: qs.delete_question(question, actor=roles.office),
        lambda: qs.move_question(question, 1, actor=roles.office),
    ):
        with pytest.raises(Conflict, match="不能再修改"):
            attempt()
    # Title and introduction do not change the tallies and stay editable.
    qs.update_info(questionnaire, "新标题", "新说明", actor=roles.handler_a)
    assert questionnaire.title == "新标题"


# ---- validating answers ----------------------------------------------------------------------------


def test_validate_answers_rules(questionnaire, roles):
    single = _single(questionnaire, roles.handler_a, allow_other=True)
    multiple = qs.add_question(questionnaire, qs.QuestionData(
        kind=QuestionKind.MULTIPLE, text="设施", options=["座椅", "厕所", "照明", "步道"], min_choices=2, max_choices=3,
    ), actor=roles.handler_a)
    rating = qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.RATING, text="评分"),
                             actor=roles.handler_a)
    short = qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.SHORT_TEXT, text="称呼", required=False),
                            actor=roles.handler_a)
    opt = [str(o.id) for o in multiple.options]

    with pytest.raises(InvalidInput) as error:
        qs.validate_answers(questionnaire, {})
    assert set(error.value.fields) == {single.field_name, multiple.field_name, rating.field_name}

    bad = {
        single.field_name: [str(single.options[0].id), str(single.options[1].id)],
        multiple.field_name: opt[:1],
        rating.field_name: ["6"],
        short.field_name: ["长" * 201],
    }
    with pytest.raises(InvalidInput) as error:
        qs.validate_answers(questionnaire, bad)
    fields = error.value.fields
    assert fields[single.field_name] == "此题只能选择一项"
    assert fields[multiple.field_name] == "此题至少选择 2 项"
    assert "1–5" in fields[rating.field_name]
    assert "200" in fields[short.field_name]

    with pytest.raises(InvalidInput) as error:
        qs.validate_answers(questionnaire, {single.field_name: ["other"], multiple.field_name: opt,
                                            rating.field_name: ["3"]})
    assert "注明" in error.value.fields[single.field_name]
    assert error.value.fields[multiple.field_name] == "此题最多选择 3 项"

    with pytest.raises(InvalidInput, match="1 处"):
        qs.validate_answers(questionnaire, {single.field_name: ["999999"], multiple.field_name: opt[:2],
                                            rating.field_name: ["3"]})

    answers = qs.validate_answers(questionnaire, {
        single.field_name: ["other"], single.other_field_name: ["  晨练时去  "],
        multiple.field_name: opt[:2] + opt[:1], rating.field_name: "5", short.field_name: [""],
    })
    by_question = {a.question.id: a for a in answers}
    assert by_question[single.id].other_text == "晨练时去"
    assert by_question[multiple.id].option_ids == [multiple.options[0].id, multiple.options[1].id]
    assert by_question[rating.id].rating == 5
    assert by_question[short.id].is_empty


def test_text_answers_lose_control_characters(questionnaire, roles):
    """Attack Q3: a NUL in a text answer made PostgreSQL refuse the whole submission."""
    single = _single(questionnaire, roles.handler_a, allow_other=True)
    short = qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.SHORT_TEXT, text="称呼", required=False),
                            actor=roles.handler_a)
    answers = qs.validate_answers(questionnaire, {
        single.field_name: ["other"], single.other_field_name: ["晨\x00练"], short.field_name: ["老\x00王\x7f"],
    })
    by_question = {a.question.id: a for a in answers}
    assert by_question[single.id].other_text == "晨练" and by_question[short.id].text == "老王"


# ---- tallies ------------------------------------------------------------------------------------------


def test_tallies_counts_percentages_and_text_exclusion(questionnaire, roles, db):
    single = _single(questionnaire, roles.handler_a, allow_other=True)
    multiple = qs.add_question(questionnaire, qs.QuestionData(
        kind=QuestionKind.MULTIPLE, text="设施", options=["座椅", "厕所", "照明"], required=False,
    ), actor=roles.handler_a)
    rating = qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.RATING, text="评分"),
                             actor=roles.handler_a)
    text = qs.add_question(questionnaire, qs.QuestionData(kind=QuestionKind.LONG_TEXT, text="建议", required=False),
                           actor=roles.handler_a)
    s, m = single.options, multiple.options
    submissions = [
        {single.field_name: [str(s[0].id)], multiple.field_name: [str(m[0].id), str(m[1].id)],
         rating.field_name: ["5"], text.field_name: ["增加夜间照明"]},
        {single.field_name: [str(s[0].id)], multiple.field_name: [str(m[0].id)], rating.field_name: ["4"]},
        {single.field_name: [str(s[1].id)], rating.field_name: ["3"]},
        {single.field_name: ["other"], single.other_field_name: ["偶尔"], rating.field_name: ["4"]},
    ]
    for number, raw in enumerate(submissions):
        qs.record_response(questionnaire, qs.validate_answers(questionnaire, raw), device_hash=f"h{number}")
    db.session.commit()

    tallies = {t.question.id: t for t in qs.tallies(questionnaire)}
    t_single = tallies[single.id]
    assert t_single.answered == 4
    assert [(o.label, o.count, o.percent) for o in t_single.options] == [
        ("每天", 2, 50.0), ("每周", 1, 25.0), ("很少", 0, 0.0), ("其他（请注明）", 1, 25.0)]
    t_multiple = tallies[multiple.id]
    assert t_multiple.answered == 2  # percentages of those who answered; may sum over 100
    assert [(o.count, o.percent) for o in t_multiple.options] == [(2, 100.0), (1, 50.0), (0, 0.0)]
    t_rating = tallies[rating.id]
    assert t_rating.average == 4.0
    assert [o.count for o in t_rating.options] == [1, 2, 1, 0, 0]  # 5 → 1 points
    assert tallies[text.id].answered == 1 and not tallies[text.id].chartable
    assert all(t.texts == [] for t in tallies.values())  # public tallies carry no text
    staff = {t.question.id: t for t in qs.tallies(questionnaire, include_text=True)}
    assert staff[text.id].texts == ["增加夜间照明"]
    assert staff[single.id].texts == ["偶尔"]

    header, rows = qs.responses_for_export(questionnaire)
    assert header[3].endswith("您多久去一次公园")
    assert rows[0][3:] == ["每天", "座椅；厕所", "5", "增加夜间照明"]
    assert rows[3][3] == "其他（请注明）：偶尔"


def test_record_response_duplicate_hashes(questionnaire, roles, db):
    question = _single(questionnaire, roles.handler_a)
    raw = {question.field_name: [str(question.options[0].id)]}
    qs.record_response(questionnaire, qs.validate_answers(questionnaire, raw), device_hash="d1", phone_hash="p1")
    with pytest.raises(Conflict, match="本设备"):
        qs.record_response(questionnaire, qs.validate_answers(questionnaire, raw), device_hash="d1")
    with pytest.raises(Conflict, match="手机号"):
        qs.record_response(questionnaire, qs.validate_answers(questionnaire, raw), device_hash="d2", phone_hash="p1")
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 1
    assert qs.respondent_hash(1, "phone", "13900000000") != qs.respondent_hash(2, "phone", "13900000000")


def test_definition_for_api(questionnaire, roles):
    question = _single(questionnaire, roles.handler_a, allow_other=True)
    definition = qs.definition(questionnaire)
    item = definition["questions"][0]
    assert item["id"] == question.id and item["kind"] == "single"
    assert [o["label"] for o in item["options"]] == ["每天", "每周", "很少"]
    assert item["other_label"] == "其他（请注明）"


# ---- builder pages -------------------------------------------------------------------------------------


def test_builder_pages_permissions(client, auth, questionnaire, roles):
    url = f"/staff/questionnaires/{questionnaire.id}"
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(roles.handler_b)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}/questions", data={"kind": "rating", "text": "评分"}).status_code == 403
    auth.login(roles.citizen)
    assert client.get(url).status_code == 403
    auth.login(roles.handler_a)
    page = client.get(url)
    assert page.status_code == 200 and "问卷设计" in page.get_data(as_text=True)
    assert client.get("/staff/questionnaires/99999").status_code == 404


def test_builder_add_move_edit_delete_and_preview(client, auth, questionnaire, roles, db):
    auth.login(roles.handler_a)
    url = f"/staff/questionnaires/{questionnaire.id}"
    response = client.post(f"{url}/questions", data={"kind": "single", "text": "", "options": "甲"})
    assert response.status_code == 422
    assert "请填写题目" in response.get_data(as_text=True)
    for text in ("第一题", "第二题"):
        response = client.post(f"{url}/questions", data={"kind": "single", "text": text, "options": "甲\n乙\n",
                                                         "required": "y"})
        assert response.status_code == 302
    db.session.expire_all()
    first, second = questionnaire.questions
    assert client.post(f"{url}/questions/{second.id}/move/up").status_code == 302
    db.session.expire_all()
    assert [q.text for q in questionnaire.questions] == ["第二题", "第一题"]
    response = client.post(f"{url}/questions/{first.id}/edit",
                           data={"kind": "multiple", "text": "第一题（多选）", "options": "甲\n乙\n丙", "max_choices": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert first.kind is QuestionKind.MULTIPLE and len(first.options) == 3
    page = client.get(f"{url}/questions/{first.id}/edit").get_data(as_text=True)
    assert "甲\n乙\n丙" in page

    preview = client.post(f"{url}/preview", data={})
    assert preview.status_code == 422 and "此题为必答题" in preview.get_data(as_text=True)
    ok = client.post(f"{url}/preview", data={second.field_name: str(second.options[0].id),
                                             first.field_name: str(first.options[1].id)})
    assert ok.status_code == 200 and "预览校验通过" in ok.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Response.id))) == 0

    assert client.post(f"{url}/questions/{second.id}/delete").status_code == 302
    db.session.expire_all()
    assert [q.text for q in questionnaire.questions] == ["第一题（多选）"]
    assert client.post(f"{url}/info", data={"title": "标题", "intro": "说明"}).status_code == 302
