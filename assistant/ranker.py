"""Which sentence answers the question, and which span of it is the short answer: the learned rankers.

Every sentence of the top passages, and every two neighbouring sentences, is described by
:data:`FEATURES` (words and character pairs shared with the question, dense similarity,
retrieval rank, the article title, the answer type the question expects and whether the
sentence holds one, alignment around the question word, neighbours, position); candidate
short answers (clause windows, typed spans, aligned spans) by :data:`SPAN_FEATURES`. Each
feature is also taken relative to the best and the mean of the question's candidates, and a
LightGBM LambdaRank model scores them (``sentence_ranker.txt`` and ``span_ranker.txt``,
learned by ``bench/train_rankers.py``, which reports their cross-validated quality).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import Sentence
from .errors import ModelError
from .question import QuestionInfo, content_units, longest_prefix_in, longest_suffix_in, typed_spans
from .search import Hit
from .text import CJK, char_ngrams, normalize

MODEL_PATH = Path(__file__).with_name("sentence_ranker.txt")
ANSWER_POOL = 10
SENTENCE_DENSE_PASSAGES = 4

KINDS = ("number", "date", "place", "person", "org", "list", "other")
_WHY = re.compile(r"为什么|为何|原因|何故|怎么会|\bwhy\b", re.I)
_WHAT_IS = re.compile(r"什么是|是什么|指什么|何谓|定义|意思|\bwhat (?:is|are|does)\b", re.I)
_HOW = re.compile(r"如何|怎样|怎么|方式|方法|\bhow (?!many|much)", re.I)
_CAUSE_CUE = re.compile(r"因为|由于|因此|所以|导致|为了|以便|原因")
_PLACE_CUE = re.compile(r"位于|地处|坐落|处于|[省市县区镇州国]")
_DEFINE_CUE = re.compile(r"^[^，,。]{0,30}?(?:是|指|为|即)")
_YEAR = re.compile(r"\d{3,4}年|[元二三四五六七八九十]年|世纪|年代|朝")
_POS_TAGS = {"person": "nr", "place": "ns", "org": "nt"}

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
    long runs of it, in order."""
    if not question or not text:
        return 0.0, 0.0
    text = text[:300]
    prev = [0] * (len(text) + 1)
    run_prev = [0] * (len(text) + 1)
    longest = 0
    for qc in question:
        cur = [0] * (len(text) + 1)
        run = [0] * (len(text) + 1)
        for j, tc in enumerate(text, 1):
            if qc == tc:
                cur[j] = prev[j - 1] + 1
                run[j] = run_prev[j - 1] + 1
                longest = max(longest, run[j])
            else:
                cur[j] = max(prev[j], cur[j - 1])
        prev, run_prev = cur, run
    return prev[-1] / len(question), longest / len(question)


