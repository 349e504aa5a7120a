"""FAQ matching engine: question -> best knowledge-base entries + answer decision.

Usable without Flask or a database: build a :class:`MatchingEngine` from
:class:`FaqDoc` objects and call :meth:`MatchingEngine.answer`.

A question is first read as the citizen spelt it (:mod:`interact.faq.spelling`,
``MatchingEngine._rewrite``): dialect forms in standard Mandarin and, against the curated
entries' vocabulary, pinyin in characters and sound-alike typos corrected (离昏 -> 离婚).

Pipeline for every text (knowledge-base question, similar phrasing, query):

1. :func:`interact.core.textnorm.match_text` (NFKC, traditional -> simplified,
   lower case, punctuation removed, whitespace collapsed);
2. synonym canonicalisation: every term of a synonym group is replaced by the
   group's first term (longest match first, so 住房公积金 is not rewritten
   when 公积金 is a synonym of it);
3. jieba segmentation (precise mode) and character bigrams.

Retrieval is BM25 over jieba tokens + character bigrams, stored as a CSR
inverted index in numpy arrays and scored with one ``np.bincount``; the best
``CANDIDATES`` rows are re-ranked with rapidfuzz similarities and lexical
difference features by a small logistic model (pair model).  Each entry's
score is the best over its standard question and its similar phrasings.
A second logistic model (decision model) turns the best entry's pair score and
its margin over the runner-up into the confidence that the best entry answers
the question; the engine answers when the confidence reaches the threshold.
Two floors lift the best entry to the threshold: a *content match* (see
``content_match``) and, for curated entries (with similar phrasings), being the
only *topical* candidate (see ``CURATED_TOPICAL_FLOOR``).

With a sentence embedder (interact/faq/semantic.py) the pair features end with
the cosine between the query's embedding and the entry's texts' (computed once
per entry text when indexed, once per query), and the semantic models
(SEM_PAIR_COEF and the boosted SEM_BASE_MODEL) are used instead of the lexical ones.

The models were fitted on the dev split of the FAQ benchmark with
``bench/faq_fit.py`` (``--semantic``); see docs/faq-matching.md for the figures.

Thread-safety: searches never lock.  Every mutation (add/remove/rebuild)
builds a new immutable snapshot under a lock and swaps one reference, so a
concurrent search sees either the old or the new index, never a mix.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Union

import ahocorasick
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, Levenshtein

from interact.core.textnorm import match_text

from interact.core.segment import FUNCTION_WORDS as _FUNCTION_WORDS
from interact.core.segment import ensure_jieba, jieba
from interact.faq import spelling
from interact.faq.boosting import Boosted
from interact.faq.introduction import GREETING, without_introduction
from interact.faq.semantic import Embedder

__all__ = [
    "FaqDoc",
    "Match",
    "Result",
    "MatchingEngine",
    "DecisionModel",
    "BASE_MODEL",
    "SEM_BASE_MODEL",
    "base_model",
    "DEFAULT_THRESHOLD",
    "MAX_QUERY_CHARS",
    "band",
    "offer_order",
]

DocId = Union[int, str]

#: Queries are cut to this many characters before normalisation.  Real
#: questions are far shorter; the cap bounds the work garbage input can cause.
MAX_QUERY_CHARS = 200
#: Knowledge-base texts are cut to this many characters (after normalisation).
MAX_DOC_CHARS = 300
#: BM25 candidates (index rows) re-ranked with the pair model.
CANDIDATES = 16
#: Query terms whose document frequency exceeds this share of the rows are
#: skipped during retrieval when the query has enough rarer terms.
FREQUENT_TERM_SHARE = 0.2
#: Entry texts embedded per call of the embedder while indexing.
EMBED_CHUNK = 1024
#: Pending incremental additions are merged into the main index beyond this.
DELTA_MERGE_MIN = 512
DELTA_MERGE_SHARE = 0.05

#: Built-in equivalences of interrogative words, applied like the curated
#: synonyms (the first word of a group is the canonical form).  Citizens and
#: FAQ authors pick among these freely; they never change what is asked.
BUILTIN_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("怎么", "如何", "怎样", "咋"),
    ("什么", "啥"),
    ("为什么", "为啥", "为何"),
    ("哪里", "哪儿", "何处"),
)

BM25_K1 = 1.2
BM25_B = 0.75

# --------------------------------------------------------------------------
# Fitted model constants.  Obtained with
#   bench/faq_fit.py --kb shared/data/faqbench/dev/kb.jsonl
#                    --queries shared/data/faqbench/dev/queries.jsonl
# (L2 1.0 for the pair model, 0.3 for the decision model; the threshold is
# the lowest at which <= 5 % of out-of-scope and <= 40 % of hard-negative
# dev queries are answered, plus 0.02).  Refit whenever a feature changes;
# docs/faq-matching.md has the figures.
# --------------------------------------------------------------------------

PAIR_FEATURES = (
    "bias",
    "bm25n",
    "ratio",
    "partial_ratio",
    "token_set_ratio",
    "token_sort_ratio",
    "bigram_dice",
    "len_ratio",
    "q_cover",
    "c_cover",
    "q_diff_max",
    "c_diff_max",
    "num_mismatch",
    "neg_mismatch",
    "exact",
    "token_indel",
    "q_len",
    "q_diff_sum",
    "c_diff_sum",
    "sub_diff",
    "qword_diff",
    "token_jaccard",
    "q_content_entry",
    "c_content",
)
PAIR_COEF = np.array(
    [
        -21.4477,  # bias
        2.7013,  # bm25n
        4.2692,  # ratio
        -1.3241,  # partial_ratio
        1.1591,  # token_set_ratio
        3.4442,  # token_sort_ratio
        -2.3339,  # bigram_dice
        3.3666,  # len_ratio
        3.9917,  # q_cover
        4.0805,  # c_cover
        0.5903,  # q_diff_max
        0.5181,  # c_diff_max
        0.0933,  # num_mismatch
        0.3496,  # neg_mismatch
        -2.1222,  # exact
        -2.2674,  # token_indel
        3.3888,  # q_len
        0.6034,  # q_diff_sum
        0.8473,  # c_diff_sum
        -0.0482,  # sub_diff
        -0.3425,  # qword_diff
        0.7414,  # token_jaccard
        1.5011,  # q_content_entry
        2.3715,  # c_content
    ]
)

#: Decision model: the best entry's pair logit, its margin over the runner-up
#: and its pair features (without the bias).
DECISION_FEATURES = ("bias", "logit", "margin") + tuple("top_" + f for f in PAIR_FEATURES[1:])
DECISION_COEF = np.array(
    [
        4.0882,  # bias
        1.0588,  # logit
        0.0344,  # margin
        2.4040,  # top_bm25n
        -2.5602,  # top_ratio
        1.3088,  # top_partial_ratio
        -4.5242,  # top_token_set_ratio
        -0.3236,  # top_token_sort_ratio
        -2.2584,  # top_bigram_dice
        -2.9138,  # top_len_ratio
        -1.3246,  # top_q_cover
        -1.1784,  # top_c_cover
        0.3521,  # top_q_diff_max
        0.0071,  # top_c_diff_max
        -0.2873,  # top_num_mismatch
        -1.0639,  # top_neg_mismatch
        2.3998,  # top_exact
        1.8989,  # top_token_indel
        12.0389,  # top_q_len
        -0.7996,  # top_q_diff_sum
        -0.3989,  # top_c_diff_sum
        -0.2866,  # top_sub_diff
        0.2652,  # top_qword_diff
        -0.2587,  # top_token_jaccard
        -0.6738,  # top_q_content_entry
        -0.3752,  # top_c_content
    ]
)

# --------------------------------------------------------------------------
# Semantic models: used when the engine has a sentence embedder
# (interact/faq/semantic.py).  The pair features plus ``semantic``: the cosine
# between the question's embedding and the entry's texts' (standard question and
# similar phrasings, the best of them); the decision features plus
# ``semantic_margin``: the best entry's cosine minus the best other candidate's.
# Fitted with bench/faq_fit.py --semantic; the decision model is boosted (below).
# --------------------------------------------------------------------------

SEM_PAIR_FEATURES = PAIR_FEATURES + ("semantic",)
SEM_PAIR_COEF = np.array(
    [
        -23.4214,  # bias
        2.9334,  # bm25n
        2.9020,  # ratio
        -1.5767,  # partial_ratio
        -0.0142,  # token_set_ratio
        2.4137,  # token_sort_ratio
        -2.7683,  # bigram_dice
        3.1168,  # len_ratio
        3.6348,  # q_cover
        3.5843,  # c_cover
        0.4131,  # q_diff_max
        0.3830,  # c_diff_max
        0.0472,  # num_mismatch
        0.4091,  # neg_mismatch
        -2.1182,  # exact
        -0.9836,  # token_indel
        3.2150,  # q_len
        0.6576,  # q_diff_sum
        0.8362,  # c_diff_sum
        -0.1157,  # sub_diff
        -0.2903,  # qword_diff
        1.2574,  # token_jaccard
        0.2806,  # q_content_entry
        1.2209,  # c_content
        7.9112,  # semantic
    ]
)
#: Context features of the semantic decision model (each candidate against the others and
#: against the question's wording); see ``_context_features``.
CONTEXT_FEATURES = (
    "semantic_best",  # 1 when no other candidate has a higher cosine
    "semantic_above",  # how many other candidates have a higher cosine
    "semantic_lead_mean",  # its cosine minus the mean cosine of the others
    "near_rivals",  # other candidates less than one logit below it (or above it)
    "rival_semantic",  # the rival's cosine (the runner-up; for the others, the best)
    "rival_ratio",  # the rival's character ratio with the question
    "n_candidates",
    "logit_x_semantic",
    "order_swap",  # share of the pairs of shared words in the other order (北京到成都 / 成都到北京)
    "diff_replaced",  # replaced stretches of characters (difflib opcodes of the two texts)
    "diff_indels",  # inserted or deleted stretches
    "q_diff_chars",  # share of the question's characters outside the common stretches
    "c_diff_chars",  # the same for the candidate's text
    "num_substituted",  # a replaced stretch has a number on both sides (第六 / 第3)
    "rival_entry_cosine",  # cosine between its matched text and the rival's: duplicates are no rivals
    "rival_entry_ratio",  # character ratio between the two
    "q_chars",
    "c_chars",
)
SEM_DECISION_FEATURES = (
    ("bias", "logit", "margin") + tuple("top_" + f for f in SEM_PAIR_FEATURES[1:]) + ("semantic_margin",)
    + CONTEXT_FEATURES
)
#: The semantic decision model is a boosted tree model (interact/faq/boosting.py) fitted by
#: ``bench/faq_fit.py --semantic`` on the dev split, shipped as JSON with its threshold
#: (the lowest at which <= 5 % of the out-of-scope and <= 30 % of the hard-negative dev
#: queries are answered by its out-of-fold probabilities, the content-match floor
#: included, plus learning.BOOSTED_THRESHOLD_MARGIN).
SEM_MODEL_FILE = os.path.join(os.path.dirname(__file__), "data", "decision_semantic.json")

#: A candidate is *topical* when the query mentions what it is about: at least
#: TOPICAL_ENTRY_SHARE of its matched phrasing's content words (general-IDF
#: weighted) occur in the query, at least TOPICAL_QUERY_SHARE of the query's
#: content words occur in the entry (any phrasing), and its pair logit is within
#: TOPICAL_LOGIT_GAP of the best candidate's.  The decision model learned from
#: the dev split that extra words usually change the question, so a citizen who
#: adds context (我想开个小店，营业执照怎么申请) often gets no answer; topical
#: entries are then offered as "您是不是想问", and a curated entry that is the
#: only topical candidate is answered (CURATED_TOPICAL_FLOOR).  The limits were
#: chosen on hand-written questions to the demo knowledge base and on its own
#: phrasings (bench/faq_demo_eval.py, docs/faq-matching.md).
TOPICAL_ENTRY_SHARE = 0.5
TOPICAL_QUERY_SHARE = 0.6
TOPICAL_LOGIT_GAP = 2.0
#: The best candidate is also offered ("您是不是想问", ``Match.topical``) when at
#: least OFFER_SHARE of the question's content words are in the entry and of the
#: matched phrasing's content words are in the question, and the two shares add up
#: to OFFER_SUM: citizens who describe their situation (我想开个小店，营业执照怎么申请)
#: share only part of an entry's words, and showing the best guess costs less than
#: showing nothing.  A single shared generic word is not enough (怎么申请护照 shares
#: only 申请 with 最低生活保障怎么申请: 0.38 + 0.37).  Chosen on the demo questions
#: (bench/faq_demo_eval.py, all four sets), so those are no blind test of it.
OFFER_SHARE = 0.3
OFFER_SUM = 0.8
#: Semantic offer (engines with an embedder): a candidate whose cosine with the
#: question is at least OFFER_SEMANTIC, within OFFER_SEMANTIC_GAP of the highest
#: cosine among the candidates, whose entry has at least OFFER_SHARE of the
#: question's content words and whose two content shares add up to OFFER_SUM
#: (``shares_content`` without its OFFER_SHARE on the entry's side) is offered
#: too.  Citizens' rewordings that share few words with the entry
#: (我想把公积金里的钱拿出来要怎么办 / 住房公积金怎么提取) are closest in meaning to
#: the right entry even when the lexical ranking puts another first.  The content
#: shares keep out questions of the same form that the model finds similar
#: (护照怎么办理 / 营业执照怎么办理: 0.68; 怎么申请护照 / 低保怎么申请: 0.60, shares
#: 0.38 + 0.37).  Chosen on the demo questions with bench/faq_demo_eval.py
#: (docs/faq-matching.md).
OFFER_SEMANTIC = 0.6
OFFER_SEMANTIC_GAP = 0.03
#: Agreed offer (engines with an embedder): the best candidate is also offered when it has
#: the highest cosine among the candidates too (both rankings put it first), a cosine of at
#: least OFFER_AGREED, and at least OFFER_AGREED_SHARE of the question's content words:
#: 家里的旧床垫怎么扔 / 旧家具怎么扔 (0.77), 医保几个月没交了会怎样 / 医保断缴了有什么影响
#: (0.74, 30 % of the content words) share too few words for the content shares.  Questions
#: of the same form about something else (驾驶证到期了怎么换证 / 居住证到期了怎么续签: 0.70)
#: stay out.  Chosen on the demo questions (bench/faq_demo_eval.py), so they are no blind
#: test of it.
OFFER_AGREED = 0.72
OFFER_AGREED_SHARE = 0.25
#: A long question is a citizen's story (我是去年从外省过来打工的……孩子今年七岁该上小学了……
#: 我想问问到底需要满足什么条件才能在这边读公办学校): its question is a small part of it, so
#: the shares of its content words an entry covers stay low and nothing was offered (the two
#: 150-字 stories of the attack's set). The best candidate of a question of at least
#: LONG_QUESTION_CHARS characters (after normalisation) is offered when the story mentions
#: STORY_ENTRY_SHARE of the matched phrasing's content words (general-IDF weighted) and, on a
#: semantic engine, no other candidate is closer in meaning (``story_offer``). Offered only:
#: the decision model, fitted on short questions, still decides whether to answer. Dev and
#: held-out queries are all shorter than that but a handful, and ``topical`` changes no figure
#: of them (offers are not answers).
LONG_QUESTION_CHARS = 40
STORY_ENTRY_SHARE = 0.75
#: Curated-entry floor: when the best candidate is an entry with similar
#: phrasings (curated), topical, without a number or negation mismatch, and no
#: other candidate is topical, it gets the threshold as confidence (answered, in
#: the lowest band).  The entry's phrasings say what it is about, so a question
#: that covers that topic and no other entry's is answered even when the dev
#: decision model, which never saw phrasings or citizens' context words, is
#: unsure.  The topic must also cover CURATED_QUERY_SHARE of the question's
#: content words.  Dev and held-out entries have no phrasings, so the floor
#: never applies there.  On the demo knowledge base it answers 30 instead of 19
#: of 70 hand-written reworded questions (none wrongly) and 25 instead of 10 of
#: 110 left-out phrasings, while 3 of 146 phrasings whose entry was removed get
#: a (related) wrong answer (bench/faq_demo_eval.py).
CURATED_TOPICAL_FLOOR = True
CURATED_QUERY_SHARE = 0.75

#: A question about a different procedure must not get a confident answer.  A *key term*
#: is a content word (not a question word, particle or generic verb, see ``_content``) of at
#: least two characters that general Chinese uses rarely (jieba's IDF at least
#: KEY_TERM_IDF: 离婚 7.4, 结婚 6.6, 丢失 8.4, 利率 5.8 are; 需要, 办理 are function words).
#: A best entry that is *curated* (it has similar phrasings, so its rows together say what it
#: is about) is *in conflict* with the question (``_key_term_conflict``) when the matched row
#: has a key term the question lacks (neither the word nor all its characters) and
#:
#: - the question has a key term no row of the entry has, and the two share a character
#:   (离婚登记 / 结婚登记) or another retrieved entry has the question's term as a word (the
#:   knowledge base treats it as a topic of its own) -- a substitution of what is asked about; or
#: - the question has no such term and the row's term is in every row of the entry: the
#:   question is more general than the entry (房产证怎么办 / 不动产证丢失了怎么办).
#:
#: A conflicting best entry is not answered (its confidence is kept below the threshold and
#: no floor lifts it) unless the question has its very wording or a typo of it; it can still
#: be offered.  Dev entries have no phrasings, so the rule never applies there; applied to
#: them anyway (LCQMC: right paraphrases often substitute a word, 价格 / 多少钱) it refused 193
#: right answers for 84 hard negatives (docs/faq-matching.md, "Key terms").
KEY_TERM_IDF = 6.5
#: A question that *asks less* than its best entry (``MatchingEngine._asks_less``) is in
#: conflict with it too: the entry is curated, another retrieved entry has every topic word of
#: the question (its content words but those asking a kind: 钱 in 多少钱), so the question does
#: not single this entry out, and every row of the entry has a key word the question lacks
#: (``_key_words``: KEY_TERM_IDF, of any length -- 丢失, 贷, 查; 提 stands for 提取), so no
#: wording the curators gave says as little as the question. Issue #16, session 10:
#: 社保卡怎么办 was answered 0.952 (匹配度高) with 社保卡丢了怎么补办 as a one-character edit of
#: 社保卡丢了怎么办 (丢 dropped), 公积金要多少钱 0.911 with the loan entry (the only topical one);
#: both are now offered. Unlike the typo rule it also applies to a small edit; never to the
#: very wording. bench/faq_demo_eval.py unchanged (no labelled question is caught by it).
#: A question that is a curated wording with a *qualifier* left out (``_drops_qualifier``) is in
#: conflict with its entry too: 医保怎么办理 (宝宝医保怎么办理), 坐公交免费吗 (老人坐公交免费吗),
#: 公积金上限 (公积金贷款上限) ask about more people or things than the entry answers for (attack
#: M3, batch 12: such questions were answered in 匹配度高). A *qualifier* of a row is a word of
#: jieba's dictionary among its content words with an IDF of at least QUALIFIER_IDF (孩子 5.2,
#: 贷款 5.7, 老人 6.4), no verb or pronoun there (查询, 属于, 我家 ask or point, they do not
#: restrict), that the question lacks (``_qualifiers``). The rule holds when
#:
#: - the question adds nothing: one row has every topic word of it;
#: - no row says as little as the question: each row has a left-out word (verbs too) before
#:   the last word it shares with the question, or one other rows repeat, or is another
#:   wording altogether (流程 in 小学报名流程, after what it shares, asks an aspect: 小学报名
#:   stays answered); and
#: - a row with the question's words is the question with a qualifier put in before a word
#:   they share, the question having nothing of its own in that place (``_modifies``: whose or
#:   which kind of thing), or a qualifier of such a row comes back in half the rows (贷款 in
#:   公积金贷款办理流程 for 公积金办理流程).
#:
#: A question that puts a qualifier of its own before a noun the entry has (电子 in
#: 电子社保卡怎么领, the electronic card, for 社保卡怎么激活) is not lifted by the only-topical
#: floor (``_added_qualifier``, like ``_foreign_word``).
QUALIFIER_IDF = 5.0
#: The confidence of a best entry in conflict is at most this share of the threshold.
CONFLICT_CAP = 0.9
#: Words that negate the word after them (未离职, 没租房, 不是灵活就业: attack P4, #16
#: thirteenth session): a question negating a word of its entry's row asks the opposite case.
NEGATORS = frozenset({"未", "没", "没有", "不", "不是", "尚未", "并未", "从未", "还没", "还没有", "并非", "非", "无"})
#: After a word of the row, what says the row is about the time after it (离职后, 辞职了): a
#: question about the time before it (辞职前) asks the opposite case.
_AFTER_WORDS = frozenset({"后", "以后", "之后", "了"})
_BEFORE_WORDS = frozenset({"前", "以前", "之前"})
#: What a procedure's how-to entry seldom says: what it costs, when the office is open, whether
#: someone else may go, how long it takes.
#: A question that asks one of these *facets* about a curated entry none of whose rows asks it
#: (身份证丢了补办要多少钱, 居住证续签周末可以办吗 → the how-to entries) is in conflict with
#: that entry like a key term (not answered, still offered): attack K3 found 19 of 108 such
#: follow-ups answered with the how-to entry, 5 of them as 匹配度高. An entry whose rows ask it
#: (公积金最多可以贷多少钱, 看病医保报销多少钱) still answers it; a curator who knows an entry's answer
#: says it adds the question as a phrasing. An entry with a row asking how much (额度是多少,
#: 住院医保能报多少) is about an amount, and answers cost questions. Dev entries have no
#: phrasings: never applied there.
FACETS: dict[str, re.Pattern[str]] = {
    # 费用 / 收费 / 免费 alone are often the topic (异地就医的费用怎么报销, 社保费用怎么交): a
    # cost question only with an amount or a yes/no beside them.
    "cost": re.compile(r"多少钱|几块钱|几元|收钱|要钱|花钱|付费|交钱|工本费|手续费|价格|价钱|贵不贵|花多少|收费标准"
                       r"|(?:费用|收费|免费)(?:是|要|大概|一般)?(?:多少|几|贵|吗|嘛|么|不)|收不收费|要不要(?:钱|费|交费)"
                       r"|是否(?:收费|免费)|免不免费"),
    "hours": re.compile(r"周末|周六|周日|星期[六日天]|礼拜[六日天]|双休|节假日|假日|放假|几点|上班时间|办公时间|工作时间"
                        r"|营业时间|上班吗|下班|晚上|中午|午休"),
    "proxy": re.compile(r"代办|代领|代为|代理人|找人办|找人代|委托|别人代|家人代|家属代|本人去|本人到场|本人亲自|亲自去|本人来"
                        r"|必须本人|需要本人|要本人|本人必须"),
    "duration": re.compile(r"多久|多长时间|几天|多少天|几个工作日|多少个工作日|多快|什么时候能"),
}
#: A row asking one of these kinds (``_QWORD_PATTERNS``) covers the facet: an entry about an
#: amount answers what it costs, one about when answers how long.
FACET_KINDS = {"cost": "howmuch", "duration": "when"}
#: Two questions whose sentence embeddings have at least this cosine are taken to mean the
#: same: a question that means a declined one (``set_declined``) more than its best entry is
#: not answered, and the unanswered list groups such questions (``services.CLUSTER_SEMANTIC``).
#: On dev pairs of known meaning (bench/faq_grouping.py) 85 % of the same-meaning pairs and
#: 40 % of LCQMC's near-identical different-meaning ones reach it.
SAME_MEANING_COSINE = 0.85

#: Default answer threshold on the confidence.
DEFAULT_THRESHOLD = 0.28

#: Curated wording always wins.  A question equal to a standard question or a
#: similar phrasing once normalised (match_text, synonyms, and without the
#: fillers of ``_FILLER_RE``: 请问, 吗, 呢, 的, 了 ...) is answered with
#: EXACT_CONFIDENCE when no other entry has such a row (on dev: 181 such best
#: rows are right, 11 are hard negatives -- all LCQMC pairs that differ by a
#: particle only; 46 are a duplicate entry with the same wording, which the
#: "no other entry" rule leaves to the model).  A question one character away
#: (a typo, a dropped or extra character) from a row of a *curated* entry (one
#: with similar phrasings) is answered with at least the threshold, unless the
#: edit makes a different word (a known multi-character word the entry does not
#: have: 结婚登记 / 离婚登记).  Applied to every entry, the one-character rule
#: raised dev hard negatives answered from 0.30 to 0.36 for +0.1 point of correct
#: answers, which is why it is kept to curated entries.
EXACT_CONFIDENCE = 0.99
NEAR_MIN_CHARS = 6
#: Small edits: (shortest of the two wordings in characters, edits allowed).
NEAR_EDITS = ((NEAR_MIN_CHARS, 1),)

#: Confidence bands shown to citizens.  The confidence is the decision model's
#: probability that the answer is right, and the model is calibrated on the dev
#: mix of questions (2-fold cross-validated: of the answers given at 0.6-0.7, 69 %
#: were right; at 0.8-0.9, 81 %), so the bands are probability ranges:
#: ``high`` from HIGH_BAND, ``good`` from GOOD_BAND, ``fair`` from the answer
#: threshold.  bench/faq_eval.py and bench/faq_demo_eval.py print the share of
#: right answers in each band (docs/faq-matching.md, "Calibration").
HIGH_BAND = 0.8
GOOD_BAND = 0.6
BANDS = ("high", "good", "fair")


#: Confidence of an answer with a *curated* entry (one with similar phrasings), by how it
#: was chosen (``Match.rule``; the decision model's answers split at CURATED_MODEL_SPLIT):
#: the share of such answers that were right on the demo knowledge base, asked with every
#: labelled question set of the project (the hand-written sets, the attack engineer's three
#: sets, and each curated phrasing with its phrasing or its whole entry left out;
#: ``bench/faq_demo_eval.py --calibration``), smoothed as (right + 1) / (answers + 2). The
#: decision model was fitted on LCQMC pairs, where near-identical questions are often
#: different ones; on a curated base its answers and the rules' were right far more often
#: than its probability says (attack batch 8: 18 of 19 answers at 0.29-0.59 were right).
#: An answer keeps the higher of its own confidence and this one; what is answered does not
#: change. (semantic engine, lexical engine) per rule; docs/faq-matching.md, "Calibration".
#: ``topical_kind``: the only topical curated entry, but the question asks a specific kind its
#: matched row does not (``_asks_other_kind``: 厨余垃圾几点收 -> 生活垃圾怎么分类, wrong; 公司年报什么时候报
#: -> 企业年报怎么填报, right) -- right two times in three, so never shown as 匹配度高 (attack
#: J10: such answers were shown at 0.857). Measured with the batch-9 sets and curator session
#: (bench/data/faq_attack_questions_d.tsv, _e.tsv, faq_attack_curation_9.tsv) added.
CURATED_CALIBRATION: dict[str, tuple[float, float]] = {
    "near": (0.952, 0.947),  # semantic: 19 of 19 right; lexical: 17 of 17
    "content": (0.958, 0.955),  # 22 of 22; 20 of 20
    "topical": (0.911, 0.922),  # 40 of 43; 46 of 49
    "topical_kind": (0.667, 0.625),  # 9 of 13; 9 of 14
    "model_low": (0.765, 0.909),  # 12 of 15; 19 of 20
    "model_high": (0.985, 0.976),  # 64 of 64; 40 of 40
}
#: Decision-model answers on curated entries below this confidence were right less often.
CURATED_MODEL_SPLIT = 0.4


def curated_key(confidence: float, rule: str) -> str:
    """The ``CURATED_CALIBRATION`` key of an answer with a curated entry."""
    if rule == "model":
        return "model_low" if confidence < CURATED_MODEL_SPLIT else "model_high"
    return rule


def curated_confidence(confidence: float, rule: str, semantic: bool) -> float:
    """The confidence of an answer with a curated entry (see CURATED_CALIBRATION)."""
    shares = CURATED_CALIBRATION.get(curated_key(confidence, rule))
    return confidence if shares is None else max(confidence, shares[0 if semantic else 1])


def band(confidence: float, threshold: float) -> str | None:
    """The band of an answer with *confidence* (None: below the threshold)."""
    if confidence < threshold:
        return None
    if confidence >= max(HIGH_BAND, threshold):
        return "high"
    if confidence >= max(GOOD_BAND, threshold):
        return "good"
    return "fair"


# --------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FaqDoc:
    """One knowledge-base entry as the engine sees it."""

    id: DocId
    question: str
    phrasings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A ranked entry.  ``score`` is the decision model's probability (0..1)
    that the entry answers the query; ``matched_text`` is the question or
    similar phrasing of the entry that matched best.  ``topical`` says the
    query mentions what the entry is about (see ``TOPICAL_ENTRY_SHARE``; for the
    best candidate also ``OFFER_SHARE``): worth offering as "did you mean" even
    when the score is too low to answer."""

    id: DocId
    score: float
    matched_text: str
    topical: bool = False
    #: The cosine between the question and the entry (engines with an embedder), else None.
    semantic: float | None = None
    #: How the best entry's confidence was set: "model" (the decision model), "wording"
    #: (the curated wording), "near" (a small edit of it), "content" (the only content
    #: match), "topical" (the only topical curated entry), "topical_kind" (the same, the
    #: question asking a kind of thing its matched row does not); see ``CURATED_CALIBRATION``.
    rule: str = "model"


