"""Learn the answer-sentence weights (``assistant.answer.SENTENCE_WEIGHTS``) on a SQuAD-format set.

A listwise softmax model over the candidate sentences of each question (positive: the
sentences holding a gold answer), trained by gradient descent in NumPy. Prints the
cross-validated top-1 sentence accuracy (folds split by paragraph, so no paragraph is
both trained and tested on) and the weights trained on everything.

    python bench/train_sentence_ranker.py ../shared/data/cmrc2018/cmrc2018_trial.json
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

from assistant import Assistant
from assistant.answer import FEATURES, analyse, candidate_features
from assistant.cli import main as cli_main
from assistant.config import PROJECT_ROOT
from assistant.evaluate import _plain, load_examples


def collect(path: Path) -> list[tuple[str, np.ndarray, np.ndarray]]:
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
            rows.append((e.source, np.array([f for _, f in cands], dtype=float), labels))
    return rows


def train(rows: list[tuple[str, np.ndarray, np.ndarray]], steps: int = 1500, lr: float = 1.0,
          l2: float = 1e-3) -> np.ndarray:
    """Listwise softmax regression; returns the weights."""
    w = np.zeros(len(FEATURES))
    for _ in range(steps):
        grad = l2 * w
        for _, x, y in rows:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            target = y / y.sum()
            grad += x.T @ (p - target) / len(rows)
        w -= lr * grad
    return w


def top1(rows: list[tuple[str, np.ndarray, np.ndarray]], w: np.ndarray) -> float:
    """Share of questions whose best-scored sentence holds a gold answer."""
    return float(np.mean([y[int(np.argmax(x @ w))] > 0 for _, x, y in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = collect(args.file)
    groups = sorted({g for g, _, _ in rows})
    fold_of = {g: i % args.folds for i, g in enumerate(groups)}
    scores = []
    for k in range(args.folds):
        train_rows = [r for r in rows if fold_of[r[0]] != k]
        test_rows = [r for r in rows if fold_of[r[0]] == k]
        scores.append(top1(test_rows, train(train_rows)))
    w = train(rows)
    print(f"questions with a gold sentence among the candidates: {len(rows)}")
    print(f"cross-validated top-1 sentence accuracy: {np.mean(scores):.3f} (folds: {', '.join(f'{s:.3f}' for s in scores)})")
    print(f"trained on all: {top1(rows, w):.3f}")
    print("SENTENCE_WEIGHTS = (" + ", ".join(f"{v:.3f}" for v in w) + ")")
    for name, v in zip(FEATURES, w):
        print(f"  {name:18s} {v:+.3f}")


if __name__ == "__main__":
    main()
