"""Questions: what they ask for, and where a text lines up with them.

:func:`analyse` finds the question word, the text around it and the expected answer type;
:func:`resolve_followup` reads a short follow-up with the chat's topic
(:func:`followup_topic`); the alignment
primitives (:func:`longest_suffix_in`, :func:`longest_prefix_in`, :func:`typed_spans`,
:func:`entity_spans`) find the question's context and typed answers in a sentence. They are
shared by the candidate features (:mod:`assistant.candidates`) and the short answer
(:mod:`assistant.short_answer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .answer_types import MEASURE_UNITS, AnswerType, Language, expected_type, language
from .config import FOLLOWUP_MAX_CHARS
from .postag import tagged
from .text import CJK, normalize, simplified, tokenize

Kind = Literal["number", "date", "place", "person", "org", "list", "other"]
KINDS: tuple[Kind, ...] = ("number", "date", "place", "person", "org", "list", "other")
TYPED_KINDS = frozenset({"number", "date", "place", "person", "org"})
# jieba part-of-speech tags of the named entities a question may ask for (tag prefixes)
ENTITY_TAGS: dict[str, tuple[str, ...]] = {"person": ("nr",), "place": ("ns",), "org": ("nt",)}

NUMBER_WH = ("多少", "几", "多大", "多长", "多久", "多高", "多远", "多快", "多宽", "多厚")  # question words asking a number
WH_WORDS = ("哪一个", "哪一位", "哪一种", "哪一家", "哪一所", "哪一项", "哪一座", "哪一国", "哪一部", "哪一类", "哪一支",
            "哪一条", "什么时候", "什么时间", "哪一年", "哪一天", "哪些", "哪个", "哪里", "哪儿", "哪天", "哪家", "哪位",
            "哪所", "哪座", "哪种", "哪项", "哪国", *NUMBER_WH, "谁", "何时", "何地", "何处", "何年", "何人", "何种", "何者",
            "为何", "为什么", "怎么", "怎样", "如何", "什么", "哪")
VARIANTS = (("甚么", "什么"),)  # variant spellings of question words, read as the common one (甚麼 of Taiwan)
_EN_TYPES: tuple[tuple[str, Kind], ...] = (("how many", "number"), ("how much", "number"), ("what percentage", "number"),
             ("what year", "date"), ("when", "date"), ("what date", "date"), ("where", "place"),
             ("who", "person"), ("which city", "place"), ("which county", "place"))
ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)[件项个条点]")
_LIST_Q = re.compile(r"哪些|有什么|是什么|分别|包括|哪几|内容|举措|措施|任务|工作|重点|which are|what are|list", re.I)
SUPERLATIVE = re.compile(r"最(低|小|少|差|高|大|多|好)")
PARTICLES = re.compile("|".join(sorted(WH_WORDS, key=len, reverse=True)) + r"|[的了是吗呢啊么在有被把将对与和及或其为该]")
WHY = re.compile(r"为什么|为何|原因|何故|怎么会|\bwhy\b", re.I)
WHAT_IS = re.compile(r"什么是|是什么|指什么|何谓|定义|意思|\bwhat (?:is|are|does)\b", re.I)
HOW = re.compile(r"如何|怎样|怎么|方式|方法|\bhow (?!many|much)", re.I)
FOLLOWUP = re.compile(r"^(?:那|那么|还有|其中|它|这|该|其|他|她|第[一二三四五六七八九十\d]+)")


@dataclass(frozen=True)
class QuestionInfo:
    """What a question asks for."""

    text: str
    wh: str
    left: str
    right: str
    kind: Kind
    tokens: tuple[str, ...]
    content: str = ""  # the normalised question without its question word and particles
    expects: AnswerType | None = None  # the type of short answer asked for (money, year, person…)
    lang: Language = "zh"


_BOUND_DUO = re.compile(r"(?:大|许|很|最|差不|众|诸)$")  # 大多高达: 多 is 大多's, no 多高


def _find_wh(q: str, w: str) -> int:
    """Where question word ``w`` first occurs in ``q``, not counting a 多 that ends a word
    (大多, 许多, 最多: 山地大多高达海拔多少米 asks 多少, not 多高)."""
    i = q.find(w)
    while i > 0 and w.startswith("多") and _BOUND_DUO.search(q, 0, i):
        i = q.find(w, i + 1)
    return i


def analyse(question: str) -> QuestionInfo:
    """Find the question word, the text around it and the expected answer type, in the
    question's simplified script (誰 is 谁, 哪裡 is 哪里: the pages are matched that way)."""
    q = re.sub(r"[？?！!。.\s]+$", "", simplified(question.strip()))
    q = re.sub(r"(呢|吗|啊)$", "", q)
    for variant, common in VARIANTS:
        q = q.replace(variant, common)
    wh, pos = "", -1
    for w in WH_WORDS:
        i = _find_wh(q, w)
        if i >= 0 and (pos < 0 or i < pos or (i == pos and len(w) > len(wh))):
            wh, pos = w, i
    left, right = (q[:pos], q[pos + len(wh):]) if pos >= 0 else (q, "")
    left = re.sub(r"(是|为|的|了|在|有|叫|称|叫做|称为)+$", "", left) or left
    right = re.sub(r"^(的|是|了)+", "", right) or right
    lower = q.lower()
    kind: Kind = "other"
    if wh in NUMBER_WH:
        kind = "number"
    if wh in {"什么时候", "什么时间", "哪一年", "哪一天", "哪天", "何时", "何年"} or re.search(r"(何时|何年|哪年|哪天|哪一天|几月|几日|日期|时间)", q):
        kind = "date"
    elif wh in {"哪里", "哪儿", "何地", "何处"} or re.search(r"哪一?个(省|市|县|区|地|国家|城市)|在哪", q):
        kind = "place"
    elif wh in {"谁", "哪位", "哪一位", "何人"}:
        kind = "person"
    elif re.search(r"哪一?(家|所|个)(公司|企业|单位|机构|学校|部门|医院)", q):
        kind = "org"
    for phrase, k in _EN_TYPES:
        if phrase in lower:
            kind = k
            break
    if kind in {"other"} and (wh in {"哪些"} or _LIST_Q.search(q)):
        kind = "list"
    content = "".join(ch for ch in normalize(PARTICLES.sub("", q)) if re.match(f"[{CJK}A-Za-z0-9]", ch))
    return QuestionInfo(q, wh, left, right, kind, tuple(tokenize(q)), content, expected_type(q), language(q))


