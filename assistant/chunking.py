"""Articles → passages: sentence-aligned chunks that know where they came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .config import DEFAULT_SETTINGS, MAX_SENTENCE_CHARS, Settings
from .layout import Article, Paragraph, ParagraphKind
from .text import sentence_spans


@dataclass(frozen=True)
class Sentence:
    """One sentence: repaired text and its original ``start:end`` in the file."""

    text: str
    start: int
    end: int


@dataclass
class Passage:
    """A retrievable, citable chunk of one paragraph (or one table row)."""

    id: str
    source: str
    article: str
    article_id: int
    paragraph: int
    start: int
    end: int
    text: str
    kind: ParagraphKind = "body"
    context: str = ""  # article heading (and section heading) for retrieval
    sentences: list[Sentence] = field(default_factory=list)
    cells: tuple[tuple[str, str], ...] = ()  # table rows: (column, value) of each non-empty cell

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        """Inverse of :meth:`to_dict`."""
        sentences = [Sentence(**s) for s in data.get("sentences", [])]
        cells = tuple((str(c[0]), str(c[1])) for c in data.get("cells", ()))
        return cls(**{**data, "sentences": sentences, "cells": cells})

    @property
    def search_text(self) -> str:
        """What retrieval reads: the article heading, then the passage."""
        return f"{self.context}：{self.text}" if self.context else self.text


CHUNKED_KINDS = {"body", "lead", "caption"}


def paragraph_sentences(para: Paragraph) -> list[Sentence]:
    """Sentences of a paragraph with original offsets (a table row is one sentence)."""
    if para.kind == "table_row":
        start, end = para.text.span()
        return [Sentence(para.header, start, end)]
    out = []
    text = para.text.text
    for i, j in sentence_spans(text):
        for a, b in _bounded(text, i, j):
            start, end = para.text.span(a, b)
            out.append(Sentence(text[a:b], start, end))
    return out


def _bounded(text: str, i: int, j: int) -> list[tuple[int, int]]:
    """Cut a run-on "sentence" (no punctuation for hundreds of characters) at commas or,
    failing that, every :data:`MAX_SENTENCE_CHARS` characters."""
    spans = []
    while j - i > MAX_SENTENCE_CHARS:
        window = text[i : i + MAX_SENTENCE_CHARS]
        cut = max(window.rfind(c) for c in "，,、 ")
        cut = cut + 1 if cut > MAX_SENTENCE_CHARS // 3 else MAX_SENTENCE_CHARS
        spans.append((i, i + cut))
        i += cut
    spans.append((i, j))
    return spans


def _groups(sentences: list[Sentence], max_chars: int, min_chars: int) -> list[list[Sentence]]:
    groups: list[list[Sentence]] = []
    size = 0
    for s in sentences:
        if groups and size + len(s.text) <= max_chars:
            groups[-1].append(s)
            size += len(s.text)
        else:
            groups.append([s])
            size = len(s.text)
    if len(groups) > 1 and sum(len(s.text) for s in groups[-1]) < min_chars:
        tail = groups.pop()
        groups[-1].extend(tail)
    return groups


def chunk_articles(source: str, articles: list[Article],
                   settings: Settings = DEFAULT_SETTINGS) -> list[Passage]:
    """Cut every article of one file into passages along sentence boundaries.

    Args:
        source: the file name, as indexed.
        articles: the file's articles from :func:`layout.parse_page`.
        settings: passage size limits.

    Returns:
        Passages in file order, each with title context, paragraph number and offsets.
    """
    passages: list[Passage] = []
    for a_id, art in enumerate(articles):
        section = ""
        for p_no, para in enumerate(art.paragraphs, start=1):
            if para.kind == "heading":
                section = para.text.text
                continue
            if para.kind not in CHUNKED_KINDS and para.kind != "table_row":
                continue
            sentences = paragraph_sentences(para)
            if not sentences:
                continue
            context = art.heading + (f"：{section}" if section else "")
            groups = ([sentences] if para.kind == "table_row" else
                      _groups(sentences, settings.passage_max_chars, settings.passage_min_chars))
            for group in groups:
                passages.append(Passage(
                    id=f"{source}#{len(passages)}", source=source, article=art.title,
                    article_id=a_id, paragraph=p_no, start=group[0].start, end=group[-1].end,
                    text="".join(s.text for s in group), kind=para.kind, context=context,
                    sentences=list(group), cells=para.cells))
    return passages
