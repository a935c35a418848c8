"""End to end on the seeds with the real offline model: retrieval, answers, citations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant, Passage
from assistant.evaluate import load_examples, retrieval_hit

from .conftest import HELD_OUT, QUESTIONS, SEEDS

pytestmark = pytest.mark.slow


def test_question_set_is_large_and_varied() -> None:
    examples, _ = load_examples(QUESTIONS)
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    assert sum(e.answerable and e.lang == "zh" for e in examples) >= 40
    assert sum(e.answerable and e.lang == "en" for e in examples) >= 5
    assert sum(not e.answerable for e in examples) >= 15
    everything = examples + load_examples(HELD_OUT)[0]  # the held-out set was written after tuning
    assert sum(not e.answerable for e in everything) >= 30
    assert sum(not e.answerable and e.lang == "en" for e in everything) >= 10
    assert sum(e.answerable and e.lang == "en" for e in everything) >= 15
    assert {r["type"] for r in rows} >= {"number", "date", "person", "place", "list", "table"}
    assert len({r["source"] for r in rows if r.get("source")}) == 5


@pytest.mark.parametrize("question,expected", [
    ("山西2026年15件民生实事是什么", "十五是打造80个新型公共文化空间"),
    ("山西5G基站数量达到多少？", "11.5万个"),
    ("哪个县空气质量综合指数最低？", "娄烦县"),
    ("减免学前一年保教费政策惠及多少名儿童？", "27万名"),
    ("How many mobile phone users does Shanxi have?", "4261.7万户"),
])
def test_seed_questions_are_answered_with_exact_citations(seeds_assistant: Assistant, question: str, expected: str) -> None:
    ans = seeds_assistant.ask(question)
    assert ans.found
    assert expected in ans.answer
    for c in ans.citations + ans.passages:
        assert c.text == seeds_assistant.document_text(c.source)[c.start:c.end]


def test_fifteen_items_in_order_each_cited(seeds_assistant: Assistant) -> None:
    ans = seeds_assistant.ask("山西2026年15件民生实事是什么")
    assert len(ans.items) == 15 and ans.items[0].startswith("一是") and ans.items[-1].startswith("十五是")
    follow = seeds_assistant.ask("第三件是什么", history=["山西2026年15件民生实事是什么"])
    assert follow.answer.startswith("三是对上消化道癌高危人群开展内镜检查3万名")


def _as_found(assistant: Assistant, p: Passage) -> dict[str, str]:
    """A retrieved passage as the user sees it: repaired text and the file's own characters."""
    return {"source": p.source, "text": p.text, "clean_text": assistant.document_text(p.source)[p.start:p.end]}


def test_retrieval_quality_on_the_seed_question_set(seeds_assistant: Assistant) -> None:
    examples, _ = load_examples(QUESTIONS)
    for lang, floor in (("zh", 0.95), ("en", 0.9)):
        subset = [e for e in examples if e.answerable and e.lang == lang]
        found = sum(retrieval_hit(e, [_as_found(seeds_assistant, h.passage) for h in seeds_assistant.search(e.question)])
                    is not None for e in subset)
        assert found / len(subset) >= floor, (lang, found, len(subset))


@pytest.mark.parametrize("question", [
    "平遥古城的门票多少钱？",  # the pages talk of tickets but name no price (0.466 → 0.23)
    "新荣区人社局局长是谁？",  # the page names the bureau, never its head (0.88 → 0.22)
    "太原地铁2号线什么时候开通？",
    "山西去年的煤炭产量是多少吨？",
    "2026年山西高考录取分数线是多少？",
    "Who won the 2026 World Cup?",
    "How many tons of coal did Shanxi produce last year?",
    pytest.param("When will Taiyuan Metro Line 2 open?", marks=pytest.mark.xfail(
        strict=True, reason="a known miss: the 2月2日 of the congress's opening (开幕 is the dictionary's 'open') is found "
                            "(0.29) by the English answerability model retrained with dictionary coverage (2026-12-06), "
                            "as it was (0.283) before the English sentence ranker")),
    "Who is the president of North University of China?",  # the page names a teacher, no office
    "太绥高铁什么时候开工建设？",  # the report says 加快…建设前期工作: preparatory work, no time
])
def test_questions_the_pages_cannot_answer_get_found_false(seeds_assistant: Assistant, question: str) -> None:
    ans = seeds_assistant.ask(question)
    assert not ans.found and not ans.citations and not ans.short_answer
    assert ans.passages and ans.message  # the closest passages, offered as such


