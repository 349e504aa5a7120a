"""Evaluate the FAQ matching engine on a knowledge base + labelled queries.

    PYTHONPATH=. .venv/bin/python bench/faq_eval.py \
        --kb ../shared/data/faqbench/dev/kb.jsonl \
        --queries ../shared/data/faqbench/dev/queries.jsonl

Every query goes through ``MatchingEngine.answer`` -- the same decision the
web layer uses.  The last line printed is one JSON object:

- ``top1`` / ``recall3``: over queries with gold ids, the share whose best
  entry (resp. one of the best three) is gold;
- ``correct_answered``: share of gold queries answered with a gold entry;
- ``hard_negative_answered`` / ``citizen_out_of_scope_answered``: share of
  those queries answered at all;
- ``bands``: for each confidence band shown to citizens (``matching.band``:
  high / good / fair), how many questions were answered in it and the share of
  those answers that were right (a gold entry; every answer to a hard negative or
  an out-of-scope question is wrong) -- the calibration check;
- ``demo_bands``: the same on the demo knowledge base asked with the hand-written
  questions of ``bench/faq_demo_eval.py`` (an answer to a near-topic or unrelated
  question is wrong);
- ``latency_ms`` p50/p95/p99 of ``answer``, ``build_s`` (index build),
  ``peak_rss_mb`` (ru_maxrss of the process), ``entries``, ``queries``, ``semantic``.

The engine scores the semantic feature (interact/faq/semantic.py) when the ``semantic``
extra is installed, as the web layer does; ``--lexical`` measures it without.
"""

from __future__ import annotations

import os

# One BLAS thread, as in a web worker (the sentence embedder's matrix products).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interact.faq.matching import BANDS, FaqDoc, MatchingEngine, band  # noqa: E402
from interact.faq.semantic import default_embedder  # noqa: E402

from _shared import FAQBENCH as DATA, load_jsonl  # noqa: E402



def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def percentiles(samples_s: list[float]) -> dict[str, float]:
    if not samples_s:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    ms = np.asarray(samples_s) * 1000.0
    return {p: round(float(np.percentile(ms, int(p[1:]))), 3) for p in ("p50", "p95", "p99")}


class BandTally:
    """Answers and right answers per confidence band."""

    def __init__(self) -> None:
        self.answers = dict.fromkeys(BANDS, 0)
        self.right = dict.fromkeys(BANDS, 0)

    def add(self, confidence: float, threshold: float, right: bool) -> None:
        name = band(confidence, threshold)
        if name is not None:
            self.answers[name] += 1
            self.right[name] += bool(right)

    def report(self) -> dict:
        return {name: {"answers": self.answers[name],
                       "right_share": round(self.right[name] / self.answers[name], 4) if self.answers[name] else None}
                for name in BANDS}


def demo_bands(threshold: float | None = None, embedder=None) -> dict:
    """Per-band share of right answers on the demo knowledge base (faq_demo_eval.py)."""
    import faq_demo_eval as demo_eval

    engine = MatchingEngine(demo_eval.demo_docs(), demo_eval.demo_synonyms(), threshold=threshold,
                            embedder=embedder)
    tally = BandTally()
    for _set, kind, expected, question in demo_eval.load_questions():
        res = engine.answer(question)
        if res.answered:
            tally.add(res.confidence, engine.threshold, kind == "reworded" and expected in str(res.best.id))
    return tally.report()


def run(kb_path: Path, queries_path: Path, threshold: float | None = None, embedder=None) -> dict:
    kb = load_jsonl(kb_path)
    queries = load_jsonl(queries_path)
    docs = [FaqDoc(e["id"], e["question"]) for e in kb]

    t0 = time.perf_counter()
    engine = MatchingEngine(docs, threshold=threshold, embedder=embedder)
    build_s = time.perf_counter() - t0
    engine.answer("预热")  # first-call costs (lazy tables) are not query latency

    n_gold = top1 = recall3 = correct = 0
    answered_by_kind: dict[str, list[int]] = {}
    tally = BandTally()
    latencies = []
    for q in queries:
        t = time.perf_counter()
        res = engine.answer(q["query"])
        latencies.append(time.perf_counter() - t)
        gold = set(q["gold"])
        ranked = ([res.best.id] if res.best else []) + [m.id for m in res.related]
        if gold:
            n_gold += 1
            top1 += bool(ranked[:1] and ranked[0] in gold)
            recall3 += bool(gold.intersection(ranked[:3]))
            correct += bool(res.answered and res.best is not None and res.best.id in gold)
        answered_by_kind.setdefault(q.get("kind", ""), []).append(int(res.answered))
        if res.answered:
            tally.add(res.confidence, engine.threshold, res.best.id in gold)

    def share(kind: str) -> float:
        v = answered_by_kind.get(kind, [])
        return round(sum(v) / len(v), 4) if v else 0.0

    return {
        "top1": round(top1 / n_gold, 4) if n_gold else 0.0,
        "recall3": round(recall3 / n_gold, 4) if n_gold else 0.0,
        "correct_answered": round(correct / n_gold, 4) if n_gold else 0.0,
        "hard_negative_answered": share("hard_negative"),
        "citizen_out_of_scope_answered": share("citizen_out_of_scope"),
        "threshold": engine.threshold,
        "bands": tally.report(),
        "demo_bands": demo_bands(threshold, embedder),
        "latency_ms": percentiles(latencies),
        "build_s": round(build_s, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "entries": len(kb),
        "queries": len(queries),
        "semantic": engine.semantic,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="FAQ matching benchmark (quality + latency).")
    ap.add_argument("--kb", type=Path, default=DATA / "dev" / "kb.jsonl")
    ap.add_argument("--queries", type=Path, default=DATA / "dev" / "queries.jsonl")
    ap.add_argument("--threshold", type=float, default=None, help="override the engine's default threshold")
    ap.add_argument("--lexical", action="store_true", help="without the semantic feature")
    args = ap.parse_args(argv)
    embedder = None if args.lexical else default_embedder()
    if embedder is not None:
        embedder.encode(["预热"])  # the model's load is not the index build
    print(json.dumps(run(args.kb, args.queries, args.threshold, embedder), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