_HAN = re.compile(f"[{CJK}]")
_WORD = re.compile(r"[^\W_]{2,}")


def is_askable(question: str) -> bool:
    """Whether a question has words to look up: a Chinese character, or two words of two or
    more letters or digits ("😀😀😀", "(", "%s%s%n" and "asdfghjkl" have none to speak of)."""
    return bool(_HAN.search(question)) or len(_WORD.findall(question)) >= 2


def followup_topic(question: str, history: list[str]) -> str | None:
    """The earlier question a short follow-up (``第三件是什么``, ``它在哪里``) continues: the
    latest one that was not itself a follow-up, so ``第三件是什么`` then ``第十五件呢`` both
    ask about the same list. None for a question that stands on its own."""
    if not (history and _is_followup(question.strip())):
        return None
    return next((h.strip() for h in reversed(history) if h.strip() and not _is_followup(h.strip())), None)


def resolve_followup(question: str, history: list[str]) -> str:
    """The question as a search query: a follow-up borrows its topic (:func:`followup_topic`)."""
    q = question.strip()
    topic = followup_topic(q, history)
    return f"{topic} {q}" if topic else q


def _is_followup(question: str) -> bool:
    return len(question) <= FOLLOWUP_MAX_CHARS and bool(FOLLOWUP.search(question))


# ----------------------------------------------------------------------------- alignment

_CN_NUM = "[零〇一二两三四五六七八九十百千]+"
_DIGITS = r"\d+(?:[.,．]\d+)*"
_NUM = (rf"(?:{_CN_NUM}分之{_CN_NUM}|{_DIGITS}(?:\s*[/／：比]\s*{_DIGITS})?|{_CN_NUM})")  # 三分之一, 1/3, 1：7 and 1比3 are one value
_LATIN_UNIT = r"\s?(?:km²|km2|km|m²|cm|mm|kg|mg|ml|GHz|MHz|Hz|kW|MW|GB|MB|TB|m)(?![A-Za-z])"  # 8848 m, 5 km²
UNIT = (r"(?:个百分点|百分点|万亿|亿元|万元|千元|元|万人次|人次|万户|万个|万名|万人|万吨|万千瓦|" + "|".join(MEASURE_UNITS)
        + r"|公分|℃|[%％]|个|名|人|户|家|所|件|部|场|处|项|条|批次|批|种|类|座|辆|台|次|倍|天|小时|分钟|秒|年|月|日|岁|元|万|亿|套|"
        r"间|张|册|届|期|只|头|株|份|篇|位|架|艘|枚|成(?![为立功果本员长就熟效交都了绩])|" + _LATIN_UNIT + ")")  # 六成: 60%
