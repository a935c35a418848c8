"""milvus-lite's lexical side, measured against the local store's BM25 (tantivy).

    python bench/bench_milvus.py [--passages 10000] [--questions 200] [--json]

On the archive of ``bench_scale.py`` (real Chinese sentences recombined into pages):

1. **Milvus's BM25 function** (what :class:`~assistant.milvus_store.MilvusStore` uses) against
   **sparse vectors computed here** (BM25 document weights with the batch's avgdl and df,
   queries weighted by idf; an IP index): for each question, how many of the local store's
   top 10 lexical hits each finds (overlap@10), whether the top hit is the same, and the
   search time.
2. **Per-segment statistics**: milvus-lite computes BM25 per segment. The archive is loaded in
   batches and flushed, then one page is added on its own and flushed; each of its passages is
   searched with its own first sentence, and its score and rank are compared with the same
   page's when it was loaded with the rest.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_scale import SETS, embedded_pool, load_corpus, memo_tokenize, pages, percentile  # noqa: E402

from assistant.config import DEFAULT_MODELS_FILE  # noqa: E402
from assistant.embedding import load_embedder  # noqa: E402
from assistant.local_store import LocalStore  # noqa: E402
from assistant.milvus_store import MilvusStore, lexical_body  # noqa: E402
from assistant.store import NewSource  # noqa: E402

K1, B = 1.2, 0.75
TOP = 10


def client_sparse(client: Any, corpus: list[NewSource]) -> tuple[str, dict[str, float]]:
    """A collection of BM25 weights computed here; returns its name and the idf table."""
    from pymilvus import DataType

    docs = [(pid, Counter(lexical_body(memo_tokenize(p.search_text)).split()))
            for pid, p in enumerate((p for s in corpus for p in s.passages), 1)]
    n = len(docs)
    avgdl = sum(sum(c.values()) for _, c in docs) / n
    df = Counter(t for _, c in docs for t in c)
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
    vocab = {t: i for i, t in enumerate(sorted(df))}
    s = client.create_schema(auto_id=False)
    s.add_field("id", DataType.INT64, is_primary=True)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    index = client.prepare_index_params()
    index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_collection("client_sparse", schema=s, index_params=index)
    rows = []
    for pid, c in docs:
        dl = sum(c.values())
        rows.append({"id": pid, "sparse": {vocab[t]: tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
                                           for t, tf in c.items()}})
    for start in range(0, len(rows), 1000):
        client.insert("client_sparse", rows[start:start + 1000])
    client.flush("client_sparse")  # sealed, as the store's own rows are
    return "client_sparse", {**idf, "__vocab__": vocab}  # type: ignore[dict-item]


def compare(local: LocalStore, milvus: MilvusStore, questions: list[str], tables: tuple[str, dict[str, Any]]) -> dict:
    """Overlap@10 and same-top-1 of both Milvus lexical sides with the local store's."""
    name, idf = tables
    vocab = idf["__vocab__"]
    figures: dict[str, list[float]] = {k: [] for k in ("fn_overlap", "fn_top1", "fn_ms", "cs_overlap", "cs_top1",
                                                       "cs_ms")}
    for q in questions:
        tokens = memo_tokenize(q)
        want = [i for i, _ in local.lexical_search(tokens, TOP)]
        if not want:
            continue
        t0 = time.perf_counter()
        got = [i for i, _ in milvus.lexical_search(tokens, TOP)]
        figures["fn_ms"].append((time.perf_counter() - t0) * 1000)
        query = {vocab[t]: idf[t] for t in set(lexical_body(tokens).split()) if t in vocab}
        t0 = time.perf_counter()
        hits = milvus._client.search(name, data=[query], anns_field="sparse", limit=TOP, output_fields=["id"],
                                     search_params={"metric_type": "IP"})[0] if query else []
        figures["cs_ms"].append((time.perf_counter() - t0) * 1000)
        mine = [int(h["id"]) for h in hits]
        figures["fn_overlap"].append(len(set(got) & set(want)) / len(want))
        figures["fn_top1"].append(float(bool(got) and got[0] == want[0]))
        figures["cs_overlap"].append(len(set(mine) & set(want)) / len(want))
        figures["cs_top1"].append(float(bool(mine) and mine[0] == want[0]))
    out = {k: round(float(np.mean(v)), 3) for k, v in figures.items() if not k.endswith("_ms")}
    out |= {f"{k}_p50": round(percentile(v, 50), 1) for k, v in figures.items() if k.endswith("_ms")}
    out["questions"] = len(figures["fn_top1"])
    return out


