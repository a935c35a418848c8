"""Passages in, cited extractive answers out.

Every sentence of the top passages, and every two neighbouring sentences, is scored by the
learned sentence ranker (:mod:`assistant.ranker`); the best is the answer, with a second
sentence when its score is within :data:`SECOND_SENTENCE_GAP` of the best's and both fit in
:data:`ANSWER_MAX_CHARS`.
The short answer is the span aligned with the question word for numbers, dates, places,
people and organisations, else the span ranker's choice. Enumerations come back as lists,
table superlatives are answered from the table rows, and weak evidence gives ``found: false``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from . import ranker
from .chunking import Passage, Sentence
from .config import DEFAULT_SETTINGS, Settings
from .question import (
    ORDINAL,
    SUPERLATIVE,
    QuestionInfo,
    analyse,
    clause_span,
    content_units,
    short_span,
)
from .ranker import candidate_features, overlap
from .search import Hit
from .text import CJK, normalize

NOT_FOUND = "所索引的版面中没有找到这个问题的答案。下面是最接近的段落，供参考。"


@dataclass
class Citation:
    """A cited span of a source file: ``text`` is exactly ``document[start:end]``."""

    source: str
    article: str
    paragraph: int
    start: int
    end: int
    text: str
    score: float
    article_id: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class Answer:
    """An extractive answer: copied sentences, a short span, and where they came from."""

    question: str
    answer: str
    short_answer: str | None
    found: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Citation] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    message: str = ""
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of PRODUCT.md (plus ``items``, ``message``, ``confidence``)."""
        return asdict(self)


def cite(passage: Passage, documents: dict[str, str], score: float,
         start: int | None = None, end: int | None = None) -> Citation:
    """A citation of a passage, or of the part ``start:end`` of its file."""
    s = passage.start if start is None else start
    e = passage.end if end is None else end
    return Citation(passage.source, passage.article, passage.paragraph, s, e,
                    documents.get(passage.source, "")[s:e], round(float(score), 4), passage.article_id)


# ----------------------------------------------------------------------------- sentence choice


@dataclass(frozen=True)
class _Candidate:
    hit_rank: int
    hit: Hit
    index: int  # sentence index in the passage
    sentence: Sentence  # the sentence, or two neighbouring sentences joined
    score: float
    width: int = 1  # how many sentences




def confidence(info: QuestionInfo, hits: list[Hit], idf: Callable[[str], float] | None = None) -> float:
    """How sure the evidence answers the question (0–1).

    Chinese questions: half the idf-weighted share of the question's words found in one of
    the best passages (a rare word missing from every passage weighs most), half the dense
    similarity. Other languages, which share no words with the pages: dense similarity.
    """
    if not hits:
        return 0.0
    idf = idf or (lambda t: 1.0)
    content = [t for t in info.tokens if len(t) > 1 or not re.match(f"[{CJK}]", t)]
    dense = max(h.dense for h in hits[:3])
    if not re.search(f"[{CJK}]", info.text):
        return max(0.0, min(1.0, (dense - DENSE_FLOOR_OTHER) / DENSE_SPAN))
    weights = {t: idf(t) for t in content}
    total = sum(weights.values()) or 1.0
    coverage = 0.0
    for h in hits[:3]:
        text = normalize(h.passage.search_text)
        coverage = max(coverage, sum(w for t, w in weights.items() if t in text) / total)
    dense_part = max(0.0, min(1.0, (dense - DENSE_FLOOR_ZH) / DENSE_SPAN))
    return 0.5 * coverage + 0.5 * dense_part if content else dense_part


DENSE_FLOOR_ZH = 0.82
DENSE_FLOOR_OTHER = 0.69
DENSE_SPAN = 0.12


# ----------------------------------------------------------------------------- lists and tables

_ITEM_START = re.compile(r"(?:(?<=^)|(?<=[:：;；。]))\s*((?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、是]|"
                         r"[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．](?!\d)|其[一二三四五六七八九十]+[，,、是]))")


