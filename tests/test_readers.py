from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.readers import decode_bytes, extract_text, read_document

TEXT = "山西2026年15件民生实事。\n\n本报讯 太原市新闻。"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"), codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT.encode("gb18030"),
    TEXT.encode("gbk"), TEXT.encode("utf-16"), TEXT.encode("utf-16-le"),
])
def test_decodes_common_encodings(data: bytes) -> None:
    assert decode_bytes(data, "page.txt") == TEXT


def test_rejects_binary_and_empty_files() -> None:
    with pytest.raises(DocumentError, match="binary"):
        decode_bytes(bytes(range(256)) * 40, "photo.jpg.txt")
    with pytest.raises(DocumentError, match="empty"):
        decode_bytes(b"  \n ", "blank.txt")
    with pytest.raises(DocumentError, match="unsupported"):
        read_document(Path("page.exe"))


def test_html_is_text_with_headings_and_no_script() -> None:
    page = "<h2>标题一</h2><p>正文&amp;内容。</p><script>alert(1)</script><table><tr><td>县</td><td>指数</td></tr></table>"
    text = extract_text(page.encode(), "page.html")
    assert "## 标题一" in text and "正文&内容。" in text and "alert" not in text and "县\t指数" in text


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le"])
def test_utf16_without_a_byte_order_mark_is_read_not_called_binary(encoding: str) -> None:
    text = "## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座，可接待游客5万人次。(王五)\n" * 20
    assert decode_bytes(text.encode(encoding), "page.txt") == text
