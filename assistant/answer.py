"""Passages in, cited extractive answers out.

:func:`compose` tries, in turn: a table superlative answered from the table's rows
(:func:`table_reply`); an enumeration for a list or ordinal question (:func:`list_reply`);
and otherwise the sentence the learned ranker scores best (:func:`sentence_reply`), with a
second sentence of the same article when its score is within
:data:`~assistant.config.SECOND_SENTENCE_GAP` of the best's and both fit in
:data:`~assistant.config.ANSWER_MAX_CHARS`. The short answer is decided by
:func:`assistant.short_answer.short_answer`. :func:`build_answer` then asks the learned
answerability model (:mod:`assistant.answerability`) whether the pages really hold it.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .answer_types import states_asked
from .answerability import signals
from .candidates import Candidate, candidates, overlap
from .chunking import Passage, Sentence
from .citation import Citation, cite, sources_markdown
from .config import (
    ANSWER_MAX_CHARS,
    ANSWER_POOL,
    CLAUSE_SENTENCE_MAX,
    CONTEXT_MIN_CHARS,
    COUNTED_LIST_CONFIDENCE,
    DEFAULT_SETTINGS,
    LIST_CONTEXT_CHARS,
    LIST_COUNT_BONUS,
    LIST_MIN_ITEMS,
    LIST_MIN_OVERLAP,
    LIST_RANK_PENALTY,
    LIST_SOURCES,
    SECOND_SENTENCE_GAP,
    STATED_GAP,
    TABLE_HITS,
    Settings,
)
from .question import ORDINAL, SUPERLATIVE, QuestionInfo, analyse, content_units, ordinal_value
from .ranker import Rankers
from .rerank import passage_features, reorder
from .search import Hit
from .short_answer import short_answer
from .text import CLAUSE, normalize

NOT_FOUND = "所索引的版面中没有找到这个问题的答案。下面是最接近的段落，供参考。"


@dataclass(frozen=True)
class Timings:
    """Where one question's time went, in milliseconds: embedding (the question, and any
    text no index had a vector for), searching the store, and the rest (reading the hits
    and composing the answer)."""

    embed_ms: float
    search_ms: float
    answer_ms: float
    total_ms: float


class Clock:
    """Adds up the time one question spends per step; what no step claims is answering."""

    def __init__(self) -> None:
        self._start = time.perf_counter()
        self._spent = {"embed": 0.0, "search": 0.0}

    @contextmanager
    def timing(self, step: str) -> Iterator[None]:
        """Count the time inside the block as ``step`` (``"embed"`` or ``"search"``)."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self._spent[step] += time.perf_counter() - t0

    def timings(self) -> Timings:
        """The steps so far, in milliseconds."""
        total = time.perf_counter() - self._start
        embed, search = self._spent["embed"], self._spent["search"]
        return Timings(*(round(1000 * v, 1) for v in (embed, search, max(total - embed - search, 0.0), total)))


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
    timings: Timings | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of PRODUCT.md (plus ``items``, ``message``, ``confidence``)."""
        return asdict(self)

    def to_markdown(self) -> str:
        """The answer to paste elsewhere: the question, the answer with its ``[n]`` markers,
        then the numbered sources (file, article, paragraph, offsets, quoted text)."""
        lines = [f"**问 Q:** {self.question}", ""]
        if not self.found:
            return "\n".join(lines + [f"**未找到 Not found.** {self.message}".rstrip()])
        if self.short_answer:
            lines += [f"**简答 Short answer:** {self.short_answer}", ""]
        if self.items:
            lines += [f"- {item} [{min(n, len(self.citations))}]" for n, item in enumerate(self.items, 1)]
        else:
            lines.append(self.answer + "".join(f" [{n}]" for n in range(1, len(self.citations) + 1)))
        return "\n".join([*lines, "", *sources_markdown(self.citations)])


@dataclass(frozen=True)
class Evidence:
    """What answering reads besides the hits, all from the loaded index.

    Attributes:
        documents: file name → decoded text, for exact citation text.
        paragraph_of: all passages of a passage's paragraph (for lists) or table (for rows).
        idf: a token's inverse document frequency in the index.
        similarity: dense similarity of sentences to the query (None: not measured).
    """

    documents: Mapping[str, str]
    paragraph_of: Callable[[Passage], list[Passage]] = lambda p: [p]
    idf: Callable[[str], float] = lambda t: 1.0
    similarity: Callable[[list[str]], list[float]] | None = None


@dataclass(frozen=True)
class Reply:
    """What one answering strategy found: the answer text, its short answer and citations."""

    text: str
    short: str | None
    citations: list[Citation]
    items: list[str] = field(default_factory=list)


def build_answer(question: str, hits: list[Hit], evidence: Evidence, rankers: Rankers,
                 settings: Settings = DEFAULT_SETTINGS, k: int = DEFAULT_SETTINGS.top_k,
                 query: str | None = None) -> Answer:
    """Compose the answer from ranked hits, then let the learned answerability model decide
    whether the pages really hold it (``found: false`` with the closest passages if not).

    Args:
        question: the question as asked.
        hits: ranked passages (more than ``k`` lets sentences from lower passages compete).
        evidence: the index's texts and tables the answer reads.
        rankers: the learned sentence, span and answerability models.
        settings: the answer length.
        k: passages to report.
        query: the search query (a follow-up resolved with its topic), if different.
    """
    composed = compose(question, hits, evidence, rankers, settings, query)
    ordered = reranked(composed, hits, evidence, rankers)
    passages = [cite(h.passage, evidence.documents, h.score) for h in ordered[:k]]
    reply = composed.reply
    p = rankers.answerability.probability(composed.signals) if rankers.answerability else float(reply is not None)
    threshold = rankers.answerability.threshold_for(composed.signals) if rankers.answerability else 0.5
    if reply is not None and len(reply.items) in asked_counts(composed.info):
        p = max(p, COUNTED_LIST_CONFIDENCE)
    if reply is None or p < threshold:
        return Answer(question, "", None, False, [], passages, message=NOT_FOUND, confidence=round(p, 3))
    return Answer(question, reply.text, reply.short, True, reply.citations, passages, items=reply.items,
                  confidence=round(p, 3))


def asked_counts(info: QuestionInfo) -> set[int]:
    """The numbers a question names ("15件民生实事", "the 15 livelihood projects").

    An enumeration with exactly as many items as the question names answers it by its
    structure; the answerability model learned from reading sets that hold no lists, and
    in another language it has no shared words to go on, so such a list is found
    (:data:`COUNTED_LIST_CONFIDENCE`)."""
    return {int(n) for n in re.findall(r"\d+", normalize(info.text)) if len(n) <= 3}


def reranked(composed: Composed, hits: list[Hit], evidence: Evidence, rankers: Rankers) -> list[Hit]:
    """The hits in the learned passage ranker's order, from what composing the answer
    computed (no model runs again); as they came without that ranker or candidates."""
    if rankers.passage is None or not composed.ranked:
        return hits
    cited = composed.reply.citations if composed.reply else []
    features = passage_features(composed.info, hits[:ANSWER_POOL], composed.ranked, evidence.idf, cited)
    return reorder(hits, rankers.passage.score(features))


@dataclass(frozen=True)
class Composed:
    """An answer before the decision: the reply (None: nothing to say), the ranked
    candidates, the answerability signals, and the question they were read for (the
    search query, for a follow-up)."""

    reply: Reply | None
    ranked: list[Candidate]
    signals: list[float]
    info: QuestionInfo


def compose(question: str, hits: list[Hit], evidence: Evidence, rankers: Rankers,
            settings: Settings = DEFAULT_SETTINGS, query: str | None = None,
            pool: list[Candidate] | None = None) -> Composed:
    """The best reply the hits allow: a table row, an enumeration, or sentences; with the
    signals the answerability decision reads.

    Args:
        pool: the hits' candidate answers, when already computed (training re-ranks them).
    """
    info = analyse(question)
    q_info = analyse(query) if query and query != question else info
    if not hits:
        return Composed(None, [], signals(q_info, hits, [], "", None, False, evidence.idf), q_info)
    ranked = rank_candidates(q_info, hits, evidence, rankers, pool)
    reply = (table_reply(info, hits, evidence) or list_reply(info, q_info, ranked, hits, evidence)
             or sentence_reply(info, q_info, ranked, evidence, rankers, settings))
    listed = bool(reply.items) or reply.short is not None and reply.short == reply.text
    return Composed(reply, ranked, signals(q_info, hits, ranked, reply.text, reply.short, listed, evidence.idf),
                    q_info)


def rank_candidates(info: QuestionInfo, hits: list[Hit], evidence: Evidence, rankers: Rankers,
                    pool: list[Candidate] | None = None) -> list[Candidate]:
    """The candidate answers of the hits (``pool``, if computed), each with the sentence
    ranker's score."""
    found = pool if pool is not None else candidates(info, hits, evidence.similarity, evidence.idf)
    scores = rankers.sentence_for(info.lang).score([list(c.features) for c in found])
    return [replace(c, score=v) for c, v in zip(found, scores)]


