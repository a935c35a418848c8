"""Hybrid retrieval: a store's dense and BM25 (jieba) rankings fused, near-duplicates removed.
Store-agnostic: it asks any :class:`~assistant.store.Store` for the two rankings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .chunking import Passage
from .config import DEFAULT_SETTINGS, FUSED_POOL_FACTOR, FUSED_POOL_MIN, Settings
from .store import Scope, Store
from .text import char_ngrams, jaccard


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its fused score (0–1) and the two scores behind it."""

    passage: Passage
    score: float
    dense: float
    bm25: float


def rrf_fuse(dense: Sequence[int], sparse: Sequence[int], k: float = DEFAULT_SETTINGS.rrf_k,
             dense_weight: float = DEFAULT_SETTINGS.dense_weight) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion of two rankings (lists of ids, best first).

    Score of an id: ``w/(k + rank_dense) + (1 - w)/(k + rank_sparse)`` (ranks from 1),
    scaled by ``k + 1`` so that first in both lists scores 1.0.

    Returns:
        ``(id, score)`` pairs, best first; ties keep the dense order.
    """
    scores: dict[int, float] = {}
    for weight, ranking in ((dense_weight, dense), (1.0 - dense_weight, sparse)):
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + weight * (k + 1) / (k + rank)
    order = {pid: i for i, pid in enumerate(list(dense) + list(sparse))}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def remove_near_duplicates(hits: list[Hit], threshold: float = DEFAULT_SETTINGS.near_duplicate_jaccard) -> list[Hit]:
    """Drop hits whose text nearly repeats a better-ranked hit (character-bigram Jaccard)."""
    kept: list[Hit] = []
    grams: list[frozenset[str]] = []
    for hit in hits:
        g = char_ngrams(hit.passage.text)
        # sets whose sizes differ more than the threshold allows cannot be that similar
        if any(min(len(g), len(other)) >= threshold * max(len(g), len(other)) and jaccard(g, other) >= threshold
               for other in grams):
            continue
        kept.append(hit)
        grams.append(g)
    return kept


def hybrid_search(store: Store, query_vector: np.ndarray | None, query_tokens: list[str],
                  k: int = DEFAULT_SETTINGS.top_k, settings: Settings = DEFAULT_SETTINGS,
                  scope: Scope | None = None) -> list[Hit]:
    """Rank passages for one query by fusing the store's dense and BM25 rankings.

    Args:
        store: where the passages live.
        query_vector: the query's embedding (None: BM25 only).
        query_tokens: the query's BM25 tokens (normalised jieba tokens).
        k: how many hits to return.
        settings: candidate pool size, fusion weight and k, duplicate threshold.
        scope: only passages of some files or of one article, ranked exactly (None: all).

    Returns:
        Up to ``k`` hits, best first, without near-duplicates.
    """
    pool = settings.candidates
    dense = store.dense_search(query_vector, pool, scope) if query_vector is not None else []
    sparse = store.lexical_search(query_tokens, pool, scope) if query_tokens else []
    fused = rrf_fuse([i for i, _ in dense], [i for i, _ in sparse], settings.rrf_k, settings.dense_weight)
    fused = fused[: max(k * FUSED_POOL_FACTOR, FUSED_POOL_MIN)]
    passages = store.passages([i for i, _ in fused])
    dense_scores, sparse_scores = dict(dense), dict(sparse)
    hits = [Hit(passages[i], score, dense_scores.get(i, 0.0), sparse_scores.get(i, 0.0))
            for i, score in fused if i in passages]
    return remove_near_duplicates(hits, settings.near_duplicate_jaccard)[:k]
