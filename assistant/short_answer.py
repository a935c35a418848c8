"""The short answer: which span of the answering sentence to highlight.

:func:`short_answer` is the one place that decides it: the learned span ranker chooses among
candidate spans (:func:`span_candidates`: clause windows, the parts after the question's left
context and before its right context, runs of words, typed spans, the span that lines up with
the question word (:func:`aligned_span`) and the descriptive clause of :func:`clause_span`),
each described by :data:`SPAN_FEATURES`, among them how the question's wording surrounds it. A sentence in
traditional script is read in simplified script, position for position (:func:`read`). Every short answer has the
type the question asks for (:func:`assistant.answer_types.has_type`), or there is none.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from .answer_types import (
    COUNTED_UNIT,
    HOW_LONG,
    HOW_LONG_ZH,
    POINTING,
    AnswerType,
    asked_unit,
    has_type,
    in_unit,
    names_unit,
    states_long,
)
from .config import (
    ALIGNED_GAP_MAX_CHARS,
    ALIGNED_SPAN_MAX_CHARS,
    CLAUSE_MAX_CHARS,
    SPAN_MAX_CLAUSES,
    SPAN_MAX_WORDS,
    SPAN_WORD_MAX_CHARS,
)
from .glossary import names_said, translate
from .postag import tagged
from .question import (
    HOW,
    KINDS,
    UNIT,
    WHAT_IS,
    WHY,
    QuestionInfo,
    analyse,
    content_units,
    entity_spans,
    longest_prefix_in,
    longest_suffix_in,
    typed_spans,
)
from .text import (
    CAUSE_CUE,
    CLASSIFIERS,
    CLAUSE,
    CLAUSE_BODY,
    CN_NUMERALS,
    EDGE_PUNCT,
    EDGE_WORDS,
    PLACE_CUE,
    QUOTATION_MARKS,
    normalize,
    simplified,
)

CONTEXT_WINDOWS = (3, 6, 12)  # characters either side of a span whose share of question characters is a feature
MATCH_MAX_CHARS = 10  # how far the question's wording is followed out from a span
BEFORE_MARKS = "是为于在由被以将把「“《（(：:，、^"  # the character before a span (^: the sentence start)…
AFTER_MARKS = "的是了，。、」”》）)：:和与及等$"  # …and after it ($: the sentence end) that are features
OPENING_QUOTES = "".join(p[0] for p in QUOTATION_MARKS)
PAIRED_MARKS = (*QUOTATION_MARKS, "（）", "()", "【】")  # a span holds both of a pair or neither
OPENING_MARKS = "".join(p[0] for p in PAIRED_MARKS)
CLOSING_MARKS = "".join(p[1] for p in PAIRED_MARKS)
ADMIN_SUFFIXES = "省市县区"  # 山西省 and 山西 name one place
VALUE_TYPES = frozenset({"number", "money", "date", "year"})
VALUE_QUALIFIERS = re.compile(r"(?:约|近|达|共|合计|累计|超过|超|逾|左右|以上|以下|以内|多|余|前后|上下|至|到|[—\-~、和及与\s]|"
                              r"[篇个名位项件次家所座条部台辆只张本种批场届期天岁倍秒分钟时内年月日号])*")  # and measure words
POS_CLASSES = ("person", "place", "org", "proper", "noun", "number", "time", "verb", "adj", "other")
SPAN_FEATURES = ("length", "clauses", "whole", "at_start", "at_end", "position", "question_share", "covers_question",
                 "context_around", "distance", "after_left", "before_right", "typed", "is_typed", "has_digit",
                 "pos_kind", "aligned", "clause_heuristic", "cause_cue", "place_cue",
                 *(f"kind_{k}" for k in KINDS), "ask_why", "ask_what_is", "ask_how", "words", "word_before_asked",
                 "word_after_asked", "clause_covers_question", *(f"first_{c}" for c in POS_CLASSES),
                 *(f"last_{c}" for c in POS_CLASSES),
                 *(f"{side}_share_{w}" for w in CONTEXT_WINDOWS for side in ("left", "right")),
                 "ends_with_asked_noun", "ends_with_asked_char", "ends_with_asked_last", "starts_at_word", "ends_at_word",
                 "clause_part", "whole_clause", "clause_question_share",
                 "question_length", "sentence_part", "left_match", "right_match", "left_match_skip", "right_match_skip",
                 "both_sides_match", "pairs_in_question", *(f"before_U{ord(c):04X}" for c in BEFORE_MARKS),
                 *(f"after_U{ord(c):04X}" for c in AFTER_MARKS), "list_marks", "commas", "aligned_f1", "described_f1",
                 "holds_aligned", "inside_aligned")
_STOP = re.compile(r"[，,。；;：:！？!?、（）()“”\"]")  # where an aligned span without right context ends
_SENTENCE_TAIL = "。！？!?；; "
_RATE = re.compile(r"率|占比|比重|比例|每")  # a number after these in its clause is a share or a rate
_ITEM = re.compile(f"(?<![^{EDGE_PUNCT}])[{CN_NUMERALS}]+(?=是)")  # 十五是打造80个…: the item's number, no count
_SHARE_ASKED = re.compile(r"\b(?:percent(?:age)?s?|per ?cent|proportions?|shares?|ratios?|fractions?|rates?|per)\b",
                          re.I)  # asks a share or a rate: "what share", "how many per 100" (not operate, upper)
_SHARE = re.compile(r"[%％]|百分点|分之|成$|\d\s*[/／：:比]\s*\d")  # a share, a rate or a ratio
_DAY_WITH_YEAR = re.compile(r"\s*((?:公元|西元)?前?\d{1,4}\s*年)\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?\s*")  # 2015年6月26日
_ARTICLE = re.compile(f"一[{CLASSIFIERS}]")  # 一家刚建成的充电站: "a", not the count a "how many" asks for
# a newspaper's dateline and bylines (本报讯, （记者丁亚琴）, 本报记者 王强 摄) say who wrote the story, not what
# it reports: no short answer comes from them unless the question asks about its reporter
CREDITS = re.compile(r"本报讯|[（(](?:本报)?(?:记者|通讯员)[^）)]{0,30}[）)]|"
                     r"(?:本报)?(?:记者|通讯员)[ \u3000]*[\u4e00-\u9fff]{2,4}(?=[ \u3000]*摄|[）)])")
_ASKS_CREDITS = re.compile(r"记者|通讯员|本报|报道|reporter|journalist|wrote|report", re.I)


class Scorer(Protocol):
    """What the short answer needs of a learned ranker (see :class:`assistant.ranker.Ranker`)."""

    def score(self, features: list[list[float]]) -> list[float]:
        """One score per candidate (higher: better)."""
        ...


def short_answer(info: QuestionInfo, sentence: str, span_ranker: Scorer,
                 similarity: Callable[[list[str]], list[float]] | None = None) -> str | None:
    """The short answer in the best sentence, of the type the question asks for or None.

    For a Chinese question the span ranker chooses among the candidate spans of the type
    asked for (any span, for an untyped question); the span aligned with the question word
    is one of them, and being it is one of the features. Traditional script is read in simplified script, position for position
    (:func:`read`), and the span is copied from the sentence as written. A question in another
    language shares no words to align with: it gets the typed span whose clause is densely
    closest to it (``similarity``), and no short answer when it asks for no type.
    """
    if info.lang != "zh":
        return _foreign_short_answer(info, sentence, similarity)
    r = read(info, sentence)
    spans = answer_spans(r)
    if not spans:
        return None
    scores = span_ranker.score([span_features(r, sp) for sp in spans])
    s, e = spans[max(range(len(spans)), key=scores.__getitem__)]
    return sentence[s:e]


def _demonstrative(text: str, start: int) -> bool:
    """Whether the span starting at ``start`` opens with a 一 that only points (这一, 每一)."""
    return text.startswith("一", start) and start > 0 and text[start - 1] in POINTING


def answer_spans(r: Reading) -> list[tuple[int, int]]:
    """The candidate spans (:func:`span_candidates`) of the type the question asks for; for a
    number, money, date or year, the value written in digits itself, with no more than the
    words that qualify it (``约``, ``左右``, :data:`VALUE_QUALIFIERS`), not a clause that holds
    it (when the sentence writes a value in digits or, for a count asked in a unit, says one in
    that unit: 三条 for 几条跑道); a count is never a quoted name (“三微”) nor an item's
    number (一是…)."""
    kind = r.info.expects
    spans = [sp for sp in span_candidates(r) if has_type(kind, r.text[sp[0]:sp[1]])
             and not (kind == "number" and (_quoted(r.text, sp[0]) or _demonstrative(r.text, sp[0])
                                            or _ITEM.match(r.text, sp[0])))]  # 一是为怀孕妇女…: an item, no count
    asked = COUNTED_UNIT.match(r.info.right) if kind == "number" and r.info.wh in ("多少", "几") else None  # 多大的天坑: no 天
    values = _values(r.text)
    if asked:  # 多少天, 几所: a count in another unit (a sum, a share, 29家) counts no days, no schools
        spans = [(s, e) for s, e in spans if in_unit(r.text[s:e], asked.group())]
        # 几条跑道: the counts said in 条 (三条) are the values, not a runway's number (08/26)
        values = [(m.start(), m.end()) for m in typed_spans("number", r.text)
                  if names_unit(m.group(), asked.group())] or values
    if kind == "year":
        spans = years_only(r.text, spans)
    if kind == "number" and HOW_LONG_ZH.search(r.info.text):  # 花费多少时间: 两小时, not the fare's 350元
        spans = [(s, e) for s, e in spans if states_long(r.text[s:e])] or spans
    if kind not in VALUE_TYPES or not values:
        return spans
    shaped = []
    for s, e in spans:
        covered = {i for vs, ve in values for i in range(max(s, vs), min(e, ve))}
        rest = "".join(r.text[i] for i in range(s, e) if i not in covered)
        if covered and VALUE_QUALIFIERS.fullmatch(rest):
            shaped.append((s, e))
    return shaped or spans


def years_only(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For a question asking the year, a day written with its year (2015年6月26日) gives only
    its year (2015年): the reading sets' gold answers to 哪一年 questions never hold the month
    (0 of 353). A span of days (1986年4月25日至1987年6月25日) is left whole."""
    out = []
    for s, e in spans:
        m = _DAY_WITH_YEAR.fullmatch(text, s, e)
        out.append((s, s + m.end(1) - m.start()) if m else (s, e))
    return sorted(set(out))


