"""The default embedded store: SQLite records, FAISS vectors in segment files, tantivy BM25.

An index folder a person can open::

    store.sqlite        the manifest (format, model), sources, their texts, passages, articles,
                        the list of vector segments: the one source of truth
    vectors/seg-N.npy   float32 passage vectors, one immutable file per added batch
    lexical/            a tantivy index over each passage's jieba tokens (BM25, segment based)

A change is one SQLite transaction. A new source's vectors go to a new segment file first,
its tokens to tantivy under fresh passage ids (invisible: no SQLite row has them yet), then
one transaction makes them the source's passages; the old version's tantivy entries go last.
A source being changed is journalled (table ``pending``) before tantivy is touched, so a crash
at any point is repaired at the next open: tantivy's entries for that source are rebuilt from
the committed rows, and segment files no row points at are deleted. Readers filter every hit
through the committed rows, so they see the last commit only.

Nothing grows the cost of a change with the archive: adding a source writes its own segment
and its own tantivy documents; deleting one deletes rows. Small segments are merged once
there are many of them, and a segment mostly deleted is rewritten alone.

In memory: the vectors in one FAISS ``IndexIDMap2``, as float16 up to
:data:`~assistant.config.EXACT_VECTORS_MAX` passages (cosines within ~1e-3 of float32, and a
scan reads half the memory: 3 ms instead of 8-14 ms at 100k) and 8-bit scalar-quantised beyond,
so a million passages take ~0.4 GB; the records and postings stay on disk.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import tantivy

from .chunking import Passage
from .config import (
    EXACT_VECTORS_MAX,
    INDEX_FORMAT_VERSION,
    MERGE_SEGMENTS,
    PASSAGE_CACHE,
    QUANTIZER_SAMPLE,
    SMALL_SEGMENT_ROWS,
    TANTIVY_HEAP_BYTES,
    WRITE_LOCK_POLL_S,
    WRITE_LOCK_WAIT_S,
)
from .errors import IndexFolderError
from .store import (
    ArticleRecord,
    NewSource,
    ParagraphKey,
    Ranked,
    Scope,
    SourceFile,
    StoreStats,
    article_records,
    block_key,
    with_keywords,
)
from .text import tokenize

log = logging.getLogger(__name__)

DB_FILE = "store.sqlite"
LEGACY_MANIFEST = "manifest.json"
BUILDER_FILE = "builder.pid"  # in an index being rebuilt beside the real one: the building process
REBUILD_HINT = "rebuild it with `python -m assistant index --rebuild`"
SENTENCE_VECTOR_DTYPE = np.float16  # a sentence vector is a ranking feature: half precision is plenty

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, record TEXT NOT NULL, text TEXT NOT NULL,
                                    first_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS passages (id INTEGER PRIMARY KEY, source TEXT NOT NULL, article_id INTEGER NOT NULL,
                                     block INTEGER NOT NULL, vector_key TEXT NOT NULL, segment INTEGER NOT NULL,
                                     row INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_block ON passages (source, article_id, block);
CREATE INDEX IF NOT EXISTS passages_key ON passages (vector_key);
CREATE INDEX IF NOT EXISTS passages_segment ON passages (segment);
CREATE TABLE IF NOT EXISTS articles (source TEXT NOT NULL, article_id INTEGER NOT NULL, record TEXT NOT NULL,
                                     PRIMARY KEY (source, article_id));
CREATE TABLE IF NOT EXISTS segments (id INTEGER PRIMARY KEY, file TEXT NOT NULL, rows INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sentence_vectors (source TEXT NOT NULL, key TEXT NOT NULL, vector BLOB NOT NULL,
                                             PRIMARY KEY (source, key));
CREATE INDEX IF NOT EXISTS sentence_vectors_key ON sentence_vectors (key);
CREATE TABLE IF NOT EXISTS pending (source TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS excluded (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL,
                                    first_id INTEGER NOT NULL, count INTEGER NOT NULL);
"""


