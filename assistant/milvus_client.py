"""The Milvus side of :class:`~assistant.milvus_store.MilvusStore`: connecting to a server or
to milvus-lite (and releasing lite's in-process server after the last store closes), the
collections' schemas and indexes, and batched writes and paged reads."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .config import MILVUS_BATCH_ROWS, MILVUS_CONNECT_SECONDS
from .errors import StoreError

LITE_SCHEME = "milvus-lite:"
SERVER_SCHEMES = ("milvus://", "milvus+https://")
DEFAULT_PREFIX = "assistant"
REBUILD_SUFFIX = "_rebuild"  # ``index --rebuild`` fills <prefix>_rebuild_*, then renames them
COLLECTIONS = ("passages", "sentences", "terms", "records")  # records last: a store exists once they do
VARCHAR_MAX = 65_535
BM25_PARAMS = {"bm25_k1": 1.2, "bm25_b": 0.75}  # the local store's (tantivy's) BM25
DUMMY_DIM = 2  # Milvus wants a vector field in every collection; records carry a zero one


def connect(uri: str) -> tuple[Any, Path | None]:
    """A ``MilvusClient`` for a store URI, and the milvus-lite path (None for a server).

    Raises:
        StoreError: not a Milvus URI, pymilvus missing, or no answer within a few seconds.
    """
    try:
        from pymilvus import MilvusClient
    except ImportError as exc:
        raise StoreError(f"{uri} needs pymilvus: pip install -e \".[milvus]\"") from exc
    logging.getLogger("pymilvus").setLevel(logging.CRITICAL)  # it logs tracebacks of what it raises (we report)
    lite_path: Path | None = None
    if uri.startswith(LITE_SCHEME):
        lite_path = Path(uri[len(LITE_SCHEME):]).expanduser().resolve()
        if lite_path.suffix != ".db":
            raise StoreError(f"{uri}: a milvus-lite store is a path ending in .db (milvus-lite:PATH.db).")
        lite_path.parent.mkdir(parents=True, exist_ok=True)
        target = str(lite_path)
    elif uri.startswith(SERVER_SCHEMES):
        secure = uri.startswith("milvus+https://")
        target = ("https://" if secure else "http://") + uri.split("://", 1)[1].rstrip("/")
    else:
        raise StoreError(f"{uri}: a store is milvus-lite:PATH.db or milvus://HOST:PORT.")
    try:
        client = MilvusClient(uri=target, token=os.environ.get("MILVUS_TOKEN", ""), timeout=MILVUS_CONNECT_SECONDS)
    except Exception as exc:  # pymilvus raises its own MilvusException, or grpc's errors
        if lite_path is not None:
            raise StoreError(f"Cannot open {uri}: {short_error(exc)} (is another process using it? milvus-lite "
                             "serves one process at a time)") from exc
        raise StoreError(f"Cannot reach Milvus at {uri}: {short_error(exc)}") from exc
    if lite_path is not None:
        with _lite_lock:
            _lite_users[lite_path] = _lite_users.get(lite_path, 0) + 1
    return client, lite_path


_lite_users: dict[Path, int] = {}  # open stores per milvus-lite database in this process
_lite_lock = threading.Lock()


def _release_lite(path: Path) -> None:
    """One store of a milvus-lite database closed: stop its in-process server after the last."""
    with _lite_lock:
        _lite_users[path] = _lite_users.get(path, 1) - 1
        if _lite_users[path] > 0:
            return
        del _lite_users[path]
    from milvus_lite import server_manager_instance

    server_manager_instance.release_server(str(path))


def short_error(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
    return " ".join(str(message).split())[:200]


def create_collections(client: Any, prefix: str, dim: int, lite: bool) -> None:
    """Create the four collections with their indexes (exact search on lite, HNSW on a server)."""
    from pymilvus import DataType, Function, FunctionType

    analyzer = {"tokenizer": "standard"} if lite else {"tokenizer": "whitespace"}
    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("source", DataType.VARCHAR, max_length=1024)
    s.add_field("article_id", DataType.INT64)
    s.add_field("block", DataType.INT64)
    s.add_field("vector_key", DataType.VARCHAR, max_length=128)
    s.add_field("data", DataType.VARCHAR, max_length=VARCHAR_MAX)
    s.add_field("body", DataType.VARCHAR, max_length=VARCHAR_MAX, enable_analyzer=True,
                analyzer_params=analyzer)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["body"],
                            output_field_names=["sparse"]))
    index = client.prepare_index_params()
    if lite:
        index.add_index("dense", index_type="FLAT", metric_type="IP")
    else:
        index.add_index("dense", index_type="HNSW", metric_type="IP", params={"M": 16, "efConstruction": 200})
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params=BM25_PARAMS)
    for field in ("source", "vector_key"):
        index.add_index(field, index_type="INVERTED")
    _create(client, f"{prefix}_passages", s, index)

    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=2048)
    s.add_field("source", DataType.VARCHAR, max_length=1024)
    s.add_field("version", DataType.INT64)
    s.add_field("hash", DataType.VARCHAR, max_length=128)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    index = client.prepare_index_params()
    index.add_index("vector", index_type="FLAT" if lite else "HNSW", metric_type="IP")
    index.add_index("hash", index_type="INVERTED")
    _create(client, f"{prefix}_sentences", s, index)

    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("token", DataType.VARCHAR, is_primary=True, max_length=1024)
    s.add_field("df", DataType.INT64)
    s.add_field("v", DataType.FLOAT_VECTOR, dim=DUMMY_DIM)
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="IP")
    _create(client, f"{prefix}_terms", s, index)

    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("key", DataType.VARCHAR, is_primary=True, max_length=2048)
    s.add_field("kind", DataType.VARCHAR, max_length=16)
    s.add_field("source", DataType.VARCHAR, max_length=1024)
    s.add_field("version", DataType.INT64)
    s.add_field("n", DataType.INT64)
    s.add_field("data", DataType.VARCHAR, max_length=VARCHAR_MAX)
    s.add_field("v", DataType.FLOAT_VECTOR, dim=DUMMY_DIM)
    index = client.prepare_index_params()
    index.add_index("v", index_type="FLAT", metric_type="IP")
    index.add_index("source", index_type="INVERTED")
    _create(client, f"{prefix}_records", s, index)  # last: the store exists once this does


def _create(client: Any, name: str, schema: Any, index: Any) -> None:
    """Create a collection, index it and load it (pymilvus's own create polls each index for
    half a second: the collection is empty, so its indexes are ready at once)."""
    client.create_collection(name, schema=schema, consistency_level="Strong")
    client.create_index(name, index, sync=False)
    client.load_collection(name)


@contextlib.contextmanager
def _connected(uri: str) -> Iterator[Any]:
    client, lite_path = connect(uri)
    try:
        yield client
    finally:
        disconnect(client, lite_path)


def disconnect(client: Any, lite_path: Path | None) -> None:
    """Close a client from :func:`connect` (and release its milvus-lite database after the last)."""
    client.close()
    if lite_path is not None:
        _release_lite(lite_path)


def drop_collections(uri: str, prefix: str = DEFAULT_PREFIX) -> None:
    """Delete a store's collections."""
    with _connected(uri) as client:
        for name in reversed(COLLECTIONS):
            if client.has_collection(f"{prefix}_{name}"):
                client.drop_collection(f"{prefix}_{name}")


