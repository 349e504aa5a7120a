"""Publication masking, measured (docs/privacy.md):

    .venv/bin/python bench/masking.py

- how many of the 228 writings of personal data of the attack's batches 5 and 6, of the
  112 of batch 7, of the 100 of batch 8 and of the 100 of batch 9 (91 of its probe and 9
  texts of its live run; tests/core/attack_writings.py) and of the 98 rebuilt for K2 (session
  9) and of batch 11's 104 come out hidden, and which do not; how many of batch 8's 26, batch 9's 25 and K2's 35
  ordinary phrases are changed;
- over-masking on real ordinary text read from ../shared/data/faqbench (the government Q&A
  pairs, ordinary questions, citizens' titles): the share of texts in which the pipeline
  hides something, by kind, with the words it took;
- how long masking takes: the government Q&A texts masked once without and once with a
  name field (王建国, so the name's pinyin is looked for too), in µs per text and per
  1,000 characters (one process; the page memo is bypassed).
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._shared import FAQBENCH, load_jsonl  # noqa: E402
from interact.core.privacy import scan_text  # noqa: E402
from interact.core.privacy import mask_text  # noqa: E402
from tests.core.attack_writings import (  # noqa: E402
    BATCH7,
    BATCH8,
    BATCH9,
    BATCH9_LIVE,
    BATCH9_LIVE_RICH,
    BATCH9_RICH,
    BATCH11,
    BATCH11_RICH,
    K2,
    K2_KEPT,
    K2_LIVE,
    K2_RICH,
    KEPT_8,
    KEPT_9,
    PLAIN,
    RICH,
)
from tests.core.test_privacy_attack_writings import leaked_plain, leaked_rich  # noqa: E402


def writings() -> None:
    left = [(label, leaked) for label, text, names, fragments in PLAIN
            if (leaked := leaked_plain(text, names, fragments))]
    left += [(html[:40], leaked) for html, fragments in RICH if (leaked := leaked_rich(html, fragments))]
    total = len(PLAIN) + len(RICH)
    print(f"attack writings hidden (batches 5-6): {total - len(left)}/{total}")
    for label, leaked in left:
        print(f"  still shown: {label}: {leaked}")
    for batch, rows in (("batch 7", BATCH7), ("batch 8", BATCH8)):
        left = [(label, leaked) for label, text, names, fragments in rows
                if (leaked := leaked_plain(text, names, fragments))]
        print(f"attack writings hidden ({batch}): {len(rows) - len(left)}/{len(rows)}")
        for label, leaked in left:
            print(f"  still shown: {label}: {leaked}")
    left = [(label, leaked) for label, text, names, fragments in BATCH9 + BATCH9_LIVE
            if (leaked := leaked_plain(text, names, fragments))]
    left += [(label, leaked) for label, html, names, fragments in BATCH9_RICH + BATCH9_LIVE_RICH
             if (leaked := leaked_rich(html, fragments, names))]
    total = len(BATCH9) + len(BATCH9_LIVE) + len(BATCH9_RICH) + len(BATCH9_LIVE_RICH)
    print(f"attack writings hidden (batch 9): {total - len(left)}/{total}")
    for label, leaked in left:
        print(f"  still shown: {label}: {leaked}")
    left = [(label, leaked) for label, text, names, fragments in K2 + K2_LIVE
            if (leaked := leaked_plain(text, names, fragments))]
    left += [(label, leaked) for label, html, names, fragments in K2_RICH
             if (leaked := leaked_rich(html, fragments, names))]
    total = len(K2) + len(K2_LIVE) + len(K2_RICH)
    print(f"attack writings hidden (K2, rebuilt in session 9): {total - len(left)}/{total}")
    for label, leaked in left:
        print(f"  still shown: {label}: {leaked}")
    left = [(label, leaked) for label, text, names, fragments in BATCH11
            if (leaked := leaked_plain(text, names, fragments))]
    left += [(label, leaked) for label, html, names, fragments in BATCH11_RICH
             if (leaked := leaked_rich(html, fragments, names))]
    total = len(BATCH11) + len(BATCH11_RICH)
    print(f"attack writings hidden (batch 11): {total - len(left)}/{total}")
    for label, leaked in left:
        print(f"  still shown: {label}: {leaked}")
    for batch, kept in (("batch 8", KEPT_8), ("batch 9", KEPT_9), ("K2", K2_KEPT)):
        changed = [(label, mask_text(text)) for label, text in kept if mask_text(text) != text]
        print(f"ordinary phrases of {batch} changed: {len(changed)}/{len(kept)}")
        for label, masked in changed:
            print(f"  changed: {label}: {masked}")


def ordinary() -> None:
    dev = FAQBENCH / "dev"
    if not (dev / "kb.jsonl").exists():
        print(f"no {dev}: over-masking not measured")
        return
    government, questions, titles = [], [], []
    for entry in load_jsonl(dev / "kb.jsonl"):
        if entry["answer"]:
            government += [entry["question"], entry["answer"]]
        else:
            questions.append(entry["question"])
    titles = [q["query"] for q in load_jsonl(dev / "queries.jsonl") if q["kind"] == "citizen_out_of_scope"]
    for name, texts in (("government Q&A", government), ("ordinary questions", questions),
                        ("citizens' titles", titles)):
        kinds: Counter = Counter()
        touched = 0
        for text in texts:
            found = scan_text(text)[1]
            if found:
                touched += 1
                kinds.update({f.kind for f in found})
        detail = ", ".join(f"{kind} {count}" for kind, count in kinds.most_common())
        print(f"{name}: something hidden in {touched}/{len(texts)} texts ({touched / len(texts):.2%}): {detail}")
    speed(government)


def speed(texts: list[str]) -> None:
    chars = sum(map(len, texts))
    for label, names in (("no name field", ()), ("name field 王建国", ("王建国",))):
        started, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            scan_text(text, names)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        # (on a shared machine the wall time is mostly waiting for a core: the CPU time is
        # what the masking costs)
        print(f"masking speed ({label}): {len(texts)} texts, {chars} characters in {elapsed:.2f} s wall, "
              f"{cpu:.2f} s CPU — {cpu / len(texts) * 1e6:.0f} µs CPU per text, "
              f"{cpu / chars * 1e9:.0f} µs CPU per 1,000 characters")


if __name__ == "__main__":
    writings()
    ordinary()
