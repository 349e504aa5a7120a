"""The jobs page names every count a job reports (no "due=0 sent=0")."""
from __future__ import annotations

from interact import scheduler
from interact.core.models import JobOutcome


def test_every_job_names_the_counts_it_returns(app, db, roles, frozen):
    frozen(2026, 3, 2, 9)  # a Monday: digests run
    for job in scheduler.load_jobs():
        db.session.commit()
        run = scheduler.run_job(app, job, trigger="cli")
        assert run.outcome is JobOutcome.OK, (job.id, run.error)
        assert set(run.counts or {}) <= set(job.count_labels), job.id


def test_jobs_page_shows_labels_not_keys(client, auth, roles, app, db, frozen):
    frozen(2026, 3, 2, 9)
    job = scheduler.get_job("notify.send_mail")
    db.session.commit()
    scheduler.run_job(app, job, trigger="cli")
    auth.login(roles.admin)
    html = client.get("/staff/jobs").get_data(as_text=True)
    assert "待发送 0" in html and "已发送 0" in html and "成功" in html
    assert "due=" not in html and "sent=" not in html
