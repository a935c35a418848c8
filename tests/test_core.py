from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant import DEFAULT_SETTINGS, Assistant
from assistant.errors import DocumentError, QueryError
from assistant.local_store import LocalStore

PAGE = "## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座。(王五)\n".encode()


def test_bad_uploads_change_nothing(tmp_path: Path, hash_embedder) -> None:
    settings = replace(DEFAULT_SETTINGS, max_upload_bytes=1000)
    assistant = Assistant(tmp_path / "idx", settings=settings, embedder=hash_embedder)
    uploads = tmp_path / "uploads"
    with pytest.raises(DocumentError, match="limit"):
        assistant.add_file("big.txt", PAGE * 100, uploads)
    with pytest.raises(DocumentError, match="binary"):
        assistant.add_file("x.txt", bytes(range(256)) * 3, uploads)
    assert not uploads.exists() and not assistant.exists()
    report = assistant.add_file("../good page.txt", PAGE, uploads)
    assert report.added == ["good_page.txt"] and (uploads / "good_page.txt").read_bytes() == PAGE
    assistant.remove("good_page.txt", uploads=uploads)
    assert not (uploads / "good_page.txt").exists()  # the stored copy of the upload goes too
    with pytest.raises(QueryError, match="not indexed"):
        assistant.remove("good_page.txt")
    assistant.add_file("good page.txt", PAGE, uploads)  # uploading it again brings it back
    assert assistant.sources() == ["good_page.txt"]


def test_a_removed_file_stays_out_of_folder_scans_until_named(tmp_path: Path, hash_embedder) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_bytes(PAGE)
    (folder / "b.txt").write_bytes(PAGE.replace("忻州".encode(), "朔州".encode()))
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    assistant.index([folder])
    assistant.remove("a.txt")
    assert (folder / "a.txt").exists()  # a file the user keeps is never deleted
    report = assistant.index([folder])
    assert report.excluded == ["a.txt"] and assistant.sources() == ["b.txt"] and not report.changed
    assistant.close()
    again = Assistant(tmp_path / "idx", embedder=hash_embedder)
    assert again.index([folder]).excluded == ["a.txt"]
    assert again.index([folder], rebuild=True).excluded == ["a.txt"]  # starting over keeps the removal
    assert again.sources() == ["b.txt"]
    assert again.index([folder / "a.txt"]).added == ["a.txt"] and again.sources() == ["a.txt", "b.txt"]
    assert again.index([folder]).excluded == []


def test_empty_and_huge_questions_are_refused(tmp_path: Path, hash_embedder) -> None:
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    with pytest.raises(QueryError, match="empty"):
        assistant.ask("   ")
    with pytest.raises(QueryError, match="characters"):
        assistant.ask("问" * 1000)


def test_a_question_reports_its_timings_and_reads_stored_sentence_vectors(tmp_path: Path, hash_embedder) -> None:
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    assistant.add_file("page.txt", PAGE, tmp_path / "uploads")
    before = list(hash_embedder.embedded)
    ans = assistant.ask("忻州市今年新建滑雪场几座？")
    assert ans.found and ans.short_answer == "2座"
    assert hash_embedder.embedded[len(before):] == ["忻州市今年新建滑雪场几座？"]  # sentences were stored at indexing
    t = ans.timings
    assert t is not None and t.total_ms >= max(t.embed_ms, t.search_ms, t.answer_ms) and t.embed_ms > 0
    assert abs(t.embed_ms + t.search_ms + t.answer_ms - t.total_ms) <= 0.2
    assert ans.to_dict()["timings"] == {"embed_ms": t.embed_ms, "search_ms": t.search_ms,
                                        "answer_ms": t.answer_ms, "total_ms": t.total_ms}


class OtherModel:
    """A second deterministic "model" (a different id and dimension) for the re-embed test."""

    id = "test:other"
    dim = 8

    def embed_passages(self, texts):
        import numpy as np

        out = np.array([[len(t) % 7 + 1.0] + [float(t.count(ch)) for ch in "的市今新学校了"] for t in texts],
                       dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    embed_queries = embed_passages


def test_an_index_built_with_another_model_is_re_embedded_and_saved(tmp_path: Path, hash_embedder) -> None:
    first = Assistant(tmp_path / "idx", embedder=hash_embedder)
    first.add_file("a.txt", PAGE, tmp_path / "uploads")
    passages = [p.to_dict() for p in first.store.source_passages("a.txt")]
    first.close()
    second = Assistant(tmp_path / "idx", embedder=OtherModel())
    assert second.store.embedder_id == "test:other" and second.store.dim == 8
    assert [p.to_dict() for p in second.store.source_passages("a.txt")] == passages
    assert second.ask("忻州市今年新建滑雪场几座？").found
    second.close()
    saved = LocalStore.open(tmp_path / "idx")
    assert saved.embedder_id == "test:other" and saved.stats().passages == len(passages)
    assert len(saved.dense_search(OtherModel().embed_queries(["忻州市"])[0], 5)) == len(passages)
