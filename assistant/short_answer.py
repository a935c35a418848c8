"""The short answer: which span of the answering sentence to highlight.

:func:`short_answer` is the one place that decides it. For a question asking for a number,
date, place, person or organisation, the span that lines up with the question word
(:func:`aligned_span`) wins; otherwise the learned span ranker chooses among candidate spans
(:func:`span_candidates`: clause windows, the parts after the question's left context and
before its right context, typed spans, the aligned span and the descriptive clause of
:func:`clause_span`), each described by :data:`SPAN_FEATURES`. Every short answer has the
type the question asks for (:func:`assistant.answer_types.has_type`), or there is none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Protocol

from .answer_types import AnswerType, has_type
from .config import ALIGNED_GAP_MAX_CHARS, ALIGNED_SPAN_MAX_CHARS, CLAUSE_MAX_CHARS, SPAN_MAX_CLAUSES
from .question import (
    HOW,
    KINDS,
    TYPED_KINDS,
    UNIT,
    WHAT_IS,
    WHY,
    QuestionInfo,
    content_units,
    entity_spans,
    is_entity,
    longest_prefix_in,
    longest_suffix_in,
    pos_words,
    typed_spans,
)
from .text import CAUSE_CUE, CLAUSE, CLAUSE_BODY, EDGE_PUNCT, EDGE_WORDS, PLACE_CUE, normalize

SPAN_FEATURES = ("length", "clauses", "whole", "at_start", "at_end", "position", "question_share", "covers_question",
                 "context_around", "distance", "after_left", "before_right", "typed", "is_typed", "has_digit",
                 "pos_kind", "aligned", "clause_heuristic", "cause_cue", "place_cue",
                 *(f"kind_{k}" for k in KINDS), "ask_why", "ask_what_is", "ask_how")
_STOP = re.compile(r"[，,。；;：:！？!?、（）()“”\"]")  # where an aligned span without right context ends
_SENTENCE_TAIL = "。！？!?；; "


class Scorer(Protocol):
    """What the short answer needs of a learned ranker (see :class:`assistant.ranker.Ranker`)."""

    def score(self, features: list[list[float]]) -> list[float]:
        """One score per candidate (higher: better)."""
        ...


def short_answer(info: QuestionInfo, sentence: str, span_ranker: Scorer,
                 similarity: Callable[[list[str]], list[float]] | None = None) -> str | None:
    """The short answer in the best sentence, of the type the question asks for or None.

    A Chinese question asking for a number, date, place, person or organisation gets the
    span aligned with its question word when that span has the type asked for; otherwise the
    span ranker chooses among the candidate spans of that type (any span, for an untyped
    question). A question in another language shares no words to align with: it gets the
    typed span whose clause is densely closest to it (``similarity``), and no short answer
    when it asks for no type.
    """
    if info.lang != "zh":
        return _foreign_short_answer(info, sentence, similarity)
    aligned = aligned_span(info, sentence)
    if aligned and info.kind in TYPED_KINDS and has_type(info.expects, aligned):
        return aligned
    described = clause_span(info, sentence)
    spans = [sp for sp in span_candidates(info, sentence, aligned, described)
             if has_type(info.expects, sentence[sp[0]:sp[1]])]
    if not spans:
        return None
    scores = span_ranker.score([span_features(info, sentence, sp, aligned, described) for sp in spans])
    s, e = spans[max(range(len(spans)), key=scores.__getitem__)]
    return sentence[s:e]


def typed_candidates(kind: AnswerType, sentence: str) -> list[tuple[int, int]]:
    """The spans of ``sentence`` that are answers of type ``kind``: numbers with their units
    (money among them), years and dates, or named people, places and organisations."""
    if kind in {"number", "money"}:
        found = [(m.start(), m.end()) for m in typed_spans("number", sentence)]
    elif kind in {"year", "date"}:
        found = [(m.start(), m.end()) for m in typed_spans("date", sentence)]
    else:
        found = [(s, e) for s, e, _ in entity_spans(kind, sentence)]
    return [(s, e) for s, e in found if has_type(kind, sentence[s:e].strip())]


def _foreign_short_answer(info: QuestionInfo, sentence: str,
                          similarity: Callable[[list[str]], list[float]] | None) -> str | None:
    if info.expects is None:
        return None
    spans = typed_candidates(info.expects, sentence)
    if re.search(r"\bhow many\b", info.text, re.I) and not re.search(r"percent|rate|share|proportion", info.text, re.I):
        spans = [sp for sp in spans if not re.search("[%％]$", sentence[sp[0]:sp[1]])]  # a count, not a share
    if len(spans) > 1 and similarity is not None:
        clauses = [next((m.group() for m in CLAUSE.finditer(sentence) if m.start() <= s < m.end()), sentence)
                   for s, _ in spans]
        scores = similarity(clauses)
        spans = [spans[max(range(len(spans)), key=scores.__getitem__)]]
    return sentence[spans[0][0]:spans[0][1]].strip() if spans else None


# ----------------------------------------------------------------------------- alignment


def _gap(info: QuestionInfo, sentence: str, a_end: int) -> tuple[int, int] | None:
    """The part of ``sentence`` where the question word would sit: after the question's left
    context (ending at ``a_end``, -1 when absent) and before its right context (or the next
    stop), or before the right context back to the previous stop."""
    if a_end >= 0:
        r = longest_prefix_in(info.right, sentence, a_end) if info.right else -1
        if 0 < r - a_end <= ALIGNED_GAP_MAX_CHARS:
            return a_end, r
        stop = _STOP.search(sentence, a_end)
        end = stop.start() if stop else len(sentence)
        return (a_end, end) if 0 < end - a_end <= ALIGNED_SPAN_MAX_CHARS else None
    if info.right:
        r = longest_prefix_in(info.right, sentence, 0, min_len=2)
        if r > 0:
            prev = [m.end() for m in _STOP.finditer(sentence, 0, r)]
            begin = prev[-1] if prev else 0
            if 0 < r - begin <= ALIGNED_SPAN_MAX_CHARS:
                return begin, r
    return None


def aligned_span(info: QuestionInfo, sentence: str) -> str | None:
    """The short answer inside ``sentence`` by alignment, or None when no confident span exists.

    The question is aligned with the sentence around its question word (:func:`_gap`);
    typed patterns (numbers with units, dates) and part-of-speech tags (people, places,
    organisations) refine or replace what lies there.
    """
    if not sentence:
        return None
    _, a_end = longest_suffix_in(info.left, sentence) if info.left else (-1, -1)
    gap = _gap(info, sentence, a_end)
    typed = typed_spans(info.kind, sentence)
    if typed:
        if gap is not None:
            inside = [m for m in typed if m.start() < gap[1] + 2 and m.end() > gap[0]]
            if inside:
                return _with_unit(sentence, inside[0].start(), inside[0].end(), info.right)
        near = max(a_end, 0)
        m = min(typed, key=lambda m: abs(m.start() - near))
        return _with_unit(sentence, m.start(), m.end(), info.right)
    if gap is not None:
        span = sentence[gap[0]:gap[1]].strip(EDGE_PUNCT + EDGE_WORDS)
        found = [w for _, _, w in entity_spans(info.kind, span)]
        if found:
            return found[0]
        if 0 < len(span) <= ALIGNED_SPAN_MAX_CHARS:
            return span
    spans = entity_spans(info.kind, sentence)
    return spans[0][2] if spans else None


def _with_unit(text: str, i: int, j: int, right: str) -> str:
    """A number span with the unit the question's right context names (``多少吨`` → ``…吨``)."""
    span = text[i:j]
    unit = re.match(r"[^\s，。；、]{1,2}", right or "")
    if unit and text[j:].startswith(unit.group()) and not re.search(UNIT + "$", span):
        span += unit.group()
    return span.strip()


