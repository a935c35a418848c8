from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.text import Mapped, ends_sentence, normalize, repair, sentence_spans, simplified, tokenize, undouble


def test_normalize_numerals_width_and_traditional() -> None:
    assert "15件" in normalize("十五件民生实事")
    assert normalize("山西2026年15件民生實事是什麼") == "山西2026年15件民生实事是什么"
    assert normalize("ＡＢＣ１２３") == "abc123"
    # a plan name is not a quantity
    assert "十五五" in normalize("“十五五”规划")


def test_simplified_script_keeps_every_position() -> None:
    sentence = "摩加迪休是索馬利亞的首都及主要海港，1990年代起內戰不斷。"
    assert simplified(sentence) == "摩加迪休是索马利亚的首都及主要海港，1990年代起内战不断。"
    assert len(simplified(sentence)) == len(sentence)


@given(st.text(alphabet="國說們這為裡麼誰幾個發電話網ab1，。 ", max_size=40))
def test_simplified_is_always_as_long_as_the_text(text: str) -> None:
    assert len(simplified(text)) == len(text)


def test_question_in_words_shares_tokens_with_page_in_digits() -> None:
    assert set(tokenize("十五件民生实事是什么")) & set(tokenize("15件民生实事分别为"))
    assert "什么" not in tokenize("十五件民生实事是什么")


def test_repair_removes_pdf_spaces_and_line_breaks_keeping_offsets() -> None:
    original = "小店区义务教育学生\n18 万 名 ，其 中 三 分 之 一 为 随 迁 子\n女，PM <sub>2.5</sub> &amp; AI 视觉"
    m = repair(Mapped.of(original))
    assert m.text == "小店区义务教育学生18万名，其中三分之一为随迁子女，PM 2.5 & AI视觉"
    for ch, at in zip(m.text, m.origin):
        if ch != "&":
            assert original[at] == ch


def test_undouble_and_sentence_end() -> None:
    assert undouble(Mapped.of("普及程度实现突破普及程度实现突破")).text == "普及程度实现突破"
    assert ends_sentence("他说：“好。”")
    assert not ends_sentence("我市集采药品又“上新”")
    assert not ends_sentence("今年是中国共产党成立105周年，")


def test_sentences_split_on_chinese_terminators_and_semicolons() -> None:
    text = "一是甲；二是乙;三是丙。他说：“好！”最后"
    parts = [text[i:j] for i, j in sentence_spans(text)]
    assert parts == ["一是甲；", "二是乙;", "三是丙。", "他说：“好！”", "最后"]


@given(st.text(alphabet=st.sampled_from(list("山西教育 \n\t18万名，。<b></b>&amp;ab")), max_size=80))
def test_every_repaired_character_points_at_itself(original: str) -> None:
    m = repair(Mapped.of(original))
    assert len(m.text) == len(m.origin)
    assert list(m.origin) == sorted(m.origin)
    for ch, at in zip(m.text, m.origin):
        assert original[at] == ch or original[at] == "&"
