"""Candidate answers: every sentence of the top passages, and every two neighbouring
sentences, described by :data:`FEATURES` for the learned sentence ranker.

The features: words and character pairs shared with the question, dense similarity,
retrieval rank, the article title, the answer type the question expects and whether the
sentence holds one, alignment around the question word, neighbours, position. The ranker
(:mod:`assistant.ranker`) also reads each relative to the question's other candidates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .chunking import Sentence
from .config import (
    ANSWER_POOL,
    DENSE_CENTER,
    DENSE_SCALE,
    FEATURE_TEXT_CHARS,
    PAIR_MAX_CHARS,
    SENTENCE_DENSE_PASSAGES,
    TOO_SHORT_CHARS,
)
from .postag import pos_words
from .question import (
    ENTITY_TAGS,
    HOW,
    KINDS,
    WHAT_IS,
    WHY,
    QuestionInfo,
    content_units,
    is_entity,
    longest_prefix_in,
    longest_suffix_in,
    typed_spans,
)
from .search import Hit
from .text import CAUSE_CUE, CJK, DEFINE_CUE, PLACE_CUE, YEAR_CUE, char_ngrams, normalize

FEATURES = ("overlap", "local_overlap", "dense_rel", "dense_abs", "dense_measured", "retrieval", "rank",
            "title", "type_match", "align_left", "align_right", "length", "too_short", "first_in_passage",
            "lcs", "longest_common",
            # the question
            *(f"kind_{k}" for k in KINDS), "ask_why", "ask_what_is", "ask_how",
            # what the sentence holds
            "has_digit", "has_year", "has_person", "has_place", "has_org", "cause_cue", "place_cue",
            "define_cue", "subject_first",
            # where it sits, and its neighbours
            "position", "passage_sentences", "prev_overlap", "next_overlap", "density", "pair",
            "idf_overlap", "left_anchor", "right_anchor", "typed_after_left", "predicate_overlap")
# the features that read the question's words: zero for a question in another language
LEXICAL = ("overlap", "local_overlap", "title", "align_left", "align_right", "lcs", "longest_common", "subject_first",
           "prev_overlap", "next_overlap", "density", "idf_overlap", "left_anchor", "right_anchor", "typed_after_left",
           "predicate_overlap")


def overlap(info: QuestionInfo, text: str) -> float:
    """Share of the question's words and character pairs found in ``text``."""
    norm = normalize(text)
    toks = [t for t in info.tokens if len(t) > 1 or not re.match(f"[{CJK}]", t)]
    tok_score = sum(len(t) for t in toks if t in norm) / max(sum(len(t) for t in toks), 1)
    q_grams = char_ngrams(info.text)
    s_grams = char_ngrams(text)
    gram_score = len(q_grams & s_grams) / max(len(q_grams), 1)
    return 0.5 * tok_score + 0.5 * gram_score


def _local_weights(info: QuestionInfo, texts: list[str]) -> dict[str, float]:
    """Weights of the question's words and character pairs among the candidate sentences:
    a word every candidate shares (the topic's name) says little about which one answers."""
    units = content_units(info.text)
    norms = [normalize(t) for t in texts]
    n = max(len(norms), 1)
    return {u: math.log(1 + n / (1 + sum(1 for t in norms if u in t))) for u in units}


def _weighted_overlap(weights: dict[str, float], text: str) -> float:
    norm = normalize(text)
    total = sum(weights.values()) or 1.0
    return sum(w for u, w in weights.items() if u in norm) / total


def _common(question: str, text: str) -> tuple[float, float]:
    """Longest common subsequence and longest common substring of the question's content
    and a sentence, as shares of the question: a question rephrasing a sentence shares
    long runs of it, in order.

    The subsequence is counted bit-parallel (Hyyrö 2004: one big-integer step per question
    character), the substring by growing the best run found so far (``in`` on strings)."""
    if not question or not text:
        return 0.0, 0.0
    text = text[:FEATURE_TEXT_CHARS]
    where: dict[str, int] = {}
    for j, ch in enumerate(text):
        where[ch] = where.get(ch, 0) | (1 << j)
    full = (1 << len(text)) - 1
    v = full
    for ch in question:
        u = v & where.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    lcs = len(text) - v.bit_count()
    longest = 0
    for i in range(len(question)):
        while i + longest < len(question) and question[i:i + longest + 1] in text:
            longest += 1
    return lcs / len(question), longest / len(question)


