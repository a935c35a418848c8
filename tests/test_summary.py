from __future__ import annotations

import pytest

from assistant import Assistant

HEADLINE_FACTS = {
    "000_6fb74edb579e9116.txt": ["六大攻坚突破", "山西省第五届导游大赛", "官地矿"],
    "001_f0849b058b181496.txt": ["15件民生实事"],
    "002_06e19f818bbc1da6.txt": ["31个中选药品执行团购价", "年度最具传播力高校"],
    "003_0d8103b1edb63fd3.txt": ["两个只增不减"],
    "004_57f1bea313067324.txt": ["11.5万个", "4261.7万户", "746.26亿元"],
}


@pytest.mark.slow
@pytest.mark.parametrize("source", sorted(HEADLINE_FACTS))
def test_file_summary_keeps_headline_facts_and_copies_cited_sentences(seeds_assistant: Assistant, source: str) -> None:
    summary = seeds_assistant.summarize(source=source)
    doc = seeds_assistant.document_text(source)
    for fact in HEADLINE_FACTS[source]:
        assert fact in summary.summary, fact
    texts = [s.text for s in summary.sentences]
    assert len(texts) == len(set(texts))  # no repeats
    order = [(s.citation.article_id, s.citation.paragraph) for s in summary.sentences]
    assert order == sorted(order)  # articles in page order, paragraphs in article order
    for s in summary.sentences:
        original = doc[s.citation.start:s.citation.end]
        assert s.citation.text == original
        # the sentence is the source's characters, in order, with layout damage removed
        rest = iter(original)
        assert all(ch in rest for ch in s.text), (s.text, original)


@pytest.mark.slow
def test_topic_summary_is_relevant_and_cited(seeds_assistant: Assistant) -> None:
    summary = seeds_assistant.summarize(query="2026年山西教育有哪些重点工作")
    assert 2 <= len(summary.sentences) <= 8
    assert sum("教育" in s.text or "攻坚突破" in s.text for s in summary.sentences) >= len(summary.sentences) // 2
    assert summary.sentences[0].citation.source == "000_6fb74edb579e9116.txt"
    # every sentence is about education: the year and province of the topic alone made a
    # sentence on the congress's budget review the 8th
    assert all("教育" in s.citation.article or any(w in s.text for w in ("教育", "教师", "学校"))
               for s in summary.sentences), [s.text for s in summary.sentences]


@pytest.mark.slow
def test_a_dated_topic_is_summarised_from_its_own_article_not_from_news_of_the_same_year(
        seeds_assistant: Assistant) -> None:
    summary = seeds_assistant.summarize(query="山西2026年民生实事")
    assert any(s.text.startswith("15件民生实事分别为") for s in summary.sentences)
    assert all("民生" in s.citation.article or "民生" in s.text for s in summary.sentences), \
        [s.text for s in summary.sentences]