def segments(milvus_db: Path, corpus: list[NewSource], embedder_id: str, dim: int) -> dict[str, Any]:
    """The last page's own-sentence scores and ranks: loaded with the rest, then alone."""
    last = corpus[-1]
    probes = [memo_tokenize(p.sentences[0].text if p.sentences else p.text) for p in last.passages]

    def probe(store: MilvusStore) -> tuple[list[float], list[int]]:
        own = {n: p.text for n, p in enumerate(last.passages)}
        scores, ranks = [], []
        for n, tokens in enumerate(probes):
            ranked = store.lexical_search(tokens, 50)
            found = store.passages([i for i, _ in ranked])
            texts = [found[i].text for i, _ in ranked]
            if own[n] in texts:
                at = texts.index(own[n])
                scores.append(ranked[at][1])
                ranks.append(at + 1)
            else:
                scores.append(0.0)
                ranks.append(51)
        return scores, ranks

    out: dict[str, Any] = {}
    for mode in ("batch", "alone"):
        uri = f"milvus-lite:{milvus_db.with_name(f'{milvus_db.stem}-{mode}.db')}"
        store = MilvusStore.open(uri, embedder_id, dim, tokenizer=memo_tokenize)
        rest = corpus[:-1] if mode == "alone" else corpus
        for start in range(0, len(rest), 250):
            store.add_sources(rest[start:start + 250])
        store._client.flush(store._passages)
        if mode == "alone":
            store.add_sources([last])
            store._client.flush(store._passages)
        out[mode] = probe(store)
        store.close()
    batch, alone = out["batch"], out["alone"]
    ratio = [a / b for a, b in zip(alone[0], batch[0]) if b > 0]
    return {"page_passages": len(probes), "score_ratio_alone_to_batch": round(float(np.mean(ratio)), 3),
            "mean_rank_batch": round(float(np.mean(batch[1])), 2), "mean_rank_alone": round(float(np.mean(alone[1])), 2),
            "top1_batch": round(float(np.mean([r == 1 for r in batch[1]])), 3),
            "top1_alone": round(float(np.mean([r == 1 for r in alone[1]])), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    embedder = load_embedder(DEFAULT_MODELS_FILE)
    runs, all_questions = load_corpus(SETS)
    pool, vectors = embedded_pool(runs, 4000, embedder)
    pooled = {str(i) for i in range(len(pool))}
    asked = list(dict.fromkeys(q for q, run, _ in all_questions if run in pooled))
    random.Random(1).shuffle(asked)
    asked = asked[: args.questions]
    corpus = list(pages(pool, vectors, args.passages, embedder.id))
    report: dict[str, Any] = {"passages": args.passages}
    with tempfile.TemporaryDirectory() as tmp:
        local = LocalStore.open(Path(tmp) / "local", embedder.id, embedder.dim, tokenizer=memo_tokenize)
        milvus = MilvusStore.open(f"milvus-lite:{tmp}/milvus.db", embedder.id, embedder.dim, tokenizer=memo_tokenize)
        for start in range(0, len(corpus), 250):
            local.add_sources(corpus[start:start + 250])
            milvus.add_sources(corpus[start:start + 250])
        report["lexical"] = compare(local, milvus, asked, client_sparse(milvus._client, corpus))
        local.close()
        milvus.close()
        report["segments"] = segments(Path(tmp) / "seg.db", corpus, embedder.id, embedder.dim)
    print(json.dumps(report, ensure_ascii=False) if args.json else json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
