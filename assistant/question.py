"""Questions: what they ask for, and the short answer span inside a sentence.

:func:`analyse` finds the question word, the text around it and the expected answer type;
:func:`short_span` aligns the question with a sentence around that word and cuts out the
answer (numbers with units, dates, people, places, organisations); :func:`clause_span`
gives a descriptive answer where no such span exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg

from .text import CJK, normalize, tokenize

WH_WORDS = ("什么时候", "什么时间", "哪一年", "哪一天", "哪些", "哪个", "哪里", "哪儿", "哪天", "哪家", "哪位",
            "哪所", "哪座", "哪种", "哪项", "哪国", "多少", "多大", "多长", "多久", "多高", "多远", "几", "谁", "何时",
            "何地", "何处", "为何", "为什么", "怎么", "怎样", "如何", "什么", "哪")
_EN_TYPES = (("how many", "number"), ("how much", "number"), ("what percentage", "number"),
             ("what year", "date"), ("when", "date"), ("what date", "date"), ("where", "place"),
             ("who", "person"), ("which city", "place"), ("which county", "place"))
ORDINAL = re.compile(r"第([一二三四五六七八九十\d]+)[件项个条点]")
_LIST_Q = re.compile(r"哪些|有什么|是什么|分别|包括|哪几|内容|举措|措施|任务|工作|重点|which are|what are|list")
SUPERLATIVE = re.compile(r"最(低|小|少|差|高|大|多|好)")
PARTICLES = re.compile("|".join(sorted(WH_WORDS, key=len, reverse=True)) + r"|[的了是吗呢啊么在有被把将对与和及或其为该]")
STRIPPARTICLES = True
FOLLOWUP = re.compile(r"^(?:那|那么|还有|其中|它|这|该|其|他|她|第[一二三四五六七八九十\d]+)")


@dataclass(frozen=True)
class QuestionInfo:
    """What a question asks for."""

    text: str
    wh: str
    left: str
    right: str
    kind: str  # number | date | place | person | org | list | other
    tokens: tuple[str, ...]
    content: str = ""  # the normalised question without its question word and particles


def analyse(question: str) -> QuestionInfo:
    """Find the question word, the text around it and the expected answer type."""
    q = re.sub(r"[？?！!。.\s]+$", "", question.strip())
    q = re.sub(r"(呢|吗|啊)$", "", q)
    wh, pos = "", -1
    for w in WH_WORDS:
        i = q.find(w)
        if i >= 0 and (pos < 0 or i < pos or (i == pos and len(w) > len(wh))):
            wh, pos = w, i
    left, right = (q[:pos], q[pos + len(wh):]) if pos >= 0 else (q, "")
    if STRIPPARTICLES:
        left = re.sub(r"(是|为|的|了|在|有|叫|称|叫做|称为)+$", "", left) or left
        right = re.sub(r"^(的|是|了)+", "", right) or right
    lower = q.lower()
    kind = "other"
    if wh in {"多少", "几", "多大", "多长", "多久", "多高", "多远"}:
        kind = "number"
    if wh in {"什么时候", "什么时间", "哪一年", "哪一天", "哪天", "何时"} or re.search(r"(何时|哪年|哪天|哪一天|几月|几日|日期|时间)", q):
        kind = "date"
    elif wh in {"哪里", "哪儿", "何地", "何处"} or re.search(r"哪个(省|市|县|区|地|国家|城市)|在哪", q):
        kind = "place"
    elif wh in {"谁", "哪位"}:
        kind = "person"
    elif re.search(r"哪(家|所|个)(公司|企业|单位|机构|学校|部门|医院)", q):
        kind = "org"
    for phrase, k in _EN_TYPES:
        if phrase in lower:
            kind = k
            break
    if kind in {"other"} and (wh in {"哪些"} or _LIST_Q.search(q)):
        kind = "list"
    content = "".join(ch for ch in PARTICLES.sub("", normalize(q)) if re.match(f"[{CJK}A-Za-z0-9]", ch))
    return QuestionInfo(q, wh, left, right, kind, tuple(tokenize(q)), content)


def resolve_followup(question: str, history: list[str]) -> str:
    """The question as a search query: a short follow-up (``第三件是什么``, ``它在哪里``)
    borrows the topic of the latest earlier question that was not itself a follow-up, so
    ``第三件是什么`` then ``第十五件呢`` both ask about the same list."""
    q = question.strip()
    if not (history and _is_followup(q)):
        return q
    topic = next((h.strip() for h in reversed(history) if h.strip() and not _is_followup(h.strip())), "")
    return f"{topic} {q}" if topic else q


def _is_followup(question: str) -> bool:
    return len(question) <= FOLLOWUP_MAX_CHARS and bool(FOLLOWUP.search(question))


FOLLOWUP_MAX_CHARS = 14


# ----------------------------------------------------------------------------- spans

_NUM = r"(?:\d+(?:[.,．]\d+)*|[零〇一二两三四五六七八九十百千]+)"
_UNIT = (r"(?:万亿|亿元|万元|千元|元|万人次|人次|万户|万个|万名|万人|万吨|万千瓦|公里|平方公里|千米|米|吨|[%％]|个|名|人|户|"
         r"家|所|件|部|场|处|项|条|批|种|类|座|辆|台|次|倍|天|小时|分钟|秒|年|月|日|岁|元|万|亿|套|间|张|册|届|期|只|头|株|亩)")
NUMBER_SPAN = re.compile(rf"(?<![A-Za-z\d.]){_NUM}(?:\s*(?:万|亿)?{_UNIT}?\s*[—\-~至到]\s*{_NUM})?\s*(?:万|亿)?{_UNIT}?")
DATE_SPAN = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:至(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)?|\d{4}年(?:\d{1,2}月)?|"
                       r"\d{1,2}月(?:份|底|初|中旬|下旬|上旬)?|(?:今|去|明)年|近日|日前")
_STOP_SPAN = re.compile(r"[，,。；;：:！？!?、（）()“”\"]")
_POS = {"person": ("nr",), "place": ("ns",), "org": ("nt", "nz")}


def longest_suffix_in(anchor: str, text: str, min_len: int = 2) -> tuple[int, int]:
    """Where the longest suffix of ``anchor`` occurs in ``text``: (start, end) or (-1, -1)."""
    for n in range(min(len(anchor), 16), min_len - 1, -1):
        i = text.find(anchor[-n:])
        if i >= 0:
            return i, i + n
    return -1, -1



def longest_prefix_in(anchor: str, text: str, start: int, min_len: int = 1) -> int:
    for n in range(min(len(anchor), 16), min_len - 1, -1):
        i = text.find(anchor[:n], start)
        if i >= 0:
            return i
    return -1


def typed_spans(kind: str, text: str) -> list[re.Match[str]]:
    if kind == "number":
        return [m for m in NUMBER_SPAN.finditer(text) if re.search(r"\d|[一二三四五六七八九十百千万亿]", m.group())
                and not re.match(r"[A-Za-z]", text[m.end():m.end() + 1])]
    if kind == "date":
        return list(DATE_SPAN.finditer(text))
    return []


def _pos_spans(kind: str, text: str) -> list[tuple[int, int, str]]:
    tags = _POS.get(kind)
    if not tags:
        return []
    out: list[tuple[int, int, str]] = []
    pos = 0
    for word, flag in jieba.posseg.lcut(text):
        joined = out and out[-1][1] == pos - 1 and text[pos - 1] in "·•"
        if flag.startswith(tags) and (len(word) >= 2 or joined):
            if joined:  # transliterated names: 瓦西里·谢苗诺维奇
                out[-1] = (out[-1][0], pos + len(word), text[out[-1][0]:pos + len(word)])
            else:
                out.append((pos, pos + len(word), word))
        pos += len(word)
    return out


def short_span(info: QuestionInfo, sentence: str) -> str | None:
    """The short answer inside ``sentence``, or None when no confident span exists.

    The question is aligned with the sentence around its question word: the text between
    the end of the question's left context and the start of its right context is the
    answer; typed patterns (numbers with units, dates) and part-of-speech tags (people,
    places, organisations) refine or replace it.
    """
    if not sentence:
        return None
    norm = sentence
    a_start, a_end = longest_suffix_in(info.left, norm) if info.left else (-1, -1)
    candidate: tuple[int, int] | None = None
    if a_end >= 0:
        r = longest_prefix_in(info.right, norm, a_end) if info.right else -1
        if 0 <= r - a_end <= 40 and r > a_end:
            candidate = (a_end, r)
        else:
            stop = _STOP_SPAN.search(norm, a_end)
            end = stop.start() if stop else len(norm)
            if 0 < end - a_end <= 30:
                candidate = (a_end, end)
    elif info.right:
        r_start, _ = longest_suffix_in(info.right[: min(len(info.right), 8)][::-1][::-1], norm)
        r = longest_prefix_in(info.right, norm, 0, min_len=2)
        if r > 0:
            prev = [m.end() for m in _STOP_SPAN.finditer(norm, 0, r)]
            begin = prev[-1] if prev else 0
            if 0 < r - begin <= 30:
                candidate = (begin, r)
    typed = typed_spans(info.kind, norm)
    if typed:
        if candidate is not None:
            inside = [m for m in typed if m.start() < candidate[1] + 2 and m.end() > candidate[0]]
            if inside:
                m = inside[0]
                return _with_unit(norm, m.start(), m.end(), info.right)
        near = a_end if a_end >= 0 else 0
        m = min(typed, key=lambda m: abs(m.start() - near))
        return _with_unit(norm, m.start(), m.end(), info.right)
    if candidate is not None:
        span = norm[candidate[0]:candidate[1]].strip(" 　,，。;；:：的是为了在")
        if info.kind in _POS:
            found = [w for s, e, w in _pos_spans(info.kind, span)]
            if found:
                return found[0]
        if 0 < len(span) <= 30:
            return span
    if info.kind in _POS:
        spans = _pos_spans(info.kind, norm)
        if spans:
            return spans[0][2]
    return None


_CLAUSE = re.compile(r"[^，,；;。！？!?]+[，,；;。！？!?]?")
CLAUSE_MAX_CHARS = 40


def clause_span(info: QuestionInfo, sentence: str) -> str | None:
    """A descriptive short answer: the clauses of the sentence after the question's
    anchor (or, without one, the clause that the question does not already say),
    at most :data:`CLAUSE_MAX_CHARS` characters."""
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(sentence)]
    if not clauses:
        return None
    a_start, a_end = longest_suffix_in(info.left, sentence, 2) if info.left else (-1, -1)
    if a_end >= 0:
        text = sentence[a_end:]
        out = ""
        for m in _CLAUSE.finditer(text):
            if out and len(out) + len(m.group()) > CLAUSE_MAX_CHARS:
                break
            out += m.group()
        out = out.strip(" 　,，。;；:：")
        if 0 < len(out) <= CLAUSE_MAX_CHARS:
            return out
    units = content_units(info.text)

    def novelty(span: tuple[int, int]) -> float:
        piece = normalize(sentence[span[0]:span[1]])
        said = sum(1 for u in units if len(u) == 2 and u in piece)
        return len(piece) - 3 * said

    best = max(clauses, key=novelty)
    out = sentence[best[0]:best[1]].strip(" 　,，。;；:：")
    return out if 0 < len(out) <= CLAUSE_MAX_CHARS else None


def _with_unit(text: str, i: int, j: int, right: str) -> str:
    span = text[i:j]
    unit = re.match(r"[^\s，。；、]{1,2}", right or "")
    if unit and text[j:].startswith(unit.group()) and not re.search(_UNIT + "$", span):
        span += unit.group()
    return span.strip()


def content_units(question: str) -> set[str]:
    """The question's words, and the characters and character pairs of its content (the
    question word and particles cut out, so no pair spans them)."""
    units = set(tokenize(question))
    for part in PARTICLES.split(normalize(question)):
        part = "".join(ch for ch in part if re.match(f"[{CJK}A-Za-z0-9]", ch))
        units.update(part[i : i + 2] for i in range(len(part) - 1))
        units.update(ch for ch in part if re.match(f"[{CJK}]", ch))
    return {u for u in units if u}
