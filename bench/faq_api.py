"""Latency of ``GET /api/v1/faq/answer`` in one process, with and without the semantic feature.

    .venv/bin/python bench/faq_api.py                     # 10,000 entries, semantic feature on
    .venv/bin/python bench/faq_api.py --lexical           # the same without it
    .venv/bin/python bench/faq_api.py --entries 2000 --requests 500

1. An SQLite database (temporary file) with ``--entries`` published FAQ entries from the
   dev knowledge base (``bench/load.py``'s ``fill_faq``).
2. One application in this process (the benchmark configuration of ``bench/load.py``:
   rate limits off), BLAS on one thread as in a web worker; the first question builds the
   engine (``build_s``: embedding every entry text when the semantic feature is on).
3. ``--requests`` questions from the dev queries (fixed seed) through the Flask test
   client, one after another, each logged as a citizen's question is (``AskLog`` row and
   commit): wall-clock and process-CPU time per request.

The last line is one JSON object: ``latency_ms`` and ``cpu_ms`` p50/p95/p99, ``build_s``,
``rss_mb`` (resident now) and ``peak_rss_mb``, ``semantic``, ``entries``, ``requests``
and ``uptime`` (the machine is shared: the load average says what the wall clock means).
"""
from __future__ import annotations

import os

# One BLAS thread, as in a web worker (set before numpy is imported).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from _shared import FAQBENCH, load_jsonl  # noqa: E402
from load import bench_config, fill_faq, uptime  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = np.asarray(samples) * 1000.0
    return {p: round(float(np.percentile(ms, int(p[1:]))), 2) for p in ("p50", "p95", "p99")}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--lexical", action="store_true", help="FAQ_SEMANTIC off")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    from interact import create_app
    from interact.extensions import db
    from interact.faq import index

    queries = [q["query"] for q in load_jsonl(FAQBENCH / "dev" / "queries.jsonl")]
    queries = random.Random(args.seed).sample(queries, min(args.requests, len(queries)))
    with tempfile.TemporaryDirectory(prefix="faq-api-bench-") as tmp:
        config = bench_config(f"sqlite:///{tmp}/bench.db", Path(tmp))
        config.FAQ_SEMANTIC = not args.lexical
        config.FAQ_INDEX_WARM = False
        app = create_app(config)
        with app.app_context():
            db.create_all()
            fill_faq(args.entries)
            db.session.remove()
        client = app.test_client()
        rss_before = rss_mb()
        t0 = time.perf_counter()
        first = client.get("/api/v1/faq/answer", query_string={"q": "公积金怎么提取"})
        build_s = time.perf_counter() - t0
        assert first.status_code == 200, first.status_code
        with app.app_context():
            semantic = index.get_engine().semantic
        wall, cpu = [], []
        for q in queries:
            t, c = time.perf_counter(), time.process_time()
            response = client.get("/api/v1/faq/answer", query_string={"q": q})
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - t)
            assert response.status_code == 200, (q, response.status_code)
        report = {
            "entries": args.entries,
            "requests": len(queries),
            "semantic": semantic,
            "build_s": round(build_s, 2),
            "latency_ms": percentiles(wall),
            "cpu_ms": percentiles(cpu),
            "rss_before_build_mb": round(rss_before, 1),
            "rss_mb": round(rss_mb(), 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
            "uptime": uptime(),
        }
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
