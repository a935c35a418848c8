from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.ingest import collect_files, parse_source, safe_file_name, store_upload


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


KILL_TRIALS = int(os.environ.get("KILL_TRIALS", "10"))  # bench/bench_kill.py runs many more

KILL_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from assistant import Assistant
from tests.conftest import HashEmbedder
Assistant(Path({index!r}), embedder=HashEmbedder()).index([Path({docs!r})])
"""

# Uploads and removals as the app makes them, each announced before it starts and after it
# ends, so the one in flight when the process is killed is known.
UPLOAD_SCRIPT = """
import sys, random
sys.path.insert(0, {root!r})
from pathlib import Path
from assistant import Assistant
from tests.conftest import HashEmbedder
assistant = Assistant(Path({index!r}), embedder=HashEmbedder())
rng = random.Random({trial})
for n in range(40):
    held = assistant.sources()
    if held and rng.random() < 0.3:
        name = rng.choice(held)
        print("start remove", name, flush=True)
        assistant.remove(name, uploads=Path({uploads!r}))
    else:
        name = "page-%02d.txt" % rng.randrange(12)
        body = "".join("## 第%d篇 忻州新闻\\n\\n本报讯 忻州市今年新建第%s号工程%d项。\\n\\n" % (a, name, rng.randrange(9))
                       for a in range(1, 40))
        print("start upload", name, body.encode().hex(), flush=True)
        report = assistant.add_file(name, body.encode(), Path({uploads!r}))
        name = (report.added or report.updated or report.unchanged)[0]
        print("stored", name, flush=True)
    print("done", name, flush=True)
"""


def _assert_whole(store, texts: Callable[[str], set[str]]) -> None:
    """The store opens and holds each of its files whole, at a version ``texts`` allows, with
    nothing dangling (passages, vectors, postings)."""
    from tests.conftest import HashEmbedder

    sources = store.sources()
    for name, record in sources.items():
        assert store.document(name) in texts(name), name
        assert len(store.source_passages(name)) == record.passages > 0, name
    assert store.stats().passages == sum(r.passages for r in sources.values())
    everything = store.dense_search(HashEmbedder().embed_queries(["忻州"])[0], 100_000)
    assert len(everything) == store.stats().passages  # no vector without its passage
    assert set(store.passages([i for i, _ in everything])) == {i for i, _ in everything}
    lexical = store.lexical_search(["忻州市"], 100_000)
    assert {p.source for p in store.passages([i for i, _ in lexical]).values()} == set(sources)


def test_kill_9_at_random_moments_of_indexing_leaves_whole_files_only(tmp_path: Path) -> None:
    """Indexing runs killed at random moments: each time the index opens, answers, and
    holds every file whole or not at all, with nothing dangling (passages, vectors, postings)."""
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
    for trial in range(KILL_TRIALS):
        script = KILL_SCRIPT.format(root=str(root), index=str(index), docs=str(docs))
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=root)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.kill()
        proc.wait()
        assistant = Assistant(index, embedder=HashEmbedder())
        _assert_whole(assistant.store, lambda name: versions[name])
        if assistant.sources():
            assert assistant.ask("忻州市今年新建第3号工程几项？").question
        assistant.close()
        for name in rng.sample(sorted(pages), 4):  # the next run has pages to replace…
            pages[name] = pages[name].replace("亿元。", f"亿元，第{trial}次更新。")
            versions[name].add(pages[name])
            (docs / name).write_text(pages[name], encoding="utf-8")
        if trial % 3 == 2:  # …and now and then one to remove
            (docs / f"page-{trial:02d}.txt").unlink(missing_ok=True)
            pages.pop(f"page-{trial:02d}.txt", None)


def test_kill_9_at_random_moments_of_uploads_and_removals_keeps_the_last_commit(tmp_path: Path) -> None:
    """Uploads and removals (as the app makes them) killed at random moments: each time the
    index opens and answers; every upload that returned is in it, whole, with its stored copy;
    every removal that returned is out; only the change in flight may have gone either way."""
    from assistant import Assistant
    from tests.conftest import HashEmbedder

    root = Path(__file__).resolve().parent.parent
    index, uploads = tmp_path / "index", tmp_path / "uploads"
    held: dict[str, str] = {}  # name → text, as the changes that returned left them
    rng = random.Random(11)
    for trial in range(KILL_TRIALS):
        script = UPLOAD_SCRIPT.format(root=str(root), index=str(index), uploads=str(uploads), trial=trial)
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.8, 3.0))
        proc.kill()
        out, _ = proc.communicate()
        pending: list[str] | None = None  # the change in flight: ["remove", name] or ["upload", name, text]
        for parts in (line.split(" ") for line in out.splitlines()):
            if parts[0] == "start":
                pending = parts[1:3] if parts[1] == "remove" else [parts[1], parts[2], bytes.fromhex(parts[3]).decode()]
            elif parts[0] == "stored" and pending is not None:
                held[parts[1]] = pending[2]
                pending = None
            elif parts[0] == "done" and pending is not None:
                held.pop(pending[1], None)
                pending = None
        assistant = Assistant(index, embedder=HashEmbedder())
        store = assistant.store
        names = set(store.sources())
        gone = set(held) - names
        assert gone <= ({pending[1]} if pending and pending[0] == "remove" else set()), (trial, gone)
        extra = names - set(held)
        if extra:  # only the upload in flight, under its name or a free name-N
            assert pending is not None and pending[0] == "upload" and len(extra) == 1, (trial, extra)
            name = extra.pop()
            assert name[:-4].startswith(pending[1][:-4]) and store.document(name) == pending[2], (trial, name)
            held[name] = pending[2]
        for name in gone:
            held.pop(name)
        _assert_whole(store, lambda name: {held[name]})
        assert all(Path(r.path).is_file() for r in store.sources().values())  # every indexed upload keeps its copy
        if names:
            assert assistant.ask("忻州市今年新建第几号工程？").question
        assistant.close()


def test_uploads_of_one_name_side_by_side_store_each_page_once_and_whole(tmp_path: Path) -> None:
    """Eight uploads named page.txt at once, twenty times (six contents, one sent three
    times): an upload that finds the name taken compares with the whole page stored there,
    never a half-written one, so the repeated page is stored once and no page is lost."""
    from concurrent.futures import ThreadPoolExecutor

    page = "本报讯 太原市今年新建学校{n}座。" + "新增学位一万个，惠及全市学生。" * 2000  # ~60 kB: long to write
    contents = [page.format(n=n) for n in (1, 2, 3, 4, 5, 6, 6, 6)]
    for attempt in range(20):
        folder = tmp_path / str(attempt)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda c, at=folder: store_upload("page.txt", c.encode(), at), contents))
        stored = sorted(p.read_text(encoding="utf-8") for p in folder.iterdir())
        assert stored == sorted(set(contents)), attempt  # no leftover part file either
