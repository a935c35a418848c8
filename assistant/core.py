"""The one front door: :class:`Assistant` opens an index folder and answers, summarises,
adds and removes files. The CLI, the UI and the evaluation all go through it."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import answer as answer_mod
from . import ranker
from . import summary as summary_mod
from .chunking import Passage, chunk_articles
from .config import DEFAULT_MODELS_FILE, DEFAULT_SETTINGS, PARSER_VERSION, SUPPORTED_SUFFIXES, Settings
from .documents import extract_text, parse_page
from .embedding import Embedder, QueryCache, content_hash, load_embedder
from .errors import DocumentError, QueryError
from .index import IndexData, SourceFile, empty_index, load_index, replace_sources, save_index
from .question import resolve_followup
from .search import Hit, hybrid_search
from .text import tokenize

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


def _no_progress(fraction: float, message: str) -> None:
    return None


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    passages: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the index was written."""
        return bool(self.added or self.updated or self.removed)


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[str]]:
    """Supported files under the given files and folders, and messages for the rest."""
    files: list[Path] = []
    errors: list[str] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(f"{path}: no such file or folder.")
    return files, errors


class Assistant:
    """Question answering and summaries over one index folder.

    Args:
        index_dir: where the index lives (created on first :meth:`index`).
        models_file: ``models.txt`` naming the embedding model.
        settings: tunable defaults.
        embedder: an already loaded model (tests share one); loaded lazily otherwise.
    """

    def __init__(self, index_dir: Path, models_file: Path = DEFAULT_MODELS_FILE,
                 settings: Settings = DEFAULT_SETTINGS, embedder: Embedder | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.models_file = Path(models_file)
        self.settings = settings
        self._embedder = embedder
        self._query_cache: QueryCache | None = None
        self._data: IndexData | None = None
        self._groups: dict[tuple[str, int, int], list[Passage]] = {}
        self._paragraphs: dict[tuple[str, int, int], list[Passage]] = {}
        self._groups_for: IndexData | None = None
        self._idf_table: dict[str, float] = {}
        self._sentence_vectors: dict[str, Any] = {}
        self._keywords: dict[str, list[str]] = {}
        self._idf_for: IndexData | None = None

    # ------------------------------------------------------------------ state
    @property
    def embedder(self) -> Embedder:
        """The embedding model (loaded on first use)."""
        if self._embedder is None:
            self._embedder = load_embedder(self.models_file, self.settings)
        return self._embedder

    def _embed_query(self, text: str) -> Any:
        if self._query_cache is None:
            self._query_cache = QueryCache(self.embedder)
        return self._query_cache(text)

    @property
    def data(self) -> IndexData:
        """The loaded index (an empty one when none exists yet)."""
        if self._data is None:
            if (self.index_dir / "manifest.json").exists():
                data = load_index(self.index_dir)
                if data.embedder_id != self.embedder.id:
                    log.warning("index was built with %s; re-embedding with %s",
                                data.embedder_id, self.embedder.id)
                    data = self._reembed(data)
                self._data = data
            else:
                self._data = empty_index(self.embedder.id, self.embedder.dim)
        return self._data

    def _reembed(self, data: IndexData) -> IndexData:
        fresh = empty_index(self.embedder.id, self.embedder.dim)
        new = {name: (src, data.documents[name], [p for p in data.passages if p.source == name])
               for name, src in data.sources.items()}
        out = replace_sources(fresh, new, [], self.embedder.embed_passages, self._key)
        save_index(out, self.index_dir)
        return out

    def _key(self, text: str) -> str:
        return content_hash(self.embedder.id, text)

    def exists(self) -> bool:
        """Whether an index has been written to the folder."""
        return (self.index_dir / "manifest.json").exists()

    # ------------------------------------------------------------------ indexing
    def index(self, paths: Iterable[Path], progress: Progress = _no_progress,
              rebuild: bool = False) -> IndexReport:
        """Index files and folders incrementally: add new files, re-index changed ones and
        drop files that were deleted from disk. Bad files are reported and skipped.

        Args:
            paths: files and folders to index.
            progress: called with (fraction done, message).
            rebuild: ignore the existing index and start over.
        """
        t0 = time.perf_counter()
        report = IndexReport()
        files, report.errors = collect_files(paths)
        data = empty_index(self.embedder.id, self.embedder.dim) if rebuild else self.data
        new: dict[str, tuple[SourceFile, str, list[Passage]]] = {}
        seen: dict[str, Path] = {}
        for n, path in enumerate(files):
            progress(0.6 * n / max(len(files), 1), f"reading {path.name}")
            name = path.name
            if name in seen:
                report.errors.append(f"{path}: a file named {name} is already indexed from {seen[name]}; rename one.")
                continue
            seen[name] = path
            try:
                raw = path.read_bytes()
            except OSError as exc:
                report.errors.append(f"{path}: cannot be read ({exc.strerror}).")
                continue
            sha = hashlib.sha256(raw).hexdigest()
            old = data.sources.get(name)
            if old is not None and old.sha256 == sha and old.parser == PARSER_VERSION:
                report.unchanged.append(name)
                continue
            try:
                record, text, passages = self._prepare(name, str(path.resolve()), raw)
            except DocumentError as exc:
                report.errors.append(str(exc))
                continue
            new[name] = (record, text, passages)
            (report.updated if old is not None else report.added).append(name)
        removed = [n for n, s in data.sources.items()
                   if n not in new and n not in seen and not Path(s.path).exists()]
        report.removed = removed
        if new or removed or rebuild:
            progress(0.6, f"embedding {sum(len(p) for _, _, p in new.values())} passages")
            data = replace_sources(data, new, removed, self._batched_embed(progress), self._key)
            progress(0.95, "saving the index")
            save_index(data, self.index_dir)
            self._data = data
        report.passages = len(data.passages)
        report.seconds = time.perf_counter() - t0
        progress(1.0, "done")
        return report

    def _batched_embed(self, progress: Progress) -> Callable[[list[str]], Any]:
        import numpy as np

        def embed(texts: list[str]) -> Any:
            out = []
            step = self.settings.embed_batch_size
            for i in range(0, len(texts), step):
                progress(0.6 + 0.35 * i / max(len(texts), 1), f"embedding {i}/{len(texts)} passages")
                out.append(self.embedder.embed_passages(texts[i : i + step]))
            return np.concatenate(out) if out else np.zeros((0, self.embedder.dim), dtype=np.float32)

        return embed

    def _prepare(self, name: str, path: str, raw: bytes) -> tuple[SourceFile, str, list[Passage]]:
        text = extract_text(raw, name)
        if len(text) > self.settings.max_text_chars:
            raise DocumentError(f"{name}: {len(text):,} characters is more than the limit of "
                                f"{self.settings.max_text_chars:,}; split the file.")
        articles = parse_page(text)
        passages = chunk_articles(name, articles, self.settings)
        if not passages:
            raise DocumentError(f"{name}: no readable paragraphs were found in it.")
        record = SourceFile(name=name, path=path, sha256=hashlib.sha256(raw).hexdigest(),
                            size=len(raw), passages=len(passages), articles=len(articles),
                            parser=PARSER_VERSION)
        return record, text, passages

    def add_file(self, name: str, raw: bytes, folder: Path, progress: Progress = _no_progress) -> IndexReport:
        """Store an uploaded file under ``folder`` with a safe name and index it.

        Raises:
            DocumentError: the file is too large, of an unsupported type, or unreadable;
                nothing is stored or changed then.
        """
        safe = safe_file_name(name)
        if len(raw) > self.settings.max_upload_bytes:
            raise DocumentError(f"{safe}: {len(raw) / 1e6:.1f} MB is more than the "
                                f"{self.settings.max_upload_bytes / 1e6:.0f} MB limit.")
        self._prepare(safe, safe, raw)  # validate before anything is written
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe
        target.write_bytes(raw)
        report = self.index([target], progress)
        if report.errors:
            raise DocumentError("; ".join(report.errors))
        return report

    def remove(self, name: str) -> IndexReport:
        """Drop one file from the index (the file on disk is left alone).

        Raises:
            QueryError: no such file in the index.
        """
        data = self.data
        if name not in data.sources:
            raise QueryError(f"{name} is not indexed; indexed files: {', '.join(sorted(data.sources)) or 'none'}.")
        t0 = time.perf_counter()
        self._data = replace_sources(data, {}, [name], self.embedder.embed_passages, self._key)
        save_index(self._data, self.index_dir)
        return IndexReport(removed=[name], passages=len(self._data.passages),
                           seconds=time.perf_counter() - t0)

    # ------------------------------------------------------------------ reading
    def search(self, query: str, k: int | None = None, sources: set[str] | None = None) -> list[Hit]:
        """Hybrid search: the ``k`` best passages for ``query``."""
        query = _checked_query(query)
        data = self.data
        if not data.passages:
            return []
        return hybrid_search(data, self._embed_query(query), tokenize(query),
                             k or self.settings.top_k, self.settings, sources)

    def ask(self, question: str, k: int | None = None, history: list[str] | None = None) -> answer_mod.Answer:
        """Answer a question extractively with citations.

        Args:
            question: the question, in any language the model reads.
            k: passages to return.
            history: earlier questions of the same chat, for follow-ups.
        """
        question = _checked_query(question)
        k = k or self.settings.top_k
        query = resolve_followup(question, history or [])
        pool = max(k, ranker.ANSWER_POOL)
        hits = self.search(query, pool)
        return answer_mod.build_answer(question, hits, self.data.documents, self.settings,
                                       k=k, query=query, paragraph_of=self._paragraph_of, idf=self._idf,
                                       similarity=lambda texts: self._similarity(query, texts))

    def _similarity(self, query: str, texts: list[str]) -> list[float]:
        """Cosine of each sentence to the query; sentence vectors are memoised."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._sentence_vectors]
        if missing:
            for t, v in zip(missing, self.embedder.embed_passages(missing)):
                self._sentence_vectors[t] = v
            while len(self._sentence_vectors) > SENTENCE_CACHE:
                self._sentence_vectors.pop(next(iter(self._sentence_vectors)))
        q = self._embed_query(query)
        return [float(self._sentence_vectors[t] @ q) for t in texts]

    def paragraph_span(self, citation: answer_mod.Citation) -> tuple[int, int]:
        """Original offsets of the whole paragraph a citation falls in."""
        same = self._groups_of()[1].get((citation.source, citation.article_id, citation.paragraph))
        if not same:
            return citation.start, citation.end
        return min(p.start for p in same), max(p.end for p in same)

    def article_paragraphs(self, source: str, article_id: int) -> list[str]:
        """The repaired text of one article, a string per paragraph (table rows one each)."""
        paragraphs = self._groups_of()[1]
        keys = sorted(k for k in paragraphs if k[0] == source and k[1] == article_id)
        return ["".join(p.text for p in paragraphs[k]) for k in keys]

    def _groups_of(self) -> tuple[dict[tuple[str, int, int], list[Passage]], dict[tuple[str, int, int], list[Passage]]]:
        """Passages grouped by (file, article, paragraph) — tables as a whole under paragraph -1 —
        and by (file, article, paragraph) alone; built once per loaded index."""
        data = self.data
        if self._groups_for is not data:
            self._groups, self._paragraphs = {}, {}
            for p in data.passages:
                key = (p.source, p.article_id, -1 if p.kind == "table_row" else p.paragraph)
                self._groups.setdefault(key, []).append(p)
                self._paragraphs.setdefault((p.source, p.article_id, p.paragraph), []).append(p)
            self._groups_for = data
        return self._groups, self._paragraphs

    def _idf(self, token: str) -> float:
        data = self.data
        if self._idf_for is not data:
            self._idf_table = data.idf()
            self._idf_for = data
        return self._idf_table.get(token, data.max_idf())

    def _paragraph_of(self, passage: Passage) -> list[Passage]:
        """All passages of a passage's paragraph, or all rows of its table."""
        key = (passage.source, passage.article_id, -1 if passage.kind == "table_row" else passage.paragraph)
        return self._groups_of()[0].get(key, [passage])

    def summarize(self, source: str | None = None, query: str | None = None,
                  article: int | None = None) -> summary_mod.Summary:
        """Extractive summary of one file (or one of its articles), or of a topic.

        Raises:
            QueryError: neither or both of source and query, or an unknown file.
        """
        if bool(source) == bool(query):
            raise QueryError("Give either a file name (--source) or a topic (--query).")
        data = self.data
        if source:
            if source not in data.sources:
                raise QueryError(f"{source} is not indexed; indexed files: "
                                 f"{', '.join(sorted(data.sources)) or 'none'}.")
            passages = [p for p in data.passages if p.source == source
                        and (article is None or p.article_id == article)]
            if not passages:
                raise QueryError(f"{source} has no article number {article}.")
            return summary_mod.summarize_passages(passages, data.documents, self.settings,
                                                  title=source if article is None else passages[0].article)
        topic = _checked_query(query or "")
        hits = self.search(topic, summary_mod.TOPIC_POOL)
        return summary_mod.summarize_topic(topic, hits, data.documents, self.settings,
                                           embed=self.embedder.embed_passages,
                                           query_vector=self._embed_query(topic))

    def articles(self, source: str | None = None) -> list[dict[str, Any]]:
        """Indexed articles: file, number, title, keywords, first sentence, passages."""
        data = self.data
        out = []
        groups: dict[tuple[str, int], list[Passage]] = {}
        for p in data.passages:
            if source is None or p.source == source:
                groups.setdefault((p.source, p.article_id), []).append(p)
        for (src, a_id), ps in sorted(groups.items()):
            text = "".join(p.text for p in ps if p.kind != "table_row") or " ".join(p.text for p in ps)
            out.append({"source": src, "article_id": a_id, "title": ps[0].article,
                        "keywords": self._keywords_of(text),
                        "first_sentence": ps[0].sentences[0].text if ps[0].sentences else ps[0].text,
                        "passages": len(ps)})
        return out

    def _keywords_of(self, text: str) -> list[str]:
        """Keywords of an article's text, computed once per text (the library list is rebuilt often)."""
        if text not in self._keywords:
            self._keywords[text] = summary_mod.keywords(text)
        return self._keywords[text]

    def document_text(self, source: str) -> str:
        """The decoded text of an indexed file.

        Raises:
            QueryError: unknown file.
        """
        try:
            return self.data.documents[source]
        except KeyError:
            raise QueryError(f"{source} is not indexed.") from None

    def stats(self) -> dict[str, Any]:
        """Files, articles and passages indexed, and the model in use."""
        data = self.data
        return {"files": len(data.sources), "articles": len({(p.source, p.article_id) for p in data.passages}),
                "passages": len(data.passages), "embedder": self.embedder.id,
                "index_dir": str(self.index_dir)}


MAX_QUERY_CHARS = 500
SENTENCE_CACHE = 20_000


def _checked_query(query: str) -> str:
    q = re.sub(r"\s+", " ", query or "").strip()
    if not q:
        raise QueryError("The question is empty; type a question about the indexed pages.")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"The question is {len(q)} characters long; keep it under {MAX_QUERY_CHARS}.")
    return q


def safe_file_name(name: str) -> str:
    """A file name that cannot leave its folder: no path parts, no odd characters.

    Raises:
        DocumentError: unsupported type or nothing usable left of the name.
    """
    base = Path(str(name).replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{base or name}: unsupported file type '{suffix}'; "
                            f"supported: {', '.join(SUPPORTED_SUFFIXES)}.")
    stem = re.sub(r"[^\w\-.\u4e00-\u9fff]+", "_", stem).strip("._")[:80]
    if not stem:
        stem = "upload"
    return stem + suffix
