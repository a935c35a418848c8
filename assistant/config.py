"""Named defaults in one place.

Environment variables are read at the edges (``cli.py``, ``app.py``), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_INDEX_DIR = PROJECT_ROOT / ".index" / "seeds"
DEFAULT_MODELS_FILE = PROJECT_ROOT / "models.txt"

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
INDEX_FORMAT_VERSION = 1
# bump when parsing or chunking changes, so unchanged files are parsed again
PARSER_VERSION = 3


@dataclass(frozen=True)
class Settings:
    """Tunable defaults of the whole pipeline.

    The numbers were tuned on the seed question set and CMRC 2018 (see README).
    """

    # chunking
    passage_max_chars: int = 220
    passage_min_chars: int = 40
    # retrieval: weighted RRF, tuned with bench/tune_fusion.py (k=60, w=0.5 lost hit@1 on both sets)
    top_k: int = 5
    candidates: int = 50
    dense_weight: float = 0.4
    rrf_k: float = 1.0
    near_duplicate_jaccard: float = 0.8
    # answers
    no_answer_threshold: float = 0.40
    answer_max_sentences: int = 2
    # summaries
    summary_ratio: float = 0.2
    summary_max_sentences: int = 8
    summary_min_sentences: int = 2
    # uploads
    max_upload_bytes: int = 20 * 1024 * 1024
    max_text_chars: int = 2_000_000
    # embeddings
    embed_batch_size: int = 32
    hub_check_timeout_s: float = 1.0


DEFAULT_SETTINGS = Settings()