def _lexical_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("pid", stored=False, indexed=True, fast=True)
    sb.add_text_field("source", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("article", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("version", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("body", stored=False, tokenizer_name="whitespace", index_option="freq")
    return sb.build()


def _article_term(source: str, article_id: int) -> str:
    return f"{source}\x1f{article_id}"


class LocalStore:
    """The embedded store of one index folder (see the module docstring).

    Open it with :meth:`open`; one process writes at a time (another one's change waits
    for it, up to :data:`~assistant.config.WRITE_LOCK_WAIT_S`), any number read.

    Args:
        folder: the index folder.
        tokenizer: text → BM25 tokens (jieba by default; the benchmark passes a memoised one).
    """

    kind = "local"

    def __init__(self, folder: Path, embedder_id: str, dim: int, conn: sqlite3.Connection,
                 tokenizer: Callable[[str], list[str]] = tokenize) -> None:
        self.folder = Path(folder)
        self.embedder_id = embedder_id
        self.dim = dim
        self._db = conn
        self._tokenize = tokenizer
        self._lock = threading.RLock()
        self.write_wait_s = WRITE_LOCK_WAIT_S  # a change waits this long for another process's to finish
        self._schema = _lexical_schema()
        self._lexical = self._open_lexical()
        self._segments: dict[int, np.ndarray] = {}
        self._passage_cache: dict[int, Passage] = {}
        self._idf_cache: dict[str, float] = {}
        self._keywords: dict[tuple[str, int], list[str]] = {}
        self._data_version = self._db.execute("PRAGMA data_version").fetchone()[0]
        self._seen = self._last_change()
        self._vectors = self._load_vectors()

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, folder: Path, embedder_id: str | None = None, dim: int | None = None,
             tokenizer: Callable[[str], list[str]] = tokenize) -> LocalStore:
        """Open the store in ``folder``, creating it when ``embedder_id`` and ``dim`` are given,
        and migrating an index of the previous format (with a logged message).

        Raises:
            IndexFolderError: no index there (and none to create), or a damaged one.
        """
        folder = Path(folder)
        _recover_swap(folder)
        db_path = folder / DB_FILE
        legacy = not db_path.exists() and (folder / LEGACY_MANIFEST).exists()
        if not db_path.exists() and not legacy and (embedder_id is None or dim is None):
            raise IndexFolderError(f"No index in {folder}: run `python -m assistant index` first.")
        folder.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()) if _has_meta(conn) else {}
        except sqlite3.DatabaseError as exc:
            raise IndexFolderError(f"The index in {folder} is damaged ({exc}); {REBUILD_HINT}.") from exc
        if meta and int(meta.get("format_version", 0)) != INDEX_FORMAT_VERSION:
            raise IndexFolderError(f"The index in {folder} has format {meta.get('format_version')}, this "
                                   f"version reads {INDEX_FORMAT_VERSION}; {REBUILD_HINT}.")
        if legacy:
            embedder_id, dim = _legacy_model(folder)
        conn.executescript(SCHEMA)  # creates what is missing, changes nothing that exists
        if not meta:
            with _transaction(conn):
                conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                 [("format_version", str(INDEX_FORMAT_VERSION)), ("embedder", str(embedder_id)),
                                  ("dim", str(dim)), ("next_id", "1")])
            meta = {"embedder": str(embedder_id), "dim": str(dim)}
        store = cls(folder, meta["embedder"], int(meta["dim"]), conn, tokenizer)
        if store._needs_repair():
            with store._writing(required=False):
                pass  # repairs what a crash left, when no other process is writing
        if legacy:
            _migrate_legacy(store, folder)
        return store

    def close(self) -> None:
        """Release the database, the memory maps and the vectors."""
        with self._lock:
            self._segments.clear()
            self._vectors = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))  # an empty one
            self._db.close()

    # ------------------------------------------------------------------ writing
    def add_sources(self, sources: Sequence[NewSource]) -> None:
        """Add or replace sources in one commit (see :class:`~assistant.store.Store`)."""
        names = [s.record.name for s in sources]
        if len(set(names)) != len(names):
            raise ValueError("add_sources got two sources of the same name")
        if not sources:
            return
        vectors = np.ascontiguousarray(np.concatenate(
            [np.asarray(s.vectors, dtype=np.float32).reshape(len(s.passages), self.dim) for s in sources]))
        with self._writing() as writer:
            first = int(self._meta("next_id"))
            ids = np.arange(first, first + len(vectors), dtype=np.int64)
            segment_file = self._write_segment(vectors) if len(vectors) else None
            self._db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", [(n,) for n in names])
            starts, at = [], first
            for s in sources:
                starts.append(at)
                for p in s.passages:
                    writer.add_document(self._lexical_doc(at, p, f"{s.record.name}\x1f{starts[-1]}"))
                    at += 1
            writer.commit()
            marks = {n: f[0] for n in names
                     if (f := self._db.execute("SELECT first_id FROM sources WHERE name = ?", (n,)).fetchone())}
            old_ids = np.concatenate([self._ids_of(n) for n in names])
            with _transaction(self._db):
                segment = None
                if segment_file is not None:
                    segment = self._db.execute("INSERT INTO segments (file, rows) VALUES (?, ?)",
                                               (segment_file, len(vectors))).lastrowid
                row = 0
                for s, start in zip(sources, starts):
                    self._delete_rows(s.record.name)
                    self._db.execute("INSERT INTO sources VALUES (?, ?, ?, ?)",
                                     (s.record.name, json.dumps(vars(s.record), ensure_ascii=False), s.text, start))
                    self._db.executemany(
                        "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(start + n, p.source, p.article_id, block_key(p)[2], key, segment, row + n,
                          json.dumps(p.to_dict(), ensure_ascii=False))
                         for n, (p, key) in enumerate(zip(s.passages, s.vector_keys))])
                    self._db.execute("INSERT INTO changes (op, first_id, count) VALUES ('add', ?, ?)",
                                     (start, len(s.passages)))
                    self._db.executemany("INSERT OR IGNORE INTO sentence_vectors VALUES (?, ?, ?)",
                                         [(s.record.name, key, np.asarray(v, dtype=SENTENCE_VECTOR_DTYPE).tobytes())
                                          for key, v in s.sentence_vectors.items()])
                    self._db.executemany("INSERT INTO articles VALUES (?, ?, ?)",
                                         [(a.source, a.article_id, json.dumps(a.to_dict(), ensure_ascii=False))
                                          for a in article_records(s.passages)])
                    row += len(s.passages)
                self._db.execute("UPDATE meta SET value = ? WHERE key = 'next_id'", (str(first + len(vectors)),))
            for name, mark in marks.items():
                writer.delete_documents_by_term("version", f"{name}\x1f{mark}")
            if marks:
                writer.commit()
            self._db.execute(f"DELETE FROM pending WHERE source IN ({','.join('?' * len(names))})", names)
            self._after_change(old_ids.astype(np.int64), ids, vectors)
            self._merge_segments()

    def delete_source(self, name: str) -> None:
        """Remove a source in one commit (see :class:`~assistant.store.Store`)."""
        with self._writing() as writer:
            old_ids = self._ids_of(name)
            self._db.execute("INSERT OR IGNORE INTO pending VALUES (?)", (name,))
            with _transaction(self._db):
                self._delete_rows(name)
            writer.delete_documents_by_term("source", name)
            writer.commit()
            self._db.execute("DELETE FROM pending WHERE source = ?", (name,))
            self._after_change(old_ids, np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32))
            self._merge_segments()

    def _delete_rows(self, name: str) -> None:
        """Delete a source's rows (inside a transaction) and log the ids it had."""
        row = self._db.execute("SELECT first_id, (SELECT COUNT(*) FROM passages WHERE source = ?) FROM sources "
                               "WHERE name = ?", (name, name)).fetchone()
        if row is not None and row[1]:
            self._db.execute("INSERT INTO changes (op, first_id, count) VALUES ('del', ?, ?)", row)
        for table, column in (("passages", "source"), ("articles", "source"), ("sentence_vectors", "source"),
                              ("sources", "name")):
            self._db.execute(f"DELETE FROM {table} WHERE {column} = ?", (name,))

    def _after_change(self, removed: np.ndarray, added: np.ndarray, vectors: np.ndarray) -> None:
        """Bring the in-memory vectors and caches up to the new commit."""
        if len(removed):
            self._vectors.remove_ids(removed)  # type: ignore[arg-type]  # faiss wraps arrays
        if len(added):
            self._vectors.add_with_ids(vectors, added)
        if self._vectors.ntotal > EXACT_VECTORS_MAX and not self._quantised:
            self._vectors = self._load_vectors()  # past the exact limit: quantise
        for pid in removed.tolist():
            self._passage_cache.pop(pid, None)
        self._idf_cache.clear()
        self._keywords.clear()
        self._lexical.reload()
        self._seen = self._last_change()

    def _last_change(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0])

    def _catch_up(self) -> None:
        """Apply what other processes committed since this one last looked: their added and
        deleted passage ids (from the ``changes`` log) to the vectors, and a fresh tantivy reader."""
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return
        self._data_version = version
        for _, op, first, count in self._db.execute("SELECT seq, op, first_id, count FROM changes WHERE seq > ? "
                                                    "ORDER BY seq", (self._seen,)).fetchall():
            ids = np.arange(first, first + count, dtype=np.int64)
            self._vectors.remove_ids(ids)  # type: ignore[arg-type]
            for pid in ids.tolist():
                self._passage_cache.pop(pid, None)
            if op == "add":
                located = self._db.execute("SELECT id, segment, row FROM passages WHERE id BETWEEN ? AND ? "
                                           "ORDER BY id", (first, first + count - 1)).fetchall()
                if located:
                    self._vectors.add_with_ids(self._gather(located),
                                               np.array([r[0] for r in located], dtype=np.int64))
        self._seen = self._last_change()
        self._idf_cache.clear()
        self._keywords.clear()
        self._lexical.reload()

    @contextlib.contextmanager
    def _writing(self, required: bool = True) -> Iterator[Any]:
        """The store's write lock and a tantivy writer; first repairs what a crash left."""
        with self._lock:
            lock = (self.folder / "write.lock").open("a")
            deadline = time.monotonic() + (self.write_wait_s if required else 0.0)
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if time.monotonic() < deadline:  # another writer: wait for its commit, then go on
                        time.sleep(WRITE_LOCK_POLL_S)
                        continue
                    lock.close()
                    if not required:
                        yield None
                        return
                    raise IndexFolderError(f"Another process has been writing the index in {self.folder} for "
                                           f"{self.write_wait_s:.0f} s; try again when it has finished.") from exc
            try:
                self._catch_up()
                writer = self._lexical.writer(heap_size=TANTIVY_HEAP_BYTES, num_threads=1)
                self._repair(writer)
                yield writer
                writer.wait_merging_threads()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
                lock.close()

    def _repair(self, writer: Any) -> None:
        """Rebuild tantivy's entries of sources a crash left half-changed, and delete segment
        files no committed row points at."""
        pending = [r[0] for r in self._db.execute("SELECT source FROM pending").fetchall()]
        if self._meta("lexical_rebuild", "") == "1":
            writer.delete_all_documents()
            pending = [r[0] for r in self._db.execute("SELECT name FROM sources").fetchall()]
        for name in pending:
            writer.delete_documents_by_term("source", name)
            row = self._db.execute("SELECT first_id FROM sources WHERE name = ?", (name,)).fetchone()
            for pid, p in self._rows("WHERE source = ? ORDER BY id", (name,)):
                writer.add_document(self._lexical_doc(pid, p, f"{name}\x1f{row[0]}"))
        if pending or self._meta("lexical_rebuild", ""):
            writer.commit()
            self._db.execute("DELETE FROM pending")
            self._db.execute("DELETE FROM meta WHERE key = 'lexical_rebuild'")
            self._lexical.reload()
            self._idf_cache.clear()
            log.warning("repaired the lexical index of %d file(s) after an interrupted change", len(pending))
        for path in self._orphans():
            path.unlink(missing_ok=True)

    def _orphans(self) -> list[Path]:
        """Segment files no committed row points at, and half-written ones (a change that
        never committed)."""
        known = {r[0] for r in self._db.execute("SELECT file FROM segments").fetchall()}
        folder = self.folder / "vectors"
        return [p for p in folder.glob("seg-*.npy") if p.name not in known] + list(folder.glob(".seg-*.tmp"))

    def _needs_repair(self) -> bool:
        """Whether a crash left something for :meth:`_repair` (checked without taking the write lock)."""
        return bool(self._db.execute("SELECT 1 FROM pending LIMIT 1").fetchone()
                    or self._meta("lexical_rebuild", "") or self._orphans())

    def _write_segment(self, vectors: np.ndarray) -> str:
        """Write vectors to a new segment file (durably) and return its name."""
        folder = self.folder / "vectors"
        folder.mkdir(exist_ok=True)
        name = f"seg-{time.time_ns()}.npy"
        tmp = folder / f".{name}.tmp"
        with tmp.open("wb") as f:
            np.save(f, vectors)
            f.flush()
            os.fsync(f.fileno())
        tmp.rename(folder / name)
        return name

    def _merge_segments(self) -> None:
        """Merge small segments once there are many, and rewrite mostly deleted ones."""
        rows = self._db.execute("SELECT s.id, s.file, s.rows, COUNT(p.id) FROM segments s "
                                "LEFT JOIN passages p ON p.segment = s.id GROUP BY s.id").fetchall()
        small = [r for r in rows if r[2] < SMALL_SEGMENT_ROWS]
        hollow = [r for r in rows if r[3] * 2 < r[2]]
        chosen = {r[0]: r for r in (small if len(small) >= MERGE_SEGMENTS else []) + hollow}
        if not chosen:
            return
        ids: list[int] = []
        vectors: list[np.ndarray] = []
        for seg_id in chosen:
            live = self._db.execute("SELECT id, row FROM passages WHERE segment = ? ORDER BY row",
                                    (seg_id,)).fetchall()
            if live:
                ids.extend(i for i, _ in live)
                vectors.append(np.asarray(self._segment(seg_id)[[r for _, r in live]]))
        new_file = self._write_segment(np.concatenate(vectors)) if ids else None
        with _transaction(self._db):
            if new_file is not None:
                new_id = self._db.execute("INSERT INTO segments (file, rows) VALUES (?, ?)",
                                          (new_file, len(ids))).lastrowid
                self._db.executemany("UPDATE passages SET segment = ?, row = ? WHERE id = ?",
                                     [(new_id, row, pid) for row, pid in enumerate(ids)])
            self._db.executemany("DELETE FROM segments WHERE id = ?", [(s,) for s in chosen])
        for seg_id, row in chosen.items():
            self._segments.pop(seg_id, None)
            (self.folder / "vectors" / row[1]).unlink(missing_ok=True)

    # ------------------------------------------------------------------ searching
    def dense_search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> Ranked:
        """The ``k`` nearest passages (see :class:`~assistant.store.Store`)."""
        query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        with self._lock:
            self._catch_up()
            if scope is not None:
                where, args = _scope_sql(scope)
                located = self._db.execute(f"SELECT id, segment, row FROM passages {where}", args).fetchall()
                if not located:
                    return []
                ids = np.array([r[0] for r in located], dtype=np.int64)
                scores = self._gather(located) @ query[0]
                order = np.argsort(-scores, kind="stable")[:k]
                return [(int(ids[i]), float(scores[i])) for i in order]
            if self._vectors.ntotal == 0:
                return []
            scores, ids = self._vectors.search(query, min(k, self._vectors.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def lexical_search(self, tokens: Sequence[str], k: int, scope: Scope | None = None) -> Ranked:
        """The ``k`` best passages by BM25 (see :class:`~assistant.store.Store`)."""
        terms = [t for t in tokens if t and not any(c.isspace() for c in t)]
        if not terms or k <= 0:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self._schema, "body", t)) for t in terms])
        if scope is not None:
            parts = [(tantivy.Occur.Must, query)]
            if scope.sources is not None:
                parts.append((tantivy.Occur.Must, tantivy.Query.term_set_query(
                    self._schema, "source", sorted(scope.sources))))
            if scope.article is not None:
                parts.append((tantivy.Occur.Must, tantivy.Query.term_query(
                    self._schema, "article", _article_term(*scope.article))))
            query = tantivy.Query.boolean_query(parts)
        with self._lock:
            self._catch_up()
            searcher = self._lexical.searcher()
            hits = searcher.search(query, k).hits
            pids = searcher.fast_field_values("pid", [a for _, a in hits])
        ranked = [(int(pid), float(score)) for (score, _), pid in zip(hits, pids) if pid is not None and score > 0]
        ranked.sort(key=lambda r: (-r[1], r[0]))  # equal scores in id order
        return ranked

    def idf(self, token: str) -> float:
        """A token's idf over the stored passages (see :class:`~assistant.store.Store`)."""
        value = self._idf_cache.get(token)
        if value is None:
            with self._lock:
                searcher = self._lexical.searcher()
                n = searcher.num_docs
                df = searcher.doc_freq("body", token) if token and not any(c.isspace() for c in token) else 0
            value = float(np.log((n + 1) / (df + 0.5)))
            if len(self._idf_cache) > PASSAGE_CACHE * 10:
                self._idf_cache.clear()
            self._idf_cache[token] = value
        return value

    # ------------------------------------------------------------------ records
    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Passages by id (see :class:`~assistant.store.Store`); every result is checked
        against the committed rows."""
        wanted = [int(i) for i in dict.fromkeys(ids)]
        with self._lock:
            self._catch_up()  # every deleted id has now left the cache (ids are never reused)
            missing = [i for i in wanted if i not in self._passage_cache]
            for start in range(0, len(missing), 900):
                chunk = missing[start : start + 900]
                for pid, p in self._rows(f"WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                    self._passage_cache[pid] = p
            out = {i: self._passage_cache[i] for i in wanted if i in self._passage_cache}
            while len(self._passage_cache) > PASSAGE_CACHE:
                self._passage_cache.pop(next(iter(self._passage_cache)))
        return out

    def source_passages(self, source: str, article_id: int | None = None) -> list[Passage]:
        """A source's passages in order (see :class:`~assistant.store.Store`)."""
        if article_id is None:
            return [p for _, p in self._rows("WHERE source = ? ORDER BY id", (source,))]
        return [p for _, p in self._rows("WHERE source = ? AND article_id = ? ORDER BY id", (source, article_id))]

    def block(self, key: ParagraphKey) -> list[Passage]:
        """One paragraph's passages, or an article's table rows (see :class:`~assistant.store.Store`)."""
        return [p for _, p in self._rows("WHERE source = ? AND article_id = ? AND block = ? ORDER BY id", key)]

    def sources(self) -> dict[str, SourceFile]:
        """Every source's record (see :class:`~assistant.store.Store`)."""
        with self._lock:
            rows = self._db.execute("SELECT record FROM sources ORDER BY name").fetchall()
        return {s.name: s for s in (SourceFile(**json.loads(r[0])) for r in rows)}

    def document(self, name: str) -> str:
        """A source's decoded text (see :class:`~assistant.store.Store`)."""
        with self._lock:
            row = self._db.execute("SELECT text FROM sources WHERE name = ?", (name,)).fetchone()
        return row[0] if row else ""

    def articles(self, source: str | None = None) -> list[ArticleRecord]:
        """Articles with their keywords, computed on first listing (see
        :class:`~assistant.store.Store`)."""
        where, args = ("WHERE source = ?", (source,)) if source is not None else ("", ())
        with self._lock:
            rows = self._db.execute(f"SELECT record FROM articles {where} ORDER BY source, article_id",
                                    args).fetchall()
        return with_keywords([ArticleRecord(**json.loads(raw)) for (raw,) in rows], self._keywords,
                             self.source_passages)

    def vectors_for(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by content hash (see :class:`~assistant.store.Store`)."""
        wanted = list(dict.fromkeys(keys))
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(wanted), 900):
                chunk = wanted[start : start + 900]
                rows = self._db.execute("SELECT vector_key, id, segment, row FROM passages WHERE vector_key IN "
                                        f"({','.join('?' * len(chunk))}) GROUP BY vector_key", chunk).fetchall()
                if rows:
                    vectors = self._gather([r[1:] for r in rows])
                    out.update({r[0]: v for r, v in zip(rows, vectors)})
                rest = [k for k in chunk if k not in out]
                if rest:
                    rows = self._db.execute("SELECT key, vector FROM sentence_vectors WHERE key IN "
                                            f"({','.join('?' * len(rest))}) GROUP BY key", rest).fetchall()
                    out.update({k: np.frombuffer(b, dtype=SENTENCE_VECTOR_DTYPE).astype(np.float32) for k, b in rows})
        return out

    def stats(self) -> StoreStats:
        """Counts and disk size (see :class:`~assistant.store.Store`)."""
        with self._lock:
            count = self._db.execute
            sources = count("SELECT COUNT(*) FROM sources").fetchone()[0]
            articles = count("SELECT COUNT(*) FROM articles").fetchone()[0]
            passages = count("SELECT COUNT(*) FROM passages").fetchone()[0]
        disk = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())
        return StoreStats(sources, articles, passages, self.embedder_id, self.dim, disk, self.kind)

    def excluded(self) -> set[str]:
        """Names the user removed (see :class:`~assistant.store.Store`)."""
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT name FROM excluded").fetchall()}

    def set_excluded(self, name: str, excluded: bool) -> None:
        """Mark or unmark a removed name (see :class:`~assistant.store.Store`)."""
        with self._lock, _transaction(self._db):
            if excluded:
                self._db.execute("INSERT OR IGNORE INTO excluded VALUES (?)", (name,))
            else:
                self._db.execute("DELETE FROM excluded WHERE name = ?", (name,))

    # ------------------------------------------------------------------ internals
    def _meta(self, key: str, default: str | None = None) -> str:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            if default is None:
                raise IndexFolderError(f"The index in {self.folder} lacks '{key}'; {REBUILD_HINT}.")
            return default
        return str(row[0])

    def _rows(self, where: str, args: Sequence[Any]) -> list[tuple[int, Passage]]:
        with self._lock:
            rows = self._db.execute(f"SELECT id, data FROM passages {where}", tuple(args)).fetchall()
        return [(pid, Passage.from_dict(json.loads(data))) for pid, data in rows]

    def _ids_of(self, source: str) -> np.ndarray:
        rows = self._db.execute("SELECT id FROM passages WHERE source = ?", (source,)).fetchall()
        return np.array([r[0] for r in rows], dtype=np.int64)

    def _lexical_doc(self, pid: int, passage: Passage, version: str) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_unsigned("pid", pid)
        doc.add_text("source", passage.source)
        doc.add_text("article", _article_term(passage.source, passage.article_id))
        doc.add_text("version", version)
        doc.add_text("body", " ".join(t for t in self._tokenize(passage.search_text)
                                      if not any(c.isspace() for c in t)))
        return doc

    def _open_lexical(self) -> tantivy.Index:
        path = self.folder / "lexical"
        try:
            if path.exists() and tantivy.Index.exists(str(path)):
                return tantivy.Index(self._schema, path=str(path), reuse=True)
        except (ValueError, OSError) as exc:
            log.warning("the lexical index in %s is damaged (%s); rebuilding it", path, exc)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        if self._db.execute("SELECT COUNT(*) FROM sources").fetchone()[0]:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('lexical_rebuild', '1')")
        return tantivy.Index(self._schema, path=str(path), reuse=False)

    def _segment(self, seg_id: int) -> np.ndarray:
        """A segment's vectors, memory-mapped."""
        if seg_id not in self._segments:
            row = self._db.execute("SELECT file, rows FROM segments WHERE id = ?", (seg_id,)).fetchone()
            path = self.folder / "vectors" / (row[0] if row else "?")
            try:
                array = np.load(path, mmap_mode="r")
            except (OSError, ValueError) as exc:
                raise IndexFolderError(f"The index in {self.folder} is damaged ({path.name} cannot be read); "
                                       f"{REBUILD_HINT}.") from exc
            if row is None or array.shape != (row[1], self.dim):
                raise IndexFolderError(f"The index in {self.folder} is damaged ({path.name} does not match "
                                       f"its record); {REBUILD_HINT}.")
            self._segments[seg_id] = array
        return self._segments[seg_id]

    def _live_rows(self, seg_id: int) -> tuple[np.ndarray, np.ndarray]:
        """The committed passage ids of a segment and their rows in it."""
        found = np.array(self._db.execute("SELECT id, row FROM passages WHERE segment = ? ORDER BY row",
                                          (seg_id,)).fetchall(), dtype=np.int64).reshape(-1, 2)
        return np.ascontiguousarray(found[:, 0]), found[:, 1]

    def _gather(self, located: Sequence[tuple[int, int, int] | tuple[int, int]]) -> np.ndarray:
        """Vectors of (…, segment, row) rows, in the order given."""
        out = np.zeros((len(located), self.dim), dtype=np.float32)
        by_segment: dict[int, list[tuple[int, int]]] = {}
        for n, r in enumerate(located):
            by_segment.setdefault(int(r[-2]), []).append((n, int(r[-1])))
        for seg_id, pairs in by_segment.items():
            array = self._segment(seg_id)
            out[[n for n, _ in pairs]] = array[[row for _, row in pairs]]
        return out

    def _load_vectors(self) -> faiss.Index:
        """Every committed vector in one FAISS index with passage ids: float16 up to
        :data:`EXACT_VECTORS_MAX`, 8-bit quantised beyond."""
        total = self._db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
        self._quantised = total > EXACT_VECTORS_MAX
        kind = faiss.ScalarQuantizer.QT_8bit if self._quantised else faiss.ScalarQuantizer.QT_fp16
        index = faiss.IndexIDMap2(faiss.IndexScalarQuantizer(self.dim, kind, faiss.METRIC_INNER_PRODUCT))
        segments = [r[0] for r in self._db.execute("SELECT id FROM segments ORDER BY id").fetchall()]
        if not index.is_trained:  # the quantiser's ranges come from a sample across segments
            step = max(1, total // QUANTIZER_SAMPLE)
            sample = []
            for seg_id in segments:
                rows = self._live_rows(seg_id)[1][::step]
                if len(rows):
                    sample.append(np.array(self._segment(seg_id)[rows]))
                self._segments.pop(seg_id, None)
            index.train(np.ascontiguousarray(np.concatenate(sample), dtype=np.float32))
        for seg_id in segments:  # one segment at a time, so memory stays near the index's own size
            ids, rows = self._live_rows(seg_id)
            if len(ids):
                index.add_with_ids(np.ascontiguousarray(self._segment(seg_id)[rows], dtype=np.float32), ids)
            self._segments.pop(seg_id, None)  # unmap what was read whole: its pages would stay resident
        return index


def store_exists(folder: Path) -> bool:
    """Whether an index (of this or the previous format) is in ``folder``."""
    folder = Path(folder)
    _recover_swap(folder)
    return (folder / DB_FILE).exists() or (folder / LEGACY_MANIFEST).exists()


def replace_folder(new: Path, folder: Path) -> None:
    """Put a complete index folder in the place of another (the old one is deleted)."""
    old = folder.with_name(f".{folder.name}.old-{time.time_ns()}")
    (new / BUILDER_FILE).unlink(missing_ok=True)
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _recover_swap(folder: Path) -> None:
    """If a crash happened between the two renames of :func:`replace_folder`, put the old
    index back; delete what killed saves left: old copies once the index is in place, and
    half-built indexes (``.NAME.new-*``) whose building process is gone."""
    if not folder.parent.exists():
        return
    olds = sorted(folder.parent.glob(f".{folder.name}.old-*"))
    if olds and not folder.exists():
        olds.pop().rename(folder)
    for stale in olds:
        shutil.rmtree(stale, ignore_errors=True)
    for building in folder.parent.glob(f".{folder.name}.new-*"):
        if not _builder_alive(building):
            shutil.rmtree(building, ignore_errors=True)


def mark_builder(folder: Path) -> None:
    """Record this process as the one building an index folder (see :func:`_recover_swap`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BUILDER_FILE).write_text(str(os.getpid()), encoding="utf-8")


def _builder_alive(folder: Path) -> bool:
    try:
        pid = int((folder / BUILDER_FILE).read_text(encoding="utf-8"))
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False  # no record, or its process is gone
    return True


def _has_meta(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is not None


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One SQLite transaction: all of it commits or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _scope_sql(scope: Scope) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    args: list[Any] = []
    if scope.sources is not None:
        names = sorted(scope.sources)
        clauses.append(f"source IN ({','.join('?' * len(names))})")
        args.extend(names)
    if scope.article is not None:
        clauses.append("source = ? AND article_id = ?")
        args.extend(scope.article)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", tuple(args)


# ---------------------------------------------------------------------- the previous format

def _legacy_model(folder: Path) -> tuple[str, int]:
    try:
        manifest = json.loads((folder / LEGACY_MANIFEST).read_text(encoding="utf-8"))
        return str(manifest["embedder"]), int(manifest["dim"])
    except (OSError, ValueError, KeyError) as exc:
        raise IndexFolderError(f"The index in {folder} is of an old format and damaged; {REBUILD_HINT}.") from exc


def _migrate_legacy(store: LocalStore, folder: Path) -> None:
    """Move an index of format 1 (JSON lines and one vectors.npy) into the store, keeping its
    vectors, then delete the old files."""
    try:
        manifest = json.loads((folder / LEGACY_MANIFEST).read_text(encoding="utf-8"))
        passages = [Passage.from_dict(json.loads(line)) for line in
                    (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines() if line]
        documents = {}
        for line in (folder / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            if line:
                row = json.loads(line)
                documents[row["name"]] = row["text"]
        vectors = np.load(folder / "vectors.npy")
        keys = json.loads((folder / "vector_keys.json").read_text(encoding="utf-8"))
        records = {n: SourceFile(**s) for n, s in manifest.get("files", {}).items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexFolderError(f"The index in {folder} is of an old format and cannot be read "
                               f"({exc.__class__.__name__}); {REBUILD_HINT}.") from exc
    if len(vectors) != len(passages) or len(keys) != len(passages):
        raise IndexFolderError(f"The index in {folder} is of an old format and inconsistent; {REBUILD_HINT}.")
    batch = []
    for name, record in sorted(records.items()):
        rows = [i for i, p in enumerate(passages) if p.source == name]
        batch.append(NewSource(record, documents.get(name, ""), [passages[i] for i in rows], vectors[rows],
                               [keys[i] for i in rows]))
    store.add_sources(batch)
    for old in ("manifest.json", "passages.jsonl", "documents.jsonl", "vectors.npy", "vector_keys.json",
                "faiss.index"):
        (folder / old).unlink(missing_ok=True)
    shutil.rmtree(folder / "bm25", ignore_errors=True)
    log.warning("migrated the index in %s (%d files, %d passages) to format %d", folder, len(records),
                len(passages), INDEX_FORMAT_VERSION)
