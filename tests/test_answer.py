from __future__ import annotations

import pytest

from assistant.answer import (
    Evidence,
    asked_counts,
    build_answer,
    compose,
    list_items,
    opens_item,
    sentence_reply,
    table_answer,
    trimmed,
)
from assistant.answerability import SIGNALS, UNSTATED, UNSTATED_PENALTY, adjusted
from assistant.candidates import Candidate
from assistant.chunking import Passage, Sentence
from assistant.citation import Citation
from assistant.config import DEFAULT_SETTINGS
from assistant.question import analyse
from assistant.ranker import Rankers, load_rankers
from assistant.search import Hit


@pytest.fixture(scope="module")
def rankers() -> Rankers:
    return load_rankers()


def test_list_items_in_order() -> None:
    sents = [Sentence("15件民生实事分别为:一是为怀孕妇女提供免费产前筛查;", 0, 10), Sentence("二是补助新生儿;", 10, 20),
             Sentence("三是开展内镜检查3万名。", 20, 30)]
    items = [t for t, _ in list_items(sents)]
    assert items == ["一是为怀孕妇女提供免费产前筛查", "二是补助新生儿", "三是开展内镜检查3万名。"]
    # a sentence opening an item is a fact of its own: no short answer for another item comes from it
    assert opens_item("三是对上消化道癌高危人群开展内镜检查3万名;") and opens_item("（二）加强管理") and opens_item("3.加强")
    assert not opens_item("3.5亿元投入建设") and not opens_item("这是一项民生工程")


def _row(n: int, cells: tuple[tuple[str, str], ...]) -> Passage:
    text = "；".join(f"{h}：{v}" for h, v in cells)
    return Passage(f"r{n}", "t.txt", "各县(市、区)一周主要指标情况", 0, n, n * 10, n * 10 + 9, text, kind="table_row",
                   sentences=[Sentence(text, n * 10, n * 10 + 9)], cells=cells)


def test_table_superlative_uses_the_named_column() -> None:
    rows = [_row(1, (("县(市、区)", "阳曲县"), ("综合指数", "3.55"), ("PM2.5(μg/m3)", "29"))),
            _row(2, (("县(市、区)", "娄烦县"), ("综合指数", "2.45"), ("PM2.5(μg/m3)", "14"))),
            _row(3, (("县(市、区)", "太原市；城区"), ("综合指数", "4.05"), ("PM2.5(μg/m3)", "34")))]
    row, name = table_answer(analyse("哪个县空气质量综合指数最低？"), rows)
    assert name == "娄烦县" and row.id == "r2"
    row, name = table_answer(analyse("PM2.5最高的是哪里"), rows)
    assert name == "太原市；城区"  # a cell holding "；" does not shift the columns
    assert table_answer(analyse("哪个县人口最多？"), rows) is None  # no such column


def _passage(doc: str, start: int) -> Passage:
    return Passage("p0", "a.txt", "新闻", 0, 1, start, len(doc), doc[start:], sentences=[Sentence(doc[start:], start,
                                                                                                 len(doc))])


def test_answer_cites_exact_text_and_says_not_found_when_evidence_is_weak(rankers: Rankers) -> None:
    doc = "本报讯 太原市今年新建学校12所。"
    p = _passage(doc, 4)
    ans = build_answer("太原市今年新建学校多少所？", [Hit(p, 1.0, 0.95, 5.0)], Evidence({"a.txt": doc}), rankers)
    assert ans.found and ans.short_answer == "12所"
    assert ans.citations[0].text == doc[ans.citations[0].start:ans.citations[0].end] == "太原市今年新建学校12所。"
    none = build_answer("上海迪士尼乐园门票多少钱？", [Hit(p, 0.2, 0.80, 0.0)], Evidence({"a.txt": doc}), rankers)
    assert not none.found and none.message and none.passages and not none.citations


def test_the_shipped_answerability_model_reads_todays_signals(rankers: Rankers) -> None:
    model = rankers.answerability
    assert model is not None and model.card["features"] == list(SIGNALS) and 0.05 <= model.threshold <= 0.95
    assert model.card["cross_validated"] and model.card["data_sha256"]
    p = _passage("本报讯 太原市今年新建学校12所，新增学位1.2万个。", 4)
    row = compose("太原市今年新建学校多少所？", [Hit(p, 1.0, 0.93, 8.0)], Evidence({"a.txt": p.text}), rankers).signals
    assert len(row) == len(SIGNALS) and 0.0 <= model.probability(row) <= 1.0


