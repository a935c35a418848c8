"""``python -m assistant train FILE``: learn the two rankers on a SQuAD-format set, measure
them honestly, and write them with their JSON cards.

* Sentence ranker: LightGBM LambdaRank over the candidate answers of each question (a
  sentence, or two neighbouring ones), graded by :func:`graded`. Every
  :data:`AUGMENT_EVERY`-th question is also learned from with its word-overlap features
  (:data:`~assistant.candidates.LEXICAL`) zeroed, so the ranker knows questions in another
  language, which share no words with the pages.
* Span ranker: LambdaRank over the candidate short answers of the sentences holding a gold
  answer, graded by character F1 with the gold.

Folds are split by paragraph, so no paragraph is both trained and tested on. The report gives
the cross-validated top-1 sentence accuracy, the span F1, and the end-to-end metrics of
``eval`` with **each question answered by the models of the fold that did not see it**: those
are the figures to quote. Finally both models are trained on everything and written.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .answer import Answer, Evidence, build_answer
from .candidates import FEATURES, LEXICAL, Candidate, candidates
from .config import ANSWER_POOL, PROJECT_ROOT, RANKER_DIR
from .core import Assistant
from .evaluate import Example, f1_score, plain, score
from .question import analyse
from .ranker import SENTENCE_MODEL, SPAN_MODEL, Ranker, Rankers, relative, relative_names
from .search import Hit
from .short_answer import SPAN_FEATURES, aligned_span, clause_span, span_candidates, span_features

Rows = list[tuple[str, np.ndarray, np.ndarray]]  # (group: the paragraph's file, features, labels)
COMMON = {"learning_rate": 0.02, "num_leaves": 7, "min_data_in_leaf": 20, "lambda_l2": 1.0, "feature_fraction": 0.8,
          "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 1, "num_threads": 2, "verbose": -1,
          "deterministic": True, "objective": "lambdarank"}
SENTENCE_PARAMS = {**COMMON, "label_gain": [0, 1, 2], "lambdarank_truncation_level": 5}
SENTENCE_ROUNDS = 800
SPAN_PARAMS = {**COMMON, "learning_rate": 0.05, "label_gain": list(range(11)), "lambdarank_truncation_level": 3}
SPAN_ROUNDS = 300
SPAN_SENTENCES = 2  # gold-holding sentences per question to learn spans from
AUGMENT_EVERY = 3
FOLDS = 5


@dataclass
class TrainingSet:
    """Rows to learn from, and what answering each question again needs."""

    sentence: Rows = field(default_factory=list)
    augmented: Rows = field(default_factory=list)  # sentence rows with word-overlap features zeroed
    span: Rows = field(default_factory=list)
    asked: list[tuple[Example, list[Hit], dict[str, float]]] = field(default_factory=list)


def graded(cands: list[Candidate], golds: list[str]) -> np.ndarray:
    """2: a sentence holding a gold answer, or two sentences holding one that neither holds
    alone; 1: two sentences holding one that one of them holds alone; 0: the rest."""
    holds = {(c.rank, c.index): any(g in plain(c.sentence.text) for g in golds) for c in cands if c.width == 1}
    labels = []
    for c in cands:
        if not any(g in plain(c.sentence.text) for g in golds):
            labels.append(0.0)
        elif c.width == 1 or not (holds.get((c.rank, c.index)) or holds.get((c.rank, c.index + 1))):
            labels.append(2.0)
        else:
            labels.append(1.0)
    return np.array(labels)


def collect(assistant: Assistant, examples: list[Example]) -> TrainingSet:
    """Features and grades of every question's candidate answers and short answers."""
    out = TrainingSet()
    for e in examples:
        hits = assistant.search(e.question, ANSWER_POOL)
        texts = sorted({s.text for h in hits for s in h.passage.sentences})
        sims = dict(zip(texts, assistant.similarity(e.question, texts)))
        out.asked.append((e, hits, sims))
        info = analyse(e.question)
        cands = candidates(info, hits, _looked_up(sims), assistant.data.idf)
        golds = [g for g in e.answers if g]
        labels = graded(cands, [plain(g) for g in golds])
        if labels.any():
            x = np.array([c.features for c in cands])
            out.sentence.append((e.source, relative(x), labels))
            if AUGMENT_EVERY and len(out.asked) % AUGMENT_EVERY == 0:
                x = x.copy()
                x[:, [FEATURES.index(n) for n in LEXICAL]] = 0.0
                out.augmented.append((e.source, relative(x), labels))
        out.span.extend(_span_rows(e, hits, golds))
    return out


def _looked_up(sims: dict[str, float]) -> Callable[[list[str]], list[float]]:
    """A similarity function over measured similarities."""
    return lambda texts: [sims[t] for t in texts]


