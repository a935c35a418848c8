"""An archive of N passages: how the store grows, opens and answers, beside two peers.

    python bench/bench_scale.py --passages 100000 [--json] [--no-peers] [--store milvus-lite]

Pages are made of real Chinese text: sentences of the seed pages, the CMRC 2018 trial set and
the DRCD dev set (in simplified script), recombined into passages of 2–4 consecutive
sentences and pages of 40 passages. Embedding N passages is beyond 2 cores, so only a pool of
sentences is embedded with the real model; a passage's vector is the normalised mean of its
sentences' vectors (the output says so). Questions are the sets' own questions about pooled
sentences, embedded for real.

Measured: add throughput (store only: vectors given), adding one real 20 KB page (reading it,
embedding its passages and sentences, storing it) and removing it, a cold open in a fresh
process, hybrid search and full ``ask`` p50/p95 (``ask`` from its ``timings``), the resident memory of that process and the index size on disk. Then,
on the same passages and vectors: a LangChain-style pipeline (langchain-community FAISS +
BM25Retriever in an EnsembleRetriever, as Langchain-Chatchat builds hybrid search) and txtai's
hybrid index (peers are skipped when not installed, or past --peers-max passages). Each peer
is timed twice: with the questions' vectors given (as our search is), and embedding each
question with the same model, as it would in use (our ``ask`` is timed with its embedding).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chunking import Passage, Sentence  # noqa: E402
from assistant.config import DEFAULT_MODELS_FILE, INDEX_CACHE_DIR  # noqa: E402
from assistant.embedding import Embedder, content_hash, load_embedder  # noqa: E402
from assistant.evaluate import load_examples  # noqa: E402
from assistant.ingest import batched_embed  # noqa: E402
from assistant.store import NewSource, SourceFile, Store  # noqa: E402
from assistant.text import sentence_spans, simplified, tokenize  # noqa: E402

SETS = [ROOT.parent / "shared" / "data" / "cmrc2018" / "cmrc2018_trial.json",
        ROOT.parent / "shared" / "data" / "drcd" / "DRCD_dev.json"]
SEEDS = ROOT / "seeds"
SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.jsonl"
PAGE_PASSAGES = 40
ARTICLE_PASSAGES = 10
COMMIT_PAGES = 250  # pages per bulk commit while building
PAGE_FILE = SEEDS / "001_f0849b058b181496.txt"  # a real 18 KB page, for "add one page"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile of values (0 when there are none)."""
    return float(np.percentile(values, q)) if values else 0.0


def rss_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak, in MB."""
    status = Path("/proc/self/status").read_text()
    now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return now / 1024, peak / 1024


def disk_mb(folder: Path) -> float:
    """Bytes under a folder, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


# ---------------------------------------------------------------------- the corpus

def sentences_of(text: str) -> list[str]:
    """A text's sentences of at least 6 characters, stripped."""
    return [t for s, e in sentence_spans(text) if len(t := text[s:e].strip()) >= 6]


def load_corpus(sets: list[Path]) -> tuple[list[list[str]], list[tuple[str, str, str]]]:
    """Real text in runs of consecutive sentences (the seed pages first, then one run per
    context of each set found), and questions with the run they are about and a gold answer
    (the seed questions are about the seed pages, always pooled)."""
    runs: list[list[str]] = []
    questions: list[tuple[str, str, str]] = []
    for page in sorted(SEEDS.glob("*.txt")):
        runs.append(sentences_of(page.read_text(encoding="utf-8")))
    seed_examples, _ = load_examples(SEED_QUESTIONS)
    questions += [(e.question, "0", e.answers[0]) for e in seed_examples if e.answers and e.lang == "zh"]
    for path in sets:
        if not path.exists():
            continue
        examples, contexts = load_examples(path)
        context_run = {}
        for name, text in contexts.items():
            context_run[name] = len(runs)
            runs.append(sentences_of(simplified(text)))
        questions += [(simplified(e.question), str(context_run.get(e.source or "", -1)), simplified(e.answers[0]))
                      for e in examples if e.answers]
    return runs, questions  # empty runs stay, so that run numbers hold


def embedded_pool(runs: list[list[str]], budget: int, embedder: Embedder) -> tuple[list[list[str]], np.ndarray]:
    """The first runs holding up to ``budget`` sentences, and a real vector for each sentence
    (cached under .index/bench/ by content and model)."""
    pool, count = [], 0
    for run in runs:
        if count >= budget:
            break
        pool.append(run[: budget - count])
        count += len(pool[-1])
    sentences = [s for run in pool for s in run]
    key = hashlib.sha1("\n".join([embedder.id, *sentences]).encode()).hexdigest()[:16]
    cache = INDEX_CACHE_DIR / "bench" / f"pool-{key}.npy"
    if cache.exists():
        return pool, np.load(cache)
    vectors = batched_embed(embedder)(sentences)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return pool, vectors


