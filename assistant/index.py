"""The index folder: FAISS vectors and a jieba BM25 index side by side, with a manifest.

Files a person can open::

    manifest.json       format version, embedder id, per-source checksums, data checksums
    passages.jsonl      one passage a line (text, file, article, paragraph, offsets)
    documents.jsonl     the decoded text of every source (what citation offsets point into)
    vectors.npy         passage vectors, float32, unit length, aligned with passages.jsonl
    vector_keys.json    content hash of each vector (re-indexing unchanged text costs nothing)
    faiss.index         the FAISS index over vectors.npy
    bm25/               bm25s files over jieba tokens

Writes go to a temporary folder that replaces the old one only when complete.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np

from .chunking import Passage
from .config import FLAT_LIMIT, HNSW_EF_SEARCH, HNSW_M, INDEX_FORMAT_VERSION
from .errors import IndexFolderError
from .text import keywords, tokenize

logging.getLogger("bm25s").setLevel(logging.WARNING)

DATA_FILES = ("passages.jsonl", "documents.jsonl", "vectors.npy", "vector_keys.json")


def build_faiss(vectors: np.ndarray) -> faiss.Index:
    """An inner-product FAISS index chosen by corpus size: exact (flat) for small corpora,
    HNSW for large ones."""
    n, dim = vectors.shape if vectors.size else (0, vectors.shape[1] if vectors.ndim == 2 else 1)
    index: faiss.Index
    if n <= FLAT_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if n:
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def build_bm25(passages: list[Passage]) -> bm25s.BM25 | None:
    """BM25 over jieba tokens of each passage's heading and text (None when empty)."""
    corpus = [tokenize(p.search_text) or ["\u2205"] for p in passages]
    if not corpus:
        return None
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    return retriever


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


ParagraphKey = tuple[str, int, int]  # (file, article number, paragraph number)


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


@dataclass(frozen=True, eq=False)
class IndexData:
    """Everything in an index folder, in memory, never changed once built: a change makes a
    new one (:func:`replace_sources`). Tables derived from it (paragraph groups, idf,
    article keywords) are computed on first use and kept with it."""

    embedder_id: str
    dim: int
    passages: list[Passage] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))
    vector_keys: list[str] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    faiss_index: Any = None
    bm25: bm25s.BM25 | None = None

    @classmethod
    def build(cls, embedder_id: str, dim: int, passages: list[Passage], vectors: np.ndarray,
              vector_keys: list[str], documents: dict[str, str], sources: dict[str, SourceFile]) -> IndexData:
        """An index over passages and their vectors, with FAISS and BM25 built for them."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(passages), dim)
        return cls(embedder_id, dim, passages, vectors, vector_keys, documents, sources,
                   build_faiss(vectors), build_bm25(passages))

    @functools.cached_property
    def paragraphs(self) -> dict[ParagraphKey, list[Passage]]:
        """Passages grouped by (file, article, paragraph)."""
        out: dict[ParagraphKey, list[Passage]] = {}
        for p in self.passages:
            out.setdefault((p.source, p.article_id, p.paragraph), []).append(p)
        return out

    @functools.cached_property
    def blocks(self) -> dict[ParagraphKey, list[Passage]]:
        """Passages grouped by paragraph, except that all rows of a table form one group
        (under paragraph -1): what a list or table answer reads."""
        out: dict[ParagraphKey, list[Passage]] = {}
        for p in self.passages:
            out.setdefault((p.source, p.article_id, -1 if p.kind == "table_row" else p.paragraph), []).append(p)
        return out

    def block_of(self, passage: Passage) -> list[Passage]:
        """All passages of a passage's paragraph, or all rows of its table."""
        key = (passage.source, passage.article_id, -1 if passage.kind == "table_row" else passage.paragraph)
        return self.blocks.get(key, [passage])

    @functools.cached_property
    def idf_table(self) -> dict[str, float]:
        """Inverse document frequency of every BM25 token."""
        if self.bm25 is None:
            return {}
        df = np.diff(np.asarray(self.bm25.scores["indptr"]))
        n = len(self.passages)
        return {tok: float(np.log((n + 1) / (df[i] + 0.5))) for tok, i in self.bm25.vocab_dict.items()
                if i < len(df)}

    def idf(self, token: str) -> float:
        """A token's idf (a token found in no passage gets the highest possible)."""
        return self.idf_table.get(token, float(np.log((len(self.passages) + 1) / 0.5)))

    @functools.cached_property
    def articles(self) -> list[ArticleRecord]:
        """Every article: file, number, title, keywords, first sentence, passages."""
        groups: dict[tuple[str, int], list[Passage]] = {}
        for p in self.passages:
            groups.setdefault((p.source, p.article_id), []).append(p)
        out = []
        for (src, a_id), ps in sorted(groups.items()):
            text = "".join(p.text for p in ps if p.kind != "table_row") or " ".join(p.text for p in ps)
            out.append(ArticleRecord(src, a_id, ps[0].article, keywords(text),
                                     ps[0].sentences[0].text if ps[0].sentences else ps[0].text, len(ps)))
        return out


def empty_index(embedder_id: str, dim: int) -> IndexData:
    """An index with no files yet."""
    return IndexData.build(embedder_id, dim, [], np.zeros((0, dim), dtype=np.float32), [], {}, {})


