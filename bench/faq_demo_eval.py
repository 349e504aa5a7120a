"""How the matching engine treats citizens' questions to a curated knowledge base.

    PYTHONPATH=. .venv/bin/python bench/faq_demo_eval.py

The dev split of the FAQ benchmark (``bench/faq_eval.py``) is LCQMC: entries without
similar phrasings, queries that are close rewordings.  This script checks the other
regime, the one the portal is built for: the demo knowledge base
(``interact/faq/demo.py``: 36 entries with 3-4 curated phrasings each, demo synonyms)
asked with questions written for this project (``bench/data/faq_demo_questions.tsv``):

- ``reworded``: a citizen's wording of a question one entry answers, often with
  context (我想开个小店，营业执照怎么申请);
- ``near_topic``: a question near an entry's topic that no entry answers
  (社保卡密码忘了怎么办);
- ``unrelated``: anything else, garbage included.

For each set it prints how often the best entry is right, how often the engine answers
(right or wrong), and how often the right entry is answered or offered as "您是不是想问"
(anywhere, and first)
(the rule of ``interact.faq.services.ask``: score at least half the threshold, or
topical; most probable first).  Then a check that needs no hand-written questions: every curated phrasing
asked with the other phrasings of its entry indexed (should be answered with it) and
with its whole entry removed (a near-topic question without an answer: should not be
answered); each standard question after 24 openings of politeness (``openings``: 麻烦问下领导，
hi， …; attack K5) and each standard topic followed by 要多少钱 / 周末可以办吗 / 收费吗
(``follow_ups``: should be offered, not answered; attack K3).  The last line is one JSON object with all the figures.

``--attack`` prints one line per question of an attack file (``--attack-file``: the batch 7,
batch 7b, batch 8 and batch 9 sets ``bench/data/faq_attack_questions*.tsv``; with ``--curated``
after the batch-9 curator session ``bench/data/faq_attack_curation_9.tsv``: its added phrasings
and declined questions; ``_d`` is asked before and after it, ``_e`` after); ``--calibration`` the
right share of answers with a curated entry by how they were chosen, the figures of
``matching.CURATED_CALIBRATION``; ``--bands`` the answers in each band shown to citizens and
how many of them were right, over the same questions.

``--baseline`` gives the figures without the two additions for curated knowledge bases
(no curated-entry floor, nothing offered for being topical): the "before" column of
docs/faq-matching.md.  The engine scores the semantic feature when the ``semantic``
extra is installed (as the web layer does); ``--lexical`` runs it without.
"""

from __future__ import annotations

import os

# One BLAS thread, as in a web worker (the sentence embedder's matrix products).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interact.faq import demo, matching  # noqa: E402
from interact.faq.matching import FaqDoc, MatchingEngine  # noqa: E402
from interact.faq.semantic import default_embedder  # noqa: E402

QUESTIONS = ROOT / "bench" / "data" / "faq_demo_questions.tsv"
#: The attack engineer's citizen questions of #16 (batch 7): entry number, question.
ATTACK_QUESTIONS = ROOT / "bench" / "data" / "faq_attack_questions.tsv"
#: services.RELATED_SHARE: related questions need this share of the threshold as score.
RELATED_SHARE = 0.5


def demo_docs() -> list[FaqDoc]:
    return [FaqDoc(question, question, tuple(phrasings), tuple(keywords.split()))
            for _, _, question, phrasings, keywords, _ in demo.ENTRIES]


def demo_synonyms() -> list[list[str]]:
    return [[term.strip() for term in line.split("=")] for line in demo.SYNONYMS]


