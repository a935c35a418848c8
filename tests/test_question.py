from __future__ import annotations

from assistant.question import analyse, clause_span, resolve_followup, short_span


def test_question_types() -> None:
    assert analyse("导游大赛决赛参赛名额共多少名？").kind == "number"
    assert analyse("省十四届人大五次会议什么时候开幕？").kind == "date"
    assert analyse("智诚万家智能物流园位于哪个区？").kind == "place"
    assert analyse("谁建议支持大同建设先进制造业集聚地？").kind == "person"
    assert analyse("山西2026年15件民生实事是什么").kind == "list"
    assert analyse("How many 5G base stations are there?").kind == "number"


def test_short_spans_by_alignment_and_type() -> None:
    assert short_span(analyse("导游大赛决赛参赛名额共多少名？"), "本次导游大赛决赛参赛名额共120名，其中我市参赛名额20名。") == "120名"
    assert short_span(analyse("减免学前一年保教费政策惠及多少名儿童？"),
                      "包括减免学前一年保教费政策全面落地,惠及27万名儿童。") == "27万名"
    assert short_span(analyse("生命数耗完即算为什么？"), "每次泡封会减少生命数，生命数耗完即算为踢爆。") == "踢爆"
    assert short_span(analyse("全省生态环境保护工作会议是哪天召开的？"),
                      "1月29日召开的全省生态环境保护工作会议提出") == "1月29日"


def test_descriptive_answers_and_follow_ups() -> None:
    assert clause_span(analyse("魏玩的词作大多写什么内容？"),
                       "魏氏著有《魏夫人集》，词作多写闺情及吟咏景物，善于化用唐人诗句。").startswith("闺情及吟咏景物")
    assert resolve_followup("第三件是什么", ["山西2026年15件民生实事是什么"]) == "山西2026年15件民生实事是什么 第三件是什么"
    assert resolve_followup("太原今年新建几所学校？", ["山西2026年15件民生实事是什么"]) == "太原今年新建几所学校？"
    assert resolve_followup("第十五件呢", ["山西2026年15件民生实事是什么", "第三件是什么"]) == \
        "山西2026年15件民生实事是什么 第十五件呢"
