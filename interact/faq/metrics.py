"""FAQ figures for ``/metrics`` (registered in ``core.metrics.contributors`` by the views)."""
from __future__ import annotations

from interact.core.metrics import gauge
from interact.core.settings import current_version
from interact.extensions import db
from interact.faq.index import VERSION_NAME
from interact.faq.models import FaqEntry, FaqImportJob


def collect():
    published = gauge("interact_faq_published_entries", "Published FAQ entries (what the index holds).")
    published.add_metric([], db.session.scalar(
        db.select(db.func.count(FaqEntry.id)).where(FaqEntry.is_published)) or 0)
    yield published
    version = gauge("interact_faq_index_version_info",
                    "The FAQ index version stamp every worker syncs to (changes on every edit).", ["version"])
    version.add_metric([current_version(VERSION_NAME) or "none"], 1)
    yield version
    jobs = gauge("interact_background_jobs", "Background jobs by kind and status.", ["kind", "status"])
    rows = db.session.execute(db.select(FaqImportJob.status, db.func.count()).group_by(FaqImportJob.status))
    for status, count in rows:
        jobs.add_metric(["faq_import", status.value], count)
    yield jobs
