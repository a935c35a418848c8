"""Learn the two rankers of ``assistant/ranker.py`` on a SQuAD-format set, and measure them honestly.

* Sentence ranker (``assistant/sentence_ranker.txt``): LightGBM LambdaRank over the candidate
  answers of each question (a sentence, or two neighbouring ones), graded by :func:`graded`.
* Span ranker (``assistant/span_ranker.txt``): LambdaRank over the candidate short answers of
  the sentences holding a gold answer, graded by character F1 with the gold.

Both take :data:`~assistant.ranker.FEATURES` / :data:`~assistant.ranker.SPAN_FEATURES` as they
are and relative to the question's other candidates. Folds are split by paragraph, so no
paragraph is both trained and tested on. The script prints the cross-validated top-1 sentence
accuracy (and a linear softmax baseline's), then **answers every question with the models of
the fold that did not see it** and prints the same metrics as ``python -m assistant eval``:
those are the figures to quote. Finally it trains both models on everything and writes them.

    python bench/train_rankers.py ../shared/data/cmrc2018/cmrc2018_trial.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np

from assistant import Assistant, ranker
from assistant import answer as answer_mod
from assistant.cli import main as cli_main
from assistant.config import PROJECT_ROOT
from assistant.evaluate import Example, _plain, f1_score, load_examples, score
from assistant.question import analyse, clause_span, short_span
from assistant.ranker import (
    FEATURES,
    MODEL_PATH,
    SPAN_FEATURES,
    SPAN_MODEL_PATH,
    Candidate,
    candidate_features,
    relative,
    span_candidates,
    span_features,
)

Rows = list[tuple[str, np.ndarray, np.ndarray]]
COMMON = {"learning_rate": 0.02, "num_leaves": 7, "min_data_in_leaf": 20, "lambda_l2": 1.0, "feature_fraction": 0.8,
          "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 1, "num_threads": 2, "verbose": -1,
          "deterministic": True, "objective": "lambdarank"}
SENTENCE_PARAMS = {**COMMON, "label_gain": [0, 1, 2], "lambdarank_truncation_level": 5}
SENTENCE_ROUNDS = 800
SPAN_PARAMS = {**COMMON, "learning_rate": 0.05, "label_gain": list(range(11)), "lambdarank_truncation_level": 3}
SPAN_ROUNDS = 300
SPAN_SENTENCES = 2  # gold-holding sentences per question to learn spans from
# Questions in another language share no words with the pages: every AUGMENT_EVERY-th question
# is also learned from with its word-overlap features zeroed, so the ranker knows that case.
LEXICAL = ("overlap", "local_overlap", "title", "align_left", "align_right", "lcs", "longest_common", "subject_first",
           "prev_overlap", "next_overlap", "density", "idf_overlap", "left_anchor", "right_anchor", "typed_after_left",
           "predicate_overlap")
AUGMENT_EVERY = 3


def graded(cands: list[Candidate], golds: list[str]) -> np.ndarray:
    """2: a sentence holding a gold answer, or two sentences holding one that neither holds
    alone; 1: two sentences holding one that one of them holds alone; 0: the rest."""
    holds = {(rank, i): any(g in _plain(s.text) for g in golds) for rank, _, i, s, width in cands if width == 1}
    labels = []
    for rank, _, i, s, width in cands:
        if not any(g in _plain(s.text) for g in golds):
            labels.append(0.0)
        elif width == 1 or not (holds.get((rank, i)) or holds.get((rank, i + 1))):
            labels.append(2.0)
        else:
            labels.append(1.0)
    return np.array(labels)


def _index_of(path: Path) -> Assistant:
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:10]
    index = PROJECT_ROOT / ".index" / f"{path.stem}-{digest}"
    if not (index / "manifest.json").exists():
        cli_main(["eval", str(path), "--k", "1"])  # builds the index of the contexts
    return Assistant(index)


def collect(assistant: Assistant, examples: list[Example]) -> tuple[Rows, Rows, Rows, list[Any]]:
    """Sentence rows, their copies without word-overlap features, span rows (group, features,
    labels) and what answering needs per question."""
    sentence_rows: Rows = []
    augmented: Rows = []
    span_rows: Rows = []
    cached = []
    for e in examples:
        hits = assistant.search(e.question, ranker.ANSWER_POOL)
        texts = sorted({s.text for h in hits for s in h.passage.sentences})
        sims = dict(zip(texts, assistant._similarity(e.question, texts)))
        cached.append((e, hits, sims))
        info = analyse(e.question)
        cands = candidate_features(info, hits, lambda t, s=sims: [s[x] for x in t], assistant._idf)
        golds = [g for g in e.answers if g]
        labels = graded([c for c, _ in cands], [_plain(g) for g in golds])
        if labels.any():
            x = np.array([f for _, f in cands])
            sentence_rows.append((e.source, relative(x), labels))
            if AUGMENT_EVERY and len(cached) % AUGMENT_EVERY == 0:
                x = x.copy()
                x[:, [FEATURES.index(n) for n in LEXICAL]] = 0.0
                augmented.append((e.source, relative(x), labels))
        seen: set[str] = set()
        for h in hits[:5]:
            for s in h.passage.sentences:
                if len(seen) >= SPAN_SENTENCES or s.text in seen or not any(_plain(g) in _plain(s.text) for g in golds):
                    continue
                seen.add(s.text)
                aligned, described = short_span(info, s.text), clause_span(info, s.text)
                spans = span_candidates(info, s.text, aligned, described)
                x = np.array([span_features(info, s.text, sp, aligned, described) for sp in spans])
                y = np.array([round(10 * max(f1_score(s.text[a:b], g) for g in golds)) for a, b in spans], dtype=float)
                if y.any():
                    span_rows.append((e.source, relative(x), y))
    return sentence_rows, augmented, span_rows, cached


def train(rows: Rows, params: dict[str, Any], rounds: int) -> lightgbm.Booster:
    """LambdaRank over each group's candidates."""
    data = lightgbm.Dataset(np.vstack([x for _, x, _ in rows]), np.concatenate([y for _, _, y in rows]),
                            group=[len(y) for _, _, y in rows])
    return lightgbm.train(params, data, rounds)