def _values(text: str) -> list[tuple[int, int]]:
    """Where the numbers with their units and the dates written in digits are, and shares
    written in words (三分之一, 六成: as plain values as 1/3 and 60%)."""
    return [(m.start(), m.end()) for kind in ("number", "date") for m in typed_spans(kind, text)
            if re.search(r"\d|分之|成$", m.group())]


def typed_candidates(kind: AnswerType, sentence: str) -> list[tuple[int, int]]:
    """The spans of ``sentence`` that are answers of type ``kind``: numbers with their units
    (money among them), years and dates, or named people, places and organisations."""
    if kind in {"number", "money"}:
        found = [(m.start(), m.end()) for m in typed_spans("number", sentence)]
    elif kind in {"year", "date"}:
        found = [(m.start(), m.end()) for m in typed_spans("date", sentence)]
    else:
        found = [(s, e) for s, e, _ in entity_spans(kind, sentence)]
    if kind == "number":  # a count or amount, not a year, a rate (每百人), a quoted name (“十三五”) or an item's number
        found = [(s, e) for s, e in found if not re.fullmatch(r"\d{4}年", sentence[s:e].strip())
                 and sentence[s - 1:s] != "每" and not _quoted(sentence, s) and not _ITEM.match(sentence, s)]
    return [(s, e) for s, e in found if has_type(kind, sentence[s:e].strip())]