def test_a_count_is_not_taken_from_another_item_of_the_list(seeds_assistant: Assistant) -> None:
    ans = seeds_assistant.ask("今年将为多少名孕妇提供免费产前筛查？")  # 一是…产前筛查…应检尽检 names no count
    assert not ans.short_answer  # not 一是为怀孕, nor the 3万名 of 三是…内镜检查3万名


def test_the_english_list_question_returns_all_fifteen_items(seeds_assistant: Assistant) -> None:
    ans = seeds_assistant.ask("What are the 15 livelihood projects Shanxi will carry out in 2026?")
    assert ans.found and len(ans.items) == 15 and ans.items[-1].startswith("十五是")


@pytest.mark.parametrize(("question", "number"), [
    ("How many mobile phone users does Shanxi have?", "4261.7万户"),
    ("How many basic education schools does Shanxi have?", "12590所"),  # "not found" before the English model
])
def test_english_number_questions_get_the_number(seeds_assistant: Assistant, question: str, number: str) -> None:
    ans = seeds_assistant.ask(question)
    assert ans.found and ans.short_answer == number


def test_an_english_question_is_answered_from_the_sentence_its_own_ranker_chooses(seeds_assistant: Assistant) -> None:
    # the Chinese sentence ranker chose the sentence on the procurement period ("not found", 0.07)
    ans = seeds_assistant.ask("How much procurement payment did Datong settle directly for centrally purchased drugs?")
    assert ans.found and ans.short_answer == "2.19亿元" and "2.19亿元" in ans.answer


def test_no_answer_cites_two_articles(seeds_assistant: Assistant) -> None:
    examples, _ = load_examples(QUESTIONS)
    for e in examples:
        ans = seeds_assistant.ask(e.question)
        assert len({(c.source, c.article_id) for c in ans.citations}) <= 1, e.question


def test_a_follow_up_reads_the_article_of_its_topic_first(seeds_assistant: Assistant) -> None:
    topic = seeds_assistant.ask("山西2026年15件民生实事是什么")
    follow = seeds_assistant.ask("第十五件呢", history=["山西2026年15件民生实事是什么"])
    assert follow.found and follow.answer.startswith("十五是")
    assert (follow.citations[0].source, follow.citations[0].article_id) == \
        (topic.citations[0].source, topic.citations[0].article_id)


def test_milvus_lite_gives_the_local_stores_answers(seeds_assistant: Assistant, real_embedder: object,
                                                     tmp_path: Path) -> None:
    """The seeds indexed into milvus-lite: the same 15 items with the same citations, and the
    same retrieval on the whole seed question set."""
    milvus = Assistant(tmp_path / "unused", embedder=real_embedder, store_uri=f"milvus-lite:{tmp_path}/seeds.db")
    assert not milvus.index([SEEDS]).errors
    question = "山西2026年15件民生实事是什么"
    here, there = seeds_assistant.ask(question), milvus.ask(question)
    assert len(there.items) == 15 and there.answer == here.answer
    assert [(c.source, c.start, c.end) for c in there.citations] == [(c.source, c.start, c.end) for c in here.citations]
    answerable = [e for e in load_examples(QUESTIONS)[0] if e.answerable]
    hits = {name: sum(retrieval_hit(e, [_as_found(a, h.passage) for h in a.search(e.question, 5)]) is not None
                      for e in answerable)
            for name, a in (("local", seeds_assistant), ("milvus", milvus))}
    assert abs(hits["local"] - hits["milvus"]) <= 0.02 * len(answerable), hits
    milvus.close()
