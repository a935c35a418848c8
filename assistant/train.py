"""``python -m assistant train FILE [FILE ...] [--seeds JSONL]``: learn the answer models on
SQuAD-format sets, measure them honestly, and write them with their JSON cards.

* Sentence ranker: LightGBM LambdaRank over the candidate answers of each question (a
  sentence, or two neighbouring ones), graded by :func:`graded`. Every
  :data:`AUGMENT_EVERY`-th question is also learned from with its word-overlap features
  (:data:`~assistant.candidates.LEXICAL`) zeroed, so the ranker knows questions in another
  language, which share no words with the pages.
* Sentence ranker for questions in another language: the same, learned from the reading-set
  questions said in English (:func:`~assistant.glossary.english_rendering`), whose
  candidates come from the English search and whose word features are (near) zero.
* Span ranker: LambdaRank over the candidate short answers (of the type asked for) of the
  sentences holding a gold answer, graded by character F1 with the gold.
* Passage ranker: LambdaRank over each question's retrieved passages (features from the
  retrieval scores and the out-of-fold sentence ranker's scores of their candidates, see
  :mod:`assistant.rerank`), graded by :func:`passage_grade`; every set teaches it, the seed
  questions too.
* Answerability: a LightGBM classifier over :data:`~assistant.answerability.SIGNALS` of the
  answers composed for each question twice, against its set's index (answerable) and against
  the index without the question's article (not answerable); and the same pair again for
  the question said in English (:func:`~assistant.glossary.english_rendering`), searched and
  answered as an English question is, found only where that answer holds the gold one. The
  seed questions (``--seeds``) join here, their unanswerable ones as they are and their
  answerable ones also against the index without their file.

Folds are split by article (so by paragraph too): no paragraph is both trained and tested on.
Every question is answered by the models of the fold that did not see it, and the report gives
those figures for each set separately: sentence top-1, span F1, the ``eval`` metrics, the
"not found" and found rates, and the half-index test (half of the articles left out of the
index: questions about them should get ``found: false``, the rest stay found). Finally all
models are trained on everything and written.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .answer import NOT_FOUND, Answer, Composed, Evidence, compose, reranked
from .answerability import ANSWERABILITY_MODEL, SIGNALS
from .candidates import FEATURES, LEXICAL, Candidate, candidates
from .citation import Citation, cite
from .config import ANSWER_POOL, DEFAULT_SETTINGS, PROJECT_ROOT, RANKER_DIR
from .core import Assistant
from .evaluate import Example, f1_score, holds_answer, plain, retrieval_hit, score
from .glossary import english_rendering
from .question import analyse
from .ranker import (
    PASSAGE_MODEL,
    SENTENCE_MODEL,
    SENTENCE_OTHER_MODEL,
    SPAN_MODEL,
    Answerability,
    Ranker,
    Rankers,
    relative,
    relative_names,
)
from .rerank import PASSAGE_FEATURES, passage_features
from .search import Hit
from .short_answer import SPAN_FEATURES, answer_spans, read, span_features

Rows = list[tuple[str, np.ndarray, np.ndarray]]  # (group: the question's article, features, labels)
COMMON = {"learning_rate": 0.02, "num_leaves": 7, "min_data_in_leaf": 20, "lambda_l2": 1.0, "feature_fraction": 0.8,
          "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 1, "num_threads": 2, "verbose": -1,
          "deterministic": True, "objective": "lambdarank"}
SENTENCE_PARAMS = {**COMMON, "label_gain": [0, 1, 2], "lambdarank_truncation_level": 5}
SENTENCE_ROUNDS = 800
SPAN_PARAMS = {**COMMON, "learning_rate": 0.05, "num_leaves": 31, "label_gain": [g * g for g in range(11)],
               "lambdarank_truncation_level": 3}
SPAN_ROUNDS = 600
SENTENCE_OTHER_ROUNDS = 300  # the sentence ranker for questions in another language (800 rounds: no better)
PASSAGE_PARAMS = {**COMMON, "learning_rate": 0.05, "num_leaves": 15, "label_gain": [0, 1, 2],
                  "lambdarank_truncation_level": 10}
PASSAGE_ROUNDS = 300
PASSAGE_SEED_WEIGHT = 30.0  # a seed question (news pages, the product's own kind) weighs this many reading-set ones
ANSWERABILITY_PARAMS = {**COMMON, "objective": "binary", "learning_rate": 0.05, "num_leaves": 15}
ANSWERABILITY_ROUNDS = 300
MIN_FOUND_RATE = 0.95  # the threshold keeps at least this share of answerable questions found…
MIN_REAL_OTHER = 30  # real answerable questions in another language needed to choose their threshold on
SPAN_SENTENCES = 2  # gold-holding sentences per question to learn spans from
AUGMENT_EVERY = 3
FOLDS = 5


@dataclass
class Asked:
    """One question with what answering it needs, against three views of its set's index."""

    example: Example
    group: str  # the set and the question's article
    hits: list[Hit]  # the whole index
    without: list[Hit]  # the index without the question's article
    half: list[Hit]  # the half of the index kept in the half-index test
    in_half: bool  # whether the question's article is in that half
    pools: tuple[list[Candidate], list[Candidate], list[Candidate]]  # candidates of the three hit lists
    foreign: Foreign | None = None  # the question as asked in English (reading sets)


