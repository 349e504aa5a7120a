"""PostgreSQL restarted under gunicorn (an upgrade, a configuration change, a failover test).

A restart ends every connection in every worker's pool. A connection given back to the pool
moments before is used without a ``SELECT 1`` first (``core.dbsetup.PING_IDLE_SECONDS``: the
check is a round trip of every request), so after each restart the first request of every
worker failed on its first statement: a 500 for a citizen who did nothing wrong. The server's
last words wait on such a connection's socket, so the worker now checks it before use.

The workers here trust a connection for an hour (``INTERACT_DB_PING_IDLE_SECONDS``), so the
check of the socket is all that stands between a restart and those 500s, however long the
restart takes on a busy machine.
"""
from __future__ import annotations

import os
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.deployment.conftest import BIN, ROOT, _wait_ready
from tests.services import free_port, stop, wait_for_port


def _restart_command() -> list[str]:
    """``pg_ctl restart`` of the cluster .ci/with-postgres.sh made (it exports where it is)."""
    bindir, data, log = (os.environ.get(f"INTERACT_TEST_PG_{name}") for name in ("BIN", "DATA", "LOG"))
    if not (bindir and data and log):
        pytest.fail("restarting PostgreSQL needs the cluster of .ci/with-postgres.sh "
                    "(run through .ci/deployment-test.sh)")
    account = os.environ.get("INTERACT_TEST_PG_AS")
    return [*(["runuser", "-u", account, "--"] if account else []),
            f"{bindir}/pg_ctl", "-D", data, "-l", log, "-w", "-m", "fast", "restart"]


@pytest.fixture
def machine(deployment, tmp_path):
    """A third gunicorn machine (two workers) that trusts a pooled connection for an hour."""
    port = free_port()
    env = {**deployment.env, "INTERACT_DB_PING_IDLE_SECONDS": "3600",
           "INTERACT_UPLOAD_FOLDER": str(tmp_path / "uploads"),
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "python:interact.gunicorn_conf", "-w", "2",
             "-b", f"127.0.0.1:{port}", "interact:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, what="gunicorn", log=log, timeout=60)
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url, process, log)
        yield url, log
    finally:
        stop(process)


def test_no_request_fails_after_postgresql_restarts(deployment, machine):
    url, log = machine
    address = deployment.client_address()

    def search(_n: int = 0) -> int:
        # A query never asked before: rendered, never from the page store, so it reads the database.
        return requests.get(f"{url}/letters/", params={"q": f"公积金 {uuid.uuid4().hex[:8]}"}, timeout=60,
                            headers={"X-Forwarded-For": address}).status_code

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(search, range(16))) == {200}  # both workers hold a pooled connection
        subprocess.run(_restart_command(), check=True, timeout=180, stdout=subprocess.DEVNULL)
        after = [search() for _ in range(8)] + list(pool.map(search, range(16)))
    assert after == [200] * len(after), (after, log.read_text(errors="replace")[-3000:])
