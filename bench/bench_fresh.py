"""Answer latency on questions a process has never seen: nothing memoised, as for a new archive.

    python bench/bench_fresh.py ../shared/data/drcd/DRCD_dev.json [--questions 200] [--skip 600] [--json]

Opens the SQuAD set's own index (``python -m assistant eval`` builds it), warms the models
up, then asks ``--questions`` questions (after skipping ``--skip``), each once, in this new
process, and reports the full
``ask`` p50 / p95 and the milliseconds per question spent tagging parts of speech (jieba's
decoder, :mod:`assistant.postag`), which fresh sentences pay and the scale benchmark's
recombined ones mostly do not.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from assistant import Assistant, AssistantError, postag
from assistant.evaluate import load_examples, squad_folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("squad", type=Path, help="a SQuAD-format set, indexed by `python -m assistant eval` first")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--skip", type=int, default=600, help="questions to pass over first")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    try:
        examples = [e for e in load_examples(args.squad)[0] if e.question.strip()]
    except AssistantError as exc:
        raise SystemExit(str(exc)) from exc
    assistant = Assistant(squad_folders(args.squad)[0])
    if not assistant.exists():
        raise SystemExit(f"{args.squad}: index it first with `python -m assistant eval {args.squad}`")
    assistant.warm_up()
    spent = [0.0]
    tagged = postag.tagged

    def timed(text: str) -> list[tuple[str, str]]:
        t0 = time.perf_counter()
        try:
            return tagged(text)
        finally:
            spent[0] += time.perf_counter() - t0

    postag.tagged = timed  # pos_words reads it by name
    times = []
    for e in examples[args.skip:args.skip + args.questions]:
        t0 = time.perf_counter()
        assistant.ask(e.question)
        times.append((time.perf_counter() - t0) * 1000)
    report = {"set": args.squad.name, "questions": len(times),
              "ask_p50_ms": round(float(np.percentile(times, 50)), 1),
              "ask_p95_ms": round(float(np.percentile(times, 95)), 1),
              "tagging_ms_per_question": round(spent[0] * 1000 / max(len(times), 1), 1)}
    print(json.dumps(report) if args.json else
          f"{report['set']}: {report['questions']} fresh questions, ask p50 {report['ask_p50_ms']} ms, "
          f"p95 {report['ask_p95_ms']} ms; tagging {report['tagging_ms_per_question']} ms a question")


if __name__ == "__main__":
    main()
