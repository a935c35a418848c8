"""Quality measures: retrieval hit@k, answer accuracy, short-answer EM/F1, no-answer precision.

Question files are JSONL (``question``, ``answers``, optional ``evidence``, ``source``,
``answerable``) or SQuAD-format JSON, whose contexts are indexed one file each.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .answer import Answer
from .config import ANSWER_MAX_CHARS, INDEX_CACHE_DIR
from .errors import QueryError
from .text import normalize

HIT_KS = (1, 3, 5, 10)


@dataclass
class Example:
    """One evaluation question and what counts as right."""

    question: str
    answers: list[str] = field(default_factory=list)
    evidence: str = ""
    source: str = ""
    answerable: bool = True
    lang: str = "zh"


def plain(text: str) -> str:
    """Normalised text without spaces and punctuation, for containment checks."""
    t = normalize(text)
    return "".join(ch for ch in t if not ch.isspace() and ch not in string.punctuation
                   and not re.match(r"[\u3000-\u303f\uff00-\uffef“”‘’—…·、]", ch))


def holds_answer(example: Example, text: str) -> bool:
    """Whether ``text`` holds one of the example's gold answers (read :func:`plain`)."""
    held = plain(text)
    return any(plain(g) in held for g in example.answers if g)


def squad_folders(path: Path) -> tuple[Path, Path]:
    """Where a SQuAD file's own index and its contexts (one file each) live: named after the
    file and a hash of its content, under ``.index/``."""
    digest = hashlib.sha1(Path(path).read_bytes()).hexdigest()[:10]
    index_dir = INDEX_CACHE_DIR / f"{Path(path).stem}-{digest}"
    return index_dir, index_dir.with_name(index_dir.name + "-docs")


def write_contexts(contexts: dict[str, str], folder: Path) -> None:
    """Write a SQuAD file's contexts as text files (existing ones are kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in contexts.items():
        path = folder / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")


def load_examples(path: Path) -> tuple[list[Example], dict[str, str]]:
    """Questions from a JSONL or SQuAD file.

    Returns:
        The examples, and for SQuAD files the contexts to index (file name → text).

    Raises:
        QueryError: the file is missing or in neither format.
    """
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise QueryError(f"{path}: cannot be read ({exc.strerror}).") from exc
    stripped = raw.lstrip()
    if stripped.startswith("{") and '"data"' in stripped[:2000]:
        try:
            squad = json.loads(raw)
        except ValueError as exc:
            raise QueryError(f"{path}: not valid JSON ({exc}).") from exc
        examples: list[Example] = []
        contexts: dict[str, str] = {}
        for article in squad.get("data", []):
            for n, para in enumerate(article.get("paragraphs", [])):
                name = f"{article.get('id') or article.get('title', 'doc')}_{n}.txt"
                name = re.sub(r"[^\w\-.]+", "_", name)
                contexts[name] = para["context"]
                for qa in para.get("qas", []):
                    answers = [a["text"] for a in qa.get("answers", [])]
                    examples.append(Example(qa["question"], answers, source=name,
                                            answerable=bool(answers)))
        return examples, contexts
    examples = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise QueryError(f"{path}:{n}: not a JSON object ({exc}).") from exc
        if not isinstance(row, dict) or "question" not in row:
            raise QueryError(f"{path}:{n}: each line needs a \"question\" field.")
        answers = row.get("answers", [])
        answers = [answers] if isinstance(answers, str) else list(answers)
        examples.append(Example(row["question"], answers, row.get("evidence", ""), row.get("source", ""),
                                bool(row.get("answerable", True)), row.get("lang", "zh")))
    return examples, {}


def retrieval_hit(example: Example, passages: list[dict[str, Any]]) -> int | None:
    """Rank (1-based) of the first passage holding the gold evidence, None if absent.

    Evidence is the gold paragraph's file (SQuAD) and/or an evidence phrase (JSONL);
    without either, a gold answer inside the passage counts.
    """
    evidence = plain(example.evidence) if example.evidence else ""
    answers = [plain(a) for a in example.answers if a]
    for rank, p in enumerate(passages, start=1):
        text = plain(p.get("text", "") + p.get("clean_text", ""))
        if example.source and p.get("source") != example.source:
            continue
        if evidence and evidence not in text:
            continue
        if not evidence and not example.source and not any(a in text for a in answers):
            continue
        return rank
    return None


def _chars(text: str) -> list[str]:
    return list(plain(text))


def f1_score(prediction: str, gold: str) -> float:
    """Character-level F1 as in the CMRC 2018 evaluation."""
    p, g = _chars(prediction), _chars(gold)
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if not p or not g or same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are equal."""
    return float(bool(plain(prediction)) and plain(prediction) == plain(gold))


def score(examples: list[Example], answers: list[Answer], max_answer_chars: int = ANSWER_MAX_CHARS) -> dict[str, Any]:
    """All metrics for answered examples (same order)."""
    hits = {k: 0 for k in HIT_KS}
    answerable = [(e, a) for e, a in zip(examples, answers) if e.answerable]
    unanswerable = [(e, a) for e, a in zip(examples, answers) if not e.answerable]
    acc = acc_short = em = f1 = 0.0
    lengths = []
    for e, a in answerable:
        rank = retrieval_hit(e, [p.to_dict() for p in a.passages])
        for k in HIT_KS:
            hits[k] += int(rank is not None and rank <= k)
        ok = a.found and holds_answer(e, a.answer)
        acc += ok
        acc_short += ok and len(a.answer) <= max_answer_chars
        lengths.append(len(a.answer))
        short = a.short_answer or ""
        em += max((exact_match(short, g) for g in e.answers), default=0.0)
        f1 += max((f1_score(short, g) for g in e.answers), default=0.0)
    n = max(len(answerable), 1)
    out: dict[str, Any] = {"questions": len(examples), "answerable": len(answerable)}
    out.update({f"hit@{k}": round(hits[k] / n, 4) for k in HIT_KS})
    out.update({"answer_accuracy": round(acc / n, 4),
                f"answer_accuracy_le{max_answer_chars}": round(acc_short / n, 4),
                "mean_answer_chars": round(sum(lengths) / n, 1),
                "short_em": round(100 * em / n, 2), "short_f1": round(100 * f1 / n, 2)})
    if unanswerable:
        said_no = sum(not a.found for _, a in unanswerable)
        false_no = sum(not a.found for _, a in answerable)
        out["no_answer_recall"] = round(said_no / len(unanswerable), 4)
        out["no_answer_precision"] = round(said_no / max(said_no + false_no, 1), 4)
        out["unanswerable"] = len(unanswerable)
    return out