def _pos_flags(text: str) -> tuple[float, ...]:
    """Whether the sentence names a person, a place, an organisation (jieba POS tags)."""
    words = pos_words(text)
    return tuple(1.0 if any(is_entity(kind, w, f) for w, f in words) else 0.0 for kind in ENTITY_TAGS)


def _pos_flags_of(sentences: list[Sentence]) -> tuple[float, ...]:
    """:func:`_pos_flags` of sentences read together: those of each (memoised), so a pair
    costs no tagging of its own."""
    return tuple(max(flags) for flags in zip(*(_pos_flags(s.text) for s in sentences)))


def sentence_features(info: QuestionInfo, hit: Hit, rank: int, index: int, sentence: Sentence,
                      dense_rel: float | None, dense_abs: float | None,
                      weights: dict[str, float] | None = None, width: int = 1,
                      idf: Callable[[str], float] | None = None) -> list[float]:
    """The features a candidate answer (``width`` sentences from ``index`` on, joined in
    ``sentence``) is scored on (see :data:`FEATURES`)."""
    text = sentence.text
    norm = normalize(text)
    sentences = hit.passage.sentences
    local = weights or {}
    prev_text = sentences[index - 1].text if index > 0 else ""
    after = index + width
    next_text = sentences[after].text if after < len(sentences) else ""
    matched = sum(len(u) for u in local if len(u) > 1 and u in norm)
    subject = info.content[:3]
    return [
        overlap(info, text),
        _weighted_overlap(local, text) if local else 0.0,
        dense_rel if dense_rel is not None else 0.0,
        (dense_abs - DENSE_CENTER) * DENSE_SCALE if dense_abs is not None else 0.0,
        1.0 if dense_rel is not None else 0.0,
        hit.score,
        1.0 / (1 + rank),
        overlap(info, hit.passage.context),
        1.0 if info.kind in {"number", "date"} and typed_spans(info.kind, text) else 0.0,
        1.0 if info.left and longest_suffix_in(info.left, text, 3)[1] >= 0 else 0.0,
        1.0 if info.right and longest_prefix_in(info.right, text, 0, 3) >= 0 else 0.0,
        math.log(1 + len(text)) / 5,
        1.0 if len(text) < TOO_SHORT_CHARS else 0.0,
        1.0 if index == 0 else 0.0,
        *_common(info.content, norm),
        *(1.0 if info.kind == k else 0.0 for k in KINDS),
        1.0 if WHY.search(info.text) else 0.0,
        1.0 if WHAT_IS.search(info.text) else 0.0,
        1.0 if HOW.search(info.text) else 0.0,
        1.0 if re.search(r"\d", text) else 0.0,
        1.0 if YEAR_CUE.search(text) else 0.0,
        *_pos_flags_of(sentences[index:index + width] if width > 1 else [sentence]),
        1.0 if CAUSE_CUE.search(text) else 0.0,
        1.0 if PLACE_CUE.search(text) else 0.0,
        1.0 if DEFINE_CUE.search(text) else 0.0,
        1.0 if len(subject) >= 2 and subject in norm[:12] else 0.0,
        index / max(len(sentences), 1),
        math.log(1 + len(sentences)),
        _weighted_overlap(local, prev_text) if local and prev_text else 0.0,
        _weighted_overlap(local, next_text) if local and next_text else 0.0,
        matched / max(len(norm), 1),
        float(width - 1),
        idf_overlap(info, norm, idf) if idf else 0.0,
        *_anchors(info, norm),
        _predicate_overlap(local, normalize(hit.passage.context), norm),
    ]


def _predicate_overlap(weights: dict[str, float], title: str, norm: str) -> float:
    """Share of the question's character pairs that are not in the article's title (what is
    asked about the topic rather than the topic's name) found in the sentence: the answering
    sentence often says 她 or 该 instead of the name, but repeats the rest."""
    rest = {u: w for u, w in weights.items() if len(u) == 2 and u not in title}
    total = sum(rest.values())
    return sum(w for u, w in rest.items() if u in norm) / total if total else 0.0


