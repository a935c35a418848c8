"""The one front door: :class:`Assistant` opens an index folder and answers, summarises,
adds and removes files. The CLI, the UI and the evaluation all go through it."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .answer import Answer, Evidence, build_answer
from .answer_types import language
from .citation import Citation
from .config import (
    ANSWER_POOL,
    DEFAULT_MODELS_FILE,
    DEFAULT_SETTINGS,
    MAX_QUERY_CHARS,
    SENTENCE_CACHE,
    TOPIC_POOL,
    Settings,
)
from .embedding import Embedder, QueryCache, load_embedder
from .errors import DocumentError, QueryError
from .index import ArticleRecord, IndexData, empty_index, load_index, save_index
from .ingest import IndexReport, Progress, index_files, no_progress, reembed, remove_source, store_upload
from .question import followup_topic, pos_words, resolve_followup
from .ranker import Rankers, load_rankers
from .search import Hit, hybrid_search
from .summary import Summary, summarize_passages, summarize_topic
from .text import tokenize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stats:
    """What is indexed, and with which model."""

    files: int
    articles: int
    passages: int
    embedder: str
    index_dir: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


class Assistant:
    """Question answering and summaries over one index folder.

    Args:
        index_dir: where the index lives (created on first :meth:`index`).
        models_file: ``models.txt`` naming the embedding model.
        settings: tunable defaults.
        embedder: an already loaded model (tests share one); loaded lazily otherwise.
        rankers: the learned answer rankers; the shipped ones are loaded lazily otherwise.
    """

    def __init__(self, index_dir: Path, models_file: Path = DEFAULT_MODELS_FILE,
                 settings: Settings = DEFAULT_SETTINGS, embedder: Embedder | None = None,
                 rankers: Rankers | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.models_file = Path(models_file)
        self.settings = settings
        self._embedder = embedder
        self._rankers = rankers
        self._query_cache: QueryCache | None = None
        self._data: IndexData | None = None
        self._sentence_vectors: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------ state
    @property
    def embedder(self) -> Embedder:
        """The embedding model (loaded on first use)."""
        if self._embedder is None:
            self._embedder = load_embedder(self.models_file, self.settings)
        return self._embedder

    @property
    def rankers(self) -> Rankers:
        """The learned answer rankers (loaded on first use)."""
        if self._rankers is None:
            self._rankers = load_rankers()
        return self._rankers

    @property
    def data(self) -> IndexData:
        """The loaded index (an empty one when none exists yet); re-embedded and saved when
        it was built with another model."""
        if self._data is None:
            if self.exists():
                data = load_index(self.index_dir)
                if data.embedder_id != self.embedder.id:
                    log.warning("index was built with %s; re-embedding with %s", data.embedder_id, self.embedder.id)
                    data = reembed(data, self.embedder)
                    save_index(data, self.index_dir)
                self._data = data
            else:
                self._data = empty_index(self.embedder.id, self.embedder.dim)
        return self._data

    def exists(self) -> bool:
        """Whether an index has been written to the folder."""
        return (self.index_dir / "manifest.json").exists()

    def warm_up(self) -> None:
        """Load the index, the model, the rankers and jieba's tagger now, so that the first
        question is not slower than the rest."""
        _ = self.data, self.rankers
        pos_words("预热")

    # ------------------------------------------------------------------ indexing
    def index(self, paths: Iterable[Path], progress: Progress = no_progress, rebuild: bool = False) -> IndexReport:
        """Index files and folders incrementally: add new files, re-index changed ones and
        drop files that were deleted from disk. Bad files are reported and skipped.

        Args:
            paths: files and folders to index.
            progress: called with (fraction done, message).
            rebuild: ignore the existing index and start over.
        """
        start = empty_index(self.embedder.id, self.embedder.dim) if rebuild else self.data
        data, report = index_files(start, paths, self.embedder, self.settings, progress)
        if report.changed or rebuild:
            progress(0.95, "saving the index")
            save_index(data, self.index_dir)
            self._data = data
        progress(1.0, "done")
        return report

    def add_file(self, name: str, raw: bytes, folder: Path, progress: Progress = no_progress) -> IndexReport:
        """Store an uploaded file under ``folder`` with a safe name and index it.

        Raises:
            DocumentError: the file is too large, of an unsupported type, or unreadable;
                nothing is stored or changed then.
        """
        report = self.index([store_upload(name, raw, folder, self.settings)], progress)
        if report.errors:
            raise DocumentError("; ".join(report.errors))
        return report

    def remove(self, name: str) -> IndexReport:
        """Drop one file from the index (the file on disk is left alone).

        Raises:
            QueryError: no such file in the index.
        """
        if name not in self.data.sources:
            raise QueryError(f"{name} is not indexed; indexed files: {', '.join(self.sources()) or 'none'}.")
        t0 = time.perf_counter()
        self._data = remove_source(self.data, name, self.embedder)
        save_index(self._data, self.index_dir)
        return IndexReport(removed=[name], passages=len(self._data.passages), seconds=time.perf_counter() - t0)

    # ------------------------------------------------------------------ reading
    def search(self, query: str, k: int | None = None, sources: set[str] | None = None,
               article: tuple[str, int] | None = None) -> list[Hit]:
        """Hybrid search: the ``k`` best passages for ``query`` (of some files, or of one
        article (file, number), if given)."""
        query = _checked_query(query)
        if not self.data.passages:
            return []
        settings = self.settings
        if language(query) != "zh":  # the pages share no words with it: the dense ranking carries it
            settings = replace(settings, dense_weight=settings.dense_weight_other)
        return hybrid_search(self.data, self._embed_query(query), tokenize(query),
                             k or settings.top_k, settings, sources, article)

    def ask(self, question: str, k: int | None = None, history: list[str] | None = None) -> Answer:
        """Answer a question extractively with citations.

        Args:
            question: the question, in any language the model reads.
            k: passages to return.
            history: earlier questions of the same chat, for follow-ups.
        """
        question = _checked_query(question)
        k = k or self.settings.top_k
        history = history or []
        query = resolve_followup(question, history)
        topic = followup_topic(question, history)
        if topic:  # a follow-up reads the article that answered its topic first
            earlier = self.ask(topic, k)
            if earlier.found and earlier.citations:
                cited = earlier.citations[0]
                hits = self.search(query, max(k, ANSWER_POOL), article=(cited.source, cited.article_id))
                answer = build_answer(question, hits, self.evidence(query), self.rankers, self.settings, k=k,
                                      query=query)
                if answer.found:
                    return answer
        hits = self.search(query, max(k, ANSWER_POOL))
        return build_answer(question, hits, self.evidence(query), self.rankers, self.settings, k=k, query=query)

    def evidence(self, query: str) -> Evidence:
        """What answering ``query`` reads from the index besides its hits."""
        data = self.data
        return Evidence(data.documents, data.block_of, data.idf, lambda texts: self.similarity(query, texts))

    def similarity(self, query: str, texts: list[str]) -> list[float]:
        """Cosine of each text to the query (text vectors are memoised)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._sentence_vectors]
        if missing:
            for t, v in zip(missing, self.embedder.embed_passages(missing)):
                self._sentence_vectors[t] = v
            while len(self._sentence_vectors) > SENTENCE_CACHE:
                self._sentence_vectors.pop(next(iter(self._sentence_vectors)))
        q = self._embed_query(query)
        return [float(self._sentence_vectors[t] @ q) for t in texts]

    def _embed_query(self, text: str) -> np.ndarray:
        if self._query_cache is None:
            self._query_cache = QueryCache(self.embedder)
        return self._query_cache(text)

    def summarize(self, source: str | None = None, query: str | None = None, article: int | None = None) -> Summary:
        """Extractive summary of one file (or one of its articles), or of a topic.

        Raises:
            QueryError: neither or both of source and query, or an unknown file.
        """
        if bool(source) == bool(query):
            raise QueryError("Give either a file name (--source) or a topic (--query).")
        data = self.data
        if source:
            self._check_source(source)
            passages = [p for p in data.passages if p.source == source
                        and (article is None or p.article_id == article)]
            if not passages:
                raise QueryError(f"{source} has no article number {article}.")
            return summarize_passages(passages, data.documents, self.settings,
                                      title=source if article is None else passages[0].article)
        topic = _checked_query(query or "")
        hits = self.search(topic, TOPIC_POOL)
        return summarize_topic(topic, hits, data.documents, self.settings,
                               embed=self.embedder.embed_passages, query_vector=self._embed_query(topic))

    # ------------------------------------------------------------------ the library
    def sources(self) -> list[str]:
        """The indexed file names, sorted."""
        return sorted(self.data.sources)

    def articles(self, source: str | None = None) -> list[ArticleRecord]:
        """Indexed articles (of one file, if given): file, number, title, keywords, first sentence."""
        return [a for a in self.data.articles if source is None or a.source == source]

    def document_text(self, source: str) -> str:
        """The decoded text of an indexed file (what citation offsets point into).

        Raises:
            QueryError: unknown file.
        """
        self._check_source(source)
        return self.data.documents[source]

    def paragraph_span(self, citation: Citation) -> tuple[int, int]:
        """Original offsets of the whole paragraph a citation falls in."""
        same = self.data.paragraphs.get((citation.source, citation.article_id, citation.paragraph))
        if not same:
            return citation.start, citation.end
        return min(p.start for p in same), max(p.end for p in same)

    def article_paragraphs(self, source: str, article_id: int) -> list[str]:
        """The repaired text of one article, a string per paragraph (table rows one each)."""
        paragraphs = self.data.paragraphs
        keys = sorted(k for k in paragraphs if k[0] == source and k[1] == article_id)
        return ["".join(p.text for p in paragraphs[k]) for k in keys]

    def stats(self) -> Stats:
        """Files, articles and passages indexed, and the model in use."""
        data = self.data
        articles = len({(p.source, p.article_id) for p in data.passages})
        return Stats(len(data.sources), articles, len(data.passages), self.embedder.id, str(self.index_dir))

    def _check_source(self, source: str) -> None:
        if source not in self.data.sources:
            raise QueryError(f"{source} is not indexed; indexed files: {', '.join(self.sources()) or 'none'}.")


def _checked_query(query: str) -> str:
    q = re.sub(r"\s+", " ", query or "").strip()
    if not q:
        raise QueryError("The question is empty; type a question about the indexed pages.")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"The question is {len(q)} characters long; keep it under {MAX_QUERY_CHARS}.")
    return q
