from __future__ import annotations

from assistant.question import analyse, ordinal_value, resolve_followup, typed_spans


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


def test_literary_and_variant_question_words_are_read_as_question_words() -> None:
    """甚麼 (Taiwan's 什麼), 何年, 何人 and 哪一個 ask as 什么, 哪一年, 谁 and 哪个 do: the text
    either side of them is what the answer is aligned with, and they are no content."""
    q = analyse("三木武夫組閣後，發生了甚麼醜聞？")
    assert (q.wh, q.left, q.right) == ("什么", "三木武夫组阁后，发生", "丑闻")
    q = analyse("代頓協議於何年簽署？")
    assert (q.wh, q.kind, q.expects, q.right) == ("何年", "date", "year", "签署")
    q = analyse("何人於350年改國號為魏？")
    assert (q.wh, q.kind, q.right) == ("何人", "person", "于350年改国号为魏")
    q = analyse("臺灣第一個建城的城市是哪一個城市？")
    assert (q.wh, q.kind, q.right) == ("哪一个", "place", "城市")
    assert q.content == "台湾第1个建城城市城市"  # the question word's 一个 is no content


def test_ordinal_values() -> None:
    assert [ordinal_value(t) for t in ("三", "十", "十五", "二十", "二十三", "7", "两")] == [3, 10, 15, 20, 23, 7, 0]


def test_follow_ups() -> None:
    assert resolve_followup("第三件是什么", ["山西2026年15件民生实事是什么"]) == "山西2026年15件民生实事是什么 第三件是什么"
    assert resolve_followup("太原今年新建几所学校？", ["山西2026年15件民生实事是什么"]) == "太原今年新建几所学校？"
    assert resolve_followup("第十五件呢", ["山西2026年15件民生实事是什么", "第三件是什么"]) == \
        "山西2026年15件民生实事是什么 第十五件呢"


def test_a_value_in_percentage_points_is_read_with_its_whole_unit() -> None:
    """8.70个百分点 is one value: cut at 个 it would read as a count of eight things."""
    text = "普通高中计划占初中毕业生数的70.18%，比2023年增加8.70个百分点。"
    assert [m.group() for m in typed_spans("number", text)] == ["70.18%", "2023年", "8.70个百分点"]


def test_a_measure_is_read_with_its_unit_in_chinese_or_latin_letters() -> None:
    """65厘米 and 8848 m are one value each, not a bare number; 两 with a unit is a count, 两岸 is none."""
    text = "冰层厚约65厘米，山峰海拔8848 m，面积约两平方公里，气温零下5℃，两岸都有村庄。"
    assert [m.group() for m in typed_spans("number", text)] == ["65厘米", "8848 m", "两平方公里", "5℃"]
    assert [m.group() for m in typed_spans("number", "5G基站和3D打印")] == []
    assert analyse("列车最高时速有多快？").kind == "number" and analyse("冰层有多厚？").kind == "number"


def test_an_approximate_count_keeps_its_unit() -> None:
    """85批次, 1000余份 and 30多家 are whole answers: cut before the unit they lose what is counted."""
    text = "累计执行85批次集采，发放资料1000余份，30多家企业参与，发表21篇报道，3月份开始。"
    assert [m.group() for m in typed_spans("number", text)] == ["85批次", "1000余份", "30多家", "21篇", "3月"]


def test_a_date_keeps_its_era_and_a_decade_its_suffix() -> None:
    """公元前25年 is 25 BC: read as 25年 it names a year 2,050 years later; 1990年代 is a decade, not 1990."""
    text = "该城于公元前25年建立，古代文明时期指公元前3500年到公元前1000年，1990年代以来日渐繁荣，2015年6月26日获评。"
    assert [m.group() for m in typed_spans("date", text)] == ["公元前25年", "公元前3500年到公元前1000年", "1990年代",
                                                              "2015年6月26日"]


def test_a_fraction_or_a_ratio_is_one_value() -> None:
    """三分之一, 1/3, 1：7 and 1比3 are each one answer: read as 三 and 一 they say a different amount."""
    text = "瘟疫消灭了三分之一的人口，俄国失去了1/3的土地，男女生比例约为1：7，巴西以1比3输球。"
    assert [m.group() for m in typed_spans("number", text)] == ["三分之一", "1/3", "1：7", "1比3"]


def test_a_question_word_is_not_read_inside_another_word() -> None:
    """大多高达…多少米 asks 多少 (大多 is one word), 许多高校…哪一个 asks 哪一个; 多高 alone still asks a height."""
    assert analyse("山地大多高达海拔多少米之上？").wh == "多少"
    assert analyse("许多高校由于哪一个革命的破坏而迁出北京？").wh == "哪一个"
    assert analyse("这座山有多高？").wh == "多高" and analyse("再过多久能到？").wh == "多久"


def test_a_share_in_tenths_is_a_value() -> None:
    """六成 is 60%; 一成为 (one becomes) and 十五成为 are no shares."""
    text = "女性求职者占比超六成，约占三成，3成以上，使其中之一成为，十五成为。"
    assert [m.group() for m in typed_spans("number", text)] == ["六成", "三成", "3成", "一", "十五"]
