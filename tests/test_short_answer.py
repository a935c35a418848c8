from __future__ import annotations

import pytest

from assistant.question import analyse
from assistant.ranker import Rankers, load_rankers
from assistant.short_answer import aligned_span, clause_span, read, short_answer, span_candidates


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


def test_a_quotation_right_after_the_question_context_is_the_aligned_span(rankers: Rankers) -> None:
    sentence = "今年，全省教育系统将深入实施“十大战略工程”，全力实现“六大攻坚突破”。"
    info = analyse("2026年山西教育要全力实现什么？")
    assert aligned_span(info, sentence) == "“六大攻坚突破”"
    assert short_answer(info, sentence, rankers.span) == "“六大攻坚突破”"
    aside = "阵内智则（1974年2月22日－），日本喜剧演员及主持人。"  # a bracket after a name is an aside
    assert aligned_span(analyse("阵内智则是哪个国家的演员？"), aside) == "日本"


def test_descriptive_clause() -> None:
    assert clause_span(analyse("魏玩的词作大多写什么内容？"),
                       "魏氏著有《魏夫人集》，词作多写闺情及吟咏景物，善于化用唐人诗句。").startswith("闺情及吟咏景物")


def test_span_candidates_are_clean_pieces_of_the_sentence() -> None:
    sentence = "移动电话用户数达4261.7万户，较“十三五”末增加238.9万户，全省移动电话普及率每百人122.9部。"
    info = analyse("山西移动电话用户数达到多少？")
    texts = [sentence[s:e] for s, e in span_candidates(read(info, sentence))]
    assert "4261.7万户" in texts
    assert all(t and t[0] not in "，。、" and t[-1] not in "，。、" for t in texts)


def test_span_candidates_cut_no_value_and_no_quotation_in_half() -> None:
    sentence = "1月29日召开的会议提出，优质高中招生指标的60%分配到区域内初中学校，该船名为「吉顺轮」。"
    texts = [sentence[s:e] for s, e in span_candidates(read(analyse("会议提出了什么？"), sentence))]
    assert {"60%", "1月29日", "吉顺轮", "「吉顺轮」"} <= set(texts)
    assert not {"60", "29日", "1月29", "「吉顺轮", "吉顺轮」"} & set(texts)
    assert all(t.count("「") == t.count("」") for t in texts)


def test_value_questions_get_the_value_not_the_clause_around_it(rankers: Rankers) -> None:
    sentence = "本报讯2月2日，省十四届人大五次会议在太原开幕。此次药品集采采购周期为2026年1月31日至2027年12月31日。"
    assert short_answer(analyse("省十四届人大五次会议什么时候开幕？"), sentence, rankers.span) == "2月2日"
    assert short_answer(analyse("这次药品集采的采购周期是什么时候？"), sentence,
                        rankers.span) == "2026年1月31日至2027年12月31日"
    share = "全省优质普通高中招生指标的60%分配到区域内初中学校。"
    assert short_answer(analyse("优质高中招生指标的多少比例分配到区域内初中？"), share, rankers.span) == "60%"


def test_a_year_question_gets_the_year_not_the_day(rankers: Rankers) -> None:
    sentence = "美國聯邦最高法院於2015年6月26日裁定同性伴侶均應有平等的結婚權利。"
    assert short_answer(analyse("美國聯邦最高法院在哪一年判定同性伴侶應有平等的結婚權利?"), sentence,
                        rankers.span) == "2015年"
    assert short_answer(analyse("In what year did the Supreme Court rule on equal marriage rights?"), sentence,
                        rankers.span) == "2015年"
    assert short_answer(analyse("美國聯邦最高法院在什麼時候判定的?"), sentence, rankers.span) == "2015年6月26日"
    spans = "恆豐路橋於1986年4月25日至1987年6月25日改建。"  # a span of days stays whole
    assert short_answer(analyse("恆豐路橋在哪一年改建?"), spans, rankers.span) == "1986年4月25日至1987年6月25日"