def _span_rows(e: Example, hits: list[Hit], golds: list[str]) -> Rows:
    info = analyse(e.question)
    rows: Rows = []
    seen: set[str] = set()
    for h in hits[:5]:
        for s in h.passage.sentences:
            if len(seen) >= SPAN_SENTENCES or s.text in seen or not any(plain(g) in plain(s.text) for g in golds):
                continue
            seen.add(s.text)
            aligned, described = aligned_span(info, s.text), clause_span(info, s.text)
            spans = span_candidates(info, s.text, aligned, described)
            x = np.array([span_features(info, s.text, sp, aligned, described) for sp in spans])
            y = np.array([round(10 * max(f1_score(s.text[a:b], g) for g in golds)) for a, b in spans], dtype=float)
            if y.any():
                rows.append((e.source, relative(x), y))
    return rows


def fit(rows: Rows, params: dict[str, Any], rounds: int, features: tuple[str, ...]) -> Ranker:
    """LambdaRank over each group's candidates, with named features."""
    import lightgbm

    data = lightgbm.Dataset(np.vstack([x for _, x, _ in rows]), np.concatenate([y for _, _, y in rows]),
                            group=[len(y) for _, _, y in rows], feature_name=relative_names(features))
    return Ranker(lightgbm.train(params, data, rounds), features)


def top1_holds(rows: Rows, predict: Callable[[np.ndarray], np.ndarray]) -> float:
    """Share of groups whose best-scored candidate holds a gold answer."""
    return float(np.mean([y[int(np.argmax(predict(x)))] > 0 for _, x, y in rows])) if rows else 0.0


def top1_grade(rows: Rows, predict: Callable[[np.ndarray], np.ndarray]) -> float:
    """Mean grade of each group's best-scored candidate."""
    return float(np.mean([y[int(np.argmax(predict(x)))] for _, x, y in rows])) if rows else 0.0


def cross_validate(assistant: Assistant, data: TrainingSet, folds: int = FOLDS,
                   rounds: tuple[int, int] = (SENTENCE_ROUNDS, SPAN_ROUNDS)) -> dict[str, Any]:
    """Train on all folds but one, test on that one; every question is answered end to end
    by the models that never saw its paragraph."""
    groups = sorted({e.source for e, _, _ in data.asked})
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    sentence_cv, span_cv, models = [], [], {}
    for k in range(folds):
        def split(rows: Rows, k: int = k) -> tuple[Rows, Rows]:
            return [r for r in rows if fold_of[r[0]] != k], [r for r in rows if fold_of[r[0]] == k]

        train_rows, test_rows = split(data.sentence)
        sentence = fit(train_rows + split(data.augmented)[0], SENTENCE_PARAMS, rounds[0], FEATURES)
        sentence_cv.append(top1_holds(test_rows, sentence.booster.predict))
        span_train, span_test = split(data.span)
        span = fit(span_train, SPAN_PARAMS, rounds[1], SPAN_FEATURES)
        span_cv.append(top1_grade(span_test, span.booster.predict) / 10)
        models[k] = Rankers(sentence, span)
    answers = [_answer(assistant, e, hits, sims, models[fold_of.get(e.source, 0)]) for e, hits, sims in data.asked]
    return {"folds": folds, "sentence_top1_holds_gold": round(float(np.mean(sentence_cv)), 4),
            "span_top1_f1": round(float(np.mean(span_cv)), 4),
            "end_to_end": score([e for e, _, _ in data.asked], answers)}


def _answer(assistant: Assistant, e: Example, hits: list[Hit], sims: dict[str, float], rankers: Rankers) -> Answer:
    evidence = Evidence(assistant.data.documents, assistant.data.block_of, assistant.data.idf, _looked_up(sims))
    return build_answer(e.question, hits, evidence, rankers, assistant.settings, k=assistant.settings.top_k)


def train(assistant: Assistant, examples: list[Example], source: Path, out_dir: Path = RANKER_DIR,
          folds: int = FOLDS, rounds: tuple[int, int] = (SENTENCE_ROUNDS, SPAN_ROUNDS)) -> dict[str, Any]:
    """Cross-validate, then train both rankers on everything and write them to ``out_dir``
    with their cards. Returns the report (the cross-validated figures).

    Args:
        rounds: boosting rounds of the sentence and the span ranker.
    """
    data = collect(assistant, [e for e in examples if e.question.strip()])
    if len({e.source for e, _, _ in data.asked}) < folds or not data.sentence or not data.span:
        raise ValueError(f"{source.name}: too few paragraphs with answers to learn from in {folds} folds.")
    report = cross_validate(assistant, data, folds, rounds)
    card = {"trained_on": source.name, "data_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
            "commit": _commit(), "questions": len(data.asked), "cross_validated": report}
    out_dir.mkdir(parents=True, exist_ok=True)
    fit(data.sentence + data.augmented, SENTENCE_PARAMS, rounds[0], FEATURES).save(
        out_dir / SENTENCE_MODEL, {**card, "groups": len(data.sentence), "augmented": len(data.augmented),
                                   "params": SENTENCE_PARAMS, "rounds": rounds[0]})
    fit(data.span, SPAN_PARAMS, rounds[1], SPAN_FEATURES).save(
        out_dir / SPAN_MODEL, {**card, "groups": len(data.span), "params": SPAN_PARAMS, "rounds": rounds[1]})
    return report


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
