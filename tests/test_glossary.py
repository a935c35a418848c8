import pytest

from assistant import Assistant
from assistant.answer_types import expected_type, language
from assistant.glossary import (
    english_rendering,
    gloss_coverage,
    glosses,
    names_said,
    pinyin_names,
    syllables,
    translate,
)


def everything(word: str) -> bool:
    return True


def test_the_dictionary_reads_backwards_from_english_glosses() -> None:
    table = glosses()
    assert len(table) > 50_000
    assert table["base station"][0] == "基站"
    assert "学校" in table["school"] and "山西" in table["shanxi"]  # a name by its first word too


def test_a_question_is_looked_up_longest_phrase_first_with_plurals_and_no_question_words() -> None:
    words = translate("How many mobile communication base stations are there in Shanxi?", everything)
    assert "基站" in words and "山西" in words
    assert not {"多少", "几个"} & set(words)  # "how many" is how the question asks, not what about
    assert translate("How many are there?", everything) == []


def test_only_words_the_index_holds_are_kept() -> None:
    held = {"基站", "山西"}
    assert translate("How many base stations does Shanxi have?", held.__contains__) == ["基站", "山西"]


def test_how_much_of_an_english_question_a_chinese_text_says() -> None:
    question = "How much does a ticket to the Pingyao ancient city cost?"
    said = gloss_coverage(question, "平遥古城门票价格为120元。")
    other = gloss_coverage(question, "大同市直接结算集中采购货款2.19亿元。")
    assert said > 0.5 and other == 0.0  # the ticket and the ancient city said, or nothing of it
    assert gloss_coverage("How many are there?", "平遥古城") == 0.0  # no word to translate


def test_a_chinese_question_is_said_in_english_word_by_word_with_its_question_word_and_names_in_pinyin() -> None:
    said = english_rendering("山西省教育大会在哪里召开？")
    assert language(said) == "other" and said.endswith("?")
    assert "Shanxi" in said and "where" in said and "convene" in said
    assert expected_type(said) == "place"  # an English question asks for what the Chinese one does
    assert expected_type(english_rendering("全省基础教育学校有多少所？")) == "number"
    assert expected_type(english_rendering("大同大學的校長是誰？")) == "person"  # traditional script too
    assert "Fan Ting Song" in english_rendering("1990年，範廷頌被任命為什麼？")  # a name no dictionary has
    assert english_rendering("？？") == ""


def test_a_name_spelled_in_pinyin_matches_the_characters_said_so() -> None:
    assert syllables("Guanhua") == ["guan", "hua"] and syllables("Garden") is None
    assert syllables("What") is None  # the dictionary's Latin letters are no syllables
    question = "What is the name of Gao Guanhua's company near Jiuru Garden in Shanxi?"
    assert len(pinyin_names(question)) == 2  # Gao Guanhua, Jiuru; Shanxi is the dictionary's 山西 (陕西 sounds the same)
    texts = ["高冠华和他的巴什卡机械制造有限公司", "九如花园小区", "陕西省西安市", "高冠华说"]
    assert names_said(question, texts) == ["高冠华", "九如"]  # most often found first
    assert names_said("How many schools does Shanxi have?", texts) == []
    assert names_said("Where is Xiaodian District?", texts) == []  # 小店区 is the dictionary's
    # a given name after a surname is a name, though the dictionary has a Hongwei district (宏伟区)
    assert names_said("What did Cui Hongwei suggest?", ["省政协委员崔红韦"]) == ["崔红韦"]
    assert pinyin_names("Did Gao Garden Datong?") == ()  # no given name after a surname the run lost


def test_a_pinyin_name_counts_as_said_when_its_characters_are() -> None:
    question = "What position does Kong Xiangyu hold?"
    assert gloss_coverage(question, "省书法家协会副主席孔祥宇提出") > gloss_coverage(question, "省书法家协会副主席提出")


@pytest.mark.slow
def test_an_english_question_finds_the_passage_of_a_name_no_dictionary_has(seeds_assistant: Assistant) -> None:
    hits = seeds_assistant.search("What is the name of Gao Guanhua's company?", 5)
    assert "高冠华" in hits[0].passage.text  # 16th before the name was read in pinyin


@pytest.mark.slow
def test_an_english_question_finds_its_number_through_the_pages_own_words(seeds_assistant: Assistant) -> None:
    ans = seeds_assistant.ask("How many mobile communication base stations are there in Shanxi in total?")
    assert ans.found and ans.short_answer == "32.9万个"
