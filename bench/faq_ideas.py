"""Measure ideas for the semantic engine's figures on dev, 2-fold cross-validated (#16).

Every idea is measured the way the shipped figure is (``bench/faq_fit.py --semantic``):
dev queries split in halves by a hash of ``qid``; pair model, boosted decision model and
threshold (out-of-fold probabilities + ``BOOSTED_THRESHOLD_MARGIN``, the content-match floor
counted as answering) fitted on one half, figures on the other, averaged. Nothing is chosen
on the held halves.

    PYTHONPATH=. .venv/bin/python bench/faq_ideas.py collect   # ~4-6 min: engine features of every dev query
    PYTHONPATH=. .venv/bin/python bench/faq_ideas.py run       # every idea, from the cache
    PYTHONPATH=. .venv/bin/python bench/faq_ideas.py run --ideas splits:pairwise+char_bm25 --splits 5

``collect`` stores the engine's own features of every retrieved row (``_scored_rows``, as
``faq_fit.collect``) in ``--cache`` (a pickle outside the repository, ~290 MB: numbers and the
dev texts, never committed). The ideas (``run``):

- ``shipped``: the shipped pipeline (reproduces the shipped cross-validated figure);
- ``misses``: where the answerable questions go on the held halves of the shipped pipeline
  (right, decision miss, rank miss, retrieval miss; ``misses``);
- ``drop_rank_misses``: the decision model fitted without the answerable questions whose best
  entry is not gold, against the shipped one on ``--splits`` random splits (each [shipped, idea]),
  with the bands' calibration on the held halves of split 0 and ``misses`` for it;
- ``char_bm25``: a second retriever, BM25 over character unigrams + bigrams (no word
  segmentation), fused with the engine's word/bigram BM25: its normalised score as a pair
  feature, and reciprocal-rank fusion of the two rankings as another; also the recall of its
  16 best entries and of both retrievers together;
- ``answer_field``: BM25 of the question against the entry's answer text (dev's 4,949
  government entries have one) and "has an answer", as pair features;
- ``expansion``: pseudo-relevance query expansion (the words of the three best rows added at
  weight 0.3); the expanded BM25 of each row as a pair feature;
- ``pairwise``: the pair model fitted pairwise (``faq_fit.fit_pair_pairwise``) instead of
  pointwise;
- ``boosted_pair``: a boosted tree pair model (pointwise, the decision model's settings);
- ``splits:A+B``: the shipped pipeline and ideas A, B (``pairwise``, ``char_bm25``,
  ``pairwise_char_bm25``) on ``--splits`` random 2-fold splits (split 0 is the shipped one),
  with the paired difference of each idea against the shipped pipeline per split.

Figures: docs/faq-matching.md, "#16, sixth session" and "Fourteenth session on #16".
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import dataclasses
import hashlib
import json
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import faq_fit  # noqa: E402
from _shared import FAQBENCH as DATA  # noqa: E402
from interact.faq import boosting, matching  # noqa: E402
from interact.faq.learning import BOOSTED_THRESHOLD_MARGIN, BOOSTING, PARAPHRASE, out_of_fold  # noqa: E402

DEFAULT_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / "faq_ideas.pkl"


def collect(args) -> None:
    from interact.faq.semantic import default_embedder

    embedder = default_embedder()
    if embedder is None:
        raise SystemExit("needs the semantic extra")
    kb, queries, engine, data = faq_fit.build_and_collect(args.kb, args.queries, embedder)
    segs = {}
    for q in queries:
        segs[q["qid"]] = engine._analyse(q["query"], matching.MAX_QUERY_CHARS).seg
    kb_segs = {e["id"]: engine._analyse(e["question"], matching.MAX_DOC_CHARS).seg for e in kb}
    ans_segs = {e["id"]: engine._analyse(e.get("answer") or "", matching.MAX_DOC_CHARS * 2).seg for e in kb}
    with open(args.cache, "wb") as fh:
        pickle.dump({"data": data, "queries": queries, "q_segs": segs, "kb_segs": kb_segs,
                     "ans_segs": ans_segs, "kb": kb}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"wrote {args.cache}", file=sys.stderr)


# ---------------------------------------------------------------- BM25 over any terms


class Bm25:
    """BM25 (k1 1.2, b 0.75) over documents given as term lists: CSR postings in numpy."""

    def __init__(self, docs: list[list[str]]):
        vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        lengths = np.zeros(len(docs))
        for d, terms in enumerate(docs):
            lengths[d] = len(terms)
            for t, n in Counter(terms).items():
                rows.append(vocab.setdefault(t, len(vocab)))
                cols.append(d)
                vals.append(n)
        order = np.argsort(rows, kind="stable")
        self.term_doc = np.array(cols, dtype=np.int64)[order]
        tf = np.array(vals, dtype=np.float64)[order]
        self.indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.add.at(self.indptr, np.array(rows, dtype=np.int64) + 1, 1)
        self.indptr = np.cumsum(self.indptr)
        self.vocab = vocab
        self.n = len(docs)
        avgdl = max(float(lengths.mean()) if len(docs) else 1.0, 1e-9)  # every document empty: no answers
        df = np.diff(self.indptr)
        self.idf = np.log(1.0 + (self.n - df + 0.5) / (df + 0.5))
        norm = 1.2 * (1 - 0.75 + 0.75 * lengths[self.term_doc] / avgdl)
        self.w = tf * 2.2 / (tf + norm)
        self.avgdl = avgdl

    def scores(self, terms: list[str], weights: list[float] | None = None) -> np.ndarray:
        out = np.zeros(self.n)
        if weights is None:
            weights = [1.0] * len(terms)
        acc: dict[int, float] = {}
        for t, wq in zip(terms, weights):
            tid = self.vocab.get(t)
            if tid is not None:
                acc[tid] = acc.get(tid, 0.0) + wq
        for tid, wq in acc.items():
            a, b = self.indptr[tid], self.indptr[tid + 1]
            np.add.at(out, self.term_doc[a:b], wq * self.idf[tid] * self.w[a:b])
        return out

    def self_score(self, terms: list[str]) -> float:
        c = Counter(terms)
        length = len(terms)
        norm = 1.2 * (1 - 0.75 + 0.75 * length / self.avgdl)
        return float(sum(self.idf[self.vocab[t]] * n * 2.2 / (n + norm) for t, n in c.items() if t in self.vocab)) or 1.0


def char_terms(text: str) -> list[str]:
    compact = text.replace(" ", "")
    return list(compact) + [compact[i:i + 2] for i in range(len(compact) - 1)]


# ---------------------------------------------------------------- cross-validation


class Scorer:
    """A ranking model usable as ``feats @ scorer`` in faq_fit.ranked (numpy defers to it)."""

    __array_ufunc__ = None

    def __init__(self, fn):
        self.fn = fn

    def __rmatmul__(self, feats):
        return self.fn(np.asarray(feats))


def fit_pair_logistic(data):
    return faq_fit.fit_pair(data, 1.0)


def fit_pair_pairwise(data):
    return faq_fit.fit_pair_pairwise(data, 1.0)


def fit_pair_boosted(data):
    xs = [qd.feats for qd in data if qd.gold and len(qd.doc_ids)]
    ys = [qd.labels for qd in data if qd.gold and len(qd.doc_ids)]
    model = boosting.fit(np.vstack(xs), np.concatenate(ys), **BOOSTING)

    return Scorer(lambda feats: model.logit(feats) if len(feats) else np.zeros(0))


class _Decision:
    """A boosted decision model over any number of inputs (DecisionModel checks the
    shipped input count)."""

    def __init__(self, boosted):
        self.boosted = boosted

    def probabilities(self, x):
        return self.boosted.probability(np.atleast_2d(x))


def without_rank_misses(kind: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sample weights of the ``drop_rank_misses`` idea: 0 for an answerable question whose best
    entry is not gold (on dev nearly always a duplicate of the gold entry in the knowledge
    base, which rewords the question as well), 1 for the others."""
    return np.where((kind == PARAPHRASE) & (y == 0.0), 0.0, 1.0)