def list_items(sentences: list[Sentence]) -> list[tuple[str, Sentence]]:
    """Enumerated items (``一是…；二是…``, ``1.…``, ``（一）…``) in a paragraph's sentences."""
    items: list[tuple[str, Sentence]] = []
    for s in sentences:
        starts = [m.start(1) for m in _ITEM_START.finditer(s.text)]
        for n, i in enumerate(starts):
            j = starts[n + 1] if n + 1 < len(starts) else len(s.text)
            text = s.text[i:j].strip().rstrip("；;")
            if text:
                items.append((text, s))
    return items


def _number(text: str) -> float | None:
    m = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    return float(m.group()) if m else None


def table_answer(info: QuestionInfo, rows: list[Passage]) -> tuple[Passage, str] | None:
    """Answer a superlative question (``哪个县综合指数最低``) from table rows.

    Returns:
        The winning row and its first cell, or None when the question names no column.
    """
    sup = SUPERLATIVE.search(info.text)
    if not sup or not rows:
        return None
    parsed: list[tuple[Passage, list[tuple[str, str]]]] = []
    for row in rows:
        cells = [c.split("：", 1) for c in row.text.split("；")]
        parsed.append((row, [(c[0], c[1]) if len(c) == 2 else ("", c[0]) for c in cells]))
    header = [h for h, _ in parsed[0][1]]
    q = normalize(info.text)
    names = [normalize(re.sub(r"\(.*?\)|（.*?）", "", h)).replace(" ", "") for h in header]
    numeric = [i for i in range(len(header)) if i > 0 and names[i] and names[i] in q.replace(" ", "")]
    if not numeric:
        return None
    column = max(numeric, key=lambda i: len(names[i]))
    values = [(row, _number(cells[column][1]) if column < len(cells) else None, cells) for row, cells in parsed]
    values = [v for v in values if v[1] is not None]
    if not values:
        return None
    lowest = sup.group(1) in "低小少差"
    best = (min if lowest else max)(values, key=lambda v: v[1] or 0.0)
    return best[0], best[2][0][1]


# ----------------------------------------------------------------------------- the answer


