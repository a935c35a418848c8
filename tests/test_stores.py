"""Choosing the store with ``--store``, and what a user sees when Milvus cannot be reached."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.config import MILVUS_CONNECT_SECONDS
from assistant.errors import StoreError
from assistant.stores import StoreLocation, open_store, store_location


def test_store_uris_name_a_folder_milvus_lite_or_a_server(tmp_path: Path) -> None:
    assert store_location(None, tmp_path) == StoreLocation(folder=tmp_path)
    assert store_location(f"local:{tmp_path}/other", tmp_path) == StoreLocation(folder=tmp_path / "other")
    assert store_location("milvus-lite:/data/news.db", tmp_path) == StoreLocation(uri="milvus-lite:/data/news.db")
    server = store_location("milvus://db.example:19530/news", tmp_path)
    assert (server.uri, server.prefix, str(server)) == ("milvus://db.example:19530", "news",
                                                        "milvus://db.example:19530/news")
    assert store_location("milvus://db.example:19530", tmp_path).prefix == "assistant"
    with pytest.raises(StoreError, match="milvus-lite:PATH.db"):
        store_location("postgres://x", tmp_path)
    with pytest.raises(StoreError, match="ending in .db"):
        open_store(store_location(f"milvus-lite:{tmp_path}/news", tmp_path))


@pytest.mark.parametrize("uri", ["milvus://127.0.0.1:9", "milvus://10.255.255.1:19530"])
def test_an_unreachable_server_is_named_in_one_line_within_seconds(uri: str) -> None:
    """A refused port fails at once; an address that never answers, at the connect timeout."""
    t0 = time.monotonic()
    with pytest.raises(StoreError) as caught:
        open_store(store_location(uri, Path(".")), "test:vectors", 8)
    assert time.monotonic() - t0 < MILVUS_CONNECT_SECONDS + 10  # never a hang
    message = str(caught.value)
    assert uri in message and "\n" not in message and len(message) < 300


def test_milvus_lite_serves_one_process_and_is_released_on_close(tmp_path: Path) -> None:
    """A closed store lets another process open the same database (the CLI beside a stopped app)."""
    import subprocess
    import sys

    uri = f"milvus-lite:{tmp_path}/one.db"
    store = open_store(store_location(uri, tmp_path), "test:vectors", 8)
    store.close()
    code = ("from assistant.stores import open_store, store_location; from pathlib import Path; "
            f"s = open_store(store_location({uri!r}, Path('.'))); print(s.stats().kind)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "milvus-lite"
