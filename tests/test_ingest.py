from __future__ import annotations

import pytest

from assistant.errors import DocumentError
from assistant.ingest import collect_files, parse_source, safe_file_name


def test_upload_names_cannot_leave_the_folder() -> None:
    assert safe_file_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_file_name("C:\\\\Users\\\\x\\\\新闻 第1版.md") == "新闻_第1版.md"
    assert safe_file_name("<script>.html") == "script.html"
    with pytest.raises(DocumentError, match="unsupported"):
        safe_file_name("run.sh")


def test_collect_files_keeps_supported_files_and_names_missing_paths(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.exe").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    files, errors = collect_files([tmp_path, tmp_path / "missing"])
    assert [f.name for f in files] == ["a.txt"] and "missing" in errors[0]


def test_parse_source_cuts_a_page_into_cited_passages() -> None:
    raw = "## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座。(王五)\n".encode()
    parsed = parse_source("p.txt", "p.txt", raw)
    assert parsed.record.articles == 1 and parsed.record.passages == len(parsed.passages) == 1
    p = parsed.passages[0]
    assert parsed.text[p.start:p.end] == "本报讯 忻州市今年新建滑雪场2座。" and p.article == "忻州新建滑雪场"
    with pytest.raises(DocumentError, match="no readable"):
        parse_source("q.txt", "q.txt", "## 只有标题\n".encode())
