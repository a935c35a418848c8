from __future__ import annotations

from assistant.answer import build_answer, list_items, table_answer
from assistant.chunking import Passage, Sentence
from assistant.question import analyse
from assistant.search import Hit


def test_list_items_in_order() -> None:
    sents = [Sentence("15件民生实事分别为:一是为怀孕妇女提供免费产前筛查;", 0, 10), Sentence("二是补助新生儿;", 10, 20),
             Sentence("三是开展内镜检查3万名。", 20, 30)]
    items = [t for t, _ in list_items(sents)]
    assert items == ["一是为怀孕妇女提供免费产前筛查", "二是补助新生儿", "三是开展内镜检查3万名。"]


def _row(n: int, text: str) -> Passage:
    return Passage(f"r{n}", "t.txt", "各县(市、区)一周主要指标情况", 0, n, n * 10, n * 10 + 9, text, kind="table_row",
                   sentences=[Sentence(text, n * 10, n * 10 + 9)])


def test_table_superlative_uses_the_named_column() -> None:
    rows = [_row(1, "县(市、区)：阳曲县；综合指数：3.55；PM2.5(μg/m3)：29"),
            _row(2, "县(市、区)：娄烦县；综合指数：2.45；PM2.5(μg/m3)：14"),
            _row(3, "县(市、区)：太原市；综合指数：4.05；PM2.5(μg/m3)：34")]
    row, name = table_answer(analyse("哪个县空气质量综合指数最低？"), rows)
    assert name == "娄烦县" and row.id == "r2"
    row, name = table_answer(analyse("PM2.5最高的是哪里"), rows)
    assert name == "太原市"


def test_answer_cites_exact_text_and_says_not_found_when_evidence_is_weak() -> None:
    doc = "本报讯 太原市今年新建学校12所。"
    p = Passage("p0", "a.txt", "新闻", 0, 1, 4, len(doc), doc[4:], sentences=[Sentence(doc[4:], 4, len(doc))])
    hit = Hit(p, 1.0, 0.95, 5.0)
    ans = build_answer("太原市今年新建学校多少所？", [hit], {"a.txt": doc})
    assert ans.found and ans.short_answer == "12所"
    assert ans.citations[0].text == doc[ans.citations[0].start:ans.citations[0].end] == "太原市今年新建学校12所。"
    weak = Hit(p, 0.2, 0.80, 0.0)
    none = build_answer("上海迪士尼乐园门票多少钱？", [weak], {"a.txt": doc})
    assert not none.found and none.message and none.passages
