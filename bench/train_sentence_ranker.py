"""Learn the answer-sentence ranker (``assistant/sentence_ranker.txt``) on a SQuAD-format set.

A LightGBM LambdaRank model over the candidate sentences of each question (positive: the
sentences holding a gold answer), on :data:`assistant.ranker.FEATURES` taken as they are and
relative to the question's other candidates. Prints the cross-validated top-1 sentence
accuracy (folds split by paragraph, so no paragraph is both trained and tested on) next to
a plain linear softmax model, then trains on everything and writes the model file.

    python bench/train_sentence_ranker.py ../shared/data/cmrc2018/cmrc2018_trial.json
    python bench/train_sentence_ranker.py FILE --folds-out folds/  # one model per fold, for CV of the answers
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import lightgbm
import numpy as np

from assistant import Assistant
from assistant.cli import main as cli_main
from assistant.config import PROJECT_ROOT
from assistant.evaluate import _plain, load_examples
from assistant.question import analyse
from assistant.ranker import FEATURES, MODEL_PATH, candidate_features, relative

Rows = list[tuple[str, np.ndarray, np.ndarray]]
PARAMS = {"objective": "lambdarank", "lambdarank_truncation_level": 5, "learning_rate": 0.05, "num_leaves": 7,
          "min_data_in_leaf": 20, "lambda_l2": 1.0, "feature_fraction": 0.8, "bagging_fraction": 0.8,
          "bagging_freq": 1, "seed": 1, "num_threads": 2, "verbose": -1, "deterministic": True}
ROUNDS = 200


def collect(path: Path) -> Rows:
    """(group, features, labels) for every question whose gold is in some candidate."""
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:10]
    index = PROJECT_ROOT / ".index" / f"{path.stem}-{digest}"
    if not (index / "manifest.json").exists():
        cli_main(["eval", str(path), "--k", "1"])  # builds the index of the contexts
    assistant = Assistant(index)
    examples, _ = load_examples(path)
    rows = []
    for e in examples:
        if not e.question.strip():
            continue
        hits = assistant.search(e.question, 10)
        cands = candidate_features(analyse(e.question), hits, lambda t, q=e.question: assistant._similarity(q, t))
        golds = [_plain(g) for g in e.answers if g]
        labels = np.array([any(g in _plain(s.text) for g in golds) for (_, _, _, s), _ in cands], dtype=float)
        if labels.any():
            rows.append((e.source, relative(np.array([f for _, f in cands], dtype=float)), labels))
    return rows


def train(rows: Rows) -> lightgbm.Booster:
    """LambdaRank over each question's candidates."""
    data = lightgbm.Dataset(np.vstack([x for _, x, _ in rows]), np.concatenate([y for _, _, y in rows]),
                            group=[len(y) for _, _, y in rows])
    return lightgbm.train(PARAMS, data, ROUNDS)


def train_linear(rows: Rows, steps: int = 500, lr: float = 1.0, l2: float = 1e-3) -> np.ndarray:
    """Listwise softmax regression, the baseline; returns the weights."""
    w = np.zeros(rows[0][1].shape[1])
    for _ in range(steps):
        grad = l2 * w
        for _, x, y in rows:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += x.T @ (p - y / y.sum()) / len(rows)
        w -= lr * grad
    return w


def top1(rows: Rows, predict) -> float:  # type: ignore[no-untyped-def]
    """Share of questions whose best-scored sentence holds a gold answer."""
    return float(np.mean([y[int(np.argmax(predict(x)))] > 0 for _, x, y in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--folds-out", type=Path, help="also write the model of each fold here")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    rows = collect(args.file)
    groups = sorted({g for g, _, _ in rows})
    fold_of = {g: i % args.folds for i, g in enumerate(groups)}
    gbm, linear = [], []
    for k in range(args.folds):
        train_rows = [r for r in rows if fold_of[r[0]] != k]
        test_rows = [r for r in rows if fold_of[r[0]] == k]
        model = train(train_rows)
        gbm.append(top1(test_rows, model.predict))
        w = train_linear(train_rows)
        linear.append(top1(test_rows, lambda x, w=w: x @ w))
        if args.folds_out:
            args.folds_out.mkdir(parents=True, exist_ok=True)
            model.save_model(str(args.folds_out / f"fold{k}.txt"))
            (args.folds_out / f"fold{k}.groups").write_text("\n".join(g for g in groups if fold_of[g] == k))
    model = train(rows)
    print(f"questions with a gold sentence among the candidates: {len(rows)}")
    print(f"cross-validated top-1 sentence accuracy, LambdaRank: {np.mean(gbm):.3f} "
          f"(folds: {', '.join(f'{s:.3f}' for s in gbm)})")
    print(f"cross-validated top-1 sentence accuracy, linear softmax: {np.mean(linear):.3f}")
    print(f"LambdaRank trained on all, on its own training set: {top1(rows, model.predict):.3f}")
    model.save_model(str(args.out))
    importance = model.feature_importance("gain")
    names = [f"{n}{suffix}" for suffix in ("", "-best", "-mean") for n in FEATURES]
    print(f"wrote {args.out}; top features by gain:")
    for i in np.argsort(-importance)[:12]:
        print(f"  {names[i]:24s} {importance[i]:.0f}")


if __name__ == "__main__":
    main()