def pages(pool: list[list[str]], vectors: np.ndarray, n_passages: int, embedder_id: str,
          seed: int = 0) -> Iterator[NewSource]:
    """Pages of recombined passages until ``n_passages`` passages were made, each sentence
    stored with its real vector (as indexing stores every sentence's)."""
    rng = random.Random(seed)
    offsets = np.cumsum([0] + [len(r) for r in pool])
    made = page_no = 0
    while made < n_passages:
        name = f"page-{page_no:07d}.txt"
        text, passages, rows, sentence_vectors = "", [], [], {}
        for n in range(min(PAGE_PASSAGES, n_passages - made)):
            r = rng.randrange(len(pool))
            while not pool[r]:
                r = rng.randrange(len(pool))
            run = pool[r]
            width = rng.randint(2, 4)
            first = rng.randrange(max(len(run) - width + 1, 1))
            chosen = list(range(first, min(first + width, len(run))))
            start = len(text)
            sentences = []
            for i in chosen:
                sentences.append(Sentence(run[i], len(text), len(text) + len(run[i])))
                sentence_vectors[content_hash(embedder_id, run[i])] = vectors[offsets[r] + i]
                text += run[i]
            article = n // ARTICLE_PASSAGES
            passages.append(Passage(f"{name}#{n}", name, f"第{page_no}版第{article}篇", article, n, start, len(text),
                                    text[start:], sentences=sentences))
            rows.append(vectors[[offsets[r] + i for i in chosen]].mean(axis=0))
            text += "\n"
        made += len(passages)
        page_no += 1
        matrix = np.asarray(rows, dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        digest = hashlib.sha256(text.encode()).hexdigest()
        yield NewSource(SourceFile(name, name, digest, len(text.encode()), len(passages), article + 1), text,
                        passages, matrix, [content_hash("bench", p.text) for p in passages], sentence_vectors)


@functools.lru_cache(maxsize=1 << 20)
def _piece_tokens(piece: str) -> tuple[str, ...]:
    return tuple(tokenize(piece))


def memo_tokenize(text: str) -> list[str]:
    """jieba tokens sentence by sentence, each sentence tokenised once (the archive repeats
    sentences, so building stays fast)."""
    return [t for piece in re.split(r"(?<=[。！？\n])", text) if piece for t in _piece_tokens(piece)]


# ---------------------------------------------------------------------- our store

def open_store(kind: str, folder: Path, embedder_id: str | None = None, dim: int | None = None) -> Store:
    """The store under test: the local one in ``folder``, or milvus-lite in ``folder``.db."""
    from assistant.local_store import LocalStore
    from assistant.milvus_store import MilvusStore

    if kind == "milvus-lite":
        return MilvusStore.open(f"milvus-lite:{folder}.db", embedder_id, dim, tokenizer=memo_tokenize)
    return LocalStore.open(folder, embedder_id, dim, tokenizer=memo_tokenize)


def build(folder: Path, pool: list[list[str]], vectors: np.ndarray, n: int, embedder: Embedder,
          corpus: list[NewSource] | None, kind: str = "local") -> dict[str, Any]:
    """Build the archive in the store of ``kind`` (keeping its pages in ``corpus`` for the
    peers, if given); time bulk adds, one real page added, removed."""
    from assistant.ingest import add_parsed, parse_source

    store = open_store(kind, folder, embedder.id, embedder.dim)
    t0 = time.perf_counter()
    batch: list[NewSource] = []
    for page in pages(pool, vectors, n, embedder.id):
        if corpus is not None:
            corpus.append(page)
        batch.append(page)
        if len(batch) == COMMIT_PAGES:
            store.add_sources(batch)
            batch = []
    store.add_sources(batch)
    build_s = time.perf_counter() - t0
    raw = PAGE_FILE.read_bytes()
    getattr(embedder, "warm_up", lambda: None)()  # as in the app: the fast engine is loaded
    embed_s = 0.0
    embed_passages = embedder.embed_passages

    def timed(texts: list[str]) -> np.ndarray:
        nonlocal embed_s
        t = time.perf_counter()
        try:
            return embed_passages(texts)
        finally:
            embed_s += time.perf_counter() - t

    embedder.embed_passages = timed  # type: ignore[method-assign]
    t0 = time.perf_counter()
    parsed = parse_source("added-page.txt", str(PAGE_FILE), raw)
    add_parsed(store, parsed, embedder)
    add_s = time.perf_counter() - t0
    embedder.embed_passages = embed_passages  # type: ignore[method-assign]
    store_s = add_s - embed_s
    t0 = time.perf_counter()
    store.delete_source("added-page.txt")
    remove_s = time.perf_counter() - t0
    store.close()
    return {"build_s": round(build_s, 1), "add_passages_per_s": round(n / build_s),
            "add_page_s": round(add_s, 2), "add_page_embed_s": round(embed_s, 2),
            "add_page_store_s": round(store_s, 3), "add_page_passages": len(parsed.passages),
            "add_page_kb": round(len(raw) / 1024, 1), "remove_page_s": round(remove_s, 3)}


def measure(folder: Path, questions_file: Path, kind: str = "local") -> dict[str, Any]:
    """In a fresh process: open the archive, then time search and ask (see ``--measure``)."""
    out = subprocess.run([sys.executable, __file__, "--store", kind, "--measure", str(folder), str(questions_file)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"the measuring process failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure_here(folder: Path, questions_file: Path, kind: str = "local") -> dict[str, Any]:
    """Open the archive cold, then search and ask every question; report timings and memory."""
    from assistant import Assistant
    from assistant.search import hybrid_search

    questions = json.loads(questions_file.read_text(encoding="utf-8"))
    query_vectors = np.load(questions_file.with_suffix(".npy"))
    t0 = time.perf_counter()
    store = open_store(kind, folder)
    store.dense_search(query_vectors[0], 1)
    store.lexical_search(tokenize(questions[0]), 1)
    open_s = time.perf_counter() - t0
    embedder = load_embedder(DEFAULT_MODELS_FILE)
    assistant = Assistant(folder, embedder=embedder, store=store)
    assistant.warm_up()
    search_ms = []
    for q, v in zip(questions, query_vectors):
        t0 = time.perf_counter()
        hybrid_search(store, v, tokenize(q), 5, assistant.settings)
        search_ms.append((time.perf_counter() - t0) * 1000)
    ask_ms, found = [], 0
    for q in questions:
        answer = assistant.ask(q)
        found += answer.found
        ask_ms.append(answer.timings.total_ms if answer.timings else 0.0)
    now, peak = rss_mb()
    return {"open_s": round(open_s, 2), "search_p50_ms": round(percentile(search_ms, 50), 1),
            "search_p95_ms": round(percentile(search_ms, 95), 1), "ask_p50_ms": round(percentile(ask_ms, 50), 1),
            "ask_p95_ms": round(percentile(ask_ms, 95), 1), "found": round(found / len(questions), 3),
            "rss_mb": round(now), "rss_peak_mb": round(peak)}


# ---------------------------------------------------------------------- peers

def langchain_peer(corpus: list[NewSource], embed: Callable[[str], np.ndarray]) -> tuple[float, Callable[[str], Any]]:
    """LangChain's hybrid search as Langchain-Chatchat builds it: FAISS + BM25Retriever in an
    EnsembleRetriever (equal weights), over the same passages, vectors and jieba tokens; the
    question is embedded by ``embed``. Returns the build time and the search."""
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.embeddings import Embeddings

    class Given(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise NotImplementedError("documents come with their vectors")

        def embed_query(self, text: str) -> list[float]:
            return embed(text).tolist()  # type: ignore[no-any-return]

    texts = [p.text for page in corpus for p in page.passages]
    vectors = np.concatenate([page.vectors for page in corpus])
    t0 = time.perf_counter()
    dense = FAISS.from_embeddings(list(zip(texts, vectors.tolist())), Given())
    bm25 = BM25Retriever.from_texts(texts, preprocess_func=memo_tokenize, k=5)
    ensemble = EnsembleRetriever(retrievers=[bm25, dense.as_retriever(search_kwargs={"k": 5})], weights=[0.5, 0.5])
    return time.perf_counter() - t0, ensemble.invoke


def txtai_peer(corpus: list[NewSource], embed: Callable[[str], np.ndarray]) -> tuple[float, Callable[[str], Any]]:
    """txtai's hybrid index (its BM25 with dense vectors) over the same passages and vectors;
    texts are given as space-joined jieba tokens, since txtai's tokenizer does not segment
    Chinese (a question is tokenized the same way, while timed); a question is embedded by
    ``embed``. Returns the build time and the search."""
    from txtai import Embeddings

    docs = [(" ".join(memo_tokenize(p.search_text)), v) for page in corpus for p, v in zip(page.passages, page.vectors)]
    vector_of = {text: v for text, v in docs}
    question_of: dict[str, str] = {}

    def transform(texts: list[str]) -> np.ndarray:
        return np.stack([vector_of[t] if t in vector_of else embed(question_of[t]) for t in texts])

    def search(question: str) -> Any:
        query = " ".join(tokenize(question)) or question
        question_of[query] = question
        return embeddings.search(query, 5)

    t0 = time.perf_counter()
    embeddings = Embeddings(method="external", transform=transform, hybrid=True, backend="faiss",
                            faiss={"quantize": False}, content=False)
    embeddings.index([(i, text, None) for i, (text, _) in enumerate(docs)])
    return time.perf_counter() - t0, search


PEERS: dict[str, Callable[[list[NewSource], Callable[[str], np.ndarray]], tuple[float, Callable[[str], Any]]]] = {
    "langchain_faiss_bm25_ensemble": langchain_peer, "txtai_hybrid": txtai_peer}


def time_peer(peer: Callable[[list[NewSource], Callable[[str], np.ndarray]], tuple[float, Callable[[str], Any]]],
              corpus: list[NewSource], questions: list[str], query_vectors: np.ndarray, embedder: Embedder) -> dict[str, Any]:
    """Build a peer, then time its search over the questions with their vectors given, and
    again embedding each question."""
    given = dict(zip(questions, query_vectors))
    live = [False]
    build_s, search = peer(corpus, lambda q: embedder.embed_queries([q])[0] if live[0] else given[q])
    report: dict[str, Any] = {"build_s": round(build_s, 1)}
    for name, embedding in (("search", False), ("embed_search", True)):
        live[0] = embedding
        times = []
        for q in questions:
            t0 = time.perf_counter()
            search(q)
            times.append((time.perf_counter() - t0) * 1000)
        report |= {f"{name}_p50_ms": round(percentile(times, 50), 1), f"{name}_p95_ms": round(percentile(times, 95), 1)}
    return report


# ---------------------------------------------------------------------- main

def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build, measure, compare; the report as a dict."""
    embedder = load_embedder(DEFAULT_MODELS_FILE)
    runs, all_questions = load_corpus(SETS)
    budget = min(args.embed_budget, max(args.passages, 50))
    pool, vectors = embedded_pool(runs, budget, embedder)
    pooled_runs = {str(i) for i in range(len(pool))}
    asked = [q for q, run_id, _ in all_questions if run_id in pooled_runs]
    random.Random(1).shuffle(asked)
    asked = list(dict.fromkeys(asked))[: args.questions]
    query_vectors = embedder.embed_queries(asked)
    report: dict[str, Any] = {"passages": args.passages, "questions": len(asked),
                              "vectors": f"each passage's vector is the normalised mean of real vectors of its "
                                         f"sentences ({len(vectors)} sentences embedded with {embedder.id})"}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        folder = Path(tmp) / "archive"
        with_peers = args.peers and args.passages <= args.peers_max
        corpus: list[NewSource] = []
        report["store"] = args.store
        report |= build(folder, pool, vectors, args.passages, embedder, corpus if with_peers else None, args.store)
        report["disk_mb"] = round(disk_mb(folder if args.store == "local" else folder.with_suffix(".db")), 1)
        qfile = Path(tmp) / "questions.json"
        qfile.write_text(json.dumps(asked, ensure_ascii=False), encoding="utf-8")
        np.save(qfile.with_suffix(".npy"), query_vectors)
        report |= measure(folder, qfile, args.store)
        report["peers"] = {}
        if with_peers:
            for name, peer in PEERS.items():
                try:
                    report["peers"][name] = time_peer(peer, corpus, asked, query_vectors, embedder)
                except ImportError as exc:
                    report["peers"][name] = {"skipped": f"not installed ({exc.name})"}
        elif args.peers:
            report["peers_skipped"] = f"peers run up to --peers-max {args.peers_max} passages"
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--embed-budget", type=int, default=4000, help="sentences embedded for real")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-peers", dest="peers", action="store_false")
    parser.add_argument("--peers-max", type=int, default=200_000)
    parser.add_argument("--workdir", type=Path, default=None, help="where the archive is built (a temp folder)")
    parser.add_argument("--store", choices=["local", "milvus-lite"], default="local", help="the store measured")
    parser.add_argument("--measure", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_here(*args.measure, args.store)))
        return
    report = run(args)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for key, value in report.items():
        if key != "peers":
            print(f"{key:>20}: {value}")
    for name, figures in report["peers"].items():
        print(f"{'peer ' + name:>20}: {figures}")


if __name__ == "__main__":
    main()
