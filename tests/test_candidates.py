from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.candidates import FEATURES, _common, candidates
from assistant.chunking import Passage, Sentence
from assistant.config import FEATURE_TEXT_CHARS
from assistant.question import analyse
from assistant.ranker import load_rankers
from assistant.search import Hit


def hit_of(texts: list[str], source: str = "a.txt") -> Hit:
    """One hit whose passage holds these sentences, back to back from offset 0."""
    sentences, at = [], 0
    for t in texts:
        sentences.append(Sentence(t, at, at + len(t)))
        at += len(t)
    p = Passage("p0", source, "新闻", 0, 1, 0, at, "".join(texts), sentences=sentences)
    return Hit(p, 1.0, 0.9, 5.0)


def test_candidates_are_sentences_and_neighbouring_pairs_that_fit() -> None:
    hit = hit_of(["太原市今年新建学校12所。", "该市的公园数量保持稳定。", "市民对此表示欢迎。"])
    cands = candidates(analyse("太原市今年新建学校多少所？"), [hit])
    assert [(c.index, c.width) for c in cands] == [(0, 1), (0, 2), (1, 1), (1, 2), (2, 1)]
    assert all(len(c.features) == len(FEATURES) for c in cands)
    pair = cands[1].sentence
    assert pair.text == "太原市今年新建学校12所。该市的公园数量保持稳定。" and (pair.start, pair.end) == (0, len(pair.text))
    long = hit_of(["甲" * 100 + "。", "乙" * 100 + "。"])
    assert [c.width for c in candidates(analyse("甲是什么？"), [long])] == [1, 1]


def test_the_sentence_that_answers_ranks_first() -> None:
    hit = hit_of(["市民对新学校表示欢迎。", "太原市今年新建学校12所，新增学位1.2万个。", "该市的公园数量保持稳定。"])
    cands = candidates(analyse("太原市今年新建学校多少所？"), [hit])
    scores = load_rankers().sentence.score([list(c.features) for c in cands])
    assert "12所" in cands[max(range(len(cands)), key=scores.__getitem__)].sentence.text


def _common_by_table(question: str, text: str) -> tuple[float, float]:
    """The textbook dynamic programme for what ``_common`` counts bit-parallel."""
    text = text[:FEATURE_TEXT_CHARS]
    lcs = [[0] * (len(text) + 1) for _ in range(len(question) + 1)]
    run = [[0] * (len(text) + 1) for _ in range(len(question) + 1)]
    for i, qc in enumerate(question, 1):
        for j, tc in enumerate(text, 1):
            lcs[i][j] = lcs[i - 1][j - 1] + 1 if qc == tc else max(lcs[i - 1][j], lcs[i][j - 1])
            run[i][j] = run[i - 1][j - 1] + 1 if qc == tc else 0
    return lcs[-1][-1] / len(question), max(map(max, run)) / len(question)


@given(st.text(alphabet="ab山西5，", min_size=1, max_size=20), st.text(alphabet="ab山西5，", min_size=1, max_size=320))
def test_common_runs_match_the_dynamic_programme(question: str, text: str) -> None:
    assert _common(question, text) == _common_by_table(question, text)