def replace_sources(data: IndexData, new: dict[str, tuple[SourceFile, str, list[Passage]]],
                    removed: Iterable[str], embed: Callable[[list[str]], np.ndarray],
                    key: Callable[[str], str]) -> IndexData:
    """A new index with some sources added or replaced and others removed.

    Vectors of unchanged text are reused by content hash; only new text is embedded.

    Args:
        data: the current index (left unchanged).
        new: name → (file record, decoded text, passages) for added or changed files.
        removed: names to drop.
        embed: passage texts → vectors.
        key: passage search text → content hash.
    """
    drop = set(removed) | set(new)
    cache = dict(zip(data.vector_keys, data.vectors))
    keep = [i for i, p in enumerate(data.passages) if p.source not in drop]
    passages = [data.passages[i] for i in keep]
    keys = [data.vector_keys[i] for i in keep]
    vectors = [data.vectors[i] for i in keep]
    documents = {k: v for k, v in data.documents.items() if k not in drop}
    sources = {k: v for k, v in data.sources.items() if k not in drop}
    fresh: list[Passage] = []
    for name, (record, text, file_passages) in sorted(new.items()):
        documents[name] = text
        sources[name] = record
        fresh.extend(file_passages)
    fresh_keys = [key(p.search_text) for p in fresh]
    missing = sorted({k: p.search_text for k, p in zip(fresh_keys, fresh) if k not in cache}.items())
    if missing:
        vecs = embed([t for _, t in missing])
        cache.update({k: v for (k, _), v in zip(missing, vecs)})
    passages += fresh
    keys += fresh_keys
    vectors += [cache[k] for k in fresh_keys]
    return IndexData.build(data.embedder_id, data.dim, passages, np.asarray(vectors, dtype=np.float32),
                           keys, documents, sources)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_index(data: IndexData, folder: Path) -> None:
    """Write the index atomically: a complete temporary folder replaces the old one."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.tmp-{time.time_ns()}")
    tmp.mkdir()
    try:
        with (tmp / "passages.jsonl").open("w", encoding="utf-8") as f:
            for p in data.passages:
                f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        with (tmp / "documents.jsonl").open("w", encoding="utf-8") as f:
            for name, text in sorted(data.documents.items()):
                f.write(json.dumps({"name": name, "text": text}, ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", data.vectors.astype(np.float32))
        (tmp / "vector_keys.json").write_text(json.dumps(data.vector_keys), encoding="utf-8")
        faiss.write_index(data.faiss_index, str(tmp / "faiss.index"))
        if data.bm25 is not None:
            data.bm25.save(str(tmp / "bm25"))
        manifest = {
            "format_version": INDEX_FORMAT_VERSION,
            "embedder": data.embedder_id,
            "dim": data.dim,
            "faiss": type(data.faiss_index).__name__,
            "passages": len(data.passages),
            "files": {n: vars(s) for n, s in sorted(data.sources.items())},
            "checksums": {f: _sha256_file(tmp / f) for f in DATA_FILES},
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        old = folder.with_name(f".{folder.name}.old-{time.time_ns()}")
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an index folder.

    Raises:
        IndexFolderError: no index there, or an unreadable manifest.
    """
    path = Path(folder) / "manifest.json"
    if not path.exists():
        _recover(Path(folder))
    if not path.exists():
        raise IndexFolderError(f"No index in {folder}: run `python -m assistant index` first.")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexFolderError(f"The index manifest in {folder} is damaged ({exc.__class__.__name__}); "
                          f"rebuild it with `python -m assistant index --rebuild`.") from exc
    if manifest.get("format_version") != INDEX_FORMAT_VERSION:
        raise IndexFolderError(f"The index in {folder} has format {manifest.get('format_version')}, "
                          f"this version reads {INDEX_FORMAT_VERSION}; rebuild it with "
                          f"`python -m assistant index --rebuild`.")
    return manifest


def _recover(folder: Path) -> None:
    """If a crash happened between the two renames of a save, put the old index back."""
    olds = sorted(folder.parent.glob(f".{folder.name}.old-*")) if folder.parent.exists() else []
    if olds and not folder.exists():
        olds[-1].rename(folder)


def load_index(folder: Path) -> IndexData:
    """Read an index folder written by :func:`save_index`, verifying its checksums.

    Raises:
        IndexFolderError: missing, damaged or incompatible index.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    for name, expected in manifest.get("checksums", {}).items():
        path = folder / name
        if not path.exists() or _sha256_file(path) != expected:
            raise IndexFolderError(f"The index in {folder} is damaged ({name} does not match its "
                              f"checksum); rebuild it with `python -m assistant index --rebuild`.")
    try:
        passages = [Passage.from_dict(json.loads(line)) for line in
                    (folder / "passages.jsonl").read_text(encoding="utf-8").splitlines() if line]
        documents = {}
        for line in (folder / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            if line:
                row = json.loads(line)
                documents[row["name"]] = row["text"]
        vectors = np.load(folder / "vectors.npy")
        keys = json.loads((folder / "vector_keys.json").read_text(encoding="utf-8"))
        faiss_index = faiss.read_index(str(folder / "faiss.index"))
        bm25 = bm25s.BM25.load(str(folder / "bm25")) if (folder / "bm25").exists() else None
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexFolderError(f"The index in {folder} cannot be read ({exc.__class__.__name__}); "
                          f"rebuild it with `python -m assistant index --rebuild`.") from exc
    sources = {n: SourceFile(**s) for n, s in manifest.get("files", {}).items()}
    if len(vectors) != len(passages) or faiss_index.ntotal != len(passages):
        raise IndexFolderError(f"The index in {folder} is inconsistent; rebuild it with "
                          f"`python -m assistant index --rebuild`.")
    return IndexData(embedder_id=manifest["embedder"], dim=int(manifest["dim"]), passages=passages,
                     vectors=vectors.astype(np.float32), vector_keys=keys, documents=documents,
                     sources=sources, faiss_index=faiss_index, bm25=bm25)