def _foreign_short_answer(info: QuestionInfo, sentence: str,
                          similarity: Callable[[list[str]], list[float]] | None) -> str | None:
    if info.expects is None:
        return None
    text = simplified(sentence)  # read in simplified script, position for position, as :func:`read` does
    spans = _not_asked(info, text, _outside_credits(info, text, typed_candidates(info.expects, text)))
    spans = _not_stated(info, text, spans)
    if info.expects == "year":
        spans = years_only(text, spans)
    clauses = [next((m for m in CLAUSE.finditer(text) if m.start() <= s < m.end()), None) for s, _ in spans]
    if re.search(r"\bhow many\b", info.text, re.I) and not _SHARE_ASKED.search(info.text):
        timed = re.search(r"\bhow many (?:years|months|weeks|days|hours|minutes|seconds)\b", info.text, re.I)
        unit = asked_unit(info.text)  # how many students: a count of people (27万名), not of schools
        sums = re.search(r"yuan|dollars?|rmb|money", info.text, re.I)
        counts = [(sp, c) for sp, c in zip(spans, clauses)  # a count, not a share, a sum, a rate or a time
                  if not re.search("(?:[%％]|百分点)$", text[sp[0]:sp[1]]) and not _ARTICLE.fullmatch(text[sp[0]:sp[1]])
                  and (sums or not has_type("money", text[sp[0]:sp[1]]))
                  and not (c and _RATE.search(text[c.start():sp[0]]))
                  and (timed or not re.search(r"(?:[年月日天周岁]|小时|分钟|秒)$", text[sp[0]:sp[1]]))
                  and (unit is None or in_unit(text[sp[0]:sp[1]], unit))]
        spans, clauses = [sp for sp, _ in counts], [c for _, c in counts]
    if _SHARE_ASKED.search(info.text):  # "what share of job seekers": 六成 or 60%, not 1000余份
        kept = [(sp, c) for sp, c in zip(spans, clauses) if _SHARE.search(text[sp[0]:sp[1]])]
        spans, clauses = [sp for sp, _ in kept] or spans, [c for _, c in kept] or clauses
    if HOW_LONG.search(info.text):  # a length or a time, not 一台
        kept = [(sp, c) for sp, c in zip(spans, clauses) if states_long(text[sp[0]:sp[1]])]
        spans, clauses = [sp for sp, _ in kept], [c for _, c in kept]
    if len(spans) > 1 and similarity is not None:
        scores = similarity([sentence[c.start():c.end()] if c else sentence for c in clauses])
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
        stop = _STOP.search(sentence, _after_quotation(sentence, a_end))
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


