"""The background jobs' claim and recovery, written once in core.tasks for every job table
(the FAQ import and the FAQ refit used to carry a copy each): a claim is taken once, an
abandoned job is resumed or failed as its queue says, and an idle poll writes nothing."""
from __future__ import annotations

from datetime import timedelta

from interact.core import clock, tasks
from interact.faq import importexport, learning
from interact.faq.models import FaqImportJob, FaqRefitJob, ImportStatus, RefitStatus
from tests import sql


def _import_job(db, **values) -> FaqImportJob:
    job = FaqImportJob(filename="faq.csv", file_format="csv", stored_key="k" * 40, **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_a_job_is_claimed_once(db):
    job = _import_job(db)
    assert tasks.claim(importexport.QUEUE) == job.id
    assert tasks.claim(importexport.QUEUE) is None and tasks.claim(importexport.QUEUE, job.id) is None
    db.session.refresh(job)
    assert job.status is ImportStatus.VALIDATING and job.attempts == 1 and job.heartbeat_at is not None


def test_abandoned_jobs_are_resumed_or_failed_as_their_queue_says(db, roles):
    stale = clock.now() - timedelta(seconds=tasks.STALE_SECONDS + 5)
    resumable = _import_job(db, status=ImportStatus.APPLYING, attempts=1, heartbeat_at=stale)
    worn_out = _import_job(db, status=ImportStatus.APPLYING, attempts=tasks.MAX_ATTEMPTS, heartbeat_at=stale)
    alive = _import_job(db, status=ImportStatus.APPLYING, attempts=1, heartbeat_at=clock.now())
    assert tasks.recover_abandoned(importexport.QUEUE) == (1, 1)
    for job in (resumable, worn_out, alive):
        db.session.refresh(job)
    assert resumable.status is ImportStatus.PENDING
    assert worn_out.status is ImportStatus.FAILED and worn_out.error == importexport.ABANDONED_MESSAGE
    assert alive.status is ImportStatus.APPLYING
    # A refit wrote nothing before its end: abandoned, it is failed at once, never resumed.
    refit = FaqRefitJob(created_by_id=roles.curator.id, status=RefitStatus.RUNNING, attempts=1, heartbeat_at=stale)
    db.session.add(refit)
    db.session.commit()
    assert tasks.recover_abandoned(learning.REFIT_QUEUE) == (0, 1)
    db.session.refresh(refit)
    assert refit.status is RefitStatus.FAILED and refit.message == learning.ABANDONED_REFIT


def test_an_idle_poll_writes_nothing(db):
    _import_job(db, status=ImportStatus.APPLYING, attempts=1, heartbeat_at=clock.now())
    with sql.captured(sql.writes()) as writes:
        assert tasks.recover_abandoned(importexport.QUEUE) == (0, 0)
        assert tasks.recover_abandoned(learning.REFIT_QUEUE) == (0, 0)
    assert writes == []  # the worker polls every few seconds