@dataclass
class Foreign:
    """A question said in English (:func:`~assistant.glossary.english_rendering`), searched
    and read as a question in English is: against the whole index and without its article."""

    question: str
    hits: list[Hit]
    without: list[Hit]
    pools: tuple[list[Candidate], list[Candidate]]
    sims: dict[str, float]  # sentence → cosine to the English question


@dataclass
class TrainingSet:
    """One set's rows to learn from, and what answering each question again needs."""

    name: str
    evidence: Evidence  # the set's documents, tables and idf (similarity comes from the cache)
    sims: dict[str, dict[str, float]] = field(default_factory=dict)  # question → sentence → cosine
    sentence: Rows = field(default_factory=list)
    augmented: Rows = field(default_factory=list)  # sentence rows with word-overlap features zeroed
    foreign: Rows = field(default_factory=list)  # sentence rows of the questions said in English
    span: Rows = field(default_factory=list)
    asked: list[Asked] = field(default_factory=list)


def graded(cands: list[Candidate], golds: list[str]) -> np.ndarray:
    """2: a sentence holding a gold answer, or two sentences holding one that neither holds
    alone; 1: two sentences holding one that one of them holds alone; 0: the rest."""
    holds = {(c.rank, c.index): any(g in plain(c.sentence.text) for g in golds) for c in cands if c.width == 1}
    labels = []
    for c in cands:
        if not any(g in plain(c.sentence.text) for g in golds):
            labels.append(0.0)
        elif c.width == 1 or not (holds.get((c.rank, c.index)) or holds.get((c.rank, c.index + 1))):
            labels.append(2.0)
        else:
            labels.append(1.0)
    return np.array(labels)


def article_of(source: str) -> str:
    """The article a SQuAD context file belongs to (``{article}_{paragraph}.txt``); other
    files are their own article."""
    stem = source.rsplit(".", 1)[0]
    return stem.rsplit("_", 1)[0] if "_" in stem else stem


def collect(name: str, assistant: Assistant, examples: list[Example], learn_rankers: bool = True) -> TrainingSet:
    """Features and grades of every question's candidate answers and short answers, and its
    hits against the whole index, the index without its article, and the kept half.

    Args:
        name: the set's name (groups are ``name:article``).
        learn_rankers: whether the set also teaches the sentence and span rankers.
    """
    evidence = assistant.evidence()
    out = TrainingSet(name, evidence)
    sources = assistant.sources()
    articles: dict[str, set[str]] = {}
    for source in sources:
        articles.setdefault(article_of(source), set()).add(source)
    kept = {a for n, a in enumerate(sorted(articles, key=_stable_hash)) if n % 2 == 0}
    kept_sources = {s for a in kept for s in articles[a]}
    for e in examples:
        article = article_of(e.source) if e.source else ""
        others = set(sources) - articles.get(article, set())
        hits = assistant.search(e.question, ANSWER_POOL)
        without = assistant.search(e.question, ANSWER_POOL, others) if e.answerable and e.source else []
        half = assistant.search(e.question, ANSWER_POOL, kept_sources)
        sims, pools = _read(assistant, e.question, [hits, without, half], evidence)
        out.sims[e.question] = sims
        foreign = asked_abroad(assistant, e, others, evidence) if learn_rankers else None
        out.asked.append(Asked(e, f"{name}:{article or e.question}", hits, without, half, article in kept,
                               pools, foreign))  # type: ignore[arg-type]
        golds = [g for g in e.answers if g]
        if not (learn_rankers and golds):
            continue
        if foreign is not None and (row := foreign_row(out.asked[-1].group, foreign.pools[0], golds)):
            out.foreign.append(row)
        labels = graded(pools[0], [plain(g) for g in golds])
        if labels.any():
            x = np.array([c.features for c in pools[0]])
            group = out.asked[-1].group
            out.sentence.append((group, relative(x), labels))
            if AUGMENT_EVERY and len(out.asked) % AUGMENT_EVERY == 0:
                x = x.copy()
                x[:, [FEATURES.index(n) for n in LEXICAL]] = 0.0
                out.augmented.append((group, relative(x), labels))
        out.span.extend((out.asked[-1].group, x, y) for _, x, y in _span_rows(e, hits, golds))
    return out


