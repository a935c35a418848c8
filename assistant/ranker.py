"""The learned rankers: LightGBM LambdaRank models, passed in like the embedder.

A :class:`Ranker` scores the candidates of one question (answer sentences by
:data:`~assistant.candidates.FEATURES`, short-answer spans by
:data:`~assistant.short_answer.SPAN_FEATURES`, retrieved passages by
:data:`~assistant.rerank.PASSAGE_FEATURES`). Each feature is read as it is, minus the best
candidate's and minus the candidates' mean (:func:`relative`), under the names of
:func:`relative_names`; a model whose feature names differ from today's is refused on load.
Beside each model file sits a JSON card: its features, the data it was trained on and that
data's hash, the commit, and its cross-validated figures (written by
``python -m assistant train``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .answerability import ANSWERABILITY_MODEL, ANSWERABILITY_OTHER_MODEL, SIGNALS, adjusted
from .candidates import FEATURES
from .config import RANKER_DIR
from .errors import ModelError
from .rerank import PASSAGE_FEATURES
from .short_answer import SPAN_FEATURES

SENTENCE_MODEL = "sentence_ranker.txt"
SENTENCE_OTHER_MODEL = "sentence_ranker_other.txt"  # questions in another language (optional)
SPAN_MODEL = "span_ranker.txt"
PASSAGE_MODEL = "passage_ranker.txt"
DEFAULT_THRESHOLD = 0.5  # of an answerability model whose card names none


def relative(features: np.ndarray) -> np.ndarray:
    """Each feature as it is, minus the best candidate's, and minus the candidates' mean."""
    return np.hstack([features, features - features.max(0), features - features.mean(0)])


def relative_names(features: Sequence[str]) -> list[str]:
    """The model's column names for :func:`relative` features."""
    return [*features, *(f"{f}_minus_best" for f in features), *(f"{f}_minus_mean" for f in features)]


def card_path(model_path: Path) -> Path:
    """Where a model's JSON card lives."""
    return model_path.with_suffix(".json")


class Ranker:
    """One learned ranker over named features.

    Args:
        booster: a trained ``lightgbm.Booster``.
        features: the feature names it reads (before :func:`relative`).
        card: what is known of its training (the JSON sidecar).
    """

    def __init__(self, booster: Any, features: Sequence[str], card: dict[str, Any] | None = None) -> None:
        self.booster = booster
        self.features = tuple(features)
        self.card = card or {}

    @classmethod
    def load(cls, path: Path, features: Sequence[str]) -> Ranker:
        """Load a model file and check that it reads today's features.

        Raises:
            ModelError: the file cannot be read, or was learned on other features.
        """
        booster, card = load_booster(path, relative_names(features))
        return cls(booster, features, card)

    def score(self, features: list[list[float]]) -> list[float]:
        """The score of each candidate of one question (higher: more likely right)."""
        if not features:
            return []
        return [float(v) for v in self.booster.predict(relative(np.asarray(features, dtype=float)), num_threads=1)]

    def save(self, path: Path, card: dict[str, Any]) -> None:
        """Write the model and its JSON card beside it."""
        self.card = save_booster(self.booster, path, {**card, "features": list(self.features)})


