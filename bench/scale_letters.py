"""Letters at scale (1,000,000 by default): statistics cold, list and search pages, the
deadline sweep and the monthly draft, and the memory of the process that serves the pages.

    INTERACT_BENCH_CACHE=/tmp/bench .venv/bin/python bench/scale_letters.py              # SQLite
    INTERACT_BENCH_CACHE=/tmp/bench .venv/bin/python bench/scale_letters.py --letters 100000
    .ci/with-postgres.sh sh -c '.venv/bin/python bench/scale_letters.py --database-url "$INTERACT_TEST_DATABASE_URL"'

The database is ``bench/load.py``'s (built once and cached: ``bench/letters_scale.py``'s
generator, set-based copies above 100,000 letters; ``INTERACT_BENCH_CACHE`` moves the
SQLite cache, e.g. to /tmp for the 2.4 GB of a million letters), copied for the run
(the jobs write). Each part runs in a **new process** (nothing cached in it, as in a
worker just started; the operating system's file cache stays warm — the machine is
shared, dropping it is not ours to do):

- ``stats``: the first ``GET /letters/stats`` of the process (cold: after only what the
  gunicorn master prepares before it forks a worker, the ORM's mappers and the compiled
  templates, timed apart), then
  ``--samples`` more with the per-process statistics cache off;
- ``pages``: ``/letters/`` (page 1 and 50, one department), search with the load
  benchmark's ten two-word queries, ``/api/v1/letters``: the first request and p50/p95/
  p99 of ``--samples`` each, with the page cache off (every page rendered);
- ``sweep``: the deadline sweep (``letters.deadline_sweep``), twice: the first run clears
  the generated backlog (letters that were never swept), the second is the steady state;
- ``draft``: last month's summary draft (``letters.monthly_summary_draft``'s function).

Every part reports its wall and CPU time and the process's peak RSS (``VmHWM``). The
last line is one JSON object.
"""
from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import load  # noqa: E402


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def timed(call):
    started, cpu = time.perf_counter(), time.process_time()
    value = call()
    return value, round((time.perf_counter() - started) * 1000, 1), round((time.process_time() - cpu) * 1000, 1)


def summary(times: list[float]) -> dict:
    return {"p50": round(statistics.median(times), 1), "p95": round(load.percentile(times, 95), 1),
            "p99": round(load.percentile(times, 99), 1), "max": round(max(times), 1)}


# --- the parts (each in its own process) --------------------------------------------------


def app_for(url: str, **settings):
    from interact import create_app

    workdir = tempfile.mkdtemp(prefix="interact-scale-")
    atexit.register(shutil.rmtree, workdir, True)
    config = load.bench_config(url, Path(workdir))
    for key, value in {"PUBLIC_PAGE_CACHE_SECONDS": 0, "FAQ_INDEX_WARM": False, **settings}.items():
        setattr(config, key, value)
    return create_app(config)


def part_stats(url: str, samples: int) -> dict:
    import sqlalchemy.orm

    from interact.core import templating

    # What the gunicorn master does before it forks a worker (interact/gunicorn_conf.py):
    # an app of its own, the ORM's mappers, every template compiled; timed apart, so
    # "cold" is a worker's first statistics page in its own new app, nothing of it cached.
    _, warmup_ms, warmup_cpu = timed(lambda: (sqlalchemy.orm.configure_mappers(),
                                              templating.precompile(app_for(url))))
    app = app_for(url, LETTER_STATS_CACHE_SECONDS=0)
    client = app.test_client()
    response, first_ms, first_cpu = timed(lambda: client.get("/letters/stats"))
    assert response.status_code == 200, response.status_code
    times, cpu = [], []
    for _ in range(samples):
        _, ms, cpu_ms = timed(lambda: client.get("/letters/stats"))
        times.append(ms)
        cpu.append(cpu_ms)
    return {"cold_ms": first_ms, "cold_cpu_ms": first_cpu, "master_warmup_ms": warmup_ms,
            "master_warmup_cpu_ms": warmup_cpu, "warm_ms": summary(times), "warm_cpu_p50": round(statistics.median(cpu), 1)}