def foreign_row(group: str, pool: list[Candidate], golds: list[str]) -> tuple[str, np.ndarray, np.ndarray] | None:
    """The sentence-ranker row of a question said in English: its candidates, graded by the
    gold answers (None when none holds one)."""
    labels = graded(pool, [plain(g) for g in golds])
    return (group, relative(np.array([c.features for c in pool])), labels) if labels.any() else None


def asked_abroad(assistant: Assistant, e: Example, others: set[str], evidence: Evidence) -> Foreign | None:
    """The question said in English, searched against the whole index and (answerable) the
    index without its article, with its candidates; None when nothing of it can be said."""
    question = english_rendering(e.question)
    if not question:
        return None
    hits = assistant.search(question, ANSWER_POOL)
    without = assistant.search(question, ANSWER_POOL, others) if e.answerable and e.source else []
    sims, pools = _read(assistant, question, [hits, without], evidence)
    return Foreign(question, hits, without, pools, sims)  # type: ignore[arg-type]


def _read(assistant: Assistant, question: str, views: list[list[Hit]], evidence: Evidence
          ) -> tuple[dict[str, float], tuple[list[Candidate], ...]]:
    """The cosine to ``question`` of every sentence its hit lists hold, and the candidate
    answers of each list."""
    texts = sorted({s.text for hs in views for h in hs[:ANSWER_POOL] for s in h.passage.sentences})
    sims = dict(zip(texts, assistant.similarity(question, texts)))
    info = analyse(question)
    return sims, tuple(candidates(info, hs, _looked_up(sims), evidence.idf) for hs in views)


def _stable_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _looked_up(sims: dict[str, float]) -> Callable[[list[str]], list[float]]:
    """A similarity function over measured similarities (0 for a text not measured)."""
    return lambda texts: [sims.get(t, 0.0) for t in texts]


def _span_rows(e: Example, hits: list[Hit], golds: list[str]) -> Rows:
    info = analyse(e.question)
    rows: Rows = []
    seen: set[str] = set()
    for h in hits[:5]:
        for s in h.passage.sentences:
            if len(seen) >= SPAN_SENTENCES or s.text in seen or not any(plain(g) in plain(s.text) for g in golds):
                continue
            seen.add(s.text)
            reading = read(info, s.text)
            spans = answer_spans(reading)
            if not spans:
                continue
            x = np.array([span_features(reading, sp) for sp in spans])
            y = np.array([round(10 * max(f1_score(s.text[a:b], g) for g in golds)) for a, b in spans], dtype=float)
            if y.any():
                rows.append((e.source, relative(x), y))
    return rows


def fit(rows: Rows, params: dict[str, Any], rounds: int, features: tuple[str, ...],
        seed_weight: float = 1.0) -> Ranker:
    """LambdaRank over each group's candidates, with named features; the seed questions'
    groups weigh ``seed_weight``."""
    import lightgbm

    weights = np.concatenate([np.full(len(y), seed_weight if g.startswith("seeds:") else 1.0) for g, _, y in rows])
    data = lightgbm.Dataset(np.vstack([x for _, x, _ in rows]), np.concatenate([y for _, _, y in rows]),
                            group=[len(y) for _, _, y in rows], weight=weights, feature_name=relative_names(features))
    return Ranker(lightgbm.train(params, data, rounds), features)