@dataclass(frozen=True)
class Result:
    """The answer decision for one query.

    ``confidence`` is the decision model's probability (0..1) that ``best``
    answers the query; ``answered`` is ``confidence >= threshold``.  ``best``
    is set whenever there is a candidate, answered or not, so a caller can
    still show "did you mean"; ``related`` holds up to four next entries.
    """

    answered: bool
    confidence: float
    best: Match | None
    related: list[Match] = field(default_factory=list)
    #: The threshold this decision was taken at (the one of the model that scored it: a
    #: model swapped in meanwhile never mixes its threshold with another's probabilities).
    threshold: float = DEFAULT_THRESHOLD
    #: The confidence the decision was taken with, before an answer with a curated entry
    #: got what such answers proved to be (``CURATED_CALIBRATION``): the model's probability,
    #: or the threshold a rule lifted it to. Curators' triage of the ask log reads this one.
    decided: float | None = None


@dataclass(frozen=True)
class DecisionModel:
    """The answer / no-answer model and its answer threshold on its probability, with a
    version label: either logistic coefficients (``coef``) or a boosted tree model
    (``boosted``, interact/faq/boosting.py; ``coef`` is then empty), over the inputs in
    DECISION_FEATURES order (SEM_DECISION_FEATURES for a semantic model).  The shipped
    ones are :data:`BASE_MODEL` (logistic, lexical) and :data:`SEM_BASE_MODEL` (boosted,
    semantic); ``flask faq refit`` makes new versions from curators' decisions
    (interact/faq/learning.py)."""

    coef: tuple[float, ...]
    threshold: float = DEFAULT_THRESHOLD
    version: int = 0
    boosted: Boosted | None = None

    def __post_init__(self):
        if self.n_inputs not in (len(DECISION_FEATURES), len(SEM_DECISION_FEATURES)):
            raise ValueError(
                f"a decision model needs {len(DECISION_FEATURES)} inputs "
                f"({len(SEM_DECISION_FEATURES)} with the semantic feature)"
            )

    @property
    def n_inputs(self) -> int:
        return self.boosted.n_features if self.boosted is not None else len(self.coef)

    @property
    def semantic(self) -> bool:
        """Whether it uses the semantic features (an engine with an embedder)."""
        return self.n_inputs == len(SEM_DECISION_FEATURES)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """The probability that the candidate answers the question, for each row of *x*."""
        x = np.atleast_2d(x)
        if self.boosted is not None:
            return self.boosted.probability(x)
        return 1.0 / (1.0 + np.exp(-np.clip(x @ _coef_array(self.coef), -30.0, 30.0)))

    def stored(self) -> list[float] | dict:
        """The model as stored in a version's JSON column (:meth:`from_stored` reads it)."""
        return self.boosted.to_dict() if self.boosted is not None else list(self.coef)

    @classmethod
    def from_stored(cls, data: list | dict, threshold: float, version: int) -> "DecisionModel":
        if isinstance(data, dict):
            return cls((), threshold, version, Boosted.from_dict(data))
        return cls(tuple(float(v) for v in data), threshold, version)