def test_an_english_question_for_a_value_whose_sentence_holds_none_states_nothing(rankers: Rankers) -> None:
    doc = "本报讯 截至目前，该系统依托人工智能技术，通过AI语音实现批量外呼，服务纳税人缴费人。"
    p = _passage(doc, 4)
    hits, evidence = [Hit(p, 1.0, 0.93, 8.0)], Evidence({"a.txt": doc})
    when = compose("When did the outbound call system start operating?", hits, evidence, rankers).signals
    assert when[SIGNALS.index("type_match")] == UNSTATED  # no date to answer with: a quarter as likely
    counted = "本报讯 截至目前，该系统累计呼叫纳税人缴费人144218户。"
    q = _passage(counted, 4)
    many = compose("How many taxpayers has the system called?", [Hit(q, 1.0, 0.93, 8.0)], Evidence({"a.txt": counted}),
                   rankers).signals
    assert many[SIGNALS.index("type_match")] == 1.0


def test_a_price_asked_of_pages_that_name_no_sum_is_not_found(rankers: Rankers) -> None:
    doc = "本报讯 平遥古城的门票今年起实行分时预约，游客可在网上购买门票，今年接待游客500万人次。"
    p = _passage(doc, 4)
    hits, evidence = [Hit(p, 1.0, 0.93, 8.0)], Evidence({"a.txt": doc})
    asked = compose("平遥古城的门票多少钱？", hits, evidence, rankers).signals
    assert asked[SIGNALS.index("type_match")] == UNSTATED
    assert adjusted(0.8, asked) == pytest.approx(0.8 * UNSTATED_PENALTY)
    price = build_answer("平遥古城的门票多少钱？", hits, evidence, rankers)
    assert not price.found and not price.citations  # the page talks about tickets without a price
    visitors = build_answer("平遥古城今年接待游客多少人次？", hits, evidence, rankers)
    assert visitors.found and visitors.short_answer == "500万人次"  # the same page answers what it does say


def test_a_time_asked_of_pages_that_say_no_time_is_not_found(rankers: Rankers) -> None:
    doc = "本报讯 省政府工作报告提出，扩大有效投资，推动机场三期改扩建工程，加快太绥高铁建设前期工作。"
    p = _passage(doc, 4)
    hits, evidence = [Hit(p, 1.0, 0.93, 8.0)], Evidence({"a.txt": doc})
    when = compose("太绥高铁什么时候开工建设？", hits, evidence, rankers)
    assert when.signals[SIGNALS.index("type_match")] == UNSTATED  # 前期工作 is preparatory work, not a time
    assert not build_answer("太绥高铁什么时候开工建设？", hits, evidence, rankers).found


def test_a_city_asked_and_a_province_answered_is_not_found(rankers: Rankers) -> None:
    doc = ("本报讯“山西从不缺文旅IP,缺的是把‘网红IP’变成‘长红产业’的转化能力。”孔祥宇表示,希望通过“IP产业化”路径,"
           "让山西文旅从“流量红利”走向“产业红利”,惠及民生。")
    p = _passage(doc, 4)
    hits, evidence = [Hit(p, 1.0, 0.93, 8.0)], Evidence({"a.txt": doc})
    city = compose("孔祥宇是哪个市的政协委员？", hits, evidence, rankers)
    assert city.signals[SIGNALS.index("type_match")] == UNSTATED  # 山西 is a province (惠及 is no place)
    assert not build_answer("孔祥宇是哪个市的政协委员？", hits, evidence, rankers).found
    province = build_answer("孔祥宇是哪个省的政协委员？", hits, evidence, rankers)
    assert province.found and province.short_answer == "山西"


def test_a_question_in_another_language_is_judged_by_its_own_model_on_every_signal(rankers: Rankers) -> None:
    p = _passage("本报讯 太原市今年新建学校12所，新增学位1.2万个。", 4)
    row = compose("How many schools did Taiyuan build this year?", [Hit(p, 1.0, 0.80, 0.0)],
                  Evidence({"a.txt": p.text}), rankers).signals
    assert row[SIGNALS.index("lang_other")] == 1.0 and row[SIGNALS.index("dense_top")] == 0.80  # nothing zeroed
    model = rankers.answerability  # learned from questions in English, with its own threshold
    assert model is not None and model.other is not None and model.other.card["language"] == "other"
    assert model.other.card["features"] == list(SIGNALS) and model.threshold_for(row) == model.other.threshold
    english = adjusted(float(model.other.booster.predict([row])[0]), row)
    assert model.probability(row) == english != adjusted(float(model.booster.predict([row])[0]), row)


