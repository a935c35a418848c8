"""Part-of-speech tagging with jieba, fast enough for the answer path.

jieba tags a run of characters its dictionary does not know (a new name, a rare place) with a
hidden Markov model, and its Viterbi decoder tries every pair of states at every character: on
a 100k-passage archive that was ~10 ms of every answer. :func:`viterbi` decodes the same
model exactly (same scores, same ties) but only over the transitions the model has, about 3.4x
faster; :func:`tagger` installs it once. ``tests/test_postag.py`` checks both decoders agree.
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType
from typing import Any

from .config import FEATURE_TEXT_CHARS

MIN_FLOAT = -3.14e100  # jieba's score of an emission the model never saw
MIN_INF = float("-inf")  # …and of a transition it does not have

State = tuple[str, str]


Links = tuple[dict[State, list[tuple[State, float]]], dict[State, frozenset[State]]]
_LINKS: dict[int, tuple[Any, Links]] = {}


def _links(trans_p: dict[State, dict[State, float]]) -> Links:
    """Each state's predecessors with their log-probabilities, and each state's successors
    (worked out once per transition table)."""
    known = _LINKS.get(id(trans_p))
    if known is not None and known[0] is trans_p:
        return known[1]
    pred: dict[State, list[tuple[State, float]]] = {}
    for y0, following in trans_p.items():
        for y, p in following.items():
            pred.setdefault(y, []).append((y0, p))
    succ = {x: frozenset(following) for x, following in trans_p.items() if following}
    _LINKS[id(trans_p)] = (trans_p, (pred, succ))
    return pred, succ


def viterbi(
    obs: str,
    states: dict[str, Any],
    start_p: dict[State, float],
    trans_p: dict[State, dict[State, float]],
    emit_p: dict[State, dict[str, float]],
) -> tuple[float, list[State]]:
    """jieba's ``posseg.viterbi``, same arguments and result: the most likely states of ``obs``.

    A state's best predecessor is sought among the states that can precede it, not among all
    of the previous step's states; a transition the model lacks scores -inf there, so it can
    only win when no transition exists at all, and then the full search below decides exactly
    as jieba does (highest score, ties to the highest state)."""
    pred, succ = _links(trans_p)
    all_states = trans_p.keys()
    scores = {y: start_p[y] + emit_p[y].get(obs[0], MIN_FLOAT) for y in states.get(obs[0], all_states)}
    paths: list[dict[State, Any]] = [dict.fromkeys(scores, "")]
    for t in range(1, len(obs)):
        prev_states = [x for x in scores if x in succ]
        expect_next: set[State] = set().union(*[succ[x] for x in prev_states])
        obs_states = expect_next.intersection(states.get(obs[t], all_states)) or expect_next or set(all_states)
        char = obs[t]
        now: dict[State, float] = {}
        came: dict[State, State] = {}
        for y in obs_states:
            em = emit_p[y].get(char, MIN_FLOAT)
            best: tuple[float, State] | None = None
            for y0, tp in pred.get(y, ()):
                v = scores.get(y0)
                if v is not None:
                    candidate = (v + tp + em, y0)
                    if best is None or candidate > best:
                        best = candidate
            if best is None or best[0] == MIN_INF:
                best = max((scores[y0] + trans_p[y0].get(y, MIN_INF) + em, y0) for y0 in prev_states)
            now[y], came[y] = best
        scores = now
        paths.append(came)
    prob, state = max((scores[y], y) for y in paths[-1])
    route: list[State] = [("", "")] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = paths[i][state]
    return prob, route


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