def idf_overlap(info: QuestionInfo, norm: str, idf: Callable[[str], float]) -> float:
    """Share of the question's words, weighted by their rarity in the whole index (a rare word
    missing weighs most), in the normalised text ``norm``."""
    words = [t for t in info.tokens if t.strip() and t not in info.wh and (len(t) > 1 or not re.match(f"[{CJK}]", t))]
    total = sum(idf(t) for t in words)
    return sum(idf(t) for t in words if t in norm) / total if total else 0.0


def _anchors(info: QuestionInfo, norm: str) -> tuple[float, float, float]:
    """How much of the text just before the question word (and just after it) the sentence
    repeats, and whether a number or date follows the repeated left part."""
    start, end = longest_suffix_in(info.left, norm, 1) if info.left else (-1, -1)
    left = (end - start) / len(info.left) if end >= 0 else 0.0
    right_len = 0
    for n in range(min(len(info.right), 12), 0, -1):
        if info.right[:n] in norm:
            right_len = n
            break
    right = right_len / len(info.right) if info.right else 0.0
    typed = typed_spans("number", norm[end:end + 12]) if end >= 0 else []
    return left, right, 1.0 if typed and typed[0].start() <= 3 else 0.0


@dataclass(frozen=True)
class Candidate:
    """A candidate answer: ``width`` sentences (1 or 2) of a hit from sentence ``index`` on,
    read together as ``sentence``, with its features and (once ranked) its score."""

    rank: int  # the hit's rank
    hit: Hit
    index: int
    sentence: Sentence
    width: int
    features: tuple[float, ...] = ()
    score: float = 0.0


def candidates(info: QuestionInfo, hits: list[Hit],
               similarity: Callable[[list[str]], list[float]] | None = None,
               idf: Callable[[str], float] | None = None) -> list[Candidate]:
    """Every sentence of the top passages, and every two neighbouring sentences that fit
    in :data:`~assistant.config.PAIR_MAX_CHARS` (an answer that runs over a sentence end),
    with features."""
    raw: dict[tuple[int, int], float] = {}
    rel: dict[tuple[int, int], float] = {}
    if similarity is not None:
        # a question in another language shares no words with the pages: measure every candidate
        measured = SENTENCE_DENSE_PASSAGES if info.lang == "zh" else ANSWER_POOL
        keys = [(r, i) for r, h in enumerate(hits[:measured]) for i in range(len(h.passage.sentences))]
        values = similarity([hits[r].passage.sentences[i].text for r, i in keys])
        if values:
            low, high = min(values), max(values)
            raw = dict(zip(keys, values))
            rel = {k: (v - low) / (high - low + 1e-6) for k, v in raw.items()}
    weights = _local_weights(info, [s.text for h in hits[:ANSWER_POOL] for s in h.passage.sentences])
    out: list[Candidate] = []
    for rank, hit in enumerate(hits[:ANSWER_POOL]):
        sentences = hit.passage.sentences
        for i, s in enumerate(sentences):
            features = sentence_features(info, hit, rank, i, s, rel.get((rank, i)), raw.get((rank, i)), weights,
                                         idf=idf)
            out.append(Candidate(rank, hit, i, s, 1, tuple(features)))
            if i + 1 < len(sentences) and len(s.text) + len(sentences[i + 1].text) <= PAIR_MAX_CHARS:
                both = Sentence(s.text + sentences[i + 1].text, s.start, sentences[i + 1].end)
                dense = [v for v in (raw.get((rank, i)), raw.get((rank, i + 1))) if v is not None]
                dense_rel = [v for v in (rel.get((rank, i)), rel.get((rank, i + 1))) if v is not None]
                features = sentence_features(info, hit, rank, i, both, max(dense_rel, default=None),
                                             max(dense, default=None), weights, width=2, idf=idf)
                out.append(Candidate(rank, hit, i, both, 2, tuple(features)))
    return out
