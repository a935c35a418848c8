"""What a question asks for, and whether a span is of that type."""

from __future__ import annotations

import pytest

from assistant.answer_types import asked_unit, expected_type, has_type, language, states_asked


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
    ("列车最高时速有多快？", "number"), ("这座桥有多宽？", "number"), ("冰层有多厚？", "number"),
    ("How many mobile phone users does Shanxi have?", "number"),
    ("How much does a ticket to the Pingyao ancient city cost?", "money"),
    ("In what year was the school founded?", "year"),
    ("When will the final be held?", "date"),
    ("Who won the 2026 World Cup?", "person"),
    ("Where is the final of the tour guide contest held?", "place"),
    ("Which company developed the fire warning system?", "org"),
    ("How much procurement payment did Datong settle?", "money"), ("How much coal did Shanxi produce?", "number"),
    ("十月份的路演吸引了多少投资？", "money"), ("吸引了多少投资项目？", "number"), ("有多少投资者参加？", "number"),
    ("What are the 15 livelihood projects?", None),
    ("这款列车被配属予哪几个铁道？", None),  # 哪几个 asks which ones, not how many
    ("这几年，美军称这手法是什么？", None),  # nor 这几年
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
    ("number", "2026年1月31日至2027年12月31日", False),  # nor a span of days
    ("number", "五大龙沟村通过持续深化“三微”服务", False),  # numerals in a name or in quotation marks count nothing
    ("number", "相关数据", False), ("number", "几乎", False), ("number", "数千人", True), ("number", "多家", True),
    ("number", "前五", True),
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


