"""Passages in, extractive summaries out: every sentence copied and cited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import jieba.analyse
import numpy as np

from .answer import Citation, cite
from .chunking import Passage
from .config import DEFAULT_SETTINGS, Settings
from .search import Hit

TOPIC_POOL = 20


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


def keywords(text: str, n: int = 5) -> list[str]:
    """Keywords of a text by jieba's TextRank (TF-IDF when TextRank finds none)."""
    words = jieba.analyse.textrank(text, topK=n) or jieba.analyse.extract_tags(text, topK=n)
    return list(words)


def summarize_passages(passages: list[Passage], documents: dict[str, str],
                       settings: Settings = DEFAULT_SETTINGS, title: str = "") -> Summary:
    """Summary of one article or file."""
    sents = [SummarySentence(s.text, cite(p, documents, 1.0, s.start, s.end))
             for p in passages[:1] for s in p.sentences[:2]]
    return Summary(title, "".join(s.text for s in sents), sents)


def summarize_topic(topic: str, hits: list[Hit], documents: dict[str, str],
                    settings: Settings = DEFAULT_SETTINGS,
                    embed: Callable[[list[str]], np.ndarray] | None = None,
                    query_vector: np.ndarray | None = None) -> Summary:
    """Summary of a topic across files."""
    return summarize_passages([h.passage for h in hits], documents, settings, title=topic)