def test_a_how_long_question_gets_a_time_not_a_fare(rankers: Rankers) -> None:
    sentence = "東引→南竿的交通船則是台馬輪，航程大約兩小時，票價新台幣350元。"
    assert short_answer(analyse("搭台馬輪從南竿到東引區要花費多少時間？"), sentence, rankers.span) == "兩小時"
    siege = "此次圍城超過半年，城中斗米千錢，一碗粥也難求。"
    span = short_answer(analyse("此次圍城至少持續多久？"), siege, rankers.span)
    assert span is not None and span.endswith("半年")  # not 一碗 nor 千錢


def test_a_share_question_gets_the_share_in_either_language(rankers: Rankers) -> None:
    sentence = "发放宣传资料及岗位手册1000余份，接待求职咨询500余人次，女性求职者占比超六成。"
    assert short_answer(analyse("招聘活动中女性求职者占比多少？"), sentence, rankers.span) == "六成"
    assert short_answer(analyse("What share of the job seekers were women?"), sentence, rankers.span) == "六成"


def test_typed_questions_get_a_typed_span_others_the_learned_choice(rankers: Rankers) -> None:
    sentence = "本次导游大赛决赛参赛名额共120名，其中我市参赛名额20名。"
    assert short_answer(analyse("导游大赛决赛参赛名额共多少名？"), sentence, rankers.span) == "120名"
    described = "魏氏著有《魏夫人集》，词作多写闺情及吟咏景物，善于化用唐人诗句。"
    span = short_answer(analyse("魏玩的词作大多写什么内容？"), described, rankers.span)
    assert span is not None and "闺情" in span and span in described and len(span) < len(described)


def test_traditional_script_is_read_in_simplified_and_answered_as_written(rankers: Rankers) -> None:
    sentence = "摩加迪休是索馬利亞的首都及主要海港，1990年代起內戰不斷。"
    info = analyse("摩加迪休是哪個國家的首都？")
    reading = read(info, sentence)
    assert len(reading.text) == len(sentence) and "索马利亚" in reading.text
    assert reading.info.kind == "place"  # 哪個國家 is read as 哪个国家
    assert "索馬利亞" in [sentence[s:e] for s, e in span_candidates(reading)]  # a run of words, not only clauses
    span = short_answer(info, sentence, rankers.span)
    assert span == "索馬利亞"  # copied as written, not converted


def test_person_questions_in_traditional_script_get_a_name(rankers: Rankers) -> None:
    sentence = "相對論是由愛因斯坦在1905年提出的物理學理論。"
    assert short_answer(analyse("相對論是誰提出的？"), sentence, rankers.span) == "愛因斯坦"


def test_literary_and_variant_question_words_get_the_thing_asked_not_the_sentence(rankers: Rankers) -> None:
    """甚麼 (Taiwan's 什麼) and 何人 are question words: the short answer is the part of the
    sentence they stand for, not the whole sentence or a nearby clause."""
    bridge = "這座大橋由工程師張三主持修建，於1900年竣工，是當時全省最長的橋。"
    assert short_answer(analyse("何人主持修建了這座大橋？"), bridge, rankers.span) == "張三"
    scandal = "2010年，該公司發生財務造假醜聞，董事長隨即辭職。"
    assert short_answer(analyse("該公司發生了甚麼醜聞？"), scandal, rankers.span) == "財務造假醜聞"
    born = "這本小說的作者李四生於1950年3月，在上海長大。"
    assert short_answer(analyse("這本小說的作者是甚麼時候出生的？"), born, rankers.span) == "1950年3月"


def test_english_how_many_wants_a_count_not_a_rate_or_a_year(rankers: Rankers) -> None:
    sentence = "截至2023年底，移动电话用户数达4261.7万户，全省移动电话普及率每百人122.9部。"
    info = analyse("How many mobile phone users does Shanxi have?")

    def prefers_the_rate(texts: list[str]) -> list[float]:  # a dense model misled by the shared words
        return [0.9 if "普及率" in t else 0.8 if "2023" in t else 0.5 for t in texts]

    assert short_answer(info, sentence, rankers.span, prefers_the_rate) == "4261.7万户"


def test_english_how_many_people_wants_people_not_a_share_or_schools(rankers: Rankers) -> None:
    info = analyse("How many students registered for the college entrance exam in Shanxi in 2024?")
    other = "2024年，全省遴选53所优质中职学校开展综合高中试点，普通高中毛入学率提高8.70个百分点。"
    assert short_answer(info, other, rankers.span) is None  # 8.70个百分点 is a share, 53所 counts schools
    said = "2024年全省高考报名考生32.6万人，比上年增加1.2万人。"
    assert short_answer(info, said, rankers.span, lambda texts: [0.9 if "报名" in t else 0.5 for t in texts]) == "32.6万人"