def _after_quotation(sentence: str, at: int) -> int:
    """Past the quotation that opens at ``at`` (“六大攻坚突破”, 《…》), or ``at`` itself; a bracket
    is an aside (a name's dates, another name), not what the question asks for."""
    pair = next((p for p in QUOTATION_MARKS if sentence[at:at + 1] == p[0]), None)
    close = sentence.find(pair[1], at + 1) if pair else -1
    return close + 1 if close > 0 else at


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


@dataclass(frozen=True)
class Reading:
    """A sentence read for its short answer: in simplified script, position for position,
    with what every candidate span is measured against."""

    info: QuestionInfo  # the question, analysed in simplified script
    text: str  # the sentence in simplified script
    words: tuple[tuple[int, int, str], ...]  # jieba's words: start, end, part-of-speech class
    starts: frozenset[int]  # where the words start…
    ends: frozenset[int]  # …and end
    anchor: int  # where the question's left context ends in the sentence (-1: nowhere)
    units: tuple[str, ...]  # the question's two-character units
    unit_at: tuple[int, ...]  # where they occur in the sentence
    stops: tuple[int, ...]  # where the sentence's clause and list marks are (:data:`_STOP`)
    aligned: str | None  # the span alignment finds (:func:`aligned_span`)
    described: str | None  # the descriptive clause (:func:`clause_span`)


def read(info: QuestionInfo, sentence: str) -> Reading:
    """Read ``sentence`` for a short answer to ``info``'s question."""
    question = simplified(info.text)
    info = info if question == info.text else analyse(question)
    text = simplified(sentence)
    units = tuple(sorted(u for u in content_units(info.text) if len(u) == 2))
    _, anchor = longest_suffix_in(info.left, text, 2) if info.left else (-1, -1)
    unit_at = tuple(sorted(m.start() for u in units for m in re.finditer(re.escape(u), text)))
    stops = tuple(m.start() for m in _STOP.finditer(text))
    words = _tagged(text)
    return Reading(info, text, words, frozenset(w[0] for w in words), frozenset(w[1] for w in words), anchor, units,
                   unit_at, stops, aligned_span(info, text), clause_span(info, text))


@lru_cache(maxsize=20000)
def _tagged(text: str) -> tuple[tuple[int, int, str], ...]:
    out, pos = [], 0
    for word, flag in tagged(text):
        out.append((pos, pos + len(word), _pos_class(flag)))
        pos += len(word)
    return tuple(out)


def _pos_class(flag: str) -> str:
    for prefix, name in (("nr", "person"), ("ns", "place"), ("nt", "org"), ("nz", "proper"), ("n", "noun"),
                         ("m", "number"), ("q", "number"), ("t", "time"), ("v", "verb"), ("a", "adj")):
        if flag.startswith(prefix):
            return name
    return "other"


