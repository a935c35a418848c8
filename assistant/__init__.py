"""Offline cited question answering and extractive summaries over Chinese news pages."""

from __future__ import annotations

from .answer import Answer, Citation
from .chunking import Passage, Sentence
from .config import DEFAULT_SETTINGS, Settings
from .core import Assistant, IndexReport
from .errors import AssistantError, DocumentError, IndexError_, ModelError, QueryError
from .summary import Summary, SummarySentence

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "DEFAULT_SETTINGS",
    "DocumentError",
    "IndexError_",
    "IndexReport",
    "ModelError",
    "Passage",
    "QueryError",
    "Sentence",
    "Settings",
    "Summary",
    "SummarySentence",
]