def test_english_how_many_or_how_long_is_not_answered_with_an_article_or_an_item_number(rankers: Rankers) -> None:
    sentence = "图为市民在一家刚刚建成投用的兆瓦闪充电动车充电桩为爱车充电。"  # 一家: "a", no count
    assert short_answer(analyse("How many charging piles does Taiyuan have?"), sentence, rankers.span) is None
    items = "十四是免费送戏下乡1万场;十五是打造80个新型公共文化空间。"  # 十五是: the item's number
    assert short_answer(analyse("How many new public cultural spaces will be created?"), items, rankers.span,
                        lambda texts: [0.9 if "文化空间" in t else 0.5 for t in texts]) == "80个"
    device = "5名职工轻按操作键，一台机械装置便启动，能够应对50米至100米长度的废旧皮带。"
    assert short_answer(analyse("How long can the belts handled by the device be?"), device,
                        rankers.span) == "50米至100米"  # a length, not 一台 or 5名


def test_an_item_number_is_no_count_in_chinese_either(rankers: Rankers) -> None:
    items = "15件民生实事分别为:一是为怀孕妇女提供免费产前筛查与诊断服务,做到应检尽检;二是对新生儿给予全额补助;"
    assert short_answer(analyse("今年将为多少名孕妇提供免费产前筛查？"), items, rankers.span) is None  # not 一是为怀孕


def test_a_name_of_letters_and_digits_is_never_cut_for_a_count(rankers: Rankers) -> None:
    sentence = "出租车司机王师傅通过5G车驾终端，实时接收着智能调度系统推送的订单。"
    assert short_answer(analyse("王师傅开车多少年了？"), sentence, rankers.span) is None  # not 通过5 of 5G


def test_a_dateline_or_byline_is_never_the_short_answer(rankers: Rankers) -> None:
    lead = "本报讯（记者丁亚琴）2月9日，全省教育系统将深入实施“十大战略工程”，全力实现“六大攻坚突破”。"
    for question in ("2026年山西教育要全力实现什么？", "谁提出全省教育系统要实施十大战略工程？"):
        span = short_answer(analyse(question), lead, rankers.span)
        assert span is None or not any(w in span for w in ("本报讯", "丁亚琴", "记者"))
    assert short_answer(analyse("哪天全省教育系统提出实施“十大战略工程”？"), lead, rankers.span) == "2月9日"
    texts = [lead[s:e] for s, e in span_candidates(read(analyse("这篇报道的记者是谁？"), lead))]
    assert "丁亚琴" in texts  # unless the question asks who reported it
    traditional = "本報訊（記者王小明）2月9日，陳建國當選為協會會長。"
    assert short_answer(analyse("Who was elected president of the association?"), traditional,
                        rankers.span) == "陳建國"


def test_a_place_written_inside_a_larger_one_is_one_answer(rankers: Rankers) -> None:
    sentence = "由国家国防科工局主办的第五届国防科技工业青年“建言献策”征文比赛在四川绵阳圆满落幕。"
    info = analyse("第五届国防科技工业青年“建言献策”征文比赛在哪里落幕？")
    assert aligned_span(info, sentence) == "四川绵阳"
    english = analyse("Where did the fifth youth essay contest of the defence science industry end?")
    assert short_answer(english, sentence, rankers.span) == "四川绵阳"


def test_an_english_question_is_not_answered_with_a_place_it_names(rankers: Rankers) -> None:
    sentence = "11月29日，山西省教育大会在太原召开。"
    info = analyse("Where was the Shanxi provincial education conference held?")
    assert short_answer(info, sentence, rankers.span) == "太原"
    alone = "山西省教育大会召开。"  # the only place there is: still the short answer
    assert short_answer(info, alone, rankers.span) == "山西省"


def test_an_english_question_is_not_answered_with_a_name_it_spells_in_pinyin(rankers: Rankers) -> None:
    sentence = "孔祥宇与刘奇交流了文旅产业的发展。"
    info = analyse("Who did Kong Xiangyu talk with about cultural tourism?")
    assert short_answer(info, sentence, rankers.span) == "刘奇"  # not 孔祥宇: the question names him


