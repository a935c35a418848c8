"""Hybrid retrieval: dense (FAISS) and BM25 (jieba) rankings fused, near-duplicates removed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .chunking import Passage
from .config import DEFAULT_SETTINGS, FUSED_POOL_FACTOR, FUSED_POOL_MIN, Settings
from .index import IndexData
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
    grams: list[set[str]] = []
    for hit in hits:
        g = char_ngrams(hit.passage.text)
        if any(jaccard(g, other) >= threshold for other in grams):
            continue
        kept.append(hit)
        grams.append(g)
    return kept


def dense_ranking(data: IndexData, query_vector: np.ndarray, n: int,
                  among: np.ndarray | None = None) -> tuple[list[int], dict[int, float]]:
    """Ids and cosine scores of the ``n`` nearest passages by FAISS (or, of the passages
    ``among``, exactly by their vectors)."""
    if not data.passages:
        return [], {}
    if among is not None:
        scores = data.vectors[among] @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        order = np.argsort(-scores, kind="stable")[:n]
        return [int(among[i]) for i in order], {int(among[i]): float(scores[i]) for i in order}
    n = min(n, len(data.passages))
    scores, ids = data.faiss_index.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), n)
    pairs = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
    return [i for i, _ in pairs], dict(pairs)


def bm25_ranking(data: IndexData, query_tokens: list[str], n: int,
                 among: np.ndarray | None = None) -> tuple[list[int], dict[int, float]]:
    """Ids and BM25 scores of the ``n`` best passages (of those ``among``, if given) with a
    positive score."""
    if data.bm25 is None or not query_tokens or not data.passages:
        return [], {}
    vocab = data.bm25.vocab_dict
    known = [t for t in query_tokens if t in vocab]
    if not known:
        return [], {}
    all_scores = np.asarray(data.bm25.get_scores(known), dtype=np.float32)
    ids_of = among if among is not None else np.arange(len(all_scores))
    scores = all_scores[ids_of]
    n = min(n, len(scores))
    if n == 0:
        return [], {}
    top = np.argpartition(-scores, n - 1)[:n] if among is None else np.arange(len(scores))  # ties: in id order
    top = top[np.argsort(-scores[top], kind="stable")][:n]
    ids = [int(ids_of[i]) for i in top if scores[i] > 0]
    return ids, {i: float(all_scores[i]) for i in ids}


def hybrid_search(data: IndexData, query_vector: np.ndarray | None, query_tokens: list[str],
                  k: int = DEFAULT_SETTINGS.top_k, settings: Settings = DEFAULT_SETTINGS,
                  sources: set[str] | None = None, article: tuple[str, int] | None = None) -> list[Hit]:
    """Rank passages for one query by fusing dense and BM25 rankings.

    Args:
        data: the loaded index.
        query_vector: the query's embedding (None: BM25 only).
        query_tokens: the query's BM25 tokens (normalised jieba tokens).
        k: how many hits to return.
        settings: candidate pool size, fusion weight and k, duplicate threshold.
        sources: only passages from these files, if given.
        article: only passages of this article (file, article number), if given.

    Returns:
        Up to ``k`` hits, best first, without near-duplicates.
    """
    among = None
    pool = settings.candidates
    if sources is not None or article is not None:  # rank only the passages allowed, exactly
        among = np.array([i for i, p in enumerate(data.passages) if (sources is None or p.source in sources)
                          and (article is None or (p.source, p.article_id) == article)], dtype=np.int64)
        pool = len(among)
    dense_ids, dense_scores = (dense_ranking(data, query_vector, pool, among) if query_vector is not None
                               else ([], {}))
    sparse_ids, sparse_scores = bm25_ranking(data, query_tokens, pool, among)
    fused = rrf_fuse(dense_ids, sparse_ids, settings.rrf_k, settings.dense_weight)
    hits = [Hit(data.passages[i], score, dense_scores.get(i, 0.0), sparse_scores.get(i, 0.0))
            for i, score in fused[: max(k * FUSED_POOL_FACTOR, FUSED_POOL_MIN)]]
    return remove_near_duplicates(hits, settings.near_duplicate_jaccard)[:k]
