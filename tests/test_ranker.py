from __future__ import annotations

import json
from pathlib import Path

import lightgbm
import numpy as np
import pytest

from assistant.candidates import FEATURES
from assistant.config import RANKER_DIR
from assistant.errors import ModelError
from assistant.ranker import SENTENCE_MODEL, SPAN_MODEL, Ranker, load_rankers, relative, relative_names
from assistant.short_answer import SPAN_FEATURES


def test_the_shipped_rankers_load_with_their_cards() -> None:
    rankers = load_rankers()
    assert rankers.sentence.booster.feature_name() == relative_names(FEATURES)
    assert rankers.span.booster.feature_name() == relative_names(SPAN_FEATURES)
    for model, features in ((SENTENCE_MODEL, FEATURES), (SPAN_MODEL, SPAN_FEATURES)):
        card = json.loads((RANKER_DIR / model).with_suffix(".json").read_text(encoding="utf-8"))
        assert card["features"] == list(features)
        assert card["trained_on"] and card["cross_validated"]
        assert all(len(digest) == 64 for digest in card["data_sha256"].values())


def test_questions_in_another_language_get_the_shipped_sentence_ranker_learned_for_them() -> None:
    rankers = load_rankers()
    other = rankers.sentence_other
    assert other is not None and other.card["language"] == "other" and other.card["features"] == list(FEATURES)
    assert rankers.sentence_for("other") is other and rankers.sentence_for("zh") is rankers.sentence
    assert all(f"{s}.json" in other.card["data_sha256"] for s in ("cmrc2018_trial", "DRCD_dev"))


def test_relative_features_compare_each_candidate_with_the_best_and_the_mean() -> None:
    x = np.array([[1.0, 4.0], [3.0, 0.0]])
    assert relative(x).tolist() == [[1, 4, -2, 0, -1, 2], [3, 0, 0, -4, 1, -2]]


def test_a_broken_model_file_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken_ranker.txt"
    broken.write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelError, match="broken_ranker.txt"):
        Ranker.load(broken, FEATURES)


def test_a_ranker_learned_on_other_features_is_refused_on_load(tmp_path: Path) -> None:
    x = np.random.default_rng(0).random((40, 3))
    data = lightgbm.Dataset(x, (x[:, 0] > 0.5).astype(float), group=[10, 10, 10, 10])
    old = tmp_path / "old_ranker.txt"
    lightgbm.train({"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 2}, data, 2).save_model(str(old))
    with pytest.raises(ModelError, match="old_ranker.txt.*other features"):
        Ranker.load(old, FEATURES)
