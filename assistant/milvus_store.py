"""Milvus as the store, for an archive one machine cannot hold: a cluster
(``milvus://HOST:19530``) or the embedded ``milvus-lite`` (``milvus-lite:PATH.db``), through
the same ``pymilvus`` client.

Everything lives in Milvus, so app servers in front of a cluster hold no state of their own.
Four collections share a name prefix (``assistant`` by default)::

    <prefix>_passages   id, source, article, paragraph block, content hash, the passage as JSON
                        (text, offsets, sentences), the dense vector, and ``body``: the passage's
                        jieba tokens, from which Milvus's BM25 function makes the sparse vector
    <prefix>_records    the model, the source records (the commit points), document texts in
                        chunks and article records, each keyed by the version that wrote it
    <prefix>_sentences  sentence vectors by content hash (the answers' dense feature)
    <prefix>_terms      each token's document frequency (answers weigh question words by idf)

**Lexical side.** Milvus computes BM25 on the server (``FunctionType.BM25``) over ``body``,
which holds *our* tokens (the same jieba tokens as the local store, made safe for a
whitespace or word analyzer): Milvus keeps the corpus statistics as passages come and go, and
the scores are on the local store's scale (k1 = 1.2, b = 0.75). Sparse vectors computed here
would need document frequencies kept by every writer in step, and stale ones otherwise.

**Commits.** Milvus has no transactions, so a change is ordered: the new version's rows are
written under fresh passage ids, then one upsert of the source records makes them current (the
commit), then the old version's rows are deleted. Readers keep only rows of a source's
current version, so they see the state before or after a change, never half of it. A source
being changed is journalled (a ``pending`` record) first, and a crash's leftovers are deleted
at the next open or write.

**milvus-lite** keeps BM25 statistics per segment, so a page in a segment of its own scores
differently from the same page loaded with the rest (bench/bench_milvus.py measures it), and
it rebuilds the unsealed rows' BM25 index at every search. This store seals lite's memtable
once it holds :data:`~assistant.config.MILVUS_LITE_FLUSH_ROWS` rows, and never for a few
pages (lite's write-ahead log makes writes durable): small archives stay in one segment and
large ones in segments of thousands, which lite compacts. A server keeps global statistics.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import Passage
from .config import (
    MILVUS_BATCH_ROWS,
    MILVUS_LITE_FLUSH_ROWS,
    MILVUS_OVERFETCH,
    PASSAGE_CACHE,
)
from .errors import IndexFolderError, StoreError
from .milvus_client import (
    COLLECTIONS,
    DEFAULT_PREFIX,
    DUMMY_DIM,
    VARCHAR_MAX,
    connect,
    create_collections,
    disconnect,
    insert_rows,
    query_all,
    record_row,
    short_error,
    upsert_rows,
)
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

TEXT_CHUNK_CHARS = 16_000  # a VARCHAR holds 65,535 bytes: 16k characters of up to 4 bytes
META = "meta"


@dataclass(frozen=True)
class _Current:
    """A source's committed version: its first passage id and its passage count."""

    record: SourceFile
    first: int
    count: int

    def holds(self, pid: int) -> bool:
        return self.first <= pid < self.first + self.count


def lexical_body(tokens: Iterable[str]) -> str:
    """Tokens as one string a whitespace or a word (``\\w+``) analyzer splits back into the
    same tokens: lower case, and every run of other characters inside a token made ``_``."""
    return " ".join(re.sub(r"\W+", "_", t.lower()) for t in tokens if t and t.strip())


def _literal(value: str) -> str:
    """A string as a Milvus filter literal."""
    return json.dumps(value, ensure_ascii=False)


def _in(field: str, values: Iterable[Any]) -> str:
    items = list(values)
    return f"{field} in [{','.join(_literal(v) if isinstance(v, str) else str(int(v)) for v in items)}]"