def top1_holds(rows: Rows, predict: Callable[[np.ndarray], np.ndarray]) -> float:
    """Share of groups whose best-scored candidate holds a gold answer."""
    return float(np.mean([y[int(np.argmax(predict(x)))] > 0 for _, x, y in rows])) if rows else 0.0


def top1_grade(rows: Rows, predict: Callable[[np.ndarray], np.ndarray]) -> float:
    """Mean grade of each group's best-scored candidate."""
    return float(np.mean([y[int(np.argmax(predict(x)))] for _, x, y in rows])) if rows else 0.0


def cross_validate(sets: list[TrainingSet], folds: int = FOLDS,
                   rounds: tuple[int, int] = (SENTENCE_ROUNDS, SPAN_ROUNDS)) -> tuple[dict[str, Any], Any, Rows]:
    """Train on all folds but one, test on that one, for the sentence and span rankers, then
    for the passage ranker and the answerability model learned from the out-of-fold answers;
    every question is answered end to end by models that never saw its article.

    Returns:
        The report (per set), the answerability rows of all questions and the passage
        ranker's rows (to train on).
    """
    groups = sorted({a.group for s in sets for a in s.asked}, key=_stable_hash)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    rankers: dict[int, Rankers] = {}
    sentence_cv: dict[str, list[float]] = {s.name: [] for s in sets}
    span_cv: dict[str, list[float]] = {s.name: [] for s in sets}
    all_sentence = [r for s in sets for r in s.sentence + s.augmented]
    all_span = [r for s in sets for r in s.span]
    all_foreign = [r for s in sets for r in s.foreign]
    foreign_cv: dict[str, list[float]] = {s.name: [] for s in sets}
    for k in range(folds):
        sentence = fit([r for r in all_sentence if fold_of[r[0]] != k], SENTENCE_PARAMS, rounds[0], FEATURES)
        span = fit([r for r in all_span if fold_of[r[0]] != k], SPAN_PARAMS, rounds[1], SPAN_FEATURES)
        abroad = (fit([r for r in all_foreign if fold_of[r[0]] != k], SENTENCE_PARAMS, SENTENCE_OTHER_ROUNDS,
                      FEATURES) if all_foreign else None)
        rankers[k] = Rankers(sentence, span, sentence_other=abroad)
        for s in sets:
            sentence_cv[s.name].append(top1_holds([r for r in s.sentence if fold_of[r[0]] == k],
                                                  sentence.booster.predict))
            if abroad is not None:
                foreign_cv[s.name].append(top1_holds([r for r in s.foreign if fold_of[r[0]] == k],
                                                     abroad.booster.predict))
            span_cv[s.name].append(top1_grade([r for r in s.span if fold_of[r[0]] == k], span.booster.predict) / 10)
    # every question answered by the rankers that did not see it: three views, signals of each
    composed = {s.name: [_compose_views(s, a, rankers[fold_of[a.group]]) for a in s.asked] for s in sets}
    passage = passage_rows(sets, composed)
    for k in range(folds):
        rankers[k] = replace(rankers[k], passage=fit([r for r in passage if fold_of[r[0]] != k], PASSAGE_PARAMS,
                                                     PASSAGE_ROUNDS, PASSAGE_FEATURES, PASSAGE_SEED_WEIGHT))
    orders = {s.name: [reranked(v[0][0], a.hits, s.evidence, rankers[fold_of[a.group]])
                       for a, v in zip(s.asked, composed[s.name])] for s in sets}
    rows = answerability_rows(sets, composed)
    oof = np.zeros(len(rows[1]))
    for k in range(folds):
        train_at = [i for i, g in enumerate(rows[0]) if fold_of[g] != k]
        test_at = [i for i, g in enumerate(rows[0]) if fold_of[g] == k]
        if train_at and test_at and len(set(rows[2][train_at])) == 2:
            model = fit_answerability(rows[1][train_at], rows[2][train_at])
            oof[test_at] = [model.probability(row) for row in rows[1][test_at]]
        elif test_at:
            oof[test_at] = 0.5
    other = rows[1][:, SIGNALS.index("lang_other")] > 0
    threshold, threshold_other = choose_thresholds(oof, rows[2], rows[3], other)
    found = oof >= np.where(other, threshold_other, threshold)
    report: dict[str, Any] = {"folds": folds, "threshold": threshold, "threshold_other": threshold_other}
    at = 0
    for s in sets:
        views = composed[s.name]
        n = sum(len(_view_rows(s, a, v)) for a, v in zip(s.asked, views))
        report[s.name] = _set_report(s, views, orders[s.name], found[at:at + n], rows[3][at:at + n],
                                     other[at:at + n], sentence_cv[s.name], span_cv[s.name], foreign_cv[s.name])
        at += n
    return report, rows, passage


