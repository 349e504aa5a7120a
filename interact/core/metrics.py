"""Prometheus metrics at ``/metrics`` (the kept ``prometheus_client``).

Per process, counted as they happen:

- ``interact_http_requests_total{endpoint, method, status}`` and
  ``interact_http_request_duration_seconds{endpoint, method}`` — per Flask endpoint (the
  route's name, so the label set stays small; ``404`` for unknown paths).

Read from the database at scrape time (true for the whole installation, whichever
machine or process did the work):

- ``interact_job_runs_total{job, outcome}`` — scheduled/manual job runs by outcome
  (``error`` = failures), from ``job_runs``;
- ``interact_background_jobs{kind, status}`` — the durable background-job table;
- ``interact_outbox_emails{status}`` — e-mails pending / sent / failed;
- ``interact_faq_published_entries`` and ``interact_faq_index_version_info{version}`` —
  what the FAQ index holds and the version stamp every worker syncs to.

Several gunicorn workers: ``interact.gunicorn_conf`` sets ``PROMETHEUS_MULTIPROC_DIR``
(before any worker imports this module), every worker writes its counters there, and
``/metrics`` on any worker adds up all of them (``prometheus_client.multiprocess``).

``/metrics`` answers only the addresses in ``METRICS_ALLOWED_IPS`` (loopback by
default); do not route it through nginx.
"""
from __future__ import annotations

import logging
import os
import time

from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

log = logging.getLogger(__name__)

REQUESTS = Counter("interact_http_requests_total", "HTTP requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("interact_http_request_duration_seconds", "Time to answer a request, by endpoint.",
                    ["endpoint", "method"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.environ.get("prometheus_multiproc_dir")


class DatabaseCollector:
    """Figures that live in the database, read when Prometheus scrapes."""

    def collect(self):
        from interact.core import notify
        from interact.core.models import JobRun
        from interact.extensions import db

        runs = CounterMetricFamily("interact_job_runs", "Job runs by job and outcome (error = failed).",
                                   labels=["job", "outcome"])
        rows = db.session.execute(db.select(JobRun.job_id, JobRun.outcome, db.func.count()).group_by(
            JobRun.job_id, JobRun.outcome))
        for job_id, outcome, count in rows:
            if outcome is not None:
                runs.add_metric([job_id, outcome.value], count)
        yield runs
        outbox = GaugeMetricFamily("interact_outbox_emails", "E-mails in the outbox by status.", labels=["status"])
        for status, count in notify.outbox_counts().items():
            outbox.add_metric([status], count)
        yield outbox
        yield from _contributions()


#: Feature modules add generators of metric families (read at scrape time).
contributors: list = []


def _contributions():
    for contribute in contributors:
        try:
            yield from contribute()
        except Exception:  # one broken figure must not hide the others
            log.exception("Metrics contributor %s failed", getattr(contribute, "__name__", contribute))


def gauge(name: str, documentation: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels)


def register(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count_request(response):
        started = g.pop("metrics_started", None)
        endpoint = request.endpoint or str(response.status_code)
        if endpoint in ("metrics", "static") or started is None:
            return response
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
        return response

    app.add_url_rule("/metrics", "metrics", metrics_view)


def metrics_view() -> Response:
    allowed = current_app.config.get("METRICS_ALLOWED_IPS") or []
    if request.remote_addr not in allowed:
        abort(404)
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    figures = CollectorRegistry()
    figures.register(DatabaseCollector())
    body = generate_latest(registry) + generate_latest(figures)
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0], headers={"Cache-Control": "no-store"})