def clause_span(info: QuestionInfo, sentence: str) -> str | None:
    """A descriptive short answer: the clauses of the sentence after the question's
    anchor (or, without one, the clause that the question does not already say),
    at most :data:`~assistant.config.CLAUSE_MAX_CHARS` characters."""
    clauses = [(m.start(), m.end()) for m in CLAUSE.finditer(sentence)]
    if not clauses:
        return None
    _, a_end = longest_suffix_in(info.left, sentence, 2) if info.left else (-1, -1)
    if a_end >= 0:
        out = ""
        for m in CLAUSE.finditer(sentence[a_end:]):
            if out and len(out) + len(m.group()) > CLAUSE_MAX_CHARS:
                break
            out += m.group()
        out = out.strip(EDGE_PUNCT)
        if 0 < len(out) <= CLAUSE_MAX_CHARS:
            return out
    units = content_units(info.text)

    def novelty(span: tuple[int, int]) -> float:
        piece = normalize(sentence[span[0]:span[1]])
        said = sum(1 for u in units if len(u) == 2 and u in piece)
        return len(piece) - 3 * said

    best = max(clauses, key=novelty)
    out = sentence[best[0]:best[1]].strip(EDGE_PUNCT)
    return out if 0 < len(out) <= CLAUSE_MAX_CHARS else None


# ----------------------------------------------------------------------------- the learned span ranker's candidates


def span_candidates(info: QuestionInfo, sentence: str, aligned: str | None,
                    described: str | None) -> list[tuple[int, int]]:
    """Spans of ``sentence`` that could be the short answer: windows of up to
    :data:`~assistant.config.SPAN_MAX_CLAUSES` clauses, their parts after the question's left
    context and before its right context, typed spans (numbers, dates), and the spans that
    alignment (``aligned``) and the clause heuristic (``described``) found."""
    spans: set[tuple[int, int]] = set()
    clauses = [(m.start(), m.end()) for m in CLAUSE_BODY.finditer(sentence)]
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
        while s < e and sentence[s] in EDGE_PUNCT + EDGE_WORDS:
            s += 1
        while e > s and sentence[e - 1] in EDGE_PUNCT:
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
    return [
        math.log(1 + len(text)) / 5,
        len(CLAUSE_BODY.findall(text)) / SPAN_MAX_CLAUSES,
        1.0 if (s, e) == (0, len(sentence.rstrip(_SENTENCE_TAIL))) else 0.0,
        1.0 if s == 0 else 0.0,
        1.0 if sentence[e:].strip(_SENTENCE_TAIL) == "" else 0.0,
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
        1.0 if any(is_entity(info.kind, w, f) for w, f in pos_words(text)) else 0.0,
        1.0 if aligned and text == aligned else 0.0,
        1.0 if described and text == described else 0.0,
        1.0 if CAUSE_CUE.search(text) else 0.0,
        1.0 if PLACE_CUE.search(text) else 0.0,
        *(1.0 if info.kind == k else 0.0 for k in KINDS),
        1.0 if WHY.search(info.text) else 0.0,
        1.0 if WHAT_IS.search(info.text) else 0.0,
        1.0 if HOW.search(info.text) else 0.0,
    ]
