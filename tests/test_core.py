from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant import DEFAULT_SETTINGS, Assistant
from assistant.core import safe_file_name
from assistant.errors import DocumentError, QueryError

PAGE = "## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座。(王五)\n".encode()


def test_upload_names_cannot_leave_the_folder() -> None:
    assert safe_file_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_file_name("C:\\\\Users\\\\x\\\\新闻 第1版.md") == "新闻_第1版.md"
    assert safe_file_name("<script>.html") == "script.html"
    with pytest.raises(DocumentError, match="unsupported"):
        safe_file_name("run.sh")


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
    assistant.remove("good_page.txt")
    with pytest.raises(QueryError, match="not indexed"):
        assistant.remove("good_page.txt")


def test_empty_and_huge_questions_are_refused(tmp_path: Path, hash_embedder) -> None:
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    with pytest.raises(QueryError, match="empty"):
        assistant.ask("   ")
    with pytest.raises(QueryError, match="characters"):
        assistant.ask("问" * 1000)
