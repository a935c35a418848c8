"""Citations: the exact span of a source file that an answer or summary sentence copies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .chunking import Passage


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


def cite(passage: Passage, documents: Mapping[str, str], score: float,
         start: int | None = None, end: int | None = None) -> Citation:
    """A citation of a passage, or of the part ``start:end`` of its file."""
    s = passage.start if start is None else start
    e = passage.end if end is None else end
    return Citation(passage.source, passage.article, passage.paragraph, s, e,
                    documents.get(passage.source, "")[s:e], round(float(score), 4), passage.article_id)
