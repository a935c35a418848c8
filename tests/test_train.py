"""The training entry point on a tiny SQuAD set (no real model: the hash embedder)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant import Assistant
from assistant.answerability import SIGNALS
from assistant.candidates import FEATURES
from assistant.evaluate import load_examples
from assistant.ranker import Ranker, load_rankers
from assistant.rerank import PASSAGE_FEATURES
from assistant.train import collect, train

TOWNS = ["太原", "大同", "阳泉", "长治", "晋城", "朔州", "忻州", "吕梁"]


def _tiny_squad(path: Path) -> None:
    data = []
    for n, town in enumerate(TOWNS):
        schools, parks = 10 + n, 3 + n
        context = (f"{town}市教育局介绍了今年的工作安排。{town}市今年新建学校{schools}所，新增学位{n + 1}万个。"
                   f"{town}市的公园数量也有增加，今年新增城市公园{parks}个。市民对此表示欢迎。"
                   f"{town}市文旅局局长是张{town}，他主持了会议。")
        qas = [{"id": f"{n}-1", "question": f"{town}市今年新建学校多少所？", "answers": [{"text": f"{schools}所"}]},
               {"id": f"{n}-2", "question": f"{town}市今年新增城市公园多少个？", "answers": [{"text": f"{parks}个"}]},
               {"id": f"{n}-3", "question": f"{town}市文旅局局长是谁？", "answers": [{"text": f"张{town}"}]}]
        data.append({"paragraphs": [{"id": f"P{n}", "context": context, "qas": qas}], "id": f"D{n}", "title": town})
    path.write_text(json.dumps({"data": data}, ensure_ascii=False), encoding="utf-8")


def test_training_writes_models_that_load_with_their_cards(tmp_path: Path, hash_embedder) -> None:
    source = tmp_path / "tiny.json"
    _tiny_squad(source)
    examples, contexts = load_examples(source)
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in contexts.items():
        (docs / name).write_text(text, encoding="utf-8")
    assistant = Assistant(tmp_path / "idx", embedder=hash_embedder)
    assistant.index([docs])
    collected = collect("tiny", assistant, examples)
    abroad = collected.asked[0].foreign  # every reading-set question is also asked in English
    assert abroad is not None and abroad.question.isascii() and abroad.hits and abroad.pools[0]
    report = train([collected], [source], tmp_path / "models", folds=2, rounds=(30, 30))
    tiny = report["tiny"]
    assert tiny["english_said_not_found"] is not None  # the English questions against the index without their article
    assert tiny["end_to_end"]["questions"] == len(examples) == 24
    assert 0.0 <= tiny["sentence_top1_holds_gold"] <= 1.0 and tiny["end_to_end"]["hit@5"] > 0.5
    assert tiny["not_found_rate_without_article"] is not None and 0.05 <= report["threshold"] <= 0.95
    rankers = load_rankers(tmp_path / "models")
    card = rankers.sentence.card
    assert card["features"] == list(FEATURES) and card["trained_on"] == ["tiny.json"] and card["cross_validated"]
    assert isinstance(rankers.span, Ranker) and rankers.span.card["groups"] > 0
    assert rankers.answerability is not None and rankers.answerability.card["features"] == list(SIGNALS)
    assert rankers.passage is not None and rankers.passage.card["features"] == list(PASSAGE_FEATURES)
    # questions in another language get their own sentence ranker, learned from the questions said in English
    assert rankers.sentence_other is not None and rankers.sentence_other.card["language"] == "other"
    assert rankers.sentence_for("en") is rankers.sentence_other and rankers.sentence_for("zh") is rankers.sentence
    assert 0.0 <= tiny["english_said_sentence_top1_holds_gold"] <= 1.0
    assert set(tiny["retrieval_fused_order"]) == {"hit@1", "hit@3", "hit@5", "hit@10"}
    fresh = Assistant(tmp_path / "idx", embedder=hash_embedder, rankers=rankers)
    assert fresh.ask("太原市今年新建学校多少所？").found