def load_questions(path: Path = QUESTIONS) -> list[tuple[str, str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            set_name, kind, expected, question = line.split("\t", 3)
            rows.append((set_name, kind, expected, question))
    return rows


#: With --baseline: offer only by score, as before ``Match.topical`` existed.
USE_TOPICAL = True


def offered(engine: MatchingEngine, question: str) -> tuple[bool, object, list]:
    """(answered, best id, ids shown to the citizen) as the ask page does it."""
    result = engine.answer(question)
    if result.answered:
        return True, result.best.id, [result.best.id]
    candidates = ([result.best] if result.best else []) + result.related
    if USE_TOPICAL:  # the ask page's order (services.ask)
        candidates = matching.offer_order(candidates)
    shown = [m.id for m in candidates
             if m.score >= engine.threshold * RELATED_SHARE or (USE_TOPICAL and m.topical)][:4]
    return False, result.best.id if result.best else None, shown


def hand_written(engine: MatchingEngine) -> dict:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for set_name, kind, expected, question in load_questions():
        c = counts[f"{set_name}_{kind}"]
        answered, best, shown = offered(engine, question)
        c["questions"] += 1
        c["answered"] += answered
        if kind == "reworded":
            right = best is not None and expected in best
            c["best_right"] += right
            c["answered_right"] += answered and right
            c["right_answered_or_offered"] += any(expected in s for s in shown)
            c["right_answered_or_offered_first"] += bool(shown) and expected in shown[0]
            c["answered_wrongly"] += answered and not right
        else:
            c["offered_without_answer"] += (not answered) and bool(shown)
    return {k: dict(v) for k, v in sorted(counts.items())}


def attack_set(engine: MatchingEngine, docs: list[FaqDoc], path: Path = ATTACK_QUESTIONS,
               verbose: bool = False) -> dict:
    """The attack's question set: for each question with an entry, answered right / offered
    first under 您是不是想问 / answered wrongly / missed; for the others, answered or not."""
    counts: dict[str, int] = defaultdict(int)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        number, question = line.split("\t", 1)
        answered, best, shown = offered(engine, question)
        if number == "-":
            outcome = "other_answered" if answered else "other_unanswered"
        else:
            expected = docs[int(number) - 1].id
            if answered:
                outcome = "right" if best == expected else "wrong"
            else:
                outcome = "offered_first" if shown and shown[0] == expected else "missed"
        counts[outcome] += 1
        if verbose:
            print(f"{outcome:16s} {number:>2s} {question[:40]} -> {best} {shown}", file=sys.stderr)
    return dict(sorted(counts.items()))


ATTACK_FILES = (ATTACK_QUESTIONS, ROOT / "bench" / "data" / "faq_attack_questions_b.tsv",
                ROOT / "bench" / "data" / "faq_attack_questions_c.tsv",
                ROOT / "bench" / "data" / "faq_attack_questions_d.tsv")
#: The attack's curator session of batch 9 (phrasings added, questions declined) and the
#: question files asked after it.
CURATION = ROOT / "bench" / "data" / "faq_attack_curation_9.tsv"
CURATED_FILES = (ROOT / "bench" / "data" / "faq_attack_questions_d.tsv",
                 ROOT / "bench" / "data" / "faq_attack_questions_e.tsv")


def curated(docs: list[FaqDoc], path: Path = CURATION) -> tuple[list[FaqDoc], list[str]]:
    """The knowledge base after a curator session (lines ``add<TAB>entry number<TAB>question``
    and ``decline<TAB>question``): the docs with the added phrasings, and the declined
    questions (``MatchingEngine.set_declined``)."""
    docs = list(docs)
    declined: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        action, *rest = line.split("\t")
        if action == "add":
            i = int(rest[0]) - 1
            doc = docs[i]
            docs[i] = FaqDoc(doc.id, doc.question, (*doc.phrasings, rest[1]), doc.keywords)
        elif action == "decline":
            declined.append(rest[0])
        else:
            raise ValueError(f"unknown curator action {action!r} in {path}")
    return docs, declined


def curated_engine(docs: list[FaqDoc], synonyms, embedder=None, path: Path = CURATION):
    """(engine after the curator session, its docs)."""
    after, declined = curated(docs, path)
    engine = MatchingEngine(after, synonyms, embedder=embedder)
    engine.set_declined(declined)
    return engine, after


def labelled_asks(docs: list[FaqDoc], synonyms, embedder=None):
    """Every labelled question of the demo knowledge base with the engine to ask it and
    its right entry: (engine, question, right id or None, part of the right id or None).
    The hand-written sets, the attack's files (those of the batch-9 curator session asked
    after it too), and each curated phrasing asked with its phrasing left out (right: its
    entry) and with its whole entry removed (no right entry)."""
    engine = MatchingEngine(docs, synonyms, embedder=embedder)
    for _set, kind, expected, question in load_questions():
        yield engine, question, None, expected if kind == "reworded" else None
    after, _docs = curated_engine(docs, synonyms, embedder)
    for asked, paths in ((engine, ATTACK_FILES), (after, CURATED_FILES)):
        for path in paths:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    number, question = line.split("\t", 1)
                    yield asked, question, None if number == "-" else docs[int(number) - 1].id, None
    for doc in docs:
        others = [d for d in docs if d.id != doc.id]
        without = MatchingEngine(others, synonyms, embedder=embedder)
        for text in (doc.question, *doc.phrasings):
            yield without, text, None, None
        for i, text in enumerate(doc.phrasings):
            rest = tuple(p for j, p in enumerate(doc.phrasings) if j != i)
            yield (MatchingEngine([*others, FaqDoc(doc.id, doc.question, rest, doc.keywords)], synonyms,
                                  embedder=embedder), text, doc.id, None)


def _right(result, right_id, right_part) -> bool:
    return result.best.id == right_id or (right_part is not None and right_part in str(result.best.id))


def calibration(docs: list[FaqDoc], synonyms, embedder=None) -> dict:
    """Answers with a curated entry and the share of them that were right, by how the
    engine chose them (``matching.curated_key``: the rule, or the decision model's
    confidence below / above ``CURATED_MODEL_SPLIT``), over every labelled question of
    the demo knowledge base (``labelled_asks``; every answer to a question without a right
    entry is wrong). Measured without ``CURATED_CALIBRATION``; ``smoothed`` is
    (right + 1) / (answers + 2), the value that table holds."""
    saved = dict(matching.CURATED_CALIBRATION)
    matching.CURATED_CALIBRATION.clear()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    try:
        for engine, question, right_id, right_part in labelled_asks(docs, synonyms, embedder):
            result = engine.answer(question)
            if not result.answered or result.best.rule == "wording":
                continue
            cell = tally[matching.curated_key(result.confidence, result.best.rule)]
            cell[0] += 1
            cell[1] += _right(result, right_id, right_part)
    finally:
        matching.CURATED_CALIBRATION.update(saved)
    return {key: {"answers": n, "right": r, "smoothed": round((r + 1) / (n + 2), 3)}
            for key, (n, r) in sorted(tally.items())}


def bands(docs: list[FaqDoc], synonyms, embedder=None) -> dict:
    """Answers in each band shown to citizens (``matching.band``) and how many were right,
    over every labelled question of the demo knowledge base (``labelled_asks``; curated
    wordings asked word for word included)."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for engine, question, right_id, right_part in labelled_asks(docs, synonyms, embedder):
        result = engine.answer(question)
        if result.answered:
            cell = tally[matching.band(result.confidence, result.threshold)]
            cell[0] += 1
            cell[1] += _right(result, right_id, right_part)
    return {key: {"answers": n, "right": r} for key, (n, r) in sorted(tally.items())}


def leave_out(docs: list[FaqDoc], synonyms, embedder=None) -> dict:
    """Curated phrasings as questions: with their entry's other rows (positives) and
    with their entry removed (near-topic negatives)."""
    pos = pos_right = neg = neg_answered = 0
    for doc in docs:
        others = [d for d in docs if d.id != doc.id]
        without = MatchingEngine(others, synonyms, embedder=embedder)
        for text in (doc.question, *doc.phrasings):
            neg += 1
            neg_answered += without.answer(text).answered
        for i, text in enumerate(doc.phrasings):
            rest = tuple(p for j, p in enumerate(doc.phrasings) if j != i)
            engine = MatchingEngine([*others, FaqDoc(doc.id, doc.question, rest, doc.keywords)], synonyms,
                                    embedder=embedder)
            result = engine.answer(text)
            pos += 1
            pos_right += result.answered and result.best.id == doc.id
    return {"phrasing_left_out": pos, "answered_right": pos_right,
            "entry_removed": neg, "answered_anyway": neg_answered}


#: Politeness citizens put before a question (attack J6, K5), asked before each standard question.
OPENINGS = ("麻烦问下领导，", "hi，", "叔叔阿姨好，", "hello，", "Hi，", "哈喽，", "在吗？", "请问一下，", "麻烦问一下，",
            "领导辛苦了，", "早上好，", "你好呀，", "您好！请问", "麻烦咨询下，", "想问个问题，", "打扰了领导，", "阿姨好，",
            "工作人员辛苦了，", "问一下哈，", "嗨，", "亲，", "同志你好，", "你好，我想问下，", "领导，")
#: Follow-ups on what a procedure costs or when it can be done (attack K3), after each standard topic.
FOLLOW_UPS = ("要多少钱", "周末可以办吗", "收费吗")


def openings(engine: MatchingEngine, docs: list[FaqDoc]) -> dict:
    """Each standard question after each of OPENINGS: how many are answered with their entry."""
    missed = {o: sum(1 for d in docs if not ((r := engine.answer(o + d.question)).answered and r.best.id == d.id))
              for o in OPENINGS}
    return {"questions": len(OPENINGS) * len(docs), "answered_right": len(OPENINGS) * len(docs) - sum(missed.values()),
            "missed_by_opening": {o: m for o, m in missed.items() if m}}


def standard_topic(question: str) -> str:
    """A standard question without its question words (居住证怎么办理？ -> 居住证办理)."""
    text = question.rstrip("？?")
    return re.sub(r"怎么|如何|怎样|可以|吗|需要哪些材料|是多少|什么时候开始|有什么影响|最高能贷多少|多少", "", text)


def follow_ups(engine: MatchingEngine, docs: list[FaqDoc]) -> dict:
    """Each standard topic followed by each of FOLLOW_UPS: a how-to entry says neither, so
    these should be offered, not answered (answered with the topic's entry, in 匹配度高)."""
    counts: dict[str, int] = defaultdict(int)
    for doc in docs:
        for follow in FOLLOW_UPS:
            answered, best, shown = offered(engine, standard_topic(doc.question) + follow)
            result = engine.answer(standard_topic(doc.question) + follow) if answered else None
            counts["questions"] += 1
            counts["answered"] += answered
            counts["answered_high"] += bool(result) and matching.band(result.confidence, result.threshold) == "high"
            counts["offered_first"] += (not answered) and bool(shown) and shown[0] == doc.id
    return dict(counts)


#: The attack's follow-ups of batch 11 (findings L5, K3): topic's entry number, question.
FOLLOW_UP_FILE = ROOT / "bench" / "data" / "faq_attack_followups_11.tsv"
#: The attack's other questions of batch 11 (reworded, near misses, out of scope, greetings).
ATTACK_11 = ROOT / "bench" / "data" / "faq_attack_questions_f.tsv"


def follow_up_file(engine: MatchingEngine, docs: list[FaqDoc], path: Path = FOLLOW_UP_FILE) -> dict:
    """The attack's follow-ups: answered with the topic's entry (in 匹配度高), answered with
    another, offered first."""
    counts: dict[str, int] = defaultdict(int)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        number, question = line.split("\t", 1)
        expected = docs[int(number) - 1].id
        result = engine.answer(question)
        answered, best, shown = offered(engine, question)
        counts["questions"] += 1
        if answered:
            counts["answered_topic" if best == expected else "answered_other"] += 1
            counts["answered_high"] += matching.band(result.confidence, result.threshold) == "high"
        else:
            counts["offered_first"] += bool(shown) and shown[0] == expected
    return dict(sorted(counts.items()))


def main(argv=None) -> int:
    global USE_TOPICAL
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", action="store_true", help="without the curated-entry floor and topical offers")
    ap.add_argument("--lexical", action="store_true", help="without the semantic feature")
    ap.add_argument("--attack", action="store_true",
                    help="only the attack's question set (bench/data/faq_attack_questions.tsv), one line each")
    ap.add_argument("--attack-file", type=Path, default=ATTACK_QUESTIONS,
                    help="another file of that form (bench/data/faq_attack_questions_b.tsv, _c.tsv)")
    ap.add_argument("--curated", action="store_true",
                    help="with --attack: ask after the curator session of bench/data/faq_attack_curation_9.tsv")
    ap.add_argument("--bands", action="store_true",
                    help="only the answers in each band shown to citizens and how many were right")
    ap.add_argument("--calibration", action="store_true",
                    help="only the right share of answers with a curated entry, by rule (CURATED_CALIBRATION)")
    args = ap.parse_args(argv)
    embedder = None if args.lexical else default_embedder()
    if args.baseline:
        matching.CURATED_TOPICAL_FLOOR = False
        USE_TOPICAL = False
    docs, synonyms = demo_docs(), demo_synonyms()
    engine = MatchingEngine(docs, synonyms, embedder=embedder)
    if args.attack:
        if args.curated:
            engine, docs = curated_engine(docs, synonyms, embedder)
        print(json.dumps(attack_set(engine, docs, args.attack_file, verbose=True), ensure_ascii=False))
        return 0
    if args.calibration:
        print(json.dumps(calibration(docs, synonyms, embedder), ensure_ascii=False))
        return 0
    if args.bands:
        print(json.dumps(bands(docs, synonyms, embedder), ensure_ascii=False))
        return 0
    after, after_docs = curated_engine(docs, synonyms, embedder)
    report = {"hand_written": hand_written(engine), "attack": attack_set(engine, docs),
              "attack_d": attack_set(engine, docs, CURATED_FILES[0]),
              "attack_d_curated": attack_set(after, after_docs, CURATED_FILES[0]),
              "attack_e_curated": attack_set(after, after_docs, CURATED_FILES[1]),
              "leave_out": leave_out(docs, synonyms, embedder),
              "attack_11": attack_set(engine, docs, ATTACK_11), "openings": openings(engine, docs),
              "follow_ups": follow_ups(engine, docs), "follow_ups_11": follow_up_file(engine, docs),
              "semantic": engine.semantic}
    for name, c in report["hand_written"].items():
        print(f"{name:22s} {c}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
