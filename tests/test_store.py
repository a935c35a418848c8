"""The store conformance suite: every store behind :class:`assistant.store.Store` passes it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.chunking import Passage, Sentence
from assistant.local_store import LocalStore
from assistant.store import NewSource, Scope, SourceFile, Store
from assistant.text import tokenize

DIM = 8
OpenStore = Callable[[Path], Store]


def _vector(text: str) -> np.ndarray:
    seed = int(hashlib.md5(text.encode()).hexdigest()[:8], 16)
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def source(name: str, paragraphs: list[str]) -> NewSource:
    """A file of one article with one passage per paragraph, and a vector per passage."""
    text, passages, at = "", [], 0
    for n, para in enumerate(paragraphs):
        text += para + "\n"
        passages.append(Passage(f"{name}#{n}", name, "标题", 1, n, at, at + len(para), para,
                                sentences=[Sentence(para, at, at + len(para))]))
        at += len(para) + 1
    record = SourceFile(name, name, hashlib.sha256(text.encode()).hexdigest(), len(text), len(passages), 1)
    vectors = np.stack([_vector(p.text) for p in passages])
    return NewSource(record, text, passages, vectors, [hashlib.sha1(p.text.encode()).hexdigest() for p in passages])


A = source("a.txt", ["太原市今年新建学校12所。", "大同市新增公园3个。", "阳泉市修建道路5条。"])
B = source("b.txt", ["忻州市举办滑雪节。", "晋城市新建图书馆2座。"])
B2 = source("b.txt", ["忻州市举办冰雕展。"])


def open_local(folder: Path) -> Store:
    return LocalStore.open(folder, "test:vectors", DIM)


def open_milvus_lite(folder: Path) -> Store:
    from assistant.milvus_store import MilvusStore

    return MilvusStore.open(f"milvus-lite:{folder}.db", "test:vectors", DIM)


STORES = [pytest.param(open_local, id="local"), pytest.param(open_milvus_lite, id="milvus-lite")]


@pytest.fixture(params=STORES)
def open_store(request: pytest.FixtureRequest) -> OpenStore:
    return request.param  # type: ignore[no-any-return]


def texts(store: Store, ranked: list[tuple[int, float]]) -> list[str]:
    found = store.passages([i for i, _ in ranked])
    return [found[i].text for i, _ in ranked]


def test_add_fetch_and_list(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.add_sources([A])
    store.add_sources([B])
    assert sorted(store.sources()) == ["a.txt", "b.txt"] and store.sources()["a.txt"].sha256 == A.record.sha256
    assert store.document("a.txt") == A.text and store.document("nope.txt") == ""
    assert [p.to_dict() for p in store.source_passages("a.txt")] == [p.to_dict() for p in A.passages]
    assert [p.text for p in store.block(("a.txt", 1, 1))] == ["大同市新增公园3个。"]
    assert [a.title for a in store.articles("b.txt")] == ["标题"] and store.articles("b.txt")[0].passages == 2
    stats = store.stats()
    assert (stats.sources, stats.articles, stats.passages) == (2, 2, 5) and stats.disk_bytes > 0
    assert np.allclose(store.vectors_for([A.vector_keys[1]])[A.vector_keys[1]], A.vectors[1], atol=1e-6)
    store.close()


def test_dense_search_matches_brute_force(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.add_sources([A])
    store.add_sources([B])
    passages = A.passages + B.passages
    vectors = np.concatenate([A.vectors, B.vectors])
    query = _vector("问题")
    expected = [passages[i].text for i in np.argsort(-(vectors @ query))[:3]]
    ranked = store.dense_search(query, 3)
    assert texts(store, ranked) == expected
    assert np.allclose([s for _, s in ranked], np.sort(vectors @ query)[::-1][:3], atol=1e-3)  # float16 in memory
    in_b = store.dense_search(query, 10, Scope(sources=frozenset({"b.txt"})))
    assert sorted(texts(store, in_b)) == sorted(p.text for p in B.passages)
    store.close()


def test_lexical_search_ranks_by_bm25_within_a_scope(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.add_sources([A])
    store.add_sources([B])
    assert texts(store, store.lexical_search(tokenize("大同公园"), 5))[0] == "大同市新增公园3个。"
    assert texts(store, store.lexical_search(tokenize("新建"), 5, Scope(sources=frozenset({"b.txt"})))) == [
        "晋城市新建图书馆2座。"]
    assert texts(store, store.lexical_search(tokenize("新建"), 5, Scope(article=("a.txt", 1)))) == [
        "太原市今年新建学校12所。"]
    assert store.lexical_search(tokenize("从未出现"), 5) == []
    assert store.idf("大同") > store.idf("新建") > 0
    store.close()


def test_delete_and_update_touch_only_their_source(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.add_sources([A])
    store.add_sources([B])
    old_ids = [i for i, _ in store.lexical_search(tokenize("滑雪节"), 5)]
    store.add_sources([B2])  # b.txt replaced
    assert [p.text for p in store.source_passages("b.txt")] == ["忻州市举办冰雕展。"]
    assert store.lexical_search(tokenize("滑雪节"), 5) == [] and store.passages(old_ids) == {}
    assert texts(store, store.lexical_search(tokenize("冰雕"), 5)) == ["忻州市举办冰雕展。"]
    assert len(store.dense_search(_vector("x"), 10)) == 4
    store.delete_source("b.txt")
    store.delete_source("never-added.txt")
    assert sorted(store.sources()) == ["a.txt"] and store.stats().passages == 3
    assert store.lexical_search(tokenize("冰雕"), 5) == []
    assert store.idf("冰雕") == store.idf("从未出现") > store.idf("太原")  # its frequency left with it
    assert {p.source for p in store.passages([i for i, _ in store.dense_search(_vector("x"), 10)]).values()} == {
        "a.txt"}
    store.close()


def test_reopen_keeps_everything(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.add_sources([A])
    store.add_sources([B])
    store.delete_source("a.txt")
    store.set_excluded("a.txt", True)
    store.set_excluded("c.txt", True)
    store.set_excluded("c.txt", False)
    before = (store.dense_search(_vector("问题"), 5), store.lexical_search(tokenize("晋城图书馆"), 5))
    store.close()
    again = open_store(tmp_path / "s")
    assert sorted(again.sources()) == ["b.txt"] and again.excluded() == {"a.txt"}
    assert (again.dense_search(_vector("问题"), 5), again.lexical_search(tokenize("晋城图书馆"), 5)) == before
    again.close()


def test_a_batch_is_one_commit_and_names_must_differ(open_store: OpenStore, tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.add_sources([A, B])
    assert sorted(store.sources()) == ["a.txt", "b.txt"] and store.stats().passages == 5
    with pytest.raises(ValueError, match="same name"):
        store.add_sources([B, B2])
    assert [p.text for p in store.source_passages("b.txt")] == [p.text for p in B.passages]
    store.close()


def test_a_second_reader_sees_each_commit_whole(open_store: OpenStore, tmp_path: Path) -> None:
    writer = open_store(tmp_path / "s")
    writer.add_sources([A, B])
    reader = open_store(tmp_path / "s")
    before = [i for i, _ in reader.lexical_search(tokenize("忻州市举办"), 5)]
    assert texts(reader, [(i, 0.0) for i in before]) == ["忻州市举办滑雪节。"]
    writer.add_sources([B2])
    assert reader.passages(before) == {}  # the replaced passage is gone for every reader at once
    assert texts(reader, reader.lexical_search(tokenize("忻州市举办"), 5)) == ["忻州市举办冰雕展。"]
    assert [p.text for p in reader.source_passages("b.txt")] == ["忻州市举办冰雕展。"]
    assert texts(reader, reader.dense_search(B2.vectors[0], 1)) == ["忻州市举办冰雕展。"]
    assert len(reader.dense_search(B2.vectors[0], 10)) == 4
    reader.close()
    writer.close()


# A crash (kill -9) at each step of replacing b.txt; the store must then hold the last commit.
CRASH_SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
import assistant.local_store as ls
from test_store import B2, open_local
point = {point!r}
def die():
    os.kill(os.getpid(), signal.SIGKILL)
if point == "segment written":
    original = ls.LocalStore._write_segment
    ls.LocalStore._write_segment = lambda self, v: (original(self, v), die())[0]
else:
    transaction = ls._transaction
    import contextlib
    @contextlib.contextmanager
    def dying(conn):
        if point == "lexical committed":
            die()
        with transaction(conn):
            yield
        die()
    ls._transaction = dying
store = open_local({folder!r})
store.add_sources([B2])
"""
CRASH_POINTS = {"segment written": "old", "lexical committed": "old", "records committed": "new"}


