from __future__ import annotations

from pathlib import Path

import pytest

from assistant import ranker
from assistant.chunking import Passage, Sentence
from assistant.errors import ModelError
from assistant.question import analyse, clause_span, short_span
from assistant.search import Hit


def _hit(texts: list[str], source: str = "a.txt") -> Hit:
    sentences, at = [], 0
    for t in texts:
        sentences.append(Sentence(t, at, at + len(t)))
        at += len(t)
    p = Passage("p0", source, "新闻", 0, 1, 0, at, "".join(texts), sentences=sentences)
    return Hit(p, 1.0, 0.9, 5.0)


def test_candidates_are_sentences_and_neighbouring_pairs_that_fit() -> None:
    hit = _hit(["太原市今年新建学校12所。", "该市的公园数量保持稳定。", "市民对此表示欢迎。"])
    cands = ranker.candidate_features(analyse("太原市今年新建学校多少所？"), [hit])
    assert [(i, width) for (_, _, i, _, width), _ in cands] == [(0, 1), (0, 2), (1, 1), (1, 2), (2, 1)]
    assert all(len(f) == len(ranker.FEATURES) for _, f in cands)
    (_, _, _, pair, _), _ = cands[1]
    assert pair.text == "太原市今年新建学校12所。该市的公园数量保持稳定。" and (pair.start, pair.end) == (0, len(pair.text))
    long = _hit(["甲" * 100 + "。", "乙" * 100 + "。"])
    assert [w for (*_, w), _ in ranker.candidate_features(analyse("甲是什么？"), [long])] == [1, 1]


def test_the_sentence_that_answers_ranks_first() -> None:
    hit = _hit(["市民对新学校表示欢迎。", "太原市今年新建学校12所，新增学位1.2万个。", "该市的公园数量保持稳定。"])
    cands = ranker.candidate_features(analyse("太原市今年新建学校多少所？"), [hit])
    scores = ranker.score([f for _, f in cands])
    (_, _, _, best, _), _ = cands[max(range(len(cands)), key=scores.__getitem__)]
    assert "12所" in best.text


def test_span_candidates_are_clean_pieces_of_the_sentence() -> None:
    sentence = "移动电话用户数达4261.7万户，较“十三五”末增加238.9万户，全省移动电话普及率每百人122.9部。"
    info = analyse("山西移动电话用户数达到多少？")
    spans = ranker.span_candidates(info, sentence, short_span(info, sentence), None)
    texts = [sentence[s:e] for s, e in spans]
    assert "4261.7万户" in texts
    assert all(t and t[0] not in "，。、" and t[-1] not in "，。、" for t in texts)


def test_descriptive_short_answer_is_the_clause_that_answers() -> None:
    sentence = "魏氏著有《魏夫人集》，词作多写闺情及吟咏景物，善于化用唐人诗句。"
    info = analyse("魏玩的词作大多写什么内容？")
    span = ranker.best_span(info, sentence, short_span(info, sentence), clause_span(info, sentence))
    assert span is not None and "闺情" in span and span in sentence and len(span) < len(sentence)


def test_a_broken_model_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken_ranker.txt"
    broken.write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelError, match="broken_ranker.txt"):
        ranker._model(broken)


def test_a_ranker_learned_on_other_features_is_a_clear_error(tmp_path: Path) -> None:
    import lightgbm
    import numpy as np

    x = np.random.default_rng(0).random((40, 3))
    data = lightgbm.Dataset(x, (x[:, 0] > 0.5).astype(float), group=[10, 10, 10, 10])
    old = tmp_path / "old_ranker.txt"
    lightgbm.train({"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 2}, data, 2).save_model(str(old))
    with pytest.raises(ModelError, match="old_ranker.txt"):
        ranker._predict(old, [[0.0] * len(ranker.FEATURES)])