def fit_all(data, fit_pair, drop_rank_misses: bool = False):
    pair = fit_pair(data)
    feats, labels, _, floors = faq_fit.decision_rows(data, pair, with_floor=True)
    idx = [i for i, f in enumerate(feats) if f is not None]
    x, y = np.array([feats[i] for i in idx]), labels[idx]
    sw = np.ones(len(y))
    if drop_rank_misses:
        sw = without_rank_misses(np.array([faq_fit.KIND_CODES[data[i].kind] for i in idx]), y)
    dec = _Decision(boosting.fit(x, y, sw, **BOOSTING))
    conf = np.zeros(len(feats))
    conf[idx] = out_of_fold(x, y, sw)
    thr = faq_fit.choose_threshold(data, conf, floors)
    return pair, dec, round(min(thr + BOOSTED_THRESHOLD_MARGIN, 0.99), 3)


def half_of(qid: str, salt: int) -> int:
    """faq_fit's split (salt 0) or another random one."""
    if not salt:
        return faq_fit.half_of(qid)
    return hashlib.sha1(f"{salt}:{qid}".encode("utf-8")).digest()[0] & 1


def cross_validate(data, fit_pair=fit_pair_logistic, salt: int = 0, drop_rank_misses: bool = False,
                   calibration: list | None = None) -> dict:
    halves = [[qd for qd in data if half_of(qd.qid, salt) == h] for h in (0, 1)]
    folds = []
    for h in (0, 1):
        pair, dec, thr = fit_all(halves[h], fit_pair, drop_rank_misses)
        folds.append(faq_fit.evaluate(halves[1 - h], pair, dec, thr, calibration))
    out = {k: round(float(np.mean([f[k] for f in folds])), 4) for k in folds[0]}
    out["folds"] = [{k: round(v, 4) for k, v in f.items()} for f in folds]
    return out


