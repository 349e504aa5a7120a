"""What a refit on a curator session does to the demo knowledge base's questions.

    PYTHONPATH=. .venv/bin/python bench/faq_refit_eval.py [--lexical]

Replays the attack's batch-9 curator session (``bench/data/faq_attack_curation_9.tsv``:
phrasings added, questions declined) as curator examples, refits the decision model as
``flask faq refit`` does (``interact.faq.learning``: base data plus the examples, the
threshold rule, every example judged by a model fitted without it), and asks every
labelled question of the demo knowledge base (``bench/faq_demo_eval.py``) with the model in
use and with the refit -- so a refit that would be switched on can be checked for answers to
near misses and unrelated questions before a curator meets them. No database: the examples
are read from the session file, the knowledge base is ``interact/faq/demo.py``'s.
The last line is one JSON object with all the figures.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import faq_demo_eval as demo_eval  # noqa: E402
from interact.faq import learning  # noqa: E402
from interact.faq.matching import MatchingEngine, base_model  # noqa: E402
from interact.faq.models import ExampleKind  # noqa: E402
from interact.faq.semantic import default_embedder  # noqa: E402


def session_examples(docs, path: Path = demo_eval.CURATION) -> list[learning.Example]:
    """The curator session's decisions as the examples ``learning`` stores (latest per question)."""
    out: dict[str, learning.Example] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        action, *rest = line.split("\t")
        if action == "add":
            out[rest[1]] = learning.Example(rest[1], True, docs[int(rest[0]) - 1].id, ExampleKind.PHRASING)
        else:
            out[rest[0]] = learning.Example(rest[0], False, None, ExampleKind.NO_ANSWER)
    return list(out.values())


def figures(engine: MatchingEngine, docs, curated_engine: MatchingEngine, curated_docs) -> dict:
    return {
        "hand_written": demo_eval.hand_written(engine),
        **{f"attack_{path.stem[-1]}": demo_eval.attack_set(engine, docs, path) for path in demo_eval.ATTACK_FILES},
        **{f"curated_{path.stem[-1]}": demo_eval.attack_set(curated_engine, curated_docs, path)
           for path in demo_eval.CURATED_FILES},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lexical", action="store_true", help="without the semantic feature")
    args = ap.parse_args(argv)
    embedder = None if args.lexical else default_embedder()
    docs, synonyms = demo_eval.demo_docs(), demo_eval.demo_synonyms()
    after_docs, declined = demo_eval.curated(docs)
    examples = session_examples(docs)
    current = base_model(embedder is not None)

    started = time.perf_counter()
    engine = learning.engine_before(after_docs, examples, synonyms, current, embedder)
    x_ex, y_ex, owners = learning.training_rows(engine, examples)
    base = learning.load_base(None, engine.semantic)
    new = learning.fit_model(base, x_ex, y_ex, 1)
    right_before = learning.decided_right(engine, examples)
    right_after = learning.cross_fitted_right(engine, base, examples, x_ex, y_ex, owners, new, lambda: None)
    difference = learning.paired_difference(right_before, right_after)
    base_before, base_after = learning.base_figures(base, current), learning.base_figures(base, new)
    refusals = learning.refusals_judged(examples)
    wrong_before = learning.wrongly_answered(right_before, refusals)
    wrong_after = learning.wrongly_answered(right_after, refusals)
    refused = learning.acceptance(len(examples), difference["difference"], base_before, base_after,
                                  wrong_before, wrong_after)
    refit = {"examples": len(examples), "judged": len(right_before), "right_before": sum(right_before),
             "right_after": sum(right_after), "wrong_before": wrong_before, "wrong_after": wrong_after,
             "difference": difference, "base_before": base_before, "base_after": base_after,
             "threshold_before": current.threshold, "threshold_after": new.threshold,
             "accepted": refused is None, "refused": refused, "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(refit, ensure_ascii=False), file=sys.stderr)

    report = {"judgement": refit}
    for name, model in (("model_in_use", current), ("refit", new)):
        plain = MatchingEngine(docs, synonyms, model=model, embedder=embedder)
        curated = MatchingEngine(after_docs, synonyms, model=model, embedder=embedder)
        curated.set_declined(declined)
        report[name] = figures(plain, docs, curated, after_docs)
        print(name, json.dumps(report[name], ensure_ascii=False), file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