# ----------------------------------------------------------------------------- tables


def table_reply(info: QuestionInfo, hits: list[Hit], evidence: Evidence) -> Reply | None:
    """A superlative question (``哪个县综合指数最低``) answered from the rows of a retrieved
    table: a named column of a table among the top hits is evidence enough."""
    if not hits or not SUPERLATIVE.search(info.text):
        return None
    table_hits = [h for h in hits[:TABLE_HITS] if h.passage.kind == "table_row"]
    if not table_hits:
        return None
    rows = [p for p in evidence.paragraph_of(table_hits[0].passage) if p.kind == "table_row"]
    found = table_answer(info, rows)
    if not found:
        return None
    row, name = found
    return Reply(row.text, name, [cite(row, evidence.documents, table_hits[0].score)])


def _number(text: str) -> float | None:
    m = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    return float(m.group()) if m else None


def table_answer(info: QuestionInfo, rows: list[Passage]) -> tuple[Passage, str] | None:
    """Answer a superlative question from table rows, read as their cells.

    Returns:
        The winning row and its first cell, or None when the question names no column.
    """
    sup = SUPERLATIVE.search(info.text)
    if not sup or not rows or not rows[0].cells:
        return None
    header = [h for h, _ in rows[0].cells]
    q = normalize(info.text).replace(" ", "")
    names = [normalize(re.sub(r"\(.*?\)|（.*?）", "", h)).replace(" ", "") for h in header]
    numeric = [i for i in range(len(header)) if i > 0 and names[i] and names[i] in q]
    if not numeric:
        return None
    column = max(numeric, key=lambda i: len(names[i]))
    values = [(row, _number(row.cells[column][1]) if column < len(row.cells) else None) for row in rows]
    valued = [(row, v) for row, v in values if v is not None and row.cells]
    if not valued:
        return None
    pick = min if sup.group(1) in "低小少差" else max
    best = pick(valued, key=lambda rv: rv[1] or 0.0)[0]
    return best, best.cells[0][1]