def passage_grade(example: Example, passage: Citation) -> float:
    """2: the cited passage holds the question's gold evidence (as
    :func:`~assistant.evaluate.retrieval_hit` counts it in a reported passage) and a gold
    answer; 1: the evidence only; 0: neither."""
    if retrieval_hit(example, [passage.to_dict()]) != 1:
        return 0.0
    return 2.0 if holds_answer(example, passage.text) else 1.0


def passage_rows(sets: list[TrainingSet], composed: dict[str, list[Any]]) -> Rows:
    """The passage ranker's rows: each answerable question's retrieved passages (the ones its
    candidates came from), described from its out-of-fold candidate scores, and graded;
    questions with no passage holding the evidence teach nothing."""
    rows: Rows = []
    for s in sets:
        for a, views in zip(s.asked, composed[s.name]):
            full: Composed = views[0][0]
            hits = a.hits[:ANSWER_POOL]
            labels = np.array([passage_grade(a.example, cite(h.passage, s.evidence.documents, h.score)) for h in hits])
            if a.example.answerable and labels.any():
                cited = full.reply.citations if full.reply else []
                x = np.array(passage_features(full.info, hits, full.ranked, s.evidence.idf, cited))
                rows.append((a.group, relative(x), labels))
    return rows


def _compose_views(s: TrainingSet, a: Asked, rankers: Rankers) -> list[Any]:
    """The question composed against the whole index, without its article, and in the kept
    half; each with the signals of the question asked in English against the same index
    (None: not asked so, or for the half)."""
    evidence = replace(s.evidence, similarity=_looked_up(s.sims[a.example.question]))
    views = [(a.hits, a.pools[0]), (a.without, a.pools[1]), (a.half, a.pools[2])]
    f = a.foreign
    abroad = [(f.hits, f.pools[0]), (f.without, f.pools[1]), None] if f else [None, None, None]
    out = []
    for (hits, pool), asked in zip(views, abroad):
        c = compose(a.example.question, hits, evidence, rankers, pool=pool)
        other = (compose(f.question, asked[0], replace(s.evidence, similarity=_looked_up(f.sims)), rankers,
                         pool=asked[1]) if f is not None and asked is not None and asked[0] else None)
        out.append((c, other))
    return out


def _view_rows(s: TrainingSet, a: Asked, views: list[Any]) -> list[tuple[list[float], int, str]]:
    """The answerability rows of one question: (signals, answerable, view name)."""
    e = a.example
    out = []
    (full, full_other), (without, without_other), (half, _) = views
    out.append((full.signals, int(e.answerable), "full"))
    if a.without:
        out.append((without.signals, 0, "without"))
    out.append((half.signals, int(e.answerable and a.in_half), "half"))
    if a.foreign is not None:
        if full_other is not None:  # found only where the English question's answer holds the gold one
            out.append((full_other.signals, int(e.answerable and full_other.reply is not None and holds_answer(e, full_other.reply.text)), "other"))
        if without_other is not None and a.without:
            out.append((without_other.signals, 0, "other"))
    return out


def answerability_rows(sets: list[TrainingSet], composed: dict[str, list[Any]]
                       ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(groups, signals, labels, view names) of every question's views, in set order."""
    groups, xs, ys, kinds = [], [], [], []
    for s in sets:
        for a, views in zip(s.asked, composed[s.name]):
            for x, y, kind in _view_rows(s, a, views):
                groups.append(a.group)
                xs.append(x)
                ys.append(y)
                kinds.append(kind)
    return groups, np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), np.asarray(kinds)


