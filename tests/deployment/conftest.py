"""The installation as docs/deployment.md describes it, on one machine.

Two "machines" (two gunicorn masters with two workers each, each with its own local upload
folder and metrics folder, as two hosts would have) and one scheduler process, sharing
PostgreSQL, Redis and an S3-compatible store (moto's server mode), all on 127.0.0.1 and
free ports. Run through ``.ci/deployment-test.sh`` (``make test`` under CI), which installs
Redis and PostgreSQL from Debian's packages and provides the database.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import pytest
import requests

from tests.services import free_port, moto_s3, redis_server, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRET_KEY = "deployment-test-secret-key-not-for-production"
BUCKET = "interact-uploads"
#: Per-address limit of the FAQ API; the rate-limit scenario counts against it.
FAQ_API_LIMIT = 20
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Deployment:
    machines: dict[str, str]  # name → base URL
    masters: dict[str, subprocess.Popen]
    database_url: str
    env: dict[str, str]
    logs: Path
    _addresses: list[int] = field(default_factory=lambda: [10])
    #: Client sessions closed at the end (no socket left open).
    closing: list = field(default_factory=list)

    @property
    def a(self) -> str:
        return self.machines["a"]

    @property
    def b(self) -> str:
        return self.machines["b"]

    def client_address(self) -> str:
        """A new client address for a scenario (nginx passes it in X-Forwarded-For), so
        per-address rate limits of one scenario do not spill into another."""
        self._addresses[0] += 1
        return f"198.51.100.{self._addresses[0]}"

    def workers(self, machine: str) -> list[int]:
        """Process ids of the gunicorn workers of a machine (children of its master)."""
        master = self.masters[machine].pid
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[1]) == master:
                found.append(int(stat.parent.name))
        return found

    def sql(self, statement: str, **params):
        import sqlalchemy as sa

        engine = sa.create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.execute(sa.text(statement), params).all()
        finally:
            engine.dispose()


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(session: requests.Session, base: str, username: str, address: str) -> None:
    headers = {"X-Forwarded-For": address}
    page = session.get(f"{base}/login", headers=headers, timeout=30)
    response = session.post(f"{base}/login", headers=headers, timeout=30, allow_redirects=False, data={
        "csrf_token": csrf_token(page.text), "identifier": username, "password": "demo2026", "next": ""})
    assert response.status_code == 302, (response.status_code, response.text[:500])


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "interact", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=600)


def _wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not become ready:\n{log.read_text(errors='replace')[-4000:]}")


def _warm_faq_indexes(machines: dict[str, str], log: Path, timeout: float = 240) -> None:
    """Wait until every worker of every machine answers FAQ questions. A worker builds (or
    maps) its FAQ index in the background after its first request; a question reaching it
    before that waits ``FAQ_INDEX_WAIT_SECONDS`` and is answered 503, which the scenarios
    that count answers (the shared rate limit) or read them would take for a failure on a
    busy machine. Each round asks every machine several questions at once — a sync worker
    takes one at a time, so they reach each worker — from addresses the scenarios never
    use; two rounds in a row answered 200 everywhere end the wait."""
    deadline, good_rounds, sent = time.monotonic() + timeout, 0, 0
    with ThreadPoolExecutor(8) as pool:
        while good_rounds < 2:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the FAQ index of some worker was not ready in {timeout:.0f} s:\n"
                                   f"{log.read_text(errors='replace')[-4000:]}")
            asks = []
            for url in machines.values():
                for _ in range(4):
                    sent += 1
                    asks.append((url, f"203.0.113.{sent % 250 + 1}"))
            statuses = list(pool.map(lambda ask: requests.get(
                f"{ask[0]}/api/v1/faq/answer", params={"q": "社保卡怎么补办"}, timeout=60,
                headers={"X-Forwarded-For": ask[1]}).status_code, asks))
            good_rounds = good_rounds + 1 if statuses == [200] * len(asks) else 0


def _fresh_database(url: str) -> str:
    """A new database ``interact_deployment`` on the server of ``url`` (the unit tests keep
    theirs); returns its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS interact_deployment WITH (FORCE)"))
        connection.execute(sa.text("CREATE DATABASE interact_deployment"))
    engine.dispose()
    return sa.engine.make_url(url).set(database="interact_deployment").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def deployment(tmp_path_factory) -> Iterator[Deployment]:
    database_url = os.environ.get("INTERACT_TEST_DATABASE_URL", "")
    if not database_url.startswith("postgresql"):
        pytest.fail("The deployment test needs PostgreSQL: run it through .ci/deployment-test.sh "
                    "(make test under CI, or make test-deployment).")
    tmp = tmp_path_factory.mktemp("deployment")
    logs = tmp / "logs"
    logs.mkdir()
    database_url = _fresh_database(database_url)
    with ExitStack() as stack:
        redis_url = stack.enter_context(redis_server(tmp))
        s3_url = stack.enter_context(moto_s3(tmp))
        boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", aws_access_key_id="test",
                     aws_secret_access_key="test").create_bucket(Bucket=BUCKET)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERACT_", "PROMETHEUS_"))}
        env.update({
            "PYTHONPATH": str(ROOT),
            "INTERACT_SECRET_KEY": SECRET_KEY,
            "INTERACT_DATABASE_URL": database_url,
            "INTERACT_REDIS_URL": redis_url,
            "INTERACT_SESSION_STORE": "redis",
            "INTERACT_PUBLIC_BASE_URL": "https://hd.example.gov.cn",
            "INTERACT_TRUSTED_PROXIES": "1",
            "INTERACT_UPLOAD_STORE": "s3",
            "INTERACT_S3_BUCKET": BUCKET,
            "INTERACT_S3_ENDPOINT_URL": s3_url,
            "INTERACT_S3_REGION": "us-east-1",
            "INTERACT_S3_ACCESS_KEY_ID": "test",
            "INTERACT_S3_SECRET_ACCESS_KEY": "test",
            "INTERACT_LOG_FORMAT": "json",
            # Production refuses to start without an SMS gateway (one-time codes). No test
            # here registers through these machines; a relay on loopback may be plain http.
            "INTERACT_SMS_BACKEND": "http",
            "INTERACT_SMS_GATEWAY_URL": "http://127.0.0.1:9/sms",
            "INTERACT_SMS_GATEWAY_TOKEN": "deployment-test",
            # Plain http on loopback instead of nginx's TLS.
            "INTERACT_SESSION_COOKIE_SECURE": "false",
            "INTERACT_REMEMBER_COOKIE_SECURE": "false",
            # Machines play every citizen: image captchas and the per-address letter
            # limit would only measure the test client.
            "INTERACT_CAPTCHA_ENABLED": "false",
            "INTERACT_RATELIMIT_PUBLIC_POST": "100000 per minute",
            "INTERACT_RATELIMIT_FAQ_API": f"{FAQ_API_LIMIT} per minute",
        })
        _flask(env, "db", "upgrade")
        _flask(env, "seed-demo")
        processes: list[subprocess.Popen] = []
        stack.callback(lambda: [stop(p) for p in reversed(processes)])
        with (logs / "scheduler.log").open("w") as out:
            processes.append(subprocess.Popen([str(BIN / "flask"), "--app", "interact", "scheduler"], cwd=ROOT,
                                              env=env, stdout=out, stderr=subprocess.STDOUT))
        machines, masters = {}, {}
        for name in ("a", "b"):
            port = free_port()
            machine_env = {**env, "INTERACT_UPLOAD_FOLDER": str(tmp / name / "uploads"),
                           "PROMETHEUS_MULTIPROC_DIR": str(tmp / name / "metrics")}
            log = logs / f"gunicorn-{name}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [str(BIN / "gunicorn"), "-c", "python:interact.gunicorn_conf", "-w", "2",
                     "-b", f"127.0.0.1:{port}", "interact:create_app()"],
                    cwd=ROOT, env=machine_env, stdout=out, stderr=subprocess.STDOUT)
            processes.append(process)
            machines[name], masters[name] = f"http://127.0.0.1:{port}", process
        for name, url in machines.items():
            wait_for_port(int(url.rsplit(":", 1)[1]), masters[name], what=f"gunicorn {name}",
                          log=logs / f"gunicorn-{name}.log", timeout=60)
            _wait_ready(url, masters[name], logs / f"gunicorn-{name}.log")
        _warm_faq_indexes(machines, logs / "gunicorn-a.log")
        deployment = Deployment(machines, masters, database_url, env, logs)
        yield deployment
        for session in deployment.closing:
            session.close()
        if os.environ.get("INTERACT_DEPLOYMENT_LOGS"):
            for log in sorted(logs.iterdir()):
                print(f"==== {log.name}\n{log.read_text(errors='replace')[-5000:]}")