def span_candidates(r: Reading) -> list[tuple[int, int]]:
    """Spans of the sentence that could be the short answer: windows of up to
    :data:`~assistant.config.SPAN_MAX_CLAUSES` clauses, their parts after the question's left
    context and before its right context, runs of up to :data:`~assistant.config.SPAN_MAX_WORDS`
    words within a clause, typed spans (numbers, dates), and the spans that alignment and the
    clause heuristic found. None cuts a number with its unit or a date written in digits, none
    holds half of a pair of quotation marks or brackets, and none holds a part of the story's
    dateline or byline (:data:`CREDITS`) unless the question asks about its reporter."""
    info, sentence = r.info, r.text
    spans: set[tuple[int, int]] = set()
    clauses = [(m.start(), m.end()) for m in CLAUSE_BODY.finditer(sentence)]
    for i in range(len(clauses)):
        for j in range(i, min(i + SPAN_MAX_CLAUSES, len(clauses))):
            spans.add((clauses[i][0], clauses[j][1]))
    a_end = r.anchor
    for s, e in list(spans):
        if s <= a_end < e:
            spans.add((a_end, e))
        right = longest_prefix_in(info.right, sentence, max(s, a_end), 2) if info.right else -1
        if s < right <= e:
            spans.add((max(s, a_end) if s <= a_end < right else s, right))
    words = r.words
    for i in range(len(words)):
        for j in range(i, min(i + SPAN_MAX_WORDS, len(words))):
            s, e = words[i][0], words[j][1]
            if e - s > SPAN_WORD_MAX_CHARS or _STOP.search(sentence, s, e):
                break
            spans.add((s, e))
    spans.update((m.start(), m.end()) for m in typed_spans(info.kind, sentence))
    values = _values(sentence)
    spans.update(values)
    for piece in (r.aligned, r.described):
        at = sentence.find(piece) if piece else -1
        if piece and at >= 0:
            spans.add((at, at + len(piece)))
    out = []
    for s, e in spans:
        while s < e and sentence[s] in EDGE_PUNCT + EDGE_WORDS + OPENING_MARKS and not _closed(sentence, s, e):
            s += 1
        while e > s and sentence[e - 1] in EDGE_PUNCT + CLOSING_MARKS and not _opened(sentence, s, e):
            e -= 1
        if e > s and sentence[s:e].strip() and _whole(sentence, s, e, values):
            out.append((s, e))
    return _outside_credits(info, sentence, sorted(set(out)))


def _outside_credits(info: QuestionInfo, sentence: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that hold no part of the sentence's dateline or byline (:data:`CREDITS`); the
    sentence is in simplified script."""
    credits = [(m.start(), m.end()) for m in CREDITS.finditer(sentence)]
    if not credits or _ASKS_CREDITS.search(info.text):
        return spans
    return [(s, e) for s, e in spans if not any(s < ce and cs < e for cs, ce in credits)]


def _quoted(sentence: str, s: int) -> bool:
    """Whether a span starting at ``s`` opens a quotation: a name (“三微”, “十四五”), never a count."""
    return s > 0 and sentence[s - 1] in OPENING_QUOTES


def _not_asked(info: QuestionInfo, sentence: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that are not what a question in another language already names: the
    dictionary's words for its phrases (:func:`assistant.glossary.translate`) that the
    sentence holds ("Shanxi" → 山西省 is where the question is about, not its answer) and the
    names it spells in pinyin (:func:`assistant.glossary.names_said`: "Gao Guanhua" → 高冠华). All
    of them, if every span is named."""
    if len(spans) < 2:
        return spans
    named = {_bare(w) for w in translate(info.text, lambda word: word in sentence) + names_said(info.text, [sentence])}
    kept = [(s, e) for s, e in spans if _bare(sentence[s:e].strip()) not in named]
    return kept or spans


_ENGLISH_NUMBERS = {w: n for n, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                                  "nine", "ten", "eleven", "twelve"))}


