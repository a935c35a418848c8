"""Time indexing the seeds from scratch and a warm `ask` (index and model loaded).

    python bench/bench_ask.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from assistant import Assistant
from assistant.config import DEFAULT_SEEDS_DIR

QUESTIONS = ["山西2026年15件民生实事是什么", "山西5G基站数量达到多少？", "哪个县空气质量综合指数最低？",
             "How many mobile phone users does Shanxi have?", "大同医保部门集采累计节约医疗机构采购费用多少？"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        assistant = Assistant(Path(tmp) / "index")
        report = assistant.index([DEFAULT_SEEDS_DIR])
        print(f"index the seeds from scratch: {time.perf_counter() - t0:.1f} s ({report.passages} passages)")
        fresh = Assistant(Path(tmp) / "index")
        t0 = time.perf_counter()
        fresh.stats()
        print(f"load the index: {time.perf_counter() - t0:.2f} s")
        times = []
        for q in QUESTIONS * 3:
            t0 = time.perf_counter()
            fresh.ask(q)
            times.append(time.perf_counter() - t0)
        first = times[: len(QUESTIONS)]
        print(f"warm ask, new question: median {statistics.median(first) * 1000:.0f} ms, max {max(first) * 1000:.0f} ms")
        print(f"warm ask, repeated question: median {statistics.median(times[len(QUESTIONS):]) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
