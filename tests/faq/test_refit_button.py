"""重新训练 on the decision-model page: a job for the background worker, never a refit inside
the request; its result on the page; double clicks, failures and dead workers."""
from __future__ import annotations

from datetime import timedelta

from interact import scheduler
from interact.core import clock
from interact.faq import index, learning, services
from interact.faq.models import DecisionModelVersion, FaqRefitJob, RefitStatus


def _decisions(db, roles, kb):
    services.add_phrasings(kb[1], ["社保卡被偷了到哪补"], actor=roles.curator)
    services.add_phrasings(kb[0], ["公积金里的钱咋取"], actor=roles.curator)
    services.no_answer_questions(["社保卡是什么颜色的", "住房公积金利率是多少"], actor=roles.curator)
    db.session.commit()


def _versions(db) -> int:
    return db.session.scalar(db.select(db.func.count(DecisionModelVersion.id)))


def test_the_refit_button_queues_a_job_the_background_worker_runs_and_the_page_shows_its_result(
        client, auth, db, roles, kb):
    _decisions(db, roles, kb)
    auth.login(roles.curator)
    page = client.get("/staff/faq/model").get_data(as_text=True)
    assert "重新训练" in page and "flask --app interact faq refit" not in page
    response = client.post("/staff/faq/model/refit")
    assert response.status_code == 302
    # Nothing is fitted inside the request: a job waits for the worker.
    assert _versions(db) == 0
    job = db.session.scalar(db.select(FaqRefitJob))
    assert job.status is RefitStatus.PENDING and job.created_by_id == roles.curator.id
    waiting = client.get("/staff/faq/model").get_data(as_text=True)
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting
    assert client.get("/staff/faq/model/refit/status").get_json() == {"status": "pending", "finished": False}
    # A second click while it waits starts no second refit.
    client.post("/staff/faq/model/refit")
    assert db.session.scalar(db.select(db.func.count(FaqRefitJob.id))) == 1

    assert learning.run_next_refit in scheduler.load_tasks()
    assert learning.run_next_refit()
    db.session.expire_all()
    job = db.session.get(FaqRefitJob, job.id)
    version = db.session.scalar(db.select(DecisionModelVersion))
    assert job.status is RefitStatus.DONE and job.version_id == version.id
    assert not learning.run_next_refit()  # nothing left to do
    assert client.get("/staff/faq/model/refit/status").get_json()["finished"] is True
    done = client.get("/staff/faq/model").get_data(as_text=True)
    assert f"第 {version.id} 版判定模型：在" in done and 'http-equiv="refresh"' not in done
    # The button's refit is judged like `flask faq refit` (attack G10, G28): a few decisions
    # hold back too few examples to show it is not worse, so it is stored and not used.
    assert not version.active and index.get_engine().model.version == 0
    assert f"至少需要 {learning.MIN_HELD_BACK} 条" in done and "95% 置信区间" in done


def test_refits_asked_for_while_one_waited_get_its_result(db, roles, kb):
    _decisions(db, roles, kb)
    first = learning.request_refit(actor=roles.curator)
    db.session.commit()
    # A second request that raced the first (its own row).
    second = FaqRefitJob(created_by_id=roles.curator.id)
    db.session.add(second)
    db.session.commit()
    assert learning.run_next_refit()
    db.session.expire_all()
    assert _versions(db) == 1
    assert {j.status for j in db.session.scalars(db.select(FaqRefitJob))} == {RefitStatus.DONE}
    assert db.session.get(FaqRefitJob, second.id).version_id == db.session.get(FaqRefitJob, first.id).version_id


def test_a_failed_refit_is_shown_with_a_message_and_changes_nothing(client, auth, db, roles, kb, monkeypatch):
    _decisions(db, roles, kb)

    def broken(**_):
        raise RuntimeError("boom")

    monkeypatch.setattr(learning, "refit", broken)
    auth.login(roles.curator)
    client.post("/staff/faq/model/refit")
    assert learning.run_next_refit()
    db.session.expire_all()
    job = db.session.scalar(db.select(FaqRefitJob))
    assert job.status is RefitStatus.FAILED and _versions(db) == 0
    page = client.get("/staff/faq/model").get_data(as_text=True)
    assert "失败" in page and "判定模型没有改变" in page and "boom" not in page


def test_a_refit_whose_worker_died_is_failed_with_a_message(db, roles, kb):
    job = learning.request_refit(actor=roles.curator)
    job.status = RefitStatus.RUNNING
    job.heartbeat_at = clock.now() - timedelta(seconds=learning.REFIT_STALE_SECONDS + 60)
    db.session.commit()
    assert not learning.run_next_refit()
    db.session.expire_all()
    job = db.session.get(FaqRefitJob, job.id)
    assert job.status is RefitStatus.FAILED and "重新点击" in job.message


def test_only_citywide_curators_may_refit(client, auth, db, roles, dept_curator):
    auth.login(dept_curator)
    assert client.post("/staff/faq/model/refit").status_code == 403
    auth.login(roles.handler_a)
    assert client.post("/staff/faq/model/refit").status_code == 403
    assert db.session.scalar(db.select(db.func.count(FaqRefitJob.id))) == 0


def test_the_refit_button_needs_its_form_token(app, client, auth, db, roles):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login(roles.curator)
    response = client.post("/staff/faq/model/refit", follow_redirects=True)
    assert "页面已过期" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(FaqRefitJob.id))) == 0