def fit_answerability(x: np.ndarray, y: np.ndarray, thresholds: tuple[float, float] = (0.5, 0.5)) -> Answerability:
    """Binary LightGBM classifiers over the answerability signals: one learned from the
    Chinese questions' rows, one from the rows of questions in another language (when there
    are both kinds), with their thresholds."""
    import lightgbm

    def learned(mask: np.ndarray) -> Any:
        return lightgbm.train(ANSWERABILITY_PARAMS, lightgbm.Dataset(x[mask], y[mask], feature_name=list(SIGNALS)),
                              ANSWERABILITY_ROUNDS)

    other = x[:, SIGNALS.index("lang_other")] > 0
    if other.any() and (~other).any():
        model = Answerability(learned(~other), other=Answerability(learned(other)))
    else:
        model = Answerability(learned(np.ones(len(y), dtype=bool)))
    model.threshold, model.threshold_other = thresholds
    if model.other is not None:
        model.other.threshold = model.other.threshold_other = thresholds[1]
    return model


def choose_threshold(p: np.ndarray, y: np.ndarray, kinds: np.ndarray, min_found: float | None = MIN_FOUND_RATE
                     ) -> float:
    """The probability above which an answer counts as found: the one that says "not found"
    most often on unanswerable views while keeping ``min_found`` of the answerable ones
    (whole-index views) found; with ``min_found`` None, the one right most often on both
    (found plus not-found rate)."""
    pos = p[(y == 1) & np.isin(kinds, ["full", "other"])]
    neg = p[y == 0]
    best, best_value = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 91):
        found, not_found = float((pos >= t).mean()) if len(pos) else 1.0, float((neg < t).mean()) if len(neg) else 1.0
        value = not_found + found if min_found is None else not_found + (0 if found >= min_found else found - 2)
        if value > best_value:
            best, best_value = float(round(t, 3)), value
    return best


def choose_thresholds(p: np.ndarray, y: np.ndarray, kinds: np.ndarray, other: np.ndarray) -> tuple[float, float]:
    """The thresholds for Chinese questions (:func:`choose_threshold`, keeping
    :data:`MIN_FOUND_RATE` found) and for questions in another language. Their signals
    separate answerable from unanswerable less well, so no found rate can be promised: the
    threshold is the one right most often, chosen on real questions in another language when
    there are :data:`MIN_REAL_OTHER` answerable ones, else on the simulated ones."""
    zh = ~other
    real = other & (kinds != "other")
    use = real if int(((y == 1) & real & (kinds == "full")).sum()) >= MIN_REAL_OTHER else other
    t_zh = choose_threshold(p[zh], y[zh], kinds[zh])
    return t_zh, (choose_threshold(p[use], y[use], kinds[use], None) if use.any() else t_zh)


def _set_report(s: TrainingSet, views: list[Any], orders: list[list[Hit]], found: np.ndarray, kinds: np.ndarray,
                other: np.ndarray, sentence_cv: list[float], span_cv: list[float], foreign_cv: list[float]
                ) -> dict[str, Any]:
    """One set's cross-validated figures (``orders``: each question's passages as the passage
    ranker put them; ``found``: each answerability row's decision; ``other``: whether its
    question is in another language)."""
    rows = [r for a, v in zip(s.asked, views) for r in _view_rows(s, a, v)]
    y = np.array([r[1] for r in rows])

    def rate(mask: np.ndarray, want: bool) -> float | None:
        return round(float((found[mask] == want).mean()), 4) if mask.any() else None

    answers = []
    at = 0
    for a, v, order in zip(s.asked, views, orders):
        c = v[0][0]
        ok = bool(found[at]) and c.reply is not None
        answers.append(_answer_of(s, a, order, c, ok))
        at += len(_view_rows(s, a, v))
    out: dict[str, Any] = {"questions": len(s.asked)}
    if s.sentence:
        out["sentence_top1_holds_gold"] = round(float(np.mean(sentence_cv)), 4)
        out["span_top1_f1"] = round(float(np.mean(span_cv)), 4)
    if s.foreign and foreign_cv:  # the sentence ranker for another language, on the questions said in English
        out["english_said_sentence_top1_holds_gold"] = round(float(np.mean(foreign_cv)), 4)
    out["end_to_end"] = score([a.example for a in s.asked], answers)
    fused = score([a.example for a in s.asked], [_answer_of(s, a, a.hits, None, False) for a in s.asked])
    out["retrieval_fused_order"] = {k: v for k, v in fused.items() if k.startswith("hit@")}  # before the passage ranker
    out["found_rate_answerable"] = rate((kinds == "full") & (y == 1), True)
    out["not_found_rate_without_article"] = rate(kinds == "without", False)
    out["not_found_rate_unanswerable"] = rate((kinds == "full") & (y == 0), False)
    out["half_index_not_found"] = rate((kinds == "half") & (y == 0), False)
    out["half_index_found"] = rate((kinds == "half") & (y == 1), True)
    out["english_said_found"] = rate((kinds == "other") & (y == 1), True)  # reading-set questions said in English
    out["english_said_not_found"] = rate((kinds == "other") & (y == 0), False)
    out["other_language_found"] = rate(other & (kinds == "full") & (y == 1), True)  # questions asked in English
    out["other_language_not_found"] = rate(other & (kinds != "half") & (kinds != "other") & (y == 0), False)
    return out


