"""Curated wording always answers; calibrated bands; learning from curators' decisions
(labelled examples, ``faq refit``, model versions)."""
from __future__ import annotations


import pytest

from interact.core.errors import InvalidTransition
from interact.core.textnorm import match_text
from interact.faq import index, learning, services
from interact.faq.matching import HIGH_BAND, base_model
from interact.faq.models import CuratorExample, DecisionModelVersion, ExampleKind


def examples():
    from interact.extensions import db

    return {(e.question, e.kind, e.entry_id) for e in db.session.scalars(db.select(CuratorExample))}


# ----------------------------------------------------------------------------- curated wording


def test_a_standard_question_or_phrasing_word_for_word_is_answered_in_the_highest_band(db, kb):
    for question in ("住房公积金怎么提取？", "请问住房公积金怎么提取呢", "怎样把住房公积金取出来"):
        answer = services.ask(question, log=False)
        assert answer.answered and answer.best.id == kb[0].id, question
        assert answer.confidence >= HIGH_BAND and answer.confidence_label == "匹配度高", question


def test_a_question_one_typo_away_is_answered_but_not_a_different_word(db, kb):
    typo = services.ask("住房公积金怎么题取", log=False)
    assert typo.answered and typo.best.id == kb[0].id
    # 离婚 is a word of its own, not a typo of 结婚.
    assert not services.ask("离婚登记需要带什么材料", log=False).answered


def test_adding_a_phrasing_from_the_unanswered_list_answers_that_question_at_once(client, auth, db, roles, kb):
    question = "社保卡被偷了到哪补"
    assert not services.ask(question).answered
    db.session.commit()
    before = client.get("/faq/ask", query_string={"q": question}).get_data(as_text=True)
    assert "先挂失，再到银行网点补卡" not in before.split("您是不是想问")[0]
    auth.login(roles.curator)
    unanswered = client.get("/staff/faq/unanswered").get_data(as_text=True)
    assert question in unanswered
    response = client.post("/staff/faq/unanswered/phrasings", data={"entry_id": kb[1].id, "texts": question})
    assert response.status_code == 302
    auth.logout()
    page = client.get("/faq/ask", query_string={"q": question}).get_data(as_text=True)
    assert "先挂失，再到银行网点补卡" in page and "匹配度高" in page
    api = client.get("/api/v1/faq/answer", query_string={"q": question, "suggest": "1"}).get_json()
    assert api["answered"] and api["best"]["id"] == kb[1].id and api["confidence"] >= HIGH_BAND


# ----------------------------------------------------------------------------- labelled examples


def test_every_curator_decision_is_stored_as_a_labelled_example(client, auth, db, roles, kb, make_entry):
    for question in ("社保卡被偷了到哪补", "电动车上牌在哪里办", "今天天气怎么样", "随便问问"):
        services.ask(question)
    db.session.commit()
    auth.login(roles.curator)
    client.post("/staff/faq/unanswered/phrasings", data={"entry_id": kb[1].id, "texts": "社保卡被偷了到哪补"})
    client.post("/staff/faq/new", data={
        "question": "电动车上牌在哪里办？", "phrasings": "", "answer_html": "<p>到车管所。</p>", "category_id": "",
        "department_id": "", "keywords": "", "review_by": "", "asked": "电动车上牌在哪里办"})
    client.post("/staff/faq/unanswered/no-answer", data={"texts": "今天天气怎么样"})
    client.post("/staff/faq/unanswered/dismiss", data={"texts": "随便问问"})
    duplicate = make_entry("公积金怎么取出来？", phrasings=["公积金提现"])
    services.merge_entries(kb[0], duplicate, actor=roles.curator)
    db.session.commit()
    new_entry = db.session.scalar(db.select(services.FaqEntry).where(services.FaqEntry.question == "电动车上牌在哪里办？"))
    assert examples() == {
        ("社保卡被偷了到哪补", ExampleKind.PHRASING, kb[1].id),
        ("电动车上牌在哪里办", ExampleKind.NEW_ENTRY, new_entry.id),
        ("今天天气怎么样", ExampleKind.NO_ANSWER, None),
        ("公积金怎么取出来?", ExampleKind.MERGED, kb[0].id),  # stored normalised, as logged
        ("公积金提现", ExampleKind.MERGED, kb[0].id),
    }
    # "不应给出答案" also takes the question off the list; "忽略" labels nothing.
    assert "今天天气怎么样" not in client.get("/staff/faq/unanswered").get_data(as_text=True)