def _not_stated(info: QuestionInfo, sentence: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The number spans whose value the question in another language does not already state
    ("along the three highways, how many base stations…": 三个 is the highways, not the
    answer). All of them, if every span states one."""
    if len(spans) < 2:
        return spans
    words = re.findall(r"[a-z]+|\d+(?:\.\d+)?", info.text.lower())
    stated = {str(_ENGLISH_NUMBERS.get(w, w)) for w in words if w in _ENGLISH_NUMBERS or w[0].isdigit()}
    if not stated:
        return spans
    kept = [(s, e) for s, e in spans if _leading_value(sentence[s:e]) not in stated]
    return kept or spans


def _leading_value(span: str) -> str | None:
    """The number a span opens with, in digits (三个 → 3; 1.7万个 → None: ten thousands are
    not the number a question says)."""
    m = re.match(r"(\d+(?:\.\d+)?)\s*([万亿])?", normalize(span.strip()))
    return m.group(1) if m and not m.group(2) else None


def _bare(name: str) -> str:
    """A place name without its administrative suffix (山西省 → 山西)."""
    return name[:-1] if len(name) > 2 and name[-1] in ADMIN_SUFFIXES else name


def _closed(sentence: str, s: int, e: int) -> bool:
    """Whether the span opens with a mark of a pair that it also closes."""
    pair = next((p for p in PAIRED_MARKS if p[0] == sentence[s]), None)
    return pair is not None and pair[1] in sentence[s + 1:e]


def _opened(sentence: str, s: int, e: int) -> bool:
    """Whether the span closes with a mark of a pair that it also opened."""
    pair = next((p for p in PAIRED_MARKS if p[1] == sentence[e - 1]), None)
    return pair is not None and pair[0] in sentence[s:e - 1]


def _whole(sentence: str, s: int, e: int, values: list[tuple[int, int]]) -> bool:
    """Whether a span cuts no number with its unit, no date (``60`` of ``60%``, ``29日`` of
    ``1月29日``), no run of Latin letters and digits (``5`` of ``5G``) and no quotation or
    bracket in half."""
    if any(vs < e and s < ve and not (s <= vs and ve <= e) for vs, ve in values):
        return False
    if _latin(sentence[s - 1:s + 1]) or _latin(sentence[e - 1:e + 1]):
        return False
    text = sentence[s:e]
    return all(text.count(pair[0]) == text.count(pair[1]) for pair in PAIRED_MARKS)


def _latin(pair: str) -> bool:
    """Whether two characters are both Latin letters or digits (one word, as 5G or G20 is)."""
    return len(pair) == 2 and all(ch.isascii() and ch.isalnum() for ch in pair)


def span_features(r: Reading, span: tuple[int, int]) -> list[float]:
    """The features a candidate short answer is scored on (see :data:`SPAN_FEATURES`)."""
    info, sentence = r.info, r.text
    s, e = span
    text = sentence[s:e]
    norm, outside = normalize(text), normalize(sentence[:s] + "|" + sentence[e:])
    units = r.units
    q_chars = set(info.content)
    distance = min((abs(p - s) if p < s else abs(p - e) if p >= e else 0 for p in r.unit_at), default=len(sentence))
    a_end = r.anchor
    right = longest_prefix_in(info.right, sentence, s, 2) if info.right else -1
    typed = typed_spans(info.kind, text)
    inside = [w for w in r.words if s <= w[0] and w[1] <= e]
    before = next((w for w in reversed(r.words) if w[1] <= s and sentence[w[0]:w[1]].strip()), None)
    after = next((w for w in r.words if w[0] >= e and sentence[w[0]:w[1]].strip()), None)
    c_start = max((p + 1 for p in r.stops if p < s), default=0)
    c_end = min((p for p in r.stops if p >= e), default=len(sentence))
    clause = normalize(sentence[c_start:c_end])
    first, last = (inside[0][2], inside[-1][2]) if inside else ("other", "other")
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
        1.0 if right >= 0 and 0 <= right - e <= 2 else 0.0,
        1.0 if typed else 0.0,
        1.0 if typed and typed[0].group().strip() == text else 0.0,
        1.0 if re.search(r"\d", text) else 0.0,
        1.0 if any(w[2] == info.kind for w in inside if w[1] - w[0] >= 2) else 0.0,
        1.0 if r.aligned and text == r.aligned else 0.0,
        1.0 if r.described and text == r.described else 0.0,
        1.0 if CAUSE_CUE.search(text) else 0.0,
        1.0 if PLACE_CUE.search(text) else 0.0,
        *(1.0 if info.kind == k else 0.0 for k in KINDS),
        1.0 if WHY.search(info.text) else 0.0,
        1.0 if WHAT_IS.search(info.text) else 0.0,
        1.0 if HOW.search(info.text) else 0.0,
        math.log(1 + len(inside)) / 3,
        1.0 if before and _in_question(info, sentence[before[0]:before[1]]) else 0.0,
        1.0 if after and _in_question(info, sentence[after[0]:after[1]]) else 0.0,
        sum(1 for u in units if u in clause) / max(len(units), 1),
        *(1.0 if first == c else 0.0 for c in POS_CLASSES),
        *(1.0 if last == c else 0.0 for c in POS_CLASSES),
        *_context_features(r, span, c_start, c_end),
    ]


def _context_features(r: Reading, span: tuple[int, int], c_start: int, c_end: int) -> list[float]:
    """How the question's wording surrounds a span: the share of question characters in
    windows either side, how far the sentence follows the question's wording out from each
    edge, the marks at the edges, and how the span sits in its clause and against the
    aligned and descriptive spans."""
    s, e = span
    t, q = r.text, r.info.text
    text = t[s:e]
    chars = set(r.info.content)
    head = r.info.right[:2]
    left, right = _matched_before(t, s, q), _matched_after(t, e, q)
    before, after = t[s - 1] if s > 0 else "^", t[e] if e < len(t) else "$"
    return [
        *(_share(piece, chars) for w in CONTEXT_WINDOWS for piece in (t[max(0, s - w):s], t[e:e + w])),
        1.0 if head and (text.endswith(head) or t[e:e + 2] == head) else 0.0,
        1.0 if head and text.endswith(head[0]) else 0.0,
        1.0 if head and text.endswith(head[-1]) else 0.0,
        1.0 if s in r.starts else 0.0,
        1.0 if e in r.ends else 0.0,
        (e - s) / max(c_end - c_start, 1),
        1.0 if (s, e) == (c_start, c_end) else 0.0,
        _share(t[c_start:c_end], chars),
        math.log(1 + len(r.info.content)) / 4,
        len(text) / max(len(t), 1),
        left / MATCH_MAX_CHARS,
        right / MATCH_MAX_CHARS,
        _matched_before(t, s - 1, q) / MATCH_MAX_CHARS if s > 0 else 0.0,
        _matched_after(t, e + 1, q) / MATCH_MAX_CHARS,
        1.0 if left >= 2 and right >= 2 else 0.0,
        sum(1 for i in range(s, e - 1) if t[i:i + 2] in q) / max(e - s - 1, 1),
        *(1.0 if before == c else 0.0 for c in BEFORE_MARKS),
        *(1.0 if after == c else 0.0 for c in AFTER_MARKS),
        text.count("、") / 3,
        (text.count("，") + text.count(",")) / 3,
        _overlap(text, r.aligned),
        _overlap(text, r.described),
        1.0 if r.aligned and r.aligned in text else 0.0,
        1.0 if r.aligned and text in r.aligned else 0.0,
    ]


def _share(piece: str, chars: set[str]) -> float:
    norm = normalize(piece)
    return sum(1 for ch in norm if ch in chars) / max(len(norm), 1)


def _matched_before(text: str, at: int, question: str) -> int:
    """How many characters before ``at`` the question also says, as one run."""
    k = 0
    while k < MATCH_MAX_CHARS and at - k - 1 >= 0 and text[at - k - 1:at] in question:
        k += 1
    return k


def _matched_after(text: str, at: int, question: str) -> int:
    """How many characters from ``at`` on the question also says, as one run."""
    k = 0
    while k < MATCH_MAX_CHARS and at + k + 1 <= len(text) and text[at:at + k + 1] in question:
        k += 1
    return k


def _overlap(text: str, other: str | None) -> float:
    """Character F1 of two spans (0 without the other)."""
    if not other:
        return 0.0
    common = sum((Counter(text) & Counter(other)).values())
    return 2 * common / (len(text) + len(other)) if common else 0.0


def _in_question(info: QuestionInfo, word: str) -> bool:
    """Whether a word of the sentence is said in the question (a single character only when
    it is a content character of the question)."""
    w = normalize(word)
    return (w in info.content) if len(w) >= 2 else bool(w) and w in info.content and w not in "的了是在和与及"
