from __future__ import annotations

from assistant.chunking import Passage
from assistant.search import Hit, remove_near_duplicates, rrf_fuse


def test_rrf_matches_hand_computed_scores() -> None:
    fused = dict(rrf_fuse([1, 2, 3], [3, 1], k=10, dense_weight=0.5))
    assert abs(fused[1] - (0.5 * 11 / 11 + 0.5 * 11 / 12)) < 1e-9
    assert abs(fused[3] - (0.5 * 11 / 13 + 0.5 * 11 / 11)) < 1e-9
    assert abs(fused[2] - 0.5 * 11 / 12) < 1e-9
    assert [pid for pid, _ in rrf_fuse([1, 2, 3], [3, 1], k=10, dense_weight=0.5)] == [1, 3, 2]


def test_fusion_weight_moves_ranking() -> None:
    assert rrf_fuse([1, 2], [2, 1], k=10, dense_weight=0.9)[0][0] == 1
    assert rrf_fuse([1, 2], [2, 1], k=10, dense_weight=0.1)[0][0] == 2


def _hit(n: int, text: str) -> Hit:
    return Hit(Passage(f"p{n}", "a.txt", "t", 0, 1, 0, len(text), text), 1.0 / (n + 1), 0.0, 0.0)


def test_near_duplicates_are_removed_keeping_the_better_one() -> None:
    hits = [_hit(0, "太原市今年新建学校12所，覆盖全市。"), _hit(1, "太原市今年新建学校12所，覆盖全市"),
            _hit(2, "大同市新增公园3个。")]
    kept = remove_near_duplicates(hits, 0.8)
    assert [h.passage.id for h in kept] == ["p0", "p2"]