def test_examples_keep_no_personal_data(db, roles, kb):
    services.add_phrasings(kb[1], ["我的手机13912345678社保卡丢了怎么办"], actor=roles.curator)
    db.session.commit()
    (stored,) = {q for q, _, _ in examples()}
    assert "13912345678" not in stored


# ----------------------------------------------------------------------------- refit


#: Questions a curator adds as phrasings of the conftest entries, and a citizen's
#: rewording of each, none answered before.
BATCH = [
    # (社保卡被偷了去哪里补 is answered without a curator now: 被偷了 reads as 丢了, spelling.EVERYDAY.)
    (1, "社保卡被扒手摸走了到哪补", "社保卡被扒手摸走了去哪里补"),
    (1, "社保卡让人偷走了咋整", "社保卡让人偷走了怎么整"),
    (2, "外地来的打工人员在这边怎么落脚登记", "外地来的打工人员在这里怎么落脚登记"),
    (3, "娃要读一年级去哪登记", "娃要读一年级到哪登记"),
    (4, "领证要准备啥东西", "领证需要准备啥东西"),
    (5, "剩饭剩菜扔哪个桶", "剩饭剩菜丢哪个桶"),
    (0, "公积金里的钱咋取", "公积金里的钱怎样取"),
    (5, "过期的药属于啥垃圾", "过期药品属于啥垃圾"),
]


def test_a_batch_of_curator_decisions_makes_the_engine_answer_those_questions_and_rewordings(app, db, roles, kb):
    for _, question, rewording in BATCH:
        assert not services.ask(question, log=False).answered, question
        assert not services.ask(rewording, log=False).answered, rewording
    for number, question, _ in BATCH:
        services.add_phrasings(kb[number], [question], actor=roles.curator)
    services.no_answer_questions(["社保卡是什么颜色的", "住房公积金利率是多少"], actor=roles.curator)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["faq", "refit", "--json"])
    assert result.exit_code == 0, result.output
    assert "条管理员标注上（轮流留出检验" in result.output and "before" in result.output and "after" in result.output
    version = db.session.scalar(db.select(DecisionModelVersion))
    assert 1 <= version.report["held_back"] < learning.MIN_HELD_BACK
    # Too few held-back examples to judge it: stored, not used, and the output says why.
    assert not version.active and index.get_engine().model.version == 0
    assert f"至少需要 {learning.MIN_HELD_BACK} 条" in result.output
    for number, question, rewording in BATCH:
        for text in (question, rewording):
            answer = services.ask(text, log=False)
            assert answer.answered and answer.best.id == kb[number].id, text
    for text in ("社保卡是什么颜色的", "住房公积金利率是多少"):
        assert not services.ask(text, log=False).answered