def misses(data, salt: int = 0, drop_rank_misses: bool = False) -> dict:
    """Where the answerable questions go, on the held halves of the shipped pipeline:
    answered right; a *decision miss* (best entry gold, not answered); a *rank miss* (a gold
    entry retrieved, another one best: answered or not, gold within the best three or not,
    and whether the best entry is a near-duplicate of a gold one, character ratio >= 0.8);
    a *retrieval miss* (no gold entry among the candidates)."""
    from rapidfuzz import fuzz

    halves = [[qd for qd in data if half_of(qd.qid, salt) == h] for h in (0, 1)]
    counts: Counter = Counter()
    for h in (0, 1):
        pair, dec, thr = fit_all(halves[h], fit_pair_logistic, drop_rank_misses)
        held = halves[1 - h]
        feats, labels, tops, floors = faq_fit.decision_rows(held, pair, with_floor=True)
        conf = faq_fit.confidences(feats, dec, floor=thr, floors=floors)
        for qd, c, top in zip(held, conf, tops):
            if not qd.gold:
                continue
            answered = c >= thr
            if not set(qd.doc_ids) & qd.gold:
                counts["retrieval_miss"] += 1
            elif top[0] in qd.gold:
                counts["right" if answered else "decision_miss"] += 1
            else:
                texts = {d: qd.extra[o][0] for o, d in enumerate(qd.doc_ids)} if qd.extra else {}
                dup = any(fuzz.ratio(texts.get(top[0], ""), texts.get(g, "")) >= 80 for g in qd.gold if g in texts)
                counts["rank_miss" + ("_top3" if set(top[:3]) & qd.gold else "_below3")
                       + ("_duplicate" if dup else "") + ("_answered" if answered else "_unanswered")] += 1
    n = sum(counts.values())
    return {k: [v, round(v / n, 4)] for k, v in sorted(counts.items())}


