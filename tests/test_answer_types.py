"""What a question asks for, and whether a span is of that type."""

from __future__ import annotations

import pytest

from assistant.answer_types import expected_type, has_type, language


@pytest.mark.parametrize("question,kind", [
    ("平遥古城的门票多少钱？", "money"),
    ("这个项目总投资多少亿元？", "money"),
    ("2026年山西高考录取分数线是多少？", "number"),
    ("山西去年的煤炭产量是多少吨？", "number"),
    ("柏林圍牆在哪一年倒塌？", "year"),
    ("太原地铁2号线什么时候开通？", "date"),
    ("导游大赛的决赛在哪里举行？", "place"),
    ("谁主持了会议？", "person"),
    ("这套系统是哪家公司研发的？", "org"),
    ("山西2026年15件民生实事是什么", None),
    ("中華民國政府撤退至臺灣於西元幾年?", "year"), ("工程用了几年？", "number"),
    ("How many mobile phone users does Shanxi have?", "number"),
    ("How much does a ticket to the Pingyao ancient city cost?", "money"),
    ("In what year was the school founded?", "year"),
    ("When will the final be held?", "date"),
    ("Who won the 2026 World Cup?", "person"),
    ("Where is the final of the tour guide contest held?", "place"),
    ("Which company developed the fire warning system?", "org"),
    ("What are the 15 livelihood projects?", None),
])
def test_expected_type_in_chinese_traditional_and_english(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


@pytest.mark.parametrize("kind,span,ok", [
    ("money", "11.8万元", True), ("money", "300美元", True), ("money", "五台", False), ("money", "120名", False),
    ("year", "2026年", True), ("year", "1989", True), ("year", "嘉靖9年", True), ("year", "十五个", False),
    ("date", "3月", True), ("date", "2026年2月2日", True), ("date", "夏季", True), ("date", "十五个", False),
    ("date", "太原", False),
    ("number", "4261.7万户", True), ("number", "三成", True), ("number", "太原", False),
    ("number", "9天", True), ("number", "第三", True), ("number", "一百二十名", True),
    ("number", "2月6日", False), ("number", "2026年2月6日", False),  # a day is no count
    ("number", "五大龙沟村通过持续深化“三微”服务", False),  # numerals in a name or in quotation marks count nothing
    ("person", "李雪峰", True), ("person", "瓦西里·谢苗诺维奇", True), ("person", "80.5%", False),
    ("person", "2月", False),
    ("place", "太原市", True), ("place", "娄烦县", True), ("place", "12个", False),
    ("org", "山西省教育厅", True), ("org", "中国移动山西公司", True), ("org", "4.05", False),
])
def test_span_type_checks(kind: str, span: str, ok: bool) -> None:
    assert has_type(kind, span) is ok  # type: ignore[arg-type]


def test_any_span_passes_when_no_type_is_asked_for() -> None:
    assert has_type(None, "一是为怀孕妇女提供免费产前筛查")


def test_language_of_a_question() -> None:
    assert language("山西5G基站数量达到多少？") == "zh"
    assert language("How many 5G base stations does Shanxi have?") == "other"
    assert language("Combien d'habitants?") == "other"