def test_refit_needs_examples_and_versions_can_be_switched_back(app, client, auth, db, roles, kb):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["faq", "refit"])
    assert result.exit_code == 0 and "不足" in result.output
    assert db.session.scalar(db.select(db.func.count(DecisionModelVersion.id))) == 0

    for number, question, _ in BATCH:
        services.add_phrasings(kb[number], [question], actor=roles.curator)
    db.session.commit()
    assert runner.invoke(args=["faq", "refit"]).exit_code == 0
    version = db.session.scalar(db.select(DecisionModelVersion))
    # Judged on too few held-back examples: not used, and not put in use by hand either (H7).
    with pytest.raises(InvalidTransition, match=f"第 {version.id} 版未通过启用检查"):
        learning.use_version(version.id)
    auth.login(roles.curator)
    page = client.get("/staff/faq/model").get_data(as_text=True)
    assert f"第 {version.id} 版" in page and "至少需要" in page and "启用此版本" not in page
    refused = client.post("/staff/faq/model/use", data={"version": str(version.id)}, follow_redirects=True)
    assert "未通过启用检查" in refused.get_data(as_text=True)
    assert index.get_engine().model == base_model(index.get_engine().semantic)
    refused = runner.invoke(args=["faq", "use-model", str(version.id)])
    assert refused.exit_code != 0 and "--force" in refused.output
    assert index.get_engine().model.version == 0

    # The operator's override, then back to the shipped model from the page.
    assert runner.invoke(args=["faq", "use-model", "--force", str(version.id)]).exit_code == 0
    assert index.get_engine().model.version == version.id
    page = client.get("/staff/faq/model").get_data(as_text=True)
    assert f"第 {version.id} 版" in page and "使用中" in page
    assert client.post("/staff/faq/model/use", data={"version": "0"}).status_code == 302
    assert index.get_engine().model == base_model(index.get_engine().semantic)
    assert "第 0 版（随程序发布的基础模型）" in client.get("/staff/faq/model").get_data(as_text=True)
    learning.use_version(version.id, override=True)
    db.session.commit()
    assert index.get_engine().model.version == version.id
    assert runner.invoke(args=["faq", "use-model", "99"]).exit_code != 0
    for bad in ("99", "abc", "-1"):
        response = client.post("/staff/faq/model/use", data={"version": bad}, follow_redirects=True)
        assert response.status_code == 200 and ("没有第 99 版判定模型" in response.get_data(as_text=True)
                                                 or "版本号无效" in response.get_data(as_text=True)), bad
    assert index.get_engine().model.version == version.id


def test_model_page_is_for_citywide_curators(client, auth, db, roles, dept_curator):
    auth.login(dept_curator)
    assert client.get("/staff/faq/model").status_code == 403
    assert client.post("/staff/faq/model/use", data={"version": "0"}).status_code == 403
    auth.login(roles.handler_a)
    assert client.get("/staff/faq/model").status_code == 403


@pytest.mark.parametrize("kind", list(ExampleKind))
def test_example_labels(kind):
    example = CuratorExample(question="x", kind=kind)
    assert example.should_answer == (kind is not ExampleKind.NO_ANSWER)
    assert example.kind.label


def test_unanswered_list_guesses_only_an_entry_the_citizen_was_shown(db, make_entry):
    make_entry("最低生活保障怎么申请？", phrasings=["低保怎么申请", "申请低保需要什么条件"])
    services.ask("怎么申请护照")
    services.ask("家里困难想吃低保，要什么条件，找谁")
    db.session.commit()
    guesses = {c.text: c.suggested_entry_id for c in services.unanswered_clusters()}
    assert guesses["怎么申请护照"] is None
    assert guesses["家里困难想吃低保,要什么条件,找谁"] is not None


def test_a_stored_model_from_other_decision_features_falls_back_to_the_shipped_one(db, kb):
    db.session.add(DecisionModelVersion(coef=[0.5, 1.0], threshold=0.3, examples=0, active=True))
    db.session.commit()
    assert index.load_model() == base_model(index.semantic_enabled())
    index.changed()
    db.session.commit()
    assert services.ask("住房公积金怎么提取", log=False).best.id == kb[0].id


# ----------------------------------------------------------------------------- acceptance of a refit


BASE = {"correct_answered": 0.76, "hard_negative_answered": 0.27, "out_of_scope_answered": 0.0}


def test_a_refit_judged_on_a_handful_of_held_back_examples_is_not_used():
    # Attack G28: "1/6 -> 1/6" was taken for "not worse".
    note = learning.acceptance(6, 0.0, BASE, BASE)
    assert note is not None and f"只有 6 条，至少需要 {learning.MIN_HELD_BACK} 条" in note
    assert learning.acceptance(learning.MIN_HELD_BACK, 0.0, BASE, BASE) is None


def test_a_refit_worse_on_held_back_examples_or_on_the_base_data_is_not_used():
    n = learning.MIN_HELD_BACK
    assert "不如现用模型" in learning.acceptance(n, -0.05, BASE, BASE)
    # Attack G10: fewer right answers on the base data, or more hard negatives answered.
    assert "答对的问题明显减少" in learning.acceptance(n, 0.1, BASE, {**BASE, "correct_answered": 0.74})
    assert "不该回答" in learning.acceptance(n, 0.1, BASE, {**BASE, "hard_negative_answered": 0.29})
    assert "不该回答" in learning.acceptance(n, 0.1, BASE, {**BASE, "out_of_scope_answered": 0.02})
    assert learning.acceptance(n, 0.1, BASE, {**BASE, "hard_negative_answered": 0.26}) is None
    # More right answers do not pay for a question answered that should get none (#16 eighth
    # session: the refit of the attack's batch-9 session was right on 10 more of its 30
    # decisions and answered 5 near-topic negatives).
    assert "5 个不该回答的问题（现用模型 0 个）" in learning.acceptance(n, 0.2, BASE, BASE, 0, 5)
    assert learning.acceptance(n, 0.2, BASE, BASE, 2, 2) is None