def train_linear(rows: Rows, steps: int = 500, lr: float = 1.0, l2: float = 1e-3) -> np.ndarray:
    """Listwise softmax regression over the best-graded candidates, the baseline; returns the weights."""
    w = np.zeros(rows[0][1].shape[1])
    for _ in range(steps):
        grad = l2 * w
        for _, x, y in rows:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            target = (y == y.max()).astype(float)
            grad += x.T @ (p - target / target.sum()) / len(rows)
        w -= lr * grad
    return w


def top1(rows: Rows, predict: Any) -> float:
    """Share of groups whose best-scored candidate holds a gold answer."""
    return float(np.mean([y[int(np.argmax(predict(x)))] > 0 for _, x, y in rows]))


def top1_grade(rows: Rows, predict: Any) -> float:
    """Mean grade of each group's best-scored candidate."""
    return float(np.mean([y[int(np.argmax(predict(x)))] for _, x, y in rows]))


def answer_all(assistant: Assistant, cached: list[Any], models: dict[int, tuple[Any, Any]],
               fold_of: dict[str, int]) -> list[answer_mod.Answer]:
    """Answer each question with the models of the fold that left its paragraph out."""
    answers = []
    for e, hits, sims in cached:
        sentence_model, span_model = models[fold_of.get(e.source, 0)]
        original = ranker._model
        ranker._model = (lambda path, a=sentence_model, b=span_model:  # type: ignore[assignment]
                         a if path == MODEL_PATH else b)
        try:
            answers.append(answer_mod.build_answer(
                e.question, hits, assistant.data.documents, assistant.settings, k=assistant.settings.top_k,
                paragraph_of=assistant._paragraph_of, idf=assistant._idf,
                similarity=lambda texts, s=sims: [s[t] for t in texts]))
        finally:
            ranker._model = original  # type: ignore[assignment]
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, help="keep the collected features here (delete it when features change)")
    args = parser.parse_args()
    assistant = _index_of(args.file)
    examples = [e for e in load_examples(args.file)[0] if e.question.strip()]
    cache = args.cache
    if cache and cache.exists():
        sentence_rows, augmented, span_rows, cached = pickle.loads(cache.read_bytes())
    else:
        sentence_rows, augmented, span_rows, cached = collect(assistant, examples)
        if cache:
            cache.write_bytes(pickle.dumps((sentence_rows, augmented, span_rows, cached)))
    groups = sorted({e.source for e in examples})
    fold_of = {g: i % args.folds for i, g in enumerate(groups)}
    sentence_cv, linear_cv, span_cv, models = [], [], [], {}
    for k in range(args.folds):
        def split(rows: Rows, k: int = k) -> tuple[Rows, Rows]:
            return [r for r in rows if fold_of[r[0]] != k], [r for r in rows if fold_of[r[0]] == k]

        train_rows, test_rows = split(sentence_rows)
        sentence_model = train(train_rows + split(augmented)[0], SENTENCE_PARAMS, SENTENCE_ROUNDS)
        sentence_cv.append(top1(test_rows, sentence_model.predict))
        w = train_linear(train_rows)
        linear_cv.append(top1(test_rows, lambda x, w=w: x @ w))
        span_train, span_test = split(span_rows)
        span_model = train(span_train, SPAN_PARAMS, SPAN_ROUNDS)
        span_cv.append(top1_grade(span_test, span_model.predict) / 10)
        models[k] = (sentence_model, span_model)
    print(f"questions: {len(examples)}; with a gold sentence among the candidates: {len(sentence_rows)}")
    print(f"cross-validated: the top-1 candidate holds a gold answer: LambdaRank {np.mean(sentence_cv):.3f}, "
          f"linear softmax {np.mean(linear_cv):.3f}")
    print(f"cross-validated short-answer F1 on sentences holding the gold: {100 * np.mean(span_cv):.1f}")
    answers = answer_all(assistant, cached, models, fold_of)
    print("cross-validated end-to-end (each question answered by models that never saw its paragraph):")
    print(json.dumps(score([e for e, _, _ in cached], answers), ensure_ascii=False))
    train(sentence_rows + augmented, SENTENCE_PARAMS, SENTENCE_ROUNDS).save_model(str(MODEL_PATH))
    train(span_rows, SPAN_PARAMS, SPAN_ROUNDS).save_model(str(SPAN_MODEL_PATH))
    print(f"wrote {MODEL_PATH.name} ({len(FEATURES)} features) and {SPAN_MODEL_PATH.name} "
          f"({len(SPAN_FEATURES)} features), trained on all {len(sentence_rows)} (+{len(augmented)} without word overlap) / {len(span_rows)} groups")


if __name__ == "__main__":
    main()