# ----------------------------------------------------------------------------- lists

_ITEM_START = re.compile(r"(?:(?<=^)|(?<=[:：;；。]))\s*((?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、是]|"
                         r"[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．](?!\d)|其[一二三四五六七八九十]+[，,、是]))")


def opens_item(sentence: str) -> bool:
    """Whether ``sentence`` is an item of an enumeration (三是…, （三）…, 3. …): a fact of its own."""
    return bool(_ITEM_START.match(sentence))


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


def list_reply(info: QuestionInfo, q_info: QuestionInfo, ranked: list[Candidate], hits: list[Hit],
               evidence: Evidence) -> Reply | None:
    """A list question answered with every item of the enumeration that matches it best, an
    ordinal question (``第三件是什么``) with one item; each item cited to its own paragraph."""
    ordinal = ORDINAL.search(info.text)
    if not (info.kind == "list" or ordinal):
        return None
    best = max(ranked, key=lambda c: c.score)
    para, items = _best_list(best, hits, evidence.paragraph_of, q_info)
    if len(items) < LIST_MIN_ITEMS:
        return None

    def cited(s: Sentence) -> Citation:
        owner = next(p for p in para if s in p.sentences)
        return cite(owner, evidence.documents, best.hit.score, s.start, s.end)

    if ordinal:
        n = ordinal_value(ordinal.group(1))
        if not 1 <= n <= len(items):
            return None
        text, s = items[n - 1]
        return Reply(text, text, [cited(s)], [text])
    citations: list[Citation] = []
    for _, s in items:
        c = cited(s)
        if not citations or citations[-1].start != c.start:
            citations.append(c)
    texts = [t for t, _ in items]
    return Reply("\n".join(texts), None, citations, texts)