def part_pages(url: str, samples: int) -> dict:
    app = app_for(url)
    client = app.test_client()
    import sqlalchemy as sa

    from interact.extensions import db

    with app.app_context():
        departments = list(db.session.scalars(sa.text("SELECT id FROM departments ORDER BY id")))
    rng = random.Random(3)
    vocabulary = load.search_vocabulary()
    pages = {
        "list": lambda: "/letters/",
        "list page 50": lambda: "/letters/?page=50",
        "list by department": lambda: f"/letters/?department={rng.choice(departments[:10])}",
        "search (two words)": lambda: f"/letters/?q={rng.choice(load.SEARCHES)}",
        "search (random pairs)": lambda: f"/letters/?q={vocabulary.pair(rng)}",
        "API list": lambda: "/api/v1/letters",
    }
    out = {}
    for label, make in pages.items():
        response, first_ms, _ = timed(lambda: client.get(make()))
        assert response.status_code == 200, (label, response.status_code)
        times, cpu = [], []
        for _ in range(samples):
            _, ms, cpu_ms = timed(lambda: client.get(make()))
            times.append(ms)
            cpu.append(cpu_ms)
        out[label] = {"first_ms": first_ms, **summary(times), "cpu_p50": round(statistics.median(cpu), 1)}
        print(f"  {label:24s} first {first_ms:7.1f}  p50 {out[label]['p50']:7.1f}  p99 {out[label]['p99']:7.1f} ms",
              file=sys.stderr, flush=True)
    return out


def part_sweep(url: str, samples: int) -> dict:
    app = app_for(url)
    from interact.letters.jobs import deadline_sweep

    with app.app_context():
        first, first_ms, first_cpu = timed(deadline_sweep)
        second, second_ms, second_cpu = timed(deadline_sweep)
    return {"backlog_run": {"ms": first_ms, "cpu_ms": first_cpu, **first},
            "steady_run": {"ms": second_ms, "cpu_ms": second_cpu, **second}}


def part_draft(url: str, samples: int) -> dict:
    app = app_for(url)
    from interact.extensions import db
    from interact.letters.report_jobs import draft_last_month_summary

    with app.app_context():
        result, ms, cpu = timed(draft_last_month_summary)
        db.session.commit()
    return {"ms": ms, "cpu_ms": cpu, **result}


PARTS = {"stats": part_stats, "pages": part_pages, "sweep": part_sweep, "draft": part_draft}


def child(part: str, url: str, samples: int) -> None:
    result = PARTS[part](url, samples)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, ensure_ascii=False))


# --- the driver ---------------------------------------------------------------------------


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--faq-entries", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--only", help="comma-separated parts: " + ",".join(PARTS))
    parser.add_argument("--explain", type=Path, help="write bench/explain.py's plans for this database to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.url, args.samples)
        return {}

    result: dict = {"letters": args.letters, "database": "postgresql" if args.database_url else "sqlite",
                    "uptime_before": load.uptime(), "cpus": os.cpu_count()}
    workdir = Path(tempfile.mkdtemp(prefix="interact-scale-"))
    database = None
    try:
        args.build_only = False
        database = load.prepare_database(args, workdir)
        parts = [p.strip() for p in (args.only or ",".join(PARTS)).split(",") if p.strip()]
        for part in parts:
            load.log(f"{part} …")
            done = subprocess.run([sys.executable, __file__, "--child", part, "--url", database.url, "--samples",
                                   str(args.samples)], cwd=ROOT, capture_output=True, text=True, timeout=1800,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            sys.stderr.write(done.stderr[-4000:])
            if done.returncode:
                result[part] = {"error": done.stderr.strip().splitlines()[-1:]}
                continue
            result[part] = json.loads(done.stdout.strip().splitlines()[-1])
            load.log(f"{part}: {json.dumps(result[part], ensure_ascii=False)}")
        if args.explain:
            with open(args.explain, "w") as out:
                subprocess.run([sys.executable, str(ROOT / "bench" / "explain.py"), "--database-url", database.url],
                               cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=1800,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        if database is not None:
            database.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    result["uptime_after"] = load.uptime()
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
