"""The app's HTML: escaped, marked and bounded."""

from __future__ import annotations

from pathlib import Path

from assistant import Assistant
from assistant.answer import Answer
from assistant.citation import Citation, cite
from assistant.render import render_answer, render_sources


def test_rendering_escapes_hostile_text() -> None:
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    html = render_answer(Answer("q", evil, None, True, [Citation("a.txt", evil, 1, 0, 5, evil, 1.0)]))
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_a_huge_paragraph_is_not_shipped_whole_with_its_citation(tmp_path: Path, hash_embedder) -> None:
    filler = "".join(f"第{n}条消息说明当地的天气情况良好。" for n in range(20_000))  # one ~400k-character paragraph
    page = "## 忻州新建滑雪场\n\n" + filler[:200_000] + "忻州市今年新建滑雪场7座。" + filler[200_000:] + "\n"
    (tmp_path / "huge.txt").write_text(page, encoding="utf-8")
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    assistant.index([tmp_path / "huge.txt"])
    hit = next(h for h in assistant.search("忻州市今年新建滑雪场几座", 5) if "7座" in h.passage.text)
    citation = cite(hit.passage, {"huge.txt": assistant.document_text("huge.txt")}, 1.0)
    html = render_sources(assistant, [citation])
    assert "滑雪场7座" in html and len(html) < 10_000