def _best_list(best: Candidate, hits: list[Hit], paragraph_of: Callable[[Passage], list[Passage]],
               info: QuestionInfo) -> tuple[list[Passage], list[tuple[str, Sentence]]]:
    """The enumeration that answers a list question: in the best sentence's paragraph, or
    in one of the top three passages whose paragraph matches the question best (for a
    question in another language: is densely closest, with as many items as it asks for)."""
    options = []
    counts = asked_counts(info)
    sources = LIST_SOURCES if info.lang == "zh" else ANSWER_POOL  # dense closeness decides, wherever it ranks
    for rank, hit in enumerate([best.hit] + hits[:sources]):
        para = paragraph_of(hit.passage)
        items = list_items([s for p in para for s in p.sentences])
        if len(items) < LIST_MIN_ITEMS:
            continue
        if info.lang != "zh":  # no shared words: the passage's dense similarity, and the count asked for
            options.append((hit.dense + (LIST_COUNT_BONUS if len(items) in counts else 0.0)
                            - LIST_RANK_PENALTY * rank, para, items))
            continue
        text = "".join(p.text for p in para)[:LIST_CONTEXT_CHARS]
        shared = overlap(info, hit.passage.context + text)
        if shared >= LIST_MIN_OVERLAP:
            options.append((shared - LIST_RANK_PENALTY * rank, para, items))
    if not options:
        return [], []
    _, para, items = max(options, key=lambda o: o[0])
    return para, items


# ----------------------------------------------------------------------------- sentences


def sentence_reply(info: QuestionInfo, q_info: QuestionInfo, ranked: list[Candidate], evidence: Evidence,
                   rankers: Rankers, settings: Settings) -> Reply:
    """The best-scored sentence (with the context it needs), and a second sentence when the
    ranker rates it nearly as high and both fit; trimmed when too long."""
    best = _stating(q_info, ranked)  # judged as the decision judges it (a follow-up with its topic)
    parts = _parts(best)
    short = short_answer(info, best.sentence.text, rankers.span, evidence.similarity)
    second = _second(best, parts, ranked) if settings.answer_max_sentences > 1 and best.width == 1 else None
    if short is None and info.expects:  # the typed span may sit in the sentence beside (the year before 不久，…),
        # but not in another item of an enumeration (三是…3万名 says nothing of the first item)
        others = [t for t in [s.text for s in parts if s.text != best.sentence.text]
                  + ([second.sentence.text] if second else []) if not opens_item(t)]
        short = next((found for text in others if (found := short_answer(info, text, rankers.span,
                                                                          evidence.similarity))), None)
    if second is not None:
        chosen = sorted([(best, parts), (second, [second.sentence])],
                        key=lambda cp: (cp[0].hit.passage.source, cp[1][0].start))
        citations = [cite(c.hit.passage, evidence.documents, c.hit.score, ps[0].start, ps[-1].end)
                     for c, ps in chosen]
        return Reply("".join(s.text for _, ps in chosen for s in ps), short, citations)
    citation = cite(best.hit.passage, evidence.documents, best.hit.score, parts[0].start, parts[-1].end)
    text = "".join(s.text for s in parts)
    if len(text) > ANSWER_MAX_CHARS:
        text, citation = trimmed(q_info, text, citation, short)
    return Reply(text, short, [citation])


def _parts(best: Candidate) -> list[Sentence]:
    """The sentences an answer from ``best`` holds: its two, or its one with the context it
    needs."""
    return ([best.hit.passage.sentences[i] for i in (best.index, best.index + 1)] if best.width == 2
            else _with_context(best))


