"""Text primitives: offset-preserving repairs, normalisation, sentences and tokens.

A :class:`Mapped` string remembers, for every character, where it came from in the file
as decoded on disk, so every repair (joining hard-wrapped lines, dropping stray spaces or
HTML tags) still lets a citation point at the exact original characters.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import cn2an
import jieba
import opencc

from .config import KEYWORDS_PER_ARTICLE, NGRAM_CACHE, NORMALIZE_MEMO_CHARS, NORMALIZE_MEMO_SIZE

jieba.setLogLevel(60)

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’—…·"
SENTENCE_END = "。！？；!?;"
CLOSERS = "”’」』)）\"'"
CLAUSE_PUNCT = "，,；;。！？!?"
CLAUSE = re.compile(f"[^{CLAUSE_PUNCT}]+[{CLAUSE_PUNCT}]*")  # a clause with the punctuation that ends it
CLAUSE_BODY = re.compile(f"[^{CLAUSE_PUNCT}：:]+")  # the words between clause marks (colons too)
CN_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
CLASSIFIERS = "件个名项条所家次人年元座部场处批种类户万亿位辆台间块张届期倍天周岁分秒份篇架艘枚"  # what a numeral counts with
QUOTATION_MARKS = ("“”", "‘’", "《》", "「」", "『』")  # what they enclose is a name or a quotation
EDGE_PUNCT = " 　,，。;；:：、"  # stripped from the ends of a short answer…
EDGE_WORDS = "的是为了在"  # …and, at its start, these function words
# what a sentence holds
CAUSE_CUE = re.compile(r"因为|由于|因此|所以|导致|为了|以便|原因")
PLACE_CUE = re.compile(r"位于|地处|坐落|处于|[省市县区镇州国]")
DEFINE_CUE = re.compile(r"^[^，,。]{0,30}?(?:是|指|为|即)")
YEAR_CUE = re.compile(r"\d{3,4}年|[元二三四五六七八九十]年|世纪|年代|朝")


@dataclass(frozen=True)
class Mapped:
    """A string and, for each of its characters, its offset in the original text."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, original: str, start: int = 0, end: int | None = None) -> Mapped:
        """Take ``original[start:end]`` unchanged, each character mapped to itself."""
        end = len(original) if end is None else end
        return cls(original[start:end], tuple(range(start, end)))

    def __len__(self) -> int:
        return len(self.text)

    def __add__(self, other: Mapped) -> Mapped:
        return Mapped(self.text + other.text, self.origin + other.origin)

    def slice(self, i: int, j: int) -> Mapped:
        """The characters ``i:j`` of the repaired text, still mapped."""
        return Mapped(self.text[i:j], self.origin[i:j])

    def span(self, i: int = 0, j: int | None = None) -> tuple[int, int]:
        """Original ``(start, end)`` covering repaired characters ``i:j``."""
        j = len(self.text) if j is None else j
        if not self.text or i >= j:
            at = self.origin[min(i, len(self.origin) - 1)] if self.origin else 0
            return at, at
        return self.origin[i], self.origin[j - 1] + 1

    def strip(self) -> Mapped:
        """Drop whitespace at both ends."""
        text = self.text
        i, j = 0, len(text)
        while i < j and text[i].isspace():
            i += 1
        while j > i and text[j - 1].isspace():
            j -= 1
        return self.slice(i, j)

    def delete(self, pattern: str | re.Pattern[str], group: int = 0) -> Mapped:
        """Remove every match of ``pattern`` (or only its ``group``)."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        keep = [True] * len(self.text)
        for m in rx.finditer(self.text):
            for k in range(m.start(group), m.end(group)):
                keep[k] = False
        if all(keep):
            return self
        chars = [c for c, k in zip(self.text, keep) if k]
        origin = [o for o, k in zip(self.origin, keep) if k]
        return Mapped("".join(chars), tuple(origin))

    def unescape_entities(self) -> Mapped:
        """Turn HTML entities (``&amp;``, ``&#8220;``) into characters, mapped to the entity."""
        if "&" not in self.text:
            return self
        chars: list[str] = []
        origin: list[int] = []
        pos = 0
        for m in re.finditer(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});", self.text):
            value = html.unescape(m.group(0))
            if value == m.group(0):
                continue
            chars.extend(self.text[pos : m.start()])
            origin.extend(self.origin[pos : m.start()])
            chars.extend(value)
            origin.extend([self.origin[m.start()]] * len(value))
            pos = m.end()
        chars.extend(self.text[pos:])
        origin.extend(self.origin[pos:])
        return Mapped("".join(chars), tuple(origin))


def concat(parts: Iterable[Mapped]) -> Mapped:
    """Join mapped strings without a separator."""
    text: list[str] = []
    origin: list[int] = []
    for p in parts:
        text.append(p.text)
        origin.extend(p.origin)
    return Mapped("".join(text), tuple(origin))


_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_MD_EMPHASIS = re.compile(r"\*\*|__")
# whitespace with a Chinese character (or Chinese punctuation) on at least one side
_CJK_SPACE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \u3000\n]+|[ \u3000\n]+(?=[{CJK}{CJK_PUNCT}])")
_DIGIT_SPACE = re.compile(r"(?<=\d)\s+(?=[%％.．]\d|[%％])|(?<=\d[.．])\s+(?=\d)")


