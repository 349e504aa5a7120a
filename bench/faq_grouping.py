"""How often the unanswered list's grouping puts two questions together, on pairs whose meaning
is known.

    PYTHONPATH=. .venv/bin/python bench/faq_grouping.py

/staff/faq/unanswered groups similar questions, and its buttons act on a whole group, so two
questions about different things must not share a group (attack G11: 不动产登记收费标准 with
办理不动产登记要准备什么). The pairs come from the dev split of the FAQ benchmark:

- *same meaning*: each paraphrase query with its gold entry's question;
- *different meaning*: each hard-negative query with the entry the lexical engine ranks first
  for it (LCQMC's annotators judged such a lexically close question not to mean the same).

For each rule it prints the share of each kind of pair grouped and the share of groupings that
were right: the text similarity (rapidfuzz ratio of ``services.cluster_key``; 65 was the rule
before, ``services.CLUSTER_SIMILARITY`` is the lexical engine's) and, with the ``semantic``
extra, the cosine of the two sentence embeddings (``services.CLUSTER_SEMANTIC``). The last line
is one JSON object with the figures.
"""

from __future__ import annotations

import os

# One BLAS thread, as in a web worker (the sentence embedder's matrix products).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interact.faq.matching import FaqDoc, MatchingEngine  # noqa: E402
from interact.faq.semantic import default_embedder  # noqa: E402
from interact.faq.services import cluster_key  # noqa: E402

from _shared import FAQBENCH as DATA, load_jsonl  # noqa: E402

SIMILARITIES = (65.0, 75.0, 80.0, 85.0)
COSINES = (0.8, 0.85, 0.88, 0.9)


def pairs(engine: MatchingEngine, kb: dict[str, str], queries: list[dict]) -> list[tuple[str, str, bool]]:
    out = []
    for q in queries:
        if q["kind"] == "paraphrase":
            out.append((q["query"], kb[q["gold"][0]], True))
        elif q["kind"] == "hard_negative":
            found = engine.search(q["query"], k=1)
            if found:
                out.append((q["query"], kb[found[0].id], False))
    return out


def shares(grouped: np.ndarray, same: np.ndarray) -> dict:
    together = int(grouped.sum())
    return {
        "same_grouped": round(float((grouped & same).sum() / same.sum()), 4),
        "different_grouped": round(float((grouped & ~same).sum() / (~same).sum()), 4),
        "share_of_groupings_right": round(float((grouped & same).sum() / together), 4) if together else None,
    }


def main() -> int:
    kb = {e["id"]: e["question"] for e in load_jsonl(DATA / "dev" / "kb.jsonl")}
    engine = MatchingEngine([FaqDoc(i, text) for i, text in kb.items()])
    data = pairs(engine, kb, load_jsonl(DATA / "dev" / "queries.jsonl"))
    same = np.array([s for *_, s in data])
    ratio = np.array([fuzz.ratio(cluster_key(a), cluster_key(b)) for a, b, _ in data])
    report = {"same_meaning_pairs": int(same.sum()), "different_meaning_pairs": int((~same).sum()), "rules": {}}
    rules = {f"similarity>={cut:g}": ratio >= cut for cut in SIMILARITIES}
    embedder = default_embedder()
    if embedder is not None:
        a = embedder.encode([a for a, _, _ in data]).astype(np.float32)
        b = embedder.encode([b for _, b, _ in data]).astype(np.float32)
        cos = (a * b).sum(axis=1)
        rules.update({f"cosine>={cut:g}": cos >= cut for cut in COSINES})
    for name, grouped in rules.items():
        report["rules"][name] = shares(grouped, same)
        print(f"{name:18s} {report['rules'][name]}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