_ABOUT = "[余多]"  # 1000余份, 30多家: an approximate count keeps its unit
NUMBER_SPAN = re.compile(rf"(?<![A-Za-z\d.]){_NUM}(?:\s*(?:万|亿)?{UNIT}?\s*[—\-~至到]\s*{_NUM})?\s*(?:万|亿)?(?:{_ABOUT}?{UNIT})?"
                         r"(?![A-Za-z])")  # 5G and 3D are names, not counts
_TWO_OF = re.compile(rf"两\s*(?:万|亿)?{UNIT}")  # 两条, 两平方公里: a count (两 alone is a word: 两岸)
_ERA = r"(?:公元|西元)前?\d{1,4}\s*(?:年代|世纪|年(?:\d{1,2}月(?:\d{1,2}日)?)?)"  # 公元前25年: BC, not 25年
DATE_SPAN = re.compile(rf"{_ERA}(?:\s*[至到\-—–~～]\s*{_ERA})?|\d{{4}}年代|"
                       r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:至(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)?|\d{4}年(?:\d{1,2}月)?|"
                       r"\d{1,2}月(?:份|底|初|中旬|下旬|上旬)?|(?:今|去|明)年|近日|日前")


def longest_suffix_in(anchor: str, text: str, min_len: int = 2) -> tuple[int, int]:
    """Where the longest suffix of ``anchor`` occurs in ``text``: (start, end) or (-1, -1)."""
    for n in range(min(len(anchor), 16), min_len - 1, -1):
        i = text.find(anchor[-n:])
        if i >= 0:
            return i, i + n
    return -1, -1


def longest_prefix_in(anchor: str, text: str, start: int, min_len: int = 1) -> int:
    """Where the longest prefix of ``anchor`` occurs in ``text`` from ``start`` on, or -1."""
    for n in range(min(len(anchor), 16), min_len - 1, -1):
        i = text.find(anchor[:n], start)
        if i >= 0:
            return i
    return -1


def typed_spans(kind: str, text: str) -> list[re.Match[str]]:
    """Numbers with their units (``number``) or dates (``date``) in ``text``."""
    if kind == "number":
        return [m for m in NUMBER_SPAN.finditer(text) if (re.search(r"\d|[一二三四五六七八九十百千万亿]", m.group())
                                                          or _TWO_OF.fullmatch(m.group()))
                and not re.match(r"[A-Za-z]", text[m.end():m.end() + 1])]
    if kind == "date":
        return list(DATE_SPAN.finditer(text))
    return []


def is_entity(kind: str, word: str, flag: str) -> bool:
    """Whether a tagged word of two characters or more names an entity of ``kind``."""
    return len(word) >= 2 and flag.startswith(ENTITY_TAGS.get(kind, ("\0",)))


def entity_spans(kind: str, text: str) -> list[tuple[int, int, str]]:
    """Named people, places or organisations (by ``kind``) in ``text``: (start, end, words);
    transliterated names joined at ``·`` (瓦西里·谢苗诺维奇) count as one, and so do place names
    written one inside the next with nothing between them (四川绵阳, 山西省太原市)."""
    tags = ENTITY_TAGS.get(kind)
    if not tags:
        return []
    out: list[tuple[int, int, str]] = []
    pos = 0
    for word, flag in tagged(text):
        joined = out and (out[-1][1] == pos - 1 and text[pos - 1] in "·•" or kind == "place" and out[-1][1] == pos)
        if flag.startswith(tags) and (len(word) >= 2 or joined):
            if joined:
                out[-1] = (out[-1][0], pos + len(word), text[out[-1][0]:pos + len(word)])
            else:
                out.append((pos, pos + len(word), word))
        pos += len(word)
    return out


def ordinal_value(text: str) -> int:
    """``三`` → 3, ``十五`` → 15, ``二十`` → 20, ``7`` → 7 (0 when unreadable)."""
    if text.isdigit():
        return int(text)
    digits = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits.get(text[1:], 0)
    if text.endswith("十"):
        return digits.get(text[0], 0) * 10
    if "十" in text:
        a, b = text.split("十", 1)
        return digits.get(a, 0) * 10 + digits.get(b, 0)
    return digits.get(text, 0)


def content_units(question: str) -> set[str]:
    """The question's words, and the characters and character pairs of its content (the
    question word and particles cut out, so no pair spans them)."""
    units = set(tokenize(question))
    for part in PARTICLES.split(normalize(question)):
        part = "".join(ch for ch in part if re.match(f"[{CJK}A-Za-z0-9]", ch))
        units.update(part[i : i + 2] for i in range(len(part) - 1))
        units.update(ch for ch in part if re.match(f"[{CJK}]", ch))
    return {u for u in units if u}
