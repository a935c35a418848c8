from __future__ import annotations

from assistant.question import analyse, ordinal_value, resolve_followup


def test_question_types() -> None:
    assert analyse("导游大赛决赛参赛名额共多少名？").kind == "number"
    assert analyse("省十四届人大五次会议什么时候开幕？").kind == "date"
    assert analyse("智诚万家智能物流园位于哪个区？").kind == "place"
    assert analyse("谁建议支持大同建设先进制造业集聚地？").kind == "person"
    assert analyse("山西2026年15件民生实事是什么").kind == "list"
    assert analyse("How many 5G base stations are there?").kind == "number"


def test_a_question_in_traditional_script_is_read_like_its_simplified_form() -> None:
    for traditional, simplified_q in [("誰是第一位登上月球的人？", "谁是第一位登上月球的人？"),
                                      ("該公司位於哪裡？", "该公司位于哪里？"),
                                      ("這座城市有多少人口？", "这座城市有多少人口？")]:
        a, b = analyse(traditional), analyse(simplified_q)
        assert (a.wh, a.kind, a.expects, a.left, a.right) == (b.wh, b.kind, b.expects, b.left, b.right)
    assert analyse("誰是第一位登上月球的人？").kind == "person" and analyse("該公司位於哪裡？").kind == "place"


def test_ordinal_values() -> None:
    assert [ordinal_value(t) for t in ("三", "十", "十五", "二十", "二十三", "7", "两")] == [3, 10, 15, 20, 23, 7, 0]


def test_follow_ups() -> None:
    assert resolve_followup("第三件是什么", ["山西2026年15件民生实事是什么"]) == "山西2026年15件民生实事是什么 第三件是什么"
    assert resolve_followup("太原今年新建几所学校？", ["山西2026年15件民生实事是什么"]) == "太原今年新建几所学校？"
    assert resolve_followup("第十五件呢", ["山西2026年15件民生实事是什么", "第三件是什么"]) == \
        "山西2026年15件民生实事是什么 第十五件呢"