@lru_cache(maxsize=16)
def _coef_array(coef: tuple[float, ...]) -> np.ndarray:
    arr = np.array(coef, dtype=np.float64)
    arr.flags.writeable = False
    return arr


def _load_shipped(path: str) -> DecisionModel:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return DecisionModel.from_stored(data["model"], float(data["threshold"]), 0)


#: The decision models fitted on the dev split (bench/faq_fit.py, --semantic).
BASE_MODEL = DecisionModel(tuple(float(v) for v in DECISION_COEF), DEFAULT_THRESHOLD, 0)
SEM_BASE_MODEL = _load_shipped(SEM_MODEL_FILE)


def base_model(semantic: bool) -> DecisionModel:
    """The shipped decision model of an engine with (or without) an embedder."""
    return SEM_BASE_MODEL if semantic else BASE_MODEL


# --------------------------------------------------------------------------
# Tokenisation helpers
# --------------------------------------------------------------------------

class _IdfTable:
    """Word -> general IDF as two sorted numpy arrays (word hash, value): about 3 MB
    instead of a 40 MB dict in every process. ``get`` and ``in`` like the dict it replaces."""

    __slots__ = ("keys", "values")

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        # A word listed twice keeps its last value (as a dict would): unique over the
        # reversed arrays picks each key's last occurrence.
        keys, first = np.unique(keys[::-1], return_index=True)
        self.keys = keys
        self.values = values[::-1][first]

    @classmethod
    def from_file(cls, path: str) -> "_IdfTable":
        """``word value`` lines (jieba's ``analyse/idf.txt``); unreadable lines are skipped."""
        keys = array("q")
        values = array("d")
        try:
            fh = open(path, encoding="utf-8")
        except OSError:  # no table: every word gets the default IDF
            return cls(np.zeros(0, np.int64), np.zeros(0, np.float64))
        with fh:
            for line in fh:
                word, _, value = line.rstrip("\n").rpartition(" ")
                if word:
                    try:
                        number = float(value)
                    except ValueError:
                        continue
                    keys.append(_term_hash(word))
                    values.append(number)
        return cls(np.frombuffer(keys, dtype=np.int64) if keys else np.zeros(0, np.int64),
                   np.frombuffer(values, dtype=np.float64) if values else np.zeros(0, np.float64))

    def _find(self, word: str) -> int:
        key = _term_hash(word)
        i = int(np.searchsorted(self.keys, key))
        return i if i < len(self.keys) and self.keys[i] == key else -1

    def get(self, word: str, default: float | None = None) -> float | None:
        i = self._find(word)
        return float(self.values[i]) if i >= 0 else default

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._find(word) >= 0

    def __len__(self) -> int:
        return len(self.keys)


_idf_lock = threading.Lock()
_ext_idf: _IdfTable | None = None
_EXT_IDF_DEFAULT = 12.0  # about jieba's median IDF; used for unknown tokens
_EXT_IDF_SCALE = 12.0


def _external_idf() -> _IdfTable:
    """General-corpus IDF of words from jieba's ``analyse/idf.txt``.

    Used for the difference features so that a token's importance does not
    depend on the size of the knowledge base (a city FAQ may have 100 entries).
    """
    global _ext_idf
    if _ext_idf is not None:
        return _ext_idf
    with _idf_lock:
        if _ext_idf is None:
            _ext_idf = _IdfTable.from_file(os.path.join(os.path.dirname(jieba.__file__), "analyse", "idf.txt"))
    return _ext_idf


_verbs: frozenset[str] | None = None
_places: frozenset[str] = frozenset()


def _verb_words() -> frozenset[str]:
    """The words jieba's dictionary tags as verbs or pronouns (``v``, ``r``: 查询, 属于, 我家),
    which never restrict who or what a question is about (``_qualifiers``)."""
    global _verbs, _places
    if _verbs is not None:
        return _verbs
    with _idf_lock:
        if _verbs is None:
            words, places = [], []
            with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 3 and parts[2] in ("v", "r"):
                        words.append(parts[0])
                    elif len(parts) == 3 and parts[2] == "ns":
                        places.append(parts[0])
            _places = frozenset(places)
            _verbs = frozenset(words)
    return _verbs


def _place_words() -> frozenset[str]:
    """The words jieba's dictionary tags as place names (``ns``: 北京, 台湾), read with
    :func:`_verb_words`."""
    _verb_words()
    return _places


def load_tables() -> None:
    """Load what every engine shares (jieba's dictionary, the general IDF table) now:
    ``interact.gunicorn_conf`` does it once in the master, so every worker, and every
    worker started later, inherits them instead of spending seconds of its first question."""
    ensure_jieba()
    _external_idf()
    _verb_words()
    spelling.load()


_NUM_RE = re.compile(r"\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万亿]+")
# "X不X" / "X没X" questions (是不是, 能不能, 有没有) are not negations.
_AXA_RE = re.compile(r"(.)[不没]\1")
_NEG_CHARS = frozenset("不没未无非别莫勿")


#: Whitespace between two CJK characters (or CJK punctuation): citizens type 住房 公积金 怎么 提取
#: with spaces between words; Chinese has none, so it is removed before anything else.
_CJK_SPACE_RE = re.compile(r"(?<=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])\s+"
                           r"(?=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])")


def join_cjk(text: str) -> str:
    """*text* without the whitespace between CJK characters (住房 公积金 -> 住房公积金); spaces
    between Latin words or digits stay."""
    return _CJK_SPACE_RE.sub("", text)


def _neg_count(compact: str) -> int:
    s = _AXA_RE.sub("", compact)
    return sum(1 for ch in s if ch in _NEG_CHARS)


def _side_cover(a: _Side, b: _Side) -> tuple[float, float, float]:
    """How much of text *a*'s tokens text *b* covers, weighted by general IDF.

    A token counts as covered when the other text has it, or has all of its
    characters (segmentation differences, reordered compounds).  Returns
    (covered share, largest uncovered weight, total uncovered weight), the
    weights scaled so that a rare word weighs about 1.
    """
    b_set = b.token_set
    b_chars = b.chars
    covered = diff_max = 0.0
    for tok, w in a.weights:
        if tok in b_set or all(ch in b_chars for ch in tok):
            covered += w
        elif w > diff_max:
            diff_max = w
    total = a.total_weight
    if not total:
        return 0.0, 0.0, 0.0
    return covered / total, diff_max / _EXT_IDF_SCALE, (total - covered) / _EXT_IDF_SCALE


# Kinds of question a text asks (why / where / who / how much / when / which /
# yes-no / how / what).  Paraphrases usually ask the same kinds; a lexically
# close question that asks a different kind ("怎么买" vs "怎么样") usually
# means something else.
_QWORD_PATTERNS = (
    ("why", re.compile(r"为什么|为啥|为何|干嘛|怎么会")),
    ("where", re.compile(r"哪里|哪儿|在哪|何处|去哪|什么地方|哪个地方")),
    ("who", re.compile(r"谁|哪位")),
    ("howmuch", re.compile(r"多少|几[个岁年月天次号点元块斤]|价格|价钱|费用|多大|多高|多重|多长")),
    ("when", re.compile(r"什么时候|何时|几时|多久|多长时间|哪天|哪年")),
    ("which", re.compile(r"哪个|哪种|哪家|哪款|哪些|哪一|哪部|哪本|什么牌子|哪个牌子")),
    ("yesno", re.compile(r"吗|是否|是不是|能不能|可不可以|有没有|会不会|要不要|行不行")),
    ("how", re.compile(r"怎么(?!样)|怎样(?!的)|如何|咋(?!样)|方法|步骤")),
    ("howis", re.compile(r"怎么样|咋样|好不好|好吗|如何$")),
    ("what", re.compile(r"什么(?!时候|地方|牌子)|啥(?!时候)|何谓|是指")),
)


def _qword_kinds(compact: str) -> frozenset[str]:
    return frozenset(kind for kind, pat in _QWORD_PATTERNS if pat.search(compact))


#: Fillers that never change what is asked (politeness, sentence particles); removed
#: before comparing wordings for EXACT_CONFIDENCE.
_FILLER_RE = re.compile("请问|我想问问|想问问|我想问一下|我想问|想问一下|想问|我想咨询一下|想咨询一下|咨询一下|请教一下|一下|谢谢|麻烦|[吗呢啊呀吧哦嘛的了]")
#: Greetings are fillers only before the question (您好，… / 领导好，打扰一下，…): inside it
#: the same characters are words of the question (对你好好说, 当老师好不好, 被电话打扰了).
_GREETING_RE = re.compile(rf"^{GREETING}+")


@lru_cache(maxsize=8192)
def _core(compact: str) -> str:
    """A compact text without fillers (see ``_FILLER_RE``, ``_GREETING_RE``)."""
    return _FILLER_RE.sub("", _GREETING_RE.sub("", compact)) or compact


@lru_cache(maxsize=8192)
def _raw_core(text: str) -> str:
    """The wording of a text before synonyms: normalised (``match_text``, CJK spaces
    removed), compact, without fillers. A typo in a synonym (住房公积今) keeps the synonym
    from being recognised, so one character becomes several after synonyms; the edit is
    also measured on this form."""
    return _core(join_cjk(match_text(text[: MAX_QUERY_CHARS * 2]))[:MAX_DOC_CHARS].replace(" ", ""))


def _near(a: str, b: str) -> bool:
    """Whether two wordings are a small edit apart (see NEAR_EDITS)."""
    n = min(len(a), len(b))
    allowed = max((edits for chars, edits in NEAR_EDITS if n >= chars), default=0)
    return bool(allowed) and Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed


#: Resultative and directional complements: a verb with one of them is the same action
#: (扔 / 扔掉, 取 / 取出, 办 / 办好), not another word (离婚 / 结婚).
_COMPLEMENTS = frozenset("掉完好到出走起来去过成住下上")


@lru_cache(maxsize=4096)
def _raw_tokens(raw: str) -> frozenset[str]:
    """jieba's tokens of a wording before synonyms (``_raw_core``)."""
    return frozenset(jieba.lcut(raw)) if raw else frozenset()


def _new_word(tokens: Iterable[str], c_tokens: frozenset[str], c_chars: frozenset[str]) -> bool:
    """Whether *tokens* (of the question) hold a known word of two or more characters the
    candidate lacks, neither as a word, nor with all its characters, nor as one of its
    words with a complement (扔掉 for 扔)."""
    ext = _external_idf()
    for tok in tokens:
        if len(tok) < 2 or tok not in ext or tok in c_tokens or all(ch in c_chars for ch in tok):
            continue
        if tok[-1] in _COMPLEMENTS and tok[:-1] in c_tokens:
            continue
        return True
    return False


@lru_cache(maxsize=4096)
def _one_char_words(text: str) -> frozenset[int]:
    """Positions of the one-character words of *text* (jieba's segmentation)."""
    return frozenset(start for word, start, end in jieba.tokenize(text) if end - start == 1) if text else frozenset()


def _replaced_word(a: str, b: str) -> tuple[str, str] | None:
    """When *a* and *b* differ in one replaced character that is a word of its own in
    both (旧沙发怎么卖 / 旧沙发怎么扔: 卖, 扔), the two words; else None (an inserted or
    dropped character, or a character inside a longer word: 以保 / 医保)."""
    if len(a) != len(b):
        return None
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diff) != 1 or diff[0] not in _one_char_words(a) or diff[0] not in _one_char_words(b):
        return None
    return a[diff[0]], b[diff[0]]


#: Replaced one-character words: the same action (扔 / 丢 0.62, 办 / 弄 0.75, 交 / 缴 0.76 as
#: USE cosines of the two characters) or another one (扔 / 卖 0.36, 修 0.38, 洗 0.47, 买
#: 0.48, 换 0.49). Attack J7: after a curator's 旧沙发怎么扔, 旧沙发怎么卖 / 修 / 洗 / 搬 / 租 / 买 /
#: 换 were answered with the disposal entry as one-character edits of it.
SAME_WORD_COSINE = 0.6


def _wording(q: _Side, c: _Side, q_raw: str = "", c_raw: str = "",
             same_word: Callable[[str, str], bool] | None = None) -> int:
    """2 when the two texts are the same wording (equal without fillers), 1 when
    they are a small edit apart (NEAR_EDITS; after synonyms or before, *q_raw* and
    *c_raw* being ``_raw_core`` of the texts) without making a different word or
    number (see EXACT_CONFIDENCE), else 0. The words are read in the form in which the
    edit is small: a synonym may turn a one-character edit into a longer one (丢 -> 丢失
    in 旧沙发怎么丢 / 旧沙发怎么扔; 掉 -> 丢失 in 扔掉), so an edit seen only before synonyms is
    judged by the words before synonyms. A one-character word replaced by another is a
    small edit only when *same_word* says the two mean the same (``MatchingEngine._same_word``:
    a sound-alike typo, or close in meaning; without *same_word*, only a sound-alike)."""
    qc, cc = _core(q.compact), _core(c.compact)
    if qc == cc or (q_raw and q_raw == c_raw):
        return 2
    if q.numbers != c.numbers or q.negations != c.negations:
        return 0
    same_word = same_word or _same_sound
    c_chars = c.chars | frozenset(c_raw)
    if _near(qc, cc):
        replaced = _replaced_word(qc, cc)
        if replaced is not None and not same_word(*replaced):
            return 0
        return 0 if _new_word(q.token_set, c.token_set, c_chars) else 1
    if q_raw and c_raw and _near(q_raw, c_raw):
        replaced = _replaced_word(q_raw, c_raw)
        if replaced is not None and not same_word(*replaced):
            return 0
        c_tokens = c.token_set | _raw_tokens(c_raw)
        return 0 if _new_word(_raw_tokens(q_raw), c_tokens, c_chars) else 1
    return 0


def _same_sound(a: str, b: str) -> bool:
    """Whether two characters share a toneless reading (a typo of the sound)."""
    return bool(set(spelling.readings(a)) & set(spelling.readings(b)))


