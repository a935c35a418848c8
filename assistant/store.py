"""The store interface: the one place that knows how passages, vectors and lexical postings
are kept. Search, answers, summaries and the app talk only to a :class:`Store`.

A store holds *sources* (indexed files). Each source has a record (:class:`SourceFile`),
its decoded text (what citation offsets point into) and its passages with one vector each.
Passages get integer ids that are never reused, so an id seen once always means the same
passage. A change (adding, replacing or deleting a source) is one commit: readers see the
state before it or after it, never half of it.

Implementations: :class:`~assistant.local_store.LocalStore` (SQLite + FAISS + tantivy, the
default) and :class:`~assistant.milvus_store.MilvusStore` (a Milvus cluster or milvus-lite).
Every implementation passes ``tests/test_store.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from .chunking import Passage
from .text import keywords

ParagraphKey = tuple[str, int, int]  # (file, article number, paragraph number; -1: all table rows)


@dataclass
class SourceFile:
    """One indexed file: where it came from and its checksum."""

    name: str
    path: str
    sha256: str
    size: int
    passages: int = 0
    articles: int = 0
    parser: int = 0


@dataclass(frozen=True)
class ArticleRecord:
    """One indexed article, as the library lists it."""

    source: str
    article_id: int
    title: str
    keywords: list[str]
    first_sentence: str
    passages: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class Scope:
    """Which passages a search may return: those of some files, or of one article."""

    sources: frozenset[str] | None = None
    article: tuple[str, int] | None = None


@dataclass(frozen=True)
class StoreStats:
    """What a store holds and what it takes on disk."""

    sources: int
    articles: int
    passages: int
    embedder: str
    dim: int
    disk_bytes: int
    kind: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


Ranked = list[tuple[int, float]]  # (passage id, score), best first


@dataclass(frozen=True)
class NewSource:
    """A source to add: its record, decoded text, passages in order, a unit-length vector per
    passage and each vector's content hash (see :meth:`Store.vectors_for`), and the vectors of
    its sentences by content hash (answers read them as the dense feature of a sentence, so
    that no sentence is embedded while a question waits)."""

    record: SourceFile
    text: str
    passages: Sequence[Passage]
    vectors: np.ndarray
    vector_keys: Sequence[str]
    sentence_vectors: Mapping[str, np.ndarray] = field(default_factory=dict)


class Store(Protocol):
    """Where passages, their vectors and their lexical postings live.

    Attributes:
        embedder_id: the model the vectors were made with.
        dim: the vectors' dimension.
    """

    embedder_id: str
    dim: int

    def add_sources(self, sources: Sequence[NewSource]) -> None:
        """Add sources, replacing stored ones of the same names, all in one commit.

        Raises:
            ValueError: two of them have the same name.
        """
        ...

    def delete_source(self, name: str) -> None:
        """Remove a source and all its passages in one commit (unknown names are ignored)."""
        ...

    def dense_search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> Ranked:
        """The ``k`` passages nearest to ``vector`` by inner product (of ``scope``: exactly)."""
        ...

    def lexical_search(self, tokens: Sequence[str], k: int, scope: Scope | None = None) -> Ranked:
        """The ``k`` best passages by BM25 over their tokens (positive scores only)."""
        ...

    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """The passages with these ids (ids no longer stored are left out)."""
        ...

    def source_passages(self, source: str, article_id: int | None = None) -> list[Passage]:
        """All passages of a source (or of one of its articles), in document order."""
        ...

    def block(self, key: ParagraphKey) -> list[Passage]:
        """The passages of one paragraph (paragraph -1: all table rows of the article)."""
        ...

    def sources(self) -> dict[str, SourceFile]:
        """Every stored source's record, by name."""
        ...

    def document(self, name: str) -> str:
        """A source's decoded text ('' for an unknown name)."""
        ...

    def articles(self, source: str | None = None) -> list[ArticleRecord]:
        """Every article (of one source), in order."""
        ...

    def idf(self, token: str) -> float:
        """A token's inverse document frequency, ``ln((N + 1) / (df + 0.5))``."""
        ...

    def vectors_for(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored passage and sentence vectors by content hash, for the keys that have one
        (re-indexing unchanged text costs nothing; answers read sentence vectors here)."""
        ...

    def stats(self) -> StoreStats:
        """Counts and disk size."""
        ...

    def excluded(self) -> set[str]:
        """Names the user removed: a folder scan does not add them back."""
        ...

    def set_excluded(self, name: str, excluded: bool) -> None:
        """Mark a name removed by the user (or no longer: it was added again on purpose)."""
        ...

    def close(self) -> None:
        """Release files and memory; the store is unusable afterwards."""
        ...


class DocumentTexts(Mapping[str, str]):
    """A store's decoded source texts as a read-only mapping, fetched on first use."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._cache: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._cache:
            text = self._store.document(name)
            if not text and name not in self._store.sources():
                raise KeyError(name)
            self._cache[name] = text
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._store.sources()))

    def __len__(self) -> int:
        return len(self._store.sources())


def block_key(passage: Passage) -> ParagraphKey:
    """The paragraph a passage belongs to; all rows of a table share one key."""
    return (passage.source, passage.article_id, -1 if passage.kind == "table_row" else passage.paragraph)


def article_record(passages: Sequence[Passage], keywords: list[str]) -> ArticleRecord:
    """The library's record of one article from its passages (in order)."""
    first = passages[0]
    return ArticleRecord(first.source, first.article_id, first.article, keywords,
                         first.sentences[0].text if first.sentences else first.text, len(passages))


def article_records(passages: Sequence[Passage]) -> list[ArticleRecord]:
    """The records of a source's articles, from its passages (in order); keywords are left
    to the first listing."""
    groups: dict[int, list[Passage]] = {}
    for p in passages:
        groups.setdefault(p.article_id, []).append(p)
    return [article_record(ps, []) for _, ps in sorted(groups.items())]


def with_keywords(records: Sequence[ArticleRecord], memo: dict[tuple[str, int], list[str]],
                  passages_of: Callable[[str, int], list[Passage]]) -> list[ArticleRecord]:
    """Article records with their keywords, computed from the article's text on first listing
    and kept in ``memo`` (which the store clears when sources change)."""
    out = []
    for record in records:
        key = (record.source, record.article_id)
        if key not in memo:
            memo[key] = keywords(article_text(passages_of(*key)))
        out.append(ArticleRecord(**{**record.to_dict(), "keywords": memo[key]}))
    return out


def article_text(passages: Sequence[Passage]) -> str:
    """An article's running text (its table rows only when it has nothing else)."""
    return "".join(p.text for p in passages if p.kind != "table_row") or " ".join(p.text for p in passages)
