from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chunking import chunk_articles
from assistant.config import MAX_SENTENCE_CHARS
from assistant.layout import parse_page
from assistant.readers import read_document

from .conftest import SEEDS


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_passages_are_sized_and_point_at_their_original_text(path: Path) -> None:
    text = read_document(path)
    passages = chunk_articles(path.name, parse_page(text))
    assert passages
    for p in passages:
        original = text[p.start:p.end]
        assert p.kind == "table_row" or len(p.text) <= 2 * 220
        # repaired text is the original minus layout damage: same characters in order
        stripped = iter(ch for ch in original)
        if p.kind != "table_row":
            assert all(any(ch == o for o in stripped) for ch in p.text if ch != "&")
        for s in p.sentences:
            assert p.start <= s.start < s.end <= p.end
        assert p.context and p.paragraph >= 1


def test_run_on_text_is_cut_into_bounded_sentences() -> None:
    text = "\n".join("短标题" + str(i) for i in range(3000))
    passages = chunk_articles("x.txt", parse_page(text))
    assert max(len(s.text) for p in passages for s in p.sentences) <= MAX_SENTENCE_CHARS
    for p in passages:
        assert text[p.start:p.end].replace("\n", "") == p.text