def _content(weights: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    return tuple((t, w) for t, w in weights if t not in _FUNCTION_WORDS and not t.isdigit())


def _content_cover(content: tuple[tuple[str, float], ...], tokens: frozenset[str], chars: frozenset[str]) -> float:
    """General-IDF weighted share of *content* tokens found in *tokens* (or
    with all their characters in *chars*); 0 without content tokens."""
    total = covered = 0.0
    for tok, w in content:
        total += w
        if tok in tokens or all(ch in chars for ch in tok):
            covered += w
    return covered / total if total else 0.0


def _missing_key_terms(content: tuple[tuple[str, float], ...], tokens: frozenset[str],
                       chars: frozenset[str]) -> list[str]:
    """Key terms (KEY_TERM_IDF) of *content* found neither in *tokens* nor with all their
    characters in *chars*."""
    return [t for t, w in content
            if w >= KEY_TERM_IDF and len(t) >= 2 and t not in tokens and not all(ch in chars for ch in t)]


def _key_words(content: tuple[tuple[str, float], ...]) -> list[str]:
    """The content words of *content* that general Chinese uses rarely (KEY_TERM_IDF), of any
    length (贷, 查, 坏 say what is asked as much as 丢失), without the words that only ask a
    kind of question (多久, 几天: ``_QWORD_PATTERNS``)."""
    return [t for t, w in content if w >= KEY_TERM_IDF and not _qword_kinds(t)]


def _missing_key_words(row: "_Side", q: "_Side") -> list[str]:
    """Key words (``_key_words``) of *row* found in the question neither as a word, nor with
    all their characters, nor shortened to one of its content words (提 for 提取)."""
    shortened = [u for u, _w in q.content]
    return [t for t in _key_words(row.content)
            if t not in q.token_set and not all(ch in q.chars for ch in t) and not any(u in t for u in shortened)]


def _left_out_key_words(row: "_Side", q: "_Side") -> list[str]:
    """The row's missing key words (``_missing_key_words``) the question has none of the
    characters of: a key word it has part of is a typo of it (居住证过了怎么办 for 过期, 医保中了
    for 中断, 在地看病 for 在外地), which is within a small edit of the wording and answered,
    not a word the question leaves out (社保卡怎么办 without 丢)."""
    return [t for t in _missing_key_words(row, q) if len(t) < 2 or not any(ch in q.chars for ch in t)]


def _qualifiers(row: "_Side", q: "_Side", verbs: bool = False, strict: bool = False) -> list[str]:
    """The row's words that may restrict what it asks and that the question leaves out: words of
    jieba's dictionary among its content words (QUALIFIER_IDF; no verb or pronoun of the
    dictionary, ``_verb_words``, unless *verbs*; not asking a kind: 钱 in 多少钱) the question has
    neither as a word, nor with all their characters, nor shortened (提 for 提取), nor with a
    character of one of its own words the row lacks (a typo: 在地 for 在外地) -- with *strict*,
    of any of its words (养老 beside 老人 says the same)."""
    shortened = [u for u, _w in q.content]
    own = q.chars if strict else frozenset(ch for t in q.tokens if t not in row.token_set for ch in t)
    excluded = frozenset() if verbs else _verb_words()
    asking = [m.group() for _kind, pat in (*_QWORD_PATTERNS, *FACETS.items()) for m in pat.finditer(row.compact)]
    return [t for t, w in row.content
            if w >= QUALIFIER_IDF and t not in excluded and jieba.dt.FREQ.get(t)
            and not any(t in a for a in asking)
            and t not in q.token_set and not all(ch in q.chars for ch in t) and not any(u in t for u in shortened)
            and not any(ch in own for ch in t)]


_PARTICLES = frozenset("的了地得之")
#: Function words that still say something of what is asked (a direction, a place, a
#: possession): a question with one of them the row lacks is not the row with a word left out.
_SAYING = frozenset("上 下 带 用 去 到 给 把 在 从 对 后 前 以后 之后 里 中 有 没有 过 着".split())


def _modifies(row: "_Side", q: "_Side") -> bool:
    """Whether the row is the question with a qualifier put in: one of its left-out qualifiers
    (``_qualifiers``, strict: sharing no character with the question, so 养老 beside 老人 is
    none) stands before a content word the two share, and the question has nothing of its own
    in that place (between the shared words around it, or before the next one) nor anywhere
    else but words that only ask. It says whose or which kind of thing the question names
    (宝宝医保 / 医保, 老人坐公交 / 坐公交, 公积金贷款上限 / 公积金上限), unlike a word after what
    they share (离婚登记 / 离婚) or a word in the place of one of the question's (孩子出生多久要
    申报户口 / 孩子的户口咋上)."""
    left = set(_qualifiers(row, q, strict=True))
    # The question has nothing of its own but words that only ask (上 of 户口咋上 is a verb
    # the row says otherwise, 申报).
    if not left or any(t not in row.token_set and (t not in _FUNCTION_WORDS or t in _SAYING)
                       for t in q.tokens):
        return False
    content = [t not in _FUNCTION_WORDS and not _qword_kinds(t) for t in row.tokens]
    for i, tok in enumerate(row.tokens):
        if tok not in left:
            continue
        after = next((t for t in row.tokens[i + 1:] if t in q.token_set and t not in _FUNCTION_WORDS), None)
        if after is None:
            continue
        before = next((t for t, c in zip(reversed(row.tokens[:i]), reversed(content[:i]))
                       if c and t in q.token_set), None)
        end = q.tokens.index(after)
        start = q.tokens.index(before) + 1 if before is not None and before in q.tokens[:end] else 0
        if all(t in row.token_set or t in _PARTICLES or any(t in u for u in row.tokens) for t in q.tokens[start:end]):
            return True
    return False


def _added_qualifier(q: "_Side", sides: list["_Side"]) -> bool:
    """Whether the question puts a word of its own right before a noun the entry's rows have:
    a qualifier (QUALIFIER_IDF, no verb or pronoun) none of whose characters any row has, which
    names another kind of the entry's thing (电子 in 电子社保卡怎么领: the electronic card, not
    the card of 社保卡怎么激活)."""
    tokens = frozenset(t for side in sides for t in side.token_set)
    chars = frozenset().union(*(side.chars for side in sides))
    verbs = _verb_words()
    weight = dict(q.content)
    for tok, nxt in zip(q.tokens, q.tokens[1:]):
        if (weight.get(tok, 0.0) >= QUALIFIER_IDF and tok not in verbs and not _qword_kinds(tok)
                and not any(ch in chars for ch in tok)
                and nxt in tokens and nxt in weight and nxt not in verbs):
            return True
    return False


def _topic_words(q: "_Side") -> list[str]:
    """The content words of a question but those that ask what kind of thing it wants (钱 in
    多少钱: ``_QWORD_PATTERNS``, ``FACETS``)."""
    asking = [m.group() for _kind, pat in (*_QWORD_PATTERNS, *FACETS.items()) for m in pat.finditer(q.compact)]
    return [t for t, _w in q.content if not any(t in a for a in asking)]


#: Length of the stretches of a question read as possible typos of a key term (within
#: ``_unknown_runs``).
MISSPELT_LENGTHS = (2, 3)


def _misspelt_key_terms(q: "_Side", entry: "_Vocab") -> list[str]:
    """Key terms (KEY_TERM_IDF) of jieba's dictionary that a stretch of the question is a
    sound-alike typo of (``spelling.dictionary_alike``: 离昏 -> 离婚) and the entry lacks.
    The engine corrects typos of the knowledge base's own words before it reads the
    question; this finds those of a procedure the knowledge base has no entry for."""
    ext = _external_idf()
    found: list[str] = []
    for text in _unknown_runs(q.tokens):
        for n in MISSPELT_LENGTHS:
            for i in range(len(text) - n + 1):
                stretch = text[i:i + n]
                # Words the entry has, or made of its characters only, are no typos (断缴).
                if stretch in entry.tokens or all(ch in entry.chars for ch in stretch):
                    continue
                for word in spelling.dictionary_alike(stretch):
                    if (ext.get(word, 0.0) >= KEY_TERM_IDF and word not in _FUNCTION_WORDS
                            and word not in entry.tokens and not all(ch in entry.chars for ch in word)):
                        found.append(word)
    return found


def _unknown_runs(tokens: tuple[str, ...]) -> list[str]:
    """Runs of consecutive tokens that are single characters or no word of jieba's
    dictionary (离昏, 离/昏): where a typo broke a word. A dictionary word is no typo, and a
    stretch across one (公积金取 -> 金取) is none either."""
    runs: list[str] = []
    current = ""
    for tok in tokens:
        if len(tok) == 1 or not jieba.dt.FREQ.get(tok):
            current += tok
        else:
            if len(current) >= 2:
                runs.append(current)
            current = ""
    if len(current) >= 2:
        runs.append(current)
    return runs


@dataclass(frozen=True)
class _Vocab:
    """Tokens and characters of all the rows (question + phrasings) of one
    entry: a curated entry's phrasings together say what it is about."""

    tokens: frozenset[str]
    chars: frozenset[str]


@lru_cache(maxsize=4096)
def _vocab_of(segs: tuple[str, ...]) -> _Vocab:
    tokens = frozenset(t for seg in segs for t in seg.split(" ") if t)
    return _Vocab(tokens, frozenset("".join(tokens)))


@dataclass(frozen=True)
class _Side:
    """Everything the pair features need from one text, computed once."""

    tokens: tuple[str, ...]
    spaced: str
    compact: str
    token_set: frozenset[str]
    chars: frozenset[str]
    bigrams: frozenset[str]
    weights: tuple[tuple[str, float], ...]  # distinct tokens with general IDF
    total_weight: float
    numbers: frozenset[str]
    negations: int
    kinds: frozenset[str]
    content: tuple[tuple[str, float], ...]  # weights of the content words only


@lru_cache(maxsize=4096)
def _side_of(spaced: str) -> _Side:
    """``_Side`` of a segmented text (tokens joined by single spaces).

    Cached: knowledge-base rows come back as candidates again and again.
    """
    ext = _external_idf()
    tokens = tuple(spaced.split(" ")) if spaced else ()
    compact = "".join(tokens)
    token_set = frozenset(tokens)
    weights = tuple((t, ext.get(t, _EXT_IDF_DEFAULT)) for t in dict.fromkeys(tokens))
    return _Side(
        tokens=tokens,
        spaced=spaced,
        compact=compact,
        token_set=token_set,
        chars=frozenset(compact),
        bigrams=frozenset(_bigrams(compact)),
        weights=weights,
        total_weight=sum(w for _, w in weights),
        numbers=frozenset(_NUM_RE.findall(compact)),
        negations=_neg_count(compact),
        kinds=_qword_kinds(compact),
        content=_content(weights),
    )


class _Synonyms:
    """Synonym groups -> canonical term, applied by longest match."""

    def __init__(self, groups: Iterable[Iterable[str]]):
        canon: dict[str, str] = {}
        # Merge groups that share a term (union-find over terms).
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        order: list[str] = []
        for group in groups:
            terms = []
            for raw in group:
                t = match_text(str(raw))
                if t and t not in terms:
                    terms.append(t)
            for t in terms:
                if t not in parent:
                    parent[t] = t
                    order.append(t)
            for t in terms[1:]:
                ra, rb = find(terms[0]), find(t)
                if ra != rb:
                    parent[rb] = ra
        first_of_root: dict[str, str] = {}
        for t in order:
            first_of_root.setdefault(find(t), t)
        for t in order:
            c = first_of_root[find(t)]
            if t != c:
                canon[t] = c
        self.mapping = canon
        self._automaton = None
        if canon:
            auto = ahocorasick.Automaton()
            # The canonical terms map to themselves, so the longest match keeps them whole:
            # 取 -> 提取 must not turn 提取 into 提提取.
            for term in set(canon.values()) - set(canon):
                auto.add_word(term, (len(term), term))
            for term, target in canon.items():
                auto.add_word(term, (len(term), target))
            auto.make_automaton()
            self._automaton = auto

    def apply(self, text: str) -> str:
        if self._automaton is None or not text:
            return text
        out = []
        pos = 0
        for end, (length, target) in self._automaton.iter_long(text):
            start = end - length + 1
            out.append(text[pos:start])
            out.append(target)
            pos = end + 1
        if pos == 0:
            return text
        out.append(text[pos:])
        return "".join(out)


@dataclass(frozen=True)
class _Text:
    """A normalised, segmented text."""

    tokens: tuple[str, ...]
    compact: str

    @property
    def seg(self) -> str:
        return " ".join(self.tokens)


def _bigrams(compact: str) -> list[str]:
    if len(compact) < 2:
        return [compact] if compact else []
    return [compact[i : i + 2] for i in range(len(compact) - 1)]


_BIGRAM_PREFIX = "\x01"


def _terms(tokens: Sequence[str], compact: str) -> list[str]:
    """Index terms of a text: its jieba tokens and its character bigrams."""
    terms = list(tokens)
    terms.extend(_BIGRAM_PREFIX + g for g in _bigrams(compact))
    return terms


# --------------------------------------------------------------------------
# Index segments
# --------------------------------------------------------------------------


def _term_hash(term: str) -> int:
    """A term's 64-bit key: stable across processes (unlike ``hash()``), so an index
    written by one process can be memory-mapped by every other (``faq/index.py``)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


class _Strings:
    """A read-only list of strings kept as one UTF-8 blob and offsets (two numpy arrays
    instead of one Python object per string; the arrays can live in a mapped file)."""

    __slots__ = ("blob", "offsets")

    def __init__(self, blob: np.ndarray, offsets: np.ndarray):
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def of(cls, items: Iterable[str]) -> "_Strings":
        encoded = [s.encode("utf-8") for s in items]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        if encoded:
            np.cumsum([len(b) for b in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        a, b = self.offsets[i : i + 2].tolist()
        return self.blob[a:b].tobytes().decode("utf-8")

    def __iter__(self):
        return (self[i] for i in range(len(self)))


class _Entries:
    """The entries of a segment in row order: entry ``e`` has id ``ids[e]`` and the rows
    ``starts[e]:starts[e + 1]`` (an entry whose texts are all empty has none). Found by id
    through ``order`` (ids sorted) -- numpy arrays for int or str ids, a dict otherwise."""

    __slots__ = ("ids", "starts", "order", "_sorted", "_map")

    def __init__(self, ids: np.ndarray, starts: np.ndarray, order: np.ndarray | None = None):
        self.ids = ids
        self.starts = starts
        self._map: dict[DocId, int] | None = None
        if ids.dtype == object:
            self._map = {v: i for i, v in enumerate(ids.tolist())}
            order = np.arange(len(ids), dtype=np.int64)
        elif order is None:
            order = np.argsort(ids, kind="stable")
        self.order = order
        self._sorted = ids[order] if self._map is None else ids

    @classmethod
    def of(cls, ids: list[DocId], counts: list[int]) -> "_Entries":
        starts = np.zeros(len(ids) + 1, dtype=np.int64)
        if ids:
            np.cumsum(counts, out=starts[1:])
        if all(type(i) is int for i in ids):
            arr = np.array(ids, dtype=np.int64)
        elif all(type(i) is str for i in ids):
            arr = np.array(ids, dtype=str)
        else:
            arr = np.empty(len(ids), dtype=object)
            arr[:] = ids
        return cls(arr, starts)

    def __len__(self) -> int:
        return len(self.ids)

    def find(self, doc_id: DocId) -> int:
        """The entry number of *doc_id*, -1 if absent."""
        if self._map is not None:
            return self._map.get(doc_id, -1)
        kind = self.ids.dtype.kind
        if not len(self.ids) or (kind == "i" and type(doc_id) is not int) or (kind == "U" and type(doc_id) is not str):
            return -1
        pos = int(np.searchsorted(self._sorted, doc_id))
        if pos < len(self._sorted) and self._sorted[pos] == doc_id:
            return int(self.order[pos])
        return -1

    def id(self, e: int) -> DocId:
        return self.ids[e].item() if self._map is None else self.ids[e]

    def rows(self, e: int) -> range:
        a, b = self.starts[e : e + 2].tolist()
        return range(a, b)

    def row_entry(self) -> np.ndarray:
        """Entry number of every row."""
        return np.repeat(np.arange(len(self.ids), dtype=np.int32), np.diff(self.starts))


#: One indexed text: (segmented text, original text, keyword terms, embedding or None).
_Row = tuple[str, str, tuple[str, ...], "np.ndarray | None"]
#: An entry's rows.
_Group = tuple[DocId, tuple[_Row, ...]]
_EXTRA_SEP = "\x1f"


class _Segment:
    """An immutable BM25 inverted index over rows (one row per question or
    similar phrasing), grouped by entry.

    Terms are identified by a stable 64-bit hash (``_term_hash``) kept in a
    sorted array, which takes a fraction of the memory of a dict of strings.
    Postings are CSR arrays: for term number ``t`` the rows are
    ``rows[indptr[t]:indptr[t+1]]`` with BM25 term-frequency weights ``w``.
    Every part is a numpy array (:meth:`arrays`), so a segment can be written to a
    file and mapped back read-only by other processes (:meth:`from_arrays`).

    ``vecs`` (engines with an embedder): the embedding of each row's text, an
    ``(n, dim)`` float16 array aligned with the rows (row ``r`` is ``texts[r]``),
    or None.  Only the rows of retrieved candidates are read, so a mapped file's
    array stays mostly on disk.
    """

    __slots__ = ("keys", "indptr", "rows", "w", "entries", "row_entry", "segs", "texts", "extra", "n", "avgdl",
                 "vecs")

    #: The arrays that make a segment (see :meth:`arrays`).
    ARRAYS = ("keys", "indptr", "rows", "w", "entry_ids", "entry_starts", "entry_order", "segs_blob",
              "segs_offsets", "texts_blob", "texts_offsets", "extra_blob", "extra_offsets")

    @classmethod
    def build(cls, groups: Sequence[_Group], avgdl: float | None = None, dim: int | None = None) -> "_Segment":
        """The segment of *groups* (one per entry, ids distinct); with *dim*, every row
        carries its embedding (``_Row``'s last item)."""
        rows = [row for _, entry_rows in groups for row in entry_rows]
        n = len(rows)
        vecs = None
        if dim is not None:
            vecs = np.zeros((n, dim), dtype=np.float16)
            for i, row in enumerate(rows):
                vecs[i] = row[3]
        # array() rather than lists: 8 + 4 + 4 bytes per posting while building.
        keys = array("q")
        row_ids = array("i")
        tfs = array("i")
        lengths = np.zeros(n, dtype=np.float32)
        hashes: dict[str, int] = {}  # terms repeat across rows: hash each once
        for r, (seg, _, extra, _vec) in enumerate(rows):
            tokens = seg.split(" ") if seg else []
            counts = Counter(_terms(tokens, seg.replace(" ", "")))
            counts.update(extra)
            lengths[r] = sum(counts.values())
            for term, tf in counts.items():
                key = hashes.get(term)
                if key is None:
                    key = hashes[term] = _term_hash(term)
                keys.append(key)
                row_ids.append(r)
                tfs.append(tf)
        del hashes
        if avgdl is None:
            avgdl = float(lengths.mean()) if n else 1.0
        avgdl = max(avgdl, 1.0)
        k = np.frombuffer(keys, dtype=np.int64) if keys else np.zeros(0, np.int64)
        order = np.argsort(k, kind="stable")
        k = k[order]
        posting_rows = (np.frombuffer(row_ids, dtype=np.int32) if row_ids else np.zeros(0, np.int32))[order]
        tf = (np.frombuffer(tfs, dtype=np.int32) if tfs else np.zeros(0, np.int32))[order].astype(np.float32)
        del keys, row_ids, tfs, order
        norm = BM25_K1 * (1.0 - BM25_B + BM25_B * lengths[posting_rows] / avgdl)
        w = (tf * (BM25_K1 + 1.0) / (tf + norm)).astype(np.float32)
        starts = np.flatnonzero(np.diff(k)) + 1 if len(k) else np.zeros(0, np.int64)
        indptr = np.concatenate(([0], starts, [len(k)])).astype(np.int64) if len(k) else np.zeros(1, np.int64)
        entries = _Entries.of([doc_id for doc_id, _ in groups], [len(r) for _, r in groups])
        return cls(
            keys=k[indptr[:-1]] if len(k) else np.zeros(0, np.int64),
            indptr=indptr,
            rows=posting_rows,
            w=w,
            entries=entries,
            segs=_Strings.of(r[0] for r in rows),
            texts=_Strings.of(r[1] for r in rows),
            extra=_Strings.of(_EXTRA_SEP.join(r[2]) for r in rows),
            avgdl=avgdl,
            vecs=vecs,
        )

    def __init__(self, *, keys, indptr, rows, w, entries: _Entries, segs: _Strings, texts: _Strings,
                 extra: _Strings, avgdl: float, vecs: np.ndarray | None = None):
        self.keys = keys
        self.indptr = indptr
        self.rows = rows
        self.w = w
        self.entries = entries
        self.row_entry = entries.row_entry()
        self.segs = segs  # space-joined tokens per row
        self.texts = texts  # original text per row (for Match.matched_text)
        self.extra = extra  # keyword terms per row (retrieval only)
        self.n = len(segs)
        self.avgdl = avgdl
        if vecs is not None and len(vecs) != self.n:
            raise ValueError(f"{len(vecs)} embeddings for {self.n} rows")
        self.vecs = vecs

    @property
    def dim(self) -> int | None:
        return None if self.vecs is None else int(self.vecs.shape[1])

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything but ``avgdl`` as numpy arrays (names: :attr:`ARRAYS`)."""
        if self.entries.ids.dtype == object:
            raise ValueError("only an index of int or of str entry ids can be written")
        return {
            "keys": self.keys, "indptr": self.indptr, "rows": self.rows, "w": self.w,
            "entry_ids": self.entries.ids, "entry_starts": self.entries.starts, "entry_order": self.entries.order,
            "segs_blob": self.segs.blob, "segs_offsets": self.segs.offsets,
            "texts_blob": self.texts.blob, "texts_offsets": self.texts.offsets,
            "extra_blob": self.extra.blob, "extra_offsets": self.extra.offsets,
            **({} if self.vecs is None else {"vecs": self.vecs}),
        }

    @classmethod
    def from_arrays(cls, a: dict[str, np.ndarray], avgdl: float) -> "_Segment":
        return cls(
            keys=a["keys"], indptr=a["indptr"], rows=a["rows"], w=a["w"],
            entries=_Entries(a["entry_ids"], a["entry_starts"], a["entry_order"]),
            segs=_Strings(a["segs_blob"], a["segs_offsets"]), texts=_Strings(a["texts_blob"], a["texts_offsets"]),
            extra=_Strings(a["extra_blob"], a["extra_offsets"]), avgdl=avgdl, vecs=a.get("vecs"),
        )

    def doc_id(self, row: int) -> DocId:
        return self.entries.id(int(self.row_entry[row]))

    def group(self, e: int) -> _Group:
        """Entry number *e* as it was given to :meth:`build`."""
        rows = tuple(
            (self.segs[i], self.texts[i], tuple(t for t in self.extra[i].split(_EXTRA_SEP) if t),
             None if self.vecs is None else self.vecs[i])
            for i in self.entries.rows(e)
        )
        return self.entries.id(e), rows

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """Term numbers of the given term hashes (-1 where absent)."""
        if not len(self.keys):
            return np.full(len(hashes), -1, dtype=np.int64)
        pos = np.searchsorted(self.keys, hashes)
        pos[pos >= len(self.keys)] = 0
        return np.where(self.keys[pos] == hashes, pos, -1)

    def dfs(self, tids: np.ndarray) -> np.ndarray:
        """Document frequency of each term number (0 for -1)."""
        if not len(self.keys):
            return np.zeros(len(tids), dtype=np.int64)
        safe = np.maximum(tids, 0)
        return np.where(tids >= 0, self.indptr[safe + 1] - self.indptr[safe], 0)

    def top(self, tids: np.ndarray, weights: np.ndarray, limit: int, alive: np.ndarray | None) -> list[tuple[int, float]]:
        """The *limit* best rows by BM25 for the query terms *tids* with
        weights *weights* (idf x query tf): [(row, score)], unordered.

        Only O(postings) work besides one ``bincount``: the rows are picked
        among the posting entries themselves.  A row occurs at most once per
        query term, so the best ``limit * len(terms)`` posting entries hold
        at least *limit* distinct rows.
        """
        rows_parts = []
        w_parts = []
        for tid, weight in zip(tids.tolist(), weights.tolist()):
            if tid < 0:
                continue
            a, b = self.indptr[tid], self.indptr[tid + 1]
            rows_parts.append(self.rows[a:b])
            w_parts.append(self.w[a:b] * np.float32(weight))
        if not rows_parts:
            return []
        rows = np.concatenate(rows_parts) if len(rows_parts) > 1 else rows_parts[0]
        w = np.concatenate(w_parts) if len(w_parts) > 1 else w_parts[0]
        scores = np.bincount(rows, weights=w, minlength=self.n)
        vals = scores[rows]
        if alive is not None:
            vals = vals * alive[rows]
        keep = limit * len(rows_parts)
        if len(vals) > keep:
            idx = np.argpartition(vals, len(vals) - keep)[len(vals) - keep :]
            cand = np.unique(rows[idx])
        else:
            cand = np.unique(rows)
        cvals = scores[cand]
        if alive is not None:
            cvals = cvals * alive[cand]
        if len(cand) > limit:
            sel = np.argpartition(cvals, len(cand) - limit)[len(cand) - limit :]
            cand, cvals = cand[sel], cvals[sel]
        return [(r, v) for r, v in zip(cand.tolist(), cvals.tolist()) if v > 0.0]


@dataclass(frozen=True)
class _QueryTerms:
    """A query's distinct index terms: query tf, df, idf, term numbers."""

    qtf: np.ndarray
    df: np.ndarray
    idf: np.ndarray
    main_tids: np.ndarray
    delta_tids: np.ndarray


@dataclass(frozen=True)
class _State:
    """One immutable snapshot of the index: the main segment (built in one go, possibly
    mapped from a file) with entries masked out by ``main_alive``, plus a small delta
    segment of entries added or replaced since."""

    main: _Segment
    delta: _Segment
    main_alive: np.ndarray  # bool per main row
    main_entry_alive: np.ndarray  # bool per main entry
    # The delta segment's entries as given (rebuilt cheaply on each change).
    delta_groups: tuple[_Group, ...]

    @property
    def n_rows(self) -> int:
        return self.main.n + self.delta.n

    @property
    def n_docs(self) -> int:
        return int(np.count_nonzero(self.main_entry_alive)) + len(self.delta_groups)

    def locate(self, doc_id: DocId) -> tuple[_Segment, range] | None:
        """The segment and rows of entry *doc_id*, None if it is not indexed."""
        e = self.delta.entries.find(doc_id)
        if e >= 0:
            return self.delta, self.delta.entries.rows(e)
        e = self.main.entries.find(doc_id)
        if e >= 0 and self.main_entry_alive[e]:
            return self.main, self.main.entries.rows(e)
        return None


def _empty_segment(avgdl: float | None = None, dim: int | None = None) -> _Segment:
    return _Segment.build((), avgdl, dim)


def _state_of(main: _Segment) -> _State:
    return _State(
        main=main,
        delta=_empty_segment(main.avgdl, main.dim),
        main_alive=np.ones(main.n, dtype=bool),
        main_entry_alive=np.ones(len(main.entries), dtype=bool),
        delta_groups=(),
    )


# --------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------


#: Margin assumed when a query has a single candidate, and the margin cap.
MARGIN_CAP = 10.0

#: Content match: every content word of the query is in the entry (any of
#: its phrasings), every content word of one of its retrieved phrasings is in
#: the query, and no number or negation differs.  When the best entry is a content
#: match and no other candidate entry is, it gets at least
#: the threshold as confidence (answered, with the lowest
#: confidence that is).  The decision model alone cannot answer short
#: questions (怎么办居住证 -> 居住证怎么办理): the dev split it is fitted on has
#: no paraphrase query under 10 characters, so there every short near match is
#: a hard negative.  On dev this floor answers ~1.5 % more hard negatives and no
#: more out-of-scope questions (bench/faq_fit.py reports the figures with it).
_I_Q_CONTENT = PAIR_FEATURES.index("q_content_entry")
_I_C_CONTENT = PAIR_FEATURES.index("c_content")
_I_NUM = PAIR_FEATURES.index("num_mismatch")
_I_NEG = PAIR_FEATURES.index("neg_mismatch")
_I_RATIO = PAIR_FEATURES.index("ratio")


def topical(pair_features: np.ndarray, logit: float, best_logit: float) -> bool:
    """Whether a candidate is topical (see ``TOPICAL_ENTRY_SHARE``)."""
    f = pair_features
    return bool(
        f[_I_C_CONTENT] >= TOPICAL_ENTRY_SHARE
        and f[_I_Q_CONTENT] >= TOPICAL_QUERY_SHARE
        and best_logit - logit <= TOPICAL_LOGIT_GAP
    )


def shares_content(pair_features: np.ndarray) -> bool:
    """The looser test for the best candidate (see OFFER_SHARE)."""
    f = pair_features
    q, c = f[_I_Q_CONTENT], f[_I_C_CONTENT]
    return bool(q >= OFFER_SHARE and c >= OFFER_SHARE and q + c >= OFFER_SUM)


def semantic_offer(pair_features: np.ndarray, best_semantic: float) -> bool:
    """Whether a candidate of a semantic engine is offered for its meaning (see OFFER_SEMANTIC)."""
    f = pair_features
    cos = float(f[-1])
    q, c = f[_I_Q_CONTENT], f[_I_C_CONTENT]
    return bool(
        cos >= OFFER_SEMANTIC and cos >= best_semantic - OFFER_SEMANTIC_GAP and q >= OFFER_SHARE and q + c >= OFFER_SUM
    )


def agreed_offer(pair_features: np.ndarray, best_semantic: float) -> bool:
    """Whether the best candidate of a semantic engine is offered because both rankings put
    it first (see OFFER_AGREED)."""
    cos = float(pair_features[-1])
    return bool(cos >= OFFER_AGREED and cos >= best_semantic and pair_features[_I_Q_CONTENT] >= OFFER_AGREED_SHARE)


def story_offer(pair_features: np.ndarray, query_chars: int, best_semantic: float | None) -> bool:
    """Whether the best candidate of a long question (a citizen's story) is offered because
    the story mentions what its entry is about (see LONG_QUESTION_CHARS)."""
    if query_chars < LONG_QUESTION_CHARS or pair_features[_I_C_CONTENT] < STORY_ENTRY_SHARE:
        return False
    return best_semantic is None or float(pair_features[-1]) >= best_semantic


def offer_order(matches: Iterable[Match]) -> list[Match]:
    """Entries to offer under 您是不是想问, in the order to show them: closest in meaning
    first for a semantic engine (the decision model's probabilities of entries it would not
    answer are all small and order them poorly), most probable first otherwise."""
    return sorted(matches, key=lambda m: -(m.semantic if m.semantic is not None else m.score))


def content_match(pair_features: np.ndarray) -> bool:
    """Whether a candidate is a content match (see the comment above ``_I_Q_CONTENT``)."""
    f = pair_features
    return bool(f[_I_Q_CONTENT] > 0.999 and f[_I_C_CONTENT] > 0.999 and f[_I_NUM] == 0.0 and f[_I_NEG] == 0.0)


#: Kinds of question (``_QWORD_PATTERNS``) that only say "how" or "what" in general.
_GENERAL_KINDS = frozenset(("how", "what", "howis"))


def _asks_other_kind(cand: _Candidate) -> bool:
    """Whether the question asks a specific kind (when, how much, where, which, who, why,
    yes-no) that the candidate's matched row does not ask: 厨余垃圾几点收 / 厨余垃圾和其他垃圾怎么分,
    一年级新生入学要考试吗 / 一年级新生入学在哪报名 (see CURATED_CALIBRATION's ``topical_kind``)."""
    if cand.query is None or cand.side is None:
        return False
    return bool(cand.query.kinds - _GENERAL_KINDS - cand.side.kinds)


def _sole_curated_topical(cands: list[_Candidate]) -> bool:
    """The best candidate is a curated entry, topical, without a number or
    negation mismatch, and no other candidate is topical."""
    best = cands[0]
    f = best.features
    if not best.curated or f[_I_NUM] or f[_I_NEG] or not topical(f, best.logit, best.logit):
        return False
    if f[_I_Q_CONTENT] < CURATED_QUERY_SHARE:
        return False
    return not any(topical(o.features, o.logit, best.logit) for o in cands[1:])


def decision_features(
    pair_features: np.ndarray, logit: float, rival_logit: float, rival_semantic: float | None = None
) -> np.ndarray:
    """Decision-model input for a candidate (DECISION_FEATURES order; with
    *rival_semantic*, the best other candidate's cosine, SEM_DECISION_FEATURES)."""
    margin = max(min(logit - rival_logit, MARGIN_CAP), -MARGIN_CAP)
    tail = () if rival_semantic is None else (pair_features[-1] - rival_semantic,)
    return np.concatenate(([1.0, logit, margin], pair_features[1:], tail))


def _decision_inputs(cands: list[_Candidate], n: int, semantic: bool = False) -> list[np.ndarray]:
    """Decision-model input of each of the first *n* candidates: its margin is
    taken over the best other candidate (the runner-up for the best one); with
    *semantic*, its cosine margin over the highest cosine of the others (0 for
    them when it is the only candidate) and its CONTEXT_FEATURES."""
    out = []
    for i, c in enumerate(cands[:n]):
        if len(cands) == 1:
            rival = c.logit - MARGIN_CAP
        else:
            rival = cands[1].logit if i == 0 else cands[0].logit
        if semantic:
            others = [o for o in cands if o is not c]
            rival_sem = max((float(o.features[-1]) for o in others), default=0.0)
            rival_cand = (cands[1] if i == 0 else cands[0]) if others else None
            out.append(np.concatenate((decision_features(c.features, c.logit, rival, rival_sem),
                                       _context_features(c, others, rival_cand))))
        else:
            out.append(decision_features(c.features, c.logit, rival))
    return out


_NUM_CHARS = frozenset("0123456789零一二两三四五六七八九十")


def _order_swap(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Share of the pairs of words both texts have that appear in the other order."""
    pos_b = {}
    for i, t in enumerate(b):
        pos_b.setdefault(t, i)
    pairs = []
    seen = set()
    for i, t in enumerate(a):
        if t in pos_b and t not in seen:
            seen.add(t)
            pairs.append(pos_b[t])
    n = len(pairs)
    if n < 2:
        return 0.0
    swapped = sum(1 for i in range(n) for j in range(i + 1, n) if pairs[i] > pairs[j])
    return swapped / (n * (n - 1) / 2)


def _diff_features(q: str, c: str) -> list[float]:
    """difflib's view of two compact texts: replaced stretches, inserted or deleted ones,
    the share of each text's characters outside the common stretches, and whether a
    replaced stretch has a number on both sides."""
    replaced = indels = q_chars = c_chars = 0
    num = 0.0
    for op, a1, a2, b1, b2 in SequenceMatcher(None, q, c, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        q_chars += a2 - a1
        c_chars += b2 - b1
        if op == "replace":
            replaced += 1
            if _NUM_CHARS.intersection(q[a1:a2]) and _NUM_CHARS.intersection(c[b1:b2]):
                num = 1.0
        else:
            indels += 1
    return [replaced, indels, q_chars / max(len(q), 1), c_chars / max(len(c), 1), num]


def _context_features(c: _Candidate, others: list[_Candidate], rival: _Candidate | None) -> np.ndarray:
    """CONTEXT_FEATURES of candidate *c* among the *others* (its *rival*: the runner-up
    for the best candidate, the best one for the others)."""
    cos = float(c.features[-1])
    other_cos = [float(o.features[-1]) for o in others]
    q, t = c.query, c.side
    if rival is not None:
        rival_cos, rival_ratio = float(rival.features[-1]), float(rival.features[_I_RATIO])
        entry_cos = float(c.vec.astype(np.float32) @ rival.vec.astype(np.float32)) \
            if c.vec is not None and rival.vec is not None else 0.0
        entry_ratio = fuzz.ratio(c.text, rival.text) / 100.0
    else:
        rival_cos = rival_ratio = entry_cos = entry_ratio = 0.0
    return np.array(
        [
            1.0 if all(cos >= o for o in other_cos) else 0.0,
            float(sum(1 for o in other_cos if o > cos)),
            cos - (sum(other_cos) / len(other_cos) if other_cos else 0.0),
            float(sum(1 for o in others if c.logit - o.logit < 1.0)),
            rival_cos,
            rival_ratio,
            float(len(others) + 1),
            c.logit * cos,
            _order_swap(q.tokens, t.tokens),
            *_diff_features(q.compact, t.compact),
            entry_cos,
            entry_ratio,
            float(len(q.compact)),
            float(len(t.compact)),
        ]
    )


@dataclass
class _Candidate:
    doc_id: DocId
    text: str
    logit: float
    features: np.ndarray
    content: bool = False  # some retrieved row of the entry is a content match
    curated: bool = False  # the entry has similar phrasings besides its question
    wording: int = 0  # best ``_wording`` of its rows
    sure: int = 0  # 2: the only same wording, 1: the only curated row one edit away
    conflict: bool = False  # the best candidate asks about another procedure (KEY_TERM_IDF)
    side: _Side | None = None  # the matched row's text
    query: _Side | None = None  # the question's
    vec: np.ndarray | None = None  # the matched row's embedding (semantic engines)
    c_content: float = 0.0  # the highest ``c_content`` of its retrieved rows
    wording_text: str = ""  # the text of its row with the best ``wording``
    rule: str = "model"  # what set its confidence (``Match.rule``), for the best candidate
    foreign: bool = False  # the question has a key word no row of the entry has (``_foreign_word``)


@dataclass(frozen=True)
class _Declined:
    """Questions curators declined (``MatchingEngine.set_declined``): their wordings
    (after synonyms and before), and for the small-edit check each one's core, side and
    wording before synonyms."""

    exact: frozenset[str]
    cores: tuple[str, ...]
    sides: tuple[tuple[_Side, str], ...]
    #: Their embeddings (float32 unit rows) on a semantic engine, else None.
    vecs: np.ndarray | None = None
    #: Their readings in the government's words (``spelling.everyday``) where those differ,
    #: as ``exact`` / ``cores`` / ``sides``: they decline only a question the engine read
    #: the same way, never one typed in those words (see ``MatchingEngine.set_declined``).
    read: tuple[frozenset[str], tuple[str, ...], tuple[tuple[_Side, str], ...]] = (frozenset(), (), ())


def _negates_row(best: _Candidate) -> bool:
    """Whether the question negates a word of its best candidate's matched row (of a curated
    entry) that the row does not negate, or asks about the time before what the row is after
    (attack P4: 未离职 / 还没辞职 / 没租房 / 不是灵活就业 answered with 离职后… / 租房… /
    灵活就业人员… in 匹配度高; 辞职前 with 辞职了…)."""
    if not best.curated or best.side is None or best.query is None:
        return False
    q, row = best.query.tokens, best.side.tokens
    for i, w in enumerate(q):
        if len(w) < 2 or w not in row:
            continue
        j = row.index(w)
        row_negated = j > 0 and row[j - 1] in NEGATORS
        if i > 0 and q[i - 1] in NEGATORS and not row_negated and not _asks_to_do(q, i, row, j):
            return True
        if i + 1 < len(q) and q[i + 1] in _BEFORE_WORDS and j + 1 < len(row) and row[j + 1] in _AFTER_WORDS:
            return True
    return False


#: A question's ending that asks what to do now (…还没补办怎么办).
_WHAT_TO_DO = frozenset({"怎么办", "咋办", "怎么弄", "咋弄", "如何处理", "怎么处理", "怎么解决", "如何办理", "怎么办理"})


def _asks_to_do(q: list[str], i: int, row: list[str], j: int) -> bool:
    """Whether the question's negated ``q[i]`` is what it asks how to do, as the row does —
    not a case the row is about (review 13: 社保卡丢了还没补办怎么办, 居住证到期了还没续签怎么办,
    养老服务补贴没申请怎么申请 were no longer answered): the word asked again without the
    negation (没申请怎么申请), or the question going on to ask what to do about it, while the
    row does not put the word as the case it is after (离职后…: 还没离职怎么办 stays declined)."""
    word = q[i]
    if word in q[i + 1:]:
        return True
    if j + 1 < len(row) and row[j + 1] in _AFTER_WORDS:
        return False
    rest = [w for w in q[i + 1:] if w not in ("呢", "的话", "，", ",", "了", "啊")]
    return bool(rest) and (rest[0] in _WHAT_TO_DO or "".join(rest[:2]) in _WHAT_TO_DO)


class MatchingEngine:
    """FAQ matching engine.  See the module docstring."""

    def __init__(
        self,
        docs: Iterable[FaqDoc] = (),
        synonyms: Iterable[Iterable[str]] = (),
        threshold: float | None = None,
        model: DecisionModel | None = None,
        embedder: Embedder | None = None,
    ):
        ensure_jieba()
        _external_idf()
        #: The sentence embedder of the semantic feature (None: lexical features only).
        self.embedder = embedder
        self.semantic = embedder is not None
        self._pair_coef = SEM_PAIR_COEF if self.semantic else PAIR_COEF
        #: The decision model (swap it with :meth:`set_model`).
        self.model = base_model(self.semantic)
        if model is not None:
            self.set_model(model)
        self._threshold = None if threshold is None else float(threshold)
        self._declined = _Declined(frozenset(), (), ())
        #: Pairs of one-character words already judged by ``_same_word``.
        self._same_words: dict[tuple[str, str], bool] = {}
        #: (state, its spelling.SoundIndex or None), built on the first question after a change.
        self._sound: tuple[_State, spelling.SoundIndex | None] | None = None
        self._set_synonyms(synonyms)
        #: Merge the delta segment into the main one when it grows (see ``DELTA_MERGE_MIN``).
        self.merge_delta = True
        self._lock = threading.Lock()
        self._state = self._build_state(list(docs))

    @property
    def threshold(self) -> float:
        """The answer threshold: the one given to the constructor, else the model's."""
        return self._threshold_of(self.model)

    def _set_synonyms(self, synonyms: Iterable[Iterable[str]]) -> None:
        #: The synonym groups given (without the built-in ones), as written to an index file.
        self.synonym_groups = tuple(tuple(str(t) for t in group) for group in synonyms)
        self._synonyms = _Synonyms((*BUILTIN_SYNONYMS, *self.synonym_groups))

    def set_declined(self, questions: Iterable[str]) -> None:
        """The questions curators said no answer should be given to (``不应给出答案``): the
        same wording, or a small edit of it that makes no other word (as for curated
        wording, ``_wording``), gets no answer and no entry offered -- unless an entry has
        that very wording. A declined everyday wording (身份证找不到了去哪补) is also declined
        in its reading in the government's words (身份证丢了去哪补, ``_read``), but only for a
        question the engine reads that way: the standard wording typed as such is another
        question, which the curator did not decline. Replaces the previous set (one
        reference swap)."""
        typed: tuple[set[str], dict[str, tuple[_Side, str]]] = (set(), {})
        read: tuple[set[str], dict[str, tuple[_Side, str]]] = (set(), {})
        texts: list[str] = []
        for text in questions:
            if not isinstance(text, str):
                continue
            text = without_introduction(text)  # read as questions are (a logged 我是王**，…)
            reading = spelling.everyday(spelling.standardise(text))
            for variant, (exact, sides) in ((text, typed), *(((reading, read),) if reading != text else ())):
                an = self._analyse(variant, MAX_QUERY_CHARS)
                if not an.tokens:
                    continue
                core, raw = _core(an.compact), _raw_core(variant)
                exact.update((core, raw))
                sides[core] = (_side_of(an.seg), raw)
            if self._analyse(text, MAX_QUERY_CHARS).tokens:
                texts.append(text[:MAX_QUERY_CHARS])
        vecs = None
        if self.embedder is not None and texts:
            vecs = np.asarray(self.embedder.encode(texts), dtype=np.float32)
        self._declined = _Declined(frozenset(typed[0]), tuple(typed[1]), tuple(typed[1].values()), vecs,
                                   (frozenset(read[0]), tuple(read[1]), tuple(read[1].values())))

    def _means_declined(self, query: str, best: _Candidate) -> bool:
        """Whether the question means a declined one (SAME_MEANING_COSINE) more than it means
        the best entry's texts (a rewording of a 不应给出答案 question: attack G28's 公积金贷款利息是多少
        after 公积金贷款利率是多少 was declined)."""
        vecs = self._declined.vecs
        if vecs is None or self.embedder is None:
            return False
        qvec = np.asarray(self.embedder.encode([query[:MAX_QUERY_CHARS]])[0], dtype=np.float32)
        cos = float(np.max(vecs @ qvec))
        return cos >= SAME_MEANING_COSINE and cos > float(best.features[-1])

    def _is_declined(self, query: str, qside: _Side | None, reread: bool = False) -> bool:
        """Whether the question (as read: *query*, *qside*) is a declined one or a small edit
        of one; with *reread* (the engine read it in the government's words or with a typo
        corrected) also one of the declined questions' own readings."""
        declined = self._declined
        if not declined.exact or qside is None:
            return False
        q_core, q_raw = _core(qside.compact), _raw_core(query)
        sets = [(declined.exact, declined.cores, declined.sides)]
        if reread:
            sets.append(declined.read)
        allowed = max((edits for _chars, edits in NEAR_EDITS), default=0)
        for exact, cores, sides in sets:
            if q_core in exact or q_raw in exact:
                return True
            for _core_text, _score, i in process.extract_iter(q_core, cores, scorer=Levenshtein.distance,
                                                              score_cutoff=allowed):
                side, raw = sides[i]
                if _wording(qside, side, q_raw, raw, self._same_word):
                    return True
        return False

    def _same_word(self, a: str, b: str) -> bool:
        """Whether two one-character words replacing each other mean the same: a sound-alike
        typo, or (with an embedder) a cosine of at least SAME_WORD_COSINE (see ``_wording``)."""
        if _same_sound(a, b):
            return True
        if self.embedder is None:
            return False
        key = (a, b) if a < b else (b, a)
        same = self._same_words.get(key)
        if same is None:
            va, vb = np.asarray(self.embedder.encode(list(key)), dtype=np.float32)
            same = float(va @ vb) >= SAME_WORD_COSINE
            if len(self._same_words) >= 4096:
                self._same_words.clear()
            self._same_words[key] = same
        return same

    def set_model(self, model: DecisionModel) -> None:
        """Use another decision model from the next query on (one reference swap).
        It must be of the engine's kind (``model.semantic == engine.semantic``)."""
        if model.semantic != self.semantic:
            kind = "semantic" if self.semantic else "lexical"
            raise ValueError(f"a {kind} engine needs a {kind} decision model")
        self.model = model

    # ---------------------------------------------------------------- text

    def _analyse(self, text: str, limit: int) -> _Text:
        t = join_cjk(match_text(text[: limit * 2]))[:limit]
        t = self._synonyms.apply(t)
        if not t:
            return _Text((), "")
        tokens = tuple(tok for tok in jieba.lcut(t) if tok.strip())
        return _Text(tokens, "".join(tokens))

    def _sound_index(self, state: _State) -> spelling.SoundIndex | None:
        """The vocabulary of the curated entries (two or more rows) and the synonym groups,
        by sound (``spelling.SoundIndex``); None without any or without pypinyin."""
        cached = self._sound
        if cached is not None and cached[0] is state:
            return cached[1]
        terms = [t for group in (*BUILTIN_SYNONYMS, *self.synonym_groups) for t in group]
        words: list[str] = []
        for seg, alive in ((state.main, state.main_entry_alive), (state.delta, None)):
            curated = np.diff(seg.entries.starts) >= 2
            if alive is not None:
                curated &= alive
            for e in np.flatnonzero(curated).tolist():
                for r in seg.entries.rows(e):
                    words.extend(seg.segs[r].split(" "))
        index = (spelling.SoundIndex(words, terms, _external_idf().get)
                 if words and spelling.available() else None)
        self._sound = (state, index if index else None)
        return self._sound[1]

    def _rewrite(self, query: str) -> tuple[str, str]:
        """The question as the engine reads it: without the clauses that only greet or say
        who the citizen is (``interact.faq.introduction``), dialect forms in standard
        Mandarin (``interact.faq.spelling``) and, against the curated vocabulary, a question typed in pinyin
        written in characters; and that text in the government's words
        (``spelling.everyday``: 身份证找不到了 → 身份证丢了) with its sound-alike typos corrected
        (the same text when there is neither)."""
        if not isinstance(query, str) or not query:
            return query, query
        query = spelling.standardise(without_introduction(query[: MAX_QUERY_CHARS * 2]))
        sound = self._sound_index(self._state)
        if sound is None:
            return query, query
        query = sound.from_pinyin(match_text(query)) or query
        head = query[:MAX_QUERY_CHARS]  # what the engine reads of it
        fixed = sound.correct(spelling.everyday(head))
        return query, (query if fixed == head else fixed)

    def _read(self, query: str, model: DecisionModel | None = None) -> tuple[str, list[_Candidate]]:
        """The question as read (``_rewrite``) and its candidates. A typo correction never
        takes an answer away and gives one only to a question that had none (with *model*,
        default the engine's): a homophone of a word the curated entries use is not always a
        typo (place names: 金塘村 / 现金, 辅道 / 辅导 were proposed on dev questions). When
        neither reading is answered, the one matching an entry better (higher best pair
        logit) decides what is offered."""
        return self._reading(query, model)[:2]

    def _reading(self, query: str, model: DecisionModel | None = None) -> tuple[str, list[_Candidate], bool]:
        """``_read``, and whether the question was read corrected (in the government's words
        or with a typo corrected) rather than as typed."""
        plain, corrected = self._rewrite(query)
        cands = self._candidates(plain)
        if corrected == plain:
            return plain, cands, False
        alt = self._candidates(corrected)
        if not alt:
            return plain, cands, False
        if not cands:
            return corrected, alt, True
        model = model or self.model
        threshold = self._threshold_of(model)
        if self._confidences(cands, 1, model)[0] >= threshold:
            return plain, cands, False
        if self._confidences(alt, 1, model)[0] >= threshold or alt[0].logit > cands[0].logit:
            return corrected, alt, True
        return plain, cands, False

    def _doc_rows(self, doc: FaqDoc) -> list[tuple[DocId, str, str, tuple[str, ...]]]:
        keywords: list[str] = []
        for kw in doc.keywords:
            keywords.extend(self._analyse(str(kw), 50).tokens)
        extra = tuple(dict.fromkeys(keywords))
        rows = []
        seen: set[str] = set()
        for text in (doc.question, *doc.phrasings):
            if not isinstance(text, str):
                continue
            an = self._analyse(without_introduction(text), MAX_DOC_CHARS)
            if not an.tokens or an.compact in seen:
                continue
            seen.add(an.compact)
            rows.append((doc.id, an.seg, text, extra, None))
        return rows

    def _embedded(self, rows: list) -> list:
        """*rows* with the embedding of each text (float16), when the engine has an embedder.
        Embedded in chunks into one float16 array, so a large build holds no float32 copy."""
        if self.embedder is None or not rows:
            return rows
        vecs = np.empty((len(rows), self.embedder.dim), dtype=np.float16)
        for start in range(0, len(rows), EMBED_CHUNK):
            chunk = rows[start:start + EMBED_CHUNK]
            vecs[start:start + len(chunk)] = self.embedder.encode([r[2] for r in chunk])
        return [(*r[:4], v) for r, v in zip(rows, vecs)]

    # --------------------------------------------------------------- build

    @property
    def _dim(self) -> int | None:
        return None if self.embedder is None else self.embedder.dim

    def _groups(self, docs: Iterable[FaqDoc]) -> dict[DocId, _Group]:
        """Each entry's rows (embedded in one batch when the engine has an embedder)."""
        by_id: dict[DocId, FaqDoc] = {}
        for d in docs:
            by_id[d.id] = d  # last one wins, like an update
        rows = self._embedded([r for d in by_id.values() for r in self._doc_rows(d)])
        groups: dict[DocId, list[_Row]] = {doc_id: [] for doc_id in by_id}
        for doc_id, seg, text, extra, vec in rows:
            groups[doc_id].append((seg, text, extra, vec))
        return {doc_id: (doc_id, tuple(entry_rows)) for doc_id, entry_rows in groups.items()}

    def _build_state(self, docs: list[FaqDoc]) -> _State:
        return _state_of(_Segment.build(list(self._groups(docs).values()), dim=self._dim))

    def rebuild(self, docs: Iterable[FaqDoc], synonyms: Iterable[Iterable[str]] | None = None) -> None:
        """Replace the whole index (and optionally the synonym table).

        The new index is built off to the side and swapped in atomically;
        searches running meanwhile use the old one.
        """
        docs = list(docs)
        with self._lock:
            if synonyms is not None:
                self._set_synonyms(synonyms)
            self._state = self._build_state(docs)

    def _state_with(self, state: _State, main_alive: np.ndarray, entry_alive: np.ndarray,
                    delta_groups: list[_Group]) -> _State:
        """*state* with new alive masks and delta entries; merges the delta into the main
        index when it has grown (or the main index has too many dead rows), unless
        :attr:`merge_delta` is off."""
        main = state.main
        limit = max(DELTA_MERGE_MIN, int(DELTA_MERGE_SHARE * main.n))
        delta_rows = sum(len(rows) for _, rows in delta_groups)
        dead = int(main.n - np.count_nonzero(main_alive))
        if self.merge_delta and (delta_rows > limit or dead > max(DELTA_MERGE_MIN, main.n // 4)):
            groups = [main.group(e) for e in np.flatnonzero(entry_alive).tolist()]
            groups.extend(delta_groups)
            return _state_of(_Segment.build(groups, dim=self._dim))
        delta = _Segment.build(delta_groups, main.avgdl, self._dim)
        return _State(main, delta, main_alive, entry_alive, tuple(delta_groups))

    def update_many(self, docs: Iterable[FaqDoc] = (), removed: Iterable[DocId] = ()) -> None:
        """Add or replace *docs* and remove the entries *removed*, in one step (the delta
        segment is rebuilt once, not once per entry)."""
        groups = self._groups(docs)
        with self._lock:
            state = self._state
            main = state.main
            drop = set(groups) | set(removed)
            main_alive, entry_alive = state.main_alive, state.main_entry_alive
            copied = False
            for doc_id in drop:
                e = main.entries.find(doc_id)
                if e >= 0 and entry_alive[e]:
                    if not copied:
                        main_alive, entry_alive, copied = main_alive.copy(), entry_alive.copy(), True
                    entry_alive[e] = False
                    rows = main.entries.rows(e)
                    main_alive[rows.start : rows.stop] = False
            delta_groups = [g for g in state.delta_groups if g[0] not in drop]
            delta_groups.extend(groups.values())
            self._state = self._state_with(state, main_alive, entry_alive, delta_groups)

    def add(self, doc: FaqDoc) -> None:
        """Add an entry, or replace the entry with the same id (update)."""
        self.update_many([doc])

    update = add

    def remove(self, doc_id: DocId) -> bool:
        """Remove an entry; returns False if it was not indexed."""
        if self._state.locate(doc_id) is None:
            return False
        self.update_many(removed=[doc_id])
        return True

    def __len__(self) -> int:
        return self._state.n_docs

    def __contains__(self, doc_id: object) -> bool:
        return self._state.locate(doc_id) is not None  # type: ignore[arg-type]

    # ------------------------------------------------------------ storage

    def arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The index as ``(meta, arrays)`` for :mod:`interact.faq.indexfile` (pending
        changes merged first): what :meth:`from_arrays` needs to answer exactly like this
        engine. Array names: ``main.<name>`` for :attr:`_Segment.ARRAYS`."""
        state = self._state
        main = state.main
        if state.delta_groups or not state.main_entry_alive.all():
            groups = [main.group(e) for e in np.flatnonzero(state.main_entry_alive).tolist()]
            main = _Segment.build(groups + list(state.delta_groups), dim=self._dim)
        meta = {"avgdl": main.avgdl, "synonyms": [list(g) for g in self.synonym_groups],
                "entries": len(main.entries), "rows": main.n,
                "embedder": None if self.embedder is None else self.embedder.name}
        return meta, {f"main.{name}": value for name, value in main.arrays().items()}

    @classmethod
    def from_arrays(cls, meta: dict, arrays: dict[str, np.ndarray], threshold: float | None = None,
                    model: DecisionModel | None = None, embedder: Embedder | None = None) -> "MatchingEngine":
        """An engine over an index written by :meth:`arrays` (the arrays may be read-only
        views of a mapped file: nothing is copied), with the embedder it was written with
        (``meta["embedder"]`` names it). Its changes stay in a delta segment
        (``merge_delta`` is off): a new file replaces it when they grow."""
        if meta.get("embedder") != (None if embedder is None else embedder.name):
            raise ValueError(f"an index of embedder {meta.get('embedder')} needs that embedder")
        engine = cls((), meta.get("synonyms", ()), threshold=threshold, model=model, embedder=embedder)
        main = {name[5:]: value for name, value in arrays.items() if name.startswith("main.")}
        engine._state = _state_of(_Segment.from_arrays(main, float(meta["avgdl"])))
        engine.merge_delta = False
        return engine

    # -------------------------------------------------------------- search

    @staticmethod
    def _query_terms(state: _State, q: _Text) -> _QueryTerms:
        counts = Counter(_terms(q.tokens, q.compact))
        hashes = np.fromiter((_term_hash(t) for t in counts), dtype=np.int64, count=len(counts))
        qtf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        main_tids = state.main.lookup(hashes)
        delta_tids = state.delta.lookup(hashes)
        df = state.main.dfs(main_tids) + state.delta.dfs(delta_tids)
        n_total = max(state.n_rows, 1)
        idf = np.log(1.0 + (n_total - df + 0.5) / (df + 0.5))
        return _QueryTerms(qtf, df, idf, main_tids, delta_tids)

    def _retrieve(self, state: _State, q: _Text, qt: _QueryTerms, limit: int) -> list[tuple[str, int, float]]:
        """Top BM25 rows: (segment name, row, score)."""
        n_total = state.n_rows
        if n_total == 0 or not q.tokens:
            return []
        use = qt.df > 0
        if not use.any():
            return []
        # Skip very frequent terms when the query has enough rarer ones: they
        # weigh little and their long posting lists cost the most.
        rare = use & (qt.df <= FREQUENT_TERM_SHARE * n_total)
        if np.count_nonzero(rare) >= 3:
            use = rare
        weights = (qt.idf * qt.qtf)[use]
        out: list[tuple[str, int, float]] = []
        for name, seg, tids, alive in (
            ("main", state.main, qt.main_tids, state.main_alive),
            ("delta", state.delta, qt.delta_tids, None),
        ):
            if seg.n:
                out.extend((name, r, v) for r, v in seg.top(tids[use], weights, limit, alive))
        out.sort(key=lambda x: -x[2])
        return out[:limit]

    @staticmethod
    def _self_bm25(state: _State, qt: _QueryTerms) -> float:
        """BM25 of the query against itself (normaliser for bm25n)."""
        length = float(qt.qtf.sum())
        avgdl = state.main.avgdl if state.main.n else state.delta.avgdl
        norm = BM25_K1 * (1.0 - BM25_B + BM25_B * length / avgdl)
        tf = qt.qtf
        return float(np.sum(tf * qt.idf * tf * (BM25_K1 + 1.0) / (tf + norm)))

    @staticmethod
    def _pair_features(q: _Side, c: _Side, bm25n: float, entry: _Vocab | None = None) -> np.ndarray:
        """Features of one (query, candidate row) pair, in PAIR_FEATURES order.

        *entry* is the vocabulary of all the rows of the candidate's entry
        (the row's own when None): the query's content words count as
        covered when any phrasing of the entry has them."""
        if entry is None:
            entry = _Vocab(c.token_set, c.chars)
        q_cover, q_diff, q_dsum = _side_cover(q, c)
        c_cover, c_diff, c_dsum = _side_cover(c, q)
        qb, cb = q.bigrams, c.bigrams
        dice = 2.0 * len(qb & cb) / (len(qb) + len(cb)) if qb and cb else 0.0
        qc, cc = q.compact, c.compact
        lq, lc = len(qc), len(cc)
        qk, ck = q.kinds, c.kinds
        q_content = _content_cover(q.content, entry.tokens, entry.chars)
        c_content = _content_cover(c.content, q.token_set, q.chars)
        return np.array(
            [
                1.0,
                min(bm25n, 1.5),
                fuzz.ratio(qc, cc) / 100.0,
                fuzz.partial_ratio(qc, cc) / 100.0,
                fuzz.token_set_ratio(q.spaced, c.spaced) / 100.0,
                fuzz.token_sort_ratio(q.spaced, c.spaced) / 100.0,
                dice,
                min(lq, lc) / max(lq, lc, 1),
                q_cover,
                c_cover,
                q_diff,
                c_diff,
                1.0 if q.numbers != c.numbers else 0.0,
                1.0 if q.negations != c.negations else 0.0,
                1.0 if qc == cc else 0.0,
                Indel.normalized_similarity(q.tokens, c.tokens),
                math.log1p(lq) / 5.0,
                min(q_dsum, 3.0),
                min(c_dsum, 3.0),
                min(q_diff, c_diff),
                len(qk ^ ck) / max(len(qk | ck), 1),
                len(q.token_set & c.token_set) / max(len(q.token_set | c.token_set), 1),
                q_content,
                c_content,
            ]
        )

    @staticmethod
    def _entry_vocab(state: _State, doc_id: DocId) -> _Vocab | None:
        loc = state.locate(doc_id)
        if loc is None:
            return None
        seg, rows = loc
        return _vocab_of(tuple(seg.segs[i] for i in rows))

    @staticmethod
    def _entry_semantic(state: _State, doc_id: DocId, qvec: np.ndarray) -> float:
        """The best cosine between the query and the rows of entry *doc_id*."""
        loc = state.locate(doc_id)
        if loc is None or not len(loc[1]):
            return 0.0
        seg, rows = loc
        vecs = seg.vecs[rows.start] if len(rows) == 1 else seg.vecs[rows.start : rows.stop]
        return float(np.max(vecs.astype(np.float32) @ qvec))

    def _scored_rows(self, query: str, state: _State | None = None) -> list[tuple]:
        """Retrieved rows with their pair features: (doc id, row text, features,
        wording: 2 same wording, 1 one character apart, 0 otherwise, the row's
        ``_Side``, the query's ``_Side``, the row's embedding or None).  With an
        embedder the features end with the entry's cosine (SEM_PAIR_FEATURES):
        the query is embedded once, after retrieval found candidates."""
        if not isinstance(query, str) or not query:
            return []
        if state is None:
            state = self._state
        q = self._analyse(query, MAX_QUERY_CHARS)
        if not q.tokens or not state.n_rows:
            return []
        qt = self._query_terms(state, q)
        hits = self._retrieve(state, q, qt, CANDIDATES)
        if not hits:
            return []
        self_score = self._self_bm25(state, qt) or 1.0
        qside = _side_of(q.seg)
        # The wording before synonyms only differs from the one after when curated synonyms
        # exist (a typo inside one: 住房公积今); without them it is not computed.
        raw = bool(self.synonym_groups)
        q_raw = _raw_core(query) if raw else ""
        qvec = None
        if self.embedder is not None:
            qvec = self.embedder.encode([query[:MAX_QUERY_CHARS]])[0]
        semantic: dict[DocId, float] = {}
        out = []
        for name, row, score in hits:
            seg = state.main if name == "main" else state.delta
            doc_id = seg.doc_id(row)
            cside = _side_of(seg.segs[row])
            feats = self._pair_features(qside, cside, score / self_score, self._entry_vocab(state, doc_id))
            if qvec is not None:
                if doc_id not in semantic:
                    semantic[doc_id] = self._entry_semantic(state, doc_id, qvec)
                feats = np.append(feats, semantic[doc_id])
            vec = None if seg.vecs is None else seg.vecs[row]
            text = seg.texts[row]
            out.append((doc_id, text, feats, _wording(qside, cside, q_raw, _raw_core(text) if raw else "", self._same_word), cside,
                        qside, vec))
        return out

    def _candidates(self, query: str) -> list[_Candidate]:
        """Re-ranked candidates, one per entry (its best row), best first."""
        state = self._state
        best: dict[DocId, _Candidate] = {}
        for doc_id, text, feats, wording, cside, qside, vec in self._scored_rows(query, state):
            logit = float(feats @ self._pair_coef)
            prev = best.get(doc_id)
            content = content_match(feats) or (prev is not None and prev.content)
            # The row with the closest wording is the one shown when the wording decides.
            wording_text = text if prev is None or wording > prev.wording else prev.wording_text
            wording = max(wording, prev.wording if prev is not None else 0)
            c_content = max(float(feats[_I_C_CONTENT]), prev.c_content if prev is not None else 0.0)
            if prev is None or logit > prev.logit:
                best[doc_id] = _Candidate(doc_id, text, logit, feats, content, wording=wording, side=cside,
                                          query=qside, vec=vec, c_content=c_content, wording_text=wording_text)
            else:
                prev.content = content
                prev.wording = wording
                prev.wording_text = wording_text
                prev.c_content = c_content
        for cand in best.values():
            loc = state.locate(cand.doc_id)
            cand.curated = loc is not None and len(loc[1]) >= 2
        ranked = sorted(best.values(), key=lambda c: -c.logit)
        # Curated wording wins: the only entry with the same wording (or, for
        # curated entries, the only one a character away) goes first.
        same = [c for c in ranked if c.wording == 2]
        near = [c for c in ranked if c.wording == 1 and c.curated] if not same else []
        for group, kind in ((same, 2), (near, 1)):
            if len(group) == 1:
                group[0].sure = kind
                ranked.remove(group[0])
                ranked.insert(0, group[0])
                break
        # A question that asks less than its best entry is no typo of it either (社保卡怎么办 /
        # 社保卡丢了怎么办: 丢 dropped): not answered, still offered.
        if ranked and ranked[0].sure != 2 and (self._asks_less(state, ranked[0], ranked[1:])
                                               or self._drops_qualifier(state, ranked[0])):
            ranked[0].sure, ranked[0].conflict = 0, True
        elif ranked and ranked[0].curated:
            ranked[0].foreign = self._foreign_word(state, ranked[0])
        # A typo (``sure`` 1) was checked for making another word already (``_wording``).
        if ranked and not ranked[0].sure and not ranked[0].conflict:
            ranked[0].conflict = (self._key_term_conflict(state, ranked[0], ranked[1:])
                                  or self._facet_conflict(state, ranked[0])
                                  or _negates_row(ranked[0])
                                  or self._swaps_key_term(state, ranked[0]))
        return ranked

    @staticmethod
    def _swaps_key_term(state: _State, best: _Candidate) -> bool:
        """Whether the question is the best candidate's matched row (of a curated entry) with
        a key word of the row (general IDF >= KEY_TERM_IDF, two characters or more) replaced
        in its place by words no row of the entry has (attack P2: 门诊 / 急诊 for 住院 in
        住院医保报销比例是多少, 在国外 / 在港澳 for 在外地 in 在外地看病医保能报销吗, 企业年金 for 养老金):
        a sibling of what tells the entry from its neighbours, so another question.
        Words added beside the row's (大学生医保断缴了…) are not replaced ones."""
        loc = state.locate(best.doc_id)
        if not best.curated or loc is None or best.side is None or best.query is None:
            return False
        q, row = best.query, best.side
        ext = _external_idf()
        verbs = _verb_words()
        ops = [op for op in SequenceMatcher(None, q.tokens, row.tokens, autojunk=False).get_opcodes() if op[0] != "equal"]

        def said(tokens: tuple[str, ...]) -> list[str]:
            return [t for t in tokens if len(t) >= 2 and t not in _FUNCTION_WORDS]

        # One word replaced, nothing else said differently.
        changed = [op for op in ops if said(q.tokens[op[1]:op[2]]) or said(row.tokens[op[3]:op[4]])]
        if len(changed) != 1 or changed[0][0] != "replace":
            return False
        _tag, i1, i2, j1, j2 = changed[0]
        words = said(q.tokens[i1:i2])
        gone = [w for w in said(row.tokens[j1:j2])
                if ext.get(w, 0.0) >= KEY_TERM_IDF and w not in verbs and w not in q.token_set
                and not all(ch in q.chars for ch in w)]
        # A place's name may be one of the row's places (去北京看病 is 在外地看病): no sibling.
        if not gone or not words or any(w in verbs or w in _place_words() for w in words):
            return False
        # Words the entry has elsewhere are no sibling either (年度报告 of 个体户年度报告怎么填); a
        # row with them negated (非本市户籍) is about the others.
        seg, rows = loc
        texts = [seg.segs[i].replace(" ", "") for i in rows]
        return not any(re.search(f"(?<![非不没无]){re.escape(put)}", t) for put in (*words, "".join(words))
                       for t in texts)

    @staticmethod
    def _facet_conflict(state: _State, best: _Candidate) -> bool:
        """Whether the question asks a facet (``FACETS``: cost, opening hours) of a curated
        entry none of whose rows asks it."""
        if not best.curated or best.query is None:
            return False
        asked = [name for name, pat in FACETS.items() if pat.search(best.query.compact)]
        loc = state.locate(best.doc_id) if asked else None
        if loc is None:
            return False
        seg, rows = loc
        sides = [_side_of(seg.segs[i]) for i in rows]
        return any(not any(FACETS[name].search(side.compact) or FACET_KINDS.get(name) in side.kinds for side in sides)
                   for name in asked)

    @staticmethod
    def _foreign_word(state: _State, best: _Candidate) -> bool:
        """Whether the question has a key word (``_key_words``) that no row of the best
        candidate's entry has, as a word or with all its characters in that row (新办 in
        新办社保卡怎么办: 新 is in 换新卡, 办 in 补办, never together)."""
        loc = state.locate(best.doc_id)
        if loc is None or best.query is None:
            return False
        seg, rows = loc
        sides = [_side_of(seg.segs[i]) for i in rows]
        chars = frozenset().union(*(side.chars for side in sides))
        # A row's word inside the question's is the same word lengthened (补 / 补缴, 取出 / 取出来).
        parts = frozenset(u for side in sides for u, _w in side.content)
        if any(all(ch in chars for ch in t)
               and not any(t in side.token_set or all(ch in side.chars for ch in t) for side in sides)
               and not any(u in t for u in parts)
               for t in _key_words(best.query.content)):
            return True
        return _added_qualifier(best.query, sides)

    def _asks_less(self, state: _State, best: _Candidate, others: list[_Candidate]) -> bool:
        """Whether the question asks less than the best candidate's curated entry (see the
        comment above CONFLICT_CAP): it names nothing another retrieved entry does not name too, and every row
        of the entry says something the question does not."""
        loc = state.locate(best.doc_id)
        if not best.curated or loc is None or best.query is None or not others:
            return False
        q = best.query
        keys = _topic_words(q)
        vocabs = (self._entry_vocab(state, other.doc_id) for other in others)
        if not any(vocab is not None and all(t in vocab.tokens for t in keys) for vocab in vocabs):
            return False
        seg, rows = loc
        return all(_left_out_key_words(_side_of(seg.segs[i]), q) for i in rows)

    @staticmethod
    def _drops_qualifier(state: _State, best: _Candidate) -> bool:
        """Whether the question is a curated wording of the best candidate's entry with a
        qualifier left out (see the comment above QUALIFIER_IDF)."""
        loc = state.locate(best.doc_id)
        if not best.curated or loc is None or best.query is None:
            return False
        q = best.query
        keys = _topic_words(q)
        if not keys:
            return False
        seg, rows = loc
        sides = [_side_of(seg.segs[i]) for i in rows]
        # The question adds nothing: a wording has every topic word of it.
        within = [s for s in sides if all(t in s.token_set or all(ch in s.chars for ch in t) for t in keys)]
        if not within:
            return False
        counts = Counter(t for side in sides for t in side.token_set)
        # No wording says as little as the question.
        for side in sides:
            shared = [i for i, t in enumerate(side.tokens) if t in keys]
            if len({side.tokens[i] for i in shared}) < len(set(keys)):
                # Another wording: any word the question lacks (随迁 is a verb to jieba).
                narrower = bool(_qualifiers(side, q, verbs=True))
            else:
                # The question's words and more: a one-character verb it lacks is the act (查 of
                # 怎么查公积金余额 for 公积金余额), not a restriction as 搬家 or 出生 are.
                verbs = _verb_words()
                narrower = any(counts[t] > 1 or side.tokens.index(t) < shared[-1]
                               for t in _qualifiers(side, q, verbs=True) if len(t) > 1 or t not in verbs)
            if not narrower:
                return False
        # And what it leaves out restricts the entry: whose or which kind of thing, or a word
        # half the wordings repeat.
        return any(_modifies(s, q) or any(2 * counts[t] >= len(sides) for t in _qualifiers(s, q, strict=True))
                   for s in within)

    def _key_term_conflict(self, state: _State, best: _Candidate, others: list[_Candidate]) -> bool:
        """Whether the best candidate's entry is about another procedure than the question
        (see KEY_TERM_IDF)."""
        loc = state.locate(best.doc_id)
        if not best.curated or loc is None or best.side is None or best.query is None:
            return False
        q, row = best.query, best.side
        lacking = _missing_key_terms(row.content, q.token_set, q.chars)
        if not lacking:
            return False
        seg, rows = loc
        segs = tuple(seg.segs[i] for i in rows)
        entry = _vocab_of(segs)
        asked = _missing_key_terms(q.content, entry.tokens, entry.chars) + _misspelt_key_terms(q, entry)
        if asked:
            # A substitution: of words sharing a character (离婚 / 结婚), or of a word another
            # retrieved entry is about.
            if any(set(a) & set(b) for a in asked for b in lacking):
                return True
            return any(any(t in vocab.tokens for t in asked) for vocab in
                       (self._entry_vocab(state, other.doc_id) for other in others) if vocab is not None)
        # The question asks nothing the entry lacks: is it as specific as the entry?
        sides = [_side_of(s) for s in segs]
        return any(all(t in s.token_set or all(ch in s.chars for ch in t) for s in sides) for t in lacking)

    def search(self, query: str, k: int = 5) -> list[Match]:
        """Entries ranked best first (at most *k*), scored like :meth:`answer`."""
        cands = self._read(query)[1]
        n = min(max(int(k), 0), len(cands))
        if not n:
            return []
        best_logit, best_sem = cands[0].logit, self._best_semantic(cands)
        return [self._match(c, s, best_logit, best_sem) for c, s in zip(cands, self._confidences(cands, n))]

    def _best_semantic(self, cands: list[_Candidate]) -> float | None:
        """The highest cosine among the candidates (None without an embedder)."""
        if not self.semantic:
            return None
        return max(float(c.features[-1]) for c in cands)

    @staticmethod
    def _match(cand: _Candidate, score: float, best_logit: float, best_sem: float | None = None) -> Match:
        on_topic = topical(cand.features, cand.logit, best_logit)
        if cand.logit == best_logit and not on_topic:
            # Any retrieved phrasing of the entry may show what it shares with the question.
            shared = cand.features
            if cand.c_content > shared[_I_C_CONTENT]:
                shared = shared.copy()
                shared[_I_C_CONTENT] = cand.c_content
            on_topic = shares_content(shared)
        cos = None if best_sem is None else float(cand.features[-1])
        if cos is not None and not on_topic:
            on_topic = semantic_offer(cand.features, best_sem) or (
                cand.logit == best_logit and agreed_offer(cand.features, best_sem))
        if not on_topic and cand.logit == best_logit and cand.query is not None:
            shared = cand.features
            if cand.c_content > shared[_I_C_CONTENT]:
                shared = shared.copy()
                shared[_I_C_CONTENT] = cand.c_content
            on_topic = story_offer(shared, len(cand.query.compact), best_sem)
        return Match(cand.doc_id, score, cand.wording_text if cand.sure else cand.text, on_topic, cos, cand.rule)

    def _confidences(self, cands: list[_Candidate], n: int, model: DecisionModel | None = None) -> list[float]:
        """Decision-model probability for each of the first *n* candidates:
        the probability that this entry answers the query, given its features
        and its margin over the best other candidate.  The best one gets
        EXACT_CONFIDENCE when it is the only entry with the query's wording, and
        at least the model's threshold (answered, lowest band) when it is the only
        curated entry one character away, the only content match among all, or a
        curated entry and the only topical candidate (see CURATED_TOPICAL_FLOOR).
        *model* is the decision model to use (default: the engine's, read once)."""
        if model is None:
            model = self.model
        # The model's own threshold: a stricter one set by the caller also stops the
        # floors from answering.
        floor = model.threshold
        inputs = _decision_inputs(cands, n, self.semantic)
        probs = model.probabilities(np.array(inputs)).tolist() if inputs else []
        out = []
        for i, (c, conf) in enumerate(zip(cands, probs)):
            if i == 0:
                c.rule = "model"
                if c.sure == 2:
                    conf, c.rule = max(conf, EXACT_CONFIDENCE), "wording"
                elif c.conflict:
                    conf = min(conf, floor * CONFLICT_CAP)
                elif conf < floor:
                    if c.sure == 1:
                        conf, c.rule = floor, "near"
                    elif c.content and not any(o.content for o in cands[1:]):
                        conf, c.rule = floor, "content"
                    elif CURATED_TOPICAL_FLOOR and not c.foreign and _sole_curated_topical(cands):
                        conf, c.rule = floor, "topical_kind" if _asks_other_kind(c) else "topical"
            out.append(conf)
        return out

    def decision_inputs(self, query: str, n: int = 5, without: DocId | None = None) -> list[tuple[DocId, np.ndarray]]:
        """(entry id, decision-model input) of the first *n* candidates, best first,
        exactly as :meth:`answer` scores them (for fitting the decision model); *without*:
        as if that entry were not in the knowledge base (its candidate left out before the
        margins are taken: the question's near-topic negative, ``learning.training_rows``)."""
        cands = self._read(query)[1]
        if without is not None:
            cands = [c for c in cands if c.doc_id != without]
        return [(c.doc_id, x) for c, x in zip(cands, _decision_inputs(cands, n, self.semantic))]

    def _threshold_of(self, model: DecisionModel) -> float:
        """The threshold of decisions taken with *model*: the constructor's, else the model's."""
        return model.threshold if self._threshold is None else self._threshold

    def answer(self, query: str) -> Result:
        """The answer / no-answer decision (used by the web layer and the
        benchmark alike).  ``confidence`` equals ``best.score``.  The decision model
        and its threshold are read once: a model swapped in meanwhile
        (:meth:`set_model`) is used from the next question on, never half-way.  A
        question the curators declined (:meth:`set_declined`) gets no answer and
        nothing offered."""
        model = self.model
        threshold = self._threshold_of(model)
        query, cands, reread = self._reading(query, model)
        if not cands or (cands[0].sure != 2 and self._is_declined(query, cands[0].query, reread)):
            return Result(False, 0.0, None, [], threshold)
        if cands[0].sure != 2 and self._means_declined(query, cands[0]):
            cands[0].conflict = True  # not answered; entries may still be offered
        scores = self._confidences(cands, 5, model)
        decided = scores[0]
        if decided >= threshold and cands[0].curated:
            # What this kind of answer proved to be on a curated knowledge base.
            scores[0] = curated_confidence(decided, cands[0].rule, self.semantic)
        best_sem = self._best_semantic(cands)
        matches = [self._match(c, s, cands[0].logit, best_sem) for c, s in zip(cands, scores)]
        conf = scores[0]
        return Result(conf >= threshold, conf, matches[0], matches[1:], threshold, decided)