def test_the_held_back_difference_has_a_confidence_interval_that_narrows_with_more_examples():
    few = learning.paired_difference([True, False, False], [False, True, False])
    assert few["difference"] == 0.0 and few["low"] < -0.5 and few["high"] > 0.5
    before = [True] * 60 + [False] * 40
    after = [True] * 60 + [True] * 10 + [False] * 30
    many = learning.paired_difference(before, after)
    assert many["difference"] == 0.1 and 0.0 < many["low"] < 0.1 < many["high"] < 0.2


def test_a_refit_with_enough_held_back_examples_that_is_not_worse_is_used(app, db, roles, kb, monkeypatch):
    monkeypatch.setattr(learning, "MIN_HELD_BACK", 1)
    for number, question, _ in BATCH:
        services.add_phrasings(kb[number], [question], actor=roles.curator)
    db.session.commit()
    result = learning.refit()
    db.session.commit()
    report = result.report
    # Tests fit on every 4th row of the base data (TestConfig.FAQ_REFIT_BASE_EVERY).
    every = app.config["FAQ_REFIT_BASE_EVERY"]
    assert every == 4 and report["base_rows"] == len(learning.load_base(semantic=True).y[::every])
    assert report["held_difference"]["low"] <= report["held_difference"]["difference"] <= report["held_difference"]["high"]
    assert "95% 置信区间" in result.message
    expected = (report["after"]["right"] >= report["before"]["right"]
                and learning.acceptance(report["held_back"], report["held_difference"]["difference"],
                                        report["before"]["base"], report["after"]["base"],
                                        report["before"]["wrong"], report["after"]["wrong"]) is None)
    assert result.swapped == expected == result.version.active


def test_a_refit_that_passes_the_check_is_put_in_use(app, db, roles, kb, monkeypatch):
    # Review 13: the test above takes whichever branch its refit falls in (in tests it is
    # refused), so the branch that puts a refit in use ran in no test. Here the check passes.
    monkeypatch.setattr(learning, "MIN_HELD_BACK", 1)
    monkeypatch.setattr(learning, "acceptance", lambda *args, **kwargs: None)
    for number, question, _ in BATCH:
        services.add_phrasings(kb[number], [question], actor=roles.curator)
    db.session.commit()
    result = learning.refit()
    db.session.commit()
    assert result.swapped and "已启用新模型" in result.message
    active = db.session.scalars(db.select(DecisionModelVersion).where(DecisionModelVersion.active.is_(True))).all()
    assert [version.id for version in active] == [result.version.id]
    assert result.version.note == "已启用"


def test_a_model_in_use_fitted_on_curator_examples_is_judged_cross_fitted_like_the_refit(app, db, roles, kb,
                                                                                          monkeypatch):
    # Session 8: the refit was judged cross-fitted but the model in use was asked as it is, so
    # after one refit was put in use its decisions on the examples it had learnt from were
    # in-sample, and a second refit on the very same examples looked worse than it.
    monkeypatch.setattr(learning, "MIN_HELD_BACK", 1)
    # The rule is tested, not the model: fewer trees, on a quarter of the base data as every
    # refit in tests (TestConfig.FAQ_REFIT_BASE_EVERY).
    monkeypatch.setitem(learning.BOOSTING, "n_trees", 30)
    for number, question, _ in BATCH:
        services.add_phrasings(kb[number], [question], actor=roles.curator)
    db.session.commit()
    first = learning.refit()
    db.session.commit()
    assert first.report["before_judged"] == "as_is"  # the shipped model learnt from none of them
    assert first.report["last_example"] == db.session.scalar(db.select(db.func.max(CuratorExample.id)))
    learning.use_version(first.version.id, override=True)
    db.session.commit()
    assert learning.learned_by(first.version.id) == {match_text(q) for _, q, _ in BATCH}

    second = learning.refit()
    db.session.commit()
    report = second.report
    assert report["before"]["version"] == first.version.id and report["before_judged"] == "cross_fitted"
    # The same examples and the same base data: the same model, judged the same way.
    assert report["before"]["right"] == report["after"]["right"]
    assert report["before"]["wrong"] == report["after"]["wrong"]
    assert report["held_difference"]["difference"] == 0


