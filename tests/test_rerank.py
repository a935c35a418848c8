from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant
from assistant.candidates import candidates
from assistant.chunking import Passage, Sentence
from assistant.citation import Citation
from assistant.question import analyse
from assistant.ranker import Rankers, load_rankers
from assistant.rerank import PASSAGE_FEATURES, passage_features, reorder
from assistant.search import Hit

TEXTS = ["大同市今年新建公园3个，市民对此表示欢迎。", "太原市今年新建学校12所，新增学位1万个。",
         "太原市教育局介绍了今年的工作安排。"]


@pytest.fixture(scope="module")
def rankers() -> Rankers:
    return load_rankers()


def _hits() -> list[Hit]:
    hits, at = [], 0
    for n, text in enumerate(TEXTS):
        p = Passage(f"p{n}", "a.txt", "太原新闻" if n else "大同新闻", n, 1, at, at + len(text), text,
                    sentences=[Sentence(text, at, at + len(text))])
        hits.append(Hit(p, 1.0 / (n + 1), 0.8 - 0.1 * n, 5.0 - n))
        at += len(text) + 2
    return hits


def test_features_describe_each_hit_from_what_answering_computed() -> None:
    info = analyse("太原市今年新建学校多少所？")
    hits = _hits()
    cited = [Citation("a.txt", "太原新闻", 1, hits[1].passage.start, hits[1].passage.end, TEXTS[1], 1.0)]
    rows = passage_features(info, hits, candidates(info, hits), lambda t: 1.0, cited)
    assert len(rows) == 3 and all(len(r) == len(PASSAGE_FEATURES) for r in rows)
    col = {name: [r[i] for r in rows] for i, name in enumerate(PASSAGE_FEATURES)}
    assert col["cited_first"] == [0.0, 1.0, 0.0] and col["number_asked"] == [1.0] * 3
    assert col["coverage"][1] > col["coverage"][0]  # 太原 and 学校 are in it, not in the Datong page
    assert col["title_coverage"][1] > col["title_coverage"][0] and col["fused_rank"] == [0.0, 1.0, 2.0]


def test_reorder_sorts_the_scored_pool_and_keeps_the_rest_after_it() -> None:
    hits = _hits()
    assert [h.passage.id for h in reorder(hits, [0.1, 0.9])] == ["p1", "p0", "p2"]
    assert [h.passage.id for h in reorder(hits, [0.5, 0.5, 0.5])] == ["p0", "p1", "p2"]  # ties keep their order


@pytest.mark.slow
def test_the_shipped_passage_ranker_puts_the_answering_passage_first(seeds_assistant: Assistant,
                                                                     rankers: Rankers) -> None:
    assert rankers.passage is not None and rankers.passage.card["features"] == list(PASSAGE_FEATURES)
    assert rankers.passage.card["cross_validated"]
    for question, needle in [("山西5G基站数量达到多少？", "11.5万个"), ("减免学前一年保教费政策惠及多少名儿童？", "27万名")]:
        answer = seeds_assistant.ask(question)
        assert needle in answer.passages[0].text, question


def test_an_index_without_a_passage_ranker_keeps_the_fused_order(tmp_path: Path, hash_embedder,
                                                                   rankers: Rankers) -> None:
    from dataclasses import replace

    page = tmp_path / "p.txt"
    page.write_text("## 太原\n\n" + "\n\n".join(TEXTS) + "\n", encoding="utf-8")
    plain = Assistant(tmp_path / "idx", embedder=hash_embedder, rankers=replace(rankers, passage=None))
    plain.index([page])
    question = "太原市今年新建学校多少所？"
    assert [p.text for p in plain.ask(question, k=3).passages] == [h.passage.text for h in plain.search(question, 3)]
