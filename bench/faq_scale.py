"""Latency and memory of the FAQ matching engine on a large knowledge base.

    PYTHONPATH=. .venv/bin/python bench/faq_scale.py \
        --kb ../shared/data/faqbench/scale/kb.jsonl \
        --queries ../shared/data/faqbench/dev/queries.jsonl --sample 3000

Builds the index over every entry of ``--kb`` (135k questions in the scale
set), then times ``MatchingEngine.answer`` on a random sample of the queries
(fixed seed) in this one process.  It also times incremental updates (add,
update, remove) and a rebuild of 100 entries.  The last line printed is one
JSON object: ``build_s`` (``build_cpu_s``: its process CPU time), ``latency_ms`` p50/p95/p99/max (wall clock),
``cpu_ms`` p50/p95/p99 (process CPU time per query), ``peak_rss_mb``
(ru_maxrss), ``rss_before_build_mb``, ``add_ms``, ``remove_ms``,
``rebuild_100_s``, ``entries``, ``queries``.

``--semantic`` adds the sentence-embedding feature (interact/faq/semantic.py): the build
then embeds every entry text (in ``build_s``), the embeddings stay in memory as
float16 (``vectors_mb``), and ``rss_model_mb`` is the resident size once the model is
loaded, before the build.  BLAS runs on one thread, as in a web worker.
"""

from __future__ import annotations

import os

# One BLAS thread, as in a web worker (set before numpy is imported).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interact.faq.matching import FaqDoc, MatchingEngine  # noqa: E402

from _shared import FAQBENCH as DATA, load_jsonl  # noqa: E402



def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="FAQ matching latency/memory at scale.")
    ap.add_argument("--kb", type=Path, default=DATA / "scale" / "kb.jsonl")
    ap.add_argument("--queries", type=Path, default=DATA / "dev" / "queries.jsonl")
    ap.add_argument("--sample", type=int, default=3000, help="number of queries timed (0 = all)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--semantic", action="store_true", help="with the sentence-embedding feature")
    ap.add_argument("--table-dir", type=Path, default=ROOT / "instance" / "cache",
                    help="where the sentence model's token table is memory-mapped from")
    args = ap.parse_args(argv)

    queries = [q["query"] for q in load_jsonl(args.queries)]
    if args.sample and args.sample < len(queries):
        queries = random.Random(args.seed).sample(queries, args.sample)
    kb = load_jsonl(args.kb)
    docs = [FaqDoc(e["id"], e["question"]) for e in kb]
    del kb
    # The engine's lazy tables (jieba, IDF) are loaded by a tiny engine first
    # so that build_s measures the index build itself.
    MatchingEngine([FaqDoc(0, "预热")]).answer("预热")
    rss_before = rss_mb()
    embedder = None
    if args.semantic:
        from interact.faq.semantic import default_embedder

        embedder = default_embedder(args.table_dir)
        embedder.encode(["预热"])
    rss_model = current_rss_mb()

    t0 = time.perf_counter()
    c0 = time.process_time()
    engine = MatchingEngine(docs, embedder=embedder)
    build_cpu_s = time.process_time() - c0
    build_s = time.perf_counter() - t0

    lat = []
    cpu = []
    for q in queries:
        t = time.perf_counter()
        c = time.process_time()
        engine.answer(q)
        cpu.append(time.process_time() - c)
        lat.append(time.perf_counter() - t)
    ms = np.asarray(lat) * 1000.0
    cpu_ms = np.asarray(cpu) * 1000.0

    t = time.perf_counter()
    for i in range(20):
        engine.add(FaqDoc(f"bench-new-{i}", f"新增的测试问题第{i}条如何办理"))
    add_ms = (time.perf_counter() - t) / 20 * 1000.0
    t = time.perf_counter()
    for i in range(20):
        engine.add(FaqDoc(docs[i].id, docs[i].question + "？"))
    update_ms = (time.perf_counter() - t) / 20 * 1000.0
    t = time.perf_counter()
    for i in range(20):
        engine.remove(f"bench-new-{i}")
    remove_ms = (time.perf_counter() - t) / 20 * 1000.0

    small = MatchingEngine(embedder=embedder)
    t = time.perf_counter()
    small.rebuild(docs[:100])
    rebuild_100_s = time.perf_counter() - t

    out = {
        "build_s": round(build_s, 2),
        "build_cpu_s": round(build_cpu_s, 2),
        "latency_ms": {
            "p50": round(float(np.percentile(ms, 50)), 3),
            "p95": round(float(np.percentile(ms, 95)), 3),
            "p99": round(float(np.percentile(ms, 99)), 3),
            "max": round(float(ms.max()), 3),
        },
        # CPU time of this process per query: robust to other load on the
        # machine, which inflates the wall-clock figures above.
        "cpu_ms": {p: round(float(np.percentile(cpu_ms, int(p[1:]))), 3) for p in ("p50", "p95", "p99")},
        "peak_rss_mb": round(rss_mb(), 1),
        "rss_now_mb": round(current_rss_mb(), 1),
        "rss_before_build_mb": round(rss_before, 1),
        "rss_model_mb": round(rss_model, 1),
        "semantic": engine.semantic,
        "vectors_mb": round(engine._state.main.vecs.nbytes / 2**20, 1) if engine.semantic else 0.0,
        "add_ms": round(add_ms, 2),
        "update_ms": round(update_ms, 2),
        "remove_ms": round(remove_ms, 2),
        "rebuild_100_s": round(rebuild_100_s, 4),
        "entries": len(docs),
        "queries": len(queries),
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