def _stating(info: QuestionInfo, ranked: list[Candidate]) -> Candidate:
    """The best-scored candidate, or, when its answer states no value of the kind asked (a
    多少钱 answer naming no sum, a 省委书记是谁 answer naming no 省委书记:
    :func:`~assistant.answer_types.states_asked`), the best one within
    :data:`~assistant.config.STATED_GAP` of it that does. A person asked in another language
    is not chosen so: its office is checked loosely (any office named), which only tells
    that an answer falls short, not which one holds the office asked; nor is the unit of a
    count asked in another language (students → 人 is the dictionary's guess), only a count.
    Nor is a time chosen so: 今年 or 近日 is in most sentences of a story, so a sentence
    saying some time tells that an answer falls short (answerability), not which one says when."""
    best = max(ranked, key=lambda c: c.score)
    if not info.expects or info.expects == "person" and info.lang != "zh" or info.expects in ("date", "year"):
        return best
    near = sorted((c for c in ranked if c.score >= best.score - STATED_GAP), key=lambda c: -c.score)
    return next((c for c in near if states_asked(info.expects, info.text, "".join(s.text for s in _parts(c)),
                                                 units=info.lang == "zh")), best)


def _second(best: Candidate, parts: list[Sentence], ranked: list[Candidate]) -> Candidate | None:
    """A second single sentence of the same article, scored within the gap of the best,
    that fits beside it."""
    article = (best.hit.passage.source, best.hit.passage.article_id)
    singles = sorted((c for c in ranked if c.width == 1 and (c.hit.passage.source, c.hit.passage.article_id) == article),
                     key=lambda c: -c.score)
    taken = {(best.hit.passage.id, s.start) for s in parts}
    for other in singles[1:4]:
        if (other.hit.passage.id, other.sentence.start) in taken or other.sentence.text == best.sentence.text:
            continue
        if other.score < best.score - SECOND_SENTENCE_GAP:
            return None
        if sum(len(s.text) for s in parts) + len(other.sentence.text) <= ANSWER_MAX_CHARS:
            return other
    return None


KEEP_SHORT = 1000.0  # a trimmed answer's window holding its short answer beats any without it


def trimmed(info: QuestionInfo, text: str, citation: Citation, short: str | None = None) -> tuple[str, Citation]:
    """A run-on answer cut to the clauses around what the question asks, at most
    :data:`~assistant.config.ANSWER_MAX_CHARS` long, and around its short answer when it has
    one (a question in another language shares no words to cut around: it keeps as much
    as fits around the short answer); kept whole when the cut cannot be cited exactly."""
    clauses = [m.group() for m in CLAUSE.finditer(text)]
    units = content_units(info.text)
    keep = short if short and short in text else None
    length_weight = -0.001 if info.lang == "zh" else 0.001
    best, best_score = "", -math.inf
    for i in range(len(clauses)):
        window = ""
        for j in range(i, len(clauses)):
            if len(window) + len(clauses[j]) > ANSWER_MAX_CHARS:
                break
            window += clauses[j]
            norm = normalize(window)
            score = (sum(len(u) for u in units if u in norm) + (KEEP_SHORT if keep and keep in window else 0.0)
                     + length_weight * len(window))
            if score > best_score:
                best, best_score = window, score
    at = citation.text.find(best) if best else -1
    if at < 0:
        return text, citation
    start = citation.start + at
    return best, replace(citation, start=start, end=start + len(best), text=best)


def _with_context(best: Candidate) -> list[Sentence]:
    """The best sentence, with the one before it when it opens with a reference back
    (``其中``, ``该``…) or is too short to stand alone; clauses cut at ``；`` are read with
    the rest of their sentence."""
    sentences = best.hit.passage.sentences
    text = best.sentence.text
    needs_context = len(text) < CONTEXT_MIN_CHARS or re.match(r"^(其中|此外|同时|该|这|此|他|她|它|其|对此|为此|因此|但)",
                                                               text)
    chosen = [best.index]
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
    if len(chosen) == 1 and needs_context and best.index > 0:
        chosen.insert(0, best.index - 1)
    elif len(chosen) == 1 and needs_context and best.index + 1 < len(sentences) and len(text) < CONTEXT_MIN_CHARS:
        chosen.append(best.index + 1)
    return [sentences[i] for i in chosen]
