"""The command line contract of PRODUCT.md, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

PAGE = ("## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场2座，可接待游客5万人次。(王五)\n\n"
        "## 阳泉新增公园\n\n本报讯 阳泉市今年新增城市公园3个，总面积12公顷。(赵六)\n")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    docs = tmp_path_factory.mktemp("docs")
    (docs / "page.txt").write_text(PAGE, encoding="utf-8")
    (docs / "page-gbk.txt").write_bytes(PAGE.replace("忻州", "朔州").encode("gbk"))
    idx = tmp_path_factory.mktemp("cli") / "index"
    done = run("index", str(docs), "--index", str(idx), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sorted(report["added"]) == ["page-gbk.txt", "page.txt"]
    return idx


def test_ask_json_follows_the_contract(index: Path) -> None:
    done = run("ask", "阳泉市今年新增城市公园几个？", "--index", str(index), "--json")
    assert done.returncode == 0, done.stderr
    ans = json.loads(done.stdout)
    assert {"question", "answer", "short_answer", "found", "citations", "passages"} <= set(ans)
    assert ans["found"] and ans["short_answer"] == "3个"
    c = ans["citations"][0]
    assert {"source", "article", "paragraph", "start", "end", "text", "score"} <= set(c)
    docs = {"page.txt": PAGE, "page-gbk.txt": PAGE.replace("忻州", "朔州")}
    assert c["source"] in docs and c["article"] == "阳泉新增公园"
    assert docs[c["source"]][c["start"]:c["end"]] == c["text"]
    t = ans["timings"]
    assert set(t) == {"embed_ms", "search_ms", "answer_ms", "total_ms"} and min(t.values()) >= 0
    assert t["embed_ms"] > 0 and t["search_ms"] > 0
    assert abs(t["embed_ms"] + t["search_ms"] + t["answer_ms"] - t["total_ms"]) <= 0.2


def test_verbose_ask_prints_where_the_time_went(index: Path) -> None:
    done = run("-v", "ask", "阳泉市今年新增城市公园几个？", "--index", str(index))
    assert done.returncode == 0, done.stderr
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("耗时 timings:"))
    assert all(f"{step} " in line for step in ("embed", "search", "answer", "total"))


def test_ask_a_file_of_questions_one_json_line_each(index: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "忻州市今年新建滑雪场几座？", "id": 1}\n{"question": "朔州市新建了什么？"}\n',
                         encoding="utf-8")
    done = run("ask", "--questions", str(questions), "--index", str(index), "--json")
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and len(lines) == 2
    assert [json.loads(line)["question"] for line in lines] == ["忻州市今年新建滑雪场几座？", "朔州市新建了什么？"]


def test_summarize_and_eval(index: Path, tmp_path: Path) -> None:
    summ = json.loads(run("summarize", "--source", "page.txt", "--index", str(index), "--json").stdout)
    assert summ["sentences"] and all(s["citation"]["source"] == "page.txt" for s in summ["sentences"])
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "忻州市今年新建滑雪场几座？", "answers": ["2座"]}\n', encoding="utf-8")
    metrics = json.loads(run("eval", str(gold), "--index", str(index)).stdout)
    assert metrics["all"]["hit@1"] == 1.0 and metrics["all"]["answer_accuracy"] == 1.0


def test_errors_are_one_line_without_traceback(tmp_path: Path, index: Path) -> None:
    missing = run("ask", "问题", "--index", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and f"python -m assistant index PATH --index {tmp_path / 'nothing'}" in missing.stderr
    blank, spaces = run("ask", "", "--index", str(index)), run("ask", "   ", "--index", str(index))
    assert blank.returncode == spaces.returncode == 2 and blank.stderr == spaces.stderr
    assert "question is empty" in blank.stderr
    assert "Traceback" not in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    unknown = run("summarize", "--source", "nope.txt", "--index", str(index))
    assert unknown.returncode == 2 and "page.txt" in unknown.stderr and "Traceback" not in unknown.stderr
    binary = tmp_path / "bad"
    binary.mkdir()
    (binary / "x.txt").write_bytes(bytes(range(256)) * 30)
    bad = run("index", str(binary), "--index", str(tmp_path / "idx2"), "--json")
    assert bad.returncode == 1 and "binary" in bad.stderr and "Traceback" not in bad.stderr
    unreachable = run("ask", "问题", "--store", "milvus://127.0.0.1:9")
    assert unreachable.returncode == 2 and "Traceback" not in unreachable.stderr
    assert unreachable.stderr.strip().splitlines() == [unreachable.stderr.strip()]
    assert "milvus://127.0.0.1:9" in unreachable.stderr
    nowhere = run("index", "/nonexistent", "--index", str(tmp_path / "idx3"))
    assert nowhere.returncode == 2 and "No such file or folder: /nonexistent" in nowhere.stderr
    history = run("ask", "第二个呢", "--history", "not json", "--index", str(index))
    assert history.returncode == 2 and "--history" in history.stderr and "Traceback" not in history.stderr


def test_every_command_reads_and_writes_a_milvus_lite_store(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.txt").write_text(PAGE, encoding="utf-8")
    store = f"milvus-lite:{tmp_path}/news.db"
    done = run("index", str(docs), "--store", store, "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["added"] == ["page.txt"], done.stderr
    ans = json.loads(run("ask", "阳泉市今年新增城市公园几个？", "--store", store, "--json").stdout)
    assert ans["found"] and "3个" in ans["answer"] and ans["citations"][0]["source"] == "page.txt"
    follow = json.loads(run("ask", "面积多大？", "--history", json.dumps(["阳泉市今年新增城市公园几个？"]),
                            "--store", store, "--json").stdout)
    assert "12公顷" in follow["answer"]
    articles = json.loads(run("articles", "--store", store, "--json").stdout)
    assert [a["title"] for a in articles] == ["忻州新建滑雪场", "阳泉新增公园"]
    summary = json.loads(run("summarize", "--source", "page.txt", "--store", store, "--json").stdout)
    assert summary["sentences"] and all(s["citation"]["source"] == "page.txt" for s in summary["sentences"])


def test_ask_as_markdown_to_paste_elsewhere(index: Path) -> None:
    done = run("ask", "阳泉市今年新增城市公园几个？", "--index", str(index), "--format", "markdown")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("**问 Q:** 阳泉市今年新增城市公园几个？") and "[1]" in text
    assert "**来源 Sources**" in text and "1. page" in text and "“本报讯 阳泉市今年新增城市公园3个" in text


def test_two_index_processes_on_one_index_lose_nothing(tmp_path: Path) -> None:
    idx = tmp_path / "index"
    folders = []
    for n, place in enumerate(["忻州", "朔州", "晋城"]):
        folder = tmp_path / f"docs{n}"
        folder.mkdir()
        for m in range(2):
            (folder / f"{place}-{m}.txt").write_text(PAGE.replace("忻州", place).replace("2座", f"{m + 2}座"),
                                                     encoding="utf-8")
        folders.append(folder)
    assert run("index", str(folders[0]), "--index", str(idx)).returncode == 0
    procs = [subprocess.Popen([sys.executable, "-m", "assistant", "index", str(f), "--index", str(idx), "--json"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in folders[1:]]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-1500:] for _, err in outs]
    listed = json.loads(run("articles", "--index", str(idx), "--json").stdout)
    assert sorted({a["source"] for a in listed}) == sorted(f"{p}-{m}.txt" for p in ["忻州", "朔州", "晋城"]
                                                          for m in range(2))
