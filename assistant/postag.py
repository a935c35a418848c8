"""Part-of-speech tagging with jieba, fast enough for the answer path.

jieba tags a run of characters its dictionary does not know (a new name, a rare place) with a
hidden Markov model, and its Viterbi decoder tries every pair of states at every character in
Python. Every sentence a candidate answer reads is tagged, so on fresh questions over DRCD's
pages decoding took 98 ms of a 134 ms answer (p50) even when searched only over the
transitions the model has. :func:`viterbi` decodes the same model exactly (same scores, same
ties) with each step's pairs scored at once as NumPy arrays: 4.9x faster there, answers 2.4x
faster; :func:`tagger` installs it once.
``tests/test_postag.py`` checks both decoders agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

import numpy as np

from .config import FEATURE_TEXT_CHARS

MIN_FLOAT = -3.14e100  # jieba's score of an emission the model never saw
MIN_INF = float("-inf")  # …and of a transition it does not have
CHARACTERS_KEPT = 8192  # characters whose emission scores and states are remembered (2.3 kB each)

State = tuple[str, str]


@dataclass
class _Model:
    """A model as arrays over its states, in descending order (so the first best predecessor
    is the highest state, jieba's tie-break): start and transition log-probabilities (-inf
    where the model has no transition), whether a state has successors, which states the
    transition table lists, and per character its :func:`_column`."""

    names: list[State]
    index: dict[State, int]
    start: np.ndarray
    trans: np.ndarray
    linked: np.ndarray  # trans > -inf
    has_next: np.ndarray
    listed: np.ndarray
    columns: dict[str, tuple[np.ndarray, np.ndarray]]  # per character: see _column


_MODELS: dict[tuple[int, ...], tuple[tuple[Any, ...], _Model]] = {}


def _model(states: dict[str, Any], start_p: dict[State, float], trans_p: dict[State, dict[State, float]],
           emit_p: dict[State, dict[str, float]]) -> _Model:
    """:class:`_Model` of jieba's tables (worked out once per set of tables)."""
    tables = (states, start_p, trans_p, emit_p)
    known = _MODELS.get(tuple(map(id, tables)))
    if known is not None and all(a is b for a, b in zip(known[0], tables)):
        return known[1]
    names = sorted(set(trans_p) | {y for following in trans_p.values() for y in following}, reverse=True)
    index = {s: i for i, s in enumerate(names)}
    trans = np.full((len(names), len(names)), MIN_INF)
    for y0, following in trans_p.items():
        for y, p in following.items():
            trans[index[y0], index[y]] = p
    has_next = np.array([bool(trans_p.get(s)) for s in names])
    listed = np.array([s in trans_p for s in names])
    start = np.array([start_p.get(s, MIN_INF) for s in names])
    model = _Model(names, index, start, trans, trans > MIN_INF, has_next, listed, {})
    _MODELS[tuple(map(id, tables))] = (tables, model)
    return model


def _column(m: _Model, states: dict[str, Any], emit_p: dict[State, dict[str, float]], char: str
            ) -> tuple[np.ndarray, np.ndarray]:
    """A character's emission score in every state, and the states it allows (all the
    transition table lists, for a character the model has no states for); remembered for
    :data:`CHARACTERS_KEPT` characters."""
    known = m.columns.get(char)
    if known is None:
        if len(m.columns) >= CHARACTERS_KEPT:  # a long-running app meets ever more characters
            m.columns.clear()
        emission = np.array([emit_p[s].get(char, MIN_FLOAT) if s in emit_p else MIN_FLOAT for s in m.names])
        own = states.get(char)
        allowed = m.listed if own is None else np.isin(np.arange(len(m.names)),
                                                        [m.index[s] for s in own if s in m.index])
        known = m.columns[char] = (emission, allowed)
    return known


def viterbi(
    obs: str,
    states: dict[str, Any],
    start_p: dict[State, float],
    trans_p: dict[State, dict[State, float]],
    emit_p: dict[State, dict[str, float]],
) -> tuple[float, list[State]]:
    """jieba's ``posseg.viterbi``, same arguments and result: the most likely states of ``obs``.

    Each step scores every (previous state, state) pair at once as arrays, in the same
    floating-point order as jieba ((score + transition) + emission); a missing transition is
    -inf, as in jieba, and ties go to the highest previous state, as jieba's ``max`` over
    (score, state) pairs does."""
    m = _model(states, start_p, trans_p, emit_p)
    n = len(m.names)
    emission, present = _column(m, states, emit_p, obs[0])
    score = np.where(present, m.start + emission, MIN_INF)
    came_from: list[np.ndarray] = []
    for t in range(1, len(obs)):
        prev = np.flatnonzero(present & m.has_next)
        expect = m.linked[prev].any(axis=0)
        emission, allowed = _column(m, states, emit_p, obs[t])
        now = expect & allowed
        if not now.any():
            now = expect if expect.any() else m.listed
        cur = np.flatnonzero(now)
        pair = score[prev][:, None] + m.trans[np.ix_(prev, cur)]
        pair += emission[cur]
        best = pair.argmax(axis=0)
        score = np.full(n, MIN_INF)
        score[cur] = pair[best, np.arange(len(cur))]
        present = now
        back = np.full(n, -1, dtype=np.intp)
        back[cur] = prev[best]
        came_from.append(back)
    last = np.flatnonzero(present)
    state = int(last[score[last].argmax()])  # the highest state among equal scores
    prob = float(score[state])
    route = [state]
    for back in reversed(came_from):
        state = int(back[state])
        route.append(state)
    return prob, [m.names[i] for i in reversed(route)]


@lru_cache(maxsize=1)
def tagger() -> ModuleType:
    """``jieba.posseg``, decoding with :func:`viterbi`."""
    import jieba.posseg

    jieba.posseg.viterbi = viterbi  # type: ignore[attr-defined]  # the name its tokenizer calls
    return jieba.posseg


def tagged(text: str) -> list[tuple[str, str]]:
    """jieba's words of ``text`` with their part-of-speech tags."""
    return [(p.word, p.flag) for p in tagger().lcut(text)]


@lru_cache(maxsize=20000)
def pos_words(text: str) -> tuple[tuple[str, str], ...]:
    """:func:`tagged` of (the start of) a text, memoised."""
    return tuple(tagged(text[:FEATURE_TEXT_CHARS]))
