"""Grid-search the hybrid fusion (RRF k and dense weight) on question sets.

    python bench/tune_fusion.py --seeds-index .index/seeds tests/data/seed_questions.jsonl \
        --squad ../shared/data/cmrc2018/cmrc2018_trial.json

Prints hit@1 / hit@5 for each setting; the defaults in ``assistant.config.Settings`` are
the chosen ones.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from assistant import Assistant
from assistant.config import PROJECT_ROOT
from assistant.evaluate import load_examples, retrieval_hit
from assistant.search import Hit, bm25_ranking, dense_ranking, remove_near_duplicates, rrf_fuse
from assistant.text import tokenize


def rankings(assistant: Assistant, path: Path) -> list[tuple[object, list[int], list[int]]]:
    examples, _ = load_examples(path)
    out = []
    for e in examples:
        if not e.answerable or not e.question.strip():
            continue
        d, _ = dense_ranking(assistant.data, assistant._embed_query(e.question), 50)
        b, _ = bm25_ranking(assistant.data, tokenize(e.question), 50)
        out.append((e, d, b))
    return out


def score(assistant: Assistant, rows, k: float, w: float) -> tuple[float, float]:
    h1 = h5 = 0
    for e, d, b in rows:
        fused = rrf_fuse(d, b, k, w)[:20]
        hits = remove_near_duplicates([Hit(assistant.data.passages[i], s, 0, 0) for i, s in fused])[:5]
        rank = retrieval_hit(e, [{"source": h.passage.source, "text": h.passage.text} for h in hits])
        h1 += rank == 1
        h5 += rank is not None
    return h1 / len(rows), h5 / len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", type=Path)
    parser.add_argument("--seeds-index", type=Path, default=PROJECT_ROOT / ".index" / "seeds")
    parser.add_argument("--squad", type=Path)
    args = parser.parse_args()
    sets = [("seeds", Assistant(args.seeds_index), args.questions)]
    if args.squad:
        digest = hashlib.sha1(args.squad.read_bytes()).hexdigest()[:10]
        sets.append(("squad", Assistant(PROJECT_ROOT / ".index" / f"{args.squad.stem}-{digest}"), args.squad))
    data = [(name, a, rankings(a, p)) for name, a, p in sets]
    for k in (1, 5, 10, 20, 60):
        for w in (0.3, 0.4, 0.5, 0.6, 0.7):
            cells = [f"{name} hit@1 {h1:.3f} hit@5 {h5:.3f}" for name, a, rows in data
                     for h1, h5 in [score(a, rows, k, w)]]
            print(f"k={k:<3} w={w:.1f}  " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