class MilvusStore:
    """The store in Milvus (see the module docstring). Open it with :meth:`open`.

    Args:
        client: a connected ``pymilvus.MilvusClient``.
        uri: the store's address as the user gave it (for messages).
        prefix: the collections' name prefix.
        tokenizer: text → BM25 tokens (jieba by default).
    """

    kind = "milvus"

    def __init__(self, client: Any, uri: str, prefix: str, embedder_id: str, dim: int, lite_path: Path | None,
                 tokenizer: Callable[[str], list[str]] = tokenize) -> None:
        self._client = client
        self.uri = uri
        self.prefix = prefix
        self.embedder_id = embedder_id
        self.dim = dim
        self._lite_path = lite_path
        self._tokenize = tokenizer
        self._lock = threading.RLock()
        self._generation = ""
        self._unflushed = 0  # rows this process wrote to milvus-lite's memtable since its last flush
        self._current: dict[str, _Current] = {}
        self._passage_cache: dict[int, Passage] = {}
        self._idf_cache: dict[str, float] = {}
        self._keywords: dict[tuple[str, int], list[str]] = {}
        self._refresh(force=True)
        self._repair()

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, uri: str, embedder_id: str | None = None, dim: int | None = None, prefix: str = DEFAULT_PREFIX,
             tokenizer: Callable[[str], list[str]] = tokenize) -> MilvusStore:
        """Connect to ``uri`` (``milvus-lite:PATH.db`` or ``milvus://HOST:PORT``) and open the
        store, creating its collections when ``embedder_id`` and ``dim`` are given.

        Raises:
            StoreError: the server cannot be reached (within a few seconds), or pymilvus is
                not installed.
            IndexFolderError: no store there (and none to create), or one that is damaged.
        """
        client, lite_path = connect(uri)
        try:
            if not client.has_collection(f"{prefix}_records"):
                if embedder_id is None or dim is None:
                    raise IndexFolderError(f"No index in {uri}: run `python -m assistant index --store {uri}` first.")
                for name in COLLECTIONS:  # what a creation cut short left (no records: no store)
                    if client.has_collection(f"{prefix}_{name}"):
                        client.drop_collection(f"{prefix}_{name}")
                create_collections(client, prefix, dim, lite=lite_path is not None)
                upsert_rows(client, f"{prefix}_records", [
                    record_row(f"{META}\x1fembedder", META, "", 0, 0, embedder_id),
                    record_row(f"{META}\x1fdim", META, "", 0, 0, str(dim)),
                    record_row(f"{META}\x1fnext_id", META, "", 0, 1, "")])
            for name in COLLECTIONS:  # a server keeps them loaded; milvus-lite loads them per process
                client.load_collection(f"{prefix}_{name}")
            meta = {r["key"].split("\x1f", 1)[1]: r for r in client.get(f"{prefix}_records", ids=[
                f"{META}\x1fembedder", f"{META}\x1fdim"], output_fields=["key", "data"])}
            if set(meta) != {"embedder", "dim"}:
                raise IndexFolderError(f"The index in {uri} lacks its model record; rebuild it with "
                                       f"`python -m assistant index --rebuild --store {uri}`.")
            return cls(client, uri, prefix, meta["embedder"]["data"], int(meta["dim"]["data"]), lite_path, tokenizer)
        except Exception as exc:
            disconnect(client, lite_path)
            if isinstance(exc, (IndexFolderError, StoreError)):
                raise
            raise StoreError(f"Milvus at {uri} failed: {short_error(exc)}") from exc

    def close(self) -> None:
        """Disconnect; a milvus-lite database is released when its last store in this process
        closes, so another process can open it."""
        with self._lock:
            self._passage_cache.clear()
            disconnect(self._client, self._lite_path)

    # ------------------------------------------------------------------ writing
    def add_sources(self, sources: Sequence[NewSource]) -> None:
        """Add or replace sources in one commit (see :class:`~assistant.store.Store`)."""
        names = [s.record.name for s in sources]
        if len(set(names)) != len(names):
            raise ValueError("add_sources got two sources of the same name")
        if not sources:
            return
        with self._lock:
            self._refresh()
            replaced = [n for n in names if n in self._current]  # only these have old rows to delete
            total = sum(len(s.passages) for s in sources)
            first = self._allocate(total)
            self._journal(names)
            at, current, df = first, {}, Counter[str]()
            for s in sources:
                df += self._write_version(s, at)
                current[s.record.name] = _Current(s.record, at, len(s.passages))
                at += len(s.passages)
            for name in replaced:
                df.subtract(self._term_counts(self._current[name]))
            upsert_rows(self._client, self._records, [
                record_row(f"source\x1f{n}", "source", n, c.first, c.count, json.dumps(vars(c.record), ensure_ascii=False))
                for n, c in current.items()])
            self._current.update(current)
            self._add_df(df)
            self._committed()
            self._flush_lite(total)
            for name in replaced:
                self._delete_stale(name)
            self._client.delete(self._records, ids=[f"pending\x1f{n}" for n in names])

    def delete_source(self, name: str) -> None:
        """Remove a source in one commit (see :class:`~assistant.store.Store`)."""
        with self._lock:
            self._refresh()
            if name not in self._current:
                return
            self._journal([name])
            lost = self._term_counts(self._current[name])
            self._client.delete(self._records, ids=[f"source\x1f{name}"])
            self._current.pop(name)
            self._add_df(Counter({t: -c for t, c in lost.items()}))
            self._committed()
            self._delete_stale(name)
            self._client.delete(self._records, ids=[f"pending\x1f{name}"])

    def _allocate(self, count: int) -> int:
        """Reserve ``count`` passage ids that were never used."""
        row = self._client.get(self._records, ids=[f"{META}\x1fnext_id"], output_fields=["n"])
        first = int(row[0]["n"]) if row else 1
        upsert_rows(self._client, self._records, [record_row(f"{META}\x1fnext_id", META, "", 0, first + count, "")])
        return first

    def _flush_lite(self, rows: int) -> None:
        """On milvus-lite, seal the memtable once it holds :data:`MILVUS_LITE_FLUSH_ROWS` rows:
        lite rebuilds the memtable's BM25 index at every search (0.8 s at 10k rows), and keeps
        BM25 statistics per segment, so segments are neither tiny nor huge."""
        self._unflushed += rows
        if self._lite_path is not None and self._unflushed >= MILVUS_LITE_FLUSH_ROWS:
            self._client.flush(self._passages)
            self._unflushed = 0

    def _journal(self, names: Sequence[str]) -> None:
        upsert_rows(self._client, self._records, [record_row(f"pending\x1f{n}", "pending", n, 0, 0, "") for n in names])

    def _term_counts(self, version: _Current) -> Counter[str]:
        """Passages of a stored version each token occurs in."""
        where = (f"source == {_literal(version.record.name)} and id >= {version.first} and "
                 f"id < {version.first + version.count}")
        return Counter(t for r in query_all(self._client, self._passages, where, ["body"])
                       for t in set(r["body"].split()))

    def _add_df(self, delta: Counter[str]) -> None:
        """Apply changes to the tokens' document frequencies (``<prefix>_terms``)."""
        tokens = [t for t, d in delta.items() if d]
        for start in range(0, len(tokens), MILVUS_BATCH_ROWS):
            chunk = tokens[start:start + MILVUS_BATCH_ROWS]
            old = {r["token"]: int(r["df"]) for r in self._client.get(self._terms, ids=chunk, output_fields=["df"])}
            new = {t: old.get(t, 0) + delta[t] for t in chunk}
            upsert_rows(self._client, self._terms, [{"token": t, "df": df, "v": [0.0] * DUMMY_DIM}
                                                    for t, df in new.items() if df > 0])
            gone = [t for t, df in new.items() if df <= 0]
            if gone:
                self._client.delete(self._terms, ids=gone)

    def _write_version(self, s: NewSource, first: int) -> Counter[str]:
        """Write a source's rows under passage ids from ``first`` (invisible until committed);
        returns how many of its passages each token occurs in."""
        name = s.record.name
        vectors = np.asarray(s.vectors, dtype=np.float32).reshape(len(s.passages), self.dim)
        rows, df = [], Counter[str]()
        for n, (p, key) in enumerate(zip(s.passages, s.vector_keys)):
            data = json.dumps(p.to_dict(), ensure_ascii=False)
            body = lexical_body(self._tokenize(p.search_text))
            if len(data.encode()) > VARCHAR_MAX or len(body.encode()) > VARCHAR_MAX:
                raise StoreError(f"A passage of {name} is too long for Milvus ({len(data)} characters).")
            df.update(set(body.split()))
            rows.append({"id": first + n, "source": name, "article_id": p.article_id, "block": block_key(p)[2],
                         "vector_key": key, "data": data, "body": body, "dense": vectors[n].tolist()})
        insert_rows(self._client, self._passages, rows)
        records = [record_row(f"text\x1f{name}\x1f{first}\x1f{n}", "text", name, first, n,
                              s.text[at:at + TEXT_CHUNK_CHARS])
                   for n, at in enumerate(range(0, max(len(s.text), 1), TEXT_CHUNK_CHARS))]
        records += [record_row(f"article\x1f{name}\x1f{first}\x1f{a.article_id}", "article", name, first,
                               a.article_id, json.dumps(a.to_dict(), ensure_ascii=False))
                    for a in article_records(s.passages)]
        upsert_rows(self._client, self._records, records)
        upsert_rows(self._client, self._sentences, [
            {"key": f"{name}\x1f{first}\x1f{key}", "source": name, "version": first, "hash": key,
             "vector": np.asarray(v, dtype=np.float32).reshape(self.dim).tolist()}
            for key, v in s.sentence_vectors.items()])
        return df

    def _committed(self) -> None:
        """Publish a new generation so other readers reload the source records."""
        self._generation = f"{threading.get_ident()}-{np.random.default_rng().integers(1 << 62)}"
        upsert_rows(self._client, self._records, [record_row(f"{META}\x1fgeneration", META, "", 0, 0, self._generation)])
        self._forget()

    def _delete_stale(self, name: str) -> None:
        """Delete a source's rows of every version but the current one (all if it has none)."""
        current = self._current.get(name)
        where = f"source == {_literal(name)}"
        if current is None:
            self._client.delete(self._passages, filter=where)
            self._client.delete(self._sentences, filter=where)
            self._client.delete(self._records, filter=f"{where} and (kind == 'text' or kind == 'article')")
            return
        end = current.first + current.count
        self._client.delete(self._passages, filter=f"{where} and (id < {current.first} or id >= {end})")
        self._client.delete(self._sentences, filter=f"{where} and version != {current.first}")
        self._client.delete(self._records, filter=f"{where} and (kind == 'text' or kind == 'article') "
                                                  f"and version != {current.first}")

    def _repair(self) -> None:
        """Delete what a change interrupted by a crash left behind."""
        pending = [r["source"] for r in query_all(self._client, self._records, "kind == 'pending'", ["source"])]
        if not pending:
            return
        with self._lock:
            for name in pending:
                self._delete_stale(name)
            self._client.delete(self._records, ids=[f"pending\x1f{n}" for n in pending])
        log.warning("cleaned up %d interrupted change(s) in %s", len(pending), self.uri)

    # ------------------------------------------------------------------ reading state
    def _refresh(self, force: bool = False) -> None:
        """Reload the committed source records when a writer (this one or another) changed them."""
        row = self._client.get(self._records, ids=[f"{META}\x1fgeneration"], output_fields=["data"])
        generation = row[0]["data"] if row else ""
        if generation == self._generation and not force:
            return
        current = {}
        for r in query_all(self._client, self._records, "kind == 'source'", ["source", "version", "n", "data"]):
            current[r["source"]] = _Current(SourceFile(**json.loads(r["data"])), int(r["version"]), int(r["n"]))
        self._current, self._generation = current, generation
        self._forget()

    def _forget(self) -> None:
        self._passage_cache.clear()
        self._idf_cache.clear()
        self._keywords.clear()

    def _visible(self, source: str, pid: int) -> bool:
        current = self._current.get(source)
        return current is not None and current.holds(pid)

    def _scope_filter(self, scope: Scope | None) -> str:
        if scope is None:
            return ""
        clauses = []
        if scope.sources is not None:
            clauses.append(_in("source", sorted(scope.sources)) if scope.sources else "id < 0")
        if scope.article is not None:
            clauses.append(f"source == {_literal(scope.article[0])} and article_id == {int(scope.article[1])}")
        return " and ".join(f"({c})" for c in clauses)

    def _version_filter(self, source: str) -> str | None:
        current = self._current.get(source)
        if current is None:
            return None
        return f"source == {_literal(source)} and id >= {current.first} and id < {current.first + current.count}"

    # ------------------------------------------------------------------ searching
    def dense_search(self, vector: np.ndarray, k: int, scope: Scope | None = None) -> Ranked:
        """The ``k`` nearest passages (see :class:`~assistant.store.Store`)."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        with self._lock:
            self._refresh()
            if k <= 0 or not self._current:
                return []
            hits = self._client.search(self._passages, data=[query], anns_field="dense", limit=k + MILVUS_OVERFETCH,
                                       filter=self._scope_filter(scope), output_fields=["source"],
                                       search_params={"metric_type": "IP"})[0]
            ranked = [(int(h["id"]), float(h["distance"])) for h in hits if self._visible(h["entity"]["source"], h["id"])]
        ranked.sort(key=lambda r: (-r[1], r[0]))
        return ranked[:k]

    def lexical_search(self, tokens: Sequence[str], k: int, scope: Scope | None = None) -> Ranked:
        """The ``k`` best passages by BM25 (see :class:`~assistant.store.Store`)."""
        body = lexical_body(tokens)
        if not body or k <= 0:
            return []
        with self._lock:
            self._refresh()
            if not self._current:
                return []
            hits = self._client.search(self._passages, data=[body], anns_field="sparse", limit=k + MILVUS_OVERFETCH,
                                       filter=self._scope_filter(scope), output_fields=["source"],
                                       search_params={"metric_type": "BM25"})[0]
            # milvus-lite reports BM25 negated; a server reports it as is: a score is its size
            ranked = [(int(h["id"]), abs(float(h["distance"]))) for h in hits
                      if self._visible(h["entity"]["source"], h["id"]) and h["distance"]]
        ranked.sort(key=lambda r: (-r[1], r[0]))
        return ranked[:k]

    def idf(self, token: str) -> float:
        """A token's idf over the stored passages (see :class:`~assistant.store.Store`);
        remembered until a search sees a new commit (answers ask for hundreds a question)."""
        value = self._idf_cache.get(token)
        if value is not None:
            return value
        with self._lock:
            n = sum(c.count for c in self._current.values())
            body = lexical_body([token])
            df = 0
            if body and " " not in body:
                rows = self._client.get(self._terms, ids=[body], output_fields=["df"])
                df = int(rows[0]["df"]) if rows else 0
            value = float(np.log((n + 1) / (min(df, n) + 0.5)))
            if len(self._idf_cache) > PASSAGE_CACHE * 10:
                self._idf_cache.clear()
            self._idf_cache[token] = value
        return value

    # ------------------------------------------------------------------ records
    def passages(self, ids: Sequence[int]) -> dict[int, Passage]:
        """Passages by id (see :class:`~assistant.store.Store`)."""
        wanted = [int(i) for i in dict.fromkeys(ids)]
        with self._lock:
            self._refresh()
            missing = [i for i in wanted if i not in self._passage_cache]
            for start in range(0, len(missing), MILVUS_BATCH_ROWS):
                chunk = missing[start:start + MILVUS_BATCH_ROWS]
                for r in self._client.get(self._passages, ids=chunk, output_fields=["id", "source", "data"]):
                    if self._visible(r["source"], r["id"]):
                        self._passage_cache[int(r["id"])] = Passage.from_dict(json.loads(r["data"]))
            out = {i: self._passage_cache[i] for i in wanted if i in self._passage_cache}
            while len(self._passage_cache) > PASSAGE_CACHE:
                self._passage_cache.pop(next(iter(self._passage_cache)))
        return out

    def _passage_rows(self, source: str, extra: str = "") -> list[Passage]:
        with self._lock:
            self._refresh()
            where = self._version_filter(source)
            if where is None:
                return []
            rows = query_all(self._client, self._passages, where + extra, ["id", "data"])
        rows.sort(key=lambda r: int(r["id"]))
        return [Passage.from_dict(json.loads(r["data"])) for r in rows]

    def source_passages(self, source: str, article_id: int | None = None) -> list[Passage]:
        """A source's passages in order (see :class:`~assistant.store.Store`)."""
        return self._passage_rows(source, "" if article_id is None else f" and article_id == {int(article_id)}")

    def block(self, key: ParagraphKey) -> list[Passage]:
        """One paragraph's passages, or an article's table rows (see :class:`~assistant.store.Store`)."""
        return self._passage_rows(key[0], f" and article_id == {int(key[1])} and block == {int(key[2])}")

    def sources(self) -> dict[str, SourceFile]:
        """Every source's record (see :class:`~assistant.store.Store`)."""
        with self._lock:
            self._refresh()
            return {n: self._current[n].record for n in sorted(self._current)}

    def document(self, name: str) -> str:
        """A source's decoded text (see :class:`~assistant.store.Store`)."""
        with self._lock:
            self._refresh()
            current = self._current.get(name)
            if current is None:
                return ""
            rows = query_all(self._client, self._records, f"kind == 'text' and source == {_literal(name)} and "
                                                           f"version == {current.first}", ["n", "data"])
        return "".join(r["data"] for r in sorted(rows, key=lambda r: int(r["n"])))

    def articles(self, source: str | None = None) -> list[ArticleRecord]:
        """Articles with their keywords, computed on first listing (see
        :class:`~assistant.store.Store`)."""
        where = "kind == 'article'" + ("" if source is None else f" and source == {_literal(source)}")
        with self._lock:
            self._refresh()
            current = dict(self._current)
            rows = query_all(self._client, self._records, where, ["source", "version", "data"])
        records = sorted((ArticleRecord(**json.loads(r["data"])) for r in rows
                          if r["source"] in current and int(r["version"]) == current[r["source"]].first),
                         key=lambda a: (a.source, a.article_id))
        return with_keywords(records, self._keywords, self.source_passages)

    def vectors_for(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by content hash (see :class:`~assistant.store.Store`)."""
        wanted = list(dict.fromkeys(keys))
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(wanted), MILVUS_BATCH_ROWS):
            chunk = wanted[start:start + MILVUS_BATCH_ROWS]
            for r in self._client.query(self._passages, filter=_in("vector_key", chunk),
                                        output_fields=["vector_key", "dense"], limit=16_384):
                out.setdefault(r["vector_key"], np.asarray(r["dense"], dtype=np.float32))
            rest = [k for k in chunk if k not in out]
            if rest:
                for r in self._client.query(self._sentences, filter=_in("hash", rest),
                                            output_fields=["hash", "vector"], limit=16_384):
                    out.setdefault(r["hash"], np.asarray(r["vector"], dtype=np.float32))
        return out

    def stats(self) -> StoreStats:
        """Counts and disk size (on a server: 0, it is the cluster's) (see
        :class:`~assistant.store.Store`)."""
        with self._lock:
            self._refresh()
            current = list(self._current.values())
        disk = 0
        if self._lite_path is not None and self._lite_path.exists():
            disk = sum(p.stat().st_size for p in self._lite_path.rglob("*") if p.is_file())
        return StoreStats(len(current), sum(c.record.articles for c in current), sum(c.count for c in current),
                          self.embedder_id, self.dim, disk, "milvus-lite" if self._lite_path else "milvus")

    def excluded(self) -> set[str]:
        """Names the user removed (see :class:`~assistant.store.Store`)."""
        return {r["source"] for r in query_all(self._client, self._records, "kind == 'excluded'", ["source"])}

    def set_excluded(self, name: str, excluded: bool) -> None:
        """Mark or unmark a removed name (see :class:`~assistant.store.Store`)."""
        if excluded:
            upsert_rows(self._client, self._records, [record_row(f"excluded\x1f{name}", "excluded", name, 0, 0, "")])
        else:
            self._client.delete(self._records, ids=[f"excluded\x1f{name}"])

    # ------------------------------------------------------------------ names
    @property
    def _passages(self) -> str:
        return f"{self.prefix}_passages"

    @property
    def _records(self) -> str:
        return f"{self.prefix}_records"

    @property
    def _sentences(self) -> str:
        return f"{self.prefix}_sentences"

    @property
    def _terms(self) -> str:
        return f"{self.prefix}_terms"