@lru_cache(maxsize=20000)
def _pos_words(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and part-of-speech tags of (the start of) a text, memoised."""
    import jieba.posseg

    return tuple((p.word, p.flag) for p in jieba.posseg.lcut(text[:300]))


def _pos_flags(text: str) -> tuple[float, float, float]:
    """Whether the sentence names a person, a place, an organisation (jieba POS tags)."""
    flags = {flag for word, flag in _pos_words(text) if len(word) >= 2}
    return tuple(1.0 if any(f.startswith(tag) for f in flags) else 0.0  # type: ignore[return-value]
                 for tag in _POS_TAGS.values())


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
        (dense_abs - 0.8) * 5 if dense_abs is not None else 0.0,
        1.0 if dense_rel is not None else 0.0,
        hit.score,
        1.0 / (1 + rank),
        overlap(info, hit.passage.context),
        1.0 if info.kind in {"number", "date"} and typed_spans(info.kind, text) else 0.0,
        1.0 if info.left and longest_suffix_in(info.left, text, 3)[1] >= 0 else 0.0,
        1.0 if info.right and longest_prefix_in(info.right, text, 0, 3) >= 0 else 0.0,
        math.log(1 + len(text)) / 5,
        1.0 if len(text) < 8 else 0.0,
        1.0 if index == 0 else 0.0,
        *_common(info.content, norm),
        *(1.0 if info.kind == k else 0.0 for k in KINDS),
        1.0 if _WHY.search(info.text) else 0.0,
        1.0 if _WHAT_IS.search(info.text) else 0.0,
        1.0 if _HOW.search(info.text) else 0.0,
        1.0 if re.search(r"\d", text) else 0.0,
        1.0 if _YEAR.search(text) else 0.0,
        *_pos_flags_of(sentences[index:index + width] if width > 1 else [sentence]),
        1.0 if _CAUSE_CUE.search(text) else 0.0,
        1.0 if _PLACE_CUE.search(text) else 0.0,
        1.0 if _DEFINE_CUE.search(text) else 0.0,
        1.0 if len(subject) >= 2 and subject in norm[:12] else 0.0,
        index / max(len(sentences), 1),
        math.log(1 + len(sentences)),
        _weighted_overlap(local, prev_text) if local and prev_text else 0.0,
        _weighted_overlap(local, next_text) if local and next_text else 0.0,
        matched / max(len(norm), 1),
        float(width - 1),
        _idf_overlap(info, norm, idf) if idf else 0.0,
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


def _idf_overlap(info: QuestionInfo, norm: str, idf: Callable[[str], float]) -> float:
    """Share of the question's words, weighted by their rarity in the whole index, in the sentence."""
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


Candidate = tuple[int, Hit, int, Sentence, int]  # (hit rank, hit, first sentence, sentence(s), how many)
PAIR_MAX_CHARS = 150


def candidate_features(info: QuestionInfo, hits: list[Hit],
                       similarity: Callable[[list[str]], list[float]] | None = None,
                       idf: Callable[[str], float] | None = None) -> list[tuple[Candidate, list[float]]]:
    """Every sentence of the top passages, and every two neighbouring sentences that fit
    in :data:`PAIR_MAX_CHARS` (an answer that runs over a sentence end), with features."""
    raw: dict[tuple[int, int], float] = {}
    rel: dict[tuple[int, int], float] = {}
    if similarity is not None:
        keys = [(r, i) for r, h in enumerate(hits[:SENTENCE_DENSE_PASSAGES]) for i in range(len(h.passage.sentences))]
        values = similarity([hits[r].passage.sentences[i].text for r, i in keys])
        if values:
            low, high = min(values), max(values)
            raw = dict(zip(keys, values))
            rel = {k: (v - low) / (high - low + 1e-6) for k, v in raw.items()}
    weights = _local_weights(info, [s.text for h in hits[:ANSWER_POOL] for s in h.passage.sentences])
    out: list[tuple[Candidate, list[float]]] = []
    for rank, hit in enumerate(hits[:ANSWER_POOL]):
        sentences = hit.passage.sentences
        for i, s in enumerate(sentences):
            out.append(((rank, hit, i, s, 1),
                        sentence_features(info, hit, rank, i, s, rel.get((rank, i)), raw.get((rank, i)), weights,
                                          idf=idf)))
            if i + 1 < len(sentences) and len(s.text) + len(sentences[i + 1].text) <= PAIR_MAX_CHARS:
                both = Sentence(s.text + sentences[i + 1].text, s.start, sentences[i + 1].end)
                dense = [v for v in (raw.get((rank, i)), raw.get((rank, i + 1))) if v is not None]
                dense_rel = [v for v in (rel.get((rank, i)), rel.get((rank, i + 1))) if v is not None]
                out.append(((rank, hit, i, both, 2),
                            sentence_features(info, hit, rank, i, both, max(dense_rel, default=None),
                                              max(dense, default=None), weights, width=2, idf=idf)))
    return out


def relative(features: np.ndarray) -> np.ndarray:
    """Each feature as it is, minus the best candidate's, and minus the candidates' mean."""
    return np.hstack([features, features - features.max(0), features - features.mean(0)])


@lru_cache(maxsize=4)
def _model(path: Path) -> Any:
    import lightgbm

    try:
        return lightgbm.Booster(model_file=str(path))
    except (OSError, lightgbm.basic.LightGBMError) as exc:
        raise ModelError(f"The ranker {path.name} cannot be loaded ({exc}); "
                         "reinstall the package or run bench/train_rankers.py.") from exc


def _predict(path: Path, features: list[list[float]]) -> list[float]:
    if not features:
        return []
    import lightgbm

    try:
        return [float(v) for v in _model(path).predict(relative(np.asarray(features, dtype=float)))]
    except lightgbm.basic.LightGBMError as exc:  # a model learned on other features
        raise ModelError(f"The ranker {path.name} does not fit this version ({exc}); "
                         "reinstall the package or run bench/train_rankers.py.") from exc


def warm_up() -> None:
    """Load both rankers and jieba's tagger now, so that the first question is not slower."""
    _model(MODEL_PATH)
    _model(SPAN_MODEL_PATH)
    _pos_words("预热")


def score(features: list[list[float]]) -> list[float]:
    """The sentence ranker's score of each candidate of one question (higher: more likely the answer)."""
    return _predict(MODEL_PATH, features)


# ----------------------------------------------------------------------------- the short answer span

SPAN_MODEL_PATH = Path(__file__).with_name("span_ranker.txt")
_CLAUSE = re.compile(r"[^，,；;。！？!?：:]+")
_EDGE = " 　,，。;；:：、的是为了在"
SPAN_MAX_CLAUSES = 3
SPAN_FEATURES = ("length", "clauses", "whole", "at_start", "at_end", "position", "question_share", "covers_question",
                 "context_around", "distance", "after_left", "before_right", "typed", "is_typed", "has_digit",
                 "pos_kind", "aligned", "clause_heuristic", "cause_cue", "place_cue",
                 *(f"kind_{k}" for k in KINDS), "ask_why", "ask_what_is", "ask_how")


def span_candidates(info: QuestionInfo, sentence: str, aligned: str | None,
                    described: str | None) -> list[tuple[int, int]]:
    """Spans of ``sentence`` that could be the short answer: windows of up to three
    clauses, their parts after the question's left context and before its right context,
    typed spans (numbers, dates), named entities of the asked kind, and the spans that
    alignment (``aligned``) and the clause heuristic (``described``) found."""
    spans: set[tuple[int, int]] = set()
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]
    for i in range(len(clauses)):
        for j in range(i, min(i + SPAN_MAX_CLAUSES, len(clauses))):
            spans.add((clauses[i][0], clauses[j][1]))
    _, a_end = longest_suffix_in(info.left, sentence, 2) if info.left else (-1, -1)
    for s, e in list(spans):
        if s <= a_end < e:
            spans.add((a_end, e))
        r = longest_prefix_in(info.right, sentence, max(s, a_end), 2) if info.right else -1
        if s < r <= e:
            spans.add((max(s, a_end) if s <= a_end < r else s, r))
    spans.update((m.start(), m.end()) for m in typed_spans(info.kind, sentence))
    for piece in (aligned, described):
        at = sentence.find(piece) if piece else -1
        if piece and at >= 0:
            spans.add((at, at + len(piece)))
    out = []
    for s, e in spans:
        while s < e and sentence[s] in _EDGE:
            s += 1
        while e > s and sentence[e - 1] in " 　,，。;；:：、":
            e -= 1
        if e > s:
            out.append((s, e))
    return sorted(set(out))