def build_answer(question: str, hits: list[Hit], documents: dict[str, str],
                 settings: Settings = DEFAULT_SETTINGS, k: int = DEFAULT_SETTINGS.top_k,
                 query: str | None = None,
                 paragraph_of: Callable[[Passage], list[Passage]] | None = None,
                 idf: Callable[[str], float] | None = None,
                 similarity: Callable[[list[str]], list[float]] | None = None) -> Answer:
    """Choose and cite the answering sentence(s) from ranked hits.

    Args:
        question: the question as asked.
        hits: ranked passages (more than ``k`` lets sentences from lower passages compete).
        documents: file name → decoded text, for exact citation text.
        settings: the no-answer threshold and the answer length.
        k: passages to report.
        query: the search query (a follow-up resolved with its topic), if different.
        paragraph_of: all passages of a hit's paragraph (for lists) or table (for rows).
        idf: a token's inverse document frequency in the index (for the no-answer check).
        similarity: dense similarity of sentences to the question (for the best passages).
    """
    passages = [cite(h.passage, documents, h.score) for h in hits[:k]]
    info = analyse(question)
    q_info = analyse(query) if query and query != question else info
    conf = confidence(q_info, hits, idf)
    paragraph_of = paragraph_of or (lambda p: [p])

    # table superlatives: a named column of a retrieved table is evidence enough
    if hits and SUPERLATIVE.search(info.text):
        table_hits = [h for h in hits[:5] if h.passage.kind == "table_row"]
        if table_hits:
            rows = [p for p in paragraph_of(table_hits[0].passage) if p.kind == "table_row"]
            found = table_answer(info, rows)
            if found:
                row, name = found
                c = cite(row, documents, table_hits[0].score)
                return Answer(question, row.text, name, True, [c], passages, confidence=round(conf, 3))
    if not hits or conf < settings.no_answer_threshold:
        return Answer(question, "", None, False, [], passages, message=NOT_FOUND, confidence=round(conf, 3))

    described = candidate_features(q_info, hits, similarity, idf)
    scores = ranker.score([f for _, f in described])
    candidates = [_Candidate(rank, hit, i, s, v, width) for ((rank, hit, i, s, width), _), v in zip(described, scores)]
    best = max(candidates, key=lambda c: c.score)

    # enumerations
    ordinal = ORDINAL.search(info.text)
    if info.kind == "list" or ordinal:
        para, items = _best_list(best, hits, paragraph_of, q_info)
        if len(items) >= 3:
            if ordinal:
                n = _ordinal_value(ordinal.group(1))
                if 1 <= n <= len(items):
                    text, s = items[n - 1]
                    owner = next(p for p in para if s in p.sentences)
                    c = cite(owner, documents, best.hit.score, s.start, s.end)
                    return Answer(question, text, text, True, [c], passages, items=[text],
                                  confidence=round(conf, 3))
            else:
                citations: list[Citation] = []
                for _, s in items:
                    owner = next(p for p in para if s in p.sentences)
                    c = cite(owner, documents, best.hit.score, s.start, s.end)
                    if not citations or citations[-1].start != c.start:
                        citations.append(c)
                texts = [t for t, _ in items]
                return Answer(question, "\n".join(texts), None, True, citations, passages, items=texts,
                              confidence=round(conf, 3))

    if best.width == 2:  # the answer runs over a sentence end
        parts = [(i, best.hit.passage.sentences[i]) for i in (best.index, best.index + 1)]
    else:
        parts = _with_context(best)
    if settings.answer_max_sentences > 1 and best.width == 1:
        ranked = sorted((c for c in candidates if c.width == 1), key=lambda c: -c.score)
        taken = {(best.hit.passage.id, i) for i, _ in parts}
        for other in ranked[1:4]:
            if (other.hit.passage.id, other.index) in taken or other.sentence.text == best.sentence.text:
                continue
            if other.score < best.score - SECOND_SENTENCE_GAP:
                break
            extra = len(other.sentence.text)
            if sum(len(s.text) for _, s in parts) + extra <= ANSWER_MAX_CHARS:
                chosen_pairs = [(best, parts), (other, [(other.index, other.sentence)])]
                chosen_pairs.sort(key=lambda cp: (cp[0].hit.passage.source, cp[1][0][1].start))
                citations = [cite(c.hit.passage, documents, c.hit.score, ps[0][1].start, ps[-1][1].end)
                             for c, ps in chosen_pairs]
                text = "".join(s.text for _, ps in chosen_pairs for _, s in ps)
                span = _short_answer(info, best.sentence.text)
                return Answer(question, text, span, True, citations, passages, confidence=round(conf, 3))
    citation = cite(best.hit.passage, documents, best.hit.score, parts[0][1].start, parts[-1][1].end)
    answer_text = "".join(s.text for _, s in parts)
    if len(answer_text) > ANSWER_MAX_CHARS:
        answer_text, citation = _trimmed(q_info, answer_text, citation, documents)
    span = _short_answer(info, best.sentence.text)
    return Answer(question, answer_text, span, True, [citation], passages, confidence=round(conf, 3))


TYPED_KINDS = frozenset({"number", "date", "place", "person", "org"})


def _short_answer(info: QuestionInfo, sentence: str) -> str | None:
    """The short answer span in the best sentence: for a question asking for a number,
    date, place, person or organisation, the span that aligns with the question word;
    otherwise (or when none aligns) the span ranker's choice among the aligned span, the
    descriptive clause, typed spans and clause windows."""
    aligned = short_span(info, sentence)
    if aligned and info.kind in TYPED_KINDS:
        return aligned
    return ranker.best_span(info, sentence, aligned, clause_span(info, sentence))


_CLAUSES = re.compile(r"[^，,；;。！？!?]+[，,；;。！？!?]*")