def test_a_curator_session_of_a_few_dozen_decisions_judges_the_refit_on_every_one(app, db):
    """Attack H7 / batch 9: after 29 curator decisions a refit was judged on the 6 held back
    and could never be used before ~80 decisions; now every decision judges it, each by a
    model fitted without it, so the acceptance rule decides on all 29."""
    from pathlib import Path

    from interact import demo as app_demo
    from interact.faq import demo
    from interact.faq.models import FaqEntry

    context: dict = {}
    app_demo.seed_foundation(context)
    demo.seed(context)
    db.session.commit()
    curator = context["users"]["curator"]
    entries = {entry.question: entry for entry in db.session.scalars(db.select(FaqEntry))}
    numbered = [entries[question] for _path, _code, question, *_rest in demo.ENTRIES]
    session = Path(__file__).resolve().parents[2] / "bench" / "data" / "faq_attack_curation_9.tsv"
    decisions = 0
    for line in session.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        action, *rest = line.split("\t")
        if action == "add":
            services.add_phrasings(numbered[int(rest[0]) - 1], [rest[1]], actor=curator)
        else:
            services.no_answer_questions([rest[0]], actor=curator)
        decisions += 1
    db.session.commit()
    assert learning.MIN_HELD_BACK <= decisions < 4 * learning.MIN_HELD_BACK

    result = learning.refit()
    db.session.commit()
    report = result.report
    assert report["held_back"] == report["examples"] == decisions and report["folds"] == learning.FOLDS
    assert "至少需要" not in result.version.note
    # Each phrasing added also judges the refit by its near-topic negative (the question with
    # its entry left out must not be answered with another one).
    assert report["before"]["examples"] == report["after"]["examples"] == 4 + 2 * (decisions - 4)
    refused = learning.acceptance(report["held_back"], report["held_difference"]["difference"],
                                  report["before"]["base"], report["after"]["base"],
                                  report["before"]["wrong"], report["after"]["wrong"])
    assert result.swapped == (refused is None) == result.version.active
    if not result.swapped:
        assert result.version.note in result.message


def test_the_curator_is_told_when_an_added_phrasing_takes_an_answer_away_from_another_entry(client, auth, db,
                                                                                            roles, kb):
    """Attack J3: a phrasing a curator adds to one entry may leave a question another entry
    answered before unanswered (or answered with the new one); the curator's page says so."""
    from interact.faq.models import AskLog

    taken, kept = "公积金里的钱怎么取出来", "社保卡补卡流程是什么"
    for question, entry in ((taken, kb[0]), (kept, kb[1])):
        answer = services.ask(question, log=False)
        assert answer.answered and answer.best.id == entry.id, question
        db.session.add(AskLog(text=question, best_entry_id=entry.id, confidence=answer.confidence, answered=True))
    db.session.commit()
    auth.login(roles.curator)
    # The curator adds the citizen's wording to the wrong entry (the 社保卡 one).
    response = client.post("/staff/faq/unanswered/phrasings", data={"entry_id": kb[1].id, "texts": taken},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"已为条目 #{kb[1].id} 加入 1 条相似问法" in page
    assert f"“{taken}”（原为条目 #{kb[0].id}）" in page and "不再按原条目回答" in page
    assert kept not in page
    assert services.answers_taken_away(kb[1].id, [taken]) == [(taken, kb[0].id)]
    # An addition that takes nothing away says nothing more.
    response = client.post("/staff/faq/unanswered/phrasings", data={"entry_id": kb[2].id, "texts": "外来人员居住证咋办"},
                           follow_redirects=True)
    assert "不再按原条目回答" not in response.get_data(as_text=True)
