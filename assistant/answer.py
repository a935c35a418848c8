"""Passages in, cited extractive answers out (pure functions, no model, no disk)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .chunking import Passage
from .config import DEFAULT_SETTINGS, Settings
from .search import Hit

ANSWER_POOL = 10


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

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of PRODUCT.md (plus ``items`` and ``message``)."""
        return asdict(self)


def cite(passage: Passage, documents: dict[str, str], score: float,
         start: int | None = None, end: int | None = None) -> Citation:
    """A citation of a passage, or of the part ``start:end`` of its file."""
    s = passage.start if start is None else start
    e = passage.end if end is None else end
    return Citation(passage.source, passage.article, passage.paragraph, s, e,
                    documents.get(passage.source, "")[s:e], round(float(score), 4), passage.article_id)


def resolve_followup(question: str, history: list[str]) -> str:
    """The question as a search query (follow-ups get the previous question's topic)."""
    return question


def build_answer(question: str, hits: list[Hit], documents: dict[str, str],
                 settings: Settings = DEFAULT_SETTINGS, k: int = DEFAULT_SETTINGS.top_k,
                 query: str | None = None) -> Answer:
    """Choose the answering text from ranked hits."""
    passages = [cite(h.passage, documents, h.score) for h in hits[:k]]
    if not hits:
        return Answer(question, "", None, False, [], passages, message="The indexed pages do not answer this.")
    best = hits[0]
    return Answer(question, best.passage.text, None, True, [passages[0]], passages)