def span_features(info: QuestionInfo, sentence: str, span: tuple[int, int], aligned: str | None,
                  described: str | None) -> list[float]:
    """The features a candidate short answer is scored on (see :data:`SPAN_FEATURES`)."""
    s, e = span
    text = sentence[s:e]
    norm, outside = normalize(text), normalize(sentence[:s] + "|" + sentence[e:])
    units = [u for u in content_units(info.text) if len(u) == 2]
    q_chars = set(info.content)
    found_at = [m.start() for u in units for m in re.finditer(re.escape(u), sentence)]
    distance = min((abs(p - s) if p < s else abs(p - e) if p >= e else 0 for p in found_at), default=len(sentence))
    _, a_end = longest_suffix_in(info.left, sentence, 2) if info.left else (-1, -1)
    r = longest_prefix_in(info.right, sentence, s, 2) if info.right else -1
    typed = typed_spans(info.kind, text)
    tag = _POS_TAGS.get(info.kind)
    clauses = len(_CLAUSE.findall(text))
    return [
        math.log(1 + len(text)) / 5,
        clauses / SPAN_MAX_CLAUSES,
        1.0 if (s, e) == (0, len(sentence.rstrip("。！？!?；; "))) else 0.0,
        1.0 if s == 0 else 0.0,
        1.0 if sentence[e:].strip("。！？!?；; ") == "" else 0.0,
        s / max(len(sentence), 1),
        sum(1 for ch in norm if ch in q_chars) / max(len(norm), 1),
        sum(1 for u in units if u in norm) / max(len(units), 1),
        sum(1 for u in units if u in outside) / max(len(units), 1),
        math.log(1 + distance) / 5,
        1.0 if a_end >= 0 and 0 <= s - a_end <= 2 else 0.0,
        1.0 if r >= 0 and 0 <= r - e <= 2 else 0.0,
        1.0 if typed else 0.0,
        1.0 if typed and typed[0].group().strip() == text else 0.0,
        1.0 if re.search(r"\d", text) else 0.0,
        1.0 if tag and any(f.startswith(tag) and len(w) >= 2 for w, f in _pos_words(text)) else 0.0,
        1.0 if aligned and text == aligned else 0.0,
        1.0 if described and text == described else 0.0,
        1.0 if _CAUSE_CUE.search(text) else 0.0,
        1.0 if _PLACE_CUE.search(text) else 0.0,
        *(1.0 if info.kind == k else 0.0 for k in KINDS),
        1.0 if _WHY.search(info.text) else 0.0,
        1.0 if _WHAT_IS.search(info.text) else 0.0,
        1.0 if _HOW.search(info.text) else 0.0,
    ]


def best_span(info: QuestionInfo, sentence: str, aligned: str | None, described: str | None) -> str | None:
    """The short answer in ``sentence``: the candidate span the span ranker scores highest."""
    spans = span_candidates(info, sentence, aligned, described)
    if not spans:
        return None
    scores = _predict(SPAN_MODEL_PATH, [span_features(info, sentence, sp, aligned, described) for sp in spans])
    s, e = spans[max(range(len(spans)), key=scores.__getitem__)]
    return sentence[s:e]