class Answerability:
    """The learned answerability decision over :data:`~assistant.answerability.SIGNALS`: one
    model for Chinese questions and, when shipped, one for questions in another language
    (``other``), whose signals run on other scales (their words reach the pages through the
    dictionary, their dense similarities are lower).

    Args:
        booster: a trained ``lightgbm.Booster`` (binary).
        card: what is known of its training (the JSON sidecar), including ``threshold``.
        other: the model for questions in another language (None: this one decides for them
            too, at the card's ``threshold_other``).
    """

    def __init__(self, booster: Any, card: dict[str, Any] | None = None, other: Answerability | None = None) -> None:
        self.booster = booster
        self.card = card or {}
        self.other = other
        self.threshold = float(self.card.get("threshold", DEFAULT_THRESHOLD))
        self.threshold_other = float(self.card.get("threshold_other", self.threshold))

    def _model(self, row: Sequence[float]) -> Answerability:
        return self.other if self.other is not None and row[SIGNALS.index("lang_other")] else self

    def threshold_for(self, row: Sequence[float]) -> float:
        """The probability an answer needs to count as found, by the question's language."""
        model = self._model(row)
        if model is not self:
            return model.threshold
        return self.threshold_other if row[SIGNALS.index("lang_other")] else self.threshold

    @classmethod
    def load(cls, path: Path = RANKER_DIR / ANSWERABILITY_MODEL) -> Answerability:
        """Load the model (and the other-language one beside it, if there is one) and check
        that they read today's signals.

        Raises:
            ModelError: a file cannot be read, or was learned on other signals.
        """
        other_path = path.with_name(ANSWERABILITY_OTHER_MODEL)
        other = cls(*load_booster(other_path, SIGNALS)) if other_path.exists() else None
        return cls(*load_booster(path, SIGNALS), other=other)

    def probability(self, row: Sequence[float]) -> float:
        """The probability that the composed answer is really in the pages (:func:`adjusted`)."""
        booster = self._model(row).booster
        return adjusted(float(booster.predict(np.asarray([row], dtype=float), num_threads=1)[0]), row)

    def save(self, path: Path, card: dict[str, Any]) -> None:
        """Write the model and its JSON card beside it (and the other-language model beside)."""
        self.card = save_booster(self.booster, path, {**card, "features": list(SIGNALS), "threshold": self.threshold,
                                                      "threshold_other": self.threshold_other})
        if self.other is not None:
            self.other.save(path.with_name(ANSWERABILITY_OTHER_MODEL), {**card, "language": "other"})


def load_booster(path: Path, names: Sequence[str]) -> tuple[Any, dict[str, Any]]:
    """A LightGBM model file and its JSON card, checked to read the columns ``names``.

    Raises:
        ModelError: the file cannot be read, or was learned on other columns.
    """
    import lightgbm

    path = Path(path)
    hint = "reinstall the package or run `python -m assistant train`"
    try:
        booster = lightgbm.Booster(model_file=str(path))
    except (OSError, lightgbm.basic.LightGBMError) as exc:
        raise ModelError(f"The model {path.name} cannot be loaded ({exc}); {hint}.") from exc
    if booster.feature_name() != list(names):
        raise ModelError(f"The model {path.name} was learned on other features than this version computes; {hint}.")
    card = json.loads(card_path(path).read_text(encoding="utf-8")) if card_path(path).exists() else {}
    return booster, card


def save_booster(booster: Any, path: Path, card: dict[str, Any]) -> dict[str, Any]:
    """Write a model and its JSON card beside it; returns the card."""
    booster.save_model(str(path))
    card_path(path).write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return card


@dataclass(frozen=True)
class Rankers:
    """The learned models an answer needs: which sentence answers, which span of it is
    short, whether the pages answer at all, and the order of the passages it reports (the
    last two None while they are being trained)."""

    sentence: Ranker
    span: Ranker
    answerability: Answerability | None = None
    passage: Ranker | None = None
    sentence_other: Ranker | None = None  # the sentence ranker for questions in another language

    def sentence_for(self, lang: str) -> Ranker:
        """The sentence ranker for a question in ``lang``: a question in another language
        shares no words with the pages, so it has its own where one is shipped."""
        return self.sentence_other if lang != "zh" and self.sentence_other is not None else self.sentence


def load_rankers(folder: Path = RANKER_DIR) -> Rankers:
    """The models shipped with the package (or those in ``folder``).

    Raises:
        ModelError: a model is missing, broken, or learned on other features.
    """
    other = folder / SENTENCE_OTHER_MODEL
    return Rankers(Ranker.load(folder / SENTENCE_MODEL, FEATURES), Ranker.load(folder / SPAN_MODEL, SPAN_FEATURES),
                   Answerability.load(folder / ANSWERABILITY_MODEL), Ranker.load(folder / PASSAGE_MODEL, PASSAGE_FEATURES),
                   Ranker.load(other, FEATURES) if other.exists() else None)