def test_an_english_question_is_not_answered_with_a_number_it_states(rankers: Rankers) -> None:
    sentence = "在黄河、长城、太行三个一号旅游公路沿线新建5G基站1.7万个，实现了景区5G网络深度覆盖。"
    info = analyse("How many 5G base stations were built along the three No. 1 tourist highways?")
    assert short_answer(info, sentence, rankers.span) == "1.7万个"  # not 三个: the question says three
    alone = "三个一号旅游公路沿线已实现5G网络深度覆盖。"  # the only count there is: still the short answer
    assert short_answer(info, alone, rankers.span) == "三个"


def test_a_count_is_never_a_date_or_a_quoted_name(rankers: Rankers) -> None:
    named = "从守护“钱袋子”，到共建“同心圆”，五大龙沟村通过持续深化“三微”服务，让基层治理既有力度更有温度。"
    assert short_answer(analyse("五大龙沟村一共有多少户村民？"), named, rankers.span) is None
    dated = "本报讯2月6日,阳曲县人民法院的干警走进山西老来福养老院开展普法讲座。"
    assert short_answer(analyse("山西老来福养老院有多少张床位？"), dated, rankers.span) is None
    counted = "五大龙沟村共有村民320户，其中“三微”服务覆盖280户。"
    assert short_answer(analyse("五大龙沟村一共有多少户村民？"), counted, rankers.span) == "320户"
    period = "此次药品集采采购周期为2026年1月31日至2027年12月31日。"
    assert short_answer(analyse("这次药品集采执行多少天？"), period, rankers.span) is None  # a span of dates counts no days


def test_a_count_asked_in_a_unit_is_no_clause_whose_counts_are_in_other_units(rankers: Rankers) -> None:
    settled = "2025年，我市成为全省唯一实现集采药品货款直接结算的城市，覆盖29家公立医疗机构和11家配送企业，结算率达99%。"
    assert short_answer(analyse("大同市集采药品的结算周期是多少天？"), settled, rankers.span) is None
    assert short_answer(analyse("直接结算覆盖多少家公立医疗机构？"), settled, rankers.span) == "29家"


def test_a_measure_asked_for_is_no_count_of_things_and_a_pointing_one_counts_nothing(rankers: Rankers) -> None:
    park = "1月31日,位于杏花岭区的智诚万家智能物流园的工作人员正在作业。"  # 万家 is part of a name, not 10,000 homes
    assert short_answer(analyse("智诚万家智能物流园占地多少亩？"), park, rankers.span) is None
    assert short_answer(analyse("物流园占地多少亩？"), "该物流园占地120亩，集物流、仓储于一体。", rankers.span) == "120亩"
    assert short_answer(analyse("线路全长多少公里？"), "线路全长23.6公里，设车站20座。", rankers.span) == "23.6公里"
    runways = "该机场有三条跑道，编号分别为08/26和09/27。"
    assert short_answer(analyse("该机场有几条跑道？"), runways, rankers.span) == "三条"  # not a runway's number
    assert short_answer(analyse("冰层有多厚？"), "湖面冰层厚约65厘米，可以滑冰。", rankers.span) in ("65厘米", "约65厘米")
    changed = "过去需要10名职工耗费整整一个早班。这一喜人的转变，源于官地矿自主研发的装置。"
    assert short_answer(analyse("这项工作需要几名职工？"), changed, rankers.span) == "10名"  # not 一喜人 of 这一喜人


def test_an_age_is_no_count_of_things_nor_a_question_word(rankers: Rankers) -> None:
    said = "“文旅强省的关键，不是打造多少个孤立IP，而是让每个IP都能成长为一个产业生态。”孔祥宇表示。"
    assert short_answer(analyse("孔祥宇今年多少岁？"), said, rankers.span) is None  # not 一个, not 多少个
    assert short_answer(analyse("孔祥宇今年多少岁？"), "孔祥宇今年52岁，是省政协委员。", rankers.span) == "52岁"
    assert short_answer(analyse("全县有几所中学？"), "全县共有中学3个，小学12个。", rankers.span) == "3个"  # 个 counts things
