from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.errors import IndexFolderError
from assistant.index import build_faiss, load_index

PAGE = "## 标题一\n\n本报讯 太原市今年新建学校12所。(张三)\n\n## 标题二\n\n本报讯 大同市新增公园3个。(李四)\n"


def _indexed_page(tmp_path: Path, embedder) -> tuple[Path, Assistant]:
    """A folder with one page, indexed into ``tmp_path/idx``."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(PAGE, encoding="utf-8")
    assistant = Assistant(tmp_path / "idx", embedder=embedder)
    assistant.index([docs])
    return docs, assistant


@pytest.mark.parametrize("n,dim", [(1, 8), (7, 16), (333, 24)])
def test_faiss_matches_numpy_brute_force(n: int, dim: int) -> None:
    rng = np.random.default_rng(n)
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[n // 2] + 0.1 * rng.normal(size=dim).astype(np.float32)
    k = min(5, n)
    scores, ids = build_faiss(vectors).search(query[None, :], k)
    expected = np.argsort(-(vectors @ query), kind="stable")[:k]
    assert list(ids[0]) == list(expected)
    assert np.allclose(scores[0], (vectors @ query)[expected], atol=1e-5)


def test_hnsw_is_used_for_large_corpora_and_finds_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.index as index_mod

    monkeypatch.setattr(index_mod, "FLAT_LIMIT", 100)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = index_mod.build_faiss(vectors)
    assert "HNSW" in type(index).__name__
    _, ids = index.search(vectors[:20], 1)
    assert (ids[:, 0] == np.arange(20)).mean() >= 0.95


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
    # only the changed paragraph and the new file were embedded (the rest came from the cache)
    assert hash_embedder.texts - embedded == 2

    (docs / "a.txt").unlink()
    removed = assistant.index([docs])
    assert removed.removed == ["a.txt"]
    reloaded = load_index(tmp_path / "idx")
    assert sorted(reloaded.sources) == ["b.txt", "c.txt"]
    assert {p.source for p in reloaded.passages} == {"b.txt", "c.txt"}
    assert reloaded.faiss_index.ntotal == len(reloaded.passages) == 3


def test_save_load_round_trip_and_damage_is_reported(tmp_path: Path, hash_embedder) -> None:
    docs, assistant = _indexed_page(tmp_path, hash_embedder)
    data = load_index(tmp_path / "idx")
    assert [p.to_dict() for p in data.passages] == [p.to_dict() for p in assistant.data.passages]
    assert np.allclose(data.vectors, assistant.data.vectors)
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["embedder"] == hash_embedder.id and manifest["files"]["a.txt"]["sha256"]
    with (tmp_path / "idx" / "vectors.npy").open("ab") as f:
        f.write(b"garbage")
    with pytest.raises(IndexFolderError, match="damaged"):
        load_index(tmp_path / "idx")


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


def test_a_save_interrupted_between_its_two_renames_is_recovered(tmp_path: Path, hash_embedder) -> None:
    _indexed_page(tmp_path, hash_embedder)
    # the crash: the old index was moved aside, the new one never took its place
    (tmp_path / "idx").rename(tmp_path / ".idx.old-1")
    (tmp_path / ".idx.tmp-2").mkdir()
    data = load_index(tmp_path / "idx")
    assert sorted(data.sources) == ["a.txt"] and data.faiss_index.ntotal == len(data.passages) == 2


def test_derived_tables_belong_to_the_loaded_index(tmp_path: Path, hash_embedder) -> None:
    docs, assistant = _indexed_page(tmp_path, hash_embedder)
    data = assistant.data
    assert data.block_of(data.passages[0]) == [data.passages[0]]
    assert [a.title for a in data.articles] == ["标题一", "标题二"] and data.articles[0].keywords
    assert data.idf("太原市") < data.idf("从未出现的词")
    (docs / "b.txt").write_text(PAGE.replace("太原", "阳泉"), encoding="utf-8")
    assistant.index([docs])
    assert assistant.data is not data and len(assistant.data.articles) == 4 and len(data.articles) == 2
