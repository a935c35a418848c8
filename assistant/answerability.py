"""Whether the indexed pages answer a question: a learned decision, not hand thresholds.

:func:`signals` describes an answer the pipeline has composed by :data:`SIGNALS`: the
sentence ranker's best and runner-up scores and their margin, both retrievers' scores, how
much of the question the evidence and the answer cover, whether the short answer has the
type asked for, dense similarity, and the question's language. :class:`Answerability` (a
LightGBM classifier trained by ``python -m assistant train`` on questions asked against
indexes with and without their paragraph; :class:`assistant.ranker.Answerability`) turns them into the probability that the answer
is really there (:func:`adjusted`); below its threshold the answer is ``found: false``.

A question in another language is judged on the same signals (its words reach the pages
through the dictionary, :mod:`assistant.glossary`: how much of it the passages and the answer
say is :func:`assistant.glossary.gloss_coverage`; its dense similarities run on another scale): the model learned that scale from reading-set questions said in English
(:func:`assistant.glossary.english_rendering`) and from the English seed questions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from .answer_types import has_type, states_asked
from .candidates import FEATURES, Candidate, idf_overlap
from .config import CONFIDENCE_HITS
from .glossary import gloss_coverage
from .question import QuestionInfo
from .search import Hit
from .short_answer import VALUE_TYPES
from .text import normalize, simplified

ANSWERABILITY_MODEL = "answerability.txt"
ANSWERABILITY_OTHER_MODEL = "answerability_other.txt"  # for questions in another language
SIGNALS = ("best_score", "second_score", "margin", "score_spread", "fused_top", "dense_top", "dense_gap", "dense_z",
           "bm25_top", "coverage", "answer_coverage", "sentence_dense", "sentence_overlap", "sentence_idf_overlap",
           "left_anchor", "predicate_overlap", "expects_type", "type_match", "short_found", "list_answer",
           "lang_other", "question_chars")
BM25_K1 = 1.2  # tantivy's BM25: a word's share of a score is at most idf × (k1 + 1)
TYPE_MISS_PENALTY = 0.5  # a question asking for a type whose short answer is none is half as likely answered
UNSTATED = -1.0  # ``type_match`` of an answer that states no value of the kind asked (:func:`states_asked`)
UNSTATED_PENALTY = 0.25  # …and such an answer a quarter as likely: the pages talk about it without saying it


def signals(info: QuestionInfo, hits: list[Hit], ranked: list[Candidate], answer_text: str, short: str | None,
            listed: bool, idf: Callable[[str], float]) -> list[float]:
    """What the pipeline knows about a composed answer, by :data:`SIGNALS`.

    Args:
        info: the question (resolved with its topic, for a follow-up).
        hits: the ranked passages.
        ranked: the candidate answers with the sentence ranker's scores.
        answer_text: the answer composed (empty: none).
        short: its short answer.
        listed: whether it is an enumeration (or a table row).
        idf: a word's rarity in the index.
    """
    scores = sorted((c.score for c in ranked), reverse=True)
    best = max(ranked, key=lambda c: c.score) if ranked else None
    second = max((c.score for c in ranked if best is not None and _apart(c, best)), default=0.0)
    dense = np.array([h.dense for h in hits if h.dense > 0] or [0.0])
    top = hits[:CONFIDENCE_HITS]
    words = sum(idf(t) for t in info.tokens if t not in info.wh) or 1.0

    def covered(text: str) -> float:  # the question's words in the text; an English one's through the dictionary
        return idf_overlap(info, normalize(text), idf) if info.lang == "zh" else gloss_coverage(info.text, simplified(text))

    def feature(name: str) -> float:
        return best.features[FEATURES.index(name)] if best is not None else 0.0

    values = {
        "best_score": scores[0] if scores else 0.0,
        "second_score": second,
        "margin": (scores[0] - second) if scores else 0.0,
        "score_spread": (scores[0] - float(np.mean(scores))) if scores else 0.0,
        "fused_top": hits[0].score if hits else 0.0,
        "dense_top": float(dense.max()),
        "dense_gap": float(dense.max() - dense.mean()),
        "dense_z": float((dense.max() - dense.mean()) / (dense.std() + 1e-6)) if len(dense) > 1 else 0.0,
        "bm25_top": max((h.bm25 for h in top), default=0.0) / (words * (BM25_K1 + 1)),
        "coverage": max((covered(h.passage.search_text) for h in top), default=0.0),
        "answer_coverage": covered(answer_text + (best.hit.passage.context if best else "")),
        "sentence_dense": feature("dense_abs"),
        "sentence_overlap": feature("overlap"),
        "sentence_idf_overlap": feature("idf_overlap"),
        "left_anchor": feature("left_anchor"),
        "predicate_overlap": feature("predicate_overlap"),
        "expects_type": 1.0 if info.expects else 0.0,
        "type_match": _type_match(info, answer_text, short),
        "short_found": 1.0 if short else 0.0,
        "list_answer": 1.0 if listed else 0.0,
        "lang_other": 1.0 if info.lang != "zh" else 0.0,
        "question_chars": math.log(1 + len(info.text)),
    }
    return [values[name] for name in SIGNALS]


def _type_match(info: QuestionInfo, answer_text: str, short: str | None) -> float:
    """1 when the short answer has the type asked for, 0 when it has not (or nothing is
    asked for), :data:`UNSTATED` when the whole answer states no value of the kind asked
    where that settles it (a 多少钱 answer naming no sum: :func:`states_asked`; a question in
    another language asking for a value, whose answer sentence holds none of its type). Models
    learned before the third value read it as 0."""
    if not info.expects:
        return 0.0
    if answer_text and not states_asked(info.expects, info.text, answer_text):
        return UNSTATED
    if info.expects == "place" and short and not states_asked("place", info.text, short):
        return UNSTATED  # 哪个市 answered with a province: the city is not said
    if answer_text and not short and info.lang != "zh" and info.expects in VALUE_TYPES:
        return UNSTATED  # asked in English for a number, a date or a sum, its sentence shows none to answer with
    return 1.0 if short and has_type(info.expects, short) else 0.0


def adjusted(p: float, row: Sequence[float]) -> float:
    """The model's probability, lowered when the question asks for a type (money, a year, a
    person…) and the short answer is none of it (:data:`TYPE_MISS_PENALTY`), and more when
    the answer states no value of the kind asked at all (:data:`UNSTATED_PENALTY`): the
    pages may talk about the topic without saying what is asked."""
    if not row[SIGNALS.index("expects_type")]:
        return p
    match = row[SIGNALS.index("type_match")]
    if match == UNSTATED:
        return p * UNSTATED_PENALTY
    return p if match > 0 else p * TYPE_MISS_PENALTY


def _apart(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates share no text (a runner-up is not the best one's pair)."""
    return (a.hit.passage.source != b.hit.passage.source or a.sentence.end <= b.sentence.start
            or b.sentence.end <= a.sentence.start)
