"""Which store an index lives in, from what the user named: a local index folder (the
default), ``milvus-lite:PATH.db``, or a Milvus server ``milvus://HOST:PORT`` (optionally
``/PREFIX`` for the collections' names); and opening, checking and rebuilding it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import local_store, milvus_client
from .errors import StoreError
from .local_store import LocalStore
from .milvus_store import MilvusStore
from .store import Store

LOCAL_SCHEME = "local:"


@dataclass(frozen=True)
class StoreLocation:
    """Where an index lives: a local folder, or a Milvus URI and a collection prefix."""

    folder: Path | None = None
    uri: str | None = None
    prefix: str = milvus_client.DEFAULT_PREFIX

    def public_name(self) -> str:
        """The location as the app may show it to anyone: no server paths (a folder's or a
        database file's name only)."""
        if self.uri is None:
            return _folder(self).name
        if self.uri.startswith(milvus_client.LITE_SCHEME):
            return f"{milvus_client.LITE_SCHEME}{Path(self.uri[len(milvus_client.LITE_SCHEME):]).name}"
        return str(self)

    def __str__(self) -> str:
        if self.uri is None:
            return str(self.folder)
        return self.uri if self.prefix == milvus_client.DEFAULT_PREFIX else f"{self.uri}/{self.prefix}"


def store_location(uri: str | None, index_dir: Path) -> StoreLocation:
    """The location ``--store`` names (none or ``local:DIR``: the local folder).

    Raises:
        StoreError: a URI of no known kind.
    """
    if not uri or not uri.strip():
        return StoreLocation(folder=Path(index_dir))
    uri = uri.strip()
    if uri.startswith(LOCAL_SCHEME):
        return StoreLocation(folder=Path(uri[len(LOCAL_SCHEME):]).expanduser())
    if uri.startswith(milvus_client.LITE_SCHEME):
        return StoreLocation(uri=uri)
    if uri.startswith(milvus_client.SERVER_SCHEMES):
        scheme, rest = uri.split("://", 1)
        host, _, prefix = rest.partition("/")
        return StoreLocation(uri=f"{scheme}://{host}", prefix=prefix.strip("/") or milvus_client.DEFAULT_PREFIX)
    raise StoreError(f"--store {uri}: use milvus-lite:PATH.db, milvus://HOST:PORT or local:DIR "
                     "(or leave it out for the local index folder).")


def open_store(location: StoreLocation, embedder_id: str | None = None, dim: int | None = None) -> Store:
    """Open the store, creating it when the model is given."""
    if location.uri is None:
        return LocalStore.open(_folder(location), embedder_id, dim)
    return MilvusStore.open(location.uri, embedder_id, dim, location.prefix)


def store_exists(location: StoreLocation) -> bool:
    """Whether an index has been written there."""
    if location.uri is None:
        return local_store.store_exists(_folder(location))
    return milvus_client.store_exists(location.uri, location.prefix)


def rebuild_store(location: StoreLocation, embedder_id: str, dim: int, fill: Callable[[Store], None],
                  before_swap: Callable[[], None]) -> None:
    """Fill a new store beside the current one (``fill`` may read the current one), call
    ``before_swap`` (to close the current one), then put the new one in its place: a crash
    before the swap leaves the old index."""
    new: Store
    if location.uri is None:
        folder = _folder(location)
        tmp = folder.with_name(f".{folder.name}.new-{time.time_ns()}")
        local_store.mark_builder(tmp)
        new = LocalStore.open(tmp, embedder_id, dim)
        try:
            fill(new)
        finally:
            new.close()
        before_swap()
        local_store.replace_folder(tmp, folder)
        return
    building = f"{location.prefix}{milvus_client.REBUILD_SUFFIX}"
    milvus_client.drop_collections(location.uri, building)
    new = MilvusStore.open(location.uri, embedder_id, dim, building)
    try:
        fill(new)
    finally:
        new.close()
    before_swap()
    milvus_client.replace_collections(location.uri, building, location.prefix)


def _folder(location: StoreLocation) -> Path:
    assert location.folder is not None
    return location.folder
