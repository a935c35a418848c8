"""Grid-search the hybrid fusion (RRF k and dense weight) on question sets.

    python bench/tune_fusion.py tests/data/seed_questions.jsonl --squad ../shared/data/cmrc2018/cmrc2018_trial.json

Prints hit@1 / hit@5 for each setting, searching with the product's own ``hybrid_search``;
the defaults in ``assistant.config.Settings`` are the chosen ones. Index the seeds
(``python -m assistant index``) and evaluate the SQuAD file once first, so both indexes exist.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from assistant import Assistant
from assistant.config import DEFAULT_INDEX_DIR
from assistant.evaluate import Example, load_examples, retrieval_hit, squad_folders
from assistant.search import hybrid_search
from assistant.text import tokenize


def score(assistant: Assistant, examples: list[Example], k: float, w: float) -> tuple[float, float]:
    settings = replace(assistant.settings, rrf_k=k, dense_weight=w)
    h1 = h5 = 0
    for e in examples:
        vector = assistant.embedder.embed_queries([e.question])[0]
        hits = hybrid_search(assistant.store, vector, tokenize(e.question), 5, settings)
        rank = retrieval_hit(e, [h.passage.to_dict() for h in hits])
        h1 += rank == 1
        h5 += rank is not None
    return h1 / len(examples), h5 / len(examples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", type=Path)
    parser.add_argument("--seeds-index", type=Path, default=DEFAULT_INDEX_DIR)
    parser.add_argument("--squad", type=Path)
    args = parser.parse_args()
    sets = [("seeds", Assistant(args.seeds_index), args.questions)]
    if args.squad:
        sets.append(("squad", Assistant(squad_folders(args.squad)[0]), args.squad))
    data = [(name, a, [e for e in load_examples(p)[0] if e.answerable and e.question.strip()]) for name, a, p in sets]
    for k in (1, 5, 10, 20, 60):
        for w in (0.3, 0.4, 0.5, 0.6, 0.7):
            cells = [f"{name} hit@1 {h1:.3f} hit@5 {h5:.3f}" for name, a, rows in data
                     for h1, h5 in [score(a, rows, k, w)]]
            print(f"k={k:<3} w={w:.1f}  " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