@pytest.mark.parametrize("kind,question,answer,stated", [
    ("money", "平遥古城的门票多少钱？", "平遥古城今年接待游客500万人次，门票收入大幅增长。", False),  # talks about it, names no sum
    ("money", "平遥古城的门票多少钱？", "平遥古城门票价格为120元。", True),
    ("money", "9月份合计捐款多少？", "县(市、区)：合计；金额(元)：509035.5", True),  # a table cell's unit in its header
    ("place", "温军来自哪个县？", "温军是区县优秀教师代表。", False),  # 区县 names no county
    ("place", "温军来自哪个县？", "温军来自平遥县。", True),
    ("place", "Which county is Wen Jun from?", "温军是全省优秀教师。", False),
    ("place", "Which county is Wen Jun from?", "温军来自平遥县。", True),
    ("place", "孔祥宇是哪个市的政协委员？", "省政协委员孔祥宇建言，让山西文旅走向产业红利。", False),  # a province is no city
    ("place", "代表来自哪个市？", "代表来自北京。", True), ("place", "代表来自哪个省？", "代表来自山西省。", True),
    ("place", "导游大赛的决赛在哪里举行？", "决赛在会议中心举行。", True),  # 哪里 names no level: not judged
    ("person", "谁主持了会议？", "会议强调要坚持稳中求进。", True),  # a person can be named too many ways to tell
    ("person", "大同大学的校长是谁？", "大同大学再次荣获“年度最具传播力高校”称号。", False),  # …but an office must be named
    ("person", "大同大学的校长是谁？", "大同大学校长王明出席了颁奖仪式。", True),
    ("person", "谁是现任湖人队总教练？", "湖人队聘请约翰担任总教练。", True),
    ("person", "山西省委书记是谁？", "深入学习贯彻习近平总书记重要讲话精神。", False),  # 总书记 is not the 省委书记
    ("person", "谁是山西省委书记？", "会议期间，省委书记唐登杰出席大会。", True),
    ("person", "山西副省长是谁？", "省长卢东亮出席大会。", False),
    ("person", "山西省政协主席是谁？", "省政协委员、省书法家协会副主席孔祥宇提出建议。", False),  # another body's deputy
    ("person", "省书法家协会副主席是谁？", "省政协委员、省书法家协会副主席孔祥宇提出建议。", True),
    ("person", "校长是谁？", "副校长李明出席仪式。", False),  # a deputy does not hold the office
    ("person", "Who is the chairman of the Shanxi Provincial CPPCC?", "省政协委员、省书法家协会副主席孔祥宇提出建议。",
     False),  # the only office named is a deputy's
    ("person", "Who is the vice chairman of the calligraphers association?", "省书法家协会副主席孔祥宇提出建议。", True),
    ("place", "卫星在哪个区域内运作？", "卫星在低地球轨道运作。", True),  # 哪个区域 asks for no district
    ("person", "《论自由》的作者是谁？", "弥尔著有《论自由》。", True),  # authorship is said in many ways: not judged
    ("person", "Who is the president of North University of China?", "中北大学加俊老师主持的工作室成功入选。", False),
    ("person", "Who is the party secretary of Shanxi Province?", "会议期间，省委书记唐登杰出席大会。", True),
    ("person", "Who is the head of the supermarket company?", "该公司负责人将锦旗送至审批局。", False),  # names no office
    ("person", "Who proposed building the cluster?", "代表张明建议建设产业集群。", True),  # no office asked
    ("number", "智诚万家智能物流园占地多少亩？", "1月31日,位于杏花岭区的智诚万家智能物流园的工作人员正在作业。", False),
    ("number", "物流园占地多少亩？", "该物流园占地1.2万平方米。", True),  # an area in another unit of area
    ("number", "How many tons of coal did Shanxi produce last year?", "全省新建学校12所。", False),
    ("number", "新建学校多少所？", "全省新建学校12所。", True),  # a count of things is not judged…
    ("number", "活动有多少人现场签约？", "2月4日，新荣区人社局、妇联联合开展春风就业帮扶活动。", False),  # …but a day counts none
    ("number", "五大龙沟村有多少户村民？", "五大龙沟村通过持续深化“三微”服务，让基层治理更有温度。", False),  # nor a name
    ("number", "专家团从几个维度综合考评？", "专家团从技术创新、商业价值及社会效益五大维度综合考评。", True),
    ("number", "王师傅开车多少年了？", "出租车司机王师傅通过5G车驾终端接单。地下几百米的煤矿矿井。", False),  # 5G is a name
    ("number", "王师傅开车多少年了？", "王师傅开了12年出租车。", True),
    ("number", "当时认为地球的历史大约有几年？", "地球的历史大约只有六千年左右。", True),  # no calendar year
    ("number", "How many taxi drivers use the dispatch system?", "全省新增22个专业教学指导委员会。", False),  # no drivers
    ("number", "How many kinds of farm products were promoted?", "活动吸引115名优秀主播踊跃报名。", False),
    ("number", "How many people visited?", "景区接待游客2,790,060，同比增长。", True),  # a bare number may count them
    ("number", "How long can the belts be?", "一台紧凑精巧的机械装置便平稳启动，2月9日投入使用。", False),  # no length or time
    ("number", "How long can the belts be?", "能够轻松应对50米至100米长度的废旧皮带回收需求。", True),
    ("number", "How long is the construction period?", "这三类平台建设期均为3年。", True),
    ("date", "太绥高铁什么时候开工建设？", "加快太绥高铁建设前期工作。", False),  # 前期工作: preparatory work, no time
    ("year", "巴什卡公司成立于哪一年？", "高冠华和他的巴什卡机械制造有限公司，早已踏上产业升级之路。", False),
    ("date", "太绥高铁什么时候开工建设？", "太绥高铁将于今年6月开工建设。", True),
    ("date", "辽宁地区何时归属中原？", "唐末藩镇混战，辽宁地区归属屡变。", True),  # an era is a time
    ("date", "When did the emergency team arrive?", "15时左右，抢险队员赶到现场。", True),
])
def test_whether_an_answer_states_the_kind_of_value_asked(kind: str, question: str, answer: str,
                                                          stated: bool) -> None:
    assert states_asked(kind, question, answer) is stated  # type: ignore[arg-type]


@pytest.mark.parametrize("question,unit", [
    ("How many students registered for the college entrance exam?", "人"),
    ("How many children benefited from the waiver?", "人"), ("How many days did the boxes travel?", "天"),
    ("How many companies signed contracts?", "家"), ("How many schools were approved?", "所"),
    ("How many dedicated bicycles did the company add?", None),  # no unit known for bicycles
    ("How many times did the students visit?", "次"),  # the words before the verb are counted
    ("How many 5G base stations did workers build?", None), ("What is the price?", None),
])
def test_the_unit_of_what_an_english_question_counts(question: str, unit: str | None) -> None:
    assert asked_unit(question) == unit


@pytest.mark.parametrize("question,unit", [
    ("垣曲县2023年新建了几所中学？", "所"), ("有多少人现场签约？", "人"), ("王师傅开车多少年了？", "年"),
    ("有多少年轻人参加？", None),  # 年轻人 is a word, not a count in years
    ("论文被引用数量为世界前几名？", None),  # a rank
    ("接待求职咨询多少人次？", None), ("山西有多少个百分点？", None), ("How many students registered?", "人"),
])
def test_the_unit_a_count_is_asked_in(question: str, unit: str | None) -> None:
    assert asked_unit(question) == unit