def with_extra(data, columns: dict[str, np.ndarray]):
    """*data* with extra pair features (one array of rows per query, in order), inserted
    before the last (the cosine, which the engine's context features read as ``[-1]``)."""
    out = []
    for qd in data:
        ex = columns[qd.qid]
        if len(qd.doc_ids):
            feats = np.hstack([qd.feats[:, :-1], ex, qd.feats[:, -1:]])
        else:
            feats = np.zeros((0, qd.feats.shape[1] + ex.shape[1]))
        out.append(dataclasses.replace(qd, feats=feats))
    return out


def char_columns(data, cache) -> tuple[dict, dict]:
    """The char_bm25 idea's two pair features per retrieved row: character BM25 (unigrams +
    bigrams) normalised by the question's self-score, and reciprocal-rank fusion of the
    engine's ranking and the character ranking; and the character retriever's 16 best entries."""
    ids = [e["id"] for e in cache["kb"]]
    pos = {i: n for n, i in enumerate(ids)}
    index = Bm25([char_terms(cache["kb_segs"][i]) for i in ids])
    cols, tops = {}, {}
    for qd in data:
        terms = char_terms(cache["q_segs"][qd.qid])
        sc = index.scores(terms)
        rank = {ids[d]: r for r, d in enumerate(np.argsort(-sc)[:16].tolist())}
        tops[qd.qid] = set(rank)
        word_rank = {d: r for r, d in enumerate(dict.fromkeys(qd.doc_ids))}
        self_s = index.self_score(terms)
        cols[qd.qid] = np.array([[min(sc[pos[d]] / self_s, 1.5), 1 / (60 + word_rank[d]) + 1 / (60 + rank.get(d, 100))]
                                 for d in qd.doc_ids]).reshape(len(qd.doc_ids), 2)
    return cols, tops


def repeated(data, ideas: list[str], splits: int, cache: dict) -> dict:
    """Shipped and *ideas* (pairwise, char_bm25 = its rank-fusion columns are not needed for
    this) on *splits* random 2-fold splits: means and paired differences against shipped."""
    fits = {"shipped": fit_pair_logistic, "pairwise": fit_pair_pairwise, "char_bm25": fit_pair_logistic,
            "pairwise_char_bm25": fit_pair_pairwise}
    with_char = with_extra(data, char_columns(data, cache)[0]) if any("char" in i for i in ideas) else None
    runs = {name: [cross_validate(with_char if "char" in name else data, fits[name], salt) for salt in range(splits)]
            for name in ["shipped", *ideas]}
    out = {}
    for name, results in runs.items():
        out[name] = {k: round(float(np.mean([r[k] for r in results])), 4)
                     for k in ("top1", "correct_answered", "hard_negative_answered", "citizen_out_of_scope_answered")}
        if name != "shipped":
            for k in ("top1", "correct_answered", "hard_negative_answered"):
                diffs = [r[k] - b[k] for r, b in zip(results, runs["shipped"])]
                out[name][f"{k}_diff_per_split"] = [round(d, 4) for d in diffs]
    return out