@pytest.mark.parametrize("point", sorted(CRASH_POINTS))
def test_a_crash_at_any_step_leaves_the_last_commit(tmp_path: Path, point: str) -> None:
    store = open_local(tmp_path / "s")
    store.add_sources([A])
    store.add_sources([B])
    store.close()
    script = CRASH_SCRIPT.format(tests=str(Path(__file__).parent), point=point, folder=str(tmp_path / "s"))
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent)
    assert run.returncode == -9, run.stderr
    store = open_local(tmp_path / "s")
    expected = B if CRASH_POINTS[point] == "old" else B2
    assert [p.text for p in store.source_passages("b.txt")] == [p.text for p in expected.passages]
    for para in B.passages + B2.passages:
        hits = texts(store, store.lexical_search(tokenize(para.text), 1, Scope(sources=frozenset({"b.txt"}))))
        assert (hits == [para.text]) == (para in expected.passages)
    dense = store.passages([i for i, _ in store.dense_search(_vector("x"), 20)])
    assert sorted(p.text for p in dense.values()) == sorted(p.text for p in A.passages + expected.passages)
    assert store.stats().passages == len(dense) == 3 + len(expected.passages)
    (tmp_path / "s" / "vectors" / ".seg-1.npy.tmp").write_bytes(b"half")  # a crash inside a segment write
    store.close()
    store = open_local(tmp_path / "s")
    assert not list((tmp_path / "s" / "vectors").glob(".seg-*"))
    segments = {p.name for p in (tmp_path / "s" / "vectors").glob("seg-*.npy")}
    assert len(segments) == len(dense_segments(tmp_path / "s"))  # no orphan segment file is left
    store.close()