def replace_collections(uri: str, source_prefix: str, target_prefix: str) -> None:
    """Put a store's collections in the place of another's (``index --rebuild``): the old ones
    are dropped, the new ones renamed (Milvus has no atomic swap; a crash in between leaves
    ``<prefix>_rebuild_*``, which the next rebuild starts over)."""
    drop_collections(uri, target_prefix)
    with _connected(uri) as client:
        for name in COLLECTIONS:
            client.rename_collection(f"{source_prefix}_{name}", f"{target_prefix}_{name}")


def store_exists(uri: str, prefix: str = DEFAULT_PREFIX) -> bool:
    """Whether a store's collections exist at ``uri``."""
    with _connected(uri) as client:
        return bool(client.has_collection(f"{prefix}_records"))


def record_row(key: str, kind: str, source: str, version: int, n: int, data: str) -> dict[str, Any]:
    return {"key": key, "kind": kind, "source": source, "version": version, "n": n, "data": data,
            "v": [0.0] * DUMMY_DIM}


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), MILVUS_BATCH_ROWS):
        yield rows[start:start + MILVUS_BATCH_ROWS]


def insert_rows(client: Any, collection: str, rows: Sequence[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        client.insert(collection, list(batch))


def upsert_rows(client: Any, collection: str, rows: Sequence[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        client.upsert(collection, list(batch))


def query_all(client: Any, collection: str, where: str, fields: list[str]) -> list[dict[str, Any]]:
    """Every row matching a filter (Milvus returns at most 16,384 a query: iterate)."""
    out: list[dict[str, Any]] = []
    iterator = client.query_iterator(collection, batch_size=MILVUS_BATCH_ROWS, filter=where, output_fields=fields)
    try:
        while batch := iterator.next():
            out.extend(batch)
    finally:
        iterator.close()
    return out
