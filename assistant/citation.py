"""Citations: the exact span of a source file that an answer or summary sentence copies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def sources_markdown(citations: Sequence[Citation]) -> list[str]:
    """Numbered Markdown lines naming each cited span: file, article, paragraph, offsets and
    the quoted text."""
    lines = ["**来源 Sources**", ""]
    for n, c in enumerate(citations, 1):
        quoted = " ".join(c.text.split())
        lines.append(f"{n}. {c.source} · {c.article} · 第{c.paragraph}段 ({c.start}–{c.end}): “{quoted}”")
    return lines
