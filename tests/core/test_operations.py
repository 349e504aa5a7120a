"""Operations: production start-up checks, health and readiness, metrics, request ids in logs."""
from __future__ import annotations

import logging

import pytest

from interact.core import logs, production
from interact.core.models import EmailStatus, JobOutcome, JobRun, OutboundEmail
from tests.conftest import make_test_app

PRODUCTION = {"TESTING": False, "DEBUG": False, "DEMO": False, "PUBLIC_BASE_URL": "https://hd.example.gov.cn",
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "WEB_WORKERS": 4,
              "SMS_BACKEND": "http", "SMS_GATEWAY_URL": "https://sms.example.gov.cn/send",
              "SMS_GATEWAY_TOKEN": "token", "SMS_GATEWAY_TIMEOUT": 5}


def test_production_settings_pass():
    assert production.problems(PRODUCTION) == []


def test_production_refuses_memory_limits_with_several_workers_unless_allowed():
    config = {**PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"}
    [problem] = production.problems(config)
    assert "4 web workers" in problem
    with pytest.raises(production.NotReadyForProduction):
        production.check(config, strict=True)
    assert production.problems({**config, "ALLOW_MEMORY_RATELIMIT": True}) == []
    assert production.problems({**config, "WEB_WORKERS": 1}) == []


def test_production_refuses_missing_public_base_url():
    [problem] = production.problems({**PRODUCTION, "PUBLIC_BASE_URL": None})
    assert "INTERACT_PUBLIC_BASE_URL" in problem


@pytest.mark.parametrize("mode", ["TESTING", "DEBUG", "DEMO"])
def test_demo_debug_and_tests_are_not_production(mode):
    assert production.problems({**PRODUCTION, "PUBLIC_BASE_URL": None, "WEB_WORKERS": 8,
                                "RATELIMIT_STORAGE_URI": "memory://", mode: True}) == []


def test_create_app_refuses_unfit_production_settings():
    with pytest.raises(production.NotReadyForProduction, match="PUBLIC_BASE_URL"):
        make_test_app(TESTING=False, PUBLIC_BASE_URL=None)


def test_scheduler_command_refuses_unfit_production_settings(app):
    app.config.update(TESTING=False, PUBLIC_BASE_URL=None)
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 1 and "PUBLIC_BASE_URL" in result.output


def test_redis_url_becomes_the_rate_limit_storage():
    assert production.rate_limit_storage({"REDIS_URL": "redis://r/0"}) == "redis://r/0"
    assert production.rate_limit_storage({"REDIS_URL": "redis://r/0", "RATELIMIT_STORAGE_URI": "memcached://m"}) \
        == "memcached://m"
    assert production.rate_limit_storage({}) == "memory://"


def test_healthz_is_liveness_and_readyz_checks_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}


def test_readyz_reports_redis_unreachable_but_keeps_the_machine_in_the_load_balancer(app, client, monkeypatch):
    import redis

    # Nothing listens on port 1. Every machine shares Redis and the site works without it
    # (attack L8), so a 503 would take all of them out at once for nothing.
    monkeypatch.setitem(app.extensions, "interact.redis", redis.Redis.from_url("redis://127.0.0.1:1/0"))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "checks": {"database": "ok", "redis": "unreachable"}}


def test_metrics_count_requests_per_endpoint_and_read_figures(client, db):
    client.get("/healthz")
    client.get("/no-such-page")
    db.session.add(JobRun(job_id="letters.deadline_sweep", outcome=JobOutcome.ERROR, trigger="cli"))
    db.session.add(OutboundEmail(to_address="x@example.com", subject="s", text_body="b", html_body="",
                                 status=EmailStatus.PENDING, dedup_key="k"))
    db.session.commit()
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'interact_http_requests_total{endpoint="site.health",method="GET",status="200"}' in text
    assert 'endpoint="404"' in text
    assert 'interact_http_request_duration_seconds_bucket{endpoint="site.health"' in text
    assert 'interact_job_runs_total{job="letters.deadline_sweep",outcome="error"} 1.0' in text
    assert 'interact_outbox_emails{status="pending"} 1.0' in text
    assert "x@example.com" not in text


def test_metrics_refused_to_other_addresses(client):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 404


def test_request_id_returned_and_logged(app, client, caplog):
    handler_filter = logs.ContextFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        response = client.get("/test/boom", headers={"X-Request-ID": "nginx-abcdef123"})  # logs the error
    finally:
        caplog.handler.removeFilter(handler_filter)
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "nginx-abcdef123"
    [record] = [r for r in caplog.records if r.getMessage().startswith("Unhandled error")]
    assert record.request_id == "nginx-abcdef123" and record.user_id == "-"
    # A header that is not a plain id is replaced, never echoed.
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_json_log_line_has_level_time_ids():
    record = logging.LogRecord("interact.x", logging.ERROR, __file__, 1, "boom %s", ("1",), None)
    record.request_id, record.user_id = "r1", "7"
    import json

    line = json.loads(logs.JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["message"] == "boom 1" and line["request_id"] == "r1"
    assert line["user_id"] == "7" and line["time"].endswith("+00:00")


def test_metrics_show_faq_index_version_and_background_jobs(client, db, roles):
    from interact.core.settings import current_version
    from interact.faq import index
    from interact.faq.models import FaqImportJob

    index.changed()
    db.session.add(FaqImportJob(filename="x.jsonl", file_format="jsonl", stored_key="k", created_by_id=roles.curator.id))
    db.session.commit()
    text = client.get("/metrics").get_data(as_text=True)
    assert f'interact_faq_index_version_info{{version="{current_version("faq")}"}} 1.0' in text
    assert 'interact_background_jobs{kind="faq_import",status="pending"} 1.0' in text
    assert "interact_faq_published_entries 0.0" in text


def test_nginx_413_page_is_shipped_in_chinese(client):
    with client.get("/static/errors/413.html") as response:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "文件过大" in page and "<script" not in page
