"""Passages in, extractive summaries out: every sentence copied and cited."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .chunking import Passage, Sentence
from .citation import Citation, cite, sources_markdown
from .config import (
    CAPTION_PENALTY,
    CENTRALITY_WEIGHT,
    DEFAULT_SETTINGS,
    DUPLICATE,
    FIGURE_BONUS,
    FIGURE_BONUS_MAX,
    FIRST_SENTENCE_BONUS,
    LEAD_BONUS,
    MIN_SUMMARY_SENTENCE_CHARS,
    REDUNDANCY,
    TITLE_OVERLAP_WEIGHT,
    TOPIC_RELEVANCE_FLOOR,
    Settings,
)
from .search import Hit
from .text import char_ngrams, jaccard


@dataclass
class SummarySentence:
    """One sentence of a summary and the span it was copied from."""

    text: str
    citation: Citation

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass
class Summary:
    """An extractive summary: ``summary`` is the sentences joined."""

    title: str
    summary: str
    sentences: list[SummarySentence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of PRODUCT.md."""
        return asdict(self)

    def to_markdown(self) -> str:
        """The summary to paste elsewhere: each sentence with its ``[n]``, then the sources."""
        body = " ".join(f"{s.text} [{n}]" for n, s in enumerate(self.sentences, 1))
        return "\n".join([f"**摘要 Summary:** {self.title}", "", body, "",
                          *sources_markdown([s.citation for s in self.sentences])])


@dataclass(frozen=True)
class _Unit:
    passage: Passage
    sentence: Sentence
    order: int
    grams: frozenset[str]


def _units(passages: list[Passage]) -> list[_Unit]:
    prose = [p for p in passages if p.kind != "table_row"] or passages
    out: list[_Unit] = []
    for p in prose:
        for s in p.sentences:
            if len(s.text) >= MIN_SUMMARY_SENTENCE_CHARS or p.kind == "table_row":
                out.append(_Unit(p, s, len(out), frozenset(char_ngrams(s.text))))
    return out


def _centrality(units: list[_Unit]) -> list[float]:
    """Mean bigram similarity of each sentence to all others (a light TextRank)."""
    n = len(units)
    if n < 2:
        return [1.0] * n
    return [sum(jaccard(u.grams, v.grams) for v in units if v is not u) / (n - 1) for u in units]


def _select(units: list[_Unit], scores: list[float], budget_chars: int, max_sentences: int,
            min_sentences: int, redundancy: float = REDUNDANCY) -> list[_Unit]:
    """Greedy MMR: best score first, skipping near-repeats, within the length budget."""
    chosen: list[_Unit] = []
    used = 0
    pool = sorted(range(len(units)), key=lambda i: -scores[i])
    while pool and len(chosen) < max_sentences:
        best_i, best_val = None, float("-inf")
        for i in pool:
            sim = max((jaccard(units[i].grams, c.grams) for c in chosen), default=0.0)
            if sim >= DUPLICATE:
                continue
            val = scores[i] - redundancy * sim
            if val > best_val:
                best_i, best_val = i, val
        if best_i is None:
            break
        pool.remove(best_i)
        u = units[best_i]
        if chosen and len(chosen) >= min_sentences and used + len(u.sentence.text) > budget_chars:
            continue
        chosen.append(u)
        used += len(u.sentence.text)
    return chosen


def _summary(title: str, chosen: list[_Unit], documents: Mapping[str, str]) -> Summary:
    sents = [SummarySentence(u.sentence.text, cite(u.passage, documents, 1.0, u.sentence.start, u.sentence.end))
             for u in chosen]
    return Summary(title, "".join(s.text for s in sents), sents)


def _salience(u: _Unit, centrality: float, first: bool) -> float:
    """How much a sentence is worth keeping: its centrality, and opening the article or its
    lead, sharing words with the title, concrete figures; a photo caption weighs less."""
    position = FIRST_SENTENCE_BONUS if first else (LEAD_BONUS if u.passage.kind == "lead" else 0.0)
    title_overlap = jaccard(u.grams, char_ngrams(u.passage.article)) * TITLE_OVERLAP_WEIGHT
    figures = min(FIGURE_BONUS_MAX, FIGURE_BONUS * len(re.findall(r"\d+(?:\.\d+)?", u.sentence.text)))
    caption = -CAPTION_PENALTY if u.passage.kind == "caption" else 0.0
    return centrality + position + title_overlap + figures + caption


