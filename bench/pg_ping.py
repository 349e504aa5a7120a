"""What the connection check before each request costs on PostgreSQL.

    .ci/with-postgres.sh sh -c '.venv/bin/python bench/pg_ping.py --database-url "$INTERACT_TEST_DATABASE_URL"'

Two applications over the same database: ``pool_pre_ping`` (a ``SELECT 1`` round trip at
every checkout, as before session 10) and the default (``core.dbsetup.PING_IDLE_SECONDS``:
only a connection that lay in the pool a while is checked). Each runs the smallest
request that reads the database — an application context, one statement, the session
removed (checkout, ``BEGIN``, the statement, ``ROLLBACK``) — ``--requests`` times per round,
alternating which goes first, ``--rounds`` rounds. Prints the median wall and CPU time per
request of each and ``uptime`` (the machine is shared: compare within the run).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    import sqlalchemy as sa

    from interact import create_app
    from interact.config import TestConfig
    from interact.extensions import db

    def app_with(options: dict):
        config = type("PingBench", (TestConfig,), {
            "DATABASE_URL": args.database_url, "TESTING": False, "DEMO": True, "SESSION_COOKIE_SECURE": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, **options}})
        return create_app(config)

    apps = {"pool_pre_ping": app_with({"pool_pre_ping": True}), "ping when idle": app_with({})}
    for app in apps.values():
        with app.app_context():
            db.session.execute(sa.select(1))
            db.session.remove()
    wall: dict[str, list[float]] = {name: [] for name in apps}
    cpu: dict[str, list[float]] = {name: [] for name in apps}
    before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    for round_ in range(args.rounds):
        order = list(apps.items()) if round_ % 2 else list(reversed(apps.items()))
        for name, app in order:
            started, started_cpu = time.perf_counter(), time.process_time()
            for _ in range(args.requests):
                with app.app_context():
                    db.session.execute(sa.select(1))
                    db.session.remove()
            wall[name].append((time.perf_counter() - started) / args.requests * 1000)
            cpu[name].append((time.process_time() - started_cpu) / args.requests * 1000)
    after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    result = {name: {"wall_ms": round(statistics.median(wall[name]), 2), "cpu_ms": round(statistics.median(cpu[name]), 3),
                     "wall_rounds": [round(x, 2) for x in wall[name]]} for name in apps}
    for name, figures in result.items():
        print(f"{name:16} wall {figures['wall_ms']:6.2f} ms  cpu {figures['cpu_ms']:.3f} ms  rounds {figures['wall_rounds']}")
    print(before)
    print(after)
    print(json.dumps({**result, "uptime_before": before, "uptime_after": after}, ensure_ascii=False))


if __name__ == "__main__":
    main()
