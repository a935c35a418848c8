"""Hostile input through the command line and the facade the HTTP API calls: questions,
histories, file names and files. Nothing crashes, errors are one line, nonsense is not found,
and no page is replaced by an upload of the same name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.errors import AssistantError, QueryError

from .conftest import ROOT

NONSENSE = ["😀😀😀", ".*", "(", "\\", "？？？", "asdfghjkl", "🎉", "!!!", "%s%s%n", "\u200b\u200b", "…", "1234567",
            "\u202e\u202d", "〇", "-", "<>"]
ODD = ["山西5G基站数量达到多少？\udc80", "\ud800山西", "山西\x00\x01\x7f5G", "SELECT * FROM passages; DROP TABLE passages;--",
       "<script>alert(1)</script>山西", "{{7*7}} ${7*7}", "../../etc/passwd 山西", '{"question": "x"}', "山西\n\n\t5G\r基站",
       "山" * 499, "e\u0301\u0301\u0301 山西", "ﾔﾏﾆｼ 山西", "山西５Ｇ基站数量达到多少？", "shanxi 5g " * 40,
       "\ufeff山西5G", "问" * 2000, "   ", ""]
QUESTIONS = NONSENSE + ODD


def test_the_corpus_is_large_enough() -> None:
    assert len(QUESTIONS) + len(HISTORIES) + len(NAMES) >= 40


@pytest.mark.slow
def test_every_hostile_question_through_the_cli_gives_json_or_one_line(tmp_path: Path, seeds_assistant: Assistant) -> None:
    file = tmp_path / "q.jsonl"
    file.write_text("".join(json.dumps({"question": q}) + "\n" for q in QUESTIONS), encoding="utf-8")
    index = str(seeds_assistant.index_dir)
    done = subprocess.run([sys.executable, "-m", "assistant", "ask", "--questions", str(file), "--index", index,
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(QUESTIONS)  # one line a question, in order, refused ones included
    assert not any(a["found"] for q, a in zip(QUESTIONS, answers) if q in NONSENSE)
    for q in ["\udc80山西", "", "   ", "问" * 2000]:  # through argv, as a shell passes them
        one = subprocess.run([sys.executable, "-m", "assistant", "ask", q, "--index", index], cwd=ROOT,
                             capture_output=True, timeout=120)
        err = one.stderr.decode("utf-8", "replace")
        assert "Traceback" not in err and one.returncode in (0, 2), err[-1500:]
        assert one.returncode == 0 or len(err.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_hostile_question_is_answered_or_refused_in_one_line(seeds_assistant: Assistant, question: str) -> None:
    try:
        answer = seeds_assistant.ask(question)
    except QueryError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 300
        return
    json.dumps(answer.to_dict(), ensure_ascii=False).encode("utf-8")  # every field can be sent
    if question in NONSENSE:
        assert not answer.found, (question, answer.answer)


HISTORIES = [["\udc80"], ["问" * 5000], [""], ["山西2026年15件民生实事是什么", "\x00"], ["😀"] * 50,
             ["山西2026年15件民生实事是什么"] * 200]


@pytest.mark.slow
@pytest.mark.parametrize("history", HISTORIES, ids=range(len(HISTORIES)))
def test_a_hostile_history_never_blames_the_question(seeds_assistant: Assistant, history: list[str]) -> None:
    answer = seeds_assistant.ask("第三件是什么", history=history)
    assert isinstance(answer.found, bool)


NAMES = ["../../escape.txt", "😀.txt", "🎉.txt", "CON.txt", ".hidden.txt", "a" * 300 + ".txt", "x.exe", "x.txt.exe",
         "中文 名字.txt", "x\x00y.txt", "/etc/passwd.txt", "..\\..\\win.txt"]
PAGE = "## 忻州新建滑雪场\n\n本报讯 忻州市今年新建滑雪场{n}座，可接待游客5万人次。(王五)\n"


def test_hostile_upload_names_stay_in_the_folder_and_never_replace_a_page(tmp_path: Path, hash_embedder) -> None:
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    uploads = tmp_path / "uploads"
    stored = []
    for n, name in enumerate(NAMES):
        try:
            report = assistant.add_file(name, PAGE.format(n=n + 1).encode(), uploads)
        except AssistantError as exc:
            assert "unsupported file type" in str(exc) and "\n" not in str(exc)
            continue
        stored.append(report.added[0])
    assert all((uploads / s).resolve().parent == uploads.resolve() for s in stored)
    assert len(set(stored)) == len(stored) == len(assistant.sources())  # 😀.txt and 🎉.txt: two pages
    assert {"upload.txt", "upload-2.txt"} <= set(stored)


def test_an_upload_never_replaces_another_page_of_the_same_name(tmp_path: Path, hash_embedder) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "page.txt").write_text(PAGE.format(n=2), encoding="utf-8")
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    assistant.index([folder])
    uploads = tmp_path / "uploads"
    same = assistant.add_file("page.txt", PAGE.format(n=2).encode(), uploads)
    assert same.unchanged == ["page.txt"] and not same.changed  # the same page: nothing to do
    other = assistant.add_file("page.txt", PAGE.format(n=9).encode(), uploads)
    assert other.added == ["page-2.txt"] and assistant.sources() == ["page-2.txt", "page.txt"]
    assert "2座" in assistant.document_text("page.txt") and "9座" in assistant.document_text("page-2.txt")


def test_uploads_of_one_name_side_by_side_keep_every_page(tmp_path: Path, hash_embedder) -> None:
    """Eight uploads named page.txt at once (six contents, one sent three times): six pages,
    each under its own name, and the repeated one stored once."""
    from concurrent.futures import ThreadPoolExecutor

    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    assistant.index([])
    contents = [PAGE.format(n=n) for n in (1, 2, 3, 4, 5, 6, 6, 6)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        reports = list(pool.map(lambda c: assistant.add_file("page.txt", c.encode(), tmp_path / "uploads"), contents))
    assert all(not r.errors for r in reports)
    assert len(assistant.sources()) == 6 == len(list((tmp_path / "uploads").iterdir()))
    held = sorted(assistant.document_text(name) for name in assistant.sources())
    assert held == sorted(set(contents))