def repair(m: Mapped) -> Mapped:
    """Undo print and web layout damage inside one paragraph, keeping the offset map.

    Joins hard-wrapped lines, removes HTML tags and Markdown emphasis, decodes HTML
    entities, and deletes spaces inside Chinese runs and numbers (``18 万 名`` → ``18万名``).
    """
    m = m.delete(_TAG).unescape_entities().delete(_MD_EMPHASIS)
    m = m.delete(r"[\r\n]+[ \t\u3000]*")
    m = m.delete(_CJK_SPACE).delete(_DIGIT_SPACE)
    m = m.delete(r"(?<= ) +")  # collapse runs of spaces between Latin words
    return m.strip()


def undouble(m: Mapped) -> Mapped:
    """``普及程度实现突破普及程度实现突破`` → ``普及程度实现突破`` (a heading printed twice)."""
    n = len(m.text)
    if n >= 4 and n % 2 == 0 and m.text[: n // 2] == m.text[n // 2 :]:
        return m.slice(0, n // 2)
    return m


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends where a sentence may end (it was not cut off mid-sentence)."""
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in SENTENCE_END + "…:："


_SENT = re.compile(rf"[^{re.escape(SENTENCE_END)}\n]*(?:[{re.escape(SENTENCE_END)}]+[{re.escape(CLOSERS)}]*|\n|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences in ``text``, split after ``。！？；`` (and ``!?;``) and line ends.

    Returns:
        ``(start, end)`` pairs, whitespace trimmed, empty sentences dropped.
    """
    spans: list[tuple[int, int]] = []
    for m in _SENT.finditer(text):
        i, j = m.start(), m.end()
        while i < j and text[i].isspace():
            i += 1
        while j > i and text[j - 1].isspace():
            j -= 1
        if j > i:
            spans.append((i, j))
    return spans


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """The text in simplified script, character for character (positions are kept: a
    character whose conversion would change the length stays as it is)."""
    out = _t2s().convert(text)
    if len(out) == len(text):
        return out
    return "".join(c if len(c := _t2s().convert(ch)) == 1 else ch for ch in text)


_CN_NUMBER = re.compile(f"[{CN_NUMERALS}]+(?=[{CLASSIFIERS}])")


def _arabic(m: re.Match[str]) -> str:
    run = m.group(0)
    if len(run) == 1 and run in "万亿":
        return run
    try:
        value = cn2an.cn2an(run, "smart")
    except (ValueError, KeyError, IndexError):
        return run
    return str(int(value)) if float(value).is_integer() else str(value)


_UNSAFE_CHARS = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_input(text: str) -> str:
    """Text a user typed or sent, made safe once at the edge: lone surrogates (which no
    encoder accepts), NUL and other control characters removed; tabs and newlines kept."""
    return _UNSAFE_CHARS.sub("", text or "")


def normalize(text: str) -> str:
    """Normalise for matching: full/half width, traditional → simplified, numerals, case.

    ``十五件`` becomes ``15件`` so a question in words matches a page in digits.
    The result is for matching only; citations always use the original text. Answering reads
    the same sentences and spans many times, so texts up to a sentence's length are memoised.
    """
    if len(text) <= NORMALIZE_MEMO_CHARS:
        return _normalize_memo(text)
    return _normalize(text)


@functools.lru_cache(maxsize=NORMALIZE_MEMO_SIZE)
def _normalize_memo(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _t2s().convert(text)
    text = _CN_NUMBER.sub(_arabic, text)
    return text.lower()


STOPWORDS = frozenset(
    ["的", "了", "是", "在", "和", "与", "及", "或", "等", "也", "都", "就", "而", "被", "把", "对", "为", "以", "于", "之", "其", "这", "那", "有", "个", "中", "上", "下", "吗", "呢", "吧", "啊", "什么", "哪些", "哪个", "哪里", "哪儿", "哪", "多少", "几", "几个", "谁", "如何", "怎么", "怎样", "为什么", "何时", "何地", "是否", "请问", "请", "一下", "一个", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much", "is", "are", "was", "were", "the", "a", "an", "of", "in", "on", "to", "for", "and", "or", "by", "with", "from", "does", "do", "did", "did", "has", "have", "at", "as", "it", "its", "this", "that", "these", "those"]
)

_TOKEN_OK = re.compile(rf"[{CJK}A-Za-z0-9]")


def tokenize(text: str) -> list[str]:
    """Jieba tokens of the normalised text, for BM25: no punctuation, no stop words."""
    tokens = []
    for tok in jieba.lcut_for_search(normalize(text)):
        tok = tok.strip()
        if tok and _TOKEN_OK.search(tok) and tok not in STOPWORDS:
            tokens.append(tok)
    return tokens


@functools.lru_cache(maxsize=NGRAM_CACHE)
def char_ngrams(text: str, n: int = 2) -> frozenset[str]:
    """Character n-grams of the normalised text without spaces or punctuation (memoised:
    the same passages and sentences come back question after question)."""
    t = "".join(ch for ch in normalize(text) if _TOKEN_OK.match(ch))
    return frozenset(t[i : i + n] for i in range(max(len(t) - n + 1, 1))) if t else frozenset()


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Jaccard similarity of two sets (0 when both are empty)."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def keywords(text: str, n: int = KEYWORDS_PER_ARTICLE) -> list[str]:
    """Keywords of a text by jieba's TextRank (TF-IDF when TextRank finds none)."""
    import jieba.analyse

    words = jieba.analyse.textrank(text, topK=n) or jieba.analyse.extract_tags(text, topK=n)
    return list(words)
