from __future__ import annotations

import pytest

from assistant.question import analyse
from assistant.ranker import Rankers, load_rankers
from assistant.short_answer import aligned_span, clause_span, short_answer, span_candidates


@pytest.fixture(scope="module")
def rankers() -> Rankers:
    return load_rankers()


def test_aligned_spans_by_position_and_type() -> None:
    assert aligned_span(analyse("导游大赛决赛参赛名额共多少名？"), "本次导游大赛决赛参赛名额共120名，其中我市参赛名额20名。") == "120名"
    assert aligned_span(analyse("减免学前一年保教费政策惠及多少名儿童？"),
                        "包括减免学前一年保教费政策全面落地,惠及27万名儿童。") == "27万名"
    assert aligned_span(analyse("生命数耗完即算为什么？"), "每次泡封会减少生命数，生命数耗完即算为踢爆。") == "踢爆"
    assert aligned_span(analyse("全省生态环境保护工作会议是哪天召开的？"),
                        "1月29日召开的全省生态环境保护工作会议提出") == "1月29日"
    assert aligned_span(analyse("谁建议支持大同建设先进制造业集聚地？"), "") is None


def test_descriptive_clause() -> None:
    assert clause_span(analyse("魏玩的词作大多写什么内容？"),
                       "魏氏著有《魏夫人集》，词作多写闺情及吟咏景物，善于化用唐人诗句。").startswith("闺情及吟咏景物")


def test_span_candidates_are_clean_pieces_of_the_sentence() -> None:
    sentence = "移动电话用户数达4261.7万户，较“十三五”末增加238.9万户，全省移动电话普及率每百人122.9部。"
    info = analyse("山西移动电话用户数达到多少？")
    texts = [sentence[s:e] for s, e in span_candidates(info, sentence, aligned_span(info, sentence), None)]
    assert "4261.7万户" in texts
    assert all(t and t[0] not in "，。、" and t[-1] not in "，。、" for t in texts)


def test_typed_questions_take_the_aligned_span_others_the_learned_choice(rankers: Rankers) -> None:
    sentence = "本次导游大赛决赛参赛名额共120名，其中我市参赛名额20名。"
    assert short_answer(analyse("导游大赛决赛参赛名额共多少名？"), sentence, rankers.span) == "120名"
    described = "魏氏著有《魏夫人集》，词作多写闺情及吟咏景物，善于化用唐人诗句。"
    span = short_answer(analyse("魏玩的词作大多写什么内容？"), described, rankers.span)
    assert span is not None and "闺情" in span and span in described and len(span) < len(described)
