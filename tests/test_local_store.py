from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.embedding import content_hash
from assistant.errors import IndexFolderError
from assistant.local_store import LocalStore
from assistant.store import block_key

PAGE = "## 标题一\n\n本报讯 太原市今年新建学校12所。(张三)\n\n## 标题二\n\n本报讯 大同市新增公园3个。(李四)\n"


def _indexed_page(tmp_path: Path, embedder) -> tuple[Path, Assistant]:
    """A folder with one page, indexed into ``tmp_path/idx``."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(PAGE, encoding="utf-8")
    assistant = Assistant(tmp_path / "idx", embedder=embedder)
    assistant.index([docs])
    return docs, assistant


def test_incremental_add_change_delete_and_embedding_cache(tmp_path: Path, hash_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(PAGE, encoding="utf-8")
    (docs / "b.txt").write_text(PAGE.replace("太原", "阳泉"), encoding="utf-8")
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    first = assistant.index([docs])
    assert sorted(first.added) == ["a.txt", "b.txt"] and first.passages == 4
    embedded = hash_embedder.texts

    again = assistant.index([docs])
    assert again.unchanged == ["a.txt", "b.txt"] and not again.changed
    assert hash_embedder.texts == embedded  # nothing re-embedded

    (docs / "b.txt").write_text(PAGE.replace("太原", "晋城"), encoding="utf-8")
    (docs / "c.txt").write_text("## 新闻\n\n本报讯 忻州市举办活动。", encoding="utf-8")
    changed = assistant.index([docs])
    assert changed.updated == ["b.txt"] and changed.added == ["c.txt"]
    # only the changed paragraph and the new file were embedded, each passage with its one
    # sentence (the rest came from the stored vectors)
    assert hash_embedder.texts - embedded == 4
    changed_text = next(p for p in assistant.store.source_passages("b.txt") if "晋城" in p.text)
    sentence_key = content_hash(hash_embedder.id, changed_text.sentences[0].text)
    assert sentence_key in assistant.store.vectors_for([sentence_key])

    (docs / "a.txt").unlink()
    removed = assistant.index([docs])
    assert removed.removed == ["a.txt"]
    assistant.close()
    reloaded = LocalStore.open(tmp_path / "idx")
    assert sorted(reloaded.sources()) == ["b.txt", "c.txt"] and reloaded.stats().passages == 3
    everything = reloaded.passages([i for i, _ in reloaded.dense_search(np.ones(64, dtype=np.float32), 10)])
    assert {p.source for p in everything.values()} == {"b.txt", "c.txt"} and len(everything) == 3


def test_damage_is_reported_and_a_lost_lexical_index_is_rebuilt(tmp_path: Path, hash_embedder) -> None:
    docs, assistant = _indexed_page(tmp_path, hash_embedder)
    assistant.close()
    shutil.rmtree(tmp_path / "idx" / "lexical")
    again = Assistant(tmp_path / "idx", embedder=hash_embedder)
    best = again.search("大同市公园")[0]
    assert "大同市" in best.passage.text and best.bm25 > 0
    again.close()
    segment = next((tmp_path / "idx" / "vectors").glob("seg-*.npy"))
    segment.write_bytes(segment.read_bytes()[:100])
    with pytest.raises(IndexFolderError, match="damaged"):
        LocalStore.open(tmp_path / "idx")
    (tmp_path / "idx" / "store.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(IndexFolderError, match="damaged"):
        LocalStore.open(tmp_path / "idx")


def _write_format_1(folder: Path, store: LocalStore) -> None:
    """The files an index of format 1 (JSON lines, one vectors.npy) had."""
    passages = [p for name in store.sources() for p in store.source_passages(name)]
    from assistant.embedding import content_hash

    keys = [content_hash(store.embedder_id, p.search_text) for p in passages]
    vectors = store.vectors_for(keys)
    folder.mkdir()
    (folder / "passages.jsonl").write_text("".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n"
                                                   for p in passages), encoding="utf-8")
    (folder / "documents.jsonl").write_text("".join(json.dumps({"name": n, "text": store.document(n)},
                                                               ensure_ascii=False) + "\n"
                                                    for n in store.sources()), encoding="utf-8")
    np.save(folder / "vectors.npy", np.stack([vectors[k] for k in keys]))
    (folder / "vector_keys.json").write_text(json.dumps(keys), encoding="utf-8")
    manifest = {"format_version": 1, "embedder": store.embedder_id, "dim": store.dim,
                "files": {n: vars(s) for n, s in store.sources().items()}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_an_index_of_the_previous_format_is_migrated(tmp_path: Path, hash_embedder,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    docs, assistant = _indexed_page(tmp_path, hash_embedder)
    before = {**assistant.ask("大同市新增公园几个？").to_dict(), "timings": None}
    _write_format_1(tmp_path / "old", assistant.store)
    embedded = len(hash_embedder.embedded)
    migrated = Assistant(tmp_path / "old", embedder=hash_embedder)
    assert {**migrated.ask("大同市新增公园几个？").to_dict(), "timings": None} == before
    assert "migrated the index" in caplog.text
    # the passage vectors came along; format 1 kept no sentence vectors, so sentences are embedded on demand
    passages = {p.search_text for p in migrated.store.source_passages("a.txt")}
    assert not passages & set(hash_embedder.embedded[embedded:])
    assert not (tmp_path / "old" / "passages.jsonl").exists() and (tmp_path / "old" / "store.sqlite").exists()


def test_vectors_past_the_exact_limit_are_quantised_and_still_found(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.local_store as local_store
    from tests.test_store import source

    monkeypatch.setattr(local_store, "EXACT_VECTORS_MAX", 20)
    monkeypatch.setattr(local_store, "MERGE_SEGMENTS", 3)
    store = LocalStore.open(tmp_path / "s", "test:vectors", 8)
    files = [source(f"{n}.txt", [f"第{n}篇第{m}段内容。" for m in range(5)]) for n in range(12)]
    for f in files:
        store.add_sources([f])
    assert len(list((tmp_path / "s" / "vectors").glob("seg-*.npy"))) < 6  # small segments were merged
    store.close()
    store = LocalStore.open(tmp_path / "s")
    assert "ScalarQuantizer" in type(faiss_inner(store)).__name__
    vectors = np.concatenate([f.vectors for f in files])
    texts = [p.text for f in files for p in f.passages]
    right = 0
    for row in range(0, len(texts), 3):
        top = store.dense_search(vectors[row], 1)
        right += store.passages([top[0][0]])[top[0][0]].text == texts[row]
    assert right / len(range(0, len(texts), 3)) >= 0.95
    store.close()


def faiss_inner(store: LocalStore):
    import faiss

    return faiss.downcast_index(store._vectors.index)


def test_bad_files_are_skipped_with_a_message(tmp_path: Path, hash_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(PAGE, encoding="utf-8")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 50)
    (docs / "empty.md").write_bytes(b"")
    report = Assistant(tmp_path / "idx", embedder=hash_embedder).index([docs])
    assert report.added == ["good.txt"]
    assert any("binary" in e for e in report.errors) and any("empty" in e for e in report.errors)


def test_a_new_parser_version_parses_unchanged_files_again(tmp_path: Path, hash_embedder,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.ingest as ingest

    docs, assistant = _indexed_page(tmp_path, hash_embedder)
    embedded = hash_embedder.texts
    monkeypatch.setattr(ingest, "PARSER_VERSION", ingest.PARSER_VERSION + 1)
    report = assistant.index([docs])
    assert report.updated == ["a.txt"]
    assert hash_embedder.texts == embedded  # same passages: vectors come from the cache


def test_a_rebuild_interrupted_between_its_two_renames_is_recovered(tmp_path: Path, hash_embedder) -> None:
    _indexed_page(tmp_path, hash_embedder)[1].close()
    # the crash: the old index was moved aside, the new one never took its place
    (tmp_path / "idx").rename(tmp_path / ".idx.old-1")
    store = LocalStore.open(tmp_path / "idx")
    assert sorted(store.sources()) == ["a.txt"] and store.stats().passages == 2


def test_library_tables_follow_the_store(tmp_path: Path, hash_embedder) -> None:
    docs, assistant = _indexed_page(tmp_path, hash_embedder)
    first = assistant.store.source_passages("a.txt")[0]
    assert assistant.store.block(block_key(first)) == [first]
    assert [a.title for a in assistant.articles()] == ["标题一", "标题二"] and assistant.articles()[0].keywords
    assert assistant.store.idf("太原市") < assistant.store.idf("从未出现的词")
    (docs / "b.txt").write_text(PAGE.replace("太原", "阳泉"), encoding="utf-8")
    assistant.index([docs])
    assert len(assistant.articles()) == 4


def test_a_second_writer_waits_for_the_first_then_commits(tmp_path: Path) -> None:
    import fcntl
    import threading

    from tests.test_store import B2, A, B

    store = LocalStore.open(tmp_path / "s", "test:vectors", 8)
    store.add_sources([A])
    with (tmp_path / "s" / "write.lock").open("a") as other:  # another process is writing…
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        store.write_wait_s = 0.3
        with pytest.raises(IndexFolderError, match="Another process has been writing"):
            store.add_sources([B])  # …for longer than this writer waits: a clear message, nothing changed
        assert sorted(store.sources()) == ["a.txt"]
        store.write_wait_s = 30.0
        threading.Timer(0.5, lambda: fcntl.flock(other, fcntl.LOCK_UN)).start()  # …and finishes
        store.add_sources([B2])  # waits for it, then commits
    assert sorted(store.sources()) == ["a.txt", "b.txt"]
    store.close()


def test_opening_deletes_what_killed_saves_left_and_nothing_in_use(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from assistant.local_store import BUILDER_FILE, store_exists

    store = LocalStore.open(tmp_path / "idx", "test:vectors", 8)
    store.close()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead, alive, bare = (tmp_path / ".idx.new-1", tmp_path / ".idx.new-2", tmp_path / ".idx.new-3")
    for folder, pid in ((dead, gone.stdout.strip()), (alive, str(os.getpid())), (bare, None)):
        folder.mkdir()
        (folder / "store.sqlite").write_bytes(b"half")
        if pid:
            (folder / BUILDER_FILE).write_text(pid, encoding="utf-8")
    (tmp_path / ".idx.old-5").mkdir()  # a copy a killed swap left after the new index was in place
    assert store_exists(tmp_path / "idx")
    assert not dead.exists() and not bare.exists() and not (tmp_path / ".idx.old-5").exists()
    assert alive.exists()  # a rebuild still running in a live process is left alone
