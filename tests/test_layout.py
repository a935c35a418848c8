from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.layout import parse_page
from assistant.readers import read_document

from .conftest import SEEDS


def _articles(name: str):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    text = read_document(path)
    return text, parse_page(text)


def test_markdown_page_titles_subtitles_bylines_and_tables() -> None:
    text, arts = _articles("000")
    titles = [a.title for a in arts]
    assert "惠及27万名儿童" in titles
    kid = arts[titles.index("惠及27万名儿童")]
    assert kid.subtitle == "减免学前一年保教费政策全面落地" and kid.byline == "张晓丽"
    mine = arts[titles.index("官地矿井下皮带自动回收装置投用")]
    assert mine.subtitle == "作业效率提升50%以上"
    # a paragraph split mid-word across a blank line is joined
    edu = arts[0]
    assert any("推动不同学段间资源有序流动" in p.text.text for p in edu.paragraphs)
    table = next(a for a in arts if any(p.kind == "table_row" for p in a.paragraphs))
    row = next(p for p in table.paragraphs if p.kind == "table_row")
    assert row.header.startswith("县(市、区)：娄烦县；综合指数：2.45；PM2.5(μg/m3)：14")
    assert row.cells[:3] == (("县(市、区)", "娄烦县"), ("综合指数", "2.45"), ("PM2.5(μg/m3)", "14"))
    assert any(a.kind == "caption" and a.byline.endswith("摄") for a in arts)


def test_plain_page_two_line_titles_interviews_and_repeated_fragment() -> None:
    _, arts = _articles("002")
    by_title = {a.title: a for a in arts}
    assert by_title["我市集采药品又“上新”"].subtitle == "31个品种执行团购价"
    assert by_title["寒冬暖举措"].subtitle == "温情润人心"
    assert by_title["铸三晋智造启转型新篇"].subtitle == "——访省政协委员崔红韦"
    assert by_title["支持大同建设全省先进制造业集聚地"].byline == "本报记者李雪峰"
    road = by_title["广胜街倾倒路牌已修复"]
    joined = "".join(p.text.text for p in road.paragraphs)
    assert joined.count("及时扶正倾倒路牌") == 1


def test_same_article_in_two_parts_is_merged_and_continuations_are_marked() -> None:
    _, arts = _articles("001")
    ip = [a for a in arts if a.title.startswith("从IP破圈到产业共生")]
    assert len(ip) == 1 and len(ip[0].paragraphs) >= 6
    assert any(a.kind == "continuation" and a.title.startswith("（上接第1版）") for a in arts)
    lists = [a for a in arts if a.title.startswith("十五件民生实事")]
    assert "十五是打造80个新型公共文化空间" in lists[0].paragraphs[1].text.text


def test_pdf_layout_page_is_repaired() -> None:
    _, arts = _articles("003")
    body = "".join(p.text.text for a in arts for p in a.paragraphs)
    assert "小店区义务教育学生18万名，其中三分之一为随迁子女" in body
    assert "学前教育毛入园率" in body and "普及程度实现突破普及程度实现突破" not in body


def test_section_headings_stay_inside_the_telecom_article() -> None:
    _, arts = _articles("004")
    telecom = arts[0]
    headings = [p.text.text for p in telecom.paragraphs if p.kind == "heading"]
    assert headings[:2] == ["规模实现新突破", "网络迈上新台阶"]
    assert telecom.byline == "记者李静"


def test_table_cells_are_data_even_when_a_cell_holds_separators() -> None:
    text = "## 各县指标\n\n县\t说明\t指数\n阳曲县\t达标；良好：稳定\t3.55\n"
    table = next(a for a in parse_page(text) if a.kind == "table")
    row = next(p for p in table.paragraphs if p.kind == "table_row")
    assert row.cells == (("县", "阳曲县"), ("说明", "达标；良好：稳定"), ("指数", "3.55"))


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_paragraph_character_maps_back_to_the_file(path: Path) -> None:
    text = read_document(path)
    for art in parse_page(text):
        for para in art.paragraphs:
            for ch, at in zip(para.text.text, para.text.origin):
                assert text[at] == ch or text[at] == "&"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["## 标题", "本报讯 今天下雨。", "县\t指数", "娄烦县\t2.45", "(张三)", "",
                                  "一段没有句号的文字", "18 万 名", "王五 摄", "### (上接第1版)", "<b>x</b>"]),
                max_size=25))
def test_parser_never_crashes_and_offsets_hold(lines: list[str]) -> None:
    text = "\n".join(lines)
    for art in parse_page(text):
        for para in art.paragraphs:
            for ch, at in zip(para.text.text, para.text.origin):
                assert text[at] == ch