def run(args) -> None:
    with open(args.cache, "rb") as fh:
        cache = pickle.load(fh)
    data = cache["data"]
    kb = cache["kb"]
    ids = [e["id"] for e in kb]
    pos = {i: n for n, i in enumerate(ids)}
    ideas = [x for x in args.ideas.split(",") if x] or ["shipped", "char_bm25", "answer_field", "pairwise",
                                                        "boosted_pair", "expansion"]
    report = {}
    gold_q = [qd for qd in data if qd.gold]
    report["candidates_recall"] = round(float(np.mean([bool(set(qd.doc_ids) & qd.gold) for qd in gold_q])), 4)
    for idea in ideas:
        t0 = time.perf_counter()
        if idea.startswith("splits:"):
            # splits:<idea>+<idea>...: the shipped inputs and these ideas on args.splits random
            # 2-fold splits, with the paired difference of each against the shipped one.
            res = repeated(data, idea[len("splits:"):].split("+"), args.splits, cache)
        elif idea == "misses":
            res = misses(data)
        elif idea == "drop_rank_misses":
            # The boosted decision model fitted without the answerable questions whose best
            # entry is not gold, on every split of --splits, with the held halves' calibration.
            res = {}
            for salt in range(args.splits):
                held: list = []
                base_cv = cross_validate(data, salt=salt)
                new_cv = cross_validate(data, salt=salt, drop_rank_misses=True, calibration=held)
                res[f"split_{salt}"] = {k: [base_cv[k], new_cv[k]] for k in
                                        ("correct_answered", "hard_negative_answered", "citizen_out_of_scope_answered")}
                if salt == 0:
                    res["calibration_split_0"] = faq_fit.calibration_table(held, new_cv["threshold"])["by_band"]
                    res["misses_split_0"] = misses(data, 0, drop_rank_misses=True)
        elif idea == "shipped":
            res = cross_validate(data)
        elif idea == "pairwise":
            res = cross_validate(data, fit_pair_pairwise)
        elif idea == "boosted_pair":
            res = cross_validate(data, fit_pair_boosted)
        elif idea == "char_bm25":
            cols, tops = char_columns(data, cache)
            hits = [(bool(tops[qd.qid] & qd.gold), bool((tops[qd.qid] | set(qd.doc_ids)) & qd.gold))
                    for qd in data if qd.gold]
            report["char_bm25_recall16"] = round(float(np.mean([h[0] for h in hits])), 4)
            report["union_recall"] = round(float(np.mean([h[1] for h in hits])), 4)
            res = cross_validate(with_extra(data, cols))
        elif idea == "answer_field":
            segs = [cache["ans_segs"][i].split(" ") if cache["ans_segs"][i] else [] for i in ids]
            index = Bm25(segs)
            cols = {}
            for qd in data:
                terms = [t for t in cache["q_segs"][qd.qid].split(" ") if t]
                sc = index.scores(terms)
                self_s = index.self_score(terms)
                cols[qd.qid] = np.array([[min(sc[pos[d]] / self_s, 1.5), 1.0 if segs[pos[d]] else 0.0]
                                         for d in qd.doc_ids]).reshape(len(qd.doc_ids), 2)
            res = cross_validate(with_extra(data, cols))
        elif idea == "expansion":
            index = Bm25([[t for t in cache["kb_segs"][i].split(" ") if t] for i in ids])
            cols = {}
            for qd in data:
                terms = [t for t in cache["q_segs"][qd.qid].split(" ") if t]
                weights = [1.0] * len(terms)
                for d in list(dict.fromkeys(qd.doc_ids))[:3]:
                    for t in cache["kb_segs"][d].split(" "):
                        if t and t not in terms:
                            terms.append(t)
                            weights.append(0.3)
                sc = index.scores(terms, weights)
                self_s = max(float(sc.max()), 1e-9)
                cols[qd.qid] = np.array([[sc[pos[d]] / self_s] for d in qd.doc_ids]).reshape(len(qd.doc_ids), 1)
            res = cross_validate(with_extra(data, cols))
        else:
            raise SystemExit(f"unknown idea {idea}")
        res["seconds"] = round(time.perf_counter() - t0, 1)
        report[idea] = res
        print(idea, json.dumps(res, ensure_ascii=False), file=sys.stderr, flush=True)
    print(json.dumps(report, ensure_ascii=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("step", choices=("collect", "run"))
    ap.add_argument("--kb", type=Path, default=DATA / "dev" / "kb.jsonl")
    ap.add_argument("--queries", type=Path, default=DATA / "dev" / "queries.jsonl")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--ideas", default="")
    ap.add_argument("--splits", type=int, default=5, help="random 2-fold splits of splits:<ideas>")
    args = ap.parse_args(argv)
    if args.step == "collect":
        collect(args)
    else:
        run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
