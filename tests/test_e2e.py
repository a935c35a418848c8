"""End to end on the seeds with the real offline model: retrieval, answers, citations."""

from __future__ import annotations

import json

import pytest

from assistant import Assistant, Passage
from assistant.evaluate import load_examples, retrieval_hit

from .conftest import QUESTIONS

pytestmark = pytest.mark.slow


def test_question_set_is_large_and_varied() -> None:
    examples, _ = load_examples(QUESTIONS)
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    assert sum(e.answerable and e.lang == "zh" for e in examples) >= 40
    assert sum(e.answerable and e.lang == "en" for e in examples) >= 5
    assert sum(not e.answerable for e in examples) >= 15
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


def test_questions_the_pages_cannot_answer(seeds_assistant: Assistant) -> None:
    examples, _ = load_examples(QUESTIONS)
    unanswerable = [e for e in examples if not e.answerable and e.lang == "zh"]
    said_no = sum(not seeds_assistant.ask(e.question).found for e in unanswerable)
    assert said_no / len(unanswerable) >= 0.75