def dense_segments(folder: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(folder / "store.sqlite") as db:
        return [r[0] for r in db.execute("SELECT file FROM segments")]


MILVUS_CRASH_SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from assistant.milvus_store import MilvusStore
from test_store import B2, open_milvus_lite
point = {point!r}
method = "_write_version" if point == "rows written" else "_committed"
original = getattr(MilvusStore, method)
def dying(self, *args):
    original(self, *args)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(MilvusStore, method, dying)
store = open_milvus_lite({folder!r})
store.add_sources([B2])
"""
MILVUS_CRASH_POINTS = {"rows written": "old", "records committed": "new"}


@pytest.mark.parametrize("point", sorted(MILVUS_CRASH_POINTS))
def test_milvus_a_crash_leaves_the_last_commit_and_no_leftovers(tmp_path: Path, point: str) -> None:
    store = open_milvus_lite(tmp_path / "s")
    store.add_sources([A, B])
    store.close()
    script = MILVUS_CRASH_SCRIPT.format(tests=str(Path(__file__).parent), point=point, folder=str(tmp_path / "s"))
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent)
    assert run.returncode == -9, run.stderr
    store = open_milvus_lite(tmp_path / "s")  # cleans up what the crash left
    expected = B if MILVUS_CRASH_POINTS[point] == "old" else B2
    assert [p.text for p in store.source_passages("b.txt")] == [p.text for p in expected.passages]
    rows = store._client.query(store._passages, filter="id >= 0", output_fields=["id"])
    assert len(rows) == store.stats().passages == 3 + len(expected.passages)  # no row of the other version is left
    assert store.idf("冰雕" if expected is B else "滑雪节") == store.idf("从未出现")
    store.close()