def test_a_long_answer_is_trimmed_to_the_clauses_that_answer_and_stays_cited() -> None:
    filler = "会议强调要坚持稳中求进，统筹发展和安全，推动经济实现质的有效提升和量的合理增长，" * 3
    text = filler + "全市今年新建学校12所，新增学位1.2万个，" + filler
    doc = "前言" + text
    cut, c = trimmed(analyse("全市今年新建学校多少所？"),
                     text, Citation("a.txt", "新闻", 1, 2, len(doc), text, 1.0))
    assert "新建学校12所" in cut and len(cut) <= 150 and doc[c.start:c.end] == cut == c.text


def test_a_long_answer_to_an_english_question_is_trimmed_around_its_short_answer() -> None:
    filler = "会议强调要坚持稳中求进，统筹发展和安全，推动经济实现质的有效提升和量的合理增长，" * 3
    text = filler + "“十四五”期间累计投入电信普遍服务专项资金5.3亿元，" + filler
    doc = "前言" + text
    cut, c = trimmed(analyse("How much special funding for universal telecommunication service was invested?"),
                     text, Citation("a.txt", "新闻", 1, 2, len(doc), text, 1.0), "5.3亿元")
    assert "5.3亿元" in cut and len(cut) <= 150 and doc[c.start:c.end] == cut == c.text


def test_the_counts_a_question_names_are_read_in_words_digits_and_english_but_not_years() -> None:
    assert asked_counts(analyse("山西2026年十五件民生实事是什么")) == {15}
    assert asked_counts(analyse("What are the 15 livelihood projects Shanxi will carry out in 2026?")) == {15}
    assert asked_counts(analyse("太原地铁什么时候开通？")) == set()


def test_a_year_asked_for_is_the_short_answer_though_it_sits_in_the_answers_other_sentence(rankers: Rankers) -> None:
    doc = "尼普可夫早在1884年就申请了机械式电视系统的专利。不久，一台叫作“电视望远镜”的仪器问世了。"
    cut = doc.index("。") + 1
    first, second = Sentence(doc[:cut], 0, cut), Sentence(doc[cut:], cut, len(doc))
    p = Passage("p0", "a.txt", "电视", 0, 1, 0, len(doc), doc, sentences=[first, second])
    hit = Hit(p, 1.0, 0.9, 5.0)
    ranked = [Candidate(0, hit, 1, second, 1, score=2.0), Candidate(0, hit, 0, first, 1, score=1.9)]
    info = analyse("“电视望远镜”的仪器在哪一年诞生？")
    reply = sentence_reply(info, info, ranked, Evidence({"a.txt": doc}), rankers, DEFAULT_SETTINGS)
    assert reply.text == doc and reply.short == "1884年"  # the best sentence names no year: the one beside it does


def test_an_office_holder_is_answered_from_the_sentence_that_names_the_office_asked(rankers: Rankers) -> None:
    doc = "深入学习贯彻习近平总书记重要讲话精神，在中共山西省委坚强领导下奋发进取。会议期间，省委书记唐登杰出席大会开幕会。"
    cut = doc.index("。") + 1
    first, second = Sentence(doc[:cut], 0, cut), Sentence(doc[cut:], cut, len(doc))
    p = Passage("p0", "a.txt", "政协会议", 0, 1, 0, len(doc), doc, sentences=[first, second])
    hit = Hit(p, 1.0, 0.9, 5.0)
    ranked = [Candidate(0, hit, 0, first, 1, score=2.9), Candidate(0, hit, 1, second, 1, score=1.5)]
    evidence = Evidence({"a.txt": doc})
    info = analyse("山西省委书记是谁？")
    reply = sentence_reply(info, info, ranked, evidence, rankers, DEFAULT_SETTINGS)
    assert reply.text == second.text and reply.short == "唐登杰"  # the best-scored one says 总书记 only
    far = [ranked[0], Candidate(0, hit, 1, second, 1, score=-1.0)]
    assert sentence_reply(info, info, far, evidence, rankers, DEFAULT_SETTINGS).text == first.text  # too far below