def summarize_passages(passages: list[Passage], documents: Mapping[str, str],
                       settings: Settings = DEFAULT_SETTINGS, title: str = "") -> Summary:
    """Extractive summary of one article or one file: key sentences in source order.

    Sentences are scored by centrality, position (leads and first sentences weigh more),
    overlap with the article title and concrete figures; near-repeats are skipped; the
    length budget is ``summary_ratio`` of the text, at least ``summary_min_sentences``
    and at most ``summary_max_sentences`` per article.
    """
    units = _units(passages)
    if not units:
        return Summary(title, "", [])
    by_article: dict[tuple[str, int], list[_Unit]] = {}
    for u in units:
        by_article.setdefault((u.passage.source, u.passage.article_id), []).append(u)
    chosen: list[_Unit] = []
    for group in by_article.values():
        central = _centrality(group)
        top = max(central) or 1.0
        central = [CENTRALITY_WEIGHT * c / top for c in central]
        scores = [_salience(u, c, first=n == 0) for n, (u, c) in enumerate(zip(group, central))]
        total = sum(len(u.sentence.text) for u in group)
        minimum = settings.summary_min_sentences if len(by_article) == 1 else 1
        chosen += _select(group, scores, int(total * settings.summary_ratio), settings.summary_max_sentences, minimum)
    chosen.sort(key=lambda u: u.order)
    return _summary(title, chosen, documents)


# A date in a topic says when, not what: every dated sentence of the archive shares "2026年", so
# its character pairs ("20", "26", "6年") are no sign that a sentence is about the topic.
DATE_GRAM = re.compile(r"\d+|\d[年月日号]")


def summarize_topic(topic: str, hits: list[Hit], documents: Mapping[str, str],
                    settings: Settings = DEFAULT_SETTINGS,
                    embed: Callable[[list[str]], np.ndarray] | None = None,
                    query_vector: np.ndarray | None = None) -> Summary:
    """Extractive summary of a topic across files: relevant, diverse sentences (MMR over
    relevance to the topic), grouped by article in ranking order, source order inside.

    A sentence's relevance: its passage's fused score, the share of the topic's character
    pairs it holds (pairs of a date aside, see :data:`DATE_GRAM`) and, given ``embed``, its
    cosine to the topic; sentences below :data:`TOPIC_RELEVANCE_FLOOR` of the best are left out."""
    units: list[_Unit] = []
    rank_of: dict[tuple[str, int], int] = {}
    relevance: list[float] = []
    topic_grams = frozenset(g for g in char_ngrams(topic) if not DATE_GRAM.fullmatch(g)) or char_ngrams(topic)
    for rank, h in enumerate(hits):
        rank_of.setdefault((h.passage.source, h.passage.article_id), rank)
        for s in h.passage.sentences:
            if len(s.text) < MIN_SUMMARY_SENTENCE_CHARS:
                continue
            u = _Unit(h.passage, s, len(units), frozenset(char_ngrams(s.text)))
            units.append(u)
            lexical = len(topic_grams & u.grams) / max(len(topic_grams), 1)
            relevance.append(h.score + lexical)
    if not units:
        return Summary(topic, "", [])
    if embed is not None and query_vector is not None:
        vectors = embed([u.sentence.text for u in units])
        relevance = [r + float(v @ query_vector) for r, v in zip(relevance, vectors)]
    floor = max(relevance) * TOPIC_RELEVANCE_FLOOR
    keep = [i for i, r in enumerate(relevance) if r >= floor]
    units, relevance = [units[i] for i in keep], [relevance[i] for i in keep]
    chosen = _select(units, relevance, 10_000, settings.summary_max_sentences, settings.summary_min_sentences)
    chosen.sort(key=lambda u: (rank_of[(u.passage.source, u.passage.article_id)], u.order))
    return _summary(topic, chosen, documents)

