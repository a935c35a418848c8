"""The one front door: :class:`Assistant` opens an index folder and answers, summarises,
adds and removes files. The CLI, the UI and the evaluation all go through it."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .answer import Answer, Clock, Evidence, build_answer
from .answer_types import language
from .citation import Citation
from .config import (
    ANSWER_POOL,
    DEFAULT_MODELS_FILE,
    DEFAULT_SETTINGS,
    MAX_CARD_CHARS,
    MAX_QUERY_CHARS,
    NAME_SCAN_HITS,
    SENTENCE_CACHE,
    TOPIC_POOL,
    Settings,
)
from .embedding import Embedder, QueryCache, content_hash, load_embedder
from .errors import DocumentError, QueryError
from .glossary import glosses, names_said, pinyin_names, translate
from .ingest import IndexReport, Progress, copy_reembedded, index_files, no_progress, store_upload
from .postag import pos_words
from .question import followup_topic, is_askable, resolve_followup
from .ranker import Rankers, load_rankers
from .search import Hit, hybrid_search
from .store import ArticleRecord, DocumentTexts, Scope, Store, block_key
from .stores import StoreLocation, open_store, rebuild_store, store_exists, store_location
from .summary import Summary, summarize_passages, summarize_topic
from .text import clean_input, normalize, tokenize

log = logging.getLogger(__name__)

NOT_ASKABLE = ("这个问题没有可以检索的词语 · The question has no words to look up: ask with a few words, "
               "e.g. 山西5G基站数量达到多少？")


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
    """Question answering and summaries over one index (a local folder, or Milvus).

    Args:
        index_dir: the local index folder (created on first :meth:`index`), used when no
            ``store_uri`` names another store.
        models_file: ``models.txt`` naming the embedding model.
        settings: tunable defaults.
        embedder: an already loaded model (tests share one); loaded lazily otherwise.
        rankers: the learned answer rankers; the shipped ones are loaded lazily otherwise.
        store: an already open store (the one the location names is opened otherwise).
        store_uri: ``milvus-lite:PATH.db``, ``milvus://HOST:PORT`` or ``local:DIR`` (see
            :func:`~assistant.stores.store_location`); None: ``index_dir``.
    """

    def __init__(self, index_dir: Path, models_file: Path = DEFAULT_MODELS_FILE,
                 settings: Settings = DEFAULT_SETTINGS, embedder: Embedder | None = None,
                 rankers: Rankers | None = None, store: Store | None = None, store_uri: str | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.location: StoreLocation = store_location(store_uri, self.index_dir)
        self.models_file = Path(models_file)
        self.settings = settings
        self._embedder = embedder
        self._rankers = rankers
        self._query_cache: QueryCache | None = None
        self._store: Store | None = store
        self._sentence_vectors: dict[str, np.ndarray] = {}  # text → vector, oldest first
        self._memo_lock = threading.Lock()

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
    def store(self) -> Store:
        """The open store (created empty on first use); re-embedded when it was built with
        another model."""
        if self._store is None:
            store = open_store(self.location, self.embedder.id, self.embedder.dim)
            if store.embedder_id != self.embedder.id:
                log.warning("index was built with %s; re-embedding with %s", store.embedder_id, self.embedder.id)
                self._rebuild(lambda new: copy_reembedded(store, new, self.embedder, self.settings), store)
                store = open_store(self.location)
            self._store = store
        return self._store

    def _rebuild(self, fill: Callable[[Store], None], current: Store | None) -> None:
        """Fill a new store beside the current one, then put it in its place (a crash before
        the swap leaves the old index)."""

        def close_current() -> None:
            if current is not None:
                current.close()
            self._store = None

        rebuild_store(self.location, self.embedder.id, self.embedder.dim, fill, close_current)

    def exists(self) -> bool:
        """Whether an index has been written there."""
        return store_exists(self.location)

    def warm_up(self) -> None:
        """Load the index, the model, the rankers, jieba's tagger and the dictionary now, so that the first
        question is not slower than the rest (the model's indexing engine loads with the
        first file to index)."""
        _ = self.store, self.rankers
        pos_words("预热")
        glosses()  # the dictionary for questions in English (0.7 s, 36 MB)

    # ------------------------------------------------------------------ indexing
    def index(self, paths: Iterable[Path], progress: Progress = no_progress, rebuild: bool = False) -> IndexReport:
        """Index files and folders incrementally: add new files, re-index changed ones and
        drop files that were deleted from disk. Bad files are reported and skipped.

        Args:
            paths: files and folders to index.
            progress: called with (fraction done, message).
            rebuild: ignore the existing index and start over.
        """
        if rebuild:
            reports: list[IndexReport] = []
            removed = self._removed_names()  # starting over keeps the user's removals

            def fill(new: Store) -> None:
                for name in removed:
                    new.set_excluded(name, True)
                reports.append(index_files(new, paths, self.embedder, self.settings, progress))

            self._rebuild(fill, self._store)
            report = reports[0]
        else:
            report = index_files(self.store, paths, self.embedder, self.settings, progress)
        progress(1.0, "done")
        return report

    def _removed_names(self) -> set[str]:
        """The names the user removed, read without opening the store for answering (which
        would first re-embed an index of another model)."""
        if self._store is not None:
            return self._store.excluded()
        if not self.exists():
            return set()
        store = open_store(self.location)
        try:
            return store.excluded()
        finally:
            store.close()

    def add_file(self, name: str, raw: bytes, folder: Path, progress: Progress = no_progress) -> IndexReport:
        """Store an uploaded file under ``folder`` with a safe name and index it; it never
        replaces another page (see :func:`~assistant.ingest.store_upload`): the report names
        the file as stored.

        Raises:
            DocumentError: the file is too large, of an unsupported type, or unreadable;
                nothing is stored or changed then.
        """
        indexed = self.store.sources() if self._store is not None or self.exists() else {}  # a bad file creates nothing
        path, fresh = store_upload(name, raw, folder, self.settings, indexed)  # a fresh copy goes if indexing fails
        try:
            report = self.index([path], progress)
            if report.errors:
                raise DocumentError("; ".join(report.errors))
        except BaseException:
            if fresh:
                path.unlink(missing_ok=True)
            raise
        return report

    def remove(self, name: str, uploads: Path | None = None) -> IndexReport:
        """Drop one file from the index for good: a later scan of its folder leaves it out
        (indexing the file itself brings it back). The file on disk is left alone, unless it
        is the stored copy of an upload (under ``uploads``), which is deleted.

        Raises:
            QueryError: no such file in the index.
        """
        self._check_source(name)
        t0 = time.perf_counter()
        record = self.store.sources()[name]
        self.store.set_excluded(name, True)
        self.store.delete_source(name)
        copy = Path(record.path)
        if uploads is not None and copy.is_file() and copy.resolve().is_relative_to(Path(uploads).resolve()):
            copy.unlink()
        return IndexReport(removed=[name], passages=self.store.stats().passages, seconds=time.perf_counter() - t0)

    # ------------------------------------------------------------------ reading
    def search(self, query: str, k: int | None = None, sources: set[str] | None = None,
               article: tuple[str, int] | None = None, clock: Clock | None = None) -> list[Hit]:
        """Hybrid search: the ``k`` best passages for ``query`` (of some files, or of one
        article (file, number), if given); ``clock`` adds up the time spent embedding and
        searching."""
        query = _checked_query(query)
        clock = clock or Clock()
        settings = self.settings
        tokens = tokenize(query)
        foreign = language(query) != "zh"
        if foreign:  # the pages share no words with it: BM25 reads the dictionary's words
            settings = replace(settings, dense_weight=settings.dense_weight_other)
            words = translate(query, self._known_word)
            tokens = list(dict.fromkeys(tokens + [t for word in words for t in tokenize(word)]))
        scope = (Scope(None if sources is None else frozenset(sources), article)
                 if sources is not None or article is not None else None)
        with clock.timing("embed"):
            vector = self._embed_query(query)
        with clock.timing("search"):
            if foreign and pinyin_names(query):  # a name in pinyin: its Chinese, as the nearest passages write it
                near = hybrid_search(self.store, vector, tokens, NAME_SCAN_HITS, settings, scope)
                named = names_said(query, (normalize(h.passage.search_text) for h in near))  # simplified script too
                tokens = list(dict.fromkeys(tokens + [t for word in named for t in tokenize(word)]))
            return hybrid_search(self.store, vector, tokens, k or settings.top_k, settings, scope)

    def _known_word(self, word: str) -> bool:
        """Whether every token of a (dictionary) word occurs in the index."""
        unseen = self.store.idf("")
        tokens = tokenize(word)
        return bool(tokens) and all(self.store.idf(t) < unseen for t in tokens)

    def ask(self, question: str, k: int | None = None, history: list[str] | None = None) -> Answer:
        """Answer a question extractively with citations, with the time each step took.

        Args:
            question: the question, in any language the model reads.
            k: passages to return.
            history: earlier questions of the same chat, for follow-ups.
        """
        clock = Clock()
        question = _checked_query(question)
        if not is_askable(question):
            return Answer(question, "", None, False, message=NOT_ASKABLE, timings=clock.timings())
        history = [h for h in map(_plain_query, history or [])
                   if h and len(h) <= MAX_QUERY_CHARS]  # a question refused before has no answer to follow
        answer = self._ask(question, k or self.settings.top_k, history, clock)
        return replace(answer, timings=clock.timings())

    def _ask(self, question: str, k: int, history: list[str], clock: Clock) -> Answer:
        query = resolve_followup(question, history)
        topic = followup_topic(question, history)
        if topic:  # a follow-up reads the article that answered its topic first
            earlier = self._ask(topic, k, [], clock)
            if earlier.found and earlier.citations:
                cited = earlier.citations[0]
                hits = self.search(query, max(k, ANSWER_POOL), article=(cited.source, cited.article_id), clock=clock)
                answer = build_answer(question, hits, self.evidence(query, clock), self.rankers, self.settings, k=k,
                                      query=query)
                if answer.found:
                    return answer
        hits = self.search(query, max(k, ANSWER_POOL), clock=clock)
        return build_answer(question, hits, self.evidence(query, clock), self.rankers, self.settings, k=k,
                            query=query)

    def evidence(self, query: str | None = None, clock: Clock | None = None) -> Evidence:
        """What answering ``query`` reads from the store besides its hits (without a query:
        no dense similarity)."""
        store = self.store
        similarity = (lambda texts: self.similarity(query, texts, clock)) if query is not None else None
        return Evidence(DocumentTexts(store), lambda p: store.block(block_key(p)) or [p], store.idf, similarity)

    def similarity(self, query: str, texts: list[str], clock: Clock | None = None) -> list[float]:
        """Cosine of each text to the query (see :meth:`text_vectors`)."""
        if not texts:
            return []
        clock = clock or Clock()
        with clock.timing("embed"):
            q = self._embed_query(query)
        return [float(v) for v in self.text_vectors(texts, clock) @ q]

    def text_vectors(self, texts: list[str], clock: Clock | None = None) -> np.ndarray:
        """Passage-side vectors of texts: remembered, else stored at indexing (every sentence
        is), else embedded now (a clause, or an index made before sentences were stored)."""
        with self._memo_lock:
            known = {t: self._sentence_vectors[t] for t in texts if t in self._sentence_vectors}
        wanted = [t for t in dict.fromkeys(texts) if t not in known]
        if wanted:
            keys = {content_hash(self.embedder.id, t): t for t in wanted}
            found = {keys[k]: v for k, v in self.store.vectors_for(list(keys)).items()}
            missing = [t for t in wanted if t not in found]
            if missing:
                with (clock or Clock()).timing("embed"):
                    found.update(zip(missing, self.embedder.embed_passages(missing)))
            known.update(found)
            with self._memo_lock:
                self._sentence_vectors.update(found)
                while len(self._sentence_vectors) > SENTENCE_CACHE:
                    self._sentence_vectors.pop(next(iter(self._sentence_vectors)))
        return np.stack([known[t] for t in texts])

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
        if source:
            self._check_source(source)
            passages = self.store.source_passages(source, article)
            if not passages:
                raise QueryError(f"{source} has no article number {article}.")
            return summarize_passages(passages, DocumentTexts(self.store), self.settings,
                                      title=source if article is None else passages[0].article)
        topic = _checked_query(query or "")
        hits = self.search(topic, TOPIC_POOL)
        return summarize_topic(topic, hits, DocumentTexts(self.store), self.settings,
                               embed=self.text_vectors, query_vector=self._embed_query(topic))

    # ------------------------------------------------------------------ the library
    def sources(self) -> list[str]:
        """The indexed file names, sorted."""
        return sorted(self.store.sources())

    def articles(self, source: str | None = None) -> list[ArticleRecord]:
        """Indexed articles (of one file, if given): file, number, title, keywords, first sentence."""
        return self.store.articles(source)

    def document_text(self, source: str) -> str:
        """The decoded text of an indexed file (what citation offsets point into).

        Raises:
            QueryError: unknown file.
        """
        self._check_source(source)
        return self.store.document(source)

    def paragraph_span(self, citation: Citation) -> tuple[int, int]:
        """Original offsets of the whole paragraph a citation falls in (of at most
        :data:`~assistant.config.MAX_CARD_CHARS` around the citation, in a huge paragraph)."""
        same = [p for p in self.store.source_passages(citation.source, citation.article_id)
                if p.paragraph == citation.paragraph]
        if not same:
            return citation.start, citation.end
        start, end = min(p.start for p in same), max(p.end for p in same)
        if end - start > MAX_CARD_CHARS:  # a huge paragraph: the part around the citation, not all of it
            room = max(MAX_CARD_CHARS - (citation.end - citation.start), 0) // 2
            start, end = max(start, citation.start - room), min(end, citation.end + room)
        return start, end

    def article_spans(self, source: str, article_id: int) -> list[tuple[int, int]]:
        """Original offsets of each paragraph of one article, in order (a table's rows one
        each)."""
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        for p in self.store.source_passages(source, article_id):
            key = (p.paragraph, p.start if p.kind == "table_row" else -1)
            start, end = spans.get(key, (p.start, p.end))
            spans[key] = (min(start, p.start), max(end, p.end))
        return sorted(spans.values())

    def article_paragraphs(self, source: str, article_id: int) -> list[str]:
        """The repaired text of one article, a string per paragraph (table rows one each)."""
        paragraphs: dict[int, list[str]] = {}
        for p in self.store.source_passages(source, article_id):
            paragraphs.setdefault(p.paragraph, []).append(p.text)
        return ["".join(texts) for _, texts in sorted(paragraphs.items())]

    def stats_of(self, source: str) -> int:
        """How many passages one indexed file has (0 for an unknown name)."""
        record = self.store.sources().get(source)
        return record.passages if record else 0

    def stats(self) -> Stats:
        """Files, articles and passages indexed, and the model in use."""
        s = self.store.stats()
        return Stats(s.sources, s.articles, s.passages, self.embedder.id, self.location.public_name())

    def close(self) -> None:
        """Close the store (a later call opens it again)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def _check_source(self, source: str) -> None:
        if source not in self.store.sources():
            raise QueryError(f"{clean_input(source)[:200]} is not indexed; indexed files: "
                             f"{', '.join(self.sources()) or 'none'}.")


def _plain_query(query: str) -> str:
    """A question as typed, cleaned (see :func:`~assistant.text.clean_input`) and on one line."""
    return re.sub(r"\s+", " ", clean_input(query)).strip()


def _checked_query(query: str) -> str:
    q = _plain_query(query)
    if not q:
        raise QueryError("The question is empty; type a question about the indexed pages.")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"The question is {len(q)} characters long; keep it under {MAX_QUERY_CHARS}.")
    return q
