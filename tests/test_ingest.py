from __future__ import annotations

from pathlib import Path

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


KILL_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from assistant import Assistant
from tests.conftest import HashEmbedder
Assistant(Path({index!r}), embedder=HashEmbedder()).index([Path({docs!r})])
"""


def test_kill_9_at_random_moments_of_indexing_leaves_whole_files_only(tmp_path: Path) -> None:
    """Ten indexing runs killed at random moments: each time the index opens, answers, and
    holds every file whole or not at all, with nothing dangling (passages, vectors, postings)."""
    import random
    import subprocess
    import sys
    import time

    from assistant import Assistant
    from tests.conftest import HashEmbedder

    root = Path(__file__).resolve().parent.parent
    docs = tmp_path / "docs"
    docs.mkdir()
    pages = {}
    for n in range(12):
        text = "".join(f"## 第{n}版第{a}篇 忻州新闻\n\n本报讯 忻州市今年新建第{n}号工程{a}项，投资{n * a}亿元。\n\n"
                       for a in range(1, 30))
        pages[f"page-{n:02d}.txt"] = text
        (docs / f"page-{n:02d}.txt").write_text(text, encoding="utf-8")
    index = tmp_path / "index"
    versions = {name: {text} for name, text in pages.items()}
    rng = random.Random(7)
    for trial in range(10):
        script = KILL_SCRIPT.format(root=str(root), index=str(index), docs=str(docs))
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=root)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.kill()
        proc.wait()
        assistant = Assistant(index, embedder=HashEmbedder())
        store = assistant.store
        sources = store.sources()
        for name, record in sources.items():  # a page is its last committed version, whole
            assert store.document(name) in versions[name], (trial, name)
            assert len(store.source_passages(name)) == record.passages > 0, (trial, name)
        assert store.stats().passages == sum(r.passages for r in sources.values())
        everything = store.dense_search(HashEmbedder().embed_queries(["忻州"])[0], 10_000)
        assert len(everything) == store.stats().passages  # no vector without its passage
        assert set(store.passages([i for i, _ in everything])) == {i for i, _ in everything}
        lexical = store.lexical_search(["忻州市"], 10_000)
        assert {p.source for p in store.passages([i for i, _ in lexical]).values()} == set(sources)
        if sources:
            assert assistant.ask("忻州市今年新建第3号工程几项？").question
        assistant.close()
        for name in rng.sample(sorted(pages), 4):  # the next run has pages to replace…
            pages[name] = pages[name].replace("亿元。", f"亿元，第{trial}次更新。")
            versions[name].add(pages[name])
            (docs / name).write_text(pages[name], encoding="utf-8")
        if trial % 3 == 2:  # …and now and then one to remove
            (docs / f"page-{trial:02d}.txt").unlink(missing_ok=True)
            pages.pop(f"page-{trial:02d}.txt", None)
