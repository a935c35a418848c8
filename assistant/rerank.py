"""The learned passage reranker: the fused hits put in a better order, from what retrieval
and answering already computed (no model runs again).

Each hit is described by :data:`PASSAGE_FEATURES`: its fused, dense and BM25 scores and
ranks, the best sentence-ranker score among its candidate answers and their best dense
similarity and answer-type match, the question's words it covers (weighted by idf) in its
text and in its article title, whether a number is asked and present, the question's
language and the passage's kind. A LightGBM LambdaRank model (:class:`~assistant.ranker.Ranker`,
trained by ``python -m assistant train``) scores them; hits beyond the scored pool keep their
place after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .candidates import FEATURES, Candidate, idf_overlap
from .citation import Citation
from .question import QuestionInfo
from .search import Hit
from .text import normalize

PASSAGE_FEATURES = ("fused", "fused_rank", "dense", "dense_rank", "bm25", "bm25_rank", "best_sentence",
                    "second_sentence", "best_dense", "best_type_match", "coverage", "title_coverage", "number_asked",
                    "number_present", "lang_other", "table_row", "caption", "length", "cited_first", "cited")
NO_SENTENCE = -10.0  # the sentence score of a hit without candidates
NUMBER_KINDS = ("number", "date")
NUMBER_TYPES = ("money", "year", "date", "number")
DIGIT = re.compile(r"\d|[一二三四五六七八九十百千万亿]+[个项件名人元年月日次座条家所台辆]")  # in normalised text: full-width digits and most numerals are digits already


def _ranks(values: Sequence[float]) -> list[int]:
    """Each value's rank, best (highest) first, from 0."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    out = [0] * len(values)
    for r, i in enumerate(order):
        out[i] = r
    return out


def passage_features(info: QuestionInfo, hits: Sequence[Hit], ranked: Sequence[Candidate],
                     idf: Callable[[str], float] | None = None,
                     cited: Sequence[Citation] = ()) -> list[list[float]]:
    """One row of :data:`PASSAGE_FEATURES` per hit, from the hits' candidate answers as the
    sentence ranker scored them (``ranked``: ``Candidate.rank`` is the hit's index) and the
    spans the composed answer cites (``cited``, its first citation first)."""
    by_hit: dict[int, list[Candidate]] = {}
    for c in ranked:
        by_hit.setdefault(c.rank, []).append(c)
    dense_at, type_at = FEATURES.index("dense_abs"), FEATURES.index("type_match")
    top_bm25 = max((h.bm25 for h in hits), default=0.0) or 1.0
    dense_rank, bm25_rank = _ranks([h.dense for h in hits]), _ranks([h.bm25 for h in hits])
    number_asked = float(info.kind in NUMBER_KINDS or info.expects in NUMBER_TYPES)
    rows = []
    for i, h in enumerate(hits):
        cands = by_hit.get(i, [])
        scores = sorted((c.score for c in cands), reverse=True) + [NO_SENTENCE, NO_SENTENCE]
        text = normalize(h.passage.text)
        rows.append([
            h.score, float(i), h.dense, float(dense_rank[i]), h.bm25 / top_bm25, float(bm25_rank[i]),
            scores[0], scores[1],
            max((c.features[dense_at] for c in cands), default=0.0),
            max((c.features[type_at] for c in cands), default=0.0),
            idf_overlap(info, text, idf) if idf else 0.0,
            idf_overlap(info, normalize(h.passage.article), idf) if idf and h.passage.article else 0.0,
            number_asked, float(bool(DIGIT.search(text))),
            float(info.lang != "zh"), float(h.passage.kind == "table_row"), float(h.passage.kind == "caption"),
            min(len(text), 2000) / 500.0,
            float(bool(cited) and _holds(h, cited[0])), float(any(_holds(h, c) for c in cited)),
        ])
    return rows


def _holds(hit: Hit, citation: Citation) -> bool:
    """Whether the hit's passage overlaps the cited span."""
    p = hit.passage
    return p.source == citation.source and p.start < citation.end and citation.start < p.end


def reorder(hits: list[Hit], scores: Sequence[float]) -> list[Hit]:
    """The first ``len(scores)`` hits by score (ties keep their order), the rest after them."""
    n = len(scores)
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    return [hits[i] for i in order] + hits[n:]