def _answer_of(s: TrainingSet, a: Asked, hits: list[Hit], c: Any, found: bool) -> Answer:
    """The answer a question got from the out-of-fold models, reporting ``hits``."""
    e = a.example
    passages = [cite(h.passage, s.evidence.documents, h.score) for h in hits[:DEFAULT_SETTINGS.top_k]]
    if not found or c is None or c.reply is None:
        return Answer(e.question, "", None, False, [], passages, message=NOT_FOUND)
    r = c.reply
    return Answer(e.question, r.text, r.short, True, r.citations, passages, items=r.items)


def train(sets: list[TrainingSet], sources: list[Path], out_dir: Path = RANKER_DIR, folds: int = FOLDS,
          rounds: tuple[int, int] = (SENTENCE_ROUNDS, SPAN_ROUNDS)) -> dict[str, Any]:
    """Cross-validate, then train the four models on everything and write them to
    ``out_dir`` with their cards. Returns the report (the cross-validated figures).

    Args:
        sets: the collected sets (:func:`collect`).
        sources: the files they came from (named and hashed in the cards).
        rounds: boosting rounds of the sentence and the span ranker.

    Raises:
        ValueError: too few articles with answers to learn from in ``folds`` folds.
    """
    if len({a.group for s in sets for a in s.asked}) < folds or not any(s.sentence for s in sets) \
            or not any(s.span for s in sets):
        raise ValueError(f"{', '.join(p.name for p in sources)}: too few articles with answers to learn from "
                         f"in {folds} folds.")
    report, (_, x, y, _), passages = cross_validate(sets, folds, rounds)
    card = {"trained_on": [p.name for p in sources],
            "data_sha256": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sources},
            "commit": _commit(), "questions": {s.name: len(s.asked) for s in sets}, "cross_validated": report}
    out_dir.mkdir(parents=True, exist_ok=True)
    sentence_rows = [r for s in sets for r in s.sentence + s.augmented]
    span_rows = [r for s in sets for r in s.span]
    fit(sentence_rows, SENTENCE_PARAMS, rounds[0], FEATURES).save(
        out_dir / SENTENCE_MODEL, {**card, "groups": len(sentence_rows), "params": SENTENCE_PARAMS,
                                   "rounds": rounds[0]})
    foreign_rows = [r for s in sets for r in s.foreign]
    if foreign_rows:
        fit(foreign_rows, SENTENCE_PARAMS, SENTENCE_OTHER_ROUNDS, FEATURES).save(
            out_dir / SENTENCE_OTHER_MODEL, {**card, "groups": len(foreign_rows), "params": SENTENCE_PARAMS,
                                             "rounds": SENTENCE_OTHER_ROUNDS, "language": "other",
                                             "learned_from": "reading-set questions said in English"})
    fit(span_rows, SPAN_PARAMS, rounds[1], SPAN_FEATURES).save(
        out_dir / SPAN_MODEL, {**card, "groups": len(span_rows), "params": SPAN_PARAMS, "rounds": rounds[1]})
    fit(passages, PASSAGE_PARAMS, PASSAGE_ROUNDS, PASSAGE_FEATURES, PASSAGE_SEED_WEIGHT).save(
        out_dir / PASSAGE_MODEL, {**card, "groups": len(passages), "params": PASSAGE_PARAMS,
                                  "rounds": PASSAGE_ROUNDS, "seed_weight": PASSAGE_SEED_WEIGHT})
    fit_answerability(x, y, (report["threshold"], report["threshold_other"])).save(
        out_dir / ANSWERABILITY_MODEL, {**card, "rows": len(y), "answerable_rows": int(y.sum()),
                                        "params": ANSWERABILITY_PARAMS, "rounds": ANSWERABILITY_ROUNDS})
    return report


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