def _trimmed(info: QuestionInfo, text: str, citation: Citation, documents: dict[str, str]) -> tuple[str, Citation]:
    """A run-on answer cut to the clauses around what the question asks, at most
    :data:`ANSWER_MAX_CHARS` long; kept whole when the cut cannot be cited exactly."""
    clauses = [m.group() for m in _CLAUSES.finditer(text)]
    units = content_units(info.text)
    best, best_score = "", -1.0
    for i in range(len(clauses)):
        window = ""
        for j in range(i, len(clauses)):
            if len(window) + len(clauses[j]) > ANSWER_MAX_CHARS:
                break
            window += clauses[j]
            norm = normalize(window)
            score = sum(len(u) for u in units if u in norm) - 0.001 * len(window)
            if score > best_score:
                best, best_score = window, score
    original = citation.text
    at = original.find(best) if best else -1
    if at < 0:
        return text, citation
    start = citation.start + at
    trimmed = Citation(citation.source, citation.article, citation.paragraph, start, start + len(best), best,
                       citation.score, citation.article_id)
    return best, trimmed


SECOND_SENTENCE_GAP = 3.0  # ranker score: a second sentence at least e^-3 as likely as the best
CLAUSE_SENTENCE_MAX = 100
ANSWER_MAX_CHARS = 150


def _with_context(best: _Candidate) -> list[tuple[int, Sentence]]:
    """The best sentence, with the one before it when it opens with a reference back
    (``其中``, ``该``…) or is too short to stand alone."""
    sentences = best.hit.passage.sentences
    text = best.sentence.text
    needs_context = len(text) < 20 or re.match(r"^(其中|此外|同时|该|这|此|他|她|它|其|对此|为此|因此|但)", text)
    chosen = [best.index]
    # a clause cut at "；" is read with the rest of its sentence
    i = best.index
    while i > 0 and sentences[i - 1].text.rstrip()[-1:] in ";；" and \
            sum(len(sentences[j].text) for j in chosen) + len(sentences[i - 1].text) <= CLAUSE_SENTENCE_MAX:
        i -= 1
        chosen.insert(0, i)
    j = best.index
    while sentences[j].text.rstrip()[-1:] in ";；" and j + 1 < len(sentences) and \
            sum(len(sentences[k].text) for k in chosen) + len(sentences[j + 1].text) <= CLAUSE_SENTENCE_MAX:
        j += 1
        chosen.append(j)
    if len(chosen) > 1:
        return [(k, sentences[k]) for k in chosen]
    if needs_context and best.index > 0:
        chosen.insert(0, best.index - 1)
    elif needs_context and best.index + 1 < len(sentences) and len(text) < 20:
        chosen.append(best.index + 1)
    return [(i, sentences[i]) for i in chosen]


def _best_list(best: _Candidate, hits: list[Hit], paragraph_of: Callable[[Passage], list[Passage]],
               info: QuestionInfo) -> tuple[list[Passage], list[tuple[str, Sentence]]]:
    """The enumeration that answers a list question: in the best sentence's paragraph, or
    in one of the top three passages whose paragraph matches the question best."""
    options = []
    for rank, hit in enumerate([best.hit] + hits[:3]):
        para = paragraph_of(hit.passage)
        items = list_items([s for p in para for s in p.sentences])
        if len(items) >= 3:
            text = "".join(p.text for p in para)[:200]
            shared = overlap(info, hit.passage.context + text)
            if shared >= LIST_MIN_OVERLAP:
                options.append((shared - 0.02 * rank, para, items))
    if not options:
        return [], []
    _, para, items = max(options, key=lambda o: o[0])
    return para, items


LIST_MIN_OVERLAP = 0.35


def _ordinal_value(text: str) -> int:
    if text.isdigit():
        return int(text)
    digits = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits.get(text[1:], 0)
    if text.endswith("十"):
        return digits.get(text[0], 0) * 10
    if "十" in text:
        a, b = text.split("十", 1)
        return digits.get(a, 0) * 10 + digits.get(b, 0)
    return digits.get(text, 0)
